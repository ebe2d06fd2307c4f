/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_state_adopt.h - take over what a daemon that died left behind.
 *
 * The state file says what the previous valed had applied. Its vhost-user
 * ports died with its process (their sockets are created again). Its
 * uplinks and persistent ports live in the kernel and normally still are
 * there: they are kept in the "actual" configuration, so the start plan
 * leaves them alone instead of failing with EBUSY on them. What the
 * kernel no longer has (someone detached it, the module was reloaded) is
 * dropped from "actual", so the plan creates it again.
 *
 * A persistent port that still exists but is attached nowhere is deleted
 * here: the model cannot say "exists, unattached", and the plan will
 * create and attach it again as the file wants.
 *
 * The kernel is reached through a probe table, so the unit tests can
 * adopt against a fake kernel.
 */
#ifndef VALED_STATE_ADOPT_H
#define VALED_STATE_ADOPT_H

#include <stdbool.h>

#include "valed_cfg.h"
#include "vhu_log.h"

struct valed_state_probe {
	/* "valeX:Y" a port of its switch? 1, 0, or -1 with @err. */
	int (*has_port)(void *ctx, const char *port, struct vhu_err *err);
	bool (*ifexists)(void *ctx, const char *ifname);
	/* 0, 1 (was gone), -1 with @err. */
	int (*delif)(void *ctx, const char *ifname, struct vhu_err *err);
	void *ctx;
};

/*
 * Reduce @cfg (parsed from the state file) in place to what still exists.
 * 0, or -1 with @err when the kernel could not be asked (@cfg is then
 * left half-reduced: free it).
 */
int valed_state_adopt(struct valed_cfg *cfg, const struct valed_state_probe *probe,
		      struct vhu_err *err);

/* A probe backed by valed_kern (@kern is a struct valed_kern *). */
void valed_state_probe_kern(struct valed_state_probe *probe, void *kern);

#endif /* VALED_STATE_ADOPT_H */
