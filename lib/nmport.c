// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmport.c - libnetmap port descriptors: create, parse, register, map,
 * clone, inject, and the undo operation of every step.
 *
 * Memory regions are mapped once per (context, mem_id): descriptors of
 * ports that share an allocator share one nmem_d, reference counted
 * under the context lock, so buffers can be swapped between them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "nmport_priv.h"

/* ------------------------------------------------------------------ */
/* Undo records */

struct nmport_cleanup_d *nmport_cleanup_new(struct nmport_d *d, size_t size,
		void (*undo)(struct nmport_cleanup_d *, struct nmport_d *))
{
	struct nmport_cleanup_d *c = nmctx_malloc(d->ctx, size);

	if (c == NULL) {
		nmctx_ferror(d->ctx, "%s: out of memory", d->hdr.nr_name);
		errno = ENOMEM;
		return NULL;
	}
	memset(c, 0, size);
	c->undo = undo;
	return c;
}

void nmport_cleanup_push(struct nmport_d *d, struct nmport_cleanup_d *c)
{
	c->next = d->clist;
	d->clist = c;
}

void nmport_cleanup_until(struct nmport_d *d, struct nmport_cleanup_d *mark)
{
	while (d->clist != NULL && d->clist != mark) {
		struct nmport_cleanup_d *c = d->clist;

		d->clist = c->next;
		if (c->undo != NULL)
			c->undo(c, d);
		nmctx_free(d->ctx, c);
	}
}

/* ------------------------------------------------------------------ */
/* Descriptor life cycle */

static struct nmport_d *nmport_new_in(struct nmctx *ctx)
{
	struct nmport_d *d = nmctx_malloc(ctx, sizeof(*d));

	if (d == NULL) {
		nmctx_ferror(ctx, "cannot allocate a port descriptor");
		errno = ENOMEM;
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	nmreq_header_init(&d->hdr, NETMAP_REQ_REGISTER, &d->reg);
	d->ctx = ctx;
	d->fd = -1;
	return d;
}

struct nmport_d *nmport_new(void)
{
	return nmport_new_in(nmctx_get());
}

void nmport_delete(struct nmport_d *d)
{
	if (d != NULL)
		nmctx_free(d->ctx, d);
}

int nmport_parse(struct nmport_d *d, const char *portspec)
{
	struct nmport_cleanup_d *mark;
	struct nmreq_opt_extmem *extmem;
	struct nmreq_header hdr;
	struct nmreq_register reg;
	const char *scan = portspec;
	int saved;

	if (d == NULL || portspec == NULL) {
		nmctx_ferror(d != NULL ? d->ctx : NULL, "missing port name");
		errno = EINVAL;
		return -1;
	}
	/* Everything a failed parse must put back. */
	mark = d->clist;
	extmem = d->extmem;
	hdr = d->hdr;
	reg = d->reg;

	if (nmreq_header_decode(&scan, &d->hdr, d->ctx) < 0 ||
	    nmreq_register_decode(&scan, &d->reg, d->ctx) < 0 ||
	    nmreq_options_decode(scan, nmport_builtin_parsers(), d,
				 d->ctx) < 0) {
		saved = errno;
		nmport_cleanup_until(d, mark);
		d->hdr = hdr;
		d->reg = reg;
		d->extmem = extmem;
		errno = saved;
		return -1;
	}
	return 0;
}

void nmport_undo_parse(struct nmport_d *d)
{
	if (d == NULL)
		return;
	nmport_cleanup_until(d, NULL);
	d->extmem = NULL;
	memset(&d->reg, 0, sizeof(d->reg));
	nmreq_header_init(&d->hdr, NETMAP_REQ_REGISTER, &d->reg);
}

struct nmport_d *nmport_prepare(const char *portspec)
{
	struct nmport_d *d = nmport_new();
	int saved;

