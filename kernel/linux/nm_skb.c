// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_skb.c - frames between sk_buffs and netmap rings, for every path where
 * the kernel itself fills or drains a ring: the generic adapter, uplinks and
 * persistent ports used by the stack.
 *
 * Into a ring go wire frames only: offloaded GSO packets are segmented and
 * partial checksums completed first, and a frame larger than a buffer
 * spreads over NS_MOREFRAG slots. Out of a ring, a packet (all its slots)
 * becomes one linear skb.
 *
 * Also here: the kernel's side of a switch port it drives (an uplink's two
 * sides, a persistent port the stack uses): forwarding what was written
 * into its TX rings, and handing what the switch delivered to the stack.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>
#endif

#include "../nm_os.h"
#include "../core/nm_port.h"
#include "../core/nm_monitor.h"
#include "../core/vale.h"
#include "nm_linux.h"

/*
 * Copy @skb (data at the MAC header, linear or not) into the free slots of
 * RX ring @k. Runs in softirq context (rx_handler, xmit hook); the ring lock
 * orders it against the application's RX sync and other CPUs.
 */
static void nm_skb_copy_in(struct nm_kring *k, struct sk_buff *skb)
{
	struct nm_mem *mem = k->port->mem;
	uint32_t bsize = nm_mem_buf_size(mem), n = k->num_slots;
	uint32_t len = skb->len, need, room, j, ofs = 0;

	need = len ? DIV_ROUND_UP(len, bsize) : 1;
	spin_lock(&k->lock);
	if (unlikely(!k->ring)) {
		spin_unlock(&k->lock);
		return;
	}
	/*
	 * An application's RX ring fills [hwtail, hwcur - 1); an uplink's
	 * TX ring, which we fill for the switch to forward, [kfill, hwtail).
	 */
	if (k->dir == NM_RX)
		room = nm_dist(k->hwtail, nm_prev(k->hwcur, n), n);
	else
		room = nm_dist(k->kfill, k->hwtail, n);
	if (len > NM_SKB_MAX_FRAME || need > NM_SKB_MAX_FRAGS) {
		k->stats.drop_bad_slot++;
		goto out;
	}
	if (need > room) {
		k->stats.drop_no_room++;
		goto out;
	}
	for (j = k->dir == NM_RX ? k->hwtail : k->kfill; need;
	     need--, j = nm_next(j, n)) {
		struct netmap_slot *s = &k->ring->slot[j];
		uint32_t chunk = min(len - ofs, bsize);

		if (unlikely(!nm_mem_buf_valid(mem, s->buf_idx)))
			chunk = 0;	/* the user broke the slot; keep going */
		else if (skb_copy_bits(skb, ofs, nm_mem_buf(mem, s->buf_idx), chunk))
			chunk = 0;
		s->len = chunk;
		s->flags = need > 1 ? NS_MOREFRAG : 0;
		ofs += min(len - ofs, bsize);
	}
	if (k->dir == NM_TX) {
		/* Counted as sent when the switch forwards it. */
		k->kfill = j;
		spin_unlock(&k->lock);
		return;
	}
	k->stats.pkts++;
	k->stats.bytes += len;
	smp_wmb();
	WRITE_ONCE(k->hwtail, j);
	spin_unlock(&k->lock);
	wake_up(&k->wq);
	wake_up(&k->port->wq);
	return;
out:
	spin_unlock(&k->lock);
}

/*
 * Deliver @skb (data at the MAC header) to RX ring @k as wire frames:
 * offloaded segments are cut and partial checksums filled in first.
 * Consumes @skb.
 */
void nm_skb_to_ring(struct nm_kring *k, struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	if (skb_is_gso(skb)) {
		segs = __skb_gso_segment(skb, 0, skb->ip_summed == CHECKSUM_PARTIAL);
		if (IS_ERR_OR_NULL(segs)) {
			k->stats.drop_bad_slot++;
			kfree_skb(skb);
			return;
		}
		consume_skb(skb);
		skb_list_walk_safe(segs, skb, next) {
			skb_mark_not_on_list(skb);
			nm_skb_copy_in(k, skb);
			consume_skb(skb);
		}
		return;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		k->stats.drop_bad_slot++;
		kfree_skb(skb);
		return;
	}
	nm_skb_copy_in(k, skb);
	consume_skb(skb);
}

/*
 * Slots of the packet starting at @j, if it is complete before @head:
 * returns the slot count and its byte length in *len, 0 if incomplete.
 */
