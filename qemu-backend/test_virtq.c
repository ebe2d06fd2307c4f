// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_virtq - the split-virtqueue engine against fake guest memory
 * (test_virtq_mem.c), driven by a small fake front-end that builds rings,
 * descriptor chains and indirect tables the way a guest driver would, and
 * also the way a hostile one would.
 *
 * Every test runs two queues in the same guest memory: "A" is the one under
 * test, "B" a healthy neighbour that must keep working whatever A's guest
 * did to A.
 */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "vhu_mem.h"
#include "virtq.h"

/* Recorded by the fake vhu_mem_log_write() (test_virtq_mem.c). */
#define TEST_LOG_MAX	4096
struct test_log_rec {
	uint64_t gpa;
	uint64_t len;
};
extern struct test_log_rec test_log[TEST_LOG_MAX];
extern unsigned int test_nlog;

/*
 * Guest-physical map. Regions 1 and 2 are adjacent in guest-physical space
 * but separate allocations on our side, so a buffer crossing 0x110000 must
 * come out as two segments (and ASan catches any overrun of either).
 */
#define RING_GPA	0x10000ULL	/* region 0: rings */
#define RING_SIZE	0x10000ULL
#define BUF_GPA		0x100000ULL	/* region 1: buffers */
#define BUF_SIZE	0x10000ULL
#define BUF2_GPA	(BUF_GPA + BUF_SIZE)	/* region 2: adjacent to 1 */
#define TBL_GPA		0x200000ULL	/* region 3: indirect tables */
#define TBL_SIZE	0x8000ULL
#define BIG_GPA		0x100000000ULL	/* region 4: reserved, never touched */
#define BIG_SIZE	0x80000000ULL
#define HOLE_GPA	0x180000ULL	/* in no region */
#define QVA_OFF		0x7f0000000000ULL	/* front-end virtual = gpa + this */
#define LOG_BYTES	128		/* one bit per 4 KiB up to 4 MiB */

#define QA_GPA		(RING_GPA)		/* queue A rings: +0, +0x1000, +0x2000 */
#define QB_GPA		(RING_GPA + 0x4000)	/* queue B rings */

#define FEAT(bit)	(1ULL << (bit))
#define F_V1		FEAT(VIRTQ_F_VERSION_1)
#define F_IND		FEAT(VIRTQ_F_INDIRECT_DESC)
#define F_EVT		FEAT(VIRTQ_F_EVENT_IDX)
#define F_MRG		FEAT(VIRTQ_F_NET_MRG_RXBUF)
#define F_ALL		(F_V1 | F_IND | F_EVT | F_MRG)

#define W		VIRTQ_DESC_F_WRITE
#define NX		VIRTQ_DESC_F_NEXT
#define IND		VIRTQ_DESC_F_INDIRECT

/* The fake front-end's view of one queue. */
struct drv {
	unsigned int num;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t avail_idx;	/* next avail index to publish */
	uint16_t next_desc;	/* trivial allocator: descriptors in order */
};

struct seg {
	uint64_t gpa;
	uint32_t len;
	uint16_t flags;		/* 0 (readable) or W */
};

struct fx {
	struct vhu_mem mem;
	void *back[4];
	void *big;
	uint8_t log[LOG_BYTES];
	struct drv da, db;
	struct virtq qa, qb;
	struct virtq_elem e[8];
};

/* ------------------------------------------------------------------ */
/* Fixture */

static void add_region(struct fx *f, uint64_t gpa, uint64_t size, void *hva)
{
	struct vhu_mem_region *r = &f->mem.r[f->mem.nregions++];

	r->gpa = gpa;
	r->size = size;
	r->qva = gpa + QVA_OFF;
	r->hva = hva;
}

static int fx_setup(void **state)
{
	static const uint64_t gpa[4] = { RING_GPA, BUF_GPA, BUF2_GPA, TBL_GPA };
	static const uint64_t size[4] = { RING_SIZE, BUF_SIZE, BUF_SIZE, TBL_SIZE };
	struct fx *f = calloc(1, sizeof(*f));
	unsigned int i;

	if (f == NULL)
		return -1;
	for (i = 0; i < 4; i++) {
		f->back[i] = aligned_alloc(4096, size[i]);
		if (f->back[i] == NULL)
			return -1;
		memset(f->back[i], 0, size[i]);
		add_region(f, gpa[i], size[i], f->back[i]);
	}
	/* Address space only: tests translate into it but never touch it. */
	f->big = mmap(NULL, BIG_SIZE, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->big == MAP_FAILED)
		f->big = NULL;
	else
		add_region(f, BIG_GPA, BIG_SIZE, f->big);
	f->mem.log = f->log;
	f->mem.log_size = LOG_BYTES;
	test_nlog = 0;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	unsigned int i;

	for (i = 0; i < 4; i++)
		free(f->back[i]);
	if (f->big != NULL)
		munmap(f->big, BIG_SIZE);
	free(f);
	return 0;
}

/* Our pointer to guest-physical [gpa, gpa + len), which must be mapped. */
static void *gp(struct fx *f, uint64_t gpa, uint64_t len)
{
	void *p = vhu_mem_gpa(&f->mem, gpa, len);

	assert_non_null(p);
	return p;
}

/* Copy into / out of guest memory across region boundaries. */
static void guest_write(struct fx *f, uint64_t gpa, const void *buf, size_t len)
{
	while (len != 0) {
		uint64_t l = len;
		void *p = vhu_mem_gpa_span(&f->mem, gpa, &l);

		assert_non_null(p);
		memcpy(p, buf, l);
		buf = (const uint8_t *)buf + l;
		gpa += l;
		len -= l;
	}
}

static void guest_read(struct fx *f, uint64_t gpa, void *buf, size_t len)
{
	while (len != 0) {
		uint64_t l = len;
		void *p = vhu_mem_gpa_span(&f->mem, gpa, &l);

		assert_non_null(p);
		memcpy(buf, p, l);
		buf = (uint8_t *)buf + l;
		gpa += l;
		len -= l;
	}
}

static void pattern(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/* ------------------------------------------------------------------ */
/* Fake front-end */

static void drv_setup(struct fx *f, struct drv *d, uint64_t base, unsigned int num)
{
	memset(d, 0, sizeof(*d));
	d->num = num;
	d->desc_gpa = base;
	d->avail_gpa = base + 0x1000;
	d->used_gpa = base + 0x2000;
	/* Up to 256 entries fit each part's 4 KiB slot. */
	d->desc = gp(f, d->desc_gpa, 0x1000);
	d->avail = gp(f, d->avail_gpa, 0x1000);
	d->used = gp(f, d->used_gpa, 0x1000);
	memset(d->desc, 0, 0x1000);
	memset(d->avail, 0, 0x1000);
	memset(d->used, 0, 0x1000);
}

static struct virtq_setup q_setup(struct fx *f, struct drv *d, uint64_t features)
{
	struct virtq_setup s = {
		.mem = &f->mem,
		.num = d->num,
		.desc = d->desc,
		.avail = d->avail,
		.used = d->used,
		.used_gpa = d->used_gpa,
		.features = features,
		.log = false,
	};
	return s;
}

/* Guest rings for both queues, A with @num/@features, B healthy, then start. */
static void start(struct fx *f, unsigned int num, uint64_t features)
{
	struct virtq_setup s;

	drv_setup(f, &f->da, QA_GPA, num);
	drv_setup(f, &f->db, QB_GPA, 16);
	s = q_setup(f, &f->da, features);
	assert_int_equal(virtq_init(&f->qa, &s), 0);
	virtq_set_base(&f->qa, 0);
	s = q_setup(f, &f->db, F_ALL);
	assert_int_equal(virtq_init(&f->qb, &s), 0);
	virtq_set_base(&f->qb, 0);
}

/* Like start() but with the guest's rings at free-running index @idx. */
static void start_at(struct fx *f, unsigned int num, uint64_t features,
		     uint16_t idx)
{
	struct virtq_setup s;

	start(f, num, features);
	f->da.avail_idx = idx;
	f->da.avail->idx = htole16(idx);
	f->da.used->idx = htole16(idx);
	s = q_setup(f, &f->da, features);
	assert_int_equal(virtq_init(&f->qa, &s), 0);
	virtq_set_base(&f->qa, idx);
}

static void drv_desc(struct drv *d, unsigned int i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	d->desc[i].addr = htole64(addr);
	d->desc[i].len = htole32(len);
	d->desc[i].flags = htole16(flags);
	d->desc[i].next = htole16(next);
}

/* Write a descriptor at guest-physical @gpa (indirect tables, unaligned too). */
static void tbl_desc(struct fx *f, uint64_t gpa, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct virtq_desc d = {
		.addr = htole64(addr),
		.len = htole32(len),
		.flags = htole16(flags),
		.next = htole16(next),
	};
	guest_write(f, gpa, &d, sizeof(d));
}

/* Put @head in the next avail slot and publish it (release, as drivers do). */
static void drv_avail(struct drv *d, uint16_t head)
{
	d->avail->ring[d->avail_idx & (d->num - 1)] = htole16(head);
	d->avail_idx++;
	__atomic_store_n(&d->avail->idx, htole16(d->avail_idx), __ATOMIC_RELEASE);
}

/* A chain of @n descriptors from the next free ones; returns its head. */
static uint16_t drv_chain(struct drv *d, const struct seg *s, unsigned int n)
{
	uint16_t head = d->next_desc;
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int at = (head + i) & (d->num - 1);
		unsigned int nx = (head + i + 1) & (d->num - 1);

		drv_desc(d, at, s[i].gpa, s[i].len,
			 (uint16_t)(s[i].flags | (i + 1 < n ? NX : 0)), (uint16_t)nx);
	}
	d->next_desc = (uint16_t)((head + n) & (d->num - 1));
	drv_avail(d, head);
	return head;
}

