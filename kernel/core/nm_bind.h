/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_bind.h - what one open /dev/netmap file is bound to, and the entry
 * points that act on a bound file: REGISTER, sync ioctls, poll.
 */
#ifndef _NM_BIND_H
#define _NM_BIND_H

#include "nm_port.h"

struct nm_priv {
	struct nm_port *port;		/* NULL until REGISTER succeeds */
	struct netmap_if *nifp;
	uint64_t nifp_ofs;
	uint32_t first[2], last[2];	/* bound krings: [first, last) */
	uint64_t flags;			/* NR_* flags of the registration */
	unsigned long busy_poll;	/* unused by now, keeps layout stable */
};

/* The control lock: every control request runs under it. */
void nm_ctrl_lock(void);
void nm_ctrl_unlock(void);

/* Bind @priv as REGISTER asks; under the control lock. */
int nm_bind_register(struct nm_priv *priv, struct nmreq_header *hdr,
		     struct nmreq_register *reg);
/* Undo a binding; under the control lock. */
void nm_bind_release(struct nm_priv *priv);

/* NIOCTXSYNC / NIOCRXSYNC. */
int nm_bind_sync(struct nm_priv *priv, int dir);
/* poll(): returns the ready mask; @pt is passed to nm_os_poll_wait. */
unsigned int nm_bind_poll(struct nm_priv *priv, unsigned int events, void *pt);

/*
 * Resolve a port name the way REGISTER does (netmap-abi.md 5.1), creating
 * VALE ports when @create; returns a referenced port.
 */
int nm_port_lookup(const char *name, struct nmreq_register *reg, bool create,
		   struct nm_port **pp);

#endif /* _NM_BIND_H */
