// SPDX-License-Identifier: BSD-2-Clause
/*
 * vale_vhost.c - vale-vhost: a vhost-user-net back-end that plugs a guest
 * (QEMU, or DPDK's virtio_user) into a VALE switch port.
 *
 * It follows the vhost-user "Backend program conventions": --socket-path
 * or --fd, --print-capabilities, no daemonizing, a prompt exit on SIGTERM.
 * One device, one port, one thread: a single epoll loop serves the
 * vhost-user socket, the guest's kick fds and the netmap fd.
 *
 * Connections come and go while the port stays open: as a server the next
 * front-end is accepted after one leaves (or after we closed on a protocol
 * error), as a client (--client) we reconnect with back-off, so that
 * either side can restart under a running guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "vhu_dev.h"
#include "vhu_net.h"
#include "vhu_port.h"
#include "vhu_sock.h"

#define PROG			"vale-vhost"
#define RECONNECT_MIN_MS	100
#define RECONNECT_MAX_MS	5000

/* epoll tokens of the main loop. */
enum { EV_SIGNAL = 1, EV_LISTEN, EV_CONN, EV_NET };

struct opts {
	const char *socket_path;
	int fd;				/* --fd, -1 if not given */
	bool client;
	const char *port;
	unsigned int queues;
	uint8_t mac[6];
	bool have_mac;
	bool busy_poll;
	bool verbose;
};

/* What we are to the front-end, and what follows when a connection ends. */
enum role { ROLE_SERVER, ROLE_CLIENT, ROLE_FD_CONNECTED };

struct app {
	struct opts o;
	enum role role;
	int ep;
	int sfd;			/* signalfd */
	int listen_fd;			/* ROLE_SERVER, or -1 */
	bool unlink_path;		/* we created the socket file */
	bool conn_watched;		/* the device's socket is in ep */
	struct vhu_sock_client client;
	struct timespec retry_at;	/* ROLE_CLIENT while unconnected */
	bool retry_armed;
	struct vhu_port port;
	struct vhu_net net;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " --port valeX:Y (--socket-path PATH [--client] | --fd N)\n"
		"                  [--queues N] [--mac MAC] [--busy-poll] [--verbose]\n"
		"       " PROG " --print-capabilities\n"
		"\n"
		"Serve one vhost-user-net device on VALE port valeX:Y.\n"
		"\n"
		"  -s, --socket-path PATH  listen on PATH (QEMU connects), or with\n"
		"                          --client connect to PATH and reconnect\n"
		"  -c, --client            be the connecting side (front-end in server mode)\n"
		"      --fd N              use socket N: listening, or already connected\n"
		"  -p, --port SPEC         the netmap port, e.g. vale0:vm1 (required)\n"
		"  -q, --queues N          queue pairs, 1..%u (default 1)\n"
		"  -m, --mac MAC           announce MAC (RARP) on the switch at every connect\n"
		"  -b, --busy-poll         spin instead of sleeping between events\n"
		"  -v, --verbose           log every vhost-user request\n"
		"      --print-capabilities  print the JSON capabilities and exit\n"
		"  -h, --help              this text\n", VHU_MAX_QUEUE_PAIRS);
}

/* The capabilities of the vhost-user.json schema: a net back-end has none beyond its type. */
static void print_capabilities(void)
{
	printf("{\n  \"type\": \"net\"\n}\n");
}

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v > max || s[0] == '-')
		return -1;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

