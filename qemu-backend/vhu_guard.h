/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_guard.h - surviving guest memory that disappears under us.
 *
 * Guest memory is a file the front-end shares with us (a memfd, a hugetlbfs
 * file). Its size is checked when it is mapped, but the front-end keeps the
 * file and may shrink it afterwards: the next access to the vanished pages
 * raises SIGBUS, which would kill the whole back-end and every port it
 * serves. Work that touches guest memory runs inside vhu_guard_call(); a
 * SIGBUS there returns to the caller instead, which then drops that
 * front-end (vhu_net_mem_fault()) without touching its memory again.
 *
 * Process-wide: vhu_guard_install() takes over SIGBUS (a SIGBUS outside a
 * guarded call still kills the process, as it would have). Guards nest and
 * are per thread.
 */
#ifndef VHU_GUARD_H
#define VHU_GUARD_H

#include "vhu_log.h"

/* Install the SIGBUS handler (idempotent). 0, or -1 with @err. */
int vhu_guard_install(struct vhu_err *err);

/* Run @fn(@arg): 0 when it returned, -1 when a SIGBUS cut it short. */
int vhu_guard_call(void (*fn)(void *), void *arg);

#endif /* VHU_GUARD_H */
