// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_ctl.c - the control socket server (see valed_ctl.h).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "valed_ctl.h"
#include "valed_log.h"

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

struct valed_ctl_conn {
	struct valed_ctl_conn *next;
	struct valed_ctl *ctl;
	int fd;
	struct vhu_evsrc ev;
	char *in;			/* VALED_CTL_REQUEST_MAX + 1 bytes */
	size_t inlen;
	char *out;
	size_t outlen, outoff, outcap;
	bool eof;			/* nothing more is read */
	/*
	 * After a request too long: input is read and dropped until the
	 * client closes, and our side is shut once the error is out.
	 * Closing with unread input would reset the connection, and the
	 * client could lose the error reply.
	 */
	bool discard;
	bool shut;
	bool dead;			/* closed; freed after the batch */
	uint32_t events;		/* what epoll watches now */
	time_t last;			/* last progress, CLOCK_MONOTONIC seconds */
};

static time_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int fill_addr(const char *path, struct sockaddr_un *sa, struct vhu_err *err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return vhu_err_set(err, "%s: path too long for a Unix socket", path);
	strcpy(sa->sun_path, path);
	return 0;
}

int valed_ctl_alive(const char *path)
{
	struct sockaddr_un sa;
	int fd, r;

	if (fill_addr(path, &sa, NULL) < 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r == 0;
}

/* ------------------------------------------------------------------ */
/* Connections.                                                         */

static void conn_kill(struct valed_ctl_conn *c)
{
	if (c->dead)
		return;
	/* Closing takes it out of the epoll set; the memory waits for the batch's end. */
	close(c->fd);
	c->fd = -1;
	c->dead = true;
}

static int out_append(struct valed_ctl_conn *c, const char *s, size_t len)
{
	if (c->outlen - c->outoff + len > c->ctl->out_max) {
		valed_warn("control: a client does not read its replies; closing it");
		return -1;
	}
	if (c->outoff > 0 && c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	if (c->outlen + len > c->outcap) {
		size_t cap = c->outcap == 0 ? 4096 : c->outcap;
		char *n;

		while (cap < c->outlen + len)
			cap *= 2;
		n = realloc(c->out, cap);
		if (n == NULL)
			return -1;
		c->out = n;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, s, len);
	c->outlen += len;
	return 0;
}

char *valed_ctl_answer(struct valed_ctl *ctl, const char *line, size_t len,
		       size_t *outlen)
{
	struct valed_ctl_req req;
	char msg[512];
	json_t *reply;
	char *out;

	if (valed_ctl_parse(line, len, &req, msg, sizeof(msg)) < 0) {
		valed_debug("control: bad request: %s", msg);
		reply = valed_ctl_error(msg);
	} else {
		valed_debug("control: %s", valed_ctl_cmd_name(req.cmd));
		reply = ctl->handler(ctl->ctx, &req);
		valed_ctl_req_free(&req);
	}
	if (reply == NULL)
		return NULL;
	out = valed_ctl_reply_line(reply, outlen);
	json_decref(reply);
	return out;
}

static void answer(struct valed_ctl_conn *c, const char *line, size_t len)
{
	static const char oom[] = "{\"ok\":false,\"error\":\"out of memory\"}\n";
	size_t n = 0;
	char *out;

	/* Tolerate CRLF from interactive tools (socat, nc -C). */
	if (len > 0 && line[len - 1] == '\r')
		len--;
	out = valed_ctl_answer(c->ctl, line, len, &n);
	if (out == NULL) {
		if (out_append(c, oom, sizeof(oom) - 1) < 0)
			conn_kill(c);
		return;
	}
	if (out_append(c, out, n) < 0)
		conn_kill(c);
	free(out);
}

/* Answer every complete line in the input buffer. */
static void take_lines(struct valed_ctl_conn *c)
{
	size_t start = 0;
	char *nl;

	while (!c->dead && (nl = memchr(c->in + start, '\n', c->inlen - start)) != NULL) {
		size_t len = (size_t)(nl - (c->in + start));

		/* Blank lines are keep-alives, not requests. */
		if (len > 0 && !(len == 1 && c->in[start] == '\r'))
			answer(c, c->in + start, len);
		start += len + 1;
	}
	if (c->dead)
		return;
	memmove(c->in, c->in + start, c->inlen - start);
	c->inlen -= start;
	if (c->inlen > VALED_CTL_REQUEST_MAX) {
		char msg[128];
		json_t *r;
		char *line;
		size_t n;

		/* The rest of that line would read as requests of its own: stop here. */
		snprintf(msg, sizeof(msg), "request too long (more than %d bytes); closing",
			 VALED_CTL_REQUEST_MAX);
		valed_warn("control: %s", msg);
		r = valed_ctl_error(msg);
		line = r == NULL ? NULL : valed_ctl_reply_line(r, &n);
		json_decref(r);
		if (line == NULL || out_append(c, line, n) < 0)
			conn_kill(c);
		free(line);
		c->inlen = 0;
		c->discard = true;
	}
}

static void conn_read(struct valed_ctl_conn *c)
{
	while (!c->eof && !c->dead) {
		/* Discarding: whatever comes lands at the start and is forgotten. */
		ssize_t n = read(c->fd, c->in + c->inlen, VALED_CTL_REQUEST_MAX + 1 - c->inlen);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				conn_kill(c);
			return;
		}
		if (n == 0) {
			c->eof = true;
			/* A last line without its newline is still a request. */
			if (c->inlen > 0)
				answer(c, c->in, c->inlen);
			c->inlen = 0;
			return;
		}
		c->last = now_sec();
		if (c->discard)
			continue;
		c->inlen += (size_t)n;
		take_lines(c);
	}
}

static void conn_flush(struct valed_ctl_conn *c)
{
	while (!c->dead && c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				conn_kill(c);
			return;
		}
		c->last = now_sec();
		c->outoff += (size_t)n;
	}
}

