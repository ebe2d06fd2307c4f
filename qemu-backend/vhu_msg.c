// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_msg.c - receiving, validating and sending vhost-user messages.
 *
 * The receive side is the first thing a hostile or broken front-end
 * reaches, so it trusts nothing: the header is read alone, checked, and
 * only then is exactly hdr.size more bytes read into a buffer that is known
 * to be large enough. Reading never goes past the end of the message, so
 * fds sent with the next message cannot be mistaken for this one's.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "vhu_msg.h"

/* The front-end's layout, byte for byte (vhost-user "Message Specification"). */
_Static_assert(sizeof(struct vhu_msg_hdr) == VHU_MSG_HDR_SIZE, "header");
_Static_assert(sizeof(struct vhu_msg_vring_state) == 8, "vring state");
_Static_assert(sizeof(struct vhu_msg_vring_addr) == 40, "vring address");
_Static_assert(offsetof(struct vhu_msg_vring_addr, desc_qva) == 8, "addr layout");
_Static_assert(offsetof(struct vhu_msg_vring_addr, used_qva) == 16, "addr layout");
_Static_assert(offsetof(struct vhu_msg_vring_addr, avail_qva) == 24, "addr layout");
_Static_assert(offsetof(struct vhu_msg_vring_addr, log_gpa) == 32, "addr layout");
_Static_assert(sizeof(struct vhu_msg_region) == 32, "memory region");
_Static_assert(offsetof(struct vhu_msg_mem_table, r) == 8, "memory table");
_Static_assert(sizeof(struct vhu_msg_mem_table) == 8 + 8 * 32, "memory table");
_Static_assert(sizeof(struct vhu_msg_mem_reg) == 40, "single region");
_Static_assert(sizeof(struct vhu_msg_log) == 16, "log");
_Static_assert(sizeof(union vhu_msg_payload) == 264, "payload union");

/* How long a reply may wait for room in the socket before we give up. */
#define SEND_WAIT_MS	1000

enum payload_kind {
	PL_NONE,		/* no payload */
	PL_U64,
	PL_STATE,
	PL_ADDR,
	PL_MEM_TABLE,		/* 8 + 32 * nregions */
	PL_MEM_REG,
	PL_LOG,
};

enum fd_rule {
	FD_NONE,
	FD_ONE,
	FD_ZERO_OR_ONE,		/* REM_MEM_REG: QEMU sends one it should not */
	FD_PER_REGION,		/* SET_MEM_TABLE: one per region, in order */
	FD_VRING,		/* one, unless the u64 has the no-fd flag */
};

struct req_info {
	const char *name;
	bool supported;		/* a net back-end handles it */
	bool has_reply;		/* replies with a body of its own */
	enum payload_kind payload;
	enum fd_rule fds;
};

/*
 * Every request the specification defines has a name so that refusing one
 * says which; only the ones a net back-end needs are supported. The others
 * belong to protocol features we never offer, so a front-end sending them
 * is broken.
 */
