// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_cfg_conflict.c - uniqueness rules across a configuration (see
 * valed_cfg_conflict.h).
 *
 * Every value seen is kept in one flat list searched linearly: a
 * configuration has tens of ports, and the list lives only while a file
 * is checked.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "valed_cfg_conflict.h"
#include "valed_cfg_err.h"
#include "valed_mem.h"

enum kind {
	K_SWITCH,
	K_PORT_NAME,		/* scope: the switch */
	K_UPLINK,		/* interface names, scope: the switch */
	K_PERSISTENT,		/* interface names, scope: the switch */
	K_SOCKET,
	K_MAC,
	K_CPU,
};

/* Any switch: for names that are unique in the whole file. */
#define ANY_SCOPE	((size_t)-1)

struct valed_cfg_seen {
	enum kind kind;
	size_t scope;
	char *key;
	char *owner;
};

/* The next entry from index @from of @kind and @key, or -1. */
static long find(const struct valed_cfg_conflicts *c, size_t from,
		 enum kind kind, size_t scope, const char *key)
{
	size_t i;

	for (i = from; i < c->n; i++) {
		const struct valed_cfg_seen *s = &c->v[i];

		if (s->kind == kind && strcmp(s->key, key) == 0 &&
		    (scope == ANY_SCOPE || s->scope == scope))
			return (long)i;
	}
	return -1;
}

static int remember(struct valed_cfg_conflicts *c, enum kind kind,
		    size_t scope, const char *key, const char *owner)
{
	struct valed_cfg_seen *s;

	if (c->n == c->cap) {
		size_t cap = c->cap == 0 ? 32 : c->cap * 2;

		s = valed_mem_realloc(c->v, cap * sizeof(*s));
		if (s == NULL)
			return -1;
		c->v = s;
		c->cap = cap;
	}
	s = &c->v[c->n];
	s->kind = kind;
	s->scope = scope;
	s->key = valed_mem_strdup(key);
	s->owner = valed_mem_strdup(owner);
	if (s->key == NULL || s->owner == NULL) {
		valed_mem_free(s->key);
		valed_mem_free(s->owner);
		return -1;
	}
	c->n++;
	return 0;
}

int valed_cfg_conflict_switch(struct valed_cfg_conflicts *c, const char *name,
			      const char *at, const char *owner)
{
	long i = find(c, 0, K_SWITCH, ANY_SCOPE, name);

	if (i >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "switch name \"%s\" also used by %s",
					 name, c->v[i].owner);
	return remember(c, K_SWITCH, ANY_SCOPE, name, owner);
}

/* The valeX: namespace of switch @sw; true when @name was free. */
static int port_name(struct valed_cfg_conflicts *c, size_t sw, const char *name,
		     const char *at, bool *ok)
{
	long i = find(c, 0, K_PORT_NAME, sw, name);

	*ok = i < 0;
	if (i >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "port name \"%s\" also used by %s",
					 name, c->v[i].owner);
	return 0;
}

int valed_cfg_conflict_vhost_user(struct valed_cfg_conflicts *c, size_t sw,
				  const char *name, const char *at,
				  const char *owner)
{
	bool ok;

	if (port_name(c, sw, name, at, &ok) < 0)
		return -1;
	return ok ? remember(c, K_PORT_NAME, sw, name, owner) : 0;
}

int valed_cfg_conflict_uplink(struct valed_cfg_conflicts *c, size_t sw,
			      const char *device, const char *at,
			      const char *owner)
{
	long i;
	bool ok;

	/* The device first: "on two switches" says more than "name taken". */
	i = find(c, 0, K_UPLINK, ANY_SCOPE, device);
	if (i >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "device \"%s\" also used by %s",
					 device, c->v[i].owner);
	i = find(c, 0, K_PERSISTENT, ANY_SCOPE, device);
	if (i >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "device \"%s\" also used by %s, a persistent port valed creates",
					 device, c->v[i].owner);
	if (port_name(c, sw, device, at, &ok) < 0)
		return -1;
	if (!ok)
		return 0;
	if (remember(c, K_PORT_NAME, sw, device, owner) < 0)
		return -1;
	return remember(c, K_UPLINK, sw, device, owner);
}

int valed_cfg_conflict_persistent(struct valed_cfg_conflicts *c, size_t sw,
				  const char *name, const char *at,
				  const char *owner)
{
	long first, second;
	bool ok;

	/* Twice on one switch is a port name used twice. */
	if (port_name(c, sw, name, at, &ok) < 0)
		return -1;
	if (!ok)
		return 0;
	first = find(c, 0, K_UPLINK, ANY_SCOPE, name);
	if (first >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "persistent port \"%s\" also used by %s, an uplink device",
					 name, c->v[first].owner);
	first = find(c, 0, K_PERSISTENT, ANY_SCOPE, name);
	second = first < 0 ? -1 :
		 find(c, (size_t)first + 1, K_PERSISTENT, ANY_SCOPE, name);
	if (second >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "persistent port \"%s\" already on %d switches (%s, %s), expected at most %d",
					 name, VALED_CFG_PERSISTENT_SWITCHES,
					 c->v[first].owner, c->v[second].owner,
					 VALED_CFG_PERSISTENT_SWITCHES);
	if (remember(c, K_PORT_NAME, sw, name, owner) < 0)
		return -1;
	return remember(c, K_PERSISTENT, sw, name, owner);
}

int valed_cfg_conflict_socket(struct valed_cfg_conflicts *c, const char *socket,
			      const char *at, const char *owner)
{
	long i = find(c, 0, K_SOCKET, ANY_SCOPE, socket);

	if (i >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "socket \"%s\" also used by %s",
					 socket, c->v[i].owner);
	return remember(c, K_SOCKET, ANY_SCOPE, socket, owner);
}

int valed_cfg_conflict_mac(struct valed_cfg_conflicts *c, const uint8_t mac[6],
			   const char *at, const char *owner)
{
	char key[18];
	long i;

	/* Canonical spelling, so 52:54:00:AA:00:01 meets 52:54:00:aa:00:01. */
	valed_cfg_mac_format(mac, key);
	i = find(c, 0, K_MAC, ANY_SCOPE, key);
	if (i >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "MAC %s also used by %s", key,
					 c->v[i].owner);
	return remember(c, K_MAC, ANY_SCOPE, key, owner);
}

int valed_cfg_conflict_cpu(struct valed_cfg_conflicts *c, unsigned int cpu,
			   const char *at)
{
	char key[16];
	long i;

	snprintf(key, sizeof(key), "%u", cpu);
	i = find(c, 0, K_CPU, ANY_SCOPE, key);
	if (i >= 0)
		return valed_cfg_err_add(c->errs, at, false,
					 "CPU %u also listed at %s", cpu,
					 c->v[i].owner);
	return remember(c, K_CPU, ANY_SCOPE, key, at);
}

void valed_cfg_conflicts_free(struct valed_cfg_conflicts *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		valed_mem_free(c->v[i].key);
		valed_mem_free(c->v[i].owner);
	}
	valed_mem_free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}
