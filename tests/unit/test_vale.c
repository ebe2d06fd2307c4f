// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_vale.c - VALE switching through the real control and sync entry
 * points of the core, with "user memory" being this process: ports are
 * registered with NIOCCTRL bodies, rings are reached with the application
 * macros of netmap_user.h, frames go through TX sync and come out of RX sync.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tport.h"

static int ctrl(struct nm_priv *priv, const char *name, uint16_t type,
		void *body)
{
	return tport_ctrl(priv, name, type, body);
}

static int topen(struct tport *t, const char *name, uint16_t slots)
{
	return tport_open(t, name, NR_REG_ALL_NIC, NR_ACCEPT_VNET_HDR, slots);
}

static void tclose(struct tport *t)
{
	tport_close(t);
}

static void frame(uint8_t *b, const uint8_t *dst, const uint8_t *src,
		  uint32_t len, uint8_t fill)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = 0x08;
	b[13] = 0x00;
	memset(b + 14, fill, len - 14);
}

/* Queue one packet of @len bytes (split over slots) and sync. */
static void tsend(struct tport *t, const uint8_t *dst, uint32_t len,
		  uint8_t fill, uint32_t hdrlen)
{
	struct netmap_ring *r = NETMAP_TXRING(t->nifp, 0);
	static uint8_t pkt[65536];
	uint32_t off = 0, i = r->head;

	memset(pkt, 0, hdrlen);
	frame(pkt + hdrlen, dst, t->mac, len, fill);
	len += hdrlen;
	while (off < len) {
		struct netmap_slot *s = &r->slot[i];
		uint32_t c = len - off < r->nr_buf_size ? len - off : r->nr_buf_size;

		memcpy(NETMAP_BUF(r, s->buf_idx), pkt + off, c);
		s->len = c;
		off += c;
		s->flags = off < len ? NS_MOREFRAG : 0;
		i = nm_ring_next(r, i);
	}
	r->head = r->cur = i;
	assert_int_equal(nm_bind_sync(&t->priv, NM_TX), 0);
}

/* Number of slots waiting in RX ring 0 after a sync. */
static uint32_t tpending(struct tport *t)
{
	struct netmap_ring *r = NETMAP_RXRING(t->nifp, 0);

	assert_int_equal(nm_bind_sync(&t->priv, NM_RX), 0);
	return nm_ring_space(r);
}

