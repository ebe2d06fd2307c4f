// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_module.c - netmap.ko load and unload.
 */
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

#include <net/netmap.h>

#include "../nm_os.h"
#include "nm_linux.h"

static int __init nm_module_init(void)
{
	int err;

	err = nm_dev_init();
	if (err)
		return err;
	pr_info("netmap: loaded, API %d (accepts %d..%d)\n",
		NETMAP_API, NETMAP_MIN_API, NETMAP_MAX_API);
	return 0;
}

static void __exit nm_module_exit(void)
{
	long live;

	nm_dev_fini();
	/*
	 * Every object is freed by now: open files hold a module reference, so
	 * unload only happens after the last release. Anything still counted
	 * is a leak, reported loudly so that tests fail on it.
	 */
	live = nm_os_live_allocs();
	WARN(live != 0, "netmap: %ld allocations leaked at unload\n", live);
	pr_info("netmap: unloaded\n");
}

module_init(nm_module_init);
module_exit(nm_module_exit);

MODULE_DESCRIPTION("netmap API 14 and VALE software switches");
MODULE_AUTHOR("VALE appliance developers");
MODULE_LICENSE("Dual BSD/GPL");
