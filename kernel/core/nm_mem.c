// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_mem.c - the shared memory allocators.
 *
 * A region is one virtually contiguous, page-backed allocation holding the
 * interface pool, the ring pool and the buffer pool back to back, so every
 * object has one offset that means the same thing to the kernel (base +
 * offset) and to every process that mapped the region. Objects inside a pool
 * are handed out from a bitmap.
 *
 * Every function here runs under the control lock (nm_ctrl_lock), except
 * the pure lookups of buffer addresses used on the datapath.
 */
#include "nm_mem.h"

/* Pool limits (netmap-abi.md 3.1): object size and count bounds. */
struct nm_mem_limits {
	uint32_t size_min, size_max, num_min, num_max;
};

static const struct nm_mem_limits nm_mem_global_limits[NM_POOL_N] = {
	[NM_POOL_IF]   = { 56, 4096, 10, 10000 },
	[NM_POOL_RING] = { 256, 32 * 4096, 2, 1024 },
	[NM_POOL_BUF]  = { 64, 65536, 4, 1000000 },
};

static struct nm_mem nm_mem_global;
static struct nm_mem *nm_mem_list;	/* sorted by id, global first */

static uint32_t nm_mem_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint32_t nm_mem_gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

void nm_mem_pool_geometry(uint32_t objsize, uint32_t objnum,
			  uint32_t *rsize, uint32_t *rtotal)
{
	uint32_t per_cluster;

	/* Objects are cache-line multiples so that no two share a line. */
	objsize = (objsize + 63) & ~63u;
	/* A cluster is the least run of objects that fills whole pages. */
	per_cluster = NM_PAGE_SIZE / nm_mem_gcd(objsize, NM_PAGE_SIZE);
	*rsize = objsize;
	*rtotal = (objnum + per_cluster - 1) / per_cluster * per_cluster;
}

void nm_mem_layout(struct nm_mem *mem, const struct nm_mem_cfg *cfg)
{
	uint64_t ofs = 0;
	int i;

	for (i = 0; i < NM_POOL_N; i++) {
		struct nm_mem_pool *p = &mem->pools[i];

		nm_mem_pool_geometry(cfg->pool[i].objsize, cfg->pool[i].objnum,
				     &p->objsize, &p->objtotal);
		p->size = (uint64_t)p->objsize * p->objtotal;
		p->offset = ofs;
		ofs += p->size;
	}
	mem->memsize = ofs;
}

static void nm_mem_insert(struct nm_mem *mem)
{
	struct nm_mem **pp = &nm_mem_list;

	while (*pp && (*pp)->id < mem->id)
		pp = &(*pp)->next;
	mem->next = *pp;
	*pp = mem;
}

static void nm_mem_unlink(struct nm_mem *mem)
{
	struct nm_mem **pp = &nm_mem_list;

	while (*pp && *pp != mem)
		pp = &(*pp)->next;
	if (*pp)
		*pp = mem->next;
}

int nm_mem_init(const struct nm_mem_cfg *global_cfg)
{
	struct nm_mem_cfg cfg = *global_cfg;
	int i;

	for (i = 0; i < NM_POOL_N; i++) {
		const struct nm_mem_limits *l = &nm_mem_global_limits[i];

		cfg.pool[i].objsize = nm_mem_clamp(cfg.pool[i].objsize,
						   l->size_min, l->size_max);
		cfg.pool[i].objnum = nm_mem_clamp(cfg.pool[i].objnum,
						  l->num_min, l->num_max);
	}
	memset(&nm_mem_global, 0, sizeof(nm_mem_global));
	nm_mem_global.id = 1;
	nm_mem_global.is_global = true;
	nm_mem_layout(&nm_mem_global, &cfg);
	nm_mem_list = NULL;
	nm_mem_insert(&nm_mem_global);
	return 0;
}

static void nm_mem_release_region(struct nm_mem *mem)
{
	int i;

	for (i = 0; i < NM_POOL_N; i++) {
		nm_os_free(mem->pools[i].bitmap);
		mem->pools[i].bitmap = NULL;
	}
	nm_os_region_free(mem->base, mem->memsize);
	mem->base = NULL;
}