static const struct req_info req_table[VHU_REQ_MAX] = {
	[VHU_REQ_GET_FEATURES] = { "GET_FEATURES", true, true, PL_NONE, FD_NONE },
	[VHU_REQ_SET_FEATURES] = { "SET_FEATURES", true, false, PL_U64, FD_NONE },
	[VHU_REQ_SET_OWNER] = { "SET_OWNER", true, false, PL_NONE, FD_NONE },
	[VHU_REQ_RESET_OWNER] = { "RESET_OWNER", true, false, PL_NONE, FD_NONE },
	[VHU_REQ_SET_MEM_TABLE] = { "SET_MEM_TABLE", true, false, PL_MEM_TABLE,
				    FD_PER_REGION },
	[VHU_REQ_SET_LOG_BASE] = { "SET_LOG_BASE", true, true, PL_LOG, FD_ONE },
	[VHU_REQ_SET_LOG_FD] = { "SET_LOG_FD", true, false, PL_NONE, FD_ONE },
	[VHU_REQ_SET_VRING_NUM] = { "SET_VRING_NUM", true, false, PL_STATE, FD_NONE },
	[VHU_REQ_SET_VRING_ADDR] = { "SET_VRING_ADDR", true, false, PL_ADDR, FD_NONE },
	[VHU_REQ_SET_VRING_BASE] = { "SET_VRING_BASE", true, false, PL_STATE, FD_NONE },
	[VHU_REQ_GET_VRING_BASE] = { "GET_VRING_BASE", true, true, PL_STATE, FD_NONE },
	[VHU_REQ_SET_VRING_KICK] = { "SET_VRING_KICK", true, false, PL_U64, FD_VRING },
	[VHU_REQ_SET_VRING_CALL] = { "SET_VRING_CALL", true, false, PL_U64, FD_VRING },
	[VHU_REQ_SET_VRING_ERR] = { "SET_VRING_ERR", true, false, PL_U64, FD_VRING },
	[VHU_REQ_GET_PROTOCOL_FEATURES] = { "GET_PROTOCOL_FEATURES", true, true,
					    PL_NONE, FD_NONE },
	[VHU_REQ_SET_PROTOCOL_FEATURES] = { "SET_PROTOCOL_FEATURES", true, false,
					    PL_U64, FD_NONE },
	[VHU_REQ_GET_QUEUE_NUM] = { "GET_QUEUE_NUM", true, true, PL_NONE, FD_NONE },
	[VHU_REQ_SET_VRING_ENABLE] = { "SET_VRING_ENABLE", true, false, PL_STATE,
				       FD_NONE },
	[VHU_REQ_SEND_RARP] = { "SEND_RARP", true, false, PL_U64, FD_NONE },
	[VHU_REQ_NET_SET_MTU] = { "NET_SET_MTU", true, false, PL_U64, FD_NONE },
	[VHU_REQ_SET_BACKEND_REQ_FD] = { "SET_BACKEND_REQ_FD", false, false, 0, 0 },
	[VHU_REQ_IOTLB_MSG] = { "IOTLB_MSG", false, false, 0, 0 },
	[VHU_REQ_SET_VRING_ENDIAN] = { "SET_VRING_ENDIAN", false, false, 0, 0 },
	[VHU_REQ_GET_CONFIG] = { "GET_CONFIG", false, false, 0, 0 },
	[VHU_REQ_SET_CONFIG] = { "SET_CONFIG", false, false, 0, 0 },
	[VHU_REQ_CREATE_CRYPTO_SESSION] = { "CREATE_CRYPTO_SESSION", false, false, 0, 0 },
	[VHU_REQ_CLOSE_CRYPTO_SESSION] = { "CLOSE_CRYPTO_SESSION", false, false, 0, 0 },
	[VHU_REQ_POSTCOPY_ADVISE] = { "POSTCOPY_ADVISE", false, false, 0, 0 },
	[VHU_REQ_POSTCOPY_LISTEN] = { "POSTCOPY_LISTEN", false, false, 0, 0 },
	[VHU_REQ_POSTCOPY_END] = { "POSTCOPY_END", false, false, 0, 0 },
	[VHU_REQ_GET_INFLIGHT_FD] = { "GET_INFLIGHT_FD", false, false, 0, 0 },
	[VHU_REQ_SET_INFLIGHT_FD] = { "SET_INFLIGHT_FD", false, false, 0, 0 },
	[VHU_REQ_GPU_SET_SOCKET] = { "GPU_SET_SOCKET", false, false, 0, 0 },
	[VHU_REQ_RESET_DEVICE] = { "RESET_DEVICE", false, false, 0, 0 },
	[VHU_REQ_VRING_KICK] = { "VRING_KICK", false, false, 0, 0 },
	[VHU_REQ_GET_MAX_MEM_SLOTS] = { "GET_MAX_MEM_SLOTS", true, true, PL_NONE,
					FD_NONE },
	[VHU_REQ_ADD_MEM_REG] = { "ADD_MEM_REG", true, false, PL_MEM_REG, FD_ONE },
	[VHU_REQ_REM_MEM_REG] = { "REM_MEM_REG", true, false, PL_MEM_REG,
				  FD_ZERO_OR_ONE },
	[VHU_REQ_SET_STATUS] = { "SET_STATUS", false, false, 0, 0 },
	[VHU_REQ_GET_STATUS] = { "GET_STATUS", false, false, 0, 0 },
	[VHU_REQ_GET_SHARED_OBJECT] = { "GET_SHARED_OBJECT", false, false, 0, 0 },
	[VHU_REQ_SET_DEVICE_STATE_FD] = { "SET_DEVICE_STATE_FD", false, false, 0, 0 },
	[VHU_REQ_CHECK_DEVICE_STATE] = { "CHECK_DEVICE_STATE", false, false, 0, 0 },
};

