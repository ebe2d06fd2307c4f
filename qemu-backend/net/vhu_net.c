// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_net.c - moving frames between a vhost-user-net guest and a switch
 * port (see vhu_net.h for the model).
 *
 * Everything runs in the caller's thread: the protocol callbacks (from
 * inside vhu_dev_handle_readable()) and the datapath (vhu_net_poll()) never
 * overlap, so a callback may change anything the datapath uses. Elements
 * popped from a guest ring are always pushed back before a datapath call
 * returns, which is what makes ring_stopped's position exact.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "vhu_nethdr.h"
#include "vhu_net.h"
#include "vhu_rarp.h"

/* What an epoll event of our set is about: kind in the high half. */
#define EV_KICK		1u
#define EV_PORT		2u
#define EV_TOKEN(kind, idx)	((uint64_t)(kind) << 32 | (idx))

#define RING_BIT(idx)	(1u << (idx))

_Static_assert(VHU_MAX_RINGS <= 32, "ring bitmasks are 32 bits wide");

static bool is_tx(unsigned int idx)
{
	return (idx & 1) != 0;
}

/* Bits of every RX (even) ring of the device. */
static uint32_t rx_ring_mask(const struct vhu_net *net)
{
	uint32_t m = 0;

	for (unsigned int qp = 0; qp < net->queue_pairs; qp++)
		m |= RING_BIT(2 * qp);
	return m;
}

/*
 * Signal a call or error fd. It should be an eventfd, but the front-end
 * chose it: a pipe nobody drains would block a plain write() for good, so
 * each new fd is made non-blocking first. *@nb remembers the last one,
 * forgotten whenever the ring starts; while it runs, SET_VRING_CALL
 * receives the new fd before closing the old, so the two never share a
 * number. A write that fails has nothing to undo: a saturated eventfd
 * wakes its reader anyway.
 */
static void signal_fd(int fd, int *nb)
{
	uint64_t one = 1;
	int fl;

	if (fd < 0)
		return;
	if (fd != *nb) {
		fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
			return;
		*nb = fd;
	}
	if (write(fd, &one, sizeof(one)) < 0) {
		/* EAGAIN or a peer gone: nothing to do about it here. */
	}
}

static void update_port_events(struct vhu_net *net)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (net->tx_blocked != 0)
		ev.events |= EPOLLOUT;
	if (net->port->fd < 0 || ev.events == net->port_events)
		return;
	ev.data.u64 = EV_TOKEN(EV_PORT, 0);
	if (epoll_ctl(net->epfd, EPOLL_CTL_MOD, net->port->fd, &ev) < 0) {
		vhu_log(VHU_LOG_ERR, "%s: watching the port: %s", net->dev.name,
			strerror(errno));
		return;
	}
	net->port_events = ev.events;
}

/*
 * A guest ring broke the rules: stop the whole device (see vhu_net.h),
 * once, and tell the front-end through that ring's error fd.
 */
static void break_device(struct vhu_net *net, unsigned int idx)
{
	const char *why = virtq_broken(&net->rings[idx].vq);

	if (net->broken)
		return;
	net->broken = true;
	snprintf(net->broken_reason, sizeof(net->broken_reason), "ring %u: %s",
		 idx, why != NULL ? why : "unusable");
	vhu_log(VHU_LOG_ERR, "%s: %s; the device stops until the front-end "
		"resets it", net->dev.name, net->broken_reason);
	signal_fd(net->dev.rings[idx].err_fd, &net->rings[idx].nb_err_fd);
	/* Only RX work remains: dropping what the port holds for us. */
	net->pending &= rx_ring_mask(net);
	net->tx_blocked = 0;
}

/* Publish what was pushed and call the guest if it wants to hear of it. */
static void publish(struct vhu_net *net, unsigned int idx)
{
	struct virtq *vq = &net->rings[idx].vq;

	if (virtq_flush(vq) < 0) {
		break_device(net, idx);
		return;
	}
	if (virtq_should_call(vq))
		signal_fd(net->dev.rings[idx].call_fd, &net->rings[idx].nb_call_fd);
}

/* ------------------------------------------------------------------ */
/* Guest TX -> port TX ring.                                            */

enum { TX_SENT = 0, TX_DROPPED = 1 };

