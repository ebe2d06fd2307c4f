// SPDX-License-Identifier: BSD-2-Clause
/*
 * nm_vale_io - VALE ports through the real /dev/netmap: mmap layout as the
 * ABI describes it, frames between processes with poll() wake-ups, the
 * legacy nm_open API, mmap bounds, and NIOCREGIF on a bound fd.
 * usage: nm_vale_io [GROUP]   (layout | poll | legacy | mmap | monitor | zmon; default all)
 */
#define NETMAP_WITH_LIBS
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <net/netmap_user.h>

#include "nmreg.h"
#include "tap.h"

struct port {
	int fd;
	struct nmreq_register reg;
	char *mem;
	struct netmap_if *nifp;
};

static int port_open(struct port *p, const char *name, uint32_t mode,
		     uint64_t flags)
{
	memset(p, 0, sizeof(*p));
	p->reg.nr_mode = mode;
	p->reg.nr_flags = flags;
	p->fd = nmreg_open(name, &p->reg, &p->mem);
	if (p->fd < 0)
		return -1;
	p->nifp = NETMAP_IF(p->mem, p->reg.nr_offset);
	return 0;
}

static void port_close(struct port *p)
{
	if (p->mem && p->mem != MAP_FAILED)
		munmap(p->mem, p->reg.nr_memsize);
	close(p->fd);
}

static void group_layout(void)
{
	struct netmap_ring *tx, *rx;
	struct port p;
	uint32_t i, bad = 0;
	char *seen;

	if (port_open(&p, "vale0:lay", NR_REG_ALL_NIC, 0)) {
		tap_check(0, "layout: register and mmap vale0:lay (%s)", strerror(errno));
		return;
	}
	tap_check(p.reg.nr_memsize > 0 && p.reg.nr_offset < p.reg.nr_memsize,
		  "layout: nr_offset inside nr_memsize");
	tap_check(!strcmp(p.nifp->ni_name, "vale0:lay"), "layout: ni_name is the port name");
	tap_check(p.nifp->ni_tx_rings == 1 && p.nifp->ni_rx_rings == 1 &&
		  p.nifp->ni_host_tx_rings == 1 && p.nifp->ni_host_rx_rings == 1,
		  "layout: ring counts 1/1, host rings reported as 1/1");
	tap_check(p.nifp->ni_flags & NI_PRIV_MEM, "layout: private allocator flagged");
	tap_check(p.nifp->ring_ofs[1] == 0 && p.nifp->ring_ofs[3] == 0,
		  "layout: fake host rings have offset 0");
	tx = NETMAP_TXRING(p.nifp, 0);
	rx = NETMAP_RXRING(p.nifp, 0);
	tap_check((char *)tx > p.mem && (char *)rx < p.mem + p.reg.nr_memsize,
		  "layout: rings inside the mapping");
	tap_check(tx->num_slots == p.reg.nr_tx_slots && tx->nr_buf_size == 2048 &&
		  tx->dir == 0 && rx->dir == 1,
		  "layout: num_slots, nr_buf_size 2048, dir");
	tap_check(tx->head == 0 && tx->cur == 0 && tx->tail == tx->num_slots - 1 &&
		  rx->head == 0 && rx->tail == 0,
		  "layout: initial head/cur/tail");
	seen = calloc(1 << 20, 1);
	for (i = 0; i < tx->num_slots; i++) {
		uint32_t idx = tx->slot[i].buf_idx;
		char *b = NETMAP_BUF(tx, idx);

		if (idx < 2 || idx >= (1u << 20) || seen[idx]++ ||
		    b + 2048 > p.mem + p.reg.nr_memsize || tx->slot[i].len != 2048)
			bad++;
	}
	for (i = 0; i < rx->num_slots; i++) {
		uint32_t idx = rx->slot[i].buf_idx;

		if (idx < 2 || idx >= (1u << 20) || seen[idx]++)
			bad++;
	}
	free(seen);
	tap_check(bad == 0, "layout: every slot has its own buffer (>= 2) in the mapping");
	/* A buffer written through one ring's arithmetic is the same memory. */
	memset(NETMAP_BUF(tx, tx->slot[0].buf_idx), 0x5a, 64);
	tap_check(*(unsigned char *)(p.mem + p.reg.nr_offset +
		  p.nifp->ring_ofs[0] + tx->buf_ofs +
		  (size_t)tx->slot[0].buf_idx * 2048) == 0x5a,
		  "layout: buffer address arithmetic matches the ABI");
	port_close(&p);
}

