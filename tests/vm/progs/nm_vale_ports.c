// SPDX-License-Identifier: BSD-2-Clause
/*
 * nm_vale_ports - many VALE ports with tiny rings, for the limit and the
 * concurrency suites.
 *
 * nm_vale_ports open [-s SLOTS] [-g GROUP] [-n MAX] [-r] [-H] [-S MAC] FMT
 *	Register ports named by the printf format FMT (one %d, taking
 *	0, 1, 2, ...) until one is refused or MAX are open (default 4096).
 *	Ports share allocators in groups of GROUP (default 1 = each its own):
 *	the first of a group gets a private allocator, the others pass its
 *	nr_mem_id. Prints "alloc NAME mem_id ID" for each first of a group,
 *	"opened N", and "refused NAME errno E (TEXT)" when one was refused.
 *	-r: after a refusal close the first port and open the refused name
 *	again, printing "retry ok" or "retry errno E (TEXT)".
 *	-S MAC: every port sends one broadcast frame from MAC (last byte
 *	plus the port number) once open, so the switch learns it.
 *	-H: print "ready", wait for SIGINT or SIGTERM, close every port and
 *	print "closed".
 *	Exit 0 unless the command line is bad or the first port fails.
 *
 * nm_vale_ports churn [-s SLOTS] [-t SECS] [-k K] [-m MEMID] [-S MAC] [-D MAC] PREFIX
 *	For SECS seconds (default 5): open K ports PREFIX0 .. PREFIX<K-1>
 *	(default 3), map them, send one frame from each (source MAC plus the
 *	port number, to -D, default broadcast), sync and drain their RX
 *	rings, close them all; again. -m: every port uses allocator MEMID.
 *	Prints "churn ROUNDS rounds OPENS opens ERRORS errors" and exits 1
 *	if any request failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <net/netmap_user.h>

#include "nmreg.h"

struct port {
	int fd;
	char name[NETMAP_REQ_IFNAMSIZ];
	struct nmreq_register reg;
	char *mem;
	struct netmap_if *nifp;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int port_open(struct port *p, const char *name, uint32_t slots,
		     uint16_t mem_id, int map)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->reg.nr_mode = NR_REG_ALL_NIC;
	p->reg.nr_tx_slots = slots;
	p->reg.nr_rx_slots = slots;
	p->reg.nr_mem_id = mem_id;
	p->fd = nmreg_open(name, &p->reg, map ? &p->mem : NULL);
	if (p->fd < 0)
		return -1;
	if (map)
		p->nifp = NETMAP_IF(p->mem, p->reg.nr_offset);
	return 0;
}

static void port_close(struct port *p)
{
	if (p->fd < 0)
		return;
	if (p->mem)
		munmap(p->mem, p->reg.nr_memsize);
	p->mem = NULL;
	close(p->fd);
	p->fd = -1;
}

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (unsigned char)v[i];
	}
	return 0;
}

/* One 60-byte frame from @src (+@n in the last byte) to @dst, synced. */
static int port_send(struct port *p, const unsigned char *src, unsigned int n,
		     const unsigned char *dst)
{
	struct netmap_ring *t = NETMAP_TXRING(p->nifp, 0);
	struct netmap_slot *s;
	unsigned char *b;

	if (nm_ring_empty(t) && ioctl(p->fd, NIOCTXSYNC, NULL) < 0)
		return -1;
	if (nm_ring_empty(t)) {
		errno = ENOSPC;
		return -1;
	}
	s = &t->slot[t->head];
	b = (unsigned char *)NETMAP_BUF(t, s->buf_idx);
	memset(b, 0, 60);
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[11] = (unsigned char)(b[11] + n);
	b[12] = 0x08;	/* IPv4 ethertype, payload zero */
	s->len = 60;
	s->flags = 0;
	t->head = t->cur = nm_ring_next(t, t->head);
	return ioctl(p->fd, NIOCTXSYNC, NULL);
}

/* Sync the RX ring and release whatever is there. */
static int port_drain(struct port *p)
{
	struct netmap_ring *r = NETMAP_RXRING(p->nifp, 0);
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) < 0 || (pfd.revents & POLLERR)) {
		errno = EIO;
		return -1;
	}
	r->head = r->cur = r->tail;
	return ioctl(p->fd, NIOCRXSYNC, NULL);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: nm_vale_ports open [-s SLOTS] [-g GROUP] [-n MAX] [-r] [-H] [-S MAC] FMT\n"
		"       nm_vale_ports churn [-s SLOTS] [-t SECS] [-k K] [-m MEMID] [-S MAC] [-D MAC] PREFIX\n");
	return 2;
}