/* An indirect table of @n entries at @tbl, chained in order. */
static void drv_table(struct fx *f, uint64_t tbl, const struct seg *s, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		tbl_desc(f, tbl + 16 * i, s[i].gpa, s[i].len,
			 (uint16_t)(s[i].flags | (i + 1 < n ? NX : 0)), (uint16_t)(i + 1));
}

/* A single descriptor pointing to a table of @n entries at @tbl. */
static uint16_t drv_indirect(struct fx *f, struct drv *d, uint64_t tbl,
			     const struct seg *s, unsigned int n)
{
	uint16_t head = d->next_desc;

	drv_table(f, tbl, s, n);
	drv_desc(d, head, tbl, 16 * n, IND, 0);
	d->next_desc = (uint16_t)((head + 1) & (d->num - 1));
	drv_avail(d, head);
	return head;
}

static uint16_t drv_used_idx(const struct drv *d)
{
	return le16toh(__atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE));
}

static struct virtq_used_elem drv_used(const struct drv *d, uint16_t i)
{
	struct virtq_used_elem u = d->used->ring[i & (d->num - 1)];

	u.id = le32toh(u.id);
	u.len = le32toh(u.len);
	return u;
}

static uint16_t drv_avail_event(const struct drv *d)
{
	uint16_t v;

	memcpy(&v, (const uint8_t *)d->used + 4 + 8 * d->num, sizeof(v));
	return le16toh(v);
}

static void drv_set_used_event(struct drv *d, uint16_t v)
{
	d->avail->ring[d->num] = htole16(v);
}

/* ------------------------------------------------------------------ */
/* Shared checks */

/* Queue B still pops, pushes and publishes. */
static void check_b_ok(struct fx *f)
{
	struct seg s = { BUF_GPA + 0x8000, 64, 0 };
	uint16_t before = drv_used_idx(&f->db);
	uint16_t head = drv_chain(&f->db, &s, 1);

	assert_null(virtq_broken(&f->qb));
	assert_int_equal(virtq_pop(&f->qb, &f->e[7]), 1);
	assert_int_equal(f->e[7].id, head);
	assert_int_equal(f->e[7].out_len, 64);
	assert_int_equal(virtq_push(&f->qb, head, 0), 0);
	assert_int_equal(virtq_flush(&f->qb), 1);
	assert_int_equal(drv_used_idx(&f->db), (uint16_t)(before + 1));
	assert_null(virtq_broken(&f->qb));
}

/*
 * Queue A must be broken (reason containing @why), stay broken for every
 * entry point, not have published anything, and B must be unaffected.
 */
static void expect_broken_a(struct fx *f, int rc, const char *why)
{
	uint16_t used = drv_used_idx(&f->da);
	const char *reason;

	assert_int_equal(rc, -EIO);
	reason = virtq_broken(&f->qa);
	assert_non_null(reason);
	if (why != NULL && strstr(reason, why) == NULL)
		fail_msg("broken for \"%s\", expected \"%s\"", reason, why);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), -EIO);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 4), -EIO);
	assert_int_equal(virtq_avail_count(&f->qa), -EIO);
	assert_int_equal(virtq_push(&f->qa, 0, 0), -EIO);
	assert_int_equal(virtq_flush(&f->qa), -EIO);
	assert_false(virtq_should_call(&f->qa));
	assert_false(virtq_enable_kicks(&f->qa));
	assert_int_equal(drv_used_idx(&f->da), used);
	/* The first reason sticks. */
	virtq_mark_broken(&f->qa, "later");
	assert_ptr_equal(virtq_broken(&f->qa), reason);
	check_b_ok(f);
}

/* Pop on A must break it for @why. */
static void pop_breaks(struct fx *f, const char *why)
{
	expect_broken_a(f, virtq_pop(&f->qa, &f->e[0]), why);
}

/* Pop, then give the element back as used (len 0) and publish. */
static void pop_return(struct fx *f, struct virtq *q, struct virtq_elem *e)
{
	assert_int_equal(virtq_pop(q, e), 1);
	assert_int_equal(virtq_push(q, e->id, 0), 0);
	assert_true(virtq_flush(q) >= 1);
	(void)f;
}

/* Was exactly guest-physical [gpa, gpa + len) logged by one call? */
static bool logged(uint64_t gpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < test_nlog && i < TEST_LOG_MAX; i++)
		if (test_log[i].gpa == gpa && test_log[i].len == len)
			return true;
	return false;
}

static bool page_dirty(const struct fx *f, uint64_t gpa)
{
	uint64_t page = gpa >> 12;

	return f->log[page / 8] & (1u << (page % 8));
}

/* ------------------------------------------------------------------ */
/* Setup and layout */

static void test_init_checks(void **state)
{
	struct fx *f = *state;
	struct virtq q;
	struct virtq_setup s;
	static const unsigned int bad[] = { 0, 3, 6, 100, 32769, 65536, 1u << 20 };
	static const unsigned int good[] = { 1, 2, 256, 32768 };
	unsigned int i;

	drv_setup(f, &f->da, QA_GPA, 16);
	s = q_setup(f, &f->da, F_V1);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s.num = bad[i];
		assert_int_equal(virtq_init(&q, &s), -EINVAL);
		assert_int_equal(virtq_pop(&q, &f->e[0]), -EIO);
	}
	/* init reads only used->idx and flags, so large sizes are fine here. */
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		s.num = good[i];
		assert_int_equal(virtq_init(&q, &s), 0);
		assert_int_equal(q.num, good[i]);
	}

	s = q_setup(f, &f->da, F_V1);
	s.desc = (uint8_t *)f->da.desc + 8;
	assert_int_equal(virtq_init(&q, &s), -EINVAL);
	s = q_setup(f, &f->da, F_V1);
	s.avail = (uint8_t *)f->da.avail + 1;
	assert_int_equal(virtq_init(&q, &s), -EINVAL);
	s = q_setup(f, &f->da, F_V1);
	s.used = (uint8_t *)f->da.used + 2;
	assert_int_equal(virtq_init(&q, &s), -EINVAL);
	s = q_setup(f, &f->da, F_IND | F_EVT);	/* no VERSION_1 */
	assert_int_equal(virtq_init(&q, &s), -EINVAL);
	s = q_setup(f, &f->da, F_V1);
	s.mem = NULL;
	assert_int_equal(virtq_init(&q, &s), -EINVAL);
	assert_int_equal(virtq_init(&q, NULL), -EINVAL);

	/* A never-initialised queue refuses everything. */
	memset(&q, 0, sizeof(q));
	assert_int_equal(virtq_pop(&q, &f->e[0]), -EIO);
	assert_int_equal(virtq_push(&q, 0, 0), -EIO);
	assert_int_equal(virtq_flush(&q), -EIO);
	assert_false(virtq_should_call(&q));
	assert_false(virtq_enable_kicks(&q));

	/* Leftovers of a previous backend: used idx kept, NO_NOTIFY cleared. */
	f->da.used->idx = htole16(7);
	f->da.used->flags = htole16(VIRTQ_USED_F_NO_NOTIFY);
	s = q_setup(f, &f->da, F_V1);
	assert_int_equal(virtq_init(&q, &s), 0);
	assert_int_equal(le16toh(f->da.used->flags), 0);
	assert_int_equal(q.used_idx, 7);

	assert_int_equal(virtq_desc_bytes(256), 4096);
	assert_int_equal(virtq_avail_bytes(256), 518);
	assert_int_equal(virtq_used_bytes(256), 2054);
}

static void test_base(void **state)
{
	struct fx *f = *state;
	struct seg s = { BUF_GPA, 10, 0 };

	start_at(f, 16, F_V1, 40000);
	assert_int_equal(virtq_get_base(&f->qa), 40000);
	drv_chain(&f->da, &s, 1);
	drv_chain(&f->da, &s, 1);
	pop_return(f, &f->qa, &f->e[0]);
	assert_int_equal(virtq_get_base(&f->qa), 40001);
	pop_return(f, &f->qa, &f->e[0]);
	assert_int_equal(virtq_get_base(&f->qa), 40002);
	assert_int_equal(drv_used_idx(&f->da), 40002);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 0);

	/* A new base forgets what was popped or pushed but not published. */
	drv_chain(&f->da, &s, 1);
	drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 2), 2);
	assert_int_equal(virtq_push(&f->qa, f->e[0].id, 0), 0);
	virtq_set_base(&f->qa, 40002);
	assert_int_equal(virtq_flush(&f->qa), 0);
	assert_int_equal(virtq_unpop(&f->qa, 1), -EINVAL);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 4), 2);
	check_b_ok(f);
}

/*
 * A base more than a queue ahead of the guest's used index cannot be right
 * (DPDK's virtio_user sends 0 when it reconnects under a running queue):
 * the queue resumes from the used index and says so; a base within a queue
 * of it is taken as it is.
 */
static void test_base_resync(void **state)
{
	struct fx *f = *state;
	struct seg s = { BUF_GPA, 64, 0 };
	struct virtq_setup qs;

	start_at(f, 16, F_ALL, 500);
	/* The guest queued two chains a departed back-end never returned. */
	drv_chain(&f->da, &s, 1);
	drv_chain(&f->da, &s, 1);
	qs = q_setup(f, &f->da, F_ALL);
	assert_int_equal(virtq_init(&f->qa, &qs), 0);
	assert_int_equal(virtq_set_base(&f->qa, 0), 1);
	assert_int_equal(virtq_get_base(&f->qa), 500);
	/* Both chains are processed (again), and nothing breaks. */
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 4), 2);
	assert_null(virtq_broken(&f->qa));

	/* Bounds: used + num is taken, one further is not; behind used is not. */
	assert_int_equal(virtq_init(&f->qa, &qs), 0);
	assert_int_equal(virtq_set_base(&f->qa, 500 + 16), 0);
	assert_int_equal(virtq_get_base(&f->qa), 516);
	assert_int_equal(virtq_init(&f->qa, &qs), 0);
	assert_int_equal(virtq_set_base(&f->qa, 500 + 17), 1);
	assert_int_equal(virtq_get_base(&f->qa), 500);
	assert_int_equal(virtq_init(&f->qa, &qs), 0);
	assert_int_equal(virtq_set_base(&f->qa, 499), 1);
	assert_int_equal(virtq_get_base(&f->qa), 500);
	assert_int_equal(virtq_init(&f->qa, &qs), 0);
	assert_int_equal(virtq_set_base(&f->qa, 501), 0);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 4), 1);
	check_b_ok(f);
}

