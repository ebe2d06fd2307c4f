// SPDX-License-Identifier: BSD-2-Clause
/*
 * vale_vhost.c - vale-vhost: a vhost-user-net back-end that plugs a guest
 * (QEMU, or DPDK's virtio_user) into a VALE switch port.
 *
 * It follows the vhost-user "Backend program conventions": --socket-path
 * or --fd, --print-capabilities, no daemonizing, a prompt exit on SIGTERM.
 * One device, one port, one thread: a single epoll loop serves the
 * vhost-user socket, the guest's kick fds and the netmap fd. The port,
 * its device and its connection are a struct vhu_vport (net/vhu_vport.h),
 * the same unit valed runs many of.
 *
 * Connections come and go while the port stays open: as a server the next
 * front-end is accepted after one leaves (or after we closed on a protocol
 * error), as a client (--client) we reconnect with back-off, so that
 * either side can restart under a running guest.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "vhu_dev.h"
#include "vhu_vport.h"

#define PROG			"vale-vhost"

struct opts {
	const char *socket_path;
	int fd;				/* --fd, -1 if not given */
	bool client;
	const char *port;
	unsigned int queues;
	uint8_t mac[6];
	bool have_mac;
	bool busy_poll;
	unsigned int coalesce_ms;
	bool verbose;
};

struct app {
	struct opts o;
	int ep;
	int sfd;			/* signalfd */
	bool stop;
	struct vhu_evsrc ev_signal;
	struct vhu_vport *vp;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " --port valeX:Y (--socket-path PATH [--client] | --fd N)\n"
		"                  [--queues N] [--mac MAC] [--busy-poll | --coalesce-ms N]\n"
		"                  [--verbose]\n"
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
		"      --coalesce-ms N     a busy guest's rings are looked at every N ms\n"
		"                          (1..%u) instead of at each of its kicks\n"
		"  -v, --verbose           log every vhost-user request\n"
		"      --print-capabilities  print the JSON capabilities and exit\n"
		"  -h, --help              this text\n", VHU_MAX_QUEUE_PAIRS,
		VHU_NET_COALESCE_MAX_MS);
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
	enum { OPT_FD = 256, OPT_CAPS, OPT_COALESCE };
	static const struct option lopts[] = {
		{ "socket-path", required_argument, NULL, 's' },
		{ "client", no_argument, NULL, 'c' },
		{ "fd", required_argument, NULL, OPT_FD },
		{ "port", required_argument, NULL, 'p' },
		{ "queues", required_argument, NULL, 'q' },
		{ "mac", required_argument, NULL, 'm' },
		{ "busy-poll", no_argument, NULL, 'b' },
		{ "coalesce-ms", required_argument, NULL, OPT_COALESCE },
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
				fprintf(stderr, PROG ": --mac %s: not a MAC address "
					"(xx:xx:xx:xx:xx:xx)\n", optarg);
				return -1;
			}
			/* It is announced as a source: it must be one guest's. */
			if (o->mac[0] & 1) {
				fprintf(stderr, PROG ": --mac %s: a multicast address "
					"cannot be a guest's\n", optarg);
				return -1;
			}
			if (!(o->mac[0] | o->mac[1] | o->mac[2] | o->mac[3] |
			      o->mac[4] | o->mac[5])) {
				fprintf(stderr, PROG ": --mac %s: the all-zero address "
					"cannot be a guest's\n", optarg);
				return -1;
			}
			o->have_mac = true;
			break;
		case 'b':
			o->busy_poll = true;
			break;
		case OPT_COALESCE:
			if (parse_uint(optarg, VHU_NET_COALESCE_MAX_MS, &v) < 0 || v == 0) {
				fprintf(stderr, PROG ": --coalesce-ms %s: must be 1..%u\n",
					optarg, VHU_NET_COALESCE_MAX_MS);
				return -1;
			}
			o->coalesce_ms = (unsigned int)v;
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
	/* Busy polling never waits for a kick: nothing to coalesce. */
	if (o->busy_poll && o->coalesce_ms != 0) {
		fprintf(stderr, PROG ": --busy-poll and --coalesce-ms exclude each other\n");
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
	return a->sfd < 0 ? -1 : 0;
}

