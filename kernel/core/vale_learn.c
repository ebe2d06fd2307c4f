// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vale_learn.c - source learning and destination lookup.
 *
 * No aging and no collision chains: a colliding MAC overwrites the entry and
 * the loser floods until it is learned again, which keeps the lookup to one
 * load on the packet path.
 */
#include "vale_learn.h"

#define VALE_MAC_MASK	0x0000ffffffffffffULL
#define VALE_EMPTY	((uint64_t)0xffff << 48)	/* port that never matches */

void vale_learn_init(struct vale_learn *t)
{
	uint32_t i;

	for (i = 0; i < VALE_LEARN_SIZE; i++)
		t->e[i] = VALE_EMPTY;
}

/* Bob Jenkins' 96-bit mix, the hash used by bridges since FreeBSD's if_bridge. */
#define vale_mix(a, b, c)                                                   \
	do {                                                                \
		a -= b; a -= c; a ^= (c >> 13);                             \
		b -= c; b -= a; b ^= (a << 8);                              \
		c -= a; c -= b; c ^= (b >> 13);                             \
		a -= b; a -= c; a ^= (c >> 12);                             \
		b -= c; b -= a; b ^= (a << 16);                             \
		c -= a; c -= b; c ^= (b >> 5);                              \
		a -= b; a -= c; a ^= (c >> 3);                              \
		b -= c; b -= a; b ^= (a << 10);                             \
		c -= a; c -= b; c ^= (b >> 15);                             \
	} while (0)

uint32_t vale_learn_hash(const uint8_t *mac)
{
	uint32_t a = 0x9e3779b9, b = 0x9e3779b9, c = 0;

	b += (uint32_t)mac[5] << 8;
	b += mac[4];
	a += (uint32_t)mac[3] << 24;
	a += (uint32_t)mac[2] << 16;
	a += (uint32_t)mac[1] << 8;
	a += mac[0];
	vale_mix(a, b, c);
	return c & (VALE_LEARN_SIZE - 1);
}

static uint64_t vale_mac48(const uint8_t *m)
{
	return (uint64_t)m[0] | (uint64_t)m[1] << 8 | (uint64_t)m[2] << 16 |
	       (uint64_t)m[3] << 24 | (uint64_t)m[4] << 32 |
	       (uint64_t)m[5] << 40;
}

uint16_t vale_learn_fwd(struct vale_learn *t, const uint8_t *eth,
			uint16_t src_port, uint64_t *last_smac)
{
	uint64_t smac = vale_mac48(eth + 6), dmac, e;

	if (!(eth[6] & 1) && smac != *last_smac) {
		NM_WRITE_ONCE(t->e[vale_learn_hash(eth + 6)],
			      smac | (uint64_t)src_port << 48);
		*last_smac = smac;
	}
	if (eth[0] & 1)
		return VALE_BROADCAST;
	dmac = vale_mac48(eth);
	e = NM_READ_ONCE(t->e[vale_learn_hash(eth)]);
	if ((e & VALE_MAC_MASK) == dmac && (e >> 48) < VALE_BROADCAST)
		return (uint16_t)(e >> 48);
	return VALE_BROADCAST;
}

void vale_learn_forget(struct vale_learn *t, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < VALE_LEARN_SIZE; i++)
		if ((t->e[i] >> 48) == port)
			t->e[i] = VALE_EMPTY;
}
