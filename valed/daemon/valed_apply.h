/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_apply.h - carry out a reconcile plan, all or nothing.
 *
 * The actions run in the plan's order through an executor: a table with
 * one function per kind of action, so the daemon plugs in the kernel and
 * the VM workers (valed_apply_sys.c) and the unit tests a fake. When an
 * action fails, the ones already done are undone in reverse order, each
 * with its inverse (valed_plan_op_inverse) on the same object, and the
 * failure is returned naming the action: a half-applied configuration
 * never stays behind.
 *
 * An executor function returns 0 (done), -1 (failed, @err says why), or
 * VALED_APPLY_GONE for a removal whose object was not there any more (a
 * state taken over from a daemon that died may name such objects): that
 * is logged as a warning, counts as success, and is not undone by a
 * rollback (nothing was done).
 *
 * Stopping uses the best-effort mode: every action is tried, failures are
 * logged and counted, nothing is rolled back (there is nothing to return
 * to once the daemon exits).
 */
#ifndef VALED_APPLY_H
#define VALED_APPLY_H

#include <stdbool.h>

#include "valed_plan.h"
#include "vhu_log.h"

#define VALED_APPLY_GONE	1
#define VALED_APPLY_NOPS	(VALED_PLAN_VHOST_START + 1)

typedef int (*valed_apply_fn)(void *ctx, const struct valed_plan_action *a,
			      struct vhu_err *err);

struct valed_apply_ops {
	/* Indexed by enum valed_plan_op; every entry must be set. */
	valed_apply_fn fn[VALED_APPLY_NOPS];
};

enum valed_apply_mode {
	VALED_APPLY_ATOMIC,		/* roll back on the first failure */
	VALED_APPLY_BEST_EFFORT,	/* go on past failures, no rollback */
};

struct valed_apply_result {
	size_t done;		/* actions carried out (GONE included) */
	size_t failed;		/* failures (ATOMIC: 0 or 1) */
	size_t undo_failed;	/* rollback steps that failed too */
	/* The first failure: "ACTION-LINE: reason" */
	char msg[VALED_PLAN_LINE_MAX + VHU_ERR_LEN + 64];
};

/*
 * Run @plan. 0 when every action succeeded; -1 otherwise, with @res
 * saying what failed (ATOMIC: everything done was undone, unless
 * res->undo_failed says some undo failed too).
 */
int valed_apply(const struct valed_plan *plan, const struct valed_apply_ops *ops,
		void *ctx, enum valed_apply_mode mode, struct valed_apply_result *res);

#endif /* VALED_APPLY_H */