/* ------------------------------------------------------------------ */
/* Chains */

static void test_simple_chain(void **state)
{
	struct fx *f = *state;
	struct virtq_elem *e = &f->e[0];
	struct seg s[3] = {
		{ BUF_GPA, 12, 0 },
		{ BUF_GPA + 0x100, 100, 0 },
		{ BUF_GPA + 0x1000, 200, W },
	};
	uint8_t in[112], out[112], w[50];
	struct virtq_used_elem u;
	uint16_t head;

	start(f, 16, F_V1);
	pattern(in, sizeof(in), 1);
	guest_write(f, BUF_GPA, in, 12);
	guest_write(f, BUF_GPA + 0x100, in + 12, 100);
	head = drv_chain(&f->da, s, 3);

	assert_int_equal(virtq_avail_count(&f->qa), 1);
	assert_int_equal(virtq_pop(&f->qa, e), 1);
	assert_int_equal(e->id, head);
	assert_int_equal(e->out_num, 2);
	assert_int_equal(e->in_num, 1);
	assert_int_equal(e->out_len, 112);
	assert_int_equal(e->in_len, 200);
	assert_int_equal(e->ndesc, 3);
	assert_ptr_equal(e->iov[0].iov_base, gp(f, BUF_GPA, 12));
	assert_int_equal(e->iov[0].iov_len, 12);
	assert_int_equal(e->iov[1].iov_len, 100);
	assert_int_equal(e->iov_gpa[2], BUF_GPA + 0x1000);
	assert_int_equal(e->iov[2].iov_len, 200);
	assert_int_equal(virtq_pop(&f->qa, &f->e[1]), 0);

	assert_int_equal(virtq_elem_read(e, 0, out, sizeof(out)), 112);
	assert_memory_equal(out, in, 112);
	assert_int_equal(virtq_elem_read(e, 100, out, 50), 12);
	assert_memory_equal(out, in + 100, 12);
	assert_int_equal(virtq_elem_read(e, 500, out, 50), 0);

	pattern(w, sizeof(w), 2);
	assert_int_equal(virtq_elem_write(&f->qa, e, 10, w, 50), 50);
	guest_read(f, BUF_GPA + 0x1000 + 10, out, 50);
	assert_memory_equal(out, w, 50);
	/* Past the writable area nothing is written. */
	assert_int_equal(virtq_elem_write(&f->qa, e, 190, w, 50), 10);

	assert_int_equal(virtq_push(&f->qa, e->id, 60), 0);
	assert_int_equal(drv_used_idx(&f->da), 0);	/* not before flush */
	assert_int_equal(virtq_flush(&f->qa), 1);
	assert_int_equal(drv_used_idx(&f->da), 1);
	u = drv_used(&f->da, 0);
	assert_int_equal(u.id, head);
	assert_int_equal(u.len, 60);
	assert_int_equal(virtq_get_base(&f->qa), 1);
	check_b_ok(f);
}

static void test_span_regions(void **state)
{
	struct fx *f = *state;
	struct virtq_elem *e = &f->e[0];
	struct seg s[2] = {
		{ BUF2_GPA - 0x10, 0x30, 0 },
		{ BUF2_GPA - 8, 24, W },
	};
	uint8_t in[0x30], out[0x30], w[24];

	start(f, 16, F_V1);
	pattern(in, sizeof(in), 3);
	guest_write(f, BUF2_GPA - 0x10, in, sizeof(in));
	drv_chain(&f->da, s, 2);
	assert_int_equal(virtq_pop(&f->qa, e), 1);
	assert_int_equal(e->out_num, 2);
	assert_int_equal(e->in_num, 2);
	assert_int_equal(e->iov[0].iov_len, 0x10);
	assert_int_equal(e->iov[1].iov_len, 0x20);
	assert_ptr_equal(e->iov[1].iov_base, f->back[2]);
	assert_int_equal(e->iov_gpa[1], BUF2_GPA);
	assert_int_equal(e->iov[2].iov_len, 8);
	assert_int_equal(e->iov[3].iov_len, 16);
	assert_int_equal(e->out_len, 0x30);
	assert_int_equal(e->in_len, 24);

	assert_int_equal(virtq_elem_read(e, 0, out, sizeof(out)), sizeof(out));
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(virtq_elem_read(e, 0xc, out, 8), 8);
	assert_memory_equal(out, in + 0xc, 8);

	pattern(w, sizeof(w), 4);
	assert_int_equal(virtq_elem_write(&f->qa, e, 0, w, sizeof(w)), sizeof(w));
	guest_read(f, BUF2_GPA - 8, out, sizeof(w));
	assert_memory_equal(out, w, sizeof(w));
	check_b_ok(f);
}

/* A chain may use every descriptor of the table, no more (see the loop tests). */
static void test_full_table_chain(void **state)
{
	struct fx *f = *state;
	struct seg s[4] = {
		{ BUF_GPA, 1, 0 }, { BUF_GPA + 1, 1, 0 },
		{ BUF_GPA + 2, 1, W }, { BUF_GPA + 3, 1, W },
	};

	start(f, 4, F_V1);
	drv_chain(&f->da, s, 4);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	assert_int_equal(f->e[0].ndesc, 4);
	assert_int_equal(f->e[0].out_len, 2);
	assert_int_equal(f->e[0].in_len, 2);
}

/*
 * Zero-length descriptors: not forbidden by the spec; we skip them without
 * translating their address (so a junk address there is harmless).
 */
static void test_zero_length(void **state)
{
	struct fx *f = *state;
	struct virtq_elem *e = &f->e[0];

	start(f, 16, F_V1);
	drv_desc(&f->da, 0, HOLE_GPA, 0, NX, 1);
	drv_desc(&f->da, 1, BUF_GPA, 20, NX, 2);
	drv_desc(&f->da, 2, 0xffffffffffffffffULL, 0, W | NX, 3);
	drv_desc(&f->da, 3, BUF_GPA + 0x100, 30, W, 0);
	drv_avail(&f->da, 0);
	assert_int_equal(virtq_pop(&f->qa, e), 1);
	assert_int_equal(e->ndesc, 4);
	assert_int_equal(e->out_num, 1);
	assert_int_equal(e->in_num, 1);
	assert_int_equal(e->out_len, 20);
	assert_int_equal(e->in_len, 30);

	/* A chain of nothing at all is an empty element. */
	drv_desc(&f->da, 5, 0, 0, 0, 0);
	drv_avail(&f->da, 5);
	assert_int_equal(virtq_pop(&f->qa, e), 1);
	assert_int_equal(e->id, 5);
	assert_int_equal(e->out_num + e->in_num, 0);
	assert_int_equal(e->out_len + e->in_len, 0);
	assert_null(virtq_broken(&f->qa));
}

static void test_indirect(void **state)
{
	struct fx *f = *state;
	struct virtq_elem *e = &f->e[0];
	struct seg t1[3] = {
		{ BUF_GPA, 12, 0 },
		{ BUF_GPA + 0x200, 300, 0 },
		{ BUF_GPA + 0x1000, 500, W },
	};
	struct seg one = { BUF_GPA + 0x2000, 64, W };
	uint16_t head;

	start(f, 16, F_V1 | F_IND);

	head = drv_indirect(f, &f->da, TBL_GPA, t1, 3);
	assert_int_equal(virtq_pop(&f->qa, e), 1);
	assert_int_equal(e->id, head);
	assert_int_equal(e->ndesc, 4);
	assert_int_equal(e->out_num, 2);
	assert_int_equal(e->in_num, 1);
	assert_int_equal(e->out_len, 312);
	assert_int_equal(e->in_len, 500);
	assert_int_equal(e->iov_gpa[1], BUF_GPA + 0x200);

	/* Direct descriptors, then the indirect one last (the spec allows it). */
	drv_table(f, TBL_GPA + 0x100, &one, 1);
	drv_desc(&f->da, 8, BUF_GPA + 0x3000, 40, NX, 9);
	drv_desc(&f->da, 9, TBL_GPA + 0x100, 16, IND, 0);
	drv_avail(&f->da, 8);
	assert_int_equal(virtq_pop(&f->qa, e), 1);
	assert_int_equal(e->id, 8);
	assert_int_equal(e->out_len, 40);
	assert_int_equal(e->in_len, 64);
	assert_int_equal(e->ndesc, 3);

	/*
	 * An unaligned table, chained out of order (0 -> 2 -> 1), referred
	 * to by a descriptor whose WRITE flag must be ignored.
	 */
	tbl_desc(f, TBL_GPA + 0x404, BUF_GPA + 0x10, 5, NX, 2);
	tbl_desc(f, TBL_GPA + 0x404 + 16, BUF_GPA + 0x40, 7, W, 0);
	tbl_desc(f, TBL_GPA + 0x404 + 32, BUF_GPA + 0x20, 6, NX, 1);
	drv_desc(&f->da, 10, TBL_GPA + 0x404, 48, IND | W, 0);
	drv_avail(&f->da, 10);
	assert_int_equal(virtq_pop(&f->qa, e), 1);
	assert_int_equal(e->out_num, 2);
	assert_int_equal(e->iov_gpa[0], BUF_GPA + 0x10);
	assert_int_equal(e->iov_gpa[1], BUF_GPA + 0x20);
	assert_int_equal(e->iov_gpa[2], BUF_GPA + 0x40);
	assert_int_equal(e->out_len, 11);
	assert_int_equal(e->in_len, 7);

	/* A table entry may itself span the two adjacent regions. */
	one.gpa = BUF2_GPA - 4;
	one.len = 8;
	drv_indirect(f, &f->da, TBL_GPA + 0x800, &one, 1);
	assert_int_equal(virtq_pop(&f->qa, e), 1);
	assert_int_equal(e->in_num, 2);
	assert_int_equal(e->in_len, 8);
	assert_null(virtq_broken(&f->qa));
	check_b_ok(f);
}

