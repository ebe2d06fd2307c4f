// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_vhu_dev.c - a vhost-user-net device driven by the test acting as
 * the front-end over a socketpair: the handshake QEMU performs (features,
 * protocol features with REPLY_ACK, memory table, every vring request,
 * GET_VRING_BASE), the ring-state callbacks the datapath relies on, live
 * migration's log, memory hot-plug, and hostile front-ends, each of which
 * must cost only its own connection. The sockets of both roles come last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/stat.h>

#include "vhu_test.h"
#include "vhu_dev.h"
#include "vhu_mem_table.h"
#include "vhu_sock.h"

#define PG		4096ull
#define RAM_SIZE	(1024 * 1024ull)
#define RAM_GPA		0x40000000ull
#define RAM_QVA		0x7f1200000000ull
#define QSIZE		256

/* Where ring i lives, as front-end addresses (guest RAM is identity-mapped). */
#define RING_DESC(i)	(RAM_QVA + 0x10000 * (uint64_t)(i) + 0x0000)
#define RING_AVAIL(i)	(RAM_QVA + 0x10000 * (uint64_t)(i) + 0x1000)
#define RING_USED(i)	(RAM_QVA + 0x10000 * (uint64_t)(i) + 0x2000)
#define RING_USED_GPA(i) (RAM_GPA + 0x10000 * (uint64_t)(i) + 0x2000)

/* What the datapath would see, recorded by the callbacks. */
static struct {
	int started[VHU_MAX_RINGS];
	int stopped[VHU_MAX_RINGS];
	int enabled_calls;
	int mem_changed;
	int rarp;
	uint8_t mac[6];
	int stop_base[VHU_MAX_RINGS];	/* >= 0: "datapath position" stored at stop */
	bool ptrs_ok_at_start;		/* ring pointers were set when started */
} cb;

static void on_started(struct vhu_dev *d, unsigned int idx)
{
	struct vhu_vring *r = &d->rings[idx];

	cb.started[idx]++;
	cb.ptrs_ok_at_start = r->desc != NULL && r->avail != NULL &&
			      r->used != NULL && r->num != 0 && r->started;
}

static void on_stopped(struct vhu_dev *d, unsigned int idx)
{
	cb.stopped[idx]++;
	assert_false(d->rings[idx].started);
	if (cb.stop_base[idx] >= 0)
		d->rings[idx].last_avail_idx = (uint16_t)cb.stop_base[idx];
}

static void on_enabled(struct vhu_dev *d, unsigned int idx, bool on)
{
	(void)d;
	(void)idx;
	(void)on;
	cb.enabled_calls++;
}

static void on_mem_changed(struct vhu_dev *d)
{
	(void)d;
	cb.mem_changed++;
	/* Every ring is stopped while memory changes. */
	for (unsigned int i = 0; i < d->nrings; i++)
		assert_false(d->rings[i].started);
}

static void on_rarp(struct vhu_dev *d, const uint8_t mac[6])
{
	(void)d;
	cb.rarp++;
	memcpy(cb.mac, mac, 6);
}

static const struct vhu_dev_ops ops = {
	.ring_started = on_started,
	.ring_stopped = on_stopped,
	.ring_enabled = on_enabled,
	.mem_changed = on_mem_changed,
	.send_rarp = on_rarp,
};

static struct vhu_dev dev;
static int fe = -1;		/* the test's end: the front-end */
static int ram = -1;		/* memfd of guest RAM */
static struct vhu_err err;

static void reset_cb(void)
{
	memset(&cb, 0, sizeof(cb));
	for (int i = 0; i < VHU_MAX_RINGS; i++)
		cb.stop_base[i] = -1;
}

/* A new front-end connection (the previous one, if any, is closed). */
static void connect_dev(void)
{
	int sv[2];

	if (fe >= 0)
		close(fe);
	fe = -1;
	test_socketpair(sv);
	assert_int_equal(vhu_dev_attach(&dev, sv[0], &err), 0);
	fe = sv[1];
}

static int setup_with(const struct vhu_dev_config *cfg)
{
	test_log_capture();
	reset_cb();
	assert_int_equal(vhu_dev_init(&dev, cfg, &err), 0);
	connect_dev();
	ram = test_memfd(RAM_SIZE);
	return 0;
}

static int setup(void **state)
{
	struct vhu_dev_config cfg;

	(void)state;
	vhu_dev_config_default(&cfg);
	cfg.name = "vm0";
	cfg.ops = &ops;
	return setup_with(&cfg);
}

