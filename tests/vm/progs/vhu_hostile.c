// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_hostile - a vhost-user-net front-end that misbehaves on purpose, to
 * prove that vale-vhost survives a malicious guest (or front-end) and goes
 * on serving.
 *
 * usage: vhu_hostile SOCKET ATTACK [FRAMES]
 *        vhu_hostile --list
 *
 * It connects to a vale-vhost listening on SOCKET (--socket-path), sets up
 * a device the way QEMU does (features, owner, one memfd region of "guest
 * memory", RX queue 0 and TX queue 1 with kick/call/err eventfds), then
 * carries out one ATTACK and reports what the back-end did, as one line:
 *
 *   result: closed     the back-end dropped the connection
 *   result: err        the back-end signalled a queue's error eventfd
 *   result: used N     the back-end returned N chains in the used ring
 *   result: nothing    none of these within the wait
 *
 * Exit status: 0 when the script ran to the end (the verdict on the result
 * is the suite's), 2 when something needed to set the scene failed (the
 * back-end refused a correct request, say). The "good" mode is the
 * harness's own proof: it sends FRAMES (default 32) valid frames on the
 * TX queue and exits 0 only if all of them come back used, with the right
 * heads, and GET_VRING_BASE agrees; 1 otherwise.
 *
 * The wire layouts below are written from the vhost-user specification and
 * the virtio 1.x split ring, not taken from the back-end's headers, so a
 * layout mistake on either side shows up as a failure here.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

/* ------------------------------------------------------------------ */
/* The vhost-user wire format (QEMU docs/interop/vhost-user.rst).       */

enum {
	REQ_GET_FEATURES = 1,
	REQ_SET_FEATURES = 2,
	REQ_SET_OWNER = 3,
	REQ_SET_MEM_TABLE = 5,
	REQ_SET_VRING_NUM = 8,
	REQ_SET_VRING_ADDR = 9,
	REQ_SET_VRING_BASE = 10,
	REQ_GET_VRING_BASE = 11,
	REQ_SET_VRING_KICK = 12,
	REQ_SET_VRING_CALL = 13,
	REQ_SET_VRING_ERR = 14,
	REQ_GET_PROTOCOL_FEATURES = 15,
	REQ_SET_PROTOCOL_FEATURES = 16,
	REQ_SET_VRING_ENABLE = 18,
	REQ_GET_CONFIG = 24,
	REQ_ADD_MEM_REG = 37,
};

#define HDR_VERSION	0x1u
#define HDR_REPLY	0x4u
#define HDR_NEED_REPLY	0x8u

/* Regions one SET_MEM_TABLE may carry (QEMU's VHOST_MEMORY_BASELINE_NREGIONS). */
#define MAX_TABLE_REGIONS	8

struct msg_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
};

struct vring_state {
	uint32_t index;
	uint32_t num;
};

struct vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;
	uint64_t used;
	uint64_t avail;
	uint64_t log;
};

struct mem_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t qva;
	uint64_t mmap_offset;
};

struct mem_table {
	uint32_t nregions;
	uint32_t padding;
	struct mem_region r[MAX_TABLE_REGIONS];
};

struct mem_reg {
	uint64_t padding;
	struct mem_region r;
};

_Static_assert(sizeof(struct msg_hdr) == 12, "vhost-user header");
_Static_assert(sizeof(struct vring_addr) == 40, "vring address");
_Static_assert(sizeof(struct mem_region) == 32, "memory region");
_Static_assert(sizeof(struct mem_table) == 8 + 8 * 32, "memory table");
_Static_assert(sizeof(struct mem_reg) == 40, "single memory region");

/* Feature bits (virtio and vhost-user). */
#define F_CSUM			0
#define F_GUEST_CSUM		1
#define F_GUEST_TSO4		7
#define F_GUEST_TSO6		8
#define F_HOST_TSO4		11
#define F_HOST_TSO6		12
#define F_MRG_RXBUF		15
#define F_INDIRECT_DESC		28
#define F_EVENT_IDX		29
#define F_PROTOCOL_FEATURES	30
#define F_VERSION_1		32

#define PF_REPLY_ACK		3
#define PF_CONFIGURE_MEM_SLOTS	15

#define BIT(b)	(1ull << (b))

/* What a well-behaved net front-end takes when offered. */
#define WANTED_FEATURES							\
	(BIT(F_CSUM) | BIT(F_GUEST_CSUM) | BIT(F_GUEST_TSO4) |		\
	 BIT(F_GUEST_TSO6) | BIT(F_HOST_TSO4) | BIT(F_HOST_TSO6) |	\
	 BIT(F_MRG_RXBUF) | BIT(F_INDIRECT_DESC) | BIT(F_EVENT_IDX) |	\
	 BIT(F_PROTOCOL_FEATURES) | BIT(F_VERSION_1))
#define WANTED_PROTOCOL_FEATURES (BIT(PF_REPLY_ACK) | BIT(PF_CONFIGURE_MEM_SLOTS))

/* The most fds Linux passes in one message (include/net/scm.h). */
#define SCM_MAX_FD	253

/* ------------------------------------------------------------------ */
/* The split virtqueue (virtio 1.x 2.7), little-endian.                 */

#define DESC_F_NEXT	1
#define DESC_F_WRITE	2
#define DESC_F_INDIRECT	4

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vavail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct vused_elem {
	uint32_t id;
	uint32_t len;
};

struct vused {
	uint16_t flags;
	uint16_t idx;
	struct vused_elem ring[];
};

_Static_assert(sizeof(struct vdesc) == 16, "descriptor");
_Static_assert(sizeof(struct vused_elem) == 8, "used element");

/* ------------------------------------------------------------------ */
/* Our "guest": one memfd region and two queues in it.                 */

#define QSIZE		256u
#define MEM_SIZE	0x100000u	/* 1 MiB of guest memory */
/* Not 0 and not our own address: mixing up gpa and qva shows. */
#define GPA_BASE	0x40000000ull
/* Queue q: descriptors at q * RING_STRIDE, avail 4 KiB later, used 8 KiB later. */
#define RING_STRIDE	0x8000u
#define AVAIL_OFF	0x1000u
#define USED_OFF	0x2000u
#define INDIRECT_OFF	0x10000u	/* 64 KiB for indirect tables */
#define BUF_OFF		0x20000u	/* 2 KiB buffers: RX 0..127, TX 128..255 */
#define BUF_SIZE	2048u
#define TX_BUF_FIRST	128u
/* Far outside the one region, and far from wrapping around. */
#define GPA_NOWHERE	0xdead00000000ull

