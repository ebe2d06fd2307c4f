// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_cfg_walk.c - checking jansson's tree of a valed.json member by
 * member and filling in struct valed_cfg.
 *
 * Every member is checked against valed.json(5); each problem becomes an
 * error at the member's JSON path ("expected X, got Y") and the walk goes
 * on, so one pass finds everything. A value that is valid on its own goes
 * on to the uniqueness rules (valed_cfg_conflict.c) in file order. Where a
 * value is invalid the model keeps its default: the caller throws the
 * model away when there is any error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/netmap.h>

#include "valed_cfg_check.h"
#include "valed_cfg_conflict.h"
#include "valed_cfg_err.h"
#include "valed_cfg_path.h"
#include "valed_cfg_walk.h"
#include "valed_mem.h"

/* Every valeX:Y the file can name fits a netmap request. */
_Static_assert(VALED_CFG_SWITCH_NAME_MAX + 1 + VALED_CFG_PORT_NAME_MAX + 1 <=
	       NETMAP_REQ_IFNAMSIZ, "valeX:Y must fit nr_name");
_Static_assert(VALED_CFG_IFNAME_MAX <= VALED_CFG_PORT_NAME_MAX,
	       "an interface name is a port name on its switch");

/* How much of a bad string or key an error message quotes. */
#define QUOTE_MAX	40
#define MSG_MAX		1024

struct walk {
	struct valed_cfg_errors *errs;
	struct valed_cfg_conflicts conf;
	struct valed_cfg_path path;
	bool oom;
	char got[QUOTE_MAX * 6 + 16];
};

static const char *const top_keys[] = { "global", "switches", NULL };
static const char *const global_keys[] = {
	"log_level", "busy_poll", "cpu_affinity", "control_group",
	"control_socket", NULL
};
static const char *const switch_keys[] = { "name", "options", "ports", NULL };
static const char *const options_keys[] = { "slots", NULL };
static const char *const vhost_keys[] = {
	"type", "name", "socket", "role", "queues", "mac", "owner", "group",
	"mode", NULL
};
static const char *const uplink_keys[] = {
	"type", "device", "host_stack", "adapter", NULL
};
static const char *const persistent_keys[] = { "type", "name", NULL };
/* For a port whose type is unknown: whatever some type accepts. */
static const char *const any_port_keys[] = {
	"type", "name", "socket", "role", "queues", "mac", "owner", "group",
	"mode", "device", "host_stack", "adapter", NULL
};

static const char *const log_level_names[] = {
	[VALED_CFG_LOG_ERROR] = "error",
	[VALED_CFG_LOG_WARNING] = "warning",
	[VALED_CFG_LOG_INFO] = "info",
	[VALED_CFG_LOG_DEBUG] = "debug",
	NULL
};
static const char *const port_type_names[] = {
	[VALED_CFG_PORT_VHOST_USER] = "vhost-user",
	[VALED_CFG_PORT_UPLINK] = "uplink",
	[VALED_CFG_PORT_PERSISTENT] = "persistent",
	NULL
};
static const char *const role_names[] = {
	[VALED_CFG_ROLE_SERVER] = "server",
	[VALED_CFG_ROLE_CLIENT] = "client",
	NULL
};
static const char *const adapter_names[] = {
	[VALED_CFG_ADAPTER_GENERIC] = "generic",
	[VALED_CFG_ADAPTER_NATIVE] = "native",
	NULL
};

/*
 * Quote @s (@len bytes) as a JSON string for a message: escaped, and cut
 * after QUOTE_MAX bytes (at a character boundary) with "..." so a huge
 * value cannot swamp the report.
 */
