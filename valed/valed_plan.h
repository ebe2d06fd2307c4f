/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_plan.h - what valed must do to turn one configuration into
 * another: an ordered list of actions, computed by a pure function.
 *
 * The "actual" configuration is valed's model of what it created itself
 * (the configuration it last applied; NULL when it has created nothing),
 * the "desired" one is the file. Only differences give actions:
 *
 *   - a switch, persistent port, uplink or vhost-user port present on one
 *     side only is removed or created;
 *   - an uplink whose host_stack or adapter changed is detached and
 *     attached again;
 *   - a vhost-user port whose socket, role, queues, MAC, owner, group or
 *     mode changed, or whose switch's options.slots or the global
 *     busy_poll changed, is stopped and started again (a running back-end
 *     cannot change them); an unchanged one is left alone;
 *   - a persistent port keeps its attachments in switch order, because
 *     the kernel detaches the first of its two switches only after the
 *     second: keeping [A, B] -> [B] detaches B, detaches A, attaches B.
 *
 * All removals come before all creations, so a name, device, socket or
 * MAC that moves is free before it is claimed again; removals run in the
 * reverse order of creations (vhost-user ports stopped and uplinks
 * detached before persistent ports go, persistent ports deleted before
 * their switch). Creations go: switches, persistent ports created, then
 * attached, uplinks attached, vhost-user ports started, each in file
 * order. As a consequence plan(B, A) is exactly plan(A, B) reversed with
 * every action inverted: the rollback of a failed reload, and
 * plan(actual, NULL) is "stop everything".
 *
 * Global settings other than busy_poll (log level, CPU affinity, control
 * socket and group) are the daemon's own and produce no action.
 *
 * Actions point into the configuration that holds their object (the
 * actual one for removals, the desired one for creations): a plan is
 * valid while both live.
 */
#ifndef VALED_PLAN_H
#define VALED_PLAN_H

#include <stddef.h>

#include "valed_cfg.h"

enum valed_plan_op {
	/* removals, in the order they are listed within a plan */
	VALED_PLAN_VHOST_STOP,
	VALED_PLAN_UPLINK_DETACH,
	VALED_PLAN_PERSISTENT_DETACH,
	VALED_PLAN_PERSISTENT_DELETE,
	VALED_PLAN_SWITCH_REMOVE,
	/* creations */
	VALED_PLAN_SWITCH_ADD,
	VALED_PLAN_PERSISTENT_CREATE,
	VALED_PLAN_PERSISTENT_ATTACH,
	VALED_PLAN_UPLINK_ATTACH,
	VALED_PLAN_VHOST_START,
};

struct valed_plan_action {
	enum valed_plan_op op;
	/* The switch concerned; for PERSISTENT_CREATE/DELETE the first one. */
	const struct valed_cfg_switch *sw;
	/* NULL for switch actions. */
	const struct valed_cfg_port *port;
	/* For VHOST_START/STOP: the busy_poll the back-end runs with. */
	bool busy_poll;
};

struct valed_plan {
	struct valed_plan_action *v;
	size_t n;
	size_t cap;
};

/*
 * Fill @plan (zeroed or freed before) with the actions from @actual to
 * @desired; either may be NULL for "nothing". Both must be valid
 * configurations (as valed_cfg_parse() returns them).
 * 0, or -1 when out of memory (the plan is then empty).
 */
int valed_plan_build(struct valed_plan *plan, const struct valed_cfg *actual,
		     const struct valed_cfg *desired);

void valed_plan_free(struct valed_plan *plan);

/* The action that undoes @op (VHOST_START for VHOST_STOP, ...). */
enum valed_plan_op valed_plan_op_inverse(enum valed_plan_op op);
/* "vhost-start", "uplink-detach", ... */
const char *valed_plan_op_name(enum valed_plan_op op);

/* Enough for any line valed_plan_format() writes. */
#define VALED_PLAN_LINE_MAX	512

/*
 * One line (no newline) describing @a, e.g.
 *   uplink-attach vale0:eth1 host-stack adapter=generic
 *   vhost-start vale0:vm1 socket=/run/valed/vm1.sock role=server queues=1 ...
 * Returns what snprintf() would.
 */
int valed_plan_format(const struct valed_plan_action *a, char *buf, size_t len);

/* Every action, one a line. */
void valed_plan_print(const struct valed_plan *plan, FILE *f);

#endif /* VALED_PLAN_H */