#define NET_HDR_LEN	12
#define FRAME_LEN	60

/* How long to wait for the back-end, in ms (TCG guests are slow). */
#define REPLY_MS	3000
#define CONNECT_MS	5000
#define OBSERVE_MS	4000
#define GOOD_MS		10000

struct ring {
	size_t off;		/* of the descriptor table in guest memory */
	struct vdesc *desc;
	struct vavail *avail;
	struct vused *used;
	uint16_t avail_idx;	/* what we published */
	int kick, call, err;	/* our ends of the eventfds, -1 if none */
};

struct fe {
	int sock;
	bool closed;		/* the back-end hung up on us */
	uint64_t offered;	/* GET_FEATURES */
	uint64_t features;	/* SET_FEATURES */
	uint64_t pfeatures;	/* SET_PROTOCOL_FEATURES */
	int memfd;
	uint8_t *mem;		/* MEM_SIZE bytes, MAP_SHARED */
	struct ring r[2];	/* 0: RX, 1: TX */
};

static const char *prog = "vhu_hostile";

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line of commentary on stdout, in order with the result line. */
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t gpa_of(size_t off)
{
	return GPA_BASE + off;
}

static uint64_t qva_of(const struct fe *fe, size_t off)
{
	return (uint64_t)(uintptr_t)(fe->mem + off);
}

static bool has(uint64_t features, unsigned int bit)
{
	return (features & BIT(bit)) != 0;
}

/* ------------------------------------------------------------------ */
/* Messages.                                                            */

/* @len bytes with @nfds fds in one sendmsg(); -1 (and fe->closed) on failure. */
static int send_raw(struct fe *fe, const void *buf, size_t len, const int *fds,
		    unsigned int nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * SCM_MAX_FD)];
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (nfds > SCM_MAX_FD)
		return -1;
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do {
		n = sendmsg(fe->sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
		fe->closed = true;
	else
		say("# sendmsg: %zd of %zu bytes (%s)", n, len,
		    n < 0 ? strerror(errno) : "short");
	return -1;
}

/*
 * A message whose header claims @size payload bytes while @len follow:
 * equal for an honest message, different for a lying one.
 */
static int send_msg_lying(struct fe *fe, uint32_t req, uint32_t flags,
			  uint32_t size, const void *payload, size_t len,
			  const int *fds, unsigned int nfds)
{
	uint8_t buf[sizeof(struct msg_hdr) + 512];
	struct msg_hdr h = { .request = req, .flags = flags, .size = size };

	if (len > 512)
		return -1;
	memcpy(buf, &h, sizeof(h));
	if (len > 0)
		memcpy(buf + sizeof(h), payload, len);
	return send_raw(fe, buf, sizeof(h) + len, fds, nfds);
}

static int send_msg(struct fe *fe, uint32_t req, uint32_t flags,
		    const void *payload, uint32_t size, const int *fds,
		    unsigned int nfds)
{
	return send_msg_lying(fe, req, flags, size, payload, size, fds, nfds);
}

/*
 * Read exactly @len bytes within @ms. 0, 1 when the back-end closed the
 * connection (fe->closed), -1 on a timeout or an error.
 */
static int read_full(struct fe *fe, void *buf, size_t len, int ms)
{
	long long end = now_ms() + ms;
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { .fd = fe->sock, .events = POLLIN };
		long long left = end - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			say("# no answer from the back-end within %d ms", ms);
			return -1;
		}
		n = read(fe->sock, (uint8_t *)buf + got, len - got);
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			fe->closed = true;
			return 1;
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			say("# read: %s", strerror(errno));
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/* The reply to @req with exactly @size payload bytes: 0, 1 closed, -1. */
static int recv_reply(struct fe *fe, uint32_t req, void *payload, uint32_t size)
{
	struct msg_hdr h;
	int rc;

	rc = read_full(fe, &h, sizeof(h), REPLY_MS);
	if (rc != 0)
		return rc;
	if (h.request != req || h.flags != (HDR_VERSION | HDR_REPLY) ||
	    h.size != size) {
		say("# bad reply to request %u: request %u flags 0x%x size %u",
		    req, h.request, h.flags, h.size);
		return -1;
	}
	return read_full(fe, payload, size, REPLY_MS);
}

/* A request answered with a u64 (GET_FEATURES and friends). */
static int get_u64(struct fe *fe, uint32_t req, uint64_t *v)
{
	if (send_msg(fe, req, HDR_VERSION, NULL, 0, NULL, 0) < 0)
		return fe->closed ? 1 : -1;
	return recv_reply(fe, req, v, sizeof(*v));
}

/*
 * A request without a reply of its own. With REPLY_ACK negotiated we ask
 * for the status, so a refusal is caught at the request that caused it
 * rather than at some later symptom. 0, or -1 with the reason said.
 */
static int request(struct fe *fe, uint32_t req, const void *payload,
		   uint32_t size, const int *fds, unsigned int nfds)
{
	bool ack = has(fe->pfeatures, PF_REPLY_ACK);
	uint64_t status = 0;
	int rc;

	if (send_msg(fe, req, HDR_VERSION | (ack ? HDR_NEED_REPLY : 0), payload,
		     size, fds, nfds) < 0)
		goto fail;
	if (!ack)
		return 0;
	rc = recv_reply(fe, req, &status, sizeof(status));
	if (rc != 0)
		goto fail;
	if (status != 0) {
		say("# request %u refused (status %llu)", req,
		    (unsigned long long)status);
		return -1;
	}
	return 0;

fail:
	say("# request %u: %s", req, fe->closed ? "the back-end closed the connection"
						 : "failed");
	return -1;
}

static int request_state(struct fe *fe, uint32_t req, uint32_t index,
			 uint32_t num)
{
	struct vring_state st = { .index = index, .num = num };

	return request(fe, req, &st, sizeof(st), NULL, 0);
}

static int request_fd(struct fe *fe, uint32_t req, uint32_t index, int fd)
{
	uint64_t v = index;

	return request(fe, req, &v, sizeof(v), &fd, 1);
}

/* ------------------------------------------------------------------ */
/* Setting up the device as QEMU does.                                  */

static void fe_init(struct fe *fe)
{
	memset(fe, 0, sizeof(*fe));
	fe->sock = -1;
	fe->memfd = -1;
	fe->mem = MAP_FAILED;
	for (unsigned int q = 0; q < 2; q++)
		fe->r[q].kick = fe->r[q].call = fe->r[q].err = -1;
}

static void fe_fini(struct fe *fe)
{
	for (unsigned int q = 0; q < 2; q++) {
		struct ring *r = &fe->r[q];

		if (r->kick >= 0)
			close(r->kick);
		if (r->call >= 0)
			close(r->call);
		if (r->err >= 0)
			close(r->err);
	}
	if (fe->mem != MAP_FAILED)
		munmap(fe->mem, MEM_SIZE);
	if (fe->memfd >= 0)
		close(fe->memfd);
	if (fe->sock >= 0)
		close(fe->sock);
	fe_init(fe);
}

/*
 * Connect and ask GET_FEATURES. The server takes one front-end at a time
 * and closes a newcomer at once while the previous one is still attached
 * (it may not have noticed yet that the last session ended), so a
 * connection closed before the first reply is retried for a while.
 */
static int fe_connect(struct fe *fe, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long end = now_ms() + CONNECT_MS;
	int tries = 0;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		say("# socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	for (;;) {
		int rc;

		tries++;
		fe->closed = false;
		fe->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fe->sock < 0) {
			say("# socket: %s", strerror(errno));
			return -1;
		}
		if (connect(fe->sock, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			rc = get_u64(fe, REQ_GET_FEATURES, &fe->offered);
			if (rc == 0)
				break;
			if (rc < 0)
				goto fail;
			/* Closed at once: refused as a second front-end. */
		} else if (errno != ECONNREFUSED && errno != ENOENT &&
			   errno != EAGAIN) {
			say("# connect %s: %s", path, strerror(errno));
			goto fail;
		}
		close(fe->sock);
		fe->sock = -1;
		if (now_ms() >= end) {
			say("# no back-end took us on %s within %d ms (%d tries)",
			    path, CONNECT_MS, tries);
			return -1;
		}
		usleep(50 * 1000);
	}
	if (tries > 1)
		say("# connected after %d tries", tries);
	return 0;

fail:
	close(fe->sock);
	fe->sock = -1;
	return -1;
}

/* Protocol features, owner, features: QEMU's order. */
static int fe_negotiate(struct fe *fe)
{
	uint64_t pf = 0;

	if (!has(fe->offered, F_VERSION_1)) {
		say("# the back-end does not offer VERSION_1 (0x%llx)",
		    (unsigned long long)fe->offered);
		return -1;
	}
	fe->features = fe->offered & WANTED_FEATURES;
	if (has(fe->features, F_PROTOCOL_FEATURES)) {
		if (get_u64(fe, REQ_GET_PROTOCOL_FEATURES, &pf) != 0)
			return -1;
		pf &= WANTED_PROTOCOL_FEATURES;
		/* Not acknowledged yet: this one goes without REPLY_ACK. */
		if (request(fe, REQ_SET_PROTOCOL_FEATURES, &pf, sizeof(pf), NULL, 0) < 0)
			return -1;
		fe->pfeatures = pf;
	}
	if (request(fe, REQ_SET_OWNER, NULL, 0, NULL, 0) < 0 ||
	    request(fe, REQ_SET_FEATURES, &fe->features, sizeof(fe->features),
		    NULL, 0) < 0)
		return -1;
	return 0;
}

/* Our guest memory, not yet announced to the back-end. */
static int fe_alloc_memory(struct fe *fe)
{
	fe->memfd = memfd_create("vhu-hostile", MFD_CLOEXEC);
	if (fe->memfd < 0 || ftruncate(fe->memfd, MEM_SIZE) < 0) {
		say("# memfd: %s", strerror(errno));
		return -1;
	}
	fe->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fe->memfd, 0);
	if (fe->mem == MAP_FAILED) {
		say("# mmap: %s", strerror(errno));
		return -1;
	}
	for (unsigned int q = 0; q < 2; q++) {
		struct ring *r = &fe->r[q];

		r->off = (size_t)q * RING_STRIDE;
		r->desc = (struct vdesc *)(void *)(fe->mem + r->off);
		r->avail = (struct vavail *)(void *)(fe->mem + r->off + AVAIL_OFF);
		r->used = (struct vused *)(void *)(fe->mem + r->off + USED_OFF);
	}
	return 0;
}

