/* SPDX-License-Identifier: BSD-2-Clause */
/* os_user.h - test hooks of the userspace nm_os implementation. */
#ifndef _OS_USER_H
#define _OS_USER_H

#include "nm_os.h"

/* Let the next @n allocations succeed, then fail every one; -1 restores. */
void os_user_fail_alloc_after(long n);
/* Make user copies touching [lo, hi) fail with -EFAULT. */
void os_user_fault_range(uint64_t lo, uint64_t hi);
/* Back to a friendly environment. */
void os_user_reset(void);

#endif /* _OS_USER_H */
