// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_mem.c - the front-end's memory regions: mapping them from their fds,
 * translating guest-physical and front-end virtual addresses, and the
 * dirty log of live migration.
 *
 * Every range check is written so that no addition can wrap: a region's
 * end is never computed as start + size unless size - 1 <= MAX - start has
 * been checked first, and lookups compare offsets within a region
 * (addr - start < size) instead of end addresses.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "vhu_mem_table.h"

void vhu_mem_init(struct vhu_mem *m)
{
	memset(m, 0, sizeof(*m));
}

/* [start, start + size) with size >= 1 and no wrap; true if they share a byte. */
static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b,
			   uint64_t b_size)
{
	return a <= b + (b_size - 1) && b <= a + (a_size - 1);
}

/* @len rounded up to @align (a power of two), or 0 if that overflows. */
static uint64_t round_up(uint64_t len, uint64_t align)
{
	if (len > UINT64_MAX - (align - 1))
		return 0;
	return (len + align - 1) & ~(align - 1);
}

static uint64_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (uint64_t)ps : 4096;
}

/*
 * Check that @fd is shared memory holding at least @end bytes, and return
 * how much of it to map: @end rounded up to the page size, or to the
 * file's block size when that is larger (hugetlbfs reports its huge page
 * size there, and mappings of it must be multiples of that).
 *
 * The size check matters: touching a shared mapping beyond the end of its
 * file raises SIGBUS, so a front-end lying about a region's size could
 * otherwise kill the whole process through the datapath.
 */
static int check_fd(int fd, uint64_t end, uint64_t *map_len,
		    struct vhu_err *err)
{
	uint64_t align = page_size();
	struct stat st;

	if (fstat(fd, &st) < 0)
		return vhu_err_set(err, "fd %d: %s", fd, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vhu_err_set(err, "fd %d is not shared memory (not a regular "
				   "file)", fd);
	if (end > (uint64_t)st.st_size)
		return vhu_err_set(err, "needs %llu bytes of its fd but the file "
				   "holds %lld", (unsigned long long)end,
				   (long long)st.st_size);
	if (st.st_blksize > 0 && (uint64_t)st.st_blksize > align &&
	    (st.st_blksize & (st.st_blksize - 1)) == 0 &&
	    (uint64_t)st.st_blksize <= (1ull << 30))
		align = (uint64_t)st.st_blksize;
	*map_len = round_up(end, align);
	if (*map_len == 0 || *map_len > SIZE_MAX)
		return vhu_err_set(err, "mapping of %llu bytes is too large",
				   (unsigned long long)end);
	return 0;
}

/* Everything about one region that can be judged without the others. */
static int check_desc(const struct vhu_mem_desc *d, struct vhu_err *err)
{
	if (d->size == 0)
		return vhu_err_set(err, "size is zero");
	if (d->size - 1 > UINT64_MAX - d->gpa)
		return vhu_err_set(err, "guest range 0x%llx + 0x%llx wraps around",
				   (unsigned long long)d->gpa,
				   (unsigned long long)d->size);
	if (d->size - 1 > UINT64_MAX - d->qva)
		return vhu_err_set(err, "user range 0x%llx + 0x%llx wraps around",
				   (unsigned long long)d->qva,
				   (unsigned long long)d->size);
	if (d->mmap_offset > (uint64_t)INT64_MAX ||
	    d->size > (uint64_t)INT64_MAX - d->mmap_offset)
		return vhu_err_set(err, "mmap offset 0x%llx + size 0x%llx is beyond "
				   "any file", (unsigned long long)d->mmap_offset,
				   (unsigned long long)d->size);
	return 0;
}

static int map_region(const struct vhu_mem_desc *d, int fd,
		      struct vhu_mem_region *r, struct vhu_err *err)
{
	uint64_t map_len;
	void *base;

