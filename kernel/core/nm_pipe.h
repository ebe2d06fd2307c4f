/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* nm_pipe.h - netmap pipes: "parent{id" (master) and "parent}id" (slave). */
#ifndef _NM_PIPE_H
#define _NM_PIPE_H

#include "nm_port.h"

#define NM_PIPE_MAX_PER_PARENT	64
#define NM_PIPE_MAX_RINGS	256
#define NM_PIPE_MAX_SLOTS	4096

int nm_pipe_lookup(const char *name, struct nmreq_register *reg, bool create,
		   struct nm_port **pp);

#endif /* _NM_PIPE_H */
