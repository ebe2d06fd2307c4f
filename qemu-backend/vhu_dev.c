// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_dev.c - the per-connection state machine of a vhost-user-net device.
 *
 * Each request is checked in full before anything changes, so a refused
 * request leaves nothing half done (the connection then closes and the
 * device resets anyway, but the datapath never sees a ring whose fields
 * are half updated). Changes to a ring happen between a stop and a restart
 * of that ring, which is what lets the datapath cache anything it likes
 * between ring_started and ring_stopped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vhu_dev.h"
#include "vhu_mem_table.h"
#include "vhu_sock.h"

/* Messages handled per vhu_dev_handle_readable() call. */
#define VHU_DEV_MSG_BUDGET	64

/* Ring part sizes of a split ring (virtio 1.x 2.7: with the event fields). */
#define DESC_BYTES(n)	((uint64_t)16 * (n))
#define AVAIL_BYTES(n)	(6 + (uint64_t)2 * (n))
#define USED_BYTES(n)	(6 + (uint64_t)8 * (n))

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* ------------------------------------------------------------------ */
/* Ring state.                                                          */

static void ring_init(struct vhu_vring *r)
{
	memset(r, 0, sizeof(*r));
	r->kick_fd = -1;
	r->call_fd = -1;
	r->err_fd = -1;
}

static void ring_stop(struct vhu_dev *dev, unsigned int idx)
{
	struct vhu_vring *r = &dev->rings[idx];

	if (!r->started)
		return;
	r->started = false;
	if (dev->ops != NULL && dev->ops->ring_stopped != NULL)
		dev->ops->ring_stopped(dev, idx);
}

/* Start or stop ring @idx to match what it has now. */
static void ring_update(struct vhu_dev *dev, unsigned int idx)
{
	struct vhu_vring *r = &dev->rings[idx];
	bool runnable = r->kick_set && r->num != 0 && r->desc != NULL &&
			r->avail != NULL && r->used != NULL;

	if (runnable && !r->started) {
		r->started = true;
		if (dev->ops != NULL && dev->ops->ring_started != NULL)
			dev->ops->ring_started(dev, idx);
	} else if (!runnable && r->started) {
		ring_stop(dev, idx);
	}
}

static void ring_set_enabled(struct vhu_dev *dev, unsigned int idx, bool on)
{
	struct vhu_vring *r = &dev->rings[idx];

	if (r->enabled == on)
		return;
	r->enabled = on;
	if (dev->ops != NULL && dev->ops->ring_enabled != NULL)
		dev->ops->ring_enabled(dev, idx, on);
}

static bool aligned(const void *p, uintptr_t align)
{
	return ((uintptr_t)p & (align - 1)) == 0;
}

/*
 * Our pointers for a ring of @num entries at these front-end addresses:
 * each part must lie whole in one region and be aligned as the spec wants
 * (16/2/4), or the datapath's accesses would be undefined.
 */
static int ring_translate(const struct vhu_mem *mem, uint32_t num,
			  uint64_t desc_qva, uint64_t avail_qva,
			  uint64_t used_qva, void **desc, void **avail,
			  void **used, struct vhu_err *err)
{
	static const struct {
		const char *name;
		uintptr_t align;
	} part[3] = { { "descriptor table", 16 }, { "available ring", 2 },
		      { "used ring", 4 } };
	const uint64_t qva[3] = { desc_qva, avail_qva, used_qva };
	const uint64_t len[3] = { DESC_BYTES(num), AVAIL_BYTES(num), USED_BYTES(num) };
	void *p[3];

	for (int i = 0; i < 3; i++) {
		p[i] = vhu_mem_qva(mem, qva[i], len[i]);
		if (p[i] == NULL)
			return vhu_err_set(err, "%s at user address 0x%llx (%llu bytes) "
					   "is not in guest memory", part[i].name,
					   (unsigned long long)qva[i],
					   (unsigned long long)len[i]);
		if (!aligned(p[i], part[i].align))
			return vhu_err_set(err, "%s at user address 0x%llx is not "
					   "%u-byte aligned", part[i].name,
					   (unsigned long long)qva[i],
					   (unsigned int)part[i].align);
	}
	*desc = p[0];
	*avail = p[1];
	*used = p[2];
	return 0;
}