/* 0 to run, 1 to exit successfully (help), -1 on a usage error. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { OPT_FD = 256, OPT_CAPS };
	static const struct option lopts[] = {
		{ "socket-path", required_argument, NULL, 's' },
		{ "client", no_argument, NULL, 'c' },
		{ "fd", required_argument, NULL, OPT_FD },
		{ "port", required_argument, NULL, 'p' },
		{ "queues", required_argument, NULL, 'q' },
		{ "mac", required_argument, NULL, 'm' },
		{ "busy-poll", no_argument, NULL, 'b' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "print-capabilities", no_argument, NULL, OPT_CAPS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->queues = 1;
	while ((c = getopt_long(argc, argv, "s:cp:q:m:bvh", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket_path = optarg;
			break;
		case 'c':
			o->client = true;
			break;
		case OPT_FD:
			if (parse_uint(optarg, INT32_MAX, &v) < 0) {
				fprintf(stderr, PROG ": --fd %s: not a file descriptor\n", optarg);
				return -1;
			}
			o->fd = (int)v;
			break;
		case 'p':
			o->port = optarg;
			break;
		case 'q':
			if (parse_uint(optarg, VHU_MAX_QUEUE_PAIRS, &v) < 0 || v == 0) {
				fprintf(stderr, PROG ": --queues %s: must be 1..%u\n", optarg,
					VHU_MAX_QUEUE_PAIRS);
				return -1;
			}
			o->queues = (unsigned int)v;
			break;
		case 'm':
			if (parse_mac(optarg, o->mac) < 0) {
				fprintf(stderr, PROG ": --mac %s: not a MAC address\n", optarg);
				return -1;
			}
			o->have_mac = true;
			break;
		case 'b':
			o->busy_poll = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_CAPS:
			/* Handled before parsing: it overrides everything. */
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->port == NULL) {
		fprintf(stderr, PROG ": --port is required\n");
		return -1;
	}
	if ((o->socket_path != NULL) == (o->fd >= 0)) {
		fprintf(stderr, PROG ": give exactly one of --socket-path and --fd\n");
		return -1;
	}
	if (o->client && o->socket_path == NULL) {
		fprintf(stderr, PROG ": --client needs --socket-path\n");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Log lines: one per message, with the port's name, to stderr.        */

static void log_line(enum vhu_log_level level, const char *msg, void *ctx)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	(void)ctx;
	fprintf(stderr, PROG ": %s: %s\n", names[level], msg);
}

static void log_stats(const struct vhu_net *net)
{
	const struct vhu_net_stats *s = &net->stats;

	vhu_log(VHU_LOG_INFO,
		"%s: tx %llu pkts %llu bytes (bad %llu, disabled %llu, stalls %llu); "
		"rx %llu pkts %llu bytes (csum %llu, gso drop %llu, bad %llu, too big %llu, "
		"no queue %llu, stalls %llu); announces %llu (dropped %llu)",
		net->dev.name,
		(unsigned long long)s->tx_pkts, (unsigned long long)s->tx_bytes,
		(unsigned long long)s->tx_drop_bad, (unsigned long long)s->tx_drop_disabled,
		(unsigned long long)s->tx_stalls,
		(unsigned long long)s->rx_pkts, (unsigned long long)s->rx_bytes,
		(unsigned long long)s->rx_csum, (unsigned long long)s->rx_drop_gso,
		(unsigned long long)s->rx_drop_bad, (unsigned long long)s->rx_drop_size,
		(unsigned long long)s->rx_drop_noqueue, (unsigned long long)s->rx_stalls,
		(unsigned long long)s->announces, (unsigned long long)s->announce_drops);
}

/* ------------------------------------------------------------------ */
/* Connections.                                                         */

static int fcntl_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int ep_add(int ep, int fd, uint32_t token)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = token };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* A front-end is attached: watch its socket, and announce --mac. */
static void connected(struct app *a)
{
	if (ep_add(a->ep, vhu_dev_fd(&a->net.dev), EV_CONN) < 0) {
		vhu_log(VHU_LOG_ERR, "watching the connection: %s", strerror(errno));
		vhu_dev_disconnect(&a->net.dev);
		return;
	}
	a->conn_watched = true;
	if (a->o.have_mac)
		vhu_net_announce(&a->net, a->o.mac);
}

static void arm_retry(struct app *a, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, &a->retry_at);
	a->retry_at.tv_sec += ms / 1000;
	a->retry_at.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (a->retry_at.tv_nsec >= 1000000000L) {
		a->retry_at.tv_sec++;
		a->retry_at.tv_nsec -= 1000000000L;
	}
	a->retry_armed = true;
}

