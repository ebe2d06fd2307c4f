/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt.h - pkt-gen's pure helpers: frame construction, checksums, address
 * ranges, unit formatting, pcap files.  No netmap dependency, so the unit
 * tests can compile pkt.c directly.
 *
 * Frames are Ethernet II + IPv4 (20 bytes, DF, TTL 64) + UDP.  Offsets
 * below are from the start of the Ethernet header.
 */
#ifndef PKTGEN_PKT_H_
#define PKTGEN_PKT_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PG_ETH_LEN	14
#define PG_IP_OFS	PG_ETH_LEN
#define PG_IP_LEN	20
#define PG_UDP_OFS	(PG_IP_OFS + PG_IP_LEN)
#define PG_UDP_LEN	8
#define PG_PAYLOAD_OFS	(PG_UDP_OFS + PG_UDP_LEN)	/* 42 */
#define PG_MIN_FRAME	PG_PAYLOAD_OFS
#define PG_MAX_FRAME	65536
#define PG_VIRT_HDR_MAX	12

#define PG_DEFAULT_PORT	1234

/* Ping payload: sequence number and send time after the UDP header. */
#define PG_PING_SEQ_OFS	PG_PAYLOAD_OFS		/* u32, native order */
#define PG_PING_TS_OFS	(PG_PAYLOAD_OFS + 4)	/* u32 sec, u32 nsec */
#define PG_PING_MIN	(PG_PING_TS_OFS + 8)	/* 54 */

/* txseq/rxseq: 32-bit big-endian sequence at the start of the payload. */
#define PG_SEQ_OFS	PG_PAYLOAD_OFS
#define PG_SEQ_MIN	(PG_SEQ_OFS + 4)

/* An IPv4 address range with a port range, host byte order. */
struct pg_ip_range {
	const char	*name;		/* as given on the command line */
	uint32_t	start, end;
	uint16_t	port0, port1;
};

struct pg_mac_range {
	const char	*name;
	uint8_t		start[6];
	uint8_t		end[6];
};

/* What a template frame contains. */
struct pg_frame_cfg {
	uint8_t		src_mac[6];
	uint8_t		dst_mac[6];
	uint32_t	src_ip, dst_ip;		/* host order */
	uint16_t	src_port, dst_port;
	unsigned int	size;			/* Ethernet frame, no CRC */
};

/* One's complement sum of @len bytes as big-endian 16-bit words. */
uint32_t pg_csum_add(const void *data, size_t len, uint32_t sum);
/* Fold and complement: the checksum to store (host order value). */
uint16_t pg_csum_fold(uint32_t sum);
/* RFC 1624: checksum after one 16-bit word changed from @old to @new. */
uint16_t pg_csum_adjust(uint16_t csum, uint16_t old, uint16_t new_);

/* Checksums of a frame built by pg_build_frame (host order values). */
uint16_t pg_ip_csum(const uint8_t *frame);
uint16_t pg_udp_csum(const uint8_t *frame);

/* Big-endian accessors. */
uint16_t pg_get16(const uint8_t *p);
uint32_t pg_get32(const uint8_t *p);
void pg_put16(uint8_t *p, uint16_t v);
void pg_put32(uint8_t *p, uint32_t v);

/*
 * Build the frame described by @cfg at @frame (cfg->size bytes, at least
 * PG_MIN_FRAME): headers with correct IPv4 and UDP checksums and a text
 * payload whose last byte is 0.  Returns 0, or -1 if the size is bad.
 */
int pg_build_frame(uint8_t *frame, const struct pg_frame_cfg *cfg);

/*
 * Change the addresses and ports of a frame built by pg_build_frame,
 * keeping both checksums right.  A UDP checksum of 0 (none) stays 0.
 */
void pg_frame_set_src(uint8_t *frame, uint32_t ip, uint16_t port);
void pg_frame_set_dst(uint8_t *frame, uint32_t ip, uint16_t port);

/*
 * Rewrite the IPv4 and UDP lengths for a frame of @size bytes (shorter
 * than the one built): the IP checksum is recomputed and the UDP
 * checksum set to 0 (not computed), which IPv4 allows.
 */
void pg_frame_set_size(uint8_t *frame, unsigned int size);

/* Store a 32-bit sequence number in the payload, fixing the UDP sum. */
void pg_frame_set_seq(uint8_t *frame, uint32_t seq);
uint32_t pg_frame_get_seq(const uint8_t *frame);

/*
 * Advance to the next address pair: like an odometer, the source port
 * moves fastest, then the source address, the destination port, the
 * destination address.  @rnd_src / @rnd_dst replace the source /
 * destination with random values from @seed (nrand48) instead.
 */
void pg_frame_next_addr(uint8_t *frame, const struct pg_ip_range *src,
			const struct pg_ip_range *dst, int rnd_src,
			int rnd_dst, unsigned short seed[3]);

/*
 * Parse "a.b.c.d[:port][-a.b.c.d[:port]]" in r->name.  Missing ports are
 * PG_DEFAULT_PORT (the end port defaults to the start port); reversed
 * bounds are swapped.  Returns 1 if it is a real range (more than one
 * address or port), 0 for a single endpoint, -1 on syntax errors.
 */
int pg_parse_ip_range(struct pg_ip_range *r);

/* "xx:xx:xx:xx:xx:xx" (1 or 2 hex digits each).  0 or -1. */
int pg_parse_mac(const char *s, uint8_t mac[6]);
/* Fill both ends of @r from r->name.  0 or -1. */
int pg_parse_mac_range(struct pg_mac_range *r);

/*
 * Strict integer parsing for options: the whole string, decimal (or 0x
 * hex), within [lo, hi].  0 or -1.
 */
int pg_parse_long(const char *s, long lo, long hi, long *out);

/*
 * Human-readable number as pkt-gen prints it: "%.3f <unit>" scaled by
 * 1000s (K, M, G, T) when @normalize, else "%.0f " (no unit).
 * Returns @buf.
 */
const char *pg_norm(char *buf, size_t len, double val, int normalize);

/* Index of the highest set bit (0 for 0). */
unsigned int pg_msb64(uint64_t x);

/*
 * The first packet of a classic pcap file image (any of the four byte
 * order / resolution magics).  Returns 0 with *pkt and *caplen set, or
 * -1 if the image is not a pcap file or holds no complete packet.
 */
int pg_pcap_first(const uint8_t *file, size_t len, const uint8_t **pkt,
		  uint32_t *caplen);

/* Hex and ASCII dump of @len bytes, 16 per line, offsets in decimal. */
void pg_hexdump(FILE *f, const void *data, size_t len);

#endif /* PKTGEN_PKT_H_ */
