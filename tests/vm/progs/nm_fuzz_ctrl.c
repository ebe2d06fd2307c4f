// SPDX-License-Identifier: BSD-2-Clause
/*
 * nm_fuzz_ctrl - throw random control requests at /dev/netmap: headers with
 * random versions, types and names, random bodies, option chains that are
 * long, looped, oversized or point at unmapped memory, legacy requests, and
 * syncs on bound fds whose ring indices were scribbled on. Every call must
 * return (any errno is fine); the kernel must not warn and nothing may leak.
 *
 * usage: nm_fuzz_ctrl [-n COUNT] [-s SEED]
 * Prints one TAP line with the number of requests made.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <net/netmap.h>

#include "tap.h"

#define NFDS	6

static uint32_t rnd(void);

/* What a bound fd has mapped, to scribble on its rings. */
struct mapping {
	char *mem;
	uint64_t size, ofs;
};
static struct mapping maps[NFDS];

static void unmap(int k)
{
	if (maps[k].mem)
		munmap(maps[k].mem, maps[k].size);
	memset(&maps[k], 0, sizeof(maps[k]));
}

/* Random values into the first ring's indices and a few slots. */
static void scribble(int k)
{
	struct netmap_if *nifp;
	struct netmap_ring *r;
	uint32_t i, n;
	int64_t ro;

	if (!maps[k].mem)
		return;
	nifp = (void *)(maps[k].mem + maps[k].ofs);
	ro = nifp->ring_ofs[0];
	if (ro <= 0 || maps[k].ofs + ro + sizeof(*r) > maps[k].size)
		return;
	r = (void *)((char *)nifp + ro);
	n = r->num_slots;
	switch (rnd() % 4) {
	case 0:
		r->head = rnd() % (n + 2);
		break;
	case 1:
		r->cur = rnd() % (n + 2);
		break;
	case 2:
		r->tail = rnd();
		break;
	default:
		if (n && maps[k].ofs + ro + sizeof(*r) + 16ull * n <= maps[k].size) {
			for (i = 0; i < 4; i++) {
				struct netmap_slot *sl = &r->slot[rnd() % n];

				if (rnd() % 2)
					sl->buf_idx = rnd() % 8 ? rnd() % 5000 : rnd();
				if (rnd() % 2)
					sl->len = (uint16_t)rnd();
				sl->flags = (uint16_t)rnd();
				sl->ptr = rnd() % 2 ? 16 : (uintptr_t)&maps[k];
			}
		}
		break;
	}
}

static uint64_t rng;

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from the seed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t pick(uint32_t n)
{
	return rnd() % n;
}

static const char *names[] = {
	"vale0:a", "vale0:b", "vale1:a", "vale63:z", "vale64:x", "vale:0",
	"vale0:a{1", "vale0:a}1", "vale0:b{pipe", "vale0:b}pipe", "valeXX:",
	"vale0", "val", "v", "", "lo", "nosuchdev", "nosuchdev{1", "{1", "x}",
	"vale0:aaaaaaaaaaaaaaaaaaaaaaaaa", "vale_with_a_very_long_name:p",
	"vale0:a{1{2", "vale0:c}}", "null0", "vale0:a-1", "vale0:a*",
	/* Real devices when the suite made them (veth fz0 <-> fz1): the
	 * generic adapter, uplink attach/detach and polling get fuzzed too. */
	"fz0", "fz1", "fz0{1", "fz1}2", "vale0:fz0", "vale1:fz1", "vale0:fz0^",
	"vale1:fz1^",
};

/* Big arena the random pointers point into, plus some that fault. */
static uint8_t *arena;
#define ARENA 65536

static uint64_t rptr(void)
{
	switch (pick(8)) {
	case 0:
		return 0;
	case 1:
		return 16;			/* unmapped */
	case 2:
		return (uint64_t)-4096;		/* kernel half */
	default:
		return (uintptr_t)(arena + pick(ARENA - 512));
	}
}

static void rfill(void *p, size_t n)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

/* A body that is mostly plausible: small ring geometry, valid modes. */
static void rbody(uint8_t *b, uint16_t type)
{
	rfill(b, 128);
	if (type == NETMAP_REQ_REGISTER || type == NETMAP_REQ_VALE_ATTACH) {
		struct nmreq_register *r = (void *)b;

		if (pick(4)) {
			r->nr_tx_slots = pick(3) ? pick(64) : rnd();
			r->nr_rx_slots = pick(3) ? pick(64) : rnd();
			r->nr_tx_rings = pick(3) ? pick(4) : (uint16_t)rnd();
			r->nr_rx_rings = pick(3) ? pick(4) : (uint16_t)rnd();
			r->nr_mem_id = pick(3) ? 0 : pick(3) ? pick(4) : (uint16_t)rnd();
			r->nr_mode = pick(3) ? NR_REG_ALL_NIC : pick(10);
			r->nr_extra_bufs = pick(3) ? pick(16) : rnd();
			r->nr_flags = pick(4) ? (pick(2) ? NR_ACCEPT_VNET_HDR : 0) :
					((uint64_t)rnd() << 32 | rnd());
			r->nr_ringid = pick(3) ? 0 : pick(3);
		}
	}
}

/* An option chain inside the arena: random length, maybe looped. */
static uint64_t roptions(void)
{
	uint32_t n = pick(4) ? pick(4) : pick(200), i;
	struct nmreq_option *prev = NULL, *first = NULL;

	for (i = 0; i < n; i++) {
		struct nmreq_option *o = (void *)(arena + pick(ARENA / 64 - 2) * 64);

		rfill(o, 64);
		o->nro_reqtype = pick(3) ? pick(8) : rnd();
		o->nro_size = pick(2) ? sizeof(*o) + pick(64) : rnd();
		o->nro_next = 0;
		if (prev)
			prev->nro_next = (uintptr_t)o;
		else
			first = o;
		prev = o;
	}
	if (prev && !pick(8))
		prev->nro_next = pick(2) ? (uintptr_t)first : rptr();
	return first ? (uintptr_t)first : (pick(10) ? 0 : rptr());
}

