// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - pkt-gen: command line, port set-up, worker threads.
 *
 * A netmap traffic generator and sink with the command line and output
 * of upstream netmap's pkt-gen.  Ports are opened with libnetmap
 * (nmport_prepare + nmport_open_desc); with -p N each further thread
 * clones the descriptor and binds one ring pair.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "pktgen.h"

struct targ *targs;
int global_nthreads;

static const struct td_desc funcs[] = {
	{ TD_TYPE_RECEIVER,	"rx",		receiver_body,	512 },
	{ TD_TYPE_SENDER,	"tx",		sender_body,	512 },
	{ TD_TYPE_OTHER,	"ping",		ping_body,	1 },
	{ TD_TYPE_OTHER,	"pong",		pong_body,	1 },
	{ TD_TYPE_SENDER,	"txseq",	txseq_body,	512 },
	{ TD_TYPE_RECEIVER,	"rxseq",	rxseq_body,	512 },
	{ 0,			NULL,		NULL,		0 },
};

static void usage(int code)
{
	fprintf(stderr,
"Usage: pkt-gen -i port [options]\n"
"\n"
"  -h              show this help and exit\n"
"  -i port         netmap port: netmap:IF, valeX:Y, pipes (X{Y, X}Y),\n"
"                  any libnetmap name with mode, flags and @options;\n"
"                  a bare name IF means netmap:IF\n"
"  -f function     tx, rx (default), ping, pong, txseq, rxseq\n"
"  -n count        packets to send or receive, ping-pong rounds for\n"
"                  ping/pong (0: forever, the default)\n"
"  -l size         frame size without CRC (default 60, up to 65536);\n"
"                  given twice, frames get random sizes between the\n"
"                  second value and the first\n"
"  -b burst        packets per batch (default 512, 1 for ping/pong)\n"
"  -4              IPv4 (the default)\n"
"  -6              IPv6 (not supported by this implementation)\n"
"  -s ip[:port][-ip[:port]]   source address range (10.0.0.1:1234)\n"
"  -d ip[:port][-ip[:port]]   destination range (10.1.0.1:1234)\n"
"  -S mac          source MAC (default: the interface's, or zeros)\n"
"  -D mac          destination MAC (default ff:ff:ff:ff:ff:ff)\n"
"  -a cpu          pin thread k to CPU cpu+k\n"
"  -c cpus         CPUs to use (0: all online CPUs; default 1)\n"
"  -p threads      worker threads, one ring pair each (default 1)\n"
"  -T ms           report interval in milliseconds (default 1000)\n"
"  -w seconds      wait for the link before starting (default 2,\n"
"                  0 for VALE ports)\n"
"  -W              rx: exit after one second without traffic\n"
"  -R rate         transmit rate in packets per second (0: no limit)\n"
"  -X              dump every packet sent or received\n"
"  -H len          virtio-net header length: 0, 10 or 12 (set on the\n"
"                  port; without -H the port's length is used)\n"
"  -P file         send the first packet of a pcap file\n"
"  -z / -Z         random source / destination address and port\n"
"  -N              print plain numbers instead of K/M/G units\n"
"  -F frags        fragments (slots) per packet, 1..63\n"
"  -M size         maximum bytes per fragment\n"
"  -I              VALE tx: send through NS_INDIRECT slots\n"
"  -r              tx: send the buffers as they are (rubbish)\n"
"  -A              add the mean and deviation of the rate to reports\n"
"  -B              count 24 bytes of framing and CRC in bandwidths\n"
"  -C tx_slots[,rx_slots[,tx_rings[,rx_rings]]]\n"
"                  ring configuration for ports created by the open\n"
"                  (deprecated: use the @conf:... port option)\n"
"  -o bits         generation options: 1 prefetch, 2 touch received\n"
"                  data, 4 always copy, 8 memcpy, 32 indirect, 64 dump,\n"
"                  256 rubbish, 512 random src, 1024 random dst,\n"
"                  2048 rate statistics\n"
"  -v              more verbose\n");
	exit(code);
}

static void bad_arg(int opt, const char *arg, const char *why)
{
	fprintf(stderr, "pkt-gen: -%c %s: %s\n", opt, arg, why);
	exit(EXIT_FAILURE);
}

