// SPDX-License-Identifier: BSD-2-Clause
/*
 * nm_ctrl_api - the netmap control API behaves as the checks of upstream's
 * ctrl-api-test expect, on ports that need no tap device: ephemeral and
 * persistent VALE ports, pipes, null ports, legacy NIOCREGIF/NIOCGINFO,
 * request options, and the shared memory layout seen through mmap
 * (netmap-abi.md 2, 3, 5, 6, 7.1).
 *
 * usage: nm_ctrl_api [GROUP]   run one group (default: all); "list" names them
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <net/netmap.h>
#include <net/netmap_user.h>

#include "tap.h"

#define NOPORT		255	/* VALE_LIST: no such port in the bridge */
#define MAXPORTS	254	/* ports per bridge */
#define BUFSZ		2048	/* default buffer size */
#define BAD_MEM_ID	0xfffe	/* an allocator id nobody has */
/* Bytes the kernel copy of a request may take (2.6 rule 5). */
#define OPT_CAPACITY	(16 + NETMAP_REQ_MAXSIZE + 8 * NETMAP_REQ_OPT_MAX)

/* Names chosen at random per run so that runs do not collide. */
static char bdg[16];		/* main bridge, "valeNNN" */
static char bdg2[16];		/* second bridge (persistent port in two) */
static char bdg_none[16];	/* a bridge that never gets a port */
static char pers[16];		/* persistent port for NEWIF tests */
static char pers_l[16];		/* persistent port for the legacy tests */
static char pipe_parent[16];	/* missing netdev used as a pipe parent */

/* ------------------------------------------------------------------ */
/* Helpers */

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Text of the first problem a checker found (one at a time). */
static char why[256];
#define WHY(...) (snprintf(why, sizeof(why), __VA_ARGS__), why)

/* A check whose failure reason is a string (NULL = fine). */
static void check_none(const char *problem, const char *name)
{
	tap_check(problem == NULL, "%s", name);
	if (problem != NULL)
		diag("%s", problem);
}

/* rc == -1 with either errno. */
static void check_errno2(int rc, int err, int a, int b, const char *name)
{
	int ok = rc == -1 && (err == a || err == b);

	tap_check(ok, "%s", name);
	if (!ok)
		diag("got rc %d errno %d (%s), want %s or %s", rc, err,
		     strerror(err), strerror(a), strerror(b));
}

/* The call must fail; the errno is not specified. */
static void check_fails(int rc, int err, const char *name)
{
	tap_check(rc == -1, "%s", name);
	if (rc != -1)
		diag("succeeded, should have failed");
	else
		diag("failed with %s", strerror(err));
}

static void check_ok(int rc, int err, const char *name)
{
	tap_check(rc == 0, "%s", name);
	if (rc != 0)
		diag("failed: %s", strerror(err));
}

static int nmopen(void)
{
	int fd = open(NETMAP_DEVICE_NAME, O_RDWR);

	if (fd < 0)
		tap_check(0, "open %s: %s", NETMAP_DEVICE_NAME,
			  strerror(errno));
	return fd;
}

static void nmclose(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void hdr_init(struct nmreq_header *h, uint16_t type, const char *name,
		     void *body, void *opts)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = NETMAP_API;
	h->nr_reqtype = type;
	memcpy(h->nr_name, name, strnlen(name, sizeof(h->nr_name) - 1));
	h->nr_body = (uintptr_t)body;
	h->nr_options = (uintptr_t)opts;
}

static int ctrl_h(int fd, struct nmreq_header *h, int *err)
{
	int rc = ioctl(fd, NIOCCTRL, h);

	*err = rc < 0 ? errno : 0;
	return rc;
}

static int ctrl(int fd, uint16_t type, const char *name, void *body,
		void *opts, int *err)
{
	struct nmreq_header h;

	hdr_init(&h, type, name, body, opts);
	return ctrl_h(fd, &h, err);
}

static int sync_ioctl(int fd, unsigned long cmd, int *err)
{
	int rc = ioctl(fd, cmd, NULL);

	*err = rc < 0 ? errno : 0;
	return rc;
}

static void reg_init(struct nmreq_register *r, uint32_t mode)
{
	memset(r, 0, sizeof(*r));
	r->nr_mode = mode;
}

/* Small geometry, so that every private allocator stays small. */
static void reg_small(struct nmreq_register *r, uint32_t mode)
{
	reg_init(r, mode);
	r->nr_tx_slots = r->nr_rx_slots = 64;
}

static int reg(int fd, const char *name, struct nmreq_register *r,
	       void *opts, int *err)
{
	return ctrl(fd, NETMAP_REQ_REGISTER, name, r, opts, err);
}

/*
 * The REGISTER output contract (2.5): mode, ringid and flags unchanged;
 * every non-zero geometry input echoed; extra buffers as requested;
 * memsize non-zero.
 */
static const char *reg_contract(const struct nmreq_register *in,
				const struct nmreq_register *out)
{
	if (out->nr_memsize == 0)
		return "nr_memsize is 0";
	if (out->nr_mode != in->nr_mode)
		return WHY("nr_mode %u, requested %u", out->nr_mode,
			   in->nr_mode);
	if (out->nr_ringid != in->nr_ringid)
		return WHY("nr_ringid %u, requested %u", out->nr_ringid,
			   in->nr_ringid);
	if (out->nr_flags != in->nr_flags)
		return WHY("nr_flags 0x%" PRIx64 ", requested 0x%" PRIx64,
			   out->nr_flags, in->nr_flags);
#define ECHOED(f)							\
	if (in->f != 0 && out->f != in->f)				\
		return WHY(#f " %u, requested %u", (unsigned)out->f,	\
			   (unsigned)in->f)
	ECHOED(nr_tx_slots);
	ECHOED(nr_rx_slots);
	ECHOED(nr_tx_rings);
	ECHOED(nr_rx_rings);
	ECHOED(nr_host_tx_rings);
	ECHOED(nr_host_rx_rings);
	ECHOED(nr_mem_id);
#undef ECHOED
	if (out->nr_extra_bufs != in->nr_extra_bufs)
		return WHY("nr_extra_bufs %u, requested %u",
			   out->nr_extra_bufs, in->nr_extra_bufs);
	return NULL;
}

/* REGISTER that must succeed and honour the contract; 0 when it did. */
static int reg_ok(int fd, const char *name, struct nmreq_register *r,
		  const char *what)
{
	struct nmreq_register in = *r;
	const char *bad;
	int rc, err;

	rc = reg(fd, name, r, NULL, &err);
	if (rc < 0) {
		tap_check(0, "%s", what);
		diag("REGISTER %s: %s", name, strerror(err));
		return -1;
	}
	bad = reg_contract(&in, r);
	check_none(bad, what);
	return bad ? -1 : 0;
}

/* VALE_LIST by name; returns rc, fills bridge and port. */
static int vale_list(int fd, const char *name, unsigned *b, unsigned *p,
		     int *err)
{
	struct nmreq_vale_list l;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = ctrl(fd, NETMAP_REQ_VALE_LIST, name, &l, NULL, err);
	*b = l.nr_bridge_idx;
	*p = l.nr_port_idx;
	return rc;
}

/* True when @name is not a port of its bridge (any more). */
static int port_absent(int fd, const char *name)
{
	unsigned b, p;
	int err;

	if (vale_list(fd, name, &b, &p, &err) < 0)
		return err == ENOENT;
	return p == NOPORT;
}

static int netdev_exists(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return access(path, F_OK) == 0;
}

/* Set of buffer indices, to prove that no buffer is handed out twice. */
struct bufset {
	uint8_t		*bits;
	uint32_t	n;	/* valid indices are 2 .. n-1 */
};

static int bufset_init(struct bufset *s, uint32_t n)
{
	s->n = n;
	s->bits = calloc(n / 8 + 1, 1);
	return s->bits ? 0 : -1;
}

static void bufset_free(struct bufset *s)
{
	free(s->bits);
	s->bits = NULL;
}

/* 0 added, -1 out of range, -2 already present. */
static int bufset_add(struct bufset *s, uint32_t idx)
{
	if (idx < 2 || idx >= s->n)
		return -1;
	if (s->bits[idx / 8] & (1u << (idx % 8)))
		return -2;
	s->bits[idx / 8] |= (uint8_t)(1u << (idx % 8));
	return 0;
}

/* Reading or writing an address that may fault (SIGBUS/SIGSEGV). */
static sigjmp_buf probe_env;

static void probe_handler(int sig)
{
	siglongjmp(probe_env, sig);
}

static int probe_rw(volatile char *p)
{
	struct sigaction sa, obus, osegv;
	int ok = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	if (sigsetjmp(probe_env, 1) == 0) {
		char c = *p;

		*p = c;
		ok = 1;
	}
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return ok;
}

/*
 * Extra buffer list from @head, linked through the first 4 bytes of each
 * buffer (3.4).  Every index goes into @s.  Returns the count, or -1.
 */
static long extra_chain(struct netmap_ring *ring, uint32_t head,
			struct bufset *s)
{
	uint32_t idx = head;
	long n = 0;
	int r;

	while (idx != 0) {
		r = bufset_add(s, idx);
		if (r < 0) {
			WHY("extra buffer #%ld: index %u %s", n, idx,
			    r == -1 ? "out of range" :
				      "used twice (loop or shared with a slot)");
			return -1;
		}
		n++;
		idx = *(volatile uint32_t *)NETMAP_BUF(ring, idx);
	}
	return n;
}

