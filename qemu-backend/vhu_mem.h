/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_mem.h - a vhost-user front-end's (guest's) memory as the backend sees
 * it: the regions of SET_MEM_TABLE / ADD_MEM_REG, mapped from the fds that
 * came with them, and address translation for the datapath.
 *
 * Two address spaces reach us: guest-physical addresses (in descriptors)
 * and the front-end's own virtual addresses (vring addresses of
 * SET_VRING_ADDR, unless VHOST_USER_F_IOMMU... is negotiated, which we do
 * not offer). Every translation checks the whole range against a region;
 * nothing the guest writes can make us touch memory outside the mappings.
 */
#ifndef VHU_MEM_H
#define VHU_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VHU_MAX_MEM_REGIONS	64	/* also our VHOST_USER_GET_MAX_MEM_SLOTS answer */

struct vhu_mem_region {
	uint64_t gpa;		/* guest-physical start */
	uint64_t size;		/* bytes */
	uint64_t qva;		/* front-end virtual start (vring addresses) */
	uint64_t mmap_offset;	/* of gpa within the fd */
	uint8_t *hva;		/* our address of gpa */
	void *map_base;		/* what mmap() returned (covers mmap_offset + size) */
	size_t map_len;
};

struct vhu_mem {
	unsigned int nregions;
	struct vhu_mem_region r[VHU_MAX_MEM_REGIONS];
	/* Dirty log of LOG_SHMFD / SET_LOG_BASE: one bit per 4 KiB guest page. */
	uint8_t *log;
	uint64_t log_size;	/* bytes of @log */
	void *log_map;
	size_t log_map_len;
};

/*
 * Our pointer for guest-physical @gpa, or NULL if no region holds it. On
 * success *len is clipped to what that region holds contiguously from @gpa
 * (callers walk a buffer region by region).
 */
void *vhu_mem_gpa_span(const struct vhu_mem *m, uint64_t gpa, uint64_t *len);

/* Our pointer for [gpa, gpa + len) if one region holds all of it, else NULL. */
void *vhu_mem_gpa(const struct vhu_mem *m, uint64_t gpa, uint64_t len);

/* Same for front-end virtual addresses (vring addresses). */
void *vhu_mem_qva(const struct vhu_mem *m, uint64_t qva, uint64_t len);

/* Guest-physical address of front-end virtual @qva, or false if unmapped. */
bool vhu_mem_qva_to_gpa(const struct vhu_mem *m, uint64_t qva, uint64_t *gpa);

/*
 * Mark guest-physical [gpa, gpa + len) dirty when a log is set (live
 * migration); a page beyond the log's size is ignored.
 */
void vhu_mem_log_write(struct vhu_mem *m, uint64_t gpa, uint64_t len);

#endif /* VHU_MEM_H */
