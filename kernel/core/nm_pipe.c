// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_pipe.c - netmap pipes.
 *
 * A pipe is a pair of ports created together on the first open of either
 * end: what one end transmits on TX ring i the other receives on RX ring i.
 * Both live in the parent port's allocator, so a TX sync moves packets by
 * swapping buffer indices between the two rings, never by copying.
 *
 * The TX ring of one end and the RX ring of the other advance in lockstep
 * (slot j of one pairs with slot j of the other), which gives the flow
 * control for free: the sender's free slots are exactly the ones the
 * receiver has released.
 *
 * The two ends share one reference count and one ring lifetime: ring memory
 * of both exists while either end is bound, because a sender needs the
 * other end's RX ring whether or not anyone reads it yet.
 */
#include "nm_pipe.h"
#include "nm_bind.h"
#include "vale.h"

struct nm_pipe_pair;

struct nm_pipe_end {
	struct nm_port up;
	struct nm_pipe_pair *pair;
};

struct nm_pipe_pair {
	struct nm_pipe_end end[2];	/* 0 = master "{", 1 = slave "}" */
	struct nm_port *parent;
	bool parent_auto;		/* made for this pipe, dies with it */
	char parent_name[NETMAP_REQ_IFNAMSIZ];
	char id[NETMAP_REQ_IFNAMSIZ];
	unsigned int refs;
	bool rings;
	struct nm_pipe_pair *next;
};

static struct nm_pipe_pair *nm_pipes;	/* under the control lock */

static struct nm_pipe_pair *nm_pipe_pair_of(struct nm_port *p)
{
	return ((struct nm_pipe_end *)p)->pair;
}

static int nm_pipe_txsync(struct nm_kring *t)
{
	struct nm_kring *r = t->peer;
	struct netmap_ring *tr = t->ring, *rr = r->ring;
	struct nm_mem *mem = t->port->mem;
	uint32_t n = t->num_slots, head = t->rhead, j, lim, k;

	/* Only whole packets go over: stop after the last complete one. */
	lim = t->hwcur;
	for (k = t->hwcur; k != head; ) {
		bool more = tr->slot[k].flags & NS_MOREFRAG;

		k = nm_next(k, n);
		if (!more)
			lim = k;
	}
	for (j = t->hwcur; j != lim; j = nm_next(j, n)) {
		struct netmap_slot *ts = &tr->slot[j], *rs = &rr->slot[j];
		uint32_t idx = ts->buf_idx;

		if (nm_likely(nm_mem_buf_valid(mem, idx) &&
			      ts->len <= nm_mem_buf_size(mem))) {
			ts->buf_idx = rs->buf_idx;
			rs->buf_idx = idx;
			rs->len = ts->len;
		} else {
			/* A bad slot crosses as an empty one; no index leaks over. */
			rs->len = 0;
			t->stats.drop_bad_slot++;
		}
		rs->flags = (ts->flags & NS_MOREFRAG) | NS_BUF_CHANGED;
		ts->flags = NS_BUF_CHANGED;
		t->stats.pkts++;
		t->stats.bytes += rs->len;
	}
	if (lim != t->hwcur) {
		/* Slot contents before the index that makes them visible. */
		nm_os_wmb();
		NM_WRITE_ONCE(r->hwtail, lim);
		t->hwcur = lim;
		nm_waitq_wake(&r->wq);
		nm_waitq_wake(&r->port->wq);
	}
	t->hwtail = nm_prev(NM_READ_ONCE(r->hwcur), n);
	return 0;
}

static int nm_pipe_rxsync(struct nm_kring *r)
{
	struct nm_kring *t = r->peer;

	if (r->hwcur != r->rhead) {
		nm_os_mb();
		NM_WRITE_ONCE(r->hwcur, r->rhead);
		/* Released slots are the sender's new room. */
		nm_waitq_wake(&t->wq);
		nm_waitq_wake(&t->port->wq);
	}
	return 0;
}