uint32_t nm_ring_pkt(struct nm_kring *k, uint32_t j, uint32_t head,
			   uint32_t *len)
{
	uint32_t n = k->num_slots, cnt = 0, l = 0;

	while (j != head) {
		struct netmap_slot *s = &k->ring->slot[j];

		l += s->len;
		cnt++;
		j = nm_next(j, n);
		if (!(s->flags & NS_MOREFRAG) || cnt == NM_SKB_MAX_FRAGS) {
			*len = l;
			return cnt;
		}
	}
	return 0;
}

/* A new skb holding the packet of @cnt slots from @j, or NULL. */
struct sk_buff *nm_skb_from_ring(struct nm_kring *k, struct net_device *dev,
				    uint32_t j, uint32_t cnt, uint32_t len)
{
	struct nm_mem *mem = k->port->mem;
	uint32_t bsize = nm_mem_buf_size(mem), n = k->num_slots;
	struct sk_buff *skb;

	/* ETH_ZLEN of tailroom lets drivers pad short frames in place. */
	skb = netdev_alloc_skb(dev, max_t(uint32_t, len, ETH_ZLEN));
	if (!skb)
		return NULL;
	for (; cnt; cnt--, j = nm_next(j, n)) {
		struct netmap_slot *s = &k->ring->slot[j];

		if (!nm_mem_buf_valid(mem, s->buf_idx) || s->len > bsize ||
		    (s->flags & NS_INDIRECT)) {
			kfree_skb(skb);
			return NULL;
		}
		skb_put_data(skb, nm_mem_buf(mem, s->buf_idx), s->len);
	}
	skb_reset_mac_header(skb);
	skb->dev = dev;
	if (len >= ETH_HLEN)
		skb->protocol = eth_hdr(skb)->h_proto;
	return skb;
}

/*
 * Forward what the kernel wrote into the TX rings of switch port @w
 * (between hwcur and kfill). Returns true if anything went. The caller
 * runs one forwarder per port at a time.
 */
bool nm_kport_forward(struct nm_port *w)
{
	bool moved = false;
	uint32_t i;

	for (i = 0; i < w->nrings[NM_TX]; i++)
		moved |= nm_kport_forward_ring(&w->krings[NM_TX][i]);
	return moved;
}

/*
 * One TX ring of a kernel-driven switch port; skipped while another
 * forwarder (a polling thread, the work item) has it.
 */
bool nm_kport_forward_ring(struct nm_kring *k)
{
	uint32_t head;

	if (!nm_os_busy_trylock(&k->busy))
		return false;
	spin_lock_bh(&k->lock);
	head = k->kfill;
	spin_unlock_bh(&k->lock);
	if (head == k->hwcur) {
		nm_os_busy_unlock(&k->busy);
		return false;
	}
	k->rhead = k->rcur = head;
	/* Copy monitors see what the kernel sends as they see applications'. */
	if (unlikely(k->nmon))
		nm_monitor_tx(k);
	vale_txsync(k);
	/* The slots are read; the producer may fill them again. */
	smp_mb();
	nm_os_busy_unlock(&k->busy);
	return true;
}

/* One pass of nm_kport_to_stack(), with the ring's busy bit held. */
static void nm_kport_to_stack_once(struct nm_kring *k, struct net_device *dev,
				   uint32_t prio)
{
	uint32_t n = k->num_slots, j = k->hwcur, tail, cnt, len;

	if (unlikely(k->nmon))
		nm_monitor_rx(k);
	tail = READ_ONCE(k->hwtail);
	smp_rmb();
	while ((cnt = nm_ring_pkt(k, j, tail, &len))) {
		struct sk_buff *skb = NULL;

		if (dev && len >= ETH_HLEN && len <= NM_SKB_MAX_FRAME)
			skb = nm_skb_from_ring(k, dev, j, cnt, len);
		if (skb) {
			skb->protocol = eth_type_trans(skb, dev);
			skb->priority = prio;
			if (netif_rx(skb) != NET_RX_SUCCESS)
				k->stats.drop_no_room++;
		} else {
			k->stats.drop_bad_slot++;
		}
		j = (j + cnt) % n;
	}
	/* The senders' room is what we gave back. */
	spin_lock_bh(&k->lock);
	k->hwcur = j;
	spin_unlock_bh(&k->lock);
}

/*
 * Frames the switch published in RX ring @k enter the stack of @dev (NULL:
 * dropped) as if @dev received them, with skb->priority @prio. One drainer
 * at a time: a sender publishing while another drains leaves the frames to
 * it, so the drainer looks again after letting go of the ring.
 */
void nm_kport_to_stack(struct nm_kring *k, struct net_device *dev, uint32_t prio)
{
	do {
		if (!nm_os_busy_trylock(&k->busy))
			return;
		nm_kport_to_stack_once(k, dev, prio);
		nm_os_busy_unlock(&k->busy);
		smp_mb();
	} while (READ_ONCE(k->hwtail) != READ_ONCE(k->hwcur));
}