/*
 * Copy one chain (12-byte header, then the frame) into slots of @ring.
 * TX_SENT, TX_DROPPED (the chain goes back to the guest all the same), or
 * -EAGAIN if the ring lacks room for it now.
 */
static int tx_one(struct vhu_net *net, struct netmap_ring *ring,
		  const struct virtq_elem *e)
{
	const uint32_t bufsz = ring->nr_buf_size;
	size_t total = e->out_len, off = 0;
	struct virtq_net_hdr h;
	uint32_t need, cur, i;

	if (total < VIRTQ_NET_HDR_LEN || total > net->max_frame)
		goto drop;
	virtq_elem_read(e, 0, &h, sizeof(h));
	if (vhu_nethdr_tx_check(&h, net->dev.features,
				total - VIRTQ_NET_HDR_LEN) != VHU_NETHDR_OK)
		goto drop;

	need = (uint32_t)((total + bufsz - 1) / bufsz);
	if (nm_ring_space(ring) < need)
		return -EAGAIN;
	cur = ring->head;
	for (i = 0; i < need; i++) {
		struct netmap_slot *s = &ring->slot[cur];
		char *buf = NETMAP_BUF(ring, s->buf_idx);
		size_t chunk = total - off < bufsz ? total - off : bufsz;

		virtq_elem_read(e, off, buf, chunk);
		/*
		 * The header we checked, not what the guest may have written
		 * there since: the switch acts on it.
		 */
		if (i == 0)
			memcpy(buf, &h, sizeof(h));
		s->len = (uint16_t)chunk;
		s->flags = i + 1 < need ? NS_MOREFRAG : 0;
		off += chunk;
		cur = nm_ring_next(ring, cur);
	}
	ring->head = ring->cur = cur;
	net->stats.tx_pkts++;
	net->stats.tx_bytes += total - VIRTQ_NET_HDR_LEN;
	return TX_SENT;

drop:
	net->stats.tx_drop_bad++;
	return TX_DROPPED;
}

static void tx_run(struct vhu_net *net, unsigned int idx)
{
	struct vhu_net_ring *nr = &net->rings[idx];
	struct virtq *vq = &nr->vq;
	struct netmap_ring *ring = net->port->tx[(idx / 2) % net->port->ntx];
	bool enabled = net->dev.rings[idx].enabled;
	bool blocked = false;
	unsigned int done = 0, unsynced = 0;

	if (!nr->running || net->broken)
		return;
	/* We are here anyway: no kicks until we run out of work. */
	virtq_disable_kicks(vq);
	while (done < VHU_NET_BUDGET && !blocked) {
		unsigned int max = VHU_NET_BUDGET - done;
		int n, j;

		if (max > VHU_NET_BATCH)
			max = VHU_NET_BATCH;
		n = virtq_pop_batch(vq, net->elems, max);
		if (n < 0) {
			break_device(net, idx);
			return;
		}
		if (n == 0)
			break;
		for (j = 0; j < n; j++) {
			const struct virtq_elem *e = &net->elems[j];
			int rc = TX_DROPPED;

			if (!enabled) {
				/* A disabled ring is consumed without effect. */
				net->stats.tx_drop_disabled++;
			} else {
				rc = tx_one(net, ring, e);
				if (rc == -EAGAIN) {
					/* The port may have freed slots since. */
					vhu_port_txsync(net->port);
					unsynced = 0;
					rc = tx_one(net, ring, e);
				}
				if (rc == -EAGAIN) {
					/* Still full: the rest stays in the guest's ring. */
					virtq_unpop(vq, (unsigned int)(n - j));
					blocked = true;
					break;
				}
			}
			if (rc == TX_SENT)
				unsynced++;
			if (virtq_push(vq, e->id, 0) < 0) {
				break_device(net, idx);
				return;
			}
		}
		done += (unsigned int)j;
		/*
		 * The chains go back to the guest batch by batch (the frames are
		 * copied out), but the port is synced once per run: each sync is
		 * a system call, and the switch forwards a larger batch better.
		 */
		publish(net, idx);
		if (net->broken)
			return;
		if ((unsigned int)n < max)
			break;
	}

	if (unsynced != 0)
		vhu_port_txsync(net->port);
	if (blocked) {
		net->tx_blocked |= RING_BIT(idx);
		net->stats.tx_stalls++;
	} else if (done < VHU_NET_BUDGET && net->coalesce_ms != 0 &&
		   done >= VHU_NET_COALESCE_MIN) {
		/*
		 * A busy guest: come back after a while instead of at its next
		 * kick. Each wake-up then finds more chains, and the port
		 * syncs larger batches, which also wakes the receivers less.
		 */
		net->napping |= RING_BIT(idx);
		net->stats.tx_naps++;
	} else if (done >= VHU_NET_BUDGET || virtq_enable_kicks(vq)) {
		/* Out of budget, or the guest added chains as we re-armed. */
		net->pending |= RING_BIT(idx);
	}
}

