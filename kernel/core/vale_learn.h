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
/*
 * Learn the source of @eth (destination MAC, then source MAC) for
 * @src_port and return the destination port, or VALE_BROADCAST when the
 * destination is multicast or unknown.
 */
uint16_t vale_learn_fwd(struct vale_learn *t, const uint8_t *eth,
			uint16_t src_port, uint64_t *last_smac);
/* Forget every entry pointing at @port (it left the switch). */
void vale_learn_forget(struct vale_learn *t, uint16_t port);

#endif /* _VALE_LEARN_H */
