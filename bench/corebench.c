// SPDX-License-Identifier: BSD-2-Clause
/*
 * corebench.c - the VALE forwarding core built natively in userspace, timed
 * against a plain memcpy of the same bytes.
 *
 * The core (every source in kernel/core/) is linked with the unit tests'
 * userspace nm_os layer (tests/unit/os_user.c). Ports are registered through the core's own
 * control entry point (nm_ctrl_request with a REGISTER body) and frames move
 * through nm_bind_sync(), exactly the path NIOCTXSYNC/NIOCRXSYNC take in the
 * module, minus the system call.
 *
 * Output: "BENCH key value" lines on stdout (bench/run.sh turns them into a
 * table) plus human-readable progress on stderr. Exit status 1 when a
 * measurement could not be taken (a port did not open, frames went missing).
 *
 * usage: corebench [-t SECONDS] [-r REPS] [-N "2 16 252"] [-s] [-l LEN] [-V] [-B SIZE]
 *                  [-F SYNCS]
 *        corebench -M COUNT
 *   -t  seconds per measurement (split over -r interleaved repetitions)
 *   -r  repetitions; VALE and memcpy runs alternate, the median is kept
 *   -N  port counts for the scaling variant ("" skips it)
 *   -s  only the scaling variant
 *   -l  only this frame size in the 2-port test (60 or 1514)
 *   -V  VALE only, no memcpy runs (for profiling with perf)
 *   -F  N TX syncs per VALE run instead of a time (fixed work: the bench
 *       counts the instructions of two such runs under callgrind)
 *   -B  buffer size of every allocator (the module's buf_size, default
 *       2048); scaling figures of another size are keyed scale_bSIZE
 *   -M  print COUNT MAC addresses with distinct learning-table buckets,
 *       one a line, and exit (the guest suites use them for pkt-gen)
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "os_user.h"
#include "core/nm_ctrl.h"
#include "core/nm_bind.h"
#include "core/nm_mem.h"
#include "core/vale.h"
#include "core/vale_learn.h"
#include <net/netmap_user.h>

#define BURST		512	/* frames per TX sync in the 2-port test */
#define SCALE_SLOTS	256	/* ring size of every port in the scaling test */
#define SCALE_BURST	255	/* what a 256-slot ring holds */
#define MAXPORTS	252

struct bport {
	struct nm_priv priv;
	struct nmreq_register reg;
	struct netmap_if *nifp;
	struct netmap_ring *tx, *rx;
	uint8_t mac[6];
};

static int failed;
static uint32_t only_len;	/* -l */
static int vale_only;		/* -V */
static uint32_t fixed_syncs;	/* -F: this many TX syncs per VALE run, no clock */
static char skey[16] = "scale";	/* key prefix of the scaling figures */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int ctrl(struct nm_priv *priv, const char *name, uint16_t type, void *body)
{
	struct nmreq_header h;

	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = type;
	h.nr_body = (uintptr_t)body;
	snprintf(h.nr_name, sizeof(h.nr_name), "%s", name);
	return nm_ctrl_request(priv, &h);
}

static int bopen(struct bport *p, const char *name, uint32_t txslots,
		 uint32_t rxslots)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->reg.nr_mode = NR_REG_ALL_NIC;
	p->reg.nr_tx_slots = txslots;
	p->reg.nr_rx_slots = rxslots;
	err = ctrl(&p->priv, name, NETMAP_REQ_REGISTER, &p->reg);
	if (err) {
		fprintf(stderr, "corebench: REGISTER %s: error %d\n", name, err);
		return err;
	}
	p->nifp = NETMAP_IF(p->priv.port->mem->base, p->reg.nr_offset);
	p->tx = NETMAP_TXRING(p->nifp, 0);
	p->rx = NETMAP_RXRING(p->nifp, 0);
	return 0;
}

static void bclose(struct bport *p)
{
	nm_ctrl_lock();
	nm_bind_release(&p->priv);
	nm_ctrl_unlock();
}

/*
 * Locally administered unicast MACs whose learning-table buckets are all
 * distinct (the table has no collision chains: a collision would turn
 * learned unicast into flooding, which is not what is being measured).
 */