/* ------------------------------------------------------------------ */
/* Port RX ring -> guest RX.                                            */

/*
 * Deliver the frame in slots [first, first + nfr) of @ring (@total bytes,
 * header included) to RX ring @idx. 0 when the frame is dealt with
 * (delivered or dropped and counted), -ENOBUFS if the guest has no room
 * now (nothing changed, try again later), -EIO if the ring broke.
 */
static int rx_deliver(struct vhu_net *net, unsigned int idx,
		      struct netmap_ring *ring, uint32_t first, uint32_t nfr,
		      size_t total)
{
	struct netmap_slot *s = &ring->slot[first];
	struct iovec iov[NETMAP_MAX_FRAGS];
	struct virtq_net_hdr h;
	enum vhu_nethdr_verdict v;
	uint8_t *stream;
	bool csum, linear;
	int rc;

	if (total < VIRTQ_NET_HDR_LEN || total > net->scratch_len)
		goto bad;
	stream = (uint8_t *)NETMAP_BUF(ring, s->buf_idx);
	/*
	 * A frame in several slots goes to the guest slot by slot, unless its
	 * checksum is to be completed here (the sum runs over the whole
	 * frame) or the header itself is split: then it is gathered first.
	 */
	linear = true;
	if (nfr > 1 && s->len >= VIRTQ_NET_HDR_LEN) {
		memcpy(&h, stream, sizeof(h));
		linear = (h.flags & VIRTQ_NET_HDR_F_NEEDS_CSUM) &&
			 !vhu_dev_has_feature(&net->dev, VHU_F_NET_GUEST_CSUM);
	}
	if (nfr > 1 && linear) {
		size_t off = 0;
		uint32_t i = first;

		for (uint32_t k = 0; k < nfr; k++) {
			s = &ring->slot[i];
			memcpy(net->scratch + off, NETMAP_BUF(ring, s->buf_idx), s->len);
			off += s->len;
			i = nm_ring_next(ring, i);
		}
		stream = net->scratch;
	}
	memcpy(&h, stream, sizeof(h));
	/*
	 * Only a checksum completion touches the frame bytes, and that case
	 * is linear; otherwise the fixup looks at the header and the length.
	 */
	v = vhu_nethdr_rx_fixup(&h, net->dev.features, stream + VIRTQ_NET_HDR_LEN,
				total - VIRTQ_NET_HDR_LEN, &csum);
	if (v == VHU_NETHDR_NO_GSO) {
		net->stats.rx_drop_gso++;
		return 0;
	}
	if (v != VHU_NETHDR_OK)
		goto bad;
	/*
	 * The fixed header goes back in front of the frame: should the guest
	 * have no room now, the retry must not complete the checksum twice
	 * (in a single slot the frame was completed in place).
	 */
	memcpy(stream, &h, sizeof(h));

	if (linear) {
		rc = virtq_rx_enqueue(&net->rings[idx].vq, &h, stream + VIRTQ_NET_HDR_LEN,
				      total - VIRTQ_NET_HDR_LEN);
	} else {
		uint32_t i = first;

		for (uint32_t k = 0; k < nfr; k++) {
			s = &ring->slot[i];
			iov[k].iov_base = (uint8_t *)NETMAP_BUF(ring, s->buf_idx);
			iov[k].iov_len = s->len;
			i = nm_ring_next(ring, i);
		}
		iov[0].iov_base = (uint8_t *)iov[0].iov_base + VIRTQ_NET_HDR_LEN;
		iov[0].iov_len -= VIRTQ_NET_HDR_LEN;
		rc = virtq_rx_enqueue_iov(&net->rings[idx].vq, &h, iov, nfr);
	}
	if (rc == -ENOBUFS)
		return -ENOBUFS;
	if (rc == -EIO) {
		break_device(net, idx);
		return -EIO;
	}
	if (rc < 0) {
		/* -EMSGSIZE: larger than the buffer a guest without MRG_RXBUF gave. */
		net->stats.rx_drop_size++;
		return 0;
	}
	net->stats.rx_pkts++;
	net->stats.rx_bytes += total - VIRTQ_NET_HDR_LEN;
	if (csum)
		net->stats.rx_csum++;
	return 0;

bad:
	net->stats.rx_drop_bad++;
	return 0;
}