static int nm_pipe_reg(struct nm_port *p, bool on)
{
	(void)p;
	(void)on;
	return 0;
}

static void nm_pipe_rings_delete(struct nm_pipe_pair *pp)
{
	nm_port_rings_delete(&pp->end[0].up);
	nm_port_rings_delete(&pp->end[1].up);
	pp->rings = false;
}

static void nm_pipe_link(struct nm_port *a, struct nm_port *b)
{
	uint32_t i;

	for (i = 0; i < a->nrings[NM_TX]; i++) {
		a->krings[NM_TX][i].peer = &b->krings[NM_RX][i];
		b->krings[NM_RX][i].peer = &a->krings[NM_TX][i];
	}
}

static int nm_pipe_activate(struct nm_port *p)
{
	struct nm_pipe_pair *pp = nm_pipe_pair_of(p);
	int err;

	if (pp->rings)
		return 0;
	err = nm_port_rings_create(&pp->end[0].up);
	if (!err)
		err = nm_port_rings_create(&pp->end[1].up);
	if (err) {
		nm_pipe_rings_delete(pp);
		return err;
	}
	nm_pipe_link(&pp->end[0].up, &pp->end[1].up);
	nm_pipe_link(&pp->end[1].up, &pp->end[0].up);
	pp->rings = true;
	return 0;
}

static void nm_pipe_deactivate(struct nm_port *p)
{
	struct nm_pipe_pair *pp = nm_pipe_pair_of(p);

	/* The other end may still send into our RX rings or read its own. */
	if (pp->end[0].up.active_fds == 0 && pp->end[1].up.active_fds == 0)
		nm_pipe_rings_delete(pp);
}

static void nm_pipe_get(struct nm_port *p)
{
	nm_pipe_pair_of(p)->refs++;
}

static void nm_pipe_put(struct nm_port *p)
{
	struct nm_pipe_pair *pp = nm_pipe_pair_of(p), **link;

	if (--pp->refs)
		return;
	for (link = &nm_pipes; *link && *link != pp; link = &(*link)->next)
		;
	if (*link)
		*link = pp->next;
	if (pp->rings)
		nm_pipe_rings_delete(pp);
	nm_port_fini(&pp->end[0].up);
	nm_port_fini(&pp->end[1].up);
	nm_mem_put(pp->end[0].up.mem);
	nm_mem_put(pp->end[1].up.mem);
	nm_port_put(pp->parent);
	if (pp->parent_auto)
		nm_os_persist_reap_auto();
	nm_os_free(pp);
}

static void nm_pipe_dtor(struct nm_port *p)
{
	/* Never reached: nm_pipe_put() owns the pair's end of life. */
	(void)p;
}

static const struct nm_port_ops nm_pipe_ops = {
	.txsync = nm_pipe_txsync,
	.rxsync = nm_pipe_rxsync,
	.reg = nm_pipe_reg,
	.dtor = nm_pipe_dtor,
	.get = nm_pipe_get,
	.put = nm_pipe_put,
	.activate = nm_pipe_activate,
	.deactivate = nm_pipe_deactivate,
};

static uint32_t nm_pipe_clamp(uint32_t v, uint32_t dflt, uint32_t max)
{
	return v == 0 ? dflt : v > max ? max : v;
}

