/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_dev.h - one vhost-user-net device: the state a front-end (QEMU) sets
 * up over its connection, and the request handlers that change it.
 *
 * The library has no threads. The caller's event loop watches
 * vhu_dev_fd() and calls vhu_dev_handle_readable() when it is readable;
 * everything a request changes happens inside that call, and the datapath
 * hears about it through the callbacks in struct vhu_dev_ops, also from
 * inside that call. A datapath running in another thread must make each
 * callback wait until it has stopped touching what the callback names.
 *
 * Ring states follow the vhost-user specification:
 *   stopped   - initial; again after GET_VRING_BASE. Nothing may be touched.
 *   started   - after SET_VRING_KICK (an fd, or the no-fd flag: polling),
 *               once num and addresses are set and translate. The datapath
 *               processes the ring.
 *   enabled   - independent of started: SET_VRING_ENABLE. A started but
 *               disabled ring is processed without side effects (TX
 *               consumed and dropped, RX not filled). If the front-end did
 *               not acknowledge VHOST_USER_F_PROTOCOL_FEATURES, every ring
 *               is enabled by SET_FEATURES.
 *
 * Any failed request is a protocol error: the reply (when the front-end
 * asked for one with need_reply) says failure, then the connection is
 * closed, the reason is logged and the device is reset to "no front-end".
 * The process goes on; a new front-end can attach at once.
 */
#ifndef VHU_DEV_H
#define VHU_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "vhu_log.h"
#include "vhu_mem.h"
#include "vhu_msg.h"

/* Queue pairs a device can have at most (ring 2i is RX, 2i + 1 is TX). */
#define VHU_MAX_QUEUE_PAIRS	16
#define VHU_MAX_RINGS		(2 * VHU_MAX_QUEUE_PAIRS)

/* Split rings: a power of two, at most this (virtio 1.x, 2.7). */
#define VHU_MAX_RING_SIZE	32768

/* Virtio and vhost feature bits (bit numbers). */
#define VHU_F_NET_CSUM			0
#define VHU_F_NET_GUEST_CSUM		1
#define VHU_F_NET_MTU			3
#define VHU_F_NET_GUEST_TSO4		7
#define VHU_F_NET_GUEST_TSO6		8
#define VHU_F_NET_GUEST_ECN		9
#define VHU_F_NET_GUEST_UFO		10
#define VHU_F_NET_HOST_TSO4		11
#define VHU_F_NET_HOST_TSO6		12
#define VHU_F_NET_HOST_ECN		13
#define VHU_F_NET_HOST_UFO		14
#define VHU_F_NET_MRG_RXBUF		15
#define VHU_F_NET_STATUS		16
#define VHU_F_NET_GUEST_ANNOUNCE	21
#define VHU_F_NET_MQ			22
#define VHU_F_LOG_ALL			26	/* VHOST_F_LOG_ALL */
#define VHU_F_RING_INDIRECT_DESC	28
#define VHU_F_RING_EVENT_IDX		29
#define VHU_F_PROTOCOL_FEATURES		30	/* VHOST_USER_F_PROTOCOL_FEATURES */
#define VHU_F_VERSION_1			32

/* vhost-user protocol feature bits (bit numbers). */
#define VHU_PF_MQ			0
#define VHU_PF_LOG_SHMFD		1
#define VHU_PF_RARP			2
#define VHU_PF_REPLY_ACK		3
#define VHU_PF_MTU			4
#define VHU_PF_CONFIGURE_MEM_SLOTS	15

#define VHU_BIT(b)	(1ull << (b))

/*
 * Everything a device can offer. Not here, deliberately: packed rings,
 * IOMMU/ACCESS_PLATFORM, the control queue and its friends (QEMU handles
 * them for vhost-user-net), and the legacy UFO bits.
 */
