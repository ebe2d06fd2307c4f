// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_apply.c - run a plan through an executor, rolling back on failure
 * (see valed_apply.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "valed_apply.h"
#include "valed_log.h"

static int run_one(const struct valed_apply_ops *ops, void *ctx,
		   const struct valed_plan_action *a, struct vhu_err *err)
{
	err->msg[0] = '\0';
	return ops->fn[a->op](ctx, a, err);
}

/* Undo actions [0, n) of @plan that really did something, newest first. */
static void roll_back(const struct valed_plan *plan, size_t n, const bool *gone,
		      const struct valed_apply_ops *ops, void *ctx,
		      struct valed_apply_result *res)
{
	char line[VALED_PLAN_LINE_MAX];
	struct vhu_err err;

	while (n-- > 0) {
		struct valed_plan_action inv = plan->v[n];

		if (gone[n])
			continue;
		inv.op = valed_plan_op_inverse(plan->v[n].op);
		valed_plan_format(&inv, line, sizeof(line));
		valed_info("rollback: %s", line);
		/* An undone removal that finds its object gone is still fine. */
		if (run_one(ops, ctx, &inv, &err) < 0) {
			res->undo_failed++;
			valed_err("rollback: %s: failed: %s", line, err.msg);
		}
	}
}

int valed_apply(const struct valed_plan *plan, const struct valed_apply_ops *ops,
		void *ctx, enum valed_apply_mode mode, struct valed_apply_result *res)
{
	char line[VALED_PLAN_LINE_MAX];
	struct vhu_err err;
	bool *gone = NULL;
	size_t i;

	memset(res, 0, sizeof(*res));
	if (plan->n == 0)
		return 0;
	/* Which actions found nothing to do: a rollback leaves them alone. */
	gone = calloc(plan->n, sizeof(*gone));
	if (gone == NULL) {
		snprintf(res->msg, sizeof(res->msg), "out of memory");
		res->failed = 1;
		return -1;
	}
	for (i = 0; i < plan->n; i++) {
		const struct valed_plan_action *a = &plan->v[i];
		int r;

		valed_plan_format(a, line, sizeof(line));
		r = run_one(ops, ctx, a, &err);
		if (r == VALED_APPLY_GONE) {
			valed_warn("%s: nothing to do: %s", line, err.msg);
			gone[i] = true;
			res->done++;
			continue;
		}
		if (r == 0) {
			valed_info("%s", line);
			res->done++;
			continue;
		}
		valed_err("%s: failed: %s", line, err.msg);
		if (res->failed++ == 0)
			snprintf(res->msg, sizeof(res->msg), "%s: %s", line, err.msg);
		if (mode == VALED_APPLY_BEST_EFFORT)
			continue;
		roll_back(plan, i, gone, ops, ctx, res);
		break;
	}
	free(gone);
	return res->failed == 0 ? 0 : -1;
}
