// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_csum.c - one's-complement checksums over frames in memory.
 */
#include <string.h>

#include "vhu_csum.h"

uint32_t vhu_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	/*
	 * 64 bits of headroom: 2^48 words before a carry could be lost, far
	 * beyond any frame, so the folding is done once at the end.
	 */
	uint64_t acc = sum;

	while (len >= 2) {
		acc += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len != 0)
		acc += (uint32_t)p[0] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t vhu_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int vhu_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset)
{
	uint16_t c;

	/* Written so that no sum can wrap: each term is checked first. */
	if (start > len || offset > len - start || len - start - offset < 2)
		return -1;
	c = vhu_csum_fold(vhu_csum_add(0, frame + start, len - start));
	if (c == 0)
		c = 0xffff;
	frame[start + offset] = (uint8_t)(c >> 8);
	frame[start + offset + 1] = (uint8_t)c;
	return 0;
}
