// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_vport.c - one VM port: switch port + vhost-user-net device + the
 * socket of its front-end, in the caller's event loop (see vhu_vport.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "vhu_dev.h"
#include "vhu_guard.h"
#include "vhu_port.h"
#include "vhu_sock.h"
#include "vhu_vport.h"

#define RECONNECT_MIN_MS	100
#define RECONNECT_MAX_MS	5000

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

struct vhu_vport {
	struct vhu_vport_config cfg;	/* socket_path/port point into the copies below */
	char *socket_path;
	char *port_spec;
	int epfd;

	bool fd_connected;		/* FD role with a connected socket */
	int listen_fd;			/* SERVER and FD-listening, else -1 */
	bool unlink_path;		/* we created the socket file */
	bool conn_watched;		/* the device's socket is in epfd */
	bool net_watched;
	bool dirty;			/* an event arrived since the last run */
	bool done, failed;		/* FD-connected role: the connection ended */
	enum vhu_dev_status conn_status;	/* of the last guarded handle_readable */

	struct vhu_sock_client client;
	struct timespec retry_at;	/* CLIENT while unconnected */
	bool retry_armed;

	struct vhu_evsrc ev_listen, ev_conn, ev_net;

	struct vhu_port port;
	bool port_open;
	struct vhu_net net;
	bool net_init;
};

void vhu_vport_config_default(struct vhu_vport_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = VHU_VPORT_SERVER;
	cfg->fd = -1;
	cfg->queues = 1;
	cfg->sock_uid = (uid_t)-1;
	cfg->sock_gid = (gid_t)-1;
}

static int ep_add(struct vhu_vport *vp, int fd, struct vhu_evsrc *src)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = src };

	return epoll_ctl(vp->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* ------------------------------------------------------------------ */
/* Connections.                                                         */

static void arm_retry(struct vhu_vport *vp, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, &vp->retry_at);
	vp->retry_at.tv_sec += ms / 1000;
	vp->retry_at.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (vp->retry_at.tv_nsec >= 1000000000L) {
		vp->retry_at.tv_sec++;
		vp->retry_at.tv_nsec -= 1000000000L;
	}
	vp->retry_armed = true;
}

