/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_linux.h - declarations shared by the Linux glue files.
 */
#ifndef _NM_LINUX_H
#define _NM_LINUX_H

#include <linux/fs.h>
#include <linux/poll.h>

/* What nm_bind_poll() hands back to nm_os_poll_wait() as its opaque table. */
struct nm_poll_ctx {
	struct file *file;
	poll_table *pt;
};

/* Bytes all shared regions may take together (mem_limit_mb). */
extern unsigned long nm_os_mem_limit;

int nm_dev_init(void);
void nm_dev_fini(void);
/* Destroy the persistent ports left at unload. */
void nm_netdev_fini(void);

/* Generic adapter (nm_generic.c): the port of a network device. */
struct net_device;
struct nm_port;
int nm_gna_port(struct net_device *dev, struct nm_port **pp);
int nm_gna_init(void);
void nm_gna_fini(void);

#endif /* _NM_LINUX_H */
