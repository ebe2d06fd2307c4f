/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_vport.h - one VM port: a VALE switch port, the vhost-user-net device
 * serving it, and the socket its front-end reaches it through, in either
 * role. This is the unit both vale-vhost (one of them) and valed (many, in
 * few threads) run.
 *
 * Events. A vport registers its file descriptors in the caller's epoll set
 * with data.ptr pointing at a struct vhu_evsrc; the caller's loop calls
 * vhu_evsrc_dispatch() for each event, and may register its own fds (a
 * signalfd, a control socket) the same way. After the events of one
 * epoll_wait(), the caller calls vhu_vport_run() on every vport for which
 * vhu_vport_wants_run() is true, and sleeps no longer than the smallest
 * vhu_vport_timeout_ms(). A vport never blocks.
 *
 * Roles. Server: we listen on the socket path (QEMU's and libvirt's
 * default) and accept the next front-end after one leaves. Client: we
 * connect to a front-end that listens, reconnecting with back-off whenever
 * the connection ends (this is what lets the back-end restart under a
 * running guest). Fd: a socket handed over already open, listening (served
 * like the server role) or connected (the vport is done when it ends).
 *
 * The switch port stays open for the life of the vport, whatever the
 * front-end does, so the switch keeps its place for the guest. Work on
 * guest memory runs guarded (vhu_guard.h): a front-end that shrinks the
 * memory it shares is dropped, the process lives on. vhu_vport_open()
 * installs that SIGBUS handler.
 */
#ifndef VHU_VPORT_H
#define VHU_VPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vhu_log.h"
#include "vhu_net.h"

/* Something in an epoll set: data.ptr points at one of these. */
struct vhu_evsrc {
	void (*fn)(struct vhu_evsrc *src, uint32_t events);
};

static inline void vhu_evsrc_dispatch(void *ptr, uint32_t events)
{
	struct vhu_evsrc *src = ptr;

	src->fn(src, events);
}

enum vhu_vport_role {
	VHU_VPORT_SERVER,
	VHU_VPORT_CLIENT,
	VHU_VPORT_FD,
};

struct vhu_vport_config {
	const char *port;		/* netmap port, e.g. "vale0:vm1" */
	enum vhu_vport_role role;
	const char *socket_path;	/* SERVER, CLIENT */
	int fd;				/* FD */
	unsigned int queues;		/* queue pairs, 1 .. VHU_MAX_QUEUE_PAIRS */
	bool have_mac;
	uint8_t mac[6];			/* announced at every connect */
	bool busy_poll;			/* process running rings without waiting */
	unsigned int coalesce_ms;	/* guest TX coalescing (vhu_net_config) */
	/*
	 * SERVER: who may connect. (uid_t)-1 / (gid_t)-1 / 0 leave the
	 * owner, the group, the mode as listen() made them.
	 */
	uid_t sock_uid;
	gid_t sock_gid;
	mode_t sock_mode;
};

enum vhu_vport_state {
	VHU_VPORT_LISTENING,	/* server, no front-end */
	VHU_VPORT_CONNECTING,	/* client, no front-end (retrying) */
	VHU_VPORT_CONNECTED,	/* a front-end is attached */
	VHU_VPORT_DONE,		/* FD role, connection over: nothing more to do */
};

struct vhu_vport;

/* Fill @cfg with defaults: server role, one queue pair, no MAC. */
void vhu_vport_config_default(struct vhu_vport_config *cfg);

/*
 * Open the switch port, set up the device and the socket, and register
 * them in @epfd. Returns the vport, or NULL with @err (nothing is left
 * behind: no port, no socket file, no epoll entry).
 */
struct vhu_vport *vhu_vport_open(const struct vhu_vport_config *cfg, int epfd,
				 struct vhu_err *err);

/*
 * Disconnect the front-end, take every fd out of the epoll set, remove the
 * socket file we created, close the switch port and free @vp.
 */
void vhu_vport_close(struct vhu_vport *vp);

/* Whether vhu_vport_run() has something to do now. */
bool vhu_vport_wants_run(const struct vhu_vport *vp);

/* Do what is due: reconnect, datapath work. Never blocks. */
void vhu_vport_run(struct vhu_vport *vp);

/* How long the caller may sleep for this vport: 0, a delay in ms, or -1. */
int vhu_vport_timeout_ms(const struct vhu_vport *vp);

enum vhu_vport_state vhu_vport_state(const struct vhu_vport *vp);

/* FD role: whether the connection ended because of a protocol error. */
bool vhu_vport_failed(const struct vhu_vport *vp);

/* The switch port name, counters, why the device is broken (or NULL). */
const char *vhu_vport_name(const struct vhu_vport *vp);
const struct vhu_net_stats *vhu_vport_stats(const struct vhu_vport *vp);
const char *vhu_vport_broken(const struct vhu_vport *vp);

/* Log the counters (one line, VHU_LOG_INFO). */
void vhu_vport_log_stats(const struct vhu_vport *vp);

#endif /* VHU_VPORT_H */
