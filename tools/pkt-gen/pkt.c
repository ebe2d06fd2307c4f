// SPDX-License-Identifier: BSD-2-Clause
/*
 * pkt.c - pkt-gen's pure helpers: frames, checksums, address ranges,
 * number formatting, pcap images.  See pkt.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

static const char pg_payload_text[] = "vale pkt-gen test payload\n";

/* ------------------------------------------------------------------ */
/* Byte order */

uint16_t pg_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t pg_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

void pg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void pg_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ------------------------------------------------------------------ */
/* Internet checksum */

static uint32_t pg_fold32(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint32_t pg_csum_add(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (i < len)
		s += (uint32_t)p[i] << 8;	/* odd byte: high half */
	return pg_fold32(s);
}

uint16_t pg_csum_fold(uint32_t sum)
{
	return (uint16_t)~pg_fold32(sum);
}

uint16_t pg_csum_adjust(uint16_t csum, uint16_t old, uint16_t new_)
{
	uint64_t s = (uint16_t)~csum;

	s += (uint16_t)~old;
	s += new_;
	return (uint16_t)~pg_fold32(s);
}

uint16_t pg_ip_csum(const uint8_t *frame)
{
	const uint8_t *ip = frame + PG_IP_OFS;
	uint32_t s;

	s = pg_csum_add(ip, 10, 0);		/* up to the checksum */
	s = pg_csum_add(ip + 12, PG_IP_LEN - 12, s);
	return pg_csum_fold(s);
}

uint16_t pg_udp_csum(const uint8_t *frame)
{
	const uint8_t *ip = frame + PG_IP_OFS;
	const uint8_t *udp = frame + PG_UDP_OFS;
	uint16_t ulen = pg_get16(udp + 4);
	uint32_t s;
	uint16_t c;

	if (ulen < PG_UDP_LEN)
		return 0;
	s = pg_csum_add(ip + 12, 8, 0);		/* source, destination */
	s += 17 + ulen;				/* protocol, length */
	s = pg_csum_add(udp, 6, s);		/* header without checksum */
	s = pg_csum_add(udp + PG_UDP_LEN, ulen - PG_UDP_LEN, s);
	c = pg_csum_fold(s);
	return c == 0 ? 0xffff : c;	/* 0 means "no checksum" */
}

/* ------------------------------------------------------------------ */
/* Frames */

int pg_build_frame(uint8_t *f, const struct pg_frame_cfg *cfg)
{
	unsigned int size = cfg->size;
	uint8_t *ip = f + PG_IP_OFS, *udp = f + PG_UDP_OFS;
	size_t plen, i, tl = sizeof(pg_payload_text) - 1;

	if (size < PG_MIN_FRAME || size > PG_MAX_FRAME)
		return -1;

	memcpy(f, cfg->dst_mac, 6);
	memcpy(f + 6, cfg->src_mac, 6);
	pg_put16(f + 12, 0x0800);

	ip[0] = 0x45;			/* version 4, 5 words */
	ip[1] = 0x10;			/* low delay */
	pg_put16(ip + 2, (uint16_t)(size - PG_ETH_LEN));
	pg_put16(ip + 4, 0);		/* id */
	pg_put16(ip + 6, 0x4000);	/* don't fragment */
	ip[8] = 64;			/* ttl */
	ip[9] = 17;			/* UDP */
	pg_put16(ip + 10, 0);
	pg_put32(ip + 12, cfg->src_ip);
	pg_put32(ip + 16, cfg->dst_ip);

	pg_put16(udp, cfg->src_port);
	pg_put16(udp + 2, cfg->dst_port);
	pg_put16(udp + 4, (uint16_t)(size - PG_UDP_OFS));
	pg_put16(udp + 6, 0);

	plen = size - PG_PAYLOAD_OFS;
	for (i = 0; i < plen; i += tl)
		memcpy(f + PG_PAYLOAD_OFS + i, pg_payload_text,
		       plen - i < tl ? plen - i : tl);
	if (plen > 0)
		f[size - 1] = '\0';

	pg_put16(ip + 10, pg_ip_csum(f));
	pg_put16(udp + 6, pg_udp_csum(f));
	return 0;
}

/* Replace the 16-bit word at @p, adjusting the checksums at @c1, @c2. */
static void pg_word_update(uint8_t *p, uint16_t v, uint8_t *c1, uint8_t *c2)
{
	uint16_t old = pg_get16(p);

	if (old == v)
		return;
	pg_put16(p, v);
	if (c1 != NULL)
		pg_put16(c1, pg_csum_adjust(pg_get16(c1), old, v));
	if (c2 != NULL && pg_get16(c2) != 0) {
		uint16_t c = pg_csum_adjust(pg_get16(c2), old, v);

		pg_put16(c2, c == 0 ? 0xffff : c);
	}
}

static void pg_frame_set_ep(uint8_t *f, int ip_ofs, int port_ofs,
			    uint32_t ip, uint16_t port)
{
	uint8_t *ipsum = f + PG_IP_OFS + 10, *udpsum = f + PG_UDP_OFS + 6;

	pg_word_update(f + ip_ofs, (uint16_t)(ip >> 16), ipsum, udpsum);
	pg_word_update(f + ip_ofs + 2, (uint16_t)ip, ipsum, udpsum);
	pg_word_update(f + port_ofs, port, NULL, udpsum);
}

void pg_frame_set_src(uint8_t *f, uint32_t ip, uint16_t port)
{
	pg_frame_set_ep(f, PG_IP_OFS + 12, PG_UDP_OFS, ip, port);
}

void pg_frame_set_dst(uint8_t *f, uint32_t ip, uint16_t port)
{
	pg_frame_set_ep(f, PG_IP_OFS + 16, PG_UDP_OFS + 2, ip, port);
}

void pg_frame_set_size(uint8_t *f, unsigned int size)
{
	pg_put16(f + PG_IP_OFS + 2, (uint16_t)(size - PG_ETH_LEN));
	pg_put16(f + PG_IP_OFS + 10, 0);
	pg_put16(f + PG_IP_OFS + 10, pg_ip_csum(f));
	pg_put16(f + PG_UDP_OFS + 4, (uint16_t)(size - PG_UDP_OFS));
	pg_put16(f + PG_UDP_OFS + 6, 0);
}

void pg_frame_set_seq(uint8_t *f, uint32_t seq)
{
	uint8_t *udpsum = f + PG_UDP_OFS + 6;

	pg_word_update(f + PG_SEQ_OFS, (uint16_t)(seq >> 16), NULL, udpsum);
	pg_word_update(f + PG_SEQ_OFS + 2, (uint16_t)seq, NULL, udpsum);
}

uint32_t pg_frame_get_seq(const uint8_t *f)
{
	return pg_get32(f + PG_SEQ_OFS);
}

void pg_frame_next_addr(uint8_t *f, const struct pg_ip_range *src,
			const struct pg_ip_range *dst, int rnd_src,
			int rnd_dst, unsigned short seed[3])
{
	uint32_t ip;
	uint16_t port;

	ip = pg_get32(f + PG_IP_OFS + 12);
	port = pg_get16(f + PG_UDP_OFS);
	if (rnd_src) {
		pg_frame_set_src(f, (uint32_t)nrand48(seed) << 1 ^
				    (uint32_t)nrand48(seed),
				 (uint16_t)nrand48(seed));
	} else if (port < src->port1 && port >= src->port0) {
		pg_frame_set_src(f, ip, (uint16_t)(port + 1));
		return;
	} else if (ip < src->end && ip >= src->start) {
		pg_frame_set_src(f, ip + 1, src->port0);
		return;
	} else {
		pg_frame_set_src(f, src->start, src->port0);	/* wrap */
	}

	ip = pg_get32(f + PG_IP_OFS + 16);
	port = pg_get16(f + PG_UDP_OFS + 2);
	if (rnd_dst) {
		pg_frame_set_dst(f, (uint32_t)nrand48(seed) << 1 ^
				    (uint32_t)nrand48(seed),
				 (uint16_t)nrand48(seed));
	} else if (port < dst->port1 && port >= dst->port0) {
		pg_frame_set_dst(f, ip, (uint16_t)(port + 1));
	} else if (ip < dst->end && ip >= dst->start) {
		pg_frame_set_dst(f, ip + 1, dst->port0);
	} else {
		pg_frame_set_dst(f, dst->start, dst->port0);
	}
}

/* ------------------------------------------------------------------ */
/* Command line values */

int pg_parse_long(const char *s, long lo, long hi, long *out)
{
	int base = 10;
	char *end;
	long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	errno = 0;
	v = strtol(s, &end, base);
	if (errno != 0 || *end != '\0' || end == s || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "a.b.c.d[:port]" of length @len at @s. */
static int pg_parse_endpoint(const char *s, size_t len, uint32_t *ip,
			     uint16_t *port)
{
	char buf[64], *colon;
	struct in_addr a;
	long p;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	colon = strchr(buf, ':');
	if (colon != NULL) {
		*colon = '\0';
		if (pg_parse_long(colon + 1, 0, 65535, &p) < 0)
			return -1;
		*port = (uint16_t)p;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

int pg_parse_ip_range(struct pg_ip_range *r)
{
	const char *s = r->name, *dash;
	uint32_t t;
	uint16_t tp;

	if (s == NULL)
		return -1;
	dash = strchr(s, '-');
	r->port0 = PG_DEFAULT_PORT;
	if (pg_parse_endpoint(s, dash ? (size_t)(dash - s) : strlen(s),
			      &r->start, &r->port0) < 0)
		return -1;
	r->end = r->start;
	r->port1 = r->port0;
	if (dash != NULL &&
	    pg_parse_endpoint(dash + 1, strlen(dash + 1), &r->end,
			      &r->port1) < 0)
		return -1;
	if (r->start > r->end) {
		t = r->start;
		r->start = r->end;
		r->end = t;
	}
	if (r->port0 > r->port1) {
		tp = r->port0;
		r->port0 = r->port1;
		r->port1 = tp;
	}
	return (r->start != r->end || r->port0 != r->port1) ? 1 : 0;
}

static int pg_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pg_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < 6; i++) {
		int h = pg_hexval(*s), l;

		if (h < 0)
			return -1;
		s++;
		l = pg_hexval(*s);
		if (l >= 0) {
			h = h * 16 + l;
			s++;
		}
		m[i] = (uint8_t)h;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	if (*s != '\0')
		return -1;
	memcpy(mac, m, 6);
	return 0;
}

int pg_parse_mac_range(struct pg_mac_range *r)
{
	if (pg_parse_mac(r->name, r->start) < 0)
		return -1;
	memcpy(r->end, r->start, 6);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Output */

const char *pg_norm(char *buf, size_t len, double val, int normalize)
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	unsigned int i = 0;

	if (normalize) {
		while (val >= 1000 && i + 1 < sizeof(units) / sizeof(units[0])) {
			val /= 1000;
			i++;
		}
		snprintf(buf, len, "%.3f %s", val, units[i]);
	} else {
		snprintf(buf, len, "%.0f %s", val, units[0]);
	}
	return buf;
}

unsigned int pg_msb64(uint64_t x)
{
	return x == 0 ? 0 : 63 - (unsigned int)__builtin_clzll(x);
}

void pg_hexdump(FILE *f, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		char line[96];
		int n = snprintf(line, sizeof(line), "%5zu: ", i);

		for (j = 0; j < 16; j++) {
			if (i + j < len)
				n += snprintf(line + n, sizeof(line) - (size_t)n,
					      "%02x ", p[i + j]);
			else
				n += snprintf(line + n, sizeof(line) - (size_t)n,
					      "   ");
		}
		for (j = 0; j < 16 && i + j < len; j++)
			line[n++] = isprint(p[i + j]) ? (char)p[i + j] : '.';
		line[n] = '\0';
		fprintf(f, "%s\n", line);
	}
}

/* ------------------------------------------------------------------ */
/* pcap files */

int pg_pcap_first(const uint8_t *file, size_t len, const uint8_t **pkt,
		  uint32_t *caplen)
{
	uint32_t magic, incl;
	int swap;

	if (len < 24 + 16)
		return -1;
	memcpy(&magic, file, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = 1;
	else
		return -1;
	memcpy(&incl, file + 24 + 8, 4);
	if (swap)
		incl = __builtin_bswap32(incl);
	if (incl == 0 || incl > PG_MAX_FRAME || incl > len - 40)
		return -1;
	*pkt = file + 40;
	*caplen = incl;
	return 0;
}
