// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_valed_apply.c - valed_apply against a fake executor: a failure is
 * injected at every step of real plans, and the test checks that exactly
 * the actions done before it are undone, newest first, each with its
 * inverse on the same object; "already gone" removals are not undone;
 * best-effort mode goes on and undoes nothing.
 */
#include "valed_test.h"

#include "valed_apply.h"
#include "valed_log.h"
#include "valed_plan.h"

#define CALLS_MAX	256

struct call {
	enum valed_plan_op op;
	const struct valed_cfg_switch *sw;
	const struct valed_cfg_port *port;
};

struct fake {
	struct call calls[CALLS_MAX];
	size_t n;
	long fail_at;		/* call index that fails; -1 none */
	long gone_at;		/* call index that answers GONE; -1 none */
	long undo_fail_at;	/* another index that fails */
};

static int fake_fn(void *ctx, const struct valed_plan_action *a, struct vhu_err *err)
{
	struct fake *f = ctx;
	long i = (long)f->n;

	assert_true(f->n < CALLS_MAX);
	f->calls[f->n].op = a->op;
	f->calls[f->n].sw = a->sw;
	f->calls[f->n].port = a->port;
	f->n++;
	if (i == f->fail_at || i == f->undo_fail_at)
		return vhu_err_set(err, "injected failure at call %ld", i);
	if (i == f->gone_at) {
		vhu_err_set(err, "not there");
		return VALED_APPLY_GONE;
	}
	return 0;
}

static const struct valed_apply_ops fake_ops = {
	.fn = {
		fake_fn, fake_fn, fake_fn, fake_fn, fake_fn,
		fake_fn, fake_fn, fake_fn, fake_fn, fake_fn,
	},
};

static const char cfg_a[] =
	"{\"switches\":["
	" {\"name\":\"vale0\",\"options\":{\"slots\":512},\"ports\":["
	"  {\"type\":\"uplink\",\"device\":\"eth1\",\"host_stack\":true},"
	"  {\"type\":\"vhost-user\",\"name\":\"vm1\",\"socket\":\"/run/valed/vm1.sock\"},"
	"  {\"type\":\"persistent\",\"name\":\"vi0\"},"
	"  {\"type\":\"vhost-user\",\"name\":\"vm2\",\"socket\":\"/run/valed/vm2.sock\",\"role\":\"client\"}]},"
	" {\"name\":\"vale1\",\"ports\":["
	"  {\"type\":\"persistent\",\"name\":\"vi0\"},"
	"  {\"type\":\"uplink\",\"device\":\"eth2\"},"
	"  {\"type\":\"vhost-user\",\"name\":\"db1\",\"socket\":\"/run/valed/db1.sock\"}]}]}";

/* Changes almost everything of cfg_a: removals and creations. */
static const char cfg_b[] =
	"{\"global\":{\"busy_poll\":true},\"switches\":["
	" {\"name\":\"vale0\",\"ports\":["
	"  {\"type\":\"uplink\",\"device\":\"eth1\",\"host_stack\":false},"
	"  {\"type\":\"vhost-user\",\"name\":\"vm3\",\"socket\":\"/run/valed/vm3.sock\"}]},"
	" {\"name\":\"vale2\",\"ports\":["
	"  {\"type\":\"persistent\",\"name\":\"vi1\"},"
	"  {\"type\":\"uplink\",\"device\":\"eth2\"}]}]}";

static void fake_reset(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->fail_at = f->gone_at = f->undo_fail_at = -1;
}

/* Call @i of the fake was action @a of the plan, or its inverse. */
static void assert_call(const struct fake *f, size_t i, const struct valed_plan_action *a,
			bool inverse)
{
	assert_true(i < f->n);
	assert_int_equal(f->calls[i].op, inverse ? valed_plan_op_inverse(a->op) : a->op);
	assert_ptr_equal(f->calls[i].sw, a->sw);
	assert_ptr_equal(f->calls[i].port, a->port);
}

/* For every step k of plan(@from, @to): fail there, check the rollback. */
static void sweep(const char *from_text, const char *to_text)
{
	struct valed_cfg *from = from_text ? parse_ok(from_text) : NULL;
	struct valed_cfg *to = to_text ? parse_ok(to_text) : NULL;
	struct valed_apply_result res;
	struct valed_plan plan;
	struct fake f;

	assert_int_equal(valed_plan_build(&plan, from, to), 0);
	assert_true(plan.n > 3);

	/* No failure: every action once, in order. */
	fake_reset(&f);
	assert_int_equal(valed_apply(&plan, &fake_ops, &f, VALED_APPLY_ATOMIC, &res), 0);
	assert_int_equal(f.n, plan.n);
	assert_int_equal(res.done, plan.n);
	for (size_t i = 0; i < plan.n; i++)
		assert_call(&f, i, &plan.v[i], false);

	for (size_t k = 0; k < plan.n; k++) {
		char line[VALED_PLAN_LINE_MAX];

		fake_reset(&f);
		f.fail_at = (long)k;
		assert_int_equal(valed_apply(&plan, &fake_ops, &f, VALED_APPLY_ATOMIC, &res), -1);
		/* k done, the failing one tried, k undone. */
		assert_int_equal(f.n, 2 * k + 1);
		for (size_t i = 0; i <= k; i++)
			assert_call(&f, i, &plan.v[i], false);
		for (size_t i = 0; i < k; i++)
			assert_call(&f, k + 1 + i, &plan.v[k - 1 - i], true);
		assert_int_equal(res.failed, 1);
		assert_int_equal(res.undo_failed, 0);
		/* The failure names the action and the reason. */
		valed_plan_format(&plan.v[k], line, sizeof(line));
		assert_non_null(strstr(res.msg, line));
		assert_non_null(strstr(res.msg, "injected failure"));
	}
	valed_plan_free(&plan);
	valed_cfg_free(from);
	valed_cfg_free(to);
}

