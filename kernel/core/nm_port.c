// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_port.c - port life cycle and the ring memory of a port.
 *
 * All of this runs under the control lock.
 */
#include "nm_port.h"

static void nm_port_free_krings(struct nm_port *p)
{
	int d;
	uint32_t i;

	for (d = NM_TX; d <= NM_RX; d++) {
		if (!p->krings[d])
			continue;
		for (i = 0; i < nm_port_nkrings(p, d); i++) {
			struct nm_kring *k = &p->krings[d][i];

			nm_os_free(k->leases);
			nm_spin_destroy(&k->lock);
			nm_waitq_destroy(&k->wq);
		}
		nm_os_free(p->krings[d]);
		p->krings[d] = NULL;
	}
}

/*
 * Set up @p with the ring geometry already stored in it (nrings, nhost,
 * nslots). Takes over the caller's reference on @mem.
 */
int nm_port_init(struct nm_port *p, const char *name,
		 const struct nm_port_ops *ops, struct nm_mem *mem)
{
	int d;
	uint32_t i;

	nm_strlcpy(p->name, name, sizeof(p->name));
	p->ops = ops;
	p->mem = mem;
	p->refcnt = 1;
	p->buf_size = nm_mem_buf_size(mem);
	nm_waitq_init(&p->wq);
	for (d = NM_TX; d <= NM_RX; d++) {
		uint32_t n = nm_port_nkrings(p, d);

		p->krings[d] = n ? nm_os_zalloc(n * sizeof(struct nm_kring)) : NULL;
		if (n && !p->krings[d])
			goto fail;
		for (i = 0; i < n; i++) {
			struct nm_kring *k = &p->krings[d][i];

			k->port = p;
			k->dir = d;
			k->id = i;
			k->host = i >= p->nrings[d];
			k->num_slots = p->nslots[d];
			nm_spin_init(&k->lock);
			nm_waitq_init(&k->wq);
		}
	}
	return 0;
fail:
	nm_port_free_krings(p);
	nm_waitq_destroy(&p->wq);
	p->mem = NULL;
	return -ENOMEM;
}

struct nm_port *nm_port_get(struct nm_port *p)
{
	if (p->ops->get)
		p->ops->get(p);
	else
		p->refcnt++;
	return p;
}

void nm_port_fini(struct nm_port *p)
{
	nm_port_free_krings(p);
	nm_waitq_destroy(&p->wq);
}

void nm_port_put(struct nm_port *p)
{
	struct nm_mem *mem;

	if (p->ops->put) {
		p->ops->put(p);
		return;
	}
	if (--p->refcnt)
		return;
	mem = p->mem;
	nm_port_free_krings(p);
	nm_waitq_destroy(&p->wq);
	p->ops->dtor(p);	/* frees @p */
	if (mem)
		nm_mem_put(mem);
}

static void nm_kring_ring_delete(struct nm_kring *k)
{
	struct nm_mem *mem = k->port->mem;
	uint32_t i;

	if (!k->ring)
		return;
	for (i = 0; i < k->num_slots; i++)
		nm_mem_buf_free(mem, k->ring->slot[i].buf_idx);
	nm_mem_ring_free(mem, k->ring);
	k->ring = NULL;
	k->ring_ofs = 0;
	nm_os_free(k->leases);
	k->leases = NULL;
}

static int nm_kring_ring_create(struct nm_kring *k)
{
	struct nm_port *p = k->port;
	struct nm_mem *mem = p->mem;
	struct netmap_ring *r;
	uint64_t ofs, buf0;
	uint32_t i;

	r = nm_mem_ring_alloc(mem, sizeof(*r) + k->num_slots *
			      sizeof(struct netmap_slot), &ofs);
	if (!r)
		return -ENOMEM;
	k->ring = r;
	k->ring_ofs = ofs;
	/* buf_ofs is relative to the ring itself (netmap-abi.md 3.3). */
	buf0 = mem->pools[NM_POOL_BUF].offset;
	r->buf_ofs = (int64_t)(buf0 - ofs);
	r->num_slots = k->num_slots;
	r->nr_buf_size = nm_mem_buf_size(mem);
	r->ringid = k->id;
	r->dir = k->dir;
	for (i = 0; i < k->num_slots; i++) {
		struct netmap_slot *s = &r->slot[i];

		if (nm_mem_buf_alloc(mem, &s->buf_idx))
			goto fail;
		s->len = r->nr_buf_size;
	}
	if (k->dir == NM_RX) {
		k->leases = nm_os_zalloc(k->num_slots * sizeof(uint32_t));
		if (!k->leases)
			goto fail;
	}
	nm_ring_init_state(k);
	return 0;
fail:
	nm_kring_ring_delete(k);
	return -ENOMEM;
}

void nm_port_rings_delete(struct nm_port *p)
{
	int d;
	uint32_t i;

	for (d = NM_TX; d <= NM_RX; d++)
		for (i = 0; i < nm_port_nkrings(p, d); i++)
			nm_kring_ring_delete(&p->krings[d][i]);
}

int nm_port_rings_create(struct nm_port *p)
{
	int d, err;
	uint32_t i;

	err = nm_mem_finalize(p->mem);
	if (err)
		return err;
	for (d = NM_TX; d <= NM_RX; d++) {
		for (i = 0; i < nm_port_nkrings(p, d); i++) {
			err = nm_kring_ring_create(&p->krings[d][i]);
			if (err) {
				nm_port_rings_delete(p);
				return err;
			}
		}
	}
	return 0;
}

int nm_port_activate(struct nm_port *p)
{
	int err;

	if (p->ops->activate)
		return p->ops->activate(p);
	err = nm_port_rings_create(p);
	if (err)
		return err;
	err = p->ops->reg(p, true);
	if (err)
		nm_port_rings_delete(p);
	return err;
}

void nm_port_deactivate(struct nm_port *p)
{
	if (p->ops->deactivate) {
		p->ops->deactivate(p);
		return;
	}
	p->ops->reg(p, false);
	nm_port_rings_delete(p);
}