#define VHU_DEV_SUPPORTED_FEATURES					\
	(VHU_BIT(VHU_F_NET_CSUM) | VHU_BIT(VHU_F_NET_GUEST_CSUM) |	\
	 VHU_BIT(VHU_F_NET_MTU) |					\
	 VHU_BIT(VHU_F_NET_GUEST_TSO4) | VHU_BIT(VHU_F_NET_GUEST_TSO6) |	\
	 VHU_BIT(VHU_F_NET_GUEST_ECN) |					\
	 VHU_BIT(VHU_F_NET_HOST_TSO4) | VHU_BIT(VHU_F_NET_HOST_TSO6) |	\
	 VHU_BIT(VHU_F_NET_HOST_ECN) |					\
	 VHU_BIT(VHU_F_NET_MRG_RXBUF) | VHU_BIT(VHU_F_NET_STATUS) |	\
	 VHU_BIT(VHU_F_NET_GUEST_ANNOUNCE) | VHU_BIT(VHU_F_NET_MQ) |	\
	 VHU_BIT(VHU_F_LOG_ALL) |					\
	 VHU_BIT(VHU_F_RING_INDIRECT_DESC) |				\
	 VHU_BIT(VHU_F_RING_EVENT_IDX) |				\
	 VHU_BIT(VHU_F_PROTOCOL_FEATURES) | VHU_BIT(VHU_F_VERSION_1))

#define VHU_DEV_SUPPORTED_PROTOCOL_FEATURES				\
	(VHU_BIT(VHU_PF_MQ) | VHU_BIT(VHU_PF_LOG_SHMFD) |		\
	 VHU_BIT(VHU_PF_RARP) | VHU_BIT(VHU_PF_REPLY_ACK) |		\
	 VHU_BIT(VHU_PF_MTU) | VHU_BIT(VHU_PF_CONFIGURE_MEM_SLOTS))

/* MTU bounds: virtio-net's minimum, and our default ceiling. */
#define VHU_MIN_MTU		68
#define VHU_DEFAULT_MAX_MTU	9000

/*
 * One virtqueue as the front-end set it up. The datapath reads everything
 * here and writes only last_avail_idx (see below); the device changes the
 * rest only between a ring_stopped and the next ring_started callback.
 */
struct vhu_vring {
	uint32_t num;		/* queue size; 0 until SET_VRING_NUM */

	/*
	 * Our pointers to the three parts, each valid for the whole part
	 * (16 * num, 6 + 2 * num, 6 + 8 * num bytes) and aligned as the spec
	 * requires; NULL while the addresses are unset or not in memory.
	 */
	void *desc;
	void *avail;
	void *used;

	/* The front-end's addresses, re-translated whenever memory changes. */
	uint64_t desc_qva;
	uint64_t avail_qva;
	uint64_t used_qva;
	uint64_t used_gpa;	/* guest-physical used ring: where its writes log */
	bool log;		/* VHU_VRING_F_LOG: log used-ring writes */
	bool addr_set;		/* SET_VRING_ADDR seen */

	/* Eventfds: -1 if none. The device owns and closes them. */
	int kick_fd;		/* guest -> us; -1 with kick_set: poll instead */
	int call_fd;		/* us -> guest; -1: the guest polls */
	int err_fd;
	bool kick_set;		/* SET_VRING_KICK seen since the last stop */

	/*
	 * Next available-ring index to process: SET_VRING_BASE sets it and
	 * GET_VRING_BASE reports it. While the ring runs the datapath owns
	 * it; in ring_stopped it must store its current position here.
	 */
	uint16_t last_avail_idx;

	bool started;
	bool enabled;
};

struct vhu_dev;

/* Callbacks into the datapath; any may be NULL. */
struct vhu_dev_ops {
	/* Ring @idx may be processed from now on (its fields are final). */
	void (*ring_started)(struct vhu_dev *dev, unsigned int idx);
	/*
	 * Ring @idx must not be touched after this returns; store the
	 * position in last_avail_idx (pending used entries flushed first).
	 */
	void (*ring_stopped)(struct vhu_dev *dev, unsigned int idx);
	/* SET_VRING_ENABLE changed ring @idx. */
	void (*ring_enabled)(struct vhu_dev *dev, unsigned int idx, bool enabled);
	/*
	 * The memory table changed (or was dropped). Every ring was stopped
	 * before and is restarted after, so this is for pointers the datapath
	 * keeps outside the rings.
	 */
	void (*mem_changed)(struct vhu_dev *dev);
	/* Migration finished: announce @mac (a RARP) on the guest's behalf. */
	void (*send_rarp)(struct vhu_dev *dev, const uint8_t mac[6]);
};

struct vhu_dev_config {
	const char *name;		/* for log lines (copied) */
	uint64_t features;		/* offered, within VHU_DEV_SUPPORTED_FEATURES */
	uint64_t protocol_features;	/* offered, within ..._PROTOCOL_FEATURES */
	unsigned int max_queue_pairs;	/* 1 .. VHU_MAX_QUEUE_PAIRS */
	uint32_t max_mtu;		/* NET_SET_MTU above this is refused */
	const struct vhu_dev_ops *ops;
	void *ctx;			/* the caller's, in dev->ctx */
};