/* Bound/unbound pattern of ring_ofs[]: 'B' non-zero, '0' zero. */
static const char *ofs_problem(const struct netmap_if *nifp,
			       const char *pattern)
{
	size_t i;

	for (i = 0; pattern[i] != '\0'; i++) {
		int bound = nifp->ring_ofs[i] != 0;

		if (bound != (pattern[i] == 'B'))
			return WHY("ring_ofs[%zu] = %zd, want %s", i,
				   (ssize_t)nifp->ring_ofs[i],
				   bound ? "0 (not bound)" : "non-zero");
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Group "info": PORT_INFO_GET and POOLS_INFO_GET (tests 1, 12, 13). */

static const char *pools_problem(const struct nmreq_pools_info *p)
{
	uint64_t ifsz = (uint64_t)p->nr_if_pool_objtotal * p->nr_if_pool_objsize;
	uint64_t rsz = (uint64_t)p->nr_ring_pool_objtotal *
		       p->nr_ring_pool_objsize;
	uint64_t bsz = (uint64_t)p->nr_buf_pool_objtotal * p->nr_buf_pool_objsize;

	if (!p->nr_memsize || !p->nr_if_pool_objtotal ||
	    !p->nr_if_pool_objsize || !p->nr_ring_pool_objtotal ||
	    !p->nr_ring_pool_objsize || !p->nr_buf_pool_objtotal ||
	    !p->nr_buf_pool_objsize)
		return "a size or count is 0";
	if (p->nr_if_pool_offset != 0)
		return WHY("if pool at %" PRIu64 ", want 0",
			   p->nr_if_pool_offset);
	if (p->nr_ring_pool_offset != ifsz)
		return WHY("ring pool at %" PRIu64 ", want %" PRIu64,
			   p->nr_ring_pool_offset, ifsz);
	if (p->nr_buf_pool_offset != ifsz + rsz)
		return WHY("buffer pool at %" PRIu64 ", want %" PRIu64,
			   p->nr_buf_pool_offset, ifsz + rsz);
	if (p->nr_memsize != ifsz + rsz + bsz)
		return WHY("memsize %" PRIu64 ", pools add up to %" PRIu64,
			   p->nr_memsize, ifsz + rsz + bsz);
	if (p->nr_buf_pool_objsize != BUFSZ)
		return WHY("buffer size %u, want %u", p->nr_buf_pool_objsize,
			   BUFSZ);
	return NULL;
}

static void g_info(void)
{
	struct nmreq_port_info_get pi;
	struct nmreq_pools_info po;
	char p0[64], p1[64];
	int fd, rc, err;

	snprintf(p0, sizeof(p0), "%s:info0", bdg);
	snprintf(p1, sizeof(p1), "%s:info1", bdg);
	fd = nmopen();
	if (fd < 0)
		return;

	memset(&pi, 0, sizeof(pi));
	rc = ctrl(fd, NETMAP_REQ_PORT_INFO_GET, p0, &pi, NULL, &err);
	tap_check(rc == 0 && pi.nr_memsize && pi.nr_tx_slots &&
		  pi.nr_rx_slots && pi.nr_tx_rings && pi.nr_rx_rings,
		  "info: PORT_INFO_GET on an ephemeral VALE name: non-zero memsize, slots, rings");
	if (rc < 0)
		diag("PORT_INFO_GET %s: %s", p0, strerror(err));
	tap_check(rc == 0 && pi.nr_mem_id > 1,
		  "info: PORT_INFO_GET on a VALE name reports a private allocator (mem_id > 1)");
	tap_check(rc == 0 && pi.nr_tx_slots == 1024 && pi.nr_rx_slots == 1024 &&
		  pi.nr_tx_rings == 1 && pi.nr_rx_rings == 1,
		  "info: default VALE geometry is 1 ring of 1024 slots each way");
	if (rc == 0)
		diag("slots %u/%u rings %u/%u host %u/%u mem_id %u memsize %" PRIu64,
		     pi.nr_tx_slots, pi.nr_rx_slots, pi.nr_tx_rings,
		     pi.nr_rx_rings, pi.nr_host_tx_rings, pi.nr_host_rx_rings,
		     pi.nr_mem_id, pi.nr_memsize);
	tap_check(port_absent(fd, p0),
		  "info: PORT_INFO_GET leaves no port behind (VALE_LIST finds none)");

	memset(&pi, 0, sizeof(pi));
	rc = ctrl(fd, NETMAP_REQ_PORT_INFO_GET, "", &pi, NULL, &err);
	tap_check(rc == 0 && pi.nr_mem_id == 1 && pi.nr_memsize != 0,
		  "info: PORT_INFO_GET with an empty name describes the global allocator (mem_id 1)");
	if (rc < 0)
		diag("failed: %s", strerror(err));

	memset(&pi, 0, sizeof(pi));
	pi.nr_mem_id = BAD_MEM_ID;
	rc = ctrl(fd, NETMAP_REQ_PORT_INFO_GET, "", &pi, NULL, &err);
	tap_errno(rc, err, EINVAL,
		  "info: PORT_INFO_GET with an empty name and an unknown mem_id is EINVAL");

	memset(&pi, 0, sizeof(pi));
	rc = ctrl(fd, NETMAP_REQ_PORT_INFO_GET, "nmcanosuch0", &pi, NULL, &err);
	tap_errno(rc, err, ENXIO,
		  "info: PORT_INFO_GET on a missing non-VALE interface is ENXIO");

	memset(&po, 0, sizeof(po));
	rc = ctrl(fd, NETMAP_REQ_POOLS_INFO_GET, p1, &po, NULL, &err);
	check_ok(rc, err, "info: POOLS_INFO_GET on an ephemeral VALE name succeeds");
	if (rc == 0) {
		check_none(pools_problem(&po),
			   "info: POOLS_INFO_GET pools are non-empty, back to back, add up to memsize, 2048-byte buffers");
		tap_check(po.nr_mem_id > 1,
			  "info: POOLS_INFO_GET on a VALE name reports its private allocator");
	}

	memset(&po, 0, sizeof(po));
	rc = ctrl(fd, NETMAP_REQ_POOLS_INFO_GET, "", &po, NULL, &err);
	check_fails(rc, err, "info: POOLS_INFO_GET with an empty name fails");

	rc = sync_ioctl(fd, NIOCTXSYNC, &err);
	tap_errno(rc, err, ENXIO,
		  "info: info requests leave the fd unbound (NIOCTXSYNC is ENXIO)");
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */
/* Group "register": REGISTER on VALE ports (tests 2-5 without a tap). */

static void g_register(void)
{
	struct nmreq_register r, r2;
	char p0[64], p1[64], p2[64], p3[64], p4[64], px[64];
	char toolong[80], badbdg[64];
	static const struct {
		uint32_t mode;
		const char *what;
	} nohost[] = {
		{ NR_REG_SW, "register: NR_REG_SW on a VALE port (no host rings) is EINVAL" },
		{ NR_REG_NIC_SW, "register: NR_REG_NIC_SW on a VALE port is EINVAL" },
		{ NR_REG_ONE_SW, "register: NR_REG_ONE_SW on a VALE port is EINVAL" },
		{ NR_REG_DEFAULT, "register: NR_REG_DEFAULT through NIOCCTRL is EINVAL" },
		{ NR_REG_PIPE_MASTER, "register: NR_REG_PIPE_MASTER through NIOCCTRL is EINVAL" },
		{ NR_REG_PIPE_SLAVE, "register: NR_REG_PIPE_SLAVE through NIOCCTRL is EINVAL" },
		{ 9, "register: unknown nr_mode 9 is EINVAL" },
	};
	int fd = -1, fd2 = -1, fd3 = -1, rc, err;
	unsigned i;

	snprintf(p0, sizeof(p0), "%s:r0", bdg);
	snprintf(p1, sizeof(p1), "%s:r1", bdg);
	snprintf(p2, sizeof(p2), "%s:r2", bdg);
	snprintf(p3, sizeof(p3), "%s:r3", bdg);
	snprintf(p4, sizeof(p4), "%s:r4", bdg);
	snprintf(px, sizeof(px), "%s:x0", bdg);
	snprintf(toolong, sizeof(toolong), "%s:abcdefghijklmnop", bdg);
	snprintf(badbdg, sizeof(badbdg), "%s-x:r0", bdg);

	fd = nmopen();
	if (fd < 0)
		return;
	reg_init(&r, NR_REG_ALL_NIC);
	if (reg_ok(fd, p0, &r,
		   "register: ALL_NIC on a new ephemeral VALE port, default geometry (contract 2.5)") == 0) {
		tap_check(r.nr_tx_slots == 1024 && r.nr_rx_slots == 1024 &&
			  r.nr_tx_rings == 1 && r.nr_rx_rings == 1,
			  "register: defaults are 1 ring of 1024 slots each way");
		tap_check(r.nr_host_tx_rings == 0 && r.nr_host_rx_rings == 0,
			  "register: a VALE port reports 0 host rings");
		tap_check(r.nr_mem_id > 1,
			  "register: an ephemeral VALE port has a private allocator (mem_id > 1)");
		diag("%s: offset %" PRIu64 " memsize %" PRIu64 " mem_id %u",
		     p0, r.nr_offset, r.nr_memsize, r.nr_mem_id);
	}
	reg_init(&r2, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r2, NULL, &err);
	tap_errno(rc, err, EBUSY, "register: a second REGISTER on a bound fd is EBUSY");

	fd2 = nmopen();
	reg_init(&r2, NR_REG_ONE_NIC);
	if (fd2 >= 0 &&
	    reg_ok(fd2, p0, &r2,
		   "register: ONE_NIC ring 0 on the same port from another fd (contract)") == 0)
		tap_check(r2.nr_mem_id == r.nr_mem_id &&
			  r2.nr_tx_slots == r.nr_tx_slots,
			  "register: both fds see the same port (mem_id, slots)");
	nmclose(&fd2);

	for (i = 0; i < sizeof(nohost) / sizeof(nohost[0]); i++) {
		fd2 = nmopen();
		if (fd2 < 0)
			break;
		reg_init(&r2, nohost[i].mode);
		rc = reg(fd2, p0, &r2, NULL, &err);
		tap_errno(rc, err, EINVAL, "%s", nohost[i].what);
		nmclose(&fd2);
	}

	fd2 = nmopen();
	reg_init(&r2, NR_REG_ONE_NIC);
	r2.nr_ringid = 5;
	rc = reg(fd2, p0, &r2, NULL, &err);
	tap_errno(rc, err, EINVAL,
		  "register: ONE_NIC with a ring beyond both directions is EINVAL");
	nmclose(&fd2);
	nmclose(&fd);

	fd = nmopen();
	reg_small(&r, NR_REG_ALL_NIC);
	r.nr_mem_id = BAD_MEM_ID;
	rc = reg(fd, p1, &r, NULL, &err);
	tap_errno(rc, err, EINVAL, "register: an unknown nr_mem_id is EINVAL");
	rc = sync_ioctl(fd, NIOCTXSYNC, &err);
	tap_errno(rc, err, ENXIO, "register: a failed REGISTER leaves the fd unbound");
	nmclose(&fd);

	/* Requested geometry is honoured. */
	fd = nmopen();
	reg_init(&r, NR_REG_ALL_NIC);
	r.nr_tx_slots = 128;
	r.nr_rx_slots = 64;
	r.nr_tx_rings = 2;
	r.nr_rx_rings = 3;
	reg_ok(fd, p2, &r,
	       "register: 128/64 slots and 2/3 rings are honoured (contract)");
	fd2 = nmopen();
	reg_init(&r2, NR_REG_ONE_NIC);
	r2.nr_ringid = 2;
	rc = reg(fd2, p2, &r2, NULL, &err);
	check_ok(rc, err,
		 "register: ONE_NIC ring 2 with 2 TX / 3 RX rings succeeds (TX falls back to ring 0)");
	nmclose(&fd2);
	nmclose(&fd);

	/* More than 16 rings are cut to 16 (6.1). */
	fd = nmopen();
	reg_init(&r, NR_REG_ALL_NIC);
	r.nr_tx_slots = r.nr_rx_slots = 32;
	r.nr_tx_rings = 20;
	r.nr_rx_rings = 17;
	rc = reg(fd, p3, &r, NULL, &err);
	tap_check(rc == 0 && r.nr_tx_rings == 16 && r.nr_rx_rings == 16,
		  "register: 20/17 rings requested on a VALE port give 16/16");
	if (rc < 0)
		diag("REGISTER: %s", strerror(err));
	else
		diag("got %u/%u rings", r.nr_tx_rings, r.nr_rx_rings);
	nmclose(&fd);

	/* Extra buffers, API versions. */
	fd = nmopen();
	reg_small(&r, NR_REG_ALL_NIC);
	r.nr_extra_bufs = 16;
	reg_ok(fd, p4, &r, "register: 16 extra buffers are granted (contract)");
	nmclose(&fd);

	fd = nmopen();
	reg_small(&r, NR_REG_ALL_NIC);
	{
		struct nmreq_header h;

		hdr_init(&h, NETMAP_REQ_REGISTER, p4, &r, NULL);
		h.nr_version = NETMAP_MAX_API;
		rc = ctrl_h(fd, &h, &err);
		check_ok(rc, err, "register: nr_version 15 is accepted");
	}
	nmclose(&fd);

	/* NR_EXCLUSIVE (tests 001-003). */
	fd = nmopen();
	fd2 = nmopen();
	fd3 = nmopen();
	reg_small(&r, NR_REG_ALL_NIC);
	r.nr_flags = NR_EXCLUSIVE;
	if (reg_ok(fd, px, &r, "register: NR_EXCLUSIVE open succeeds (contract, flag echoed)") == 0) {
		reg_small(&r2, NR_REG_ALL_NIC);
		rc = reg(fd2, px, &r2, NULL, &err);
		tap_errno(rc, err, EBUSY,
			  "register: opening rings held with NR_EXCLUSIVE is EBUSY");
		nmclose(&fd);
		reg_small(&r2, NR_REG_ALL_NIC);
		rc = reg(fd2, px, &r2, NULL, &err);
		check_ok(rc, err, "register: the rings are free again after the exclusive fd is closed");
		reg_small(&r2, NR_REG_ALL_NIC);
		r2.nr_flags = NR_EXCLUSIVE;
		rc = reg(fd3, px, &r2, NULL, &err);
		tap_errno(rc, err, EBUSY,
			  "register: NR_EXCLUSIVE on rings already in use is EBUSY");
	}
	nmclose(&fd);
	nmclose(&fd2);
	nmclose(&fd3);

	/* Names the kernel must refuse (5.1, 5.2). */
	fd = nmopen();
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, toolong, &r, NULL, &err);
	check_fails(rc, err, "register: a VALE port name of 16 characters is refused");
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, badbdg, &r, NULL, &err);
	check_fails(rc, err, "register: a bridge name with '-' is refused");
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, "nmcanosuch0", &r, NULL, &err);
	tap_errno(rc, err, ENXIO,
		  "register: a missing non-VALE interface is ENXIO");
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */
/* Group "mmap": the shared region as applications see it (2.2, 2.3, 3). */

static const char *ring_header_problem(const struct netmap_ring *ring,
				       unsigned dir, unsigned id,
				       unsigned nslots, const char *bufpool,
				       const char *bufpool_end)
{
	const char *slot_end = (const char *)&ring->slot[ring->num_slots];

	if (ring->num_slots != nslots)
		return WHY("num_slots %u, want %u", ring->num_slots, nslots);
	if (slot_end > bufpool)
		return "the slot array runs into the buffer pool";
	if (ring->nr_buf_size != BUFSZ)
		return WHY("nr_buf_size %u, want %u", ring->nr_buf_size, BUFSZ);
	if (ring->ringid != id)
		return WHY("ringid %u, want %u", ring->ringid, id);
	if (ring->dir != dir)
		return WHY("dir %u, want %u", ring->dir, dir);
	if (dir == 0 && (ring->head != 0 || ring->cur != 0 ||
			 ring->tail != nslots - 1))
		return WHY("TX head/cur/tail %u/%u/%u, want 0/0/%u",
			   ring->head, ring->cur, ring->tail, nslots - 1);
	if (dir == 1 && (ring->head != 0 || ring->cur != 0 || ring->tail != 0))
		return WHY("RX head/cur/tail %u/%u/%u, want 0/0/0",
			   ring->head, ring->cur, ring->tail);
	if (ring->offset_mask != 0 || ring->buf_align != 0)
		return WHY("offset_mask %" PRIu64 " buf_align %" PRIu64
			   ", want 0 and 0", ring->offset_mask,
			   ring->buf_align);
	if ((const char *)ring + ring->buf_ofs != bufpool)
		return WHY("ring + buf_ofs (%" PRId64 ") is not buffer 0 of the pool",
			   ring->buf_ofs);
	if (NETMAP_BUF(ring, 0) + (size_t)ring->nr_buf_size > bufpool_end)
		return "buffer 0 lies outside the mapping";
	return NULL;
}

static const char *ring_slots_problem(const struct netmap_ring *ring,
				      struct bufset *s)
{
	uint32_t i;
	int r;

	for (i = 0; i < ring->num_slots; i++) {
		const struct netmap_slot *sl = &ring->slot[i];

		r = bufset_add(s, sl->buf_idx);
		if (r == -1)
			return WHY("slot %u: buf_idx %u out of range [2, %u)",
				   i, sl->buf_idx, s->n);
		if (r == -2)
			return WHY("slot %u: buf_idx %u used twice", i,
				   sl->buf_idx);
		if (sl->len != ring->nr_buf_size)
			return WHY("slot %u: len %u, want %u", i, sl->len,
				   ring->nr_buf_size);
		if (sl->flags != 0 || sl->ptr != 0)
			return WHY("slot %u: flags 0x%x ptr 0x%" PRIx64
				   ", want 0", i, sl->flags, sl->ptr);
	}
	return NULL;
}

/* Ring @i of @nifp if its offset points inside the ring pool. */
static struct netmap_ring *ring_at(char *base,
				   const struct nmreq_pools_info *pi,
				   struct netmap_if *nifp, unsigned i)
{
	char *p = (char *)nifp + nifp->ring_ofs[i];

	if (nifp->ring_ofs[i] == 0 ||
	    p < base + pi->nr_ring_pool_offset ||
	    p + sizeof(struct netmap_ring) > base + pi->nr_buf_pool_offset)
		return NULL;
	return (struct netmap_ring *)(void *)p;
}

static void g_mmap(void)
{
	enum { T = 2, R = 3, TS = 64, RS = 32, EXTRA = 10 };
	struct nmreq_register r, r2;
	struct nmreq_pools_info pi;
	struct bufset bs = { NULL, 0 };
	struct netmap_if *nifp, *nifp2;
	struct netmap_ring *ring, *tx0 = NULL;
	char *base = MAP_FAILED, *base2 = MAP_FAILED;
	char p0[64], name[32], what[256];
	int fd = -1, fd2 = -1, fdp = -1, rc, err;
	long n;
	unsigned i;
	void *m;

	snprintf(p0, sizeof(p0), "%s:m0", bdg);
	fd = nmopen();
	if (fd < 0)
		return;
	reg_init(&r, NR_REG_ALL_NIC);
	r.nr_tx_slots = TS;
	r.nr_rx_slots = RS;
	r.nr_tx_rings = T;
	r.nr_rx_rings = R;
	r.nr_extra_bufs = EXTRA;
	if (reg_ok(fd, p0, &r,
		   "mmap: REGISTER with 2/3 rings, 64/32 slots, 10 extra buffers (contract)") < 0)
		goto out;

	base = mmap(NULL, r.nr_memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	tap_check(base != MAP_FAILED, "mmap: mmap of nr_memsize bytes at offset 0");
	if (base == MAP_FAILED) {
		diag("mmap %" PRIu64 " bytes: %s", r.nr_memsize, strerror(errno));
		goto out;
	}
	tap_check(probe_rw(base) && probe_rw(base + r.nr_memsize - 1),
		  "mmap: first and last byte of the region are accessible");

	fdp = nmopen();
	memset(&pi, 0, sizeof(pi));
	rc = ctrl(fdp, NETMAP_REQ_POOLS_INFO_GET, p0, &pi, NULL, &err);
	tap_check(rc == 0 && pi.nr_mem_id == r.nr_mem_id &&
		  pi.nr_memsize == r.nr_memsize,
		  "mmap: POOLS_INFO_GET on the bound port: same mem_id and memsize");
	nmclose(&fdp);
	if (rc < 0) {
		diag("POOLS_INFO_GET: %s", strerror(err));
		goto out;
	}
	check_none(pools_problem(&pi), "mmap: pools add up to the mapped region");
	if (pi.nr_buf_pool_offset > r.nr_memsize ||
	    pi.nr_ring_pool_offset > pi.nr_buf_pool_offset)
		goto out;
	tap_check(r.nr_offset + sizeof(struct netmap_if) +
		  (T + 1 + R + 1) * sizeof(ssize_t) <= pi.nr_ring_pool_offset,
		  "mmap: nr_offset points into the if pool");
	if (r.nr_offset >= pi.nr_ring_pool_offset)
		goto out;

	nifp = NETMAP_IF(base, r.nr_offset);
	tap_check(strncmp(nifp->ni_name, p0, sizeof(nifp->ni_name)) == 0,
		  "mmap: ni_name is the port name");
	if (strncmp(nifp->ni_name, p0, sizeof(nifp->ni_name)) != 0)
		diag("ni_name '%.16s', want '%s'", nifp->ni_name, p0);
	tap_check(nifp->ni_flags & NI_PRIV_MEM,
		  "mmap: ni_flags has NI_PRIV_MEM (private allocator)");
	tap_check(nifp->ni_tx_rings == T && nifp->ni_rx_rings == R,
		  "mmap: ni_tx_rings/ni_rx_rings are 2/3");
	tap_check(nifp->ni_host_tx_rings == 1 && nifp->ni_host_rx_rings == 1,
		  "mmap: ni_host_tx_rings/ni_host_rx_rings are forced to 1");
	if (nifp->ni_tx_rings != T || nifp->ni_rx_rings != R ||
	    nifp->ni_host_tx_rings != 1 || nifp->ni_host_rx_rings != 1)
		goto out;
	check_none(ofs_problem(nifp, "BB0BBB0"),
		   "mmap: ALL_NIC binds every NIC ring; the fake host rings have ring_ofs 0");

	if (bufset_init(&bs, pi.nr_buf_pool_objtotal) < 0)
		goto out;
	for (i = 0; i < T + 1 + R + 1; i++) {
		unsigned dir = i < T + 1 ? 0 : 1;
		unsigned id = dir ? i - (T + 1) : i;
		unsigned nslots = dir ? RS : TS;

		if (id == (dir ? R : T))
			continue;	/* host ring, not bound */
		snprintf(name, sizeof(name), "%s ring %u", dir ? "RX" : "TX",
			 id);
		ring = ring_at(base, &pi, nifp, i);
		if (ring == NULL) {
			tap_check(0, "mmap: %s lies in the ring pool", name);
			diag("ring_ofs[%u] = %zd", i, (ssize_t)nifp->ring_ofs[i]);
			continue;
		}
		if (tx0 == NULL)
			tx0 = ring;
		snprintf(what, sizeof(what),
			 "mmap: %s header: num_slots, nr_buf_size 2048, ringid, dir, head/cur/tail %s, buf_ofs to buffer 0",
			 name, dir ? "0/0/0" : "0/0/N-1");
		check_none(ring_header_problem(ring, dir, id, nslots,
					       base + pi.nr_buf_pool_offset,
					       base + r.nr_memsize), what);
		snprintf(what, sizeof(what),
			 "mmap: %s slots: each its own buffer (index >= 2, distinct), len 2048, flags 0",
			 name);
		check_none(ring_slots_problem(ring, &bs), what);
	}
	if (tx0 == NULL)
		goto out;

	n = extra_chain(tx0, nifp->ni_bufs_head, &bs);
	tap_check(n == EXTRA,
		  "mmap: the ni_bufs_head list holds nr_extra_bufs distinct buffers");
	if (n != EXTRA)
		diag("%s", n < 0 ? why : "wrong count");
	if (n >= 0)
		diag("extra buffers: %ld", n);

	/* Binding one ring pair from another fd. */
	fd2 = nmopen();
	reg_init(&r2, NR_REG_ONE_NIC);
	r2.nr_ringid = 1;
	if (fd2 < 0 || reg_ok(fd2, p0, &r2,
			      "mmap: second fd, ONE_NIC ring 1 on the same port (contract)") < 0)
		goto out;
	tap_check(r2.nr_mem_id == r.nr_mem_id && r2.nr_memsize == r.nr_memsize &&
		  r2.nr_offset != r.nr_offset &&
		  r2.nr_offset < pi.nr_ring_pool_offset,
		  "mmap: second fd: same allocator, its own netmap_if in the if pool");
	if (r2.nr_offset >= pi.nr_ring_pool_offset)
		goto out;
	nifp2 = NETMAP_IF(base, r2.nr_offset);
	check_none(ofs_problem(nifp2, "0B00B00"),
		   "mmap: ONE_NIC ring 1: only TX 1 and RX 1 have a ring_ofs, unbound entries are 0");
	tap_check(nifp2->ring_ofs[1] != 0 && nifp2->ring_ofs[T + 1 + 1] != 0 &&
		  NETMAP_TXRING(nifp2, 1) == NETMAP_TXRING(nifp, 1) &&
		  NETMAP_RXRING(nifp2, 1) == NETMAP_RXRING(nifp, 1),
		  "mmap: both fds address the same ring objects");
	tap_check(nifp2->ni_bufs_head == 0,
		  "mmap: ni_bufs_head is 0 without extra buffers");

	base2 = mmap(NULL, r2.nr_memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		     fd2, 0);
	if (base2 != MAP_FAILED) {
		char *b1 = NETMAP_BUF(tx0, tx0->slot[0].buf_idx);

		memcpy(b1, "nm_ctrl_api", 12);
		tap_check(memcmp(base2 + r2.nr_offset, base + r2.nr_offset,
				 sizeof(struct netmap_if) + 7 * sizeof(ssize_t)) == 0 &&
			  memcmp(base2 + (b1 - base), "nm_ctrl_api", 12) == 0,
			  "mmap: a mapping through the second fd shows the same memory");
	} else {
		tap_check(0, "mmap: a mapping through the second fd shows the same memory");
		diag("mmap: %s", strerror(errno));
	}
	nmclose(&fd2);

	fd2 = nmopen();
	reg_init(&r2, NR_REG_ALL_NIC);
	r2.nr_flags = NR_TX_RINGS_ONLY;
	if (fd2 >= 0 && reg_ok(fd2, p0, &r2,
			       "mmap: NR_TX_RINGS_ONLY register (contract)") == 0 &&
	    r2.nr_offset < pi.nr_ring_pool_offset)
		check_none(ofs_problem(NETMAP_IF(base, r2.nr_offset), "BB00000"),
			   "mmap: NR_TX_RINGS_ONLY binds no RX ring");
	nmclose(&fd2);
	fd2 = nmopen();
	reg_init(&r2, NR_REG_ALL_NIC);
	r2.nr_flags = NR_RX_RINGS_ONLY;
	if (fd2 >= 0 && reg_ok(fd2, p0, &r2,
			       "mmap: NR_RX_RINGS_ONLY register (contract)") == 0 &&
	    r2.nr_offset < pi.nr_ring_pool_offset)
		check_none(ofs_problem(NETMAP_IF(base, r2.nr_offset), "000BBB0"),
			   "mmap: NR_RX_RINGS_ONLY binds no TX ring");
	nmclose(&fd2);

	/* Syncs with nothing to do keep the initial state. */
	rc = sync_ioctl(fd, NIOCTXSYNC, &err);
	tap_check(rc == 0 && tx0->head == 0 && tx0->tail == TS - 1,
		  "mmap: NIOCTXSYNC with nothing queued returns 0, TX tail stays N-1");
	rc = sync_ioctl(fd, NIOCRXSYNC, &err);
	ring = NETMAP_RXRING(nifp, 0);
	tap_check(rc == 0 && ring->head == 0 && ring->tail == 0,
		  "mmap: NIOCRXSYNC without traffic returns 0, RX tail stays 0");

	/* The mapping may not exceed the region. */
	m = mmap(NULL, r.nr_memsize + 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	tap_errno(m == MAP_FAILED ? -1 : 0, errno, EINVAL,
		  "mmap: mapping more than nr_memsize is EINVAL");
	if (m != MAP_FAILED)
		munmap(m, r.nr_memsize + 4096);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)((r.nr_memsize + 4095) & ~(uint64_t)4095));
	tap_errno(m == MAP_FAILED ? -1 : 0, errno, EINVAL,
		  "mmap: mapping at an offset past nr_memsize is EINVAL");
	if (m != MAP_FAILED)
		munmap(m, 4096);

out:
	bufset_free(&bs);
	if (base2 != MAP_FAILED)
		munmap(base2, r2.nr_memsize);
	if (base != MAP_FAILED)
		munmap(base, r.nr_memsize);
	nmclose(&fd2);
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */
/* Group "vale": VALE_LIST, PORT_HDR_*, vnet header check, polling. */

struct lentry {
	char		name[NETMAP_REQ_IFNAMSIZ];
	unsigned	b, p;
};

static struct lentry lents[4096];

/*
 * Walk every port: empty name, (bridge, port) from the last answer plus
 * one.  Returns the number of entries; *end is the errno that ended the
 * walk (-1 if it did not end), *bad a description of a misbehaviour.
 */
static int list_walk(int fd, int *end, const char **bad)
{
	struct nmreq_vale_list l;
	struct nmreq_header h;
	unsigned want_b, want_p;
	int n = 0, err, steps;

	*bad = NULL;
	*end = -1;
	memset(&l, 0, sizeof(l));
	hdr_init(&h, NETMAP_REQ_VALE_LIST, "", &l, NULL);
	for (steps = 0; steps < 70000; steps++) {
		want_b = l.nr_bridge_idx;
		want_p = l.nr_port_idx;
		h.nr_name[0] = '\0';
		if (ctrl_h(fd, &h, &err) < 0) {
			*end = err;
			return n;
		}
		h.nr_name[sizeof(h.nr_name) - 1] = '\0';
		if (*bad == NULL &&
		    (l.nr_bridge_idx < want_b ||
		     (l.nr_bridge_idx == want_b && l.nr_port_idx < want_p)))
			*bad = WHY("asked from %u/%u, got %u/%u", want_b,
				   want_p, l.nr_bridge_idx, l.nr_port_idx);
		if (*bad == NULL && (l.nr_port_idx >= MAXPORTS ||
				     strncmp(h.nr_name, "vale", 4) != 0 ||
				     strchr(h.nr_name, ':') == NULL))
			*bad = WHY("entry '%s' %u/%u", h.nr_name,
				   l.nr_bridge_idx, l.nr_port_idx);
		if (n < (int)(sizeof(lents) / sizeof(lents[0]))) {
			memcpy(lents[n].name, h.nr_name, sizeof(lents[n].name));
			lents[n].b = l.nr_bridge_idx;
			lents[n].p = l.nr_port_idx;
			n++;
		}
		if (l.nr_port_idx >= MAXPORTS)
			break;
		l.nr_port_idx++;
	}
	return n;
}

static const struct lentry *lfind(int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(lents[i].name, name) == 0)
			return &lents[i];
	return NULL;
}

static int hdr_set(int fd, const char *name, uint32_t len, int *err)
{
	struct nmreq_port_hdr ph;

	memset(&ph, 0, sizeof(ph));
	ph.nr_hdr_len = len;
	return ctrl(fd, NETMAP_REQ_PORT_HDR_SET, name, &ph, NULL, err);
}

static int hdr_get(int fd, const char *name, uint32_t *len, int *err)
{
	struct nmreq_port_hdr ph;
	int rc;

	memset(&ph, 0, sizeof(ph));
	ph.nr_hdr_len = 0xdead;
	rc = ctrl(fd, NETMAP_REQ_PORT_HDR_GET, name, &ph, NULL, err);
	*len = ph.nr_hdr_len;
	return rc;
}

static int polling(int fd, uint16_t type, const char *name, int *err)
{
	struct nmreq_vale_polling vp;

	memset(&vp, 0, sizeof(vp));
	vp.nr_mode = NETMAP_POLLING_MODE_SINGLE_CPU;
	vp.nr_first_cpu_id = 0;
	vp.nr_num_polling_cpus = 1;
	return ctrl(fd, type, name, &vp, NULL, err);
}

static void g_vale(void)
{
	static const uint32_t lens[] = { 12, 0, 10 };
	struct nmreq_register r;
	const struct lentry *ea, *eb;
	char pa[64], pb[64], pz[64], pnone[64];
	unsigned ba = 0, ia = 0, bb = 0, ib = 0, b, p, i;
	int fda = -1, fdb = -1, fdc = -1, fd = -1, rc, err, n, end;
	const char *bad;
	uint32_t len;

	snprintf(pa, sizeof(pa), "%s:a", bdg);
	snprintf(pb, sizeof(pb), "%s:b", bdg);
	snprintf(pz, sizeof(pz), "%s:zz", bdg);
	snprintf(pnone, sizeof(pnone), "%s:zz", bdg_none);

	fda = nmopen();
	fdb = nmopen();
	fdc = nmopen();
	if (fda < 0 || fdb < 0 || fdc < 0)
		goto out;
	reg_small(&r, NR_REG_ALL_NIC);
	if (reg_ok(fda, pa, &r, "vale: REGISTER first ephemeral port") < 0)
		goto out;
	reg_small(&r, NR_REG_ALL_NIC);
	if (reg_ok(fdb, pb, &r, "vale: REGISTER second ephemeral port on the same bridge") < 0)
		goto out;

	/* VALE_LIST by name. */
	rc = vale_list(fdc, pa, &ba, &ia, &err);
	tap_check(rc == 0 && ia < MAXPORTS,
		  "vale: VALE_LIST by name finds the first port");
	rc |= vale_list(fdc, pb, &bb, &ib, &err);
	tap_check(rc == 0 && ib < MAXPORTS && bb == ba && ib != ia,
		  "vale: VALE_LIST by name: second port, same bridge, another index");
	diag("%s at %u/%u, %s at %u/%u", pa, ba, ia, pb, bb, ib);
	rc = vale_list(fdc, pz, &b, &p, &err);
	tap_check(rc == 0 && p == NOPORT && b == ba,
		  "vale: VALE_LIST of a missing port on an existing bridge succeeds with port_idx 255");
	if (rc < 0)
		diag("failed: %s", strerror(err));
	rc = vale_list(fdc, pnone, &b, &p, &err);
	tap_errno(rc, err, ENOENT, "vale: VALE_LIST on a bridge that does not exist is ENOENT");
	rc = vale_list(fdc, "nmcanosuch0", &b, &p, &err);
	tap_errno(rc, err, EINVAL, "vale: VALE_LIST of a name not starting with vale is EINVAL");

	/* VALE_LIST iteration. */
	n = list_walk(fdc, &end, &bad);
	tap_check(end == ENOENT, "vale: VALE_LIST iteration with an empty name ends with ENOENT");
	if (end != ENOENT)
		diag("walk ended with %d after %d entries", end, n);
	check_none(bad, "vale: VALE_LIST iteration returns valeX:Y names, indexes at or after the ones asked");
	ea = lfind(n, pa);
	eb = lfind(n, pb);
	tap_check(ea && eb && ea->b == ba && ea->p == ia && eb->b == bb &&
		  eb->p == ib,
		  "vale: VALE_LIST iteration lists both ports with the indexes VALE_LIST by name gave");
	diag("iteration saw %d ports", n);

	/* Virtio-net header length (test 10), from an unbound fd. */
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		rc = hdr_set(fdc, pa, lens[i], &err);
		check_ok(rc, err, lens[i] == 12 ? "vale: PORT_HDR_SET 12" :
				  lens[i] == 0 ? "vale: PORT_HDR_SET 0" :
						 "vale: PORT_HDR_SET 10");
		rc = hdr_get(fdc, pa, &len, &err);
		tap_check(rc == 0 && len == lens[i],
			  "vale: PORT_HDR_GET returns the length just set (%u)",
			  lens[i]);
	}
	rc = hdr_set(fdc, pa, 11, &err);
	tap_errno(rc, err, EINVAL, "vale: PORT_HDR_SET 11 is EINVAL");
	rc = hdr_set(fdc, pz, 12, &err);
	tap_errno(rc, err, ENXIO, "vale: PORT_HDR_SET on a missing port is ENXIO");
	rc = hdr_set(fdc, "nmcanosuch0", 12, &err);
	tap_errno(rc, err, ENXIO, "vale: PORT_HDR_SET on a non-VALE name is ENXIO");
	rc = hdr_get(fdc, pz, &len, &err);
	tap_errno(rc, err, ENXIO, "vale: PORT_HDR_GET on a missing port is ENXIO");
	tap_check(port_absent(fdc, pz),
		  "vale: PORT_HDR_SET/GET create no port");

	/* NR_ACCEPT_VNET_HDR is needed once the port carries a header. */
	rc = hdr_set(fdc, pa, 12, &err);
	if (rc == 0) {
		fd = nmopen();
		reg_small(&r, NR_REG_ALL_NIC);
		rc = reg(fd, pa, &r, NULL, &err);
		tap_errno(rc, err, EIO,
			  "vale: REGISTER without NR_ACCEPT_VNET_HDR on a port with a 12-byte header is EIO");
		reg_small(&r, NR_REG_ALL_NIC);
		r.nr_flags = NR_ACCEPT_VNET_HDR;
		reg_ok(fd, pa, &r,
		       "vale: REGISTER with NR_ACCEPT_VNET_HDR succeeds (contract)");
		nmclose(&fd);
		hdr_set(fdc, pa, 0, &err);
	} else {
		tap_check(0, "vale: PORT_HDR_SET 12 for the NR_ACCEPT_VNET_HDR test");
	}

	/* Polling threads are only for NIC ports. */
	rc = polling(fdc, NETMAP_REQ_VALE_POLLING_ENABLE, pa, &err);
	tap_errno(rc, err, EOPNOTSUPP,
		  "vale: POLLING_ENABLE on an ephemeral VALE port is EOPNOTSUPP");
	rc = polling(fdc, NETMAP_REQ_VALE_POLLING_ENABLE, pz, &err);
	tap_errno(rc, err, ENXIO, "vale: POLLING_ENABLE on a missing port is ENXIO");
	rc = polling(fdc, NETMAP_REQ_VALE_POLLING_ENABLE, "nmcanosuch0", &err);
	tap_errno(rc, err, EINVAL, "vale: POLLING_ENABLE on a non-VALE name is EINVAL");
	rc = polling(fdc, NETMAP_REQ_VALE_POLLING_DISABLE, pz, &err);
	tap_errno(rc, err, ENXIO, "vale: POLLING_DISABLE on a missing port is ENXIO");

	/* Ephemeral ports go away with their last fd. */
	nmclose(&fda);
	tap_check(port_absent(fdc, pa),
		  "vale: closing its only fd removes an ephemeral port");
	rc = vale_list(fdc, pb, &b, &p, &err);
	tap_check(rc == 0 && p == ib,
		  "vale: the other port keeps its index");
	nmclose(&fdb);
	tap_check(port_absent(fdc, pb), "vale: the last port of the bridge goes too");
out:
	nmclose(&fda);
	nmclose(&fdb);
	nmclose(&fdc);
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */
/* Group "persist": NEWIF, ATTACH, DETACH, DELIF (tests 8, 11; 009-011). */

static int attach(int fd, const char *name, uint32_t mode, uint16_t ringid,
		  struct nmreq_vale_attach *a, int *err)
{
	memset(a, 0, sizeof(*a));
	a->reg.nr_mode = mode;
	a->reg.nr_ringid = ringid;
	a->port_index = 0xdead;
	return ctrl(fd, NETMAP_REQ_VALE_ATTACH, name, a, NULL, err);
}

static int detach(int fd, const char *name, unsigned *idx, int *err)
{
	struct nmreq_vale_detach d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.port_index = 0xdead;
	rc = ctrl(fd, NETMAP_REQ_VALE_DETACH, name, &d, NULL, err);
	*idx = d.port_index;
	return rc;
}

static void g_persist(void)
{
	struct nmreq_vale_newif nw, nw2;
	struct nmreq_vale_attach a;
	struct nmreq_register r;
	char on1[64], on2[64], missing[64], sixteen[32], valeish[32];
	unsigned idx = 0, didx, b, p;
	int fd = -1, fdr = -1, rc, err, created = 0, att1 = 0, att2 = 0;

	snprintf(on1, sizeof(on1), "%s:%s", bdg, pers);
	snprintf(on2, sizeof(on2), "%s:%s", bdg2, pers);
	snprintf(missing, sizeof(missing), "%s:nmcanosuch0", bdg);
	snprintf(sixteen, sizeof(sixteen), "%s0123456789ab", "nmca");
	snprintf(valeish, sizeof(valeish), "vale%s", pers + 4);

	fd = nmopen();
	if (fd < 0)
		return;

	memset(&nw, 0, sizeof(nw));
	nw.nr_tx_slots = 128;
	nw.nr_rx_slots = 64;
	nw.nr_tx_rings = 1;
	nw.nr_rx_rings = 2;
	rc = ctrl(fd, NETMAP_REQ_VALE_NEWIF, pers, &nw, NULL, &err);
	check_ok(rc, err, "persist: NEWIF creates a persistent port");
	if (rc < 0)
		goto out;
	created = 1;
	tap_check(nw.nr_tx_slots == 128 && nw.nr_rx_slots == 64 &&
		  nw.nr_tx_rings == 1 && nw.nr_rx_rings == 2 && nw.nr_mem_id > 1,
		  "persist: NEWIF returns the geometry asked for and a private mem_id");
	diag("%s: slots %u/%u rings %u/%u mem_id %u", pers, nw.nr_tx_slots,
	     nw.nr_rx_slots, nw.nr_tx_rings, nw.nr_rx_rings, nw.nr_mem_id);
	tap_check(netdev_exists(pers), "persist: the port is a network interface (/sys/class/net)");

	memset(&nw2, 0, sizeof(nw2));
	nw2.nr_tx_slots = 77;
	rc = ctrl(fd, NETMAP_REQ_VALE_NEWIF, pers, &nw2, NULL, &err);
	tap_errno(rc, err, EEXIST, "persist: NEWIF of an existing name is EEXIST");
	tap_check(nw2.nr_tx_slots == 77 && nw2.nr_mem_id == 0,
		  "persist: a failed NEWIF does not write the body back");
	memset(&nw2, 0, sizeof(nw2));
	rc = ctrl(fd, NETMAP_REQ_VALE_NEWIF, valeish, &nw2, NULL, &err);
	tap_errno(rc, err, EINVAL, "persist: NEWIF of a name starting with vale is EINVAL");
	rc = ctrl(fd, NETMAP_REQ_VALE_NEWIF, sixteen, &nw2, NULL, &err);
	tap_errno(rc, err, EINVAL, "persist: NEWIF of a 16-character name is EINVAL");
	memset(&nw2, 0, sizeof(nw2));
	nw2.nr_mem_id = BAD_MEM_ID;
	rc = ctrl(fd, NETMAP_REQ_VALE_NEWIF, "nmcanewbad0", &nw2, NULL, &err);
	tap_errno(rc, err, EINVAL, "persist: NEWIF with an unknown mem_id is EINVAL");
	if (rc == 0)
		ctrl(fd, NETMAP_REQ_VALE_DELIF, "nmcanewbad0", NULL, NULL, &err);

	/* Not attached yet. */
	fdr = nmopen();
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fdr, on1, &r, NULL, &err);
	tap_errno(rc, err, EINVAL,
		  "persist: REGISTER valeX:port before the port is attached is EINVAL");
	nmclose(&fdr);
	rc = attach(fd, on1, NR_REG_ONE_NIC, 0, &a, &err);
	tap_errno(rc, err, EINVAL, "persist: VALE_ATTACH with nr_mode ONE_NIC is EINVAL");
	rc = attach(fd, on1, NR_REG_ALL_NIC, 1, &a, &err);
	tap_errno(rc, err, EINVAL, "persist: VALE_ATTACH with nr_ringid 1 is EINVAL");
	rc = attach(fd, missing, NR_REG_ALL_NIC, 0, &a, &err);
	tap_errno(rc, err, EINVAL, "persist: VALE_ATTACH of a missing interface is EINVAL");
	rc = attach(fd, pers, NR_REG_ALL_NIC, 0, &a, &err);
	tap_errno(rc, err, EINVAL, "persist: VALE_ATTACH of a name without a valeX: prefix is EINVAL");

	/* Attach (test 8/11). */
	rc = attach(fd, on1, NR_REG_ALL_NIC, 0, &a, &err);
	check_ok(rc, err, "persist: VALE_ATTACH valeX:port (ALL_NIC)");
	if (rc < 0)
		goto out;
	att1 = 1;
	idx = a.port_index;
	tap_check(idx < MAXPORTS && a.reg.nr_flags == 0 &&
		  (a.reg.nr_mem_id == 0 || a.reg.nr_mem_id > 1),
		  "persist: VALE_ATTACH returns a port index, flags unchanged, mem_id 0 or > 1");
	diag("port_index %u mem_id %u", idx, a.reg.nr_mem_id);
	rc = vale_list(fd, on1, &b, &p, &err);
	tap_check(rc == 0 && p == idx,
		  "persist: VALE_LIST by name finds the attached port at that index");
	rc = attach(fd, on1, NR_REG_ALL_NIC, 0, &a, &err);
	tap_errno(rc, err, EBUSY, "persist: a second VALE_ATTACH to the same bridge is EBUSY");

	fdr = nmopen();
	reg_init(&r, NR_REG_ALL_NIC);
	if (reg_ok(fdr, on1, &r,
		   "persist: REGISTER the attached port through its bridge (contract)") == 0)
		tap_check(r.nr_tx_slots == 128 && r.nr_rx_slots == 64 &&
			  r.nr_tx_rings == 1 && r.nr_rx_rings == 2,
			  "persist: REGISTER reports the geometry given at NEWIF");
	rc = ctrl(fd, NETMAP_REQ_VALE_DELIF, pers, NULL, NULL, &err);
	tap_errno(rc, err, EBUSY, "persist: DELIF while attached and open is EBUSY");
	nmclose(&fdr);
	rc = ctrl(fd, NETMAP_REQ_VALE_DELIF, pers, NULL, NULL, &err);
	tap_errno(rc, err, EBUSY, "persist: DELIF while attached is EBUSY");
	memset(&nw2, 0, sizeof(nw2));
	rc = ctrl(fd, NETMAP_REQ_VALE_NEWIF, pers, &nw2, NULL, &err);
	tap_errno(rc, err, EEXIST, "persist: NEWIF of the name while attached is EEXIST");

	rc = hdr_set(fd, on1, 12, &err);
	check_ok(rc, err, "persist: PORT_HDR_SET 12 on the attached port");
	rc = hdr_get(fd, on1, &b, &err);
	tap_check(rc == 0 && b == 12, "persist: PORT_HDR_GET returns 12");
	hdr_set(fd, on1, 0, &err);

	/* A second bridge (test 010). */
	rc = attach(fd, on2, NR_REG_ALL_NIC, 0, &a, &err);
	check_ok(rc, err, "persist: VALE_ATTACH of the same port to a second bridge");
	if (rc == 0) {
		att2 = 1;
		rc = detach(fd, on1, &didx, &err);
		tap_errno(rc, err, EBUSY,
			  "persist: VALE_DETACH from the first bridge while in a second is EBUSY");
		if (rc == 0)
			att1 = 0;
		rc = detach(fd, on2, &didx, &err);
		check_ok(rc, err, "persist: VALE_DETACH from the second bridge");
		if (rc == 0)
			att2 = 0;
	}

	rc = detach(fd, on1, &didx, &err);
	check_ok(rc, err, "persist: VALE_DETACH valeX:port");
	if (rc == 0) {
		att1 = 0;
		tap_check(didx == idx, "persist: VALE_DETACH returns the port index");
	}
	rc = detach(fd, on1, &didx, &err);
	tap_errno(rc, err, ENXIO, "persist: VALE_DETACH of a port that is not attached is ENXIO");
	rc = detach(fd, "nmcanosuch0", &didx, &err);
	tap_errno(rc, err, EINVAL, "persist: VALE_DETACH of a non-VALE name is EINVAL");

	rc = ctrl(fd, NETMAP_REQ_VALE_DELIF, pers, NULL, NULL, &err);
	check_ok(rc, err, "persist: DELIF after detach");
	if (rc == 0) {
		created = 0;
		tap_check(!netdev_exists(pers), "persist: the interface is gone after DELIF");
	}
	rc = ctrl(fd, NETMAP_REQ_VALE_DELIF, pers, NULL, NULL, &err);
	tap_errno(rc, err, ENXIO, "persist: DELIF of a missing interface is ENXIO");
	rc = ctrl(fd, NETMAP_REQ_VALE_DELIF, "lo", NULL, NULL, &err);
	tap_errno(rc, err, EINVAL, "persist: DELIF of an interface that is no VALE port (lo) is EINVAL");
out:
	if (att2)
		detach(fd, on2, &didx, &err);
	if (att1)
		detach(fd, on1, &didx, &err);
	if (created)
		ctrl(fd, NETMAP_REQ_VALE_DELIF, pers, NULL, NULL, &err);
	nmclose(&fdr);
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */
/* Group "pipe": pipes of VALE ports and of missing interfaces (14-17). */

static void g_pipe(void)
{
	struct nmreq_register rm, rs, r;
	struct nmreq_port_info_get pi;
	struct nmreq_pools_info po;
	char parent[64], master[64], slave[64], info[64], pools[64], one[64];
	char sw[64], endb[64], startb[64], apipe[64];
	int fdm = -1, fds = -1, fdp = -1, fd = -1, rc, err, i;

	snprintf(parent, sizeof(parent), "%s:pp", bdg);
	snprintf(master, sizeof(master), "%s:pp{1", bdg);
	snprintf(slave, sizeof(slave), "%s:pp}1", bdg);
	snprintf(info, sizeof(info), "%s:pp}3", bdg);
	snprintf(pools, sizeof(pools), "%s:pp{xid", bdg);
	snprintf(one, sizeof(one), "%s:pp{2", bdg);
	snprintf(sw, sizeof(sw), "%s:pp{4", bdg);
	snprintf(endb, sizeof(endb), "%s:pp{", bdg);
	snprintf(startb, sizeof(startb), "{1");
	snprintf(apipe, sizeof(apipe), "%s{1", pipe_parent);

	fdm = nmopen();
	fds = nmopen();
	fdp = nmopen();
	fd = nmopen();
	if (fdm < 0 || fds < 0 || fdp < 0 || fd < 0)
		goto out;

	reg_init(&rm, NR_REG_NIC_SW);
	rc = reg(fdm, master, &rm, NULL, &err);
	tap_errno(rc, err, EINVAL, "pipe: NIC_SW on a pipe end is EINVAL");
	reg_init(&rm, NR_REG_ALL_NIC);
	if (reg_ok(fdm, master, &rm, "pipe: REGISTER the master end valeX:Y{1 (contract)") < 0)
		goto out;
	reg_init(&rs, NR_REG_ALL_NIC);
	if (reg_ok(fds, slave, &rs, "pipe: REGISTER the slave end valeX:Y}1 (contract)") < 0)
		goto out;
	tap_check(rs.nr_mem_id == rm.nr_mem_id,
		  "pipe: both ends share one allocator");
	tap_check(rs.nr_tx_rings == rm.nr_rx_rings &&
		  rs.nr_rx_rings == rm.nr_tx_rings &&
		  rs.nr_tx_slots == rm.nr_rx_slots &&
		  rs.nr_rx_slots == rm.nr_tx_slots,
		  "pipe: slave TX mirrors master RX and vice versa");
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fdp, parent, &r, NULL, &err);
	tap_check(rc == 0 && r.nr_mem_id == rm.nr_mem_id,
		  "pipe: the parent VALE port uses the pipe's allocator");
	if (rc < 0)
		diag("REGISTER %s: %s", parent, strerror(err));
	else
		diag("mem_id parent %u pipe %u", r.nr_mem_id, rm.nr_mem_id);

	memset(&pi, 0, sizeof(pi));
	rc = ctrl(fd, NETMAP_REQ_PORT_INFO_GET, info, &pi, NULL, &err);
	tap_check(rc == 0 && pi.nr_memsize && pi.nr_tx_slots && pi.nr_rx_slots &&
		  pi.nr_tx_rings && pi.nr_rx_rings,
		  "pipe: PORT_INFO_GET on a pipe end: non-zero fields");
	if (rc < 0)
		diag("failed: %s", strerror(err));
	memset(&po, 0, sizeof(po));
	rc = ctrl(fd, NETMAP_REQ_POOLS_INFO_GET, pools, &po, NULL, &err);
	tap_check(rc == 0 && po.nr_mem_id == rm.nr_mem_id &&
		  pools_problem(&po) == NULL,
		  "pipe: POOLS_INFO_GET on a pipe end describes the shared allocator");
	if (rc < 0)
		diag("failed: %s", strerror(err));

	for (i = 0; i < 4; i++) {
		const char *n = i == 0 ? one : i == 1 ? sw : i == 2 ? endb : startb;
		int fdx = nmopen();

		if (fdx < 0)
			break;
		reg_init(&r, i == 0 ? NR_REG_ONE_NIC :
			     i == 1 ? NR_REG_SW : NR_REG_ALL_NIC);
		rc = reg(fdx, n, &r, NULL, &err);
		if (i == 0)
			check_ok(rc, err, "pipe: ONE_NIC ring 0 on a pipe end succeeds");
		else if (i == 1)
			tap_errno(rc, err, EINVAL, "pipe: NR_REG_SW on a pipe end is EINVAL");
		else if (i == 2)
			tap_errno(rc, err, EINVAL, "pipe: a name ending with '{' is EINVAL");
		else
			tap_errno(rc, err, EINVAL, "pipe: a name starting with '{' is EINVAL");
		close(fdx);
	}
	nmclose(&fdm);
	nmclose(&fds);
	nmclose(&fdp);

	/* A pipe of an interface that does not exist creates it (5.1). */
	reg_init(&r, NR_REG_ALL_NIC);
	r.nr_tx_slots = r.nr_rx_slots = 64;
	rc = reg(fd, apipe, &r, NULL, &err);
	check_ok(rc, err, "pipe: REGISTER a pipe of a missing interface succeeds");
	if (rc == 0) {
		tap_check(netdev_exists(pipe_parent),
			  "pipe: the missing parent is created as an interface");
		rc = ctrl(fdm = nmopen(), NETMAP_REQ_VALE_DELIF, pipe_parent,
			  NULL, NULL, &err);
		tap_errno(rc, err, EINVAL,
			  "pipe: DELIF of an auto-created pipe parent is EINVAL");
		nmclose(&fdm);
		nmclose(&fd);
		for (i = 0; i < 20 && netdev_exists(pipe_parent); i++)
			usleep(50000);
		tap_check(!netdev_exists(pipe_parent),
			  "pipe: the auto-created parent goes away with its last user");
	}
out:
	nmclose(&fdm);
	nmclose(&fds);
	nmclose(&fdp);
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */
/* Group "null": NR_REG_NULL ports (tests 38-40). */

static void g_null(void)
{
	struct nmreq_register r;
	int fd, rc, err;

	fd = nmopen();
	if (fd < 0)
		return;
	reg_init(&r, NR_REG_NULL);
	r.nr_mem_id = 1;
	r.nr_tx_rings = 10;
	r.nr_rx_rings = 5;
	r.nr_tx_slots = 256;
	r.nr_rx_slots = 100;
	if (reg_ok(fd, "nmcanull0", &r,
		   "null: NR_REG_NULL, mem 1, 10/5 rings, 256/100 slots: values echoed") == 0) {
		rc = sync_ioctl(fd, NIOCTXSYNC, &err);
		check_ok(rc, err, "null: NIOCTXSYNC on a null port returns 0");
		rc = sync_ioctl(fd, NIOCRXSYNC, &err);
		check_ok(rc, err, "null: NIOCRXSYNC on a null port returns 0");
	}
	nmclose(&fd);

	fd = nmopen();
	reg_init(&r, NR_REG_NULL);
	r.nr_mem_id = 1;
	reg_ok(fd, "nmcanull1", &r, "null: NR_REG_NULL with an all-zero geometry succeeds");
	nmclose(&fd);

	fd = nmopen();
	reg_init(&r, NR_REG_NULL);
	rc = reg(fd, "nmcanull2", &r, NULL, &err);
	tap_errno(rc, err, EINVAL, "null: NR_REG_NULL without nr_mem_id is EINVAL");
	reg_init(&r, NR_REG_NULL);
	r.nr_mem_id = BAD_MEM_ID;
	rc = reg(fd, "nmcanull2", &r, NULL, &err);
	tap_errno(rc, err, EINVAL, "null: NR_REG_NULL with an unknown nr_mem_id is EINVAL");
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */
/* Group "options": the option list of NIOCCTRL (2.6; tests 19-22). */

/* A chain of @n options of type @type (array must hold @n). */
static struct nmreq_option *chain(struct nmreq_option *o, int n, uint32_t type)
{
	int i;

	memset(o, 0, sizeof(*o) * (size_t)n);
	for (i = 0; i < n; i++) {
		o[i].nro_reqtype = type;
		o[i].nro_next = i + 1 < n ? (uintptr_t)&o[i + 1] : 0;
	}
	return o;
}

static void g_options(void)
{
	static struct nmreq_option many[OPT_CAPACITY / 32 + 1];
	static char evbuf[8192] __attribute__((aligned(8)));
	struct nmreq_opt_sync_kloop_eventfds *ev = (void *)evbuf;
	struct nmreq_opt_offsets off1, off2;
	struct nmreq_port_info_get pi;
	struct nmreq_register r;
	struct nmreq_option opt;
	char p0[64], p1[64];
	int fd, rc, err, i, all, fit;

	snprintf(p0, sizeof(p0), "%s:o0", bdg);
	snprintf(p1, sizeof(p1), "%s:o1", bdg);
	fd = nmopen();
	if (fd < 0)
		return;

	/* Test 19: unknown option. */
	memset(&opt, 0, sizeof(opt));
	opt.nro_reqtype = 1234;
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, &opt, &err);
	tap_errno(rc, err, EOPNOTSUPP, "options: REGISTER with an unknown option (1234) is EOPNOTSUPP");
	tap_check(opt.nro_status == EOPNOTSUPP && opt.nro_next == 0 &&
		  opt.nro_reqtype == 1234,
		  "options: its header comes back with nro_status EOPNOTSUPP, next and type unchanged");
	if (opt.nro_status != EOPNOTSUPP)
		diag("nro_status %u", opt.nro_status);
	rc = sync_ioctl(fd, NIOCTXSYNC, &err);
	tap_errno(rc, err, ENXIO, "options: the refused registration is undone (fd unbound)");
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, NULL, &err);
	check_ok(rc, err, "options: the same fd registers fine without the option");
	nmclose(&fd);
	fd = nmopen();

	/* Test 20: a list that loops on itself. */
	memset(&opt, 0, sizeof(opt));
	opt.nro_reqtype = 7;
	opt.nro_next = (uintptr_t)&opt;
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, &opt, &err);
	tap_errno(rc, err, EMSGSIZE, "options: a self-linked unknown option is EMSGSIZE");

	/* Test 21: a known option that loops on itself is a duplicate. */
	memset(&off1, 0, sizeof(off1));
	off1.nro_opt.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	off1.nro_opt.nro_next = (uintptr_t)&off1;
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, &off1, &err);
	tap_errno(rc, err, EINVAL, "options: a self-linked OFFSETS option is EINVAL (duplicate)");

	/* Two distinct options of one known type. */
	memset(&off1, 0, sizeof(off1));
	memset(&off2, 0, sizeof(off2));
	off1.nro_opt.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	off2.nro_opt.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	off1.nro_opt.nro_next = (uintptr_t)&off2;
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, &off1, &err);
	tap_errno(rc, err, EINVAL, "options: two OFFSETS options are EINVAL");
	tap_check(off1.nro_opt.nro_status == EINVAL &&
		  off2.nro_opt.nro_status == EINVAL,
		  "options: both duplicates get nro_status EINVAL");

	/* Option type 0. */
	memset(&opt, 0, sizeof(opt));
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, &opt, &err);
	tap_errno(rc, err, EINVAL, "options: an option of type 0 is EINVAL");
	tap_check(opt.nro_status == EINVAL, "options: type 0 gets nro_status EINVAL");

	/* Test 22: 99 unknown options, then EVENTFDS of 1000 bytes. */
	memset(evbuf, 0, sizeof(evbuf));
	ev->nro_opt.nro_reqtype = NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS;
	ev->nro_opt.nro_size = 1000;
	chain(many, 99, NETMAP_REQ_OPT_MAX);
	many[98].nro_next = (uintptr_t)ev;
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, many, &err);
	tap_errno(rc, err, EMSGSIZE,
		  "options: 99 unknown options plus a 1000-byte EVENTFDS is EMSGSIZE");

	/*
	 * The size limit exactly (2.6 rule 5): the kernel copy holds
	 * 16 + NETMAP_REQ_MAXSIZE + 8 * NETMAP_REQ_OPT_MAX bytes; the
	 * REGISTER body and option table take 16 + 56 + 48, each option 32.
	 */
	fit = (int)((OPT_CAPACITY - (16 + sizeof(r) + 8 * NETMAP_REQ_OPT_MAX)) / 32);
	chain(many, fit, NETMAP_REQ_OPT_MAX);
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, many, &err);
	tap_errno(rc, err, EOPNOTSUPP,
		  "options: %d unknown options fit (REGISTER fails EOPNOTSUPP, not EMSGSIZE)",
		  fit);
	for (i = 0, all = 1; i < fit; i++)
		all &= many[i].nro_status == EOPNOTSUPP;
	tap_check(all, "options: each of the %d gets nro_status EOPNOTSUPP", fit);
	chain(many, fit + 1, NETMAP_REQ_OPT_MAX);
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, many, &err);
	tap_errno(rc, err, EMSGSIZE, "options: %d unknown options are EMSGSIZE",
		  fit + 1);

	memset(evbuf, 0, sizeof(evbuf));
	ev->nro_opt.nro_reqtype = NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS;
	ev->nro_opt.nro_size = 5000;
	reg_small(&r, NR_REG_ALL_NIC);
	rc = reg(fd, p0, &r, ev, &err);
	tap_errno(rc, err, EMSGSIZE, "options: an EVENTFDS option of 5000 bytes is EMSGSIZE");

	rc = sync_ioctl(fd, NIOCTXSYNC, &err);
	tap_errno(rc, err, ENXIO, "options: none of the refused requests bound the fd");

	/* Only REGISTER fails on unhandled options (rule 7). */
	memset(&opt, 0, sizeof(opt));
	opt.nro_reqtype = 1234;
	memset(&pi, 0, sizeof(pi));
	rc = ctrl(fd, NETMAP_REQ_PORT_INFO_GET, p1, &pi, &opt, &err);
	tap_check(rc == 0 && opt.nro_status == EOPNOTSUPP,
		  "options: PORT_INFO_GET with an unknown option succeeds and marks it EOPNOTSUPP");
	if (rc < 0)
		diag("failed: %s", strerror(err));
	else if (opt.nro_status != EOPNOTSUPP)
		diag("nro_status %u", opt.nro_status);
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */
/* Group "unsupported": EXTMEM, CSB, kloop are not implemented (yet). */