/*
 * Re-derive a ring's pointers from its front-end addresses, after memory
 * or the size changed. Not translating is no error here: the front-end may
 * be between REM_MEM_REG and ADD_MEM_REG, or about to send new addresses;
 * the ring simply cannot run until it translates again.
 */
static void ring_remap(struct vhu_dev *dev, unsigned int idx)
{
	struct vhu_vring *r = &dev->rings[idx];
	struct vhu_err err;

	r->desc = r->avail = r->used = NULL;
	if (!r->addr_set || r->num == 0)
		return;
	if (ring_translate(&dev->mem, r->num, r->desc_qva, r->avail_qva,
			   r->used_qva, &r->desc, &r->avail, &r->used, &err) < 0) {
		r->desc = r->avail = r->used = NULL;
		if (r->kick_set)
			vhu_log(VHU_LOG_WARN, "%s: ring %u cannot run: %s", dev->name,
				idx, err.msg);
	}
}

static void stop_all_rings(struct vhu_dev *dev)
{
	for (unsigned int i = 0; i < dev->nrings; i++)
		ring_stop(dev, i);
}

static void update_all_rings(struct vhu_dev *dev)
{
	for (unsigned int i = 0; i < dev->nrings; i++)
		ring_update(dev, i);
}

/* The ring a request names, or NULL (with @err) if there is no such ring. */
static struct vhu_vring *ring_arg(struct vhu_dev *dev, uint64_t idx,
				  struct vhu_err *err)
{
	if (idx >= dev->nrings) {
		vhu_err_set(err, "ring %llu out of range (the device has %u rings)",
			    (unsigned long long)idx, dev->nrings);
		return NULL;
	}
	return &dev->rings[idx];
}

/* ------------------------------------------------------------------ */
/* Feature gates.                                                       */

static int need_offered(const struct vhu_dev *dev, unsigned int bit,
			const char *what, struct vhu_err *err)
{
	if (!(dev->offered_features & VHU_BIT(bit)))
		return vhu_err_set(err, "%s was not offered", what);
	return 0;
}