	if (check_desc(d, err) < 0)
		return -1;
	if (check_fd(fd, d->mmap_offset + d->size, &map_len, err) < 0)
		return -1;
	/*
	 * Map from offset 0: mmap_offset need not be page aligned, and the
	 * front-end's own mapping starts at 0 too.
	 */
	base = mmap(NULL, (size_t)map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (base == MAP_FAILED)
		return vhu_err_set(err, "mmap of %llu bytes: %s",
				   (unsigned long long)map_len, strerror(errno));
	r->gpa = d->gpa;
	r->size = d->size;
	r->qva = d->qva;
	r->mmap_offset = d->mmap_offset;
	r->map_base = base;
	r->map_len = (size_t)map_len;
	r->hva = (uint8_t *)base + d->mmap_offset;
	return 0;
}

static void unmap_region(struct vhu_mem_region *r)
{
	if (r->map_base != NULL)
		munmap(r->map_base, r->map_len);
	memset(r, 0, sizeof(*r));
}

/*
 * Guest-physical ranges must be disjoint, or a guest address would have
 * two meanings. User (qva) ranges may overlap: QEMU can expose one block
 * of its memory at two guest addresses, and any region holding a ring
 * address translates it to the same memory.
 */
static int check_overlap(const struct vhu_mem_desc *d,
			 const struct vhu_mem_region *r, unsigned int n,
			 struct vhu_err *err)
{
	for (unsigned int i = 0; i < n; i++) {
		if (ranges_overlap(d->gpa, d->size, r[i].gpa, r[i].size))
			return vhu_err_set(err, "guest range 0x%llx + 0x%llx overlaps "
					   "region 0x%llx + 0x%llx",
					   (unsigned long long)d->gpa,
					   (unsigned long long)d->size,
					   (unsigned long long)r[i].gpa,
					   (unsigned long long)r[i].size);
	}
	return 0;
}

int vhu_mem_set_table(struct vhu_mem *m, const struct vhu_mem_desc *d,
		      const int *fds, unsigned int n, struct vhu_err *err)
{
	struct vhu_mem_region fresh[VHU_MAX_MEM_REGIONS];
	unsigned int i, mapped = 0;

	if (n > VHU_MAX_MEM_REGIONS)
		return vhu_err_set(err, "%u regions, at most %u", n,
				   VHU_MAX_MEM_REGIONS);
	memset(fresh, 0, sizeof(fresh));
	for (i = 0; i < n; i++) {
		if (check_desc(&d[i], err) < 0 ||
		    check_overlap(&d[i], fresh, mapped, err) < 0 ||
		    map_region(&d[i], fds[i], &fresh[i], err) < 0)
			goto fail;
		mapped++;
	}

	for (i = 0; i < m->nregions; i++)
		unmap_region(&m->r[i]);
	memcpy(m->r, fresh, sizeof(fresh));
	m->nregions = n;
	return 0;

fail:
	vhu_err_prefix(err, "region %u", i);
	while (mapped > 0)
		unmap_region(&fresh[--mapped]);
	return -1;
}

int vhu_mem_add_region(struct vhu_mem *m, const struct vhu_mem_desc *d,
		       int fd, struct vhu_err *err)
{
	for (unsigned int i = 0; i < m->nregions; i++) {
		const struct vhu_mem_region *r = &m->r[i];

		if (r->gpa == d->gpa && r->size == d->size && r->qva == d->qva)
			return 0;
	}
	if (m->nregions >= VHU_MAX_MEM_REGIONS)
		return vhu_err_set(err, "all %u memory slots are in use",
				   VHU_MAX_MEM_REGIONS);
	if (check_desc(d, err) < 0 ||
	    check_overlap(d, m->r, m->nregions, err) < 0 ||
	    map_region(d, fd, &m->r[m->nregions], err) < 0)
		return vhu_err_prefix(err, "new region");
	m->nregions++;
	return 0;
}

int vhu_mem_remove_region(struct vhu_mem *m, const struct vhu_mem_desc *d,
			  struct vhu_err *err)
{
	for (unsigned int i = 0; i < m->nregions; i++) {
		struct vhu_mem_region *r = &m->r[i];

		if (r->gpa != d->gpa || r->size != d->size || r->qva != d->qva)
			continue;
		unmap_region(r);
		memmove(&m->r[i], &m->r[i + 1],
			(m->nregions - i - 1) * sizeof(m->r[0]));
		m->nregions--;
		memset(&m->r[m->nregions], 0, sizeof(m->r[0]));
		return 0;
	}
	return vhu_err_set(err, "no region with guest address 0x%llx, size 0x%llx "
			   "and user address 0x%llx",
			   (unsigned long long)d->gpa, (unsigned long long)d->size,
			   (unsigned long long)d->qva);
}

int vhu_mem_set_log(struct vhu_mem *m, int fd, uint64_t size, uint64_t offset,
		    struct vhu_err *err)
{
	uint64_t map_len;
	void *base;