/*
 * NIOCCTRL from a child process, so that a request that unexpectedly
 * blocks (a kloop that starts) cannot hang the test.  Returns 0, -1 with
 * *err, or -2 when it did not return within @secs seconds.
 */
static int ctrl_guarded(int fd, struct nmreq_header *h, int *err, int secs)
{
	struct nmreq_header stop;
	int st, i, e;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		*err = errno;
		return -1;
	}
	if (pid == 0) {
		if (ioctl(fd, NIOCCTRL, h) == 0)
			_exit(0);
		e = errno;
		_exit(e > 0 && e < 256 ? e : 255);
	}
	for (i = 0; i < secs * 20; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			goto done;
		usleep(50000);
	}
	/* Still inside the kernel: ask a kloop to stop, then kill. */
	hdr_init(&stop, NETMAP_REQ_SYNC_KLOOP_STOP, h->nr_name, NULL, NULL);
	ctrl_h(fd, &stop, &e);
	kill(pid, SIGKILL);
	for (i = 0; i < 40; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		usleep(50000);
	}
	return -2;
done:
	if (!WIFEXITED(st)) {
		*err = EINTR;
		return -1;
	}
	*err = WEXITSTATUS(st);
	return *err ? -1 : 0;
}

static void g_unsupported(void)
{
	struct nmreq_sync_kloop_start ks;
	struct nmreq_opt_extmem ext;
	struct nmreq_opt_csb csb;
	struct nmreq_register r;
	struct nmreq_header h;
	char p0[64];
	void *mem = MAP_FAILED, *csbmem = NULL;
	size_t memsize;
	int fd, rc, err;

	snprintf(p0, sizeof(p0), "%s:u0", bdg);
	fd = nmopen();
	if (fd < 0)
		return;

	/* EXTMEM over a plausible application area. */
	memset(&ext, 0, sizeof(ext));
	ext.nro_opt.nro_reqtype = NETMAP_REQ_OPT_EXTMEM;
	ext.nro_info.nr_if_pool_objtotal = 2;
	ext.nro_info.nr_if_pool_objsize = 1024;
	ext.nro_info.nr_ring_pool_objtotal = 64;
	ext.nro_info.nr_ring_pool_objsize = 512;
	ext.nro_info.nr_buf_pool_objtotal = 4096;
	ext.nro_info.nr_buf_pool_objsize = BUFSZ;
	memsize = 2 * 1024 + 64 * 512 + 4096 * BUFSZ;
	ext.nro_info.nr_memsize = memsize;
	mem = mmap(NULL, memsize, PROT_READ | PROT_WRITE,
		   MAP_ANONYMOUS | MAP_SHARED, -1, 0);
	if (mem != MAP_FAILED) {
		ext.nro_usrptr = (uintptr_t)mem;
		reg_small(&r, NR_REG_ALL_NIC);
		r.nr_tx_slots = r.nr_rx_slots = 16;
		rc = reg(fd, p0, &r, &ext, &err);
		tap_errno(rc, err, EOPNOTSUPP,
			  "unsupported: REGISTER with OPT_EXTMEM is EOPNOTSUPP");
		tap_check(ext.nro_opt.nro_status == EOPNOTSUPP,
			  "unsupported: OPT_EXTMEM gets nro_status EOPNOTSUPP");
		if (rc == 0) {
			nmclose(&fd);
			fd = nmopen();
		}
	}

	/* CSB with NR_EXCLUSIVE (test 26 shape). */
	if (posix_memalign(&csbmem, 64, 4 * 64) == 0) {
		memset(csbmem, 0, 4 * 64);
		memset(&csb, 0, sizeof(csb));
		csb.nro_opt.nro_reqtype = NETMAP_REQ_OPT_CSB;
		csb.csb_atok = (uintptr_t)csbmem;
		csb.csb_ktoa = (uintptr_t)((char *)csbmem + 2 * 64);
		reg_small(&r, NR_REG_ALL_NIC);
		r.nr_flags = NR_EXCLUSIVE;
		rc = reg(fd, p0, &r, &csb, &err);
		tap_errno(rc, err, EOPNOTSUPP,
			  "unsupported: REGISTER with OPT_CSB is EOPNOTSUPP");
		tap_check(csb.nro_opt.nro_status == EOPNOTSUPP,
			  "unsupported: OPT_CSB gets nro_status EOPNOTSUPP");
		if (rc == 0) {
			nmclose(&fd);
			fd = nmopen();
		}
	}

	/* A plain registration, then the kloop requests must fail. */
	reg_small(&r, NR_REG_ALL_NIC);
	r.nr_flags = NR_EXCLUSIVE;
	rc = reg(fd, p0, &r, NULL, &err);
	check_ok(rc, err, "unsupported: plain exclusive REGISTER for the kloop checks");
	if (rc == 0) {
		memset(&ks, 0, sizeof(ks));
		ks.sleep_us = 500;
		hdr_init(&h, NETMAP_REQ_SYNC_KLOOP_START, p0, &ks, NULL);
		rc = ctrl_guarded(fd, &h, &err, 3);
		if (rc == -2) {
			tap_check(0, "unsupported: SYNC_KLOOP_START without CSB fails");
			diag("the request blocked for 3 s");
		} else {
			check_errno2(rc, err, EINVAL, EOPNOTSUPP,
				     "unsupported: SYNC_KLOOP_START without CSB fails (EINVAL, or EOPNOTSUPP while unimplemented)");
		}
		hdr_init(&h, NETMAP_REQ_CSB_ENABLE, p0, NULL, NULL);
		rc = ctrl_h(fd, &h, &err);
		check_errno2(rc, err, EINVAL, EOPNOTSUPP,
			     "unsupported: CSB_ENABLE without OPT_CSB fails (EINVAL, or EOPNOTSUPP while unimplemented)");
	}
	nmclose(&fd);
	free(csbmem);
	if (mem != MAP_FAILED)
		munmap(mem, memsize);
}

