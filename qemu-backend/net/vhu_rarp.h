/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_rarp.h - the frame a migrated guest is announced with: a broadcast
 * RARP request (EtherType 0x8035) from its MAC, which makes every learning
 * switch on the way, ours included, point that MAC at the new port.
 */
#ifndef VHU_RARP_H
#define VHU_RARP_H

#include <stddef.h>
#include <stdint.h>

/* The minimum Ethernet frame (without FCS): RARP's 42 bytes are padded. */
#define VHU_RARP_FRAME_LEN	60
#define VHU_ETHERTYPE_RARP	0x8035

/*
 * Write the announcement for @mac into @buf (at least VHU_RARP_FRAME_LEN
 * bytes). Returns the frame length.
 */
size_t vhu_rarp_build(uint8_t *buf, const uint8_t mac[6]);

#endif /* VHU_RARP_H */