/*
 * Walk the frames of port RX ring @ring for guest ring @idx. @usable says
 * whether they can be delivered (else they are dropped). Sets *@blocked if
 * the guest ran out of buffers, *@more if the budget ran out first.
 */
static void rx_ring(struct vhu_net *net, unsigned int idx,
			struct netmap_ring *ring, bool usable, bool *blocked,
			bool *more)
{
	const uint32_t tail = ring->tail;
	uint32_t i = ring->head, frames = 0;
	bool waiting = false;

	while (i != tail) {
		uint32_t first = i, nfr = 0;
		size_t total = 0;
		bool complete = false, bad = false;

		if (frames == VHU_NET_BUDGET) {
			*more = true;
			break;
		}
		for (;;) {
			const struct netmap_slot *s = &ring->slot[i];

			nfr++;
			total += s->len;
			if (s->len > ring->nr_buf_size)
				bad = true;
			i = nm_ring_next(ring, i);
			if (!(s->flags & NS_MOREFRAG) || nfr == NETMAP_MAX_FRAGS) {
				/* A chain longer than netmap allows is cut and dropped. */
				bad = bad || (s->flags & NS_MOREFRAG);
				complete = true;
				break;
			}
			if (i == tail)
				break;
		}
		if (!complete) {
			/* The rest of the chain is not published yet. */
			i = first;
			waiting = true;
			break;
		}
		frames++;
		if (bad) {
			net->stats.rx_drop_bad++;
			continue;
		}
		if (!usable) {
			net->stats.rx_drop_noqueue++;
			continue;
		}
		switch (rx_deliver(net, idx, ring, first, nfr, total)) {
		case -ENOBUFS:
			i = first;
			*blocked = true;
			waiting = true;
			break;
		case -EIO:
			/* The device is broken now; this and the rest are dropped. */
			usable = false;
			net->stats.rx_drop_noqueue++;
			break;
		default:
			break;
		}
		if (*blocked)
			break;
	}
	ring->head = i;
	/*
	 * cur is where the kernel compares tail for POLLIN: past what we
	 * already looked at, so that only new arrivals wake us while we wait
	 * for the guest (or for the rest of a chain).
	 */
	ring->cur = waiting ? tail : i;
}

static void rx_run(struct vhu_net *net, unsigned int idx)
{
	struct vhu_net_ring *nr = &net->rings[idx];
	unsigned int qp = idx / 2;
	bool usable = nr->running && net->dev.rings[idx].enabled && !net->broken;
	bool blocked = false, more = false;

	for (unsigned int k = qp; k < net->port->nrx; k += net->queue_pairs) {
		struct netmap_ring *ring = net->port->rx[k];

		if (blocked) {
			/* Same guest queue, same lack of buffers: wait, quietly. */
			ring->cur = ring->tail;
			continue;
		}
		rx_ring(net, idx, ring, usable, &blocked, &more);
		usable = usable && !net->broken;
	}
	if (more)
		net->pending |= RING_BIT(idx);
	if (!usable)
		return;
	publish(net, idx);
	if (net->broken)
		return;
	if (blocked) {
		net->stats.rx_stalls++;
		if (net->coalesce_ms != 0) {
			/*
			 * The guest is the bottleneck: come back when it has had
			 * time to free many buffers, not at its first refill.
			 */
			net->napping |= RING_BIT(idx);
			net->stats.rx_naps++;
		} else if (virtq_enable_kicks(&nr->vq)) {
			/* Its kick says there are buffers; it may have added some already. */
			net->pending |= RING_BIT(idx);
		}
	} else {
		/* Buffers were there when needed: their kicks would only cost. */
		virtq_disable_kicks(&nr->vq);
	}
}

