// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_notify.c - sd_notify without libsystemd (see valed_notify.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "valed_notify.h"

int valed_notify(const char *fmt, ...)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t salen;
	char msg[1024];
	size_t plen;
	va_list ap;
	ssize_t r;
	int fd, e;

	if (path == NULL || path[0] == '\0')
		return 0;
	/* A path, or "@name" for the abstract namespace. */
	if (path[0] != '/' && path[0] != '@') {
		errno = EAFNOSUPPORT;
		return -1;
	}
	plen = strlen(path);
	if (plen >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, plen);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	/* An abstract name is exactly its bytes: no trailing NUL counted. */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
			    (path[0] == '@' ? 0 : 1));

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	do {
		r = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	} while (r < 0 && errno == EINTR);
	e = errno;
	close(fd);
	errno = e;
	return r < 0 ? -1 : 0;
}

/* STATUS= is one line: a newline in it would start another assignment. */
static void one_line(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s);
	for (char *p = dst; *p != '\0'; p++) {
		if (*p == '\n')
			*p = ' ';
	}
}

int valed_notify_ready(const char *status)
{
	char st[512];

	one_line(st, sizeof(st), status);
	return valed_notify("READY=1\nSTATUS=%s", st);
}

int valed_notify_status(const char *status)
{
	char st[512];

	one_line(st, sizeof(st), status);
	return valed_notify("STATUS=%s", st);
}

int valed_notify_reloading(void)
{
	struct timespec ts;

	/* systemd (notify-reload) matches the reload by this timestamp. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return valed_notify("RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=%llu",
			    (unsigned long long)ts.tv_sec * 1000000ULL +
			    (unsigned long long)ts.tv_nsec / 1000ULL);
}

int valed_notify_stopping(void)
{
	return valed_notify("STOPPING=1\nSTATUS=stopping");
}
