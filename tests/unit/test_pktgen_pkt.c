// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_pktgen_pkt.c - pkt-gen's pure helpers (tools/pkt-gen/pkt.c):
 * frame layout, IPv4/UDP checksums (full and incremental), address
 * ranges and their iteration, MAC and number parsing, unit formatting,
 * pcap images.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* The helpers are not in a library: compile them into this test. */
#include "../../tools/pkt-gen/pkt.c"

/* Reference checksum: plain 16-bit big-endian word sum, folded. */
static uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t start)
{
	uint32_t s = start;

	for (size_t i = 0; i < len; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* A received frame is valid if both sums verify (UDP 0: no checksum). */
static void assert_frame_valid(const uint8_t *f)
{
	const uint8_t *ip = f + PG_IP_OFS, *udp = f + PG_UDP_OFS;
	uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	uint32_t pseudo;

	assert_int_equal(ref_sum(ip, 20, 0), 0xffff);
	if (udp[6] == 0 && udp[7] == 0)
		return;
	pseudo = ref_sum(ip + 12, 8, 17u + ulen);
	assert_int_equal(ref_sum(udp, ulen, pseudo), 0xffff);
}

static void default_cfg(struct pg_frame_cfg *c, unsigned int size)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	memset(c, 0, sizeof(*c));
	memcpy(c->src_mac, src, 6);
	memset(c->dst_mac, 0xff, 6);
	c->src_ip = 0x0a000001;		/* 10.0.0.1 */
	c->dst_ip = 0x0a010001;		/* 10.1.0.1 */
	c->src_port = 1234;
	c->dst_port = 4321;
	c->size = size;
}

static void test_csum_known_vector(void **state)
{
	/* The classic example header: checksum 0xb861. */
	static const uint8_t hdr[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	uint8_t frame[64] = { 0 };

	(void)state;
	assert_int_equal(pg_csum_fold(pg_csum_add(hdr, 20, 0)), 0xb861);
	memcpy(frame + PG_IP_OFS, hdr, 20);
	frame[PG_IP_OFS + 10] = 0x12;	/* ignored by pg_ip_csum */
	assert_int_equal(pg_ip_csum(frame), 0xb861);

	/* Odd length: the last byte is the high half of a word. */
	assert_int_equal(pg_csum_add("\x01", 1, 0), 0x0100);
	assert_int_equal(pg_csum_add("\xff\xff\x00\x01", 4, 0), 0x0001);
	/* RFC 1624 adjust agrees with recomputation. */
	{
		uint8_t h2[20];
		uint16_t c;

		memcpy(h2, hdr, 20);
		pg_put16(h2 + 10, 0xb861);
		c = pg_csum_adjust(0xb861, 0x0073, 0x0074);
		pg_put16(h2 + 2, 0x0074);
		pg_put16(h2 + 10, 0);
		assert_int_equal(c, pg_csum_fold(pg_csum_add(h2, 20, 0)));
	}
}

static void test_build_frame(void **state)
{
	struct pg_frame_cfg c;
	uint8_t *f = calloc(1, PG_MAX_FRAME + 1);
	static const unsigned int sizes[] = { 42, 43, 60, 61, 1514, 2048,
					      9000, 65535, 65536 };

	(void)state;
	assert_non_null(f);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned int sz = sizes[i];

		default_cfg(&c, sz);
		memset(f, 0xaa, PG_MAX_FRAME + 1);
		assert_int_equal(pg_build_frame(f, &c), 0);
		assert_memory_equal(f, c.dst_mac, 6);
		assert_memory_equal(f + 6, c.src_mac, 6);
		assert_int_equal(pg_get16(f + 12), 0x0800);
		assert_int_equal(f[PG_IP_OFS], 0x45);
		assert_int_equal(pg_get16(f + PG_IP_OFS + 2), sz - 14);
		assert_int_equal(pg_get16(f + PG_IP_OFS + 6), 0x4000);
		assert_int_equal(f[PG_IP_OFS + 8], 64);
		assert_int_equal(f[PG_IP_OFS + 9], 17);
		assert_int_equal(pg_get32(f + PG_IP_OFS + 12), c.src_ip);
		assert_int_equal(pg_get32(f + PG_IP_OFS + 16), c.dst_ip);
		assert_int_equal(pg_get16(f + PG_UDP_OFS), 1234);
		assert_int_equal(pg_get16(f + PG_UDP_OFS + 2), 4321);
		assert_int_equal(pg_get16(f + PG_UDP_OFS + 4), sz - 34);
		assert_int_equal(pg_get16(f + PG_IP_OFS + 10), pg_ip_csum(f));
		assert_int_equal(pg_get16(f + PG_UDP_OFS + 6), pg_udp_csum(f));
		assert_true(pg_get16(f + PG_UDP_OFS + 6) != 0);
		assert_frame_valid(f);
		if (sz > 42)
			assert_int_equal(f[sz - 1], 0);
		assert_int_equal(f[sz], 0xaa);	/* nothing beyond */
	}
	default_cfg(&c, 41);
	assert_int_equal(pg_build_frame(f, &c), -1);
	default_cfg(&c, PG_MAX_FRAME + 1);
	assert_int_equal(pg_build_frame(f, &c), -1);
	free(f);
}

static void test_incremental_updates(void **state)
{
	unsigned short seed[3] = { 1, 2, 3 };
	struct pg_frame_cfg c;
	uint8_t f[1514], g[1514];

	(void)state;
	default_cfg(&c, sizeof(f));
	assert_int_equal(pg_build_frame(f, &c), 0);
	for (int i = 0; i < 20000; i++) {
		uint32_t ip = (uint32_t)nrand48(seed) << 1 ^
			      (uint32_t)nrand48(seed);
		uint16_t port = (uint16_t)nrand48(seed);

		if (i & 1)
			pg_frame_set_src(f, ip, port);
		else
			pg_frame_set_dst(f, ip, port);
		if (i % 7 == 0)
			pg_frame_set_seq(f, (uint32_t)nrand48(seed));
		assert_frame_valid(f);
		assert_int_equal(pg_get16(f + PG_IP_OFS + 10), pg_ip_csum(f));
		assert_true(pg_get16(f + PG_UDP_OFS + 6) != 0);
	}

	/* The same content built from scratch has the same IP checksum. */
	c.src_ip = pg_get32(f + PG_IP_OFS + 12);
	c.dst_ip = pg_get32(f + PG_IP_OFS + 16);
	c.src_port = pg_get16(f + PG_UDP_OFS);
	c.dst_port = pg_get16(f + PG_UDP_OFS + 2);
	assert_int_equal(pg_build_frame(g, &c), 0);
	assert_memory_equal(f, g, PG_PAYLOAD_OFS - 2);	/* but UDP sum */

	/* Sequence numbers. */
	pg_frame_set_seq(f, 0xdeadbeef);
	assert_int_equal(pg_frame_get_seq(f), 0xdeadbeef);
	assert_int_equal(pg_get32(f + PG_SEQ_OFS), 0xdeadbeef);
	assert_frame_valid(f);
}

static void test_set_size(void **state)
{
	struct pg_frame_cfg c;
	uint8_t f[1000];

	(void)state;
	default_cfg(&c, sizeof(f));
	assert_int_equal(pg_build_frame(f, &c), 0);
	pg_frame_set_size(f, 100);
	assert_int_equal(pg_get16(f + PG_IP_OFS + 2), 86);
	assert_int_equal(pg_get16(f + PG_UDP_OFS + 4), 66);
	assert_int_equal(pg_get16(f + PG_UDP_OFS + 6), 0);	/* none */
	assert_frame_valid(f);
	/* Without a UDP checksum, later updates keep it at 0. */
	pg_frame_set_src(f, 0x01020304, 99);
	pg_frame_set_seq(f, 7);
	assert_int_equal(pg_get16(f + PG_UDP_OFS + 6), 0);
	assert_frame_valid(f);
	pg_frame_set_size(f, 1000);
	assert_int_equal(pg_get16(f + PG_IP_OFS + 2), 986);
	assert_frame_valid(f);
}

static void test_address_odometer(void **state)
{
	struct pg_ip_range src = { .name = "10.0.0.1:5-10.0.0.2:6" };
	struct pg_ip_range dst = { .name = "10.1.0.1:7-10.1.0.1:8" };
	unsigned short seed[3] = { 0 };
	struct pg_frame_cfg c;
	uint8_t f[60];
	/* src ip low byte, src port, dst port: expected sequence */
	static const int want[][3] = {
		{ 1, 5, 7 }, { 1, 6, 7 }, { 2, 5, 7 }, { 2, 6, 7 },
		{ 1, 5, 8 }, { 1, 6, 8 }, { 2, 5, 8 }, { 2, 6, 8 },
		{ 1, 5, 7 }, { 1, 6, 7 },
	};

	(void)state;
	assert_int_equal(pg_parse_ip_range(&src), 1);
	assert_int_equal(pg_parse_ip_range(&dst), 1);
	default_cfg(&c, sizeof(f));
	c.src_ip = src.start;
	c.src_port = src.port0;
	c.dst_ip = dst.start;
	c.dst_port = dst.port0;
	assert_int_equal(pg_build_frame(f, &c), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(f[PG_IP_OFS + 15], want[i][0]);
		assert_int_equal(pg_get16(f + PG_UDP_OFS), want[i][1]);
		assert_int_equal(pg_get16(f + PG_UDP_OFS + 2), want[i][2]);
		assert_int_equal(pg_get32(f + PG_IP_OFS + 16), 0x0a010001);
		assert_frame_valid(f);
		pg_frame_next_addr(f, &src, &dst, 0, 0, seed);
	}

	/* Random source: the destination still walks its range. */
	pg_frame_next_addr(f, &src, &dst, 1, 0, seed);
	assert_frame_valid(f);
	pg_frame_next_addr(f, &src, &dst, 1, 1, seed);
	assert_frame_valid(f);
}

static void test_parse_ip_range(void **state)
{
	struct pg_ip_range r;
	static const char *const bad[] = {
		"", "10.0.0.256", "10.0.0.1:", "10.0.0.1:70000",
		"10.0.0.1-", "-10.0.0.1", "a.b.c.d", "10.0.0.1:80:90",
		"10.0.0.1:x", "10.0.0", "10.0.0.1 ", "10.0.0.1-10.0.0.2-3",
	};

	(void)state;
	memset(&r, 0, sizeof(r));
	r.name = "10.0.0.1";
	assert_int_equal(pg_parse_ip_range(&r), 0);
	assert_int_equal(r.start, 0x0a000001);
	assert_int_equal(r.end, 0x0a000001);
	assert_int_equal(r.port0, PG_DEFAULT_PORT);
	assert_int_equal(r.port1, PG_DEFAULT_PORT);

	r.name = "192.168.1.10:80";
	assert_int_equal(pg_parse_ip_range(&r), 0);
	assert_int_equal(r.start, 0xc0a8010a);
	assert_int_equal(r.port0, 80);
	assert_int_equal(r.port1, 80);

	r.name = "10.0.0.5:90-10.0.0.1:80";	/* reversed: swapped */
	assert_int_equal(pg_parse_ip_range(&r), 1);
	assert_int_equal(r.start, 0x0a000001);
	assert_int_equal(r.end, 0x0a000005);
	assert_int_equal(r.port0, 80);
	assert_int_equal(r.port1, 90);

	r.name = "10.0.0.1-10.0.0.1";
	assert_int_equal(pg_parse_ip_range(&r), 0);
	r.name = "10.0.0.1:1-10.0.0.1";		/* end port = start port */
	assert_int_equal(pg_parse_ip_range(&r), 0);
	assert_int_equal(r.port0, 1);
	assert_int_equal(r.port1, 1);
	r.name = "10.0.0.1-10.0.0.1:1";		/* 1234 down to 1: swapped */
	assert_int_equal(pg_parse_ip_range(&r), 1);
	assert_int_equal(r.port0, 1);
	assert_int_equal(r.port1, 1234);
	r.name = "10.0.0.1-10.0.0.9";		/* end port = start port */
	assert_int_equal(pg_parse_ip_range(&r), 1);
	assert_int_equal(r.port0, 1234);
	assert_int_equal(r.port1, 1234);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r.name = bad[i];
		if (pg_parse_ip_range(&r) != -1)
			fail_msg("'%s' was accepted", bad[i]);
	}
	r.name = NULL;
	assert_int_equal(pg_parse_ip_range(&r), -1);
}

