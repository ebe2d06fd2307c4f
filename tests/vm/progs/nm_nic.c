// SPDX-License-Identifier: BSD-2-Clause
/*
 * nm_nic - small netmap applications for the NIC and host-ring suites, the
 * way upstream users write them (libnetmap names such as "netmap:eth0*").
 *
 * usage:
 *   nm_nic fwd PORT_A PORT_B       move frames both ways until SIGTERM/SIGINT;
 *                                  prints "fwd a2b N b2a M" at the end
 *   nm_nic rx PORT N SECS          receive N frames within SECS seconds; prints
 *                                  "frame LEN TYPE" per frame (TYPE = bytes
 *                                  12-13 in hex); exit 0 if N arrived
 *   nm_nic tx PORT N LEN           send N broadcast frames of LEN bytes
 *                                  (EtherType 0x88b5), waiting for room with
 *                                  poll() when the ring is full; prints
 *                                  "sent N"; exit 0 when all went out
 *   nm_nic open PORT               open and close; exit status = errno
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "libnetmap.h"
#include <net/netmap_user.h>

static volatile sig_atomic_t nm_stop;

static void on_signal(int sig)
{
	(void)sig;
	nm_stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct nmport_d *open_port(const char *name)
{
	struct nmport_d *d = nmport_open(name);

	if (!d)
		fprintf(stderr, "nm_nic: cannot open %s: %s\n", name, strerror(errno));
	return d;
}

/* Move every waiting frame (all slots of multi-slot ones) from @s to @d. */
static unsigned long move(struct nmport_d *s, struct nmport_d *d)
{
	unsigned long moved = 0;
	int ri, ti = d->first_tx_ring;

	for (ri = s->first_rx_ring; ri <= s->last_rx_ring; ri++) {
		struct netmap_ring *rx = NETMAP_RXRING(s->nifp, ri);

		while (!nm_ring_empty(rx)) {
			struct netmap_ring *tx = NETMAP_TXRING(d->nifp, ti);
			struct netmap_slot *rs = &rx->slot[rx->head];
			struct netmap_slot *ts;
			uint32_t idx;

			while (nm_ring_space(tx) == 0 && ti < d->last_tx_ring)
				tx = NETMAP_TXRING(d->nifp, ++ti);
			if (nm_ring_space(tx) == 0)
				return moved;
			/* Same allocator: swap the buffers instead of copying. */
			ts = &tx->slot[tx->head];
			idx = ts->buf_idx;
			ts->buf_idx = rs->buf_idx;
			rs->buf_idx = idx;
			ts->len = rs->len;
			ts->flags = NS_BUF_CHANGED | (rs->flags & NS_MOREFRAG);
			rs->flags = NS_BUF_CHANGED;
			rx->head = rx->cur = nm_ring_next(rx, rx->head);
			tx->head = tx->cur = nm_ring_next(tx, tx->head);
			moved += !(ts->flags & NS_MOREFRAG);
		}
	}
	return moved;
}

static int cmd_fwd(const char *a, const char *b)
{
	struct nmport_d *pa = open_port(a), *pb = pa ? open_port(b) : NULL;
	unsigned long a2b = 0, b2a = 0;
	struct pollfd pfd[2];

	if (!pa || !pb)
		return 1;
	if (pa->reg.nr_mem_id != pb->reg.nr_mem_id) {
		fprintf(stderr, "nm_nic: %s and %s do not share memory\n", a, b);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("fwd ready\n");
	fflush(stdout);
	while (!nm_stop) {
		pfd[0] = (struct pollfd){ .fd = pa->fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = pb->fd, .events = POLLIN };
		if (poll(pfd, 2, 200) < 0 && errno != EINTR)
			break;
		a2b += move(pa, pb);
		b2a += move(pb, pa);
		ioctl(pa->fd, NIOCTXSYNC, NULL);
		ioctl(pb->fd, NIOCTXSYNC, NULL);
	}
	printf("fwd a2b %lu b2a %lu\n", a2b, b2a);
	nmport_close(pb);
	nmport_close(pa);
	return 0;
}

static int cmd_rx(const char *name, long want, double secs)
{
	struct nmport_d *d = open_port(name);
	double end = now() + secs;
	long got = 0;
	int ri;

	if (!d)
		return 1;
	printf("rx ready\n");
	fflush(stdout);
	while (got < want && now() < end) {
		struct pollfd pfd = { .fd = d->fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		for (ri = d->first_rx_ring; ri <= d->last_rx_ring; ri++) {
			struct netmap_ring *r = NETMAP_RXRING(d->nifp, ri);

			while (!nm_ring_empty(r) && got < want) {
				struct netmap_slot *s = &r->slot[r->head];
				unsigned char *p = (unsigned char *)NETMAP_BUF(r, s->buf_idx);

				if (s->len >= 14)
					printf("frame %u %02x%02x%s\n", s->len, p[12], p[13],
					       s->flags & NS_MOREFRAG ? " more" : "");
				else
					printf("frame %u short\n", s->len);
				if (!(s->flags & NS_MOREFRAG))
					got++;
				r->head = r->cur = nm_ring_next(r, r->head);
			}
		}
	}
	ioctl(d->fd, NIOCRXSYNC, NULL);
	printf("received %ld\n", got);
	nmport_close(d);
	return got >= want ? 0 : 1;
}

static int cmd_tx(const char *name, long n, unsigned int len)
{
	struct nmport_d *d = open_port(name);
	struct netmap_ring *t;
	double end = now() + 30;
	long sent = 0;

	if (!d)
		return 1;
	t = NETMAP_TXRING(d->nifp, d->first_tx_ring);
	if (len < 60 || len > t->nr_buf_size) {
		fprintf(stderr, "nm_nic: bad length %u\n", len);
		return 2;
	}
	while (sent < n && now() < end) {
		struct pollfd pfd = { .fd = d->fd, .events = POLLOUT };

		while (sent < n && !nm_ring_empty(t)) {
			struct netmap_slot *s = &t->slot[t->head];
			unsigned char *p = (unsigned char *)NETMAP_BUF(t, s->buf_idx);

			memset(p, 0xff, 6);
			memcpy(p + 6, "\x02\x00\x00\x00\x4e\x4d", 6);
			p[12] = 0x88;
			p[13] = 0xb5;
			memcpy(p + 14, &sent, sizeof(sent));
			s->len = len;
			s->flags = 0;
			t->head = t->cur = nm_ring_next(t, t->head);
			sent++;
		}
		poll(&pfd, 1, 100);
	}
	/* Wait until the ring drained into the device. */
	while (nm_tx_pending(t) && now() < end) {
		ioctl(d->fd, NIOCTXSYNC, NULL);
		usleep(1000);
	}
	printf("sent %ld\n", sent);
	nmport_close(d);
	return sent == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "fwd"))
		return cmd_fwd(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "rx"))
		return cmd_rx(argv[2], atol(argv[3]), atof(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "tx"))
		return cmd_tx(argv[2], atol(argv[3]), (unsigned int)atoi(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "open")) {
		struct nmport_d *d = nmport_open(argv[2]);

		if (!d)
			return errno ? errno : 1;
		nmport_close(d);
		return 0;
	}
	fprintf(stderr, "usage: nm_nic fwd A B | rx PORT N SECS | tx PORT N LEN | open PORT\n");
	return 2;
}
