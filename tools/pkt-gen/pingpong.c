// SPDX-License-Identifier: BSD-2-Clause
/*
 * pingpong.c - pkt-gen round-trip measurement: "ping" sends frames that
 * carry a sequence number and a send timestamp right after the UDP
 * header and times the replies; "pong" sends every received frame back
 * with the Ethernet addresses swapped.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "pktgen.h"

/* Timestamp layout in the payload: two 32-bit words, native order. */
struct pg_tstamp {
	uint32_t	sec;
	uint32_t	nsec;
};

static void *pp_fail(struct targ *t)
{
	clock_gettime(CLOCK_REALTIME, &t->toc);
	PG_STORE(t->failed, 1);
	PG_STORE(t->used, 0);
	return NULL;
}

/* What ping and pong both need: one thread, a TX and an RX ring, its CPU. */
static int pp_prologue(struct targ *t, const char *what)
{
	struct nmport_d *d = t->nmd;

	if (t->g->nthreads > 1) {
		PG_D("%s works with 1 thread only", what);
		return -1;
	}
	if (d->last_tx_ring < d->first_tx_ring ||
	    d->last_rx_ring < d->first_rx_ring) {
		PG_D("%s needs a TX and an RX ring", what);
		return -1;
	}
	return pg_setaffinity(t) < 0 ? -1 : 0;
}

/* Print one window of RTT samples and fold it into the totals. */
struct rtt_stats {
	uint64_t	count, sum, min;	/* current window */
	uint64_t	g_count, g_sum, g_min;	/* whole run */
	uint64_t	buckets[64];		/* by highest bit of the ns */
};

static void rtt_add(struct rtt_stats *r, uint64_t ns)
{
	r->count++;
	r->sum += ns;
	if (ns < r->min)
		r->min = ns;
	r->buckets[pg_msb64(ns)]++;
}

static void rtt_window(struct rtt_stats *r, int print)
{
	if (print) {
		char buf[64 * 8 + 1];
		int kmin, kmax, k, off = 0;

		PG_D("count %d RTT: min %d av %d ns", (int)r->count,
		     r->count ? (int)r->min : 0,
		     r->count ? (int)(r->sum / r->count) : 0);
		for (kmin = 0; kmin < 64 && r->buckets[kmin] == 0; kmin++)
			;
		for (kmax = 63; kmax > kmin && r->buckets[kmax] == 0; kmax--)
			;
		buf[0] = '\0';
		for (k = kmin; k <= kmax && k < 64; k++)
			off += snprintf(buf + off, sizeof(buf) - (size_t)off,
					" %5d", (int)r->buckets[k]);
		if (kmin < 64)
			PG_D("k: %llu .. %llu\n\t%s", 1ULL << kmin,
			     1ULL << kmax, buf);
	}
	r->g_count += r->count;
	r->g_sum += r->sum;
	if (r->min < r->g_min)
		r->g_min = r->min;
	r->count = r->sum = 0;
	r->min = UINT64_MAX;
	memset(r->buckets, 0, sizeof(r->buckets));
}

void *ping_body(void *data)
{
	struct targ *t = data;
	struct glob_arg *g = t->g;
	struct nmport_d *d = t->nmd;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	unsigned int vh = (unsigned int)g->virt_header;
	unsigned int size = t->frame_len;
	struct timespec now, last_print, nexttime = { 0, 0 };
	uint64_t sent = 0, events = 0, n = g->npackets;
	int64_t tosend = 0;
	struct rtt_stats r;
	struct netmap_ring *ring;
	unsigned int i;

	if (pp_prologue(t, "ping") < 0)
		return pp_fail(t);

	memset(&r, 0, sizeof(r));
	r.min = r.g_min = UINT64_MAX;
	clock_gettime(CLOCK_REALTIME, &last_print);
	now = last_print;
	t->tic = now;
	if (g->tx_rate > 0) {
		t->tic = pg_timespec_add(now, (struct timespec){ 2, 0 });
		t->tic.tv_nsec = 0;
		pg_wait_time(t->tic);
		nexttime = t->tic;
	}

	while (!PG_LOAD(t->cancel) && (n == 0 || sent < n)) {
		uint64_t limit, m;
		int rv;

		if (g->tx_rate > 0 && tosend <= 0) {
			tosend = g->burst;
			nexttime = pg_timespec_add(nexttime, g->tx_period);
			pg_wait_time(nexttime);
		}
		limit = g->tx_rate > 0 ? (uint64_t)tosend : (uint64_t)g->burst;
		if (n > 0 && n - sent < limit)
			limit = n - sent;

		ring = NETMAP_TXRING(d->nifp, d->first_tx_ring);
		for (m = 0; m < limit; m++) {
			struct netmap_slot *slot;
			struct pg_tstamp ts;
			struct timespec st;
			uint32_t seq = (uint32_t)sent;
			char *p;

			if (nm_ring_empty(ring)) {
				PG_D("-- ouch, cannot send");
				break;
			}
			slot = &ring->slot[ring->head];
			p = NETMAP_BUF(ring, slot->buf_idx);
			memcpy(p, t->frame, size);
			clock_gettime(CLOCK_REALTIME, &st);
			ts.sec = (uint32_t)st.tv_sec;
			ts.nsec = (uint32_t)st.tv_nsec;
			memcpy(p + vh + PG_PING_SEQ_OFS, &seq, sizeof(seq));
			memcpy(p + vh + PG_PING_TS_OFS, &ts, sizeof(ts));
			slot->len = (uint16_t)size;
			slot->flags = 0;
			sent++;
			ring->head = ring->cur = nm_ring_next(ring, ring->head);
		}
		if (m > 0)
			events++;
		pg_ctr_publish(t, sent, sent * size, events);
		if (g->tx_rate > 0)
			tosend -= (int64_t)m;

		ioctl(t->fd, NIOCTXSYNC, NULL);
		rv = poll(&pfd, 1, 3000);
		if (rv <= 0) {
			if (!(rv < 0 && errno == EINTR))
				PG_D("poll error on queue %d: %s", t->me,
				     rv ? strerror(errno) : "timeout");
			continue;
		}
		if (pfd.revents & POLLERR) {
			PG_D("poll error on %d", pfd.fd);
			return pp_fail(t);
		}

		/* Time the replies. */
		for (i = d->first_rx_ring; i <= d->last_rx_ring; i++) {
			ring = NETMAP_RXRING(d->nifp, i);
			while (!nm_ring_empty(ring)) {
				struct netmap_slot *slot =
					&ring->slot[ring->head];
				const char *p = NETMAP_BUF(ring,
							   slot->buf_idx);
				struct pg_tstamp ts;

				clock_gettime(CLOCK_REALTIME, &now);
				if (slot->len >= vh + PG_PING_MIN) {
					int64_t ns;

					memcpy(&ts, p + vh + PG_PING_TS_OFS,
					       sizeof(ts));
					ns = (int64_t)(uint32_t)
					     ((uint32_t)now.tv_sec - ts.sec) *
					     1000000000LL +
					     ((int64_t)now.tv_nsec - ts.nsec);
					if (ns >= 0)
						rtt_add(&r, (uint64_t)ns);
				}
				ring->head = ring->cur =
					nm_ring_next(ring, ring->head);
			}
		}
		clock_gettime(CLOCK_REALTIME, &now);
		if (pg_timespec_sub(now, last_print).tv_sec >= 1) {
			rtt_window(&r, 1);
			last_print = now;
		}
	}
	rtt_window(&r, 0);

	if (sent > 0)
		PG_D("RTT over %llu packets: min %d av %d ns",
		     (unsigned long long)sent,
		     r.g_count ? (int)r.g_min : 0,
		     r.g_count ? (int)(r.g_sum / r.g_count) : 0);
	clock_gettime(CLOCK_REALTIME, &t->toc);
	PG_STORE(t->completed, 1);
	PG_STORE(t->used, 0);
	return NULL;
}

