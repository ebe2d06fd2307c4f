// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_daemon.c - "valed start": the daemon.
 *
 * No daemonizing (systemd Type=notify runs it in the foreground). One
 * main thread runs the control loop: a signalfd (SIGTERM/SIGINT stop,
 * SIGHUP reloads) and the control socket, in one epoll set. VM ports run
 * in the worker threads of valed_vm; the main thread only starts and
 * stops them through plan actions, so a reload that does not change a
 * VM port never touches it and its guest keeps its connection.
 *
 * What valed created is modelled by "actual", the configuration last
 * applied (NULL: nothing). Start, reload and runtime port changes all go
 * the same way: build the new configuration, plan(actual, new), apply it
 * atomically (valed_apply rolls back on failure), and only on success
 * make it actual and write the state file. Stop applies plan(actual,
 * NULL) and removes the state file.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "valed_apply_sys.h"
#include "valed_client.h"
#include "valed_ctl.h"
#include "valed_daemon.h"
#include "valed_kern.h"
#include "valed_log.h"
#include "valed_mem.h"
#include "valed_notify.h"
#include "valed_plan.h"
#include "valed_state.h"
#include "valed_state_adopt.h"
#include "valed_status.h"
#include "valed_vm.h"

#ifndef VALED_VERSION
#error "VALED_VERSION must be defined (valed/VERSION, by valed-daemon.mk)"
#endif

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

const char valed_daemon_usage[] =
	"  start [--config FILE] [--state FILE]\n"
	"                      run the daemon in the foreground (systemd Type=notify)\n"
	"  status [--json]     switches, ports, their state and counters\n"
	"  reload              re-read the configuration file and apply the difference\n"
	"  port add SWITCH PORT-JSON\n"
	"  port del SWITCH NAME\n"
	"                      add or remove a port until the next reload or restart\n"
	"                      (status, reload, port: [--socket PATH | --config FILE])\n";

struct daemon {
	const char *config_path;
	char config_buf[PATH_MAX];
	const char *state_path;
	char state_buf[PATH_MAX];
	struct valed_cfg *actual;	/* what we created; NULL: nothing */
	struct valed_kern kern;
	struct valed_vm_pool *vm;
	struct valed_apply_sys sys;
	struct valed_ctl ctl;
	bool ctl_open;
	int epfd, sfd;
	struct vhu_evsrc ev_signal;
	bool stop;
	time_t started;
	/* The last reload (signal or request); runtime changes since it. */
	bool reloaded;
	bool reload_ok;
	time_t reload_time;
	char reload_msg[1200];
	unsigned int runtime_changes;
};

/* Outcome of taking a configuration into use. */
struct outcome {
	bool ok;
	char msg[1200];
	json_t *errors;			/* config errors, one string a line */
	size_t actions;
};

static void iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static size_t count_ports(const struct valed_cfg *cfg)
{
	size_t n = 0;

	for (size_t i = 0; cfg != NULL && i < cfg->nswitches; i++)
		n += cfg->switches[i].nports;
	return n;
}

static void status_line(const struct daemon *d, char *buf, size_t len)
{
	snprintf(buf, len, "%zu switch(es), %zu port(s), %zu VM port(s) running",
		 d->actual == NULL ? 0 : d->actual->nswitches, count_ports(d->actual),
		 valed_vm_count(d->vm));
}

/*
 * The errors of an invalid configuration, each line exactly as "valed
 * check" prints it, into @o->errors; logged too.
 */
static void config_errors(struct outcome *o, enum valed_cfg_result res,
			  const struct valed_cfg_errors *errs, const char *file)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o->errors = json_array();
	if (f == NULL)
		return;
	valed_cfg_errors_print(res, errs, file, f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		valed_err("%s", line);
		if (o->errors != NULL)
			json_array_append_new(o->errors, json_string(line));
	}
	free(buf);
}

/*
 * plan(actual, @cfg), applied all or nothing. On success @cfg becomes
 * actual (and is saved); on failure it is freed and actual stays.
 */