static struct mem_region whole_region(const struct fe *fe)
{
	struct mem_region reg = {
		.gpa = GPA_BASE,
		.size = MEM_SIZE,
		.qva = qva_of(fe, 0),
		.mmap_offset = 0,
	};

	return reg;
}

/* SET_MEM_TABLE of our one region, as QEMU sends it. */
static int send_table(struct fe *fe)
{
	struct mem_table t = { .nregions = 1 };

	t.r[0] = whole_region(fe);
	return request(fe, REQ_SET_MEM_TABLE, &t,
		       offsetof(struct mem_table, r) + sizeof(t.r[0]), &fe->memfd, 1);
}

static int fe_memory(struct fe *fe)
{
	if (fe_alloc_memory(fe) < 0)
		return -1;
	return send_table(fe);
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0)
		say("# eventfd: %s", strerror(errno));
	return fd;
}

/* Size, base, addresses, call, err, kick (which starts it), enable. */
static int fe_ring(struct fe *fe, unsigned int q)
{
	struct ring *r = &fe->r[q];
	struct vring_addr a = {
		.index = q,
		.desc = qva_of(fe, r->off),
		.used = qva_of(fe, r->off + USED_OFF),
		.avail = qva_of(fe, r->off + AVAIL_OFF),
		.log = gpa_of(r->off + USED_OFF),
	};

	memset(fe->mem + r->off, 0, RING_STRIDE);
	r->avail_idx = 0;
	r->kick = new_eventfd();
	r->call = new_eventfd();
	r->err = new_eventfd();
	if (r->kick < 0 || r->call < 0 || r->err < 0)
		return -1;
	if (request_state(fe, REQ_SET_VRING_NUM, q, QSIZE) < 0 ||
	    request_state(fe, REQ_SET_VRING_BASE, q, 0) < 0 ||
	    request(fe, REQ_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) < 0 ||
	    request_fd(fe, REQ_SET_VRING_CALL, q, r->call) < 0 ||
	    request_fd(fe, REQ_SET_VRING_ERR, q, r->err) < 0 ||
	    request_fd(fe, REQ_SET_VRING_KICK, q, r->kick) < 0)
		return -1;
	if (has(fe->features, F_PROTOCOL_FEATURES) &&
	    request_state(fe, REQ_SET_VRING_ENABLE, q, 1) < 0)
		return -1;
	return 0;
}