/* Milliseconds until the reconnect is due (0 if it is), -1 if none is. */
static int retry_in_ms(const struct vhu_vport *vp)
{
	struct timespec now;
	long long ms;

	if (!vp->retry_armed)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(vp->retry_at.tv_sec - now.tv_sec) * 1000 +
	     (vp->retry_at.tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : (int)(ms > 60000 ? 60000 : ms);
}

/* A front-end is attached: watch its socket, and announce the MAC. */
static void connected(struct vhu_vport *vp)
{
	if (ep_add(vp, vhu_dev_fd(&vp->net.dev), &vp->ev_conn) < 0) {
		vhu_log(VHU_LOG_ERR, "%s: watching the connection: %s",
			vp->port.name, strerror(errno));
		vhu_dev_disconnect(&vp->net.dev);
		if (vp->cfg.role == VHU_VPORT_CLIENT)
			arm_retry(vp, RECONNECT_MIN_MS);
		return;
	}
	vp->conn_watched = true;
	if (vp->cfg.have_mac)
		vhu_net_announce(&vp->net, vp->cfg.mac);
}

static void try_connect(struct vhu_vport *vp)
{
	struct vhu_err err;
	unsigned int wait_ms = 0;
	int fd;

	vp->retry_armed = false;
	fd = vhu_sock_client_try(&vp->client, &wait_ms, &err);
	if (fd < 0) {
		/* The first failure is news; the retries that follow are not. */
		vhu_log(vp->client.failures == 1 ? VHU_LOG_WARN : VHU_LOG_DEBUG,
			"%s: %s; retrying in %u ms", vp->port.name, err.msg, wait_ms);
		arm_retry(vp, wait_ms);
		return;
	}
	if (vhu_dev_attach(&vp->net.dev, fd, &err) < 0) {
		vhu_log(VHU_LOG_ERR, "%s: %s", vp->port.name, err.msg);
		close(fd);
		arm_retry(vp, RECONNECT_MIN_MS);
		return;
	}
	connected(vp);
}

/* The device dropped its front-end (and closed the socket, which took it out of epfd). */
/* @why: the reason to log for a connection we closed, or NULL (logged already). */
static void connection_ended(struct vhu_vport *vp, enum vhu_dev_status st,
			     const char *why)
{
	vp->conn_watched = false;
	if (why != NULL)
		vhu_log(VHU_LOG_WARN, "%s: front-end dropped: %s", vp->port.name, why);
	vhu_vport_log_stats(vp);
	if (vp->fd_connected) {
		vp->done = true;
		vp->failed = st == VHU_DEV_PROTO_ERROR;
		return;
	}
	if (vp->cfg.role == VHU_VPORT_CLIENT) {
		vhu_sock_client_reset(&vp->client);
		/* Straight away: the server may already be back. */
		arm_retry(vp, 0);
		return;
	}
	vhu_log(VHU_LOG_INFO, "%s: waiting for the next front-end", vp->port.name);
}

static void on_listen(struct vhu_evsrc *src, uint32_t events)
{
	struct vhu_vport *vp = container_of(src, struct vhu_vport, ev_listen);

	(void)events;
	vp->dirty = true;
	if (vhu_dev_accept(&vp->net.dev, vp->listen_fd) == 1)
		connected(vp);
}

/*
 * The guest's memory vanished under a guarded call (vhu_guard.h): drop
 * the front-end without touching that memory, then carry on as after any
 * protocol error.
 */
static void mem_fault(struct vhu_vport *vp)
{
	bool was_connected = vhu_dev_connected(&vp->net.dev);

	vhu_net_mem_fault(&vp->net);
	if (was_connected)
		connection_ended(vp, VHU_DEV_PROTO_ERROR, NULL);
}

static void conn_readable(void *arg)
{
	struct vhu_vport *vp = arg;

	vp->conn_status = vhu_dev_handle_readable(&vp->net.dev);
}

static void on_conn(struct vhu_evsrc *src, uint32_t events)
{
	struct vhu_vport *vp = container_of(src, struct vhu_vport, ev_conn);

	(void)events;
	/* Control messages may start rings with work already waiting. */
	vp->dirty = true;
	if (!vp->conn_watched)
		return;
	/* Starting a ring reads the guest's used index: guarded too. */
	if (vhu_guard_call(conn_readable, vp) < 0) {
		mem_fault(vp);
		return;
	}
	if (vp->conn_status == VHU_DEV_CLOSED)
		connection_ended(vp, VHU_DEV_CLOSED, NULL);
	else if (vp->conn_status == VHU_DEV_PROTO_ERROR)
		connection_ended(vp, VHU_DEV_PROTO_ERROR, vhu_dev_last_error(&vp->net.dev));
}

static void on_net(struct vhu_evsrc *src, uint32_t events)
{
	struct vhu_vport *vp = container_of(src, struct vhu_vport, ev_net);

	(void)events;
	vp->dirty = true;
}

/* ------------------------------------------------------------------ */
/* Set-up.                                                              */

static int fcntl_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Who may connect to a server socket: a chown/chmod of the file. */
static int set_socket_access(struct vhu_vport *vp, struct vhu_err *err)
{
	const struct vhu_vport_config *c = &vp->cfg;

	if ((c->sock_uid != (uid_t)-1 || c->sock_gid != (gid_t)-1) &&
	    chown(vp->socket_path, c->sock_uid, c->sock_gid) < 0)
		return vhu_err_set(err, "%s: chown to %d:%d: %s", vp->socket_path,
				   (int)c->sock_uid, (int)c->sock_gid, strerror(errno));
	if (c->sock_mode != 0 && chmod(vp->socket_path, c->sock_mode & 07777) < 0)
		return vhu_err_set(err, "%s: chmod %04o: %s", vp->socket_path,
				   (unsigned int)(c->sock_mode & 07777), strerror(errno));
	return 0;
}

static int setup_role(struct vhu_vport *vp, struct vhu_err *err)
{
	int listening = 0;
	socklen_t len = sizeof(listening);

	switch (vp->cfg.role) {
	case VHU_VPORT_CLIENT:
		if (vhu_sock_client_init(&vp->client, vp->socket_path, RECONNECT_MIN_MS,
					 RECONNECT_MAX_MS, err) < 0)
			return -1;
		arm_retry(vp, 0);
		return 0;
	case VHU_VPORT_SERVER:
		vp->listen_fd = vhu_sock_listen(vp->socket_path, err);
		if (vp->listen_fd < 0)
			return -1;
		vp->unlink_path = true;
		if (set_socket_access(vp, err) < 0)
			return -1;
		break;
	case VHU_VPORT_FD:
	default:
		if (getsockopt(vp->cfg.fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
			       &len) < 0)
			return vhu_err_set(err, "fd %d: not a socket: %s", vp->cfg.fd,
					   strerror(errno));
		if (!listening) {
			if (vhu_dev_attach(&vp->net.dev, vp->cfg.fd, err) < 0)
				return vhu_err_prefix(err, "fd %d", vp->cfg.fd);
			vp->fd_connected = true;
			connected(vp);
			if (!vp->conn_watched)
				return vhu_err_set(err, "fd %d: cannot watch it", vp->cfg.fd);
			return 0;
		}
		vp->listen_fd = vp->cfg.fd;
		break;
	}
	/* accept() must never block the loop: the library's accept expects this. */
	if (fcntl_nonblock(vp->listen_fd) < 0 || ep_add(vp, vp->listen_fd, &vp->ev_listen) < 0)
		return vhu_err_set(err, "watching the listening socket: %s", strerror(errno));
	return 0;
}

struct vhu_vport *vhu_vport_open(const struct vhu_vport_config *cfg, int epfd,
				 struct vhu_err *err)
{
	struct vhu_net_config ncfg;
	struct vhu_vport *vp;

	if (cfg->port == NULL || cfg->port[0] == '\0') {
		vhu_err_set(err, "no switch port named");
		return NULL;
	}
	if ((cfg->role == VHU_VPORT_FD) != (cfg->socket_path == NULL)) {
		vhu_err_set(err, "%s: a socket path, or an fd, is required (one of them)",
			    cfg->port);
		return NULL;
	}
	if (vhu_guard_install(err) < 0)
		return NULL;
	/* Large (rings, device state): never on a stack. */
	vp = calloc(1, sizeof(*vp));
	if (vp == NULL) {
		vhu_err_set(err, "%s: out of memory", cfg->port);
		return NULL;
	}
	vp->cfg = *cfg;
	vp->epfd = epfd;
	vp->listen_fd = -1;
	vp->ev_listen.fn = on_listen;
	vp->ev_conn.fn = on_conn;
	vp->ev_net.fn = on_net;
	vp->port_spec = strdup(cfg->port);
	if (cfg->socket_path != NULL)
		vp->socket_path = strdup(cfg->socket_path);
	if (vp->port_spec == NULL || (cfg->socket_path != NULL && vp->socket_path == NULL)) {
		vhu_err_set(err, "%s: out of memory", cfg->port);
		goto fail;
	}
	vp->cfg.port = vp->port_spec;
	vp->cfg.socket_path = vp->socket_path;

	if (vhu_port_netmap_open(&vp->port, vp->port_spec, cfg->queues, err) < 0)
		goto fail;
	vp->port_open = true;
	memset(&ncfg, 0, sizeof(ncfg));
	ncfg.name = vp->port.name;
	ncfg.queue_pairs = cfg->queues;
	ncfg.coalesce_ms = cfg->coalesce_ms;
	if (vhu_net_init(&vp->net, &ncfg, &vp->port, err) < 0)
		goto fail;
	vp->net_init = true;
	if (ep_add(vp, vhu_net_fd(&vp->net), &vp->ev_net) < 0) {
		vhu_err_set(err, "%s: setting up its events: %s", vp->port.name,
			    strerror(errno));
		goto fail;
	}
	vp->net_watched = true;
	if (setup_role(vp, err) < 0) {
		vhu_err_prefix(err, "%s", vp->port.name);
		goto fail;
	}
	/* Run once at once: a client connects now, an fd may hold messages. */
	vp->dirty = true;
	return vp;

fail:
	/* An fd handed over stays the caller's when we fail. */
	if (cfg->role == VHU_VPORT_FD && vp->listen_fd == cfg->fd)
		vp->listen_fd = -1;
	vhu_vport_close(vp);
	return NULL;
}

void vhu_vport_close(struct vhu_vport *vp)
{
	if (vp == NULL)
		return;
	if (vp->net_init) {
		/* Closing the device's socket takes it out of epfd by itself. */
		if (vp->net_watched)
			epoll_ctl(vp->epfd, EPOLL_CTL_DEL, vhu_net_fd(&vp->net), NULL);
		vhu_net_fini(&vp->net);
	}
	if (vp->listen_fd >= 0) {
		epoll_ctl(vp->epfd, EPOLL_CTL_DEL, vp->listen_fd, NULL);
		close(vp->listen_fd);
	}
	if (vp->unlink_path)
		unlink(vp->socket_path);
	if (vp->port_open)
		vhu_port_close(&vp->port);
	free(vp->socket_path);
	free(vp->port_spec);
	free(vp);
}

/* ------------------------------------------------------------------ */
/* Running.                                                             */

bool vhu_vport_wants_run(const struct vhu_vport *vp)
{
	if (vp->done)
		return false;
	if (vp->dirty || vp->cfg.busy_poll || retry_in_ms(vp) == 0)
		return true;
	/* Work left over from a budgeted batch, or a ring without kick fd. */
	return vhu_net_timeout_ms(&vp->net) >= 0;
}

static void datapath(void *arg)
{
	struct vhu_vport *vp = arg;

	if (vp->cfg.busy_poll)
		vhu_net_poll_all(&vp->net);
	else
		vhu_net_poll(&vp->net);
}

void vhu_vport_run(struct vhu_vport *vp)
{
	if (vp->done)
		return;
	vp->dirty = false;
	if (vp->cfg.role == VHU_VPORT_CLIENT && !vhu_dev_connected(&vp->net.dev) &&
	    retry_in_ms(vp) == 0)
		try_connect(vp);
	if (vhu_guard_call(datapath, vp) < 0)
		mem_fault(vp);
}

int vhu_vport_timeout_ms(const struct vhu_vport *vp)
{
	int t, r;

	if (vp->done)
		return -1;
	if (vp->dirty || vp->cfg.busy_poll)
		return 0;
	t = vhu_net_timeout_ms(&vp->net);
	r = retry_in_ms(vp);
	if (r >= 0 && (t < 0 || r < t))
		t = r;
	return t;
}

enum vhu_vport_state vhu_vport_state(const struct vhu_vport *vp)
{
	if (vp->done)
		return VHU_VPORT_DONE;
	if (vhu_dev_connected(&vp->net.dev))
		return VHU_VPORT_CONNECTED;
	return vp->cfg.role == VHU_VPORT_CLIENT ? VHU_VPORT_CONNECTING :
						   VHU_VPORT_LISTENING;
}

bool vhu_vport_failed(const struct vhu_vport *vp)
{
	return vp->failed;
}

const char *vhu_vport_name(const struct vhu_vport *vp)
{
	return vp->port.name;
}

const struct vhu_net_stats *vhu_vport_stats(const struct vhu_vport *vp)
{
	return &vp->net.stats;
}

const char *vhu_vport_broken(const struct vhu_vport *vp)
{
	return vhu_net_broken(&vp->net);
}

void vhu_vport_log_stats(const struct vhu_vport *vp)
{
	const struct vhu_net_stats *s = &vp->net.stats;

	vhu_log(VHU_LOG_INFO,
		"%s: tx %llu pkts %llu bytes (bad %llu, disabled %llu, stalls %llu, naps %llu); "
		"rx %llu pkts %llu bytes (csum %llu, gso drop %llu, bad %llu, too big %llu, "
		"no queue %llu, stalls %llu, naps %llu); announces %llu (dropped %llu); "
		"memory faults %llu",
		vp->port.name,
		(unsigned long long)s->tx_pkts, (unsigned long long)s->tx_bytes,
		(unsigned long long)s->tx_drop_bad, (unsigned long long)s->tx_drop_disabled,
		(unsigned long long)s->tx_stalls, (unsigned long long)s->tx_naps,
		(unsigned long long)s->rx_pkts, (unsigned long long)s->rx_bytes,
		(unsigned long long)s->rx_csum, (unsigned long long)s->rx_drop_gso,
		(unsigned long long)s->rx_drop_bad, (unsigned long long)s->rx_drop_size,
		(unsigned long long)s->rx_drop_noqueue, (unsigned long long)s->rx_stalls,
		(unsigned long long)s->rx_naps,
		(unsigned long long)s->announces, (unsigned long long)s->announce_drops,
		(unsigned long long)s->mem_faults);
}
