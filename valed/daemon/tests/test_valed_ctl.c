// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_valed_ctl.c - the control protocol: every kind of malformed,
 * truncated or oversized request gets an error reply; and the server over
 * a real Unix socket: pipelined requests, a bad line that leaves the
 * connection usable, an oversized one that closes it, a request ended by
 * EOF, a silent client that blocks nobody, the socket file's life.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cmocka.h>

#include "valed_ctl.h"
#include "valed_ctl_proto.h"
#include "valed_log.h"

/* ------------------------------------------------------------------ */
/* The parser.                                                          */

static void parse_fails(const char *line, size_t len, const char *want)
{
	struct valed_ctl_req req;
	char msg[512];

	if (valed_ctl_parse(line, len, &req, msg, sizeof(msg)) == 0) {
		valed_ctl_req_free(&req);
		fail_msg("accepted: %.*s", (int)len, line);
	}
	if (strstr(msg, want) == NULL)
		fail_msg("for %.*s: got \"%s\", expected it to contain \"%s\"", (int)len,
			 line, msg, want);
	assert_null(req.root);
}

#define FAILS(s, want)	parse_fails((s), strlen(s), (want))

static void test_parse_good(void **state)
{
	struct valed_ctl_req req;
	char msg[256];

	(void)state;
	assert_int_equal(valed_ctl_parse("{\"cmd\":\"status\"}", 16, &req, msg, sizeof(msg)), 0);
	assert_int_equal(req.cmd, VALED_CTL_STATUS);
	valed_ctl_req_free(&req);

#define S " {\"cmd\" : \"reload\"} "
	assert_int_equal(valed_ctl_parse(S, strlen(S), &req, msg, sizeof(msg)), 0);
#undef S
	assert_int_equal(req.cmd, VALED_CTL_RELOAD);
	valed_ctl_req_free(&req);

#define S "{\"cmd\":\"port-add\",\"switch\":\"vale0\",\"port\":{\"type\":\"persistent\",\"name\":\"v\"}}"
	assert_int_equal(valed_ctl_parse(S, strlen(S), &req, msg, sizeof(msg)), 0);
#undef S
	assert_int_equal(req.cmd, VALED_CTL_PORT_ADD);
	assert_string_equal(req.sw, "vale0");
	assert_true(json_is_object(req.port));
	valed_ctl_req_free(&req);

#define S "{\"name\":\"vm3\",\"cmd\":\"port-del\",\"switch\":\"vale_1\"}"
	assert_int_equal(valed_ctl_parse(S, strlen(S), &req, msg, sizeof(msg)), 0);
#undef S
	assert_int_equal(req.cmd, VALED_CTL_PORT_DEL);
	assert_string_equal(req.sw, "vale_1");
	assert_string_equal(req.name, "vm3");
	valed_ctl_req_free(&req);
}

static void test_parse_malformed(void **state)
{
	(void)state;
	FAILS("", "not valid JSON");
	FAILS("hello", "not valid JSON");
	FAILS("{\"cmd\":\"stat", "not valid JSON");		/* truncated */
	FAILS("{\"cmd\":\"status\"", "not valid JSON");	/* truncated */
	FAILS("{\"cmd\":\"status\"} {}", "not valid JSON");	/* two values */
	FAILS("[\"status\"]", "must be a JSON object");
	FAILS("\"status\"", "must be a JSON object");
	FAILS("null", "must be a JSON object");
	FAILS("{}", "no \"cmd\"");
	FAILS("{\"cmd\":7}", "\"cmd\" must be a string");
	FAILS("{\"cmd\":null}", "\"cmd\" must be a string");
	FAILS("{\"cmd\":\"STATUS\"}", "unknown command \"STATUS\"");
	FAILS("{\"cmd\":\"shutdown\"}", "unknown command");
	FAILS("{\"cmd\":\"status\",\"cmd\":\"reload\"}", "not valid JSON");	/* duplicate */
	FAILS("{\"cmd\":\"status\\u0000x\"}", "not valid JSON");		/* NUL */
	FAILS("{\"cmd\":\"status\",\"verbose\":true}", "unknown member \"verbose\"");
	FAILS("{\"cmd\":\"port-add\"}", "needs \"switch\"");
	FAILS("{\"cmd\":\"port-add\",\"switch\":3,\"port\":{}}", "needs \"switch\"");
	FAILS("{\"cmd\":\"port-add\",\"switch\":\"sw0\",\"port\":{}}", "not a switch name");
	FAILS("{\"cmd\":\"port-add\",\"switch\":\"vale0:x\",\"port\":{}}", "not a switch name");
	FAILS("{\"cmd\":\"port-add\",\"switch\":\"vale0\"}", "needs \"port\"");
	FAILS("{\"cmd\":\"port-add\",\"switch\":\"vale0\",\"port\":\"vm1\"}", "needs \"port\"");
	FAILS("{\"cmd\":\"port-add\",\"switch\":\"vale0\",\"port\":{},\"name\":\"x\"}",
	      "unknown member \"name\"");
	FAILS("{\"cmd\":\"port-del\",\"switch\":\"vale0\"}", "needs \"name\"");
	FAILS("{\"cmd\":\"port-del\",\"switch\":\"vale0\",\"name\":\"\"}", "needs \"name\"");
	FAILS("{\"cmd\":\"port-del\",\"switch\":\"vale0\",\"name\":[]}", "needs \"name\"");
	FAILS("{\"cmd\":\"port-del\",\"switch\":\"vale0\",\"name\":\"a_very_long_port_name\"}",
	      "not a port name");
	/* A raw NUL byte inside the line. */
	parse_fails("{\"cmd\":\"status\"}\0garbage", 24, "not valid JSON");
	/* Bytes that are not UTF-8. */
	FAILS("{\"cmd\":\"\xff\xfe\"}", "not valid JSON");
}