/* Everything up to two running, enabled queues. */
static int fe_setup(struct fe *fe)
{
	if (fe_negotiate(fe) < 0 || fe_memory(fe) < 0 || fe_ring(fe, 0) < 0 ||
	    fe_ring(fe, 1) < 0) {
		say("# setting up the device failed");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Driving the queues.                                                  */

static void desc_set(struct ring *r, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct vdesc d = {
		.addr = htole64(addr),
		.len = htole32(len),
		.flags = htole16(flags),
		.next = htole16(next),
	};

	memcpy(&r->desc[i], &d, sizeof(d));
}

/* An entry of an indirect table at @off in guest memory. */
static void indirect_set(struct fe *fe, size_t off, uint16_t i, uint64_t addr,
			 uint32_t len, uint16_t flags, uint16_t next)
{
	struct vdesc d = {
		.addr = htole64(addr),
		.len = htole32(len),
		.flags = htole16(flags),
		.next = htole16(next),
	};

	memcpy(fe->mem + off + (size_t)i * sizeof(d), &d, sizeof(d));
}

/* Make @head available: ring entry first, then the index (release). */
static void avail_add(struct ring *r, uint16_t head)
{
	r->avail->ring[r->avail_idx % QSIZE] = htole16(head);
	r->avail_idx++;
	__atomic_store_n(&r->avail->idx, htole16(r->avail_idx), __ATOMIC_RELEASE);
}

/* Write any avail index, even one no driver would. */
static void avail_set_idx(struct ring *r, uint16_t idx)
{
	r->avail_idx = idx;
	__atomic_store_n(&r->avail->idx, htole16(idx), __ATOMIC_RELEASE);
}

static void kick(struct ring *r)
{
	uint64_t one = 1;

	if (write(r->kick, &one, sizeof(one)) != (ssize_t)sizeof(one))
		say("# kick: %s", strerror(errno));
}

static uint16_t used_idx(const struct ring *r)
{
	return le16toh(__atomic_load_n(&r->used->idx, __ATOMIC_ACQUIRE));
}

static void drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v))
		;
}

static size_t buf_off(unsigned int k)
{
	return BUF_OFF + (size_t)k * BUF_SIZE;
}

/*
 * TX buffer @k: a zero virtio-net header (no offloads) and a broadcast
 * frame of a local experimental ethertype, numbered @n. Returns its length.
 */
static uint32_t tx_frame(struct fe *fe, unsigned int k, unsigned int n)
{
	static const uint8_t src[6] = { 0x02, 0x00, 0x00, 0x00, 0xba, 0xd0 };
	uint8_t *p = fe->mem + buf_off(k);

	memset(p, 0, NET_HDR_LEN + FRAME_LEN);
	p += NET_HDR_LEN;
	memset(p, 0xff, 6);
	memcpy(p + 6, src, 6);
	p[12] = 0x88;
	p[13] = 0xb5;
	snprintf((char *)p + 14, FRAME_LEN - 14, "vhu_hostile frame %u", n);
	return NET_HDR_LEN + FRAME_LEN;
}

enum outcome { OUT_NOTHING, OUT_USED, OUT_ERR, OUT_CLOSED };

/*
 * Watch for up to @ms: the connection closing, the error eventfd of ring
 * @r (NULL: only the connection), @want used entries beyond @base on @r.
 * Returns what happened first; *@nused gets the used entries seen.
 */
static enum outcome observe(struct fe *fe, struct ring *r, uint16_t base,
			    uint16_t want, int ms, uint16_t *nused)
{
	long long end = now_ms() + ms;

	*nused = 0;
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = fe->sock, .events = POLLIN },
			{ .fd = r != NULL ? r->err : -1, .events = POLLIN },
			{ .fd = r != NULL ? r->call : -1, .events = POLLIN },
		};
		long long left = end - now_ms();
		uint8_t junk[256];

		if (r != NULL) {
			*nused = (uint16_t)(used_idx(r) - base);
			if (want != 0 && *nused >= want)
				return OUT_USED;
		}
		if (left <= 0)
			return r != NULL && *nused != 0 ? OUT_USED : OUT_NOTHING;
		/* Short naps: a back-end that never calls still shows in the used ring. */
		if (poll(p, 3, left > 20 ? 20 : (int)left) <= 0)
			continue;
		if (p[0].revents) {
			ssize_t n = read(fe->sock, junk, sizeof(junk));

			if (n == 0 || (n < 0 && errno == ECONNRESET)) {
				fe->closed = true;
				return OUT_CLOSED;
			}
			if (n > 0)
				say("# %zd unexpected bytes from the back-end", n);
		}
		if (p[1].revents) {
			drain(r->err);
			return OUT_ERR;
		}
		if (p[2].revents)
			drain(r->call);
	}
}

static void report(enum outcome o, uint16_t nused)
{
	switch (o) {
	case OUT_CLOSED:
		say("result: closed");
		break;
	case OUT_ERR:
		say("result: err");
		break;
	case OUT_USED:
		say("result: used %u", nused);
		break;
	default:
		say("result: nothing");
		break;
	}
}

/* Watch ring @r for the back-end's verdict on what we just made available. */
static void observe_ring(struct fe *fe, struct ring *r, uint16_t base)
{
	uint16_t nused;
	enum outcome o = observe(fe, r, base, 1, OBSERVE_MS, &nused);

	report(o, nused);
}

/* Watch only the connection: for attacks on the protocol itself. */
static void observe_conn(struct fe *fe)
{
	enum outcome o;
	uint16_t nused;

	if (fe->closed) {
		say("result: closed");
		return;
	}
	o = observe(fe, NULL, 0, 0, OBSERVE_MS, &nused);
	report(o, nused);
}

/* ------------------------------------------------------------------ */
/* The well-behaved session.                                            */

