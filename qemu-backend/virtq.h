/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtq.h - the device side of a virtio 1.x split virtqueue, as a vhost-user
 * backend sees it: rings and buffers live in guest memory that a possibly
 * hostile guest writes concurrently.
 *
 * Trust model: every index, flag, length and address read from the rings is
 * validated before use; anything a correct driver never produces marks the
 * queue broken (virtq_broken()), after which the queue does nothing until it
 * is initialised again. A broken queue never affects another queue: all state
 * lives in struct virtq. Guest-supplied values are read once into locals so
 * a guest rewriting a descriptor while we walk it cannot make checked and
 * used values differ.
 *
 * Only the little-endian VERSION_1 layout is supported (legacy guest-endian
 * rings and the 10-byte legacy net header are not), and only split rings:
 * the protocol layer does not offer VIRTIO_F_RING_PACKED.
 *
 * A struct virtq is not locked: one thread (the datapath's, while the ring
 * runs) drives it at a time.
 *
 * Typical life of a queue, driven from the vhu_dev callbacks:
 *
 *	ring_started:  virtq_init() from the struct vhu_vring fields and the
 *	               negotiated features, virtq_set_base(last_avail_idx),
 *	               then virtq_enable_kicks() and process once, since kicks
 *	               may have been missed while the ring was stopped
 *	running:       virtq_pop*() ... virtq_push() ... virtq_flush(), then
 *	               virtq_should_call() to decide on the call fd
 *	ring_stopped:  virtq_flush(), last_avail_idx = virtq_get_base()
 *
 * A broken queue (virtq_broken() != NULL) is the datapath's cue to mark the
 * device as needing a reset (or drop the connection); other queues and
 * ports are unaffected.
 */
#ifndef VIRTQ_H
#define VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct vhu_mem;

/* Ring layout (virtio 1.x, little-endian). */
#define VIRTQ_DESC_F_NEXT	1	/* chain continues at .next */
#define VIRTQ_DESC_F_WRITE	2	/* device-writable (otherwise device-readable) */
#define VIRTQ_DESC_F_INDIRECT	4	/* .addr/.len is a table of descriptors */

#define VIRTQ_AVAIL_F_NO_INTERRUPT	1	/* driver: no used notifications please */
#define VIRTQ_USED_F_NO_NOTIFY		1	/* device: no kicks please */

/* Feature bits this engine interprets (bit numbers, for 1ULL << bit). */
#define VIRTQ_F_NET_MRG_RXBUF	15
#define VIRTQ_F_INDIRECT_DESC	28
#define VIRTQ_F_EVENT_IDX	29
#define VIRTQ_F_VERSION_1	32

/* Largest split-ring queue size; sizes must also be powers of two. */
#define VIRTQ_MAX_SIZE		32768

/*
 * Segments per element: a descriptor becomes one segment per guest memory
 * region it touches. 256 is far above what net drivers use (Linux needs
 * MAX_SKB_FRAGS + 2) and keeps struct virtq_elem at about 6 KiB.
 */
#define VIRTQ_MAX_IOV		256

/*
 * Entries an indirect table may hold. The spec bounds chains by the queue
 * size, but Linux builds indirect tables by scatter-list size regardless of
 * the ring size, so a fixed generous cap is used instead; it bounds the
 * work a hostile table can cause per element.
 */
#define VIRTQ_MAX_INDIRECT	1024

struct virtq_desc {
	uint64_t addr;		/* le64 guest-physical */
	uint32_t len;		/* le32 */
	uint16_t flags;		/* le16 VIRTQ_DESC_F_* */
	uint16_t next;		/* le16 */
};

struct virtq_avail {
	uint16_t flags;		/* le16 VIRTQ_AVAIL_F_* */
	uint16_t idx;		/* le16 free-running */
	uint16_t ring[];	/* [num], then used_event (EVENT_IDX) */
};

struct virtq_used_elem {
	uint32_t id;		/* le32 head of the chain */
	uint32_t len;		/* le32 bytes written into the buffer */
};

struct virtq_used {
	uint16_t flags;		/* le16 VIRTQ_USED_F_* */
	uint16_t idx;		/* le16 free-running */
	struct virtq_used_elem ring[];	/* [num], then le16 avail_event */
};