static void test_parse_oversized(void **state)
{
	size_t n = VALED_CTL_REQUEST_MAX + 1;
	char *big = malloc(n + 1);

	(void)state;
	assert_non_null(big);
	/* A valid object padded with blanks to one byte over the limit. */
	memset(big, ' ', n);
	memcpy(big, "{\"cmd\":\"status\"}", 16);
	parse_fails(big, n, "request too long");
	/* Exactly the limit is fine. */
	{
		struct valed_ctl_req req;
		char msg[256];

		assert_int_equal(valed_ctl_parse(big, n - 1, &req, msg, sizeof(msg)), 0);
		valed_ctl_req_free(&req);
	}
	free(big);
}

static void test_reply_line(void **state)
{
	json_t *r = valed_ctl_error("two\nlines \"quoted\"");
	size_t len = 0;
	char *line;

	(void)state;
	assert_non_null(r);
	line = valed_ctl_reply_line(r, &len);
	json_decref(r);
	assert_non_null(line);
	assert_int_equal(len, strlen(line));
	/* One line: the newline of the message is escaped. */
	assert_ptr_equal(strchr(line, '\n'), line + len - 1);
	assert_string_equal(line,
			    "{\"ok\":false,\"error\":\"two\\nlines \\\"quoted\\\"\"}\n");
	free(line);
}

/* ------------------------------------------------------------------ */
/* The server over a real socket.                                       */

struct srv {
	char dir[64];
	char path[128];
	int epfd;
	struct valed_ctl ctl;
	unsigned int handled;
};

/* Echo the command: {"ok":true,"cmd":NAME}. */
static json_t *echo(void *ctx, const struct valed_ctl_req *req)
{
	struct srv *s = ctx;

	s->handled++;
	return json_pack("{s:b, s:s}", "ok", 1, "cmd", valed_ctl_cmd_name(req->cmd));
}