static int teardown(void **state)
{
	(void)state;
	vhu_dev_fini(&dev);
	if (fe >= 0)
		close(fe);
	fe = -1;
	close(ram);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The fake front-end.                                                  */

static void fe_send(uint32_t req, uint32_t flags, const void *payload,
		    uint32_t size, const int *fds, unsigned int nfds)
{
	assert_int_equal(vhu_msg_send(fe, req, VHU_MSG_VERSION | flags, payload,
				      size, fds, nfds, &err), 0);
}

/* Send, let the device handle it, expect it to be fine. */
static void fe_do(uint32_t req, const void *payload, uint32_t size,
		  const int *fds, unsigned int nfds)
{
	enum vhu_dev_status st;

	fe_send(req, 0, payload, size, fds, nfds);
	st = vhu_dev_handle_readable(&dev);
	if (st != VHU_DEV_OK)
		fail_msg("%s: status %d: %s", vhu_msg_request_name(req), st,
			 vhu_dev_last_error(&dev));
}

static void fe_read_reply(uint32_t req, void *payload, uint32_t size)
{
	struct vhu_msg_hdr h;

	read_full(fe, &h, sizeof(h));
	assert_int_equal(h.request, req);
	assert_int_equal(h.flags, VHU_MSG_VERSION | VHU_MSG_F_REPLY);
	assert_int_equal(h.size, size);
	if (size > 0)
		read_full(fe, payload, size);
}

static uint64_t fe_get_u64(uint32_t req)
{
	uint64_t v;

	fe_do(req, NULL, 0, NULL, 0);
	fe_read_reply(req, &v, sizeof(v));
	return v;
}

static void fe_u64(uint32_t req, uint64_t v)
{
	fe_do(req, &v, sizeof(v), NULL, 0);
}

/* With need_reply: returns the REPLY_ACK status. */
static uint64_t fe_acked(uint32_t req, const void *payload, uint32_t size,
			 const int *fds, unsigned int nfds,
			 enum vhu_dev_status want)
{
	uint64_t v;

	fe_send(req, VHU_MSG_F_NEED_REPLY, payload, size, fds, nfds);
	assert_int_equal(vhu_dev_handle_readable(&dev), want);
	fe_read_reply(req, &v, sizeof(v));
	return v;
}

static void fe_state(uint32_t req, uint32_t idx, uint32_t num)
{
	struct vhu_msg_vring_state st = { idx, num };

	fe_do(req, &st, sizeof(st), NULL, 0);
}

static void fe_mem_table(int fd, uint64_t gpa, uint64_t size, uint64_t qva)
{
	struct vhu_msg_mem_table t = { .nregions = 1 };

	t.r[0] = (struct vhu_msg_region){ gpa, size, qva, 0 };
	assert_int_equal(fe_acked(VHU_REQ_SET_MEM_TABLE, &t, 8 + 32, &fd, 1,
				  VHU_DEV_OK), 0);
}

static void fe_ring_addr(uint32_t idx, uint32_t flags)
{
	struct vhu_msg_vring_addr a = {
		.index = idx, .flags = flags, .desc_qva = RING_DESC(idx),
		.used_qva = RING_USED(idx), .avail_qva = RING_AVAIL(idx),
		.log_gpa = RING_USED_GPA(idx),
	};

	fe_do(VHU_REQ_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
}

static int fe_vring_fd(uint32_t req, uint32_t idx)
{
	uint64_t v = idx;
	int efd = eventfd(0, EFD_CLOEXEC);

	assert_true(efd >= 0);
	fe_do(req, &v, sizeof(v), &efd, 1);
	close(efd);	/* the device has its own copy */
	return 0;
}

/* What QEMU sends before the first ring: features, owner, protocol, memory. */
static void fe_negotiate(uint64_t features)
{
	uint64_t offered = fe_get_u64(VHU_REQ_GET_FEATURES);

	assert_int_equal(offered & features, features);
	fe_do(VHU_REQ_SET_OWNER, NULL, 0, NULL, 0);
	if (features & VHU_BIT(VHU_F_PROTOCOL_FEATURES)) {
		uint64_t pf = fe_get_u64(VHU_REQ_GET_PROTOCOL_FEATURES);

		fe_u64(VHU_REQ_SET_PROTOCOL_FEATURES, pf);
	}
	assert_int_equal(fe_acked(VHU_REQ_SET_FEATURES, &features, 8, NULL, 0,
				  VHU_DEV_OK), 0);
	fe_mem_table(ram, RAM_GPA, RAM_SIZE, RAM_QVA);
}

/* Ring @idx set up the way QEMU's vhost_virtqueue_start does it. */
static void fe_ring(uint32_t idx, uint16_t base)
{
	fe_state(VHU_REQ_SET_VRING_NUM, idx, QSIZE);
	fe_state(VHU_REQ_SET_VRING_BASE, idx, base);
	fe_ring_addr(idx, 0);
	fe_vring_fd(VHU_REQ_SET_VRING_KICK, idx);
	fe_vring_fd(VHU_REQ_SET_VRING_CALL, idx);
}

#define NET_FEATURES							\
	(VHU_BIT(VHU_F_VERSION_1) | VHU_BIT(VHU_F_NET_MRG_RXBUF) |	\
	 VHU_BIT(VHU_F_RING_EVENT_IDX) | VHU_BIT(VHU_F_NET_CSUM) |	\
	 VHU_BIT(VHU_F_PROTOCOL_FEATURES))

/* Our pointer for front-end address @qva of guest RAM. */
static void *ram_ptr(uint64_t qva)
{
	return dev.mem.r[0].hva + (qva - RAM_QVA);
}

/* The device closed the connection because of a protocol error. */
static void expect_proto_error(const char *why)
{
	assert_contains(vhu_dev_last_error(&dev), why);
	assert_contains(test_last_log, "vm0: closing the connection");
	assert_contains(test_last_log, why);
	assert_false(vhu_dev_connected(&dev));
	assert_int_equal(vhu_dev_fd(&dev), -1);
	assert_true(peer_closed(fe));
	/* Reset: nothing of the old front-end remains. */
	assert_int_equal(dev.mem.nregions, 0);
	assert_null(dev.mem.log);
	assert_int_equal(dev.features, 0);
	assert_int_equal(dev.protocol_features, 0);
	for (unsigned int i = 0; i < VHU_MAX_RINGS; i++) {
		assert_false(dev.rings[i].started);
		assert_int_equal(dev.rings[i].kick_fd, -1);
		assert_int_equal(dev.rings[i].call_fd, -1);
		assert_int_equal(dev.rings[i].num, 0);
	}
	/* And the device does nothing more until a new front-end attaches. */
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_NOT_CONNECTED);
}

/* Send one bad request and expect the connection to be closed over it. */
static void hostile(uint32_t req, const void *payload, uint32_t size,
		    const int *fds, unsigned int nfds, const char *why)
{
	fe_send(req, 0, payload, size, fds, nfds);
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_PROTO_ERROR);
	expect_proto_error(why);
}

/* ------------------------------------------------------------------ */
/* The handshake.                                                       */