/* ------------------------------------------------------------------ */
/* Events.                                                              */

static void run_pending(struct vhu_net *net)
{
	uint32_t work = net->pending, rx = rx_ring_mask(net);

	net->pending = 0;
	/*
	 * Learn of new frames first, and give back what we consumed after.
	 * When the port fd itself woke us, the kernel's poll has just synced
	 * its rings (netmap's poll runs the sync): no need to ask again.
	 */
	if ((work & rx) && !net->port_fresh)
		vhu_port_rxsync(net->port);
	net->port_fresh = false;
	for (unsigned int idx = 0; idx < net->dev.nrings; idx++) {
		if (!(work & RING_BIT(idx)))
			continue;
		if (is_tx(idx))
			tx_run(net, idx);
		else
			rx_run(net, idx);
	}
	if (work & rx)
		vhu_port_rxsync(net->port);
	update_port_events(net);
}

static void unwatch_kick(struct vhu_net *net, unsigned int idx)
{
	struct vhu_net_ring *nr = &net->rings[idx];

	if (nr->watched_fd < 0)
		return;
	/* The fd is still open here; its owner closes it after ring_stopped. */
	epoll_ctl(net->epfd, EPOLL_CTL_DEL, nr->watched_fd, NULL);
	nr->watched_fd = -1;
}

static void on_kick(struct vhu_net *net, unsigned int idx)
{
	struct vhu_net_ring *nr = &net->rings[idx];
	const char *why = NULL;
	uint64_t v;
	ssize_t r;

	if (idx >= net->dev.nrings || nr->watched_fd < 0)
		return;
	/*
	 * Drain the eventfd (non-blocking, see watch_kick): one read empties
	 * a plain eventfd. A kick fd that stays readable would wake us
	 * forever and spin a CPU: one at end of file, one that fails to read,
	 * or a semaphore eventfd (each read takes 1 off its count, and a
	 * hostile front-end sets the count to 2^62). Poll that ring instead.
	 */
	r = read(nr->watched_fd, &v, sizeof(v));
	if (r == 0) {
		why = "at end of file";
	} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
		why = "unreadable";
	} else if (r == (ssize_t)sizeof(v) && v == 1 &&
		   read(nr->watched_fd, &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		/*
		 * Readable again at once. A busy guest can kick between the
		 * two reads now and then; a semaphore does it every time.
		 */
		if (++nr->sticky_kicks >= VHU_NET_STICKY_KICKS)
			why = "still readable after every read (not a plain eventfd)";
	} else {
		nr->sticky_kicks = 0;
	}
	if (why != NULL) {
		vhu_log(VHU_LOG_WARN, "%s: ring %u: kick fd %s, polling the ring "
			"instead", net->dev.name, idx, why);
		unwatch_kick(net, idx);
		net->polled |= RING_BIT(idx);
	}
	net->pending |= RING_BIT(idx);
}

static void on_port(struct vhu_net *net, uint32_t events)
{
	if (events & EPOLLIN)
		net->port_fresh = true;
	if (events & (EPOLLIN | EPOLLERR))
		net->pending |= rx_ring_mask(net);
	if (events & (EPOLLOUT | EPOLLERR)) {
		net->pending |= net->tx_blocked;
		net->tx_blocked = 0;
	}
}

void vhu_net_poll(struct vhu_net *net)
{
	struct epoll_event ev[VHU_MAX_RINGS + 1];
	int n;

	do {
		n = epoll_wait(net->epfd, ev, (int)(sizeof(ev) / sizeof(ev[0])), 0);
	} while (n < 0 && errno == EINTR);
	for (int i = 0; i < n; i++) {
		uint32_t kind = (uint32_t)(ev[i].data.u64 >> 32);
		uint32_t idx = (uint32_t)ev[i].data.u64;

		if (kind == EV_KICK)
			on_kick(net, idx);
		else if (kind == EV_PORT)
			on_port(net, ev[i].events);
	}
	/* Every call ends a nap: the caller waits at most vhu_net_timeout_ms(). */
	net->pending |= net->polled | net->napping;
	net->napping = 0;
	if (net->pending != 0)
		run_pending(net);
}

void vhu_net_poll_all(struct vhu_net *net)
{
	for (unsigned int idx = 0; idx < net->dev.nrings; idx++) {
		if (net->rings[idx].running)
			net->pending |= RING_BIT(idx);
	}
	net->pending |= rx_ring_mask(net);
	vhu_net_poll(net);
}