void nm_mem_fini(void)
{
	/* Ports hold references; at unload none may be left. */
	if (nm_mem_global.base)
		nm_mem_release_region(&nm_mem_global);
	nm_mem_list = NULL;
}

struct nm_mem *nm_mem_get(struct nm_mem *mem)
{
	mem->refcnt++;
	return mem;
}

struct nm_mem *nm_mem_find_get(uint16_t id)
{
	struct nm_mem *m;

	for (m = nm_mem_list; m; m = m->next)
		if (m->id == id)
			return nm_mem_get(m);
	return NULL;
}

void nm_mem_put(struct nm_mem *mem)
{
	if (--mem->refcnt)
		return;
	if (mem->base)
		nm_mem_release_region(mem);
	if (!mem->is_global) {
		nm_mem_unlink(mem);
		nm_os_free(mem);
	}
}

static uint32_t nm_mem_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

struct nm_mem *nm_mem_private_new(uint32_t txr, uint32_t txd, uint32_t rxr,
				  uint32_t rxd, uint32_t npipes,
				  uint32_t extra_bufs, int *err)
{
	struct nm_mem_cfg cfg;
	struct nm_mem *mem, *m;
	uint32_t id = 2;
	uint64_t nbufs;

	/*
	 * Sizing as netmap-abi.md 3.2: the "+1" rings are the fake host
	 * rings every interface reports, the pipe terms leave room for pipes
	 * opened on the port later.
	 */
	cfg.pool[NM_POOL_IF].objsize =
		nm_mem_max(1024, 56 + 8 * ((txr + 1) + (rxr + 1)));
	cfg.pool[NM_POOL_IF].objnum = nm_mem_max(2, 2 + 4 * npipes);
	cfg.pool[NM_POOL_RING].objsize =
		nm_mem_max(20480, 256 + 16 * nm_mem_max(txd, rxd));
	cfg.pool[NM_POOL_RING].objnum =
		nm_mem_max(4, (txr + 1) + (rxr + 1) + 8 * npipes);
	nbufs = (uint64_t)(4 * npipes + rxr + 1) * rxd +
		(uint64_t)(4 * npipes + txr + 1) * txd + 2 + extra_bufs;
	if (nbufs > 1000000) {
		*err = -ENOMEM;
		return NULL;
	}
	cfg.pool[NM_POOL_BUF].objsize = nm_mem_buf_size(&nm_mem_global);
	cfg.pool[NM_POOL_BUF].objnum = nm_mem_max(4098, (uint32_t)nbufs);

	/* The lowest free id above the global allocator's. */
	for (m = nm_mem_list; m; m = m->next) {
		if (m->id > id)
			break;
		if (m->id == id)
			id++;
	}
	if (id > 0xffff) {
		*err = -ENOMEM;
		return NULL;
	}
	mem = nm_os_zalloc(sizeof(*mem));
	if (!mem) {
		*err = -ENOMEM;
		return NULL;
	}
	mem->id = id;
	mem->refcnt = 1;
	nm_mem_layout(mem, &cfg);
	nm_mem_insert(mem);
	return mem;
}

int nm_mem_finalize(struct nm_mem *mem)
{
	int i;

	if (mem->base)
		return 0;
	mem->base = nm_os_region_alloc(mem->memsize);
	if (!mem->base)
		return -ENOMEM;
	for (i = 0; i < NM_POOL_N; i++) {
		struct nm_mem_pool *p = &mem->pools[i];
		uint32_t words = (p->objtotal + 31) / 32, w;

		p->bitmap = nm_os_zalloc(words * sizeof(uint32_t));
		if (!p->bitmap)
			goto fail;
		for (w = 0; w < words; w++)
			p->bitmap[w] = ~0u;
		if (p->objtotal % 32)
			p->bitmap[words - 1] = (1u << (p->objtotal % 32)) - 1;
		p->objfree = p->objtotal;
		p->hint = 0;
	}
	/* Buffers 0 and 1 are never handed out: 0 means "no buffer". */
	mem->pools[NM_POOL_BUF].bitmap[0] &= ~3u;
	mem->pools[NM_POOL_BUF].objfree -= 2;
	return 0;
fail:
	nm_mem_release_region(mem);
	return -ENOMEM;
}