static int cmd_open(int argc, char **argv)
{
	unsigned int slots = 8, group = 1, max = 4096, n, i;
	int retry = 0, hold = 0, announce = 0, ch;
	unsigned char src[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint16_t mem_id = 0;
	struct port *ports;
	char name[NETMAP_REQ_IFNAMSIZ];
	const char *fmt;

	while ((ch = getopt(argc, argv, "s:g:n:rHS:")) != -1) {
		switch (ch) {
		case 's': slots = (unsigned int)atoi(optarg); break;
		case 'g': group = (unsigned int)atoi(optarg); break;
		case 'n': max = (unsigned int)atoi(optarg); break;
		case 'r': retry = 1; break;
		case 'H': hold = 1; break;
		case 'S':
			if (parse_mac(optarg, src))
				return usage();
			announce = 1;
			break;
		default: return usage();
		}
	}
	if (optind + 1 != argc || group == 0 || max == 0 ||
	    !strstr(argv[optind], "%d"))
		return usage();
	fmt = argv[optind];
	ports = calloc(max + 1, sizeof(*ports));
	if (!ports)
		return 2;
	for (n = 0; n <= max; n++)
		ports[n].fd = -1;
	for (n = 0; n < max; n++) {
		snprintf(name, sizeof(name), fmt, n);
		if (port_open(&ports[n], name, slots,
			      n % group ? mem_id : 0, announce)) {
			int e = errno;

			printf("opened %u\n", n);
			printf("refused %s errno %d (%s)\n", name, e, strerror(e));
			fflush(stdout);
			if (n == 0)
				return 1;
			if (retry) {
				port_close(&ports[0]);
				if (port_open(&ports[n], name, slots,
					      n % group ? mem_id : 0, announce))
					printf("retry errno %d (%s)\n", errno,
					       strerror(errno));
				else
					printf("retry ok\n");
			}
			break;
		}
		if (n % group == 0) {
			mem_id = ports[n].reg.nr_mem_id;
			printf("alloc %s mem_id %u\n", name, mem_id);
		}
		if (announce && port_send(&ports[n], src, n, bcast))
			printf("announce %s failed errno %d (%s)\n", name,
			       errno, strerror(errno));
	}
	if (n == max)
		printf("opened %u\n", n);
	if (hold) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		printf("ready\n");
		fflush(stdout);
		while (!stop)
			pause();
	}
	for (i = 0; i <= max; i++)
		port_close(&ports[i]);
	printf("closed\n");
	free(ports);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_churn(int argc, char **argv)
{
	unsigned int slots = 64, secs = 5, k = 3, i;
	unsigned long rounds = 0, opens = 0, errors = 0;
	unsigned char src[6] = { 0x02, 0xcc, 0, 0, 0, 0 };
	unsigned char dst[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint16_t mem_id = 0;
	struct port ports[64];
	char name[NETMAP_REQ_IFNAMSIZ];
	double end;
	int ch;

	while ((ch = getopt(argc, argv, "s:t:k:m:S:D:")) != -1) {
		switch (ch) {
		case 's': slots = (unsigned int)atoi(optarg); break;
		case 't': secs = (unsigned int)atoi(optarg); break;
		case 'k': k = (unsigned int)atoi(optarg); break;
		case 'm': mem_id = (uint16_t)atoi(optarg); break;
		case 'S': if (parse_mac(optarg, src)) return usage(); break;
		case 'D': if (parse_mac(optarg, dst)) return usage(); break;
		default: return usage();
		}
	}
	if (optind + 1 != argc || k == 0 || k > 64)
		return usage();
	end = now_s() + secs;
	while (now_s() < end) {
		for (i = 0; i < k; i++) {
			snprintf(name, sizeof(name), "%s%u", argv[optind], i);
			if (port_open(&ports[i], name, slots, mem_id, 1)) {
				if (errors++ < 10)
					printf("# open %s: errno %d (%s)\n",
					       name, errno, strerror(errno));
				continue;
			}
			opens++;
			if (port_send(&ports[i], src, i, dst) && errors++ < 10)
				printf("# send %s: errno %d (%s)\n", name,
				       errno, strerror(errno));
		}
		for (i = 0; i < k; i++) {
			if (ports[i].fd < 0)
				continue;
			if (port_drain(&ports[i]) && errors++ < 10)
				printf("# drain %s: errno %d (%s)\n",
				       ports[i].name, errno, strerror(errno));
			port_close(&ports[i]);
		}
		rounds++;
	}
	printf("churn %lu rounds %lu opens %lu errors\n", rounds, opens,
	       errors);
	return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "open"))
		return cmd_open(argc - 1, argv + 1);
	if (!strcmp(argv[1], "churn"))
		return cmd_churn(argc - 1, argv + 1);
	return usage();
}
