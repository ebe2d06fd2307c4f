/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_csum.h - the Internet checksum (RFC 1071), for the one job a
 * vhost-user-net backend has with it: finishing a checksum the sender left
 * partial (virtio-net NEEDS_CSUM) for a receiver that cannot do it.
 */
#ifndef VHU_CSUM_H
#define VHU_CSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Add @len bytes at @buf, read as big-endian 16-bit words (a trailing odd
 * byte padded with zero), to the running one's-complement sum @sum.
 */
uint32_t vhu_csum_add(uint32_t sum, const void *buf, size_t len);

/* Fold @sum to 16 bits and complement it: the value that goes on the wire. */
uint16_t vhu_csum_fold(uint32_t sum);

/*
 * NEEDS_CSUM completion: the field @offset bytes after @start holds the
 * pseudo-header sum; replace it with the checksum of [@start, @len), in
 * network order. A result of 0 is sent as 0xffff (the same number in one's
 * complement, and the only form UDP accepts). Returns 0, or -1 if the
 * field does not lie inside the frame (nothing is written).
 */
int vhu_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset);

#endif /* VHU_CSUM_H */