/* ------------------------------------------------------------------ */
/* Group "legacy": struct nmreq through NIOCREGIF / NIOCGINFO (41-48). */

static void lreq_init(struct nmreq *q, const char *name, uint32_t version,
		      uint32_t flags)
{
	memset(q, 0, sizeof(*q));
	/* Truncated to 15 characters, as legacy applications do. */
	memcpy(q->nr_name, name, strnlen(name, sizeof(q->nr_name) - 1));
	q->nr_version = version;
	q->nr_flags = flags;
}

static int lioctl(int fd, unsigned long cmd, struct nmreq *q, int *err)
{
	int rc = ioctl(fd, cmd, q);

	*err = rc < 0 ? errno : 0;
	return rc;
}

/* Contract of a legacy register: like 2.5, for the fields nmreq has. */
static const char *lreg_problem(const struct nmreq *in, const struct nmreq *out)
{
	if (out->nr_memsize == 0)
		return "nr_memsize is 0";
	if (out->nr_ringid != in->nr_ringid)
		return WHY("nr_ringid 0x%x, was 0x%x", out->nr_ringid,
			   in->nr_ringid);
	if (out->nr_flags != in->nr_flags)
		return WHY("nr_flags 0x%x, was 0x%x", out->nr_flags,
			   in->nr_flags);
	if (out->nr_cmd != in->nr_cmd || out->nr_version != in->nr_version)
		return "nr_cmd or nr_version changed";
#define LECHO(f)							\
	if ((in->f != 0 && out->f != in->f) || out->f == 0)		\
		return WHY(#f " %u, requested %u", (unsigned)out->f,	\
			   (unsigned)in->f)
	LECHO(nr_tx_slots);
	LECHO(nr_rx_slots);
	LECHO(nr_tx_rings);
	LECHO(nr_rx_rings);
	LECHO(nr_arg2);
#undef LECHO
	if (out->nr_arg3 != in->nr_arg3)
		return WHY("nr_arg3 %u, requested %u", out->nr_arg3,
			   in->nr_arg3);
	return NULL;
}

