/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vale_learn.h - the MAC learning table of a VALE switch.
 */
#ifndef _VALE_LEARN_H
#define _VALE_LEARN_H

#include "../nm_os.h"

#define VALE_LEARN_SIZE		1024	/* entries, a power of two */
#define VALE_BROADCAST		254	/* NM_BDG_BROADCAST */
#define VALE_NOPORT		255	/* NM_BDG_NOPORT */

/*
 * One entry is a single 64-bit word, MAC in the low 48 bits and port in the
 * high 16, so that senders racing on the same entry never see half of one
 * update and half of another.
 */
struct vale_learn {
	uint64_t e[VALE_LEARN_SIZE];
};

void vale_learn_init(struct vale_learn *t);
uint32_t vale_learn_hash(const uint8_t *mac);
/* The same hash of a MAC packed as vale_mac48() packs it. */
uint32_t vale_learn_hash48(uint64_t mac);

/* A MAC as a 48-bit number, first byte in the low bits. */
static inline uint64_t vale_mac48(const uint8_t *m)
{
	return (uint64_t)m[0] | (uint64_t)m[1] << 8 | (uint64_t)m[2] << 16 |
	       (uint64_t)m[3] << 24 | (uint64_t)m[4] << 32 |
	       (uint64_t)m[5] << 40;
}

/* Group bit of the first byte: broadcast and multicast. */
static inline bool vale_mac_group(uint64_t mac)
{
	return mac & 1;
}

/*
 * Learn the source of @eth (destination MAC, then source MAC) for
 * @src_port and return the destination port, or VALE_BROADCAST when the
 * destination is multicast or unknown.
 */
uint16_t vale_learn_fwd(struct vale_learn *t, const uint8_t *eth,
			uint16_t src_port, uint64_t *last_smac);
/* The two halves of vale_learn_fwd(), for callers that cache lookups. */
void vale_learn_src(struct vale_learn *t, uint64_t smac, uint16_t src_port,
		    uint64_t *last_smac);
uint16_t vale_learn_dst(struct vale_learn *t, uint64_t dmac);
/* Forget every entry pointing at @port (it left the switch). */
void vale_learn_forget(struct vale_learn *t, uint16_t port);

#endif /* _VALE_LEARN_H */