static int rx_count(struct port *p, int want, int timeout_ms)
{
	struct netmap_ring *r = NETMAP_RXRING(p->nifp, 0);
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int got = 0;

	while (got < want) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		while (!nm_ring_empty(r)) {
			got++;
			r->head = r->cur = nm_ring_next(r, r->head);
		}
	}
	return got;
}

static void group_poll(void)
{
	struct netmap_ring *t;
	struct port tx, rx;
	int i, status, pipefd[2];
	pid_t pid;
	char c;

	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		int got;

		if (port_open(&rx, "vale1:rx", NR_REG_ALL_NIC, 0))
			_exit(2);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(2);
		/* Blocks in poll() until the sender's frames arrive. */
		got = rx_count(&rx, 500, 5000);
		port_close(&rx);
		_exit(got == 500 ? 0 : 1);
	}
	if (read(pipefd[0], &c, 1) != 1 || port_open(&tx, "vale1:tx", NR_REG_ALL_NIC, 0)) {
		tap_check(0, "poll: open ports");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return;
	}
	usleep(200000);
	t = NETMAP_TXRING(tx.nifp, 0);
	for (i = 0; i < 500; i++) {
		struct netmap_slot *s = &t->slot[t->head];
		unsigned char *b = (unsigned char *)NETMAP_BUF(t, s->buf_idx);

		memset(b, 0xff, 6);
		memcpy(b + 6, "\x02\x00\x00\x00\x00\x01", 6);
		b[12] = 0x08;
		b[13] = 0;
		s->len = 60;
		t->head = t->cur = nm_ring_next(t, t->head);
		if (i % 50 == 49 && ioctl(tx.fd, NIOCTXSYNC, NULL))
			break;
	}
	waitpid(pid, &status, 0);
	tap_check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "poll: a receiver blocked in poll() gets all 500 frames from another process");
	{
		struct pollfd pfd = { .fd = tx.fd, .events = POLLOUT };

		tap_check(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT),
			  "poll: a VALE TX ring is writable after sending");
	}
	port_close(&tx);
}

static void group_legacy(void)
{
	struct nm_desc *a, *b;
	struct nm_pkthdr h;
	unsigned char f[60];
	const unsigned char *buf;
	struct pollfd pfd;
	int ok;

	a = nm_open("vale2:a", NULL, 0, NULL);
	b = nm_open("vale2:b", NULL, 0, NULL);
	tap_check(a && b, "legacy: nm_open of two VALE ports");
	if (!a || !b)
		return;
	memset(f, 0xff, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x02", 6);
	f[12] = 0x08;
	f[13] = 0;
	memset(f + 14, 0xab, sizeof(f) - 14);
	tap_check(nm_inject(a, f, sizeof(f)) > 0, "legacy: nm_inject");
	ioctl(a->fd, NIOCTXSYNC, NULL);
	pfd.fd = b->fd;
	pfd.events = POLLIN;
	ok = poll(&pfd, 1, 2000) == 1;
	buf = ok ? nm_nextpkt(b, &h) : NULL;
	tap_check(buf && h.len == sizeof(f) && !memcmp(buf, f, sizeof(f)),
		  "legacy: nm_nextpkt returns the injected frame");
	nm_close(a);
	nm_close(b);
}

static void group_mmap(void)
{
	struct nmreq req;
	struct port p;
	void *m;
	int rc;

	if (port_open(&p, "vale3:m", NR_REG_ALL_NIC, 0)) {
		tap_check(0, "mmap: register");
		return;
	}
	m = mmap(NULL, p.reg.nr_memsize + 4096, PROT_READ | PROT_WRITE,
		 MAP_SHARED, p.fd, 0);
	tap_errno(m == MAP_FAILED ? -1 : 0, errno, EINVAL,
		  "mmap: a range past nr_memsize is EINVAL");
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd,
		 (p.reg.nr_memsize & ~4095ul));
	tap_check(m == MAP_FAILED || (p.reg.nr_memsize & 4095) != 0,
		  "mmap: a page at nr_memsize is refused");
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd, 4096);
	tap_check(m != MAP_FAILED && !memcmp(m, p.mem + 4096, 4096),
		  "mmap: an inner page maps the same memory");
	if (m != MAP_FAILED)
		munmap(m, 4096);
	memset(&req, 0, sizeof(req));
	req.nr_version = NETMAP_API;
	strcpy(req.nr_name, "vale3:other");
	rc = ioctl(p.fd, NIOCREGIF, &req);
	tap_errno(rc, errno, EBUSY, "mmap: a second registration on a bound fd is EBUSY");
	port_close(&p);
}

