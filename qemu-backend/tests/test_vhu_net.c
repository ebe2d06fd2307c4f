// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_vhu_net.c - the vale-vhost datapath (net/vhu_net.c) between a guest
 * and a switch port, with neither a kernel nor a VM:
 *
 *   the port   netmap rings laid out in plain memory exactly as the kernel
 *              maps them (struct netmap_ring, slots, NETMAP_BUF buffers);
 *              the test plays the kernel: it fills RX slots and collects
 *              what TXSYNC hands over
 *   the guest  a memfd the device maps through SET_MEM_TABLE, holding split
 *              rings the test drives as a virtio driver would
 *   QEMU       vhost-user messages over a socketpair, kick/call/err eventfds
 *
 * Everything runs under ASan and UBSan.
 */
/* We play the kernel, which writes the ring fields applications may not. */
#define NETMAP_USER_CONST

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "vhu_csum.h"
#include "vhu_msg.h"
#include "vhu_guard.h"
#include "vhu_net.h"
#include "vhu_nethdr.h"
#include "vhu_rarp.h"

/* ------------------------------------------------------------------ */
/* The port: in-memory netmap rings.                                    */

#define FP_MAX_CAPTURE	64
#define FP_MAX_FRAME	(NETMAP_MAX_FRAGS * 4096)

struct fake_port {
	struct vhu_port p;
	void *mem[2 * VHU_PORT_MAX_RINGS];
	unsigned int nmem;
	uint32_t tx_hwcur[VHU_PORT_MAX_RINGS];	/* first slot not yet "sent" */
	bool tx_stuck;		/* TXSYNC frees nothing: the port is congested */
	unsigned int txsyncs, rxsyncs;
	/* Frames TXSYNC took, each as the slots held it (header + frame). */
	unsigned int nsent;
	unsigned int ncap;
	size_t cap_len[FP_MAX_CAPTURE];
	unsigned int cap_slots[FP_MAX_CAPTURE];
	uint8_t *cap[FP_MAX_CAPTURE];
};

static struct netmap_ring *fp_ring_new(struct fake_port *fp, uint32_t nslots,
				       uint32_t bufsz, uint16_t dir)
{
	size_t hdr = sizeof(struct netmap_ring) + nslots * sizeof(struct netmap_slot);
	size_t bufs_at = (hdr + 4095) & ~(size_t)4095;
	struct netmap_ring *r;
	void *m = NULL;

	assert_int_equal(posix_memalign(&m, 4096, bufs_at + (size_t)nslots * bufsz), 0);
	memset(m, 0xa5, bufs_at + (size_t)nslots * bufsz);
	fp->mem[fp->nmem++] = m;
	r = m;
	memset(r, 0, hdr);
	r->buf_ofs = (int64_t)bufs_at;
	r->num_slots = nslots;
	r->nr_buf_size = bufsz;
	r->dir = dir;
	/* Buffers in reverse order: nothing may assume buf_idx == slot. */
	for (uint32_t i = 0; i < nslots; i++)
		r->slot[i].buf_idx = nslots - 1 - i;
	/* TX starts with every slot but one free; RX with nothing received. */
	r->tail = dir == 0 ? nslots - 1 : 0;
	return r;
}

static int fp_txsync(struct vhu_port *p)
{
	struct fake_port *fp = (struct fake_port *)p;

	fp->txsyncs++;
	for (unsigned int k = 0; k < p->ntx; k++) {
		struct netmap_ring *r = p->tx[k];
		uint32_t i = fp->tx_hwcur[k];

		if (fp->tx_stuck)
			continue;
		while (i != r->head) {
			uint8_t *f = malloc(FP_MAX_FRAME);
			size_t len = 0;
			unsigned int n = 0;
			bool more;

			assert_non_null(f);
			do {
				struct netmap_slot *s = &r->slot[i];

				assert_true(s->len <= r->nr_buf_size);
				memcpy(f + len, NETMAP_BUF(r, s->buf_idx), s->len);
				len += s->len;
				more = (s->flags & NS_MOREFRAG) != 0;
				n++;
				i = i + 1 == r->num_slots ? 0 : i + 1;
			} while (more && i != r->head);
			assert_false(more);
			fp->nsent++;
			if (fp->ncap == FP_MAX_CAPTURE) {
				/* Enough kept to check; later ones are only counted. */
				free(f);
				continue;
			}
			fp->cap[fp->ncap] = f;
			fp->cap_len[fp->ncap] = len;
			fp->cap_slots[fp->ncap] = n;
			fp->ncap++;
		}
		fp->tx_hwcur[k] = i;
		/* Everything sent: the ring is free again up to the slot before head. */
		r->tail = r->head == 0 ? r->num_slots - 1 : r->head - 1;
	}
	return 0;
}

static int fp_rxsync(struct vhu_port *p)
{
	struct fake_port *fp = (struct fake_port *)p;
	uint64_t v;

	fp->rxsyncs++;
	/* "Arrivals seen": the fd stops being readable. */
	if (read(p->fd, &v, sizeof(v)) < 0)
		assert_int_equal(errno, EAGAIN);
	return 0;
}

static const struct vhu_port_ops fp_ops = {
	.txsync = fp_txsync,
	.rxsync = fp_rxsync,
};

static void fp_init(struct fake_port *fp, unsigned int nrings, uint32_t nslots,
		    uint32_t bufsz)
{
	memset(fp, 0, sizeof(*fp));
	snprintf(fp->p.name, sizeof(fp->p.name), "fake:port");
	fp->p.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(fp->p.fd >= 0);
	fp->p.ntx = fp->p.nrx = nrings;
	for (unsigned int i = 0; i < nrings; i++) {
		fp->p.tx[i] = fp_ring_new(fp, nslots, bufsz, 0);
		fp->p.rx[i] = fp_ring_new(fp, nslots, bufsz, 1);
	}
	fp->p.ops = &fp_ops;
}

static void fp_fini(struct fake_port *fp)
{
	for (unsigned int i = 0; i < fp->nmem; i++)
		free(fp->mem[i]);
	for (unsigned int i = 0; i < fp->ncap; i++)
		free(fp->cap[i]);
	close(fp->p.fd);
}

/* The kernel's part of RX: header + frame into slots at tail, then publish. */
static void fp_rx_put(struct fake_port *fp, unsigned int ring, const void *hdr,
		      const void *frame, size_t len)
{
	struct netmap_ring *r = fp->p.rx[ring];
	uint8_t *stream = malloc(VIRTQ_NET_HDR_LEN + len);
	size_t total = VIRTQ_NET_HDR_LEN + len, off = 0;
	uint32_t t = r->tail;
	uint64_t one = 1;

	assert_non_null(stream);
	memcpy(stream, hdr, VIRTQ_NET_HDR_LEN);
	memcpy(stream + VIRTQ_NET_HDR_LEN, frame, len);
	while (off < total) {
		struct netmap_slot *s = &r->slot[t];
		size_t chunk = total - off < r->nr_buf_size ? total - off : r->nr_buf_size;

		/* One slot stays empty, as in every netmap ring. */
		assert_int_not_equal((t + 1) % r->num_slots, r->head);
		memcpy(NETMAP_BUF(r, s->buf_idx), stream + off, chunk);
		s->len = (uint16_t)chunk;
		off += chunk;
		s->flags = off < total ? NS_MOREFRAG : 0;
		t = (t + 1) % r->num_slots;
	}
	free(stream);
	r->tail = t;
	assert_int_equal(write(fp->p.fd, &one, sizeof(one)), (ssize_t)sizeof(one));
}

static uint32_t fp_rx_pending(const struct fake_port *fp, unsigned int ring)
{
	const struct netmap_ring *r = fp->p.rx[ring];

	return (r->tail + r->num_slots - r->head) % r->num_slots;
}

/* ------------------------------------------------------------------ */
/* The guest: memory and a split-ring driver.                           */

#define GUEST_GPA	0x40000000ull
#define GUEST_SIZE	(4u << 20)
#define GUEST_BUFS	(256u << 10)	/* rings below, buffers from here */
#define RING_AREA	(16u << 10)	/* per ring: desc, avail, used */

struct drv_ring {
	unsigned int num;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint64_t desc_qva, avail_qva, used_qva, used_gpa;
	uint16_t next_desc;	/* bump allocation, wraps: tests stay small */
	uint16_t avail_idx;
	uint16_t used_seen;
	int kick, call, err;
};

struct guest {
	int memfd;
	uint8_t *mem;
	size_t bump;		/* next free buffer offset */
	struct drv_ring ring[4];
};

static uint64_t g_gpa(const struct guest *g, const void *p)
{
	return GUEST_GPA + (uint64_t)((const uint8_t *)p - g->mem);
}

