/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_ctl.h - the control socket: a Unix stream socket served from the
 * daemon's main epoll loop, speaking valed_ctl_proto.h.
 *
 * Everything is non-blocking: a client that sends half a line, or does
 * not read its reply, only holds its own buffers; the daemon goes on.
 * Limits: VALED_CTL_REQUEST_MAX per request line, VALED_CTL_CONNS_MAX
 * connections, VALED_CTL_IDLE_SEC of silence before a connection is
 * closed. A request too long is answered with an error and the
 * connection closed (what follows cannot be told apart from the rest of
 * it); a malformed one is answered with an error and the connection
 * stays. End of input after a partial line counts as the line.
 *
 * The socket file is created 0660 (owner root, group as given) in a
 * directory created 0755 if missing. A socket path where a live daemon
 * answers is refused ("valed is already running"); a stale one is
 * replaced.
 */
#ifndef VALED_CTL_H
#define VALED_CTL_H

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "valed_ctl_proto.h"
#include "vhu_log.h"
#include "vhu_vport.h"		/* struct vhu_evsrc */

#define VALED_CTL_CONNS_MAX	64
#define VALED_CTL_IDLE_SEC	60
/* Replies queued for a client that does not read, at most. */
#define VALED_CTL_OUT_MAX	(8 * 1024 * 1024)

/* Answer a request: a new reply object (the server frees it), or NULL (OOM). */
typedef json_t *(*valed_ctl_handler)(void *ctx, const struct valed_ctl_req *req);

struct valed_ctl_conn;

struct valed_ctl {
	int lfd;
	int epfd;
	char path[108];
	dev_t dev;			/* the socket file we made, to remove only it */
	ino_t ino;
	struct vhu_evsrc ev_listen;
	valed_ctl_handler handler;
	void *ctx;
	struct valed_ctl_conn *conns;
	size_t nconns;
	size_t out_max;			/* VALED_CTL_OUT_MAX; tests lower it */
};

/*
 * Create the socket at @path (group @gid, or (gid_t)-1 to leave root's)
 * and register it in @epfd. 0, or -1 with @err.
 */
int valed_ctl_open(struct valed_ctl *ctl, const char *path, gid_t gid, int epfd,
		   valed_ctl_handler handler, void *ctx, struct vhu_err *err);

/* Close every connection and the socket; remove the socket file. */
void valed_ctl_close(struct valed_ctl *ctl);

/*
 * After each epoll batch: free the connections that ended (not during
 * the batch: a later event of it may point at them) and close the idle
 * ones. Returns how long the loop may sleep for idle checks (ms, -1).
 */
int valed_ctl_after_batch(struct valed_ctl *ctl);

/* Answer one request line as a connection would (for tests). */
char *valed_ctl_answer(struct valed_ctl *ctl, const char *line, size_t len,
		       size_t *outlen);

/*
 * Is a daemon answering at @path? 1 yes, 0 no (nothing there, or a stale
 * socket file).
 */
int valed_ctl_alive(const char *path);

#endif /* VALED_CTL_H */
