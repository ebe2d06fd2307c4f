// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_mem_ring.c - allocator geometry against the ABI's figures, buffer
 * accounting, ring index validation, and the learning table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core_fixture.h"
#include "core/vale_learn.h"

static void test_pool_geometry(void **state)
{
	uint32_t size, total;

	(void)state;
	/* Sizes round to 64, counts to whole page-multiple clusters. */
	nm_mem_pool_geometry(2048, 4098, &size, &total);
	assert_int_equal(size, 2048);
	assert_int_equal(total, 4098);	/* 2 buffers a page: already whole */
	nm_mem_pool_geometry(100, 10, &size, &total);
	assert_int_equal(size, 128);
	assert_int_equal(total, 32);	/* 32 x 128 = one page */
	nm_mem_pool_geometry(36864, 200, &size, &total);
	assert_int_equal(size, 36864);
	assert_int_equal(total, 200);
}

static void test_layout_matches_abi(void **state)
{
	/* netmap-abi.md 3.2: the reference's global defaults and a VALE port. */
	struct nm_mem_cfg g = {
		.pool = {
			[NM_POOL_IF] = { 1024, 100 },
			[NM_POOL_RING] = { 36864, 200 },
			[NM_POOL_BUF] = { 2048, 163840 },
		},
	};
	struct nm_mem m;
	struct nm_mem *p;
	int err;

	(void)state;
	memset(&m, 0, sizeof(m));
	nm_mem_layout(&m, &g);
	assert_int_equal(m.memsize, 343019520ULL);
	assert_int_equal(m.pools[NM_POOL_RING].offset, 102400);
	assert_int_equal(m.pools[NM_POOL_BUF].offset, 102400 + 7372800);

	nm_ctrl_lock();
	p = nm_mem_private_new(1, 1024, 1, 1024, 2, 0, &err);
	assert_non_null(p);
	assert_int_equal(p->memsize, 42369024ULL);
	assert_true(p->id > 1);
	nm_mem_put(p);
	nm_ctrl_unlock();
}

static void test_buffers(void **state)
{
	struct nm_mem *p;
	uint32_t idx, first, n = 0;
	int err;

	(void)state;
	nm_ctrl_lock();
	p = nm_mem_private_new(1, 64, 1, 64, 0, 0, &err);
	assert_non_null(p);
	assert_int_equal(nm_mem_finalize(p), 0);
	/* 0 and 1 are never handed out; everything else exactly once. */
	assert_int_equal(nm_mem_buf_alloc(p, &first), 0);
	assert_true(first >= 2);
	n = 1;
	while (!nm_mem_buf_alloc(p, &idx)) {
		assert_true(idx >= 2 && idx < nm_mem_nbufs(p));
		n++;
	}
	assert_int_equal(n, nm_mem_nbufs(p) - 2);
	nm_mem_buf_free(p, first);
	nm_mem_buf_free(p, first);	/* double free: refused, not counted */
	nm_mem_buf_free(p, 1);		/* reserved: ignored */
	assert_int_equal(nm_mem_buf_alloc(p, &idx), 0);
	assert_int_equal(idx, first);
	assert_int_not_equal(nm_mem_buf_alloc(p, &idx), 0);
	nm_mem_put(p);
	nm_ctrl_unlock();
}

static void ring_setup(struct nm_kring *k, struct netmap_ring *r, uint32_t n,
		       int dir)
{
	memset(k, 0, sizeof(*k));
	k->ring = r;
	k->num_slots = n;
	k->dir = dir;
	nm_ring_init_state(k);
}

static void test_tx_validation(void **state)
{
	struct {
		struct netmap_ring r;
		struct netmap_slot s[8];
	} m;
	struct nm_kring k;

	(void)state;
	memset(&m, 0, sizeof(m));
	ring_setup(&k, &m.r, 8, NM_TX);
	/* Fresh TX ring: head 0, tail 7; any head in [0,7] with cur >= head. */
	m.r.head = 5;
	m.r.cur = 7;
	assert_int_equal(nm_txsync_prologue(&k), 5);
	m.r.head = 8;
	assert_int_equal(nm_txsync_prologue(&k), 8);	/* out of range */
	m.r.head = 6;
	m.r.cur = 5;
	assert_int_equal(nm_txsync_prologue(&k), 8);	/* cur before head */
	/* Going backwards from the last accepted head is refused. */
	m.r.head = 4;
	m.r.cur = 4;
	assert_int_equal(nm_txsync_prologue(&k), 8);
	/* A user who overwrote tail gets the kernel's back. */
	m.r.tail = 3;
	m.r.head = m.r.cur = 5;
	assert_int_equal(nm_txsync_prologue(&k), 5);
	assert_int_equal(m.r.tail, 7);
	/* Wrapped interval: kernel at hwcur 6, tail 5. */
	k.hwcur = k.rhead = k.rcur = 6;
	k.hwtail = k.rtail = 5;
	m.r.tail = 5;
	m.r.head = 1;
	m.r.cur = 3;
	assert_int_equal(nm_txsync_prologue(&k), 1);
	k.rhead = k.rcur = 6;
	m.r.head = 7;
	m.r.cur = 2;
	assert_int_equal(nm_txsync_prologue(&k), 7);
}

