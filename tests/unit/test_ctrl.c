// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_ctrl.c - NIOCCTRL header checks and body handling of kernel/core/nm_ctrl.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core_fixture.h"

static struct nm_priv priv;

static void hdr_init(struct nmreq_header *h, unsigned int version,
		     unsigned int type, const void *body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = version;
	h->nr_reqtype = type;
	h->nr_body = (uintptr_t)body;
}

static void test_version_range(void **state)
{
	struct nmreq_register reg = { 0 };
	struct nmreq_header h;
	unsigned int v;

	(void)state;
	for (v = 0; v <= 0xffff; v++) {
		hdr_init(&h, v, NETMAP_REQ_REGISTER, &reg);
		if (v >= NETMAP_MIN_API && v <= NETMAP_MAX_API)
			assert_int_equal(nm_ctrl_check_header(&h), 0);
		else
			assert_int_equal(nm_ctrl_check_header(&h), -EINVAL);
	}
	assert_int_equal(NETMAP_MIN_API, 14);
	assert_int_equal(NETMAP_MAX_API, 15);
}

static void test_version_checked_first(void **state)
{
	struct nmreq_header h;

	(void)state;
	/* Bad version plus a faulting body: the version wins. */
	hdr_init(&h, 13, NETMAP_REQ_REGISTER, (void *)16);
	assert_int_equal(nm_ctrl_request(&priv, &h), -EINVAL);
	/* Good version, same body: now the body faults. */
	hdr_init(&h, 14, NETMAP_REQ_REGISTER, (void *)16);
	assert_int_equal(nm_ctrl_request(&priv, &h), -EFAULT);
}

static void test_reserved_must_be_zero(void **state)
{
	struct nmreq_register reg = { 0 };
	struct nmreq_header h;

	(void)state;
	hdr_init(&h, 14, NETMAP_REQ_REGISTER, &reg);
	h.nr_reserved = 1;
	assert_int_equal(nm_ctrl_check_header(&h), -EINVAL);
}

static void test_body_presence(void **state)
{
	struct nmreq_register reg = { 0 };
	struct nmreq_header h;
	unsigned int t;

	(void)state;
	for (t = NETMAP_REQ_REGISTER; t <= NETMAP_REQ_CSB_ENABLE; t++) {
		size_t sz = nm_ctrl_body_size(t);

		hdr_init(&h, 14, t, NULL);
		assert_int_equal(nm_ctrl_check_header(&h), sz ? -EINVAL : 0);
		hdr_init(&h, 14, t, &reg);
		assert_int_equal(nm_ctrl_check_header(&h), sz ? 0 : -EINVAL);
	}
}

static void test_body_sizes(void **state)
{
	(void)state;
	/* netmap-abi.md 2.5 */
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_REGISTER), 56);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_PORT_INFO_GET), 32);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_VALE_ATTACH), 64);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_VALE_DETACH), 8);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_VALE_LIST), 8);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_PORT_HDR_SET), 8);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_PORT_HDR_GET), 8);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_VALE_NEWIF), 16);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_VALE_DELIF), 0);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_VALE_POLLING_ENABLE), 16);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_VALE_POLLING_DISABLE), 16);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_POOLS_INFO_GET), 64);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_SYNC_KLOOP_START), 8);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_SYNC_KLOOP_STOP), 0);
	assert_int_equal(nm_ctrl_body_size(NETMAP_REQ_CSB_ENABLE), 0);
	assert_int_equal(nm_ctrl_body_size(0), 0);
	assert_int_equal(nm_ctrl_body_size(16), 0);
	assert_int_equal(nm_ctrl_body_size(0xffff), 0);
}

static void test_unknown_types(void **state)
{
	struct nmreq_register reg = { 0 };
	struct nmreq_header h;

	(void)state;
	hdr_init(&h, 14, 0, NULL);
	assert_int_equal(nm_ctrl_check_header(&h), -EINVAL);
	hdr_init(&h, 14, 16, NULL);
	assert_int_equal(nm_ctrl_check_header(&h), -EINVAL);
	hdr_init(&h, 14, 0xffff, &reg);
	assert_int_equal(nm_ctrl_check_header(&h), -EINVAL);
}

static void test_name_terminated(void **state)
{
	struct nmreq_register reg = { 0 };
	struct nmreq_header h;

	(void)state;
	hdr_init(&h, 14, NETMAP_REQ_REGISTER, &reg);
	memset(h.nr_name, 'a', sizeof(h.nr_name));
	assert_int_equal(nm_ctrl_check_header(&h), 0);
	assert_int_equal(h.nr_name[sizeof(h.nr_name) - 1], '\0');
	assert_int_equal(strlen(h.nr_name), sizeof(h.nr_name) - 1);
}

static void test_body_not_written_on_failure(void **state)
{
	struct nmreq_port_info_get body;
	struct nmreq_header h;

	(void)state;
	memset(&body, 0xa5, sizeof(body));
	hdr_init(&h, 14, NETMAP_REQ_PORT_INFO_GET, &body);
	strcpy(h.nr_name, "no_such_device");
	/* The lookup fails, and the body must stay untouched. */
	assert_int_not_equal(nm_ctrl_request(&priv, &h), 0);
	for (size_t i = 0; i < sizeof(body); i++)
		assert_int_equal(((unsigned char *)&body)[i], 0xa5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_range),
		cmocka_unit_test(test_version_checked_first),
		cmocka_unit_test(test_reserved_must_be_zero),
		cmocka_unit_test(test_body_presence),
		cmocka_unit_test(test_body_sizes),
		cmocka_unit_test(test_unknown_types),
		cmocka_unit_test(test_name_terminated),
		cmocka_unit_test(test_body_not_written_on_failure),
	};

	return cmocka_run_group_tests_name("nm_ctrl", tests, core_setup, core_teardown);
}
