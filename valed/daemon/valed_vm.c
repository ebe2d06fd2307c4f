// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_vm.c - vhost-user ports in worker threads (see valed_vm.h).
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "libnetmap.h"
#include "valed_log.h"
#include "valed_vm.h"

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

/* "valeX:Y": switch, ':', port, NUL. */
#define KEY_MAX		(VALED_CFG_SWITCH_NAME_MAX + 1 + VALED_CFG_PORT_NAME_MAX + 1)
#define EVENTS_MAX	64

enum cmd_op { CMD_START, CMD_STOP, CMD_SNAPSHOT, CMD_QUIT };

/* One request from the main thread; lives on its stack until done. */
struct cmd {
	enum cmd_op op;
	const char *key;
	const struct vhu_vport_config *vc;	/* START */
	struct valed_vm_snapshot *snap;		/* SNAPSHOT */
	int result;
	struct vhu_err err;
	bool done;
};

struct vm_port {
	char key[KEY_MAX];
	struct vhu_vport *vp;
};

struct worker {
	unsigned int idx;
	int cpu;			/* pinned to, or -1 */
	pthread_t th;
	bool running;
	int epfd;
	int evfd;			/* wakes the worker for a command */
	struct vhu_evsrc ev_cmd;
	bool cmd_pending;		/* worker only */

	pthread_mutex_t lock;		/* guards cmd and cmd->done */
	pthread_cond_t cond;
	struct cmd *cmd;

	/* Worker only. */
	struct vm_port *ports;
	size_t nports, cap;
	bool quit;

	/* Main thread only: how many ports it gave this worker. */
	size_t load;
};

/* Which worker runs which port: main thread only. */
struct placement {
	char key[KEY_MAX];
	struct worker *w;
};

struct valed_vm_pool {
	struct worker *w;
	size_t nw;
	struct placement *pl;
	size_t npl, capl;
};

const char *valed_vm_state_name(enum vhu_vport_state st)
{
	switch (st) {
	case VHU_VPORT_LISTENING:
		return "listening";
	case VHU_VPORT_CONNECTING:
		return "connecting";
	case VHU_VPORT_CONNECTED:
		return "connected";
	case VHU_VPORT_DONE:
	default:
		return "done";
	}
}

/* ------------------------------------------------------------------ */
/* The worker side.                                                     */

static struct vm_port *find_port(struct worker *w, const char *key)
{
	for (size_t i = 0; i < w->nports; i++) {
		if (strcmp(w->ports[i].key, key) == 0)
			return &w->ports[i];
	}
	return NULL;
}

static void do_start(struct worker *w, struct cmd *c)
{
	struct vhu_vport *vp;

	if (find_port(w, c->key) != NULL) {
		c->result = vhu_err_set(&c->err, "%s: already running", c->key);
		return;
	}
	if (w->nports == w->cap) {
		size_t cap = w->cap == 0 ? 8 : w->cap * 2;
		struct vm_port *p = realloc(w->ports, cap * sizeof(*p));

		if (p == NULL) {
			c->result = vhu_err_set(&c->err, "%s: out of memory", c->key);
			return;
		}
		w->ports = p;
		w->cap = cap;
	}
	vp = vhu_vport_open(c->vc, w->epfd, &c->err);
	if (vp == NULL) {
		c->result = -1;
		return;
	}
	snprintf(w->ports[w->nports].key, KEY_MAX, "%s", c->key);
	w->ports[w->nports].vp = vp;
	w->nports++;
	c->result = 0;
}

static void do_stop(struct worker *w, struct cmd *c)
{
	struct vm_port *p = find_port(w, c->key);

	if (p == NULL) {
		c->result = 1;
		return;
	}
	vhu_vport_log_stats(p->vp);
	vhu_vport_close(p->vp);
	*p = w->ports[--w->nports];
	c->result = 0;
}

static void do_snapshot(struct worker *w, struct cmd *c)
{
	struct vm_port *p = find_port(w, c->key);
	const char *why;

	if (p == NULL) {
		c->result = 1;
		return;
	}
	memset(c->snap, 0, sizeof(*c->snap));
	c->snap->state = vhu_vport_state(p->vp);
	c->snap->stats = *vhu_vport_stats(p->vp);
	why = vhu_vport_broken(p->vp);
	if (why != NULL) {
		c->snap->broken = true;
		snprintf(c->snap->reason, sizeof(c->snap->reason), "%s", why);
	}
	c->snap->worker = w->idx;
	c->result = 0;
}