static const struct req_info *req_lookup(uint32_t request)
{
	if (request >= VHU_REQ_MAX || req_table[request].name == NULL)
		return NULL;
	return &req_table[request];
}

const char *vhu_msg_request_name(uint32_t request)
{
	const struct req_info *ri = req_lookup(request);

	return ri != NULL ? ri->name : "unknown";
}

bool vhu_msg_has_reply(uint32_t request)
{
	const struct req_info *ri = req_lookup(request);

	return ri != NULL && ri->has_reply;
}

void vhu_msg_init(struct vhu_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	for (unsigned int i = 0; i < VHU_MSG_MAX_FDS; i++)
		msg->fds[i] = -1;
}

int vhu_msg_take_fd(struct vhu_msg *msg, unsigned int i)
{
	int fd;

	if (i >= msg->nfds)
		return -1;
	fd = msg->fds[i];
	msg->fds[i] = -1;
	return fd;
}

void vhu_msg_release(struct vhu_msg *msg)
{
	for (unsigned int i = 0; i < msg->nfds; i++) {
		if (msg->fds[i] >= 0)
			close(msg->fds[i]);
	}
	vhu_msg_init(msg);
}

/*
 * Keep the fds of one recvmsg() in @msg. Fds beyond what a message may
 * carry are closed at once; the kernel already dropped any that did not
 * fit the control buffer (MSG_CTRUNC). Either way the message is bad.
 */
static int collect_fds(struct vhu_msg *msg, struct msghdr *mh,
		       struct vhu_err *err)
{
	bool overflow = (mh->msg_flags & MSG_CTRUNC) != 0;
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		const unsigned char *data = CMSG_DATA(c);
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			/* CMSG_DATA need not be aligned for int. */
			memcpy(&fd, data + i * sizeof(int), sizeof(int));
			if (msg->nfds < VHU_MSG_MAX_FDS) {
				msg->fds[msg->nfds++] = fd;
			} else {
				close(fd);
				overflow = true;
			}
		}
	}
	if (overflow)
		return vhu_err_set(err, "message carries more than %u fds",
				   VHU_MSG_MAX_FDS);
	return 0;
}

/* recvmsg() status beyond a byte count. */
#define RECV_AGAIN	(-2)
#define RECV_FAIL	(-1)

static ssize_t recv_part(int sock, struct vhu_msg *msg, void *buf, size_t len,
			 struct vhu_err *err)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * VHU_MSG_MAX_FDS)];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return RECV_AGAIN;
		vhu_err_set(err, "receiving a message: %s", strerror(errno));
		return RECV_FAIL;
	}
	if (collect_fds(msg, &mh, err) < 0)
		return RECV_FAIL;
	return n;
}

/* What can be judged from the header alone, before reading the payload. */
static int check_header(const struct vhu_msg *msg, struct vhu_err *err)
{
	const struct vhu_msg_hdr *h = &msg->hdr;
	const struct req_info *ri;

	if ((h->flags & VHU_MSG_VERSION_MASK) != VHU_MSG_VERSION)
		return vhu_err_set(err, "unsupported protocol version %u (flags 0x%x)",
				   h->flags & VHU_MSG_VERSION_MASK, h->flags);
	if (h->flags & VHU_MSG_F_REPLY)
		return vhu_err_set(err, "reply flag set on a request (flags 0x%x)",
				   h->flags);
	if (h->flags & ~(VHU_MSG_VERSION_MASK | VHU_MSG_F_REPLY |
			 VHU_MSG_F_NEED_REPLY))
		return vhu_err_set(err, "unknown flag bits 0x%x in the header",
				   h->flags & ~(VHU_MSG_VERSION_MASK | VHU_MSG_F_REPLY |
						VHU_MSG_F_NEED_REPLY));
	ri = req_lookup(h->request);
	if (ri == NULL)
		return vhu_err_set(err, "unknown request %u", h->request);
	if (!ri->supported)
		return vhu_err_set(err, "request %s (%u) is not supported",
				   ri->name, h->request);
	if (h->size > sizeof(msg->p))
		return vhu_err_set(err, "%s: payload size %u exceeds the largest "
				   "payload (%zu bytes)", ri->name, h->size,
				   sizeof(msg->p));
	return 0;
}