static void test_full_handshake(void **state)
{
	uint64_t features = NET_FEATURES | VHU_BIT(VHU_F_LOG_ALL);
	uint64_t v;
	struct vhu_msg_vring_state st;
	struct vhu_vring *r0 = &dev.rings[0], *r1 = &dev.rings[1];

	(void)state;
	v = fe_get_u64(VHU_REQ_GET_FEATURES);
	assert_int_equal(v, VHU_DEV_SUPPORTED_FEATURES);
	assert_true(v & VHU_BIT(VHU_F_VERSION_1));
	assert_true(v & VHU_BIT(VHU_F_PROTOCOL_FEATURES));
	assert_true(v & VHU_BIT(VHU_F_LOG_ALL));
	assert_true(v & VHU_BIT(VHU_F_NET_MQ));
	assert_false(v & VHU_BIT(34));		/* no packed rings */

	fe_do(VHU_REQ_SET_OWNER, NULL, 0, NULL, 0);
	assert_true(dev.owner);
	v = fe_get_u64(VHU_REQ_GET_PROTOCOL_FEATURES);
	assert_int_equal(v, VHU_DEV_SUPPORTED_PROTOCOL_FEATURES);
	assert_true(v & VHU_BIT(VHU_PF_REPLY_ACK));
	assert_true(v & VHU_BIT(VHU_PF_CONFIGURE_MEM_SLOTS));
	fe_u64(VHU_REQ_SET_PROTOCOL_FEATURES, v);
	assert_int_equal(dev.protocol_features, v);
	assert_int_equal(fe_get_u64(VHU_REQ_GET_QUEUE_NUM), 8);
	assert_int_equal(fe_get_u64(VHU_REQ_GET_MAX_MEM_SLOTS), VHU_MAX_MEM_REGIONS);

	assert_int_equal(fe_acked(VHU_REQ_SET_FEATURES, &features, 8, NULL, 0,
				  VHU_DEV_OK), 0);
	assert_int_equal(dev.features, features);
	assert_true(vhu_dev_has_feature(&dev, VHU_F_NET_MRG_RXBUF));

	fe_mem_table(ram, RAM_GPA, RAM_SIZE, RAM_QVA);
	assert_int_equal(dev.mem.nregions, 1);
	assert_int_equal(cb.mem_changed, 1);

	/* Ring 0 step by step: nothing starts before the kick. */
	fe_state(VHU_REQ_SET_VRING_NUM, 0, QSIZE);
	fe_state(VHU_REQ_SET_VRING_BASE, 0, 5);
	fe_ring_addr(0, VHU_VRING_F_LOG);
	fe_vring_fd(VHU_REQ_SET_VRING_CALL, 0);
	assert_false(r0->started);
	assert_int_equal(cb.started[0], 0);
	assert_int_equal(r0->num, QSIZE);
	assert_int_equal(r0->last_avail_idx, 5);
	assert_ptr_equal(r0->desc, ram_ptr(RING_DESC(0)));
	assert_ptr_equal(r0->avail, ram_ptr(RING_AVAIL(0)));
	assert_ptr_equal(r0->used, ram_ptr(RING_USED(0)));
	assert_int_equal(r0->used_gpa, RING_USED_GPA(0));
	assert_true(r0->log);
	assert_true(r0->call_fd >= 0);

	fe_vring_fd(VHU_REQ_SET_VRING_KICK, 0);
	assert_true(r0->started);
	assert_int_equal(cb.started[0], 1);
	assert_true(cb.ptrs_ok_at_start);
	assert_true(r0->kick_fd >= 0);
	assert_true(fcntl(r0->kick_fd, F_GETFD) & FD_CLOEXEC);
	/* PROTOCOL_FEATURES negotiated: started but disabled. */
	assert_false(r0->enabled);

	fe_ring(1, 7);
	assert_true(r1->started);
	assert_false(r1->log);

	assert_int_equal(fe_acked(VHU_REQ_SET_VRING_ENABLE,
				  &(struct vhu_msg_vring_state){ 0, 1 }, 8, NULL, 0,
				  VHU_DEV_OK), 0);
	fe_state(VHU_REQ_SET_VRING_ENABLE, 1, 1);
	assert_true(r0->enabled);
	assert_true(r1->enabled);
	assert_int_equal(cb.enabled_calls, 2);
	assert_false(dev.rings[2].enabled);

	/* The guest stops: the datapath had got to 42 on ring 0. */
	cb.stop_base[0] = 42;
	st = (struct vhu_msg_vring_state){ 0, 0 };
	fe_do(VHU_REQ_GET_VRING_BASE, &st, sizeof(st), NULL, 0);
	fe_read_reply(VHU_REQ_GET_VRING_BASE, &st, sizeof(st));
	assert_int_equal(st.index, 0);
	assert_int_equal(st.num, 42);
	assert_int_equal(cb.stopped[0], 1);
	assert_false(r0->started);
	assert_int_equal(r0->kick_fd, -1);
	assert_true(r0->call_fd >= 0);

	st = (struct vhu_msg_vring_state){ 1, 0 };
	fe_do(VHU_REQ_GET_VRING_BASE, &st, sizeof(st), NULL, 0);
	fe_read_reply(VHU_REQ_GET_VRING_BASE, &st, sizeof(st));
	assert_int_equal(st.index, 1);
	assert_int_equal(st.num, 7);
	assert_int_equal(cb.stopped[1], 1);

	/* And restarts where it stopped. */
	fe_ring(0, 42);
	assert_true(r0->started);
	assert_int_equal(cb.started[0], 2);
	assert_int_equal(r0->last_avail_idx, 42);
	assert_true(r0->enabled);	/* enable state survives a stop */
}

static void test_without_protocol_features_rings_are_enabled(void **state)
{
	uint64_t features = VHU_BIT(VHU_F_VERSION_1);

	(void)state;
	fe_negotiate(features);
	for (unsigned int i = 0; i < dev.nrings; i++)
		assert_true(dev.rings[i].enabled);
	assert_int_equal(cb.enabled_calls, (int)dev.nrings);
	fe_ring(0, 0);
	assert_true(dev.rings[0].started);
}

/* QEMU enables queue pairs as the driver sets them, before SET_FEATURES. */
static void test_enable_before_set_features(void **state)
{
	(void)state;
	fe_state(VHU_REQ_SET_VRING_ENABLE, 3, 1);
	assert_true(dev.rings[3].enabled);
	fe_negotiate(NET_FEATURES);
	assert_true(dev.rings[3].enabled);
	assert_false(dev.rings[2].enabled);
}

