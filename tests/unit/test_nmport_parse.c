// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_nmport_parse.c - libnetmap without a kernel: the portspec grammar
 * (netmap-abi.md 5.3, including every nmreq_parsing expectation of
 * upstream's ctrl-api-test), options, option lists, contexts, and the
 * mapping/ring logic of nmport_mmap and nmport_inject on a fake region.
 */
#define NETMAP_USER_CONST	/* the fake region is written by the test */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "libnetmap.h"

/* ------------------------------------------------------------------ */
/* A quiet context that remembers the last message and counts memory. */

static char last_msg[1024];
static int n_msgs;
static long live_allocs;

static void quiet_error(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	n_msgs++;
}

static void *count_malloc(struct nmctx *ctx, size_t size)
{
	void *p = malloc(size);

	(void)ctx;
	if (p != NULL)
		live_allocs++;
	return p;
}

static void count_free(struct nmctx *ctx, void *p)
{
	(void)ctx;
	if (p != NULL)
		live_allocs--;
	free(p);
}

static struct nmctx test_ctx = {
	.verbose = 1,
	.error = quiet_error,
	.malloc = count_malloc,
	.free = count_free,
	.lock = NULL,
	.mem_descs = NULL,
};

static struct nmctx *saved_default;

static int setup(void **state)
{
	(void)state;
	last_msg[0] = '\0';
	n_msgs = 0;
	live_allocs = 0;
	test_ctx.mem_descs = NULL;
	saved_default = nmctx_set_default(&test_ctx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nmctx_set_default(saved_default);
	assert_int_equal(live_allocs, 0);
	assert_null(test_ctx.mem_descs);
	return 0;
}

static void randomize(void *p, size_t n)
{
	unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)rand();
}

/* ------------------------------------------------------------------ */
/* The parse table. */

/*
 * err > 0: nmreq_header_decode fails with errno err.
 * err < 0: the header parses, nmreq_register_decode fails with -err.
 * suffix: what is left of the input afterwards (NULL: the whole input).
 */
struct parse_case {
	const char	*spec;
	const char	*name;
	const char	*suffix;
	int		err;
	uint32_t	mode;
	uint16_t	ringid;
	uint64_t	flags;
	uint16_t	mem_id;
};

static const struct parse_case cases[] = {
	/* The nmreq_parsing expectations of netmap-abi.md 5.3. */
	{ "netmap:eth0", "eth0", "", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0-1", "eth0", "", 0, NR_REG_ONE_NIC, 1, 0, 0 },
	{ "netmap:eth0-", "eth0", "-", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0-2/Tx", "eth0", "", 0, NR_REG_ONE_NIC, 2,
	  NR_TX_RINGS_ONLY | NR_EXCLUSIVE, 0 },
	{ "netmap:eth0*", "eth0", "", 0, NR_REG_NIC_SW, 0, 0, 0 },
	{ "netmap:eth0^", "eth0", "", 0, NR_REG_SW, 0, 0, 0 },
	{ "netmap:eth0@2/R@2", "eth0", "", 0, NR_REG_ALL_NIC, 0,
	  NR_RX_RINGS_ONLY, 2 },
	{ "netmap:eth0@2/R@3", "eth0", "@2/R@3", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0@", "eth0", "@", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:^", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:{", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:vale0:0", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "eth0", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmapXXX:eth0", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0&", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:pipe{1}2", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "vale0:0", "vale0:0", "", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "vale:0", "vale:0", "", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "valeXXX:YYY", "valeXXX:YYY", "", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "valeXXX:YYY-4", "valeXXX:YYY", "", 0, NR_REG_ONE_NIC, 4, 0, 0 },
	{ "netmap:14", "14", "", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:pipe{in-7", "pipe{in", "", 0, NR_REG_ONE_NIC, 7, 0, 0 },
	{ "vale0:0{0", "vale0:0{0", "", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "vale0:0/Tx@opt", "vale0:0", "@opt", 0, NR_REG_ALL_NIC, 0,
	  NR_TX_RINGS_ONLY | NR_EXCLUSIVE, 0 },

	/* More of the same grammar. */
	{ "netmap:eth0/x", "eth0", "", 0, NR_REG_ALL_NIC, 0, NR_EXCLUSIVE, 0 },
	{ "netmap:eth0/z", "eth0", "", 0, NR_REG_ALL_NIC, 0, NR_ZCOPY_MON, 0 },
	{ "netmap:eth0/r", "eth0", "", 0, NR_REG_ALL_NIC, 0, NR_MONITOR_RX, 0 },
	{ "netmap:eth0/t", "eth0", "", 0, NR_REG_ALL_NIC, 0, NR_MONITOR_TX, 0 },
	{ "netmap:eth0/xztrRT", "eth0", "", 0, NR_REG_ALL_NIC, 0,
	  NR_EXCLUSIVE | NR_ZCOPY_MON | NR_MONITOR_TX | NR_MONITOR_RX |
	  NR_RX_RINGS_ONLY | NR_TX_RINGS_ONLY, 0 },
	{ "netmap:eth0^3", "eth0", "", 0, NR_REG_ONE_SW, 3, 0, 0 },
	{ "netmap:eth0^/R", "eth0", "", 0, NR_REG_SW, 0, NR_RX_RINGS_ONLY, 0 },
	{ "netmap:eth0*/x", "eth0", "", 0, NR_REG_NIC_SW, 0, NR_EXCLUSIVE, 0 },
	{ "netmap:eth0@2", "eth0", "", 0, NR_REG_ALL_NIC, 0, 0, 2 },
	{ "netmap:eth0-3@7", "eth0", "", 0, NR_REG_ONE_NIC, 3, 0, 7 },
	{ "netmap:eth0@netmap:lo/R", "eth0", "@netmap:lo/R", 0,
	  NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0/R@xxx", "eth0", "@xxx", 0, NR_REG_ALL_NIC, 0,
	  NR_RX_RINGS_ONLY, 0 },
	{ "netmap:pipe{0", "pipe{0", "", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:pipe}in", "pipe}in", "", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "vale0:0@opt", "vale0:0", "@opt", 0, NR_REG_ALL_NIC, 0, 0, 0 },
	{ "vale0:0-3@opt", "vale0:0", "@opt", 0, NR_REG_ONE_NIC, 3, 0, 0 },
	{ "vale0:0@", "vale0:0", "@", -EINVAL, 0, 0, 0, 0 },
	{ "vale_a1:p_2}x_y", "vale_a1:p_2}x_y", "", 0, NR_REG_ALL_NIC, 0,
	  0, 0 },
	{ "netmap:eth0-4094", "eth0", "", 0, NR_REG_ONE_NIC, 4094, 0, 0 },
	{ "netmap:eth0@65535", "eth0", "", 0, NR_REG_ALL_NIC, 0, 0, 65535 },

	/* Errors of the name. */
	{ "netmap", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "vale", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "vale0", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "vale0:", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "vale-x:0", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "vale0:a.b", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:a{", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:a{-1", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:{b", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:a{b{c", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap:a}b}c", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "NETMAP:eth0", NULL, NULL, EINVAL, 0, 0, 0, 0 },
	{ "netmap: eth0", NULL, NULL, EINVAL, 0, 0, 0, 0 },

	/* Errors of the mode. */
	{ "netmap:eth0-4095", "eth0", "-4095", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0-99999999999999999999", "eth0",
	  "-99999999999999999999", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0-x", "eth0", "-x", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0*1", "eth0", "*1", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0**", "eth0", "**", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0^-1", "eth0", "^-1", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0-1-2", "eth0", "-1-2", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0@2-1", "eth0", "@2-1", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0/", "eth0", "/", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0/q", "eth0", "/q", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0/x-1", "eth0", "/x-1", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0/x/R", "eth0", "/x/R", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0/@2", "eth0", "/@2", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0@0", "eth0", "@0", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0@65536", "eth0", "@65536", -EINVAL, 0, 0, 0, 0 },
	{ "netmap:eth0@1@2", "eth0", "@1@2", -EINVAL, 0, 0, 0, 0 },
};

/* Checks that name the portspec when they fail. */
#define CHECK(spec, c)							\
	do {								\
		if (!(c))						\
			fail_msg("'%s': %s", (spec), #c);		\
	} while (0)
#define CHECK_EQ(spec, a, b)						\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_)						\
			fail_msg("'%s': %s is %lld, expected %lld",	\
				 (spec), #a, a_, b_);			\
	} while (0)

static void check_case(const struct parse_case *t)
{
	struct nmreq_header hdr, orig_hdr;
	struct nmreq_register reg, orig_reg;
	const char *scan = t->spec, *before;
	const char *suffix = t->suffix != NULL ? t->suffix : t->spec;
	const char *sp = t->spec;
	int rc;

	randomize(&hdr, sizeof(hdr));
	randomize(&reg, sizeof(reg));
	reg.nr_mem_id = 0;
	orig_hdr = hdr;
	orig_reg = reg;

	errno = 0;
	n_msgs = 0;
	rc = nmreq_header_decode(&scan, &hdr, &test_ctx);
	if (t->err > 0) {
		CHECK_EQ(sp, rc, -1);
		CHECK_EQ(sp, errno, t->err);
		CHECK(sp, scan == t->spec);
		CHECK(sp, memcmp(&hdr, &orig_hdr, sizeof(hdr)) == 0);
		CHECK(sp, n_msgs > 0);
		return;
	}
	CHECK_EQ(sp, rc, 0);
	CHECK(sp, strcmp(hdr.nr_name, t->name) == 0);
	CHECK_EQ(sp, hdr.nr_version, orig_hdr.nr_version);
	CHECK_EQ(sp, hdr.nr_reqtype, orig_hdr.nr_reqtype);
	CHECK_EQ(sp, hdr.nr_reserved, orig_hdr.nr_reserved);
	CHECK(sp, hdr.nr_options == orig_hdr.nr_options);
	CHECK(sp, hdr.nr_body == orig_hdr.nr_body);

	before = scan;
	errno = 0;
	n_msgs = 0;
	rc = nmreq_register_decode(&scan, &reg, &test_ctx);
	if (t->err < 0) {
		CHECK_EQ(sp, rc, -1);
		CHECK_EQ(sp, errno, -t->err);
		CHECK(sp, scan == before);
		CHECK(sp, memcmp(&reg, &orig_reg, sizeof(reg)) == 0);
		CHECK(sp, n_msgs > 0);
	} else {
		CHECK_EQ(sp, rc, 0);
		CHECK_EQ(sp, reg.nr_mode, t->mode);
		CHECK_EQ(sp, reg.nr_ringid, t->ringid);
		CHECK_EQ(sp, reg.nr_flags, t->flags);
		CHECK_EQ(sp, reg.nr_mem_id, t->mem_id);
		CHECK(sp, reg.nr_offset == orig_reg.nr_offset);
		CHECK(sp, reg.nr_memsize == orig_reg.nr_memsize);
		CHECK_EQ(sp, reg.nr_tx_slots, orig_reg.nr_tx_slots);
		CHECK_EQ(sp, reg.nr_rx_slots, orig_reg.nr_rx_slots);
		CHECK_EQ(sp, reg.nr_tx_rings, orig_reg.nr_tx_rings);
		CHECK_EQ(sp, reg.nr_rx_rings, orig_reg.nr_rx_rings);
		CHECK_EQ(sp, reg.nr_host_tx_rings, orig_reg.nr_host_tx_rings);
		CHECK_EQ(sp, reg.nr_host_rx_rings, orig_reg.nr_host_rx_rings);
		CHECK_EQ(sp, reg.nr_extra_bufs, orig_reg.nr_extra_bufs);
	}
	CHECK(sp, strcmp(scan, suffix) == 0);
}

static void test_parse_table(void **state)
{
	(void)state;
	srand(12345);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

static void test_name_length(void **state)
{
	struct nmreq_header hdr;
	char spec[128];
	const char *scan;

	(void)state;
	/* netmap: the prefix does not count, 63 characters fit. */
	snprintf(spec, sizeof(spec), "netmap:%s", "");
	memset(spec + 7, 'a', 63);
	spec[7 + 63] = '\0';
	scan = spec;
	assert_int_equal(nmreq_header_decode(&scan, &hdr, &test_ctx), 0);
	assert_int_equal(strlen(hdr.nr_name), 63);
	assert_int_equal(*scan, '\0');

	spec[7 + 63] = 'a';
	spec[7 + 64] = '\0';
	scan = spec;
	errno = 0;
	assert_int_equal(nmreq_header_decode(&scan, &hdr, &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
	assert_ptr_equal(scan, spec);

	/* vale: the whole "valeX:port" goes to the kernel and counts. */
	memcpy(spec, "vale1:", 6);
	memset(spec + 6, 'b', 57);
	spec[63] = '\0';
	scan = spec;
	assert_int_equal(nmreq_header_decode(&scan, &hdr, &test_ctx), 0);
	assert_int_equal(strlen(hdr.nr_name), 63);
	spec[63] = 'b';
	spec[64] = '\0';
	scan = spec;
	assert_int_equal(nmreq_header_decode(&scan, &hdr, &test_ctx), -1);
	assert_int_equal(errno, EINVAL);

	/* The mode suffix is not part of the name length. */
	memset(spec, 0, sizeof(spec));
	memcpy(spec, "netmap:", 7);
	memset(spec + 7, 'c', 63);
	strcat(spec, "-1/x@3");
	scan = spec;
	assert_int_equal(nmreq_header_decode(&scan, &hdr, &test_ctx), 0);
	assert_string_equal(scan, "-1/x@3");
}

static void test_mem_id_already_set(void **state)
{
	struct nmreq_register reg;
	const char *scan;

	(void)state;
	memset(&reg, 0, sizeof(reg));
	reg.nr_mem_id = 5;
	scan = "@5";
	assert_int_equal(nmreq_register_decode(&scan, &reg, &test_ctx), 0);
	assert_int_equal(reg.nr_mem_id, 5);

	scan = "@6";
	errno = 0;
	assert_int_equal(nmreq_register_decode(&scan, &reg, &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(reg.nr_mem_id, 5);

	/* No suffix at all: defaults, mem_id kept. */
	reg.nr_mode = 99;
	reg.nr_flags = NR_ACCEPT_VNET_HDR;
	scan = "";
	assert_int_equal(nmreq_register_decode(&scan, &reg, &test_ctx), 0);
	assert_int_equal(reg.nr_mode, NR_REG_ALL_NIC);
	assert_true(reg.nr_flags == 0);
	assert_int_equal(reg.nr_mem_id, 5);
}

static void test_null_arguments(void **state)
{
	struct nmreq_header hdr;
	struct nmreq_register reg;
	const char *scan = NULL;

	(void)state;
	errno = 0;
	assert_int_equal(nmreq_header_decode(&scan, &hdr, &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nmreq_register_decode(&scan, &reg, &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nmreq_header_decode(NULL, &hdr, &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
}

/* ------------------------------------------------------------------ */
/* nmport_parse and the built-in options. */

static struct nmport_d *parse_ok(const char *spec)
{
	struct nmport_d *d = nmport_prepare(spec);

	if (d == NULL)
		fail_msg("nmport_prepare(%s): %s (%s)", spec, strerror(errno),
			 last_msg);
	return d;
}

static void parse_fails(const char *spec, int err)
{
	struct nmport_d *d;

	errno = 0;
	n_msgs = 0;
	d = nmport_prepare(spec);
	CHECK(spec, d == NULL);
	CHECK_EQ(spec, errno, err);
	CHECK(spec, n_msgs > 0);
}

static void test_prepare_basic(void **state)
{
	struct nmport_d *d;

	(void)state;
	d = parse_ok("vale0:p-2/x@4");
	assert_string_equal(d->hdr.nr_name, "vale0:p");
	assert_int_equal(d->hdr.nr_version, NETMAP_API);
	assert_int_equal(d->hdr.nr_reqtype, NETMAP_REQ_REGISTER);
	assert_true(d->hdr.nr_body == (uintptr_t)&d->reg);
	assert_true(d->hdr.nr_options == 0);
	assert_int_equal(d->reg.nr_mode, NR_REG_ONE_NIC);
	assert_int_equal(d->reg.nr_ringid, 2);
	assert_true(d->reg.nr_flags == NR_EXCLUSIVE);
	assert_int_equal(d->reg.nr_mem_id, 4);
	assert_int_equal(d->fd, -1);
	assert_null(d->nifp);
	assert_null(d->mem);
	assert_ptr_equal(d->ctx, &test_ctx);
	assert_int_equal(d->register_done, 0);
	assert_int_equal(d->mmap_done, 0);
	nmport_undo_prepare(d);
}

static void test_conf_option(void **state)
{
	struct nmport_d *d;

	(void)state;
	d = parse_ok("netmap:eth0@conf:rings=3,host-rings=2,slots=512,"
		     "tx-slots=256,rx_rings=5,host-rx-rings=1");
	assert_int_equal(d->reg.nr_tx_rings, 3);
	assert_int_equal(d->reg.nr_rx_rings, 5);
	assert_int_equal(d->reg.nr_host_tx_rings, 2);
	assert_int_equal(d->reg.nr_host_rx_rings, 1);
	assert_int_equal(d->reg.nr_tx_slots, 256);
	assert_int_equal(d->reg.nr_rx_slots, 512);
	assert_true(d->hdr.nr_options == 0);	/* conf adds no option */
	nmport_undo_prepare(d);

	/* The specific key wins whatever the order. */
	d = parse_ok("netmap:eth0@conf:tx-rings=7,rings=2");
	assert_int_equal(d->reg.nr_tx_rings, 7);
	assert_int_equal(d->reg.nr_rx_rings, 2);
	nmport_undo_prepare(d);

	/* "rings" is the default key. */
	d = parse_ok("vale0:1-1@conf=4");
	assert_int_equal(d->reg.nr_tx_rings, 4);
	assert_int_equal(d->reg.nr_rx_rings, 4);
	assert_int_equal(d->reg.nr_mode, NR_REG_ONE_NIC);
	nmport_undo_prepare(d);

	/* Options may follow a memory id, and several options combine. */
	d = parse_ok("netmap:eth0@3@conf:slots=64@conf:rings=2");
	assert_int_equal(d->reg.nr_mem_id, 3);
	assert_int_equal(d->reg.nr_tx_slots, 64);
	assert_int_equal(d->reg.nr_tx_rings, 2);
	nmport_undo_prepare(d);

	parse_fails("netmap:eth0@conf", EINVAL);
	parse_fails("netmap:eth0@conf:", EINVAL);
	parse_fails("netmap:eth0@conf=", EINVAL);
	parse_fails("netmap:eth0@conf:rings", EINVAL);
	parse_fails("netmap:eth0@conf:rings=", EINVAL);
	parse_fails("netmap:eth0@conf:rings=x", EINVAL);
	parse_fails("netmap:eth0@conf:rings=1x", EINVAL);
	parse_fails("netmap:eth0@conf:rings=-1", EINVAL);
	parse_fails("netmap:eth0@conf:rings=65536", EINVAL);
	parse_fails("netmap:eth0@conf:slots=4294967296", EINVAL);
	parse_fails("netmap:eth0@conf:rings=1,rings=2", EINVAL);
	parse_fails("netmap:eth0@conf:tx-rings=1,tx_rings=2", EINVAL);
	parse_fails("netmap:eth0@conf:bogus=1", EINVAL);
	parse_fails("netmap:eth0@conf:rings=1,", EINVAL);
	parse_fails("netmap:eth0@conf:,rings=1", EINVAL);
	parse_fails("netmap:eth0@bogus", EINVAL);
	parse_fails("netmap:eth0@bogus=1", EINVAL);
	parse_fails("netmap:eth0@conf:rings=1@", EINVAL);
	parse_fails("netmap:eth0@conf:rings=1@@conf:slots=1", EINVAL);
	parse_fails("netmap:eth0@=1", EINVAL);
}

static void test_share_option(void **state)
{
	(void)state;
	/* The shared port's name is checked before asking the kernel. */
	parse_fails("netmap:eth0@share=eth1", EINVAL);
	parse_fails("netmap:eth0@share:port=bad{", EINVAL);
	parse_fails("netmap:eth0@share", EINVAL);
	parse_fails("netmap:eth0@share:bogus=1", EINVAL);
	/* Without a netmap device the kernel cannot be asked. */
	if (access(NETMAP_DEVICE_NAME, F_OK) != 0)
		parse_fails("netmap:eth0@share=vale0:x", ENOENT);
}

static void test_parse_failure_leaves_descriptor(void **state)
{
	struct nmreq_header hdr;
	struct nmreq_register reg;
	struct nmport_d *d;

	(void)state;
	d = parse_ok("vale1:a*@conf:rings=2");
	hdr = d->hdr;
	reg = d->reg;

	errno = 0;
	assert_int_equal(nmport_parse(d, "vale1:b@conf:rings=3@bogus"), -1);
	assert_int_equal(errno, EINVAL);
	assert_memory_equal(&d->hdr, &hdr, sizeof(hdr));
	assert_memory_equal(&d->reg, &reg, sizeof(reg));

	assert_int_equal(nmport_parse(d, "vale1:c/q"), -1);
	assert_memory_equal(&d->hdr, &hdr, sizeof(hdr));
	assert_memory_equal(&d->reg, &reg, sizeof(reg));

	assert_int_equal(nmport_parse(NULL, "vale1:c"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nmport_parse(d, NULL), -1);
	assert_int_equal(errno, EINVAL);

	/* A good parse after failed ones. */
	assert_int_equal(nmport_parse(d, "vale1:d^"), 0);
	assert_string_equal(d->hdr.nr_name, "vale1:d");
	assert_int_equal(d->reg.nr_mode, NR_REG_SW);

	nmport_undo_parse(d);
	assert_string_equal(d->hdr.nr_name, "");
	assert_int_equal(d->reg.nr_mode, 0);
	assert_true(d->hdr.nr_body == (uintptr_t)&d->reg);
	assert_int_equal(d->hdr.nr_reqtype, NETMAP_REQ_REGISTER);
	nmport_delete(d);
}

static void test_offset_option(void **state)
{
	struct nmreq_opt_offsets *o;
	struct nmport_d *d;

	(void)state;
	/* Disabled until the application enables it. */
	parse_fails("netmap:eth0@offset=64", EOPNOTSUPP);

	assert_int_equal(nmport_enable_option("offset"), 0);
	d = parse_ok("netmap:eth0@offset:initial=64,bits=10");
	o = (struct nmreq_opt_offsets *)nmreq_find_option(&d->hdr,
						NETMAP_REQ_OPT_OFFSETS);
	assert_non_null(o);
	assert_true(o->nro_initial_offset == 64);
	assert_true(o->nro_max_offset == 64);
	assert_int_equal(o->nro_offset_bits, 10);
	assert_true(o->nro_min_gap == 0);
	assert_int_equal(o->nro_opt.nro_status, 0);
	nmport_undo_parse(d);
	assert_true(d->hdr.nr_options == 0);
	nmport_delete(d);

	d = parse_ok("netmap:eth0@offset=128");
	o = (struct nmreq_opt_offsets *)nmreq_find_option(&d->hdr,
						NETMAP_REQ_OPT_OFFSETS);
	assert_non_null(o);
	assert_true(o->nro_initial_offset == 128);
	assert_int_equal(o->nro_offset_bits, 0);
	nmport_close(d);	/* close also undoes a bare prepare */

	parse_fails("netmap:eth0@offset:bits=3", EINVAL);	/* mandatory */
	parse_fails("netmap:eth0@offset:initial=1,bits=65", EINVAL);

	/* A later failing option undoes the offset option too. */
	d = parse_ok("netmap:eth0");
	assert_int_equal(nmport_parse(d, "netmap:eth1@offset=8@conf:x=1"),
			 -1);
	assert_true(d->hdr.nr_options == 0);
	assert_string_equal(d->hdr.nr_name, "eth0");
	nmport_undo_prepare(d);

	nmport_disable_option("offset");
	parse_fails("netmap:eth0@offset=64", EOPNOTSUPP);

	/* Unknown names. */
	nmport_disable_option("nosuchoption");
	errno = 0;
	assert_int_equal(nmport_enable_option("nosuchoption"), -1);
	assert_int_equal(errno, EOPNOTSUPP);

	/* Disabling a built-in option works for the others too. */
	nmport_disable_option("conf");
	parse_fails("netmap:eth0@conf:rings=1", EOPNOTSUPP);
	assert_int_equal(nmport_enable_option("conf"), 0);
	nmport_undo_prepare(parse_ok("netmap:eth0@conf:rings=1"));
}

static char *make_file(size_t size)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/nmport-extmem-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	close(fd);
	return path;
}

static void test_extmem_option(void **state)
{
	struct nmreq_pools_info *pi;
	struct nmport_d *d, *c;
	char spec[256];
	char *path;

	(void)state;
	path = make_file(1 << 20);

	snprintf(spec, sizeof(spec),
		 "vale0:x@extmem:file=%s,if-num=3,if-size=1024,ring-num=8,"
		 "ring-size=36864,buf-num=100,buf-size=2048", path);
	d = parse_ok(spec);
	assert_non_null(d->extmem);
	assert_ptr_equal(nmreq_find_option(&d->hdr, NETMAP_REQ_OPT_EXTMEM),
			 &d->extmem->nro_opt);
	assert_true(d->extmem->nro_usrptr != 0);
	pi = nmport_extmem_getinfo(d);
	assert_ptr_equal(pi, &d->extmem->nro_info);
	assert_true(pi->nr_memsize == 1 << 20);
	assert_int_equal(pi->nr_if_pool_objtotal, 3);
	assert_int_equal(pi->nr_if_pool_objsize, 1024);
	assert_int_equal(pi->nr_ring_pool_objtotal, 8);
	assert_int_equal(pi->nr_ring_pool_objsize, 36864);
	assert_int_equal(pi->nr_buf_pool_objtotal, 100);
	assert_int_equal(pi->nr_buf_pool_objsize, 2048);
	/* The mapping is usable. */
	((char *)(uintptr_t)d->extmem->nro_usrptr)[(1 << 20) - 1] = 1;

	/* A second extmem is refused, and nothing of it is left. */
	errno = 0;
	assert_int_equal(nmport_extmem(d, d, 4096), -1);
	assert_int_equal(errno, EINVAL);
	/* Not clonable before registration. */
	errno = 0;
	assert_null(nmport_clone(d));
	assert_int_equal(errno, EINVAL);
	nmport_undo_prepare(d);

	/* Default key. */
	snprintf(spec, sizeof(spec), "vale0:x@extmem=%s", path);
	d = parse_ok(spec);
	assert_non_null(nmport_extmem_getinfo(d));
	assert_int_equal(nmport_extmem_getinfo(d)->nr_buf_pool_objtotal, 0);
	/* Parsing again with a second extmem fails and keeps the first. */
	assert_int_equal(nmport_parse(d, spec), -1);
	assert_non_null(d->extmem);
	assert_ptr_equal(nmreq_find_option(&d->hdr, NETMAP_REQ_OPT_EXTMEM),
			 &d->extmem->nro_opt);
	nmport_undo_prepare(d);

	snprintf(spec, sizeof(spec), "vale0:x@extmem:file=%s,buf-num=x",
		 path);
	parse_fails(spec, EINVAL);
	snprintf(spec, sizeof(spec), "vale0:x@extmem:buf-num=1");
	parse_fails(spec, EINVAL);
	parse_fails("vale0:x@extmem=/nonexistent/nmport-extmem", ENOENT);
	unlink(path);

	/* Programmatic use, and nmport_extmem_getinfo without extmem. */
	d = parse_ok("vale0:y");
	assert_null(nmport_extmem_getinfo(d));
	assert_int_equal(nmport_extmem(d, spec, sizeof(spec)), 0);
	assert_true(nmport_extmem_getinfo(d)->nr_memsize == sizeof(spec));
	d->register_done = 1;	/* pretend: clonable now, options dropped */
	c = nmport_clone(d);
	assert_non_null(c);
	assert_null(c->extmem);
	assert_true(c->hdr.nr_options == 0);
	d->register_done = 0;
	nmport_undo_prepare(c);
	nmport_undo_prepare(d);
}

/* ------------------------------------------------------------------ */
/* nmreq_options_decode with an application's parser. */

struct my_token {
	int		calls;
	const char	*keys[NMREQ_OPT_MAXKEYS];
	int		fail;
};

static int my_parse(struct nmreq_parse_ctx *p)
{
	struct my_token *t = p->token;

	t->calls++;
	for (int i = 0; i < NMREQ_OPT_MAXKEYS; i++) {
		free((void *)(uintptr_t)t->keys[i]);
		t->keys[i] = p->keys[i] != NULL ? strdup(p->keys[i]) : NULL;
	}
	if (t->fail) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

static void my_token_clear(struct my_token *t)
{
	for (int i = 0; i < NMREQ_OPT_MAXKEYS; i++) {
		free((void *)(uintptr_t)t->keys[i]);
		t->keys[i] = NULL;
	}
	t->calls = 0;
	t->fail = 0;
}

static struct nmreq_opt_parser my_flag = {
	.prefix = "flag",
	.parse = my_parse,
	.default_key = -1,
	.nr_keys = 0,
	.flags = NMREQ_OPTF_ALLOWEMPTY,
	.next = NULL,
};

static struct nmreq_opt_parser my_multi = {
	.prefix = "multi",
	.parse = my_parse,
	.default_key = 2,
	.nr_keys = 3,
	.flags = 0,
	.next = &my_flag,
	.keys = {
		{ .key = "some_key", .id = 0, .flags = NMREQ_OPTK_ALLOWEMPTY },
		{ .key = "must", .id = 1, .flags = NMREQ_OPTK_MUSTSET },
		{ .key = "main", .id = 2, .flags = NMREQ_OPTK_DEFAULT },
	},
};

static void test_options_decode(void **state)
{
	struct my_token t = { 0 };

	(void)state;
	assert_int_equal(nmreq_options_decode("", &my_multi, &t, &test_ctx),
			 0);
	assert_int_equal(nmreq_options_decode(NULL, &my_multi, &t, &test_ctx),
			 0);
	assert_int_equal(t.calls, 0);

	assert_int_equal(nmreq_options_decode("@flag", &my_multi, &t,
					      &test_ctx), 0);
	assert_int_equal(t.calls, 1);
	my_token_clear(&t);

	assert_int_equal(nmreq_options_decode(
		"@multi:some-key,must=1,main=x y@flag", &my_multi, &t,
		&test_ctx), 0);
	assert_int_equal(t.calls, 2);	/* the flag call overwrote keys */
	my_token_clear(&t);

	assert_int_equal(nmreq_options_decode("@multi:some-key,must=1,main=z",
					      &my_multi, &t, &test_ctx), 0);
	assert_int_equal(t.calls, 1);
	assert_string_equal(t.keys[0], "some_key");
	assert_string_equal(t.keys[1], "1");
	assert_string_equal(t.keys[2], "z");
	my_token_clear(&t);

	/* MUSTSET key missing, even with the default key set by '='. */
	errno = 0;
	assert_int_equal(nmreq_options_decode("@multi=v", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(t.calls, 0);

	/* A key without ALLOWEMPTY needs a value. */
	assert_int_equal(nmreq_options_decode("@multi:must", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, EINVAL);

	/* Flag options take no '=value' unless they have a default key. */
	assert_int_equal(nmreq_options_decode("@flag=1", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nmreq_options_decode("@flag:a=1", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, EINVAL);

	/* Syntax. */
	assert_int_equal(nmreq_options_decode("flag", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nmreq_options_decode("@", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nmreq_options_decode("@multi", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, EINVAL);

	/* The callback's errno is passed through. */
	t.fail = 1;
	errno = 0;
	assert_int_equal(nmreq_options_decode("@flag", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, ENOSPC);
	my_token_clear(&t);

	/* Disabled. */
	my_flag.flags |= NMREQ_OPTF_DISABLED;
	assert_int_equal(nmreq_options_decode("@flag", &my_multi, &t,
					      &test_ctx), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	my_flag.flags &= ~NMREQ_OPTF_DISABLED;
	assert_int_equal(t.calls, 0);
}

/* ------------------------------------------------------------------ */
/* Option lists, names, headers, contexts. */

static void test_option_list(void **state)
{
	struct nmreq_header h;
	struct nmreq_option a, b, c, *o, *heap1, *heap2;
	int n = 0;

	(void)state;
	nmreq_header_init(&h, NETMAP_REQ_PORT_HDR_SET, &a);
	assert_int_equal(h.nr_version, NETMAP_API);
	assert_int_equal(h.nr_reqtype, NETMAP_REQ_PORT_HDR_SET);
	assert_true(h.nr_body == (uintptr_t)&a);
	assert_true(h.nr_options == 0);
	assert_int_equal(h.nr_reserved, 0);
	assert_string_equal(h.nr_name, "");

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	a.nro_reqtype = NETMAP_REQ_OPT_CSB;
	b.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	c.nro_reqtype = NETMAP_REQ_OPT_CSB;
	nmreq_push_option(&h, &a);
	nmreq_push_option(&h, &b);
	nmreq_push_option(&h, &c);
	assert_true(h.nr_options == (uintptr_t)&c);
	nmreq_foreach_option(&h, o)
		n++;
	assert_int_equal(n, 3);
	assert_ptr_equal(nmreq_find_option(&h, NETMAP_REQ_OPT_CSB), &c);
	assert_ptr_equal(nmreq_find_option(&h, NETMAP_REQ_OPT_OFFSETS), &b);
	assert_null(nmreq_find_option(&h, NETMAP_REQ_OPT_EXTMEM));

	nmreq_remove_option(&h, &b);	/* middle */
	assert_true(b.nro_next == 0);
	assert_true(c.nro_next == (uintptr_t)&a);
	nmreq_remove_option(&h, &b);	/* not in the list: no-op */
	nmreq_remove_option(&h, &c);	/* head */
	assert_true(h.nr_options == (uintptr_t)&a);
	assert_ptr_equal(nmreq_find_option(&h, NETMAP_REQ_OPT_CSB), &a);
	nmreq_remove_option(&h, &a);	/* last */
	assert_true(h.nr_options == 0);

	heap1 = calloc(1, sizeof(*heap1));
	heap2 = calloc(1, 64);
	nmreq_push_option(&h, heap1);
	nmreq_push_option(&h, heap2);
	nmreq_free_options(&h);		/* ASan checks the frees */
	assert_true(h.nr_options == 0);

	assert_string_equal(nmreq_option_name(NETMAP_REQ_OPT_EXTMEM),
			    "extmem");
	assert_string_equal(nmreq_option_name(NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS),
			    "sync-kloop-eventfds");
	assert_string_equal(nmreq_option_name(NETMAP_REQ_OPT_CSB), "csb");
	assert_string_equal(nmreq_option_name(NETMAP_REQ_OPT_SYNC_KLOOP_MODE),
			    "sync-kloop-mode");
	assert_string_equal(nmreq_option_name(NETMAP_REQ_OPT_OFFSETS),
			    "offsets");
	assert_string_equal(nmreq_option_name(0), "unknown");
	assert_string_equal(nmreq_option_name(1234), "unknown");
}

static void test_context(void **state)
{
	struct nmctx other = test_ctx;
	struct nmctx *prev;

	(void)state;
	assert_ptr_equal(nmctx_get(), &test_ctx);
	prev = nmctx_set_default(&other);
	assert_ptr_equal(prev, &test_ctx);
	assert_ptr_equal(nmctx_get(), &other);
	assert_ptr_equal(nmctx_set_default(prev), &other);

	n_msgs = 0;
	nmctx_ferror(&test_ctx, "value %d", 42);
	assert_int_equal(n_msgs, 1);
	assert_string_equal(last_msg, "value 42");
	test_ctx.verbose = 0;
	nmctx_ferror(&test_ctx, "silent");
	test_ctx.verbose = 1;
	assert_int_equal(n_msgs, 1);

	/* The built-in default works and is thread safe. */
	nmctx_set_default(saved_default);
	assert_non_null(nmctx_get()->lock);
	assert_non_null(nmctx_get()->malloc);
	nmctx_lock(nmctx_get());
	nmctx_unlock(nmctx_get());
	nmctx_set_threadsafe();
	assert_int_equal(nmctx_threadsafe, 1);
	nmctx_free(nmctx_get(), nmctx_malloc(nmctx_get(), 16));
	nmctx_set_default(&test_ctx);

	/* No lock callback: lock/unlock are no-ops. */
	nmctx_lock(&test_ctx);
	nmctx_unlock(&test_ctx);
}

/* ------------------------------------------------------------------ */
/* Registration without a kernel. */

static void test_open_without_kernel(void **state)
{
	struct nmport_d *d;

	(void)state;
	errno = 0;
	assert_null(nmport_open("bogus"));
	assert_int_equal(errno, EINVAL);

	d = parse_ok("vale0:a");
	errno = 0;
	assert_int_equal(nmport_mmap(d), -1);	/* not registered */
	assert_int_equal(errno, EINVAL);
	if (access(NETMAP_DEVICE_NAME, F_OK) != 0) {
		errno = 0;
		assert_int_equal(nmport_register(d), -1);
		assert_int_equal(errno, ENOENT);
		assert_int_equal(d->fd, -1);
		assert_int_equal(d->register_done, 0);
		errno = 0;
		assert_int_equal(nmport_open_desc(d), -1);
		assert_int_equal(errno, ENOENT);
		errno = 0;
		assert_null(nmport_open("vale0:a"));
		assert_int_equal(errno, ENOENT);
	}
	d->register_done = 1;
	errno = 0;
	assert_int_equal(nmport_register(d), -1);	/* twice */
	assert_int_equal(errno, EINVAL);
	d->register_done = 0;
	nmport_close(d);
	nmport_close(NULL);
	nmport_undo_prepare(NULL);
	nmport_undo_mmap(NULL);
	nmport_undo_register(NULL);
	nmport_delete(NULL);
}

static void test_clone(void **state)
{
	struct nmport_d *d, *c;

	(void)state;
	d = parse_ok("netmap:eth0*/x@3@conf:rings=2");
	assert_int_equal(nmport_enable_option("offset"), 0);
	assert_int_equal(nmport_parse(d, "netmap:eth0*/x@3@offset=16"), 0);
	nmport_disable_option("offset");
	assert_true(d->hdr.nr_options != 0);

	c = nmport_clone(d);
	assert_non_null(c);
	assert_ptr_equal(c->ctx, d->ctx);
	assert_string_equal(c->hdr.nr_name, "eth0");
	assert_int_equal(c->hdr.nr_reqtype, NETMAP_REQ_REGISTER);
	assert_true(c->hdr.nr_body == (uintptr_t)&c->reg);
	assert_true(c->hdr.nr_options == 0);
	assert_memory_equal(&c->reg, &d->reg, sizeof(c->reg));
	assert_int_equal(c->fd, -1);
	assert_int_equal(c->register_done, 0);
	assert_int_equal(c->mmap_done, 0);
	assert_null(c->mem);
	assert_null(c->nifp);
	assert_null(c->clist);
	nmport_undo_prepare(c);
	nmport_undo_prepare(d);
	assert_null(nmport_clone(NULL));
}

/* ------------------------------------------------------------------ */
/* nmport_mmap and nmport_inject on a fake region (a memfd). */

#define FAKE_SIZE	(64 * 1024)
#define FAKE_NIFP	4096
#define FAKE_RING0	8192	/* TX ring 1 */
#define FAKE_RING1	16384	/* RX ring 1 */
#define FAKE_SLOTS	8
#define FAKE_BUFSZ	64
#define FAKE_BUFS	32768	/* buffer area */

static int fake_fd = -1;

/*
 * A port with 2 NIC TX + 1 host TX and 2 NIC RX + 1 host RX rings, of
 * which this descriptor binds TX ring 1 and RX ring 1 only.
 */
static void fake_region(void)
{
	struct netmap_ring *ring;
	struct netmap_if *nifp;
	char *base;

	fake_fd = memfd_create("nmport-test", 0);
	assert_true(fake_fd >= 0);
	assert_int_equal(ftruncate(fake_fd, FAKE_SIZE), 0);
	base = mmap(NULL, FAKE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fake_fd, 0);
	assert_true(base != MAP_FAILED);

	nifp = (struct netmap_if *)(base + FAKE_NIFP);
	nifp->ni_tx_rings = 2;
	nifp->ni_host_tx_rings = 1;
	nifp->ni_rx_rings = 2;
	nifp->ni_host_rx_rings = 1;
	nifp->ring_ofs[0] = 0;
	nifp->ring_ofs[1] = FAKE_RING0 - FAKE_NIFP;
	nifp->ring_ofs[2] = 0;
	nifp->ring_ofs[3] = 0;
	nifp->ring_ofs[4] = FAKE_RING1 - FAKE_NIFP;
	nifp->ring_ofs[5] = 0;

	for (int r = 0; r < 2; r++) {
		long ofs = r == 0 ? FAKE_RING0 : FAKE_RING1;

		ring = (struct netmap_ring *)(base + ofs);
		ring->buf_ofs = FAKE_BUFS - ofs;
		ring->num_slots = FAKE_SLOTS;
		ring->nr_buf_size = FAKE_BUFSZ;
		ring->dir = (uint16_t)r;
		ring->ringid = 1;
		ring->head = ring->cur = 0;
		ring->tail = r == 0 ? FAKE_SLOTS - 1 : 0;
		for (int i = 0; i < FAKE_SLOTS; i++) {
			ring->slot[i].buf_idx = (uint32_t)(2 + i + r * 16);
			ring->slot[i].len = FAKE_BUFSZ;
		}
	}
	munmap(base, FAKE_SIZE);
}

static struct nmport_d *fake_registered(uint16_t mem_id)
{
	struct nmport_d *d = parse_ok("vale9:fake");

	d->fd = dup(fake_fd);
	assert_true(d->fd >= 0);
	d->register_done = 1;
	d->reg.nr_memsize = FAKE_SIZE;
	d->reg.nr_offset = FAKE_NIFP;
	d->reg.nr_mem_id = mem_id;
	d->reg.nr_tx_rings = 2;
	d->reg.nr_rx_rings = 2;
	return d;
}

static void test_mmap_fake(void **state)
{
	struct nmport_d *d1, *d2, *d3;
	struct netmap_ring *tx;
	char pkt[320];
	uint32_t i;

	(void)state;
	fake_region();

	d1 = fake_registered(7);
	assert_int_equal(nmport_mmap(d1), 0);
	assert_int_equal(d1->mmap_done, 1);
	assert_non_null(d1->mem);
	assert_int_equal(d1->mem->mem_id, 7);
	assert_int_equal(d1->mem->refcount, 1);
	assert_ptr_equal(d1->nifp, (char *)d1->mem->mem + FAKE_NIFP);
	assert_int_equal(d1->first_tx_ring, 1);
	assert_int_equal(d1->last_tx_ring, 1);
	assert_int_equal(d1->first_rx_ring, 1);
	assert_int_equal(d1->last_rx_ring, 1);
	assert_int_equal(d1->cur_tx_ring, 1);
	assert_int_equal(d1->cur_rx_ring, 1);
	assert_ptr_equal(test_ctx.mem_descs, d1->mem);

	errno = 0;
	assert_int_equal(nmport_mmap(d1), -1);	/* twice */
	assert_int_equal(errno, EINVAL);

	/* Same mem_id: one mapping, two references. */
	d2 = fake_registered(7);
	assert_int_equal(nmport_mmap(d2), 0);
	assert_ptr_equal(d2->mem, d1->mem);
	assert_int_equal(d1->mem->refcount, 2);

	/* Another mem_id: a second mapping in the list. */
	d3 = fake_registered(8);
	assert_int_equal(nmport_mmap(d3), 0);
	assert_ptr_not_equal(d3->mem, d1->mem);
	assert_ptr_equal(test_ctx.mem_descs, d3->mem);
	assert_ptr_equal(d3->mem->next, d1->mem);
	assert_ptr_equal(d1->mem->prev, d3->mem);

	/* Inject: 150 bytes in 64-byte buffers = 3 slots. */
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (char)i;
	tx = NETMAP_TXRING(d1->nifp, 1);
	assert_int_equal(nmport_inject(d1, pkt, 150), 150);
	assert_int_equal(tx->head, 3);
	assert_int_equal(tx->cur, 3);
	assert_int_equal(tx->slot[0].len, 64);
	assert_int_equal(tx->slot[0].flags, NS_MOREFRAG);
	assert_int_equal(tx->slot[1].len, 64);
	assert_int_equal(tx->slot[1].flags, NS_MOREFRAG);
	assert_int_equal(tx->slot[2].len, 22);
	assert_int_equal(tx->slot[2].flags, 0);
	assert_memory_equal(NETMAP_BUF(tx, tx->slot[0].buf_idx), pkt, 64);
	assert_memory_equal(NETMAP_BUF(tx, tx->slot[1].buf_idx), pkt + 64, 64);
	assert_memory_equal(NETMAP_BUF(tx, tx->slot[2].buf_idx), pkt + 128,
			    22);
	/* Visible through the other descriptor's mapping of the region. */
	assert_int_equal(NETMAP_TXRING(d2->nifp, 1)->head, 3);

	/* 4 slots left (tail 7): a 5-slot packet does not fit. */
	assert_int_equal(nmport_inject(d1, pkt, 4 * 64 + 1), 0);
	assert_int_equal(tx->head, 3);
	assert_int_equal(nmport_inject(d1, pkt, 0), 0 /* size */);
	assert_int_equal(tx->head, 4);
	assert_int_equal(tx->slot[3].len, 0);
	assert_int_equal(nmport_inject(d1, pkt, 3 * 64), 3 * 64);
	assert_int_equal(tx->head, 7);
	assert_int_equal(nmport_inject(d1, pkt, 1), 0);	/* ring full */

	/* Undo keeps the others' mapping. */
	nmport_undo_mmap(d1);
	assert_null(d1->nifp);
	assert_null(d1->mem);
	assert_int_equal(d1->mmap_done, 0);
	assert_int_equal(d2->mem->refcount, 1);
	assert_int_equal(nmport_inject(d1, pkt, 10), 0);	/* unmapped */
	nmport_close(d1);
	nmport_close(d2);
	assert_ptr_equal(test_ctx.mem_descs, d3->mem);
	assert_null(d3->mem->prev);
	nmport_close(d3);
	assert_null(test_ctx.mem_descs);

	/* A netmap_if outside the region is refused. */
	d1 = fake_registered(9);
	d1->reg.nr_offset = FAKE_SIZE - 8;
	errno = 0;
	assert_int_equal(nmport_mmap(d1), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(test_ctx.mem_descs);
	d1->reg.nr_memsize = 0;
	assert_int_equal(nmport_mmap(d1), -1);
	nmport_close(d1);

	close(fake_fd);
	fake_fd = -1;
}

static void test_mmap_no_rings(void **state)
{
	struct nmport_d *d;
	struct netmap_if *nifp;
	char *base;

	(void)state;
	fake_region();
	base = mmap(NULL, FAKE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fake_fd, 0);
	assert_true(base != MAP_FAILED);
	nifp = (struct netmap_if *)(base + FAKE_NIFP);
	nifp->ring_ofs[1] = 0;	/* no TX ring at all */
	/* Every RX ring bound, the host RX ring included. */
	nifp->ring_ofs[3] = FAKE_RING1 - FAKE_NIFP;
	nifp->ring_ofs[4] = FAKE_RING1 - FAKE_NIFP;
	nifp->ring_ofs[5] = FAKE_RING1 - FAKE_NIFP;

	d = fake_registered(3);
	assert_int_equal(nmport_mmap(d), 0);
	/* No TX ring: an empty interval. */
	assert_true(d->last_tx_ring < d->first_tx_ring);
	assert_int_equal(nmport_inject(d, "x", 1), 0);
	/* RX rings 0..2: NIC rings and the host ring. */
	assert_int_equal(d->first_rx_ring, 0);
	assert_int_equal(d->last_rx_ring, 2);
	nmport_close(d);

	munmap(base, FAKE_SIZE);
	close(fake_fd);
	fake_fd = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_name_length, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mem_id_already_set, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_null_arguments, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_prepare_basic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_conf_option, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_share_option, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_parse_failure_leaves_descriptor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offset_option, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_extmem_option, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_options_decode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_option_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_without_kernel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_clone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_fake, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mmap_no_rings, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("nmport_parse", tests, NULL, NULL);
}