/* A 2 GiB buffer is fine (translated, never touched). */
static void test_big_buffer(void **state)
{
	struct fx *f = *state;
	struct seg s = { BIG_GPA, 0x80000000u, W };

	if (f->big == NULL)
		skip();
	start(f, 16, F_V1);
	drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	assert_int_equal(f->e[0].in_len, 0x80000000u);
	assert_int_equal(f->e[0].in_num, 1);
}

/* ------------------------------------------------------------------ */
/* Batching, used ring, un-pop */

static void test_batch(void **state)
{
	struct fx *f = *state;
	struct seg s = { BUF_GPA, 32, W };
	uint16_t heads[3];
	unsigned int round, i;

	start(f, 4, F_V1);
	/* Nine entries through a four-slot used ring: slots wrap twice. */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 3; i++)
			heads[i] = drv_chain(&f->da, &s, 1);
		assert_int_equal(virtq_pop_batch(&f->qa, f->e, 8), 3);
		for (i = 0; i < 3; i++) {
			assert_int_equal(f->e[i].id, heads[i]);
			assert_int_equal(virtq_push(&f->qa, f->e[i].id, 10 * round + i), 0);
		}
		assert_int_equal(drv_used_idx(&f->da), 3 * round);
		assert_int_equal(virtq_flush(&f->qa), 3);
		assert_int_equal(drv_used_idx(&f->da), 3 * round + 3);
		for (i = 0; i < 3; i++) {
			struct virtq_used_elem u = drv_used(&f->da, (uint16_t)(3 * round + i));

			assert_int_equal(u.id, heads[i]);
			assert_int_equal(u.len, 10 * round + i);
		}
	}
	assert_int_equal(virtq_flush(&f->qa), 0);

	/* A batch smaller than what is available leaves the rest. */
	for (i = 0; i < 3; i++)
		drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 2), 2);
	assert_int_equal(virtq_pop(&f->qa, &f->e[2]), 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e + 3, 2), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(virtq_push(&f->qa, f->e[i].id, 0), 0);

	/* Our own misuse is refused without breaking the queue. */
	assert_int_equal(virtq_push(&f->qa, 0, 0), -EINVAL);	/* nothing in flight */
	drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	assert_int_equal(virtq_push(&f->qa, 4, 0), -EINVAL);	/* id >= num */
	assert_null(virtq_broken(&f->qa));
	assert_int_equal(virtq_flush(&f->qa), 3);
}

static void test_unpop(void **state)
{
	struct fx *f = *state;
	struct seg s = { BUF_GPA, 32, W };
	uint16_t h[3];
	unsigned int i;

	start(f, 16, F_V1);
	for (i = 0; i < 3; i++)
		h[i] = drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 3), 3);
	assert_int_equal(virtq_unpop(&f->qa, 2), 0);
	assert_int_equal(virtq_get_base(&f->qa), 1);
	assert_int_equal(virtq_pop(&f->qa, &f->e[1]), 1);
	assert_int_equal(f->e[1].id, h[1]);
	assert_int_equal(virtq_pop(&f->qa, &f->e[2]), 1);
	assert_int_equal(f->e[2].id, h[2]);
	assert_int_equal(virtq_pop(&f->qa, &f->e[3]), 0);

	assert_int_equal(virtq_unpop(&f->qa, 4), -EINVAL);
	assert_int_equal(virtq_unpop(&f->qa, 3), 0);
	assert_int_equal(virtq_get_base(&f->qa), 0);
	assert_int_equal(virtq_unpop(&f->qa, 1), -EINVAL);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 8), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(f->e[i].id, h[i]);
		assert_int_equal(virtq_push(&f->qa, f->e[i].id, 0), 0);
	}
	/* Pushed elements are no longer in flight. */
	assert_int_equal(virtq_unpop(&f->qa, 1), -EINVAL);
	assert_int_equal(virtq_flush(&f->qa), 3);
}

/* ------------------------------------------------------------------ */
/* Notifications */

static void test_need_event(void **state)
{
	(void)state;
	assert_true(virtq_need_event(0, 1, 0));
	assert_false(virtq_need_event(0, 2, 1));
	assert_true(virtq_need_event(1, 2, 0));
	assert_false(virtq_need_event(2, 2, 0));
	/* Windows across the 16-bit wrap: [65533, 1) = 65533, 65534, 65535, 0. */
	assert_true(virtq_need_event(65533, 1, 65533));
	assert_true(virtq_need_event(65535, 1, 65533));
	assert_true(virtq_need_event(0, 1, 65533));
	assert_false(virtq_need_event(1, 1, 65533));
	assert_false(virtq_need_event(65532, 1, 65533));
	assert_true(virtq_need_event(65535, 0, 65535));
	assert_false(virtq_need_event(0, 0, 65535));
	/* Nothing new: never. */
	assert_false(virtq_need_event(7, 7, 7));
	assert_false(virtq_need_event(6, 7, 7));
	/* Whole-ring windows. */
	assert_true(virtq_need_event(100, 32868, 100));
	assert_false(virtq_need_event(99, 32868, 100));
}

/* Make @n chains available, pop them, push and flush them on queue A. */
static void cycle(struct fx *f, unsigned int n)
{
	struct seg s = { BUF_GPA, 16, W };
	unsigned int i;

	for (i = 0; i < n; i++)
		drv_chain(&f->da, &s, 1);
	for (i = 0; i < n; i++) {
		assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
		assert_int_equal(virtq_push(&f->qa, f->e[0].id, 1), 0);
	}
	assert_int_equal(virtq_flush(&f->qa), n);
}

static void test_event_idx_call(void **state)
{
	struct fx *f = *state;

	start(f, 16, F_V1 | F_EVT);
	/* The first decision after start calls whatever used_event says. */
	drv_set_used_event(&f->da, 1000);
	assert_true(virtq_should_call(&f->qa));
	assert_false(virtq_should_call(&f->qa));	/* nothing new */

	drv_set_used_event(&f->da, 0);
	cycle(f, 1);					/* used 0 -> 1 */
	assert_true(virtq_should_call(&f->qa));
	cycle(f, 1);					/* 1 -> 2, event 0 is behind */
	assert_false(virtq_should_call(&f->qa));

	drv_set_used_event(&f->da, 5);
	cycle(f, 2);					/* 2 -> 4 */
	assert_false(virtq_should_call(&f->qa));
	cycle(f, 1);					/* 4 -> 5: entry 4 written */
	assert_false(virtq_should_call(&f->qa));
	cycle(f, 1);					/* 5 -> 6: entry 5 written */
	assert_true(virtq_should_call(&f->qa));

	/* Two flushes, one decision: the window covers both. */
	drv_set_used_event(&f->da, 6);
	cycle(f, 1);					/* 6 -> 7 */
	cycle(f, 1);					/* 7 -> 8 */
	assert_true(virtq_should_call(&f->qa));
	/* The legacy flag means nothing with EVENT_IDX. */
	f->da.avail->flags = htole16(VIRTQ_AVAIL_F_NO_INTERRUPT);
	drv_set_used_event(&f->da, 8);
	cycle(f, 1);
	assert_true(virtq_should_call(&f->qa));
	check_b_ok(f);
}

static void test_event_idx_wrap(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint16_t event;
		bool call;
	} c[] = {
		{ 65533, true }, { 65534, true }, { 65535, true }, { 0, true },
		{ 1, false }, { 2, false }, { 65532, false }, { 32768, false },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		start_at(f, 16, F_V1 | F_EVT, 65533);
		assert_true(virtq_should_call(&f->qa));	/* first one, resets */
		drv_set_used_event(&f->da, c[i].event);
		cycle(f, 4);				/* 65533 -> 1 */
		assert_int_equal(drv_used_idx(&f->da), 1);
		if (virtq_should_call(&f->qa) != c[i].call)
			fail_msg("used_event %u: expected %d", c[i].event, c[i].call);
	}
}

static void test_event_idx_kicks(void **state)
{
	struct fx *f = *state;
	struct seg s = { BUF_GPA, 16, 0 };

	start(f, 16, F_V1 | F_EVT);
	assert_false(virtq_enable_kicks(&f->qa));
	assert_int_equal(drv_avail_event(&f->da), 0);
	/* The guest added a buffer: the re-check sees it. */
	drv_chain(&f->da, &s, 1);
	assert_true(virtq_enable_kicks(&f->qa));
	pop_return(f, &f->qa, &f->e[0]);
	assert_false(virtq_enable_kicks(&f->qa));
	assert_int_equal(drv_avail_event(&f->da), 1);
	/* The guest's side of the test: publishing entry 1 must kick. */
	assert_true(virtq_need_event(drv_avail_event(&f->da), 2, 1));
	/*
	 * Entries published but not popped yet: avail_event still names the
	 * next one we pop (so the guest's next kick is not suppressed by an
	 * index we have not reached), and the re-check reports the backlog.
	 */
	drv_chain(&f->da, &s, 1);
	drv_chain(&f->da, &s, 1);
	pop_return(f, &f->qa, &f->e[0]);
	assert_true(virtq_enable_kicks(&f->qa));
	assert_int_equal(drv_avail_event(&f->da), 2);
	pop_return(f, &f->qa, &f->e[0]);
	assert_false(virtq_enable_kicks(&f->qa));
	assert_int_equal(drv_avail_event(&f->da), 3);
	/* disable_kicks with EVENT_IDX leaves flags at 0, as the spec wants. */
	virtq_disable_kicks(&f->qa);
	assert_int_equal(le16toh(f->da.used->flags), 0);

	start_at(f, 16, F_V1 | F_EVT, 65535);
	assert_false(virtq_enable_kicks(&f->qa));
	assert_int_equal(drv_avail_event(&f->da), 65535);
	drv_chain(&f->da, &s, 1);			/* avail idx wraps to 0 */
	assert_true(virtq_enable_kicks(&f->qa));
	pop_return(f, &f->qa, &f->e[0]);
	assert_false(virtq_enable_kicks(&f->qa));
	assert_int_equal(drv_avail_event(&f->da), 0);
	check_b_ok(f);
}