static void test_polling_kick_starts_ring(void **state)
{
	uint64_t v = 0 | VHU_MSG_VRING_NOFD;

	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_state(VHU_REQ_SET_VRING_NUM, 0, QSIZE);
	fe_ring_addr(0, 0);
	fe_do(VHU_REQ_SET_VRING_KICK, &v, 8, NULL, 0);
	assert_true(dev.rings[0].started);
	assert_true(dev.rings[0].kick_set);
	assert_int_equal(dev.rings[0].kick_fd, -1);
	/* The guest polls too: no call fd. */
	fe_do(VHU_REQ_SET_VRING_CALL, &v, 8, NULL, 0);
	assert_int_equal(dev.rings[0].call_fd, -1);
}

/* A kick before the addresses holds the ring back until they come. */
static void test_kick_before_addresses(void **state)
{
	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_state(VHU_REQ_SET_VRING_NUM, 2, QSIZE);
	fe_vring_fd(VHU_REQ_SET_VRING_KICK, 2);
	assert_false(dev.rings[2].started);
	fe_ring_addr(2, 0);
	assert_true(dev.rings[2].started);
	assert_int_equal(cb.started[2], 1);
	/* New addresses on a running ring: stopped around the change. */
	fe_ring_addr(2, VHU_VRING_F_LOG);
	assert_int_equal(cb.stopped[2], 1);
	assert_int_equal(cb.started[2], 2);
	assert_true(dev.rings[2].log);
}

/* ------------------------------------------------------------------ */
/* Memory changes on running rings.                                     */

static void test_mem_table_change_restarts_rings(void **state)
{
	int ram2 = test_memfd(RAM_SIZE);
	void *old_desc;

	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_ring(0, 0);
	fe_ring(1, 0);
	old_desc = dev.rings[0].desc;
	cb.stop_base[0] = 9;

	/* Hot-plug style: same layout, new backing. */
	fe_mem_table(ram2, RAM_GPA, RAM_SIZE, RAM_QVA);
	assert_int_equal(cb.mem_changed, 2);
	assert_int_equal(cb.stopped[0], 1);
	assert_int_equal(cb.started[0], 2);
	assert_int_equal(cb.stopped[1], 1);
	assert_int_equal(cb.started[1], 2);
	assert_true(dev.rings[0].started);
	assert_ptr_not_equal(dev.rings[0].desc, old_desc);
	assert_ptr_equal(dev.rings[0].desc, ram_ptr(RING_DESC(0)));
	/* The position the datapath stored at stop is kept. */
	assert_int_equal(dev.rings[0].last_avail_idx, 9);

	/* A table without the rings' memory: they cannot run. */
	fe_mem_table(ram2, 0, RAM_SIZE, 0x100000000ull);
	assert_false(dev.rings[0].started);
	assert_null(dev.rings[0].desc);
	assert_contains(test_last_log, "ring 1 cannot run");
	close(ram2);
}

static void test_add_and_remove_regions(void **state)
{
	int extra = test_memfd(2 * PG), p[2];
	struct vhu_msg_mem_reg reg = { 0 };

	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_ring(0, 0);

	/* Add a region elsewhere: rings restart around it. */
	reg.r = (struct vhu_msg_region){ 0x100000000ull, 2 * PG, 0x7f5500000000ull, 0 };
	assert_int_equal(fe_acked(VHU_REQ_ADD_MEM_REG, &reg, sizeof(reg), &extra, 1,
				  VHU_DEV_OK), 0);
	assert_int_equal(dev.mem.nregions, 2);
	assert_true(dev.rings[0].started);
	assert_int_equal(cb.started[0], 2);
	assert_non_null(vhu_mem_gpa(&dev.mem, 0x100000000ull, 2 * PG));

	/* Remove it, with the stray fd QEMU sends along: closed unused. */
	test_pipe(p);
	assert_int_equal(fe_acked(VHU_REQ_REM_MEM_REG, &reg, sizeof(reg), &p[1], 1,
				  VHU_DEV_OK), 0);
	close(p[1]);
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
	assert_int_equal(dev.mem.nregions, 1);
	assert_null(vhu_mem_gpa(&dev.mem, 0x100000000ull, 1));

	/* Remove the ring's own region: the ring stops; re-adding restarts it. */
	reg.r = (struct vhu_msg_region){ RAM_GPA, RAM_SIZE, RAM_QVA, 0 };
	fe_do(VHU_REQ_REM_MEM_REG, &reg, sizeof(reg), NULL, 0);
	assert_false(dev.rings[0].started);
	fe_do(VHU_REQ_ADD_MEM_REG, &reg, sizeof(reg), &ram, 1);
	assert_true(dev.rings[0].started);
	assert_ptr_equal(dev.rings[0].desc, ram_ptr(RING_DESC(0)));

	/* Removing what is not there is a protocol error. */
	reg.r.gpa = 0x999000;
	assert_int_equal(fe_acked(VHU_REQ_REM_MEM_REG, &reg, sizeof(reg), NULL, 0,
				  VHU_DEV_PROTO_ERROR), 1);
	expect_proto_error("REM_MEM_REG: no region with guest address 0x999000");
	close(extra);
}

/* ------------------------------------------------------------------ */
/* Migration.                                                           */