static int nm_pipe_create(struct nm_port *parent, const char *pname,
			  const char *id, const struct nmreq_register *reg,
			  bool master, struct nm_pipe_pair **ppp)
{
	struct nm_pipe_pair *pp;
	uint32_t dflt_slots, txr, rxr, txd, rxd;
	int me = master ? 0 : 1, i, err;

	pp = nm_os_zalloc(sizeof(*pp));
	if (!pp)
		return -ENOMEM;
	dflt_slots = parent->nslots[NM_TX] ? parent->nslots[NM_TX] : 1024;
	/* The geometry asked for describes the end being opened. */
	txr = nm_pipe_clamp(reg->nr_tx_rings, 1, NM_PIPE_MAX_RINGS);
	rxr = nm_pipe_clamp(reg->nr_rx_rings, 1, NM_PIPE_MAX_RINGS);
	txd = nm_pipe_clamp(reg->nr_tx_slots, dflt_slots, NM_PIPE_MAX_SLOTS);
	rxd = nm_pipe_clamp(reg->nr_rx_slots, dflt_slots, NM_PIPE_MAX_SLOTS);
	for (i = 0; i < 2; i++) {
		struct nm_port *e = &pp->end[i].up;
		char name[NETMAP_REQ_IFNAMSIZ + 2];

		pp->end[i].pair = pp;
		e->kind = NM_PORT_PIPE;
		e->nrings[NM_TX] = i == me ? txr : rxr;
		e->nrings[NM_RX] = i == me ? rxr : txr;
		e->nslots[NM_TX] = i == me ? txd : rxd;
		e->nslots[NM_RX] = i == me ? rxd : txd;
		snprintf(name, sizeof(name), "%s%c%s", pname, i ? '}' : '{', id);
		err = nm_port_init(e, name, &nm_pipe_ops, nm_mem_get(parent->mem));
		if (err) {
			nm_mem_put(parent->mem);
			if (i == 1) {
				nm_port_fini(&pp->end[0].up);
				nm_mem_put(parent->mem);
			}
			nm_os_free(pp);
			return err;
		}
	}
	pp->parent = parent;
	nm_strlcpy(pp->parent_name, pname, sizeof(pp->parent_name));
	nm_strlcpy(pp->id, id, sizeof(pp->id));
	pp->refs = 1;
	pp->next = nm_pipes;
	nm_pipes = pp;
	*ppp = pp;
	return 0;
}

int nm_pipe_lookup(const char *name, struct nmreq_register *reg, bool create,
		   struct nm_port **pp)
{
	char pname[NETMAP_REQ_IFNAMSIZ];
	struct nmreq_register preg;
	struct nm_pipe_pair *pair;
	struct nm_port *parent;
	const char *br, *id;
	bool master;
	size_t plen;
	bool auto_parent = false;
	int err, count = 0;

	br = strrchr(name, '{');
	if (!br)
		br = strrchr(name, '}');
	if (br == name || br[1] == '\0')
		return -EINVAL;
	if (reg->nr_mode != NR_REG_ALL_NIC && reg->nr_mode != NR_REG_ONE_NIC)
		return -EINVAL;
	master = *br == '{';
	id = br + 1;
	plen = (size_t)(br - name);
	memcpy(pname, name, plen);
	pname[plen] = '\0';

	for (pair = nm_pipes; pair; pair = pair->next) {
		if (!strcmp(pair->parent_name, pname) && !strcmp(pair->id, id)) {
			*pp = nm_port_get(&pair->end[master ? 0 : 1].up);
			return 0;
		}
	}
	if (!create)
		return -ENXIO;
	memset(&preg, 0, sizeof(preg));
	preg.nr_mode = NR_REG_ALL_NIC;
	err = nm_port_lookup(pname, &preg, true, &parent);
	if (err == -ENXIO && !vale_name_is_vale(pname)) {
		/* A missing device becomes a persistent port that the pipe owns. */
		err = nm_os_persist_create_auto(pname);
		if (!err) {
			err = nm_port_lookup(pname, &preg, true, &parent);
			if (err)
				nm_os_persist_reap_auto();
			auto_parent = !err;
		}
	}
	if (err)
		return err;
	for (pair = nm_pipes; pair; pair = pair->next)
		if (pair->parent == parent)
			count++;
	if (count >= NM_PIPE_MAX_PER_PARENT)
		err = -ENOMEM;
	else
		err = nm_pipe_create(parent, pname, id, reg, master, &pair);
	if (err) {
		nm_port_put(parent);
		if (auto_parent)
			nm_os_persist_reap_auto();
		return err;
	}
	pair->parent_auto = auto_parent;
	*pp = &pair->end[master ? 0 : 1].up;
	return 0;
}
