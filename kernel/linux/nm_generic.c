// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_generic.c - the generic adapter: any Ethernet device of the kernel as a
 * netmap port, "eth0" (NIC rings), "eth0^" (host rings), "eth0*" (both).
 *
 * Receive: an rx_handler steals each frame meant for a NIC RX ring that an
 * application has bound and copies it into that ring's free slots (a frame
 * larger than a buffer spreads over NS_MOREFRAG slots; offloaded GSO frames
 * are segmented and partial checksums completed first, so the ring only
 * ever holds frames as they would be on the wire). Frames for rings nobody
 * bound go on to the stack as usual.
 *
 * Transmit: the TX sync copies each packet into a fresh skb and hands it to
 * the driver's own ndo_start_xmit under the queue's xmit lock, skipping the
 * qdisc. The sync stops, leaving the slots pending so that the ring looks
 * full, when the driver has stopped its queue or when the skbs still in
 * flight reach a socket-sized budget: every skb is charged to a kernel
 * socket of the adapter, as AF_PACKET charges its own, because some
 * drivers never stop their queue (veth hands frames to the peer's backlog
 * and drops there when it is full). That is the back-pressure; nothing
 * queues up without bound. Freed skbs wake the sender (the socket's
 * write_space, through a work item), and a timer is the safety net. Skbs
 * are not held across driver calls for reuse: some drivers pad or
 * reallocate what they are given, which is unsafe on an skb we still
 * reference; the slab's per-CPU caches do the recycling.
 *
 * Host rings: while an application owns a NIC TX ring, what the stack
 * transmits on the device is diverted (through a copy of the device's
 * net_device_ops with our ndo_start_xmit) into the host RX ring; frames
 * written to the host TX ring enter the stack as if the device had
 * received them. The device gets its original ops and no rx_handler back
 * when the last application closes, or when the device goes away first.
 *
 * Locking: control lock -> rtnl -> nm_gna_lock. The netdev notifier runs
 * under rtnl and so never takes the control lock; it only unhooks the
 * device and lets go of it, and the port stays behind, inert, until its
 * last user closes it.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/version.h>
#include <net/sock.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>
#endif

#include "../nm_os.h"
#include "../core/nm_bind.h"
#include "../core/nm_ctrl.h"
#include "../core/vale.h"
#include "nm_linux.h"

#define NM_GNA_SLOTS		1024
#define NM_GNA_MAX_RINGS	64
/* skb->priority of frames we inject into the stack: our rx_handler lets them by. */
#define NM_GNA_MAGIC_PRIO	0x4e4d4750

struct nm_gna {
	struct nm_port up;
	struct net_device *dev;			/* referenced until it goes away */
	struct net_device __rcu *live;		/* set while hooked */
	const struct net_device_ops *orig_ops;
	struct net_device_ops ops;		/* orig_ops with our start_xmit */
	bool hooked;				/* under rtnl */
	bool gone;				/* device unregistered */
	bool dev_held;				/* under nm_gna_lock */
	struct timer_list tx_timer;		/* retry after a stopped queue */
	struct socket *sock;			/* skbs in flight are charged to it */
	void (*orig_write_space)(struct sock *sk);
	struct work_struct tx_work;		/* skbs were freed: send more */
	bool uplink_live;			/* resume may drain the uplink's rings */
	bool promisc;				/* we hold a promiscuity reference (rtnl) */
	struct work_struct fwd_work;		/* uplink: received frames into the switch */
	struct nm_poller *poller;		/* or polling threads do (control lock) */
	struct list_head list;
};

/*
 * Every adapter until its port is destroyed. Changed with both the control
 * lock and nm_gna_lock held, so either one is enough to walk it; the netdev
 * notifier (under rtnl, never the control lock) uses nm_gna_lock.
 */
static LIST_HEAD(nm_gna_list);
static DEFINE_MUTEX(nm_gna_lock);

static void nm_gna_reap(struct work_struct *work);
static DECLARE_WORK(nm_gna_reap_work, nm_gna_reap);

static struct nm_gna *nm_gna_of(struct nm_port *p)
{
	return container_of(p, struct nm_gna, up);
}