static void test_dirty_log(void **state)
{
	int logfd = test_memfd(PG), efd = eventfd(0, EFD_CLOEXEC);
	struct vhu_msg_log lg = { .size = 64, .offset = 0 };
	uint64_t features = NET_FEATURES;
	uint8_t byte;

	(void)state;
	fe_negotiate(features);
	fe_ring(0, 0);

	fe_do(VHU_REQ_SET_LOG_BASE, &lg, sizeof(lg), &logfd, 1);
	/* QEMU waits for an empty reply to SET_LOG_BASE. */
	fe_read_reply(VHU_REQ_SET_LOG_BASE, NULL, 0);
	assert_non_null(dev.mem.log);
	assert_int_equal(dev.mem.log_size, 64);
	assert_false(vhu_dev_logging(&dev));
	assert_true(dev.rings[0].started);

	/* LOG_ALL on a running ring: no restart. */
	features |= VHU_BIT(VHU_F_LOG_ALL);
	fe_u64(VHU_REQ_SET_FEATURES, features);
	assert_true(vhu_dev_logging(&dev));
	assert_int_equal(cb.started[0], 2);	/* once at start, once for the log */
	assert_int_equal(cb.stopped[0], 1);

	vhu_mem_log_write(&dev.mem, 5 * PG + 10, 1);
	assert_int_equal(pread(logfd, &byte, 1, 0), 1);
	assert_int_equal(byte, 1u << 5);

	fe_do(VHU_REQ_SET_LOG_FD, NULL, 0, &efd, 1);
	assert_true(dev.log_fd >= 0);

	/* After migration: the RARP for guests without GUEST_ANNOUNCE. */
	{
		uint8_t mac[8] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0xee, 0xee };

		fe_do(VHU_REQ_SEND_RARP, mac, 8, NULL, 0);
		assert_int_equal(cb.rarp, 1);
		assert_memory_equal(cb.mac, mac, 6);
		assert_memory_equal(dev.rarp_mac, mac, 6);
	}
	close(logfd);
	close(efd);
}

/* A change of anything but LOG_ALL restarts running rings. */
static void test_feature_change_restarts_rings(void **state)
{
	uint64_t features = NET_FEATURES;

	(void)state;
	fe_negotiate(features);
	fe_ring(0, 0);
	features &= ~VHU_BIT(VHU_F_NET_MRG_RXBUF);
	fe_u64(VHU_REQ_SET_FEATURES, features);
	assert_int_equal(cb.stopped[0], 1);
	assert_int_equal(cb.started[0], 2);
	assert_false(vhu_dev_has_feature(&dev, VHU_F_NET_MRG_RXBUF));
	/* The same features again change nothing. */
	fe_u64(VHU_REQ_SET_FEATURES, features);
	assert_int_equal(cb.stopped[0], 1);
}

static void test_mtu(void **state)
{
	uint64_t mtu = 1500;

	(void)state;
	fe_negotiate(NET_FEATURES);
	assert_int_equal(fe_acked(VHU_REQ_NET_SET_MTU, &mtu, 8, NULL, 0, VHU_DEV_OK), 0);
	assert_int_equal(dev.mtu, 1500);
	mtu = 9000;
	fe_u64(VHU_REQ_NET_SET_MTU, mtu);
	assert_int_equal(dev.mtu, 9000);
	/* Refused: the front-end hears "1", then the connection closes. */
	mtu = 10;
	assert_int_equal(fe_acked(VHU_REQ_NET_SET_MTU, &mtu, 8, NULL, 0,
				  VHU_DEV_PROTO_ERROR), 1);
	expect_proto_error("NET_SET_MTU: MTU 10 is outside 68..9000");
}

static void test_reset_owner_disables_rings(void **state)
{
	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_ring(0, 0);
	fe_state(VHU_REQ_SET_VRING_ENABLE, 0, 1);
	fe_do(VHU_REQ_RESET_OWNER, NULL, 0, NULL, 0);
	assert_false(dev.rings[0].enabled);
	/* Connection state is kept, as the specification recommends. */
	assert_true(dev.rings[0].started);
	assert_int_equal(dev.mem.nregions, 1);
}

static void test_many_messages_in_one_read(void **state)
{
	(void)state;
	for (int i = 0; i < 100; i++)
		fe_send(VHU_REQ_SET_OWNER, 0, NULL, 0, NULL, 0);
	/* A budget per call; the rest is handled on the next calls. */
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_OK);
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_OK);
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_OK);
	assert_true(dev.owner);
	assert_int_equal(dev.rx.got, 0);
}

/* ------------------------------------------------------------------ */
/* Hostile front-ends.                                                  */

static void test_ring_index_out_of_range(void **state)
{
	struct vhu_msg_vring_state st = { 16, QSIZE };	/* 8 pairs: rings 0..15 */

	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_ring(0, 0);
	hostile(VHU_REQ_SET_VRING_NUM, &st, 8, NULL, 0,
		"SET_VRING_NUM: ring 16 out of range (the device has 16 rings)");
	/* The running ring was stopped for the datapath before the reset. */
	assert_int_equal(cb.stopped[0], 1);
	assert_int_equal(cb.mem_changed, 2);
}

static void test_ring_index_out_of_range_fd_closed(void **state)
{
	uint64_t v = 200;
	int p[2];

	(void)state;
	test_pipe(p);
	hostile(VHU_REQ_SET_VRING_KICK, &v, 8, &p[1], 1, "ring 200 out of range");
	close(p[1]);
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
}

static void test_ring_fds_closed_on_reset(void **state)
{
	uint64_t v = 0;
	int p[2];
	struct vhu_msg_vring_state st = { 0, 3 };

	(void)state;
	test_pipe(p);
	fe_negotiate(NET_FEATURES);
	fe_do(VHU_REQ_SET_VRING_CALL, &v, 8, &p[1], 1);
	v = 1;
	fe_do(VHU_REQ_SET_VRING_ERR, &v, 8, &p[1], 1);
	close(p[1]);
	assert_false(pipe_writers_gone(p[0]));	/* the device holds them */
	hostile(VHU_REQ_SET_VRING_ENABLE, &st, 8, NULL, 0,
		"ring 0: enable value 3 is neither 0 nor 1");
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
}

static void test_addr_not_in_memory(void **state)
{
	struct vhu_msg_vring_addr a = {
		.index = 0, .desc_qva = RING_DESC(0), .avail_qva = RING_AVAIL(0),
		.used_qva = RAM_QVA + RAM_SIZE - 8,	/* runs off the end */
	};

	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_state(VHU_REQ_SET_VRING_NUM, 0, QSIZE);
	hostile(VHU_REQ_SET_VRING_ADDR, &a, sizeof(a), NULL, 0,
		"SET_VRING_ADDR: ring 0: used ring at user address");
	assert_contains(vhu_dev_last_error(&dev), "not in guest memory");
}