static void on_signal(struct vhu_evsrc *src, uint32_t events)
{
	struct app *a = (struct app *)((char *)src - offsetof(struct app, ev_signal));
	struct signalfd_siginfo si;

	(void)events;
	while (read(a->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			vhu_vport_log_stats(a->vp);
		} else {
			vhu_log(VHU_LOG_INFO, "signal %u: exiting", si.ssi_signo);
			a->stop = true;
		}
	}
}

/* Returns the exit status once the loop is to end. */
static int run(struct app *a)
{
	struct epoll_event ev[8];

	while (!a->stop) {
		int n = epoll_wait(a->ep, ev, 8, vhu_vport_timeout_ms(a->vp));

		if (n < 0 && errno != EINTR) {
			vhu_log(VHU_LOG_ERR, "epoll_wait: %s", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++)
			vhu_evsrc_dispatch(ev[i].data.ptr, ev[i].events);
		if (a->stop)
			break;
		if (vhu_vport_wants_run(a->vp))
			vhu_vport_run(a->vp);
		/* --fd with a connected socket: its end is ours. */
		if (vhu_vport_state(a->vp) == VHU_VPORT_DONE)
			return vhu_vport_failed(a->vp) ? 1 : 0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vhu_vport_config vc;
	struct epoll_event ev;
	struct vhu_err err;
	struct app a;
	int rc, status = 1;

	/* The conventions: this one wins over every other argument. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--print-capabilities") == 0) {
			print_capabilities();
			return 0;
		}
	}
	memset(&a, 0, sizeof(a));
	rc = parse_args(argc, argv, &a.o);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	vhu_log_set_handler(log_line, NULL, a.o.verbose ? VHU_LOG_DEBUG : VHU_LOG_INFO);
	a.sfd = -1;
	a.ev_signal.fn = on_signal;

	a.ep = epoll_create1(EPOLL_CLOEXEC);
	if (a.ep < 0 || setup_signals(&a) < 0) {
		fprintf(stderr, PROG ": setting up the event loop: %s\n", strerror(errno));
		goto out;
	}
	ev.events = EPOLLIN;
	ev.data.ptr = &a.ev_signal;
	if (epoll_ctl(a.ep, EPOLL_CTL_ADD, a.sfd, &ev) < 0) {
		fprintf(stderr, PROG ": watching signals: %s\n", strerror(errno));
		goto out;
	}

	vhu_vport_config_default(&vc);
	vc.port = a.o.port;
	vc.socket_path = a.o.socket_path;
	vc.fd = a.o.fd;
	vc.role = a.o.socket_path == NULL ? VHU_VPORT_FD :
		  a.o.client ? VHU_VPORT_CLIENT : VHU_VPORT_SERVER;
	vc.queues = a.o.queues;
	vc.have_mac = a.o.have_mac;
	memcpy(vc.mac, a.o.mac, sizeof(vc.mac));
	vc.busy_poll = a.o.busy_poll;
	vc.coalesce_ms = a.o.coalesce_ms;
	a.vp = vhu_vport_open(&vc, a.ep, &err);
	if (a.vp == NULL) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		goto out;
	}

	vhu_log(VHU_LOG_INFO, "%s: %u queue pair(s), %s %s%s%s", vhu_vport_name(a.vp),
		a.o.queues, a.o.client ? "connecting to" : "serving",
		a.o.socket_path != NULL ? a.o.socket_path : "--fd",
		a.o.busy_poll ? ", busy polling" : "",
		a.o.coalesce_ms != 0 ? ", TX coalescing" : "");
	status = run(&a);
	vhu_vport_log_stats(a.vp);
	vhu_vport_close(a.vp);
out:
	if (a.sfd >= 0)
		close(a.sfd);
	if (a.ep >= 0)
		close(a.ep);
	return status;
}
