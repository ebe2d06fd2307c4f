// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_os_linux.c - the Linux implementation of nm_os.h.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/poll.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "../nm_os.h"
#include "nm_linux.h"

static atomic_long_t nm_os_allocs = ATOMIC_LONG_INIT(0);

void *nm_os_zalloc(size_t size)
{
	/*
	 * Work areas reach tens of KiB: fall back to vmalloc when fragmented.
	 * Sizes can follow requests, so failing beats waking the OOM killer.
	 */
	void *p = kvzalloc(size, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);

	if (p)
		atomic_long_inc(&nm_os_allocs);
	return p;
}

void nm_os_free(void *p)
{
	if (!p)
		return;
	atomic_long_dec(&nm_os_allocs);
	kvfree(p);
}

long nm_os_live_allocs(void)
{
	return atomic_long_read(&nm_os_allocs);
}

int nm_os_copy_from_user(void *dst, uint64_t uaddr, size_t len)
{
	return copy_from_user(dst, u64_to_user_ptr(uaddr), len) ? -EFAULT : 0;
}

int nm_os_copy_to_user(uint64_t uaddr, const void *src, size_t len)
{
	return copy_to_user(u64_to_user_ptr(uaddr), src, len) ? -EFAULT : 0;
}

void nm_os_log(int level, const char *fmt, ...)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 20);
	struct va_format vaf;
	va_list args;

	/* A hostile caller must not be able to flood the kernel log. */
	if (level >= NM_LOG_DEBUG || !__ratelimit(&rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	switch (level) {
	case NM_LOG_ERR:
		pr_err("netmap: %pV\n", &vaf);
		break;
	case NM_LOG_WARN:
		pr_warn("netmap: %pV\n", &vaf);
		break;
	default:
		pr_info("netmap: %pV\n", &vaf);
		break;
	}
	va_end(args);
}

/*
 * Shared regions are charged against one budget so that requests, which
 * choose the sizes, cannot push the machine into the OOM killer: past the
 * budget they fail with ENOMEM and a log line naming the knob.
 */
static atomic64_t nm_os_region_bytes = ATOMIC64_INIT(0);
unsigned long nm_os_mem_limit;	/* bytes; set at load */

void *nm_os_region_alloc(size_t size)
{
	size_t charged = PAGE_ALIGN(size);
	void *p;

	if (atomic64_add_return(charged, &nm_os_region_bytes) > nm_os_mem_limit) {
		atomic64_sub(charged, &nm_os_region_bytes);
		nm_os_log(NM_LOG_WARN,
			  "region of %zu KiB refused: mem_limit_mb (%lu MiB) reached",
			  size >> 10, nm_os_mem_limit >> 20);
		return NULL;
	}
	/* Sizes come from requests: fail instead of dumping a stack. */
	p = __vmalloc(size, GFP_KERNEL | __GFP_ZERO | __GFP_NORETRY |
		      __GFP_NOWARN);
	if (!p) {
		atomic64_sub(charged, &nm_os_region_bytes);
		return NULL;
	}
	atomic_long_inc(&nm_os_allocs);
	return p;
}

void nm_os_region_free(void *p, size_t size)
{
	if (!p)
		return;
	atomic64_sub(PAGE_ALIGN(size), &nm_os_region_bytes);
	atomic_long_dec(&nm_os_allocs);
	/* Pages still mapped by a process stay alive until it unmaps them. */
	vfree(p);
}

void nm_os_gettime(int64_t *sec, int64_t *usec)
{
	struct timespec64 ts;

	ktime_get_real_ts64(&ts);
	*sec = ts.tv_sec;
	*usec = ts.tv_nsec / NSEC_PER_USEC;
}

void nm_os_poll_wait(void *pt, nm_waitq_t *wq)
{
	struct nm_poll_ctx *ctx = pt;

	poll_wait(ctx->file, wq, ctx->pt);
}

unsigned int nm_os_ncpus(void)
{
	return num_online_cpus();
}

void nm_os_yield(void)
{
	cond_resched();
}
