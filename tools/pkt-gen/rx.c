// SPDX-License-Identifier: BSD-2-Clause
/*
 * rx.c - pkt-gen receive side: the "rx" and "rxseq" functions.
 *
 * A packet is counted when its last slot (no NS_MOREFRAG) is consumed;
 * bytes are the sum of all slot lengths.  rxseq also checks the 32-bit
 * sequence numbers written by txseq, per ring, and the fragment count.
 */
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktgen.h"

struct rx_state {
	struct targ	*t;
	struct glob_arg	*g;
	int		dump;
	int		access;
	int		seq;		/* rxseq checks */
	/* rxseq, per bound RX ring */
	uint32_t	*seq_exp;
	uint8_t		*seq_valid;
	uint8_t		*in_packet;	/* inside a multi-slot packet */
	unsigned int	frags;		/* slots of the current packet */
	unsigned int	frags_exp;	/* slots of the previous packet */
	int		first_packet;
	volatile uint8_t sink;		/* OPT_ACCESS */
};

static void rx_seq_slot(struct rx_state *s, unsigned int r,
			const struct netmap_slot *slot, const uint8_t *p)
{
	unsigned int vh = (unsigned int)s->g->virt_header;
	int last = !(slot->flags & NS_MOREFRAG);

	s->frags++;
	if (!s->in_packet[r]) {
		/* First slot of a packet: it holds the headers. */
		if (slot->len < vh + PG_SEQ_MIN) {
			PG_RD(1, "packet too small (len=%u)", slot->len);
		} else {
			uint32_t seq = pg_frame_get_seq(p + vh);

			if (s->seq_valid[r] && seq != s->seq_exp[r]) {
				if (seq - s->seq_exp[r] < 0x7fffffffU)
					PG_RD(2, "Sequence GAP: exp %u found "
					      "%u", s->seq_exp[r], seq);
				else
					PG_RD(2, "Sequence OUT OF ORDER: exp "
					      "%u found %u", s->seq_exp[r],
					      seq);
			}
			s->seq_exp[r] = seq + 1;
			s->seq_valid[r] = 1;
		}
	}
	s->in_packet[r] = !last;
	if (last) {
		if (!s->first_packet && s->frags != s->frags_exp)
			PG_RD(1, "Received packets with %u frags, expected "
			      "%u", s->frags, s->frags_exp);
		s->first_packet = 0;
		s->frags_exp = s->frags;
		s->frags = 0;
	}
}

/*
 * Consume at most @max_slots slots of @ring, stopping after @max_pkts
 * complete packets (0: no limit).  Returns the complete packets.
 */
static uint64_t receive_packets(struct rx_state *s, struct netmap_ring *ring,
				unsigned int r, unsigned int max_slots,
				uint64_t max_pkts, uint64_t *bytes)
{
	uint32_t head = ring->head;
	unsigned int n = nm_ring_space(ring), k;
	uint64_t complete = 0;

	if (n > max_slots)
		n = max_slots;
	for (k = 0; k < n; k++) {
		struct netmap_slot *slot = &ring->slot[head];
		const uint8_t *p = (const uint8_t *)NETMAP_BUF(ring,
							      slot->buf_idx);

		*bytes += slot->len;
		if (s->dump)
			pg_dump_slot(ring, head, p, slot->len);
		if (s->access && slot->len > 0)
			s->sink ^= p[0];
		if (s->seq)
			rx_seq_slot(s, r, slot, p);
		head = nm_ring_next(ring, head);
		if (!(slot->flags & NS_MOREFRAG)) {
			complete++;
			if (max_pkts > 0 && complete >= max_pkts)
				break;
		}
	}
	ring->head = ring->cur = head;
	return complete;
}