static int take_into_use(struct daemon *d, struct valed_cfg *cfg, struct outcome *o)
{
	struct valed_apply_result res;
	struct valed_plan plan;
	char msg[512];

	if (valed_plan_build(&plan, d->actual, cfg) < 0) {
		snprintf(o->msg, sizeof(o->msg), "out of memory");
		valed_cfg_free(cfg);
		return -1;
	}
	o->actions = plan.n;
	valed_info("applying %zu action(s)", plan.n);
	if (valed_apply(&plan, &valed_apply_sys_ops, &d->sys, VALED_APPLY_ATOMIC, &res) < 0) {
		snprintf(o->msg, sizeof(o->msg), "%s; %s", res.msg,
			 res.undo_failed == 0 ? "rolled back, the previous configuration "
						"is still in place" :
						"rollback incomplete (see the log)");
		valed_plan_free(&plan);
		valed_cfg_free(cfg);
		return -1;
	}
	/* The plan points into both configurations: free it before the old one. */
	valed_plan_free(&plan);
	valed_cfg_free(d->actual);
	d->actual = cfg;
	valed_log_set_level(cfg->global.log_level);
	if (valed_state_write(d->state_path, cfg, msg, sizeof(msg)) < 0)
		valed_warn("cannot save the applied configuration: %s", msg);
	o->ok = true;
	return 0;
}

/* Settings only a restart changes: say so rather than ignore them silently. */
static void warn_restart_only(const struct valed_cfg *old, const struct valed_cfg *new)
{
	const struct valed_cfg_global *a = &old->global, *b = &new->global;
	bool cpus = a->ncpus != b->ncpus ||
		    (a->ncpus > 0 && memcmp(a->cpus, b->cpus, a->ncpus * sizeof(*a->cpus)) != 0);
	bool group = (a->control_group == NULL) != (b->control_group == NULL) ||
		     (a->control_group != NULL && strcmp(a->control_group, b->control_group) != 0);

	if (cpus)
		valed_warn("cpu_affinity changed: it takes effect at the next start");
	if (strcmp(a->control_socket, b->control_socket) != 0 || group)
		valed_warn("control_socket/control_group changed: they take effect at the next start");
}

static void reload(struct daemon *d, struct outcome *o)
{
	struct valed_cfg_errors errs = { 0 };
	enum valed_cfg_result res;
	struct valed_cfg *cfg;
	char st[256];

	memset(o, 0, sizeof(*o));
	valed_notify_reloading();
	valed_info("reloading %s", d->config_path);
	res = valed_cfg_load(d->config_path, &cfg, &errs);
	if (res != VALED_CFG_OK) {
		config_errors(o, res, &errs, d->config_path);
		valed_cfg_errors_free(&errs);
		snprintf(o->msg, sizeof(o->msg), "%s is not valid; nothing changed",
			 d->config_path);
	} else {
		if (d->actual != NULL)
			warn_restart_only(d->actual, cfg);
		take_into_use(d, cfg, o);
	}
	d->reloaded = true;
	d->reload_ok = o->ok;
	d->reload_time = time(NULL);
	if (o->ok) {
		d->runtime_changes = 0;
		snprintf(o->msg, sizeof(o->msg), "applied %zu action(s)", o->actions);
		valed_info("reload: %s", o->msg);
	} else {
		valed_err("reload failed: %s", o->msg);
	}
	snprintf(d->reload_msg, sizeof(d->reload_msg), "%s", o->msg);
	status_line(d, st, sizeof(st));
	if (!o->ok) {
		char s2[sizeof(st) + 64];

		snprintf(s2, sizeof(s2), "reload failed; %s", st);
		valed_notify_ready(s2);
	} else {
		valed_notify_ready(st);
	}
}

/* ------------------------------------------------------------------ */
/* Runtime port changes: edit the applied configuration's JSON.         */

/* Point error paths at the request's port, not at the synthetic file. */
static void port_errors(struct outcome *o, const struct valed_cfg_errors *errs,
			const char *prefix)
{
	size_t plen = strlen(prefix);

	o->errors = json_array();
	for (size_t i = 0; i < errs->n; i++) {
		const struct valed_cfg_error *e = &errs->v[i];
		char line[1024];

		if (e->path != NULL && strncmp(e->path, prefix, plen) == 0)
			snprintf(line, sizeof(line), "port%s: %s", e->path + plen, e->msg);
		else if (e->path != NULL)
			snprintf(line, sizeof(line), "%s: %s", e->path, e->msg);
		else
			snprintf(line, sizeof(line), "%s", e->msg);
		if (o->errors != NULL)
			json_array_append_new(o->errors, json_string(line));
	}
}

