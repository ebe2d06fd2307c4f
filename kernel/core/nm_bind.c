// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_bind.c - binding an open file to a port (REGISTER), the per-file
 * netmap_if, extra buffers, and the sync and poll entry points.
 */
#include "nm_bind.h"
#include "nm_null.h"
#include "nm_pipe.h"
#include "nm_monitor.h"
#include "vale.h"

int nm_port_lookup(const char *name, struct nmreq_register *reg, bool create,
		   struct nm_port **pp)
{
	if (reg->nr_mode == NR_REG_NULL)
		return create ? nm_null_port_create(name, reg, pp) : -EINVAL;
	if (reg->nr_flags & (NR_MONITOR_TX | NR_MONITOR_RX | NR_ZCOPY_MON))
		return create ? nm_monitor_create(name, reg, pp) : -EINVAL;
	if (strchr(name, '{') || strchr(name, '}'))
		return nm_pipe_lookup(name, reg, create, pp);
	if (vale_name_is_vale(name))
		return vale_port_lookup(name, reg, create, pp);
	return nm_os_netdev_port(name, pp);
}

/* Rings of direction @d that @mode binds; netmap-abi.md 2.5 (nr_mode). */
static int nm_bind_range(const struct nm_port *p, const struct nmreq_register *reg,
			 int d, uint32_t *first, uint32_t *last)
{
	uint32_t nr = p->nrings[d], nh = p->nhost[d], r = reg->nr_ringid;

	switch (reg->nr_mode) {
	case NR_REG_ALL_NIC:
		*first = 0;
		*last = nr;
		break;
	case NR_REG_SW:
		*first = nr;
		*last = nr + nh;
		break;
	case NR_REG_NIC_SW:
	case NR_REG_NULL:
		*first = 0;
		*last = nr + nh;
		break;
	case NR_REG_ONE_NIC:
		*first = r < nr ? r : 0;
		*last = *first + 1;
		break;
	case NR_REG_ONE_SW:
		*first = nr + (r < nh ? r : 0);
		*last = *first + 1;
		break;
	default:
		return -EINVAL;
	}
	if ((d == NM_TX && (reg->nr_flags & NR_RX_RINGS_ONLY)) ||
	    (d == NM_RX && (reg->nr_flags & NR_TX_RINGS_ONLY)))
		*first = *last = 0;
	if (*last > nr + nh)
		*first = *last = 0;
	return 0;
}