static bool nm_gna_ring_on(struct nm_kring *k)
{
	return READ_ONCE(k->users) && READ_ONCE(k->ring);
}

/* An application owns a NIC TX ring: the stack no longer transmits here. */
static bool nm_gna_tx_owned(struct nm_gna *g)
{
	uint32_t i;

	for (i = 0; i < g->up.nrings[NM_TX]; i++)
		if (nm_gna_ring_on(&g->up.krings[NM_TX][i]))
			return true;
	return false;
}

static rx_handler_result_t nm_gna_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct nm_gna *g = rcu_dereference(skb->dev->rx_handler_data);
	struct nm_port *w;
	struct nm_kring *k;
	uint32_t q = 0;

	if (skb->priority == NM_GNA_MAGIC_PRIO) {
		/* Injected from our host TX ring: it is for the stack. */
		skb->priority = 0;
		return RX_HANDLER_PASS;
	}
	if (!g || !g->up.nrings[NM_RX])
		return RX_HANDLER_PASS;
	if (skb_rx_queue_recorded(skb))
		q = skb_get_rx_queue(skb);
	w = READ_ONCE(g->up.wrap[0]);
	if (w) {
		/* An uplink: into the switch, through the NIC side's TX ring. */
		k = &w->krings[NM_TX][q % w->nrings[NM_TX]];
	} else {
		k = &g->up.krings[NM_RX][q % g->up.nrings[NM_RX]];
		if (!nm_gna_ring_on(k))
			return RX_HANDLER_PASS;
	}
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	skb_push(skb, skb->data - skb_mac_header(skb));
	/* A tag the hardware stripped is put back where it was. */
	if (skb_vlan_tag_present(skb)) {
		skb = __vlan_hwaccel_push_inside(skb);
		if (!skb) {
			k->stats.drop_bad_slot++;
			return RX_HANDLER_CONSUMED;
		}
	}
	nm_skb_to_ring(k, skb);
	if (w && !READ_ONCE(g->poller))
		queue_work(system_highpri_wq, &g->fwd_work);
	return RX_HANDLER_CONSUMED;
}

