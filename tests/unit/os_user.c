// SPDX-License-Identifier: BSD-2-Clause
/*
 * os_user.c - userspace implementation of kernel/nm_os.h for the unit tests.
 *
 * "User memory" is this process's memory: a u64 user address is a plain
 * pointer. Two hooks let tests make the environment hostile: allocation
 * failure after N successes, and a window of addresses that fault.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <time.h>

#include "os_user.h"
#include "core/nm_port.h"
#include "core/vale.h"

static long live_allocs;
static long alloc_budget = -1;	/* successes left before failing; -1 = never fail */
static uint64_t fault_lo, fault_hi;	/* [lo, hi) faults when hi > lo */

void os_user_fail_alloc_after(long n)
{
	alloc_budget = n;
}

void os_user_fault_range(uint64_t lo, uint64_t hi)
{
	fault_lo = lo;
	fault_hi = hi;
}

void os_user_reset(void)
{
	alloc_budget = -1;
	fault_lo = fault_hi = 0;
}

void *nm_os_zalloc(size_t size)
{
	void *p;

	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	p = calloc(1, size);
	if (p)
		live_allocs++;
	return p;
}

void nm_os_free(void *p)
{
	if (!p)
		return;
	live_allocs--;
	free(p);
}

long nm_os_live_allocs(void)
{
	return live_allocs;
}

static bool faults(uint64_t uaddr, size_t len)
{
	/* Like the kernel: the zero page and wrapping ranges always fault. */
	if (uaddr < 4096 || uaddr + len < uaddr)
		return true;
	return fault_hi > fault_lo && uaddr < fault_hi && uaddr + len > fault_lo;
}

int nm_os_copy_from_user(void *dst, uint64_t uaddr, size_t len)
{
	if (faults(uaddr, len))
		return -EFAULT;
	memcpy(dst, (const void *)(uintptr_t)uaddr, len);
	return 0;
}

int nm_os_copy_to_user(uint64_t uaddr, const void *src, size_t len)
{
	if (faults(uaddr, len))
		return -EFAULT;
	memcpy((void *)(uintptr_t)uaddr, src, len);
	return 0;
}

void nm_os_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (!getenv("NM_UNIT_LOG"))
		return;
	va_start(ap, fmt);
	fprintf(stderr, "[%d] ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void *nm_os_region_alloc(size_t size)
{
	void *p;

	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	if (posix_memalign(&p, NM_PAGE_SIZE, size))
		return NULL;
	memset(p, 0, size);
	live_allocs++;
	return p;
}

void nm_os_region_free(void *p, size_t size)
{
	(void)size;
	nm_os_free(p);
}

void nm_os_gettime(int64_t *sec, int64_t *usec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*sec = ts.tv_sec;
	*usec = ts.tv_nsec / 1000;
}

void nm_os_poll_wait(void *pt, nm_waitq_t *wq)
{
	/* Unit tests poll without sleeping: remember the last queue seen. */
	if (pt)
		*(nm_waitq_t **)pt = wq;
}

unsigned int nm_os_ncpus(void)
{
	return 2;
}



/*
 * A table standing in for network devices: persistent ports made by
 * VALE_NEWIF are found by name like the Linux glue finds them.
 */
#define OS_USER_NDEV 16
static struct {
	char name[16];
	struct nm_port *port;
} os_user_dev[OS_USER_NDEV];

static int os_user_dev_find(const char *name)
{
	int i;

	for (i = 0; i < OS_USER_NDEV; i++)
		if (os_user_dev[i].port && !strcmp(os_user_dev[i].name, name))
			return i;
	return -1;
}

int nm_os_persist_create(const char *name, struct nmreq_vale_newif *req)
{
	int i, err;

	if (os_user_dev_find(name) >= 0)
		return -EEXIST;
	for (i = 0; i < OS_USER_NDEV && os_user_dev[i].port; i++)
		;
	if (i == OS_USER_NDEV)
		return -ENOMEM;
	err = vale_persist_new(name, req, &os_user_dev[i].port);
	if (!err)
		snprintf(os_user_dev[i].name, sizeof(os_user_dev[i].name), "%s", name);
	return err;
}

int nm_os_persist_delete(const char *name)
{
	int i = os_user_dev_find(name);
	struct nm_port *p;

	if (i < 0)
		return -ENXIO;
	p = os_user_dev[i].port;
	if (vale_persist_busy(p) || p->refcnt > 1)
		return -EBUSY;
	os_user_dev[i].port = NULL;
	nm_port_put(p);
	return 0;
}

int nm_os_netdev_port(const char *name, struct nm_port **pp)
{
	int i = os_user_dev_find(name);

	if (i < 0)
		return -ENXIO;
	*pp = nm_port_get(os_user_dev[i].port);
	return 0;
}

int nm_os_persist_create_auto(const char *name)
{
	(void)name;
	return -ENXIO;	/* no devices to stand in for here */
}

void nm_os_persist_reap_auto(void)
{
}

void nm_os_yield(void)
{
	sched_yield();
}

/* One namespace in userspace: any fixed non-NULL address. */
static int os_user_netns;

void *nm_os_netns_cur(void)
{
	return &os_user_netns;
}

void *nm_os_netns_get(void)
{
	return &os_user_netns;
}

void nm_os_netns_put(void *ns)
{
	(void)ns;
}

/*
 * Uplinks need network devices, which userspace does not have: no port
 * here is ever a NIC (NM_PORT_NIC), so these are never reached.
 */
int nm_os_uplink_start(struct nm_port *nic)
{
	(void)nic;
	return -EOPNOTSUPP;
}

void nm_os_uplink_stop(struct nm_port *nic)
{
	(void)nic;
}

int nm_os_uplink_poll(struct nm_port *nic, bool enable, uint32_t mode,
		      uint32_t first, uint32_t n)
{
	(void)nic; (void)enable; (void)mode; (void)first; (void)n;
	return -EOPNOTSUPP;
}

bool nm_os_uplink_polling(struct nm_port *nic)
{
	(void)nic;
	return false;
}

int nm_os_persist_stack(struct nm_port *p, bool on)
{
	(void)p;
	return on ? -EOPNOTSUPP : 0;	/* no stack to hand frames to */
}
