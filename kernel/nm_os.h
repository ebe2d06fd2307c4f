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
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#endif

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

/* Logging, rate-limited on the kernel side. */
#define NM_LOG_ERR	0
#define NM_LOG_WARN	1
#define NM_LOG_INFO	2
#define NM_LOG_DEBUG	3
void nm_os_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* _NM_OS_H */