static uint8_t *g_alloc(struct guest *g, size_t len)
{
	uint8_t *p;

	g->bump = (g->bump + 63) & ~(size_t)63;
	assert_true(g->bump + len <= GUEST_SIZE);
	p = g->mem + g->bump;
	g->bump += len;
	return p;
}

static int efd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void guest_init(struct guest *g, unsigned int num)
{
	memset(g, 0, sizeof(*g));
	g->memfd = memfd_create("guest", MFD_CLOEXEC);
	assert_true(g->memfd >= 0);
	assert_int_equal(ftruncate(g->memfd, GUEST_SIZE), 0);
	g->mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, g->memfd, 0);
	assert_true(g->mem != MAP_FAILED);
	g->bump = GUEST_BUFS;
	for (unsigned int i = 0; i < 4; i++) {
		struct drv_ring *r = &g->ring[i];
		uint8_t *base = g->mem + (size_t)i * RING_AREA;

		r->num = num;
		r->desc = (void *)base;
		r->avail = (void *)(base + 16 * num);
		r->used = (void *)(base + 8192);
		r->desc_qva = (uint64_t)(uintptr_t)r->desc;
		r->avail_qva = (uint64_t)(uintptr_t)r->avail;
		r->used_qva = (uint64_t)(uintptr_t)r->used;
		r->used_gpa = g_gpa(g, r->used);
		r->kick = efd();
		r->call = efd();
		r->err = efd();
	}
}

static void guest_fini(struct guest *g)
{
	for (unsigned int i = 0; i < 4; i++) {
		close(g->ring[i].kick);
		close(g->ring[i].call);
		close(g->ring[i].err);
	}
	munmap(g->mem, GUEST_SIZE);
	close(g->memfd);
}

struct seg {
	const void *p;		/* inside guest memory */
	uint32_t len;
	bool write;
};

/* Make one chain available (descriptors, avail entry, then avail->idx). */
static uint16_t drv_add(struct guest *g, struct drv_ring *r, const struct seg *s,
			unsigned int n)
{
	uint16_t head = r->next_desc % r->num;

	for (unsigned int i = 0; i < n; i++) {
		uint16_t d = (uint16_t)((head + i) % r->num);
		uint16_t nx = (uint16_t)((head + i + 1) % r->num);

		r->desc[d].addr = htole64(g_gpa(g, s[i].p));
		r->desc[d].len = htole32(s[i].len);
		r->desc[d].flags = htole16((s[i].write ? VIRTQ_DESC_F_WRITE : 0) |
					   (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		r->desc[d].next = htole16(nx);
	}
	r->next_desc = (uint16_t)(r->next_desc + n);
	r->avail->ring[r->avail_idx % r->num] = htole16(head);
	r->avail_idx++;
	__atomic_store_n(&r->avail->idx, htole16(r->avail_idx), __ATOMIC_RELEASE);
	return head;
}

static void drv_kick(struct drv_ring *r)
{
	uint64_t one = 1;

	assert_int_equal(write(r->kick, &one, sizeof(one)), (ssize_t)sizeof(one));
}

/* Next used element, or false if the device has returned nothing new. */
static bool drv_used(struct drv_ring *r, uint32_t *id, uint32_t *len)
{
	uint16_t idx = le16toh(__atomic_load_n(&r->used->idx, __ATOMIC_ACQUIRE));
	struct virtq_used_elem *u;

	if (idx == r->used_seen)
		return false;
	u = &r->used->ring[r->used_seen % r->num];
	*id = le32toh(u->id);
	*len = le32toh(u->len);
	r->used_seen++;
	return true;
}

/* Whether the eventfd was signalled since last asked (and reset it). */
static bool fired(int fd)
{
	uint64_t v;

	return read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v) && v > 0;
}

/* ------------------------------------------------------------------ */
/* The front-end: vhost-user messages over a socketpair.                */

struct dut {
	struct fake_port fp;
	struct guest g;
	struct vhu_net net;
	int fe;			/* the front-end's end of the socketpair */
	uint64_t features;	/* negotiated */
};

static void fe_send(struct dut *d, uint32_t req, const void *payload,
		    uint32_t size, int fd)
{
	struct vhu_msg_hdr h = { .request = req, .flags = VHU_MSG_VERSION, .size = size };
	uint8_t buf[sizeof(h) + sizeof(union vhu_msg_payload)];
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(h) + size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memcpy(buf, &h, sizeof(h));
	if (size != 0)
		memcpy(buf + sizeof(h), payload, size);
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	assert_int_equal(sendmsg(d->fe, &mh, 0), (ssize_t)iov.iov_len);
	assert_int_equal(vhu_dev_handle_readable(&d->net.dev), VHU_DEV_OK);
}

static void fe_u64(struct dut *d, uint32_t req, uint64_t v)
{
	fe_send(d, req, &v, sizeof(v), -1);
}

static void fe_recv(struct dut *d, void *payload, uint32_t size)
{
	struct vhu_msg_hdr h;

	assert_int_equal(recv(d->fe, &h, sizeof(h), MSG_WAITALL), (ssize_t)sizeof(h));
	assert_int_equal(h.size, size);
	assert_int_equal(recv(d->fe, payload, size, MSG_WAITALL), (ssize_t)size);
}

static void fe_vring_fd(struct dut *d, uint32_t req, unsigned int idx, int fd)
{
	uint64_t v = idx;

	fe_send(d, req, &v, sizeof(v), fd);
}

static void fe_start_ring(struct dut *d, unsigned int idx)
{
	struct drv_ring *r = &d->g.ring[idx];
	struct vhu_msg_vring_state st = { .index = idx, .num = r->num };
	struct vhu_msg_vring_addr a = {
		.index = idx,
		.desc_qva = r->desc_qva,
		.used_qva = r->used_qva,
		.avail_qva = r->avail_qva,
		.log_gpa = r->used_gpa,
	};

	fe_send(d, VHU_REQ_SET_VRING_NUM, &st, sizeof(st), -1);
	fe_send(d, VHU_REQ_SET_VRING_ADDR, &a, sizeof(a), -1);
	st.num = 0;
	fe_send(d, VHU_REQ_SET_VRING_BASE, &st, sizeof(st), -1);
	fe_vring_fd(d, VHU_REQ_SET_VRING_CALL, idx, r->call);
	fe_vring_fd(d, VHU_REQ_SET_VRING_ERR, idx, r->err);
	fe_vring_fd(d, VHU_REQ_SET_VRING_KICK, idx, r->kick);
	assert_true(d->net.dev.rings[idx].started);
}

/* GET_VRING_BASE: stops the ring and says where the device would go on. */
static uint32_t fe_stop_ring(struct dut *d, unsigned int idx)
{
	struct vhu_msg_vring_state st = { .index = idx };

	fe_send(d, VHU_REQ_GET_VRING_BASE, &st, sizeof(st), -1);
	fe_recv(d, &st, sizeof(st));
	assert_int_equal(st.index, idx);
	return st.num;
}

/* Set by a test: SET_FEATURES after the rings are set up, not before. */
static bool features_after_rings;
/* Set by a test: the device's TX coalescing (vhu_net_config.coalesce_ms). */
static unsigned int dut_coalesce_ms;

/*
 * A device on a fake port with one queue pair, negotiated as QEMU would,
 * @features on top of VERSION_1 (no PROTOCOL_FEATURES unless asked: then
 * rings start disabled, else SET_FEATURES enables them).
 */
static struct dut *dut_new_qp(uint64_t features, uint32_t port_slots, uint32_t bufsz,
			      unsigned int qnum, unsigned int qps)
{
	struct dut *d = calloc(1, sizeof(*d));
	struct vhu_net_config cfg = { .name = "dut", .queue_pairs = qps,
				      .coalesce_ms = dut_coalesce_ms };
	struct vhu_msg_mem_table mt;
	struct vhu_err err;
	uint64_t offered;
	int sv[2];

	assert_non_null(d);
	fp_init(&d->fp, qps, port_slots, bufsz);
	guest_init(&d->g, qnum);
	assert_int_equal(vhu_net_init(&d->net, &cfg, &d->fp.p, &err), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(vhu_dev_attach(&d->net.dev, sv[0], &err), 0);
	d->fe = sv[1];

	fe_send(d, VHU_REQ_GET_FEATURES, NULL, 0, -1);
	fe_recv(d, &offered, sizeof(offered));
	d->features = features | VHU_BIT(VHU_F_VERSION_1);
	assert_int_equal(d->features & ~offered, 0);
	fe_send(d, VHU_REQ_SET_OWNER, NULL, 0, -1);
	if (!features_after_rings)
		fe_u64(d, VHU_REQ_SET_FEATURES, d->features);

	memset(&mt, 0, sizeof(mt));
	mt.nregions = 1;
	mt.r[0].gpa = GUEST_GPA;
	mt.r[0].size = GUEST_SIZE;
	mt.r[0].qva = (uint64_t)(uintptr_t)d->g.mem;
	mt.r[0].mmap_offset = 0;
	fe_send(d, VHU_REQ_SET_MEM_TABLE, &mt,
		(uint32_t)(offsetof(struct vhu_msg_mem_table, r) + sizeof(mt.r[0])),
		d->g.memfd);
	for (unsigned int i = 0; i < 2 * qps; i++)
		fe_start_ring(d, i);
	if (features_after_rings) {
		/* Without VERSION_1 yet, the rings could not run. */
		assert_false(d->net.rings[0].running);
		fe_u64(d, VHU_REQ_SET_FEATURES, d->features);
	}
	/* Whatever the start found to do (nothing yet). */
	vhu_net_poll(&d->net);
	for (unsigned int i = 0; i < 2 * qps; i++)
		fired(d->g.ring[i].call);
	return d;
}

static struct dut *dut_new(uint64_t features, uint32_t port_slots, uint32_t bufsz,
			   unsigned int qnum)
{
	return dut_new_qp(features, port_slots, bufsz, qnum, 1);
}

static void dut_free(struct dut *d)
{
	vhu_net_fini(&d->net);
	close(d->fe);
	guest_fini(&d->g);
	fp_fini(&d->fp);
	free(d);
}

/* ------------------------------------------------------------------ */
/* Frames.                                                              */

static void fill_frame(uint8_t *f, size_t len, uint8_t seed)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;		/* local experimental EtherType */
	f[13] = 0xb5;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7);
}