static void port_change(struct daemon *d, const struct valed_ctl_req *req, struct outcome *o)
{
	struct valed_cfg_errors errs = { 0 };
	struct valed_cfg *base = d->actual, *cfg = NULL, *empty = NULL;
	enum valed_cfg_result res;
	json_t *root = NULL, *sws, *sw = NULL, *ports;
	char prefix[64], *text = NULL;
	size_t i, si = 0;

	memset(o, 0, sizeof(*o));
	if (base == NULL)
		base = empty = valed_cfg_new_empty();
	root = base == NULL ? NULL : valed_state_to_json(base);
	sws = json_object_get(root, "switches");
	if (root == NULL || sws == NULL) {
		snprintf(o->msg, sizeof(o->msg), "out of memory");
		goto out;
	}
	json_array_foreach(sws, i, sw) {
		if (strcmp(json_string_value(json_object_get(sw, "name")), req->sw) == 0)
			break;
	}
	si = i;
	if (i == json_array_size(sws)) {
		if (req->cmd == VALED_CTL_PORT_DEL) {
			snprintf(o->msg, sizeof(o->msg), "no switch %s", req->sw);
			goto out;
		}
		/* A port on a new switch brings the switch. */
		sw = json_pack("{s:s, s:[]}", "name", req->sw, "ports");
		if (sw == NULL || json_array_append_new(sws, sw) < 0) {
			snprintf(o->msg, sizeof(o->msg), "out of memory");
			goto out;
		}
	}
	ports = json_object_get(sw, "ports");
	if (req->cmd == VALED_CTL_PORT_ADD) {
		snprintf(prefix, sizeof(prefix), "$.switches[%zu].ports[%zu]", si,
			 json_array_size(ports));
		if (json_array_append_new(ports, json_deep_copy(req->port)) < 0) {
			snprintf(o->msg, sizeof(o->msg), "out of memory");
			goto out;
		}
	} else {
		const struct valed_cfg_port *p =
			valed_cfg_find_port(valed_cfg_find_switch(base, req->sw), req->name);

		if (p == NULL) {
			snprintf(o->msg, sizeof(o->msg), "no port %s on switch %s", req->name,
				 req->sw);
			goto out;
		}
		/* The serializer keeps the order: the model's index is the JSON's. */
		json_array_remove(ports, (size_t)(p - valed_cfg_find_switch(base, req->sw)->ports));
		prefix[0] = '\0';
	}
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		snprintf(o->msg, sizeof(o->msg), "out of memory");
		goto out;
	}
	res = valed_cfg_parse(text, strlen(text), &cfg, &errs);
	if (res != VALED_CFG_OK) {
		port_errors(o, &errs, prefix[0] != '\0' ? prefix : "\x01");
		snprintf(o->msg, sizeof(o->msg), "%s",
			 res == VALED_CFG_NOMEM ? "out of memory" :
			 req->cmd == VALED_CTL_PORT_ADD ? "the port is not valid; nothing changed" :
			 "the configuration without the port is not valid; nothing changed");
		valed_cfg_errors_free(&errs);
		goto out;
	}
	if (take_into_use(d, cfg, o) == 0) {
		d->runtime_changes++;
		snprintf(o->msg, sizeof(o->msg), "%s %s:%s: applied %zu action(s)",
			 req->cmd == VALED_CTL_PORT_ADD ? "added" : "removed", req->sw,
			 req->cmd == VALED_CTL_PORT_DEL ? req->name :
			 d->actual->switches[si].ports[d->actual->switches[si].nports - 1].name,
			 o->actions);
		valed_info("runtime change: %s (until the next reload)", o->msg);
	} else {
		valed_err("runtime change refused: %s", o->msg);
	}
out:
	valed_mem_free(text);
	json_decref(root);
	valed_cfg_free(empty);
}

/* ------------------------------------------------------------------ */
/* Control requests.                                                    */

static json_t *outcome_reply(struct outcome *o)
{
	json_t *r = o->ok ? json_pack("{s:b, s:s, s:I}", "ok", 1, "message", o->msg,
				      "actions", (json_int_t)o->actions) :
			    json_pack("{s:b, s:s}", "ok", 0, "error", o->msg);

	if (r != NULL && o->errors != NULL)
		json_object_set(r, "errors", o->errors);
	json_decref(o->errors);
	o->errors = NULL;
	return r;
}

