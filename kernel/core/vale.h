/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vale.h - VALE software switches: bridges, their ports, control requests.
 */
#ifndef _VALE_H
#define _VALE_H

#include "nm_port.h"
#include "vale_learn.h"

#define VALE_MAXPORTS		254	/* NM_BDG_MAXPORTS */
#define VALE_NAMSZ		16	/* bridge name incl. prefix, with NUL */
#define VALE_MAX_RINGS		16
#define VALE_MAX_SLOTS		4096
#define VALE_DEF_SLOTS		1024
#define VALE_MAX_FRAGS		64	/* NETMAP_MAX_FRAGS */
#define VALE_MAX_EXTRA_BUFS	(128 * 4096)

struct vale_params {
	unsigned int max_bridges;	/* read at init only */
	unsigned int batch;		/* slots per forwarding batch, <= 1024 */
};
extern struct vale_params vale_params;

int vale_init(unsigned int max_bridges);
void vale_fini(void);

/* Names the switch owns: anything starting with "val" (netmap-abi.md 5.1). */
static inline bool vale_name_is_vale(const char *name)
{
	return name[0] == 'v' && name[1] == 'a' && name[2] == 'l';
}

/* REGISTER-style lookup of "valeX:Y"; creates an ephemeral port if @create. */
int vale_port_lookup(const char *name, struct nmreq_register *reg,
		     bool create, struct nm_port **pp);

/* Control requests (all under the control lock). */
int vale_list(struct nmreq_header *hdr, struct nmreq_vale_list *req);
int vale_hdr_set(const char *name, uint32_t len);
int vale_hdr_get(const char *name, uint32_t *len);
int vale_port_stats(const char *name, struct nmreq_vale_port_stats *st);
int vale_attach(struct nmreq_header *hdr, struct nmreq_vale_attach *req);
int vale_detach(struct nmreq_header *hdr, struct nmreq_vale_detach *req);
int vale_polling(struct nmreq_header *hdr, struct nmreq_vale_polling *req,
		 bool enable);

/*
 * Persistent ports (VALE_NEWIF): the switch side of a network device made
 * by the OS layer. vale_persist_new() returns the port with one reference,
 * owned by the device.
 */
int vale_persist_new(const char *ifname, struct nmreq_vale_newif *req,
		     struct nm_port **pp);
bool vale_persist_busy(struct nm_port *p);
void vale_persist_detach_all(struct nm_port *p);
bool vale_port_is_vale(const struct nm_port *p);

/*
 * Take an attached NIC out of its switch: VALE_DETACH, or the OS layer when
 * the device goes away or the module unloads. Under the control lock.
 */
void vale_uplink_detach(struct nm_port *nic);

/* Forwarding core, exposed for unit tests and the userspace benchmark. */
int vale_txsync(struct nm_kring *k);
int vale_rxsync(struct nm_kring *k);

#endif /* _VALE_H */
