// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_ctl_proto.c - control requests and replies (see valed_ctl_proto.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "valed_cfg.h"
#include "valed_cfg_check.h"
#include "valed_ctl_proto.h"
#include "valed_mem.h"

static const struct {
	const char *name;
	enum valed_ctl_cmd cmd;
	/* The other members the request must carry (and may carry). */
	const char *keys[3];
} cmds[] = {
	{ "status", VALED_CTL_STATUS, { NULL } },
	{ "reload", VALED_CTL_RELOAD, { NULL } },
	{ "version", VALED_CTL_VERSION, { NULL } },
	{ "port-add", VALED_CTL_PORT_ADD, { "switch", "port", NULL } },
	{ "port-del", VALED_CTL_PORT_DEL, { "switch", "name", NULL } },
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

const char *valed_ctl_cmd_name(enum valed_ctl_cmd cmd)
{
	for (size_t i = 0; i < NCMDS; i++) {
		if (cmds[i].cmd == cmd)
			return cmds[i].name;
	}
	return "?";
}

static bool key_allowed(size_t c, const char *key)
{
	if (strcmp(key, "cmd") == 0)
		return true;
	for (size_t i = 0; cmds[c].keys[i] != NULL; i++) {
		if (strcmp(cmds[c].keys[i], key) == 0)
			return true;
	}
	return false;
}

static int fail(struct valed_ctl_req *req, char *msg, size_t mlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct valed_ctl_req *req, char *msg, size_t mlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, mlen, fmt, ap);
	va_end(ap);
	valed_ctl_req_free(req);
	return -1;
}

int valed_ctl_parse(const char *line, size_t len, struct valed_ctl_req *req,
		    char *msg, size_t mlen)
{
	const char *cmd, *key;
	json_error_t je;
	json_t *v;
	size_t c;

	memset(req, 0, sizeof(*req));
	if (len > VALED_CTL_REQUEST_MAX)
		return fail(req, msg, mlen, "request too long (%zu bytes, at most %d)",
			    len, VALED_CTL_REQUEST_MAX);
	valed_mem_use_for_jansson();
	req->root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (req->root == NULL)
		return fail(req, msg, mlen, "request is not valid JSON: %s (column %d)",
			    je.text, je.column);
	if (!json_is_object(req->root))
		return fail(req, msg, mlen, "request must be a JSON object");
	v = json_object_get(req->root, "cmd");
	if (v == NULL)
		return fail(req, msg, mlen, "request has no \"cmd\"");
	if (!json_is_string(v))
		return fail(req, msg, mlen, "\"cmd\" must be a string");
	cmd = json_string_value(v);
	for (c = 0; c < NCMDS; c++) {
		if (strcmp(cmds[c].name, cmd) == 0)
			break;
	}
	if (c == NCMDS || strlen(cmd) != json_string_length(v))
		return fail(req, msg, mlen, "unknown command \"%.40s\" (expected status, "
			    "reload, version, port-add or port-del)", cmd);
	req->cmd = cmds[c].cmd;
	json_object_foreach(req->root, key, v) {
		if (!key_allowed(c, key))
			return fail(req, msg, mlen, "unknown member \"%.40s\" in a %s request",
				    key, cmds[c].name);
	}
	if (req->cmd != VALED_CTL_PORT_ADD && req->cmd != VALED_CTL_PORT_DEL)
		return 0;

	v = json_object_get(req->root, "switch");
	if (v == NULL || !json_is_string(v))
		return fail(req, msg, mlen, "%s needs \"switch\", a switch name", cmds[c].name);
	req->sw = json_string_value(v);
	if (!valed_cfg_check_switch_name(req->sw) || strlen(req->sw) != json_string_length(v))
		return fail(req, msg, mlen, "\"switch\": not a switch name (\"vale\" and 1..11 "
			    "letters, digits or underscores)");
	if (req->cmd == VALED_CTL_PORT_ADD) {
		req->port = json_object_get(req->root, "port");
		if (req->port == NULL || !json_is_object(req->port))
			return fail(req, msg, mlen, "port-add needs \"port\", a port object "
				    "as in valed.json");
		return 0;
	}
	v = json_object_get(req->root, "name");
	if (v == NULL || !json_is_string(v) || json_string_length(v) == 0)
		return fail(req, msg, mlen, "port-del needs \"name\", the port's name");
	req->name = json_string_value(v);
	if (strlen(req->name) != json_string_length(v) ||
	    strlen(req->name) > VALED_CFG_PORT_NAME_MAX)
		return fail(req, msg, mlen, "\"name\": not a port name");
	return 0;
}

void valed_ctl_req_free(struct valed_ctl_req *req)
{
	json_decref(req->root);
	memset(req, 0, sizeof(*req));
}

json_t *valed_ctl_error(const char *msg)
{
	valed_mem_use_for_jansson();
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

char *valed_ctl_reply_line(json_t *reply, size_t *len)
{
	char *s, *line;
	size_t n;

	/* Compact: strings escape their newlines, so the reply is one line. */
	s = json_dumps(reply, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	line = malloc(n + 2);
	if (line != NULL) {
		memcpy(line, s, n);
		line[n] = '\n';
		line[n + 1] = '\0';
		*len = n + 1;
	}
	valed_mem_free(s);
	return line;
}
