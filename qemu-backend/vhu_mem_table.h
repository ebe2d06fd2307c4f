/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_mem_table.h - changing a struct vhu_mem: what SET_MEM_TABLE,
 * ADD_MEM_REG, REM_MEM_REG and SET_LOG_BASE do to it.
 *
 * Kept apart from vhu_mem.h, which the datapath includes: the datapath only
 * translates, the protocol layer alone changes the table, and it must have
 * stopped every ring first (old pointers die here).
 *
 * None of these functions takes ownership of an fd: a mapping holds its own
 * reference, so the caller closes the fd afterwards whatever happened.
 * Every failure leaves the table exactly as it was and says why in @err.
 */
#ifndef VHU_MEM_TABLE_H
#define VHU_MEM_TABLE_H

#include <stdint.h>

#include "vhu_log.h"
#include "vhu_mem.h"

/* Dirty-log granularity (VHOST_LOG_PAGE). */
#define VHU_LOG_PAGE	4096u

/* One region as the front-end describes it. */
struct vhu_mem_desc {
	uint64_t gpa;
	uint64_t size;
	uint64_t qva;
	uint64_t mmap_offset;
};

/* An empty table with no log. */
void vhu_mem_init(struct vhu_mem *m);

/*
 * Replace every region with @n new ones (fds[i] backs d[i]). All of them
 * are checked and mapped before the old ones are unmapped, so a bad table
 * leaves the old one in place. @n may be 0 (no memory at all).
 */
int vhu_mem_set_table(struct vhu_mem *m, const struct vhu_mem_desc *d,
		      const int *fds, unsigned int n, struct vhu_err *err);

/*
 * Map one more region. A region identical to one already present (same
 * gpa, size and qva) is accepted and changes nothing, so a front-end that
 * replays its regions after a reconnect is not refused.
 */
int vhu_mem_add_region(struct vhu_mem *m, const struct vhu_mem_desc *d,
		       int fd, struct vhu_err *err);

/*
 * Unmap the region with this gpa, size and qva (mmap_offset is ignored, as
 * the specification says). No such region is an error.
 */
int vhu_mem_remove_region(struct vhu_mem *m, const struct vhu_mem_desc *d,
			  struct vhu_err *err);

/*
 * SET_LOG_BASE with LOG_SHMFD: map @size bytes of log found at @offset in
 * @fd, replacing any previous log.
 */
int vhu_mem_set_log(struct vhu_mem *m, int fd, uint64_t size, uint64_t offset,
		    struct vhu_err *err);

/* Unmap every region and the log; @m is empty again. */
void vhu_mem_clear(struct vhu_mem *m);

#endif /* VHU_MEM_TABLE_H */