/* Bytes each ring part occupies for queue size @num (what to map/translate). */
static inline size_t virtq_desc_bytes(unsigned int num)
{
	return (size_t)16 * num;
}

static inline size_t virtq_avail_bytes(unsigned int num)
{
	return 6 + (size_t)2 * num;
}

static inline size_t virtq_used_bytes(unsigned int num)
{
	return 6 + (size_t)8 * num;
}

/*
 * The event-index test of the spec: true if @event lies in the window of
 * indices [@old, @new_idx) that was just crossed, all modulo 2^16.
 */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx,
				    uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

/*
 * One popped descriptor chain. Device-readable segments come first
 * (iov[0 .. out_num)), device-writable ones after them
 * (iov[out_num .. out_num + in_num)); iov_gpa[i] is the guest-physical
 * address of iov[i], kept for dirty logging.
 */
struct virtq_elem {
	uint16_t id;		/* head index: give it back to virtq_push() */
	uint16_t out_num;
	uint16_t in_num;
	uint16_t ndesc;		/* descriptors visited, indirect ones included */
	uint32_t out_len;	/* bytes in the readable segments */
	uint32_t in_len;	/* bytes in the writable segments */
	struct iovec iov[VIRTQ_MAX_IOV];
	uint64_t iov_gpa[VIRTQ_MAX_IOV];
};

/* What the protocol layer knows when it starts a queue. */
struct virtq_setup {
	struct vhu_mem *mem;	/* translation and dirty log; outlives the queue */
	unsigned int num;	/* SET_VRING_NUM */
	void *desc;		/* our pointers to the three parts, each mapped */
	void *avail;		/* for virtq_*_bytes(num) bytes */
	void *used;
	uint64_t used_gpa;	/* guest-physical address of the used ring */
	uint64_t features;	/* negotiated feature bits */
	bool log;		/* VHOST_VRING_F_LOG: log used-ring writes */
};

struct virtq {
	/* Fixed by virtq_init(). */
	struct vhu_mem *mem;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint64_t used_gpa;
	uint64_t features;
	uint16_t num;
	uint16_t mask;		/* num - 1: ring slot of a free-running index */
	bool ready;		/* virtq_init() succeeded */
	bool log;		/* dirty-log used ring and buffer writes */
	bool event_idx;		/* VIRTQ_F_EVENT_IDX negotiated */
	bool indirect;		/* VIRTQ_F_INDIRECT_DESC negotiated */

	/* Progress. */
	uint16_t last_avail_idx;	/* next avail entry to pop */
	uint16_t avail_idx;	/* avail->idx as last read (and validated) */
	uint16_t used_idx;	/* used->idx as last published */
	uint16_t used_pending;	/* pushed entries not yet published */
	uint32_t inflight;	/* popped, neither pushed nor un-popped */

	/* Notification state. */
	uint16_t signalled_used;	/* used_idx at the last call decision */
	bool signalled_valid;	/* false: next decision calls unconditionally */
	bool kicks_off;		/* we set VIRTQ_USED_F_NO_NOTIFY */

	/* Set once, by the first violation; cleared only by virtq_init(). */
	bool broken;
	const char *broken_reason;
};

/*
 * Start a queue. Checks the size (power of two, 1..32768), the alignment of
 * the ring parts (16/2/4 bytes) and that VERSION_1 was negotiated; reads
 * the used index the guest's memory holds (the driver zeroes it on reset;
 * after a reconnect it is where the previous backend stopped) and clears
 * VIRTQ_USED_F_NO_NOTIFY in case a previous backend left kicks off.
 * last_avail_idx starts at 0: call virtq_set_base() next.
 * Returns 0, or -EINVAL with the queue left not ready.
 */
int virtq_init(struct virtq *vq, const struct virtq_setup *s);

/* Forget everything: the queue is not ready until virtq_init(). */
void virtq_reset(struct virtq *vq);

