/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_test.h - helpers shared by the valed unit tests: parse a text
 * that must be valid, get the error report of one that must not, compare
 * two configurations field by field.
 */
#ifndef VALED_TEST_H
#define VALED_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "valed_cfg.h"
#include "valed_mem.h"

/* Parse @text; the test fails unless it is valid. */
static inline struct valed_cfg *parse_ok(const char *text)
{
	struct valed_cfg_errors errs = { 0 };
	struct valed_cfg *cfg = NULL;
	enum valed_cfg_result r = valed_cfg_parse(text, strlen(text), &cfg, &errs);

	if (r != VALED_CFG_OK) {
		valed_cfg_errors_print(r, &errs, "text", stderr);
		fail_msg("expected a valid configuration, got result %d", r);
	}
	assert_int_equal(errs.n, 0);
	return cfg;
}

/*
 * The report "valed check" would print for @text named "t.json", as one
 * malloc'd string; *@res gets the result.
 */
static inline char *report(const char *text, size_t len, enum valed_cfg_result *res)
{
	struct valed_cfg_errors errs = { 0 };
	struct valed_cfg *cfg = NULL;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);

	assert_non_null(f);
	*res = valed_cfg_parse(text, len, &cfg, &errs);
	if (*res == VALED_CFG_OK)
		assert_null(errs.v);
	else
		assert_null(cfg);
	valed_cfg_errors_print(*res, &errs, "t.json", f);
	valed_cfg_errors_free(&errs);
	valed_cfg_free(cfg);
	fclose(f);
	return buf;
}

/* Assert that @text is invalid with exactly the report @want. */
#define assert_report(text, want) do { \
	enum valed_cfg_result res_; \
	char *got_ = report((text), strlen(text), &res_); \
	assert_int_equal(res_, VALED_CFG_INVALID); \
	assert_string_equal(got_, (want)); \
	free(got_); \
} while (0)

static inline int str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Every field of two configurations, for the allocation-failure sweeps. */
static inline void assert_cfg_equal(const struct valed_cfg *a, const struct valed_cfg *b)
{
	size_t i, j;

	assert_int_equal(a->global.log_level, b->global.log_level);
	assert_int_equal(a->global.busy_poll, b->global.busy_poll);
	assert_int_equal(a->global.ncpus, b->global.ncpus);
	for (i = 0; i < a->global.ncpus; i++)
		assert_int_equal(a->global.cpus[i], b->global.cpus[i]);
	assert_true(str_same(a->global.control_group, b->global.control_group));
	assert_string_equal(a->global.control_socket, b->global.control_socket);
	assert_int_equal(a->nswitches, b->nswitches);
	for (i = 0; i < a->nswitches; i++) {
		const struct valed_cfg_switch *x = &a->switches[i], *y = &b->switches[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->slots, y->slots);
		assert_int_equal(x->nports, y->nports);
		for (j = 0; j < x->nports; j++) {
			const struct valed_cfg_port *p = &x->ports[j], *q = &y->ports[j];

			assert_int_equal(p->type, q->type);
			assert_string_equal(p->name, q->name);
			if (p->type == VALED_CFG_PORT_UPLINK) {
				assert_int_equal(p->uplink.host_stack, q->uplink.host_stack);
				assert_int_equal(p->uplink.adapter, q->uplink.adapter);
			} else if (p->type == VALED_CFG_PORT_VHOST_USER) {
				assert_string_equal(p->vhost.socket, q->vhost.socket);
				assert_int_equal(p->vhost.role, q->vhost.role);
				assert_int_equal(p->vhost.queues, q->vhost.queues);
				assert_int_equal(p->vhost.has_mac, q->vhost.has_mac);
				assert_memory_equal(p->vhost.mac, q->vhost.mac, 6);
				assert_true(str_same(p->vhost.owner, q->vhost.owner));
				assert_true(str_same(p->vhost.group, q->vhost.group));
				assert_int_equal(p->vhost.mode, q->vhost.mode);
			}
		}
	}
}

#endif /* VALED_TEST_H */