static struct virtq_net_hdr hdr_plain(void)
{
	struct virtq_net_hdr h;

	memset(&h, 0, sizeof(h));
	return h;
}

/* Guest TX of header @h + @len frame bytes, split over two descriptors. */
static void guest_tx(struct dut *d, const struct virtq_net_hdr *h,
		     const uint8_t *frame, size_t len)
{
	uint8_t *hb = g_alloc(&d->g, VIRTQ_NET_HDR_LEN);
	uint8_t *fb = g_alloc(&d->g, len);
	struct seg s[2] = {
		{ hb, VIRTQ_NET_HDR_LEN, false },
		{ fb, (uint32_t)len, false },
	};

	memcpy(hb, h, VIRTQ_NET_HDR_LEN);
	memcpy(fb, frame, len);
	drv_add(&d->g, &d->g.ring[1], s, 2);
}

/* One writable RX buffer of @len bytes; returns where it is. */
static uint8_t *guest_rx_buf(struct dut *d, uint32_t len)
{
	uint8_t *b = g_alloc(&d->g, len);
	struct seg s = { b, len, true };

	memset(b, 0xee, len);
	drv_add(&d->g, &d->g.ring[0], &s, 1);
	return b;
}

/* ------------------------------------------------------------------ */
/* TX: guest -> port.                                                   */