struct vhu_dev {
	/* Fixed at init. */
	char name[64];
	uint64_t offered_features;
	uint64_t offered_protocol_features;
	unsigned int max_queue_pairs;
	unsigned int nrings;		/* 2 * max_queue_pairs */
	uint32_t max_mtu;
	const struct vhu_dev_ops *ops;
	void *ctx;

	/* The connection: -1 when no front-end is attached. */
	int conn_fd;
	struct vhu_msg rx;		/* a message still arriving */

	/* What the front-end negotiated and set. */
	uint64_t features;		/* SET_FEATURES */
	uint64_t protocol_features;	/* SET_PROTOCOL_FEATURES */
	bool features_set;
	bool owner;			/* SET_OWNER seen */
	uint32_t mtu;			/* NET_SET_MTU, 0 if never set */
	uint8_t rarp_mac[6];		/* last SEND_RARP */
	bool rarp_seen;
	int log_fd;			/* SET_LOG_FD eventfd, -1 if none */
	struct vhu_mem mem;
	struct vhu_vring rings[VHU_MAX_RINGS];

	char last_error[VHU_ERR_LEN];	/* why the last connection was closed */
};

enum vhu_dev_status {
	VHU_DEV_OK = 0,			/* all pending messages handled */
	VHU_DEV_CLOSED = 1,		/* the front-end hung up; device reset */
	VHU_DEV_PROTO_ERROR = -1,	/* we closed the connection; device reset */
	VHU_DEV_NOT_CONNECTED = -2,	/* no front-end attached */
};

/* Defaults: every supported feature, 8 queue pairs, MTU up to 9000. */
void vhu_dev_config_default(struct vhu_dev_config *cfg);

/*
 * Set up @dev with no front-end. Refuses (with @err) a configuration that
 * cannot work: unknown feature bits, a queue-pair count out of range,
 * LOG_ALL without LOG_SHMFD (we can only log into shared memory).
 */
int vhu_dev_init(struct vhu_dev *dev, const struct vhu_dev_config *cfg,
		 struct vhu_err *err);

/* Disconnect if needed and release everything. */
void vhu_dev_fini(struct vhu_dev *dev);

/*
 * Hand a connected socket to @dev (it becomes non-blocking and the
 * device's to close). Refused if a front-end is already attached; the
 * caller still owns @fd then.
 */
int vhu_dev_attach(struct vhu_dev *dev, int fd, struct vhu_err *err);

/*
 * Accept one pending connection on @listen_fd for @dev. Returns 1 if a
 * front-end was attached, 0 if none was (nothing pending, or a newcomer
 * refused), -1 if accept() failed (logged). While a front-end is attached
 * a newcomer is accepted and closed at once, with a log line: one
 * front-end per device, and leaving it queued would keep the listening
 * socket readable forever.
 */
int vhu_dev_accept(struct vhu_dev *dev, int listen_fd);

/* The socket to watch for readability, or -1. */
int vhu_dev_fd(const struct vhu_dev *dev);

bool vhu_dev_connected(const struct vhu_dev *dev);

/*
 * Handle what the front-end sent: every complete message, up to a budget
 * per call so one chatty front-end cannot starve the others (watch the fd
 * level-triggered). See enum vhu_dev_status.
 */
enum vhu_dev_status vhu_dev_handle_readable(struct vhu_dev *dev);

/*
 * Close the connection and reset everything the front-end set up: rings
 * stopped (callbacks run), their fds closed, memory and log unmapped,
 * negotiated features forgotten.
 */
void vhu_dev_disconnect(struct vhu_dev *dev);

/* Why the last connection was closed by us ("" if it never was). */
const char *vhu_dev_last_error(const struct vhu_dev *dev);

static inline bool vhu_dev_has_feature(const struct vhu_dev *dev,
				       unsigned int bit)
{
	return (dev->features & VHU_BIT(bit)) != 0;
}

static inline bool vhu_dev_has_protocol_feature(const struct vhu_dev *dev,
						unsigned int bit)
{
	return (dev->protocol_features & VHU_BIT(bit)) != 0;
}

/* Whether guest writes are to be logged now (migration in progress). */
static inline bool vhu_dev_logging(const struct vhu_dev *dev)
{
	return vhu_dev_has_feature(dev, VHU_F_LOG_ALL) && dev->mem.log != NULL;
}

#endif /* VHU_DEV_H */