	if (size == 0)
		return vhu_err_set(err, "log size is zero");
	if (offset > (uint64_t)INT64_MAX || size > (uint64_t)INT64_MAX - offset)
		return vhu_err_set(err, "log offset 0x%llx + size 0x%llx is beyond "
				   "any file", (unsigned long long)offset,
				   (unsigned long long)size);
	if (check_fd(fd, offset + size, &map_len, err) < 0)
		return vhu_err_prefix(err, "log");
	base = mmap(NULL, (size_t)map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (base == MAP_FAILED)
		return vhu_err_set(err, "log: mmap of %llu bytes: %s",
				   (unsigned long long)map_len, strerror(errno));
	if (m->log_map != NULL)
		munmap(m->log_map, m->log_map_len);
	m->log_map = base;
	m->log_map_len = (size_t)map_len;
	m->log = (uint8_t *)base + offset;
	m->log_size = size;
	return 0;
}

void vhu_mem_clear(struct vhu_mem *m)
{
	for (unsigned int i = 0; i < m->nregions; i++)
		unmap_region(&m->r[i]);
	if (m->log_map != NULL)
		munmap(m->log_map, m->log_map_len);
	vhu_mem_init(m);
}

/* The region holding guest-physical @gpa, or NULL. */
static const struct vhu_mem_region *find_gpa(const struct vhu_mem *m,
					     uint64_t gpa)
{
	for (unsigned int i = 0; i < m->nregions; i++) {
		const struct vhu_mem_region *r = &m->r[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

void *vhu_mem_gpa_span(const struct vhu_mem *m, uint64_t gpa, uint64_t *len)
{
	const struct vhu_mem_region *r = find_gpa(m, gpa);
	uint64_t off, room;

	if (r == NULL)
		return NULL;
	off = gpa - r->gpa;
	room = r->size - off;
	if (*len > room)
		*len = room;
	return r->hva + off;
}

void *vhu_mem_gpa(const struct vhu_mem *m, uint64_t gpa, uint64_t len)
{
	const struct vhu_mem_region *r = find_gpa(m, gpa);
	uint64_t off;

	if (r == NULL)
		return NULL;
	off = gpa - r->gpa;
	if (len > r->size - off)
		return NULL;
	return r->hva + off;
}

void *vhu_mem_qva(const struct vhu_mem *m, uint64_t qva, uint64_t len)
{
	/* qva ranges may overlap, so look for one that holds all of it. */
	for (unsigned int i = 0; i < m->nregions; i++) {
		const struct vhu_mem_region *r = &m->r[i];
		uint64_t off;

		if (qva < r->qva || qva - r->qva >= r->size)
			continue;
		off = qva - r->qva;
		if (len <= r->size - off)
			return r->hva + off;
	}
	return NULL;
}

bool vhu_mem_qva_to_gpa(const struct vhu_mem *m, uint64_t qva, uint64_t *gpa)
{
	for (unsigned int i = 0; i < m->nregions; i++) {
		const struct vhu_mem_region *r = &m->r[i];

		if (qva >= r->qva && qva - r->qva < r->size) {
			*gpa = r->gpa + (qva - r->qva);
			return true;
		}
	}
	return false;
}

void vhu_mem_log_write(struct vhu_mem *m, uint64_t gpa, uint64_t len)
{
	uint64_t npages, first, last;

	if (m->log == NULL || len == 0)
		return;
	npages = m->log_size > UINT64_MAX / 8 ? UINT64_MAX : m->log_size * 8;
	first = gpa / VHU_LOG_PAGE;
	if (first >= npages)
		return;
	if (len - 1 > UINT64_MAX - gpa)
		last = UINT64_MAX / VHU_LOG_PAGE;
	else
		last = (gpa + len - 1) / VHU_LOG_PAGE;
	if (last >= npages)
		last = npages - 1;

	/*
	 * The front-end copies a page once it sees its bit, so the data must be
	 * visible before the bit is: one release fence orders every earlier
	 * write before the relaxed ORs below. The ORs are atomic because the
	 * front-end clears bits concurrently and other rings set them.
	 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (uint64_t b = first / 8; b <= last / 8; b++) {
		unsigned int lo = b == first / 8 ? (unsigned int)(first % 8) : 0;
		unsigned int hi = b == last / 8 ? (unsigned int)(last % 8) : 7;
		uint8_t mask = (uint8_t)(((1u << (hi - lo + 1)) - 1) << lo);

		__atomic_fetch_or(&m->log[b], mask, __ATOMIC_RELAXED);
	}
}
