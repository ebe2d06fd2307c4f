// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_rarp.c - building the RARP announcement of a guest's MAC.
 */
#include <string.h>

#include "vhu_rarp.h"

/* Offsets of the fields RFC 903 inherits from ARP (RFC 826). */
#define ETH_HLEN	14
#define ARP_HTYPE	(ETH_HLEN + 0)
#define ARP_PTYPE	(ETH_HLEN + 2)
#define ARP_HLEN	(ETH_HLEN + 4)
#define ARP_PLEN	(ETH_HLEN + 5)
#define ARP_OPER	(ETH_HLEN + 6)
#define ARP_SHA		(ETH_HLEN + 8)
#define ARP_THA		(ETH_HLEN + 18)

#define RARP_OP_REQUEST_REVERSE	3

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t vhu_rarp_build(uint8_t *buf, const uint8_t mac[6])
{
	/* Padding and both protocol addresses (unknown, so 0) stay zero. */
	memset(buf, 0, VHU_RARP_FRAME_LEN);
	memset(buf, 0xff, 6);
	memcpy(buf + 6, mac, 6);
	put16(buf + 12, VHU_ETHERTYPE_RARP);
	put16(buf + ARP_HTYPE, 1);		/* Ethernet */
	put16(buf + ARP_PTYPE, 0x0800);		/* IPv4 */
	buf[ARP_HLEN] = 6;
	buf[ARP_PLEN] = 4;
	put16(buf + ARP_OPER, RARP_OP_REQUEST_REVERSE);
	/* "Who am I": the sender asks about itself. */
	memcpy(buf + ARP_SHA, mac, 6);
	memcpy(buf + ARP_THA, mac, 6);
	return VHU_RARP_FRAME_LEN;
}
