/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_sock.h - the Unix sockets a vhost-user connection runs over, in
 * both roles: we listen and QEMU connects (QEMU's default, and libvirt's
 * mode='client'), or QEMU listens and we connect (mode='server', the one
 * that lets a guest survive a restart of this process: we reconnect).
 *
 * No call blocks and nothing here sleeps: the caller's event loop waits.
 * Every socket returned is non-blocking and close-on-exec.
 */
#ifndef VHU_SOCK_H
#define VHU_SOCK_H

#include <sys/socket.h>
#include <sys/un.h>

#include "vhu_log.h"

/* "Not now": nothing to accept, or no server yet to connect to. */
#define VHU_SOCK_RETRY	(-2)

/*
 * Listen on @path with a backlog of one (one front-end per device). A
 * stale socket left by an earlier run is removed first; a path that is
 * not a socket, or a socket someone still listens on, is refused rather
 * than deleted. Returns the listening fd, or -1 with @err.
 */
int vhu_sock_listen(const char *path, struct vhu_err *err);

/*
 * Accept one pending connection: its fd, VHU_SOCK_RETRY if none is
 * pending, or -1 with @err.
 */
int vhu_sock_accept(int listen_fd, struct vhu_err *err);

/* The client role: connect, and when that fails, back off exponentially. */
struct vhu_sock_client {
	struct sockaddr_un addr;
	socklen_t addr_len;
	unsigned int min_delay_ms;
	unsigned int max_delay_ms;
	unsigned int failures;		/* in a row, since the last success */
};

/*
 * Prepare to connect to @path, waiting @min_delay_ms after the first
 * failure, twice that after the second, and so on up to @max_delay_ms.
 * Fails only for a path that cannot be a socket address.
 */
int vhu_sock_client_init(struct vhu_sock_client *c, const char *path,
			 unsigned int min_delay_ms, unsigned int max_delay_ms,
			 struct vhu_err *err);

/*
 * Try to connect once. Returns the connected fd (and forgets past
 * failures), or VHU_SOCK_RETRY with *retry_ms set to how long to wait
 * before the next try and @err saying what went wrong this time. Every
 * failure is worth retrying: the server may simply not be there yet.
 */
int vhu_sock_client_try(struct vhu_sock_client *c, unsigned int *retry_ms,
			struct vhu_err *err);

/* Start the back-off from the beginning (after a connection ended). */
void vhu_sock_client_reset(struct vhu_sock_client *c);

#endif /* VHU_SOCK_H */
