/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_port.h - the switch port a vhost-user-net device is bound to, as the
 * datapath sees it: netmap rings in the standard layout (struct
 * netmap_ring, its slots, buffers found with NETMAP_BUF) plus the two
 * operations that hand them to the other side (TXSYNC, RXSYNC).
 *
 * Everything the datapath touches is ordinary memory in the netmap ABI
 * layout, so tests build rings in plain memory and supply the sync
 * operations themselves; the real thing (vhu_port_netmap.c) maps them from
 * /dev/netmap. The datapath never calls netmap or libnetmap directly.
 *
 * Frames on this port carry a 12-byte virtio-net header in front of the
 * Ethernet frame, in the first slot, continued over NS_MOREFRAG slots when
 * longer than a buffer.
 */
#ifndef VHU_PORT_H
#define VHU_PORT_H

#include <stdint.h>
#include <net/netmap_user.h>

#include "vhu_log.h"

/* Rings per direction we serve: one per queue pair at most. */
#define VHU_PORT_MAX_RINGS	16

/*
 * RX slots of a VM port the back-end creates, shared by its RX rings, unless
 * its name sets them (@conf:rx-slots= or slots=). Senders never wait for a
 * receiver: what does not fit while the back-end thread is off the CPU is
 * dropped, so one ring gets 4096 slots (8 MB of buffers), more rings less
 * each, never fewer than the kernel's 1024.
 */
#define VHU_PORT_RX_SLOTS	4096
#define VHU_PORT_RX_SLOTS_MIN	1024

struct vhu_port;

struct vhu_port_ops {
	/* Hand every TX slot between the old and the new head to the port. */
	int (*txsync)(struct vhu_port *p);
	/* Release RX slots before head and learn of new ones (tail). */
	int (*rxsync)(struct vhu_port *p);
	/* Undo the open; the rings are gone afterwards. */
	void (*close)(struct vhu_port *p);
};

struct vhu_port {
	char name[64];
	/*
	 * Readable when RX rings hold slots past their cur, writable when a
	 * TX ring has room: what the event loop watches. -1 if there is no
	 * such fd (tests); the datapath then runs when it is told to.
	 */
	int fd;
	unsigned int ntx;
	unsigned int nrx;
	struct netmap_ring *tx[VHU_PORT_MAX_RINGS];
	struct netmap_ring *rx[VHU_PORT_MAX_RINGS];
	const struct vhu_port_ops *ops;
	void *priv;		/* the implementation's */
};

static inline int vhu_port_txsync(struct vhu_port *p)
{
	return p->ops->txsync(p);
}

static inline int vhu_port_rxsync(struct vhu_port *p)
{
	return p->ops->rxsync(p);
}

static inline void vhu_port_close(struct vhu_port *p)
{
	if (p->ops != NULL && p->ops->close != NULL)
		p->ops->close(p);
	p->ops = NULL;
}

/*
 * Open netmap port @spec (e.g. "vale0:vm1") with @rings ring pairs unless
 * the spec says otherwise, and make it a port whose frames carry the
 * 12-byte virtio-net header (NETMAP_REQ_PORT_HDR_SET). A port that already
 * has a header length (reopened, or persistent) is accepted too
 * (NR_ACCEPT_VNET_HDR). Frames that were queued before the header length
 * was set have no header and are discarded.
 */
int vhu_port_netmap_open(struct vhu_port *p, const char *spec,
			 unsigned int rings, struct vhu_err *err);

#endif /* VHU_PORT_H */