static void tconsume(struct tport *t)
{
	struct netmap_ring *r = NETMAP_RXRING(t->nifp, 0);

	r->head = r->cur = r->tail;
	assert_int_equal(nm_bind_sync(&t->priv, NM_RX), 0);
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void test_layout(void **state)
{
	struct tport a;
	struct netmap_ring *tx, *rx;
	uint32_t i;

	(void)state;
	assert_int_equal(topen(&a, "vale0:a", 0), 0);
	assert_int_equal(a.reg.nr_tx_rings, 1);
	assert_int_equal(a.reg.nr_rx_slots, 1024);
	assert_true(a.reg.nr_mem_id > 1);
	assert_int_equal(a.nifp->ni_tx_rings, 1);
	assert_int_equal(a.nifp->ni_host_tx_rings, 1);
	assert_string_equal(a.nifp->ni_name, "vale0:a");
	assert_int_equal(a.nifp->ni_flags, NI_PRIV_MEM);
	/* Fake host rings have no offset; real ones do. */
	assert_int_equal(a.nifp->ring_ofs[1], 0);
	assert_int_equal(a.nifp->ring_ofs[3], 0);
	assert_true(a.nifp->ring_ofs[0] != 0 && a.nifp->ring_ofs[2] != 0);
	tx = NETMAP_TXRING(a.nifp, 0);
	rx = NETMAP_RXRING(a.nifp, 0);
	assert_int_equal(tx->dir, 0);
	assert_int_equal(rx->dir, 1);
	assert_int_equal(tx->tail, 1023);
	assert_int_equal(rx->tail, 0);
	for (i = 0; i < tx->num_slots; i++) {
		assert_true(tx->slot[i].buf_idx >= 2);
		assert_int_equal(tx->slot[i].len, 2048);
	}
	tclose(&a);
}

static void test_broadcast_and_learning(void **state)
{
	struct tport a, b, c;

	(void)state;
	assert_int_equal(topen(&a, "vale1:a", 0), 0);
	assert_int_equal(topen(&b, "vale1:b", 0), 0);
	assert_int_equal(topen(&c, "vale1:c", 0), 0);

	tsend(&a, bcast, 60, 1, 0);
	assert_int_equal(tpending(&a), 0);
	assert_int_equal(tpending(&b), 1);
	assert_int_equal(tpending(&c), 1);
	tconsume(&b);
	tconsume(&c);

	/* Unknown unicast floods too, and teaches the switch where b is. */
	tsend(&b, a.mac, 60, 2, 0);
	assert_int_equal(tpending(&a), 1);
	assert_int_equal(tpending(&c), 0);
	tconsume(&a);

	/* a was learned by its broadcast: only a receives. */
	tsend(&c, a.mac, 60, 3, 0);
	assert_int_equal(tpending(&a), 1);
	assert_int_equal(tpending(&b), 0);
	tconsume(&a);

	/* b was learned: a's unicast to b reaches b only. */
	tsend(&a, b.mac, 100, 4, 0);
	assert_int_equal(tpending(&b), 1);
	assert_int_equal(tpending(&c), 0);
	{
		struct netmap_ring *r = NETMAP_RXRING(b.nifp, 0);
		struct netmap_slot *s = &r->slot[r->head];
		uint8_t *p = (uint8_t *)NETMAP_BUF(r, s->buf_idx);

		assert_int_equal(s->len, 100);
		assert_memory_equal(p, b.mac, 6);
		assert_memory_equal(p + 6, a.mac, 6);
		assert_int_equal(p[99], 4);
	}
	tclose(&a);
	tclose(&b);
	tclose(&c);
}

static void test_multislot(void **state)
{
	struct tport a, b;
	struct netmap_ring *r;
	uint32_t i, j, total = 0;

	(void)state;
	assert_int_equal(topen(&a, "vale2:a", 0), 0);
	assert_int_equal(topen(&b, "vale2:b", 0), 0);
	tsend(&a, bcast, 5000, 7, 0);
	assert_int_equal(tpending(&b), 3);
	r = NETMAP_RXRING(b.nifp, 0);
	for (j = 0, i = r->head; j < 3; j++, i = nm_ring_next(r, i)) {
		struct netmap_slot *s = &r->slot[i];
		uint8_t *p = (uint8_t *)NETMAP_BUF(r, s->buf_idx);

		assert_int_equal(NS_RFRAGS(s), 3);
		assert_int_equal(!!(s->flags & NS_MOREFRAG), j < 2);
		assert_int_equal(p[s->len - 1], 7);
		total += s->len;
	}
	assert_int_equal(total, 5000);
	tclose(&a);
	tclose(&b);
}

static void test_overflow_counted(void **state)
{
	struct nmreq_vale_port_stats st;
	struct nm_priv none;
	struct tport a, b;
	int i;

	(void)state;
	memset(&none, 0, sizeof(none));
	assert_int_equal(topen(&a, "vale3:a", 64), 0);
	assert_int_equal(topen(&b, "vale3:b", 64), 0);
	/* 100 frames into a 64-slot ring: 63 fit, 37 are dropped. */
	for (i = 0; i < 100; i++)
		tsend(&a, bcast, 60, (uint8_t)i, 0);
	assert_int_equal(tpending(&b), 63);
	assert_int_equal(ctrl(&none, "vale3:b", NETMAP_REQ_VALE_PORT_STATS, &st), 0);
	assert_int_equal(st.rx_packets, 63);
	assert_int_equal(st.rx_bytes, 63 * 60);
	assert_int_equal(st.drop_no_room, 37);
	assert_int_equal(ctrl(&none, "vale3:a", NETMAP_REQ_VALE_PORT_STATS, &st), 0);
	assert_int_equal(st.tx_packets, 100);
	/* After the receiver drains, traffic flows again. */
	tconsume(&b);
	tsend(&a, bcast, 60, 1, 0);
	assert_int_equal(tpending(&b), 1);
	tclose(&a);
	tclose(&b);
}

static void test_vnet_hdr_conversion(void **state)
{
	struct nmreq_port_hdr ph = { .nr_hdr_len = 12 };
	struct nmreq_vale_port_stats st;
	struct nm_priv none;
	struct tport a, b;
	struct netmap_ring *r;
	struct netmap_slot *s;
	uint8_t *p;

	(void)state;
	memset(&none, 0, sizeof(none));
	assert_int_equal(topen(&a, "vale4:a", 0), 0);
	assert_int_equal(topen(&b, "vale4:b", 0), 0);
	assert_int_equal(ctrl(&none, "vale4:b", NETMAP_REQ_PORT_HDR_SET, &ph), 0);
	ph.nr_hdr_len = 11;
	assert_int_equal(ctrl(&none, "vale4:b", NETMAP_REQ_PORT_HDR_SET, &ph), -EINVAL);
	assert_int_equal(ctrl(&none, "vale4:b", NETMAP_REQ_PORT_HDR_GET, &ph), 0);
	assert_int_equal(ph.nr_hdr_len, 12);

	/* 0 -> 12: a plain header (num_buffers 1) is prepended. */
	tsend(&a, bcast, 60, 9, 0);
	assert_int_equal(tpending(&b), 1);
	r = NETMAP_RXRING(b.nifp, 0);
	s = &r->slot[r->head];
	p = (uint8_t *)NETMAP_BUF(r, s->buf_idx);
	assert_int_equal(s->len, 72);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[1], 0);
	assert_int_equal(p[10], 1);
	assert_memory_equal(p + 12, bcast, 6);
	tconsume(&b);

	/* 12 -> 0 with a GSO request: needs segmentation, dropped and counted. */
	{
		struct netmap_ring *tx = NETMAP_TXRING(b.nifp, 0);
		struct netmap_slot *ts = &tx->slot[tx->head];
		uint8_t *q = (uint8_t *)NETMAP_BUF(tx, ts->buf_idx);

		memset(q, 0, 12);
		q[1] = 1;	/* VIRTIO_NET_HDR_GSO_TCPV4 */
		frame(q + 12, bcast, b.mac, 60, 5);
		ts->len = 72;
		ts->flags = 0;
		tx->head = tx->cur = nm_ring_next(tx, tx->head);
		assert_int_equal(nm_bind_sync(&b.priv, NM_TX), 0);
	}
	assert_int_equal(tpending(&a), 0);
	assert_int_equal(ctrl(&none, "vale4:a", NETMAP_REQ_VALE_PORT_STATS, &st), 0);
	assert_int_equal(st.drop_hdr_mismatch, 1);

	/* 12 -> 0 plain: header stripped. */
	tsend(&b, bcast, 60, 6, 12);
	assert_int_equal(tpending(&a), 1);
	r = NETMAP_RXRING(a.nifp, 0);
	s = &r->slot[r->head];
	assert_int_equal(s->len, 60);
	tclose(&a);
	tclose(&b);
}

