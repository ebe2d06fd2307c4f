// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_virtq_mem.c - a stand-in for vhu_mem.c in the virtqueue unit test.
 *
 * The test fills struct vhu_mem by hand (regions backed by malloc'd or
 * reserved memory, a dirty-log bitmap of its own); this file answers the
 * translation and logging calls over it exactly as vhu_mem.h specifies, and
 * additionally records every logged range so the test can check precise
 * offsets rather than just 4 KiB page bits.
 */
#include <stddef.h>
#include <stdint.h>

#include "vhu_mem.h"

#define TEST_LOG_MAX	4096

struct test_log_rec {
	uint64_t gpa;
	uint64_t len;
};

/* Shared with test_virtq.c, which declares them too. */
extern struct test_log_rec test_log[TEST_LOG_MAX];
extern unsigned int test_nlog;

struct test_log_rec test_log[TEST_LOG_MAX];
unsigned int test_nlog;

/* The region holding @addr in the address space picked by @qva, or NULL. */
static const struct vhu_mem_region *find(const struct vhu_mem *m,
					 uint64_t addr, bool qva)
{
	unsigned int i;

	for (i = 0; i < m->nregions && i < VHU_MAX_MEM_REGIONS; i++) {
		const struct vhu_mem_region *r = &m->r[i];
		uint64_t start = qva ? r->qva : r->gpa;

		/* Subtract first so no end address is ever computed. */
		if (addr >= start && addr - start < r->size)
			return r;
	}
	return NULL;
}

void *vhu_mem_gpa_span(const struct vhu_mem *m, uint64_t gpa, uint64_t *len)
{
	const struct vhu_mem_region *r = find(m, gpa, false);
	uint64_t off, left;

	if (r == NULL)
		return NULL;
	off = gpa - r->gpa;
	left = r->size - off;
	if (*len > left)
		*len = left;
	return r->hva + off;
}

void *vhu_mem_gpa(const struct vhu_mem *m, uint64_t gpa, uint64_t len)
{
	uint64_t l = len;
	void *p = vhu_mem_gpa_span(m, gpa, &l);

	return p != NULL && l == len ? p : NULL;
}

void *vhu_mem_qva(const struct vhu_mem *m, uint64_t qva, uint64_t len)
{
	const struct vhu_mem_region *r = find(m, qva, true);
	uint64_t off;

	if (r == NULL)
		return NULL;
	off = qva - r->qva;
	if (len > r->size - off)
		return NULL;
	return r->hva + off;
}

bool vhu_mem_qva_to_gpa(const struct vhu_mem *m, uint64_t qva, uint64_t *gpa)
{
	const struct vhu_mem_region *r = find(m, qva, true);

	if (r == NULL)
		return false;
	*gpa = r->gpa + (qva - r->qva);
	return true;
}

void vhu_mem_log_write(struct vhu_mem *m, uint64_t gpa, uint64_t len)
{
	uint64_t page, last;

	if (m->log == NULL || len == 0)
		return;
	if (test_nlog < TEST_LOG_MAX) {
		test_log[test_nlog].gpa = gpa;
		test_log[test_nlog].len = len;
	}
	test_nlog++;
	last = (gpa > UINT64_MAX - (len - 1) ? UINT64_MAX : gpa + (len - 1)) >> 12;
	for (page = gpa >> 12; page <= last; page++) {
		if (page / 8 >= m->log_size)
			break;
		m->log[page / 8] |= (uint8_t)(1u << (page % 8));
	}
}