static int need_protocol(const struct vhu_dev *dev, unsigned int bit,
			 const char *what, struct vhu_err *err)
{
	if (!vhu_dev_has_protocol_feature(dev, bit))
		return vhu_err_set(err, "protocol feature %s was not negotiated",
				   what);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Memory changes: every ring stops, memory changes, rings restart.     */

typedef int (*mem_op)(struct vhu_dev *dev, struct vhu_msg *msg,
		      struct vhu_err *err);

static int mem_update(struct vhu_dev *dev, mem_op op, struct vhu_msg *msg,
		      struct vhu_err *err)
{
	int rc;

	stop_all_rings(dev);
	rc = op(dev, msg, err);
	for (unsigned int i = 0; i < dev->nrings; i++)
		ring_remap(dev, i);
	if (rc == 0 && dev->ops != NULL && dev->ops->mem_changed != NULL)
		dev->ops->mem_changed(dev);
	update_all_rings(dev);
	return rc;
}

static void desc_from_msg(struct vhu_mem_desc *d, const struct vhu_msg_region *r)
{
	d->gpa = r->gpa;
	d->size = r->size;
	d->qva = r->qva;
	d->mmap_offset = r->mmap_offset;
}

static int op_set_table(struct vhu_dev *dev, struct vhu_msg *msg,
			struct vhu_err *err)
{
	struct vhu_mem_desc d[VHU_MSG_MAX_REGIONS];
	unsigned int n = msg->p.mem.nregions;

	for (unsigned int i = 0; i < n; i++)
		desc_from_msg(&d[i], &msg->p.mem.r[i]);
	return vhu_mem_set_table(&dev->mem, d, msg->fds, n, err);
}

static int op_add_region(struct vhu_dev *dev, struct vhu_msg *msg,
			 struct vhu_err *err)
{
	struct vhu_mem_desc d;

	desc_from_msg(&d, &msg->p.reg.r);
	return vhu_mem_add_region(&dev->mem, &d, msg->fds[0], err);
}

static int op_remove_region(struct vhu_dev *dev, struct vhu_msg *msg,
			    struct vhu_err *err)
{
	struct vhu_mem_desc d;

	desc_from_msg(&d, &msg->p.reg.r);
	return vhu_mem_remove_region(&dev->mem, &d, err);
}

static int op_set_log(struct vhu_dev *dev, struct vhu_msg *msg,
		      struct vhu_err *err)
{
	return vhu_mem_set_log(&dev->mem, msg->fds[0], msg->p.log.size,
			       msg->p.log.offset, err);
}

/* ------------------------------------------------------------------ */
/* Request handlers: 0, or -1 with @err saying why.                     */

static int reply_u64(struct vhu_dev *dev, struct vhu_msg *msg, uint64_t v,
		     struct vhu_err *err)
{
	return vhu_msg_reply_u64(dev->conn_fd, msg->hdr.request, v, err);
}

static int h_get_features(struct vhu_dev *dev, struct vhu_msg *msg,
			  struct vhu_err *err)
{
	return reply_u64(dev, msg, dev->offered_features, err);
}

static int h_set_features(struct vhu_dev *dev, struct vhu_msg *msg,
			  struct vhu_err *err)
{
	uint64_t v = msg->p.u64;
	bool restart;

	if (v & ~dev->offered_features)
		return vhu_err_set(err, "bits 0x%llx were not offered (offered 0x%llx)",
				   (unsigned long long)(v & ~dev->offered_features),
				   (unsigned long long)dev->offered_features);
	/*
	 * LOG_ALL comes and goes on running rings during migration; any other
	 * change alters how the datapath reads the rings (header size, event
	 * index), so running rings are restarted around it. So is the first
	 * SET_FEATURES: a front-end that set a ring up before it had the
	 * datapath start that ring with no features at all (which it refuses:
	 * no VERSION_1), and the ring must start again now.
	 */
	restart = !dev->features_set ||
		  ((dev->features ^ v) & ~VHU_BIT(VHU_F_LOG_ALL)) != 0;
	if (restart)
		stop_all_rings(dev);
	dev->features = v;
	dev->features_set = true;
	if (!(v & VHU_BIT(VHU_F_PROTOCOL_FEATURES))) {
		for (unsigned int i = 0; i < dev->nrings; i++)
			ring_set_enabled(dev, i, true);
	}
	if (restart)
		update_all_rings(dev);
	return 0;
}

static int h_set_owner(struct vhu_dev *dev, struct vhu_msg *msg,
		       struct vhu_err *err)
{
	(void)msg;
	(void)err;
	dev->owner = true;
	return 0;
}

/*
 * Deprecated; the specification recommends ignoring it or disabling every
 * ring, and warns that dropping connection state here breaks front-ends.
 */
static int h_reset_owner(struct vhu_dev *dev, struct vhu_msg *msg,
			 struct vhu_err *err)
{
	(void)msg;
	(void)err;
	for (unsigned int i = 0; i < dev->nrings; i++)
		ring_set_enabled(dev, i, false);
	return 0;
}

static int h_set_mem_table(struct vhu_dev *dev, struct vhu_msg *msg,
			   struct vhu_err *err)
{
	return mem_update(dev, op_set_table, msg, err);
}

static int h_set_log_base(struct vhu_dev *dev, struct vhu_msg *msg,
			  struct vhu_err *err)
{
	if (need_protocol(dev, VHU_PF_LOG_SHMFD, "LOG_SHMFD", err) < 0)
		return -1;
	if (mem_update(dev, op_set_log, msg, err) < 0)
		return -1;
	/* The front-end waits for an empty reply to this one (no REPLY_ACK). */
	return vhu_msg_reply(dev->conn_fd, msg->hdr.request, NULL, 0, err);
}

static int h_set_log_fd(struct vhu_dev *dev, struct vhu_msg *msg,
			struct vhu_err *err)
{
	(void)err;
	close_fd(&dev->log_fd);
	dev->log_fd = vhu_msg_take_fd(msg, 0);
	return 0;
}

static int h_set_vring_num(struct vhu_dev *dev, struct vhu_msg *msg,
			   struct vhu_err *err)
{
	uint32_t idx = msg->p.state.index, num = msg->p.state.num;
	struct vhu_vring *r = ring_arg(dev, idx, err);

	if (r == NULL)
		return -1;
	if (num == 0 || num > VHU_MAX_RING_SIZE || (num & (num - 1)) != 0)
		return vhu_err_set(err, "ring %u: size %u is not a power of two in "
				   "1..%u", idx, num, VHU_MAX_RING_SIZE);
	ring_stop(dev, idx);
	r->num = num;
	ring_remap(dev, idx);
	ring_update(dev, idx);
	return 0;
}

static int h_set_vring_addr(struct vhu_dev *dev, struct vhu_msg *msg,
			    struct vhu_err *err)
{
	const struct vhu_msg_vring_addr *a = &msg->p.addr;
	struct vhu_vring *r = ring_arg(dev, a->index, err);
	void *desc, *avail, *used;

	if (r == NULL)
		return -1;
	if (a->flags & ~VHU_VRING_F_LOG)
		return vhu_err_set(err, "ring %u: unknown flags 0x%x", a->index,
				   a->flags & ~VHU_VRING_F_LOG);
	if (r->num == 0)
		return vhu_err_set(err, "ring %u: addresses before SET_VRING_NUM",
				   a->index);
	if (ring_translate(&dev->mem, r->num, a->desc_qva, a->avail_qva,
			   a->used_qva, &desc, &avail, &used, err) < 0)
		return vhu_err_prefix(err, "ring %u", a->index);

	ring_stop(dev, a->index);
	r->desc_qva = a->desc_qva;
	r->avail_qva = a->avail_qva;
	r->used_qva = a->used_qva;
	r->used_gpa = a->log_gpa;
	r->log = (a->flags & VHU_VRING_F_LOG) != 0;
	r->addr_set = true;
	r->desc = desc;
	r->avail = avail;
	r->used = used;
	ring_update(dev, a->index);
	return 0;
}

static int h_set_vring_base(struct vhu_dev *dev, struct vhu_msg *msg,
			    struct vhu_err *err)
{
	uint32_t idx = msg->p.state.index, base = msg->p.state.num;
	struct vhu_vring *r = ring_arg(dev, idx, err);

	if (r == NULL)
		return -1;
	/* Split rings only: the packed-ring wrap bits would land up here. */
	if (base > UINT16_MAX)
		return vhu_err_set(err, "ring %u: base %u does not fit a 16-bit "
				   "ring index", idx, base);
	ring_stop(dev, idx);
	r->last_avail_idx = (uint16_t)base;
	ring_update(dev, idx);
	return 0;
}

static int h_get_vring_base(struct vhu_dev *dev, struct vhu_msg *msg,
			    struct vhu_err *err)
{
	uint32_t idx = msg->p.state.index;
	struct vhu_vring *r = ring_arg(dev, idx, err);
	struct vhu_msg_vring_state st;

	if (r == NULL)
		return -1;
	/* Stop first: the datapath stores its position in ring_stopped. */
	ring_stop(dev, idx);
	/*
	 * A stopped ring needs a new kick to start again; the call and error
	 * fds stay, as a front-end need not resend them and a stale one is
	 * harmless while a missing one would stall the guest.
	 */
	r->kick_set = false;
	close_fd(&r->kick_fd);
	st.index = idx;
	st.num = r->last_avail_idx;
	return vhu_msg_reply(dev->conn_fd, msg->hdr.request, &st, sizeof(st), err);
}

/* The ring and fd of SET_VRING_KICK / CALL / ERR; the fd is ours after this. */
static struct vhu_vring *vring_fd_arg(struct vhu_dev *dev, struct vhu_msg *msg,
				      int *fd, struct vhu_err *err)
{
	struct vhu_vring *r = ring_arg(dev, msg->p.u64 & VHU_MSG_VRING_IDX_MASK, err);

	*fd = -1;
	if (r == NULL)
		return NULL;
	if (!(msg->p.u64 & VHU_MSG_VRING_NOFD))
		*fd = vhu_msg_take_fd(msg, 0);
	return r;
}

static int h_set_vring_kick(struct vhu_dev *dev, struct vhu_msg *msg,
			    struct vhu_err *err)
{
	unsigned int idx = (unsigned int)(msg->p.u64 & VHU_MSG_VRING_IDX_MASK);
	struct vhu_vring *r;
	int fd;

	r = vring_fd_arg(dev, msg, &fd, err);
	if (r == NULL)
		return -1;
	/* Stopped around the swap: the datapath may be watching the old fd. */
	ring_stop(dev, idx);
	close_fd(&r->kick_fd);
	r->kick_fd = fd;
	r->kick_set = true;
	ring_update(dev, idx);
	return 0;
}

static int h_set_vring_call(struct vhu_dev *dev, struct vhu_msg *msg,
			    struct vhu_err *err)
{
	struct vhu_vring *r;
	int fd;

	r = vring_fd_arg(dev, msg, &fd, err);
	if (r == NULL)
		return -1;
	close_fd(&r->call_fd);
	r->call_fd = fd;
	return 0;
}

static int h_set_vring_err(struct vhu_dev *dev, struct vhu_msg *msg,
			   struct vhu_err *err)
{
	struct vhu_vring *r;
	int fd;

	r = vring_fd_arg(dev, msg, &fd, err);
	if (r == NULL)
		return -1;
	close_fd(&r->err_fd);
	r->err_fd = fd;
	return 0;
}

static int h_get_protocol_features(struct vhu_dev *dev, struct vhu_msg *msg,
				   struct vhu_err *err)
{
	if (need_offered(dev, VHU_F_PROTOCOL_FEATURES, "PROTOCOL_FEATURES", err) < 0)
		return -1;
	return reply_u64(dev, msg, dev->offered_protocol_features, err);
}

static int h_set_protocol_features(struct vhu_dev *dev, struct vhu_msg *msg,
				   struct vhu_err *err)
{
	uint64_t v = msg->p.u64;

	if (need_offered(dev, VHU_F_PROTOCOL_FEATURES, "PROTOCOL_FEATURES", err) < 0)
		return -1;
	if (v & ~dev->offered_protocol_features)
		return vhu_err_set(err, "bits 0x%llx were not offered (offered 0x%llx)",
				   (unsigned long long)(v & ~dev->offered_protocol_features),
				   (unsigned long long)dev->offered_protocol_features);
	dev->protocol_features = v;
	return 0;
}

/* For a net device the answer counts queue pairs, as QEMU compares it. */
static int h_get_queue_num(struct vhu_dev *dev, struct vhu_msg *msg,
			   struct vhu_err *err)
{
	if (need_protocol(dev, VHU_PF_MQ, "MQ", err) < 0)
		return -1;
	return reply_u64(dev, msg, dev->max_queue_pairs, err);
}

/*
 * Gated on the offer, not on SET_FEATURES: QEMU enables queue pairs as the
 * guest driver configures them, which can be before it sends SET_FEATURES.
 */
static int h_set_vring_enable(struct vhu_dev *dev, struct vhu_msg *msg,
			      struct vhu_err *err)
{
	uint32_t idx = msg->p.state.index, on = msg->p.state.num;

	if (need_offered(dev, VHU_F_PROTOCOL_FEATURES, "PROTOCOL_FEATURES", err) < 0)
		return -1;
	if (ring_arg(dev, idx, err) == NULL)
		return -1;
	if (on > 1)
		return vhu_err_set(err, "ring %u: enable value %u is neither 0 nor 1",
				   idx, on);
	ring_set_enabled(dev, idx, on == 1);
	return 0;
}

static int h_send_rarp(struct vhu_dev *dev, struct vhu_msg *msg,
		       struct vhu_err *err)
{
	if (need_protocol(dev, VHU_PF_RARP, "RARP", err) < 0)
		return -1;
	/* The MAC is the first six bytes of the payload, in wire order. */
	memcpy(dev->rarp_mac, msg->p.raw, sizeof(dev->rarp_mac));
	dev->rarp_seen = true;
	if (dev->ops != NULL && dev->ops->send_rarp != NULL)
		dev->ops->send_rarp(dev, dev->rarp_mac);
	return 0;
}

static int h_net_set_mtu(struct vhu_dev *dev, struct vhu_msg *msg,
			 struct vhu_err *err)
{
	uint64_t mtu = msg->p.u64;

	if (need_protocol(dev, VHU_PF_MTU, "MTU", err) < 0)
		return -1;
	if (mtu < VHU_MIN_MTU || mtu > dev->max_mtu)
		return vhu_err_set(err, "MTU %llu is outside %u..%u",
				   (unsigned long long)mtu, VHU_MIN_MTU, dev->max_mtu);
	dev->mtu = (uint32_t)mtu;
	return 0;
}

static int h_get_max_mem_slots(struct vhu_dev *dev, struct vhu_msg *msg,
			       struct vhu_err *err)
{
	if (need_protocol(dev, VHU_PF_CONFIGURE_MEM_SLOTS, "CONFIGURE_MEM_SLOTS",
			  err) < 0)
		return -1;
	return reply_u64(dev, msg, VHU_MAX_MEM_REGIONS, err);
}

static int h_add_mem_reg(struct vhu_dev *dev, struct vhu_msg *msg,
			 struct vhu_err *err)
{
	if (need_protocol(dev, VHU_PF_CONFIGURE_MEM_SLOTS, "CONFIGURE_MEM_SLOTS",
			  err) < 0)
		return -1;
	return mem_update(dev, op_add_region, msg, err);
}

/* An fd that came along (QEMU sends one) is closed unused by the caller. */
static int h_rem_mem_reg(struct vhu_dev *dev, struct vhu_msg *msg,
			 struct vhu_err *err)
{
	if (need_protocol(dev, VHU_PF_CONFIGURE_MEM_SLOTS, "CONFIGURE_MEM_SLOTS",
			  err) < 0)
		return -1;
	return mem_update(dev, op_remove_region, msg, err);
}

typedef int (*handler_fn)(struct vhu_dev *dev, struct vhu_msg *msg,
			  struct vhu_err *err);

static const handler_fn handlers[VHU_REQ_MAX] = {
	[VHU_REQ_GET_FEATURES] = h_get_features,
	[VHU_REQ_SET_FEATURES] = h_set_features,
	[VHU_REQ_SET_OWNER] = h_set_owner,
	[VHU_REQ_RESET_OWNER] = h_reset_owner,
	[VHU_REQ_SET_MEM_TABLE] = h_set_mem_table,
	[VHU_REQ_SET_LOG_BASE] = h_set_log_base,
	[VHU_REQ_SET_LOG_FD] = h_set_log_fd,
	[VHU_REQ_SET_VRING_NUM] = h_set_vring_num,
	[VHU_REQ_SET_VRING_ADDR] = h_set_vring_addr,
	[VHU_REQ_SET_VRING_BASE] = h_set_vring_base,
	[VHU_REQ_GET_VRING_BASE] = h_get_vring_base,
	[VHU_REQ_SET_VRING_KICK] = h_set_vring_kick,
	[VHU_REQ_SET_VRING_CALL] = h_set_vring_call,
	[VHU_REQ_SET_VRING_ERR] = h_set_vring_err,
	[VHU_REQ_GET_PROTOCOL_FEATURES] = h_get_protocol_features,
	[VHU_REQ_SET_PROTOCOL_FEATURES] = h_set_protocol_features,
	[VHU_REQ_GET_QUEUE_NUM] = h_get_queue_num,
	[VHU_REQ_SET_VRING_ENABLE] = h_set_vring_enable,
	[VHU_REQ_SEND_RARP] = h_send_rarp,
	[VHU_REQ_NET_SET_MTU] = h_net_set_mtu,
	[VHU_REQ_GET_MAX_MEM_SLOTS] = h_get_max_mem_slots,
	[VHU_REQ_ADD_MEM_REG] = h_add_mem_reg,
	[VHU_REQ_REM_MEM_REG] = h_rem_mem_reg,
};

/*
 * Run one validated message. With need_reply on a request that has no
 * reply of its own, the front-end gets 0 or 1 (REPLY_ACK); it is answered
 * even when REPLY_ACK was not negotiated, since it asked and waits.
 */
static int dispatch(struct vhu_dev *dev, struct vhu_msg *msg,
		    struct vhu_err *err)
{
	uint32_t req = msg->hdr.request;
	const char *name = vhu_msg_request_name(req);
	bool ack = (msg->hdr.flags & VHU_MSG_F_NEED_REPLY) && !vhu_msg_has_reply(req);
	handler_fn h = req < VHU_REQ_MAX ? handlers[req] : NULL;
	int rc;

	vhu_log(VHU_LOG_DEBUG, "%s: %s", dev->name, name);
	if (h == NULL)
		rc = vhu_err_set(err, "no handler");
	else
		rc = h(dev, msg, err);
	if (rc < 0)
		vhu_err_prefix(err, "%s", name);
	if (ack) {
		struct vhu_err serr;

		if (vhu_msg_reply_u64(dev->conn_fd, req, rc < 0 ? 1 : 0, &serr) < 0 &&
		    rc == 0) {
			memcpy(err, &serr, sizeof(*err));
			rc = -1;
		}
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Life cycle.                                                          */

void vhu_dev_config_default(struct vhu_dev_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "vhost-user";
	cfg->features = VHU_DEV_SUPPORTED_FEATURES;
	cfg->protocol_features = VHU_DEV_SUPPORTED_PROTOCOL_FEATURES;
	cfg->max_queue_pairs = 8;
	cfg->max_mtu = VHU_DEFAULT_MAX_MTU;
}

int vhu_dev_init(struct vhu_dev *dev, const struct vhu_dev_config *cfg,
		 struct vhu_err *err)
{
	if (cfg->features & ~VHU_DEV_SUPPORTED_FEATURES)
		return vhu_err_set(err, "unsupported feature bits 0x%llx",
				   (unsigned long long)(cfg->features &
							~VHU_DEV_SUPPORTED_FEATURES));
	if (cfg->protocol_features & ~VHU_DEV_SUPPORTED_PROTOCOL_FEATURES)
		return vhu_err_set(err, "unsupported protocol feature bits 0x%llx",
				   (unsigned long long)(cfg->protocol_features &
							~VHU_DEV_SUPPORTED_PROTOCOL_FEATURES));
	if (cfg->max_queue_pairs < 1 || cfg->max_queue_pairs > VHU_MAX_QUEUE_PAIRS)
		return vhu_err_set(err, "%u queue pairs, must be 1..%u",
				   cfg->max_queue_pairs, VHU_MAX_QUEUE_PAIRS);
	if (cfg->max_mtu < VHU_MIN_MTU || cfg->max_mtu > UINT16_MAX)
		return vhu_err_set(err, "maximum MTU %u, must be %u..%u", cfg->max_mtu,
				   VHU_MIN_MTU, UINT16_MAX);
	if ((cfg->features & VHU_BIT(VHU_F_LOG_ALL)) &&
	    (!(cfg->features & VHU_BIT(VHU_F_PROTOCOL_FEATURES)) ||
	     !(cfg->protocol_features & VHU_BIT(VHU_PF_LOG_SHMFD))))
		return vhu_err_set(err, "LOG_ALL needs PROTOCOL_FEATURES and LOG_SHMFD "
				   "(the log must be shared memory)");

	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "%s",
		 cfg->name != NULL ? cfg->name : "vhost-user");
	dev->offered_features = cfg->features;
	/*
	 * VIRTIO_NET_F_MQ tells the guest it may use more than one pair:
	 * a device of one pair never offers it, whatever the caller asked.
	 */
	if (cfg->max_queue_pairs == 1)
		dev->offered_features &= ~VHU_BIT(VHU_F_NET_MQ);
	dev->offered_protocol_features = cfg->protocol_features;
	dev->max_queue_pairs = cfg->max_queue_pairs;
	dev->nrings = 2 * cfg->max_queue_pairs;
	dev->max_mtu = cfg->max_mtu;
	dev->ops = cfg->ops;
	dev->ctx = cfg->ctx;
	dev->conn_fd = -1;
	dev->log_fd = -1;
	vhu_msg_init(&dev->rx);
	vhu_mem_init(&dev->mem);
	for (unsigned int i = 0; i < VHU_MAX_RINGS; i++)
		ring_init(&dev->rings[i]);
	return 0;
}

void vhu_dev_disconnect(struct vhu_dev *dev)
{
	bool had_mem = dev->mem.nregions != 0 || dev->mem.log != NULL;

	stop_all_rings(dev);
	for (unsigned int i = 0; i < VHU_MAX_RINGS; i++) {
		struct vhu_vring *r = &dev->rings[i];

		close_fd(&r->kick_fd);
		close_fd(&r->call_fd);
		close_fd(&r->err_fd);
		ring_init(r);
	}
	vhu_mem_clear(&dev->mem);
	if (had_mem && dev->ops != NULL && dev->ops->mem_changed != NULL)
		dev->ops->mem_changed(dev);
	close_fd(&dev->log_fd);
	vhu_msg_release(&dev->rx);
	close_fd(&dev->conn_fd);
	dev->features = 0;
	dev->protocol_features = 0;
	dev->features_set = false;
	dev->owner = false;
	dev->mtu = 0;
	memset(dev->rarp_mac, 0, sizeof(dev->rarp_mac));
	dev->rarp_seen = false;
}

void vhu_dev_fini(struct vhu_dev *dev)
{
	vhu_dev_disconnect(dev);
}

int vhu_dev_attach(struct vhu_dev *dev, int fd, struct vhu_err *err)
{
	int fl;

	if (dev->conn_fd >= 0)
		return vhu_err_set(err, "%s already has a front-end", dev->name);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return vhu_err_set(err, "%s: preparing the socket: %s", dev->name,
				   strerror(errno));
	dev->conn_fd = fd;
	vhu_msg_init(&dev->rx);
	vhu_log(VHU_LOG_INFO, "%s: front-end connected", dev->name);
	return 0;
}

int vhu_dev_accept(struct vhu_dev *dev, int listen_fd)
{
	struct vhu_err err;
	int fd;

	fd = vhu_sock_accept(listen_fd, &err);
	if (fd == VHU_SOCK_RETRY)
		return 0;
	if (fd < 0) {
		vhu_log(VHU_LOG_ERR, "%s: %s", dev->name, err.msg);
		return -1;
	}
	if (vhu_dev_attach(dev, fd, &err) < 0) {
		vhu_log(VHU_LOG_WARN, "%s: refusing a second front-end: %s",
			dev->name, err.msg);
		close(fd);
		return 0;
	}
	return 1;
}

int vhu_dev_fd(const struct vhu_dev *dev)
{
	return dev->conn_fd;
}

bool vhu_dev_connected(const struct vhu_dev *dev)
{
	return dev->conn_fd >= 0;
}

const char *vhu_dev_last_error(const struct vhu_dev *dev)
{
	return dev->last_error;
}

enum vhu_dev_status vhu_dev_handle_readable(struct vhu_dev *dev)
{
	struct vhu_err err = { "" };

	if (dev->conn_fd < 0)
		return VHU_DEV_NOT_CONNECTED;
	for (unsigned int n = 0; n < VHU_DEV_MSG_BUDGET; n++) {
		int rc;

		switch (vhu_msg_recv(dev->conn_fd, &dev->rx, &err)) {
		case VHU_MSG_AGAIN:
			return VHU_DEV_OK;
		case VHU_MSG_EOF:
			vhu_log(VHU_LOG_INFO, "%s: front-end disconnected", dev->name);
			vhu_dev_disconnect(dev);
			return VHU_DEV_CLOSED;
		case VHU_MSG_ERROR:
			goto proto_error;
		case VHU_MSG_OK:
			break;
		}
		rc = dispatch(dev, &dev->rx, &err);
		vhu_msg_release(&dev->rx);
		if (rc < 0)
			goto proto_error;
	}
	return VHU_DEV_OK;

proto_error:
	snprintf(dev->last_error, sizeof(dev->last_error), "%s", err.msg);
	vhu_log(VHU_LOG_ERR, "%s: closing the connection: %s", dev->name, err.msg);
	vhu_dev_disconnect(dev);
	return VHU_DEV_PROTO_ERROR;
}