static void test_no_event_idx(void **state)
{
	struct fx *f = *state;
	struct seg s = { BUF_GPA, 16, 0 };

	start(f, 16, F_V1);
	assert_true(virtq_should_call(&f->qa));
	assert_false(virtq_should_call(&f->qa));	/* nothing new */
	cycle(f, 1);
	assert_true(virtq_should_call(&f->qa));
	f->da.avail->flags = htole16(VIRTQ_AVAIL_F_NO_INTERRUPT);
	cycle(f, 2);
	assert_false(virtq_should_call(&f->qa));
	f->da.avail->flags = 0;
	cycle(f, 1);
	assert_true(virtq_should_call(&f->qa));
	/* used_event means nothing without EVENT_IDX. */
	drv_set_used_event(&f->da, 1000);
	cycle(f, 1);
	assert_true(virtq_should_call(&f->qa));

	virtq_disable_kicks(&f->qa);
	assert_int_equal(le16toh(f->da.used->flags), VIRTQ_USED_F_NO_NOTIFY);
	assert_false(virtq_enable_kicks(&f->qa));
	assert_int_equal(le16toh(f->da.used->flags), 0);
	/* avail_event is not ours to write without EVENT_IDX. */
	assert_int_equal(drv_avail_event(&f->da), 0);
	/* Off again after being back on. */
	virtq_disable_kicks(&f->qa);
	assert_int_equal(le16toh(f->da.used->flags), VIRTQ_USED_F_NO_NOTIFY);
	drv_chain(&f->da, &s, 1);
	assert_true(virtq_enable_kicks(&f->qa));
	assert_int_equal(le16toh(f->da.used->flags), 0);
	check_b_ok(f);
}

/* ------------------------------------------------------------------ */
/* virtio-net helpers */

static struct virtq_net_hdr rx_hdr(void)
{
	struct virtq_net_hdr h = {
		.flags = VIRTQ_NET_HDR_F_DATA_VALID,
		.gso_type = VIRTQ_NET_HDR_GSO_NONE,
		.hdr_len = htole16(54),
		.num_buffers = htole16(0xbeef),	/* must be overwritten */
	};
	return h;
}

static uint16_t hdr_num_buffers(struct fx *f, uint64_t gpa)
{
	struct virtq_net_hdr h;

	guest_read(f, gpa, &h, sizeof(h));
	return le16toh(h.num_buffers);
}

static void test_rx_mrg(void **state)
{
	struct fx *f = *state;
	struct virtq_net_hdr hdr = rx_hdr(), got;
	uint8_t pkt[250], out[250];
	uint16_t heads[3];
	unsigned int i;

	start(f, 16, F_V1 | F_MRG);
	for (i = 0; i < 3; i++) {
		struct seg s = { BUF_GPA + 0x400 * i, 100, W };

		heads[i] = drv_chain(&f->da, &s, 1);
	}
	pattern(pkt, sizeof(pkt), 5);
	/* 12 + 250 bytes: 100 + 100 + 62. */
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, sizeof(pkt)), 3);
	assert_int_equal(drv_used_idx(&f->da), 0);
	assert_int_equal(virtq_flush(&f->qa), 3);
	assert_int_equal(drv_used_idx(&f->da), 3);
	for (i = 0; i < 3; i++) {
		struct virtq_used_elem u = drv_used(&f->da, (uint16_t)i);

		assert_int_equal(u.id, heads[i]);
		assert_int_equal(u.len, i < 2 ? 100 : 62);
	}
	guest_read(f, BUF_GPA, &got, sizeof(got));
	assert_int_equal(le16toh(got.num_buffers), 3);
	assert_int_equal(got.flags, VIRTQ_NET_HDR_F_DATA_VALID);
	assert_int_equal(le16toh(got.hdr_len), 54);
	guest_read(f, BUF_GPA + 12, out, 88);
	guest_read(f, BUF_GPA + 0x400, out + 88, 100);
	guest_read(f, BUF_GPA + 0x800, out + 188, 62);
	assert_memory_equal(out, pkt, sizeof(pkt));

	/* A packet that fits one buffer has num_buffers 1. */
	{
		struct seg s = { BUF_GPA + 0x1000, 1600, W };

		drv_chain(&f->da, &s, 1);
		assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, 60), 1);
		assert_int_equal(hdr_num_buffers(f, BUF_GPA + 0x1000), 1);
		assert_int_equal(virtq_flush(&f->qa), 1);
		assert_int_equal(drv_used(&f->da, 3).len, 72);
	}
	check_b_ok(f);
}

/*
 * A frame in pieces (a multi-slot netmap frame) lands in mergeable buffers
 * whose boundaries fall elsewhere than the pieces': the stream is exact,
 * with an empty piece and a piece spanning two buffers. Without MRG_RXBUF
 * it goes into one buffer, or is refused whole.
 */
static void test_rx_enqueue_iov(void **state)
{
	struct fx *f = *state;
	struct virtq_net_hdr hdr = rx_hdr(), got;
	uint8_t pkt[250], out[250];
	struct iovec iov[4] = {
		{ pkt, 30 }, { pkt + 30, 0 }, { pkt + 30, 170 }, { pkt + 200, 50 },
	};
	unsigned int i;

	start(f, 16, F_V1 | F_MRG);
	for (i = 0; i < 3; i++) {
		struct seg s = { BUF_GPA + 0x400 * i, 100, W };

		drv_chain(&f->da, &s, 1);
	}
	pattern(pkt, sizeof(pkt), 9);
	assert_int_equal(virtq_rx_enqueue_iov(&f->qa, &hdr, iov, 4), 3);
	assert_int_equal(virtq_flush(&f->qa), 3);
	guest_read(f, BUF_GPA, &got, sizeof(got));
	assert_int_equal(le16toh(got.num_buffers), 3);
	guest_read(f, BUF_GPA + 12, out, 88);
	guest_read(f, BUF_GPA + 0x400, out + 88, 100);
	guest_read(f, BUF_GPA + 0x800, out + 188, 62);
	assert_memory_equal(out, pkt, sizeof(pkt));
	for (i = 0; i < 3; i++)
		assert_int_equal(drv_used(&f->da, (uint16_t)i).len, i < 2 ? 100 : 62);
	check_b_ok(f);
}

static void test_rx_enqueue_iov_no_mrg(void **state)
{
	struct fx *f = *state;
	uint8_t pkt[300], out[300];
	struct iovec iov[3] = { { pkt, 100 }, { pkt + 100, 100 }, { pkt + 200, 100 } };
	struct virtq_net_hdr hdr = rx_hdr();
	struct seg big = { BUF_GPA, 400, W }, small = { BUF_GPA + 0x1000, 200, W };

	start(f, 16, F_V1);
	pattern(pkt, sizeof(pkt), 11);
	drv_chain(&f->da, &big, 1);
	assert_int_equal(virtq_rx_enqueue_iov(&f->qa, &hdr, iov, 3), 1);
	guest_read(f, BUF_GPA + 12, out, sizeof(out));
	assert_memory_equal(out, pkt, sizeof(pkt));
	drv_chain(&f->da, &small, 1);
	assert_int_equal(virtq_rx_enqueue_iov(&f->qa, &hdr, iov, 3), -EMSGSIZE);
	assert_int_equal(virtq_flush(&f->qa), 1);
	check_b_ok(f);
}

static void test_rx_scatter(void **state)
{
	struct fx *f = *state;
	struct virtq_net_hdr hdr = rx_hdr();
	uint8_t pkt[150], out[150];
	uint32_t lens[3];
	struct seg spanning[2] = {
		{ BUF2_GPA - 40, 60, W },	/* one buffer, two descriptors, */
		{ BUF_GPA + 0x2000, 40, W },	/* the first across regions */
	};
	struct seg s = { BUF_GPA + 0x3000, 100, W };

	start(f, 16, F_V1 | F_MRG);
	drv_chain(&f->da, spanning, 2);
	drv_chain(&f->da, &s, 1);
	s.gpa = BUF_GPA + 0x4000;
	drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 3), 3);
	pattern(pkt, sizeof(pkt), 6);
	/* 162 bytes: the 100-byte (spanning) buffer, then 62 of the second. */
	assert_int_equal(virtq_rx_scatter(&f->qa, f->e, 3, &hdr, pkt, sizeof(pkt), lens), 2);
	assert_int_equal(lens[0], 100);
	assert_int_equal(lens[1], 62);
	assert_int_equal(hdr_num_buffers(f, BUF2_GPA - 40), 2);
	guest_read(f, BUF2_GPA - 28, out, 48);
	guest_read(f, BUF_GPA + 0x2000, out + 48, 40);
	guest_read(f, BUF_GPA + 0x3000, out + 88, 62);
	assert_memory_equal(out, pkt, sizeof(pkt));
	/* The third buffer goes back for the next packet. */
	assert_int_equal(virtq_unpop(&f->qa, 1), 0);
	assert_int_equal(virtq_push(&f->qa, f->e[0].id, lens[0]), 0);
	assert_int_equal(virtq_push(&f->qa, f->e[1].id, lens[1]), 0);
	assert_int_equal(virtq_flush(&f->qa), 2);

	/* Not enough room in what was popped. */
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	assert_int_equal(virtq_rx_scatter(&f->qa, f->e, 1, &hdr, pkt, sizeof(pkt), lens),
			 -ENOSPC);
	assert_int_equal(virtq_rx_scatter(&f->qa, f->e, 0, &hdr, pkt, 10, lens), -ENOSPC);
	assert_int_equal(virtq_rx_scatter(&f->qa, f->e, 1, &hdr, pkt, 10, lens), 1);
	assert_int_equal(lens[0], 22);
	assert_null(virtq_broken(&f->qa));
}

