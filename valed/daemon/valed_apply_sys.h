/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_apply_sys.h - the executor that carries plan actions out for
 * real: switch and persistent-port actions as kernel requests
 * (valed_kern), vhost-user actions as VM worker commands (valed_vm).
 */
#ifndef VALED_APPLY_SYS_H
#define VALED_APPLY_SYS_H

#include "valed_apply.h"
#include "valed_kern.h"
#include "valed_vm.h"

struct valed_apply_sys {
	struct valed_kern *kern;
	struct valed_vm_pool *vm;
};

/* The table; its functions take a struct valed_apply_sys as context. */
extern const struct valed_apply_ops valed_apply_sys_ops;

#endif /* VALED_APPLY_SYS_H */
