// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_nethdr.c - virtio-net header policy at the guest/switch boundary.
 */
#include <endian.h>
#include <stdbool.h>

#include "vhu_csum.h"
#include "vhu_dev.h"
#include "vhu_nethdr.h"

/* Not offered by the protocol library, so never negotiated: named for clarity. */
#define VHU_F_NET_GUEST_USO4	54
#define VHU_F_NET_GUEST_USO6	55
#define VHU_F_NET_HOST_USO	56

static bool has(uint64_t features, unsigned int bit)
{
	return (features & VHU_BIT(bit)) != 0;
}

/* The checksum field must lie inside the frame (both bytes of it). */
static bool csum_in_frame(const struct virtq_net_hdr *h, size_t len)
{
	size_t start = le16toh(h->csum_start), off = le16toh(h->csum_offset);

	return start <= len && off <= len - start && len - start - off >= 2;
}

/*
 * Whether a GSO kind is allowed: @tso4/@tso6/@ufo/@ecn are the feature
 * bits of the direction at hand (HOST_* for TX, GUEST_* for RX).
 */
static bool gso_allowed(uint8_t gso_type, uint64_t features, unsigned int tso4,
			unsigned int tso6, unsigned int ufo, unsigned int uso4,
			unsigned int uso6, unsigned int ecn)
{
	uint8_t kind = gso_type & (uint8_t)~VIRTQ_NET_HDR_GSO_ECN;

	if ((gso_type & VIRTQ_NET_HDR_GSO_ECN) && !has(features, ecn))
		return false;
	switch (kind) {
	case VIRTQ_NET_HDR_GSO_TCPV4:
		return has(features, tso4);
	case VIRTQ_NET_HDR_GSO_TCPV6:
		return has(features, tso6);
	case VIRTQ_NET_HDR_GSO_UDP:
		return has(features, ufo);
	case VIRTQ_NET_HDR_GSO_UDP_L4:
		/* USO is per IP version on receive, one bit on transmit. */
		return has(features, uso4) && has(features, uso6);
	default:
		return false;
	}
}

enum vhu_nethdr_verdict vhu_nethdr_tx_check(struct virtq_net_hdr *h,
					    uint64_t features, size_t len)
{
	if (len < VHU_NETHDR_MIN_FRAME)
		return VHU_NETHDR_BAD;
	if (h->flags & VIRTQ_NET_HDR_F_NEEDS_CSUM) {
		if (!has(features, VHU_F_NET_CSUM) || !csum_in_frame(h, len))
			return VHU_NETHDR_BAD;
	}
	if (h->gso_type != VIRTQ_NET_HDR_GSO_NONE) {
		if (!gso_allowed(h->gso_type, features, VHU_F_NET_HOST_TSO4,
				 VHU_F_NET_HOST_TSO6, VHU_F_NET_HOST_UFO,
				 VHU_F_NET_HOST_USO, VHU_F_NET_HOST_USO,
				 VHU_F_NET_HOST_ECN))
			return VHU_NETHDR_BAD;
		/* A segment size of 0 would make every receiver loop or divide by it. */
		if (h->gso_size == 0)
			return VHU_NETHDR_BAD;
	}
	h->flags &= VIRTQ_NET_HDR_F_NEEDS_CSUM;
	h->num_buffers = 0;
	return VHU_NETHDR_OK;
}

enum vhu_nethdr_verdict vhu_nethdr_rx_fixup(struct virtq_net_hdr *h,
					    uint64_t features, uint8_t *frame,
					    size_t len, bool *csum_done)
{
	bool guest_csum = has(features, VHU_F_NET_GUEST_CSUM);

	*csum_done = false;
	if (len < VHU_NETHDR_MIN_FRAME)
		return VHU_NETHDR_BAD;
	if ((h->flags & VIRTQ_NET_HDR_F_NEEDS_CSUM) && !csum_in_frame(h, len))
		return VHU_NETHDR_BAD;
	if (h->gso_type != VIRTQ_NET_HDR_GSO_NONE) {
		if (!gso_allowed(h->gso_type, features, VHU_F_NET_GUEST_TSO4,
				 VHU_F_NET_GUEST_TSO6, VHU_F_NET_GUEST_UFO,
				 VHU_F_NET_GUEST_USO4, VHU_F_NET_GUEST_USO6,
				 VHU_F_NET_GUEST_ECN))
			return VHU_NETHDR_NO_GSO;
		if (h->gso_size == 0)
			return VHU_NETHDR_BAD;
	}
	if (guest_csum) {
		/* RSC_INFO reuses the checksum fields; only a guest with RSC asked. */
		h->flags &= VIRTQ_NET_HDR_F_NEEDS_CSUM | VIRTQ_NET_HDR_F_DATA_VALID;
		return VHU_NETHDR_OK;
	}
	if (h->flags & VIRTQ_NET_HDR_F_NEEDS_CSUM) {
		if (vhu_csum_complete(frame, len, le16toh(h->csum_start),
				      le16toh(h->csum_offset)) < 0)
			return VHU_NETHDR_BAD;
		*csum_done = true;
	}
	/* Without GUEST_CSUM the flags must be 0 (DATA_VALID included). */
	h->flags = 0;
	h->csum_start = 0;
	h->csum_offset = 0;
	return VHU_NETHDR_OK;
}
