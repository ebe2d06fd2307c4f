/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_cfg_conflict.h - what must be unique across a configuration.
 *
 * The walk over the file hands every value that is valid on its own to
 * one of these functions, in file order. Each remembers the value with
 * the path of the object that owns it and, when an earlier object already
 * has it, records an error at this (the later) value that names the
 * earlier owner: "socket "/run/x.sock" also used by $.switches[0].ports[0]".
 *
 * The rules:
 *   - a switch name once;
 *   - a port name once per switch (vhost-user names, uplink devices and
 *     persistent ports share the valeX: namespace);
 *   - an uplink device once in the whole file (a NIC joins one switch)
 *     and never also as a persistent port (that name is a netdev valed
 *     creates);
 *   - a persistent port on at most two switches (the kernel's limit);
 *   - a socket path once, the control socket included;
 *   - a MAC address once;
 *   - a CPU once in cpu_affinity.
 */
#ifndef VALED_CFG_CONFLICT_H
#define VALED_CFG_CONFLICT_H

#include <stddef.h>
#include <stdint.h>

#include "valed_cfg.h"

struct valed_cfg_seen;

struct valed_cfg_conflicts {
	struct valed_cfg_seen *v;
	size_t n;
	size_t cap;
	struct valed_cfg_errors *errs;	/* where conflicts are recorded */
};

/*
 * In every function: @at is the path of the value being checked, @owner
 * the path of the object it belongs to (what a later conflict will name),
 * @sw the index of the switch. Each returns 0 (the value was fine, or its
 * conflict was recorded) or -1 when out of memory.
 */
int valed_cfg_conflict_switch(struct valed_cfg_conflicts *c, const char *name,
			      const char *at, const char *owner);
int valed_cfg_conflict_vhost_user(struct valed_cfg_conflicts *c, size_t sw,
				  const char *name, const char *at,
				  const char *owner);
int valed_cfg_conflict_uplink(struct valed_cfg_conflicts *c, size_t sw,
			      const char *device, const char *at,
			      const char *owner);
int valed_cfg_conflict_persistent(struct valed_cfg_conflicts *c, size_t sw,
				  const char *name, const char *at,
				  const char *owner);
int valed_cfg_conflict_socket(struct valed_cfg_conflicts *c, const char *socket,
			      const char *at, const char *owner);
int valed_cfg_conflict_mac(struct valed_cfg_conflicts *c, const uint8_t mac[6],
			   const char *at, const char *owner);
int valed_cfg_conflict_cpu(struct valed_cfg_conflicts *c, unsigned int cpu,
			   const char *at);

void valed_cfg_conflicts_free(struct valed_cfg_conflicts *c);

#endif /* VALED_CFG_CONFLICT_H */