int main(int argc, char **argv)
{
	long count = 100000, done = 0, succeeded = 0, bound = 0, i;
	uint64_t seed = 1;
	int fds[NFDS], opt;
	uint8_t body[256];

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			count = atol(optarg);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
	}
	rng = seed ? seed : 1;
	arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		return 1;
	for (i = 0; i < NFDS; i++)
		fds[i] = open("/dev/netmap", O_RDWR);

	for (i = 0; i < count; i++) {
		int k = pick(NFDS), fd = fds[k], rc;
		uint32_t what = pick(100);

		if (fd < 0 || what < 1) {
			/* Reopen: unbinds whatever the fd held. */
			unmap(k);
			if (fd >= 0)
				close(fd);
			fds[k] = open("/dev/netmap", O_RDWR);
			continue;
		}
		if (what < 70) {
			struct nmreq_header h;
			uint16_t type;

			memset(&h, 0, sizeof(h));
			type = pick(4) ? 1 + pick(15) : (pick(2) ? 0x100 : (uint16_t)rnd());
			h.nr_version = pick(8) ? 14 + pick(2) : (uint16_t)rnd();
			h.nr_reqtype = type;
			h.nr_reserved = pick(16) ? 0 : rnd();
			snprintf(h.nr_name, sizeof(h.nr_name), "%s",
				 names[pick(sizeof(names) / sizeof(names[0]))]);
			if (!pick(20))
				rfill(h.nr_name, sizeof(h.nr_name));
			rbody(body, type);
			h.nr_body = pick(10) ? (uintptr_t)body : rptr();
			h.nr_options = pick(3) ? 0 : roptions();
			rc = ioctl(fd, NIOCCTRL, pick(50) ? (void *)&h :
				   (void *)(uintptr_t)rptr());
			succeeded += rc == 0;
			bound += rc == 0 && type == NETMAP_REQ_REGISTER;
			if (rc == 0 && type == NETMAP_REQ_REGISTER &&
			    h.nr_body == (uintptr_t)body && !maps[k].mem) {
				struct nmreq_register *r = (void *)body;
				void *m = mmap(NULL, r->nr_memsize, PROT_READ | PROT_WRITE,
					       MAP_SHARED, fd, 0);

				if (m != MAP_FAILED) {
					maps[k].mem = m;
					maps[k].size = r->nr_memsize;
					maps[k].ofs = r->nr_offset;
				}
			}
		} else if (what < 80) {
			struct nmreq req;

			rfill(&req, sizeof(req));
			req.nr_version = pick(4) ? 14 : rnd();
			snprintf(req.nr_name, sizeof(req.nr_name), "%s",
				 names[pick(sizeof(names) / sizeof(names[0]))]);
			req.nr_cmd = pick(2) ? 0 : pick(14);
			req.nr_tx_slots = pick(64);
			req.nr_rx_slots = pick(64);
			req.nr_arg3 = pick(8);
			rc = ioctl(fd, pick(2) ? NIOCREGIF : NIOCGINFO, &req);
			succeeded += rc == 0;
		} else {
			/* Scribble on a bound fd's ring indices, then sync or poll. */
			if (pick(2))
				scribble(k);
			if (what < 90) {
				ioctl(fd, pick(2) ? NIOCTXSYNC : NIOCRXSYNC, NULL);
			} else {
				struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

				poll(&p, 1, 0);
			}
		}
		done++;
	}
	for (i = 0; i < NFDS; i++) {
		unmap(i);
		if (fds[i] >= 0)
			close(fds[i]);
	}
	/*
	 * What the fuzzer made that outlives it by design (persistent ports,
	 * attachments, polling threads): stop polling, detach (a persistent
	 * port may be in two switches), then remove.
	 */
	fds[0] = open("/dev/netmap", O_RDWR);
	for (i = 0; fds[0] >= 0 && i < (long)(sizeof(names) / sizeof(names[0])); i++) {
		static const uint16_t steps[] = {
			NETMAP_REQ_VALE_POLLING_DISABLE, NETMAP_REQ_VALE_DETACH,
			NETMAP_REQ_VALE_DETACH, NETMAP_REQ_VALE_DELIF,
		};
		union {
			struct nmreq_vale_polling p;
			struct nmreq_vale_detach d;
		} body;
		struct nmreq_header h;
		unsigned int k;

		for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			memset(&h, 0, sizeof(h));
			memset(&body, 0, sizeof(body));
			h.nr_version = NETMAP_API;
			h.nr_reqtype = steps[k];
			if (steps[k] != NETMAP_REQ_VALE_DELIF)
				h.nr_body = (uintptr_t)&body;
			snprintf(h.nr_name, sizeof(h.nr_name), "%s", names[i]);
			ioctl(fds[0], NIOCCTRL, &h);
		}
	}
	if (fds[0] >= 0)
		close(fds[0]);
	printf("# %ld control requests succeeded, %ld of them registrations\n",
	       succeeded, bound);
	/* A fuzzer whose requests all bounce off the header checks proves little. */
	tap_check(succeeded > 0 && bound > 0,
		  "fuzz: %ld random control requests, seed %llu, all returned",
		  done, (unsigned long long)seed);
	return tap_exit();
}
