/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_linux.h - declarations shared by the Linux glue files.
 */
#ifndef _NM_LINUX_H
#define _NM_LINUX_H

#include <linux/fs.h>
#include <linux/poll.h>

struct net_device;
struct nm_port;

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

/* nm_skb.c: frames between skbs and rings, kernel-driven switch ports. */
#define NM_SKB_MAX_FRAME	65535	/* largest packet a ring carries */
#define NM_SKB_MAX_FRAGS	64	/* slots of one packet */
struct sk_buff;
struct nm_kring;
void nm_skb_to_ring(struct nm_kring *k, struct sk_buff *skb);
struct sk_buff *nm_skb_from_ring(struct nm_kring *k, struct net_device *dev,
				 uint32_t j, uint32_t cnt, uint32_t len);
uint32_t nm_ring_pkt(struct nm_kring *k, uint32_t j, uint32_t head, uint32_t *len);
bool nm_kport_forward(struct nm_port *w);
bool nm_kport_forward_ring(struct nm_kring *k);
void nm_kport_to_stack(struct nm_kring *k, struct net_device *dev, uint32_t prio);

/* nm_poll.c: polling threads of an uplink. */
struct nm_poller;
struct nm_poller *nm_poller_start(struct nm_port *w, uint32_t mode,
				  uint32_t first, uint32_t n, int *err);
void nm_poller_stop(struct nm_poller *p);

/* Generic adapter (nm_generic.c): the port of a network device. */
int nm_gna_port(struct net_device *dev, struct nm_port **pp);
int nm_gna_init(void);
void nm_gna_fini(void);

#endif /* _NM_LINUX_H */
