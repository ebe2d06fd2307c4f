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

uint32_t vale_learn_hash48(uint64_t mac)
{
	uint32_t a = 0x9e3779b9, b = 0x9e3779b9, c = 0;

	b += (uint32_t)(mac >> 40 & 0xff) << 8;
	b += (uint32_t)(mac >> 32 & 0xff);
	a += (uint32_t)(mac >> 24 & 0xff) << 24;
	a += (uint32_t)(mac >> 16 & 0xff) << 16;
	a += (uint32_t)(mac >> 8 & 0xff) << 8;
	a += (uint32_t)(mac & 0xff);
	vale_mix(a, b, c);
	return c & (VALE_LEARN_SIZE - 1);
}

uint32_t vale_learn_hash(const uint8_t *mac)
{
	return vale_learn_hash48(vale_mac48(mac));
}

void vale_learn_src(struct vale_learn *t, uint64_t smac, uint16_t src_port,
		    uint64_t *last_smac)
{
	if (vale_mac_group(smac) || smac == *last_smac)
		return;
	NM_WRITE_ONCE(t->e[vale_learn_hash48(smac)],
		      smac | (uint64_t)src_port << 48);
	*last_smac = smac;
}

uint16_t vale_learn_dst(struct vale_learn *t, uint64_t dmac)
{
	uint64_t e;

	if (vale_mac_group(dmac))
		return VALE_BROADCAST;
	e = NM_READ_ONCE(t->e[vale_learn_hash48(dmac)]);
	if ((e & VALE_MAC_MASK) == dmac && (e >> 48) < VALE_BROADCAST)
		return (uint16_t)(e >> 48);
	return VALE_BROADCAST;
}

uint16_t vale_learn_fwd(struct vale_learn *t, const uint8_t *eth,
			uint16_t src_port, uint64_t *last_smac)
{
	vale_learn_src(t, vale_mac48(eth + 6), src_port, last_smac);
	return vale_learn_dst(t, vale_mac48(eth));
}

void vale_learn_forget(struct vale_learn *t, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < VALE_LEARN_SIZE; i++)
		if ((t->e[i] >> 48) == port)
			t->e[i] = VALE_EMPTY;
}