static void test_addr_misaligned(void **state)
{
	struct vhu_msg_vring_addr a = {
		.index = 1, .desc_qva = RING_DESC(1) + 8, .avail_qva = RING_AVAIL(1),
		.used_qva = RING_USED(1),
	};

	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_state(VHU_REQ_SET_VRING_NUM, 1, QSIZE);
	hostile(VHU_REQ_SET_VRING_ADDR, &a, sizeof(a), NULL, 0,
		"descriptor table at user address");
	assert_contains(vhu_dev_last_error(&dev), "is not 16-byte aligned");
}

static void test_addr_before_num(void **state)
{
	struct vhu_msg_vring_addr a = { .index = 0 };

	(void)state;
	fe_negotiate(NET_FEATURES);
	hostile(VHU_REQ_SET_VRING_ADDR, &a, sizeof(a), NULL, 0,
		"ring 0: addresses before SET_VRING_NUM");
}

static void test_addr_unknown_flags(void **state)
{
	struct vhu_msg_vring_addr a = { .index = 0, .flags = 0x6 };

	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_state(VHU_REQ_SET_VRING_NUM, 0, QSIZE);
	hostile(VHU_REQ_SET_VRING_ADDR, &a, sizeof(a), NULL, 0,
		"ring 0: unknown flags 0x6");
}

static void test_bad_ring_sizes(void **state)
{
	static const uint32_t bad[] = { 0, 1000, 65536, 0x80000000u, 3 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vhu_msg_vring_state st = { 0, bad[i] };

		hostile(VHU_REQ_SET_VRING_NUM, &st, 8, NULL, 0,
			"is not a power of two in 1..32768");
		connect_dev();
	}
	/* The extremes that are fine. */
	fe_state(VHU_REQ_SET_VRING_NUM, 0, 1);
	fe_state(VHU_REQ_SET_VRING_NUM, 0, 32768);
	assert_int_equal(dev.rings[0].num, 32768);
}

static void test_bad_ring_base(void **state)
{
	struct vhu_msg_vring_state st = { 0, 0x10000 };

	(void)state;
	hostile(VHU_REQ_SET_VRING_BASE, &st, 8, NULL, 0,
		"ring 0: base 65536 does not fit a 16-bit ring index");
}

static void test_unoffered_features(void **state)
{
	uint64_t v = VHU_BIT(VHU_F_VERSION_1) | VHU_BIT(34);	/* RING_PACKED */

	(void)state;
	hostile(VHU_REQ_SET_FEATURES, &v, 8, NULL, 0,
		"SET_FEATURES: bits 0x400000000 were not offered");
	connect_dev();
	v = VHU_BIT(9);		/* CONFIG */
	hostile(VHU_REQ_SET_PROTOCOL_FEATURES, &v, 8, NULL, 0,
		"SET_PROTOCOL_FEATURES: bits 0x200 were not offered");
}

static void test_gated_requests(void **state)
{
	struct vhu_msg_mem_reg reg = { 0 };
	struct vhu_msg_log lg = { 64, 0 };
	uint64_t mac = 0, mtu = 1500;

	(void)state;
	/* Protocol features offered but not negotiated (SET_PROTOCOL_FEATURES 0). */
	fe_u64(VHU_REQ_SET_PROTOCOL_FEATURES, 0);
	hostile(VHU_REQ_ADD_MEM_REG, &reg, sizeof(reg), &ram, 1,
		"ADD_MEM_REG: protocol feature CONFIGURE_MEM_SLOTS was not negotiated");
	connect_dev();
	hostile(VHU_REQ_SET_LOG_BASE, &lg, sizeof(lg), &ram, 1,
		"SET_LOG_BASE: protocol feature LOG_SHMFD was not negotiated");
	connect_dev();
	hostile(VHU_REQ_SEND_RARP, &mac, 8, NULL, 0, "protocol feature RARP");
	connect_dev();
	hostile(VHU_REQ_NET_SET_MTU, &mtu, 8, NULL, 0, "protocol feature MTU");
	connect_dev();
	hostile(VHU_REQ_GET_QUEUE_NUM, NULL, 0, NULL, 0, "protocol feature MQ");
	connect_dev();
	hostile(VHU_REQ_GET_MAX_MEM_SLOTS, NULL, 0, NULL, 0,
		"protocol feature CONFIGURE_MEM_SLOTS");
}

/* A device whose caller restricted the offer. */
static void test_restricted_offer(void **state)
{
	struct vhu_dev_config cfg;
	uint64_t v;

	(void)state;
	teardown(NULL);
	vhu_dev_config_default(&cfg);
	cfg.name = "vm0";
	cfg.ops = &ops;
	cfg.features = VHU_BIT(VHU_F_VERSION_1) | VHU_BIT(VHU_F_NET_MRG_RXBUF);
	cfg.protocol_features = 0;
	cfg.max_queue_pairs = 1;
	setup_with(&cfg);

	assert_int_equal(fe_get_u64(VHU_REQ_GET_FEATURES), cfg.features);
	/* Without PROTOCOL_FEATURES offered, its requests are illegal. */
	hostile(VHU_REQ_GET_PROTOCOL_FEATURES, NULL, 0, NULL, 0,
		"GET_PROTOCOL_FEATURES: PROTOCOL_FEATURES was not offered");
	connect_dev();
	v = 0;
	hostile(VHU_REQ_SET_VRING_ENABLE, &v, 8, NULL, 0, "was not offered");
	connect_dev();
	v = VHU_BIT(VHU_F_NET_CSUM);
	hostile(VHU_REQ_SET_FEATURES, &v, 8, NULL, 0, "bits 0x1 were not offered");
	connect_dev();
	{
		struct vhu_msg_vring_state st = { 2, QSIZE };	/* one pair */

		hostile(VHU_REQ_SET_VRING_NUM, &st, 8, NULL, 0,
			"ring 2 out of range (the device has 2 rings)");
	}

	/* One pair: NET_MQ is never offered, even when the caller asks for it. */
	teardown(NULL);
	vhu_dev_config_default(&cfg);
	cfg.ops = &ops;
	cfg.max_queue_pairs = 1;
	setup_with(&cfg);
	v = fe_get_u64(VHU_REQ_GET_FEATURES);
	assert_false(v & VHU_BIT(VHU_F_NET_MQ));
	assert_int_equal(v, VHU_DEV_SUPPORTED_FEATURES & ~VHU_BIT(VHU_F_NET_MQ));
}

