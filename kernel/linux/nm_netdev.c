// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_netdev.c - network devices seen from netmap: finding the port behind a
 * device name, and persistent VALE ports, which are network devices of
 * their own (VALE_NEWIF / VALE_DELIF).
 *
 * A persistent port's device is what makes it visible in "ip link" and
 * gives it a life independent of any application; the switch side is an
 * ordinary VALE port owned by the device. While the port is in a switch and
 * no application holds it, the device is an ordinary interface of the stack
 * (a container given it talks through the switch with sockets): what the
 * stack transmits is written into the port's TX rings and forwarded by a
 * work item, what the switch delivers enters the stack. Otherwise frames
 * the stack transmits on it are dropped and counted.
 */
#include <linux/etherdevice.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "../nm_os.h"
#include "../core/nm_bind.h"
#include "../core/vale.h"
#include "nm_linux.h"

struct nm_persist {
	struct nm_port *port;
	bool autodelete;		/* parent made for a pipe */
	bool stack;			/* the stack has the port's rings */
	struct net_device *dev;
	struct work_struct fwd_work;	/* stack frames into the switch */
	struct list_head list;
};

/* Every persistent port, under the control lock. */
static LIST_HEAD(nm_persist_list);

static netdev_tx_t nm_persist_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nm_persist *np = netdev_priv(dev);
	struct nm_port *p = np->port;

	if (!READ_ONCE(np->stack)) {
		/* An application has the port, or it is in no switch. */
		dev_core_stats_tx_dropped_inc(dev);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	nm_skb_to_ring(&p->krings[NM_TX][skb_get_queue_mapping(skb) %
					 p->nrings[NM_TX]], skb);
	queue_work(system_highpri_wq, &np->fwd_work);
	return NETDEV_TX_OK;
}

static void nm_persist_fwd(struct work_struct *work)
{
	struct nm_persist *np = container_of(work, struct nm_persist, fwd_work);
	unsigned int rounds = 0;
	bool again;

	do
		again = nm_kport_forward(np->port);
	while (again && ++rounds < 16);
	if (again)
		queue_work(system_highpri_wq, &np->fwd_work);
}

static void nm_persist_rx_ready(struct nm_kring *k)
{
	struct nm_persist *np = k->port->os_priv;

	nm_kport_to_stack(k, np->dev, 0);
}

int nm_os_persist_stack(struct nm_port *p, bool on)
{
	struct nm_persist *np = p->os_priv;

	if (on) {
		p->rx_ready = nm_persist_rx_ready;
		WRITE_ONCE(np->stack, true);
		return 0;
	}
	WRITE_ONCE(np->stack, false);
	/* No xmit of ours is still writing into the rings... */
	synchronize_net();
	/* ...and nothing is left to forward from them. */
	cancel_work_sync(&np->fwd_work);
	p->rx_ready = NULL;
	return 0;
}

static int nm_persist_open(struct net_device *dev)
{
	netif_carrier_on(dev);
	netif_start_queue(dev);
	return 0;
}

static int nm_persist_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	return 0;
}

static const struct net_device_ops nm_persist_ops = {
	.ndo_open		= nm_persist_open,
	.ndo_stop		= nm_persist_stop,
	.ndo_start_xmit		= nm_persist_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void nm_persist_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &nm_persist_ops;
	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO;
	dev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO;
	eth_hw_addr_random(dev);
}

static struct net *nm_netdev_ns(void)
{
	return current->nsproxy->net_ns;
}

int nm_os_netdev_port(const char *name, struct nm_port **pp)
{
	struct net_device *dev;
	int err;

	if (strnlen(name, IFNAMSIZ) >= IFNAMSIZ)
		return -ENXIO;
	dev = dev_get_by_name(nm_netdev_ns(), name);
	if (!dev)
		return -ENXIO;
	if (dev->netdev_ops == &nm_persist_ops) {
		struct nm_persist *np = netdev_priv(dev);

		*pp = nm_port_get(np->port);
		err = 0;
	} else {
		err = nm_gna_port(dev, pp);
	}
	dev_put(dev);
	return err;
}

int nm_os_persist_create(const char *name, struct nmreq_vale_newif *req)
{
	struct net_device *dev;
	struct nm_persist *np;
	struct nm_port *port;
	int err;

	dev = dev_get_by_name(nm_netdev_ns(), name);
	if (dev) {
		dev_put(dev);
		return -EEXIST;
	}
	dev = alloc_netdev(sizeof(*np), name, NET_NAME_USER, nm_persist_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, nm_netdev_ns());
	err = vale_persist_new(name, req, &port);
	if (err)
		goto fail_free;
	np = netdev_priv(dev);
	np->port = port;
	np->dev = dev;
	INIT_WORK(&np->fwd_work, nm_persist_fwd);
	port->os_priv = np;
	err = register_netdev(dev);
	if (err)
		goto fail_port;
	list_add(&np->list, &nm_persist_list);
	return 0;
fail_port:
	nm_port_put(port);
fail_free:
	free_netdev(dev);
	return err == -EEXIST ? -EEXIST : err;
}

static void nm_persist_destroy(struct nm_persist *np)
{
	struct net_device *dev = np->dev;
	struct nm_port *port = np->port;

	list_del(&np->list);
	vale_persist_detach_all(port);
	unregister_netdev(dev);
	nm_port_put(port);
	free_netdev(dev);
}

int nm_os_persist_delete(const char *name)
{
	struct net_device *dev;
	struct nm_persist *np;

	if (strnlen(name, IFNAMSIZ) >= IFNAMSIZ)
		return -ENXIO;
	dev = dev_get_by_name(nm_netdev_ns(), name);
	if (!dev)
		return -ENXIO;
	if (dev->netdev_ops != &nm_persist_ops) {
		dev_put(dev);
		return -EINVAL;
	}
	np = netdev_priv(dev);
	dev_put(dev);
	if (np->autodelete)
		return -EINVAL;
	/* Attached, open, or the parent of a pipe: still in use. */
	if (vale_persist_busy(np->port) || np->port->refcnt > 1)
		return -EBUSY;
	nm_persist_destroy(np);
	return 0;
}

int nm_os_persist_create_auto(const char *name)
{
	struct nmreq_vale_newif req = { 0 };
	struct net_device *dev;
	int err;

	if (strnlen(name, IFNAMSIZ) >= IFNAMSIZ || !strncmp(name, "vale", 4))
		return -ENXIO;
	err = nm_os_persist_create(name, &req);
	if (err)
		return err;
	dev = dev_get_by_name(nm_netdev_ns(), name);
	if (dev) {
		((struct nm_persist *)netdev_priv(dev))->autodelete = true;
		dev_put(dev);
	}
	return 0;
}

void nm_os_persist_reap_auto(void)
{
	struct nm_persist *np, *tmp;

	list_for_each_entry_safe(np, tmp, &nm_persist_list, list)
		if (np->autodelete && !vale_persist_busy(np->port) &&
		    np->port->refcnt == 1)
			nm_persist_destroy(np);
}

void nm_netdev_fini(void)
{
	struct nm_persist *np, *tmp;

	nm_ctrl_lock();
	list_for_each_entry_safe(np, tmp, &nm_persist_list, list)
		nm_persist_destroy(np);
	nm_ctrl_unlock();
}

void *nm_os_netns_cur(void)
{
	return nm_netdev_ns();
}

void *nm_os_netns_get(void)
{
	return get_net(nm_netdev_ns());
}

void nm_os_netns_put(void *ns)
{
	if (ns)
		put_net(ns);
}