static void test_tx_frame_arrives_byte_exact(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[60];
	uint32_t id, len;

	(void)state;
	fill_frame(frame, sizeof(frame), 1);
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);

	assert_int_equal(d->fp.ncap, 1);
	assert_int_equal(d->fp.cap_slots[0], 1);
	assert_int_equal(d->fp.cap_len[0], VIRTQ_NET_HDR_LEN + sizeof(frame));
	assert_memory_equal(d->fp.cap[0], &h, VIRTQ_NET_HDR_LEN);
	assert_memory_equal(d->fp.cap[0] + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	/* The chain is back with nothing written, and the guest was told. */
	assert_true(drv_used(&d->g.ring[1], &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_true(fired(d->g.ring[1].call));
	assert_int_equal(d->net.stats.tx_pkts, 1);
	assert_int_equal(d->net.stats.tx_bytes, sizeof(frame));
	dut_free(d);
}

/*
 * A front-end that sets its rings up before SET_FEATURES: the rings
 * could not start then (no VERSION_1); the first SET_FEATURES starts them.
 */
static void test_features_after_rings(void **state)
{
	struct dut *d;
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[60];

	(void)state;
	features_after_rings = true;
	d = dut_new(0, 256, 2048, 64);
	features_after_rings = false;
	assert_true(d->net.rings[0].running);
	assert_true(d->net.rings[1].running);
	fill_frame(frame, sizeof(frame), 3);
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 1);
	assert_memory_equal(d->fp.cap[0] + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	dut_free(d);
}

/* Longer than a netmap buffer: NS_MOREFRAG slots, the stream unchanged. */
static void test_tx_multislot_frame(void **state)
{
	struct dut *d = dut_new(0, 64, 512, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[1500];

	(void)state;
	fill_frame(frame, sizeof(frame), 2);
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);

	assert_int_equal(d->fp.ncap, 1);
	assert_int_equal(d->fp.cap_slots[0], 3);	/* 1512 bytes in 512-byte slots */
	assert_int_equal(d->fp.cap_len[0], VIRTQ_NET_HDR_LEN + sizeof(frame));
	assert_memory_equal(d->fp.cap[0] + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	dut_free(d);
}

/* Offloads the guest did negotiate cross the port as they are. */
static void test_tx_offload_header_passes(void **state)
{
	struct dut *d = dut_new(VHU_BIT(VHU_F_NET_CSUM) | VHU_BIT(VHU_F_NET_HOST_TSO4),
				256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[200];

	(void)state;
	fill_frame(frame, sizeof(frame), 3);
	h.flags = VIRTQ_NET_HDR_F_NEEDS_CSUM;
	h.gso_type = VIRTQ_NET_HDR_GSO_TCPV4;
	h.gso_size = htole16(100);
	h.hdr_len = htole16(54);
	h.csum_start = htole16(34);
	h.csum_offset = htole16(16);
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 1);
	assert_memory_equal(d->fp.cap[0], &h, VIRTQ_NET_HDR_LEN);
	dut_free(d);
}

/*
 * What the switch sees is the header we checked: flags meaningless on
 * transmit and num_buffers are cleared on the way, the frame is untouched.
 */
static void test_tx_header_normalised(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain(), want = hdr_plain();
	uint8_t frame[64];

	(void)state;
	fill_frame(frame, sizeof(frame), 11);
	h.flags = VIRTQ_NET_HDR_F_DATA_VALID;
	h.num_buffers = htole16(5);
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 1);
	assert_memory_equal(d->fp.cap[0], &want, VIRTQ_NET_HDR_LEN);
	assert_memory_equal(d->fp.cap[0] + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	dut_free(d);
}

/*
 * Malformed frames are dropped and counted, and their chains still go
 * back to the guest; the frame after them is sent.
 */
static void test_tx_bad_frames_dropped_elements_returned(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain(), gso = hdr_plain(), csum = hdr_plain();
	uint8_t frame[80], *tiny = g_alloc(&d->g, 8), *big;
	struct seg s = { tiny, 8, false };
	uint32_t id, len;
	int n = 0;

	(void)state;
	fill_frame(frame, sizeof(frame), 4);
	drv_add(&d->g, &d->g.ring[1], &s, 1);		/* shorter than a header */
	gso.gso_type = VIRTQ_NET_HDR_GSO_TCPV4;		/* HOST_TSO4 not negotiated */
	gso.gso_size = htole16(1000);
	guest_tx(d, &gso, frame, sizeof(frame));
	csum.flags = VIRTQ_NET_HDR_F_NEEDS_CSUM;	/* CSUM not negotiated */
	guest_tx(d, &csum, frame, sizeof(frame));
	guest_tx(d, &h, frame, 10);			/* runt: no Ethernet header */
	/* Longer than 64 slots of 2048 bytes can hold. */
	big = g_alloc(&d->g, 140000);
	memset(big, 0, VIRTQ_NET_HDR_LEN);
	s.p = big;
	s.len = 140000;
	drv_add(&d->g, &d->g.ring[1], &s, 1);
	guest_tx(d, &h, frame, sizeof(frame));		/* a good one */
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);

	assert_int_equal(d->fp.ncap, 1);
	assert_memory_equal(d->fp.cap[0] + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	assert_int_equal(d->net.stats.tx_drop_bad, 5);
	while (drv_used(&d->g.ring[1], &id, &len))
		n++;
	assert_int_equal(n, 6);
	assert_null(vhu_net_broken(&d->net));
	dut_free(d);
}

/* A congested port: frames wait in the guest's ring, then go in order. */
static void test_tx_port_full_waits(void **state)
{
	struct dut *d = dut_new(0, 8, 2048, 64);	/* 7 usable slots */
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[64];
	uint32_t id, len;
	int n = 0;

	(void)state;
	d->fp.tx_stuck = true;
	for (uint8_t i = 0; i < 10; i++) {
		fill_frame(frame, sizeof(frame), i);
		guest_tx(d, &h, frame, sizeof(frame));
	}
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	while (drv_used(&d->g.ring[1], &id, &len))
		n++;
	assert_int_equal(n, 7);
	assert_int_equal(d->net.stats.tx_stalls, 1);
	assert_int_equal(d->fp.ncap, 0);

	/* Room again: the port fd turns writable and the rest follows. */
	d->fp.tx_stuck = false;
	vhu_net_poll(&d->net);
	vhu_net_poll(&d->net);
	while (drv_used(&d->g.ring[1], &id, &len))
		n++;
	assert_int_equal(n, 10);
	assert_int_equal(d->fp.ncap, 10);
	for (uint8_t i = 0; i < 10; i++) {
		fill_frame(frame, sizeof(frame), i);
		assert_memory_equal(d->fp.cap[i] + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	}
	assert_int_equal(d->net.stats.tx_pkts, 10);
	dut_free(d);
}

/* Does the guest see kicks asked for on TX ring 1? (no EVENT_IDX here) */
static bool tx_kicks_wanted(const struct dut *d)
{
	return !(d->g.ring[1].used->flags & VIRTQ_USED_F_NO_NOTIFY);
}

/* @n 60-byte frames, sent with one kick and taken in one poll. */
static void tx_burst_kicked(struct dut *d, unsigned int n)
{
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[60];

	for (unsigned int i = 0; i < n; i++) {
		fill_frame(frame, sizeof(frame), (uint8_t)i);
		guest_tx(d, &h, frame, sizeof(frame));
	}
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
}

/*
 * TX coalescing: a run of a full burst leaves kicks off and the device
 * asks to be called again after coalesce_ms; a quieter run re-arms kicks.
 * Without it (the default), every run re-arms them.
 */
static void test_tx_coalescing(void **state)
{
	struct virtq_net_hdr h = hdr_plain();
	struct vhu_net_config bad = { .name = "bad", .queue_pairs = 1,
				      .coalesce_ms = VHU_NET_COALESCE_MAX_MS + 1 };
	struct vhu_net net;
	struct vhu_err err;
	uint8_t frame[60];
	uint32_t id, len;
	struct dut *d;
	int n = 0;

	(void)state;
	d = dut_new(0, 256, 2048, 256);
	tx_burst_kicked(d, VHU_NET_COALESCE_MIN);
	assert_int_equal(d->fp.ncap, VHU_NET_COALESCE_MIN);
	assert_true(tx_kicks_wanted(d));
	assert_int_equal(vhu_net_timeout_ms(&d->net), -1);
	assert_int_equal(d->net.stats.tx_naps, 0);
	dut_free(d);

	/* A value out of range is refused, naming it. */
	assert_int_equal(vhu_net_init(&net, &bad, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "coalescing"));

	dut_coalesce_ms = 3;
	d = dut_new(0, 256, 2048, 256);
	tx_burst_kicked(d, VHU_NET_COALESCE_MIN);
	assert_int_equal(d->fp.ncap, VHU_NET_COALESCE_MIN);
	/* Busy: no kicks wanted, called again within 3 ms. */
	assert_false(tx_kicks_wanted(d));
	assert_int_equal(vhu_net_timeout_ms(&d->net), 3);
	assert_int_equal(d->net.stats.tx_naps, 1);
	while (drv_used(&d->g.ring[1], &id, &len))
		n++;
	assert_int_equal(n, VHU_NET_COALESCE_MIN);

	/* The guest adds chains without kicking; the next call takes them. */
	for (uint8_t i = 0; i < 5; i++) {
		fill_frame(frame, sizeof(frame), (uint8_t)(100 + i));
		guest_tx(d, &h, frame, sizeof(frame));
	}
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, VHU_NET_COALESCE_MIN + 5);
	fill_frame(frame, sizeof(frame), 104);
	assert_memory_equal(d->fp.cap[VHU_NET_COALESCE_MIN + 4] + VIRTQ_NET_HDR_LEN,
			    frame, sizeof(frame));
	/* Quiet again: kicks are back on and nothing is timed. */
	assert_true(tx_kicks_wanted(d));
	assert_int_equal(vhu_net_timeout_ms(&d->net), -1);
	assert_int_equal(d->net.stats.tx_naps, 1);

	/* A ring stopped while napping leaves nothing timed behind. */
	tx_burst_kicked(d, VHU_NET_COALESCE_MIN);
	assert_int_equal(vhu_net_timeout_ms(&d->net), 3);
	fe_stop_ring(d, 1);
	assert_int_equal(vhu_net_timeout_ms(&d->net), -1);
	dut_coalesce_ms = 0;
	dut_free(d);
}

/* GET_VRING_BASE reports the position the datapath reached. */
static void test_stop_reports_position(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[64];

	(void)state;
	fill_frame(frame, sizeof(frame), 9);
	for (int i = 0; i < 3; i++)
		guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	assert_int_equal(fe_stop_ring(d, 1), 3);
	assert_int_equal(fe_stop_ring(d, 0), 0);
	/* Stopped: a kick does nothing now. */
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 3);
	dut_free(d);
}

/*
 * A front-end that reconnects under a running queue and says base 0 (DPDK
 * virtio_user does): the device resumes from the used index in guest
 * memory instead of breaking the ring.
 */
static void test_restart_with_stale_base_resumes_from_used(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct drv_ring *r = &d->g.ring[1];
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[64];
	uint32_t id, len;
	int n = 0;

	(void)state;
	fe_stop_ring(d, 1);
	/* Where a previous back-end left this queue. */
	r->avail_idx = r->used_seen = 1000;
	r->used->idx = htole16(1000);
	r->avail->idx = htole16(1000);
	fill_frame(frame, sizeof(frame), 12);
	for (int i = 0; i < 3; i++)
		guest_tx(d, &h, frame, sizeof(frame));
	fe_start_ring(d, 1);		/* base 0 */
	drv_kick(r);
	vhu_net_poll(&d->net);
	assert_null(vhu_net_broken(&d->net));
	assert_int_equal(d->fp.ncap, 3);
	while (drv_used(r, &id, &len))
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(fe_stop_ring(d, 1), 1003);
	dut_free(d);
}

/* ------------------------------------------------------------------ */
/* RX: port -> guest.                                                   */

static void test_rx_frame_reaches_guest(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain(), got;
	uint8_t frame[100], *b;
	uint32_t id, len;

	(void)state;
	fill_frame(frame, sizeof(frame), 5);
	b = guest_rx_buf(d, 1526);
	drv_kick(&d->g.ring[0]);
	vhu_net_poll(&d->net);

	fp_rx_put(&d->fp, 0, &h, frame, sizeof(frame));
	vhu_net_poll(&d->net);
	assert_true(drv_used(&d->g.ring[0], &id, &len));
	assert_int_equal(len, VIRTQ_NET_HDR_LEN + sizeof(frame));
	memcpy(&got, b, sizeof(got));
	assert_int_equal(got.flags, 0);
	assert_int_equal(got.gso_type, 0);
	assert_int_equal(le16toh(got.num_buffers), 1);
	assert_memory_equal(b + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	assert_true(fired(d->g.ring[0].call));
	/* The slot went back to the port. */
	assert_int_equal(fp_rx_pending(&d->fp, 0), 0);
	assert_int_equal(d->net.stats.rx_pkts, 1);
	dut_free(d);
}

/*
 * A frame over three port slots (MOREFRAG) into mergeable buffers of 1 KiB:
 * num_buffers says how many it took.
 */
static void test_rx_multislot_into_mergeable(void **state)
{
	struct dut *d = dut_new(VHU_BIT(VHU_F_NET_MRG_RXBUF), 256, 1024, 64);
	struct virtq_net_hdr h = hdr_plain(), got;
	uint8_t frame[2500], out[3 * 1024], *b[4];
	uint32_t id, len, total = 0;
	int n = 0;

	(void)state;
	fill_frame(frame, sizeof(frame), 6);
	for (int i = 0; i < 4; i++)
		b[i] = guest_rx_buf(d, 1024);
	fp_rx_put(&d->fp, 0, &h, frame, sizeof(frame));
	vhu_net_poll(&d->net);

	while (drv_used(&d->g.ring[0], &id, &len)) {
		assert_true(n < 3);
		memcpy(out + total, b[n], len);
		total += len;
		n++;
	}
	assert_int_equal(n, 3);
	assert_int_equal(total, VIRTQ_NET_HDR_LEN + sizeof(frame));
	memcpy(&got, out, sizeof(got));
	assert_int_equal(le16toh(got.num_buffers), 3);
	assert_memory_equal(out + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	dut_free(d);
}

/* Without MRG_RXBUF a frame larger than the buffer is dropped, not stuck. */
static void test_rx_too_big_for_buffer_dropped(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t big[1500], small[60];
	uint32_t id, len;

	(void)state;
	fill_frame(big, sizeof(big), 1);
	fill_frame(small, sizeof(small), 2);
	guest_rx_buf(d, 512);
	fp_rx_put(&d->fp, 0, &h, big, sizeof(big));
	fp_rx_put(&d->fp, 0, &h, small, sizeof(small));
	vhu_net_poll(&d->net);
	assert_int_equal(d->net.stats.rx_drop_size, 1);
	assert_true(drv_used(&d->g.ring[0], &id, &len));
	assert_int_equal(len, VIRTQ_NET_HDR_LEN + sizeof(small));
	assert_int_equal(fp_rx_pending(&d->fp, 0), 0);
	dut_free(d);
}

/* Ethernet + IPv4 + UDP with a partial checksum, as Linux leaves it for NEEDS_CSUM. */
#define UDP_FRAME_LEN	(14 + 20 + 8 + 31)

static uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	/* Deliberately the plain textbook loop, independent of vhu_csum.c. */
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t udp_pseudo(const uint8_t *f)
{
	uint8_t ph[12];

	memcpy(ph, f + 26, 8);		/* source and destination address */
	ph[8] = 0;
	ph[9] = 17;
	ph[10] = 0;
	ph[11] = UDP_FRAME_LEN - 34;
	return ref_sum(ph, sizeof(ph), 0);
}

static void build_udp(uint8_t *f, struct virtq_net_hdr *h)
{
	uint16_t partial;

	fill_frame(f, UDP_FRAME_LEN, 7);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(f + 14, 0, 20);
	f[14] = 0x45;
	f[17] = UDP_FRAME_LEN - 14;
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	f[34] = 0x30; f[35] = 0x39;	/* ports 12345 -> 80 */
	f[36] = 0x00; f[37] = 0x50;
	f[38] = 0;
	f[39] = UDP_FRAME_LEN - 34;
	partial = (uint16_t)udp_pseudo(f);
	f[40] = (uint8_t)(partial >> 8);
	f[41] = (uint8_t)partial;

	*h = hdr_plain();
	h->flags = VIRTQ_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = htole16(34);
	h->csum_offset = htole16(6);
}

static void test_rx_needs_csum_completed_for_plain_guest(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h, got;
	uint8_t f[UDP_FRAME_LEN], *b;
	uint32_t id, len;
	uint16_t sum;

	(void)state;
	build_udp(f, &h);
	b = guest_rx_buf(d, 1526);
	fp_rx_put(&d->fp, 0, &h, f, sizeof(f));
	vhu_net_poll(&d->net);

	assert_true(drv_used(&d->g.ring[0], &id, &len));
	assert_int_equal(len, VIRTQ_NET_HDR_LEN + sizeof(f));
	memcpy(&got, b, sizeof(got));
	/* A guest without GUEST_CSUM must see flags 0 ... */
	assert_int_equal(got.flags, 0);
	/* ... and a checksum that verifies: pseudo-header + segment sums to all ones. */
	sum = ref_sum(b + VIRTQ_NET_HDR_LEN + 34, UDP_FRAME_LEN - 34,
		      udp_pseudo(b + VIRTQ_NET_HDR_LEN));
	assert_int_equal(sum, 0xffff);
	assert_int_not_equal(b[VIRTQ_NET_HDR_LEN + 40] | b[VIRTQ_NET_HDR_LEN + 41], 0);
	/* Nothing but the checksum field changed. */
	assert_memory_equal(b + VIRTQ_NET_HDR_LEN, f, 40);
	assert_memory_equal(b + VIRTQ_NET_HDR_LEN + 42, f + 42, UDP_FRAME_LEN - 42);
	assert_int_equal(d->net.stats.rx_csum, 1);
	dut_free(d);
}

/* A guest with GUEST_CSUM gets the partial checksum as it is. */
/*
 * The same over port slots of 80 bytes: a frame in two slots whose
 * checksum is to be completed is gathered first (the sum spans them all),
 * and the guest gets the whole frame, completed.
 */
static void test_rx_multislot_csum_completed(void **state)
{
	struct dut *d = dut_new(0, 256, 80, 64);
	struct virtq_net_hdr h, got;
	uint8_t f[UDP_FRAME_LEN], *b;
	uint32_t id, len;

	(void)state;
	build_udp(f, &h);
	b = guest_rx_buf(d, 1526);
	fp_rx_put(&d->fp, 0, &h, f, sizeof(f));
	/* 12 + 73 bytes over 80-byte slots. */
	assert_int_equal(d->fp.p.rx[0]->tail, 2);
	vhu_net_poll(&d->net);

	assert_true(drv_used(&d->g.ring[0], &id, &len));
	assert_int_equal(len, VIRTQ_NET_HDR_LEN + sizeof(f));
	memcpy(&got, b, sizeof(got));
	assert_int_equal(got.flags, 0);
	assert_int_equal(ref_sum(b + VIRTQ_NET_HDR_LEN + 34, UDP_FRAME_LEN - 34,
				 udp_pseudo(b + VIRTQ_NET_HDR_LEN)), 0xffff);
	assert_memory_equal(b + VIRTQ_NET_HDR_LEN + 42, f + 42, UDP_FRAME_LEN - 42);
	assert_int_equal(d->net.stats.rx_csum, 1);
	dut_free(d);
}

static void test_rx_needs_csum_passed_to_csum_guest(void **state)
{
	struct dut *d = dut_new(VHU_BIT(VHU_F_NET_GUEST_CSUM), 256, 2048, 64);
	struct virtq_net_hdr h, got;
	uint8_t f[UDP_FRAME_LEN], *b;
	uint32_t id, len;

	(void)state;
	build_udp(f, &h);
	b = guest_rx_buf(d, 1526);
	fp_rx_put(&d->fp, 0, &h, f, sizeof(f));
	vhu_net_poll(&d->net);
	assert_true(drv_used(&d->g.ring[0], &id, &len));
	memcpy(&got, b, sizeof(got));
	assert_int_equal(got.flags, VIRTQ_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(le16toh(got.csum_start), 34);
	assert_int_equal(le16toh(got.csum_offset), 6);
	assert_memory_equal(b + VIRTQ_NET_HDR_LEN, f, sizeof(f));
	assert_int_equal(d->net.stats.rx_csum, 0);
	dut_free(d);
}

/* Checksum completion survives a wait for buffers (no double completion). */
static void test_rx_csum_then_no_buffers_then_retry(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h;
	uint8_t f[UDP_FRAME_LEN], *b;
	uint32_t id, len;

	(void)state;
	build_udp(f, &h);
	fp_rx_put(&d->fp, 0, &h, f, sizeof(f));
	vhu_net_poll(&d->net);
	assert_int_equal(fp_rx_pending(&d->fp, 0), 1);
	b = guest_rx_buf(d, 1526);
	drv_kick(&d->g.ring[0]);
	vhu_net_poll(&d->net);
	assert_true(drv_used(&d->g.ring[0], &id, &len));
	assert_int_equal(ref_sum(b + VIRTQ_NET_HDR_LEN + 34, UDP_FRAME_LEN - 34,
				 udp_pseudo(b + VIRTQ_NET_HDR_LEN)), 0xffff);
	dut_free(d);
}

static void put_gso_frame(struct dut *d, uint8_t type)
{
	struct virtq_net_hdr h = hdr_plain();
	uint8_t f[300];

	fill_frame(f, sizeof(f), 8);
	h.flags = VIRTQ_NET_HDR_F_NEEDS_CSUM;
	h.gso_type = type;
	h.gso_size = htole16(100);
	h.hdr_len = htole16(54);
	h.csum_start = htole16(34);
	h.csum_offset = htole16(16);
	fp_rx_put(&d->fp, 0, &h, f, sizeof(f));
}

static void test_rx_gso_dropped_for_guest_without_tso(void **state)
{
	struct dut *d = dut_new(VHU_BIT(VHU_F_NET_GUEST_CSUM), 256, 2048, 64);
	uint8_t frame[60];
	struct virtq_net_hdr h = hdr_plain();
	uint32_t id, len;

	(void)state;
	guest_rx_buf(d, 1526);
	put_gso_frame(d, VIRTQ_NET_HDR_GSO_TCPV4);
	put_gso_frame(d, VIRTQ_NET_HDR_GSO_TCPV6);
	put_gso_frame(d, VIRTQ_NET_HDR_GSO_UDP);
	fill_frame(frame, sizeof(frame), 3);
	fp_rx_put(&d->fp, 0, &h, frame, sizeof(frame));
	vhu_net_poll(&d->net);
	assert_int_equal(d->net.stats.rx_drop_gso, 3);
	/* The dropped frames left the port ring and used no guest buffer. */
	assert_int_equal(fp_rx_pending(&d->fp, 0), 0);
	assert_true(drv_used(&d->g.ring[0], &id, &len));
	assert_int_equal(len, VIRTQ_NET_HDR_LEN + sizeof(frame));
	assert_false(drv_used(&d->g.ring[0], &id, &len));
	dut_free(d);
}

static void test_rx_gso_delivered_to_tso_guest(void **state)
{
	struct dut *d = dut_new(VHU_BIT(VHU_F_NET_GUEST_CSUM) |
				VHU_BIT(VHU_F_NET_GUEST_TSO4), 256, 2048, 64);
	struct virtq_net_hdr got;
	uint8_t *b;
	uint32_t id, len;

	(void)state;
	b = guest_rx_buf(d, 1526);
	guest_rx_buf(d, 1526);
	put_gso_frame(d, VIRTQ_NET_HDR_GSO_TCPV4);
	put_gso_frame(d, VIRTQ_NET_HDR_GSO_TCPV6);	/* no TSO6 */
	vhu_net_poll(&d->net);
	assert_true(drv_used(&d->g.ring[0], &id, &len));
	memcpy(&got, b, sizeof(got));
	assert_int_equal(got.gso_type, VIRTQ_NET_HDR_GSO_TCPV4);
	assert_int_equal(le16toh(got.gso_size), 100);
	assert_false(drv_used(&d->g.ring[0], &id, &len));
	assert_int_equal(d->net.stats.rx_drop_gso, 1);
	dut_free(d);
}

/*
 * No guest buffers: the frames stay in the port ring (cur pushed to tail so
 * the fd does not spin), kicks are asked for, and the guest's kick after
 * adding buffers delivers them in order.
 */
static void test_rx_no_buffers_keeps_slots(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct netmap_ring *r = d->fp.p.rx[0];
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[70], *b[2];
	uint32_t id, len;

	(void)state;
	for (uint8_t i = 0; i < 2; i++) {
		fill_frame(frame, sizeof(frame), i);
		fp_rx_put(&d->fp, 0, &h, frame, sizeof(frame));
	}
	vhu_net_poll(&d->net);
	assert_int_equal(fp_rx_pending(&d->fp, 0), 2);
	assert_int_equal(r->cur, r->tail);
	assert_int_equal(d->net.stats.rx_stalls, 1);
	assert_int_equal(d->net.stats.rx_pkts, 0);
	/* The guest is asked to kick when it adds buffers. */
	assert_int_equal(le16toh(d->g.ring[0].used->flags) & VIRTQ_USED_F_NO_NOTIFY, 0);
	/* Nothing to do until it does. */
	assert_int_equal(vhu_net_timeout_ms(&d->net), -1);

	b[0] = guest_rx_buf(d, 1526);
	b[1] = guest_rx_buf(d, 1526);
	drv_kick(&d->g.ring[0]);
	vhu_net_poll(&d->net);
	for (uint8_t i = 0; i < 2; i++) {
		fill_frame(frame, sizeof(frame), i);
		assert_true(drv_used(&d->g.ring[0], &id, &len));
		assert_int_equal(len, VIRTQ_NET_HDR_LEN + sizeof(frame));
		assert_memory_equal(b[i] + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	}
	assert_int_equal(fp_rx_pending(&d->fp, 0), 0);
	dut_free(d);
}

/*
 * With coalescing, a guest out of RX buffers is not asked for a kick: the
 * device looks again after coalesce_ms and delivers what fits then.
 */
static void test_rx_no_buffers_coalesced(void **state)
{
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[70], *b[2];
	uint32_t id, len;
	struct dut *d;

	(void)state;
	dut_coalesce_ms = 2;
	d = dut_new(0, 256, 2048, 64);
	for (uint8_t i = 0; i < 2; i++) {
		fill_frame(frame, sizeof(frame), i);
		fp_rx_put(&d->fp, 0, &h, frame, sizeof(frame));
	}
	vhu_net_poll(&d->net);
	assert_int_equal(fp_rx_pending(&d->fp, 0), 2);
	assert_int_equal(d->net.stats.rx_stalls, 1);
	assert_int_equal(d->net.stats.rx_naps, 1);
	assert_int_not_equal(le16toh(d->g.ring[0].used->flags) & VIRTQ_USED_F_NO_NOTIFY, 0);
	assert_int_equal(vhu_net_timeout_ms(&d->net), 2);

	/* Buffers without a kick: the next call (after the nap) fills them. */
	b[0] = guest_rx_buf(d, 1526);
	b[1] = guest_rx_buf(d, 1526);
	vhu_net_poll(&d->net);
	for (uint8_t i = 0; i < 2; i++) {
		fill_frame(frame, sizeof(frame), i);
		assert_true(drv_used(&d->g.ring[0], &id, &len));
		assert_memory_equal(b[i] + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	}
	assert_int_equal(fp_rx_pending(&d->fp, 0), 0);
	assert_int_equal(d->net.stats.rx_naps, 1);
	assert_int_equal(vhu_net_timeout_ms(&d->net), -1);
	dut_coalesce_ms = 0;
	dut_free(d);
}

/* Before any front-end, port frames are dropped rather than kept forever. */
static void test_rx_without_frontend_dropped(void **state)
{
	struct fake_port fp;
	struct vhu_net *net = calloc(1, sizeof(*net));
	struct vhu_net_config cfg = { .name = "idle", .queue_pairs = 1 };
	struct virtq_net_hdr h = hdr_plain();
	struct vhu_err err;
	uint8_t frame[60];

	(void)state;
	assert_non_null(net);
	fp_init(&fp, 1, 64, 2048);
	assert_int_equal(vhu_net_init(net, &cfg, &fp.p, &err), 0);
	fill_frame(frame, sizeof(frame), 1);
	fp_rx_put(&fp, 0, &h, frame, sizeof(frame));
	vhu_net_poll(net);
	assert_int_equal(fp_rx_pending(&fp, 0), 0);
	assert_int_equal(net->stats.rx_drop_noqueue, 1);
	vhu_net_fini(net);
	fp_fini(&fp);
	free(net);
}

/* Two queue pairs: each guest queue has its own port ring, both ways. */
static void test_two_queue_pairs(void **state)
{
	struct dut *d = dut_new_qp(0, 64, 2048, 64, 2);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[64], *hb, *fb, *b;
	struct seg s[2];
	uint32_t id, len;

	(void)state;
	assert_int_equal(d->net.dev.nrings, 4);
	/* Guest TX on queue pair 1 (ring 3) -> port TX ring 1. */
	fill_frame(frame, sizeof(frame), 21);
	hb = g_alloc(&d->g, VIRTQ_NET_HDR_LEN);
	fb = g_alloc(&d->g, sizeof(frame));
	memcpy(hb, &h, sizeof(h));
	memcpy(fb, frame, sizeof(frame));
	s[0] = (struct seg){ hb, VIRTQ_NET_HDR_LEN, false };
	s[1] = (struct seg){ fb, sizeof(frame), false };
	drv_add(&d->g, &d->g.ring[3], s, 2);
	drv_kick(&d->g.ring[3]);
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 1);
	assert_int_equal(d->fp.p.tx[1]->head, 1);
	assert_int_equal(d->fp.p.tx[0]->head, 0);
	assert_true(drv_used(&d->g.ring[3], &id, &len));

	/* Port RX ring 1 -> guest RX on queue pair 1 (ring 2), not ring 0. */
	b = g_alloc(&d->g, 1526);
	s[0] = (struct seg){ b, 1526, true };
	drv_add(&d->g, &d->g.ring[2], s, 1);
	guest_rx_buf(d, 1526);				/* ring 0 has one too */
	fp_rx_put(&d->fp, 1, &h, frame, sizeof(frame));
	vhu_net_poll(&d->net);
	assert_true(drv_used(&d->g.ring[2], &id, &len));
	assert_memory_equal(b + VIRTQ_NET_HDR_LEN, frame, sizeof(frame));
	assert_false(drv_used(&d->g.ring[0], &id, &len));
	dut_free(d);
}

/* ------------------------------------------------------------------ */
/* Hostile guests.                                                      */

/*
 * A guest breaks its TX ring: that device stops (error fd signalled) and
 * keeps dropping its port frames; a second device carries on untouched.
 */
static void test_broken_ring_marks_only_that_device(void **state)
{
	struct dut *bad = dut_new(0, 256, 2048, 64);
	struct dut *good = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[64];
	uint8_t *tx;
	struct seg s;

	(void)state;
	fill_frame(frame, sizeof(frame), 1);
	/* A descriptor pointing outside guest memory. */
	tx = g_alloc(&bad->g, 100);
	s.p = tx;
	s.len = 100;
	s.write = false;
	drv_add(&bad->g, &bad->g.ring[1], &s, 1);
	bad->g.ring[1].desc[0].addr = htole64(GUEST_GPA + GUEST_SIZE + 4096);
	drv_kick(&bad->g.ring[1]);
	vhu_net_poll(&bad->net);
	assert_non_null(vhu_net_broken(&bad->net));
	assert_true(fired(bad->g.ring[1].err));

	/* The broken device ignores further kicks and drops port frames. */
	guest_tx(bad, &h, frame, sizeof(frame));
	drv_kick(&bad->g.ring[1]);
	guest_rx_buf(bad, 1526);
	fp_rx_put(&bad->fp, 0, &h, frame, sizeof(frame));
	vhu_net_poll(&bad->net);
	assert_int_equal(bad->fp.ncap, 0);
	assert_int_equal(fp_rx_pending(&bad->fp, 0), 0);
	assert_int_equal(bad->net.stats.rx_pkts, 0);

	/* The other device works both ways. */
	guest_tx(good, &h, frame, sizeof(frame));
	drv_kick(&good->g.ring[1]);
	guest_rx_buf(good, 1526);
	fp_rx_put(&good->fp, 0, &h, frame, sizeof(frame));
	vhu_net_poll(&good->net);
	assert_null(vhu_net_broken(&good->net));
	assert_int_equal(good->fp.ncap, 1);
	assert_int_equal(good->net.stats.rx_pkts, 1);

	/* The front-end resets the broken one: every ring stops, it is whole again. */
	fe_stop_ring(bad, 0);
	fe_stop_ring(bad, 1);
	assert_null(vhu_net_broken(&bad->net));
	dut_free(bad);
	dut_free(good);
}

/* Garbage in the rings, over and over: never a crash, never memory outside. */
static void test_hostile_rings_fuzz(void **state)
{
	struct dut *d = dut_new(VHU_BIT(VHU_F_NET_MRG_RXBUF) |
				VHU_BIT(VHU_F_RING_INDIRECT_DESC), 64, 2048, 16);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[200];
	unsigned int seed = 12345;

	(void)state;
	fill_frame(frame, sizeof(frame), 1);
	for (int round = 0; round < 300; round++) {
		for (int k = 0; k < 2; k++) {
			struct drv_ring *r = &d->g.ring[k];

			/*
			 * What a driver might leave behind (random lengths, chains,
			 * heads, a window of entries), and in one round of three a
			 * single field no correct driver writes.
			 */
			for (unsigned int i = 0; i < r->num; i++) {
				uint32_t x = (uint32_t)rand_r(&seed);

				r->desc[i].addr = htole64(GUEST_GPA + GUEST_BUFS + x % 0x10000);
				r->desc[i].len = htole32((uint32_t)rand_r(&seed) % 3000);
				r->desc[i].flags = htole16((uint16_t)((k == 0 ? VIRTQ_DESC_F_WRITE : 0) |
								      ((x >> 20) % 4 == 0 ?
								       VIRTQ_DESC_F_NEXT : 0)));
				r->desc[i].next = htole16((uint16_t)((i + 1) % r->num));
			}
			for (unsigned int i = 0; i < r->num; i++)
				r->avail->ring[i] = htole16((uint16_t)(rand_r(&seed) % r->num));
			r->avail->idx = htole16((uint16_t)(le16toh(r->used->idx) +
							   rand_r(&seed) % (r->num / 2)));
			r->avail->flags = htole16((uint16_t)(rand_r(&seed) & 1));
			if (rand_r(&seed) % 3 == 0) {
				uint32_t w = (uint32_t)rand_r(&seed);
				unsigned int i = w % r->num;

				switch ((w >> 8) % 6) {
				case 0:
					r->desc[i].addr = htole64((uint64_t)w << 24);
					break;
				case 1:
					r->desc[i].len = htole32(w | 0x80000000u);
					break;
				case 2:
					r->desc[i].flags = htole16((uint16_t)(w >> 16));
					break;
				case 3:
					r->desc[i].next = htole16((uint16_t)(w >> 16));
					break;
				case 4:
					r->avail->ring[i] = htole16((uint16_t)(w >> 16));
					break;
				default:
					r->avail->idx = htole16((uint16_t)(w >> 16));
					break;
				}
			}
			drv_kick(r);
		}
		if (fp_rx_pending(&d->fp, 0) < 32)
			fp_rx_put(&d->fp, 0, &h, frame, (size_t)(rand_r(&seed) % 200) + 1);
		vhu_net_poll(&d->net);
		vhu_net_poll(&d->net);
		if (vhu_net_broken(&d->net) != NULL || round % 50 == 49) {
			/* What a front-end does about it: reset the rings. */
			fe_stop_ring(d, 0);
			fe_stop_ring(d, 1);
			memset(d->g.ring[0].used, 0, 6 + 8 * 16);
			memset(d->g.ring[1].used, 0, 6 + 8 * 16);
			fe_start_ring(d, 0);
			fe_start_ring(d, 1);
		}
	}
	dut_free(d);
}

/*
 * Front-ends choose the notification fds. A call fd that is a full pipe
 * must not block the datapath; a kick fd at end of file (a pipe whose
 * writer is gone) must not make it spin: that ring is polled instead.
 */
static void test_hostile_notification_fds(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[64], junk[4096];
	int call[2], kick[2], fl;

	(void)state;
	fill_frame(frame, sizeof(frame), 13);
	memset(junk, 0, sizeof(junk));
	assert_int_equal(pipe2(call, O_CLOEXEC), 0);
	fl = fcntl(call[1], F_GETFL);
	assert_int_equal(fcntl(call[1], F_SETFL, fl | O_NONBLOCK), 0);
	while (write(call[1], junk, sizeof(junk)) > 0)
		;
	assert_int_equal(fcntl(call[1], F_SETFL, fl), 0);	/* full, and blocking */
	fe_vring_fd(d, VHU_REQ_SET_VRING_CALL, 1, call[1]);

	alarm(10);	/* a blocked write would hang here: fail instead */
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 1);

	/* A kick fd whose writer is gone: readable forever, read() gives 0. */
	assert_int_equal(pipe2(kick, O_CLOEXEC), 0);
	close(kick[1]);
	fe_vring_fd(d, VHU_REQ_SET_VRING_KICK, 1, kick[0]);
	vhu_net_poll(&d->net);
	vhu_net_poll(&d->net);
	assert_int_equal(vhu_net_timeout_ms(&d->net), 1);
	/* Polled, the ring still runs. */
	guest_tx(d, &h, frame, sizeof(frame));
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 2);
	alarm(0);
	close(call[0]);
	close(call[1]);
	close(kick[0]);
	dut_free(d);
}

/* ------------------------------------------------------------------ */
/* Announcements and the header policy on its own.                     */

static void test_rarp_from_frontend(void **state)
{
	struct dut *d = dut_new(VHU_BIT(VHU_F_PROTOCOL_FEATURES), 256, 2048, 64);
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint8_t *f, zero[VIRTQ_NET_HDR_LEN] = { 0 };
	uint64_t pf, v = 0;

	(void)state;
	fe_send(d, VHU_REQ_GET_PROTOCOL_FEATURES, NULL, 0, -1);
	fe_recv(d, &pf, sizeof(pf));
	assert_true(pf & VHU_BIT(VHU_PF_RARP));
	fe_u64(d, VHU_REQ_SET_PROTOCOL_FEATURES, VHU_BIT(VHU_PF_RARP));
	memcpy(&v, mac, 6);
	fe_u64(d, VHU_REQ_SEND_RARP, v);

	assert_int_equal(d->fp.ncap, 1);
	f = d->fp.cap[0];
	assert_int_equal(d->fp.cap_len[0], VIRTQ_NET_HDR_LEN + VHU_RARP_FRAME_LEN);
	assert_memory_equal(f, zero, VIRTQ_NET_HDR_LEN);
	f += VIRTQ_NET_HDR_LEN;
	assert_memory_equal(f, "\xff\xff\xff\xff\xff\xff", 6);
	assert_memory_equal(f + 6, mac, 6);
	assert_int_equal(f[12] << 8 | f[13], VHU_ETHERTYPE_RARP);
	assert_int_equal(f[20] << 8 | f[21], 3);	/* reverse request */
	assert_memory_equal(f + 22, mac, 6);		/* sender */
	assert_memory_equal(f + 32, mac, 6);		/* target */
	assert_int_equal(d->net.stats.announces, 1);
	dut_free(d);
}

/* With PROTOCOL_FEATURES rings start disabled: TX is consumed and dropped. */
static void test_disabled_ring_consumed_without_effect(void **state)
{
	struct dut *d = dut_new(VHU_BIT(VHU_F_PROTOCOL_FEATURES), 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	struct vhu_msg_vring_state en = { .index = 1, .num = 1 };
	uint8_t frame[60];
	uint32_t id, len;

	(void)state;
	fill_frame(frame, sizeof(frame), 1);
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	assert_true(drv_used(&d->g.ring[1], &id, &len));
	assert_int_equal(d->fp.ncap, 0);
	assert_int_equal(d->net.stats.tx_drop_disabled, 1);

	fe_send(d, VHU_REQ_SET_VRING_ENABLE, &en, sizeof(en), -1);
	guest_tx(d, &h, frame, sizeof(frame));
	drv_kick(&d->g.ring[1]);
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 1);
	dut_free(d);
}

static void poll_guarded(void *arg)
{
	vhu_net_poll(arg);
}

/*
 * A front-end that shrinks the memory it shares: the next access raises
 * SIGBUS. Under vhu_guard the call comes back instead, and the device
 * drops the front-end without touching its memory again.
 */
static void test_guest_memory_truncated(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint8_t frame[60];
	struct vhu_err err;

	(void)state;
	assert_int_equal(vhu_guard_install(&err), 0);
	fill_frame(frame, sizeof(frame), 2);
	guest_tx(d, &h, frame, sizeof(frame));
	assert_int_equal(ftruncate(d->g.memfd, 0), 0);
	drv_kick(&d->g.ring[1]);
	assert_int_equal(vhu_guard_call(poll_guarded, &d->net), -1);
	vhu_net_mem_fault(&d->net);
	assert_false(vhu_dev_connected(&d->net.dev));
	assert_int_equal(d->net.stats.mem_faults, 1);
	assert_int_equal(d->fp.ncap, 0);
	/* Nothing of the guest is mapped any more: polling is harmless. */
	assert_int_equal(vhu_guard_call(poll_guarded, &d->net), 0);
	dut_free(d);
}

/*
 * A kick fd that stays readable (a semaphore eventfd with a huge count)
 * would wake the loop forever: the ring is polled instead, and still runs.
 */
static void test_kick_fd_never_drains(void **state)
{
	struct dut *d = dut_new(0, 256, 2048, 64);
	struct virtq_net_hdr h = hdr_plain();
	uint64_t big = 1ULL << 62;
	uint8_t frame[60];
	int sem;

	(void)state;
	sem = eventfd(0, EFD_SEMAPHORE | EFD_CLOEXEC);
	assert_true(sem >= 0);
	fe_vring_fd(d, VHU_REQ_SET_VRING_KICK, 1, sem);
	assert_int_equal(write(sem, &big, sizeof(big)), (ssize_t)sizeof(big));
	/* A busy guest may look like that once; a semaphore every time. */
	vhu_net_poll(&d->net);
	assert_int_not_equal(d->net.rings[1].watched_fd, -1);
	for (int i = 0; i < 2 * VHU_NET_STICKY_KICKS && d->net.rings[1].watched_fd != -1; i++)
		vhu_net_poll(&d->net);
	assert_int_equal(d->net.rings[1].watched_fd, -1);
	assert_true(d->net.polled & (1u << 1));
	assert_int_equal(vhu_net_timeout_ms(&d->net), 1);
	/* Polled, the ring still carries frames, without any kick. */
	fill_frame(frame, sizeof(frame), 4);
	guest_tx(d, &h, frame, sizeof(frame));
	vhu_net_poll(&d->net);
	assert_int_equal(d->fp.ncap, 1);
	close(sem);
	dut_free(d);
}

static void test_nethdr_policy(void **state)
{
	uint8_t f[UDP_FRAME_LEN];
	struct virtq_net_hdr h;
	bool done;

	(void)state;
	/* TX: offsets outside the frame are malformed even when negotiated. */
	build_udp(f, &h);
	h.csum_offset = htole16(UDP_FRAME_LEN);
	assert_int_equal(vhu_nethdr_tx_check(&h, VHU_BIT(VHU_F_NET_CSUM), sizeof(f)),
			 VHU_NETHDR_BAD);
	/* TX: DATA_VALID means nothing on transmit and is cleared. */
	h = hdr_plain();
	h.flags = VIRTQ_NET_HDR_F_DATA_VALID;
	h.num_buffers = htole16(7);
	assert_int_equal(vhu_nethdr_tx_check(&h, 0, sizeof(f)), VHU_NETHDR_OK);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.num_buffers, 0);
	/* TX: GSO with a zero segment size. */
	h = hdr_plain();
	h.gso_type = VIRTQ_NET_HDR_GSO_TCPV6;
	assert_int_equal(vhu_nethdr_tx_check(&h, VHU_BIT(VHU_F_NET_HOST_TSO6), sizeof(f)),
			 VHU_NETHDR_BAD);
	/* RX: ECN needs GUEST_ECN. */
	h = hdr_plain();
	h.gso_type = VIRTQ_NET_HDR_GSO_TCPV4 | VIRTQ_NET_HDR_GSO_ECN;
	h.gso_size = htole16(1000);
	assert_int_equal(vhu_nethdr_rx_fixup(&h, VHU_BIT(VHU_F_NET_GUEST_TSO4), f,
					     sizeof(f), &done), VHU_NETHDR_NO_GSO);
	/* RX: DATA_VALID is dropped for a guest without GUEST_CSUM. */
	h = hdr_plain();
	h.flags = VIRTQ_NET_HDR_F_DATA_VALID;
	assert_int_equal(vhu_nethdr_rx_fixup(&h, 0, f, sizeof(f), &done), VHU_NETHDR_OK);
	assert_int_equal(h.flags, 0);
	assert_false(done);
	/* The checksum helper: RFC 1071's example words sum to 0xddf2. */
	{
		static const uint8_t w[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

		assert_int_equal(vhu_csum_fold(vhu_csum_add(0, w, sizeof(w))),
				 (uint16_t)~0xddf2);
	}
}

static void log_quiet(enum vhu_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)msg;
	(void)ctx;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_frame_arrives_byte_exact),
		cmocka_unit_test(test_features_after_rings),
		cmocka_unit_test(test_tx_multislot_frame),
		cmocka_unit_test(test_tx_offload_header_passes),
		cmocka_unit_test(test_tx_header_normalised),
		cmocka_unit_test(test_tx_bad_frames_dropped_elements_returned),
		cmocka_unit_test(test_tx_port_full_waits),
		cmocka_unit_test(test_tx_coalescing),
		cmocka_unit_test(test_stop_reports_position),
		cmocka_unit_test(test_restart_with_stale_base_resumes_from_used),
		cmocka_unit_test(test_rx_frame_reaches_guest),
		cmocka_unit_test(test_rx_multislot_into_mergeable),
		cmocka_unit_test(test_rx_too_big_for_buffer_dropped),
		cmocka_unit_test(test_rx_needs_csum_completed_for_plain_guest),
		cmocka_unit_test(test_rx_multislot_csum_completed),
		cmocka_unit_test(test_rx_needs_csum_passed_to_csum_guest),
		cmocka_unit_test(test_rx_csum_then_no_buffers_then_retry),
		cmocka_unit_test(test_rx_gso_dropped_for_guest_without_tso),
		cmocka_unit_test(test_rx_gso_delivered_to_tso_guest),
		cmocka_unit_test(test_rx_no_buffers_keeps_slots),
		cmocka_unit_test(test_rx_no_buffers_coalesced),
		cmocka_unit_test(test_rx_without_frontend_dropped),
		cmocka_unit_test(test_two_queue_pairs),
		cmocka_unit_test(test_broken_ring_marks_only_that_device),
		cmocka_unit_test(test_hostile_rings_fuzz),
		cmocka_unit_test(test_hostile_notification_fds),
		cmocka_unit_test(test_rarp_from_frontend),
		cmocka_unit_test(test_disabled_ring_consumed_without_effect),
		cmocka_unit_test(test_guest_memory_truncated),
		cmocka_unit_test(test_kick_fd_never_drains),
		cmocka_unit_test(test_nethdr_policy),
	};

	/* Quiet: the library logs every connect and every broken ring. */
	vhu_log_set_handler(log_quiet, NULL, VHU_LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
