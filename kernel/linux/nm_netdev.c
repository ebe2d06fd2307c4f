// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_netdev.c - network devices seen from netmap: finding the port behind a
 * device name, and persistent VALE ports, which are network devices of
 * their own (VALE_NEWIF / VALE_DELIF).
 *
 * A persistent port's device is what makes it visible in "ip link" and
 * gives it a life independent of any application; the switch side is an
 * ordinary VALE port owned by the device. Until the host stack path exists,
 * frames the stack transmits on it are dropped and counted.
 */
#include <linux/etherdevice.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

#include "../nm_os.h"
#include "../core/nm_bind.h"
#include "../core/vale.h"
#include "nm_linux.h"

struct nm_persist {
	struct nm_port *port;
	bool autodelete;		/* parent made for a pipe */
	struct net_device *dev;
	struct list_head list;
};

/* Every persistent port, under the control lock. */
static LIST_HEAD(nm_persist_list);

static netdev_tx_t nm_persist_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
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