static long num_arg(int opt, const char *arg, long lo, long hi)
{
	long v;

	if (pg_parse_long(arg, lo, hi, &v) < 0) {
		char why[96];

		snprintf(why, sizeof(why), "expected a number in [%ld, %ld]",
			 lo, hi);
		bad_arg(opt, arg, why);
	}
	return v;
}

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						      noreturn));
static void fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("pkt-gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

/* -C: tx_slots[,rx_slots[,tx_rings[,rx_rings]]] */
static void parse_nmr_config(const char *conf, struct nmreq_register *reg)
{
	char buf[128], *tok, *save = NULL;
	int i = 0;

	if (conf == NULL || *conf == '\0')
		return;
	if (strlen(conf) >= sizeof(buf))
		bad_arg('C', conf, "too long");
	strcpy(buf, conf);
	reg->nr_tx_slots = reg->nr_rx_slots = 0;
	reg->nr_tx_rings = reg->nr_rx_rings = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save), i++) {
		long v;

		if (i >= 4)
			bad_arg('C', conf, "at most four numbers");
		v = num_arg('C', tok, 0, i < 2 ? 0xffffffffL : 0xffff);
		switch (i) {
		case 0:
			reg->nr_tx_slots = reg->nr_rx_slots = (uint32_t)v;
			break;
		case 1:
			reg->nr_rx_slots = (uint32_t)v;
			break;
		case 2:
			reg->nr_tx_rings = reg->nr_rx_rings = (uint16_t)v;
			break;
		default:
			reg->nr_rx_rings = (uint16_t)v;
			break;
		}
	}
	PG_D("txr %d txd %d rxr %d rxd %d", reg->nr_tx_rings,
	     reg->nr_tx_slots, reg->nr_rx_rings, reg->nr_rx_slots);
}

/* A NIC behind "netmap:NAME" (not a pipe): its name, else NULL. */
static const char *nic_name(const struct glob_arg *g)
{
	const char *n = g->nmd->hdr.nr_name;

	if (strncmp(g->ifname, "netmap:", 7) != 0 || strchr(n, '{') ||
	    strchr(n, '}') || strlen(n) >= IFNAMSIZ)
		return NULL;
	return n;
}

static int nic_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int s, rc;

	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return -1;
	rc = ioctl(s, req, ifr);
	close(s);
	return rc;
}