	if (d == NULL)
		return NULL;
	if (nmport_parse(d, portspec) < 0) {
		saved = errno;
		nmport_delete(d);
		errno = saved;
		return NULL;
	}
	return d;
}

void nmport_undo_prepare(struct nmport_d *d)
{
	if (d == NULL)
		return;
	nmport_undo_parse(d);
	nmport_delete(d);
}

/* ------------------------------------------------------------------ */
/* Registration */

int nmport_register(struct nmport_d *d)
{
	struct nmreq_option *o;
	int saved, reported = 0;

	if (d == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (d->register_done) {
		nmctx_ferror(d->ctx, "%s: already registered", d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	if (d->hdr.nr_body == 0)
		d->hdr.nr_body = (uint64_t)(uintptr_t)&d->reg;

	d->fd = open(NETMAP_DEVICE_NAME, O_RDWR);
	if (d->fd < 0) {
		saved = errno;
		nmctx_ferror(d->ctx, "cannot open %s: %s", NETMAP_DEVICE_NAME,
			     strerror(saved));
		errno = saved;
		return -1;
	}
	if (ioctl(d->fd, NIOCCTRL, &d->hdr) < 0) {
		saved = errno;
		/* The kernel says which option it did not like. */
		nmreq_foreach_option(&d->hdr, o) {
			if (o->nro_status == 0)
				continue;
			nmctx_ferror(d->ctx, "%s: option %s: %s",
				     d->hdr.nr_name,
				     nmreq_option_name(o->nro_reqtype),
				     strerror((int)o->nro_status));
			reported++;
		}
		if (!reported)
			nmctx_ferror(d->ctx, "%s: cannot register: %s",
				     d->hdr.nr_name, strerror(saved));
		close(d->fd);
		d->fd = -1;
		errno = saved;
		return -1;
	}
	d->register_done = 1;
	return 0;
}

void nmport_undo_register(struct nmport_d *d)
{
	if (d == NULL)
		return;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->register_done = 0;
}

/* ------------------------------------------------------------------ */
/* Mapping */

/* Drop one reference to @m; the caller holds the context lock. */
static void nmem_put_locked(struct nmctx *ctx, struct nmem_d *m)
{
	if (--m->refcount > 0)
		return;
	if (!m->is_extmem && m->mem != NULL)
		munmap(m->mem, m->size);
	if (m->next != NULL)
		m->next->prev = m->prev;
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		ctx->mem_descs = m->next;
	nmctx_free(ctx, m);
}

/* Find or create the mapping of d's region, with a reference taken. */
static struct nmem_d *nmem_get(struct nmport_d *d)
{
	struct nmctx *ctx = d->ctx;
	struct nmem_d *m;
	int saved;

	nmctx_lock(ctx);
	for (m = ctx->mem_descs; m != NULL; m = m->next)
		if (m->mem_id == d->reg.nr_mem_id)
			break;
	if (m != NULL) {
		m->refcount++;
		nmctx_unlock(ctx);
		return m;
	}

	m = nmctx_malloc(ctx, sizeof(*m));
	if (m == NULL) {
		nmctx_unlock(ctx);
		nmctx_ferror(ctx, "%s: out of memory", d->hdr.nr_name);
		errno = ENOMEM;
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	m->mem_id = d->reg.nr_mem_id;
	if (d->extmem != NULL) {
		m->mem = (void *)(uintptr_t)d->extmem->nro_usrptr;
		m->size = (size_t)d->extmem->nro_info.nr_memsize;
		m->is_extmem = 1;
	} else {
		m->size = (size_t)d->reg.nr_memsize;
		m->mem = mmap(NULL, m->size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, d->fd, 0);
		if (m->mem == MAP_FAILED) {
			saved = errno;
			nmctx_free(ctx, m);
			nmctx_unlock(ctx);
			nmctx_ferror(ctx, "%s: mmap of %zu bytes failed: %s",
				     d->hdr.nr_name, (size_t)d->reg.nr_memsize,
				     strerror(saved));
			errno = saved;
			return NULL;
		}
	}
	m->refcount = 1;
	m->prev = NULL;
	m->next = ctx->mem_descs;
	if (m->next != NULL)
		m->next->prev = m;
	ctx->mem_descs = m;
	nmctx_unlock(ctx);
	return m;
}

/*
 * The bound rings of one direction: the first run of non-zero entries
 * in ring_ofs[base, base + n).  Empty: first = n (1 if n = 0), last =
 * first - 1.
 */
static void nmport_ring_run(const struct netmap_if *nifp, unsigned int base,
			    unsigned int n, uint16_t *first, uint16_t *last)
{
	unsigned int i = 0, j;

	while (i < n && nifp->ring_ofs[base + i] == 0)
		i++;
	j = i;
	while (j < n && nifp->ring_ofs[base + j] != 0)
		j++;
	if (i == j) {		/* nothing bound */
		*first = (uint16_t)(n > 0 ? n : 1);
		*last = (uint16_t)(*first - 1);
		return;
	}
	*first = (uint16_t)i;
	*last = (uint16_t)(j - 1);
}

int nmport_mmap(struct nmport_d *d)
{
	struct netmap_if *nifp;
	struct nmem_d *m;
	uint64_t ntx, nrx, need;

	if (d == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (d->mmap_done) {
		nmctx_ferror(d->ctx, "%s: already mapped", d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	if (!d->register_done) {
		nmctx_ferror(d->ctx, "%s: cannot map a port that is not "
			     "registered", d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	if (d->extmem == NULL && d->reg.nr_memsize == 0) {
		nmctx_ferror(d->ctx, "%s: the kernel reported an empty "
			     "memory region", d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}

	m = nmem_get(d);
	if (m == NULL)
		return -1;

	/* Do not trust offsets that point outside the region. */
	need = d->reg.nr_offset + sizeof(struct netmap_if);
	if (need < d->reg.nr_offset || need > m->size)
		goto bad_layout;
	nifp = NETMAP_IF(m->mem, d->reg.nr_offset);
	ntx = (uint64_t)nifp->ni_tx_rings + nifp->ni_host_tx_rings;
	nrx = (uint64_t)nifp->ni_rx_rings + nifp->ni_host_rx_rings;
	if (ntx > UINT16_MAX || nrx > UINT16_MAX ||
	    need + (ntx + nrx) * sizeof(nifp->ring_ofs[0]) > m->size)
		goto bad_layout;

	d->mem = m;
	d->nifp = nifp;
	nmport_ring_run(nifp, 0, (unsigned int)ntx, &d->first_tx_ring,
			&d->last_tx_ring);
	nmport_ring_run(nifp, (unsigned int)ntx, (unsigned int)nrx,
			&d->first_rx_ring, &d->last_rx_ring);
	d->cur_tx_ring = d->first_tx_ring;
	d->cur_rx_ring = d->first_rx_ring;
	d->mmap_done = 1;
	return 0;

bad_layout:
	nmctx_ferror(d->ctx, "%s: netmap_if at offset %llu does not fit in "
		     "the %zu-byte region", d->hdr.nr_name,
		     (unsigned long long)d->reg.nr_offset, m->size);
	nmctx_lock(d->ctx);
	nmem_put_locked(d->ctx, m);
	nmctx_unlock(d->ctx);
	errno = EINVAL;
	return -1;
}

void nmport_undo_mmap(struct nmport_d *d)
{
	if (d == NULL)
		return;
	if (d->mem != NULL) {
		nmctx_lock(d->ctx);
		nmem_put_locked(d->ctx, d->mem);
		nmctx_unlock(d->ctx);
	}
	d->mem = NULL;
	d->nifp = NULL;
	d->mmap_done = 0;
	d->first_tx_ring = d->last_tx_ring = d->cur_tx_ring = 0;
	d->first_rx_ring = d->last_rx_ring = d->cur_rx_ring = 0;
}

/* ------------------------------------------------------------------ */
/* Composite steps */

int nmport_open_desc(struct nmport_d *d)
{
	int saved;

	if (nmport_register(d) < 0)
		return -1;
	if (nmport_mmap(d) < 0) {
		saved = errno;
		nmport_undo_register(d);
		errno = saved;
		return -1;
	}
	return 0;
}

void nmport_undo_open_desc(struct nmport_d *d)
{
	nmport_undo_mmap(d);
	nmport_undo_register(d);
}

struct nmport_d *nmport_open(const char *portspec)
{
	struct nmport_d *d = nmport_prepare(portspec);
	int saved;

	if (d == NULL)
		return NULL;
	if (nmport_open_desc(d) < 0) {
		saved = errno;
		nmport_undo_prepare(d);
		errno = saved;
		return NULL;
	}
	return d;
}

void nmport_close(struct nmport_d *d)
{
	if (d == NULL)
		return;
	nmport_undo_open_desc(d);
	nmport_undo_prepare(d);
}

struct nmport_d *nmport_clone(struct nmport_d *d)
{
	struct nmport_d *c;

	if (d == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (d->extmem != NULL && !d->register_done) {
		nmctx_ferror(d->ctx, "%s: a port using extmem can be cloned "
			     "only after registration", d->hdr.nr_name);
		errno = EINVAL;
		return NULL;
	}
	c = nmport_new_in(d->ctx);
	if (c == NULL)
		return NULL;
	c->hdr = d->hdr;
	c->hdr.nr_options = 0;
	c->hdr.nr_body = (uint64_t)(uintptr_t)&c->reg;
	c->reg = d->reg;	/* mem_id included: same region */
	return c;
}

/* ------------------------------------------------------------------ */
/* Sending a single packet */

int nmport_inject(struct nmport_d *d, const void *buf, size_t size)
{
	unsigned int n, k, ri;

	if (d == NULL || d->nifp == NULL || size > INT_MAX ||
	    d->last_tx_ring < d->first_tx_ring)
		return 0;
	n = (unsigned int)(d->last_tx_ring - d->first_tx_ring) + 1;
	ri = d->cur_tx_ring;
	if (ri < d->first_tx_ring || ri > d->last_tx_ring)
		ri = d->first_tx_ring;

	for (k = 0; k < n; k++) {
		struct netmap_ring *ring = NETMAP_TXRING(d->nifp, ri);
		size_t frag = ring->nr_buf_size > UINT16_MAX ?
			      UINT16_MAX : ring->nr_buf_size;
		size_t slots, left = size;
		const char *src = buf;
		uint32_t i;

		if (frag == 0)
			goto next;
		slots = size == 0 ? 1 : (size + frag - 1) / frag;
		if (slots > nm_ring_space(ring))
			goto next;

		for (i = ring->head;; i = nm_ring_next(ring, i)) {
			struct netmap_slot *slot = &ring->slot[i];
			size_t len = left < frag ? left : frag;

			if (len > 0)
				memcpy(NETMAP_BUF(ring, slot->buf_idx), src,
				       len);
			slot->len = (uint16_t)len;
			src += len;
			left -= len;
			if (left == 0) {
				slot->flags = 0;
				break;
			}
			slot->flags = NS_MOREFRAG;
		}
		ring->head = ring->cur = nm_ring_next(ring, i);
		d->cur_tx_ring = (uint16_t)ri;
		return (int)size;
next:
		ri = (ri >= d->last_tx_ring) ? d->first_tx_ring : ri + 1;
	}
	return 0;
}