static int check_size(const struct vhu_msg *msg, const struct req_info *ri,
		      struct vhu_err *err)
{
	static const struct {
		uint32_t size;
		const char *what;
	} fixed[] = {
		[PL_NONE] = { 0, "no payload" },
		[PL_U64] = { 8, "u64" },
		[PL_STATE] = { sizeof(struct vhu_msg_vring_state), "vring state" },
		[PL_ADDR] = { sizeof(struct vhu_msg_vring_addr), "vring address" },
		[PL_MEM_REG] = { sizeof(struct vhu_msg_mem_reg), "memory region" },
		[PL_LOG] = { sizeof(struct vhu_msg_log), "log size and offset" },
	};
	uint32_t size = msg->hdr.size;
	uint32_t n, want;

	if (ri->payload != PL_MEM_TABLE) {
		if (size != fixed[ri->payload].size)
			return vhu_err_set(err, "%s: payload is %u bytes, expected %u (%s)",
					   ri->name, size, fixed[ri->payload].size,
					   fixed[ri->payload].what);
		return 0;
	}
	/* The table is as long as its region count says, no more, no less. */
	if (size < offsetof(struct vhu_msg_mem_table, r))
		return vhu_err_set(err, "%s: payload is %u bytes, shorter than the "
				   "8-byte table header", ri->name, size);
	n = msg->p.mem.nregions;
	if (n > VHU_MSG_MAX_REGIONS)
		return vhu_err_set(err, "%s: %u regions, at most %u fit a message",
				   ri->name, n, VHU_MSG_MAX_REGIONS);
	want = offsetof(struct vhu_msg_mem_table, r) + n * sizeof(struct vhu_msg_region);
	if (size != want)
		return vhu_err_set(err, "%s: payload is %u bytes, expected %u for %u "
				   "regions", ri->name, size, want, n);
	return 0;
}

static int check_fds(const struct vhu_msg *msg, const struct req_info *ri,
		     struct vhu_err *err)
{
	unsigned int want;

	switch (ri->fds) {
	case FD_NONE:
		want = 0;
		break;
	case FD_ONE:
		want = 1;
		break;
	case FD_ZERO_OR_ONE:
		if (msg->nfds > 1)
			return vhu_err_set(err, "%s carries %u fds, takes at most 1",
					   ri->name, msg->nfds);
		return 0;
	case FD_PER_REGION:
		want = msg->p.mem.nregions;
		if (msg->nfds != want)
			return vhu_err_set(err, "%s: %u regions but %u fds",
					   ri->name, want, msg->nfds);
		return 0;
	case FD_VRING:
		if (msg->p.u64 & ~(VHU_MSG_VRING_IDX_MASK | VHU_MSG_VRING_NOFD))
			return vhu_err_set(err, "%s: reserved bits set in 0x%llx",
					   ri->name, (unsigned long long)msg->p.u64);
		if (msg->p.u64 & VHU_MSG_VRING_NOFD) {
			if (msg->nfds != 0)
				return vhu_err_set(err, "%s: no-fd flag set but %u fds "
						   "sent", ri->name, msg->nfds);
			return 0;
		}
		want = 1;
		break;
	default:
		return vhu_err_set(err, "%s: no fd rule", ri->name);
	}
	if (msg->nfds != want) {
		if (want == 0)
			return vhu_err_set(err, "%s carries %u fds, takes none",
					   ri->name, msg->nfds);
		return vhu_err_set(err, "%s carries %u fds, needs exactly %u",
				   ri->name, msg->nfds, want);
	}
	return 0;
}

enum vhu_msg_status vhu_msg_recv(int sock, struct vhu_msg *msg,
				 struct vhu_err *err)
{
	const struct req_info *ri;

