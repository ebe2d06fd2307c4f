// SPDX-License-Identifier: BSD-2-Clause
/*
 * tx.c - pkt-gen transmit side: the "tx" and "txseq" functions, plus the
 * small helpers every thread body uses (affinity, pacing, dumps).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "pktgen.h"

/* ------------------------------------------------------------------ */
/* Helpers shared by the thread bodies */

int pg_setaffinity(struct targ *t)
{
	cpu_set_t set;
	int rc;

	if (t->affinity < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(t->affinity, &set);
	rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (rc != 0) {
		PG_D("cannot pin thread %d to CPU %d: %s", t->me, t->affinity,
		     strerror(rc));
		return -1;
	}
	return 0;
}

struct timespec pg_timespec_add(struct timespec a, struct timespec b)
{
	struct timespec r = { a.tv_sec + b.tv_sec, a.tv_nsec + b.tv_nsec };

	if (r.tv_nsec >= 1000000000) {
		r.tv_sec++;
		r.tv_nsec -= 1000000000;
	}
	return r;
}

struct timespec pg_timespec_sub(struct timespec a, struct timespec b)
{
	struct timespec r = { a.tv_sec - b.tv_sec, a.tv_nsec - b.tv_nsec };

	if (r.tv_nsec < 0) {
		r.tv_sec--;
		r.tv_nsec += 1000000000;
	}
	return r;
}

/* Sleep (in 1 ms steps) then spin until @ts; returns the wake-up time. */
struct timespec pg_wait_time(struct timespec ts)
{
	for (;;) {
		struct timespec now, left;

		clock_gettime(CLOCK_REALTIME, &now);
		left = pg_timespec_sub(ts, now);
		if (left.tv_sec < 0)
			return now;
		if (left.tv_sec > 0 || left.tv_nsec > 1000000)
			poll(NULL, 0, 1);
	}
}

void pg_dump_slot(struct netmap_ring *ring, unsigned int cur, const void *p,
		  unsigned int len)
{
	printf("ring %p cur %5u [buf %6u flags 0x%04x len %5u]\n",
	       (void *)ring, cur, ring->slot[cur].buf_idx,
	       ring->slot[cur].flags, len);
	pg_hexdump(stdout, p, len);
}

void pg_ctr_publish(struct targ *t, uint64_t pkts, uint64_t bytes,
		    uint64_t events)
{
	PG_STORE(t->ctr.pkts, pkts);
	PG_STORE(t->ctr.bytes, bytes);
	PG_STORE(t->ctr.events, events);
}

/* ------------------------------------------------------------------ */
/* Transmission */

/* Per-packet work decided once per thread. */
struct tx_state {
	struct targ	*t;
	struct glob_arg	*g;
	int		options;
	int		update_addr;	/* walk the address ranges */
	int		seq;		/* txseq: number the packets */
	uint8_t		*eth;		/* Ethernet header in t->frame */
};

/* Slot size and slot count per packet, from the ring's buffer size. */
static int tx_fragments(struct targ *t, unsigned int bufsz)
{
	struct glob_arg *g = t->g;
	unsigned int len = t->frame_len, fs = bufsz;

	if (fs > UINT16_MAX)
		fs = UINT16_MAX;	/* slot->len is 16 bits */
	if (g->frag_size > 0 && g->frag_size < fs)
		fs = g->frag_size;
	if (g->frags > 1 && (len + (unsigned int)g->frags - 1) /
			    (unsigned int)g->frags < fs)
		fs = (len + (unsigned int)g->frags - 1) /
		     (unsigned int)g->frags;
	if (fs == 0)
		fs = 1;
	t->frag_size = fs;
	t->frags = (len + fs - 1) / fs;
	if (t->frags > NETMAP_MAX_FRAGS) {
		PG_D("a %u-byte packet needs %u slots of %u bytes, more than "
		     "%d", len, t->frags, fs, NETMAP_MAX_FRAGS);
		return -1;
	}
	PG_D("frags %u frag_size %u", t->frags, t->frag_size);
	return 0;
}

/* Prepare the template for the next packet of @size bytes (no vnet). */
static void tx_next_template(struct tx_state *s, unsigned int size)
{
	if (s->seq)
		pg_frame_set_seq(s->eth, s->t->seq++);
	if (s->g->pkt_min_size > 0)
		pg_frame_set_size(s->eth, size);
}

static void tx_after_copy(struct tx_state *s)
{
	struct glob_arg *g = s->g;

	if (s->update_addr)
		pg_frame_next_addr(s->eth, &g->src_ip, &g->dst_ip,
				   !!(g->options & OPT_RANDOM_SRC),
				   !!(g->options & OPT_RANDOM_DST), s->t->seed);
}

/*
 * Queue up to @count packets of @len bytes (vnet header included) on
 * @ring.  Returns how many were queued.
 */
static unsigned int send_packets(struct tx_state *s, struct netmap_ring *ring,
				 unsigned int len, uint64_t count)
{
	struct targ *t = s->t;
	unsigned int fs = t->frag_size;
	unsigned int nfrags = (len + fs - 1) / fs;
	unsigned int space = nm_ring_space(ring);
	uint32_t head = ring->head, last = head;
	unsigned int sent = 0;

	if (nfrags == 0)
		nfrags = 1;
	while (sent < count && space >= nfrags) {
		const uint8_t *src = t->frame;
		unsigned int left = len, k;
		int copy;

		if (s->options & (OPT_RUBBISH | OPT_INDIRECT))
			copy = 0;
		else
			copy = (s->options & (OPT_COPY | OPT_MEMCPY)) ||
			       nfrags > 1 ||
			       (ring->slot[head].flags & NS_BUF_CHANGED);
		if (copy)
			tx_next_template(s, len - (unsigned int)
					 t->g->virt_header);

		for (k = 0; k < nfrags; k++) {
			struct netmap_slot *slot = &ring->slot[head];
			unsigned int fl = left < fs ? left : fs;
			char *p = NETMAP_BUF(ring, slot->buf_idx);

			slot->flags = 0;
			if (s->options & OPT_INDIRECT) {
				slot->flags = NS_INDIRECT;
				slot->ptr = (uint64_t)(uintptr_t)src;
			} else if (copy) {
				memcpy(p, src, fl);
			} else if (s->options & OPT_PREFETCH) {
				__builtin_prefetch(p);
			}
			slot->len = (uint16_t)fl;
			if (k + 1 < nfrags)
				slot->flags |= NS_MOREFRAG;
			if (s->options & OPT_DUMP)
				pg_dump_slot(ring, head,
					     (s->options & OPT_INDIRECT) ?
					     (const void *)src : (void *)p, fl);
			src += fl;
			left -= fl;
			last = head;
			head = nm_ring_next(ring, head);
		}
		if (copy)
			tx_after_copy(s);
		space -= nfrags;
		sent++;
	}
	if (sent > 0) {
		ring->slot[last].flags |= NS_REPORT;
		ring->head = ring->cur = head;
	}
	if (sent < count)
		ring->cur = ring->tail;	/* wake me when there is room */
	return sent;
}

static void *tx_body(struct targ *t, int seq)
{
	struct glob_arg *g = t->g;
	struct pollfd pfd = { .fd = t->fd, .events = POLLOUT };
	struct nmport_d *d = t->nmd;
	struct tx_state s = { .t = t, .g = g, .seq = seq };
	struct timespec nexttime = { 0, 0 };
	uint64_t n = t->quota, sent = 0, bytes = 0, events = 0;
	int64_t tosend = 0;
	unsigned int len = t->frame_len, i;
	struct netmap_ring *txring;

	s.options = g->options | OPT_COPY;
	s.eth = t->frame + g->virt_header;
	s.update_addr = (g->options & (OPT_COPY | OPT_RANDOM_SRC |
				       OPT_RANDOM_DST)) != 0;
	if (g->pcap_frame != NULL)
		s.update_addr = 0;

	PG_D("start, fd %d main_fd %d", t->fd, g->main_fd);
	if (pg_setaffinity(t) < 0)
		goto fail;
	if (d->last_tx_ring < d->first_tx_ring) {
		PG_D("%s: no TX ring bound", d->hdr.nr_name);
		goto fail;
	}
	txring = NETMAP_TXRING(d->nifp, d->first_tx_ring);
	if (tx_fragments(t, txring->nr_buf_size) < 0)
		goto fail;

	clock_gettime(CLOCK_REALTIME, &t->tic);
	if (g->tx_rate > 0) {
		t->tic = pg_timespec_add(t->tic, (struct timespec){ 2, 0 });
		t->tic.tv_nsec = 0;
		pg_wait_time(t->tic);
		nexttime = t->tic;
	}

	while (!PG_LOAD(t->cancel) && (n == 0 || sent < n)) {
		int rv;

		if (g->tx_rate > 0 && tosend <= 0) {
			tosend = g->burst;
			nexttime = pg_timespec_add(nexttime, g->tx_period);
			pg_wait_time(nexttime);
		}

		rv = poll(&pfd, 1, 2000);
		if (rv <= 0) {
			if (PG_LOAD(t->cancel))
				break;
			if (rv < 0 && errno != EINTR) {
				PG_D("poll error on queue %d: %s", t->me,
				     strerror(errno));
				goto fail;
			}
			if (rv == 0)
				PG_D("poll error on queue %d: timeout", t->me);
		}
		if (pfd.revents & POLLERR) {
			PG_D("poll error on %d ring %d-%d", pfd.fd,
			     d->first_tx_ring, d->last_tx_ring);
			goto fail;
		}

		/* After a while every buffer holds the frame: stop copying. */
		if ((s.options & OPT_COPY) && sent > 100000 &&
		    !(g->options & OPT_COPY) && !seq && g->pkt_min_size == 0) {
			PG_D("drop copy");
			s.options &= ~OPT_COPY;
		}

		for (i = d->first_tx_ring; i <= d->last_tx_ring; i++) {
			uint64_t limit = g->tx_rate > 0 ? (uint64_t)tosend :
							  (uint64_t)g->burst;
			unsigned int m;

			if (n > 0 && sent >= n)
				break;
			if (n > 0 && n - sent < limit)
				limit = n - sent;
			txring = NETMAP_TXRING(d->nifp, i);
			if (nm_ring_empty(txring))
				continue;
			if (g->pkt_min_size > 0)
				len = (unsigned int)g->virt_header +
				      (unsigned int)(g->pkt_min_size +
				      nrand48(t->seed) %
				      (g->pkt_size - g->pkt_min_size + 1));
			m = send_packets(&s, txring, len, limit);
			sent += m;
			bytes += (uint64_t)m * len;
			if (m > 0)
				events++;
			pg_ctr_publish(t, sent, bytes, events);
			if (g->tx_rate > 0) {
				tosend -= m;
				if (tosend <= 0)
					break;
			}
		}
	}

	/* Push out what is queued and wait until the rings drain. */
	PG_D("flush tail %u head %u on thread %d",
	     NETMAP_TXRING(d->nifp, d->first_tx_ring)->tail,
	     NETMAP_TXRING(d->nifp, d->first_tx_ring)->head, t->me);
	ioctl(t->fd, NIOCTXSYNC, NULL);
	for (i = d->first_tx_ring; i <= d->last_tx_ring; i++) {
		txring = NETMAP_TXRING(d->nifp, i);
		while (!PG_LOAD(t->cancel) && nm_tx_pending(txring)) {
			PG_RD(5, "pending tx tail %u head %u on ring %u",
			      txring->tail, txring->head, i);
			if (ioctl(t->fd, NIOCTXSYNC, NULL) < 0)
				break;
			usleep(1);
		}
	}

	clock_gettime(CLOCK_REALTIME, &t->toc);
	pg_ctr_publish(t, sent, bytes, events);
	PG_STORE(t->completed, 1);
	PG_STORE(t->used, 0);
	return NULL;

fail:
	pg_ctr_publish(t, sent, bytes, events);
	clock_gettime(CLOCK_REALTIME, &t->toc);
	PG_STORE(t->failed, 1);
	PG_STORE(t->used, 0);
	return NULL;
}

void *sender_body(void *data)
{
	return tx_body(data, 0);
}

void *txseq_body(void *data)
{
	struct targ *t = data;

	if (t->g->nthreads > 1) {
		PG_D("txseq works with one thread only");
		PG_STORE(t->failed, 1);
		PG_STORE(t->used, 0);
		return NULL;
	}
	return tx_body(t, 1);
}