/* Queue @n broadcast frames on TX ring 0 of @p and sync. */
static void send_frames(struct port *p, int n)
{
	struct netmap_ring *t = NETMAP_TXRING(p->nifp, 0);
	int i;

	for (i = 0; i < n; i++) {
		struct netmap_slot *s = &t->slot[t->head];
		unsigned char *b = (unsigned char *)NETMAP_BUF(t, s->buf_idx);

		memset(b, 0xff, 6);
		memcpy(b + 6, "\x02\x00\x00\x00\x00\x07", 6);
		b[12] = 0x08;
		b[13] = 0;
		b[14] = (unsigned char)i;
		s->len = 60;
		t->head = t->cur = nm_ring_next(t, t->head);
	}
	ioctl(p->fd, NIOCTXSYNC, NULL);
}

/* Frames waiting on RX ring 0 after a sync, and how many carry @flag. */
static int rx_waiting(struct port *p, uint16_t flag, int *flagged)
{
	struct netmap_ring *r = NETMAP_RXRING(p->nifp, 0);
	uint32_t i;
	int n = 0;

	ioctl(p->fd, NIOCRXSYNC, NULL);
	*flagged = 0;
	for (i = r->head; i != r->tail; i = nm_ring_next(r, i)) {
		n++;
		*flagged += !!(r->slot[i].flags & flag);
	}
	return n;
}

/* Buffer indices of slots [first, first + n) of @r. */
static void snap_bufs(struct netmap_ring *r, uint32_t first, int n,
		      uint32_t *bufs)
{
	int i;

	for (i = 0; i < n; i++)
		bufs[i] = r->slot[(first + i) % r->num_slots].buf_idx;
}

/*
 * How many of the frames waiting on monitor @m's RX ring 0, from its head,
 * sit in exactly the buffers @bufs in that order and carry frame number i.
 */
static int lent_in_order(struct port *m, const uint32_t *bufs, int n)
{
	struct netmap_ring *r = NETMAP_RXRING(m->nifp, 0);
	uint32_t j = r->head;
	int i, ok = 0;

	for (i = 0; i < n && j != r->tail; i++, j = nm_ring_next(r, j)) {
		struct netmap_slot *s = &r->slot[j];
		unsigned char *b = (unsigned char *)NETMAP_BUF(r, s->buf_idx);

		if (s->buf_idx == bufs[i] && (s->flags & NS_BUF_CHANGED) &&
		    s->len == 60 && b[14] == (unsigned char)i)
			ok++;
	}
	return ok;
}

/* Slots of [first, first + n) of @r that no longer hold their @bufs. */
static int swapped_out(struct netmap_ring *r, uint32_t first, int n,
		       const uint32_t *bufs)
{
	int i, k = 0;

	for (i = 0; i < n; i++) {
		struct netmap_slot *s = &r->slot[(first + i) % r->num_slots];

		k += s->buf_idx != bufs[i] && (s->flags & NS_BUF_CHANGED);
	}
	return k;
}

/* Release everything waiting on RX ring 0 of @p. */
static void rx_release(struct port *p)
{
	struct netmap_ring *r = NETMAP_RXRING(p->nifp, 0);

	r->head = r->cur = r->tail;
	ioctl(p->fd, NIOCRXSYNC, NULL);
}