	for (;;) {
		uint8_t *dst;
		size_t want;
		ssize_t n;

		if (msg->got < VHU_MSG_HDR_SIZE) {
			dst = (uint8_t *)&msg->hdr + msg->got;
			want = VHU_MSG_HDR_SIZE - msg->got;
		} else {
			size_t off = msg->got - VHU_MSG_HDR_SIZE;

			if (off == msg->hdr.size)
				break;
			dst = msg->p.raw + off;
			want = msg->hdr.size - off;
		}
		n = recv_part(sock, msg, dst, want, err);
		if (n == RECV_AGAIN)
			return VHU_MSG_AGAIN;
		if (n < 0)
			goto fail;
		if (n == 0) {
			if (msg->got == 0 && msg->nfds == 0)
				return VHU_MSG_EOF;
			if (msg->got < VHU_MSG_HDR_SIZE)
				vhu_err_set(err, "truncated header: connection closed "
					    "after %zu of %u bytes", msg->got,
					    VHU_MSG_HDR_SIZE);
			else
				vhu_err_set(err, "%s: truncated payload: connection "
					    "closed after %zu of %u bytes",
					    vhu_msg_request_name(msg->hdr.request),
					    msg->got - VHU_MSG_HDR_SIZE,
					    msg->hdr.size);
			goto fail;
		}
		msg->got += (size_t)n;
		if (msg->got == VHU_MSG_HDR_SIZE && check_header(msg, err) < 0)
			goto fail;
	}

	ri = req_lookup(msg->hdr.request);
	if (check_size(msg, ri, err) < 0 || check_fds(msg, ri, err) < 0)
		goto fail;
	return VHU_MSG_OK;

fail:
	vhu_msg_release(msg);
	return VHU_MSG_ERROR;
}

/* Wait until @sock can take more, bounded so a stuck peer cannot stall us. */
static int wait_writable(int sock, struct vhu_err *err)
{
	struct pollfd pfd = { .fd = sock, .events = POLLOUT };
	int rc;

	do {
		rc = poll(&pfd, 1, SEND_WAIT_MS);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return vhu_err_set(err, "waiting to send: %s", strerror(errno));
	if (rc == 0)
		return vhu_err_set(err, "peer does not read: send blocked for %d ms",
				   SEND_WAIT_MS);
	return 0;
}

int vhu_msg_send(int sock, uint32_t request, uint32_t flags,
		 const void *payload, uint32_t size, const int *fds,
		 unsigned int nfds, struct vhu_err *err)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * VHU_MSG_MAX_FDS)];
	} ctl;
	struct vhu_msg_hdr hdr = { .request = request, .flags = flags, .size = size };
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)payload, .iov_len = size },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = size > 0 ? 2 : 1 };

	if (nfds > VHU_MSG_MAX_FDS)
		return vhu_err_set(err, "cannot send %u fds, at most %u", nfds,
				   VHU_MSG_MAX_FDS);
	if (size > 0 && payload == NULL)
		return vhu_err_set(err, "%u payload bytes but no payload", size);
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

	while (mh.msg_iovlen > 0) {
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (wait_writable(sock, err) < 0)
					return -1;
				continue;
			}
			return vhu_err_set(err, "sending %s: %s",
					   vhu_msg_request_name(request),
					   strerror(errno));
		}
		/* The fds went with the first bytes; never send them twice. */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		while (mh.msg_iovlen > 0 && (size_t)n >= mh.msg_iov->iov_len) {
			n -= (ssize_t)mh.msg_iov->iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen > 0) {
			mh.msg_iov->iov_base = (uint8_t *)mh.msg_iov->iov_base + n;
			mh.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

int vhu_msg_reply(int sock, uint32_t request, const void *payload,
		  uint32_t size, struct vhu_err *err)
{
	return vhu_msg_send(sock, request, VHU_MSG_VERSION | VHU_MSG_F_REPLY,
			    payload, size, NULL, 0, err);
}

int vhu_msg_reply_u64(int sock, uint32_t request, uint64_t value,
		      struct vhu_err *err)
{
	return vhu_msg_reply(sock, request, &value, sizeof(value), err);
}
