/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vale_fwd.h - VALE internals shared by the control code (vale.c) and the
 * forwarding code (vale_fwd.c).
 */
#ifndef _VALE_FWD_H
#define _VALE_FWD_H

#include "vale.h"

#define VALE_BATCH_MAX	1024
#define VALE_NIL	0xffff		/* end of a packet list */

struct vale_port;

struct vale_bridge {
	char name[VALE_NAMSZ];
	uint16_t namelen;
	uint16_t idx;
	bool used;
	void *ns;			/* network namespace, referenced while used */
	nm_rwsem_t lock;		/* ports[], active[], rx_on of ports */
	uint16_t nactive;
	uint16_t active[VALE_MAXPORTS];	/* indices of ports in use */
	struct vale_port *ports[VALE_MAXPORTS];
	struct vale_learn learn;
};

/* A port's place in one switch. */
struct vale_member {
	struct vale_bridge *b;
	uint16_t idx;			/* in b->ports[] */
	uint64_t last_smac;		/* last source MAC learned there */
};

#define VALE_MAX_MEMBERSHIPS	2

/*
 * An ephemeral port lives in exactly one switch. A persistent port (a
 * network device made by VALE_NEWIF) exists on its own and joins up to two
 * switches by VALE_ATTACH; what it transmits goes to every switch it is in.
 */
struct vale_port {
	struct nm_port up;
	char pname[16];			/* port part of "valeX:pname" */
	bool persistent;
	bool kernel;			/* an uplink's side: fed and drained by the OS */
	bool kfd;			/* persistent, held active for the stack */
	bool rx_on;			/* has rings, may receive */
	uint8_t nm;			/* memberships in use */
	struct vale_member m[VALE_MAX_MEMBERSHIPS];
};

static inline struct vale_port *vale_port_of(struct nm_port *p)
{
	return (struct vale_port *)((char *)p - offsetof(struct vale_port, up));
}

bool vale_port_is_vale(const struct nm_port *p);

/* One fragment of a packet being forwarded. */
struct vale_ft {
	const char *data;		/* kernel address, or NULL if user */
	uint64_t uaddr;			/* user address for NS_INDIRECT */
	uint16_t len;
	uint8_t more;			/* NS_MOREFRAG */
	uint8_t nfrags;			/* on a packet's first fragment */
	uint16_t next;			/* next packet for the same destination */
	uint8_t vh_flags, vh_gso;	/* virtio-net header of the packet */
	uint8_t need;			/* slots at the current destination */
	uint32_t plen;			/* bytes of the packet, header included */
};

/* Work area of one TX ring of a switch port (kring->scratch). */
struct vale_scratch {
	struct vale_ft ft[VALE_BATCH_MAX + VALE_MAX_FRAGS];
	uint16_t lhead[VALE_MAXPORTS + 1], ltail[VALE_MAXPORTS + 1];
	uint16_t ndst;
	uint16_t dst[VALE_MAXPORTS];	/* destinations with unicast traffic */
};

void vale_scratch_init(struct vale_scratch *sc);

#endif /* _VALE_FWD_H */