static void test_rx_validation_and_reset(void **state)
{
	struct nm_port port;
	struct {
		struct netmap_ring r;
		struct netmap_slot s[8];
	} m;
	struct nm_kring k;
	struct nm_mem *mem;
	int err, i;

	(void)state;
	memset(&m, 0, sizeof(m));
	memset(&port, 0, sizeof(port));
	ring_setup(&k, &m.r, 8, NM_RX);
	k.hwtail = 4;
	m.r.head = 3;
	m.r.cur = 4;
	assert_int_equal(nm_rxsync_prologue(&k), 3);
	m.r.head = 5;	/* past what the kernel handed out */
	assert_int_equal(nm_rxsync_prologue(&k), 8);

	nm_ctrl_lock();
	mem = nm_mem_private_new(1, 8, 1, 8, 0, 0, &err);
	nm_ctrl_unlock();
	assert_non_null(mem);
	port.mem = mem;
	k.port = &port;
	for (i = 0; i < 8; i++) {
		m.s[i].buf_idx = 2 + i;
		m.s[i].len = 60;
	}
	m.s[1].buf_idx = 1;
	m.s[2].buf_idx = 100000;
	m.s[3].len = 4000;
	nm_ring_reinit(&k);
	assert_int_equal(m.s[1].buf_idx, 0);
	assert_int_equal(m.s[2].buf_idx, 0);
	assert_int_equal(m.s[3].len, 0);
	assert_int_equal(m.s[4].len, 60);
	assert_int_equal(m.r.head, k.hwcur);
	assert_int_equal(m.r.tail, k.hwtail);
	nm_ctrl_lock();
	nm_mem_put(mem);
	nm_ctrl_unlock();
}

static void test_learning_table(void **state)
{
	static struct vale_learn t;
	uint8_t f[12];
	uint64_t last = 0;
	const uint8_t a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
	const uint8_t b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
	const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	(void)state;
	vale_learn_init(&t);
	/* Unknown destination floods; the source is learned. */
	memcpy(f, b, 6);
	memcpy(f + 6, a, 6);
	assert_int_equal(vale_learn_fwd(&t, f, 3, &last), VALE_BROADCAST);
	memcpy(f, a, 6);
	memcpy(f + 6, b, 6);
	last = 0;
	assert_int_equal(vale_learn_fwd(&t, f, 7, &last), 3);
	/* Broadcast and multicast destinations flood. */
	memcpy(f, bc, 6);
	assert_int_equal(vale_learn_fwd(&t, f, 7, &last), VALE_BROADCAST);
	f[0] = 0x01;
	assert_int_equal(vale_learn_fwd(&t, f, 7, &last), VALE_BROADCAST);
	/* A multicast source is never learned. */
	memcpy(f, b, 6);
	memcpy(f + 6, bc, 6);
	assert_int_equal(vale_learn_fwd(&t, f, 9, &last), 7);
	/* Forgetting a port drops its entries. */
	vale_learn_forget(&t, 3);
	memcpy(f, a, 6);
	memcpy(f + 6, b, 6);
	assert_int_equal(vale_learn_fwd(&t, f, 7, &last), VALE_BROADCAST);
	/* The all-zero MAC never matches an empty entry. */
	memset(f, 0, 6);
	assert_int_equal(vale_learn_fwd(&t, f, 7, &last), VALE_BROADCAST);
	/* The hash spreads and stays in range. */
	assert_true(vale_learn_hash(a) < VALE_LEARN_SIZE);
	assert_int_not_equal(vale_learn_hash(a), vale_learn_hash(b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_geometry),
		cmocka_unit_test(test_layout_matches_abi),
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_tx_validation),
		cmocka_unit_test(test_rx_validation_and_reset),
		cmocka_unit_test(test_learning_table),
	};

	return cmocka_run_group_tests_name("mem_ring", tests, core_setup, core_teardown);
}