static int run_good(struct fe *fe, int nframes)
{
	struct ring *tx = &fe->r[1];
	uint8_t seen[QSIZE];
	struct vring_state st = { .index = 1 };
	enum outcome o;
	uint16_t nused, base;
	int bad = 0;

	if (fe_setup(fe) < 0)
		return 2;
	base = used_idx(tx);
	for (int i = 0; i < nframes; i++) {
		uint32_t len = tx_frame(fe, TX_BUF_FIRST + (unsigned int)i, (unsigned int)i);

		desc_set(tx, (uint16_t)i, gpa_of(buf_off(TX_BUF_FIRST + (unsigned int)i)),
			 len, 0, 0);
		avail_add(tx, (uint16_t)i);
	}
	kick(tx);
	o = observe(fe, tx, base, (uint16_t)nframes, GOOD_MS, &nused);
	report(o, nused);
	if (o != OUT_USED || nused != nframes) {
		say("# %u of %d frames came back used", nused, nframes);
		return 1;
	}

	/* Every head we gave, exactly once. */
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < nframes; i++) {
		uint32_t id = le32toh(tx->used->ring[(uint16_t)(base + i) % QSIZE].id);

		if (id >= (uint32_t)nframes || seen[id]++) {
			say("# used entry %d names head %u", i, id);
			bad++;
		}
	}
	/* And the back-end's position agrees (this also stops the ring). */
	if (send_msg(fe, REQ_GET_VRING_BASE, HDR_VERSION, &st, sizeof(st), NULL, 0) < 0 ||
	    recv_reply(fe, REQ_GET_VRING_BASE, &st, sizeof(st)) != 0) {
		say("# GET_VRING_BASE failed");
		return 1;
	}
	if (st.index != 1 || st.num != (uint32_t)nframes) {
		say("# GET_VRING_BASE: ring %u base %u, expected ring 1 base %d",
		    st.index, st.num, nframes);
		bad++;
	}
	return bad != 0;
}

/* ------------------------------------------------------------------ */
/* Attacks on the rings (the TX queue unless said otherwise).           */

enum ring_attack {
	RA_LOOP, RA_LONG_CHAIN, RA_OOB_ADDR, RA_OOB_LEN, RA_WRAP, RA_BAD_INDEX,
	RA_BAD_HEAD, RA_BAD_NEXT, RA_ORDER, RA_IND_NESTED, RA_IND_BAD_LEN,
	RA_IND_ZERO, RA_IND_OOB, RA_IND_HUGE, RA_IND_LOOP, RA_IND_SEGS,
};

/* Write the bad chain(s) of @which into TX; returns the head to post, or -1. */
static int build_ring_attack(struct fe *fe, int which)
{
	struct ring *tx = &fe->r[1];
	uint64_t buf = gpa_of(buf_off(TX_BUF_FIRST));
	uint32_t len = tx_frame(fe, TX_BUF_FIRST, 0);
	uint64_t table = gpa_of(INDIRECT_OFF);

	switch (which) {
	case RA_LOOP:
		/* One descriptor whose next is itself. */
		desc_set(tx, 0, buf, len, DESC_F_NEXT, 0);
		return 0;
	case RA_LONG_CHAIN:
		/* Every descriptor of the table in one chain, the last back to the first. */
		for (unsigned int i = 0; i < QSIZE; i++)
			desc_set(tx, (uint16_t)i, buf, 16, DESC_F_NEXT,
				 (uint16_t)((i + 1) % QSIZE));
		return 0;
	case RA_OOB_ADDR:
		desc_set(tx, 0, GPA_NOWHERE, len, 0, 0);
		return 0;
	case RA_OOB_LEN:
		/* Starts inside the region, ends 4 KiB past it. */
		desc_set(tx, 0, gpa_of(MEM_SIZE - 16), 4096 + 16, 0, 0);
		return 0;
	case RA_WRAP:
		desc_set(tx, 0, UINT64_MAX - 0xfff, 0x2000, 0, 0);
		return 0;
	case RA_BAD_INDEX:
		/* Valid chains, but the index claims more than the queue holds. */
		for (unsigned int i = 0; i < QSIZE; i++) {
			desc_set(tx, (uint16_t)i, buf, len, 0, 0);
			tx->avail->ring[i] = htole16((uint16_t)i);
		}
		return -2;
	case RA_BAD_HEAD:
		desc_set(tx, 0, buf, len, 0, 0);
		return QSIZE + 7;
	case RA_BAD_NEXT:
		desc_set(tx, 0, buf, 12, DESC_F_NEXT, QSIZE + 5);
		return 0;
	case RA_ORDER:
		/* Device-writable, then device-readable: the spec's order reversed. */
		desc_set(tx, 0, gpa_of(buf_off(0)), 64, DESC_F_WRITE | DESC_F_NEXT, 1);
		desc_set(tx, 1, buf, len, 0, 0);
		return 0;
	case RA_IND_NESTED:
		desc_set(tx, 0, table, 2 * sizeof(struct vdesc), DESC_F_INDIRECT, 0);
		indirect_set(fe, INDIRECT_OFF, 0, table + 1024, 16, DESC_F_INDIRECT, 0);
		indirect_set(fe, INDIRECT_OFF + 1024, 0, buf, len, 0, 0);
		return 0;
	case RA_IND_BAD_LEN:
		desc_set(tx, 0, table, 20, DESC_F_INDIRECT, 0);
		indirect_set(fe, INDIRECT_OFF, 0, buf, len, 0, 0);
		return 0;
	case RA_IND_ZERO:
		desc_set(tx, 0, table, 0, DESC_F_INDIRECT, 0);
		return 0;
	case RA_IND_OOB:
		desc_set(tx, 0, GPA_NOWHERE, 4 * sizeof(struct vdesc), DESC_F_INDIRECT, 0);
		return 0;
	case RA_IND_HUGE:
		/* 4096 entries (64 KiB), all of them in memory and valid. */
		for (unsigned int i = 0; i < 4096; i++)
			indirect_set(fe, INDIRECT_OFF, (uint16_t)i, buf, 1,
				     i + 1 < 4096 ? DESC_F_NEXT : 0, (uint16_t)(i + 1));
		desc_set(tx, 0, table, 4096 * sizeof(struct vdesc), DESC_F_INDIRECT, 0);
		return 0;
	case RA_IND_LOOP:
		desc_set(tx, 0, table, 4 * sizeof(struct vdesc), DESC_F_INDIRECT, 0);
		indirect_set(fe, INDIRECT_OFF, 0, buf, len, DESC_F_NEXT, 1);
		indirect_set(fe, INDIRECT_OFF, 1, buf, 1, DESC_F_NEXT, 0);
		return 0;
	case RA_IND_SEGS:
		/* 1024 one-byte pieces: within the table limit, beyond any sane segment count. */
		for (unsigned int i = 0; i < 1024; i++)
			indirect_set(fe, INDIRECT_OFF, (uint16_t)i, buf + i % len, 1,
				     i + 1 < 1024 ? DESC_F_NEXT : 0, (uint16_t)(i + 1));
		desc_set(tx, 0, table, 1024 * sizeof(struct vdesc), DESC_F_INDIRECT, 0);
		return 0;
	default:
		return -1;
	}
}