int vhu_net_timeout_ms(const struct vhu_net *net)
{
	if (net->pending != 0)
		return 0;
	if (net->polled != 0)
		return 1;
	return net->napping != 0 ? (int)net->coalesce_ms : -1;
}

int vhu_net_fd(const struct vhu_net *net)
{
	return net->epfd;
}

void vhu_net_mem_fault(struct vhu_net *net)
{
	vhu_log(VHU_LOG_ERR, "%s: the guest's memory vanished under the back-end "
		"(SIGBUS: the front-end shrank a shared region); dropping the "
		"front-end", net->dev.name);
	net->stats.mem_faults++;
	net->mem_fault = true;
	vhu_dev_disconnect(&net->dev);
	net->mem_fault = false;
}

const char *vhu_net_broken(const struct vhu_net *net)
{
	return net->broken ? net->broken_reason : NULL;
}

int vhu_net_announce(struct vhu_net *net, const uint8_t mac[6])
{
	struct netmap_ring *ring = net->port->tx[0];
	struct netmap_slot *s;
	uint8_t *buf;

	if (nm_ring_space(ring) == 0)
		vhu_port_txsync(net->port);
	if (nm_ring_space(ring) == 0) {
		net->stats.announce_drops++;
		return -1;
	}
	s = &ring->slot[ring->head];
	buf = (uint8_t *)NETMAP_BUF(ring, s->buf_idx);
	/* A header of zeros: no offloads, nothing to complete. */
	memset(buf, 0, VIRTQ_NET_HDR_LEN);
	s->len = (uint16_t)(VIRTQ_NET_HDR_LEN + vhu_rarp_build(buf + VIRTQ_NET_HDR_LEN, mac));
	s->flags = 0;
	ring->head = ring->cur = nm_ring_next(ring, ring->head);
	vhu_port_txsync(net->port);
	net->stats.announces++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Protocol callbacks.                                                  */

static struct vhu_net *net_of(struct vhu_dev *dev)
{
	return dev->ctx;
}

/*
 * Watch the kick fd of ring @idx. Non-blocking, since we read it after
 * every wake-up and a spurious one must not hang us; an fd epoll refuses
 * (a regular file) means polling the ring.
 */
static void watch_kick(struct vhu_net *net, unsigned int idx)
{
	int fd = net->dev.rings[idx].kick_fd;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV_TOKEN(EV_KICK, idx) };
	int fl;

	if (fd < 0) {
		/* The front-end asked for polling (VHOST_USER_VRING_NOFD_MASK). */
		net->polled |= RING_BIT(idx);
		return;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    epoll_ctl(net->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		vhu_log(VHU_LOG_WARN, "%s: ring %u: cannot watch the kick fd (%s), "
			"polling the ring instead", net->dev.name, idx, strerror(errno));
		net->polled |= RING_BIT(idx);
		return;
	}
	net->rings[idx].watched_fd = fd;
}

static void cb_ring_started(struct vhu_dev *dev, unsigned int idx)
{
	struct vhu_net *net = net_of(dev);
	struct vhu_vring *r = &dev->rings[idx];
	struct vhu_net_ring *nr = &net->rings[idx];
	struct virtq_setup s = {
		.mem = &dev->mem,
		.num = r->num,
		.desc = r->desc,
		.avail = r->avail,
		.used = r->used,
		.used_gpa = r->used_gpa,
		.features = dev->features,
		.log = r->log,
	};

	if (virtq_init(&nr->vq, &s) < 0) {
		vhu_log(VHU_LOG_ERR, "%s: ring %u cannot run (features 0x%llx: a "
			"VERSION_1 front-end is required)", dev->name, idx,
			(unsigned long long)dev->features);
		return;
	}
	if (virtq_set_base(&nr->vq, r->last_avail_idx) == 1)
		vhu_log(VHU_LOG_WARN, "%s: ring %u: base %u is more than a queue "
			"ahead of the used index %u; resuming from the used index",
			dev->name, idx, r->last_avail_idx, nr->vq.used_idx);
	nr->running = true;
	nr->nb_call_fd = nr->nb_err_fd = -1;
	nr->sticky_kicks = 0;
	watch_kick(net, idx);
	/* Kicks sent while the ring was stopped went nowhere: look now. */
	net->pending |= RING_BIT(idx);
}

static void cb_ring_stopped(struct vhu_dev *dev, unsigned int idx)
{
	struct vhu_net *net = net_of(dev);
	struct vhu_net_ring *nr = &net->rings[idx];
	bool any = false;

	unwatch_kick(net, idx);
	net->pending &= ~RING_BIT(idx);
	net->tx_blocked &= ~RING_BIT(idx);
	net->polled &= ~RING_BIT(idx);
	net->napping &= ~RING_BIT(idx);
	if (nr->running) {
		/*
		 * Nothing is in flight between calls; flush for good measure,
		 * unless the guest's memory is gone (vhu_net_mem_fault()).
		 */
		if (!net->mem_fault)
			virtq_flush(&nr->vq);
		dev->rings[idx].last_avail_idx = virtq_get_base(&nr->vq);
		nr->running = false;
	}
	virtq_reset(&nr->vq);

	for (unsigned int i = 0; i < dev->nrings; i++)
		any = any || net->rings[i].running;
	if (!any && net->broken) {
		/* Every ring stopped: whatever the guest broke is being redone. */
		vhu_log(VHU_LOG_INFO, "%s: every ring stopped, the device runs "
			"again when they restart", dev->name);
		net->broken = false;
		net->broken_reason[0] = '\0';
	}
}

static void cb_ring_enabled(struct vhu_dev *dev, unsigned int idx, bool on)
{
	struct vhu_net *net = net_of(dev);

	(void)on;
	/* Either way the ring has work now: frames to send, drop or deliver. */
	if (net->rings[idx].running)
		net->pending |= RING_BIT(idx);
}

static void cb_mem_changed(struct vhu_dev *dev)
{
	/*
	 * Every ring was stopped first and nothing outside the rings points
	 * into guest memory (elements never live past a datapath call).
	 */
	vhu_log(VHU_LOG_DEBUG, "%s: guest memory changed (%u regions)", dev->name,
		dev->mem.nregions);
}

static void cb_send_rarp(struct vhu_dev *dev, const uint8_t mac[6])
{
	struct vhu_net *net = net_of(dev);

	vhu_log(VHU_LOG_INFO, "%s: announcing %02x:%02x:%02x:%02x:%02x:%02x",
		dev->name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (vhu_net_announce(net, mac) < 0)
		vhu_log(VHU_LOG_WARN, "%s: no room in the port for the announcement",
			dev->name);
}

static const struct vhu_dev_ops net_ops = {
	.ring_started = cb_ring_started,
	.ring_stopped = cb_ring_stopped,
	.ring_enabled = cb_ring_enabled,
	.mem_changed = cb_mem_changed,
	.send_rarp = cb_send_rarp,
};

/* ------------------------------------------------------------------ */
/* Life cycle.                                                          */

/*
 * What the port's rings can carry: the longest header + frame a TX chain
 * may hold (every ring at once, so that any accepted frame fits an empty
 * ring), and the longest chain an RX ring may bring.
 */
static int port_limits(struct vhu_net *net, struct vhu_err *err)
{
	const struct vhu_port *p = net->port;
	size_t tx_max = SIZE_MAX, rx_max = 0;

	if (p->ntx == 0 || p->nrx == 0 || p->ntx > VHU_PORT_MAX_RINGS ||
	    p->nrx > VHU_PORT_MAX_RINGS)
		return vhu_err_set(err, "%s: %u TX and %u RX rings, 1..%u each needed",
				   p->name, p->ntx, p->nrx, VHU_PORT_MAX_RINGS);
	for (unsigned int i = 0; i < p->ntx; i++) {
		const struct netmap_ring *r = p->tx[i];
		uint32_t slots = r->num_slots - 1 < NETMAP_MAX_FRAGS ?
				 r->num_slots - 1 : NETMAP_MAX_FRAGS;
		size_t m;

		/* The header and a RARP frame must fit a slot, a slot's length 16 bits. */
		if (r->num_slots < 2 || r->nr_buf_size < VIRTQ_NET_HDR_LEN + VHU_RARP_FRAME_LEN ||
		    r->nr_buf_size > UINT16_MAX)
			return vhu_err_set(err, "%s: TX ring %u has %u slots of %u bytes",
					   p->name, i, r->num_slots, r->nr_buf_size);
		m = (size_t)slots * r->nr_buf_size;
		if (m < tx_max)
			tx_max = m;
	}
	for (unsigned int i = 0; i < p->nrx; i++) {
		size_t m = (size_t)NETMAP_MAX_FRAGS * p->rx[i]->nr_buf_size;

		if (m > rx_max)
			rx_max = m;
	}
	net->max_frame = tx_max;
	net->scratch_len = rx_max;
	return 0;
}

int vhu_net_init(struct vhu_net *net, const struct vhu_net_config *cfg,
		 struct vhu_port *port, struct vhu_err *err)
{
	struct vhu_dev_config dc;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV_TOKEN(EV_PORT, 0) };
	size_t mtu;

	memset(net, 0, sizeof(*net));
	net->epfd = -1;
	net->port = port;
	for (unsigned int i = 0; i < VHU_MAX_RINGS; i++) {
		net->rings[i].watched_fd = -1;
		net->rings[i].nb_call_fd = -1;
		net->rings[i].nb_err_fd = -1;
	}
	if (cfg->queue_pairs < 1 || cfg->queue_pairs > VHU_MAX_QUEUE_PAIRS)
		return vhu_err_set(err, "%u queue pairs, 1..%u possible",
				   cfg->queue_pairs, VHU_MAX_QUEUE_PAIRS);
	net->queue_pairs = cfg->queue_pairs;
	if (cfg->coalesce_ms > VHU_NET_COALESCE_MAX_MS)
		return vhu_err_set(err, "coalescing of %u ms, 0..%u possible",
				   cfg->coalesce_ms, VHU_NET_COALESCE_MAX_MS);
	net->coalesce_ms = cfg->coalesce_ms;
	if (port_limits(net, err) < 0)
		return -1;

	/* An MTU the port cannot carry would have the guest send frames we drop. */
	mtu = net->max_frame - VIRTQ_NET_HDR_LEN - VHU_NETHDR_MIN_FRAME;
	if (cfg->max_mtu != 0 && cfg->max_mtu < mtu)
		mtu = cfg->max_mtu;
	if (mtu > VHU_DEFAULT_MAX_MTU)
		mtu = VHU_DEFAULT_MAX_MTU;
	if (mtu < VHU_MIN_MTU)
		return vhu_err_set(err, "%s: frames of at most %zu bytes fit the "
				   "port, less than the minimum MTU", port->name, mtu);

	vhu_dev_config_default(&dc);
	dc.name = cfg->name;
	if (cfg->features != 0)
		dc.features = cfg->features;
	dc.max_queue_pairs = cfg->queue_pairs;
	dc.max_mtu = (uint32_t)mtu;
	dc.ops = &net_ops;
	dc.ctx = net;

	net->elems = calloc(VHU_NET_BATCH, sizeof(*net->elems));
	net->scratch = malloc(net->scratch_len);
	if (net->elems == NULL || net->scratch == NULL) {
		vhu_err_set(err, "out of memory");
		goto fail_alloc;
	}
	net->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (net->epfd < 0) {
		vhu_err_set(err, "epoll_create1: %s", strerror(errno));
		goto fail_alloc;
	}
	if (port->fd >= 0) {
		if (epoll_ctl(net->epfd, EPOLL_CTL_ADD, port->fd, &ev) < 0) {
			vhu_err_set(err, "%s: watching the port: %s", port->name,
				    strerror(errno));
			goto fail_epoll;
		}
		net->port_events = ev.events;
	}
	if (vhu_dev_init(&net->dev, &dc, err) < 0)
		goto fail_epoll;
	return 0;

fail_epoll:
	close(net->epfd);
	net->epfd = -1;
fail_alloc:
	free(net->scratch);
	free(net->elems);
	net->scratch = NULL;
	net->elems = NULL;
	return -1;
}

void vhu_net_fini(struct vhu_net *net)
{
	/* The device's callbacks still need the epoll set: disconnect first. */
	vhu_dev_fini(&net->dev);
	if (net->epfd >= 0)
		close(net->epfd);
	net->epfd = -1;
	free(net->scratch);
	free(net->elems);
	net->scratch = NULL;
	net->elems = NULL;
}