static void pick_macs(struct bport *ports, int n)
{
	static uint8_t used[VALE_LEARN_SIZE];
	int i;

	memset(used, 0, sizeof(used));
	for (i = 0; i < n; i++) {
		uint8_t *m = ports[i].mac;
		uint32_t salt = 0, h;

		do {
			m[0] = 0x02;
			m[1] = 0x00;
			m[2] = (uint8_t)(salt >> 8);
			m[3] = (uint8_t)salt;
			m[4] = (uint8_t)(i >> 8);
			m[5] = (uint8_t)i;
			h = vale_learn_hash(m);
			salt++;
		} while (used[h]);
		used[h] = 1;
	}
}

static void write_frame(uint8_t *b, const uint8_t *dst, const uint8_t *src)
{
	uint32_t i;

	/* Ethernet + IPv4 + UDP header shape, payload filled: 1514 bytes. */
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = 0x08;
	b[13] = 0x00;
	for (i = 14; i < 1514; i++)
		b[i] = (uint8_t)i;
}

/* Put @dst as destination (and the port's MAC as source) in every TX buffer. */
static void prefill_tx(struct bport *p, const uint8_t *dst)
{
	uint32_t i;

	for (i = 0; i < p->tx->num_slots; i++)
		write_frame((uint8_t *)NETMAP_BUF(p->tx, p->tx->slot[i].buf_idx),
			    dst, p->mac);
}

/* Queue @n frames of @len bytes (already written) and TX sync. */
static inline void send_burst(struct bport *p, uint32_t n, uint32_t len)
{
	struct netmap_ring *r = p->tx;
	uint32_t i = r->head, k;

	for (k = 0; k < n; k++) {
		r->slot[i].len = (uint16_t)len;
		r->slot[i].flags = 0;
		i = nm_ring_next(r, i);
	}
	r->head = r->cur = i;
	nm_bind_sync(&p->priv, NM_TX);
}

/*
 * RX sync, consume everything there, and sync again to hand the slots back
 * at once: the next TX sync finds the whole ring free (a single sync per
 * round would leave the last round's slots unreleased, and a 512-frame
 * burst would not fit a 1024-slot ring).
 */
static inline uint32_t drain(struct bport *p)
{
	struct netmap_ring *r = p->rx;
	uint32_t n;

	nm_bind_sync(&p->priv, NM_RX);
	n = nm_ring_space(r);
	if (n) {
		r->head = r->cur = r->tail;
		nm_bind_sync(&p->priv, NM_RX);
	}
	return n;
}

