// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_apply_sys.c - plan actions against the kernel and the VM workers.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "valed_apply_sys.h"
#include "valed_log.h"

/* A VALE switch exists while it has ports: nothing to ask the kernel. */
static int switch_noop(void *ctx, const struct valed_plan_action *a, struct vhu_err *err)
{
	(void)ctx;
	(void)a;
	(void)err;
	return 0;
}

static int persistent_create(void *ctx, const struct valed_plan_action *a,
			     struct vhu_err *err)
{
	struct valed_apply_sys *s = ctx;

	return valed_kern_newif(s->kern, a->port->name, err);
}

static int persistent_delete(void *ctx, const struct valed_plan_action *a,
			     struct vhu_err *err)
{
	struct valed_apply_sys *s = ctx;

	return valed_kern_delif(s->kern, a->port->name, err);
}

static int persistent_attach(void *ctx, const struct valed_plan_action *a,
			     struct vhu_err *err)
{
	struct valed_apply_sys *s = ctx;

	return valed_kern_attach(s->kern, a->sw->name, a->port->name, false, err);
}

static int any_detach(void *ctx, const struct valed_plan_action *a, struct vhu_err *err)
{
	struct valed_apply_sys *s = ctx;

	return valed_kern_detach(s->kern, a->sw->name, a->port->name, err);
}

static int uplink_attach(void *ctx, const struct valed_plan_action *a,
			 struct vhu_err *err)
{
	struct valed_apply_sys *s = ctx;

	/*
	 * The module has only the generic adapter; attaching generically
	 * when "native" was asked for would quietly give less than the
	 * operator wrote.
	 */
	if (a->port->uplink.adapter == VALED_CFG_ADAPTER_NATIVE)
		return vhu_err_set(err, "%s: adapter \"native\" is not available: this "
				   "netmap module has only the generic adapter (use "
				   "\"adapter\": \"generic\")", a->port->name);
	return valed_kern_attach(s->kern, a->sw->name, a->port->name,
				 a->port->uplink.host_stack, err);
}

static int vhost_start(void *ctx, const struct valed_plan_action *a, struct vhu_err *err)
{
	struct valed_apply_sys *s = ctx;

	if (valed_vm_start(s->vm, a->sw, a->port, a->busy_poll, err) == 0)
		return 0;
	/* The back-end names the port, not the device it could not open. */
	if (access(NETMAP_DEVICE_NAME, F_OK) < 0) {
		size_t n = strlen(err->msg);

		snprintf(err->msg + n, sizeof(err->msg) - n,
			 " (" NETMAP_DEVICE_NAME " is missing: is the netmap module loaded?)");
	}
	return -1;
}

static int vhost_stop(void *ctx, const struct valed_plan_action *a, struct vhu_err *err)
{
	struct valed_apply_sys *s = ctx;

	if (valed_vm_stop(s->vm, a->sw->name, a->port->name) == 1) {
		vhu_err_set(err, "%s:%s is not running", a->sw->name, a->port->name);
		return VALED_APPLY_GONE;
	}
	return 0;
}

const struct valed_apply_ops valed_apply_sys_ops = {
	.fn = {
		[VALED_PLAN_VHOST_STOP] = vhost_stop,
		[VALED_PLAN_UPLINK_DETACH] = any_detach,
		[VALED_PLAN_PERSISTENT_DETACH] = any_detach,
		[VALED_PLAN_PERSISTENT_DELETE] = persistent_delete,
		[VALED_PLAN_SWITCH_REMOVE] = switch_noop,
		[VALED_PLAN_SWITCH_ADD] = switch_noop,
		[VALED_PLAN_PERSISTENT_CREATE] = persistent_create,
		[VALED_PLAN_PERSISTENT_ATTACH] = persistent_attach,
		[VALED_PLAN_UPLINK_ATTACH] = uplink_attach,
		[VALED_PLAN_VHOST_START] = vhost_start,
	},
};