static void test_rollback_every_step_create(void **state)
{
	(void)state;
	sweep(NULL, cfg_a);
}

static void test_rollback_every_step_change(void **state)
{
	(void)state;
	sweep(cfg_a, cfg_b);
	sweep(cfg_b, cfg_a);
}

static void test_rollback_every_step_stop(void **state)
{
	(void)state;
	sweep(cfg_a, NULL);
}

/* A removal that found nothing is done, but not undone. */
static void test_gone_not_undone(void **state)
{
	struct valed_cfg *a = parse_ok(cfg_a), *b = parse_ok(cfg_b);
	struct valed_apply_result res;
	struct valed_plan plan;
	struct fake f;

	(void)state;
	assert_int_equal(valed_plan_build(&plan, a, b), 0);
	assert_true(plan.n >= 4);
	fake_reset(&f);
	f.gone_at = 1;
	f.fail_at = 3;
	assert_int_equal(valed_apply(&plan, &fake_ops, &f, VALED_APPLY_ATOMIC, &res), -1);
	/* 0, 1 (gone), 2, 3 (fails); undo 2, 0. */
	assert_int_equal(f.n, 6);
	assert_call(&f, 4, &plan.v[2], true);
	assert_call(&f, 5, &plan.v[0], true);

	/* Gone alone is success. */
	fake_reset(&f);
	f.gone_at = 0;
	assert_int_equal(valed_apply(&plan, &fake_ops, &f, VALED_APPLY_ATOMIC, &res), 0);
	assert_int_equal(res.done, plan.n);
	valed_plan_free(&plan);
	valed_cfg_free(a);
	valed_cfg_free(b);
}

/* An undo that fails too is counted, and the others are still undone. */
static void test_undo_failure_counted(void **state)
{
	struct valed_cfg *a = parse_ok(cfg_a);
	struct valed_apply_result res;
	struct valed_plan plan;
	struct fake f;

	(void)state;
	assert_int_equal(valed_plan_build(&plan, NULL, a), 0);
	fake_reset(&f);
	f.fail_at = 4;
	f.undo_fail_at = 6;	/* the undo of action 2 */
	assert_int_equal(valed_apply(&plan, &fake_ops, &f, VALED_APPLY_ATOMIC, &res), -1);
	assert_int_equal(f.n, 9);
	assert_int_equal(res.undo_failed, 1);
	assert_call(&f, 8, &plan.v[0], true);
	valed_plan_free(&plan);
	valed_cfg_free(a);
}

/* Stopping: every action tried, failures counted, nothing undone. */
static void test_best_effort(void **state)
{
	struct valed_cfg *a = parse_ok(cfg_a);
	struct valed_apply_result res;
	struct valed_plan plan;
	struct fake f;

	(void)state;
	assert_int_equal(valed_plan_build(&plan, a, NULL), 0);
	fake_reset(&f);
	f.fail_at = 1;
	f.undo_fail_at = 3;
	assert_int_equal(valed_apply(&plan, &fake_ops, &f, VALED_APPLY_BEST_EFFORT, &res), -1);
	assert_int_equal(f.n, plan.n);
	for (size_t i = 0; i < plan.n; i++)
		assert_call(&f, i, &plan.v[i], false);
	assert_int_equal(res.failed, 2);
	assert_int_equal(res.done, plan.n - 2);
	valed_plan_free(&plan);
	valed_cfg_free(a);
}

static void test_empty_plan(void **state)
{
	struct valed_apply_result res;
	struct valed_plan plan;
	struct fake f;

	(void)state;
	assert_int_equal(valed_plan_build(&plan, NULL, NULL), 0);
	fake_reset(&f);
	assert_int_equal(valed_apply(&plan, &fake_ops, &f, VALED_APPLY_ATOMIC, &res), 0);
	assert_int_equal(f.n, 0);
	valed_plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollback_every_step_create),
		cmocka_unit_test(test_rollback_every_step_change),
		cmocka_unit_test(test_rollback_every_step_stop),
		cmocka_unit_test(test_gone_not_undone),
		cmocka_unit_test(test_undo_failure_counted),
		cmocka_unit_test(test_best_effort),
		cmocka_unit_test(test_empty_plan),
	};

	/* The apply log is not what is tested. */
	valed_log_set_level(VALED_CFG_LOG_ERROR - 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