/* Milliseconds until the reconnect is due (0 if it is), -1 if none is. */
static int retry_in_ms(const struct app *a)
{
	struct timespec now;
	long long ms;

	if (!a->retry_armed)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(a->retry_at.tv_sec - now.tv_sec) * 1000 +
	     (a->retry_at.tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : (int)(ms > 60000 ? 60000 : ms);
}

static void try_connect(struct app *a)
{
	struct vhu_err err;
	unsigned int wait_ms = 0;
	int fd;

	a->retry_armed = false;
	fd = vhu_sock_client_try(&a->client, &wait_ms, &err);
	if (fd < 0) {
		/* The first failure is news; the retries that follow are not. */
		vhu_log(a->client.failures == 1 ? VHU_LOG_WARN : VHU_LOG_DEBUG,
			"%s; retrying in %u ms", err.msg, wait_ms);
		arm_retry(a, wait_ms);
		return;
	}
	if (vhu_dev_attach(&a->net.dev, fd, &err) < 0) {
		vhu_log(VHU_LOG_ERR, "%s", err.msg);
		close(fd);
		arm_retry(a, RECONNECT_MIN_MS);
		return;
	}
	connected(a);
}

/* The device dropped its front-end; returns true if we are to exit. */
static bool connection_ended(struct app *a, enum vhu_dev_status st)
{
	/* The library closed the socket, which took it out of our epoll set. */
	a->conn_watched = false;
	if (st == VHU_DEV_PROTO_ERROR)
		vhu_log(VHU_LOG_WARN, "front-end dropped: %s",
			vhu_dev_last_error(&a->net.dev));
	log_stats(&a->net);
	switch (a->role) {
	case ROLE_SERVER:
		vhu_log(VHU_LOG_INFO, "waiting for the next front-end");
		return false;
	case ROLE_CLIENT:
		vhu_sock_client_reset(&a->client);
		/* Straight away: the server may already be back. */
		arm_retry(a, 0);
		return false;
	case ROLE_FD_CONNECTED:
	default:
		return true;
	}
}

/* Set up the role from --socket-path / --client / --fd. */
static int setup_role(struct app *a)
{
	struct vhu_err err;
	int listening = 0;
	socklen_t len = sizeof(listening);

	a->listen_fd = -1;
	if (a->o.socket_path != NULL && a->o.client) {
		a->role = ROLE_CLIENT;
		if (vhu_sock_client_init(&a->client, a->o.socket_path, RECONNECT_MIN_MS,
					 RECONNECT_MAX_MS, &err) < 0) {
			fprintf(stderr, PROG ": %s\n", err.msg);
			return -1;
		}
		arm_retry(a, 0);
		return 0;
	}
	if (a->o.socket_path != NULL) {
		a->role = ROLE_SERVER;
		a->listen_fd = vhu_sock_listen(a->o.socket_path, &err);
		if (a->listen_fd < 0) {
			fprintf(stderr, PROG ": %s\n", err.msg);
			return -1;
		}
		a->unlink_path = true;
		goto watch_listener;
	}

	/* --fd: a listening socket serves like --socket-path, else it is the connection. */
	if (getsockopt(a->o.fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0) {
		fprintf(stderr, PROG ": --fd %d: not a socket: %s\n", a->o.fd,
			strerror(errno));
		return -1;
	}
	if (listening) {
		a->role = ROLE_SERVER;
		a->listen_fd = a->o.fd;
		goto watch_listener;
	}
	a->role = ROLE_FD_CONNECTED;
	if (vhu_dev_attach(&a->net.dev, a->o.fd, &err) < 0) {
		fprintf(stderr, PROG ": --fd %d: %s\n", a->o.fd, err.msg);
		return -1;
	}
	connected(a);
	return a->conn_watched ? 0 : -1;

watch_listener:
	/* accept() must never block the loop: the library's accept expects this. */
	if (fcntl_nonblock(a->listen_fd) < 0 || ep_add(a->ep, a->listen_fd, EV_LISTEN) < 0) {
		fprintf(stderr, PROG ": watching the listening socket: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The loop.                                                            */

/* SIGTERM/SIGINT end the loop, SIGUSR1 logs the counters; all via a signalfd. */
static int setup_signals(struct app *a)
{
	sigset_t set;

	/* A vanished peer is an error return, never a death. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	a->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->sfd < 0)
		return -1;
	return ep_add(a->ep, a->sfd, EV_SIGNAL);
}

/* Returns true when a terminating signal arrived. */
static bool on_signal(struct app *a)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(a->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			log_stats(&a->net);
		} else {
			vhu_log(VHU_LOG_INFO, "signal %u: exiting", si.ssi_signo);
			stop = true;
		}
	}
	return stop;
}

static int loop_timeout(const struct app *a)
{
	int t = a->o.busy_poll ? 0 : vhu_net_timeout_ms(&a->net);
	int r = retry_in_ms(a);

	if (r >= 0 && (t < 0 || r < t))
		t = r;
	return t;
}

/* Returns the exit status once the loop is to end. */
static int run(struct app *a)
{
	struct epoll_event ev[8];

	for (;;) {
		int n = epoll_wait(a->ep, ev, 8, loop_timeout(a));

		if (n < 0 && errno != EINTR) {
			vhu_log(VHU_LOG_ERR, "epoll_wait: %s", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			enum vhu_dev_status st;

			switch (ev[i].data.u64) {
			case EV_SIGNAL:
				if (on_signal(a))
					return 0;
				break;
			case EV_LISTEN:
				if (vhu_dev_accept(&a->net.dev, a->listen_fd) == 1)
					connected(a);
				break;
			case EV_CONN:
				if (!a->conn_watched)
					break;
				st = vhu_dev_handle_readable(&a->net.dev);
				if ((st == VHU_DEV_CLOSED || st == VHU_DEV_PROTO_ERROR) &&
				    connection_ended(a, st))
					return st == VHU_DEV_CLOSED ? 0 : 1;
				break;
			default:
				/* EV_NET: handled below, every time round. */
				break;
			}
		}
		if (a->role == ROLE_CLIENT && !vhu_dev_connected(&a->net.dev) &&
		    retry_in_ms(a) == 0)
			try_connect(a);
		/*
		 * Also after control messages, which may have started rings
		 * with work waiting; costs one epoll_wait(0) when idle.
		 */
		if (a->o.busy_poll)
			vhu_net_poll_all(&a->net);
		else
			vhu_net_poll(&a->net);
	}
}

int main(int argc, char **argv)
{
	struct vhu_net_config ncfg;
	struct vhu_err err;
	struct app *a;
	int rc, status = 1;

	/* The conventions: this one wins over every other argument. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--print-capabilities") == 0) {
			print_capabilities();
			return 0;
		}
	}
	/* struct vhu_net is large (rings, device state): not for the stack. */
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	rc = parse_args(argc, argv, &a->o);
	if (rc != 0) {
		free(a);
		return rc > 0 ? 0 : 2;
	}
	vhu_log_set_handler(log_line, NULL, a->o.verbose ? VHU_LOG_DEBUG : VHU_LOG_INFO);
	a->ep = a->sfd = a->listen_fd = -1;

	if (vhu_port_netmap_open(&a->port, a->o.port, a->o.queues, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		goto out_free;
	}
	memset(&ncfg, 0, sizeof(ncfg));
	ncfg.name = a->port.name;
	ncfg.queue_pairs = a->o.queues;
	if (vhu_net_init(&a->net, &ncfg, &a->port, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		goto out_port;
	}
	a->ep = epoll_create1(EPOLL_CLOEXEC);
	if (a->ep < 0 || ep_add(a->ep, vhu_net_fd(&a->net), EV_NET) < 0 ||
	    setup_signals(a) < 0) {
		fprintf(stderr, PROG ": setting up the event loop: %s\n", strerror(errno));
		goto out_net;
	}
	if (setup_role(a) < 0)
		goto out_net;

	vhu_log(VHU_LOG_INFO, "%s: %u queue pair(s), %s %s%s", a->port.name,
		a->o.queues, a->role == ROLE_CLIENT ? "connecting to" : "serving",
		a->o.socket_path != NULL ? a->o.socket_path : "--fd",
		a->o.busy_poll ? ", busy polling" : "");
	status = run(a);
	log_stats(&a->net);

out_net:
	vhu_net_fini(&a->net);
	if (a->listen_fd >= 0)
		close(a->listen_fd);
	if (a->unlink_path)
		unlink(a->o.socket_path);
	if (a->sfd >= 0)
		close(a->sfd);
	if (a->ep >= 0)
		close(a->ep);
out_port:
	vhu_port_close(&a->port);
out_free:
	free(a);
	return status;
}
