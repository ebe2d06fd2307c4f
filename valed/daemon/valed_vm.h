/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_vm.h - the VM ports: vhost-user back-ends running in a pool of
 * worker threads.
 *
 * Each worker has its own epoll loop running any number of struct
 * vhu_vport (one per VM port). The main thread (the control loop) starts,
 * stops and inspects ports with synchronous commands: it fills a command,
 * wakes the worker through an eventfd and waits on a condition variable
 * until the worker has carried it out between two epoll batches. So a
 * port is only ever touched by its worker, and a command never runs while
 * the worker still holds event pointers of the port it would close.
 *
 * Workers: one per CPU of global.cpu_affinity, pinned there, or a single
 * unpinned one. A new port goes to the worker with the fewest ports.
 * Ports are named by their switch port, "valeX:Y".
 */
#ifndef VALED_VM_H
#define VALED_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "valed_cfg.h"
#include "vhu_log.h"
#include "vhu_vport.h"

struct valed_vm_pool;

/* What a snapshot reports of one running port. */
struct valed_vm_snapshot {
	enum vhu_vport_state state;
	struct vhu_net_stats stats;
	bool broken;
	char reason[VHU_ERR_LEN];	/* why the device is broken */
	unsigned int worker;
};

/*
 * Start the workers: one per CPU in @cpus (pinned), or one when @ncpus is
 * 0. NULL with @err when not even one could start.
 */
struct valed_vm_pool *valed_vm_pool_new(const unsigned int *cpus, size_t ncpus,
					struct vhu_err *err);

/* Stop every port still running, then the workers, and free @pool. */
void valed_vm_pool_free(struct valed_vm_pool *pool);

/*
 * Start vhost-user port @p of switch @sw: socket, owner, group and mode
 * from the configuration (names looked up now), slots from the switch.
 * 0, or -1 with @err (nothing left behind).
 */
int valed_vm_start(struct valed_vm_pool *pool, const struct valed_cfg_switch *sw,
		   const struct valed_cfg_port *p, bool busy_poll, struct vhu_err *err);

/* Stop port "@sw:@name": 0, or 1 when no such port runs. */
int valed_vm_stop(struct valed_vm_pool *pool, const char *sw, const char *name);

/* State and counters of port "@sw:@name": 0, or 1 when it does not run. */
int valed_vm_snapshot(struct valed_vm_pool *pool, const char *sw, const char *name,
		      struct valed_vm_snapshot *snap);

/* How many ports run, and how many workers run them. */
size_t valed_vm_count(const struct valed_vm_pool *pool);
size_t valed_vm_workers(const struct valed_vm_pool *pool);

/* "listening", "connecting", "connected", "done". */
const char *valed_vm_state_name(enum vhu_vport_state st);

/*
 * The port spec libnetmap opens: "valeX:Y", plus "@conf:slots=N" when the
 * switch sets its slots. Exposed for tests.
 */
int valed_vm_port_spec(char *buf, size_t len, const struct valed_cfg_switch *sw,
		       const struct valed_cfg_port *p);

/* A user or group name, or a numeric id. 0, or -1 with @err naming it. */
int valed_vm_resolve_user(const char *s, uid_t *uid, struct vhu_err *err);
int valed_vm_resolve_group(const char *s, gid_t *gid, struct vhu_err *err);

#endif /* VALED_VM_H */
