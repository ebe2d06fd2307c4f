// SPDX-License-Identifier: BSD-2-Clause
/*
 * report.c - pkt-gen statistics.
 *
 * The line formats are those of upstream pkt-gen, so scripts written for
 * it keep working:
 *
 *   periodic (stderr, with the log prefix):
 *     "<pps>pps [<window stats>](<pkts>pkts <bw>bps in <usec> usec)
 *      <batch> avg_batch <n> min_space"
 *   final (stdout):
 *     "Sent|Received <n> packets <b> bytes <e> events <s> bytes each in
 *      <t> seconds."
 *     "Speed: <pps>pps Bandwidth: <bw>bps (raw <bw>bps). Average batch:
 *      <b> pkts"
 *   or "Sent|Received nothing." when no packet was counted.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "pktgen.h"

void pg_log(const char *func, int line, const char *fmt, ...)
{
	char msg[1024];
	struct timeval tv;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gettimeofday(&tv, NULL);
	fprintf(stderr, "%03d.%06d %s [%d] %s\n", (int)(tv.tv_sec % 1000),
		(int)tv.tv_usec, func, line, msg);
}

/* Sleep one report interval; microseconds since *prev, *cur = now. */
static uint64_t wait_for_next_report(struct timeval *prev,
				     struct timeval *cur, int interval_ms)
{
	struct timespec ts = {
		.tv_sec = interval_ms / 1000,
		.tv_nsec = (long)(interval_ms % 1000) * 1000000L,
	};
	struct timeval delta;

	nanosleep(&ts, NULL);	/* a signal may cut it short */
	gettimeofday(cur, NULL);
	timersub(cur, prev, &delta);
	return (uint64_t)delta.tv_sec * 1000000 + (uint64_t)delta.tv_usec;
}

static void tx_output(struct glob_arg *g, uint64_t pkts, uint64_t bytes,
		      uint64_t events, double delta, const char *msg)
{
	char b1[40], b2[40], b3[40];
	double pps, bw, raw_bw, abs;
	int size;

	if (pkts == 0) {
		printf("%s nothing.\n", msg);
		return;
	}
	size = (int)(bytes / pkts);
	printf("%s %llu packets %llu bytes %llu events %d bytes each in "
	       "%.2f seconds.\n", msg, (unsigned long long)pkts,
	       (unsigned long long)bytes, (unsigned long long)events, size,
	       delta);
	if (delta == 0)
		delta = 1e-6;
	pps = (double)pkts / delta;
	bw = 8.0 * (double)bytes / delta;
	raw_bw = (8.0 * (double)bytes + (double)pkts * g->framing) / delta;
	abs = events > 0 ? (double)pkts / (double)events : 0;
	printf("Speed: %spps Bandwidth: %sbps (raw %sbps). Average batch: "
	       "%.2f pkts\n", pg_norm(b1, sizeof(b1), pps, g->normalize),
	       pg_norm(b2, sizeof(b2), bw, g->normalize),
	       pg_norm(b3, sizeof(b3), raw_bw, g->normalize), abs);
}

/* "[avg/std X/Y pps]" over the last STATS_WIN non-zero samples. */
static void pps_window(struct glob_arg *g, uint64_t pps, char *out,
		       size_t len)
{
	char b1[40], b2[40];
	double avg = 0, dev = 0;
	int i, n = 0;

	g->win[g->win_idx] = (int64_t)pps;
	g->win_idx = (g->win_idx + 1) % STATS_WIN;
	for (i = 0; i < STATS_WIN; i++) {
		if (g->win[i] == 0)
			continue;
		avg += (double)g->win[i];
		n++;
	}
	if (n > 0)
		avg /= n;
	for (i = 0; i < STATS_WIN; i++) {
		if (g->win[i] == 0)
			continue;
		dev += ((double)g->win[i] - avg) * ((double)g->win[i] - avg);
	}
	if (n > 0)
		dev = sqrt(dev / n);
	snprintf(out, len, "[avg/std %s/%s pps]",
		 pg_norm(b1, sizeof(b1), avg, g->normalize),
		 pg_norm(b2, sizeof(b2), dev, g->normalize));
}

