/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* nm_monitor.h - monitors: "/t", "/r" (copy) and "/z" ports watching another. */
#ifndef _NM_MONITOR_H
#define _NM_MONITOR_H

#include "nm_port.h"

int nm_monitor_create(const char *name, struct nmreq_register *reg,
		      struct nm_port **pp);
/* Hooks called by a watched ring's sync, with the ring's busy bit held. */
void nm_monitor_tx(struct nm_kring *k);
void nm_monitor_rx(struct nm_kring *k);
/* Zero-copy monitor hooks: after a TX sync, before an RX sync releases. */
void nm_zmon_tx(struct nm_kring *k);
void nm_zmon_rx(struct nm_kring *k);

#endif /* _NM_MONITOR_H */