/* NIOCREGIF that must succeed with the legacy contract. */
static int lreg_ok(int fd, struct nmreq *q, const char *what)
{
	struct nmreq in = *q;
	int rc, err;

	rc = lioctl(fd, NIOCREGIF, q, &err);
	if (rc < 0) {
		tap_check(0, "%s", what);
		diag("NIOCREGIF %s: %s", in.nr_name, strerror(err));
		return -1;
	}
	check_none(lreg_problem(&in, q), what);
	return 0;
}

/* mmap a legacy registration and count its extra buffers. */
static void legacy_extra(int fd, const struct nmreq *q, const char *what)
{
	struct netmap_if *nifp;
	struct bufset bs;
	char *base;
	long n;

	base = mmap(NULL, q->nr_memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (base == MAP_FAILED) {
		tap_check(0, "%s", what);
		diag("mmap: %s", strerror(errno));
		return;
	}
	nifp = NETMAP_IF(base, q->nr_offset);
	if (bufset_init(&bs, q->nr_memsize / BUFSZ) < 0) {
		munmap(base, q->nr_memsize);
		return;
	}
	n = extra_chain(NETMAP_TXRING(nifp, 0), nifp->ni_bufs_head, &bs);
	tap_check(n == q->nr_arg3, "%s", what);
	if (n != q->nr_arg3)
		diag("%s", n < 0 ? why : "wrong count");
	bufset_free(&bs);
	munmap(base, q->nr_memsize);
}

static void g_legacy(void)
{
	struct nmreq q, q2;
	char l0[32], l1[32], l2[32], pipeb[32], lp[32], lpers[32];
	unsigned b, p, steps;
	int fd = -1, fd2 = -1, fd3 = -1, rc, err, found;

	snprintf(l0, sizeof(l0), "%s:L0", bdg);
	snprintf(l1, sizeof(l1), "%s:L1", bdg);
	snprintf(l2, sizeof(l2), "%s:L2", bdg);
	snprintf(pipeb, sizeof(pipeb), "%s:Y4{pexb", bdg);
	snprintf(lp, sizeof(lp), "%s:LP", bdg);
	snprintf(lpers, sizeof(lpers), "%s:%s", bdg, pers_l);

	/* 41: mode 0 means ALL_NIC; ringid/flags/cmd come back untouched. */
	fd = nmopen();
	if (fd < 0)
		return;
	lreq_init(&q, l0, NETMAP_API, 0);
	q.nr_tx_slots = q.nr_rx_slots = 64;
	if (lreg_ok(fd, &q, "legacy: NIOCREGIF v14 mode 0 (contract, nr_arg3 0)") < 0)
		goto out;
	diag("%s: offset %u memsize %u mem_id %u", l0, q.nr_offset,
	     q.nr_memsize, q.nr_arg2);

	/* 42, 43, 45: versions 14, 15, 16 with ALL_NIC. */
	fd2 = nmopen();
	lreq_init(&q2, l0, NETMAP_API, NR_REG_ALL_NIC);
	if (lreg_ok(fd2, &q2, "legacy: NIOCREGIF v14 ALL_NIC") == 0)
		tap_check(q2.nr_arg2 == q.nr_arg2,
			  "legacy: same port, same mem_id in nr_arg2");
	nmclose(&fd2);
	fd2 = nmopen();
	lreq_init(&q2, l0, 15, NR_REG_ALL_NIC);
	lreg_ok(fd2, &q2, "legacy: NIOCREGIF v15 ALL_NIC");
	nmclose(&fd2);
	fd2 = nmopen();
	lreq_init(&q2, l0, 16, NR_REG_ALL_NIC);
	lreg_ok(fd2, &q2, "legacy: NIOCREGIF v16 is accepted (no upper bound)");
	nmclose(&fd2);

	/* 44: SW, spelled both ways, on a port without host rings. */
	fd2 = nmopen();
	lreq_init(&q2, l0, NETMAP_API, NR_REG_SW);
	q2.nr_offset = 0x5a5a5a5a;
	rc = lioctl(fd2, NIOCREGIF, &q2, &err);
	tap_errno(rc, err, EINVAL, "legacy: NIOCREGIF SW on a VALE port is EINVAL");
	tap_check(q2.nr_offset == 0x5a5a5a5a && q2.nr_memsize == 0,
		  "legacy: a failed NIOCREGIF writes no field back");
	lreq_init(&q2, l0, NETMAP_API, 0);
	q2.nr_ringid = NETMAP_SW_RING;
	rc = lioctl(fd2, NIOCREGIF, &q2, &err);
	tap_errno(rc, err, EINVAL, "legacy: mode 0 with NETMAP_SW_RING on a VALE port is EINVAL");
	lreq_init(&q2, l0, NETMAP_API, 0);
	q2.nr_ringid = NETMAP_HW_RING | 0;
	lreg_ok(fd2, &q2, "legacy: mode 0 with NETMAP_HW_RING ring 0 (ONE_NIC) succeeds, ringid untouched");
	nmclose(&fd2);
	fd2 = nmopen();
	lreq_init(&q2, l0, NETMAP_API, NR_REG_ALL_NIC);
	q2.nr_ringid = NETMAP_NO_TX_POLL;
	lreg_ok(fd2, &q2, "legacy: ALL_NIC with NETMAP_NO_TX_POLL (as QEMU opens) succeeds, ringid untouched");
	nmclose(&fd2);

	/* 46: extra buffers. */
	fd2 = nmopen();
	lreq_init(&q2, l1, NETMAP_API, NR_REG_ALL_NIC);
	q2.nr_tx_slots = q2.nr_rx_slots = 64;
	q2.nr_arg3 = 20;
	if (lreg_ok(fd2, &q2, "legacy: 20 extra buffers give nr_arg3 20") == 0)
		legacy_extra(fd2, &q2, "legacy: ni_bufs_head chains the 20 extra buffers");
	nmclose(&fd2);

	/* 47/48: extra buffers on a pipe of a VALE port. */
	fd2 = nmopen();
	lreq_init(&q2, pipeb, NETMAP_API, NR_REG_ALL_NIC);
	q2.nr_arg3 = 58;
	if (lreg_ok(fd2, &q2, "legacy: 58 extra buffers on a VALE pipe give nr_arg3 58") == 0)
		legacy_extra(fd2, &q2, "legacy: ni_bufs_head chains the 58 extra buffers of the pipe");
	nmclose(&fd2);

	/* Pipe modes of the legacy API become name suffixes (2.8). */
	fd2 = nmopen();
	fd3 = nmopen();
	lreq_init(&q2, lp, NETMAP_API, NR_REG_PIPE_MASTER);
	q2.nr_ringid = 3;
	if (lreg_ok(fd2, &q2, "legacy: NR_REG_PIPE_MASTER ringid 3 opens the master end") == 0) {
		struct nmreq q3;

		lreq_init(&q3, lp, NETMAP_API, NR_REG_PIPE_SLAVE);
		q3.nr_ringid = 3;
		if (lreg_ok(fd3, &q3, "legacy: NR_REG_PIPE_SLAVE ringid 3 opens the slave end") == 0)
			tap_check(q3.nr_arg2 == q2.nr_arg2,
				  "legacy: both pipe ends share the allocator");
	}
	nmclose(&fd2);
	nmclose(&fd3);

	/* NIOCGINFO: port info and VALE list. */
	fd2 = nmopen();
	lreq_init(&q2, l0, NETMAP_API, 0);
	rc = lioctl(fd2, NIOCGINFO, &q2, &err);
	tap_check(rc == 0 && q2.nr_memsize && q2.nr_tx_slots == 64 &&
		  q2.nr_rx_slots == 64 && q2.nr_tx_rings && q2.nr_rx_rings &&
		  q2.nr_arg2 == q.nr_arg2,
		  "legacy: NIOCGINFO reports the port's geometry and mem_id");
	if (rc < 0)
		diag("failed: %s", strerror(err));
	lreq_init(&q2, l0, NETMAP_API, 0);
	q2.nr_cmd = NETMAP_BDG_LIST;
	rc = lioctl(fd2, NIOCGINFO, &q2, &err);
	if (rc < 0)
		diag("NIOCGINFO BDG_LIST: %s", strerror(err));
	if (vale_list(fd2, l0, &b, &p, &err) < 0)
		b = p = 0xffff;
	tap_check(rc == 0 && q2.nr_arg1 == b && q2.nr_arg2 == p && p < MAXPORTS,
		  "legacy: NIOCGINFO BDG_LIST by name gives the VALE_LIST indexes");
	for (found = 0, steps = 0, q2.nr_arg1 = q2.nr_arg2 = 0; steps < 70000;
	     steps++, q2.nr_arg2++) {
		q2.nr_name[0] = '\0';
		q2.nr_cmd = NETMAP_BDG_LIST;
		if (lioctl(fd2, NIOCGINFO, &q2, &err) < 0)
			break;
		if (strcmp(q2.nr_name, l0) == 0 && q2.nr_arg1 == b &&
		    q2.nr_arg2 == p)
			found = 1;
	}
	tap_check(found && err == ENOENT,
		  "legacy: NIOCGINFO BDG_LIST iteration finds the port and ends with ENOENT");

	/* Virtio-net header, as QEMU probes it on its bound fd. */
	lreq_init(&q2, l0, NETMAP_API, 0);
	q2.nr_cmd = NETMAP_BDG_VNET_HDR;
	q2.nr_arg1 = 12;
	rc = lioctl(fd, NIOCREGIF, &q2, &err);
	tap_check(rc == 0 && q2.nr_arg1 == 12,
		  "legacy: NETMAP_BDG_VNET_HDR 12 on the bound fd succeeds");
	if (rc < 0)
		diag("failed: %s", strerror(err));
	lreq_init(&q2, l0, NETMAP_API, 0);
	q2.nr_cmd = NETMAP_VNET_HDR_GET;
	rc = lioctl(fd, NIOCREGIF, &q2, &err);
	tap_check(rc == 0 && q2.nr_arg1 == 12,
		  "legacy: NETMAP_VNET_HDR_GET returns 12");
	lreq_init(&q2, l0, NETMAP_API, 0);
	q2.nr_cmd = NETMAP_BDG_VNET_HDR;
	lioctl(fd, NIOCREGIF, &q2, &err);
	lreq_init(&q2, "nmcanosuch0", NETMAP_API, 0);
	q2.nr_cmd = NETMAP_BDG_VNET_HDR;
	q2.nr_arg1 = 10;
	rc = lioctl(fd, NIOCREGIF, &q2, &err);
	tap_errno(rc, err, ENXIO, "legacy: NETMAP_BDG_VNET_HDR on a non-VALE name is ENXIO");

	/* Bridge commands of old vale-ctl: NEWIF, ATTACH, DETACH, DELIF. */
	lreq_init(&q2, pers_l, NETMAP_API, 0);
	q2.nr_cmd = NETMAP_BDG_NEWIF;
	rc = lioctl(fd2, NIOCREGIF, &q2, &err);
	check_ok(rc, err, "legacy: NETMAP_BDG_NEWIF creates a persistent port");
	if (rc == 0) {
		lreq_init(&q2, lpers, NETMAP_API, NR_REG_ALL_NIC);
		q2.nr_cmd = NETMAP_BDG_ATTACH;
		rc = lioctl(fd2, NIOCREGIF, &q2, &err);
		check_ok(rc, err, "legacy: NETMAP_BDG_ATTACH attaches it");
		if (rc == 0) {
			tap_check(vale_list(fd2, lpers, &b, &p, &err) == 0 &&
				  p < MAXPORTS,
				  "legacy: the attached port is listed");
			lreq_init(&q2, lpers, NETMAP_API, 0);
			q2.nr_cmd = NETMAP_BDG_DETACH;
			rc = lioctl(fd2, NIOCREGIF, &q2, &err);
			check_ok(rc, err, "legacy: NETMAP_BDG_DETACH detaches it");
		}
		lreq_init(&q2, pers_l, NETMAP_API, 0);
		q2.nr_cmd = NETMAP_BDG_DELIF;
		rc = lioctl(fd2, NIOCREGIF, &q2, &err);
		check_ok(rc, err, "legacy: NETMAP_BDG_DELIF removes it");
	}

	lreq_init(&q2, l2, NETMAP_API, 0);
	q2.nr_cmd = NETMAP_BDG_REGOPS;
	rc = lioctl(fd2, NIOCREGIF, &q2, &err);
	tap_errno(rc, err, EINVAL, "legacy: nr_cmd NETMAP_BDG_REGOPS is EINVAL");
	lreq_init(&q2, l2, NETMAP_API, 0);
	q2.nr_cmd = NETMAP_PT_HOST_CREATE;
	rc = lioctl(fd2, NIOCREGIF, &q2, &err);
	tap_errno(rc, err, ENOMEM, "legacy: nr_cmd NETMAP_PT_HOST_CREATE is ENOMEM");
	lreq_init(&q2, l2, NETMAP_API, 0);
	q2.nr_cmd = 13;
	rc = lioctl(fd2, NIOCREGIF, &q2, &err);
	tap_errno(rc, err, EINVAL, "legacy: unknown nr_cmd 13 is EINVAL");
out:
	nmclose(&fd3);
	nmclose(&fd2);
	nmclose(&fd);
}

/* ------------------------------------------------------------------ */

static const struct group {
	const char	*name;
	void		(*run)(void);
	const char	*what;
} groups[] = {
	{ "info", g_info, "PORT_INFO_GET and POOLS_INFO_GET" },
	{ "register", g_register, "REGISTER modes, geometry, exclusive, names" },
	{ "mmap", g_mmap, "netmap_if and ring layout seen through mmap" },
	{ "vale", g_vale, "VALE_LIST, PORT_HDR_SET/GET, vnet header, polling" },
	{ "persist", g_persist, "NEWIF, ATTACH, DETACH, DELIF" },
	{ "pipe", g_pipe, "pipes of VALE ports and of missing interfaces" },
	{ "null", g_null, "NR_REG_NULL ports" },
	{ "options", g_options, "request option lists" },
	{ "unsupported", g_unsupported, "EXTMEM, CSB and kloop are refused" },
	{ "legacy", g_legacy, "NIOCREGIF / NIOCGINFO with struct nmreq" },
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: nm_ctrl_api [GROUP|list]\ngroups:\n");
	for (i = 0; i < NGROUPS; i++)
		fprintf(f, "  %-12s %s\n", groups[i].name, groups[i].what);
}

static void pick_names(void)
{
	unsigned n, m;

	srand((unsigned)time(NULL) ^ ((unsigned)getpid() << 8));
	n = 100 + (unsigned)rand() % 800;
	m = 100 + (n - 100 + 1 + (unsigned)rand() % 798) % 800;
	snprintf(bdg, sizeof(bdg), "vale%u", n);
	snprintf(bdg2, sizeof(bdg2), "vale%u", m);
	snprintf(bdg_none, sizeof(bdg_none), "vale%u_none", n);
	n = 1000 + (unsigned)rand() % 9000;
	snprintf(pers, sizeof(pers), "nmca%u", n);
	snprintf(pers_l, sizeof(pers_l), "nml%u", n);
	snprintf(pipe_parent, sizeof(pipe_parent), "nmcp%u", n);
}

int main(int argc, char *argv[])
{
	const struct group *only = NULL;
	size_t i;
	int fd;

	if (argc > 2) {
		usage(stderr);
		return 2;
	}
	if (argc == 2) {
		if (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		for (i = 0; i < NGROUPS; i++)
			if (strcmp(argv[1], groups[i].name) == 0)
				only = &groups[i];
		if (only == NULL) {
			fprintf(stderr, "nm_ctrl_api: no group '%s'\n", argv[1]);
			usage(stderr);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pick_names();
	diag("bridges %s %s, persistent ports %s %s, pipe parent %s", bdg,
	     bdg2, pers, pers_l, pipe_parent);

	fd = nmopen();
	if (fd < 0)
		return tap_exit();
	close(fd);

	for (i = 0; i < NGROUPS; i++) {
		if (only != NULL && only != &groups[i])
			continue;
		diag("group %s: %s", groups[i].name, groups[i].what);
		groups[i].run();
	}
	return tap_exit();
}
