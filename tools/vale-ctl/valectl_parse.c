// SPDX-License-Identifier: BSD-2-Clause
/*
 * valectl_parse.c - command line and argument parsing of vale-ctl, and the
 * text it prints for a port.  No system calls here besides stdio.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "valectl.h"

void valectl_usage(FILE *f)
{
	fputs(
"usage: vale-ctl [-v] [COMMAND [MODIFIERS]]\n"
"Create, attach, detach and list the ports of VALE software switches.\n"
"\n"
"Commands (when several are given, the last one counts):\n"
"  -n NAME        create the persistent VALE port NAME (a network interface)\n"
"  -r NAME        remove the persistent VALE port NAME\n"
"  -a valeX:IF    attach interface IF to switch valeX\n"
"  -h valeX:IF    attach IF to valeX together with its host stack\n"
"  -d valeX:IF    detach IF from switch valeX\n"
"  -l [valeX:Y]   show the switch and port index of valeX:Y; without a name,\n"
"                 list every port of every switch\n"
"  -g NAME        show the ring geometry and memory size of port NAME\n"
"  -p valeX:IF    start kernel polling threads on an attached interface\n"
"  -P valeX:IF    stop the polling threads of IF\n"
"\n"
"Modifiers:\n"
"  -C CONF        for -n, -a, -h: tx_slots[,rx_slots[,tx_rings[,rx_rings]]]\n"
"                 for -p: mode,cpu[,n]; mode 0 runs one thread on CPU cpu\n"
"                 for all rings, another mode runs n threads (default 1),\n"
"                 one per ring, on CPUs cpu, cpu+1, ...\n"
"  -m MEMID       for -n, -a, -h: memory allocator to use, as a number or\n"
"                 as a port (netmap:eth0, vale0:p1) whose allocator is shared\n"
"  -v             also print what the kernel returned for -n, -a, -h, -d\n"
"  --help         print this text and exit\n"
"\n"
"Port lines of the full listing read 'NAME bridge_idx B port_idx P' followed\n"
"by the port's counters when the kernel provides them.  Without any argument\n"
"vale-ctl lists all ports and exits with status 1, like upstream vale-ctl.\n",
	      f);
}

/* Decimal number made of digits only, at most @max. */
static int parse_uint(const char *s, size_t n, unsigned long max,
		      unsigned long *v)
{
	unsigned long x = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (x > (max - (unsigned long)(s[i] - '0')) / 10)
			return -1;
		x = x * 10 + (unsigned long)(s[i] - '0');
	}
	*v = x;
	return 0;
}

/*
 * Split @conf at commas into at most @max numbers (each bounded by
 * @lim[i]); returns how many fields there were (possibly more than @max,
 * those are not converted), or -1 on a bad field within the first @max.
 */
static int split_numbers(const char *conf, unsigned long *vals, int max,
			 const unsigned long *lim, const char **bad,
			 size_t *badlen)
{
	const char *p = conf;
	int n = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (n < max && parse_uint(p, len, lim[n], &vals[n]) < 0) {
			*bad = p;
			*badlen = len;
			return -1;
		}
		if (n == max) {
			*bad = p;	/* first field past @max */
			*badlen = len;
		}
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return n;
}

int valectl_parse_ring_cfg(const char *conf, struct valectl_ring_cfg *c,
			   FILE *err)
{
	static const unsigned long lim[4] = {
		UINT32_MAX, UINT32_MAX, UINT16_MAX, UINT16_MAX
	};
	unsigned long v[4];
	const char *bad = NULL;
	size_t badlen = 0;
	int n;

	memset(c, 0, sizeof(*c));
	if (conf == NULL || *conf == '\0')
		return 0;
	n = split_numbers(conf, v, 4, lim, &bad, &badlen);
	if (n < 0) {
		fprintf(err, "vale-ctl: invalid number '%.*s' in '-C %s'\n",
			(int)badlen, bad, conf);
		return -1;
	}
	if (n > 4)
		fprintf(err, "vale-ctl: ignored config: %s\n", bad);
	c->tx_slots = c->rx_slots = (uint32_t)v[0];
	if (n > 1)
		c->rx_slots = (uint32_t)v[1];
	if (n > 2)
		c->tx_rings = c->rx_rings = (uint16_t)v[2];
	if (n > 3)
		c->rx_rings = (uint16_t)v[3];
	return 0;
}

