// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_module.c - netmap.ko load and unload, module parameters.
 */
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/sysfs.h>

#include "../nm_os.h"
#include "../core/nm_ctrl.h"
#include "../core/nm_mem.h"
#include "../core/vale.h"
#include "nm_linux.h"

/*
 * The global allocator (id 1, NIC ports). Its region is allocated only
 * while a port uses it. buf_num is 32768 (64 MiB) rather than the
 * reference's 163840 (320 MiB), which would not fit small test guests.
 */
static unsigned int if_size = 1024, if_num = 100;
static unsigned int ring_size = 36864, ring_num = 200;
static unsigned int buf_size = 2048, buf_num = 32768;
module_param(if_size, uint, 0444);
MODULE_PARM_DESC(if_size, "size of a netmap_if object in the global allocator");
module_param(if_num, uint, 0444);
MODULE_PARM_DESC(if_num, "netmap_if objects in the global allocator");
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "size of a ring object in the global allocator");
module_param(ring_num, uint, 0444);
MODULE_PARM_DESC(ring_num, "ring objects in the global allocator");
module_param(buf_size, uint, 0444);
MODULE_PARM_DESC(buf_size, "packet buffer size of every allocator (bytes)");
module_param(buf_num, uint, 0444);
MODULE_PARM_DESC(buf_num, "packet buffers in the global allocator");

/* Budget for all shared regions together; 0 = half of RAM. */
static unsigned int mem_limit_mb;
module_param(mem_limit_mb, uint, 0444);
MODULE_PARM_DESC(mem_limit_mb, "MiB all netmap memory regions may use (0 = half of RAM)");

static unsigned int max_bridges = 64;
module_param(max_bridges, uint, 0444);
MODULE_PARM_DESC(max_bridges, "number of VALE switches (read at load)");
module_param_named(bridge_batch, vale_params.batch, uint, 0644);
MODULE_PARM_DESC(bridge_batch, "slots forwarded per batch (1..1024)");

/* Live objects of the module: tests compare it before and after a run. */
static int nm_param_live_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", nm_os_live_allocs());
}

static const struct kernel_param_ops nm_param_live_ops = {
	.get = nm_param_live_get,
};
module_param_cb(live_allocs, &nm_param_live_ops, NULL, 0444);
MODULE_PARM_DESC(live_allocs, "objects the module holds now (read only)");

static int __init nm_module_init(void)
{
	struct nm_mem_cfg cfg = {
		.pool = {
			[NM_POOL_IF] = { if_size, if_num },
			[NM_POOL_RING] = { ring_size, ring_num },
			[NM_POOL_BUF] = { buf_size, buf_num },
		},
	};
	int err;

	nm_os_mem_limit = mem_limit_mb ? (unsigned long)mem_limit_mb << 20 :
			  (totalram_pages() << PAGE_SHIFT) / 2;
	nm_ctrl_init();
	err = nm_mem_init(&cfg);
	if (err)
		goto fail_ctrl;
	err = vale_init(max_bridges);
	if (err)
		goto fail_mem;
	err = nm_gna_init();
	if (err)
		goto fail_vale;
	err = nm_dev_init();
	if (err)
		goto fail_gna;
	pr_info("netmap: loaded, API %d (accepts %d..%d), %u VALE switches\n",
		NETMAP_API, NETMAP_MIN_API, NETMAP_MAX_API, max_bridges);
	return 0;
fail_gna:
	nm_gna_fini();
fail_vale:
	vale_fini();
fail_mem:
	nm_mem_fini();
fail_ctrl:
	nm_ctrl_fini();
	return err;
}

static void __exit nm_module_exit(void)
{
	long live;

	nm_dev_fini();
	nm_netdev_fini();
	nm_gna_fini();
	vale_fini();
	nm_mem_fini();
	nm_ctrl_fini();
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
