/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* nm_null.h - null ports. */
#ifndef _NM_NULL_H
#define _NM_NULL_H

#include "nm_port.h"

#define NM_NULL_MAX_RINGS	1024

int nm_null_port_create(const char *name, struct nmreq_register *reg,
			struct nm_port **pp);

#endif /* _NM_NULL_H */