void *pong_body(void *data)
{
	struct targ *t = data;
	struct glob_arg *g = t->g;
	struct nmport_d *d = t->nmd;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	unsigned int vh = (unsigned int)g->virt_header;
	uint64_t sent = 0, bytes = 0, events = 0, n = g->npackets;
	unsigned int i;

	if (pp_prologue(t, "pong") < 0)
		return pp_fail(t);
	clock_gettime(CLOCK_REALTIME, &t->tic);

	while (!PG_LOAD(t->cancel) && (n == 0 || sent < n)) {
		struct netmap_ring *txring;
		uint32_t txhead;
		unsigned int txavail;
		int rv, in_packet = 0, first_frag = 1;

		rv = poll(&pfd, 1, 1000);
		if (rv <= 0) {
			if (!(rv < 0 && errno == EINTR))
				PG_D("poll error on queue %d: %s", t->me,
				     rv ? strerror(errno) : "timeout");
			continue;
		}
		if (pfd.revents & POLLERR) {
			PG_D("poll error on %d", pfd.fd);
			return pp_fail(t);
		}

		txring = NETMAP_TXRING(d->nifp, d->first_tx_ring);
		txhead = txring->head;
		txavail = nm_ring_space(txring);
		for (i = d->first_rx_ring; i <= d->last_rx_ring; i++) {
			struct netmap_ring *rxring = NETMAP_RXRING(d->nifp, i);

			while (!nm_ring_empty(rxring) &&
			       (n == 0 || sent < n || in_packet)) {
				struct netmap_slot *rs =
					&rxring->slot[rxring->head];
				struct netmap_slot *ts;
				const uint8_t *src = (const uint8_t *)
					NETMAP_BUF(rxring, rs->buf_idx);
				uint8_t *dst;
				unsigned int len = rs->len;
				int more = !!(rs->flags & NS_MOREFRAG);

				rxring->head = rxring->cur =
					nm_ring_next(rxring, rxring->head);
				in_packet = more;
				if (txavail == 0) {	/* no room: drop */
					first_frag = !more;
					continue;
				}
				ts = &txring->slot[txhead];
				dst = (uint8_t *)NETMAP_BUF(txring,
							    ts->buf_idx);
				if (len > txring->nr_buf_size)
					len = txring->nr_buf_size;
				memcpy(dst, src, len);
				if (first_frag && len >= vh + 12) {
					memcpy(dst + vh, src + vh + 6, 6);
					memcpy(dst + vh + 6, src + vh, 6);
				}
				ts->len = (uint16_t)len;
				ts->flags = more ? NS_MOREFRAG : 0;
				txhead = nm_ring_next(txring, txhead);
				txavail--;
				bytes += len;
				first_frag = !more;
				if (!more)
					sent++;
			}
		}
		if (txhead != txring->head) {
			txring->head = txring->cur = txhead;
			events++;
			ioctl(t->fd, NIOCTXSYNC, NULL);
		}
		pg_ctr_publish(t, sent, bytes, events);
	}

	clock_gettime(CLOCK_REALTIME, &t->toc);
	PG_STORE(t->completed, 1);
	PG_STORE(t->used, 0);
	return NULL;
}