/* One frame from every port to teach the switch where each MAC is. */
static void prelearn(struct bport *ports, int n)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int i, j;

	for (i = 0; i < n; i++) {
		struct netmap_ring *r = ports[i].tx;
		uint8_t *b = (uint8_t *)NETMAP_BUF(r, r->slot[r->head].buf_idx);

		write_frame(b, bcast, ports[i].mac);
		send_burst(&ports[i], 1, 60);
		for (j = 0; j < n; j++)
			drain(&ports[j]);
	}
	for (j = 0; j < n; j++)
		drain(&ports[j]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* VALE a -> b, @len-byte frames, BURST per sync, for @secs. Mpps. */
static double run_vale(struct bport *a, struct bport *b, uint32_t len, double secs)
{
	uint64_t sent = 0, got = 0;
	double t0 = now(), t;
	uint32_t round = 0;

	for (;;) {
		send_burst(a, BURST, len);
		got += drain(b);
		sent += BURST;
		if (fixed_syncs ? ++round == fixed_syncs && ((t = now()), 1) :
		    (++round & 63) == 0 && (t = now()) - t0 >= secs)
			break;
	}
	got += drain(b);
	if (got != sent) {
		fprintf(stderr, "corebench: %llu frames sent, %llu received\n",
			(unsigned long long)sent, (unsigned long long)got);
		failed = 1;
	}
	return (double)got / (t - t0) / 1e6;
}

/*
 * The copy ceiling: the same bytes between the same buffers (a's TX slots
 * to b's RX slots, walked like the rings walk them), with nothing else.
 */
static double run_memcpy(struct bport *a, struct bport *b, uint32_t len, double secs)
{
	struct netmap_ring *tx = a->tx, *rx = b->rx;
	uint32_t i = 0, j = 0, k, round = 0;
	uint64_t copied = 0;
	double t0 = now(), t;
	volatile uint32_t vlen = len;	/* no constant-size specialisation */
	uint32_t l = vlen;

	for (;;) {
		for (k = 0; k < BURST; k++) {
			memcpy(NETMAP_BUF(rx, rx->slot[j].buf_idx),
			       NETMAP_BUF(tx, tx->slot[i].buf_idx), l);
			i = nm_ring_next(tx, i);
			j = nm_ring_next(rx, j);
		}
		copied += BURST;
		if ((++round & 63) == 0 && (t = now()) - t0 >= secs)
			break;
	}
	return (double)copied / (t - t0) / 1e6;
}

static void two_port(double secs, int reps)
{
	static const uint32_t sizes[] = { 60, 1514 };
	static struct bport p[2];
	struct bport *a = &p[0], *b = &p[1];
	unsigned int s;
	int r;

	if (bopen(a, "vale0:a", 0, 0) || bopen(b, "vale0:b", 0, 0)) {
		failed = 1;
		return;
	}
	pick_macs(p, 2);
	prelearn(p, 2);
	prefill_tx(a, b->mac);
	fprintf(stderr, "corebench: 2 ports, %u-slot rings, %d frames per TX sync\n",
		a->tx->num_slots, BURST);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		double v[16], m[16], vm, mm;

		if (only_len && sizes[s] != only_len)
			continue;
		/* Warm caches and the branch predictor once, untimed. */
		run_vale(a, b, sizes[s], 0.1);
		if (!vale_only)
			run_memcpy(a, b, sizes[s], 0.1);
		for (r = 0; r < reps; r++) {
			v[r] = run_vale(a, b, sizes[s], secs / reps);
			m[r] = vale_only ? 1 : run_memcpy(a, b, sizes[s], secs / reps);
		}
		vm = median(v, reps);
		mm = median(m, reps);
		fprintf(stderr, "corebench: %4u B  vale %.2f Mpps  memcpy %.2f Mpps  ratio %.3f\n",
			sizes[s], vm, mm, vm / mm);
		printf("BENCH core.%u.vale_mpps %.3f\n", sizes[s], vm);
		printf("BENCH core.%u.memcpy_mpps %.3f\n", sizes[s], mm);
		if (!vale_only)
			printf("BENCH core.%u.ratio %.4f\n", sizes[s], vm / mm);
		fflush(stdout);
	}
	bclose(a);
	bclose(b);
}

/*
 * Fan-out: port 0 sends SCALE_BURST frames per sync, destinations taken in
 * round robin over ports 1..n-1 (every frame learned unicast); every
 * receiver drains after each sync. Mpps delivered.
 */
static double run_fanout(struct bport *p, int n, uint32_t len, double secs)
{
	uint64_t sent = 0, got = 0;
	double t0 = now(), t;
	uint32_t round = 0;
	int i;

	/* Destinations were written into the TX buffers once (see scaling()). */
	for (;;) {
		send_burst(&p[0], SCALE_BURST, len);
		for (i = 1; i < n; i++)
			got += drain(&p[i]);
		sent += SCALE_BURST;
		if ((++round & 15) == 0 && (t = now()) - t0 >= secs)
			break;
	}
	if (got != sent) {
		fprintf(stderr, "corebench: fan-out %d: %llu sent, %llu received\n",
			n, (unsigned long long)sent, (unsigned long long)got);
		failed = 1;
	}
	return (double)got / (t - t0) / 1e6;
}

/* Pairs: port 2k sends SCALE_BURST frames to port 2k+1, pairs in turn. */
static double run_pairs(struct bport *p, int n, uint32_t len, double secs)
{
	uint64_t sent = 0, got = 0;
	double t0 = now(), t;
	uint32_t round = 0;
	int i;

	for (;;) {
		for (i = 0; i + 1 < n; i += 2) {
			send_burst(&p[i], SCALE_BURST, len);
			got += drain(&p[i + 1]);
		}
		sent += (uint64_t)SCALE_BURST * (n / 2);
		if ((++round & 7) == 0 && (t = now()) - t0 >= secs)
			break;
	}
	if (got != sent) {
		fprintf(stderr, "corebench: pairs %d: %llu sent, %llu received\n",
			n, (unsigned long long)sent, (unsigned long long)got);
		failed = 1;
	}
	return (double)got / (t - t0) / 1e6;
}

/*
 * The memory ceiling of the pairs pattern: the same frames copied between
 * the same buffers (port 2k's TX slots to port 2k+1's RX slots, SCALE_BURST
 * a pair, pairs in turn), with no switch. What the caches and the TLB allow
 * for this many ports; the switch cannot scale better than this does.
 */
