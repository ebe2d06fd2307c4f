/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_os.h - the only interface the portable core (kernel/core/) may call
 * outside itself.
 *
 * Two implementations exist: kernel/linux/nm_os_linux.c inside netmap.ko and
 * tests/unit/os_user.c for the userspace unit tests. Keeping the core behind
 * this small surface is what lets the same forwarding and validation code be
 * proven under ASan/UBSan before it ever runs in a kernel.
 */
#ifndef _NM_OS_H
#define _NM_OS_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <asm/byteorder.h>
#include <asm/page.h>
#include "linux/nm_os_types.h"
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <endian.h>
#include <stdio.h>
#include <string.h>
#include "nm_os_types.h"	/* tests/unit/ */
#endif

#ifdef __KERNEL__
#define NM_PAGE_SIZE	PAGE_SIZE
#else
#define NM_PAGE_SIZE	4096u
#endif

/* The core writes the ring and interface fields applications only read. */
#define NETMAP_USER_CONST
#include <net/netmap.h>

/*
 * Primitive types and operations, defined per platform by nm_os_types.h:
 *   nm_mutex_t  sleeping lock (control path)
 *   nm_spin_t   short lock, never held across a copy (ring reservations)
 *   nm_rwsem_t  readers/writer sleeping lock (bridge port tables)
 *   nm_waitq_t  wait queue; nm_waitq_wake() wakes every poller
 *   nm_os_busy_trylock/unlock  one-bit try-lock marking a ring being synced
 *   nm_os_mb/rmb/wmb, NM_READ_ONCE/NM_WRITE_ONCE for shared-memory fields
 */

/*
 * Memory. Every allocation the module makes goes through here so that the
 * number of live objects can be counted: a non-zero count at module unload is
 * a leak, and the Linux side turns it into a kernel warning the guest test
 * harness catches.
 */
void *nm_os_zalloc(size_t size);
void nm_os_free(void *p);
long nm_os_live_allocs(void);

/*
 * User memory. @uaddr is a user virtual address as carried in the ABI's u64
 * pointer fields. Both return 0 or -EFAULT.
 */
int nm_os_copy_from_user(void *dst, uint64_t uaddr, size_t len);
int nm_os_copy_to_user(uint64_t uaddr, const void *src, size_t len);

/*
 * Shared memory regions: zeroed, page backed, virtually contiguous in the
 * kernel and mappable into user processes as a whole.
 */
void *nm_os_region_alloc(size_t size);
void nm_os_region_free(void *p, size_t size);

/* Wall-clock time for ring timestamps. */
void nm_os_gettime(int64_t *sec, int64_t *usec);

/*
 * A poller registers interest in @wq. @pt is the platform's opaque poll
 * table handed to the core's poll entry point.
 */
void nm_os_poll_wait(void *pt, nm_waitq_t *wq);

/*
 * Poll event bits, numerically those of Linux's poll(2); spelled out so the
 * core needs no poll header.
 */
#define NM_POLLIN	0x0001
#define NM_POLLOUT	0x0004
#define NM_POLLERR	0x0008
#define NM_POLLRDNORM	0x0040
#define NM_POLLWRNORM	0x0100

/*
 * A port backed by the network device @name in the caller's namespace, with
 * a reference, or -ENXIO when there is none (NIC adapters, persistent ports).
 */
struct nm_port;
int nm_os_netdev_port(const char *name, struct nm_port **pp);

/*
 * Persistent ports are network devices: create one named @name for
 * VALE_NEWIF (-EEXIST if the name is taken), destroy it for VALE_DELIF
 * (-ENXIO no such device, -EINVAL not a persistent port, -EBUSY in use).
 */
int nm_os_persist_create(const char *name, struct nmreq_vale_newif *req);
int nm_os_persist_delete(const char *name);
/*
 * A persistent port in a switch that no application holds is the stack's:
 * the core keeps its rings and @on asks the OS layer to carry frames
 * between them and the device (the same way as an uplink's host side);
 * !@on stops that and waits until nothing of the OS layer touches the
 * rings. Under the control lock; a failure leaves the port to applications.
 */
int nm_os_persist_stack(struct nm_port *p, bool on);
/*
 * The parent a pipe of a missing device gets: a persistent port that
 * VALE_DELIF refuses and that goes away with its last pipe.
 */
int nm_os_persist_create_auto(const char *name);
/* Destroy every such parent no longer used by anything. */
void nm_os_persist_reap_auto(void);

/*
 * Network namespaces: VALE switches are per namespace. The current one is
 * compared by address; a switch holds a reference on its namespace while
 * it has ports.
 */
void *nm_os_netns_cur(void);
void *nm_os_netns_get(void);
void nm_os_netns_put(void *ns);

/*
 * Uplinks: a NIC port (NM_PORT_NIC) attached to a switch. The core makes
 * the switch ports nic->wrap[0] (NIC side) and, with the host stack,
 * nic->wrap[1]; the OS layer then takes the device over: what it receives
 * it writes into the TX rings of the wrappers from kfill on and has the
 * core forward (vale_txsync), and what the switch delivers into a
 * wrapper's RX ring it transmits (or gives to the stack), told through the
 * wrapper's rx_ready hook. nm_os_uplink_stop() gives the device back and
 * waits until nothing of the OS layer touches the wrappers any more.
 * Under the control lock.
 */
int nm_os_uplink_start(struct nm_port *nic);
void nm_os_uplink_stop(struct nm_port *nic);
/*
 * Polling threads for an attached NIC (VALE_POLLING_ENABLE/DISABLE):
 * start with @mode/@first/@n (-EINVAL for bad CPUs or rings, -EFAULT if
 * already polling), or stop (@enable false; -EFAULT if not polling).
 */
int nm_os_uplink_poll(struct nm_port *nic, bool enable, uint32_t mode,
		      uint32_t first, uint32_t n);
bool nm_os_uplink_polling(struct nm_port *nic);

/* Let others run while waiting for a ring another thread is syncing. */
void nm_os_yield(void);

/* Number of online CPUs (polling request validation). */
unsigned int nm_os_ncpus(void);

/* A little-endian 64-bit value in host order. */
#ifdef __KERNEL__
#define nm_le64(x)	le64_to_cpu((__force __le64)(x))
#else
#define nm_le64(x)	le64toh(x)
#endif

/* Copy a string into @dst of @size bytes, truncating, always terminated. */
static inline void nm_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Logging, rate-limited on the kernel side. */
#define NM_LOG_ERR	0
#define NM_LOG_WARN	1
#define NM_LOG_INFO	2
#define NM_LOG_DEBUG	3
void nm_os_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* _NM_OS_H */