static int nm_bind_check_mode(const struct nm_port *p,
			      const struct nmreq_register *reg)
{
	uint32_t r = reg->nr_ringid;

	switch (reg->nr_mode) {
	case NR_REG_ALL_NIC:
	case NR_REG_NULL:
		return 0;
	case NR_REG_SW:
	case NR_REG_NIC_SW:
		return p->nhost[NM_TX] || p->nhost[NM_RX] ? 0 : -EINVAL;
	case NR_REG_ONE_NIC:
		return r < p->nrings[NM_TX] || r < p->nrings[NM_RX] ? 0 : -EINVAL;
	case NR_REG_ONE_SW:
		return r < p->nhost[NM_TX] || r < p->nhost[NM_RX] ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static struct nm_kring *nm_bind_kring(struct nm_priv *priv, int d, uint32_t i)
{
	return &priv->port->krings[d][i];
}

#define nm_for_bound(priv, d, i) \
	for (i = (priv)->first[d]; i < (priv)->last[d]; i++)

/* Free an extra-buffer list, trusting nothing the user may have written. */
static void nm_bind_free_extra(struct nm_mem *mem, uint32_t head)
{
	uint32_t n = nm_mem_nbufs(mem), i = head, next;

	while (nm_mem_buf_valid(mem, i) && n--) {
		next = *(uint32_t *)nm_mem_buf(mem, i);
		nm_mem_buf_free(mem, i);
		i = next;
	}
}

static uint32_t nm_bind_alloc_extra(struct nm_port *p, struct netmap_if *nifp,
				    uint32_t want)
{
	uint32_t got, idx;

	if ((p->kind & NM_PORT_VALE) && want > VALE_MAX_EXTRA_BUFS)
		want = VALE_MAX_EXTRA_BUFS;
	nifp->ni_bufs_head = 0;
	for (got = 0; got < want; got++) {
		if (nm_mem_buf_alloc(p->mem, &idx))
			break;
		/* Each buffer starts with the index of the next; newest first. */
		*(uint32_t *)nm_mem_buf(p->mem, idx) = nifp->ni_bufs_head;
		nifp->ni_bufs_head = idx;
	}
	return got;
}

static int nm_bind_make_if(struct nm_priv *priv)
{
	struct nm_port *p = priv->port;
	uint32_t t = p->nrings[NM_TX], r = p->nrings[NM_RX];
	uint32_t ht = p->nhost[NM_TX] ? p->nhost[NM_TX] : 1;
	uint32_t hr = p->nhost[NM_RX] ? p->nhost[NM_RX] : 1;
	uint32_t base[2] = { 0, t + ht }, i;
	struct netmap_if *nifp;
	uint64_t ofs;

	nifp = nm_mem_if_alloc(p->mem, sizeof(*nifp) +
			       (t + ht + r + hr) * sizeof(nifp->ring_ofs[0]), &ofs);
	if (!nifp)
		return -ENOMEM;
	nm_strlcpy(nifp->ni_name, p->name, sizeof(nifp->ni_name));
	nifp->ni_flags = p->mem->is_global ? 0 : NI_PRIV_MEM;
	nifp->ni_tx_rings = t;
	nifp->ni_rx_rings = r;
	nifp->ni_host_tx_rings = ht;
	nifp->ni_host_rx_rings = hr;
	/* Only bound rings get an offset; 0 tells applications "not yours". */
	nm_for_bound(priv, NM_TX, i)
		nifp->ring_ofs[base[NM_TX] + i] =
			(int64_t)(nm_bind_kring(priv, NM_TX, i)->ring_ofs - ofs);
	nm_for_bound(priv, NM_RX, i)
		nifp->ring_ofs[base[NM_RX] + i] =
			(int64_t)(nm_bind_kring(priv, NM_RX, i)->ring_ofs - ofs);
	priv->nifp = nifp;
	priv->nifp_ofs = ofs;
	return 0;
}

int nm_bind_register(struct nm_priv *priv, struct nmreq_header *hdr,
		     struct nmreq_register *reg)
{
	struct nm_priv tmp = *priv;
	struct nm_port *p;
	uint32_t i;
	int d, err;

	if (priv->port)
		return -EBUSY;
	switch (reg->nr_mode) {
	case NR_REG_ALL_NIC:
	case NR_REG_SW:
	case NR_REG_NIC_SW:
	case NR_REG_ONE_NIC:
	case NR_REG_NULL:
	case NR_REG_ONE_SW:
		break;
	default:
		return -EINVAL;
	}
	err = nm_port_lookup(hdr->nr_name, reg, true, &p);
	if (err)
		return err;
	tmp.port = p;
	tmp.flags = reg->nr_flags;
	if (p->virt_hdr_len && !(reg->nr_flags & NR_ACCEPT_VNET_HDR)) {
		err = -EIO;
		goto put;
	}
	err = nm_bind_check_mode(p, reg);
	if (err)
		goto put;
	for (d = NM_TX; d <= NM_RX; d++) {
		err = nm_bind_range(p, reg, d, &tmp.first[d], &tmp.last[d]);
		if (err)
			goto put;
		nm_for_bound(&tmp, d, i) {
			struct nm_kring *k = nm_bind_kring(&tmp, d, i);

			if (k->exclusive ||
			    ((reg->nr_flags & NR_EXCLUSIVE) && k->users)) {
				err = -EBUSY;
				goto put;
			}
		}
	}
	if (p->ops->app_enter)
		p->ops->app_enter(p);
	if (p->active_fds == 0) {
		err = nm_port_activate(p);
		if (err)
			goto leave;
	}
	p->active_fds++;
	err = nm_bind_make_if(&tmp);
	if (err)
		goto unreg;
	reg->nr_extra_bufs = nm_bind_alloc_extra(p, tmp.nifp, reg->nr_extra_bufs);
	for (d = NM_TX; d <= NM_RX; d++) {
		nm_for_bound(&tmp, d, i) {
			struct nm_kring *k = nm_bind_kring(&tmp, d, i);

			k->users++;
			if (reg->nr_flags & NR_EXCLUSIVE)
				k->exclusive = true;
		}
	}
	reg->nr_offset = tmp.nifp_ofs;
	reg->nr_memsize = p->mem->memsize;
	reg->nr_tx_slots = p->nslots[NM_TX];
	reg->nr_rx_slots = p->nslots[NM_RX];
	reg->nr_tx_rings = p->nrings[NM_TX];
	reg->nr_rx_rings = p->nrings[NM_RX];
	reg->nr_host_tx_rings = p->nhost[NM_TX];
	reg->nr_host_rx_rings = p->nhost[NM_RX];
	reg->nr_mem_id = p->mem->id;
	/* Sync and poll may run as soon as the port is visible. */
	tmp.port = NULL;
	*priv = tmp;
	nm_os_wmb();
	NM_WRITE_ONCE(priv->port, p);
	return 0;
unreg:
	if (--p->active_fds == 0)
		nm_port_deactivate(p);
leave:
	if (p->ops->app_leave)
		p->ops->app_leave(p);
put:
	nm_port_put(p);
	return err;
}

void nm_bind_release(struct nm_priv *priv)
{
	struct nm_port *p = priv->port;
	uint32_t i;
	int d;

	if (!p)
		return;
	for (d = NM_TX; d <= NM_RX; d++) {
		nm_for_bound(priv, d, i) {
			struct nm_kring *k = nm_bind_kring(priv, d, i);

			k->users--;
			if (priv->flags & NR_EXCLUSIVE)
				k->exclusive = false;
		}
	}
	nm_bind_free_extra(p->mem, NM_READ_ONCE(priv->nifp->ni_bufs_head));
	nm_mem_if_free(p->mem, priv->nifp);
	priv->nifp = NULL;
	if (--p->active_fds == 0)
		nm_port_deactivate(p);
	if (p->ops->app_leave)
		p->ops->app_leave(p);
	priv->port = NULL;
	nm_port_put(p);
	/* An application may have opened a pipe's self-made parent by name. */
	nm_os_persist_reap_auto();
}

static void nm_bind_timestamp(struct nm_kring *k)
{
	int64_t sec, usec;

	nm_os_gettime(&sec, &usec);
	k->ring->ts.tv_sec = sec;
	k->ring->ts.tv_usec = usec;
}

/* One ring's sync; returns false if the ring had to be reset. */
static bool nm_bind_sync_one(struct nm_port *p, struct nm_kring *k, int dir)
{
	bool ok = true;

	if (dir == NM_TX) {
		if (nm_txsync_prologue(k) >= k->num_slots) {
			nm_ring_reinit(k);
			ok = false;
		} else {
			/* Monitors copy before the port may swap buffers away. */
			if (nm_unlikely(k->nmon))
				nm_monitor_tx(k);
			if (p->ops->txsync(k) == 0) {
				/* Sent buffers go to a /z monitor before the user sees them free. */
				if (nm_unlikely(k->zmon))
					nm_zmon_tx(k);
				nm_sync_finalize(k);
			}
		}
	} else {
		if (nm_rxsync_prologue(k) >= k->num_slots) {
			nm_ring_reinit(k);
			ok = false;
		}
		/* ...and see arrivals before their slots are released. */
		if (nm_unlikely(k->nmon))
			nm_monitor_rx(k);
		/* Released buffers go to a /z monitor before the port reuses them. */
		if (nm_unlikely(k->zmon || (k->peer && NM_READ_ONCE(k->peer->zmon))))
			nm_zmon_rx(k);
		if (p->ops->rxsync(k) == 0)
			nm_sync_finalize(k);
		nm_bind_timestamp(k);
	}
	return ok;
}

int nm_bind_sync(struct nm_priv *priv, int dir)
{
	struct nm_port *p = NM_READ_ONCE(priv->port);
	uint32_t i;

	if (!p)
		return -ENXIO;
	nm_os_rmb();
	nm_for_bound(priv, dir, i) {
		struct nm_kring *k = &p->krings[dir][i];

		if (nm_unlikely(!k->ring || !k->num_slots))
			continue;
		/* A ring another thread is syncing is skipped, not waited for. */
		if (!nm_os_busy_trylock(&k->busy))
			continue;
		/* A bad ring is reset; the ABI still answers 0 (4.2). */
		nm_bind_sync_one(p, k, dir);
		nm_os_busy_unlock(&k->busy);
	}
	return 0;
}

unsigned int nm_bind_poll(struct nm_priv *priv, unsigned int events, void *pt)
{
	struct nm_port *p = NM_READ_ONCE(priv->port);
	unsigned int want_tx = events & (NM_POLLOUT | NM_POLLWRNORM);
	unsigned int want_rx = events & (NM_POLLIN | NM_POLLRDNORM);
	unsigned int revents = 0;
	bool txpoll, ready;
	uint32_t i;
	int d;

	if (!p)
		return NM_POLLERR;
	nm_os_rmb();
	txpoll = !(priv->flags & NR_NO_TX_POLL) || want_tx;

	/* Register first, so that a wake-up after the checks is not lost. */
	for (d = NM_TX; d <= NM_RX; d++) {
		if (d == NM_TX ? !txpoll : !want_rx)
			continue;
		nm_for_bound(priv, d, i)
			nm_os_poll_wait(pt, &p->krings[d][i].wq);
	}

	for (d = NM_TX; d <= NM_RX; d++) {
		if (d == NM_TX ? !txpoll : !want_rx)
			continue;
		ready = false;
		nm_for_bound(priv, d, i) {
			struct nm_kring *k = &p->krings[d][i];

			if (nm_unlikely(!k->ring || !k->num_slots))
				continue;
			if (!nm_os_busy_trylock(&k->busy))
				continue;
			if (!nm_bind_sync_one(p, k, d))
				revents |= NM_POLLERR;
			if (k->rcur != k->rtail)
				ready = true;
			nm_os_busy_unlock(&k->busy);
		}
		if (ready)
			revents |= d == NM_TX ? want_tx : want_rx;
	}
	return revents;
}
