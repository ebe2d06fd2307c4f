/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tport.h - a port opened the way an application opens one, but through the
 * core's own entry points: a REGISTER body passed to nm_ctrl_request(), the
 * rings reached with the netmap_user.h macros.
 */
#ifndef _TPORT_H
#define _TPORT_H

#include "core_fixture.h"
#include "core/nm_bind.h"
#include <net/netmap_user.h>

struct tport {
	struct nm_priv priv;
	struct nmreq_register reg;
	struct netmap_if *nifp;
	uint8_t mac[6];
};

/* One control request on @priv for port @name. */
static inline int tport_ctrl(struct nm_priv *priv, const char *name,
			     uint16_t type, void *body)
{
	struct nmreq_header h;

	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = type;
	h.nr_body = (uintptr_t)body;
	snprintf(h.nr_name, sizeof(h.nr_name), "%s", name);
	return nm_ctrl_request(priv, &h);
}

/* REGISTER @name with @flags and @slots per ring (0: default). */
static inline int tport_open(struct tport *t, const char *name, uint32_t mode,
			     uint64_t flags, uint32_t slots)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->reg.nr_mode = mode;
	t->reg.nr_flags = flags;
	t->reg.nr_tx_slots = t->reg.nr_rx_slots = slots;
	err = tport_ctrl(&t->priv, name, NETMAP_REQ_REGISTER, &t->reg);
	if (err)
		return err;
	t->nifp = NETMAP_IF(t->priv.port->mem->base, t->reg.nr_offset);
	/* A locally administered MAC unique to this port. */
	t->mac[0] = 0x02;
	t->mac[5] = (uint8_t)(uintptr_t)t;
	return 0;
}

static inline void tport_close(struct tport *t)
{
	nm_ctrl_lock();
	nm_bind_release(&t->priv);
	nm_ctrl_unlock();
}

#endif /* _TPORT_H */