static void handle_cmd(struct worker *w)
{
	struct cmd *c;

	pthread_mutex_lock(&w->lock);
	c = w->cmd;
	w->cmd = NULL;
	pthread_mutex_unlock(&w->lock);
	if (c == NULL)
		return;
	switch (c->op) {
	case CMD_START:
		do_start(w, c);
		break;
	case CMD_STOP:
		do_stop(w, c);
		break;
	case CMD_SNAPSHOT:
		do_snapshot(w, c);
		break;
	case CMD_QUIT:
		w->quit = true;
		c->result = 0;
		break;
	}
	pthread_mutex_lock(&w->lock);
	c->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void on_cmd(struct vhu_evsrc *src, uint32_t events)
{
	struct worker *w = container_of(src, struct worker, ev_cmd);
	uint64_t v;

	(void)events;
	if (read(w->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		valed_warn("worker %u: reading its eventfd: %s", w->idx, strerror(errno));
	/* Not now: later events of this batch may point into a port it closes. */
	w->cmd_pending = true;
}

static int loop_timeout(struct worker *w)
{
	int t = -1;

	for (size_t i = 0; i < w->nports; i++) {
		int pt = vhu_vport_timeout_ms(w->ports[i].vp);

		if (pt >= 0 && (t < 0 || pt < t))
			t = pt;
	}
	return t;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[EVENTS_MAX];
	sigset_t all;

	/* Signals are the main thread's (its signalfd). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!w->quit) {
		int n = epoll_wait(w->epfd, ev, EVENTS_MAX, loop_timeout(w));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			valed_err("worker %u: epoll_wait: %s", w->idx, strerror(errno));
			/* Keep serving commands; a hot loop is better than a hang. */
			n = 0;
		}
		for (int i = 0; i < n; i++)
			vhu_evsrc_dispatch(ev[i].data.ptr, ev[i].events);
		if (w->cmd_pending) {
			w->cmd_pending = false;
			handle_cmd(w);
			if (w->quit)
				break;
		}
		for (size_t i = 0; i < w->nports; i++) {
			if (vhu_vport_wants_run(w->ports[i].vp))
				vhu_vport_run(w->ports[i].vp);
		}
	}
	/* The pool stops ports before it quits; this is the safety net. */
	for (size_t i = 0; i < w->nports; i++)
		vhu_vport_close(w->ports[i].vp);
	w->nports = 0;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The main-thread side.                                                */

static int submit(struct worker *w, struct cmd *c)
{
	uint64_t one = 1;
	ssize_t r;

	c->done = false;
	c->result = -1;
	c->err.msg[0] = '\0';
	pthread_mutex_lock(&w->lock);
	w->cmd = c;
	pthread_mutex_unlock(&w->lock);
	do {
		r = write(w->evfd, &one, sizeof(one));
	} while (r < 0 && errno == EINTR);
	/* EAGAIN: the counter is already non-zero, the worker will wake. */
	pthread_mutex_lock(&w->lock);
	while (!c->done)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return c->result;
}

static void worker_fini(struct worker *w)
{
	if (w->running) {
		struct cmd c = { .op = CMD_QUIT };

		submit(w, &c);
		pthread_join(w->th, NULL);
		w->running = false;
	}
	if (w->evfd >= 0)
		close(w->evfd);
	if (w->epfd >= 0)
		close(w->epfd);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->ports);
}

static int worker_init(struct worker *w, unsigned int idx, int cpu, struct vhu_err *err)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int e;

	memset(w, 0, sizeof(*w));
	w->idx = idx;
	w->cpu = cpu;
	w->epfd = w->evfd = -1;
	w->ev_cmd.fn = on_cmd;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->epfd < 0 || w->evfd < 0)
		return vhu_err_set(err, "worker %u: %s", idx, strerror(errno));
	ev.data.ptr = &w->ev_cmd;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &ev) < 0)
		return vhu_err_set(err, "worker %u: %s", idx, strerror(errno));
	e = pthread_create(&w->th, NULL, worker_main, w);
	if (e != 0)
		return vhu_err_set(err, "worker %u: starting its thread: %s", idx, strerror(e));
	w->running = true;
	{
		char name[16];

		/* "ps -L" and "top -H" tell the workers apart. */
		snprintf(name, sizeof(name), "valed-vm%u", idx);
		pthread_setname_np(w->th, name);
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET((unsigned int)cpu, &set);
		e = pthread_setaffinity_np(w->th, sizeof(set), &set);
		/* An offline CPU costs speed, not function: keep the worker. */
		if (e != 0)
			valed_warn("worker %u: cannot pin to CPU %d: %s; it runs unpinned",
				   idx, cpu, strerror(e));
		else
			valed_debug("worker %u pinned to CPU %d", idx, cpu);
	}
	return 0;
}

