/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_msg.h - vhost-user messages on the wire: the header, the payload of
 * each request a net backend handles, receiving one message with the file
 * descriptors that came with it, and sending replies.
 *
 * Everything here is in host byte order (the protocol says "machine native")
 * and packed exactly as the front-end lays it out; the static assertions in
 * vhu_msg.c pin every size.
 *
 * A message is validated before anyone sees it: the version bits, the
 * request (known and supported), the payload size this request needs
 * (exactly), and the number of fds it may carry. A message that fails any
 * check is an error with a reason; its fds are closed.
 */
#ifndef VHU_MSG_H
#define VHU_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vhu_log.h"

/* Header flags. */
#define VHU_MSG_VERSION		0x1u	/* the only protocol version */
#define VHU_MSG_VERSION_MASK	0x3u
#define VHU_MSG_F_REPLY		0x4u	/* set on every reply the back-end sends */
#define VHU_MSG_F_NEED_REPLY	0x8u	/* REPLY_ACK: answer with a u64 status */

#define VHU_MSG_HDR_SIZE	12u

/*
 * The front-end never sends more fds in one message than a memory table
 * has regions (QEMU's VHOST_MEMORY_BASELINE_NREGIONS).
 */
#define VHU_MSG_MAX_FDS		8u
#define VHU_MSG_MAX_REGIONS	8u	/* regions in one SET_MEM_TABLE */

/* u64 of SET_VRING_KICK / CALL / ERR: ring index and "no fd, poll" flag. */
#define VHU_MSG_VRING_IDX_MASK	0xffull
#define VHU_MSG_VRING_NOFD	0x100ull

/* flags of SET_VRING_ADDR: log writes to the used ring. */
#define VHU_VRING_F_LOG		0x1u

/* Front-end requests (ids from the vhost-user specification). */
enum vhu_req {
	VHU_REQ_NONE = 0,
	VHU_REQ_GET_FEATURES = 1,
	VHU_REQ_SET_FEATURES = 2,
	VHU_REQ_SET_OWNER = 3,
	VHU_REQ_RESET_OWNER = 4,
	VHU_REQ_SET_MEM_TABLE = 5,
	VHU_REQ_SET_LOG_BASE = 6,
	VHU_REQ_SET_LOG_FD = 7,
	VHU_REQ_SET_VRING_NUM = 8,
	VHU_REQ_SET_VRING_ADDR = 9,
	VHU_REQ_SET_VRING_BASE = 10,
	VHU_REQ_GET_VRING_BASE = 11,
	VHU_REQ_SET_VRING_KICK = 12,
	VHU_REQ_SET_VRING_CALL = 13,
	VHU_REQ_SET_VRING_ERR = 14,
	VHU_REQ_GET_PROTOCOL_FEATURES = 15,
	VHU_REQ_SET_PROTOCOL_FEATURES = 16,
	VHU_REQ_GET_QUEUE_NUM = 17,
	VHU_REQ_SET_VRING_ENABLE = 18,
	VHU_REQ_SEND_RARP = 19,
	VHU_REQ_NET_SET_MTU = 20,
	VHU_REQ_SET_BACKEND_REQ_FD = 21,
	VHU_REQ_IOTLB_MSG = 22,
	VHU_REQ_SET_VRING_ENDIAN = 23,
	VHU_REQ_GET_CONFIG = 24,
	VHU_REQ_SET_CONFIG = 25,
	VHU_REQ_CREATE_CRYPTO_SESSION = 26,
	VHU_REQ_CLOSE_CRYPTO_SESSION = 27,
	VHU_REQ_POSTCOPY_ADVISE = 28,
	VHU_REQ_POSTCOPY_LISTEN = 29,
	VHU_REQ_POSTCOPY_END = 30,
	VHU_REQ_GET_INFLIGHT_FD = 31,
	VHU_REQ_SET_INFLIGHT_FD = 32,
	VHU_REQ_GPU_SET_SOCKET = 33,
	VHU_REQ_RESET_DEVICE = 34,
	VHU_REQ_VRING_KICK = 35,
	VHU_REQ_GET_MAX_MEM_SLOTS = 36,
	VHU_REQ_ADD_MEM_REG = 37,
	VHU_REQ_REM_MEM_REG = 38,
	VHU_REQ_SET_STATUS = 39,
	VHU_REQ_GET_STATUS = 40,
	VHU_REQ_GET_SHARED_OBJECT = 41,
	VHU_REQ_SET_DEVICE_STATE_FD = 42,
	VHU_REQ_CHECK_DEVICE_STATE = 43,
	VHU_REQ_MAX
};

struct vhu_msg_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;		/* payload bytes that follow */
};

