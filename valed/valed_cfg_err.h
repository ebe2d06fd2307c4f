/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_cfg_err.h - collecting configuration errors (the public side,
 * struct valed_cfg_errors and its printer, is in valed_cfg.h).
 *
 * Errors are recorded with their JSON path while the tree is checked and
 * get their line and column afterwards, from one pass of the position
 * index over the text: only files with errors pay for that pass.
 */
#ifndef VALED_CFG_ERR_H
#define VALED_CFG_ERR_H

#include <stdbool.h>

#include "valed_cfg.h"
#include "valed_cfg_pos.h"

/* Record an error at @path (NULL: no position). 0, or -1 out of memory. */
int valed_cfg_err_add(struct valed_cfg_errors *errs, const char *path,
		      bool at_key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Same, with a known position (syntax errors: jansson's). */
int valed_cfg_err_add_at(struct valed_cfg_errors *errs, int line, int col,
			 const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Give every error without a position the one @pos recorded for its path,
 * then order the errors as they occur in the file (stable, so errors at
 * one place keep the order they were found in).
 */
void valed_cfg_err_place(struct valed_cfg_errors *errs,
			 const struct valed_cfg_pos *pos);

#endif /* VALED_CFG_ERR_H */
