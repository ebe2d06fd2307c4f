// SPDX-License-Identifier: GPL-2.0
/*
 * nm_selftest_warn - a module whose only job is to raise a kernel warning on
 * load, so that the harness self-test can prove a WARN fails a suite.
 * Never part of netmap.ko and never installed.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init nm_selftest_warn_init(void)
{
	WARN(1, "nm_selftest_warn: deliberate warning for the harness self-test\n");
	return 0;
}

static void __exit nm_selftest_warn_exit(void)
{
}

module_init(nm_selftest_warn_init);
module_exit(nm_selftest_warn_exit);
MODULE_DESCRIPTION("harness self-test: raises a kernel warning on load");
MODULE_LICENSE("GPL");