/* SET_VRING_NUM / BASE / ENABLE, GET_VRING_BASE (request and reply). */
struct vhu_msg_vring_state {
	uint32_t index;
	uint32_t num;
};

/* SET_VRING_ADDR: ring addresses are front-end virtual addresses. */
struct vhu_msg_vring_addr {
	uint32_t index;
	uint32_t flags;		/* VHU_VRING_F_LOG */
	uint64_t desc_qva;
	uint64_t used_qva;
	uint64_t avail_qva;
	uint64_t log_gpa;	/* guest-physical used ring, for the dirty log */
};

struct vhu_msg_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t qva;
	uint64_t mmap_offset;
};

/* SET_MEM_TABLE: only the first nregions entries are on the wire. */
struct vhu_msg_mem_table {
	uint32_t nregions;
	uint32_t padding;
	struct vhu_msg_region r[VHU_MSG_MAX_REGIONS];
};

/* ADD_MEM_REG / REM_MEM_REG. */
struct vhu_msg_mem_reg {
	uint64_t padding;
	struct vhu_msg_region r;
};

/* SET_LOG_BASE with LOG_SHMFD: where in the fd the log lives. */
struct vhu_msg_log {
	uint64_t size;
	uint64_t offset;
};

union vhu_msg_payload {
	uint64_t u64;
	struct vhu_msg_vring_state state;
	struct vhu_msg_vring_addr addr;
	struct vhu_msg_mem_table mem;
	struct vhu_msg_mem_reg reg;
	struct vhu_msg_log log;
	uint8_t raw[sizeof(struct vhu_msg_mem_table)];
};

/*
 * One message, also the receive state of a message still arriving: a
 * non-blocking socket may deliver it in pieces, and a front-end that stops
 * half-way must not stall the process, so vhu_msg_recv() keeps what it got
 * here and returns VHU_MSG_AGAIN.
 */
struct vhu_msg {
	struct vhu_msg_hdr hdr;
	union vhu_msg_payload p;
	int fds[VHU_MSG_MAX_FDS];	/* -1 once taken or closed */
	unsigned int nfds;
	size_t got;			/* bytes of header + payload so far */
};

enum vhu_msg_status {
	VHU_MSG_OK,		/* a whole, valid message is in @msg */
	VHU_MSG_AGAIN,		/* nothing more to read now; call again */
	VHU_MSG_EOF,		/* the peer closed between messages */
	VHU_MSG_ERROR,		/* malformed, truncated or a socket error */
};

/* An empty message with no fds. */
void vhu_msg_init(struct vhu_msg *msg);

/*
 * Read (the rest of) one message from @sock into @msg, which is either
 * fresh from vhu_msg_init()/vhu_msg_release() or holds a partial message
 * from an earlier VHU_MSG_AGAIN. Never reads past the end of this message.
 * EINTR is retried; EAGAIN returns VHU_MSG_AGAIN.
 *
 * On VHU_MSG_OK the caller owns msg->fds: take the ones it keeps with
 * vhu_msg_take_fd() and call vhu_msg_release() when done. On VHU_MSG_ERROR
 * @err says why, every fd received is closed and @msg is reset; the
 * connection cannot be resynchronised and must be closed.
 */
enum vhu_msg_status vhu_msg_recv(int sock, struct vhu_msg *msg,
				 struct vhu_err *err);

/* Take ownership of fd @i of @msg (-1 if there is none). */
int vhu_msg_take_fd(struct vhu_msg *msg, unsigned int i);

/* Close every fd not taken and reset @msg for the next message. */
void vhu_msg_release(struct vhu_msg *msg);

/* "SET_VRING_NUM", or "unknown" for ids outside the table. */
const char *vhu_msg_request_name(uint32_t request);

/*
 * Whether @request always gets a reply with a body of its own (GET_*,
 * SET_LOG_BASE); for these need_reply changes nothing.
 */
bool vhu_msg_has_reply(uint32_t request);

/*
 * Send one whole message (header, @size payload bytes, @nfds fds). A
 * non-blocking socket that cannot take it within a short wait is an error
 * rather than a stall. No SIGPIPE: a vanished peer is an error return.
 * Returns 0 or -1 with @err set.
 */
int vhu_msg_send(int sock, uint32_t request, uint32_t flags,
		 const void *payload, uint32_t size, const int *fds,
		 unsigned int nfds, struct vhu_err *err);

/* A reply to @request: flags are exactly VERSION | REPLY, as QEMU checks. */
int vhu_msg_reply(int sock, uint32_t request, const void *payload,
		  uint32_t size, struct vhu_err *err);

/* A u64 reply (GET_FEATURES and friends, or the REPLY_ACK status). */
int vhu_msg_reply_u64(int sock, uint32_t request, uint64_t value,
		      struct vhu_err *err);

#endif /* VHU_MSG_H */