static void group_monitor(void)
{
	struct port a, b, mt, mr, mz;
	uint32_t bufs[100];
	int n, f;

	if (port_open(&a, "vale4:a", NR_REG_ALL_NIC, 0) ||
	    port_open(&b, "vale4:b", NR_REG_ALL_NIC, 0)) {
		tap_check(0, "monitor: open vale4:a and vale4:b");
		return;
	}
	tap_check(port_open(&mt, "vale4:a", NR_REG_ALL_NIC, NR_MONITOR_TX) == 0,
		  "monitor: open a TX copy monitor of vale4:a");
	tap_check(port_open(&mr, "vale4:b", NR_REG_ALL_NIC, NR_MONITOR_RX) == 0,
		  "monitor: open an RX copy monitor of vale4:b");
	tap_check(port_open(&mz, "vale4:a", NR_REG_ALL_NIC, NR_ZCOPY_MON) == 0 &&
		  mz.reg.nr_mem_id == a.reg.nr_mem_id,
		  "monitor: a /z monitor shares vale4:a's memory");
	snap_bufs(NETMAP_TXRING(a.nifp, 0), 0, 100, bufs);
	send_frames(&a, 100);
	n = rx_waiting(&mt, NS_TXMON, &f);
	tap_check(n == 100 && f == 100,
		  "monitor: the TX monitor got 100 copies flagged NS_TXMON (%d, %d)", n, f);
	n = rx_waiting(&mz, NS_TXMON, &f);
	tap_check(n == 100 && f == 100,
		  "monitor: the /z monitor got the 100 sent frames flagged NS_TXMON (%d, %d)",
		  n, f);
	tap_check(lent_in_order(&mz, bufs, 100) == 100,
		  "monitor: /z got the sender's own buffers, in order, frames intact");
	tap_check(swapped_out(NETMAP_TXRING(a.nifp, 0), 0, 100, bufs) == 100,
		  "monitor: the sender's slots hold other buffers, flagged NS_BUF_CHANGED");
	n = rx_waiting(&b, 0, &f);
	tap_check(n == 100, "monitor: the receiver got 100 frames (%d)", n);
	n = rx_waiting(&mr, NS_TXMON, &f);
	tap_check(n == 100 && f == 0,
		  "monitor: the RX monitor of the receiver got 100 copies (%d, %d)", n, f);
	port_close(&mz);
	port_close(&mr);
	port_close(&mt);
	port_close(&b);
	port_close(&a);
	tap_check(port_open(&mt, "vale4:a", NR_REG_ALL_NIC, NR_MONITOR_TX) != 0,
		  "monitor: a port not in use cannot be monitored");
}

/*
 * Zero-copy monitors see a frame only once the watched port is done with it,
 * in the very buffer it used: a receiver's frames after it released them,
 * a pipe end's sent frames after the other end released them.
 */
