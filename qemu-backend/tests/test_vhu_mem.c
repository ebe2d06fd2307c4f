// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_vhu_mem.c - the guest memory table on memfd-backed regions:
 * translation at every region edge, ranges that would wrap, tables that
 * must be refused (and leave the old table in place), ADD/REM of single
 * regions, and the dirty log's bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vhu_test.h"
#include "vhu_mem_table.h"

#define PG	4096ull

static struct vhu_mem mem;
static struct vhu_err err;

static int setup(void **state)
{
	(void)state;
	test_log_capture();
	vhu_mem_init(&mem);
	err.msg[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vhu_mem_clear(&mem);
	return 0;
}

/* Whether [p, p + len) is still mapped in this process. */
static bool mapped(void *p, size_t len)
{
	return msync(p, len, MS_ASYNC) == 0;
}

static void put_byte(int fd, off_t off, uint8_t v)
{
	assert_int_equal(pwrite(fd, &v, 1, off), 1);
}

static uint8_t get_byte(int fd, off_t off)
{
	uint8_t v;

	assert_int_equal(pread(fd, &v, 1, off), 1);
	return v;
}

/* ------------------------------------------------------------------ */
/* Translation.                                                         */

static void test_translate_edges(void **state)
{
	int fd = test_memfd(3 * PG);
	struct vhu_mem_desc d = {
		.gpa = 0x10000, .size = 2 * PG, .qva = 0x7f0000001000ull,
		.mmap_offset = PG,
	};
	uint8_t *p;
	uint64_t len, gpa;

	(void)state;
	put_byte(fd, PG, 'A');			/* first byte of the region */
	put_byte(fd, 3 * PG - 1, 'Z');		/* last byte */
	assert_int_equal(vhu_mem_set_table(&mem, &d, &fd, 1, &err), 0);
	close(fd);				/* the mapping keeps its own reference */
	assert_int_equal(mem.nregions, 1);

	/* hva = base + mmap_offset. */
	p = vhu_mem_gpa(&mem, 0x10000, 1);
	assert_non_null(p);
	assert_ptr_equal(p, (uint8_t *)mem.r[0].map_base + PG);
	assert_int_equal(*p, 'A');
	p = vhu_mem_gpa(&mem, 0x10000 + 2 * PG - 1, 1);
	assert_non_null(p);
	assert_int_equal(*p, 'Z');

	/* One byte past either end, and ranges that stick out. */
	assert_null(vhu_mem_gpa(&mem, 0x10000 + 2 * PG, 1));
	assert_null(vhu_mem_gpa(&mem, 0xffff, 1));
	assert_null(vhu_mem_gpa(&mem, 0xffff, 2));
	assert_null(vhu_mem_gpa(&mem, 0x10000 + 2 * PG - 1, 2));
	assert_non_null(vhu_mem_gpa(&mem, 0x10000, 2 * PG));
	assert_null(vhu_mem_gpa(&mem, 0x10000, 2 * PG + 1));
	assert_null(vhu_mem_gpa(&mem, 0x10000, UINT64_MAX));
	/* Zero length: the address itself must be inside. */
	assert_non_null(vhu_mem_gpa(&mem, 0x10000 + 2 * PG - 1, 0));
	assert_null(vhu_mem_gpa(&mem, 0x10000 + 2 * PG, 0));

	/* Span: clipped to what the region holds. */
	len = 5 * PG;
	p = vhu_mem_gpa_span(&mem, 0x10000 + PG, &len);
	assert_non_null(p);
	assert_int_equal(len, PG);
	len = 16;
	assert_non_null(vhu_mem_gpa_span(&mem, 0x10000 + 8, &len));
	assert_int_equal(len, 16);
	len = 1;
	assert_null(vhu_mem_gpa_span(&mem, 0x10000 + 2 * PG, &len));

	/* Front-end virtual addresses, same rules. */
	p = vhu_mem_qva(&mem, 0x7f0000001000ull, 1);
	assert_non_null(p);
	assert_int_equal(*p, 'A');
	assert_non_null(vhu_mem_qva(&mem, 0x7f0000001000ull + 2 * PG - 1, 1));
	assert_null(vhu_mem_qva(&mem, 0x7f0000001000ull + 2 * PG - 1, 2));
	assert_null(vhu_mem_qva(&mem, 0x7f0000000fffull, 1));
	assert_true(vhu_mem_qva_to_gpa(&mem, 0x7f0000001000ull + 5, &gpa));
	assert_int_equal(gpa, 0x10005);
	assert_false(vhu_mem_qva_to_gpa(&mem, 0x7f0000001000ull + 2 * PG, &gpa));

	/* The mapping is shared: our writes reach the front-end's file. */
	p = vhu_mem_gpa(&mem, 0x10000 + 100, 1);
	*p = 'q';
	assert_int_equal(((uint8_t *)mem.r[0].map_base)[PG + 100], 'q');
}

static void test_span_walks_adjacent_regions(void **state)
{
	int fds[2] = { test_memfd(PG), test_memfd(PG) };
	struct vhu_mem_desc d[2] = {
		{ .gpa = 0, .size = PG, .qva = 0x100000 },
		{ .gpa = PG, .size = PG, .qva = 0x200000 },
	};
	uint8_t *a, *b;
	uint64_t len;

	(void)state;
	put_byte(fds[1], 0, 'B');
	assert_int_equal(vhu_mem_set_table(&mem, d, fds, 2, &err), 0);
	len = PG;
	a = vhu_mem_gpa_span(&mem, PG / 2, &len);
	assert_non_null(a);
	assert_int_equal(len, PG / 2);
	len = PG;
	b = vhu_mem_gpa_span(&mem, PG, &len);
	assert_non_null(b);
	assert_int_equal(*b, 'B');
	/* Contiguous in the guest, not in our mapping: no single pointer. */
	assert_null(vhu_mem_gpa(&mem, PG / 2, PG));
	close(fds[0]);
	close(fds[1]);
}

/* A region may end exactly at 2^64; nothing may wrap past it. */
static void test_top_of_address_space(void **state)
{
	int fd = test_memfd(16 * PG);
	struct vhu_mem_desc d = {
		.gpa = UINT64_MAX - 16 * PG + 1, .size = 16 * PG,
		.qva = UINT64_MAX - 16 * PG + 1,
	};
	uint64_t len;
	uint8_t *p;

	(void)state;
	assert_int_equal(vhu_mem_set_table(&mem, &d, &fd, 1, &err), 0);
	p = vhu_mem_gpa(&mem, UINT64_MAX, 1);
	assert_non_null(p);
	assert_ptr_equal(p, (uint8_t *)mem.r[0].hva + 16 * PG - 1);
	assert_null(vhu_mem_gpa(&mem, UINT64_MAX, 2));
	assert_null(vhu_mem_gpa(&mem, UINT64_MAX - 1, UINT64_MAX));
	assert_null(vhu_mem_qva(&mem, UINT64_MAX, 2));
	len = 100;
	assert_non_null(vhu_mem_gpa_span(&mem, UINT64_MAX, &len));
	assert_int_equal(len, 1);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Refused tables.                                                      */

static void expect_refused(const struct vhu_mem_desc *d, const int *fds,
			   unsigned int n, const char *why)
{
	assert_int_equal(vhu_mem_set_table(&mem, d, fds, n, &err), -1);
	assert_contains(err.msg, why);
}

static void test_refused_regions(void **state)
{
	int fd = test_memfd(4 * PG), fds[2] = { fd, fd }, p[2];
	struct vhu_mem_desc good = { .gpa = 0x100000, .size = PG, .qva = 0x5000 };
	struct vhu_mem_desc d;
	struct vhu_mem_desc two[2];
	void *old_hva;

	(void)state;
	/* A good table first: every refusal below must leave it alone. */
	assert_int_equal(vhu_mem_set_table(&mem, &good, &fd, 1, &err), 0);
	old_hva = mem.r[0].hva;

	d = (struct vhu_mem_desc){ .gpa = 0, .size = 0 };
	expect_refused(&d, &fd, 1, "region 0: size is zero");

	d = (struct vhu_mem_desc){ .gpa = UINT64_MAX - PG + 2, .size = PG };
	expect_refused(&d, &fd, 1, "guest range");
	assert_contains(err.msg, "wraps around");

	d = (struct vhu_mem_desc){ .gpa = 0, .size = PG, .qva = UINT64_MAX };
	expect_refused(&d, &fd, 1, "user range");

	d = (struct vhu_mem_desc){ .gpa = 0, .size = PG, .mmap_offset = UINT64_MAX };
	expect_refused(&d, &fd, 1, "beyond any file");

	d = (struct vhu_mem_desc){ .gpa = 0, .size = PG,
				   .mmap_offset = (uint64_t)INT64_MAX };
	expect_refused(&d, &fd, 1, "beyond any file");

	/* Larger than the file: touching the tail would raise SIGBUS. */
	d = (struct vhu_mem_desc){ .gpa = 0, .size = 4 * PG, .mmap_offset = PG };
	expect_refused(&d, &fd, 1, "needs 20480 bytes of its fd but the file holds 16384");

	test_pipe(p);
	d = (struct vhu_mem_desc){ .gpa = 0, .size = PG };
	expect_refused(&d, &p[0], 1, "not shared memory");
	close(p[0]);
	close(p[1]);
	expect_refused(&d, &p[0], 1, "Bad file descriptor");

	/* Overlapping guest ranges within one table; the second is named. */
	two[0] = (struct vhu_mem_desc){ .gpa = 0, .size = 2 * PG, .qva = 0 };
	two[1] = (struct vhu_mem_desc){ .gpa = PG, .size = 2 * PG, .qva = 0x9000 };
	expect_refused(two, fds, 2, "region 1: guest range 0x1000 + 0x2000 overlaps");
	two[1].gpa = 2 * PG - 1;
	expect_refused(two, fds, 2, "overlaps");

	assert_int_equal(vhu_mem_set_table(&mem, NULL, NULL, VHU_MAX_MEM_REGIONS + 1,
					   &err), -1);
	assert_contains(err.msg, "65 regions, at most 64");

	/* The good table survived all of it. */
	assert_int_equal(mem.nregions, 1);
	assert_ptr_equal(mem.r[0].hva, old_hva);
	assert_ptr_equal(vhu_mem_gpa(&mem, 0x100000, PG), old_hva);
	assert_true(mapped(mem.r[0].map_base, mem.r[0].map_len));
	close(fd);
}

/*
 * The same user memory may back two guest ranges (QEMU aliases); guest
 * ranges that merely touch are fine as well.
 */
static void test_allowed_neighbours(void **state)
{
	int fd = test_memfd(2 * PG), fds[2] = { fd, fd };
	struct vhu_mem_desc d[2] = {
		{ .gpa = 0, .size = PG, .qva = 0x40000 },
		{ .gpa = PG, .size = PG, .qva = 0x40000 },
	};

	(void)state;
	assert_int_equal(vhu_mem_set_table(&mem, d, fds, 2, &err), 0);
	assert_non_null(vhu_mem_qva(&mem, 0x40000, PG));
	close(fd);
}

static void test_set_table_replaces_and_unmaps(void **state)
{
	int a = test_memfd(PG), b = test_memfd(2 * PG);
	struct vhu_mem_desc da = { .gpa = 0, .size = PG, .qva = 0x1000 };
	struct vhu_mem_desc db = { .gpa = 0x100000, .size = 2 * PG, .qva = 0x9000 };
	void *old_base;
	size_t old_len;

	(void)state;
	assert_int_equal(vhu_mem_set_table(&mem, &da, &a, 1, &err), 0);
	old_base = mem.r[0].map_base;
	old_len = mem.r[0].map_len;
	assert_true(mapped(old_base, old_len));

	assert_int_equal(vhu_mem_set_table(&mem, &db, &b, 1, &err), 0);
	assert_int_equal(mem.nregions, 1);
	assert_null(vhu_mem_gpa(&mem, 0, 1));
	assert_non_null(vhu_mem_gpa(&mem, 0x100000, 2 * PG));
	assert_false(mapped(old_base, old_len));

	/* An empty table is allowed: no memory at all. */
	old_base = mem.r[0].map_base;
	old_len = mem.r[0].map_len;
	assert_int_equal(vhu_mem_set_table(&mem, NULL, NULL, 0, &err), 0);
	assert_int_equal(mem.nregions, 0);
	assert_false(mapped(old_base, old_len));
	assert_null(vhu_mem_gpa(&mem, 0x100000, 1));
	close(a);
	close(b);
}

/* ------------------------------------------------------------------ */
/* ADD_MEM_REG / REM_MEM_REG.                                           */

static void test_add_and_remove(void **state)
{
	int fd = test_memfd(PG);
	struct vhu_mem_desc d;
	void *base1;
	size_t len1;

	(void)state;
	for (uint64_t i = 0; i < 3; i++) {
		d = (struct vhu_mem_desc){ .gpa = i * 0x100000, .size = PG,
					   .qva = 0x7000000 + i * PG };
		assert_int_equal(vhu_mem_add_region(&mem, &d, fd, &err), 0);
	}
	assert_int_equal(mem.nregions, 3);

	/* Overlap refused; an exact replay is accepted and changes nothing. */
	d = (struct vhu_mem_desc){ .gpa = 0x100000 + 8, .size = PG, .qva = 0x1 };
	assert_int_equal(vhu_mem_add_region(&mem, &d, fd, &err), -1);
	assert_contains(err.msg, "new region: guest range 0x100008 + 0x1000 overlaps");
	d = (struct vhu_mem_desc){ .gpa = 0x100000, .size = PG, .qva = 0x7001000 };
	assert_int_equal(vhu_mem_add_region(&mem, &d, fd, &err), 0);
	assert_int_equal(mem.nregions, 3);
	d = (struct vhu_mem_desc){ .gpa = 0x500000, .size = 2 * PG, .qva = 0 };
	assert_int_equal(vhu_mem_add_region(&mem, &d, fd, &err), -1);
	assert_contains(err.msg, "holds 4096");

	/* Remove the middle one; mmap_offset is not part of its identity. */
	base1 = mem.r[1].map_base;
	len1 = mem.r[1].map_len;
	d = (struct vhu_mem_desc){ .gpa = 0x100000, .size = PG, .qva = 0x7001000,
				   .mmap_offset = 0xdead000 };
	assert_int_equal(vhu_mem_remove_region(&mem, &d, &err), 0);
	assert_int_equal(mem.nregions, 2);
	assert_false(mapped(base1, len1));
	assert_null(vhu_mem_gpa(&mem, 0x100000, 1));
	assert_non_null(vhu_mem_gpa(&mem, 0, PG));
	assert_non_null(vhu_mem_gpa(&mem, 0x200000, PG));

	/* Gone is gone; a near miss is no match. */
	assert_int_equal(vhu_mem_remove_region(&mem, &d, &err), -1);
	assert_contains(err.msg, "no region with guest address 0x100000");
	d = (struct vhu_mem_desc){ .gpa = 0, .size = PG, .qva = 0x7000001 };
	assert_int_equal(vhu_mem_remove_region(&mem, &d, &err), -1);
	assert_int_equal(mem.nregions, 2);
	close(fd);
}

static void test_slots_run_out(void **state)
{
	int fd = test_memfd(PG);
	struct vhu_mem_desc d;

	(void)state;
	for (uint64_t i = 0; i < VHU_MAX_MEM_REGIONS; i++) {
		d = (struct vhu_mem_desc){ .gpa = i * PG, .size = PG, .qva = i * PG };
		assert_int_equal(vhu_mem_add_region(&mem, &d, fd, &err), 0);
	}
	d = (struct vhu_mem_desc){ .gpa = 1000 * PG, .size = PG };
	assert_int_equal(vhu_mem_add_region(&mem, &d, fd, &err), -1);
	assert_contains(err.msg, "all 64 memory slots are in use");
	assert_non_null(vhu_mem_gpa(&mem, 63 * PG, PG));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Dirty log.                                                           */

static void test_log_bits(void **state)
{
	int fd = test_memfd(PG);

	(void)state;
	/* 16 bytes of log at offset 8: pages 0..127. */
	assert_int_equal(vhu_mem_set_log(&mem, fd, 16, 8, &err), 0);
	assert_ptr_equal(mem.log, (uint8_t *)mem.log_map + 8);

	vhu_mem_log_write(&mem, 3 * PG, 2 * PG + 1);	/* pages 3, 4, 5 */
	assert_int_equal(get_byte(fd, 8), 0x38);
	vhu_mem_log_write(&mem, 3 * PG + 5, 1);		/* idempotent */
	assert_int_equal(get_byte(fd, 8), 0x38);

	vhu_mem_log_write(&mem, 8 * PG - 1, 2);		/* straddles pages 7 and 8 */
	assert_int_equal(get_byte(fd, 8), 0xb8);
	assert_int_equal(get_byte(fd, 9), 0x01);

	vhu_mem_log_write(&mem, 16 * PG, 16 * PG);	/* pages 16..31: two whole bytes */
	assert_int_equal(get_byte(fd, 10), 0xff);
	assert_int_equal(get_byte(fd, 11), 0xff);
	assert_int_equal(get_byte(fd, 12), 0x00);

	vhu_mem_log_write(&mem, 127 * PG, PG);		/* last page the log covers */
	assert_int_equal(get_byte(fd, 8 + 15), 0x80);

	/* Beyond the log, zero length, and ranges that would wrap: ignored. */
	vhu_mem_log_write(&mem, 128 * PG, PG);
	vhu_mem_log_write(&mem, 40 * PG, 0);
	vhu_mem_log_write(&mem, UINT64_MAX - 5, 100);
	vhu_mem_log_write(&mem, 126 * PG, UINT64_MAX);	/* clipped to the log */
	assert_int_equal(get_byte(fd, 8 + 15), 0xc0);
	assert_int_equal(get_byte(fd, 8 + 5), 0x00);
	assert_int_equal(get_byte(fd, 8 + 16), 0x00);	/* past the log: untouched */
	assert_int_equal(get_byte(fd, 7), 0x00);	/* before it too */
	close(fd);
}

static void test_log_refused_and_replaced(void **state)
{
	int fd = test_memfd(PG), fd2 = test_memfd(PG), p[2];
	void *old;

	(void)state;
	assert_int_equal(vhu_mem_set_log(&mem, fd, 0, 0, &err), -1);
	assert_contains(err.msg, "log size is zero");
	assert_int_equal(vhu_mem_set_log(&mem, fd, PG, 1, &err), -1);
	assert_contains(err.msg, "log: needs 4097 bytes");
	assert_int_equal(vhu_mem_set_log(&mem, fd, 8, UINT64_MAX - 4, &err), -1);
	assert_contains(err.msg, "beyond any file");
	test_pipe(p);
	assert_int_equal(vhu_mem_set_log(&mem, p[1], 8, 0, &err), -1);
	assert_contains(err.msg, "not shared memory");
	close(p[0]);
	close(p[1]);
	assert_null(mem.log);
	/* No log: writes are no-ops. */
	vhu_mem_log_write(&mem, 0, PG);

	assert_int_equal(vhu_mem_set_log(&mem, fd, PG, 0, &err), 0);
	old = mem.log_map;
	assert_int_equal(vhu_mem_set_log(&mem, fd2, 64, 0, &err), 0);
	assert_false(mapped(old, PG));
	vhu_mem_log_write(&mem, 0, 1);
	assert_int_equal(get_byte(fd2, 0), 1);
	assert_int_equal(get_byte(fd, 0), 0);
	close(fd);
	close(fd2);
}

static void test_clear_unmaps_everything(void **state)
{
	int fd = test_memfd(PG);
	struct vhu_mem_desc d = { .gpa = 0, .size = PG, .qva = 0 };
	void *region, *log;

	(void)state;
	assert_int_equal(vhu_mem_set_table(&mem, &d, &fd, 1, &err), 0);
	assert_int_equal(vhu_mem_set_log(&mem, fd, 8, 0, &err), 0);
	region = mem.r[0].map_base;
	log = mem.log_map;
	vhu_mem_clear(&mem);
	assert_int_equal(mem.nregions, 0);
	assert_null(mem.log);
	assert_false(mapped(region, PG));
	assert_false(mapped(log, PG));
	assert_null(vhu_mem_gpa(&mem, 0, 1));
	vhu_mem_log_write(&mem, 0, 1);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_translate_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_span_walks_adjacent_regions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_of_address_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allowed_neighbours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_table_replaces_and_unmaps,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_run_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_refused_and_replaced,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_unmaps_everything,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("vhu_mem", tests, test_group_setup,
					    test_group_teardown);
}
