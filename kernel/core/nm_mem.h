/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_mem.h - netmap memory allocators: the shared region an application maps,
 * made of three pools (interfaces, rings, buffers) laid out back to back.
 */
#ifndef _NM_MEM_H
#define _NM_MEM_H

#include "../nm_os.h"

enum { NM_POOL_IF, NM_POOL_RING, NM_POOL_BUF, NM_POOL_N };

struct nm_mem_pool_cfg {
	uint32_t objsize;
	uint32_t objnum;
};

struct nm_mem_cfg {
	struct nm_mem_pool_cfg pool[NM_POOL_N];
};

struct nm_mem_pool {
	uint32_t objsize;	/* multiple of 64 */
	uint32_t objtotal;	/* whole clusters */
	uint32_t objfree;
	uint64_t offset;	/* of the pool inside the region */
	uint64_t size;		/* objtotal * objsize */
	uint32_t *bitmap;	/* bit set = object free */
	uint32_t hint;		/* bitmap word where the last search ended */
};

struct nm_mem {
	uint16_t id;
	bool is_global;
	unsigned int refcnt;	/* ports (and lookups) using it */
	struct nm_mem_pool pools[NM_POOL_N];
	uint64_t memsize;
	char *base;		/* region; NULL until first use */
	struct nm_mem *next;	/* all allocators, by id */
};

/* Module-wide setup; @global_cfg holds the module parameters. */
int nm_mem_init(const struct nm_mem_cfg *global_cfg);
void nm_mem_fini(void);

/* Allocator @id with a reference, or NULL. Id 1 is the global allocator. */
struct nm_mem *nm_mem_find_get(uint16_t id);
struct nm_mem *nm_mem_get(struct nm_mem *mem);
void nm_mem_put(struct nm_mem *mem);

/*
 * A new private allocator sized for a port with the given geometry
 * (netmap-abi.md 3.2), or NULL on failure with *err set.
 */
struct nm_mem *nm_mem_private_new(uint32_t txr, uint32_t txd, uint32_t rxr,
				  uint32_t rxd, uint32_t npipes,
				  uint32_t extra_bufs, int *err);

/* Allocate the region if needed. */
int nm_mem_finalize(struct nm_mem *mem);

/* Objects; offsets are from the start of the region. */
void *nm_mem_if_alloc(struct nm_mem *mem, size_t size, uint64_t *ofs);
void nm_mem_if_free(struct nm_mem *mem, void *obj);
void *nm_mem_ring_alloc(struct nm_mem *mem, size_t size, uint64_t *ofs);
void nm_mem_ring_free(struct nm_mem *mem, void *obj);
int nm_mem_buf_alloc(struct nm_mem *mem, uint32_t *idx);
void nm_mem_buf_free(struct nm_mem *mem, uint32_t idx);

static inline uint32_t nm_mem_buf_size(const struct nm_mem *mem)
{
	return mem->pools[NM_POOL_BUF].objsize;
}

static inline uint32_t nm_mem_nbufs(const struct nm_mem *mem)
{
	return mem->pools[NM_POOL_BUF].objtotal;
}

/* Kernel address of buffer @idx; the caller has validated @idx. */
static inline char *nm_mem_buf(const struct nm_mem *mem, uint32_t idx)
{
	const struct nm_mem_pool *p = &mem->pools[NM_POOL_BUF];

	return mem->base + p->offset + (uint64_t)idx * p->objsize;
}

static inline bool nm_mem_buf_valid(const struct nm_mem *mem, uint32_t idx)
{
	return idx >= 2 && idx < mem->pools[NM_POOL_BUF].objtotal;
}

static inline uint64_t nm_mem_ofs(const struct nm_mem *mem, const void *p)
{
	return (uint64_t)((const char *)p - mem->base);
}

/* POOLS_INFO_GET: geometry of @mem (finalized). */
void nm_mem_pools_info(const struct nm_mem *mem, struct nmreq_pools_info *pi);

/* Pool geometry from a configuration, without allocating anything. */
void nm_mem_layout(struct nm_mem *mem, const struct nm_mem_cfg *cfg);

/* Rounded object size and count, exposed for unit tests. */
void nm_mem_pool_geometry(uint32_t objsize, uint32_t objnum,
			  uint32_t *rsize, uint32_t *rtotal);

#endif /* _NM_MEM_H */