static void test_rx_no_mrg(void **state)
{
	struct fx *f = *state;
	struct virtq_net_hdr hdr = rx_hdr();
	uint8_t pkt[200], out[80];
	uint32_t lens[2];
	struct seg s = { BUF_GPA, 100, W };
	uint16_t head;

	start(f, 16, F_V1);
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, 10), -ENOBUFS);
	head = drv_chain(&f->da, &s, 1);
	s.gpa = BUF_GPA + 0x400;
	drv_chain(&f->da, &s, 1);
	pattern(pkt, sizeof(pkt), 7);
	/* Too big for one buffer and no merging: dropped, buffer given back. */
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, 200), -EMSGSIZE);
	assert_int_equal(virtq_get_base(&f->qa), 0);
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, 80), 1);
	assert_int_equal(hdr_num_buffers(f, BUF_GPA), 1);
	guest_read(f, BUF_GPA + 12, out, 80);
	assert_memory_equal(out, pkt, 80);
	assert_int_equal(virtq_flush(&f->qa), 1);
	assert_int_equal(drv_used(&f->da, 0).id, head);
	assert_int_equal(drv_used(&f->da, 0).len, 92);

	/* rx_scatter uses one element only without MRG_RXBUF. */
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	f->e[1] = f->e[0];
	assert_int_equal(virtq_rx_scatter(&f->qa, f->e, 2, &hdr, pkt, 150, lens), -ENOSPC);
	assert_int_equal(virtq_rx_scatter(&f->qa, f->e, 2, &hdr, pkt, 50, lens), 1);
	assert_int_equal(hdr_num_buffers(f, BUF_GPA + 0x400), 1);
	check_b_ok(f);
}

static void test_rx_enobufs(void **state)
{
	struct fx *f = *state;
	struct virtq_net_hdr hdr = rx_hdr();
	uint8_t pkt[300];
	unsigned int i;

	start(f, 16, F_V1 | F_MRG);
	pattern(pkt, sizeof(pkt), 8);
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, sizeof(pkt)), -ENOBUFS);
	for (i = 0; i < 2; i++) {
		struct seg s = { BUF_GPA + 0x400 * i, 100, W };

		drv_chain(&f->da, &s, 1);
	}
	/* 312 bytes need four buffers: all given back, nothing published. */
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, sizeof(pkt)), -ENOBUFS);
	assert_int_equal(virtq_get_base(&f->qa), 0);
	assert_int_equal(virtq_flush(&f->qa), 0);
	assert_int_equal(drv_used_idx(&f->da), 0);
	for (i = 2; i < 4; i++) {
		struct seg s = { BUF_GPA + 0x400 * i, 100, W };

		drv_chain(&f->da, &s, 1);
	}
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, sizeof(pkt)), 4);
	assert_int_equal(virtq_flush(&f->qa), 4);
	assert_int_equal(hdr_num_buffers(f, BUF_GPA), 4);
	assert_int_equal(drv_used(&f->da, 0).id, 0);
	assert_int_equal(drv_used(&f->da, 3).len, 12);
	assert_null(virtq_broken(&f->qa));
}

static void test_tx_gather(void **state)
{
	struct fx *f = *state;
	struct virtq_net_hdr hdr = { .flags = VIRTQ_NET_HDR_F_NEEDS_CSUM,
				     .csum_start = htole16(34),
				     .csum_offset = htole16(16) }, got;
	uint8_t frame[60], buf[64];
	struct seg s[2] = {
		{ BUF_GPA, 12, 0 },
		{ BUF2_GPA - 20, 60, 0 },
	};
	struct seg tiny = { BUF_GPA + 0x100, 8, 0 };

	start(f, 16, F_V1);
	pattern(frame, sizeof(frame), 9);
	guest_write(f, BUF_GPA, &hdr, sizeof(hdr));
	guest_write(f, BUF2_GPA - 20, frame, sizeof(frame));
	drv_chain(&f->da, s, 2);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	assert_int_equal(virtq_tx_gather(&f->e[0], &got, buf, sizeof(buf)), 60);
	assert_memory_equal(&got, &hdr, sizeof(hdr));
	assert_memory_equal(buf, frame, 60);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(virtq_tx_gather(&f->e[0], &got, buf, 30), -EMSGSIZE);
	assert_memory_equal(buf, frame, 30);
	assert_int_equal(buf[30], 0);

	drv_chain(&f->da, &tiny, 1);
	assert_int_equal(virtq_pop(&f->qa, &f->e[1]), 1);
	assert_int_equal(virtq_tx_gather(&f->e[1], &got, buf, sizeof(buf)), -EINVAL);
	assert_null(virtq_broken(&f->qa));
}

/* ------------------------------------------------------------------ */
/* Dirty logging */

static void start_logged(struct fx *f, unsigned int num, uint64_t features)
{
	struct virtq_setup s;

	start(f, num, features);
	s = q_setup(f, &f->da, features);
	s.log = true;
	assert_int_equal(virtq_init(&f->qa, &s), 0);
	virtq_set_base(&f->qa, 0);
	memset(f->log, 0, sizeof(f->log));
	test_nlog = 0;
}

static void test_dirty_log(void **state)
{
	struct fx *f = *state;
	struct virtq_net_hdr hdr = rx_hdr();
	uint8_t pkt[40] = { 0 };
	struct seg s = { BUF_GPA + 0x3000, 200, W };
	struct seg span = { BUF2_GPA - 8, 24, W };
	uint64_t used = QA_GPA + 0x2000;
	unsigned int i;

	start_logged(f, 4, F_V1);
	/* A packet written into a buffer dirties that buffer's page. */
	drv_chain(&f->da, &s, 1);
	assert_false(page_dirty(f, BUF_GPA + 0x3000));
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, sizeof(pkt)), 1);
	assert_true(logged(BUF_GPA + 0x3000, 12));
	assert_true(logged(BUF_GPA + 0x3000 + 12, 40));
	assert_true(page_dirty(f, BUF_GPA + 0x3000));
	assert_false(page_dirty(f, BUF_GPA + 0x4000));
	/* Publishing dirties the entry and the index, nothing before. */
	assert_false(page_dirty(f, used));
	assert_int_equal(virtq_flush(&f->qa), 1);
	assert_true(logged(used + 4, 8));
	assert_true(logged(used + 2, 2));
	assert_true(page_dirty(f, used));

	/* Entries 1..4 of a 4-slot ring: slots 1, 2, 3, then 0 after the wrap. */
	for (i = 0; i < 3; i++)
		cycle(f, 1);
	test_nlog = 0;
	drv_chain(&f->da, &s, 1);
	drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 2), 2);
	assert_int_equal(virtq_push(&f->qa, f->e[0].id, 0), 0);
	assert_int_equal(virtq_push(&f->qa, f->e[1].id, 0), 0);
	assert_int_equal(virtq_flush(&f->qa), 2);	/* used 4 -> 6: slots 0, 1 */
	assert_true(logged(used + 4, 16));
	test_nlog = 0;
	drv_chain(&f->da, &s, 1);
	drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 2), 2);
	assert_int_equal(virtq_push(&f->qa, f->e[0].id, 0), 0);
	assert_int_equal(virtq_push(&f->qa, f->e[1].id, 0), 0);
	assert_int_equal(virtq_flush(&f->qa), 2);	/* used 6 -> 8: slots 2, 3 */
	assert_true(logged(used + 4 + 16, 16));
	cycle(f, 3);					/* 8 -> 11: slots 0..2 */
	test_nlog = 0;
	for (i = 0; i < 2; i++)
		drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 2), 2);
	assert_int_equal(virtq_push(&f->qa, f->e[0].id, 0), 0);
	assert_int_equal(virtq_push(&f->qa, f->e[1].id, 0), 0);
	assert_int_equal(virtq_flush(&f->qa), 2);	/* 11 -> 13: slot 3, then 0 */
	assert_true(logged(used + 4 + 24, 8));
	assert_true(logged(used + 4, 8));

	/* Datapath writes of its own, across the adjacent regions. */
	drv_chain(&f->da, &span, 1);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	test_nlog = 0;
	virtq_log_in(&f->qa, &f->e[0], 4, 10);
	assert_int_equal(test_nlog, 2);
	assert_true(logged(BUF2_GPA - 4, 4));
	assert_true(logged(BUF2_GPA, 6));
	assert_true(page_dirty(f, BUF2_GPA));
	assert_int_equal(virtq_push(&f->qa, f->e[0].id, 0), 0);
	assert_int_equal(virtq_flush(&f->qa), 1);

	/* Kick suppression flags are used-ring writes too. */
	test_nlog = 0;
	virtq_disable_kicks(&f->qa);
	assert_true(logged(used, 2));
	test_nlog = 0;
	virtq_enable_kicks(&f->qa);
	assert_true(logged(used, 2));

	/* Logging off: nothing recorded. */
	virtq_set_log(&f->qa, false);
	test_nlog = 0;
	drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_rx_enqueue(&f->qa, &hdr, pkt, sizeof(pkt)), 1);
	assert_int_equal(virtq_flush(&f->qa), 1);
	virtq_log_in(&f->qa, &f->e[0], 0, 10);
	assert_int_equal(test_nlog, 0);
}

static void test_dirty_log_event_idx(void **state)
{
	struct fx *f = *state;
	uint64_t used = QA_GPA + 0x2000;

	start_logged(f, 16, F_V1 | F_EVT);
	virtq_enable_kicks(&f->qa);
	assert_true(logged(used + 4 + 8 * 16, 2));
	/* With EVENT_IDX disabling kicks writes nothing. */
	test_nlog = 0;
	virtq_disable_kicks(&f->qa);
	assert_int_equal(test_nlog, 0);
}