static void test_refused_memory(void **state)
{
	struct vhu_msg_mem_table t = { .nregions = 1 };

	(void)state;
	/* Larger than its file: mapping it would let the datapath SIGBUS. */
	t.r[0] = (struct vhu_msg_region){ RAM_GPA, 2 * RAM_SIZE, RAM_QVA, 0 };
	hostile(VHU_REQ_SET_MEM_TABLE, &t, 40, &ram, 1,
		"SET_MEM_TABLE: region 0: needs 2097152 bytes of its fd");
}

static void test_unknown_request(void **state)
{
	uint8_t cfgspace[12] = { 0 };

	(void)state;
	fe_negotiate(NET_FEATURES);
	hostile(99, NULL, 0, NULL, 0, "unknown request 99");
	connect_dev();
	hostile(VHU_REQ_GET_CONFIG, cfgspace, 12, NULL, 0,
		"request GET_CONFIG (24) is not supported");
}

static void test_malformed_message(void **state)
{
	struct vhu_msg_hdr h = { VHU_REQ_SET_FEATURES, VHU_MSG_VERSION, 8 };
	uint8_t buf[16] = { 0 };

	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_ring(0, 0);
	memcpy(buf, &h, sizeof(h));
	raw_send(fe, buf, 16, NULL, 0);		/* 4 of 8 payload bytes */
	shutdown(fe, SHUT_WR);
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_PROTO_ERROR);
	expect_proto_error("SET_FEATURES: truncated payload");
	assert_int_equal(cb.stopped[0], 1);
}

/* need_reply on a failing request: "1", then the connection closes. */
static void test_nack_then_close(void **state)
{
	struct vhu_msg_vring_state st = { 0, 1000 };

	(void)state;
	fe_negotiate(NET_FEATURES);
	assert_int_equal(fe_acked(VHU_REQ_SET_VRING_NUM, &st, 8, NULL, 0,
				  VHU_DEV_PROTO_ERROR), 1);
	expect_proto_error("size 1000");
}

static void test_messages_after_protocol_error(void **state)
{
	struct vhu_msg_vring_state st = { 77, 1 };
	int efd = eventfd(0, EFD_CLOEXEC);
	uint64_t v = 0;

	(void)state;
	fe_negotiate(NET_FEATURES);
	/* The bad one and a good one right behind it, in one go. */
	fe_send(VHU_REQ_SET_VRING_ENABLE, 0, &st, 8, NULL, 0);
	fe_send(VHU_REQ_SET_VRING_KICK, 0, &v, 8, &efd, 1);
	close(efd);
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_PROTO_ERROR);
	expect_proto_error("ring 77 out of range");
	/* The one behind it was never acted on. */
	assert_false(dev.rings[0].kick_set);
	/* Anything sent now goes nowhere. */
	assert_int_equal(vhu_msg_send(fe, VHU_REQ_SET_OWNER, VHU_MSG_VERSION, NULL,
				      0, NULL, 0, &err), -1);
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_NOT_CONNECTED);

	/* A new front-end starts from scratch and works. */
	connect_dev();
	fe_negotiate(NET_FEATURES);
	fe_ring(0, 0);
	assert_true(dev.rings[0].started);
}

static void test_peer_hangup(void **state)
{
	(void)state;
	fe_negotiate(NET_FEATURES);
	fe_ring(0, 3);
	close(fe);
	fe = -1;
	assert_int_equal(vhu_dev_handle_readable(&dev), VHU_DEV_CLOSED);
	assert_false(vhu_dev_connected(&dev));
	assert_int_equal(cb.stopped[0], 1);
	assert_int_equal(dev.mem.nregions, 0);
	assert_int_equal(dev.rings[0].kick_fd, -1);
	assert_string_equal(vhu_dev_last_error(&dev), "");
}

static void test_attach_busy(void **state)
{
	int sv[2];

	(void)state;
	test_socketpair(sv);
	assert_int_equal(vhu_dev_attach(&dev, sv[0], &err), -1);
	assert_contains(err.msg, "vm0 already has a front-end");
	/* Still the caller's: it can be closed. */
	assert_true(fd_is_open(sv[0]));
	close(sv[0]);
	close(sv[1]);
}

static void test_config_validation(void **state)
{
	struct vhu_dev_config cfg;
	struct vhu_dev d;

	(void)state;
	vhu_dev_config_default(&cfg);
	cfg.features |= VHU_BIT(34);
	assert_int_equal(vhu_dev_init(&d, &cfg, &err), -1);
	assert_contains(err.msg, "unsupported feature bits 0x400000000");

	vhu_dev_config_default(&cfg);
	cfg.protocol_features |= VHU_BIT(5);
	assert_int_equal(vhu_dev_init(&d, &cfg, &err), -1);
	assert_contains(err.msg, "unsupported protocol feature bits 0x20");

	vhu_dev_config_default(&cfg);
	cfg.max_queue_pairs = 0;
	assert_int_equal(vhu_dev_init(&d, &cfg, &err), -1);
	cfg.max_queue_pairs = VHU_MAX_QUEUE_PAIRS + 1;
	assert_int_equal(vhu_dev_init(&d, &cfg, &err), -1);
	assert_contains(err.msg, "17 queue pairs, must be 1..16");

	vhu_dev_config_default(&cfg);
	cfg.protocol_features &= ~VHU_BIT(VHU_PF_LOG_SHMFD);
	assert_int_equal(vhu_dev_init(&d, &cfg, &err), -1);
	assert_contains(err.msg, "LOG_ALL needs");

	vhu_dev_config_default(&cfg);
	cfg.max_mtu = 10;
	assert_int_equal(vhu_dev_init(&d, &cfg, &err), -1);

	vhu_dev_config_default(&cfg);
	cfg.max_queue_pairs = VHU_MAX_QUEUE_PAIRS;
	assert_int_equal(vhu_dev_init(&d, &cfg, &err), 0);
	assert_int_equal(d.nrings, VHU_MAX_RINGS);
	vhu_dev_fini(&d);
}

