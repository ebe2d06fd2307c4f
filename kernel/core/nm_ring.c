// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_ring.c - validation of the indices userspace writes into a ring, and
 * the bookkeeping around a sync (netmap-abi.md 4.1-4.3).
 *
 * The ring lives in memory the application can scribble on at any time, so
 * head and cur are read exactly once per sync and checked against the
 * kernel's private copies before anything uses them.
 */
#include "nm_port.h"

void nm_ring_init_state(struct nm_kring *k)
{
	struct netmap_ring *r = k->ring;
	uint32_t n = k->num_slots;

	k->hwcur = 0;
	k->hwtail = k->dir == NM_TX ? n - 1 : 0;
	k->rhead = k->rcur = 0;
	k->rtail = k->hwtail;
	k->lease_next = k->hwtail;
	k->lease_first = k->lease_last = 0;
	k->mon_pos = k->zmon_pos = k->kfill = 0;
	if (r) {
		r->head = r->cur = 0;
		r->tail = k->hwtail;
	}
}

/*
 * @head and @cur must lie in the cyclic interval [lo, hi], with head <= cur
 * in the cyclic order starting at lo.
 */
static bool nm_ring_indices_ok(uint32_t lo, uint32_t hi, uint32_t head,
			       uint32_t cur, uint32_t n)
{
	uint32_t span, dh, dc;

	if (head >= n || cur >= n)
		return false;
	span = nm_dist(lo, hi, n);
	dh = nm_dist(lo, head, n);
	dc = nm_dist(lo, cur, n);
	return dh <= span && dc <= span && dc >= dh;
}

uint32_t nm_txsync_prologue(struct nm_kring *k)
{
	struct netmap_ring *r = k->ring;
	uint32_t head = NM_READ_ONCE(r->head);
	uint32_t cur = NM_READ_ONCE(r->cur);

	/* tail is the kernel's: a user that overwrote it gets it back. */
	if (NM_READ_ONCE(r->tail) != k->rtail)
		NM_WRITE_ONCE(r->tail, k->rtail);
	if (!nm_ring_indices_ok(k->rhead, k->rtail, head, cur, k->num_slots))
		return k->num_slots;
	k->rhead = head;
	k->rcur = cur;
	return head;
}

uint32_t nm_rxsync_prologue(struct nm_kring *k)
{
	struct netmap_ring *r = k->ring;
	uint32_t head = NM_READ_ONCE(r->head);
	uint32_t cur = NM_READ_ONCE(r->cur);

	if (NM_READ_ONCE(r->tail) != k->rtail)
		NM_WRITE_ONCE(r->tail, k->rtail);
	if (!nm_ring_indices_ok(k->hwcur, k->hwtail, head, cur, k->num_slots))
		return k->num_slots;
	k->rhead = head;
	k->rcur = cur;
	return head;
}

void nm_ring_reinit(struct nm_kring *k)
{
	struct netmap_ring *r = k->ring;
	struct nm_mem *mem = k->port->mem;
	uint32_t i, bufsz = nm_mem_buf_size(mem);

	nm_os_log(NM_LOG_INFO, "%s %s ring %u: bad head/cur, ring reset",
		  k->port->name, k->dir == NM_TX ? "TX" : "RX", k->id);
	for (i = 0; i < k->num_slots; i++) {
		struct netmap_slot *s = &r->slot[i];

		if (!nm_mem_buf_valid(mem, s->buf_idx)) {
			s->buf_idx = 0;
			s->len = 0;
		} else if (s->len > bufsz) {
			s->len = 0;
		}
	}
	/*
	 * Indices go back to where the kernel stands; whatever the user had
	 * in flight between them is lost, which is the user's doing.
	 */
	k->rhead = k->rcur = k->hwcur;
	k->rtail = k->hwtail;
	r->head = r->cur = k->hwcur;
	r->tail = k->hwtail;
}

void nm_sync_finalize(struct nm_kring *k)
{
	k->rtail = k->hwtail;
	NM_WRITE_ONCE(k->ring->tail, k->rtail);
}
