/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_test.h - what the vhost-user tests share: a socketpair standing in
 * for the front-end's connection, raw senders that can build messages no
 * correct front-end would, memfd-backed "guest memory", a log catcher, and
 * a pipe trick that proves an fd handed to the library was closed.
 *
 * Include after <cmocka.h>.
 */
#ifndef VHU_TEST_H
#define VHU_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "vhu_log.h"
#include "vhu_msg.h"

/* ------------------------------------------------------------------ */
/* Log lines, kept for assertions (and quiet on stderr).               */

static char test_last_log[1024];
static int test_nlogs;

static void test_log_catch(enum vhu_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)ctx;
	snprintf(test_last_log, sizeof(test_last_log), "%s", msg);
	test_nlogs++;
}

static inline void test_log_capture(void)
{
	test_last_log[0] = '\0';
	test_nlogs = 0;
	vhu_log_set_handler(test_log_catch, NULL, VHU_LOG_INFO);
}

#define assert_contains(hay, needle)					\
	do {								\
		const char *h_ = (hay);					\
		if (strstr(h_, (needle)) == NULL)			\
			fail_msg("\"%s\" does not contain \"%s\"", h_, (needle)); \
	} while (0)

/* ------------------------------------------------------------------ */
/* Sockets.                                                             */

/* sv[0]: the back-end's end (non-blocking); sv[1]: the test's front-end. */
static inline void test_socketpair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
}

/* Send @len bytes with up to 16 fds in one sendmsg(); returns what it returns. */
static inline ssize_t raw_sendmsg(int fd, const void *buf, size_t len,
				  const int *fds, unsigned int nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 16)];
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

static inline void raw_send(int fd, const void *buf, size_t len,
			    const int *fds, unsigned int nfds)
{
	assert_int_equal(raw_sendmsg(fd, buf, len, fds, nfds), (ssize_t)len);
}

/*
 * A message whose header says @size_field while @len payload bytes follow:
 * equal for a good message, different for a lying one.
 */
static inline void send_lying(int fd, uint32_t req, uint32_t flags,
			      uint32_t size_field, const void *payload,
			      size_t len, const int *fds, unsigned int nfds)
{
	uint8_t buf[VHU_MSG_HDR_SIZE + 512];
	struct vhu_msg_hdr h = { .request = req, .flags = flags, .size = size_field };

	assert_true(len <= 512);
	memcpy(buf, &h, sizeof(h));
	if (len > 0)
		memcpy(buf + sizeof(h), payload, len);
	raw_send(fd, buf, sizeof(h) + len, fds, nfds);
}

static inline void send_good(int fd, uint32_t req, uint32_t flags,
			     const void *payload, uint32_t size, const int *fds,
			     unsigned int nfds)
{
	send_lying(fd, req, flags, size, payload, size, fds, nfds);
}

/* Read exactly @len bytes, failing the test instead of hanging. */
static inline void read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		assert_int_equal(poll(&pfd, 1, 2000), 1);
		n = read(fd, (uint8_t *)buf + got, len - got);
		if (n <= 0)
			fail_msg("read: %zd (%s) after %zu of %zu bytes", n,
				 n < 0 ? strerror(errno) : "EOF", got, len);
		got += (size_t)n;
	}
}

/*
 * True if the peer closed (within a short wait): EOF, or ECONNRESET when it
 * closed with our bytes still unread in its receive queue.
 */
static inline bool peer_closed(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	char c;

	if (poll(&pfd, 1, 2000) != 1)
		return false;
	n = read(fd, &c, 1);
	return n == 0 || (n < 0 && errno == ECONNRESET);
}

/* ------------------------------------------------------------------ */
/* fds.                                                                 */

/* A memfd of @size bytes, standing in for guest RAM or a log. */
static inline int test_memfd(size_t size)
{
	int fd = memfd_create("vhu-test", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

/*
 * The pipe trick: hand the library copies of p[1] and close ours; once the
 * library closed every copy, reading p[0] gives EOF instead of EAGAIN.
 */
static inline void test_pipe(int p[2])
{
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
}

static inline bool pipe_writers_gone(int read_end)
{
	char c;

	return read(read_end, &c, 1) == 0;
}

static inline bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/*
 * Group setup/teardown that fail the run if the tests leave more fds open
 * than they found: every fd that crossed the socket must end up closed.
 */
static int test_fds_at_start;

static inline int test_count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fd_is_open(fd);
	return n;
}

static inline int test_group_setup(void **state)
{
	(void)state;
	test_fds_at_start = test_count_fds();
	return 0;
}

static inline int test_group_teardown(void **state)
{
	int now = test_count_fds();

	(void)state;
	if (now != test_fds_at_start) {
		fprintf(stderr, "fd leak: %d open before the tests, %d after\n",
			test_fds_at_start, now);
		for (int fd = 0; fd < 1024; fd++) {
			char link[64], target[256];
			ssize_t n;

			if (!fd_is_open(fd))
				continue;
			snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
			n = readlink(link, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			fprintf(stderr, "  fd %d: %s\n", fd, target);
		}
		return -1;
	}
	return 0;
}

#endif /* VHU_TEST_H */