/*
 * SET_VRING_BASE: the next available-ring index to process, after
 * virtq_init(). A consistent ring has at most a queue's worth of chains
 * between the used index (read by virtq_init) and the next one to pop; a
 * base further ahead cannot be right, and the queue resumes from the used
 * index instead (returns 1; 0 when @base was taken). DPDK's virtio_user
 * sends base 0 when it reconnects to a new back-end under a running queue:
 * taken at its word the queue would break at once ("avail index moved
 * backwards"). Resuming from the used index, as DPDK's own vhost library
 * does, processes once more the chains the old back-end had taken but not
 * returned. Before virtq_init() the base is taken as it is.
 */
int virtq_set_base(struct virtq *vq, uint16_t base);

/*
 * GET_VRING_BASE: the next available-ring index we would process. Popped
 * elements not yet pushed are lost to the guest at this point; the datapath
 * pushes and flushes everything before the queue is stopped.
 */
uint16_t virtq_get_base(const struct virtq *vq);

/* Turn used-ring and buffer dirty logging on or off (VHOST_VRING_F_LOG). */
void virtq_set_log(struct virtq *vq, bool on);

/* Why the queue is broken, or NULL while it is healthy. */
const char *virtq_broken(const struct virtq *vq);

/*
 * Mark the queue broken (the datapath may find violations of its own, such
 * as a malformed header). The first reason sticks. @why must be a string
 * that outlives the queue (a literal).
 */
void virtq_mark_broken(struct virtq *vq, const char *why);

/*
 * Entries the guest has made available and we have not popped, reading
 * avail->idx afresh. Returns that count, or -EIO if the queue is (now)
 * broken or not ready.
 */
int virtq_avail_count(struct virtq *vq);

/*
 * Pop the next chain into @e. Returns 1 with @e filled, 0 if the ring is
 * empty, -EIO if the queue is or just became broken (nothing is popped).
 */
int virtq_pop(struct virtq *vq, struct virtq_elem *e);

/*
 * Pop up to @max chains into e[0..). avail->idx is read once for the whole
 * batch. Returns the number popped (0 if empty) or -EIO if the queue is or
 * became broken (then none of e[] may be used).
 */
int virtq_pop_batch(struct virtq *vq, struct virtq_elem *e, unsigned int max);

/*
 * Give back the last @k popped elements, not yet pushed, so the next pop
 * returns them again (mergeable RX when a packet cannot be completed).
 * Returns 0, or -EINVAL if fewer than @k elements are in flight.
 */
int virtq_unpop(struct virtq *vq, unsigned int k);

/*
 * Return chain @id with @len bytes written into it. The entry lands in the
 * used ring at once but the guest sees it only at virtq_flush(). Returns 0,
 * -EIO if broken, -EINVAL if @id is not a valid head or nothing is in flight.
 */
int virtq_push(struct virtq *vq, uint16_t id, uint32_t len);

/*
 * Publish every pushed entry with one release store of used->idx, and log
 * the entries and the index when logging is on. Returns the number of
 * entries published, or -EIO if broken.
 */
int virtq_flush(struct virtq *vq);

/*
 * Whether the guest wants a used-buffer notification (call fd) for what
 * was published since the previous decision: used_event with EVENT_IDX,
 * VIRTQ_AVAIL_F_NO_INTERRUPT otherwise. The first decision after start is
 * always yes, so a stale used_event cannot stall the guest.
 */
bool virtq_should_call(struct virtq *vq);

/*
 * Ask the guest not to kick (VIRTQ_USED_F_NO_NOTIFY; with EVENT_IDX simply
 * stop moving avail_event, which the guest then never crosses again).
 */
void virtq_disable_kicks(struct virtq *vq);

/*
 * Ask for kicks again (clear NO_NOTIFY, or set avail_event to the next
 * entry we will pop), then re-read avail->idx after a full barrier: if the
 * guest added buffers meanwhile it may not have kicked, so true means "more
 * work is pending, keep processing". A broken queue answers false.
 */
bool virtq_enable_kicks(struct virtq *vq);

/* Mark guest-physical [gpa, gpa + len) dirty if logging is on. */
void virtq_log(struct virtq *vq, uint64_t gpa, uint64_t len);