static double run_pairs_copy(struct bport *p, int n, uint32_t len, double secs)
{
	uint64_t copied = 0;
	double t0 = now(), t;
	uint32_t round = 0, k;
	volatile uint32_t vlen = len;	/* no constant-size specialisation */
	uint32_t l = vlen;
	int i;

	for (;;) {
		for (i = 0; i + 1 < n; i += 2) {
			struct netmap_ring *tx = p[i].tx, *rx = p[i + 1].rx;

			for (k = 0; k < SCALE_BURST; k++)
				memcpy(NETMAP_BUF(rx, rx->slot[k].buf_idx),
				       NETMAP_BUF(tx, tx->slot[k].buf_idx), l);
		}
		copied += (uint64_t)SCALE_BURST * (n / 2);
		if ((++round & 7) == 0 && (t = now()) - t0 >= secs)
			break;
	}
	return (double)copied / (t - t0) / 1e6;
}

/* Fan-out TX buffers of @p[0]: slot k goes to port 1 + k % (n-1). */
static void prefill_fanout(struct bport *p, int n)
{
	for (int i = 0; i < (int)p[0].tx->num_slots; i++)
		write_frame((uint8_t *)NETMAP_BUF(p[0].tx, p[0].tx->slot[i].buf_idx),
			    p[1 + i % (n - 1)].mac, p[0].mac);
}

static void prefill_pairs(struct bport *p, int n)
{
	for (int i = 0; i + 1 < n; i += 2)
		prefill_tx(&p[i], p[i + 1].mac);
}

/* Open and teach @n ports "SW:pI"; 0, or -1 with nothing left open. */
static int open_set(struct bport *p, int n, const char *sw)
{
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s:p%d", sw, i);
		if (bopen(&p[i], name, SCALE_SLOTS, SCALE_SLOTS)) {
			while (i-- > 0)
				bclose(&p[i]);
			return -1;
		}
	}
	pick_macs(p, n);
	prelearn(p, n);
	return 0;
}

/*
 * Every count N is measured against two ports of another switch in the same
 * repetition, alternating (2, N, 2, N, ...), and the figure is the median of
 * the per-repetition ratios: a host whose load changes during the run moves
 * both sides of each ratio alike, where a baseline measured once at the
 * start would be compared with figures taken minutes later.
 */
static void scaling(const int *counts, int ncounts, double secs, int reps)
{
	static struct bport ports[MAXPORTS], base[2], spare[2];
	int c, i, r;

	/*
	 * The first ports a process opens run about 20 % slower here than
	 * any opened later (two identical 2-port sets: 52 vs 66 Mpps, the
	 * first one opened always the slower), which would flatter every
	 * ratio. A spare set takes that place; "-N 2" checks that the
	 * baseline and a 2-port set measure alike (ratio about 1).
	 */
	if (open_set(spare, 2, "vale3") || open_set(base, 2, "vale2")) {
		failed = 1;
		return;
	}
	for (c = 0; c < ncounts; c++) {
		int n = counts[c];
		double f[16], q[16], fr[16], qr[16], m[16], mr[16], b;
		double t0 = now();

		if (n < 2 || n > MAXPORTS) {
			fprintf(stderr, "corebench: %d ports: out of range 2..%d\n", n, MAXPORTS);
			failed = 1;
			continue;
		}
		if (open_set(ports, n, "vale1")) {
			failed = 1;
			continue;
		}
		fprintf(stderr, "corebench: %d ports open and learned in %.2f s\n",
			n, now() - t0);

		for (r = 0; r < reps; r++) {
			/*
			 * The ring is 256 slots and bursts are 255, so slot k gets
			 * a different destination each round; the round robin
			 * still holds over any 255 consecutive frames.
			 */
			prefill_fanout(base, 2);
			b = run_fanout(base, 2, 60, secs / reps / 2);
			prefill_fanout(ports, n);
			f[r] = run_fanout(ports, n, 60, secs / reps / 2);
			fr[r] = f[r] / b;
			prefill_pairs(base, 2);
			b = run_pairs(base, 2, 60, secs / reps / 2);
			prefill_pairs(ports, n);
			q[r] = run_pairs(ports, n, 60, secs / reps / 2);
			qr[r] = q[r] / b;
			if (!vale_only) {
				b = run_pairs_copy(base, 2, 60, secs / reps / 4);
				m[r] = run_pairs_copy(ports, n, 60, secs / reps / 4);
				mr[r] = m[r] / b;
			}
		}
		fprintf(stderr, "corebench: %3d ports  fan-out %.2f Mpps (%.3f)  pairs %.2f Mpps (%.3f)\n",
			n, median(f, reps), median(fr, reps), median(q, reps), median(qr, reps));
		printf("BENCH %s.%d.fanout_mpps %.3f\n", skey, n, median(f, reps));
		printf("BENCH %s.%d.pairs_mpps %.3f\n", skey, n, median(q, reps));
		printf("BENCH %s.%d.fanout_rel %.4f\n", skey, n, median(fr, reps));
		printf("BENCH %s.%d.pairs_rel %.4f\n", skey, n, median(qr, reps));
		if (!vale_only) {
			fprintf(stderr, "corebench: %3d ports  memory ceiling: pairs memcpy %.2f Mpps (%.3f)\n",
				n, median(m, reps), median(mr, reps));
			printf("BENCH %s.%d.copy_mpps %.3f\n", skey, n, median(m, reps));
			printf("BENCH %s.%d.copy_rel %.4f\n", skey, n, median(mr, reps));
		}
		fflush(stdout);
		for (i = 0; i < n; i++)
			bclose(&ports[i]);
	}
	for (i = 0; i < 2; i++) {
		bclose(&base[i]);
		bclose(&spare[i]);
	}
}