static int run_ring_attack(struct fe *fe, int which)
{
	struct ring *tx = &fe->r[1];
	uint16_t base;
	int head;

	if (fe_setup(fe) < 0)
		return 2;
	base = used_idx(tx);
	head = build_ring_attack(fe, which);
	if (head == -1)
		return 2;
	if (head == -2)
		avail_set_idx(tx, (uint16_t)(QSIZE + 1));
	else
		avail_add(tx, (uint16_t)head);
	kick(tx);
	observe_ring(fe, tx, base);
	return 0;
}

/*
 * Broken ring, then a storm of kicks on it: the back-end must neither spin
 * nor stop answering its socket.
 */
static int run_kick_storm(struct fe *fe, int unused)
{
	struct ring *tx = &fe->r[1];
	enum outcome o;
	long long t0, t1;
	uint64_t f = 0;
	uint16_t nused, base;
	int i, rc;

	(void)unused;
	if (fe_setup(fe) < 0)
		return 2;
	base = used_idx(tx);
	desc_set(tx, 0, gpa_of(buf_off(TX_BUF_FIRST)), 72, DESC_F_NEXT, 0);
	avail_add(tx, 0);
	kick(tx);
	o = observe(fe, tx, base, 1, OBSERVE_MS, &nused);
	t0 = now_ms();
	for (i = 0; i < 20000; i++) {
		kick(tx);
		kick(&fe->r[0]);
		if (i % 64 == 0)
			sched_yield();
	}
	t1 = now_ms();
	rc = get_u64(fe, REQ_GET_FEATURES, &f);
	say("# %d kicks on each ring in %lld ms; GET_FEATURES %s after %lld ms", i,
	    t1 - t0, rc == 0 ? "answered" : "NOT answered", now_ms() - t1);
	say("responsive: %s", rc == 0 && f == fe->offered ? "yes" : "no");
	report(o, nused);
	return 0;
}

/*
 * A kick fd that never drains: an eventfd in semaphore mode gives 1 per
 * read and stays readable while its counter (here 2^62) lasts. A back-end
 * that reads once per wake-up would wake for ever. We hold the connection
 * (saying "holding" so the suite can measure the back-end's CPU time
 * meanwhile), then check it still answers.
 */
#define HOLD_MS		2000

static int run_kick_sema(struct fe *fe, int unused)
{
	uint64_t lots = 1ull << 62, f = 0;
	enum outcome o;
	uint16_t nused;
	int efd, rc;

	(void)unused;
	if (fe_setup(fe) < 0)
		return 2;
	efd = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0 || write(efd, &lots, sizeof(lots)) != (ssize_t)sizeof(lots)) {
		say("# semaphore eventfd: %s", strerror(errno));
		goto fail;
	}
	if (request_fd(fe, REQ_SET_VRING_KICK, 1, efd) < 0)
		goto fail;
	say("holding");
	o = observe(fe, NULL, 0, 0, HOLD_MS, &nused);
	rc = o == OUT_CLOSED ? 1 : get_u64(fe, REQ_GET_FEATURES, &f);
	say("responsive: %s", rc == 0 && f == fe->offered ? "yes" : "no");
	report(o, nused);
	close(efd);
	return 0;

fail:
	if (efd >= 0)
		close(efd);
	return 2;
}

/*
 * RX buffers the back-end must refuse; frames have to arrive on the port
 * to make it look, so we say "ready" and wait longer for the suite to send.
 */
enum rx_attack { RX_SMALL, RX_OOB };

static int run_rx_attack(struct fe *fe, int which)
{
	struct ring *rx = &fe->r[0];
	enum outcome o;
	uint16_t nused, base;

	if (fe_setup(fe) < 0)
		return 2;
	if (which == RX_SMALL && !has(fe->features, F_MRG_RXBUF)) {
		say("# MRG_RXBUF not negotiated: a small buffer is no violation");
		return 2;
	}
	base = used_idx(rx);
	for (unsigned int i = 0; i < 16; i++) {
		if (which == RX_SMALL)
			desc_set(rx, (uint16_t)i, gpa_of(buf_off(i)), 4, DESC_F_WRITE, 0);
		else
			desc_set(rx, (uint16_t)i, GPA_NOWHERE + (uint64_t)i * BUF_SIZE,
				 BUF_SIZE, DESC_F_WRITE, 0);
		avail_add(rx, (uint16_t)i);
	}
	kick(rx);
	say("ready");
	o = observe(fe, rx, base, 1, 4 * OBSERVE_MS, &nused);
	report(o, nused);
	return 0;
}

/*
 * The front-end shrinks the memory file it shared: every page the
 * back-end mapped past the new end now raises SIGBUS when touched. We post
 * a valid frame first, then truncate, then kick; from then on we must not
 * touch the memory ourselves either.
 */
