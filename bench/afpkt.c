// SPDX-License-Identifier: BSD-2-Clause
/*
 * afpkt.c - AF_PACKET traffic source and sink, the Linux-bridge side of the
 * VALE-vs-bridge benchmark (bench/vm/bridge_vs_vale.sh) and the AF_PACKET
 * side (and the common receiver) of the generic-adapter benchmark
 * (bench/vm/generic_vs_afpkt.sh).
 *
 * Both ends use PACKET_MMAP rings, the fastest plain AF_PACKET path:
 *
 *   tx: a TPACKET_V2 TX ring of 512 frames, filled once with an Ethernet
 *       frame; each round marks every free frame SEND_REQUEST and calls
 *       send() once (batch 512), with PACKET_QDISC_BYPASS.
 *   rx: a TPACKET_V3 RX ring; whole blocks are counted and handed back.
 *
 * Frames carry EtherType 0x88b5 (IEEE local experimental) so the stack
 * behind the receiving interface drops them at once; only the bridge and
 * the packet sockets do work.
 *
 * usage:
 *   afpkt tx -i IF -l LEN -D DSTMAC [-b BURST] [-a CPU] [-T SECONDS]
 *   afpkt rx -i IF [-a CPU] [-T SECONDS]
 *   afpkt pcap -l LEN -D DSTMAC -S SRCMAC > FILE
 *
 * pcap writes the frame tx would send as a one-packet pcap file, so that
 * "pkt-gen -P FILE" sends exactly the same bytes.
 *
 * Both print one line a second on stderr in the shape pkt-gen -N uses,
 *   "afpkt rx [1] 123456 pps (123456 pkts in 1000123 usec)"
 * and a summary on stdout at the end. -T 0 (the default) runs until SIGINT
 * or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ETHERTYPE_BENCH	0x88b5
#define TX_FRAME	2048
#define TX_FRAMES	512
#define RX_BLOCK	(1u << 18)
#define RX_BLOCKS	64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "afpkt: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: afpkt tx -i IF -l LEN -D DSTMAC [-b BURST] [-a CPU] [-T SECONDS]\n"
		"       afpkt rx -i IF [-a CPU] [-T SECONDS]\n"
		"       afpkt pcap -l LEN -D DSTMAC -S SRCMAC > FILE\n");
	exit(2);
}

static int parse_mac(const char *s, uint8_t *m)
{
	unsigned int v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		m[i] = (uint8_t)v[i];
	}
	return 0;
}

static void if_mac(int fd, const char *ifname, uint8_t *m)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR");
	memcpy(m, ifr.ifr_hwaddr.sa_data, 6);
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity");
}

static int open_sock(const char *ifname, uint16_t proto, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(proto));

	if (fd < 0)
		die("socket(AF_PACKET)");
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(proto);
	sll->sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll->sll_ifindex) {
		fprintf(stderr, "afpkt: no interface %s\n", ifname);
		exit(1);
	}
	return fd;
}

static void fill_frame(uint8_t *b, const uint8_t *dst, const uint8_t *src,
		       unsigned int len)
{
	unsigned int i;

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = ETHERTYPE_BENCH >> 8;
	b[13] = ETHERTYPE_BENCH & 0xff;
	for (i = 14; i < len; i++)
		b[i] = (uint8_t)i;
}

/* Once a second: a pkt-gen shaped report of what @ctr did since last time. */
struct reporter {
	const char *what;
	double last;
	uint64_t prev;
	int n;
};

static void report(struct reporter *r, uint64_t ctr, double t)
{
	double dt = t - r->last;

	if (dt < 1.0)
		return;
	fprintf(stderr, "afpkt %s [%d] %.0f pps (%llu pkts in %.0f usec)\n",
		r->what, ++r->n, (double)(ctr - r->prev) / dt,
		(unsigned long long)(ctr - r->prev), dt * 1e6);
	r->prev = ctr;
	r->last = t;
}

static int do_tx(const char *ifname, unsigned int len, const uint8_t *dst,
		 unsigned int burst, double secs)
{
	struct tpacket_req req;
	struct sockaddr_ll sll;
	struct reporter rep = { "tx", 0, 0, 0 };
	int fd, one = 1, v = TPACKET_V2;
	uint8_t *ring, src[6];
	unsigned int i, cur = 0;
	uint64_t sent = 0, rounds = 0;
	double t0, t;

	fd = open_sock(ifname, 0, &sll);	/* protocol 0: receives nothing */
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
		die("PACKET_VERSION");
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		die("PACKET_QDISC_BYPASS");
	memset(&req, 0, sizeof(req));
	req.tp_block_size = TX_FRAME * 16;
	req.tp_frame_size = TX_FRAME;
	req.tp_block_nr = TX_FRAMES / 16;
	req.tp_frame_nr = TX_FRAMES;
	if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0)
		die("PACKET_TX_RING");
	ring = mmap(NULL, (size_t)req.tp_block_size * req.tp_block_nr,
		    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		die("mmap TX ring");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	if_mac(fd, ifname, src);

	/* The frames are written once, as pkt-gen does. */
	for (i = 0; i < TX_FRAMES; i++) {
		struct tpacket2_hdr *h = (void *)(ring + (size_t)i * TX_FRAME);

		fill_frame((uint8_t *)h + TPACKET2_HDRLEN - sizeof(struct sockaddr_ll),
			   dst, src, len);
	}
	if (burst == 0 || burst > TX_FRAMES)
		burst = TX_FRAMES;

	t0 = rep.last = now();
	while (!stop) {
		unsigned int queued = 0;

		while (queued < burst) {
			struct tpacket2_hdr *h = (void *)(ring + (size_t)cur * TX_FRAME);

			if (h->tp_status != TP_STATUS_AVAILABLE) {
				if (h->tp_status & TP_STATUS_WRONG_FORMAT) {
					fprintf(stderr, "afpkt: frame rejected (wrong format)\n");
					return 1;
				}
				break;
			}
			h->tp_len = len;
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
					 __ATOMIC_RELEASE);
			cur = (cur + 1) % TX_FRAMES;
			queued++;
		}
		if (queued == 0) {
			/* Everything in flight: wait for the ring to drain. */
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			poll(&p, 1, 10);
		}
		if (send(fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN &&
		    errno != ENOBUFS && errno != EINTR)
			die("send");
		sent += queued;
		rounds++;
		t = now();
		report(&rep, sent, t);
		if (secs > 0 && t - t0 >= secs)
			break;
	}
	t = now() - t0;
	printf("Sent %llu packets in %.2f seconds: %.0f pps, %.1f per send\n",
	       (unsigned long long)sent, t, (double)sent / t,
	       rounds ? (double)sent / (double)rounds : 0.0);
	return 0;
}