/*
 * libnetmap's own messages: the back-end reports every failure again with
 * its context, so these are details, not news.
 */
static void nm_message(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	valed_debug("libnetmap: %s", msg);
}

struct valed_vm_pool *valed_vm_pool_new(const unsigned int *cpus, size_t ncpus,
					struct vhu_err *err)
{
	struct valed_vm_pool *pool = calloc(1, sizeof(*pool));
	size_t n = ncpus == 0 ? 1 : ncpus;

	if (pool == NULL) {
		vhu_err_set(err, "out of memory");
		return NULL;
	}
	/* Workers open ports concurrently through libnetmap's default context. */
	nmctx_get()->error = nm_message;
	nmctx_set_threadsafe();
	pool->w = calloc(n, sizeof(*pool->w));
	if (pool->w == NULL) {
		vhu_err_set(err, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if (worker_init(&pool->w[i], (unsigned int)i,
				ncpus == 0 ? -1 : (int)cpus[i], err) < 0) {
			/* The one that failed is torn down with the others. */
			pool->nw = i + 1;
			goto fail;
		}
		pool->nw = i + 1;
	}
	return pool;

fail:
	valed_vm_pool_free(pool);
	return NULL;
}

void valed_vm_pool_free(struct valed_vm_pool *pool)
{
	if (pool == NULL)
		return;
	/* Newest first, as a stop plan would go. */
	while (pool->npl > 0) {
		struct placement *p = &pool->pl[pool->npl - 1];
		struct cmd c = { .op = CMD_STOP, .key = p->key };

		submit(p->w, &c);
		pool->npl--;
	}
	for (size_t i = 0; i < pool->nw; i++)
		worker_fini(&pool->w[i]);
	free(pool->w);
	free(pool->pl);
	free(pool);
}

static struct placement *placed(struct valed_vm_pool *pool, const char *key)
{
	for (size_t i = 0; i < pool->npl; i++) {
		if (strcmp(pool->pl[i].key, key) == 0)
			return &pool->pl[i];
	}
	return NULL;
}

int valed_vm_port_spec(char *buf, size_t len, const struct valed_cfg_switch *sw,
		       const struct valed_cfg_port *p)
{
	int n;

	if (sw->slots != 0)
		n = snprintf(buf, len, "%s:%s@conf:slots=%u", sw->name, p->name, sw->slots);
	else
		n = snprintf(buf, len, "%s:%s", sw->name, p->name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static bool numeric(const char *s, unsigned long *v)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *v < UINT32_MAX;
}

int valed_vm_resolve_user(const char *s, uid_t *uid, struct vhu_err *err)
{
	struct passwd *pw;
	unsigned long v;

	if (numeric(s, &v)) {
		*uid = (uid_t)v;
		return 0;
	}
	errno = 0;
	pw = getpwnam(s);
	if (pw == NULL)
		return vhu_err_set(err, "unknown user \"%s\"%s%s", s, errno ? ": " : "",
				   errno ? strerror(errno) : "");
	*uid = pw->pw_uid;
	return 0;
}

int valed_vm_resolve_group(const char *s, gid_t *gid, struct vhu_err *err)
{
	struct group *gr;
	unsigned long v;

	if (numeric(s, &v)) {
		*gid = (gid_t)v;
		return 0;
	}
	errno = 0;
	gr = getgrnam(s);
	if (gr == NULL)
		return vhu_err_set(err, "unknown group \"%s\"%s%s", s, errno ? ": " : "",
				   errno ? strerror(errno) : "");
	*gid = gr->gr_gid;
	return 0;
}

int valed_vm_start(struct valed_vm_pool *pool, const struct valed_cfg_switch *sw,
		   const struct valed_cfg_port *p, bool busy_poll, struct vhu_err *err)
{
	const struct valed_cfg_vhost_user *vu = &p->vhost;
	char spec[KEY_MAX + 32], key[KEY_MAX];
	struct vhu_vport_config vc;
	struct placement *pl;
	struct worker *w;
	struct cmd c;

	snprintf(key, sizeof(key), "%s:%s", sw->name, p->name);
	if (valed_vm_port_spec(spec, sizeof(spec), sw, p) < 0)
		return vhu_err_set(err, "%s: port name too long", key);
	if (placed(pool, key) != NULL)
		return vhu_err_set(err, "%s: already running", key);
	vhu_vport_config_default(&vc);
	vc.port = spec;
	vc.socket_path = vu->socket;
	vc.role = vu->role == VALED_CFG_ROLE_CLIENT ? VHU_VPORT_CLIENT : VHU_VPORT_SERVER;
	vc.queues = vu->queues;
	vc.have_mac = vu->has_mac;
	memcpy(vc.mac, vu->mac, sizeof(vc.mac));
	vc.busy_poll = busy_poll;
	if (vc.role == VHU_VPORT_SERVER) {
		/* Names are looked up at each start: accounts may change meanwhile. */
		if (vu->owner != NULL && valed_vm_resolve_user(vu->owner, &vc.sock_uid, err) < 0)
			return vhu_err_prefix(err, "%s: owner", key);
		if (vu->group != NULL && valed_vm_resolve_group(vu->group, &vc.sock_gid, err) < 0)
			return vhu_err_prefix(err, "%s: group", key);
		vc.sock_mode = vu->mode;
	}

	if (pool->npl == pool->capl) {
		size_t cap = pool->capl == 0 ? 16 : pool->capl * 2;
		struct placement *n = realloc(pool->pl, cap * sizeof(*n));

		if (n == NULL)
			return vhu_err_set(err, "%s: out of memory", key);
		pool->pl = n;
		pool->capl = cap;
	}
	w = &pool->w[0];
	for (size_t i = 1; i < pool->nw; i++) {
		if (pool->w[i].load < w->load)
			w = &pool->w[i];
	}
	memset(&c, 0, sizeof(c));
	c.op = CMD_START;
	c.key = key;
	c.vc = &vc;
	if (submit(w, &c) < 0) {
		memcpy(err->msg, c.err.msg, sizeof(err->msg));
		return -1;
	}
	w->load++;
	pl = &pool->pl[pool->npl++];
	snprintf(pl->key, sizeof(pl->key), "%s", key);
	pl->w = w;
	valed_debug("%s runs in worker %u", key, w->idx);
	return 0;
}

int valed_vm_stop(struct valed_vm_pool *pool, const char *sw, const char *name)
{
	char key[KEY_MAX + 16];
	struct placement *pl;
	struct cmd c;
	int r;

	snprintf(key, sizeof(key), "%s:%s", sw, name);
	pl = placed(pool, key);
	if (pl == NULL)
		return 1;
	memset(&c, 0, sizeof(c));
	c.op = CMD_STOP;
	c.key = key;
	r = submit(pl->w, &c);
	pl->w->load--;
	*pl = pool->pl[--pool->npl];
	return r;
}

int valed_vm_snapshot(struct valed_vm_pool *pool, const char *sw, const char *name,
		      struct valed_vm_snapshot *snap)
{
	char key[KEY_MAX + 16];
	struct placement *pl;
	struct cmd c;

	snprintf(key, sizeof(key), "%s:%s", sw, name);
	pl = placed(pool, key);
	if (pl == NULL)
		return 1;
	memset(&c, 0, sizeof(c));
	c.op = CMD_SNAPSHOT;
	c.key = key;
	c.snap = snap;
	return submit(pl->w, &c);
}

size_t valed_vm_count(const struct valed_vm_pool *pool)
{
	return pool->npl;
}

size_t valed_vm_workers(const struct valed_vm_pool *pool)
{
	return pool->nw;
}
