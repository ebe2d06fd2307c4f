/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_net.h - the datapath of one vhost-user-net device bound to one switch
 * port: guest TX queues feed the port's TX rings, the port's RX rings feed
 * guest RX queues.
 *
 *   queue pair i:  guest ring 2i + 1 (TX)  ->  port TX ring i
 *                  port RX ring i          ->  guest ring 2i (RX)
 *
 * (With fewer port rings than queue pairs, rings are shared modulo their
 * count; port RX ring k feeds queue pair k modulo the queue pairs.)
 *
 * Events. A struct vhu_net has an epoll fd of its own (vhu_net_fd()) that
 * the caller's loop watches next to the device's socket; when it is
 * readable, vhu_net_poll() does the work. Inside it watches the kick fds
 * of running rings (guest TX: frames to send; guest RX: buffers to fill)
 * and the port's fd (frames arrived; room in a TX ring again). The guest
 * hears back through the call fds. Work is done in bounded batches so one
 * busy ring cannot starve the rest; vhu_net_timeout_ms() tells the caller
 * when work is left and it must not sleep.
 *
 * Back-pressure. Guest RX without buffers leaves the frames in the port's
 * RX ring (the switch drops what no longer fits, as for any slow port) and
 * waits for the guest's kick. A full port TX ring leaves the guest's
 * frames in its ring and waits for the port fd to be writable.
 *
 * Trust. The guest's rings are checked by virtq; a ring that breaks the
 * rules marks this device broken (logged, its error fd signalled): no ring
 * of the device is touched again until the front-end stops every ring
 * (a device reset, or a disconnect). Other devices are not affected; port
 * frames for a broken or stopped device are dropped.
 */
#ifndef VHU_NET_H
#define VHU_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vhu_dev.h"
#include "vhu_port.h"
#include "virtq.h"

/* Chains popped per batch, and frames per ring per vhu_net_poll() call. */
#define VHU_NET_BATCH		32
#define VHU_NET_BUDGET		256
/* TX coalescing: only a run of a full burst or more says the guest is busy. */
#define VHU_NET_COALESCE_MIN	32
#define VHU_NET_COALESCE_MAX_MS	100
/* A kick fd readable again right after this many reads in a row is polled instead. */
#define VHU_NET_STICKY_KICKS	64

/* Frames and drops, over the life of the device. */
struct vhu_net_stats {
	uint64_t tx_pkts;		/* guest -> port */
	uint64_t tx_bytes;		/* frame bytes, without the header */
	uint64_t tx_drop_bad;		/* malformed header, runt, oversize */
	uint64_t tx_drop_disabled;	/* sent on a disabled ring */
	uint64_t tx_stalls;		/* port TX ring full: waited */
	uint64_t tx_naps;		/* coalescing: looked again later, not at a kick */
	uint64_t rx_pkts;		/* port -> guest */
	uint64_t rx_bytes;
	uint64_t rx_csum;		/* checksums completed for the guest */
	uint64_t rx_drop_gso;		/* GSO the guest did not negotiate */
	uint64_t rx_drop_bad;		/* malformed header or slot chain */
	uint64_t rx_drop_size;		/* larger than the guest's buffer */
	uint64_t rx_drop_noqueue;	/* no running, enabled, healthy queue */
	uint64_t rx_stalls;		/* no guest buffers: waited */
	uint64_t rx_naps;		/* coalescing: a stall looked at again later */
	uint64_t announces;		/* RARP frames injected */
	uint64_t announce_drops;	/* ... and ones that found no room */
	uint64_t mem_faults;		/* front-ends dropped: memory vanished */
};