static int do_rx(const char *ifname, double secs)
{
	struct tpacket_req3 req;
	struct sockaddr_ll sll;
	struct tpacket_stats_v3 st;
	struct reporter rep = { "rx", 0, 0, 0 };
	socklen_t sl = sizeof(st);
	int fd, v = TPACKET_V3;
	uint8_t *ring, mac[6];
	unsigned int blk = 0;
	uint64_t got = 0;
	double t0, t;

	fd = open_sock(ifname, ETHERTYPE_BENCH, &sll);
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
		die("PACKET_VERSION");
	memset(&req, 0, sizeof(req));
	req.tp_block_size = RX_BLOCK;
	req.tp_block_nr = RX_BLOCKS;
	req.tp_frame_size = TX_FRAME;
	req.tp_frame_nr = RX_BLOCK / TX_FRAME * RX_BLOCKS;
	req.tp_retire_blk_tov = 10;	/* ms: a partly filled block is handed over */
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		die("PACKET_RX_RING");
	ring = mmap(NULL, (size_t)RX_BLOCK * RX_BLOCKS, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		die("mmap RX ring");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");

	/* One broadcast frame from here, so the bridge learns where we are. */
	{
		static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		uint8_t f[60];

		if_mac(fd, ifname, mac);
		fill_frame(f, bcast, mac, sizeof(f));
		if (sendto(fd, f, sizeof(f), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
			fprintf(stderr, "afpkt: learning frame: %s\n", strerror(errno));
	}

	t0 = rep.last = now();
	while (!stop) {
		struct tpacket_block_desc *b = (void *)(ring + (size_t)blk * RX_BLOCK);

		if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER)) {
			struct pollfd p = { .fd = fd, .events = POLLIN | POLLERR };

			poll(&p, 1, 100);
		} else {
			got += b->hdr.bh1.num_pkts;
			__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
					 __ATOMIC_RELEASE);
			blk = (blk + 1) % RX_BLOCKS;
		}
		t = now();
		report(&rep, got, t);
		if (secs > 0 && t - t0 >= secs)
			break;
	}
	t = now() - t0;
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) < 0)
		memset(&st, 0, sizeof(st));
	printf("Received %llu packets in %.2f seconds: %.0f pps, %u socket drops\n",
	       (unsigned long long)got, t, (double)got / t, st.tp_drops);
	return 0;
}

/* One frame as a pcap file (microsecond timestamps, Ethernet, host order). */
static int do_pcap(unsigned int len, const uint8_t *dst, const uint8_t *src)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} fh = { 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1 };
	uint32_t rh[4] = { 0, 0, len, len };	/* sec, usec, caplen, len */
	uint8_t f[TX_FRAME];

	fill_frame(f, dst, src, len);
	if (fwrite(&fh, sizeof(fh), 1, stdout) != 1 ||
	    fwrite(rh, sizeof(rh), 1, stdout) != 1 ||
	    fwrite(f, len, 1, stdout) != 1 || fflush(stdout) != 0)
		die("writing the pcap file");
	return 0;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *mode;
	unsigned int len = 60, burst = TX_FRAMES;
	uint8_t dst[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t src[6] = { 0 };
	double secs = 0;
	int opt, cpu = -1;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "i:l:D:S:b:a:T:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'l':
			len = (unsigned int)atoi(optarg);
			break;
		case 'D':
			if (parse_mac(optarg, dst))
				usage();
			break;
		case 'S':
			if (parse_mac(optarg, src))
				usage();
			break;
		case 'b':
			burst = (unsigned int)atoi(optarg);
			break;
		case 'a':
			cpu = atoi(optarg);
			break;
		case 'T':
			secs = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (len < 60 || len > 1514)
		usage();
	if (!strcmp(mode, "pcap"))
		return do_pcap(len, dst, src);
	if (!ifname)
		usage();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	pin(cpu);
	if (!strcmp(mode, "tx"))
		return do_tx(ifname, len, dst, burst, secs);
	if (!strcmp(mode, "rx"))
		return do_rx(ifname, secs);
	usage();
	return 2;
}
