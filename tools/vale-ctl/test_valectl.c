// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_valectl - vale-ctl's command line, -C / -m parsing and listing
 * format, without a kernel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "valectl.h"

/* Sink for the messages the parsers print. */
static FILE *devnull(void)
{
	static FILE *f;

	if (f == NULL)
		f = fopen("/dev/null", "w");
	return f;
}

static int parse(struct valectl_args *a, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	argv[argc++] = "vale-ctl";
	va_start(ap, a);
	for (;;) {
		char *s = va_arg(ap, char *);

		if (s == NULL)
			break;
		argv[argc++] = s;
	}
	va_end(ap);
	argv[argc] = NULL;
	return valectl_parse_args(argc, argv, a, devnull());
}

static void test_args_commands(void **state)
{
	struct valectl_args a;

	(void)state;
	assert_int_equal(parse(&a, NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_LIST);
	assert_null(a.name);
	assert_true(a.implicit_list);

	assert_int_equal(parse(&a, "-n", "v0", "-C", "512,256,2", "-m", "3",
			       NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_NEWIF);
	assert_string_equal(a.name, "v0");
	assert_string_equal(a.config, "512,256,2");
	assert_string_equal(a.mem_id, "3");

	assert_int_equal(parse(&a, "-r", "v0", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_DELIF);

	assert_int_equal(parse(&a, "-a", "vale0:eth0", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_ATTACH);
	assert_int_equal(a.mode, NR_REG_ALL_NIC);

	assert_int_equal(parse(&a, "-h", "vale0:eth0", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_ATTACH);
	assert_int_equal(a.mode, NR_REG_NIC_SW);

	assert_int_equal(parse(&a, "-d", "vale0:eth0", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_DETACH);

	assert_int_equal(parse(&a, "-g", "eth0", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_PORT_INFO_GET);

	assert_int_equal(parse(&a, "-p", "vale0:eth0", "-C", "0,1", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_POLLING_ENABLE);
	assert_int_equal(parse(&a, "-P", "vale0:eth0", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_POLLING_DISABLE);

	/* The last command wins, as upstream. */
	assert_int_equal(parse(&a, "-n", "x", "-r", "y", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_DELIF);
	assert_string_equal(a.name, "y");

	assert_int_equal(parse(&a, "-v", "-v", "-d", "vale0:x", NULL), 0);
	assert_int_equal(a.verbose, 2);
}

static void test_args_list(void **state)
{
	struct valectl_args a;

	(void)state;
	assert_int_equal(parse(&a, "-l", NULL), 0);
	assert_int_equal(a.reqtype, NETMAP_REQ_VALE_LIST);
	assert_null(a.name);
	assert_false(a.implicit_list);

	assert_int_equal(parse(&a, "-l", "vale1:p", NULL), 0);
	assert_string_equal(a.name, "vale1:p");
	assert_int_equal(parse(&a, "-lvale1:q", NULL), 0);
	assert_string_equal(a.name, "vale1:q");

	/* A following flag is not taken as the name. */
	assert_int_equal(parse(&a, "-l", "-v", NULL), 0);
	assert_null(a.name);
	assert_int_equal(a.verbose, 1);

	assert_int_equal(parse(&a, "-l", "eth0", NULL), -1);
}

static void test_args_errors(void **state)
{
	struct valectl_args a;
	char longname[80];

	(void)state;
	assert_int_equal(parse(&a, "-x", NULL), -1);
	assert_int_equal(parse(&a, "-n", NULL), -1);
	assert_int_equal(parse(&a, "-C", "1", NULL), -1);	/* no command */
	assert_int_equal(parse(&a, "-v", NULL), -1);
	assert_int_equal(parse(&a, "-n", "a", "extra", NULL), -1);
	assert_int_equal(parse(&a, "extra", NULL), -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(parse(&a, "-g", longname, NULL), -1);

	assert_int_equal(parse(&a, "--help", NULL), 0);
	assert_true(a.help);
	assert_int_equal(parse(&a, "-n", "x", "--help", NULL), 0);
	assert_true(a.help);
}

static void test_ring_cfg(void **state)
{
	struct valectl_ring_cfg c;

	(void)state;
	assert_int_equal(valectl_parse_ring_cfg(NULL, &c, devnull()), 0);
	assert_int_equal(c.tx_slots + c.rx_slots + c.tx_rings + c.rx_rings, 0);

	assert_int_equal(valectl_parse_ring_cfg("512", &c, devnull()), 0);
	assert_int_equal(c.tx_slots, 512);
	assert_int_equal(c.rx_slots, 512);
	assert_int_equal(c.tx_rings, 0);

	assert_int_equal(valectl_parse_ring_cfg("512,256,4", &c, devnull()), 0);
	assert_int_equal(c.tx_slots, 512);
	assert_int_equal(c.rx_slots, 256);
	assert_int_equal(c.tx_rings, 4);
	assert_int_equal(c.rx_rings, 4);

	assert_int_equal(valectl_parse_ring_cfg("1,2,3,4,5", &c, devnull()), 0);
	assert_int_equal(c.rx_rings, 4);

	assert_int_equal(valectl_parse_ring_cfg("1,,3", &c, devnull()), -1);
	assert_int_equal(valectl_parse_ring_cfg("abc", &c, devnull()), -1);
	assert_int_equal(valectl_parse_ring_cfg("-1", &c, devnull()), -1);
	assert_int_equal(valectl_parse_ring_cfg("1,1,70000", &c, devnull()),
			 -1);
	assert_int_equal(valectl_parse_ring_cfg("4294967296", &c, devnull()),
			 -1);
	assert_int_equal(valectl_parse_ring_cfg("4294967295", &c, devnull()),
			 0);
	assert_int_equal(c.tx_slots, 4294967295u);
}

static void test_poll_cfg(void **state)
{
	struct nmreq_vale_polling p;

	(void)state;
	assert_int_equal(valectl_parse_poll_cfg(NULL, &p, devnull()), -1);
	assert_int_equal(valectl_parse_poll_cfg("", &p, devnull()), -1);

	assert_int_equal(valectl_parse_poll_cfg("0", &p, devnull()), 0);
	assert_int_equal(p.nr_mode, NETMAP_POLLING_MODE_SINGLE_CPU);
	assert_int_equal(p.nr_first_cpu_id, 0);
	assert_int_equal(p.nr_num_polling_cpus, 1);

	assert_int_equal(valectl_parse_poll_cfg("0,3", &p, devnull()), 0);
	assert_int_equal(p.nr_mode, NETMAP_POLLING_MODE_SINGLE_CPU);
	assert_int_equal(p.nr_first_cpu_id, 3);
	assert_int_equal(p.nr_num_polling_cpus, 1);

	assert_int_equal(valectl_parse_poll_cfg("1,2,4", &p, devnull()), 0);
	assert_int_equal(p.nr_mode, NETMAP_POLLING_MODE_MULTI_CPU);
	assert_int_equal(p.nr_first_cpu_id, 2);
	assert_int_equal(p.nr_num_polling_cpus, 4);

	assert_int_equal(valectl_parse_poll_cfg("7,1", &p, devnull()), 0);
	assert_int_equal(p.nr_mode, NETMAP_POLLING_MODE_MULTI_CPU);
	assert_int_equal(p.nr_num_polling_cpus, 1);

	assert_int_equal(valectl_parse_poll_cfg("0,1,2", &p, devnull()), -1);
	assert_int_equal(valectl_parse_poll_cfg("1,1,2,3", &p, devnull()), -1);
	assert_int_equal(valectl_parse_poll_cfg("1,x", &p, devnull()), -1);
}

static void test_mem_id(void **state)
{
	uint16_t id = 0;
	char n[NETMAP_REQ_IFNAMSIZ];

	(void)state;
	assert_int_equal(valectl_parse_mem_number("5", &id), 1);
	assert_int_equal(id, 5);
	assert_int_equal(valectl_parse_mem_number("65535", &id), 1);
	assert_int_equal(id, 65535);
	assert_int_equal(valectl_parse_mem_number("65536", &id), -1);
	assert_int_equal(valectl_parse_mem_number("12ab", &id), -1);
	assert_int_equal(valectl_parse_mem_number("netmap:eth0", &id), 0);
	assert_int_equal(valectl_parse_mem_number(NULL, &id), 0);

	assert_int_equal(valectl_spec_port_name("netmap:eth0", n, sizeof(n)), 0);
	assert_string_equal(n, "eth0");
	assert_int_equal(valectl_spec_port_name("netmap:eth0*", n, sizeof(n)), 0);
	assert_string_equal(n, "eth0");
	assert_int_equal(valectl_spec_port_name("netmap:eth0-1/x", n,
						sizeof(n)), 0);
	assert_string_equal(n, "eth0");
	assert_int_equal(valectl_spec_port_name("netmap:p{1@conf:rings=2", n,
						sizeof(n)), 0);
	assert_string_equal(n, "p{1");
	assert_int_equal(valectl_spec_port_name("vale0:p1", n, sizeof(n)), 0);
	assert_string_equal(n, "vale0:p1");
	assert_int_equal(valectl_spec_port_name("vale:x^", n, sizeof(n)), 0);
	assert_string_equal(n, "vale:x");
	assert_int_equal(valectl_spec_port_name("netmap:14", n, sizeof(n)), 0);
	assert_string_equal(n, "14");

	assert_int_equal(valectl_spec_port_name("eth0", n, sizeof(n)), -1);
	assert_int_equal(valectl_spec_port_name("netmap:", n, sizeof(n)), -1);
	assert_int_equal(valectl_spec_port_name("netmapX:eth0", n, sizeof(n)),
			 -1);
	assert_int_equal(valectl_spec_port_name("netmap:vale0:0", n,
						sizeof(n)), -1);
	assert_int_equal(valectl_spec_port_name("netmap:{1", n, sizeof(n)), -1);
	assert_int_equal(valectl_spec_port_name("netmap:p{", n, sizeof(n)), -1);
	assert_int_equal(valectl_spec_port_name("netmap:p{1}2", n, sizeof(n)),
			 -1);
	assert_int_equal(valectl_spec_port_name("netmap:eth0&", n, sizeof(n)),
			 -1);
	assert_int_equal(valectl_spec_port_name("vale-1:x", n, sizeof(n)), -1);
	assert_int_equal(valectl_spec_port_name("vale0", n, sizeof(n)), -1);
	assert_int_equal(valectl_spec_port_name("vale0:abcdef", n, 8), -1);
}

static void test_list_line(void **state)
{
	struct nmreq_vale_port_stats st;
	char buf[512];
	char first[64];

	(void)state;
	valectl_format_list_line(buf, sizeof(buf), "vale0:a", 0, 3, NULL);
	assert_string_equal(buf, "vale0:a bridge_idx 0 port_idx 3");

	memset(&st, 0, sizeof(st));
	st.rx_packets = 1;
	st.rx_bytes = 60;
	st.tx_packets = 2;
	st.tx_bytes = 120;
	st.drop_no_room = 3;
	st.drop_bad_slot = 4;
	st.drop_hdr_mismatch = 18446744073709551615ull;
	valectl_format_list_line(buf, sizeof(buf), "vale12:port", 7, 253, &st);
	assert_string_equal(buf,
		"vale12:port bridge_idx 7 port_idx 253 rx_pkts 1 rx_bytes 60 "
		"tx_pkts 2 tx_bytes 120 drop_noroom 3 drop_badslot 4 "
		"drop_hdr 18446744073709551615");
	/* Upstream parsers: the name is the first field, layout unchanged. */
	assert_int_equal(sscanf(buf, "%63s", first), 1);
	assert_string_equal(first, "vale12:port");
	assert_memory_equal(buf, "vale12:port bridge_idx 7 port_idx 253 ", 38);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_commands),
		cmocka_unit_test(test_args_list),
		cmocka_unit_test(test_args_errors),
		cmocka_unit_test(test_ring_cfg),
		cmocka_unit_test(test_poll_cfg),
		cmocka_unit_test(test_mem_id),
		cmocka_unit_test(test_list_line),
	};

	return cmocka_run_group_tests_name("valectl", tests, NULL, NULL);
}
