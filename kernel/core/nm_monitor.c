// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_monitor.c - monitor ports: an application opens "PORT/t", "PORT/r" or
 * "PORT/z" (NR_MONITOR_TX, NR_MONITOR_RX, NR_ZCOPY_MON) and receives a copy
 * of what PORT transmits and/or receives, with NS_TXMON on copies of
 * transmitted slots.
 *
 * A monitor has one inert TX ring and as many RX rings as the watched port
 * has rings in its larger direction; watched ring i feeds monitor RX ring i.
 * The copy happens inside the watched ring's own sync (its busy bit held),
 * before the port hands slots on, so a monitor never sees a buffer that was
 * already recycled. A full monitor ring drops; the watched port never
 * waits for its monitors.
 *
 * Copy monitors get a private allocator. "/z" monitors share the watched
 * port's allocator and copy nothing: once the watched port is done with a
 * buffer, the buffer itself moves into the monitor's RX ring and a free one
 * from the monitor takes its place (NS_BUF_CHANGED on both slots). "Done"
 * is what makes the monitor see a frame only after it was consumed:
 *  - TX: after the slot was transmitted, i.e. the port's sync finished with
 *    it (a switch copies synchronously; a pipe's buffer only comes back when
 *    the other end released it, so for a pipe TX ring the lending happens at
 *    the other end's RX release instead);
 *  - RX: when the application releases the slot (at its next RX sync).
 * A ring lends to at most one zero-copy monitor (a buffer can only go to
 * one place). A full monitor ring takes nothing: the frames it misses are
 * counted as its no-room drops and stay with the watched port.
 */
#include "nm_monitor.h"
#include "nm_bind.h"

struct nm_monitor {
	struct nm_port up;
	struct nm_port *parent;		/* referenced */
	bool tx, rx;			/* directions watched */
	bool zcopy;
};

static struct nm_monitor *nm_monitor_of(struct nm_port *p)
{
	return (struct nm_monitor *)p;
}

/* Copy slots [from, to) of @k into monitor ring @mk. */
static void nm_monitor_copy(struct nm_kring *k, struct nm_kring *mk,
			    uint32_t from, uint32_t to, uint16_t flag)
{
	struct nm_mem *sm = k->port->mem, *dm = mk->port->mem;
	uint32_t dbuf = nm_mem_buf_size(dm), n = mk->num_slots, j;
	bool woke = false;

	nm_spin_lock(&mk->lock);
	for (j = from; j != to; j = nm_next(j, k->num_slots)) {
		struct netmap_slot *s = &k->ring->slot[j], *d;
		uint32_t len = s->len, next = nm_next(mk->hwtail, n);

		if (next == mk->hwcur) {
			mk->stats.drop_no_room++;
			continue;
		}
		d = &mk->ring->slot[mk->hwtail];
		if (!nm_mem_buf_valid(dm, d->buf_idx)) {
			mk->stats.drop_bad_slot++;
			continue;
		}
		if ((s->flags & NS_INDIRECT) || !nm_mem_buf_valid(sm, s->buf_idx) ||
		    len > nm_mem_buf_size(sm))
			len = 0;
		if (len > dbuf)
			len = dbuf;
		if (len)
			memcpy(nm_mem_buf(dm, d->buf_idx), nm_mem_buf(sm, s->buf_idx),
			       len);
		d->len = len;
		d->flags = (s->flags & NS_MOREFRAG) | flag;
		mk->stats.pkts++;
		mk->stats.bytes += len;
		mk->hwtail = next;
		woke = true;
	}
	nm_spin_unlock(&mk->lock);
	if (woke) {
		nm_waitq_wake(&mk->wq);
		nm_waitq_wake(&mk->port->wq);
	}
}

void nm_monitor_tx(struct nm_kring *k)
{
	uint8_t i;

	/* Slots about to be transmitted and not shown yet. */
	if (nm_dist(k->hwcur, k->mon_pos, k->num_slots) >
	    nm_dist(k->hwcur, k->rhead, k->num_slots))
		k->mon_pos = k->hwcur;
	for (i = 0; i < k->nmon; i++)
		nm_monitor_copy(k, k->mon[i], k->mon_pos, k->rhead, NS_TXMON);
	k->mon_pos = k->rhead;
}

void nm_monitor_rx(struct nm_kring *k)
{
	uint32_t tail = NM_READ_ONCE(k->hwtail);
	uint8_t i;

	/* Arrivals since the last look; slots before hwcur are gone. */
	nm_os_rmb();
	if (nm_dist(k->hwcur, k->mon_pos, k->num_slots) >
	    nm_dist(k->hwcur, tail, k->num_slots))
		k->mon_pos = k->hwcur;
	for (i = 0; i < k->nmon; i++)
		nm_monitor_copy(k, k->mon[i], k->mon_pos, tail, 0);
	k->mon_pos = tail;
}

/*
 * Lend the buffers of slots [from, to) of @k to zero-copy monitor ring @mk,
 * taking as many of its free buffers in exchange. Both rings live in the
 * same allocator; a slot with an index that is not a buffer of it (the
 * application may write anything into a released slot) is left alone.
 */
static void nm_zmon_lend(struct nm_kring *k, struct nm_kring *mk,
			 uint32_t from, uint32_t to, uint16_t flag)
{
	struct nm_mem *mem = mk->port->mem;
	uint32_t bsize = nm_mem_buf_size(mem), n = mk->num_slots, j;
	bool woke = false;

	nm_spin_lock(&mk->lock);
	for (j = from; j != to; j = nm_next(j, k->num_slots)) {
		struct netmap_slot *s = &k->ring->slot[j], *d;
		uint32_t next = nm_next(mk->hwtail, n), idx;

		if (next == mk->hwcur) {
			mk->stats.drop_no_room += nm_dist(j, to, k->num_slots);
			break;
		}
		d = &mk->ring->slot[mk->hwtail];
		if ((s->flags & NS_INDIRECT) || s->len > bsize ||
		    !nm_mem_buf_valid(mem, s->buf_idx) ||
		    !nm_mem_buf_valid(mem, d->buf_idx)) {
			mk->stats.drop_bad_slot++;
			continue;
		}
		idx = d->buf_idx;
		d->buf_idx = s->buf_idx;
		d->len = s->len;
		d->flags = (s->flags & NS_MOREFRAG) | flag | NS_BUF_CHANGED;
		s->buf_idx = idx;
		s->flags |= NS_BUF_CHANGED;
		mk->stats.pkts++;
		mk->stats.bytes += d->len;
		mk->hwtail = next;
		woke = true;
	}
	nm_spin_unlock(&mk->lock);
	if (woke) {
		nm_waitq_wake(&mk->wq);
		nm_waitq_wake(&mk->port->wq);
	}
}

void nm_zmon_tx(struct nm_kring *k)
{
	uint32_t n = k->num_slots, done = nm_next(k->hwtail, n);

	/* A pipe's sent buffers are lent when its peer releases them. */
	if (k->port->kind & NM_PORT_PIPE)
		return;
	/* Transmitted since the last look: [zmon_pos, done), done <= hwcur. */
	if (nm_dist(k->zmon_pos, done, n) > nm_dist(k->zmon_pos, k->hwcur, n))
		k->zmon_pos = done;
	nm_zmon_lend(k, k->zmon, k->zmon_pos, done, NS_TXMON);
	k->zmon_pos = done;
}

void nm_zmon_rx(struct nm_kring *k)
{
	struct nm_kring *mk = k->zmon;
	uint16_t flag = 0;

	/*
	 * Released by the application: [hwcur, rhead). On a pipe these are
	 * also what the other end sent, so a monitor of that end's TX ring
	 * gets them when no monitor of this RX ring does.
	 */
	if (!mk && k->peer) {
		mk = NM_READ_ONCE(k->peer->zmon);
		flag = NS_TXMON;
	}
	if (mk)
		nm_zmon_lend(k, mk, k->hwcur, k->rhead, flag);
}

static int nm_monitor_txsync(struct nm_kring *k)
{
	/* The TX ring of a monitor goes nowhere: everything is consumed. */
	k->hwcur = k->rhead;
	k->hwtail = nm_prev(k->rhead, k->num_slots);
	return 0;
}

static int nm_monitor_rxsync(struct nm_kring *k)
{
	nm_spin_lock(&k->lock);
	k->hwcur = k->rhead;
	nm_spin_unlock(&k->lock);
	return 0;
}

/* Wait for a sync of @k to finish, then hold it off. */
static void nm_monitor_ring_lock(struct nm_kring *k)
{
	while (!nm_os_busy_trylock(&k->busy))
		nm_os_yield();
}

/* Add (on) or remove copy monitor ring @mk on watched ring @k. */
static void nm_monitor_watch_copy(struct nm_kring *k, struct nm_kring *mk,
				  bool on)
{
	uint8_t j;

	if (on && k->nmon < NM_MAX_MONITORS) {
		if (!k->nmon)
			k->mon_pos = k->dir == NM_TX ? k->rhead : k->hwtail;
		k->mon[k->nmon++] = mk;
	} else if (!on) {
		for (j = 0; j < k->nmon; j++) {
			if (k->mon[j] == mk) {
				k->mon[j] = k->mon[--k->nmon];
				break;
			}
		}
	}
}

/*
 * Set or clear the zero-copy monitor of @k. A pipe's TX ring is lent from
 * by its peer RX ring's sync, so that ring is held off as well.
 */
static int nm_monitor_watch_zcopy(struct nm_kring *k, struct nm_kring *mk,
				  bool on)
{
	struct nm_kring *peer = k->dir == NM_TX ? k->peer : NULL;
	int err = 0;

	if (peer)
		nm_monitor_ring_lock(peer);
	if (on && k->zmon) {
		err = -EBUSY;
	} else if (on) {
		k->zmon_pos = k->hwcur;
		NM_WRITE_ONCE(k->zmon, mk);
	} else if (k->zmon == mk) {
		NM_WRITE_ONCE(k->zmon, NULL);
	}
	if (peer)
		nm_os_busy_unlock(&peer->busy);
	return err;
}

static int nm_monitor_watch(struct nm_monitor *m, bool on)
{
	struct nm_port *pp = m->parent;
	int d, err = 0;
	uint32_t i;

	for (d = NM_TX; d <= NM_RX; d++) {
		if (!(d == NM_TX ? m->tx : m->rx))
			continue;
		for (i = 0; i < pp->nrings[d]; i++) {
			struct nm_kring *k = &pp->krings[d][i];
			struct nm_kring *mk = &m->up.krings[NM_RX][i];

			nm_monitor_ring_lock(k);
			if (m->zcopy)
				err = nm_monitor_watch_zcopy(k, mk, on);
			else
				nm_monitor_watch_copy(k, mk, on);
			nm_os_busy_unlock(&k->busy);
			if (err)
				goto unwind;
		}
	}
	return 0;
unwind:
	/* Only a ring that already lends to another monitor fails. */
	nm_os_log(NM_LOG_INFO,
		  "%s: a ring already lends its buffers to a /z monitor",
		  pp->name);
	nm_monitor_watch(m, false);
	return err;
}

static int nm_monitor_reg(struct nm_port *p, bool on)
{
	return nm_monitor_watch(nm_monitor_of(p), on);
}

static void nm_monitor_dtor(struct nm_port *p)
{
	struct nm_monitor *m = nm_monitor_of(p);

	nm_port_put(m->parent);
	nm_os_free(m);
}

static const struct nm_port_ops nm_monitor_ops = {
	.txsync = nm_monitor_txsync,
	.rxsync = nm_monitor_rxsync,
	.reg = nm_monitor_reg,
	.dtor = nm_monitor_dtor,
};

int nm_monitor_create(const char *name, struct nmreq_register *reg,
		      struct nm_port **pp)
{
	struct nmreq_register preg = *reg;
	struct nm_port *parent;
	struct nm_monitor *m;
	struct nm_mem *mem;
	uint32_t nr, slots;
	int err;

	preg.nr_flags &= ~(uint64_t)(NR_MONITOR_TX | NR_MONITOR_RX | NR_ZCOPY_MON);
	preg.nr_mode = NR_REG_ALL_NIC;
	err = nm_port_lookup(name, &preg, false, &parent);
	if (err)
		return -EINVAL;
	/* Only a port in use can be watched, and not another monitor. */
	if (!parent->active_fds || (parent->kind & NM_PORT_MONITOR)) {
		nm_port_put(parent);
		return -EINVAL;
	}
	nr = parent->nrings[NM_TX] > parent->nrings[NM_RX] ?
	     parent->nrings[NM_TX] : parent->nrings[NM_RX];
	slots = reg->nr_rx_slots ? reg->nr_rx_slots : parent->nslots[NM_RX];
	if (!slots || slots > 4096)
		slots = slots ? 4096 : 1024;
	if (reg->nr_flags & NR_ZCOPY_MON) {
		mem = nm_mem_get(parent->mem);
	} else {
		mem = nm_mem_private_new(1, slots, nr, slots, 0, 0, &err);
		if (!mem) {
			nm_port_put(parent);
			return err;
		}
	}
	m = nm_os_zalloc(sizeof(*m));
	if (!m) {
		err = -ENOMEM;
		goto fail_mem;
	}
	m->parent = parent;
	m->tx = reg->nr_flags & (NR_MONITOR_TX | NR_ZCOPY_MON);
	m->rx = reg->nr_flags & (NR_MONITOR_RX | NR_ZCOPY_MON);
	m->zcopy = reg->nr_flags & NR_ZCOPY_MON;
	m->up.kind = NM_PORT_MONITOR;
	m->up.nrings[NM_TX] = 1;
	m->up.nrings[NM_RX] = nr;
	m->up.nslots[NM_TX] = slots;
	m->up.nslots[NM_RX] = slots;
	err = nm_port_init(&m->up, name, &nm_monitor_ops, mem);
	if (err)
		goto fail_free;
	if (reg->nr_flags & NR_ZCOPY_MON)
		reg->nr_flags |= NR_MONITOR_TX | NR_MONITOR_RX;
	*pp = &m->up;
	return 0;
fail_free:
	nm_os_free(m);
fail_mem:
	nm_mem_put(mem);
	nm_port_put(parent);
	return err;
}
