// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_monitor.c - copy and "zero-copy" monitors of VALE ports and pipes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tport.h"

static int topen(struct tport *t, const char *name, uint64_t flags)
{
	return tport_open(t, name, NR_REG_ALL_NIC, flags, 32);
}

static void tclose(struct tport *t)
{
	tport_close(t);
}

static void tsend(struct tport *t, uint8_t fill)
{
	struct netmap_ring *r = NETMAP_TXRING(t->nifp, 0);
	struct netmap_slot *s = &r->slot[r->head];
	uint8_t *b = (uint8_t *)NETMAP_BUF(r, s->buf_idx);

	memset(b, 0xff, 6);
	memset(b + 6, 0x02, 6);
	b[12] = 0x08;
	b[13] = 0;
	memset(b + 14, fill, 46);
	s->len = 60;
	s->flags = 0;
	r->head = r->cur = nm_ring_next(r, r->head);
	assert_int_equal(nm_bind_sync(&t->priv, NM_TX), 0);
}

static uint32_t tavail(struct tport *t, uint32_t ring)
{
	assert_int_equal(nm_bind_sync(&t->priv, NM_RX), 0);
	return nm_ring_space(NETMAP_RXRING(t->nifp, ring));
}

static void test_copy_monitors(void **state)
{
	struct tport a, b, mt, mr, mz;
	struct netmap_ring *r;
	struct netmap_slot *s;

	(void)state;
	/* A port not in use cannot be watched. */
	assert_int_equal(topen(&mt, "vale0:a", NR_MONITOR_TX), -EINVAL);
	assert_int_equal(topen(&a, "vale0:a", 0), 0);
	assert_int_equal(topen(&b, "vale0:b", 0), 0);
	assert_int_equal(topen(&mt, "vale0:a", NR_MONITOR_TX), 0);
	assert_int_equal(topen(&mr, "vale0:b", NR_MONITOR_RX), 0);
	assert_int_equal(topen(&mz, "vale0:a", NR_ZCOPY_MON), 0);
	assert_true(mt.reg.nr_mem_id != a.reg.nr_mem_id);
	assert_int_equal(mz.reg.nr_mem_id, a.reg.nr_mem_id);
	assert_true((mz.reg.nr_flags & (NR_MONITOR_TX | NR_MONITOR_RX)) ==
		    (NR_MONITOR_TX | NR_MONITOR_RX));
	assert_int_equal(mt.reg.nr_tx_rings, 1);

	tsend(&a, 0x11);
	tsend(&a, 0x22);
	/* The TX monitor saw both frames, flagged as transmitted. */
	assert_int_equal(tavail(&mt, 0), 2);
	r = NETMAP_RXRING(mt.nifp, 0);
	s = &r->slot[r->head];
	assert_int_equal(s->len, 60);
	assert_true(s->flags & NS_TXMON);
	assert_int_equal(((uint8_t *)NETMAP_BUF(r, s->buf_idx))[20], 0x11);
	assert_int_equal(tavail(&mz, 0), 2);
	/* The RX monitor of b sees them once b looks at its ring. */
	assert_int_equal(tavail(&mr, 0), 0);
	assert_int_equal(tavail(&b, 0), 2);
	assert_int_equal(tavail(&mr, 0), 2);
	r = NETMAP_RXRING(mr.nifp, 0);
	assert_false(r->slot[r->head].flags & NS_TXMON);
	/* Looking again does not show them twice. */
	assert_int_equal(tavail(&b, 0), 2);
	assert_int_equal(tavail(&mr, 0), 2);

	/* Monitors go away cleanly, before or after what they watch. */
	tclose(&mt);
	tclose(&a);
	tsend(&b, 0x33);
	tclose(&mz);
	tclose(&mr);
	tclose(&b);
}

static void test_monitor_of_pipe(void **state)
{
	struct tport m, s, mon;

	(void)state;
	assert_int_equal(topen(&m, "vale1:x{1", 0), 0);
	assert_int_equal(topen(&s, "vale1:x}1", 0), 0);
	assert_int_equal(topen(&mon, "vale1:x{1", NR_MONITOR_TX), 0);
	tsend(&m, 0x44);
	/* The monitor copied the frame before the pipe swapped buffers. */
	assert_int_equal(tavail(&mon, 0), 1);
	{
		struct netmap_ring *r = NETMAP_RXRING(mon.nifp, 0);

		assert_int_equal(((uint8_t *)NETMAP_BUF(r, r->slot[r->head].buf_idx))[20],
				 0x44);
	}
	assert_int_equal(tavail(&s, 0), 1);
	tclose(&mon);
	tclose(&s);
	tclose(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_monitors),
		cmocka_unit_test(test_monitor_of_pipe),
	};

	return cmocka_run_group_tests_name("monitor", tests, core_setup, core_teardown);
}