/* ------------------------------------------------------------------ */
/* Sockets: both roles.                                                 */

static char sock_dir[64];
static char sock_path[96];

static int sock_setup(void **state)
{
	setup(state);
	snprintf(sock_dir, sizeof(sock_dir), "/tmp/vhu-test-XXXXXX");
	assert_non_null(mkdtemp(sock_dir));
	snprintf(sock_path, sizeof(sock_path), "%s/vm0.sock", sock_dir);
	return 0;
}

static int sock_teardown(void **state)
{
	unlink(sock_path);
	rmdir(sock_dir);
	return teardown(state);
}

static void test_listen_and_accept(void **state)
{
	int lfd, c1, c2;
	unsigned int retry;
	struct vhu_sock_client cl;

	(void)state;
	/* Drop the socketpair front-end; this test attaches over the path. */
	vhu_dev_disconnect(&dev);
	close(fe);
	fe = -1;

	lfd = vhu_sock_listen(sock_path, &err);
	assert_true(lfd >= 0);
	assert_int_equal(vhu_sock_accept(lfd, &err), VHU_SOCK_RETRY);
	assert_int_equal(vhu_dev_accept(&dev, lfd), 0);

	assert_int_equal(vhu_sock_client_init(&cl, sock_path, 10, 100, &err), 0);
	c1 = vhu_sock_client_try(&cl, &retry, &err);
	assert_true(c1 >= 0);
	assert_int_equal(vhu_dev_accept(&dev, lfd), 1);
	assert_true(vhu_dev_connected(&dev));

	/* A second front-end is turned away, and the first keeps working. */
	c2 = vhu_sock_client_try(&cl, &retry, &err);
	assert_true(c2 >= 0);
	assert_int_equal(vhu_dev_accept(&dev, lfd), 0);
	assert_contains(test_last_log, "refusing a second front-end");
	assert_true(peer_closed(c2));
	close(c2);

	fe = c1;
	fcntl(fe, F_SETFL, 0);
	assert_int_equal(fe_get_u64(VHU_REQ_GET_FEATURES), VHU_DEV_SUPPORTED_FEATURES);
	close(lfd);
}

static void test_listen_path_rules(void **state)
{
	char longpath[200];
	int fd, lfd, s;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	(void)state;
	/* A stale socket (its owner gone) is replaced. */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path);
	assert_int_equal(bind(s, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(s);
	lfd = vhu_sock_listen(sock_path, &err);
	assert_true(lfd >= 0);

	/* A live one is not. */
	assert_int_equal(vhu_sock_listen(sock_path, &err), -1);
	assert_contains(err.msg, "another process is listening there");
	close(lfd);
	unlink(sock_path);

	/* Nor is a file that is not a socket. */
	fd = open(sock_path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vhu_sock_listen(sock_path, &err), -1);
	assert_contains(err.msg, "exists and is not a socket");
	assert_int_equal(access(sock_path, F_OK), 0);
	unlink(sock_path);

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(vhu_sock_listen(longpath, &err), -1);
	assert_contains(err.msg, "at most 107 fit");
	assert_int_equal(vhu_sock_listen("", &err), -1);
	assert_contains(err.msg, "empty socket path");
}

static void test_client_backoff(void **state)
{
	struct vhu_sock_client cl;
	unsigned int retry = 0;
	static const unsigned int want[] = { 10, 20, 40, 80, 100, 100 };
	int lfd, fd;

	(void)state;
	assert_int_equal(vhu_sock_client_init(&cl, sock_path, 10, 100, &err), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(vhu_sock_client_try(&cl, &retry, &err), VHU_SOCK_RETRY);
		assert_int_equal(retry, want[i]);
		assert_contains(err.msg, "connecting to");
	}
	/* The server appears: connected, and the back-off starts over. */
	lfd = vhu_sock_listen(sock_path, &err);
	assert_true(lfd >= 0);
	fd = vhu_sock_client_try(&cl, &retry, &err);
	assert_true(fd >= 0);
	assert_int_equal(cl.failures, 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	close(lfd);
	unlink(sock_path);
	assert_int_equal(vhu_sock_client_try(&cl, &retry, &err), VHU_SOCK_RETRY);
	assert_int_equal(retry, 10);
	vhu_sock_client_reset(&cl);
	assert_int_equal(cl.failures, 0);
	assert_int_equal(vhu_sock_client_init(&cl, "", 1, 2, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_protocol_features_rings_are_enabled,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_before_set_features,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_polling_kick_starts_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kick_before_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_table_change_restarts_rings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_and_remove_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirty_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feature_change_restarts_rings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_owner_disables_rings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_messages_in_one_read,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_index_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_index_out_of_range_fd_closed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_fds_closed_on_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_not_in_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_misaligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_before_num, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_unknown_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ring_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ring_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unoffered_features, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gated_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restricted_offer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nack_then_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_after_protocol_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_hangup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listen_and_accept, sock_setup,
						sock_teardown),
		cmocka_unit_test_setup_teardown(test_listen_path_rules, sock_setup,
						sock_teardown),
		cmocka_unit_test_setup_teardown(test_client_backoff, sock_setup,
						sock_teardown),
	};

	return cmocka_run_group_tests_name("vhu_dev", tests, test_group_setup,
					    test_group_teardown);
}