static void test_bad_indices_reset(void **state)
{
	struct tport a;
	struct netmap_ring *r;

	(void)state;
	assert_int_equal(topen(&a, "vale5:a", 0), 0);
	r = NETMAP_TXRING(a.nifp, 0);
	r->head = 5000;
	assert_int_equal(nm_bind_sync(&a.priv, NM_TX), 0);
	assert_int_equal(r->head, 0);
	assert_int_equal(r->tail, 1023);
	r = NETMAP_RXRING(a.nifp, 0);
	r->head = 3;	/* beyond tail */
	r->slot[7].buf_idx = 1;
	assert_int_equal(nm_bind_sync(&a.priv, NM_RX), 0);
	assert_int_equal(r->head, 0);
	assert_int_equal(r->slot[7].buf_idx, 0);
	tclose(&a);
}

static void test_list_and_lifecycle(void **state)
{
	struct nmreq_vale_list l;
	struct nm_priv none;
	struct tport a, b;
	struct nmreq_header h;

	(void)state;
	memset(&none, 0, sizeof(none));
	assert_int_equal(topen(&a, "vale6:a", 0), 0);
	assert_int_equal(topen(&b, "vale6:b", 0), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(ctrl(&none, "vale6:b", NETMAP_REQ_VALE_LIST, &l), 0);
	assert_int_equal(l.nr_port_idx, 1);
	assert_int_equal(ctrl(&none, "vale6:zz", NETMAP_REQ_VALE_LIST, &l), 0);
	assert_int_equal(l.nr_port_idx, 255);
	assert_int_equal(ctrl(&none, "vale77:zz", NETMAP_REQ_VALE_LIST, &l), -ENOENT);
	/* Iterate from the start: a first. */
	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = NETMAP_REQ_VALE_LIST;
	h.nr_body = (uintptr_t)&l;
	memset(&l, 0, sizeof(l));
	assert_int_equal(nm_ctrl_request(&none, &h), 0);
	assert_string_equal(h.nr_name, "vale6:a");
	tclose(&a);
	memset(&l, 0, sizeof(l));
	assert_int_equal(ctrl(&none, "vale6:a", NETMAP_REQ_VALE_LIST, &l), 0);
	assert_int_equal(l.nr_port_idx, 255);
	tclose(&b);
	assert_int_equal(ctrl(&none, "vale6:a", NETMAP_REQ_VALE_LIST, &l), -ENOENT);
}

static void test_alloc_failures(void **state)
{
	struct tport a;
	long n;
	int err;

	(void)state;
	/* Fail each allocation in turn: every failure is clean and leak-free. */
	for (n = 0; n < 40; n++) {
		long before = nm_os_live_allocs();

		os_user_fail_alloc_after(n);
		err = topen(&a, "vale7:a", 64);
		os_user_reset();
		if (!err) {
			tclose(&a);
			assert_int_equal(nm_os_live_allocs(), before);
			break;
		}
		assert_int_equal(err, -ENOMEM);
		assert_int_equal(nm_os_live_allocs(), before);
	}
	assert_true(n < 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_broadcast_and_learning),
		cmocka_unit_test(test_multislot),
		cmocka_unit_test(test_overflow_counted),
		cmocka_unit_test(test_vnet_hdr_conversion),
		cmocka_unit_test(test_bad_indices_reset),
		cmocka_unit_test(test_list_and_lifecycle),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests_name("vale", tests, core_setup, core_teardown);
}