/*
 * Log bytes [@off, @off + @len) of @e's device-writable area, for the
 * datapath after it wrote there by itself.
 */
void virtq_log_in(struct virtq *vq, const struct virtq_elem *e, size_t off,
		  size_t len);

/*
 * Copy up to @len bytes starting @off bytes into @e's device-readable area
 * into @buf. Returns the number of bytes copied (less at the end of it).
 */
size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *buf,
		       size_t len);

/*
 * Copy @len bytes of @buf into @e's device-writable area starting @off bytes
 * in, logging what was written. Returns the number of bytes written (less
 * at the end of it).
 */
size_t virtq_elem_write(struct virtq *vq, const struct virtq_elem *e,
			size_t off, const void *buf, size_t len);

/*
 * The virtio-net header: with VERSION_1 it is always these 12 bytes,
 * num_buffers included (and 1 unless MRG_RXBUF spreads a packet).
 */
struct virtq_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;	/* le16 */
	uint16_t gso_size;	/* le16 */
	uint16_t csum_start;	/* le16 */
	uint16_t csum_offset;	/* le16 */
	uint16_t num_buffers;	/* le16 */
};

#define VIRTQ_NET_HDR_LEN		12
#define VIRTQ_NET_HDR_F_NEEDS_CSUM	1
#define VIRTQ_NET_HDR_F_DATA_VALID	2
#define VIRTQ_NET_HDR_F_RSC_INFO	4
#define VIRTQ_NET_HDR_GSO_NONE		0
#define VIRTQ_NET_HDR_GSO_TCPV4		1
#define VIRTQ_NET_HDR_GSO_UDP		3
#define VIRTQ_NET_HDR_GSO_TCPV6		4
#define VIRTQ_NET_HDR_GSO_UDP_L4	5
#define VIRTQ_NET_HDR_GSO_ECN		0x80

/*
 * TX: split a transmit element into its header (*@hdr, fields still
 * little-endian) and the frame, copied into @buf (at most @max bytes).
 * Returns the frame length, -EINVAL if the element holds less than a
 * header, -EMSGSIZE if the frame is longer than @max (then @max bytes were
 * copied). Bad packets are the datapath's to drop; the queue stays usable.
 */
ssize_t virtq_tx_gather(const struct virtq_elem *e, struct virtq_net_hdr *hdr,
			void *buf, size_t max);

/*
 * RX into already-popped elements: write @hdr (num_buffers filled in by us)
 * followed by @len bytes of @data across e[0], e[1], ..., filling each
 * element completely before the next, as MRG_RXBUF requires. used_len[i]
 * receives what to push for e[i]; elements past the returned count are
 * untouched (give them back with virtq_unpop()). Returns the number of
 * elements used, -ENOSPC if e[0..n) cannot hold it all (nothing was
 * written), or -EIO if a mergeable buffer is smaller than the header (the
 * spec forbids it; the queue is now broken). Without MRG_RXBUF negotiated
 * only e[0] may be used.
 */
int virtq_rx_scatter(struct virtq *vq, struct virtq_elem *e, unsigned int n,
		     const struct virtq_net_hdr *hdr, const void *data,
		     size_t len, uint32_t *used_len);

/*
 * RX in one call: pop as many elements as the packet needs (one without
 * MRG_RXBUF), write header and data, push them (publish with virtq_flush()).
 * Returns the number of buffers used, or
 *   -ENOBUFS   not enough buffers available now (all given back),
 *   -EMSGSIZE  without MRG_RXBUF, the next buffer is too small: the packet
 *              is to be dropped (the buffer was given back),
 *   -EIO       the queue is broken (e.g. a mergeable buffer smaller than
 *              the header, which the spec forbids).
 */
int virtq_rx_enqueue(struct virtq *vq, const struct virtq_net_hdr *hdr,
		     const void *data, size_t len);

/*
 * The same with the frame in pieces (@niov of them, e.g. the slots of a
 * multi-slot netmap frame), copied straight into the guest's buffers.
 */
int virtq_rx_enqueue_iov(struct virtq *vq, const struct virtq_net_hdr *hdr,
			 const struct iovec *iov, unsigned int niov);

#endif /* VIRTQ_H */
