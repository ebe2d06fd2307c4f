// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_state.c - configuration to JSON, and the state file (see
 * valed_state.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "valed_mem.h"
#include "valed_state.h"

/* json_object_set_new() that remembers a failure instead of checking each. */
static void put(json_t *obj, const char *key, json_t *v, int *bad)
{
	if (v == NULL || json_object_set_new(obj, key, v) < 0)
		*bad = 1;
}

static void push(json_t *arr, json_t *v, int *bad)
{
	if (v == NULL || json_array_append_new(arr, v) < 0)
		*bad = 1;
}

static json_t *global_json(const struct valed_cfg_global *g, int *bad)
{
	json_t *o = json_object();

	if (o == NULL) {
		*bad = 1;
		return NULL;
	}
	put(o, "log_level", json_string(valed_cfg_log_level_name(g->log_level)), bad);
	put(o, "busy_poll", json_boolean(g->busy_poll), bad);
	/* The format refuses an empty list: absent means "no affinity". */
	if (g->ncpus > 0) {
		json_t *a = json_array();

		for (size_t i = 0; a != NULL && i < g->ncpus; i++)
			push(a, json_integer(g->cpus[i]), bad);
		put(o, "cpu_affinity", a, bad);
	}
	if (g->control_group != NULL)
		put(o, "control_group", json_string(g->control_group), bad);
	put(o, "control_socket", json_string(g->control_socket), bad);
	return o;
}

static json_t *port_json(const struct valed_cfg_port *p, int *bad)
{
	const struct valed_cfg_vhost_user *vu = &p->vhost;
	json_t *o = json_object();
	char buf[18];

	if (o == NULL) {
		*bad = 1;
		return NULL;
	}
	put(o, "type", json_string(valed_cfg_port_type_name(p->type)), bad);
	switch (p->type) {
	case VALED_CFG_PORT_VHOST_USER:
		put(o, "name", json_string(p->name), bad);
		put(o, "socket", json_string(vu->socket), bad);
		put(o, "role", json_string(valed_cfg_role_name(vu->role)), bad);
		put(o, "queues", json_integer(vu->queues), bad);
		if (vu->has_mac) {
			valed_cfg_mac_format(vu->mac, buf);
			put(o, "mac", json_string(buf), bad);
		}
		/* A client's socket is QEMU's: these keys are refused there. */
		if (vu->role == VALED_CFG_ROLE_SERVER) {
			if (vu->owner != NULL)
				put(o, "owner", json_string(vu->owner), bad);
			if (vu->group != NULL)
				put(o, "group", json_string(vu->group), bad);
			snprintf(buf, sizeof(buf), "%04o", vu->mode & 0777);
			put(o, "mode", json_string(buf), bad);
		}
		break;
	case VALED_CFG_PORT_UPLINK:
		put(o, "device", json_string(p->name), bad);
		put(o, "host_stack", json_boolean(p->uplink.host_stack), bad);
		put(o, "adapter", json_string(valed_cfg_adapter_name(p->uplink.adapter)), bad);
		break;
	case VALED_CFG_PORT_PERSISTENT:
		put(o, "name", json_string(p->name), bad);
		break;
	}
	return o;
}

static json_t *switch_json(const struct valed_cfg_switch *sw, int *bad)
{
	json_t *o = json_object(), *ports = json_array();

	if (o == NULL || ports == NULL) {
		json_decref(o);
		json_decref(ports);
		*bad = 1;
		return NULL;
	}
	put(o, "name", json_string(sw->name), bad);
	/* slots 0 is "the kernel's": the format has no spelling for it but absence. */
	if (sw->slots != 0) {
		json_t *opt = json_object();

		if (opt != NULL)
			put(opt, "slots", json_integer(sw->slots), bad);
		put(o, "options", opt, bad);
	}
	for (size_t i = 0; i < sw->nports; i++)
		push(ports, port_json(&sw->ports[i], bad), bad);
	put(o, "ports", ports, bad);
	return o;
}

json_t *valed_state_to_json(const struct valed_cfg *cfg)
{
	json_t *root, *sws;
	int bad = 0;

	valed_mem_use_for_jansson();
	root = json_object();
	sws = json_array();
	if (root == NULL || sws == NULL) {
		json_decref(root);
		json_decref(sws);
		return NULL;
	}
	put(root, "global", global_json(&cfg->global, &bad), &bad);
	for (size_t i = 0; i < cfg->nswitches; i++)
		push(sws, switch_json(&cfg->switches[i], &bad), &bad);
	put(root, "switches", sws, &bad);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}

char *valed_state_dumps(const struct valed_cfg *cfg)
{
	json_t *root = valed_state_to_json(cfg);
	char *text, *out;
	size_t len;

	if (root == NULL)
		return NULL;
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		return NULL;
	/* A text file ends with a newline. */
	len = strlen(text);
	out = valed_mem_realloc(text, len + 2);
	if (out == NULL) {
		valed_mem_free(text);
		return NULL;
	}
	out[len] = '\n';
	out[len + 1] = '\0';
	return out;
}

const char *valed_state_path(const char *opt, char *buf, size_t len)
{
	const char *e;

	if (opt != NULL)
		return opt;
	e = getenv("VALED_STATE");
	if (e != NULL && e[0] != '\0')
		return e;
	e = getenv("RUNTIME_DIRECTORY");
	/* systemd may list several directories, separated by ':'; ours is the first. */
	if (e != NULL && e[0] == '/') {
		size_t n = strcspn(e, ":");

		if (n + sizeof("/applied.json") <= len) {
			snprintf(buf, len, "%.*s/applied.json", (int)n, e);
			return buf;
		}
	}
	return VALED_STATE_DEFAULT_PATH;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

int valed_state_write(const char *path, const struct valed_cfg *cfg, char *msg,
		      size_t mlen)
{
	char tmp[PATH_MAX];
	char *text;
	int fd, e;

	text = valed_state_dumps(cfg);
	if (text == NULL) {
		snprintf(msg, mlen, "%s: out of memory", path);
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(msg, mlen, "%s: path too long", path);
		goto fail_text;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, mlen, "%s: %s", tmp, strerror(errno));
		goto fail_text;
	}
	/* Data on disk before the name: a crash leaves the old file or the new one. */
	if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		snprintf(msg, mlen, "%s: %s", tmp, strerror(e));
		goto fail_tmp;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		snprintf(msg, mlen, "%s: %s", path, strerror(errno));
		goto fail_tmp;
	}
	valed_mem_free(text);
	return 0;

fail_tmp:
	unlink(tmp);
fail_text:
	valed_mem_free(text);
	return -1;
}

int valed_state_read(const char *path, struct valed_cfg **cfg, char *msg, size_t mlen)
{
	struct valed_cfg_errors errs = { 0 };
	enum valed_cfg_result r;

	*cfg = NULL;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	r = valed_cfg_load(path, cfg, &errs);
	if (r == VALED_CFG_OK)
		return 1;
	if (r == VALED_CFG_NOMEM)
		snprintf(msg, mlen, "%s: out of memory", path);
	else if (errs.n > 0 && errs.v[0].line > 0)
		snprintf(msg, mlen, "%s:%d:%d: %s", path, errs.v[0].line, errs.v[0].col,
			 errs.v[0].msg);
	else if (errs.n > 0)
		snprintf(msg, mlen, "%s: %s", path, errs.v[0].msg);
	else
		snprintf(msg, mlen, "%s: not valid", path);
	valed_cfg_errors_free(&errs);
	return -1;
}

int valed_state_remove(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return -1;
	return 0;
}
