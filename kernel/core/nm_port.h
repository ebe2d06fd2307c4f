/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_port.h - ports (anything an fd can bind to) and their kernel-side rings.
 *
 * A port owns two arrays of krings, one per direction; in each, the NIC rings
 * come first and the host rings follow (netmap-abi.md 2.5). A kring is the
 * kernel's view of one netmap_ring in shared memory: the validated copies of
 * what the user handed in (rhead, rcur, rtail) and the kernel's own progress
 * (hwcur, hwtail).
 */
#ifndef _NM_PORT_H
#define _NM_PORT_H

#include "../nm_os.h"
#include "nm_mem.h"

#define NM_TX	0
#define NM_RX	1

#define NM_MAX_MONITORS	4	/* per ring */

struct nm_port;
struct nm_kring;

/* Per-ring counters; summed per port by NETMAP_REQ_VALE_PORT_STATS. */
/*
 * Counter updates on the packet path. Building with -DNM_NO_STATS compiles
 * them out, which is how the benchmark measures what they cost.
 */
#ifdef NM_NO_STATS
#define NM_STAT(x)	do { } while (0)
#else
#define NM_STAT(x)	do { x; } while (0)
#endif

struct nm_kring_stats {
	uint64_t pkts;
	uint64_t bytes;
	uint64_t drop_no_room;
	uint64_t drop_bad_slot;
	uint64_t drop_hdr_mismatch;
};

struct nm_kring {
	struct netmap_ring *ring;	/* in shared memory; NULL when off */
	uint64_t ring_ofs;		/* of @ring inside the region */
	struct nm_port *port;
	uint32_t num_slots;
	uint32_t hwcur, hwtail;
	uint32_t rhead, rcur, rtail;
	uint16_t id;			/* index within its direction */
	uint8_t dir;			/* NM_TX or NM_RX */
	bool host;
	uint32_t users;			/* fds bound to this ring */
	bool exclusive;
	unsigned long busy;		/* a sync is running */
	nm_waitq_t wq;

	/*
	 * Receive side of switch ports: senders lease slots under @lock,
	 * copy without it, and publish in lease order (see vale.c).
	 */
	nm_spin_t lock;
	uint32_t lease_next;		/* first slot not yet leased */
	uint32_t *leases;		/* per lease: end slot once complete */
	uint32_t lease_first;		/* oldest unfinished lease */
	uint32_t lease_last;		/* next lease id to hand out */

	struct nm_kring_stats stats;
	void *scratch;			/* per-ring work area of the port type */
	struct nm_kring *peer;		/* pipes: the other end's ring */

	/* Copy monitors watching this ring (nm_monitor.c). */
	uint8_t nmon;
	uint32_t mon_pos;		/* first slot not yet shown to them */
	struct nm_kring *mon[NM_MAX_MONITORS];
	/*
	 * The one zero-copy monitor ring this ring lends its buffers to, and
	 * (TX) the first transmitted slot not lent yet.
	 */
	struct nm_kring *zmon;
	uint32_t zmon_pos;

	/* TX rings filled by the kernel (uplinks): first free slot. */
	uint32_t kfill;
};

struct nm_port_ops {
	/* Move packets: transmit [hwcur, rhead), or import and release. */
	int (*txsync)(struct nm_kring *k);
	int (*rxsync)(struct nm_kring *k);
	/* Called when the first fd binds (on) and the last unbinds (off). */
	int (*reg)(struct nm_port *p, bool on);
	/* Last reference dropped: free what the port type allocated. */
	void (*dtor)(struct nm_port *p);
	/*
	 * Optional: port types whose ports share a life (the two ends of a
	 * pipe) manage references and ring memory themselves.
	 */
	void (*get)(struct nm_port *p);
	void (*put)(struct nm_port *p);
	int (*activate)(struct nm_port *p);
	void (*deactivate)(struct nm_port *p);
	/*
	 * Optional: an application is about to bind the port (before its
	 * rings are set up), and one has unbound it (after). Persistent
	 * ports hand their rings between the stack and applications here.
	 */
	void (*app_enter)(struct nm_port *p);
	void (*app_leave)(struct nm_port *p);
};

#define NM_PORT_VALE		0x0001	/* an ephemeral or persistent switch port */
#define NM_PORT_NULL		0x0002
#define NM_PORT_PIPE		0x0004
#define NM_PORT_MONITOR		0x0008
#define NM_PORT_NIC		0x0010	/* a network device (generic adapter) */

struct nm_port {
	char name[NETMAP_REQ_IFNAMSIZ];
	const struct nm_port_ops *ops;
	uint32_t kind;			/* NM_PORT_* */
	struct nm_mem *mem;
	unsigned int refcnt;		/* under the control lock */
	unsigned int active_fds;	/* fds bound; rings exist while > 0 */

	uint16_t nrings[2];		/* NIC rings per direction */
	uint16_t nhost[2];		/* host rings per direction */
	uint32_t nslots[2];
	struct nm_kring *krings[2];	/* nrings + nhost each */

	uint32_t virt_hdr_len;
	uint32_t buf_size;		/* of its allocator */
	nm_waitq_t wq;			/* fds bound to several rings */

	/*
	 * A NIC attached to a switch: its switch ports (NIC side, host side),
	 * which the kernel feeds and drains. On those, @os_priv is the NIC.
	 */
	struct nm_port *wrap[2];
	void *os_priv;
	/*
	 * Ports the kernel drains (uplink sides, persistent ports the stack
	 * uses): called by a sender after it published frames in RX ring @k.
	 */
	void (*rx_ready)(struct nm_kring *k);
};

static inline uint32_t nm_port_nkrings(const struct nm_port *p, int dir)
{
	return p->nrings[dir] + p->nhost[dir];
}

static inline uint32_t nm_next(uint32_t i, uint32_t n)
{
	return i + 1 == n ? 0 : i + 1;
}

static inline uint32_t nm_prev(uint32_t i, uint32_t n)
{
	return i == 0 ? n - 1 : i - 1;
}

/* Distance from @a forward to @b on a ring of @n slots. */
static inline uint32_t nm_dist(uint32_t a, uint32_t b, uint32_t n)
{
	return b >= a ? b - a : b + n - a;
}

/* Port life cycle, under the control lock. */
int nm_port_init(struct nm_port *p, const char *name,
		 const struct nm_port_ops *ops, struct nm_mem *mem);
struct nm_port *nm_port_get(struct nm_port *p);
void nm_port_put(struct nm_port *p);

/* Ring memory: created with the first bound fd, destroyed with the last. */
int nm_port_rings_create(struct nm_port *p);
void nm_port_rings_delete(struct nm_port *p);
/* First fd bound / last fd gone: rings plus the type's reg() callback. */
int nm_port_activate(struct nm_port *p);
void nm_port_deactivate(struct nm_port *p);
/* Free the krings of a port whose type manages its own life (pipes). */
void nm_port_fini(struct nm_port *p);

/* Ring validation (nm_ring.c). Return a valid head, or num_slots if bad. */
uint32_t nm_txsync_prologue(struct nm_kring *k);
uint32_t nm_rxsync_prologue(struct nm_kring *k);
void nm_ring_reinit(struct nm_kring *k);
void nm_sync_finalize(struct nm_kring *k);
void nm_ring_init_state(struct nm_kring *k);

#endif /* _NM_PORT_H */