/* ------------------------------------------------------------------ */
/* Malicious rings: each breaks A, and B carries on. */

static void test_bad_loop(void **state)
{
	struct fx *f = *state;

	start(f, 16, F_V1);
	drv_desc(&f->da, 0, BUF_GPA, 10, NX, 1);
	drv_desc(&f->da, 1, BUF_GPA, 10, NX, 0);
	drv_avail(&f->da, 0);
	pop_breaks(f, "loops");

	start(f, 16, F_V1);
	drv_desc(&f->da, 3, BUF_GPA, 10, NX, 3);	/* points at itself */
	drv_avail(&f->da, 3);
	pop_breaks(f, "loops");

	/* Zero-length descriptors cannot loop either. */
	start(f, 16, F_V1);
	drv_desc(&f->da, 5, 0, 0, NX, 6);
	drv_desc(&f->da, 6, 0, 0, NX, 5);
	drv_avail(&f->da, 5);
	pop_breaks(f, "loops");
}

static void test_bad_chain_too_long(void **state)
{
	struct fx *f = *state;
	unsigned int i;

	/* num + 1 descriptors in a 4-entry table: one must repeat. */
	start(f, 4, F_V1);
	for (i = 0; i < 4; i++)
		drv_desc(&f->da, i, BUF_GPA + i, 1, NX, (uint16_t)((i + 1) % 4));
	drv_avail(&f->da, 2);
	pop_breaks(f, "longer than the queue");
}

static void test_bad_next_index(void **state)
{
	struct fx *f = *state;

	start(f, 16, F_V1);
	drv_desc(&f->da, 0, BUF_GPA, 10, NX, 16);
	drv_avail(&f->da, 0);
	pop_breaks(f, "next index beyond the queue size");

	start(f, 16, F_V1);
	drv_desc(&f->da, 0, BUF_GPA, 10, NX, 0xffff);
	drv_avail(&f->da, 0);
	pop_breaks(f, "next index");
}

static void test_bad_head_index(void **state)
{
	struct fx *f = *state;

	start(f, 16, F_V1);
	drv_avail(&f->da, 16);
	pop_breaks(f, "head index");

	start(f, 16, F_V1);
	drv_avail(&f->da, 0xffff);
	expect_broken_a(f, virtq_pop_batch(&f->qa, f->e, 4), "head index");

	/* A bad head after good ones: the batch fails as a whole. */
	start(f, 16, F_V1);
	drv_desc(&f->da, 0, BUF_GPA, 10, 0, 0);
	drv_avail(&f->da, 0);
	drv_avail(&f->da, 200);
	expect_broken_a(f, virtq_pop_batch(&f->qa, f->e, 4), "head index");
}

static void test_bad_indirect_not_negotiated(void **state)
{
	struct fx *f = *state;
	struct seg t = { BUF_GPA, 10, 0 };

	start(f, 16, F_V1 | F_EVT | F_MRG);
	drv_indirect(f, &f->da, TBL_GPA, &t, 1);
	pop_breaks(f, "without VIRTIO_F_INDIRECT_DESC");
}

static void test_bad_indirect_nested(void **state)
{
	struct fx *f = *state;
	struct seg inner = { BUF_GPA, 10, 0 };
	struct seg outer = { TBL_GPA + 0x100, 16, IND };

	start(f, 16, F_V1 | F_IND);
	drv_table(f, TBL_GPA + 0x100, &inner, 1);
	drv_indirect(f, &f->da, TBL_GPA, &outer, 1);
	pop_breaks(f, "inside an indirect table");
}

static void test_bad_indirect_next(void **state)
{
	struct fx *f = *state;
	struct seg t = { BUF_GPA, 10, 0 };

	/* INDIRECT together with NEXT is forbidden. */
	start(f, 16, F_V1 | F_IND);
	drv_table(f, TBL_GPA, &t, 1);
	drv_desc(&f->da, 0, TBL_GPA, 16, IND | NX, 1);
	drv_desc(&f->da, 1, BUF_GPA, 10, 0, 0);
	drv_avail(&f->da, 0);
	pop_breaks(f, "NEXT");
}

static void test_bad_indirect_len(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint64_t addr;
		uint32_t len;
		const char *why;
	} c[] = {
		{ TBL_GPA, 24, "multiple of 16" },
		{ TBL_GPA, 0, "multiple of 16" },
		{ TBL_GPA, 1, "multiple of 16" },
		{ TBL_GPA, 16 * (VIRTQ_MAX_INDIRECT + 1), "too large" },
		{ TBL_GPA, 0xfffffff0u, "too large" },
		{ HOLE_GPA, 32, "outside guest memory" },
		{ TBL_GPA + TBL_SIZE - 16, 32, "outside guest memory" },
		/* Contiguous for the guest but not for us: refused (documented). */
		{ BUF2_GPA - 16, 32, "outside guest memory" },
		{ 0xfffffffffffffff0ULL, 32, "outside guest memory" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		start(f, 16, F_V1 | F_IND);
		drv_desc(&f->da, 0, c[i].addr, c[i].len, IND, 0);
		drv_avail(&f->da, 0);
		pop_breaks(f, c[i].why);
	}
}

static void test_bad_indirect_chain(void **state)
{
	struct fx *f = *state;

	/* A loop inside the table. */
	start(f, 16, F_V1 | F_IND);
	tbl_desc(f, TBL_GPA, BUF_GPA, 10, NX, 1);
	tbl_desc(f, TBL_GPA + 16, BUF_GPA, 10, NX, 0);
	drv_desc(&f->da, 0, TBL_GPA, 32, IND, 0);
	drv_avail(&f->da, 0);
	pop_breaks(f, "indirect descriptor chain loops");

	/* next past the table's end (though inside the queue size). */
	start(f, 16, F_V1 | F_IND);
	tbl_desc(f, TBL_GPA, BUF_GPA, 10, NX, 2);
	tbl_desc(f, TBL_GPA + 16, BUF_GPA, 10, 0, 0);
	drv_desc(&f->da, 0, TBL_GPA, 32, IND, 0);
	drv_avail(&f->da, 0);
	pop_breaks(f, "beyond the indirect table");

	/* Writable before readable inside the table. */
	start(f, 16, F_V1 | F_IND);
	tbl_desc(f, TBL_GPA, BUF_GPA, 10, W | NX, 1);
	tbl_desc(f, TBL_GPA + 16, BUF_GPA, 10, 0, 0);
	drv_desc(&f->da, 0, TBL_GPA, 32, IND, 0);
	drv_avail(&f->da, 0);
	pop_breaks(f, "after a device-writable");

	/* Writable direct descriptor, then a table starting readable. */
	start(f, 16, F_V1 | F_IND);
	tbl_desc(f, TBL_GPA, BUF_GPA, 10, 0, 0);
	drv_desc(&f->da, 0, BUF_GPA, 10, W | NX, 1);
	drv_desc(&f->da, 1, TBL_GPA, 16, IND, 0);
	drv_avail(&f->da, 0);
	pop_breaks(f, "after a device-writable");

	/* A bad buffer address inside the table. */
	start(f, 16, F_V1 | F_IND);
	tbl_desc(f, TBL_GPA, HOLE_GPA, 10, 0, 0);
	drv_desc(&f->da, 0, TBL_GPA, 16, IND, 0);
	drv_avail(&f->da, 0);
	pop_breaks(f, "outside guest memory");
}

static void test_bad_buffer_address(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint64_t addr;
		uint32_t len;
		const char *why;
	} c[] = {
		{ HOLE_GPA, 10, "outside guest memory" },
		{ 0, 10, "outside guest memory" },
		/* Starts inside region 2, runs off its end into the hole. */
		{ BUF2_GPA + BUF_SIZE - 8, 16, "outside guest memory" },
		/* Starts just below region 0. */
		{ RING_GPA - 1, 2, "outside guest memory" },
		{ 0x7fffffffffffffffULL, 100, "outside guest memory" },
		/* addr + len wraps past 2^64 into low (mapped) addresses. */
		{ 0xfffffffffffffff0ULL, 0x20, "wraps" },
		{ 0xffffffffffffffffULL, 0xffffffffu, "wraps" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		start(f, 16, F_V1);
		drv_desc(&f->da, 0, BUF_GPA, 10, NX, 1);
		drv_desc(&f->da, 1, c[i].addr, c[i].len, W, 0);
		drv_avail(&f->da, 0);
		pop_breaks(f, c[i].why);
	}
}

static void test_bad_avail_idx(void **state)
{
	struct fx *f = *state;
	struct seg s = { BUF_GPA, 10, 0 };

	/* num + 1 entries at once: more than the ring can hold. */
	start(f, 16, F_V1);
	f->da.avail->idx = htole16(17);
	pop_breaks(f, "ahead of the used index");

	start(f, 16, F_V1);
	f->da.avail->idx = htole16(0x8000);
	expect_broken_a(f, virtq_avail_count(&f->qa), "ahead of the used index");

	start(f, 16, F_V1);
	f->da.avail->idx = htole16(0xffff);	/* "minus one" */
	expect_broken_a(f, virtq_pop_batch(&f->qa, f->e, 8), "ahead of the used index");

	/*
	 * Reusing buffers it has not got back: 16 popped and still in flight,
	 * then one more published.
	 */
	start(f, 16, F_V1);
	drv_desc(&f->da, 0, BUF_GPA, 10, 0, 0);
	f->da.avail->idx = htole16(16);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 8), 8);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 8), 8);
	f->da.avail->idx = htole16(17);
	pop_breaks(f, "ahead of the used index");

	/* Moving backwards behind what we already popped. */
	start(f, 16, F_V1);
	drv_chain(&f->da, &s, 1);
	drv_chain(&f->da, &s, 1);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	assert_int_equal(virtq_pop(&f->qa, &f->e[1]), 1);
	f->da.avail->idx = htole16(1);
	pop_breaks(f, "backwards");

	/* Same, near the 16-bit wrap. */
	start_at(f, 16, F_V1, 65530);
	f->da.avail->idx = htole16((uint16_t)(65530 + 17));
	pop_breaks(f, "ahead of the used index");
}