/* What the stack transmits on a device whose TX an application owns. */
static netdev_tx_t nm_gna_stack_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nm_gna *g = rcu_dereference_bh(dev->rx_handler_data);
	struct nm_port *w;
	struct nm_kring *k;

	if (unlikely(!g)) {
		/* Cannot happen while hooked (we unhook before unregistering). */
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	w = READ_ONCE(g->up.wrap[0]);
	if (w) {
		/* An uplink: the stack reaches the switch only through "IF^". */
		w = READ_ONCE(g->up.wrap[1]);
		k = w ? &w->krings[NM_TX][0] : NULL;
	} else if (!nm_gna_tx_owned(g)) {
		return g->orig_ops->ndo_start_xmit(skb, dev);
	} else if (g->up.nhost[NM_RX]) {
		k = &g->up.krings[NM_RX][g->up.nrings[NM_RX]];
		if (!nm_gna_ring_on(k))
			k = NULL;
	} else {
		k = NULL;
	}
	if (!k) {
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return NETDEV_TX_OK;
	nm_skb_to_ring(k, skb);
	if (w)
		queue_work(system_highpri_wq, &g->fwd_work);
	return NETDEV_TX_OK;
}

static void nm_gna_drain(struct nm_gna *g, struct nm_kring *k);

/* The driver or the budget stopped us: send what waits, or wake the senders. */
static void nm_gna_tx_resume(struct nm_gna *g)
{
	struct nm_port *w = READ_ONCE(g->up.wrap[0]);
	uint32_t i;

	if (w && READ_ONCE(g->uplink_live)) {
		for (i = 0; i < w->nrings[NM_RX]; i++)
			nm_gna_drain(g, &w->krings[NM_RX][i]);
		return;
	}
	for (i = 0; i < g->up.nrings[NM_TX]; i++)
		wake_up(&g->up.krings[NM_TX][i].wq);
	wake_up(&g->up.wq);
}

static void nm_gna_tx_timer(struct timer_list *t)
{
	struct nm_gna *g = from_timer(g, t, tx_timer);

	nm_gna_tx_resume(g);
}

static void nm_gna_tx_work(struct work_struct *work)
{
	nm_gna_tx_resume(container_of(work, struct nm_gna, tx_work));
}

/* Called by sock_wfree() for each skb of ours that is freed. */
static void nm_gna_write_space(struct sock *sk)
{
	struct nm_gna *g;

	rcu_read_lock();
	g = rcu_dereference_sk_user_data(sk);
	/* Half the budget back before the senders run again. */
	if (g && sk_wmem_alloc_get(sk) < READ_ONCE(sk->sk_sndbuf) / 2)
		queue_work(system_highpri_wq, &g->tx_work);
	rcu_read_unlock();
}

/* May another skb go to the driver, or are enough in flight already? */
static bool nm_gna_tx_room(struct nm_gna *g)
{
	struct sock *sk = g->sock->sk;

	if (sk_wmem_alloc_get(sk) < READ_ONCE(sk->sk_sndbuf))
		return true;
	mod_timer(&g->tx_timer, jiffies + 1);
	return false;
}

static int nm_gna_sock_new(struct nm_gna *g)
{
	struct sock *sk;
	int err;

	/* init_net: a kernel socket does not keep its namespace alive. */
	err = sock_create_kern(&init_net, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
			       &g->sock);
	if (err)
		return err;
	sk = g->sock->sk;
	/* The same budget AF_PACKET senders get by default. */
	sk->sk_sndbuf = SK_WMEM_MAX;
	write_lock_bh(&sk->sk_callback_lock);
	g->orig_write_space = sk->sk_write_space;
	rcu_assign_sk_user_data(sk, g);
	sk->sk_write_space = nm_gna_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

/*
 * Skbs in flight may outlive the adapter (and the module): they keep the
 * socket's memory alive, but must not call back into us.
 */
static void nm_gna_sock_free(struct nm_gna *g)
{
	struct sock *sk = g->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_write_space = g->orig_write_space;
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	synchronize_rcu();
	cancel_work_sync(&g->tx_work);
	sock_release(g->sock);
	g->sock = NULL;
}

/* Hand @skb to the driver on queue @q; false if the queue is stopped. */
static bool nm_gna_xmit(struct nm_gna *g, struct net_device *dev,
			struct sk_buff *skb, uint16_t q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(dev, q);
	netdev_tx_t rc = NETDEV_TX_BUSY;

	skb_set_queue_mapping(skb, q);
	skb_set_owner_w(skb, g->sock->sk);
	local_bh_disable();
	HARD_TX_LOCK(dev, txq, smp_processor_id());
	if (!netif_xmit_frozen_or_drv_stopped(txq)) {
		/* One packet a call: the driver must not wait for a "more". */
		rc = __netdev_start_xmit(g->orig_ops, skb, dev, false);
		if (rc == NETDEV_TX_OK)
			txq_trans_cond_update(txq);
	}
	HARD_TX_UNLOCK(dev, txq);
	local_bh_enable();
	if (rc == NETDEV_TX_BUSY) {
		kfree_skb(skb);
		return false;
	}
	return true;
}

/* NIC TX ring: packets [hwcur, rhead) to the driver, as many as it takes. */
static int nm_gna_nic_txsync(struct nm_gna *g, struct nm_kring *k,
			     struct net_device *dev)
{
	uint32_t n = k->num_slots, j = k->hwcur, cnt, len;
	uint32_t maxlen = dev->mtu + dev->hard_header_len + VLAN_HLEN;
	uint16_t q = k->id % dev->real_num_tx_queues;
	bool up = netif_running(dev) && netif_carrier_ok(dev);

	while ((cnt = nm_ring_pkt(k, j, k->rhead, &len))) {
		struct sk_buff *skb = NULL;

		if (up && !nm_gna_tx_room(g))
			break;
		if (up && len >= ETH_HLEN && len <= maxlen)
			skb = nm_skb_from_ring(k, dev, j, cnt, len);
		if (!skb) {
			/* Link down, runt, oversized or broken: dropped, counted. */
			k->stats.drop_bad_slot++;
		} else if (!nm_gna_xmit(g, dev, skb, q)) {
			mod_timer(&g->tx_timer, jiffies + 1);
			break;
		} else {
			k->stats.pkts++;
			k->stats.bytes += len;
		}
		j = (j + cnt) % n;
	}
	k->hwcur = j;
	/* The data is in the skbs: every slot up to hwcur is free again. */
	k->hwtail = nm_prev(j, n);
	return 0;
}

/* Host TX ring: packets enter the stack as if the device received them. */
static int nm_gna_host_txsync(struct nm_kring *k, struct net_device *dev)
{
	uint32_t n = k->num_slots, j = k->hwcur, cnt, len;

	while ((cnt = nm_ring_pkt(k, j, k->rhead, &len))) {
		struct sk_buff *skb = NULL;

		if (len >= ETH_HLEN && len <= NM_SKB_MAX_FRAME)
			skb = nm_skb_from_ring(k, dev, j, cnt, len);
		if (skb) {
			skb->protocol = eth_type_trans(skb, dev);
			skb->priority = NM_GNA_MAGIC_PRIO;
			k->stats.pkts++;
			k->stats.bytes += len;
			if (netif_rx(skb) != NET_RX_SUCCESS)
				k->stats.drop_no_room++;
		} else {
			k->stats.drop_bad_slot++;
		}
		j = (j + cnt) % n;
	}
	k->hwcur = j;
	k->hwtail = nm_prev(j, n);
	return 0;
}

static int nm_gna_txsync(struct nm_kring *k)
{
	struct nm_gna *g = nm_gna_of(k->port);
	struct net_device *dev;
	int err = 0;

	rcu_read_lock();
	dev = rcu_dereference(g->live);
	if (!dev) {
		/* The device is gone: whatever is queued is dropped. */
		k->stats.drop_bad_slot += nm_dist(k->hwcur, k->rhead, k->num_slots);
		k->hwcur = k->rhead;
		k->hwtail = nm_prev(k->hwcur, k->num_slots);
	} else if (k->host) {
		err = nm_gna_host_txsync(k, dev);
	} else {
		err = nm_gna_nic_txsync(g, k, dev);
	}
	rcu_read_unlock();
	return err;
}

static int nm_gna_rxsync(struct nm_kring *k)
{
	/* Frames arrive by themselves; the sync only gives slots back. */
	spin_lock_bh(&k->lock);
	k->hwcur = k->rhead;
	spin_unlock_bh(&k->lock);
	smp_rmb();
	return 0;
}

static int nm_gna_hook(struct nm_gna *g);
static void nm_gna_unhook(struct nm_gna *g);

/* ---- uplinks: the device as a switch port (vale.c makes the ports) ---- */

/*
 * Frames the switch published in RX ring @k of the NIC side go to the wire.
 * Returns false when the driver stopped its queue (the rest waits for the
 * timer).
 */
static bool nm_gna_drain_once(struct nm_gna *g, struct nm_kring *k)
{
	uint32_t n = k->num_slots, j = k->hwcur, tail, cnt, len, maxlen;
	struct net_device *dev;
	bool ok = true;

	tail = READ_ONCE(k->hwtail);
	smp_rmb();
	rcu_read_lock();
	dev = rcu_dereference(g->live);
	if (!dev) {
		j = tail;	/* the device is gone: dropped */
		goto out;
	}
	maxlen = dev->mtu + dev->hard_header_len + VLAN_HLEN;
	while ((cnt = nm_ring_pkt(k, j, tail, &len))) {
		struct sk_buff *skb = NULL;

		if (!nm_gna_tx_room(g)) {
			ok = false;
			break;
		}
		if (len >= ETH_HLEN && len <= maxlen)
			skb = nm_skb_from_ring(k, dev, j, cnt, len);
		if (!skb) {
			k->stats.drop_bad_slot++;
		} else if (!nm_gna_xmit(g, dev, skb,
					k->id % dev->real_num_tx_queues)) {
			mod_timer(&g->tx_timer, jiffies + 1);
			ok = false;
			break;
		}
		j = (j + cnt) % n;
	}
out:
	rcu_read_unlock();
	/* The senders' room is what we gave back. */
	spin_lock_bh(&k->lock);
	k->hwcur = j;
	spin_unlock_bh(&k->lock);
	return ok;
}

/*
 * One drainer at a time per ring; a sender that publishes while another
 * drains leaves the frames to it, so the drainer looks again after letting
 * go of the ring.
 */
static void nm_gna_drain(struct nm_gna *g, struct nm_kring *k)
{
	bool ok;

	do {
		if (!nm_os_busy_trylock(&k->busy))
			return;
		ok = nm_gna_drain_once(g, k);
		nm_os_busy_unlock(&k->busy);
		smp_mb();
	} while (ok && READ_ONCE(k->hwtail) != READ_ONCE(k->hwcur));
}

/* The host side: into the stack, past our own rx_handler. */
static void nm_gna_host_rx_ready(struct nm_kring *k)
{
	struct nm_gna *g = nm_gna_of(k->port->os_priv);

	rcu_read_lock();
	nm_kport_to_stack(k, rcu_dereference(g->live), NM_GNA_MAGIC_PRIO);
	rcu_read_unlock();
}

static void nm_gna_nic_rx_ready(struct nm_kring *k)
{
	nm_gna_drain(nm_gna_of(k->port->os_priv), k);
}

/*
 * What the rx_handler and the xmit hook wrote into the uplink's TX rings
 * goes through the switch; one instance runs at a time (workqueue rule).
 */
static void nm_gna_fwd(struct work_struct *work)
{
	struct nm_gna *g = container_of(work, struct nm_gna, fwd_work);
	unsigned int rounds = 0;
	bool again;
	int s;

	do {
		again = false;
		for (s = 0; s < 2; s++) {
			struct nm_port *w = READ_ONCE(g->up.wrap[s]);

			if (w && nm_kport_forward(w))
				again = true;
		}
		/* Let others run now and then under a flood. */
	} while (again && ++rounds < 16);
	if (again)
		queue_work(system_highpri_wq, &g->fwd_work);
}

int nm_os_uplink_start(struct nm_port *nic)
{
	struct nm_gna *g = nm_gna_of(nic);
	int err;

	nic->wrap[0]->rx_ready = nm_gna_nic_rx_ready;
	if (nic->wrap[1])
		nic->wrap[1]->rx_ready = nm_gna_host_rx_ready;
	rtnl_lock();
	err = nm_gna_hook(g);
	/*
	 * A switch port receives for every MAC behind the switch: the NIC
	 * must not filter them (one more promiscuity reference, given back
	 * at detach).
	 */
	if (!err) {
		err = dev_set_promiscuity(g->dev, 1);
		if (err)
			nm_gna_unhook(g);
		else
			g->promisc = true;
	}
	rtnl_unlock();
	if (!err)
		WRITE_ONCE(g->uplink_live, true);
	return err;
}

int nm_os_uplink_poll(struct nm_port *nic, bool enable, uint32_t mode,
		      uint32_t first, uint32_t n)
{
	struct nm_gna *g = nm_gna_of(nic);
	struct nm_poller *p;
	int err;

	if (!enable) {
		if (!g->poller)
			return -EFAULT;
		p = g->poller;
		WRITE_ONCE(g->poller, NULL);
		nm_poller_stop(p);
		/* What arrived meanwhile goes the ordinary way. */
		queue_work(system_highpri_wq, &g->fwd_work);
		return 0;
	}
	if (g->poller)
		return -EFAULT;
	p = nm_poller_start(nic->wrap[0], mode, first, n, &err);
	if (!p)
		return err;
	WRITE_ONCE(g->poller, p);
	return 0;
}

bool nm_os_uplink_polling(struct nm_port *nic)
{
	return nm_gna_of(nic)->poller != NULL;
}

void nm_os_uplink_stop(struct nm_port *nic)
{
	struct nm_gna *g = nm_gna_of(nic);

	if (g->poller) {
		nm_poller_stop(g->poller);
		WRITE_ONCE(g->poller, NULL);
	}
	/* A resume that saw it set finishes before the cancels below return. */
	WRITE_ONCE(g->uplink_live, false);
	rtnl_lock();
	if (g->promisc && !g->gone)
		dev_set_promiscuity(g->dev, -1);
	g->promisc = false;
	nm_gna_unhook(g);
	rtnl_unlock();
	/* Nothing feeds the rings now; let what runs finish. */
	cancel_work_sync(&g->fwd_work);
	del_timer_sync(&g->tx_timer);
	cancel_work_sync(&g->tx_work);
}

/* Devices that went away while attached leave their switch (control lock). */
static void nm_gna_reap(struct work_struct *work)
{
	struct nm_gna *g, *tmp;

	nm_ctrl_lock();
	list_for_each_entry_safe(g, tmp, &nm_gna_list, list)
		if (g->gone && g->up.wrap[0])
			vale_uplink_detach(&g->up);
	nm_ctrl_unlock();
}

/* Why @dev cannot take our rx_handler, for the log. */
static const char *nm_gna_busy_reason(struct net_device *dev)
{
	if (netif_is_bridge_port(dev))
		return "it is a bridge port";
	if (netif_is_bond_slave(dev))
		return "it is a bond member";
	if (netif_is_macvlan_port(dev))
		return "it is the lower device of a macvlan";
	if (netif_is_ovs_port(dev))
		return "it is an Open vSwitch port";
	if (netif_is_team_port(dev))
		return "it is a team port";
	return "another rx_handler is registered on it";
}

/* Take the device over; under rtnl. */
static int nm_gna_hook(struct nm_gna *g)
{
	struct net_device *dev = g->dev;
	int err;

	if (g->gone)
		return -ENXIO;
	err = netdev_rx_handler_register(dev, nm_gna_rx_handler, g);
	if (err) {
		pr_info("netmap: %s: cannot take the device: %s\n", dev->name,
			nm_gna_busy_reason(dev));
		return -EBUSY;
	}
	g->orig_ops = dev->netdev_ops;
	g->ops = *g->orig_ops;
	g->ops.ndo_start_xmit = nm_gna_stack_xmit;
	rcu_assign_pointer(g->live, dev);
	WRITE_ONCE(dev->netdev_ops, &g->ops);
	g->hooked = true;
	return 0;
}

/* Give the device back exactly as it was; under rtnl. */
static void nm_gna_unhook(struct nm_gna *g)
{
	struct net_device *dev = g->dev;

	if (!g->hooked)
		return;
	WRITE_ONCE(dev->netdev_ops, g->orig_ops);
	RCU_INIT_POINTER(g->live, NULL);
	netdev_rx_handler_unregister(dev);
	/* No xmit hook, rx_handler or sync of ours still runs on it. */
	synchronize_net();
	del_timer_sync(&g->tx_timer);
	g->hooked = false;
}

static int nm_gna_reg(struct nm_port *p, bool on)
{
	struct nm_gna *g = nm_gna_of(p);
	int err = 0;

	rtnl_lock();
	if (on)
		err = nm_gna_hook(g);
	else
		nm_gna_unhook(g);
	rtnl_unlock();
	return err;
}

static void nm_gna_dtor(struct nm_port *p)
{
	struct nm_gna *g = nm_gna_of(p);

	mutex_lock(&nm_gna_lock);
	list_del(&g->list);
	if (g->dev_held)
		dev_put(g->dev);
	g->dev_held = false;
	mutex_unlock(&nm_gna_lock);
	del_timer_sync(&g->tx_timer);
	nm_gna_sock_free(g);
	nm_os_free(g);
}

static const struct nm_port_ops nm_gna_ops = {
	.txsync = nm_gna_txsync,
	.rxsync = nm_gna_rxsync,
	.reg = nm_gna_reg,
	.dtor = nm_gna_dtor,
};

/* Under the control lock; @dev is referenced by the caller. */
int nm_gna_port(struct net_device *dev, struct nm_port **pp)
{
	struct nm_mem *mem;
	struct nm_gna *g;
	int err;

	mutex_lock(&nm_gna_lock);
	list_for_each_entry(g, &nm_gna_list, list) {
		if (g->dev != dev || g->gone)
			continue;
		mutex_unlock(&nm_gna_lock);
		/* A switch uplink belongs to the switch. */
		if (g->up.wrap[0])
			return -EBUSY;
		*pp = nm_port_get(&g->up);
		return 0;
	}
	mutex_unlock(&nm_gna_lock);
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		pr_info("netmap: %s: not an Ethernet device\n", dev->name);
		return -EINVAL;
	}
	mem = nm_mem_find_get(1);
	if (!mem)
		return -ENOMEM;
	g = nm_os_zalloc(sizeof(*g));
	if (!g) {
		err = -ENOMEM;
		goto fail_mem;
	}
	g->up.kind = NM_PORT_NIC;
	g->up.nrings[NM_TX] = clamp_t(unsigned int, dev->real_num_tx_queues, 1,
				      NM_GNA_MAX_RINGS);
	g->up.nrings[NM_RX] = clamp_t(unsigned int, dev->real_num_rx_queues, 1,
				      NM_GNA_MAX_RINGS);
	g->up.nhost[NM_TX] = 1;
	g->up.nhost[NM_RX] = 1;
	g->up.nslots[NM_TX] = NM_GNA_SLOTS;
	g->up.nslots[NM_RX] = NM_GNA_SLOTS;
	g->dev = dev;
	timer_setup(&g->tx_timer, nm_gna_tx_timer, 0);
	INIT_WORK(&g->fwd_work, nm_gna_fwd);
	INIT_WORK(&g->tx_work, nm_gna_tx_work);
	INIT_LIST_HEAD(&g->list);
	err = nm_gna_sock_new(g);
	if (err)
		goto fail_free;
	err = nm_port_init(&g->up, dev->name, &nm_gna_ops, mem);
	if (err)
		goto fail_sock;
	dev_hold(dev);
	g->dev_held = true;
	mutex_lock(&nm_gna_lock);
	list_add(&g->list, &nm_gna_list);
	mutex_unlock(&nm_gna_lock);
	*pp = &g->up;
	return 0;
fail_sock:
	nm_gna_sock_free(g);
fail_free:
	nm_os_free(g);
fail_mem:
	nm_mem_put(mem);
	return err;
}

/*
 * A device in use is going away (ip link del, driver unbind, netns exit):
 * give it back and drop our reference so that unregistering can finish.
 * The port stays, inert, until its users close it.
 */
static int nm_gna_notifier(struct notifier_block *nb, unsigned long ev,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nm_gna *g, *found = NULL;

	if (ev != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	mutex_lock(&nm_gna_lock);
	list_for_each_entry(g, &nm_gna_list, list) {
		if (g->dev == dev && !g->gone) {
			found = g;
			break;
		}
	}
	if (!found) {
		mutex_unlock(&nm_gna_lock);
		return NOTIFY_DONE;
	}
	nm_gna_unhook(found);
	found->gone = true;
	found->dev_held = false;
	if (found->up.wrap[0]) {
		/* Leaving the switch needs the control lock: later, elsewhere. */
		cancel_work_sync(&found->fwd_work);
		schedule_work(&nm_gna_reap_work);
		pr_info("netmap: %s went away; it leaves its switch\n", dev->name);
	} else {
		pr_info("netmap: %s went away while in use; its port is now inert\n",
			dev->name);
	}
	mutex_unlock(&nm_gna_lock);
	dev_put(dev);
	return NOTIFY_OK;
}

static struct notifier_block nm_gna_nb = {
	.notifier_call = nm_gna_notifier,
};

int nm_gna_init(void)
{
	return register_netdevice_notifier(&nm_gna_nb);
}

/* Unload: uplinks leave their switches first (no file holds the module). */
void nm_gna_fini(void)
{
	struct nm_gna *g, *tmp;

	flush_work(&nm_gna_reap_work);
	nm_ctrl_lock();
	list_for_each_entry_safe(g, tmp, &nm_gna_list, list)
		if (g->up.wrap[0])
			vale_uplink_detach(&g->up);
	nm_ctrl_unlock();
	/*
	 * Only now: unregistering replays NETDEV_UNREGISTER for every device,
	 * which must find none of ours left (they are not going away).
	 */
	unregister_netdevice_notifier(&nm_gna_nb);
	flush_work(&nm_gna_reap_work);
}