static int srv_setup(void **state)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct vhu_err err;

	if (s == NULL)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/test_valed_ctl.XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	/* A directory that does not exist yet: the server makes it. */
	snprintf(s->path, sizeof(s->path), "%s/run/ctl.sock", s->dir);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (valed_ctl_open(&s->ctl, s->path, (gid_t)-1, s->epfd, echo, s, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = s;
	return 0;
}

static int srv_teardown(void **state)
{
	struct srv *s = *state;
	char cmd[128];

	valed_ctl_close(&s->ctl);
	close(s->epfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		return -1;
	free(s);
	return 0;
}

/* One turn of the daemon's loop, without waiting. */
static void pump(struct srv *s)
{
	struct epoll_event ev[16];
	int n = epoll_wait(s->epfd, ev, 16, 10);

	for (int i = 0; i < n; i++)
		vhu_evsrc_dispatch(ev[i].data.ptr, ev[i].events);
	valed_ctl_after_batch(&s->ctl);
}

static int client(struct srv *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	strcpy(sa.sun_path, s->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_str(struct srv *s, int fd, const char *str, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, str, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			pump(s);
			continue;
		}
		assert_true(n > 0);
		str += n;
		len -= (size_t)n;
	}
}

/*
 * Read @nlines reply lines, pumping the server meanwhile; returns them
 * (malloc'd). *@eof tells whether the server closed afterwards.
 */
static char *read_lines(struct srv *s, int fd, int nlines, bool *eof)
{
	static char buf[1 << 20];
	size_t len = 0;
	int lines = 0, idle = 0;

	*eof = false;
	while (idle < 200) {
		ssize_t n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);

		if (n > 0) {
			for (ssize_t i = 0; i < n; i++)
				lines += buf[len + (size_t)i] == '\n';
			len += (size_t)n;
			idle = 0;
			continue;
		}
		if (n == 0) {
			*eof = true;
			break;
		}
		assert_int_equal(errno, EAGAIN);
		/* Enough lines: look for an EOF a little longer only. */
		if (lines >= nlines && idle > 5)
			break;
		pump(s);
		idle++;
	}
	buf[len] = '\0';
	assert_int_equal(lines, nlines);
	return strdup(buf);
}

static void test_server_pipelined(void **state)
{
	struct srv *s = *state;
	const char req[] = "{\"cmd\":\"status\"}\n{\"cmd\":\"version\"}\r\n\n"
			   "{\"cmd\":\"reload\"}\n";
	int fd = client(s);
	bool eof;
	char *r;

	send_str(s, fd, req, sizeof(req) - 1);
	r = read_lines(s, fd, 3, &eof);
	assert_string_equal(r, "{\"ok\":true,\"cmd\":\"status\"}\n"
			       "{\"ok\":true,\"cmd\":\"version\"}\n"
			       "{\"ok\":true,\"cmd\":\"reload\"}\n");
	assert_false(eof);
	free(r);
	close(fd);
	assert_int_equal(s->handled, 3);
}

/* A bad line gets an error; the connection serves the next one. */
static void test_server_bad_then_good(void **state)
{
	struct srv *s = *state;
	const char req[] = "{\"cmd\":\n[1,2\n{\"cmd\":\"status\"}\n";
	int fd = client(s);
	bool eof;
	char *r;

	send_str(s, fd, req, sizeof(req) - 1);
	r = read_lines(s, fd, 3, &eof);
	assert_non_null(strstr(r, "{\"ok\":false,\"error\":\"request is not valid JSON"));
	assert_non_null(strstr(r, "\n{\"ok\":true,\"cmd\":\"status\"}\n"));
	assert_false(eof);
	free(r);
	close(fd);
	assert_int_equal(s->handled, 1);
}

/* Too long: one error, then the server hangs up; the daemon lives on. */
static void test_server_oversized(void **state)
{
	struct srv *s = *state;
	size_t n = VALED_CTL_REQUEST_MAX * 2;
	char *big = malloc(n);
	int fd = client(s), fd2;
	bool eof;
	char *r;

	assert_non_null(big);
	memset(big, 'x', n);
	send_str(s, fd, big, n);
	r = read_lines(s, fd, 1, &eof);
	assert_non_null(strstr(r, "request too long"));
	assert_true(eof);
	free(r);
	free(big);
	close(fd);

	fd2 = client(s);
	send_str(s, fd2, "{\"cmd\":\"version\"}\n", 18);
	r = read_lines(s, fd2, 1, &eof);
	assert_string_equal(r, "{\"ok\":true,\"cmd\":\"version\"}\n");
	free(r);
	close(fd2);
	assert_int_equal(s->handled, 1);
}

/* Input ends without a newline: the rest is the request. */
static void test_server_eof(void **state)
{
	struct srv *s = *state;
	int fd = client(s);
	bool eof;
	char *r;

	send_str(s, fd, "{\"cmd\":\"status\"}", 16);
	shutdown(fd, SHUT_WR);
	r = read_lines(s, fd, 1, &eof);
	assert_string_equal(r, "{\"ok\":true,\"cmd\":\"status\"}\n");
	assert_true(eof);
	free(r);
	close(fd);

	/* Truncated: an error, then the end. */
	fd = client(s);
	send_str(s, fd, "{\"cmd\":\"sta", 11);
	shutdown(fd, SHUT_WR);
	r = read_lines(s, fd, 1, &eof);
	assert_non_null(strstr(r, "not valid JSON"));
	assert_true(eof);
	free(r);
	close(fd);

	/* Nothing at all: no reply, just the end. */
	fd = client(s);
	shutdown(fd, SHUT_WR);
	r = read_lines(s, fd, 0, &eof);
	assert_true(eof);
	free(r);
	close(fd);
	assert_int_equal(s->handled, 1);
}

/* A client that sends half a line and waits blocks no one else. */
static void test_server_slow_client(void **state)
{
	struct srv *s = *state;
	int slow = client(s), fd = client(s);
	bool eof;
	char *r;

	send_str(s, slow, "{\"cmd\":", 7);
	pump(s);
	send_str(s, fd, "{\"cmd\":\"status\"}\n", 17);
	r = read_lines(s, fd, 1, &eof);
	assert_string_equal(r, "{\"ok\":true,\"cmd\":\"status\"}\n");
	free(r);
	/* ... and finishes later. */
	send_str(s, slow, "\"version\"}\n", 11);
	r = read_lines(s, slow, 1, &eof);
	assert_string_equal(r, "{\"ok\":true,\"cmd\":\"version\"}\n");
	free(r);
	close(slow);
	close(fd);
}

/* A client that never reads: replies pile up to a limit, then it is dropped. */
static void test_server_non_reader(void **state)
{
	struct srv *s = *state;
	int fd = client(s), fd2, i;
	static char req[3000 * 19];
	bool eof;
	char *r;

	/* The same limit, smaller, so that the test is quick. */
	s->ctl.out_max = 256 * 1024;
	for (i = 0; i < 3000; i++)
		memcpy(req + 19 * i, "{\"cmd\":\"status\"}\n  ", 19);
	/* Keep sending, never read, until the server gives up on us. */
	for (i = 0; i < 20000; i++) {
		ssize_t n = send(fd, req, sizeof(req), MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN)
			break;
		pump(s);
	}
	assert_true(i < 20000);
	close(fd);
	pump(s);
	fd2 = client(s);
	send_str(s, fd2, "{\"cmd\":\"version\"}\n", 18);
	r = read_lines(s, fd2, 1, &eof);
	assert_string_equal(r, "{\"ok\":true,\"cmd\":\"version\"}\n");
	free(r);
	close(fd2);
}

static void test_socket_file(void **state)
{
	struct srv *s = *state;
	struct valed_ctl other;
	struct vhu_err err;
	struct stat st;
	char path[160];
	int fd, efd;

	/* 0660, and alive. */
	assert_int_equal(stat(s->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(valed_ctl_alive(s->path), 1);

	/* A second daemon on the same path is refused. */
	efd = epoll_create1(0);
	assert_int_equal(valed_ctl_open(&other, s->path, (gid_t)-1, efd, echo, s, &err), -1);
	assert_non_null(strstr(err.msg, "already running"));
	/* ... and did not remove the first one's socket. */
	assert_int_equal(valed_ctl_alive(s->path), 1);

	/* A stale socket (a daemon killed with -9) is replaced. */
	snprintf(path, sizeof(path), "%s/stale.sock", s->dir);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		strcpy(sa.sun_path, path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
	}
	assert_int_equal(valed_ctl_alive(path), 0);
	assert_int_equal(valed_ctl_open(&other, path, getgid(), efd, echo, s, &err), 0);
	assert_int_equal(valed_ctl_alive(path), 1);
	valed_ctl_close(&other);
	assert_int_not_equal(access(path, F_OK), 0);

	/* Not a socket: refused, left alone. */
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(valed_ctl_open(&other, path, (gid_t)-1, efd, echo, s, &err), -1);
	assert_non_null(strstr(err.msg, "not a socket"));
	assert_int_equal(access(path, F_OK), 0);
	close(efd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_oversized),
		cmocka_unit_test(test_reply_line),
		cmocka_unit_test_setup_teardown(test_server_pipelined, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(test_server_bad_then_good, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(test_server_oversized, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(test_server_eof, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(test_server_slow_client, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(test_server_non_reader, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(test_socket_file, srv_setup, srv_teardown),
	};

	/* The server's warnings are expected here. */
	valed_log_set_level(VALED_CFG_LOG_ERROR - 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