static void source_mac(struct glob_arg *g)
{
	const char *n = nic_name(g);
	struct ifreq ifr;
	const uint8_t *m;

	strcpy(g->src_mac_buf, "00:00:00:00:00:00");
	if (n != NULL && nic_ioctl(n, SIOCGIFHWADDR, &ifr) == 0) {
		m = (const uint8_t *)ifr.ifr_hwaddr.sa_data;
		snprintf(g->src_mac_buf, sizeof(g->src_mac_buf),
			 "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		if (g->verbose)
			PG_D("source hwaddr %s", g->src_mac_buf);
	}
	g->src_mac.name = g->src_mac_buf;
}

static void port_hdr(struct glob_arg *g)
{
	struct nmreq_port_hdr ph;
	struct nmreq_header hdr;

	nmreq_header_init(&hdr, g->virt_header_set ? NETMAP_REQ_PORT_HDR_SET :
			  NETMAP_REQ_PORT_HDR_GET, &ph);
	memcpy(hdr.nr_name, g->nmd->hdr.nr_name, sizeof(hdr.nr_name));
	memset(&ph, 0, sizeof(ph));
	ph.nr_hdr_len = (uint32_t)g->virt_header;
	if (ioctl(g->main_fd, NIOCCTRL, &hdr) < 0) {
		if (!g->virt_header_set) {
			PG_D("Unable to get virtio-net header length");
			g->virt_header = 0;
			return;
		}
		PG_D("Unable to set virtio-net header length %d: %s",
		     g->virt_header, strerror(errno));
		if (g->virt_header != 0)
			exit(EXIT_FAILURE);
		return;
	}
	if (!g->virt_header_set) {
		g->virt_header = (int)ph.nr_hdr_len;
		if (g->virt_header)
			PG_D("Port requires virtio-net header, length = %d",
			     g->virt_header);
		if (g->virt_header != 0 && g->virt_header != 10 &&
		    g->virt_header != 12)
			fatal("the port uses an unknown virtio-net header "
			      "length %d", g->virt_header);
	}
}

static void load_pcap(struct glob_arg *g)
{
	const uint8_t *pkt;
	uint8_t *buf;
	uint32_t caplen;
	struct stat st;
	ssize_t rd;
	size_t got = 0;
	int fd;

	fd = open(g->packet_file, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		fatal("cannot open %s: %s", g->packet_file, strerror(errno));
	if (st.st_size > 64 * 1024 * 1024)
		st.st_size = 64 * 1024 * 1024;	/* the first packet is enough */
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		fatal("out of memory");
	while (got < (size_t)st.st_size &&
	       (rd = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)rd;
	close(fd);
	if (pg_pcap_first(buf, got, &pkt, &caplen) < 0)
		fatal("%s: not a pcap file, or no complete packet in it",
		      g->packet_file);
	g->pcap_frame = malloc(caplen);
	if (g->pcap_frame == NULL)
		fatal("out of memory");
	memcpy(g->pcap_frame, pkt, caplen);
	g->pcap_len = caplen;
	g->pkt_size = (int)caplen;
	free(buf);
}

static void print_range(const struct pg_ip_range *r)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct in_addr x;

	x.s_addr = htonl(r->start);
	inet_ntop(AF_INET, &x, a, sizeof(a));
	x.s_addr = htonl(r->end);
	inet_ntop(AF_INET, &x, b, sizeof(b));
	PG_D("range is %s:%d to %s:%d", a, r->port0, b, r->port1);
}

static void sigint_h(int sig)
{
	static const char msg[] = "pkt-gen: stopping (signal again to kill)\n";
	int i;

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		(void)0;
	for (i = 0; i < global_nthreads; i++)
		PG_STORE(targs[i].cancel, 1);
}

/* Frame template of one thread: vnet header (zeros) + frame. */
static void init_frame(struct glob_arg *g, struct targ *t)
{
	struct pg_frame_cfg cfg;
	unsigned int vh = (unsigned int)g->virt_header;

	t->frame = calloc(1, PG_VIRT_HDR_MAX + PG_MAX_FRAME);
	if (t->frame == NULL)
		fatal("out of memory");
	t->frame_len = vh + (unsigned int)g->pkt_size;
	if (g->pcap_frame != NULL) {
		memcpy(t->frame + vh, g->pcap_frame, g->pcap_len);
		return;
	}
	if (g->pkt_size < PG_MIN_FRAME)
		return;		/* rubbish mode: contents do not matter */
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.src_mac, g->src_mac.start, 6);
	memcpy(cfg.dst_mac, g->dst_mac.start, 6);
	cfg.src_ip = g->src_ip.start;
	cfg.dst_ip = g->dst_ip.start;
	cfg.src_port = g->src_ip.port0;
	cfg.dst_port = g->dst_ip.port0;
	cfg.size = (unsigned int)g->pkt_size;
	if (pg_build_frame(t->frame + vh, &cfg) < 0)
		fatal("cannot build a %d-byte frame", g->pkt_size);
}

static int start_threads(struct glob_arg *g)
{
	int i, m = -1;

	targs = calloc((size_t)g->nthreads, sizeof(*targs));
	if (targs == NULL)
		fatal("out of memory");
	global_nthreads = g->nthreads;

	/* NIC+host with several threads: ONE_NIC rings, then ONE_SW. */
	if (g->orig_mode == NR_REG_NIC_SW)
		m = g->fn->type == TD_TYPE_RECEIVER ? g->nmd->reg.nr_rx_rings :
						      g->nmd->reg.nr_tx_rings;

	for (i = 0; i < g->nthreads; i++) {
		struct targ *t = &targs[i];
		uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)i << 40) ^
				(uint64_t)getpid() << 16;

		t->g = g;
		t->me = i;
		t->fd = -1;
		memcpy(t->seed, &seed, sizeof(t->seed));
		t->ctr.min_space = 99999;
		if (i == 0) {
			t->nmd = g->nmd;
		} else {
			int j = i;

			t->nmd = nmport_clone(g->nmd);
			if (t->nmd == NULL)
				return -1;
			if (m > 0 && j >= m) {
				t->nmd->reg.nr_mode = NR_REG_ONE_SW;
				j -= m;
			}
			t->nmd->reg.nr_ringid = (uint16_t)(j & NETMAP_RING_MASK);
			if (g->fn->type == TD_TYPE_RECEIVER)
				t->nmd->reg.nr_flags |= NR_NO_TX_POLL;
			if (nmport_open_desc(t->nmd) < 0) {
				nmport_undo_prepare(t->nmd);
				t->nmd = NULL;
				return -1;
			}
		}
		t->fd = t->nmd->fd;
		t->affinity = g->affinity >= 0 ?
			      (g->affinity + i) % g->cpus : -1;
		t->quota = g->npackets / (uint64_t)g->nthreads;
		if (i == 0)
			t->quota += g->npackets % (uint64_t)g->nthreads;
		init_frame(g, t);
	}

	PG_D("Wait %d secs for phy reset", g->wait_link);
	sleep((unsigned int)g->wait_link);
	PG_D("Ready...");

	for (i = 0; i < g->nthreads; i++) {
		struct targ *t = &targs[i];
		int rc;

		t->used = 1;
		rc = pthread_create(&t->thread, NULL, g->fn->body, t);
		if (rc != 0) {
			PG_D("Unable to create thread %d: %s", i,
			     strerror(rc));
			t->used = 0;
			t->failed = 1;
		} else {
			t->started = 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct glob_arg g;
	struct sigaction sa;
	sigset_t ss;
	int ch, i, devqueues, pkt_size_done = 0, wait_link_arg = 0, failed;
	long v;

	memset(&g, 0, sizeof(g));
	g.main_fd = -1;
	g.fn = &funcs[0];
	g.report_interval = 1000;
	g.affinity = -1;
	g.src_ip.name = "10.0.0.1";
	g.dst_ip.name = "10.1.0.1";
	g.dst_mac.name = "ff:ff:ff:ff:ff:ff";
	g.pkt_size = 60;
	g.nthreads = 1;
	g.cpus = 1;
	g.forever = 1;
	g.frags = 1;
	g.wait_link = 2;
	g.normalize = 1;

	while ((ch = getopt(argc, argv, "46a:f:F:Nn:i:Il:d:s:D:S:b:c:o:p:"
			    "T:w:WvR:XC:H:rP:zZAhBM:")) != -1) {
		switch (ch) {
		case 'h':
			usage(EXIT_SUCCESS);
			break;
		case '4':
			break;
		case '6':
			fatal("-6: IPv6 frames are not supported by this "
			      "pkt-gen");
			break;
		case 'N':
			g.normalize = 0;
			break;
		case 'n':
			if (pg_parse_long(optarg, 0, LONG_MAX, &v) < 0)
				bad_arg(ch, optarg, "expected a count");
			g.npackets = (uint64_t)v;
			break;
		case 'F':
			g.frags = (int)num_arg(ch, optarg, 1, 63);
			break;
		case 'M':
			g.frag_size = (unsigned int)num_arg(ch, optarg, 1,
							    65535);
			break;
		case 'f':
			for (i = 0; funcs[i].key != NULL; i++)
				if (strcmp(funcs[i].key, optarg) == 0)
					break;
			if (funcs[i].key == NULL)
				bad_arg(ch, optarg, "unknown function (tx, rx, "
					"ping, pong, txseq, rxseq)");
			g.fn = &funcs[i];
			break;
		case 'o':
			v = num_arg(ch, optarg, 0, 0xffff);
			if (v & OPT_TS)
				bad_arg(ch, optarg, "option 16 (timestamps) is "
					"not implemented");
			if (v & ~(long)OPT_KNOWN)
				bad_arg(ch, optarg, "unknown option bits");
			g.options |= (int)v;
			break;
		case 'a':
			g.affinity = (int)num_arg(ch, optarg, 0, 4095);
			break;
		case 'i':
			PG_D("interface is %s", optarg);
			if (strlen(optarg) > MAX_IFNAMELEN - 8)
				bad_arg(ch, optarg, "name too long");
			if (strcmp(optarg, "null") == 0 ||
			    strncmp(optarg, "pcap:", 5) == 0 ||
			    strncmp(optarg, "tap:", 4) == 0 ||
			    (strncmp(optarg, "tap", 3) == 0 &&
			     strchr(optarg, ':') == NULL))
				bad_arg(ch, optarg, "only netmap ports are "
					"supported (for a tap interface in "
					"netmap mode use netmap:NAME)");
			if (strncmp(optarg, "netmap:", 7) == 0 ||
			    strncmp(optarg, "vale", 4) == 0)
				snprintf(g.ifname, sizeof(g.ifname), "%s",
					 optarg);
			else
				snprintf(g.ifname, sizeof(g.ifname),
					 "netmap:%s", optarg);
			break;
		case 'I':
			g.options |= OPT_INDIRECT;
			break;
		case 'l':
			v = num_arg(ch, optarg, 16, PG_MAX_FRAME);
			if (pkt_size_done) {
				g.pkt_min_size = (int)v;
			} else {
				g.pkt_size = (int)v;
				pkt_size_done = 1;
			}
			break;
		case 'd':
			g.dst_ip.name = optarg;
			break;
		case 's':
			g.src_ip.name = optarg;
			break;
		case 'T':
			g.report_interval = (int)num_arg(ch, optarg, 1,
							 3600000);
			break;
		case 'w':
			g.wait_link = (int)num_arg(ch, optarg, 0, 3600);
			wait_link_arg = 1;
			break;
		case 'W':
			g.forever = 0;
			break;
		case 'b':
			g.burst = (int)num_arg(ch, optarg, 0, 1 << 20);
			break;
		case 'c':
			g.cpus = (int)num_arg(ch, optarg, 0, 4096);
			break;
		case 'p':
			g.nthreads = (int)num_arg(ch, optarg, 1, 256);
			break;
		case 'D':
			g.dst_mac.name = optarg;
			break;
		case 'S':
			g.src_mac.name = optarg;
			break;
		case 'v':
			g.verbose++;
			break;
		case 'R':
			g.tx_rate = (int)num_arg(ch, optarg, 0, 2000000000);
			break;
		case 'X':
			g.options |= OPT_DUMP;
			break;
		case 'C':
			PG_D("WARNING: the 'C' option is deprecated, use the "
			     "'@conf:' libnetmap option instead");
			g.nmr_config = optarg;
			break;
		case 'H':
			v = num_arg(ch, optarg, 0, 12);
			if (v != 0 && v != 10 && v != 12)
				bad_arg(ch, optarg, "virtio-net header length "
					"must be 0, 10 or 12");
			g.virt_header = (int)v;
			g.virt_header_set = 1;
			break;
		case 'P':
			g.packet_file = optarg;
			break;
		case 'r':
			g.options |= OPT_RUBBISH;
			break;
		case 'z':
			g.options |= OPT_RANDOM_SRC;
			break;
		case 'Z':
			g.options |= OPT_RANDOM_DST;
			break;
		case 'A':
			g.options |= OPT_PPS_STATS;
			break;
		case 'B':
			g.framing = 24 * 8;	/* CRC 4 + preamble/IFG 20 */
			break;
		default:
			usage(EXIT_FAILURE);
		}
	}
	if (optind < argc)
		fatal("unexpected argument '%s' (see -h)", argv[optind]);
	if (g.ifname[0] == '\0') {
		PG_D("missing ifname");
		usage(EXIT_FAILURE);
	}

	if (g.burst == 0) {
		g.burst = g.fn->default_burst;
		PG_D("using default burst size: %d", g.burst);
	}
	g.system_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (g.system_cpus < 1)
		g.system_cpus = 1;
	if (g.cpus > g.system_cpus)
		fatal("%d cpus is too high, have only %d cpus", g.cpus,
		      g.system_cpus);
	PG_D("running on %d cpus (have %d)", g.cpus, g.system_cpus);
	if (g.cpus == 0)
		g.cpus = g.system_cpus;
	if (!wait_link_arg && strncmp(g.ifname, "vale", 4) == 0)
		g.wait_link = 0;

	/* What the frames look like. */
	if (g.packet_file != NULL) {
		if (g.fn->type != TD_TYPE_SENDER)
			fatal("-P only makes sense with -f tx or txseq");
		if (g.pkt_min_size > 0)
			fatal("-P and random sizes (-l twice) exclude each "
			      "other");
		load_pcap(&g);
	} else if (!(g.options & OPT_RUBBISH) && g.pkt_size < PG_MIN_FRAME) {
		fatal("bad pktsize %d: Ethernet, IPv4 and UDP headers need "
		      "[%d..%d] bytes", g.pkt_size, PG_MIN_FRAME, PG_MAX_FRAME);
	}
	if (strcmp(g.fn->key, "ping") == 0 && g.pkt_size < PG_PING_MIN)
		fatal("ping frames carry a timestamp: -l must be at least %d",
		      PG_PING_MIN);
	if (strcmp(g.fn->key, "txseq") == 0 && g.pkt_size < PG_SEQ_MIN)
		fatal("txseq frames carry a sequence number: -l must be at "
		      "least %d", PG_SEQ_MIN);
	if (g.pkt_min_size > 0) {
		if (g.pkt_min_size > g.pkt_size ||
		    (g.pkt_min_size < PG_MIN_FRAME &&
		     !(g.options & OPT_RUBBISH)))
			fatal("bad pktminsize %d [%d..%d]", g.pkt_min_size,
			      PG_MIN_FRAME, g.pkt_size);
		if (g.pkt_min_size == g.pkt_size)
			g.pkt_min_size = 0;
	}
	if ((g.options & OPT_INDIRECT) && g.fn->type != TD_TYPE_SENDER)
		fatal("-I (indirect buffers) is a transmit option");

	if (g.src_mac.name != NULL && pg_parse_mac_range(&g.src_mac) < 0)
		fatal("invalid MAC address '%s'", g.src_mac.name);
	if (pg_parse_mac_range(&g.dst_mac) < 0)
		fatal("invalid MAC address '%s'", g.dst_mac.name);
	switch (pg_parse_ip_range(&g.src_ip)) {
	case -1:
		fatal("invalid source range '%s'", g.src_ip.name);
		break;
	case 1:
		g.options |= OPT_COPY;
		break;
	}
	switch (pg_parse_ip_range(&g.dst_ip)) {
	case -1:
		fatal("invalid destination range '%s'", g.dst_ip.name);
		break;
	case 1:
		g.options |= OPT_COPY;
		break;
	}
	print_range(&g.src_ip);
	print_range(&g.dst_ip);

	/* Open the port. */
	g.nmd = nmport_prepare(g.ifname);
	if (g.nmd == NULL)
		fatal("cannot parse port name '%s': %s", g.ifname,
		      strerror(errno));
	parse_nmr_config(g.nmr_config, &g.nmd->reg);
	g.nmd->reg.nr_flags |= NR_ACCEPT_VNET_HDR;
	g.orig_mode = g.nmd->reg.nr_mode;
	if (g.nthreads > 1) {
		switch (g.orig_mode) {
		case NR_REG_ALL_NIC:
		case NR_REG_NIC_SW:
			g.nmd->reg.nr_mode = NR_REG_ONE_NIC;
			break;
		case NR_REG_SW:
			g.nmd->reg.nr_mode = NR_REG_ONE_SW;
			break;
		default:
			fatal("-p %d needs a port name that binds all rings "
			      "(no -N or ^N suffix)", g.nthreads);
		}
		g.nmd->reg.nr_ringid = 0;
	}
	if (nmport_open_desc(g.nmd) < 0)
		fatal("cannot open %s: %s", g.ifname, strerror(errno));
	g.main_fd = g.nmd->fd;
	port_hdr(&g);
	if (g.src_mac.name == NULL) {
		source_mac(&g);
		if (pg_parse_mac_range(&g.src_mac) < 0)
			fatal("invalid MAC address '%s'", g.src_mac.name);
	}

	if (g.fn->type == TD_TYPE_RECEIVER)
		devqueues = g.nmd->reg.nr_rx_rings;
	else
		devqueues = g.nmd->reg.nr_tx_rings;
	if (g.orig_mode == NR_REG_NIC_SW)
		devqueues += g.fn->type == TD_TYPE_RECEIVER ?
			     g.nmd->reg.nr_host_rx_rings :
			     g.nmd->reg.nr_host_tx_rings;
	else if (g.orig_mode == NR_REG_SW || g.orig_mode == NR_REG_ONE_SW)
		devqueues = g.fn->type == TD_TYPE_RECEIVER ?
			    g.nmd->reg.nr_host_rx_rings :
			    g.nmd->reg.nr_host_tx_rings;
	if (devqueues < 1)
		devqueues = 1;
	if (g.nthreads > devqueues)
		fatal("bad nthreads %d, have %d queues", g.nthreads, devqueues);

	if (g.fn->type == TD_TYPE_SENDER && nic_name(&g) != NULL) {
		struct ifreq ifr;

		if (nic_ioctl(nic_name(&g), SIOCGIFMTU, &ifr) == 0 &&
		    ifr.ifr_mtu > 0 && g.pkt_size > ifr.ifr_mtu + PG_ETH_LEN)
			fatal("pkt_size (%d) must be <= mtu (%d) + %d",
			      g.pkt_size, ifr.ifr_mtu, PG_ETH_LEN);
	}

	if (g.verbose) {
		struct netmap_if *nifp = g.nmd->nifp;
		struct nmreq_register *req = &g.nmd->reg;

		PG_D("nifp at offset %llu, %d tx %d rx region %d",
		     (unsigned long long)req->nr_offset, req->nr_tx_rings,
		     req->nr_rx_rings, req->nr_mem_id);
		for (i = 0; i < (int)(nifp->ni_tx_rings +
				      nifp->ni_host_tx_rings); i++)
			if (nifp->ring_ofs[i] != 0)
				PG_D("   TX%d at 0x%lx slots %u", i,
				     (unsigned long)nifp->ring_ofs[i],
				     NETMAP_TXRING(nifp, i)->num_slots);
		for (i = 0; i < (int)(nifp->ni_rx_rings +
				      nifp->ni_host_rx_rings); i++) {
			unsigned int k = (unsigned int)i + nifp->ni_tx_rings +
					 nifp->ni_host_tx_rings;

			if (nifp->ring_ofs[k] != 0)
				PG_D("   RX%d at 0x%lx slots %u", i,
				     (unsigned long)nifp->ring_ofs[k],
				     NETMAP_RXRING(nifp, i)->num_slots);
		}
	}

	printf("%s %s: %d queues, %d threads and %d cpus.\n",
	       g.fn->type == TD_TYPE_SENDER ? "Sending on" :
	       g.fn->type == TD_TYPE_RECEIVER ? "Receiving from" :
	       "Working on", g.ifname, devqueues, g.nthreads, g.cpus);
	if (g.fn->type == TD_TYPE_SENDER)
		printf("%s -> %s (%s -> %s)\n", g.src_ip.name, g.dst_ip.name,
		       g.src_mac.name, g.dst_mac.name);
	fflush(stdout);

	if (g.options)
		PG_D("--- SPECIAL OPTIONS:%s%s%s%s%s%s\n",
		     g.options & OPT_PREFETCH ? " prefetch" : "",
		     g.options & OPT_ACCESS ? " access" : "",
		     g.options & OPT_MEMCPY ? " memcpy" : "",
		     g.options & OPT_INDIRECT ? " indirect" : "",
		     g.options & OPT_COPY ? " copy" : "",
		     g.options & OPT_RUBBISH ? " rubbish " : "");

	if (g.tx_rate > 0) {
		/* Bursts of about 1/300 s, so something leaves often. */
		int lim = g.tx_rate / 300;
		uint64_t ns;

		if (g.burst > lim)
			g.burst = lim;
		if (g.burst < 1)
			g.burst = 1;
		ns = 1000000000ULL * (uint64_t)g.burst / (uint64_t)g.tx_rate;
		g.tx_period.tv_sec = (time_t)(ns / 1000000000ULL);
		g.tx_period.tv_nsec = (long)(ns % 1000000000ULL);
	}
	if (g.fn->type == TD_TYPE_SENDER)
		PG_D("Sending %d packets every  %ld.%09ld s", g.burst,
		     (long)g.tx_period.tv_sec, g.tx_period.tv_nsec);

	/* Threads inherit SIGINT/SIGTERM blocked; only main handles them. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &ss, NULL);
	if (start_threads(&g) < 0)
		fatal("cannot open the rings of the other threads");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sigint_h;
	sa.sa_flags = SA_RESETHAND;	/* a second signal kills */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pthread_sigmask(SIG_UNBLOCK, &ss, NULL);

	main_thread(&g);

	failed = 0;
	for (i = 0; i < g.nthreads; i++) {
		failed |= targs[i].failed;
		free(targs[i].frame);
	}
	free(targs);
	free(g.pcap_frame);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