static void test_bad_order(void **state)
{
	struct fx *f = *state;
	struct seg s[3] = {
		{ BUF_GPA, 10, 0 },
		{ BUF_GPA + 0x100, 10, W },
		{ BUF_GPA + 0x200, 10, 0 },
	};

	start(f, 16, F_V1);
	drv_chain(&f->da, s, 3);
	pop_breaks(f, "after a device-writable");

	/* Even an empty readable descriptor may not follow a writable one. */
	s[2].len = 0;
	start(f, 16, F_V1);
	drv_chain(&f->da, s, 3);
	pop_breaks(f, "after a device-writable");
}

static void test_bad_too_many_segments(void **state)
{
	struct fx *f = *state;
	unsigned int i, n = VIRTQ_MAX_IOV + 1;

	start(f, 16, F_V1 | F_IND);
	for (i = 0; i < n; i++)
		tbl_desc(f, TBL_GPA + 16 * i, BUF_GPA + i, 1,
			 i + 1 < n ? NX : 0, (uint16_t)(i + 1));
	drv_desc(&f->da, 0, TBL_GPA, 16 * n, IND, 0);
	drv_avail(&f->da, 0);
	pop_breaks(f, "too many segments");

	/* Exactly the limit is fine. */
	start(f, 16, F_V1 | F_IND);
	tbl_desc(f, TBL_GPA + 16 * (n - 2), BUF_GPA, 1, 0, 0);
	drv_desc(&f->da, 0, TBL_GPA, 16 * (n - 1), IND, 0);
	drv_avail(&f->da, 0);
	assert_int_equal(virtq_pop(&f->qa, &f->e[0]), 1);
	assert_int_equal(f->e[0].out_num, VIRTQ_MAX_IOV);
}

static void test_bad_over_4g(void **state)
{
	struct fx *f = *state;
	struct seg s[2] = {
		{ BIG_GPA, 0x80000000u, 0 },
		{ BIG_GPA, 0x80000000u, W },
	};

	if (f->big == NULL)
		skip();
	start(f, 16, F_V1);
	drv_chain(&f->da, s, 2);
	pop_breaks(f, "4 GiB");
}

static void test_bad_mrg_small_buffer(void **state)
{
	struct fx *f = *state;
	struct virtq_net_hdr hdr = rx_hdr();
	uint8_t pkt[100] = { 0 };
	struct seg big = { BUF_GPA, 50, W }, small = { BUF_GPA + 0x100, 8, W };

	/* First buffer too small to hold the header. */
	start(f, 16, F_V1 | F_MRG);
	drv_chain(&f->da, &small, 1);
	expect_broken_a(f, virtq_rx_enqueue(&f->qa, &hdr, pkt, sizeof(pkt)),
			"smaller than the net header");

	/* A later one. */
	start(f, 16, F_V1 | F_MRG);
	drv_chain(&f->da, &big, 1);
	drv_chain(&f->da, &small, 1);
	expect_broken_a(f, virtq_rx_enqueue(&f->qa, &hdr, pkt, sizeof(pkt)),
			"smaller than the net header");

	/* Through rx_scatter as well. */
	start(f, 16, F_V1 | F_MRG);
	drv_chain(&f->da, &big, 1);
	drv_chain(&f->da, &small, 1);
	assert_int_equal(virtq_pop_batch(&f->qa, f->e, 2), 2);
	{
		uint32_t lens[2];

		expect_broken_a(f, virtq_rx_scatter(&f->qa, f->e, 2, &hdr, pkt,
						    sizeof(pkt), lens),
				"smaller than the net header");
	}
}

/* A broken queue comes back with virtq_init() (the device reset path). */
static void test_broken_then_reinit(void **state)
{
	struct fx *f = *state;
	struct seg s = { BUF_GPA, 10, 0 };

	start(f, 16, F_V1);
	drv_avail(&f->da, 99);
	pop_breaks(f, "head index");
	start(f, 16, F_V1);
	assert_null(virtq_broken(&f->qa));
	drv_chain(&f->da, &s, 1);
	pop_return(f, &f->qa, &f->e[0]);
}

/*
 * Random rings: whatever the guest writes, pop either fails cleanly or
 * returns segments that lie inside guest memory, readable ones first, with
 * consistent totals. Deterministic seed; ASan/UBSan watch the rest.
 */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static uint64_t rnd_addr(void)
{
	switch (rnd() % 8) {
	case 0:
		return rnd();
	case 1:
		return HOLE_GPA + rnd() % 0x1000;
	case 2:
		return BUF2_GPA - rnd() % 64;
	case 3:
		return BUF2_GPA + BUF_SIZE - rnd() % 64;
	case 4:
		return TBL_GPA + rnd() % TBL_SIZE;
	case 5:
		return UINT64_MAX - rnd() % 64;
	default:
		return BUF_GPA + rnd() % (2 * BUF_SIZE);
	}
}

static uint32_t rnd_len(void)
{
	switch (rnd() % 6) {
	case 0:
		return (uint32_t)rnd();
	case 1:
		return 0;
	case 2:
		return 16 * (uint32_t)(rnd() % 40);
	default:
		return (uint32_t)(rnd() % 300);
	}
}

static void rnd_desc(struct virtq_desc *d, unsigned int num)
{
	d->addr = htole64(rnd_addr());
	d->len = htole32(rnd_len());
	d->flags = htole16((uint16_t)(rnd() % 4 == 0 ? rnd() : rnd() % 8));
	d->next = htole16((uint16_t)(rnd() % 3 == 0 ? rnd() : rnd() % (num + 2)));
}

static void check_elem_sane(struct fx *f, const struct virtq_elem *e, unsigned int num)
{
	uint64_t out = 0, in = 0;
	unsigned int i;

	assert_true(e->id < num);
	assert_true(e->out_num + e->in_num <= VIRTQ_MAX_IOV);
	for (i = 0; i < (unsigned int)(e->out_num + e->in_num); i++) {
		assert_true(e->iov[i].iov_len > 0);
		assert_ptr_equal(vhu_mem_gpa(&f->mem, e->iov_gpa[i], e->iov[i].iov_len),
				 e->iov[i].iov_base);
		if (i < e->out_num)
			out += e->iov[i].iov_len;
		else
			in += e->iov[i].iov_len;
	}
	assert_int_equal(out, e->out_len);
	assert_int_equal(in, e->in_len);
}

static void test_random_rings(void **state)
{
	struct fx *f = *state;
	unsigned int iter, popped = 0, broke = 0;

	for (iter = 0; iter < 3000; iter++) {
		unsigned int num = 1u << (rnd() % 5);	/* 1 .. 16 */
		uint64_t feat = F_V1 | (rnd() % 2 ? F_IND : 0);
		unsigned int i, step;
		uint16_t aidx;

		start(f, num, feat);
		for (i = 0; i < num; i++)
			rnd_desc(&f->da.desc[i], num);
		for (i = 0; i < 64; i++) {
			struct virtq_desc d;

			rnd_desc(&d, 8);
			memcpy((uint8_t *)f->back[3] + 16 * (rnd() % (TBL_SIZE / 16)), &d, 16);
		}
		for (i = 0; i < num; i++)
			f->da.avail->ring[i] = htole16((uint16_t)(rnd() % 4 ? rnd() % num : rnd()));
		aidx = (uint16_t)(rnd() % 8 == 0 ? rnd() : rnd() % (num + 1));
		f->da.avail->idx = htole16(aidx);

		for (step = 0; step < 2 * num + 2; step++) {
			int rc = virtq_pop(&f->qa, &f->e[0]);

			if (rc == 0)
				break;
			if (rc < 0) {
				assert_int_equal(rc, -EIO);
				assert_non_null(virtq_broken(&f->qa));
				broke++;
				break;
			}
			check_elem_sane(f, &f->e[0], num);
			popped++;
			assert_int_equal(virtq_push(&f->qa, f->e[0].id, f->e[0].in_len), 0);
			assert_int_equal(virtq_flush(&f->qa), 1);
			/* The guest may rewrite everything meanwhile. */
			if (rnd() % 2)
				rnd_desc(&f->da.desc[rnd() % num], num);
		}
		if (iter % 100 == 0)
			check_b_ok(f);
	}
	/* Both outcomes must actually have been exercised. */
	assert_true(popped > 100);
	assert_true(broke > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_init_checks),
		T(test_base),
		T(test_base_resync),
		T(test_simple_chain),
		T(test_span_regions),
		T(test_full_table_chain),
		T(test_zero_length),
		T(test_indirect),
		T(test_big_buffer),
		T(test_batch),
		T(test_unpop),
		T(test_need_event),
		T(test_event_idx_call),
		T(test_event_idx_wrap),
		T(test_event_idx_kicks),
		T(test_no_event_idx),
		T(test_rx_mrg),
		T(test_rx_enqueue_iov),
		T(test_rx_enqueue_iov_no_mrg),
		T(test_rx_scatter),
		T(test_rx_no_mrg),
		T(test_rx_enobufs),
		T(test_tx_gather),
		T(test_dirty_log),
		T(test_dirty_log_event_idx),
		T(test_bad_loop),
		T(test_bad_chain_too_long),
		T(test_bad_next_index),
		T(test_bad_head_index),
		T(test_bad_indirect_not_negotiated),
		T(test_bad_indirect_nested),
		T(test_bad_indirect_next),
		T(test_bad_indirect_len),
		T(test_bad_indirect_chain),
		T(test_bad_buffer_address),
		T(test_bad_avail_idx),
		T(test_bad_order),
		T(test_bad_too_many_segments),
		T(test_bad_over_4g),
		T(test_bad_mrg_small_buffer),
		T(test_broken_then_reinit),
		T(test_random_rings),
#undef T
	};

	return cmocka_run_group_tests_name("virtq", tests, NULL, NULL);
}