static json_t *daemon_info(struct daemon *d)
{
	char started[32], when[32];
	json_t *info, *last;

	iso_time(d->started, started, sizeof(started));
	if (d->reloaded) {
		iso_time(d->reload_time, when, sizeof(when));
		last = json_pack("{s:b, s:s, s:I, s:s}", "ok", d->reload_ok, "time", when,
				 "time_unix", (json_int_t)d->reload_time, "message",
				 d->reload_msg);
	} else {
		last = json_null();
	}
	info = json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:o*}",
			 "version", VALED_VERSION, "pid", (json_int_t)getpid(),
			 "config", d->config_path, "state_file", d->state_path,
			 "started", started, "started_unix", (json_int_t)d->started,
			 "workers", (json_int_t)valed_vm_workers(d->vm),
			 "runtime_changes", (json_int_t)d->runtime_changes,
			 "last_reload", last);
	return info;
}

static json_t *handle(void *ctx, const struct valed_ctl_req *req)
{
	struct daemon *d = ctx;
	struct outcome o;

	switch (req->cmd) {
	case VALED_CTL_STATUS:
		return valed_status_json(d->actual, &d->kern, d->vm, daemon_info(d));
	case VALED_CTL_VERSION:
		return json_pack("{s:b, s:s}", "ok", 1, "version", VALED_VERSION);
	case VALED_CTL_RELOAD:
		reload(d, &o);
		return outcome_reply(&o);
	case VALED_CTL_PORT_ADD:
	case VALED_CTL_PORT_DEL:
		port_change(d, req, &o);
		return outcome_reply(&o);
	}
	return valed_ctl_error("unknown command");
}

/* ------------------------------------------------------------------ */
/* Signals and the loop.                                                */

static void on_signal(struct vhu_evsrc *src, uint32_t events)
{
	struct daemon *d = container_of(src, struct daemon, ev_signal);
	struct signalfd_siginfo si;
	struct outcome o;

	(void)events;
	while (read(d->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload(d, &o);
			json_decref(o.errors);
		} else {
			valed_info("signal %u: stopping", si.ssi_signo);
			d->stop = true;
		}
	}
}

static int setup_signals(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &d->ev_signal };
	sigset_t set;

	/* A client that hangs up is an error return, never a death. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Before any thread exists, so the workers inherit the mask. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	d->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sfd < 0)
		return -1;
	d->ev_signal.fn = on_signal;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sfd, &ev);
}

static int run_loop(struct daemon *d)
{
	struct epoll_event ev[16];

	while (!d->stop) {
		int timeout = valed_ctl_after_batch(&d->ctl);
		int n = epoll_wait(d->epfd, ev, 16, timeout);

		if (n < 0 && errno != EINTR) {
			valed_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n; i++)
			vhu_evsrc_dispatch(ev[i].data.ptr, ev[i].events);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Start and stop.                                                      */

/* The state a daemon that died left, reduced to what still exists. */
static struct valed_cfg *adopt(struct daemon *d)
{
	struct valed_state_probe probe;
	struct valed_cfg *cfg;
	struct vhu_err err;
	char msg[512];
	int r;

	r = valed_state_read(d->state_path, &cfg, msg, sizeof(msg));
	if (r == 0)
		return NULL;
	if (r < 0) {
		valed_warn("ignoring the state file: %s", msg);
		return NULL;
	}
	valed_info("%s exists: the previous valed did not stop; taking over what it left",
		   d->state_path);
	valed_state_probe_kern(&probe, &d->kern);
	if (valed_state_adopt(cfg, &probe, &err) < 0) {
		valed_warn("cannot take over the previous state (%s); starting from nothing",
			   err.msg);
		valed_cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

static int stop(struct daemon *d)
{
	struct valed_apply_result res;
	struct valed_plan plan;
	int rc = 0;

	valed_notify_stopping();
	if (valed_plan_build(&plan, d->actual, NULL) < 0) {
		valed_err("stopping: out of memory; leaving everything in place");
		return 1;
	}
	valed_info("stopping: %zu action(s)", plan.n);
	if (valed_apply(&plan, &valed_apply_sys_ops, &d->sys, VALED_APPLY_BEST_EFFORT,
			&res) < 0) {
		/* The state file stays: the next start adopts what is left. */
		valed_err("stopping: %zu action(s) failed; first: %s", res.failed, res.msg);
		rc = 1;
	} else if (valed_state_remove(d->state_path) < 0) {
		valed_warn("cannot remove %s: %s", d->state_path, strerror(errno));
	}
	valed_plan_free(&plan);
	valed_cfg_free(d->actual);
	d->actual = NULL;
	return rc;
}

static int parse_start_args(int argc, char **argv, struct daemon *d)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = NULL;
	int c;

	d->config_path = VALED_CFG_DEFAULT_PATH;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d->config_path = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 'h':
			printf("Usage: valed start [--config FILE] [--state FILE]\n");
			return 1;
		default:
			fprintf(stderr, "valed start: unknown option or missing argument '%s'\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "valed start: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	d->state_path = valed_state_path(state, d->state_buf, sizeof(d->state_buf));
	/* Reloads read the same file whatever the cwd; logs and status name it whole. */
	if (d->config_path[0] != '/') {
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) != NULL &&
		    snprintf(d->config_buf, sizeof(d->config_buf), "%s/%s", cwd,
			     d->config_path) < (int)sizeof(d->config_buf))
			d->config_path = d->config_buf;
	}
	return 0;
}

