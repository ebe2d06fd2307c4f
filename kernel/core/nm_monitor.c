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
 * "/z" monitors share the watched port's allocator (as the zero-copy
 * monitors of the reference implementation do) but still receive copies:
 * the watched port never lends its buffers out. Copy monitors get a private
 * allocator.
 */
#include "nm_monitor.h"
#include "nm_bind.h"

struct nm_monitor {
	struct nm_port up;
	struct nm_port *parent;		/* referenced */
	bool tx, rx;			/* directions watched */
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

static void nm_monitor_watch(struct nm_monitor *m, bool on)
{
	struct nm_port *pp = m->parent;
	int d;
	uint32_t i;

	for (d = NM_TX; d <= NM_RX; d++) {
		if (!(d == NM_TX ? m->tx : m->rx))
			continue;
		for (i = 0; i < pp->nrings[d]; i++) {
			struct nm_kring *k = &pp->krings[d][i];
			struct nm_kring *mk = &m->up.krings[NM_RX][i];
			uint8_t j;

			nm_monitor_ring_lock(k);
			if (on && k->nmon < NM_MAX_MONITORS) {
				if (!k->nmon)
					k->mon_pos = d == NM_TX ? k->rhead : k->hwtail;
				k->mon[k->nmon++] = mk;
			} else if (!on) {
				for (j = 0; j < k->nmon; j++) {
					if (k->mon[j] == mk) {
						k->mon[j] = k->mon[--k->nmon];
						break;
					}
				}
			}
			nm_os_busy_unlock(&k->busy);
		}
	}
}

static int nm_monitor_reg(struct nm_port *p, bool on)
{
	nm_monitor_watch(nm_monitor_of(p), on);
	return 0;
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