static int nm_mem_pool_take(struct nm_mem_pool *p, uint32_t *idx)
{
	uint32_t words = (p->objtotal + 31) / 32, n, w;

	if (!p->objfree)
		return -ENOMEM;
	for (n = 0; n < words; n++) {
		w = (p->hint + n) % words;
		if (p->bitmap[w]) {
			uint32_t bit = __builtin_ctz(p->bitmap[w]);

			p->bitmap[w] &= ~(1u << bit);
			p->objfree--;
			p->hint = w;
			*idx = w * 32 + bit;
			return 0;
		}
	}
	return -ENOMEM;
}

static void nm_mem_pool_give(struct nm_mem_pool *p, uint32_t idx)
{
	uint32_t w = idx / 32, bit = 1u << (idx % 32);

	/* A double free would corrupt accounting: refuse it loudly. */
	if (idx >= p->objtotal || (p->bitmap[w] & bit)) {
		nm_os_log(NM_LOG_ERR, "freeing bad or free object %u", idx);
		return;
	}
	p->bitmap[w] |= bit;
	p->objfree++;
}

static void *nm_mem_obj_alloc(struct nm_mem *mem, int pool, size_t size,
			      uint64_t *ofs)
{
	struct nm_mem_pool *p = &mem->pools[pool];
	uint32_t idx;

	if (!mem->base || size > p->objsize || nm_mem_pool_take(p, &idx))
		return NULL;
	*ofs = p->offset + (uint64_t)idx * p->objsize;
	memset(mem->base + *ofs, 0, p->objsize);
	return mem->base + *ofs;
}

static void nm_mem_obj_free(struct nm_mem *mem, int pool, void *obj)
{
	struct nm_mem_pool *p = &mem->pools[pool];

	if (!obj)
		return;
	nm_mem_pool_give(p, (uint32_t)((nm_mem_ofs(mem, obj) - p->offset) /
				       p->objsize));
}

void *nm_mem_if_alloc(struct nm_mem *mem, size_t size, uint64_t *ofs)
{
	return nm_mem_obj_alloc(mem, NM_POOL_IF, size, ofs);
}

void nm_mem_if_free(struct nm_mem *mem, void *obj)
{
	nm_mem_obj_free(mem, NM_POOL_IF, obj);
}

void *nm_mem_ring_alloc(struct nm_mem *mem, size_t size, uint64_t *ofs)
{
	return nm_mem_obj_alloc(mem, NM_POOL_RING, size, ofs);
}

void nm_mem_ring_free(struct nm_mem *mem, void *obj)
{
	nm_mem_obj_free(mem, NM_POOL_RING, obj);
}

int nm_mem_buf_alloc(struct nm_mem *mem, uint32_t *idx)
{
	if (!mem->base)
		return -ENOMEM;
	return nm_mem_pool_take(&mem->pools[NM_POOL_BUF], idx);
}

void nm_mem_buf_free(struct nm_mem *mem, uint32_t idx)
{
	if (nm_mem_buf_valid(mem, idx))
		nm_mem_pool_give(&mem->pools[NM_POOL_BUF], idx);
}

void nm_mem_pools_info(const struct nm_mem *mem, struct nmreq_pools_info *pi)
{
	const struct nm_mem_pool *p = mem->pools;

	pi->nr_memsize = mem->memsize;
	pi->nr_mem_id = mem->id;
	pi->nr_if_pool_offset = p[NM_POOL_IF].offset;
	pi->nr_if_pool_objtotal = p[NM_POOL_IF].objtotal;
	pi->nr_if_pool_objsize = p[NM_POOL_IF].objsize;
	pi->nr_ring_pool_offset = p[NM_POOL_RING].offset;
	pi->nr_ring_pool_objtotal = p[NM_POOL_RING].objtotal;
	pi->nr_ring_pool_objsize = p[NM_POOL_RING].objsize;
	pi->nr_buf_pool_offset = p[NM_POOL_BUF].offset;
	pi->nr_buf_pool_objtotal = p[NM_POOL_BUF].objtotal;
	pi->nr_buf_pool_objsize = p[NM_POOL_BUF].objsize;
}