int main(int argc, char **argv)
{
	struct nm_mem_cfg cfg = {
		.pool = {
			/* The module's defaults; ports use private allocators. */
			[NM_POOL_IF] = { 1024, 100 },
			[NM_POOL_RING] = { 36864, 200 },
			[NM_POOL_BUF] = { 2048, 4096 },
		},
	};
	double secs = 2.0;
	int reps = 3, counts[8] = { 2, 16, 252 }, ncounts = 3, only_scale = 0, opt;

	while ((opt = getopt(argc, argv, "t:r:N:sl:VM:B:F:")) != -1) {
		switch (opt) {
		case 't':
			secs = atof(optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > 16)
				reps = 3;
			break;
		case 'N': {
			char *s = optarg, *e;

			ncounts = 0;
			while (ncounts < 8) {
				long v = strtol(s, &e, 10);

				if (e == s)
					break;
				counts[ncounts++] = (int)v;
				s = e;
			}
			break;
		}
		case 's':
			only_scale = 1;
			break;
		case 'l':
			only_len = (uint32_t)atoi(optarg);
			break;
		case 'V':
			vale_only = 1;
			break;
		case 'F':
			fixed_syncs = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'B': {
			unsigned long v = strtoul(optarg, NULL, 10);

			if (v < 64 || v > 65536 || v % 64) {
				fprintf(stderr, "corebench: -B %s: a multiple of 64 in 64..65536\n",
					optarg);
				return 2;
			}
			cfg.pool[NM_POOL_BUF].objsize = (uint32_t)v;
			if (v != 2048)
				snprintf(skey, sizeof(skey), "scale_b%lu", v);
			break;
		}
		case 'M': {
			static struct bport mp[MAXPORTS];
			int n = atoi(optarg), i;

			if (n < 1 || n > MAXPORTS)
				return 2;
			pick_macs(mp, n);
			for (i = 0; i < n; i++)
				printf("%02x:%02x:%02x:%02x:%02x:%02x\n", mp[i].mac[0],
				       mp[i].mac[1], mp[i].mac[2], mp[i].mac[3],
				       mp[i].mac[4], mp[i].mac[5]);
			return 0;
		}
		default:
			fprintf(stderr, "usage: %s [-t secs] [-r reps] [-N \"2 16 252\"] [-s] [-l len] [-V] [-B bufsize] [-F syncs] | -M count\n",
				argv[0]);
			return 2;
		}
	}

	os_user_reset();
	nm_ctrl_init();
	if (nm_mem_init(&cfg) || vale_init(64)) {
		fprintf(stderr, "corebench: core init failed\n");
		return 1;
	}
	if (!only_scale)
		two_port(secs, reps);
	if (ncounts)
		scaling(counts, ncounts, secs, reps);
	vale_fini();
	nm_mem_fini();
	nm_ctrl_fini();
	return failed;
}