void main_thread(struct glob_arg *g)
{
	struct pg_ctrs prev = { 0 }, cur;
	struct timeval prev_t, cur_t;
	struct timespec tic = { 0, 0 }, toc = { 0, 0 };
	double delta_t;
	int i, have_tic = 0, have_toc = 0;

	gettimeofday(&prev_t, NULL);
	for (;;) {
		char b1[40], b2[40], b3[40], b4[100];
		uint64_t pps, usec, dp, db, de;
		double abs;
		int done = 0;

		usec = wait_for_next_report(&prev_t, &cur_t,
					    g->report_interval);
		if (usec < 10000)	/* too short to mean anything */
			continue;
		memset(&cur, 0, sizeof(cur));
		for (i = 0; i < g->nthreads; i++) {
			cur.pkts += PG_LOAD(targs[i].ctr.pkts);
			cur.bytes += PG_LOAD(targs[i].ctr.bytes);
			cur.events += PG_LOAD(targs[i].ctr.events);
			cur.min_space += PG_LOAD(targs[i].ctr.min_space);
			PG_STORE(targs[i].ctr.min_space, 99999);
			if (!PG_LOAD(targs[i].used))
				done++;
		}
		dp = cur.pkts - prev.pkts;
		db = cur.bytes - prev.bytes;
		de = cur.events - prev.events;
		pps = (dp * 1000000 + usec / 2) / usec;
		abs = de > 0 ? (double)dp / (double)de : 0;
		if (g->options & OPT_PPS_STATS)
			pps_window(g, pps, b4, sizeof(b4));
		else
			b4[0] = '\0';

		pg_log("main_thread", __LINE__,
		       "%spps %s(%spkts %sbps in %llu usec) %.2f avg_batch "
		       "%d min_space",
		       pg_norm(b1, sizeof(b1), (double)pps, g->normalize), b4,
		       pg_norm(b2, sizeof(b2), (double)dp, g->normalize),
		       pg_norm(b3, sizeof(b3),
			       1000000 * ((double)db * 8 +
					  (double)dp * g->framing) /
			       (double)usec, g->normalize),
		       (unsigned long long)usec, abs, (int)cur.min_space);
		prev = cur;
		prev_t = cur_t;
		if (done == g->nthreads)
			break;
	}

	/* Collect the threads; the run lasts from the latest start to the
	 * latest end, as upstream computes it. */
	memset(&cur, 0, sizeof(cur));
	for (i = 0; i < g->nthreads; i++) {
		struct targ *t = &targs[i];

		if (t->started)
			pthread_join(t->thread, NULL);
		if (t->nmd != NULL && t->nmd != g->nmd)
			nmport_close(t->nmd);
		t->nmd = NULL;
		if (!t->completed)
			PG_D("ouch, thread %d exited with error", i);
		cur.pkts += t->ctr.pkts;
		cur.bytes += t->ctr.bytes;
		cur.events += t->ctr.events;
		if (!have_tic || t->tic.tv_sec > tic.tv_sec ||
		    (t->tic.tv_sec == tic.tv_sec &&
		     t->tic.tv_nsec > tic.tv_nsec)) {
			tic = t->tic;
			have_tic = 1;
		}
		if (!have_toc || t->toc.tv_sec > toc.tv_sec ||
		    (t->toc.tv_sec == toc.tv_sec &&
		     t->toc.tv_nsec > toc.tv_nsec)) {
			toc = t->toc;
			have_toc = 1;
		}
	}
	nmport_close(g->nmd);
	g->nmd = NULL;

	delta_t = (double)(toc.tv_sec - tic.tv_sec) +
		  1e-9 * (double)(toc.tv_nsec - tic.tv_nsec);
	if (delta_t < 0)
		delta_t = 0;
	delta_t = (double)(long long)(delta_t * 1e6) / 1e6;	/* usec */
	if (g->fn->type == TD_TYPE_SENDER)
		tx_output(g, cur.pkts, cur.bytes, cur.events, delta_t, "Sent");
	else if (g->fn->type == TD_TYPE_RECEIVER)
		tx_output(g, cur.pkts, cur.bytes, cur.events, delta_t,
			  "Received");
	fflush(stdout);
}
