// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_client.c - "valed status|reload|port": requests to the daemon's
 * control socket (see valed_client.h; protocol in valed_ctl_proto.h).
 *
 * Output is meant for scripts as much as for people: the human status
 * table has a fixed layout (documented in valed.8), errors go to stderr,
 * and the exit status says whether the daemon did what was asked.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "valed_cfg.h"
#include "valed_client.h"
#include "valed_mem.h"

/* A reload applies a whole configuration: give it time. */
#define REPLY_TIMEOUT_MS	(300 * 1000)
#define REPLY_MAX		(64 * 1024 * 1024)

struct client_opts {
	const char *socket;
	const char *config;
	bool json;
};

/* --socket, $VALED_SOCKET, the control_socket of --config, the default. */
static char *socket_path(const struct client_opts *o)
{
	struct valed_cfg_errors errs = { 0 };
	struct valed_cfg *cfg;
	const char *e;
	char *s;

	if (o->socket != NULL)
		return strdup(o->socket);
	e = getenv("VALED_SOCKET");
	if (e != NULL && e[0] != '\0')
		return strdup(e);
	if (o->config != NULL) {
		enum valed_cfg_result r = valed_cfg_load(o->config, &cfg, &errs);

		if (r != VALED_CFG_OK) {
			valed_cfg_errors_print(r, &errs, o->config, stderr);
			valed_cfg_errors_free(&errs);
			return NULL;
		}
		s = strdup(cfg->global.control_socket);
		valed_cfg_free(cfg);
		return s;
	}
	return strdup(VALED_CFG_DEFAULT_CONTROL_SOCKET);
}

