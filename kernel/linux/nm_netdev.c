// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_netdev.c - finding the port behind a Linux network device name.
 *
 * NIC adapters and persistent ports are network devices; until they exist
 * a device that is found is reported as not supported, and a name that is
 * not a device as "no such port".
 */
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

#include "../nm_os.h"

int nm_os_netdev_port(const char *name, struct nm_port **pp)
{
	struct net_device *dev;

	if (strnlen(name, IFNAMSIZ) >= IFNAMSIZ)
		return -ENXIO;
	dev = dev_get_by_name(current->nsproxy->net_ns, name);
	if (!dev)
		return -ENXIO;
	dev_put(dev);
	return -EOPNOTSUPP;
}
