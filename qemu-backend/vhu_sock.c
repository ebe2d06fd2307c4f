// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_sock.c - listening for, accepting, and connecting to vhost-user
 * front-ends over Unix sockets, without ever blocking the caller.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vhu_sock.h"

static int fill_addr(const char *path, struct sockaddr_un *addr,
		     socklen_t *len, struct vhu_err *err)
{
	size_t n = path != NULL ? strlen(path) : 0;

	if (n == 0)
		return vhu_err_set(err, "empty socket path");
	if (n >= sizeof(addr->sun_path))
		return vhu_err_set(err, "socket path %s is %zu bytes, at most %zu fit",
				   path, n, sizeof(addr->sun_path) - 1);
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, n + 1);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

/*
 * Whether a process still serves @addr. A socket file survives the process
 * that bound it, so finding one proves nothing; only a refused connection
 * proves it stale. A full backlog (EAGAIN) means someone is listening.
 */
static bool socket_in_use(const struct sockaddr_un *addr, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)addr, len) == 0 ||
	       errno == EAGAIN;
	close(fd);
	return used;
}

int vhu_sock_listen(const char *path, struct vhu_err *err)
{
	struct sockaddr_un addr;
	struct stat st;
	socklen_t len;
	int fd = -1;

	if (fill_addr(path, &addr, &len, err) < 0)
		return -1;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return vhu_err_set(err, "%s exists and is not a socket", path);
		if (socket_in_use(&addr, len))
			return vhu_err_set(err, "%s: another process is listening there",
					   path);
		if (unlink(path) < 0 && errno != ENOENT)
			return vhu_err_set(err, "removing stale socket %s: %s", path,
					   strerror(errno));
	} else if (errno != ENOENT) {
		return vhu_err_set(err, "%s: %s", path, strerror(errno));
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		vhu_err_set(err, "socket: %s", strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&addr, len) < 0) {
		vhu_err_set(err, "bind %s: %s", path, strerror(errno));
		goto fail;
	}
	if (listen(fd, 1) < 0) {
		vhu_err_set(err, "listen on %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	return fd;

fail_unlink:
	unlink(path);
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

int vhu_sock_accept(int listen_fd, struct vhu_err *err)
{
	int fd;

	do {
		fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd >= 0)
		return fd;
	/* A peer that gave up before we got to it is no error of ours. */
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED)
		return VHU_SOCK_RETRY;
	return vhu_err_set(err, "accept: %s", strerror(errno));
}

int vhu_sock_client_init(struct vhu_sock_client *c, const char *path,
			 unsigned int min_delay_ms, unsigned int max_delay_ms,
			 struct vhu_err *err)
{
	memset(c, 0, sizeof(*c));
	if (fill_addr(path, &c->addr, &c->addr_len, err) < 0)
		return -1;
	c->min_delay_ms = min_delay_ms > 0 ? min_delay_ms : 1;
	c->max_delay_ms = max_delay_ms > c->min_delay_ms ? max_delay_ms
							  : c->min_delay_ms;
	return 0;
}

void vhu_sock_client_reset(struct vhu_sock_client *c)
{
	c->failures = 0;
}

/* min * 2^(failures - 1), capped; computed so that it cannot overflow. */
static unsigned int backoff(const struct vhu_sock_client *c)
{
	unsigned long long d = c->min_delay_ms;

	for (unsigned int i = 1; i < c->failures && d < c->max_delay_ms; i++)
		d *= 2;
	return d > c->max_delay_ms ? c->max_delay_ms : (unsigned int)d;
}

int vhu_sock_client_try(struct vhu_sock_client *c, unsigned int *retry_ms,
			struct vhu_err *err)
{
	int fd, e;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		goto retry;
	}
	/*
	 * A non-blocking AF_UNIX connect completes at once or fails at once
	 * (EAGAIN when the server's backlog is full): there is no in-progress
	 * state to wait for.
	 */
	if (connect(fd, (struct sockaddr *)&c->addr, c->addr_len) == 0) {
		c->failures = 0;
		return fd;
	}
	e = errno;
	close(fd);

retry:
	if (c->failures < 64)
		c->failures++;
	*retry_ms = backoff(c);
	vhu_err_set(err, "connecting to %s: %s", c->addr.sun_path, strerror(e));
	return VHU_SOCK_RETRY;
}