static int cmd_start(int argc, char **argv)
{
	struct valed_cfg_errors errs = { 0 };
	enum valed_cfg_result res;
	struct valed_cfg *cfg, *adopted;
	struct outcome o;
	struct vhu_err err;
	struct daemon d;
	gid_t gid = (gid_t)-1;
	char st[256];
	int rc = 1, r;

	memset(&d, 0, sizeof(d));
	d.epfd = d.sfd = -1;
	valed_kern_init(&d.kern);
	r = parse_start_args(argc, argv, &d);
	if (r != 0)
		return r > 0 ? 0 : 2;
	valed_log_init();

	/* Nothing is touched for a configuration that is not valid. */
	res = valed_cfg_load(d.config_path, &cfg, &errs);
	if (res != VALED_CFG_OK) {
		valed_cfg_errors_print(res, &errs, d.config_path, stderr);
		valed_cfg_errors_free(&errs);
		return 1;
	}
	valed_log_set_level(cfg->global.log_level);
	valed_info("valed " VALED_VERSION " starting with %s (state %s)", d.config_path,
		   d.state_path);

	d.started = time(NULL);
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d.epfd < 0 || setup_signals(&d) < 0) {
		valed_err("setting up the event loop: %s", strerror(errno));
		goto out_cfg;
	}
	if (cfg->global.control_group != NULL &&
	    valed_vm_resolve_group(cfg->global.control_group, &gid, &err) < 0) {
		valed_err("control_group: %s", err.msg);
		goto out_cfg;
	}
	/* First: it also tells whether another valed runs (before any state is read). */
	if (valed_ctl_open(&d.ctl, cfg->global.control_socket, gid, d.epfd, handle, &d,
			   &err) < 0) {
		valed_err("%s", err.msg);
		goto out_cfg;
	}
	d.ctl_open = true;
	d.vm = valed_vm_pool_new(cfg->global.cpus, cfg->global.ncpus, &err);
	if (d.vm == NULL) {
		valed_err("VM workers: %s", err.msg);
		goto out_cfg;
	}
	d.sys.kern = &d.kern;
	d.sys.vm = d.vm;

	adopted = adopt(&d);
	d.actual = adopted;
	memset(&o, 0, sizeof(o));
	/* take_into_use() owns cfg from here, applied or freed. */
	r = take_into_use(&d, cfg, &o);
	cfg = NULL;
	if (r < 0) {
		valed_err("start failed: %s", o.msg);
		/* A fresh start leaves nothing; an adopted state stays for the next try. */
		if (adopted == NULL)
			valed_state_remove(d.state_path);
		goto out;
	}
	status_line(&d, st, sizeof(st));
	valed_info("started: %s; control socket %s", st, d.ctl.path);
	valed_notify_ready(st);

	if (run_loop(&d) == 0)
		rc = stop(&d);
	else
		stop(&d);
out:
	valed_cfg_free(d.actual);
	d.actual = NULL;
out_cfg:
	valed_cfg_free(cfg);
	if (d.ctl_open)
		valed_ctl_close(&d.ctl);
	valed_vm_pool_free(d.vm);
	valed_kern_close(&d.kern);
	if (d.sfd >= 0)
		close(d.sfd);
	if (d.epfd >= 0)
		close(d.epfd);
	return rc;
}

int valed_daemon_cmd(const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "start") == 0)
		return cmd_start(argc, argv);
	if (strcmp(cmd, "status") == 0)
		return valed_client_status(argc, argv);
	if (strcmp(cmd, "reload") == 0)
		return valed_client_reload(argc, argv);
	if (strcmp(cmd, "port") == 0)
		return valed_client_port(argc, argv);
	fprintf(stderr, "valed: unknown command '%s'\n", cmd);
	return 2;
}