static void group_zmon(void)
{
	struct port c, d, mz, m2, mt, pm, ps, pz;
	uint32_t bufs[100];
	int n, f;

	if (port_open(&c, "vale5:c", NR_REG_ALL_NIC, 0) ||
	    port_open(&d, "vale5:d", NR_REG_ALL_NIC, 0) ||
	    port_open(&mz, "vale5:d", NR_REG_ALL_NIC, NR_ZCOPY_MON)) {
		tap_check(0, "zmon: open vale5:c, vale5:d and vale5:d/z");
		return;
	}
	tap_check(port_open(&m2, "vale5:d", NR_REG_ALL_NIC, NR_ZCOPY_MON) != 0 &&
		  errno == EBUSY, "zmon: a second /z monitor of the same port is EBUSY");
	tap_check(port_open(&mt, "vale5:d", NR_REG_ALL_NIC, NR_MONITOR_RX) == 0,
		  "zmon: a copy monitor can still watch it");
	snap_bufs(NETMAP_RXRING(d.nifp, 0), 0, 10, bufs);
	send_frames(&c, 10);
	n = rx_waiting(&d, 0, &f);
	tap_check(n == 10, "zmon: the receiver got 10 frames (%d)", n);
	n = rx_waiting(&mz, 0, &f);
	tap_check(n == 0, "zmon: nothing on /z before the receiver releases (%d)", n);
	n = rx_waiting(&mt, 0, &f);
	tap_check(n == 10, "zmon: the copy monitor saw the arrivals (%d)", n);
	rx_release(&d);
	n = rx_waiting(&mz, NS_TXMON, &f);
	tap_check(n == 10 && f == 0,
		  "zmon: /z has the 10 released frames, not flagged NS_TXMON (%d, %d)", n, f);
	tap_check(lent_in_order(&mz, bufs, 10) == 10,
		  "zmon: in the receiver's own buffers, in order");
	/* Released monitor slots feed the next exchange. */
	rx_release(&mz);
	send_frames(&c, 10);
	rx_waiting(&d, 0, &f);
	rx_release(&d);
	n = rx_waiting(&mz, 0, &f);
	tap_check(n == 10, "zmon: a second round works after /z released its slots (%d)", n);
	port_close(&mt);
	port_close(&mz);
	tap_check(port_open(&mz, "vale5:d", NR_REG_ALL_NIC, NR_ZCOPY_MON) == 0,
		  "zmon: after the /z monitor closed another one can open");
	port_close(&mz);
	port_close(&d);
	port_close(&c);

	if (port_open(&pm, "vale6:p{1", NR_REG_ALL_NIC, 0) ||
	    port_open(&ps, "vale6:p}1", NR_REG_ALL_NIC, 0) ||
	    port_open(&pz, "vale6:p{1", NR_REG_ALL_NIC, NR_ZCOPY_MON)) {
		tap_check(0, "zmon: open vale6:p{1, vale6:p}1 and vale6:p{1/z");
		return;
	}
	snap_bufs(NETMAP_TXRING(pm.nifp, 0), 0, 5, bufs);
	send_frames(&pm, 5);
	n = rx_waiting(&pz, 0, &f);
	tap_check(n == 0, "zmon: a pipe's sent frames stay off /z while unread (%d)", n);
	n = rx_waiting(&ps, 0, &f);
	tap_check(n == 5, "zmon: the other end got the 5 frames (%d)", n);
	rx_release(&ps);
	n = rx_waiting(&pz, NS_TXMON, &f);
	tap_check(n == 5 && f == 5,
		  "zmon: once read, /z has them flagged NS_TXMON (%d, %d)", n, f);
	tap_check(lent_in_order(&pz, bufs, 5) == 5,
		  "zmon: in the buffers the sender filled");
	rx_release(&pz);
	/* Pipes move buffers: what pm receives is what ps filled. */
	snap_bufs(NETMAP_TXRING(ps.nifp, 0), 0, 5, bufs);
	send_frames(&ps, 5);
	n = rx_waiting(&pm, 0, &f);
	tap_check(n == 5, "zmon: the watched end received 5 frames (%d)", n);
	n = rx_waiting(&pz, 0, &f);
	tap_check(n == 0, "zmon: /z waits for the watched end to release (%d)", n);
	rx_release(&pm);
	n = rx_waiting(&pz, NS_TXMON, &f);
	tap_check(n == 5 && f == 0, "zmon: then has its 5 received frames (%d, %d)", n, f);
	tap_check(lent_in_order(&pz, bufs, 5) == 5,
		  "zmon: in the buffers the other end filled");
	port_close(&pz);
	port_close(&ps);
	port_close(&pm);
}

int main(int argc, char **argv)
{
	const char *g = argc > 1 ? argv[1] : "";

	if (!*g || !strcmp(g, "layout"))
		group_layout();
	if (!*g || !strcmp(g, "poll"))
		group_poll();
	if (!*g || !strcmp(g, "legacy"))
		group_legacy();
	if (!*g || !strcmp(g, "mmap"))
		group_mmap();
	if (!*g || !strcmp(g, "zmon"))
		group_zmon();
	if (!*g || !strcmp(g, "monitor"))
		group_monitor();
	return tap_exit();
}
