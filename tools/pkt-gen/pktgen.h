/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pktgen.h - state shared by the pkt-gen source files.
 *
 * main.c parses the command line and opens the port, the thread bodies
 * live in tx.c (tx, txseq), rx.c (rx, rxseq) and pingpong.c (ping,
 * pong), report.c prints the periodic and final statistics.
 */
#ifndef PKTGEN_H_
#define PKTGEN_H_

#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <sys/time.h>

#include <libnetmap.h>

#include "pkt.h"

/*
 * Diagnostics on stderr, each line prefixed like upstream pkt-gen's:
 * "SSS.UUUUUU function [line] " (seconds modulo 1000, microseconds).
 */
void pg_log(const char *func, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define PG_D(...)	pg_log(__func__, __LINE__, __VA_ARGS__)
/* At most @lps messages per second from this call site. */
#define PG_RD(lps, ...)							\
	do {								\
		static time_t rd_sec_;					\
		static int rd_cnt_;					\
		time_t rd_now_ = time(NULL);				\
		if (rd_now_ != rd_sec_) {				\
			rd_sec_ = rd_now_;				\
			rd_cnt_ = 0;					\
		}							\
		if (rd_cnt_++ < (lps))					\
			PG_D(__VA_ARGS__);				\
	} while (0)

/* -o bits, the values upstream uses. */
#define OPT_PREFETCH	1
#define OPT_ACCESS	2
#define OPT_COPY	4
#define OPT_MEMCPY	8
#define OPT_TS		16	/* accepted by upstream, never implemented */
#define OPT_INDIRECT	32
#define OPT_DUMP	64
#define OPT_RUBBISH	256
#define OPT_RANDOM_SRC	512
#define OPT_RANDOM_DST	1024
#define OPT_PPS_STATS	2048
#define OPT_KNOWN	(OPT_PREFETCH | OPT_ACCESS | OPT_COPY | OPT_MEMCPY | \
			 OPT_INDIRECT | OPT_DUMP | OPT_RUBBISH |	     \
			 OPT_RANDOM_SRC | OPT_RANDOM_DST | OPT_PPS_STATS)

enum td_type { TD_TYPE_SENDER = 1, TD_TYPE_RECEIVER, TD_TYPE_OTHER };

#define STATS_WIN	15	/* samples of the -A sliding window */
#define MAX_IFNAMELEN	512

/* Counters of one thread, read by the main thread (relaxed atomics). */
struct pg_ctrs {
	uint64_t	pkts;
	uint64_t	bytes;
	uint64_t	events;
	uint64_t	min_space;
};

struct glob_arg;

/* One worker thread. */
struct targ {
	struct glob_arg		*g;
	int			started;	/* pthread_create succeeded */
	int			used;		/* thread running */
	int			completed;	/* finished its work */
	int			failed;		/* stopped on an error */
	int			cancel;		/* asked to stop */
	int			fd;
	struct nmport_d		*nmd;
	struct pg_ctrs		ctr;
	struct timespec		tic, toc;	/* start / end of traffic */
	int			me;
	pthread_t		thread;
	int			affinity;	/* CPU, -1 none */
	uint64_t		quota;		/* packets to send, 0 forever */

	uint8_t			*frame;		/* vnet header + frame */
	unsigned int		frame_len;	/* of the largest packet */
	unsigned short		seed[3];
	unsigned int		frags;		/* slots per packet, max */
	unsigned int		frag_size;	/* bytes per slot */
	uint32_t		seq;		/* txseq */
};

struct td_desc {
	enum td_type	type;
	const char	*key;
	void		*(*body)(void *);
	int		default_burst;
};

/* Everything the command line says, and the opened port. */
struct glob_arg {
	struct pg_ip_range	src_ip, dst_ip;
	struct pg_mac_range	src_mac, dst_mac;
	char			src_mac_buf[20];
	int			pkt_size;
	int			pkt_min_size;	/* second -l: random sizes */
	int			burst;
	int			forever;	/* rx: wait for traffic forever */
	uint64_t		npackets;	/* -n, 0 forever */
	int			frags;		/* -F */
	unsigned int		frag_size;	/* -M */
	int			nthreads;
	int			cpus;
	int			system_cpus;
	int			options;	/* OPT_* */
	int			tx_rate;	/* pps, 0 unlimited */
	struct timespec		tx_period;	/* per burst */
	int			affinity;	/* -a, -1 none */
	int			main_fd;
	struct nmport_d		*nmd;
	uint32_t		orig_mode;
	int			report_interval;	/* ms */
	const struct td_desc	*fn;
	char			ifname[MAX_IFNAMELEN];
	const char		*nmr_config;	/* -C */
	int			virt_header;	/* -H */
	int			virt_header_set;
	const char		*packet_file;	/* -P */
	uint8_t			*pcap_frame;
	unsigned int		pcap_len;
	int			win_idx;
	int64_t			win[STATS_WIN];
	int			wait_link;	/* seconds */
	int			framing;	/* bits per packet for -B */
	int			normalize;
	int			verbose;
	uint64_t		rx_total;	/* rx -n: all threads together */
};

extern struct targ *targs;
extern int global_nthreads;

/* Relaxed atomic access to fields shared with the main thread. */
#define PG_LOAD(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define PG_STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Thread bodies. */
void *sender_body(void *data);
void *txseq_body(void *data);
void *receiver_body(void *data);
void *rxseq_body(void *data);
void *ping_body(void *data);
void *pong_body(void *data);

/* Shared by the bodies (tx.c). */
int pg_setaffinity(struct targ *t);
struct timespec pg_timespec_add(struct timespec a, struct timespec b);
struct timespec pg_timespec_sub(struct timespec a, struct timespec b);
struct timespec pg_wait_time(struct timespec ts);
void pg_dump_slot(struct netmap_ring *ring, unsigned int cur,
		  const void *p, unsigned int len);
/* Publish a thread's counters. */
void pg_ctr_publish(struct targ *t, uint64_t pkts, uint64_t bytes,
		    uint64_t events);

/* report.c */
void main_thread(struct glob_arg *g);

#endif /* PKTGEN_H_ */
