/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_state.h - the applied configuration as JSON, and the state file
 * that keeps it across a daemon that dies.
 *
 * The serializer writes a configuration in the valed.json(5) format, so
 * that valed_cfg_parse() reads it back to an equal configuration: every
 * setting is written explicitly (defaults included), nothing the format
 * forbids (owner/group/mode of a client-role port, an empty cpu_affinity,
 * slots 0) is written. The control socket's runtime port changes go
 * through it too: serialize, edit the JSON, parse again (valed_daemon.c).
 *
 * The state file (default /run/valed/applied.json) is rewritten
 * atomically (temporary file, fsync, rename) after every successful
 * apply and removed at a clean stop. When a start finds it, the previous
 * daemon died without stopping; valed_state_adopt.h turns it into what
 * still exists.
 */
#ifndef VALED_STATE_H
#define VALED_STATE_H

#include <jansson.h>

#include "valed_cfg.h"

#define VALED_STATE_DEFAULT_PATH	"/run/valed/applied.json"

/* @cfg as a JSON object; NULL when out of memory. */
json_t *valed_state_to_json(const struct valed_cfg *cfg);

/* @cfg as JSON text ending in a newline; free() it. NULL when out of memory. */
char *valed_state_dumps(const struct valed_cfg *cfg);

/*
 * The state file: --state FILE, else $VALED_STATE, else applied.json in
 * $RUNTIME_DIRECTORY (systemd's RuntimeDirectory=), else the default.
 * @buf holds at least PATH_MAX bytes.
 */
const char *valed_state_path(const char *opt, char *buf, size_t len);

/* Replace @path with @cfg atomically. 0, or -1 with @msg (len @mlen). */
int valed_state_write(const char *path, const struct valed_cfg *cfg,
		      char *msg, size_t mlen);

/*
 * Read @path: 1 and *@cfg when it held a valid configuration, 0 when
 * there is no such file, -1 with @msg when it is unreadable or invalid.
 */
int valed_state_read(const char *path, struct valed_cfg **cfg, char *msg, size_t mlen);

/* Remove @path; a missing file is fine. 0, or -1 with errno. */
int valed_state_remove(const char *path);

#endif /* VALED_STATE_H */