static void test_parse_mac(void **state)
{
	struct pg_mac_range r;
	uint8_t m[6];
	static const uint8_t want[6] = { 0xaa, 0xbb, 0xcc, 0x01, 0x0e, 0xff };
	static const char *const bad[] = {
		"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aaa:bb:cc:dd:ee:ff",
		"aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:fg", ":aa:bb:cc:dd:ee",
		"aa:bb:cc:dd:ee:", "aa:bb::dd:ee:ff",
	};

	(void)state;
	assert_int_equal(pg_parse_mac("aa:bb:cc:01:0e:ff", m), 0);
	assert_memory_equal(m, want, 6);
	assert_int_equal(pg_parse_mac("AA:BB:CC:1:e:FF", m), 0);
	assert_memory_equal(m, want, 6);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(m, 0x11, 6);
		assert_int_equal(pg_parse_mac(bad[i], m), -1);
		assert_int_equal(m[0], 0x11);	/* untouched */
	}
	assert_int_equal(pg_parse_mac(NULL, m), -1);

	r.name = "ff:ff:ff:ff:ff:ff";
	assert_int_equal(pg_parse_mac_range(&r), 0);
	assert_memory_equal(r.start, r.end, 6);
	assert_int_equal(r.start[3], 0xff);
}

static void test_parse_long(void **state)
{
	long v;

	(void)state;
	assert_int_equal(pg_parse_long("10", 0, 100, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(pg_parse_long("0x10", 0, 100, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(pg_parse_long("010", 0, 100, &v), 0);
	assert_int_equal(v, 10);	/* decimal, not octal */
	assert_int_equal(pg_parse_long("0", 0, 100, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pg_parse_long("-5", -10, 100, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(pg_parse_long("-1", 0, 100, &v), -1);
	assert_int_equal(pg_parse_long("101", 0, 100, &v), -1);
	assert_int_equal(pg_parse_long("", 0, 100, &v), -1);
	assert_int_equal(pg_parse_long(" 5", 0, 100, &v), -1);
	assert_int_equal(pg_parse_long("5 ", 0, 100, &v), -1);
	assert_int_equal(pg_parse_long("5x", 0, 100, &v), -1);
	assert_int_equal(pg_parse_long("0x", 0, 100, &v), -1);
	assert_int_equal(pg_parse_long("99999999999999999999", 0, LONG_MAX,
					&v), -1);
	assert_int_equal(pg_parse_long(NULL, 0, 100, &v), -1);
}

static void test_norm(void **state)
{
	char b[40];

	(void)state;
	assert_string_equal(pg_norm(b, sizeof(b), 1234567, 1), "1.235 M");
	assert_string_equal(pg_norm(b, sizeof(b), 999, 1), "999.000 ");
	assert_string_equal(pg_norm(b, sizeof(b), 1000, 1), "1.000 K");
	assert_string_equal(pg_norm(b, sizeof(b), 0, 1), "0.000 ");
	assert_string_equal(pg_norm(b, sizeof(b), 2.5e9, 1), "2.500 G");
	assert_string_equal(pg_norm(b, sizeof(b), 1e15, 1), "1000.000 T");
	assert_string_equal(pg_norm(b, sizeof(b), 1234567, 0), "1234567 ");
	assert_string_equal(pg_norm(b, sizeof(b), 0.4, 0), "0 ");
}

static void test_msb(void **state)
{
	(void)state;
	assert_int_equal(pg_msb64(0), 0);
	assert_int_equal(pg_msb64(1), 0);
	assert_int_equal(pg_msb64(2), 1);
	assert_int_equal(pg_msb64(1023), 9);
	assert_int_equal(pg_msb64(1024), 10);
	assert_int_equal(pg_msb64(UINT64_MAX), 63);
}

static size_t pcap_image(uint8_t *buf, uint32_t magic, int swap,
			 uint32_t caplen, uint32_t stored)
{
	uint32_t v;

	memset(buf, 0, 40);
	memcpy(buf, &magic, 4);
	v = swap ? __builtin_bswap32(caplen) : caplen;
	memcpy(buf + 32, &v, 4);
	memcpy(buf + 36, &v, 4);
	for (uint32_t i = 0; i < stored; i++)
		buf[40 + i] = (uint8_t)i;
	return 40 + stored;
}

static void test_pcap(void **state)
{
	uint8_t buf[40 + 128];
	const uint8_t *pkt;
	uint32_t len;
	size_t n;

	(void)state;
	n = pcap_image(buf, 0xa1b2c3d4, 0, 60, 60);
	assert_int_equal(pg_pcap_first(buf, n, &pkt, &len), 0);
	assert_ptr_equal(pkt, buf + 40);
	assert_int_equal(len, 60);
	assert_int_equal(pkt[59], 59);

	n = pcap_image(buf, 0xd4c3b2a1, 1, 64, 64);	/* other byte order */
	assert_int_equal(pg_pcap_first(buf, n, &pkt, &len), 0);
	assert_int_equal(len, 64);
	n = pcap_image(buf, 0xa1b23c4d, 0, 42, 42);	/* nanoseconds */
	assert_int_equal(pg_pcap_first(buf, n, &pkt, &len), 0);
	n = pcap_image(buf, 0x4d3cb2a1, 1, 42, 42);
	assert_int_equal(pg_pcap_first(buf, n, &pkt, &len), 0);

	n = pcap_image(buf, 0xa1b2c3d4, 0, 100, 60);	/* truncated */
	assert_int_equal(pg_pcap_first(buf, n, &pkt, &len), -1);
	n = pcap_image(buf, 0xa1b2c3d4, 0, 0, 0);	/* empty packet */
	assert_int_equal(pg_pcap_first(buf, n, &pkt, &len), -1);
	n = pcap_image(buf, 0x12345678, 0, 60, 60);	/* not pcap */
	assert_int_equal(pg_pcap_first(buf, n, &pkt, &len), -1);
	assert_int_equal(pg_pcap_first(buf, 30, &pkt, &len), -1);
}

static void test_hexdump(void **state)
{
	char *out = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&out, &sz);
	uint8_t data[20];

	(void)state;
	for (int i = 0; i < 20; i++)
		data[i] = (uint8_t)('A' + i);
	data[0] = 0;
	pg_hexdump(f, data, sizeof(data));
	fclose(f);
	assert_non_null(strstr(out, "    0: 00 42 43 44 45 46 47 48 49 4a 4b 4c "
				    "4d 4e 4f 50 .BCDEFGHIJKLMNOP\n"));
	assert_non_null(strstr(out, "   16: 51 52 53 54 "));
	assert_non_null(strstr(out, "QRST\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_known_vector),
		cmocka_unit_test(test_build_frame),
		cmocka_unit_test(test_incremental_updates),
		cmocka_unit_test(test_set_size),
		cmocka_unit_test(test_address_odometer),
		cmocka_unit_test(test_parse_ip_range),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_norm),
		cmocka_unit_test(test_msb),
		cmocka_unit_test(test_pcap),
		cmocka_unit_test(test_hexdump),
	};

	return cmocka_run_group_tests_name("pktgen_pkt", tests, NULL, NULL);
}