static void quote(char *out, size_t outlen, const char *s, size_t len)
{
	size_t o = 0, i, n = len;

	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	out[o++] = '"';
	for (i = 0; i < n && o + 8 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, outlen - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (n < len)
		o += (size_t)snprintf(out + o, outlen - o, "...");
	snprintf(out + o, outlen - o, "\"");
}

/*
 * The shortest spelling of @d that reads back as @d, with a ".0" when it
 * would look like an integer: "got 2.0" must not read as "got 2".
 */
static void real_string(char *out, size_t outlen, double d)
{
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(out, outlen, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(out, outlen, "%.17g", d);
	if (strpbrk(out, ".e") == NULL)
		strncat(out, ".0", outlen - strlen(out) - 1);
}

/* What was found, for "expected ..., got <this>". */
static const char *got(struct walk *w, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		quote(w->got, sizeof(w->got), json_string_value(v),
		      json_string_length(v));
		return w->got;
	case JSON_INTEGER:
		snprintf(w->got, sizeof(w->got), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return w->got;
	case JSON_REAL:
		real_string(w->got, sizeof(w->got), json_real_value(v));
		return w->got;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
	default:
		return "null";
	}
}

/* Record an error at the current path. */
static void err(struct walk *w, bool at_key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err(struct walk *w, bool at_key, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (valed_cfg_err_add(w->errs, w->path.s, at_key, "%s", msg) < 0)
		w->oom = true;
}

/* Conflict functions report through the same list; -1 means out of memory. */
static void conflict_result(struct walk *w, int r)
{
	if (r < 0)
		w->oom = true;
}

/*
 * Make the path point at member @key of @obj. NULL when there is no such
 * member (or memory ran out); otherwise leave() with *@mark afterwards.
 */
static json_t *enter(struct walk *w, json_t *obj, const char *key, long *mark)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return NULL;
	*mark = valed_cfg_path_key(&w->path, key, strlen(key));
	if (*mark < 0) {
		w->oom = true;
		return NULL;
	}
	return v;
}

static void leave(struct walk *w, long mark)
{
	valed_cfg_path_cut(&w->path, mark);
}

static bool listed(const char *const *names, const char *s)
{
	for (; *names != NULL; names++) {
		if (strcmp(*names, s) == 0)
			return true;
	}
	return false;
}

/* "a, b, c" or "\"a\", \"b\"" */
static void join(char *out, size_t outlen, const char *const *names, bool quoted)
{
	size_t o = 0;

	out[0] = '\0';
	for (; *names != NULL && o < outlen; names++)
		o += (size_t)snprintf(out + o, outlen - o, quoted ? "%s\"%s\"" : "%s%s",
				      o == 0 ? "" : ", ", *names);
}

/* Every key of @obj must be in @allowed; @what qualifies the object. */
static void check_keys(struct walk *w, json_t *obj, const char *const *allowed,
		       const char *what)
{
	char list[256], q[QUOTE_MAX * 6 + 16];
	const char *key;
	json_t *v;

	join(list, sizeof(list), allowed, false);
	json_object_foreach(obj, key, v) {
		size_t klen = strlen(key);
		long mark;

		if (listed(allowed, key))
			continue;
		mark = valed_cfg_path_key(&w->path, key, klen);
		if (mark < 0) {
			w->oom = true;
			return;
		}
		quote(q, sizeof(q), key, klen);
		err(w, true, "unknown key %s%s, expected one of: %s", q, what, list);
		leave(w, mark);
	}
}

static void missing(struct walk *w, const char *key, const char *hint)
{
	err(w, false, "missing required key \"%s\"%s", key, hint);
}

static void get_bool(struct walk *w, json_t *obj, const char *key, bool *out)
{
	long mark;
	json_t *v = enter(w, obj, key, &mark);

	if (v == NULL)
		return;
	if (json_is_boolean(v))
		*out = json_is_true(v);
	else
		err(w, false, "expected true or false, got %s", got(w, v));
	leave(w, mark);
}

/* An integer in [min, max]; "what" names it: "an integer", "a CPU number". */
static bool uint_value(struct walk *w, json_t *v, const char *what,
		       unsigned int min, unsigned int max, unsigned int *out)
{
	json_int_t i;

	if (json_is_integer(v)) {
		i = json_integer_value(v);
		if (i >= (json_int_t)min && i <= (json_int_t)max) {
			*out = (unsigned int)i;
			return true;
		}
	}
	err(w, false, "expected %s %u..%u, got %s", what, min, max, got(w, v));
	return false;
}

static void get_uint(struct walk *w, json_t *obj, const char *key,
		     unsigned int min, unsigned int max, unsigned int *out)
{
	long mark;
	json_t *v = enter(w, obj, key, &mark);

	if (v == NULL)
		return;
	uint_value(w, v, "an integer", min, max, out);
	leave(w, mark);
}

static void get_enum(struct walk *w, json_t *obj, const char *key,
		     const char *const *names, int *out)
{
	char list[128];
	long mark;
	json_t *v = enter(w, obj, key, &mark);
	int i;

	if (v == NULL)
		return;
	if (json_is_string(v)) {
		for (i = 0; names[i] != NULL; i++) {
			if (strcmp(names[i], json_string_value(v)) == 0) {
				*out = i;
				leave(w, mark);
				return;
			}
		}
	}
	join(list, sizeof(list), names, true);
	err(w, false, "expected one of %s, got %s", list, got(w, v));
	leave(w, mark);
}

/*
 * A string member checked by @ok; NULL (error recorded) when absent is
 * not allowed (@required), not a string, or not ok. The path is left at
 * the member for the caller's further checks: leave() it when not NULL.
 */
static const char *get_string(struct walk *w, json_t *obj, const char *key,
			      bool required, const char *hint,
			      bool (*ok)(const char *), const char *expected,
			      long *mark)
{
	json_t *v = enter(w, obj, key, mark);

	if (v == NULL) {
		if (required && !w->oom)
			missing(w, key, hint);
		return NULL;
	}
	if (!json_is_string(v) || (ok != NULL && !ok(json_string_value(v)))) {
		err(w, false, "expected %s, got %s", expected, got(w, v));
		leave(w, *mark);
		return NULL;
	}
	return json_string_value(v);
}

static char *dup_or_oom(struct walk *w, const char *s)
{
	char *d = valed_mem_strdup(s);

	if (d == NULL)
		w->oom = true;
	return d;
}

/* Check a socket path member; the path is at the member. */
static bool socket_ok(struct walk *w, const char *s)
{
	char q[QUOTE_MAX * 6 + 16];

	quote(q, sizeof(q), s, strlen(s));
	switch (valed_cfg_check_socket_path(s)) {
	case VALED_CFG_PATH_OK:
		return true;
	case VALED_CFG_PATH_RELATIVE:
		err(w, false, "expected an absolute path, got %s", q);
		break;
	case VALED_CFG_PATH_TOO_LONG:
		err(w, false, "expected a path of at most %d bytes (a Unix socket address), got %zu bytes",
		    VALED_CFG_SOCKET_PATH_MAX, strlen(s));
		break;
	case VALED_CFG_PATH_NOT_NORMAL:
		err(w, false, "expected a normalized path (no \"//\", \".\" or \"..\" component, no trailing \"/\"), got %s",
		    q);
		break;
	}
	return false;
}

/* An object member, or the array element at the current path. */
static bool want_object(struct walk *w, json_t *v)
{
	if (json_is_object(v))
		return true;
	err(w, false, "expected an object, got %s", got(w, v));
	return false;
}

static const char *socket_string(struct walk *w, json_t *obj, const char *key,
				 bool required, long *mark)
{
	const char *s = get_string(w, obj, key, required,
				   " (the path of the vhost-user socket)", NULL,
				   "an absolute path", mark);

	if (s != NULL && !socket_ok(w, s)) {
		leave(w, *mark);
		return NULL;
	}
	return s;
}

/* False when control_socket is there but invalid (so it claims no path). */
static bool walk_global(struct walk *w, json_t *g, struct valed_cfg_global *out)
{
	const char *s;
	long mark, amark;
	json_t *v;
	int level = (int)out->log_level;

	check_keys(w, g, global_keys, "");
	get_enum(w, g, "log_level", log_level_names, &level);
	out->log_level = (enum valed_cfg_log_level)level;
	get_bool(w, g, "busy_poll", &out->busy_poll);

	v = enter(w, g, "cpu_affinity", &amark);
	if (v != NULL) {
		if (!json_is_array(v) || json_array_size(v) == 0) {
			err(w, false, "expected a non-empty array of CPU numbers, got %s",
			    json_is_array(v) ? "[]" : got(w, v));
		} else {
			out->cpus = valed_mem_calloc(json_array_size(v),
						     sizeof(*out->cpus));
			if (out->cpus == NULL)
				w->oom = true;
		}
		for (size_t i = 0; out->cpus != NULL && i < json_array_size(v); i++) {
			unsigned int cpu;

			mark = valed_cfg_path_index(&w->path, i);
			if (mark < 0) {
				w->oom = true;
				break;
			}
			if (uint_value(w, json_array_get(v, i), "a CPU number", 0,
				       VALED_CFG_CPU_MAX, &cpu)) {
				out->cpus[out->ncpus++] = cpu;
				conflict_result(w, valed_cfg_conflict_cpu(&w->conf, cpu,
									  w->path.s));
			}
			leave(w, mark);
		}
		leave(w, amark);
	}

	s = get_string(w, g, "control_group", false, "", valed_cfg_check_id,
		       "a group name or numeric id", &mark);
	if (s != NULL) {
		out->control_group = dup_or_oom(w, s);
		leave(w, mark);
	}

	s = socket_string(w, g, "control_socket", false, &mark);
	if (s != NULL) {
		char *d = dup_or_oom(w, s);

		if (d != NULL) {
			valed_mem_free(out->control_socket);
			out->control_socket = d;
		}
		leave(w, mark);
	}
	return s != NULL || json_object_get(g, "control_socket") == NULL;
}

static void walk_vhost_user(struct walk *w, json_t *obj, size_t sw,
			    struct valed_cfg_port *p, const char *owner)
{
	struct valed_cfg_vhost_user *vu = &p->vhost;
	static const char *const server_only[] = { "owner", "group", "mode" };
	const char *s;
	long mark;
	int role = VALED_CFG_ROLE_SERVER;
	bool role_ok = true;
	size_t i;

	vu->queues = 1;
	vu->mode = VALED_CFG_DEFAULT_MODE;
	check_keys(w, obj, vhost_keys, " for a port of type \"vhost-user\"");

	s = get_string(w, obj, "name", true, " (the port's name on its switch)",
		       valed_cfg_check_port_name,
		       "a port name of 1..15 letters, digits or underscores", &mark);
	if (s != NULL) {
		strcpy(p->name, s);
		conflict_result(w, valed_cfg_conflict_vhost_user(&w->conf, sw, s,
								 w->path.s, owner));
		leave(w, mark);
	}

	s = socket_string(w, obj, "socket", true, &mark);
	if (s != NULL) {
		vu->socket = dup_or_oom(w, s);
		conflict_result(w, valed_cfg_conflict_socket(&w->conf, s, w->path.s,
							     owner));
		leave(w, mark);
	}

	if (json_object_get(obj, "role") != NULL) {
		role = -1;
		get_enum(w, obj, "role", role_names, &role);
		role_ok = role >= 0;
		vu->role = role_ok ? (enum valed_cfg_role)role : VALED_CFG_ROLE_SERVER;
	}
	get_uint(w, obj, "queues", 1, VALED_CFG_QUEUES_MAX, &vu->queues);

	s = get_string(w, obj, "mac", false, "", NULL,
		       "a unicast MAC address like \"52:54:00:12:34:56\"", &mark);
	if (s != NULL) {
		char q[QUOTE_MAX * 6 + 16];

		quote(q, sizeof(q), s, strlen(s));
		switch (valed_cfg_parse_mac(s, vu->mac)) {
		case VALED_CFG_MAC_OK:
			vu->has_mac = true;
			conflict_result(w, valed_cfg_conflict_mac(&w->conf, vu->mac,
								  w->path.s, owner));
			break;
		case VALED_CFG_MAC_SYNTAX:
			err(w, false, "expected a unicast MAC address like \"52:54:00:12:34:56\", got %s",
			    q);
			break;
		case VALED_CFG_MAC_MULTICAST:
			err(w, false, "expected a unicast MAC address (even first octet), got the multicast address %s",
			    q);
			break;
		case VALED_CFG_MAC_ZERO:
			err(w, false, "expected a unicast MAC address, got the all-zero address %s",
			    q);
			break;
		}
		leave(w, mark);
	}

	s = get_string(w, obj, "owner", false, "", valed_cfg_check_id,
		       "a user name or numeric id", &mark);
	if (s != NULL) {
		vu->owner = dup_or_oom(w, s);
		leave(w, mark);
	}
	s = get_string(w, obj, "group", false, "", valed_cfg_check_id,
		       "a group name or numeric id", &mark);
	if (s != NULL) {
		vu->group = dup_or_oom(w, s);
		leave(w, mark);
	}
	s = get_string(w, obj, "mode", false, "", NULL,
		       "an octal mode string like \"0660\" (at most \"0777\")", &mark);
	if (s != NULL) {
		if (!valed_cfg_parse_mode(s, &vu->mode))
			err(w, false, "expected an octal mode string like \"0660\" (at most \"0777\"), got %s",
			    got(w, json_object_get(obj, "mode")));
		leave(w, mark);
	}

	/* A client connects to a socket QEMU made: nothing of it is ours. */
	if (role_ok && vu->role == VALED_CFG_ROLE_CLIENT) {
		for (i = 0; i < sizeof(server_only) / sizeof(server_only[0]); i++) {
			json_t *v = enter(w, obj, server_only[i], &mark);

			if (v == NULL)
				continue;
			err(w, false, "expected no \"%s\" with role \"client\" (the front-end creates the socket), got %s",
			    server_only[i], got(w, v));
			leave(w, mark);
		}
	}
}

static void walk_uplink(struct walk *w, json_t *obj, size_t sw,
			struct valed_cfg_port *p, const char *owner)
{
	const char *s;
	long mark;
	int adapter = VALED_CFG_ADAPTER_GENERIC;

	check_keys(w, obj, uplink_keys, " for a port of type \"uplink\"");
	s = get_string(w, obj, "device", true, " (the network interface)",
		       valed_cfg_check_ifname,
		       "an interface name of 1..15 bytes without \"/\", \":\", \"{\", \"}\" or white space, not \".\" or \"..\"",
		       &mark);
	if (s != NULL) {
		strcpy(p->name, s);
		conflict_result(w, valed_cfg_conflict_uplink(&w->conf, sw, s,
							     w->path.s, owner));
		leave(w, mark);
	}
	get_bool(w, obj, "host_stack", &p->uplink.host_stack);
	get_enum(w, obj, "adapter", adapter_names, &adapter);
	p->uplink.adapter = (enum valed_cfg_adapter)adapter;
}

static void walk_persistent(struct walk *w, json_t *obj, size_t sw,
			    struct valed_cfg_port *p, const char *owner)
{
	const char *s;
	long mark;

	check_keys(w, obj, persistent_keys, " for a port of type \"persistent\"");
	s = get_string(w, obj, "name", true, " (the interface valed creates)",
		       valed_cfg_check_persistent_name,
		       "an interface name of 1..15 bytes without \"/\", \":\", \"{\", \"}\" or white space, not \".\", \"..\" or starting with \"vale\"",
		       &mark);
	if (s != NULL) {
		strcpy(p->name, s);
		conflict_result(w, valed_cfg_conflict_persistent(&w->conf, sw, s,
								 w->path.s, owner));
		leave(w, mark);
	}
}

static void walk_port(struct walk *w, json_t *obj, size_t sw,
		      struct valed_cfg_port *p)
{
	char *owner;
	json_t *t;
	int type = -1;

	if (!want_object(w, obj))
		return;
	owner = dup_or_oom(w, w->path.s);
	if (owner == NULL)
		return;

	t = json_object_get(obj, "type");
	if (t == NULL) {
		missing(w, "type", " (\"vhost-user\", \"uplink\" or \"persistent\")");
	} else {
		get_enum(w, obj, "type", port_type_names, &type);
	}
	if (type < 0) {
		/* The other members cannot be judged; unknown keys still can. */
		check_keys(w, obj, any_port_keys, "");
		valed_mem_free(owner);
		return;
	}
	p->type = (enum valed_cfg_port_type)type;
	switch (p->type) {
	case VALED_CFG_PORT_VHOST_USER:
		walk_vhost_user(w, obj, sw, p, owner);
		break;
	case VALED_CFG_PORT_UPLINK:
		walk_uplink(w, obj, sw, p, owner);
		break;
	case VALED_CFG_PORT_PERSISTENT:
		walk_persistent(w, obj, sw, p, owner);
		break;
	}
	valed_mem_free(owner);
}

static void walk_switch(struct walk *w, json_t *obj, size_t sw,
			struct valed_cfg_switch *out)
{
	const char *s;
	long mark, pmark;
	json_t *v;
	size_t i;

	char *owner;

	if (!want_object(w, obj))
		return;
	check_keys(w, obj, switch_keys, "");
	s = get_string(w, obj, "name", true, " (the VALE switch, e.g. \"vale0\")",
		       valed_cfg_check_switch_name,
		       "a switch name: \"vale\" and 1..11 letters, digits or underscores",
		       &mark);
	if (s != NULL) {
		strcpy(out->name, s);
		/* Reported at the name; the earlier switch is named whole. */
		owner = valed_mem_strndup(w->path.s, (size_t)mark);
		if (owner == NULL)
			w->oom = true;
		else
			conflict_result(w, valed_cfg_conflict_switch(&w->conf, s,
								      w->path.s, owner));
		valed_mem_free(owner);
		leave(w, mark);
	}

	v = enter(w, obj, "options", &mark);
	if (v != NULL) {
		if (want_object(w, v)) {
			check_keys(w, v, options_keys, "");
			get_uint(w, v, "slots", 1, VALED_CFG_SLOTS_MAX, &out->slots);
		}
		leave(w, mark);
	}

	v = enter(w, obj, "ports", &mark);
	if (v == NULL)
		return;
	if (!json_is_array(v)) {
		err(w, false, "expected an array of ports, got %s", got(w, v));
		leave(w, mark);
		return;
	}
	if (json_array_size(v) > 0) {
		out->ports = valed_mem_calloc(json_array_size(v), sizeof(*out->ports));
		if (out->ports == NULL) {
			w->oom = true;
			leave(w, mark);
			return;
		}
		out->nports = json_array_size(v);
	}
	for (i = 0; i < out->nports && !w->oom; i++) {
		struct valed_cfg_port *p = &out->ports[i];

		pmark = valed_cfg_path_index(&w->path, i);
		if (pmark < 0) {
			w->oom = true;
			break;
		}
		walk_port(w, json_array_get(v, i), sw, p);
		leave(w, pmark);
	}
	leave(w, mark);
}

static void walk_root(struct walk *w, json_t *root, struct valed_cfg *cfg)
{
	long mark, smark;
	bool claim = true;
	json_t *v;
	size_t i;

	if (!want_object(w, root))
		return;
	check_keys(w, root, top_keys, "");

	/*
	 * The control socket is claimed first, wherever "global" stands in
	 * the file, so a port on that path is the one reported.
	 */
	v = enter(w, root, "global", &mark);
	if (v != NULL) {
		if (want_object(w, v))
			claim = walk_global(w, v, &cfg->global);
		leave(w, mark);
	}
	if (w->oom)
		return;
	if (claim)
		conflict_result(w, valed_cfg_conflict_socket(&w->conf,
			cfg->global.control_socket, "$.global.control_socket",
			json_object_get(v, "control_socket") != NULL ?
				"$.global.control_socket" :
				"the control socket (default of $.global.control_socket)"));

	v = enter(w, root, "switches", &mark);
	if (v == NULL)
		return;
	if (!json_is_array(v)) {
		err(w, false, "expected an array of switches, got %s", got(w, v));
		leave(w, mark);
		return;
	}
	if (json_array_size(v) > 0) {
		cfg->switches = valed_mem_calloc(json_array_size(v),
						 sizeof(*cfg->switches));
		if (cfg->switches == NULL) {
			w->oom = true;
			leave(w, mark);
			return;
		}
		cfg->nswitches = json_array_size(v);
	}
	for (i = 0; i < cfg->nswitches && !w->oom; i++) {
		smark = valed_cfg_path_index(&w->path, i);
		if (smark < 0) {
			w->oom = true;
			break;
		}
		walk_switch(w, json_array_get(v, i), i, &cfg->switches[i]);
		leave(w, smark);
	}
	leave(w, mark);
}

int valed_cfg_walk(json_t *root, struct valed_cfg *cfg, struct valed_cfg_errors *errs)
{
	struct walk w;
	int r = 0;

	memset(&w, 0, sizeof(w));
	w.errs = errs;
	w.conf.errs = errs;
	if (valed_cfg_path_init(&w.path) < 0) {
		r = -1;
		goto out;
	}
	walk_root(&w, root, cfg);
	if (w.oom)
		r = -1;
out:
	valed_cfg_conflicts_free(&w.conf);
	valed_cfg_path_free(&w.path);
	return r;
}

/* The spellings above are the file format's; logs and plans use them too. */
const char *valed_cfg_log_level_name(enum valed_cfg_log_level l)
{
	return log_level_names[l];
}

const char *valed_cfg_port_type_name(enum valed_cfg_port_type t)
{
	return port_type_names[t];
}

const char *valed_cfg_role_name(enum valed_cfg_role r)
{
	return role_names[r];
}

const char *valed_cfg_adapter_name(enum valed_cfg_adapter a)
{
	return adapter_names[a];
}