/* Watch what is due next: input unless it ended, output while some waits. */
static void conn_rearm(struct valed_ctl_conn *c)
{
	struct epoll_event ev = { .data.ptr = &c->ev };
	uint32_t want = 0;

	if (c->dead)
		return;
	if (c->eof && c->outoff == c->outlen) {
		conn_kill(c);
		return;
	}
	if (c->discard && !c->shut && c->outoff == c->outlen) {
		/* The client reads our error, then EOF. */
		shutdown(c->fd, SHUT_WR);
		c->shut = true;
	}
	if (!c->eof)
		want |= EPOLLIN;
	if (c->outoff < c->outlen)
		want |= EPOLLOUT;
	if (want == c->events)
		return;
	ev.events = want;
	if (epoll_ctl(c->ctl->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		conn_kill(c);
	else
		c->events = want;
}

static void on_conn(struct vhu_evsrc *src, uint32_t events)
{
	struct valed_ctl_conn *c = container_of(src, struct valed_ctl_conn, ev);

	if (c->dead)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(c);
	conn_flush(c);
	conn_rearm(c);
}

static void on_listen(struct vhu_evsrc *src, uint32_t events)
{
	static const char busy[] = "{\"ok\":false,\"error\":\"too many connections\"}\n";
	struct valed_ctl *ctl = container_of(src, struct valed_ctl, ev_listen);
	struct epoll_event ev = { .events = EPOLLIN };

	(void)events;
	for (;;) {
		struct valed_ctl_conn *c;
		int fd = accept4(ctl->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				valed_warn("control: accept: %s", strerror(errno));
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		if (ctl->nconns >= VALED_CTL_CONNS_MAX) {
			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				valed_debug("control: refusing a connection: %s", strerror(errno));
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (c != NULL)
			c->in = malloc(VALED_CTL_REQUEST_MAX + 1);
		if (c == NULL || c->in == NULL) {
			free(c);
			close(fd);
			continue;
		}
		c->ctl = ctl;
		c->fd = fd;
		c->ev.fn = on_conn;
		c->last = now_sec();
		c->events = EPOLLIN;
		ev.data.ptr = &c->ev;
		if (epoll_ctl(ctl->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			valed_warn("control: watching a connection: %s", strerror(errno));
			free(c->in);
			free(c);
			close(fd);
			continue;
		}
		c->next = ctl->conns;
		ctl->conns = c;
		ctl->nconns++;
	}
}

/* ------------------------------------------------------------------ */
/* The socket.                                                          */

/* mkdir -p of the socket's directory; what exists already is left as it is. */
static int make_parent(const char *path, struct vhu_err *err)
{
	char buf[PATH_MAX], *dir;

	snprintf(buf, sizeof(buf), "%s", path);
	dir = dirname(buf);
	for (char *p = dir + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return vhu_err_set(err, "creating %s: %s", dir, strerror(errno));
		*p = c;
		if (c == '\0')
			return 0;
	}
}

int valed_ctl_open(struct valed_ctl *ctl, const char *path, gid_t gid, int epfd,
		   valed_ctl_handler handler, void *ctx, struct vhu_err *err)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int r;

	memset(ctl, 0, sizeof(*ctl));
	ctl->lfd = -1;
	ctl->epfd = epfd;
	ctl->handler = handler;
	ctl->ctx = ctx;
	ctl->ev_listen.fn = on_listen;
	ctl->out_max = VALED_CTL_OUT_MAX;
	if (fill_addr(path, &sa, err) < 0)
		return -1;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	if (make_parent(path, err) < 0)
		return -1;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return vhu_err_set(err, "%s exists and is not a socket", path);
		if (valed_ctl_alive(path))
			return vhu_err_set(err, "valed is already running (it answers on %s)",
					   path);
		/* Left by a daemon that died (kill -9): ours to replace. */
		if (unlink(path) < 0 && errno != ENOENT)
			return vhu_err_set(err, "removing stale %s: %s", path, strerror(errno));
	}
	ctl->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->lfd < 0)
		return vhu_err_set(err, "control socket: %s", strerror(errno));
	/* Nobody but us may connect until the group and mode are right. */
	old = umask(0177);
	r = bind(ctl->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0) {
		vhu_err_set(err, "bind %s: %s", path, strerror(errno));
		goto fail;
	}
	if (stat(path, &st) == 0) {
		ctl->dev = st.st_dev;
		ctl->ino = st.st_ino;
	}
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0) {
		vhu_err_set(err, "chown %s to group %d: %s", path, (int)gid, strerror(errno));
		goto fail_unlink;
	}
	if (chmod(path, 0660) < 0) {
		vhu_err_set(err, "chmod %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	if (listen(ctl->lfd, 32) < 0) {
		vhu_err_set(err, "listen on %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	ev.data.ptr = &ctl->ev_listen;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, ctl->lfd, &ev) < 0) {
		vhu_err_set(err, "watching %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	return 0;

fail_unlink:
	unlink(path);
fail:
	close(ctl->lfd);
	ctl->lfd = -1;
	return -1;
}

static void conn_free(struct valed_ctl_conn *c)
{
	conn_kill(c);
	free(c->in);
	free(c->out);
	free(c);
}

int valed_ctl_after_batch(struct valed_ctl *ctl)
{
	struct valed_ctl_conn **pp = &ctl->conns;
	time_t now = now_sec();

	while (*pp != NULL) {
		struct valed_ctl_conn *c = *pp;

		if (!c->dead && now - c->last > VALED_CTL_IDLE_SEC) {
			valed_debug("control: closing a connection idle for %d s",
				    VALED_CTL_IDLE_SEC);
			conn_kill(c);
		}
		if (c->dead) {
			*pp = c->next;
			ctl->nconns--;
			conn_free(c);
			continue;
		}
		pp = &c->next;
	}
	return ctl->nconns > 0 ? 1000 : -1;
}

void valed_ctl_close(struct valed_ctl *ctl)
{
	struct stat st;

	while (ctl->conns != NULL) {
		struct valed_ctl_conn *c = ctl->conns;

		ctl->conns = c->next;
		conn_free(c);
	}
	ctl->nconns = 0;
	if (ctl->lfd < 0)
		return;
	close(ctl->lfd);
	ctl->lfd = -1;
	/* Only the file we made: a newer daemon may own the path by now. */
	if (stat(ctl->path, &st) == 0 && st.st_dev == ctl->dev && st.st_ino == ctl->ino)
		unlink(ctl->path);
}
