/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_cfg.h - valed's configuration: the model of one valed.json and
 * the parser that builds it (see valed.json(5) for the file format).
 *
 * Parsing never stops at the first problem: every error in the file is
 * collected, each with the line and column where the offending value (or,
 * for an unknown key, the key) starts and its JSON path, so an operator
 * fixes a file in one round. A configuration is returned only when the
 * file has no error at all; it is then complete, every default filled in,
 * and consistent (no name, device, socket or MAC used twice), which is
 * what the reconcile plan (valed_plan.h) relies on.
 *
 * The model is plain data that owns its strings; nothing in it refers back
 * to the JSON text, so the daemon keeps the configuration it applied (its
 * model of what it created) long after the file changed.
 */
#ifndef VALED_CFG_H
#define VALED_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VALED_CFG_DEFAULT_PATH		"/etc/valed/valed.json"
#define VALED_CFG_DEFAULT_CONTROL_SOCKET "/run/valed/valed.sock"
#define VALED_CFG_DEFAULT_MODE		0660

/*
 * Limits, from the netmap ABI (netmap-abi.md 5.2, 6.1) and Linux:
 * a switch name is "vale" plus 1..11 of [A-Za-z0-9_] (the ':' must be at
 * index <= 15); a port name on a switch is at most 15 characters; an
 * interface name (uplink NIC, persistent port) is at most IFNAMSIZ - 1.
 */
#define VALED_CFG_SWITCH_NAME_MAX	15
#define VALED_CFG_PORT_NAME_MAX		15
#define VALED_CFG_IFNAME_MAX		15
/* sizeof(sun_path) - 1: the socket path must fit a Unix socket address. */
#define VALED_CFG_SOCKET_PATH_MAX	107
#define VALED_CFG_QUEUES_MAX		16
#define VALED_CFG_SLOTS_MAX		4096
/* CPU_SETSIZE - 1: the highest CPU sched_setaffinity() can name. */
#define VALED_CFG_CPU_MAX		1023
/* useradd's limit on user and group names. */
#define VALED_CFG_ID_NAME_MAX		32
/* A persistent port can be attached to two switches, not more. */
#define VALED_CFG_PERSISTENT_SWITCHES	2
/* Larger files are refused before jansson sees them. */
#define VALED_CFG_TEXT_MAX		(1024 * 1024)

enum valed_cfg_log_level {
	VALED_CFG_LOG_ERROR,
	VALED_CFG_LOG_WARNING,
	VALED_CFG_LOG_INFO,
	VALED_CFG_LOG_DEBUG,
};

enum valed_cfg_port_type {
	VALED_CFG_PORT_VHOST_USER,
	VALED_CFG_PORT_UPLINK,
	VALED_CFG_PORT_PERSISTENT,
};

enum valed_cfg_role {
	VALED_CFG_ROLE_SERVER,		/* valed listens, QEMU connects */
	VALED_CFG_ROLE_CLIENT,		/* QEMU listens (server=on), valed connects */
};

enum valed_cfg_adapter {
	VALED_CFG_ADAPTER_GENERIC,
	VALED_CFG_ADAPTER_NATIVE,
};

struct valed_cfg_global {
	enum valed_cfg_log_level log_level;
	bool busy_poll;
	unsigned int *cpus;		/* cpu_affinity; NULL when ncpus == 0 */
	size_t ncpus;
	char *control_group;		/* NULL: not set */
	char *control_socket;		/* never NULL */
};

struct valed_cfg_vhost_user {
	char *socket;
	enum valed_cfg_role role;
	unsigned int queues;
	bool has_mac;
	uint8_t mac[6];
	char *owner;			/* NULL: not set (valed's own) */
	char *group;			/* NULL: not set */
	unsigned int mode;		/* permission bits, <= 0777 */
};

struct valed_cfg_uplink {
	bool host_stack;
	enum valed_cfg_adapter adapter;
};

struct valed_cfg_port {
	enum valed_cfg_port_type type;
	/*
	 * The port's name on its switch, valeX:<name>: the vhost-user
	 * port name, the uplink's device, the persistent port's interface.
	 */
	char name[VALED_CFG_PORT_NAME_MAX + 1];
	union {
		struct valed_cfg_vhost_user vhost;
		struct valed_cfg_uplink uplink;
	};
};

struct valed_cfg_switch {
	char name[VALED_CFG_SWITCH_NAME_MAX + 1];
	/* options.slots: slots per ring of its vhost-user ports; 0 = kernel's */
	unsigned int slots;
	struct valed_cfg_port *ports;
	size_t nports;
};

struct valed_cfg {
	struct valed_cfg_global global;
	struct valed_cfg_switch *switches;
	size_t nswitches;
};

/* One problem found in a file: where, and what. */
struct valed_cfg_error {
	int line;			/* 1-based; 0 when the file has no position */
	int col;			/* 1-based, in characters */
	char *path;			/* "$.switches[0].name"; NULL with line == 0 */
	char *msg;
	bool at_key;			/* the position is the key's (unknown keys) */
};

struct valed_cfg_errors {
	struct valed_cfg_error *v;
	size_t n;
	size_t cap;
};

enum valed_cfg_result {
	VALED_CFG_OK = 0,
	VALED_CFG_INVALID = -1,		/* errors were collected */
	VALED_CFG_NOMEM = -2,		/* nothing collected, nothing leaked */
	VALED_CFG_IO = -3,		/* the file could not be read: one error */
};

/*
 * Parse the text of a configuration. On VALED_CFG_OK *@out is a new
 * configuration; otherwise *@out is NULL and @errs holds the errors
 * (VALED_CFG_INVALID) or nothing (VALED_CFG_NOMEM). @errs must be zeroed
 * (or freed) before the call. @text need not be NUL-terminated.
 */
enum valed_cfg_result valed_cfg_parse(const char *text, size_t len,
				      struct valed_cfg **out,
				      struct valed_cfg_errors *errs);

/* Read @file and parse it; a read failure is VALED_CFG_IO with one error. */
enum valed_cfg_result valed_cfg_load(const char *file, struct valed_cfg **out,
				     struct valed_cfg_errors *errs);

/* The configuration of an empty file "{}": defaults, no switches. */
struct valed_cfg *valed_cfg_new_empty(void);

void valed_cfg_free(struct valed_cfg *cfg);
void valed_cfg_errors_free(struct valed_cfg_errors *errs);

/*
 * Write every error as "FILE:LINE:COL: PATH: MESSAGE" (or "FILE: MESSAGE"
 * for one without a position), one a line, in the order of the file.
 * A VALED_CFG_NOMEM result is written as "FILE: out of memory".
 */
void valed_cfg_errors_print(enum valed_cfg_result res,
			    const struct valed_cfg_errors *errs,
			    const char *file, FILE *f);

/* Lookups and names, for the plan, logs and the future control socket. */
const struct valed_cfg_switch *valed_cfg_find_switch(const struct valed_cfg *cfg,
						     const char *name);
const struct valed_cfg_port *valed_cfg_find_port(const struct valed_cfg_switch *sw,
						 const char *name);
const char *valed_cfg_log_level_name(enum valed_cfg_log_level l);
const char *valed_cfg_port_type_name(enum valed_cfg_port_type t);
const char *valed_cfg_role_name(enum valed_cfg_role r);
const char *valed_cfg_adapter_name(enum valed_cfg_adapter a);
/* "52:54:00:12:34:56"; @buf holds at least 18 bytes. */
void valed_cfg_mac_format(const uint8_t mac[6], char *buf);

#endif /* VALED_CFG_H */
