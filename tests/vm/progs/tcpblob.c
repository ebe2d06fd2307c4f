// SPDX-License-Identifier: BSD-2-Clause
/*
 * tcpblob - move one file over one TCP connection and make sure all of it
 * arrived: the sender half-closes and waits for the receiver to close after
 * it has written everything, so the sender's exit status means "delivered".
 * (busybox nc returns before the data is through, which under TCG is long.)
 *
 * usage: tcpblob recv PORT FILE      accept one connection, write it to FILE
 *        tcpblob send ADDR PORT FILE send FILE; exit 0 once the peer has it
 *        tcpblob gen FILE BYTES      write BYTES of pseudo-random data
 *        tcpblob cmp FILE COPY       wait (20 s at most) until COPY is as long
 *                                    as FILE, then exit 0 if they are equal
 *
 * "gen" exists because reading /dev/urandom early in a 6.12 guest under
 * TCG can hit the kernel's own jump-label patching of the random driver
 * (an int3 oops that has nothing to do with netmap).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int copy(int from, int to)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) > 0) {
		ssize_t off = 0;

		while (off < n) {
			ssize_t w = write(to, buf + off, (size_t)(n - off));

			if (w <= 0)
				return -1;
			off += w;
		}
	}
	return n < 0 ? -1 : 0;
}

/* The receiver writes COPY while we look: wait for its length, then compare. */
static int cmp_files(const char *a, const char *b)
{
	struct stat sa, sb;
	char ba[4096], bb[4096];
	int fa, fb, i;
	ssize_t n;

	if (stat(a, &sa)) {
		perror(a);
		return 1;
	}
	for (i = 0; i < 200; i++) {
		if (!stat(b, &sb) && sb.st_size == sa.st_size)
			break;
		usleep(100000);
	}
	printf("%s %lld bytes, %s %lld bytes\n", a, (long long)sa.st_size, b,
	       stat(b, &sb) ? -1LL : (long long)sb.st_size);
	fa = open(a, O_RDONLY);
	fb = open(b, O_RDONLY);
	if (fa < 0 || fb < 0 || sb.st_size != sa.st_size)
		return 1;
	while ((n = read(fa, ba, sizeof(ba))) > 0)
		if (read(fb, bb, (size_t)n) != n || memcmp(ba, bb, (size_t)n)) {
			printf("contents differ\n");
			return 1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int s, c, f, one = 1;
	char x;

	if (argc == 4 && !strcmp(argv[1], "cmp"))
		return cmp_files(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "gen")) {
		uint32_t x = 2463534242u;
		long left = atol(argv[3]);
		char buf[4096];
		int i;

		f = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (f < 0) {
			perror("tcpblob: gen");
			return 1;
		}
		while (left > 0) {
			for (i = 0; i < (int)sizeof(buf); i++) {
				x ^= x << 13;	/* xorshift32 */
				x ^= x >> 17;
				x ^= x << 5;
				buf[i] = (char)x;
			}
			if (write(f, buf, left < (long)sizeof(buf) ? (size_t)left : sizeof(buf)) < 0)
				return 1;
			left -= sizeof(buf);
		}
		close(f);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "recv")) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sa.sin_port = htons((uint16_t)atoi(argv[2]));
		if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1)) {
			perror("tcpblob: listen");
			return 1;
		}
		printf("listening\n");
		fflush(stdout);
		c = accept(s, NULL, NULL);
		f = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (c < 0 || f < 0 || copy(c, f)) {
			perror("tcpblob: recv");
			return 1;
		}
		close(f);
		close(c);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "send")) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		sa.sin_port = htons((uint16_t)atoi(argv[3]));
		f = open(argv[4], O_RDONLY);
		if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1 || f < 0 ||
		    connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("tcpblob: send");
			return 1;
		}
		if (copy(f, s) || shutdown(s, SHUT_WR)) {
			perror("tcpblob: send");
			return 1;
		}
		/* The receiver closes only after it wrote everything. */
		if (read(s, &x, 1) != 0) {
			fprintf(stderr, "tcpblob: no clean close from the receiver\n");
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "usage: tcpblob recv PORT FILE | send ADDR PORT FILE | gen FILE BYTES | cmp FILE COPY\n");
	return 2;
}