int valectl_parse_poll_cfg(const char *conf, struct nmreq_vale_polling *p,
			   FILE *err)
{
	static const unsigned long lim[3] = {
		UINT32_MAX, UINT32_MAX, UINT32_MAX
	};
	unsigned long v[3];
	const char *bad = NULL;
	size_t badlen = 0;
	int n;

	memset(p, 0, sizeof(*p));
	if (conf == NULL || *conf == '\0') {
		fprintf(err, "vale-ctl: invalid null/empty config\n");
		return -1;
	}
	n = split_numbers(conf, v, 3, lim, &bad, &badlen);
	if (n < 0) {
		fprintf(err, "vale-ctl: invalid number '%.*s' in '-C %s'\n",
			(int)badlen, bad, conf);
		return -1;
	}
	if (n > 3 || (n == 3 && v[0] == 0)) {
		fprintf(err, "vale-ctl: too many numbers in '%s'\n", conf);
		return -1;
	}
	p->nr_mode = v[0] ? NETMAP_POLLING_MODE_MULTI_CPU :
			    NETMAP_POLLING_MODE_SINGLE_CPU;
	p->nr_first_cpu_id = n > 1 ? (uint32_t)v[1] : 0;
	p->nr_num_polling_cpus = n > 2 ? (uint32_t)v[2] : 1;
	return 0;
}

int valectl_parse_mem_number(const char *s, uint16_t *id)
{
	unsigned long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return 0;
	if (parse_uint(s, strlen(s), UINT16_MAX, &v) < 0)
		return -1;
	*id = (uint16_t)v;
	return 1;
}

static int is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

int valectl_spec_port_name(const char *spec, char *out, size_t len)
{
	const char *start, *port, *end, *p;
	int brackets = 0;
	size_t n;

	if (spec == NULL)
		return -1;
	if (strncmp(spec, "netmap:", 7) == 0) {
		start = port = spec + 7;
	} else if (strncmp(spec, "vale", 4) == 0) {
		for (p = spec + 4; is_ident_char(*p); p++)
			;
		if (*p != ':')
			return -1;
		start = spec;
		port = p + 1;
	} else {
		return -1;
	}
	/* The port name stops at the first mode, flag or option marker. */
	for (end = port; *end != '\0' && strchr("-*^/@", *end) == NULL; end++)
		;
	if (end == port)
		return -1;
	for (p = port; p < end; p++) {
		if (*p == '{' || *p == '}') {
			/* One pipe marker, with text on both sides. */
			if (++brackets > 1 || p == port || p + 1 == end)
				return -1;
		} else if (!is_ident_char(*p)) {
			return -1;
		}
	}
	n = (size_t)(end - start);
	if (n + 1 > len || n >= NETMAP_REQ_IFNAMSIZ)
		return -1;
	memcpy(out, start, n);
	out[n] = '\0';
	return 0;
}

int valectl_format_list_line(char *buf, size_t len, const char *name,
			     unsigned int bridge, unsigned int port,
			     const struct nmreq_vale_port_stats *st)
{
	if (st == NULL)
		return snprintf(buf, len, "%s bridge_idx %u port_idx %u",
				name, bridge, port);
	return snprintf(buf, len,
			"%s bridge_idx %u port_idx %u"
			" rx_pkts %" PRIu64 " rx_bytes %" PRIu64
			" tx_pkts %" PRIu64 " tx_bytes %" PRIu64
			" drop_noroom %" PRIu64 " drop_badslot %" PRIu64
			" drop_hdr %" PRIu64,
			name, bridge, port, st->rx_packets, st->rx_bytes,
			st->tx_packets, st->tx_bytes, st->drop_no_room,
			st->drop_bad_slot, st->drop_hdr_mismatch);
}