static int connect_daemon(const char *path, const char *cmd)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "valed %s: %s: path too long for a Unix socket\n", cmd, path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "valed %s: socket: %s\n", cmd, strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED || errno == ENOTDIR)
			fprintf(stderr, "valed is not running (no control socket at %s)\n", path);
		else if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "valed %s: %s: %s (root and the control group only)\n",
				cmd, path, strerror(errno));
		else
			fprintf(stderr, "valed %s: %s: %s\n", cmd, path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send @req, read one reply line. NULL after a message on stderr. */
static json_t *request(const struct client_opts *o, const char *cmd, json_t *req)
{
	char *path = NULL, *line = NULL, *buf = NULL;
	size_t len = 0, cap = 0;
	json_t *reply = NULL;
	json_error_t je;
	int fd = -1;

	path = socket_path(o);
	if (path == NULL)
		goto out;
	fd = connect_daemon(path, cmd);
	if (fd < 0)
		goto out;
	line = json_dumps(req, JSON_COMPACT);
	if (line == NULL) {
		fprintf(stderr, "valed %s: out of memory\n", cmd);
		goto out;
	}
	if (send_all(fd, line, strlen(line)) < 0 || send_all(fd, "\n", 1) < 0) {
		fprintf(stderr, "valed %s: sending the request: %s\n", cmd, strerror(errno));
		goto out;
	}
	/* One request: the daemon may close once it has answered. */
	shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int r;

		if (memchr(buf == NULL ? "" : buf, '\n', len) != NULL)
			break;
		r = poll(&pfd, 1, REPLY_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "valed %s: no reply from valed within %d s\n", cmd,
				REPLY_TIMEOUT_MS / 1000);
			goto out;
		}
		if (len + 4096 > cap) {
			char *nb;

			cap = cap == 0 ? 16384 : cap * 2;
			if (cap > REPLY_MAX) {
				fprintf(stderr, "valed %s: reply too large\n", cmd);
				goto out;
			}
			nb = realloc(buf, cap);
			if (nb == NULL) {
				fprintf(stderr, "valed %s: out of memory\n", cmd);
				goto out;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "valed %s: reading the reply: %s\n", cmd, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == 0) {
		fprintf(stderr, "valed %s: valed closed the connection without a reply\n", cmd);
		goto out;
	}
	reply = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &je);
	if (reply == NULL || !json_is_object(reply)) {
		fprintf(stderr, "valed %s: malformed reply from valed: %s\n", cmd,
			reply == NULL ? je.text : "not an object");
		json_decref(reply);
		reply = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	valed_mem_free(line);
	free(path);
	return reply;
}

/* Print the reply's error and its "errors" lines; returns 1. */
static int report_failure(const char *cmd, json_t *reply)
{
	const char *msg = json_string_value(json_object_get(reply, "error"));
	json_t *errors = json_object_get(reply, "errors"), *e;
	size_t i;

	fprintf(stderr, "valed %s: %s\n", cmd, msg != NULL ? msg : "failed");
	json_array_foreach(errors, i, e) {
		if (json_is_string(e))
			fprintf(stderr, "%s\n", json_string_value(e));
	}
	return 1;
}

/*
 * Options common to the clients; @json_ok allows --json. Returns the index
 * of the first operand, or -1 after a usage message.
 */
static int parse_opts(int argc, char **argv, const char *cmd, bool json_ok,
		      struct client_opts *o)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:c:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'j':
			if (json_ok) {
				o->json = true;
				break;
			}
			/* fall through */
		default:
			fprintf(stderr, "valed %s: unknown option or missing argument '%s'\n",
				cmd, argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

/* ------------------------------------------------------------------ */
/* status                                                               */

static const char *str(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : dflt;
}

static bool num(json_t *o, const char *key, uint64_t *v)
{
	json_t *n = json_object_get(o, key);

	if (!json_is_integer(n))
		return false;
	*v = (uint64_t)json_integer_value(n);
	return true;
}

static void fmt_num(char *buf, size_t len, bool have, uint64_t v)
{
	if (have)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "-");
}

/* RX/TX packets and drops: the switch's counters, else the back-end's. */
static void port_line(json_t *p, FILE *f)
{
	json_t *c = json_object_get(p, "counters"), *b = json_object_get(p, "backend");
	static const char *const kdrops[] = {
		"drop_no_room", "drop_bad_slot", "drop_hdr_mismatch", NULL
	};
	static const char *const bdrops[] = {
		"tx_drop_bad", "tx_drop_disabled", "rx_drop_gso", "rx_drop_bad",
		"rx_drop_size", "rx_drop_noqueue", NULL
	};
	uint64_t rx = 0, tx = 0, drops = 0, v;
	bool have_rx = false, have_tx = false, have_drops = false;
	char srx[24], stx[24], sdr[24];

	if (json_is_object(c)) {
		have_rx = num(c, "rx_packets", &rx);
		have_tx = num(c, "tx_packets", &tx);
		for (size_t i = 0; kdrops[i] != NULL; i++) {
			if (num(c, kdrops[i], &v)) {
				drops += v;
				have_drops = true;
			}
		}
	} else if (json_is_object(b)) {
		/* The guest's view: what it received is what the port got. */
		have_rx = num(b, "rx_pkts", &rx);
		have_tx = num(b, "tx_pkts", &tx);
	}
	if (json_is_object(b)) {
		for (size_t i = 0; bdrops[i] != NULL; i++) {
			if (num(b, bdrops[i], &v)) {
				drops += v;
				have_drops = true;
			}
		}
	}
	fmt_num(srx, sizeof(srx), have_rx, rx);
	fmt_num(stx, sizeof(stx), have_tx, tx);
	fmt_num(sdr, sizeof(sdr), have_drops, drops);
	fprintf(f, "  %-15s %-10s %-10s %12s %12s %10s\n", str(p, "name", "?"),
		str(p, "type", "?"), str(p, "state", "?"), srx, stx, sdr);
	if (json_object_get(p, "broken") != NULL)
		fprintf(f, "    broken: %s\n", str(p, "broken", ""));
	if (json_object_get(p, "counters_error") != NULL)
		fprintf(f, "    counters: %s\n", str(p, "counters_error", ""));
}

void valed_client_print_status(json_t *reply, FILE *f)
{
	json_t *d = json_object_get(reply, "daemon"), *sws = json_object_get(reply, "switches");
	json_t *last = json_object_get(d, "last_reload"), *sw;
	uint64_t pid = 0, changes = 0;
	size_t i;

	num(d, "pid", &pid);
	fprintf(f, "valed %s, pid %" PRIu64 ", started %s\n", str(d, "version", "?"), pid,
		str(d, "started", "?"));
	fprintf(f, "config %s\n", str(d, "config", "?"));
	if (json_is_object(last))
		fprintf(f, "last reload: %s at %s: %s\n",
			json_is_true(json_object_get(last, "ok")) ? "ok" : "FAILED",
			str(last, "time", "?"), str(last, "message", ""));
	else
		fprintf(f, "last reload: none\n");
	if (num(d, "runtime_changes", &changes) && changes > 0)
		fprintf(f, "runtime port changes since: %" PRIu64 " (undone by the next reload)\n",
			changes);
	if (json_object_get(reply, "kernel_error") != NULL)
		fprintf(f, "kernel: %s\n", str(reply, "kernel_error", ""));
	if (json_array_size(sws) == 0)
		fprintf(f, "no switches\n");
	json_array_foreach(sws, i, sw) {
		json_t *ports = json_object_get(sw, "ports"), *p, *others;
		size_t j;

		fprintf(f, "switch %s: %zu port(s)\n", str(sw, "name", "?"),
			json_array_size(ports));
		if (json_array_size(ports) > 0)
			fprintf(f, "  %-15s %-10s %-10s %12s %12s %10s\n", "PORT", "TYPE",
				"STATE", "RX_PKTS", "TX_PKTS", "DROPS");
		json_array_foreach(ports, j, p) {
			json_t *h = json_object_get(p, "host");

			port_line(p, f);
			if (json_is_object(h)) {
				json_t *hp = json_pack("{s:s, s:s, s:s, s:O}",
						       "name", str(p, "name", "?"),
						       "type", "host", "state", str(h, "state", "?"),
						       "counters", json_object_get(h, "counters"));

				/* The host stack's port, "IF^", on its own line. */
				if (hp != NULL) {
					char hn[40];

					snprintf(hn, sizeof(hn), "%s^", str(p, "name", "?"));
					json_object_set_new(hp, "name", json_string(hn));
					port_line(hp, f);
					json_decref(hp);
				}
			}
		}
		others = json_object_get(sw, "other_ports");
		if (json_array_size(others) > 0) {
			fprintf(f, "  other ports (not valed's):");
			json_array_foreach(others, j, p)
				fprintf(f, " %s", json_string_value(p));
			fprintf(f, "\n");
		}
	}
}

int valed_client_status(int argc, char **argv)
{
	struct client_opts o;
	json_t *req, *reply;
	int rc = 1, i;

	i = parse_opts(argc, argv, "status", true, &o);
	if (i < 0)
		return 2;
	if (i < argc) {
		fprintf(stderr, "valed status: unexpected argument '%s'\n", argv[i]);
		return 2;
	}
	valed_mem_use_for_jansson();
	req = json_pack("{s:s}", "cmd", "status");
	reply = req == NULL ? NULL : request(&o, "status", req);
	json_decref(req);
	if (reply == NULL)
		return 1;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		rc = report_failure("status", reply);
	} else {
		if (o.json) {
			json_dumpf(reply, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
		} else {
			valed_client_print_status(reply, stdout);
		}
		rc = 0;
	}
	json_decref(reply);
	return rc;
}

/* Print the outcome of a reload or port change; its exit status. */
static int outcome(const char *cmd, json_t *reply)
{
	int rc;

	if (reply == NULL)
		return 1;
	if (json_is_true(json_object_get(reply, "ok"))) {
		printf("%s\n", str(reply, "message", "done"));
		rc = 0;
	} else {
		rc = report_failure(cmd, reply);
	}
	json_decref(reply);
	return rc;
}

int valed_client_reload(int argc, char **argv)
{
	struct client_opts o;
	json_t *req, *reply;
	int i;

	i = parse_opts(argc, argv, "reload", false, &o);
	if (i < 0)
		return 2;
	if (i < argc) {
		fprintf(stderr, "valed reload: unexpected argument '%s'\n", argv[i]);
		return 2;
	}
	valed_mem_use_for_jansson();
	req = json_pack("{s:s}", "cmd", "reload");
	reply = req == NULL ? NULL : request(&o, "reload", req);
	json_decref(req);
	return outcome("reload", reply);
}

int valed_client_port(int argc, char **argv)
{
	struct client_opts o;
	json_t *req = NULL, *port;
	json_error_t je;
	const char *verb;
	int i;

	i = parse_opts(argc, argv, "port", false, &o);
	if (i < 0)
		return 2;
	if (argc - i != 3 || (strcmp(argv[i], "add") != 0 && strcmp(argv[i], "del") != 0)) {
		fprintf(stderr, "Usage: valed port add SWITCH PORT-JSON\n"
				"       valed port del SWITCH NAME\n");
		return 2;
	}
	valed_mem_use_for_jansson();
	verb = argv[i];
	if (verb[0] == 'a') {
		port = json_loads(argv[i + 2], JSON_REJECT_DUPLICATES, &je);
		if (port == NULL || !json_is_object(port)) {
			fprintf(stderr, "valed port add: PORT-JSON must be a JSON object "
					"(a port as in valed.json)%s%s\n",
				port == NULL ? ": " : "", port == NULL ? je.text : "");
			json_decref(port);
			return 2;
		}
		req = json_pack("{s:s, s:s, s:o}", "cmd", "port-add", "switch", argv[i + 1],
				"port", port);
	} else {
		req = json_pack("{s:s, s:s, s:s}", "cmd", "port-del", "switch", argv[i + 1],
				"name", argv[i + 2]);
	}
	if (req == NULL) {
		fprintf(stderr, "valed port: out of memory\n");
		return 1;
	}
	i = outcome(verb[0] == 'a' ? "port add" : "port del", request(&o, "port", req));
	json_decref(req);
	return i;
}