static void *rx_body(struct targ *t, int seq)
{
	struct glob_arg *g = t->g;
	struct nmport_d *d = t->nmd;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	struct rx_state s = { .t = t, .g = g };
	uint64_t pkts = 0, bytes = 0, events = 0;
	unsigned int nrings = 0, i;
	int rv;

	s.dump = !!(g->options & OPT_DUMP);
	s.access = !!(g->options & OPT_ACCESS);
	s.seq = seq;
	s.first_packet = 1;

	if (pg_setaffinity(t) < 0)
		goto fail;
	if (d->last_rx_ring < d->first_rx_ring) {
		PG_D("%s: no RX ring bound", d->hdr.nr_name);
		goto fail;
	}
	nrings = (unsigned int)(d->last_rx_ring - d->first_rx_ring) + 1;
	if (seq) {
		s.seq_exp = calloc(nrings, sizeof(*s.seq_exp));
		s.seq_valid = calloc(nrings, 1);
		s.in_packet = calloc(nrings, 1);
		if (s.seq_exp == NULL || s.seq_valid == NULL ||
		    s.in_packet == NULL) {
			PG_D("out of memory");
			goto fail;
		}
	}

	PG_D("reading from %s fd %d main_fd %d", g->ifname, t->fd,
	     g->main_fd);
	/* No time limit for the first packet. */
	while (!PG_LOAD(t->cancel)) {
		rv = poll(&pfd, 1, 1000);
		if (rv > 0 && !(pfd.revents & POLLERR))
			break;
		if (rv < 0 && errno != EINTR) {
			PG_D("poll() error: %s", strerror(errno));
			goto fail;
		}
		if (rv > 0) {
			PG_D("fd error");
			goto fail;
		}
		PG_RD(1, "waiting for initial packets, poll returns %d %d",
		      rv, pfd.revents);
	}

	clock_gettime(CLOCK_REALTIME, &t->tic);
	while (!PG_LOAD(t->cancel)) {
		uint64_t space = 0, min_space;

		rv = poll(&pfd, 1, 1000);
		if (rv < 0 && errno == EINTR)
			continue;
		if (rv <= 0 && !g->forever) {
			/* One second of silence ends the run. */
			clock_gettime(CLOCK_REALTIME, &t->toc);
			t->toc.tv_sec -= 1;
			goto out;
		}
		if (rv > 0 && (pfd.revents & POLLERR)) {
			PG_D("poll err");
			goto fail;
		}

		for (i = d->first_rx_ring; i <= d->last_rx_ring; i++) {
			struct netmap_ring *ring = NETMAP_RXRING(d->nifp, i);
			uint64_t left = 0, m;
			unsigned int free_slots;

			free_slots = ring->head + ring->num_slots - ring->tail;
			if (free_slots >= ring->num_slots)
				free_slots -= ring->num_slots;
			space += free_slots;
			if (nm_ring_empty(ring))
				continue;
			if (g->npackets > 0) {
				uint64_t done = PG_LOAD(g->rx_total);

				if (done >= g->npackets)
					break;
				left = g->npackets - done;
			}
			m = receive_packets(&s, ring, i - d->first_rx_ring,
					    (unsigned int)g->burst, left,
					    &bytes);
			pkts += m;
			if (m > 0) {
				events++;
				if (g->npackets > 0)
					__atomic_add_fetch(&g->rx_total, m,
							   __ATOMIC_RELAXED);
			}
		}
		min_space = PG_LOAD(t->ctr.min_space);
		if (space < min_space)
			PG_STORE(t->ctr.min_space, space);
		pg_ctr_publish(t, pkts, bytes, events);
		if (g->npackets > 0 && PG_LOAD(g->rx_total) >= g->npackets) {
			/*
			 * Hand the slots consumed last back to the port: a
			 * pipe's sender waits for exactly those.
			 */
			ioctl(pfd.fd, NIOCRXSYNC, NULL);
			break;
		}
	}
	clock_gettime(CLOCK_REALTIME, &t->toc);
out:
	pg_ctr_publish(t, pkts, bytes, events);
	PG_STORE(t->completed, 1);
	PG_STORE(t->used, 0);
	free(s.seq_exp);
	free(s.seq_valid);
	free(s.in_packet);
	return NULL;

fail:
	pg_ctr_publish(t, pkts, bytes, events);
	clock_gettime(CLOCK_REALTIME, &t->toc);
	if (!PG_LOAD(t->cancel))
		PG_STORE(t->failed, 1);
	PG_STORE(t->used, 0);
	free(s.seq_exp);
	free(s.seq_valid);
	free(s.in_packet);
	return NULL;
}

void *receiver_body(void *data)
{
	return rx_body(data, 0);
}

void *rxseq_body(void *data)
{
	return rx_body(data, 1);
}