static int run_shrink(struct fe *fe, int unused)
{
	struct ring *tx = &fe->r[1];

	(void)unused;
	if (fe_setup(fe) < 0)
		return 2;
	desc_set(tx, 0, gpa_of(buf_off(TX_BUF_FIRST)), tx_frame(fe, TX_BUF_FIRST, 0), 0, 0);
	avail_add(tx, 0);
	if (ftruncate(fe->memfd, 0) < 0) {
		say("# ftruncate: %s", strerror(errno));
		return 2;
	}
	kick(tx);
	kick(&fe->r[0]);
	observe_conn(fe);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Attacks on the protocol.                                             */

enum msg_attack {
	MA_TRUNC, MA_BAD_REQUEST, MA_UNSUPPORTED, MA_HUGE_SIZE, MA_BAD_FLAGS,
	MA_MEM_TOO_MANY, MA_NO_FD, MA_FD_FLOOD, MA_RING_ADDR_OOB,
	MA_RING_MISALIGNED, MA_BAD_NUM, MA_BAD_RING, MA_MEM_SLOTS, MA_MEM_BEYOND,
};

/*
 * What must be in place for an attack to reach the check it aims at: a
 * request refused for an earlier, unrelated reason would prove nothing.
 */
enum { NEED_FEATURES = 1, NEED_MEMORY = 2, NEED_TABLE = 4, NEED_NUM = 8 };

static unsigned int msg_attack_needs(int which)
{
	switch (which) {
	case MA_TRUNC:
	case MA_BAD_REQUEST:
	case MA_UNSUPPORTED:
	case MA_HUGE_SIZE:
	case MA_BAD_FLAGS:
		return 0;
	case MA_RING_ADDR_OOB:
	case MA_RING_MISALIGNED:
		return NEED_FEATURES | NEED_MEMORY | NEED_TABLE | NEED_NUM;
	case MA_BAD_NUM:
	case MA_BAD_RING:
		return NEED_FEATURES | NEED_MEMORY | NEED_TABLE;
	default:
		return NEED_FEATURES | NEED_MEMORY;
	}
}

/* ADD_MEM_REG until the back-end says no (it offers a bounded number of slots). */
static int mem_slots(struct fe *fe)
{
	int i;

	if (!has(fe->pfeatures, PF_CONFIGURE_MEM_SLOTS)) {
		say("# CONFIGURE_MEM_SLOTS not negotiated");
		return 2;
	}
	for (i = 0; i < 256; i++) {
		struct mem_reg m = {
			.r = {
				/* Disjoint 4 KiB guest pages, each its own page of the file. */
				.gpa = GPA_BASE + (uint64_t)i * 4096,
				.size = 4096,
				.qva = qva_of(fe, (size_t)i * 4096),
				.mmap_offset = (uint64_t)i * 4096,
			},
		};

		if (request(fe, REQ_ADD_MEM_REG, &m, sizeof(m), &fe->memfd, 1) < 0)
			break;
	}
	say("# %d regions accepted before the refusal", i);
	return 0;
}

/* The answer to a request sent with NEED_REPLY, if one comes before the close. */
static void await_ack(struct fe *fe, uint32_t req)
{
	uint64_t status;
	int rc = recv_reply(fe, req, &status, sizeof(status));

	if (rc == 0)
		say("# reply to request %u: status %llu", req,
		    (unsigned long long)status);
	else if (rc > 0)
		say("# no reply to request %u, the connection closed", req);
}

static int run_msg_attack(struct fe *fe, int which)
{
	struct mem_table t = { .nregions = 1 };
	struct vring_addr a = { .index = 1 };
	uint8_t junk[64];
	int fds[MAX_TABLE_REGIONS];
	unsigned int needs = msg_attack_needs(which);
	uint32_t reply_to = 0;	/* the request sent with NEED_REPLY, if any */
	uint64_t v;
	int rc = 0;

	memset(junk, 0xa5, sizeof(junk));
	if (((needs & NEED_FEATURES) && fe_negotiate(fe) < 0) ||
	    ((needs & NEED_MEMORY) && fe_alloc_memory(fe) < 0) ||
	    ((needs & NEED_TABLE) && send_table(fe) < 0) ||
	    ((needs & NEED_NUM) && request_state(fe, REQ_SET_VRING_NUM, 1, QSIZE) < 0))
		return 2;

	switch (which) {
	case MA_TRUNC:
		/* SET_FEATURES announcing 8 bytes, 3 sent, then no more from us. */
		v = BIT(F_VERSION_1);
		send_msg_lying(fe, REQ_SET_FEATURES, HDR_VERSION, 8, &v, 3, NULL, 0);
		shutdown(fe->sock, SHUT_WR);
		break;
	case MA_BAD_REQUEST:
		send_msg(fe, 99, HDR_VERSION, NULL, 0, NULL, 0);
		break;
	case MA_UNSUPPORTED:
		/* GET_CONFIG belongs to a protocol feature never offered. */
		send_msg(fe, REQ_GET_CONFIG, HDR_VERSION, NULL, 0, NULL, 0);
		break;
	case MA_HUGE_SIZE:
		send_msg_lying(fe, REQ_SET_FEATURES, HDR_VERSION, 0xfffffff0u, junk,
			       sizeof(junk), NULL, 0);
		break;
	case MA_BAD_FLAGS:
		/* A request claiming to be a reply, of protocol version 2. */
		send_msg(fe, REQ_GET_FEATURES, 0x2u | HDR_REPLY, NULL, 0, NULL, 0);
		break;
	case MA_MEM_TOO_MANY:
		/* Nine regions claimed, eight on the wire, eight fds. */
		t.nregions = MAX_TABLE_REGIONS + 1;
		for (unsigned int i = 0; i < MAX_TABLE_REGIONS; i++) {
			t.r[i] = whole_region(fe);
			t.r[i].size = 4096;
			t.r[i].gpa = GPA_BASE + (uint64_t)i * 4096;
			fds[i] = fe->memfd;
		}
		send_msg(fe, REQ_SET_MEM_TABLE, HDR_VERSION | HDR_NEED_REPLY, &t,
			 sizeof(t), fds, MAX_TABLE_REGIONS);
		reply_to = REQ_SET_MEM_TABLE;
		break;
	case MA_NO_FD:
		t.r[0] = whole_region(fe);
		send_msg(fe, REQ_SET_MEM_TABLE, HDR_VERSION | HDR_NEED_REPLY, &t,
			 offsetof(struct mem_table, r) + sizeof(t.r[0]), NULL, 0);
		reply_to = REQ_SET_MEM_TABLE;
		break;
	case MA_FD_FLOOD: {
		/* One message carrying 200 fds where one belongs. */
		int many[200];

		for (unsigned int i = 0; i < 200; i++)
			many[i] = fe->memfd;
		v = 1;
		send_raw(fe, (struct msg_hdr[]){ { REQ_SET_VRING_CALL, HDR_VERSION, 8 } },
			 sizeof(struct msg_hdr), many, 200);
		send_raw(fe, &v, sizeof(v), NULL, 0);
		break;
	}
	case MA_RING_ADDR_OOB:
		/* Descriptor table just past the end of the only region. */
		a.desc = qva_of(fe, MEM_SIZE);
		a.avail = qva_of(fe, AVAIL_OFF);
		a.used = qva_of(fe, USED_OFF);
		send_msg(fe, REQ_SET_VRING_ADDR, HDR_VERSION | HDR_NEED_REPLY, &a,
			 sizeof(a), NULL, 0);
		reply_to = REQ_SET_VRING_ADDR;
		break;
	case MA_RING_MISALIGNED:
		a.desc = qva_of(fe, 8);
		a.avail = qva_of(fe, AVAIL_OFF);
		a.used = qva_of(fe, USED_OFF);
		send_msg(fe, REQ_SET_VRING_ADDR, HDR_VERSION | HDR_NEED_REPLY, &a,
			 sizeof(a), NULL, 0);
		reply_to = REQ_SET_VRING_ADDR;
		break;
	case MA_BAD_NUM: {
		struct vring_state st = { .index = 1, .num = 300 };

		send_msg(fe, REQ_SET_VRING_NUM, HDR_VERSION | HDR_NEED_REPLY, &st,
			 sizeof(st), NULL, 0);
		reply_to = REQ_SET_VRING_NUM;
		break;
	}
	case MA_BAD_RING: {
		struct vring_state st = { .index = 200, .num = QSIZE };

		send_msg(fe, REQ_SET_VRING_NUM, HDR_VERSION | HDR_NEED_REPLY, &st,
			 sizeof(st), NULL, 0);
		reply_to = REQ_SET_VRING_NUM;
		break;
	}
	case MA_MEM_SLOTS:
		rc = mem_slots(fe);
		break;
	case MA_MEM_BEYOND:
		/* A region larger than the file behind it. */
		t.r[0] = whole_region(fe);
		t.r[0].size = 16 * MEM_SIZE;
		send_msg(fe, REQ_SET_MEM_TABLE, HDR_VERSION | HDR_NEED_REPLY, &t,
			 offsetof(struct mem_table, r) + sizeof(t.r[0]), &fe->memfd, 1);
		reply_to = REQ_SET_MEM_TABLE;
		break;
	default:
		return 2;
	}
	if (rc != 0)
		return rc;
	if (reply_to != 0)
		await_ack(fe, reply_to);
	observe_conn(fe);
	return 0;
}

/* ------------------------------------------------------------------ */

struct attack {
	const char *name;
	int (*run)(struct fe *fe, int which);
	int which;
	const char *what;
};

static const struct attack attacks[] = {
	{ "loop", run_ring_attack, RA_LOOP, "descriptor chain looping on itself" },
	{ "long-chain", run_ring_attack, RA_LONG_CHAIN, "chain through every descriptor and around again" },
	{ "oob-addr", run_ring_attack, RA_OOB_ADDR, "descriptor address outside every region" },
	{ "oob-len", run_ring_attack, RA_OOB_LEN, "address in range, length past the region end" },
	{ "wrap", run_ring_attack, RA_WRAP, "address + length wraps around 2^64" },
	{ "bad-index", run_ring_attack, RA_BAD_INDEX, "avail idx more than the queue size ahead" },
	{ "bad-head", run_ring_attack, RA_BAD_HEAD, "head index >= queue size" },
	{ "bad-next", run_ring_attack, RA_BAD_NEXT, "next index >= queue size" },
	{ "order", run_ring_attack, RA_ORDER, "device-readable descriptor after a writable one" },
	{ "indirect-nested", run_ring_attack, RA_IND_NESTED, "indirect table inside an indirect table" },
	{ "indirect-bad-len", run_ring_attack, RA_IND_BAD_LEN, "indirect table of 20 bytes" },
	{ "indirect-zero", run_ring_attack, RA_IND_ZERO, "indirect table of 0 bytes" },
	{ "indirect-oob", run_ring_attack, RA_IND_OOB, "indirect table outside guest memory" },
	{ "indirect-huge", run_ring_attack, RA_IND_HUGE, "indirect table of 4096 entries" },
	{ "indirect-loop", run_ring_attack, RA_IND_LOOP, "chain inside an indirect table loops" },
	{ "indirect-segs", run_ring_attack, RA_IND_SEGS, "1024 one-byte buffers in one chain" },
	{ "kick-storm", run_kick_storm, 0, "a broken ring, then 20000 kicks on each queue" },
	{ "kick-sema", run_kick_sema, 0, "a kick fd that stays readable (semaphore eventfd)" },
	{ "rx-small", run_rx_attack, RX_SMALL, "RX: mergeable buffers smaller than the net header" },
	{ "rx-oob", run_rx_attack, RX_OOB, "RX: writable buffers outside guest memory" },
	{ "shrink", run_shrink, 0, "truncate the shared memory file under the back-end" },
	{ "trunc-msg", run_msg_attack, MA_TRUNC, "header announces 8 payload bytes, 3 sent, then EOF" },
	{ "bad-request", run_msg_attack, MA_BAD_REQUEST, "request number 99" },
	{ "unsupported", run_msg_attack, MA_UNSUPPORTED, "GET_CONFIG, never offered" },
	{ "huge-size", run_msg_attack, MA_HUGE_SIZE, "payload size field 0xfffffff0" },
	{ "bad-flags", run_msg_attack, MA_BAD_FLAGS, "version 2 and the reply flag on a request" },
	{ "mem-too-many", run_msg_attack, MA_MEM_TOO_MANY, "SET_MEM_TABLE claiming 9 regions" },
	{ "no-fd", run_msg_attack, MA_NO_FD, "SET_MEM_TABLE without its fd" },
	{ "fd-flood", run_msg_attack, MA_FD_FLOOD, "SET_VRING_CALL carrying 200 fds" },
	{ "ring-addr-oob", run_msg_attack, MA_RING_ADDR_OOB, "vring descriptor table outside memory" },
	{ "ring-misaligned", run_msg_attack, MA_RING_MISALIGNED, "descriptor table 8-byte aligned" },
	{ "bad-num", run_msg_attack, MA_BAD_NUM, "queue size 300" },
	{ "bad-ring", run_msg_attack, MA_BAD_RING, "ring index 200" },
	{ "mem-slots", run_msg_attack, MA_MEM_SLOTS, "ADD_MEM_REG until the slots run out" },
	{ "mem-beyond", run_msg_attack, MA_MEM_BEYOND, "region larger than its file" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s SOCKET ATTACK|good [FRAMES]\n       %s --list\nattacks:\n",
		prog, prog);
	fprintf(f, "  %-18s %s\n", "good", "FRAMES (default 32) valid frames on TX, all used");
	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
		fprintf(f, "  %-18s %s\n", attacks[i].name, attacks[i].what);
}

int main(int argc, char **argv)
{
	const struct attack *a = NULL;
	struct fe fe;
	int nframes = 32, rc;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		usage(stdout);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[2], "good") != 0) {
		for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
			if (strcmp(argv[2], attacks[i].name) == 0)
				a = &attacks[i];
		}
		if (a == NULL) {
			fprintf(stderr, "%s: unknown attack '%s'\n", prog, argv[2]);
			usage(stderr);
			return 2;
		}
	}
	if (argc == 4) {
		nframes = atoi(argv[3]);
		if (nframes < 1 || nframes > (int)(QSIZE - TX_BUF_FIRST)) {
			fprintf(stderr, "%s: FRAMES must be 1..%u\n", prog,
				QSIZE - TX_BUF_FIRST);
			return 2;
		}
	}
	/* A back-end that vanishes is an outcome to report, not a death. */
	signal(SIGPIPE, SIG_IGN);

	fe_init(&fe);
	if (fe_connect(&fe, argv[1]) < 0)
		return 2;
	say("# connected; offered features 0x%llx", (unsigned long long)fe.offered);
	rc = a == NULL ? run_good(&fe, nframes) : a->run(&fe, a->which);
	fe_fini(&fe);
	return rc;
}
