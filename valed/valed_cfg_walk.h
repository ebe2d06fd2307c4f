/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_cfg_walk.h - the check of a parsed valed.json (internal to the
 * parser, valed_cfg.c).
 */
#ifndef VALED_CFG_WALK_H
#define VALED_CFG_WALK_H

#include <jansson.h>

#include "valed_cfg.h"

/*
 * Check @root and fill @cfg (made by valed_cfg_new_empty(), so every
 * default is there), adding each problem to @errs without a position.
 * 0, or -1 when out of memory (@cfg and @errs are then partly filled;
 * the caller frees them).
 */
int valed_cfg_walk(json_t *root, struct valed_cfg *cfg,
		   struct valed_cfg_errors *errs);

#endif /* VALED_CFG_WALK_H */