struct vhu_net_config {
	const char *name;		/* log prefix (copied) */
	unsigned int queue_pairs;	/* 1 .. VHU_MAX_QUEUE_PAIRS */
	/*
	 * Features to offer, within VHU_DEV_SUPPORTED_FEATURES; 0 means all
	 * of them (tests narrow this to play older guests).
	 */
	uint64_t features;
	uint32_t max_mtu;		/* 0: the largest the port can carry, capped at 9000 */
	/*
	 * Coalescing, 0 (off) .. VHU_NET_COALESCE_MAX_MS: a TX ring whose run
	 * took at least VHU_NET_COALESCE_MIN chains, and an RX ring that ran
	 * out of guest buffers, are looked at again after this many ms, their
	 * kicks left off meanwhile.
	 */
	unsigned int coalesce_ms;
};

/* One guest ring as the datapath runs it. */
struct vhu_net_ring {
	struct virtq vq;
	bool running;		/* virtq_init() succeeded at ring_started */
	int watched_fd;		/* kick fd in our epoll set, or -1 */
	int nb_call_fd;		/* call / error fd last made non-blocking */
	int nb_err_fd;
	unsigned int sticky_kicks;	/* kicks in a row the fd stayed readable */
};

struct vhu_net {
	struct vhu_dev dev;	/* the protocol side; dev.ctx points back here */
	struct vhu_port *port;
	unsigned int queue_pairs;
	int epfd;
	uint32_t port_events;	/* what the port fd is watched for */

	struct vhu_net_ring rings[VHU_MAX_RINGS];
	uint32_t pending;	/* rings (bit = index) with work left */
	uint32_t tx_blocked;	/* TX rings waiting for room in the port */
	uint32_t polled;	/* running rings without a kick fd */
	uint32_t napping;	/* rings coalescing: kicks off, looked at later */
	unsigned int coalesce_ms;
	bool port_fresh;	/* the port's poll synced its rings just now */

	bool broken;		/* see "Trust" above */
	bool mem_fault;		/* guest memory unusable: never touch it */
	char broken_reason[128];

	size_t max_frame;	/* header + frame bytes a port chain can hold */
	size_t scratch_len;	/* header + frame bytes a port RX chain can hold */
	uint8_t *scratch;	/* [scratch_len]: a multi-slot RX frame, linear */
	struct virtq_elem *elems;	/* [VHU_NET_BATCH] */

	struct vhu_net_stats stats;
};

/*
 * Set up @net for @port (which must outlive it) with no front-end yet;
 * attach one with vhu_dev_attach(&net->dev, ...) or vhu_dev_accept().
 */
int vhu_net_init(struct vhu_net *net, const struct vhu_net_config *cfg,
		 struct vhu_port *port, struct vhu_err *err);

/* Disconnect any front-end and free everything (the port stays open). */
void vhu_net_fini(struct vhu_net *net);

/* The fd to watch for readability. */
int vhu_net_fd(const struct vhu_net *net);

/*
 * Handle whatever vhu_net_fd() reported and run the work left over from
 * earlier calls. Never blocks.
 */
void vhu_net_poll(struct vhu_net *net);

/* Busy polling: process every running ring now, kicked or not. */
void vhu_net_poll_all(struct vhu_net *net);

/*
 * How long the caller may sleep before calling vhu_net_poll() again
 * without an event: 0 (work is left), 1 (a ring runs without a kick fd
 * and must be polled), or -1 (until an event).
 */
int vhu_net_timeout_ms(const struct vhu_net *net);

/*
 * Inject one RARP announcement of @mac into the port, so the switch learns
 * where @mac is now. Returns 0, or -1 if the port had no room.
 */
int vhu_net_announce(struct vhu_net *net, const uint8_t mac[6]);

/*
 * A SIGBUS cut a call short (vhu_guard.h): the front-end shrank the memory
 * it shares. Drop it without touching that memory again (no final used
 * index written), log it and count it; the caller then handles the end of
 * the connection as any other (wait for the next, reconnect).
 */
void vhu_net_mem_fault(struct vhu_net *net);

/* Why the device is broken, or NULL. */
const char *vhu_net_broken(const struct vhu_net *net);

#endif /* VHU_NET_H */
