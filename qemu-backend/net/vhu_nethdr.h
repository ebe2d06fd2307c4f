/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_nethdr.h - what a virtio-net header may say, in each direction,
 * given the features the guest negotiated.
 *
 * The switch port carries the 12-byte header with every frame, so offloads
 * cross it untouched: a guest's partial checksum or large (GSO) frame
 * reaches the other ports as such. The two edges are ours to police:
 *
 *   TX (guest -> port): the guest may only use offloads it negotiated
 *   (CSUM for NEEDS_CSUM, HOST_TSO4/6/ECN for GSO) and its offsets must
 *   lie inside the frame; anything else is a malformed frame, dropped.
 *
 *   RX (port -> guest): what the guest cannot take is fixed up or
 *   dropped: a partial checksum is completed in software if the guest did
 *   not negotiate GUEST_CSUM; a GSO frame is dropped if the guest did not
 *   negotiate the matching GUEST_TSO4/TSO6/UFO/ECN (segmenting it here
 *   would be a TCP stack's work).
 */
#ifndef VHU_NETHDR_H
#define VHU_NETHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtq.h"

/* Shortest frame we pass: an Ethernet header. */
#define VHU_NETHDR_MIN_FRAME	14

enum vhu_nethdr_verdict {
	VHU_NETHDR_OK = 0,
	VHU_NETHDR_BAD = -1,		/* malformed: drop */
	VHU_NETHDR_NO_GSO = -2,		/* RX: a GSO kind the guest cannot take */
};

/*
 * Check the header @h of a frame of @len bytes the guest sent, under the
 * negotiated @features; on success @h is normalised (flags other than
 * NEEDS_CSUM cleared, num_buffers 0: neither means anything on TX).
 */
enum vhu_nethdr_verdict vhu_nethdr_tx_check(struct virtq_net_hdr *h,
					    uint64_t features, size_t len);

/*
 * Make header @h of the frame @frame (@len bytes, writable) fit a guest
 * with @features; *@csum_done says whether the checksum was completed
 * here. num_buffers is left for the ring code.
 */
enum vhu_nethdr_verdict vhu_nethdr_rx_fixup(struct virtq_net_hdr *h,
					    uint64_t features, uint8_t *frame,
					    size_t len, bool *csum_done);

#endif /* VHU_NETHDR_H */
