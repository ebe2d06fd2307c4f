// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_pipe.c - netmap pipes through the core's control and sync entry points.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tport.h"

static int topen(struct tport *t, const char *name, uint32_t mode)
{
	return tport_open(t, name, mode, 0, 16);
}

static void tclose(struct tport *t)
{
	tport_close(t);
}

/* Put @n slots of @len bytes on TX ring 0; the last @open ones keep MOREFRAG. */
static void tput(struct tport *t, uint32_t n, uint16_t len, bool more_last)
{
	struct netmap_ring *r = NETMAP_TXRING(t->nifp, 0);
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct netmap_slot *s = &r->slot[r->head];

		memset(NETMAP_BUF(r, s->buf_idx), 0x40 + (int)i, len);
		s->len = len;
		s->flags = (i + 1 < n || more_last) ? NS_MOREFRAG : 0;
		if (i + 1 == n && !more_last && n > 1)
			s->flags = 0;
		r->head = r->cur = nm_ring_next(r, r->head);
	}
}

static void test_pipe_roundtrip(void **state)
{
	struct tport m, s;
	struct netmap_ring *tx, *rx;
	uint32_t i, idx_before;

	(void)state;
	assert_int_equal(topen(&m, "vale0:p{1", NR_REG_ALL_NIC), 0);
	assert_int_equal(topen(&s, "vale0:p}1", NR_REG_ALL_NIC), 0);
	assert_int_equal(m.reg.nr_mem_id, s.reg.nr_mem_id);
	tx = NETMAP_TXRING(m.nifp, 0);
	rx = NETMAP_RXRING(s.nifp, 0);
	idx_before = tx->slot[0].buf_idx;

	/* Three single-slot packets, then a 2-slot packet. */
	for (i = 0; i < 3; i++) {
		struct netmap_slot *sl = &tx->slot[tx->head];

		memset(NETMAP_BUF(tx, sl->buf_idx), 0x30 + (int)i, 60);
		sl->len = 60;
		sl->flags = 0;
		tx->head = tx->cur = nm_ring_next(tx, tx->head);
	}
	tput(&m, 2, 100, false);
	assert_int_equal(nm_bind_sync(&m.priv, NM_TX), 0);
	assert_int_equal(nm_bind_sync(&s.priv, NM_RX), 0);
	assert_int_equal(nm_ring_space(rx), 5);
	/* Zero copy: the receiver now holds the sender's buffer. */
	assert_int_equal(rx->slot[0].buf_idx, idx_before);
	assert_true(rx->slot[0].flags & NS_BUF_CHANGED);
	assert_true(tx->slot[0].flags & NS_BUF_CHANGED);
	assert_int_equal(*(uint8_t *)NETMAP_BUF(rx, rx->slot[2].buf_idx), 0x32);
	assert_true(rx->slot[3].flags & NS_MOREFRAG);
	assert_false(rx->slot[4].flags & NS_MOREFRAG);

	/* Nothing read yet: all 5 slots are in flight for the sender. */
	assert_int_equal(nm_bind_sync(&m.priv, NM_TX), 0);
	assert_int_equal(nm_ring_space(tx), 16 - 1 - 5);
	/* Read 2: the sender gets 2 back. */
	rx->head = rx->cur = 2;
	assert_int_equal(nm_bind_sync(&s.priv, NM_RX), 0);
	assert_int_equal(nm_bind_sync(&m.priv, NM_TX), 0);
	assert_int_equal(nm_ring_space(tx), 16 - 1 - 3);

	/* The other direction works too. */
	tx = NETMAP_TXRING(s.nifp, 0);
	tput(&s, 1, 42, false);
	assert_int_equal(nm_bind_sync(&s.priv, NM_TX), 0);
	rx = NETMAP_RXRING(m.nifp, 0);
	assert_int_equal(nm_bind_sync(&m.priv, NM_RX), 0);
	assert_int_equal(nm_ring_space(rx), 1);
	assert_int_equal(rx->slot[rx->head].len, 42);
	tclose(&m);
	tclose(&s);
}

static void test_pipe_partial_chain_held(void **state)
{
	struct tport m, s;
	struct netmap_ring *rx;

	(void)state;
	assert_int_equal(topen(&m, "vale0:q{x", NR_REG_ALL_NIC), 0);
	assert_int_equal(topen(&s, "vale0:q}x", NR_REG_ALL_NIC), 0);
	/* A chain still open at head stays with the sender. */
	tput(&m, 2, 10, true);
	assert_int_equal(nm_bind_sync(&m.priv, NM_TX), 0);
	rx = NETMAP_RXRING(s.nifp, 0);
	assert_int_equal(nm_bind_sync(&s.priv, NM_RX), 0);
	assert_int_equal(nm_ring_space(rx), 0);
	/* Closing the chain sends all three slots at once. */
	tput(&m, 1, 10, false);
	assert_int_equal(nm_bind_sync(&m.priv, NM_TX), 0);
	assert_int_equal(nm_bind_sync(&s.priv, NM_RX), 0);
	assert_int_equal(nm_ring_space(rx), 3);
	tclose(&s);
	tclose(&m);
}

static void test_pipe_one_end_then_other(void **state)
{
	struct tport m, s;

	(void)state;
	/* Packets sent before the slave is opened wait for it. */
	assert_int_equal(topen(&m, "vale0:r{7", NR_REG_ALL_NIC), 0);
	tput(&m, 1, 60, false);
	assert_int_equal(nm_bind_sync(&m.priv, NM_TX), 0);
	assert_int_equal(topen(&s, "vale0:r}7", NR_REG_ALL_NIC), 0);
	assert_int_equal(nm_bind_sync(&s.priv, NM_RX), 0);
	assert_int_equal(nm_ring_space(NETMAP_RXRING(s.nifp, 0)), 1);
	tclose(&m);
	tclose(&s);
}

static void test_pipe_errors(void **state)
{
	struct tport t;

	(void)state;
	assert_int_equal(topen(&t, "{1", NR_REG_ALL_NIC), -EINVAL);
	assert_int_equal(topen(&t, "vale0:x{", NR_REG_ALL_NIC), -EINVAL);
	assert_int_equal(topen(&t, "vale0:x{1", NR_REG_NIC_SW), -EINVAL);
	assert_int_equal(topen(&t, "nosuchdev{1", NR_REG_ALL_NIC), -ENXIO);
	/* Second open of the same end is fine (not exclusive). */
	assert_int_equal(topen(&t, "vale0:x{1", NR_REG_ONE_NIC), 0);
	tclose(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_roundtrip),
		cmocka_unit_test(test_pipe_partial_chain_held),
		cmocka_unit_test(test_pipe_one_end_then_other),
		cmocka_unit_test(test_pipe_errors),
	};

	return cmocka_run_group_tests_name("pipe", tests, core_setup, core_teardown);
}
