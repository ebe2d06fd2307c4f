/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_status.h - the "status" reply: every switch of the applied
 * configuration with its ports, their state and counters.
 *
 * Sources: the kernel's port list (one VALE_LIST walk: which ports are on
 * which switch) and NETMAP_REQ_VALE_PORT_STATS for each port; the VM
 * workers for each vhost-user port's connection state, broken reason and
 * back-end counters. A kernel that cannot be asked makes states
 * "unknown" and counters null, with "kernel_error" saying why; status
 * itself never fails for it.
 */
#ifndef VALED_STATUS_H
#define VALED_STATUS_H

#include <jansson.h>

#include "valed_cfg.h"
#include "valed_kern.h"
#include "valed_vm.h"

/*
 * {"ok":true, "daemon":@daemon, "switches":[...]}; steals @daemon.
 * NULL when out of memory.
 */
json_t *valed_status_json(const struct valed_cfg *cfg, struct valed_kern *kern,
			  struct valed_vm_pool *vm, json_t *daemon);

#endif /* VALED_STATUS_H */
