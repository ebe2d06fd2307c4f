/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_fixture.h - bring the portable core up and down around a CMocka group,
 * with the module's default geometry but a small global buffer pool.
 */
#ifndef _CORE_FIXTURE_H
#define _CORE_FIXTURE_H

#include "core/nm_ctrl.h"
#include "core/nm_mem.h"
#include "core/vale.h"
#include "os_user.h"

static inline int core_setup(void **state)
{
	struct nm_mem_cfg cfg = {
		.pool = {
			[NM_POOL_IF] = { 1024, 100 },
			[NM_POOL_RING] = { 36864, 200 },
			[NM_POOL_BUF] = { 2048, 8192 },
		},
	};

	(void)state;
	os_user_reset();
	nm_ctrl_init();
	if (nm_mem_init(&cfg) || vale_init(64))
		return -1;
	return 0;
}

static inline int core_teardown(void **state)
{
	(void)state;
	vale_fini();
	nm_mem_fini();
	nm_ctrl_fini();
	/* Whatever a test left allocated is a leak in the core. */
	return nm_os_live_allocs() == 0 ? 0 : -1;
}

#endif /* _CORE_FIXTURE_H */