void valectl_print_stats_block(FILE *f, const struct nmreq_vale_port_stats *st)
{
	fprintf(f, "rx_pkts:      %" PRIu64 "\n", st->rx_packets);
	fprintf(f, "rx_bytes:     %" PRIu64 "\n", st->rx_bytes);
	fprintf(f, "tx_pkts:      %" PRIu64 "\n", st->tx_packets);
	fprintf(f, "tx_bytes:     %" PRIu64 "\n", st->tx_bytes);
	fprintf(f, "drop_noroom:  %" PRIu64 "\n", st->drop_no_room);
	fprintf(f, "drop_badslot: %" PRIu64 "\n", st->drop_bad_slot);
	fprintf(f, "drop_hdr:     %" PRIu64 "\n", st->drop_hdr_mismatch);
}

static void set_cmd(struct valectl_args *a, uint16_t type, uint32_t mode,
		    const char *name)
{
	a->reqtype = type;
	a->mode = mode;
	a->name = name;
}

int valectl_parse_args(int argc, char *argv[], struct valectl_args *a,
		       FILE *err)
{
	int ch, i;

	memset(a, 0, sizeof(*a));
	a->mode = NR_REG_ALL_NIC;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			a->help = 1;
			return 0;
		}
	}
	if (argc <= 1) {
		/* Bare "vale-ctl": list everything, exit 1 (upstream). */
		a->reqtype = NETMAP_REQ_VALE_LIST;
		a->implicit_list = 1;
		return 0;
	}

	optind = 0;	/* full getopt reset (glibc) */
	opterr = 0;
	/* '+': no argv permutation; ':': report missing arguments as ':'. */
	while ((ch = getopt(argc, argv, "+:d:a:h:g:l::n:r:C:p:P:m:v")) != -1) {
		switch (ch) {
		case 'd':
			set_cmd(a, NETMAP_REQ_VALE_DETACH, a->mode, optarg);
			break;
		case 'a':
			set_cmd(a, NETMAP_REQ_VALE_ATTACH, NR_REG_ALL_NIC,
				optarg);
			break;
		case 'h':
			set_cmd(a, NETMAP_REQ_VALE_ATTACH, NR_REG_NIC_SW,
				optarg);
			break;
		case 'n':
			set_cmd(a, NETMAP_REQ_VALE_NEWIF, a->mode, optarg);
			break;
		case 'r':
			set_cmd(a, NETMAP_REQ_VALE_DELIF, a->mode, optarg);
			break;
		case 'g':
			set_cmd(a, NETMAP_REQ_PORT_INFO_GET, a->mode, optarg);
			break;
		case 'l': {
			const char *name = optarg;

			/* Optional argument, also accepted as "-l NAME". */
			if (name == NULL && optind < argc &&
			    argv[optind][0] != '-')
				name = argv[optind++];
			if (name != NULL && strncmp(name, "vale", 4) != 0) {
				fprintf(err,
					"invalid vale port name: '%s'\n",
					name);
				return -1;
			}
			set_cmd(a, NETMAP_REQ_VALE_LIST, a->mode, name);
			break;
		}
		case 'p':
			set_cmd(a, NETMAP_REQ_VALE_POLLING_ENABLE, a->mode,
				optarg);
			break;
		case 'P':
			set_cmd(a, NETMAP_REQ_VALE_POLLING_DISABLE, a->mode,
				optarg);
			break;
		case 'C':
			a->config = optarg;
			break;
		case 'm':
			a->mem_id = optarg;
			break;
		case 'v':
			a->verbose++;
			break;
		case ':':
			fprintf(err, "vale-ctl: option -%c needs an argument\n",
				optopt);
			return -1;
		default:
			fprintf(err, "vale-ctl: bad option -%c\n", optopt);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(err, "vale-ctl: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (a->reqtype == 0) {
		fprintf(err, "vale-ctl: no command given\n");
		return -1;
	}
	if (a->name != NULL && strlen(a->name) >= NETMAP_REQ_IFNAMSIZ) {
		fprintf(err, "vale-ctl: name '%s' is too long (max %d)\n",
			a->name, NETMAP_REQ_IFNAMSIZ - 1);
		return -1;
	}
	return 0;
}
