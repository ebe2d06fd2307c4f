// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_vhu_msg.c - vhost-user message parsing over a real socketpair:
 * every supported request with its good payload and fds, then every way a
 * message can be wrong (truncated header or payload, size lies, fds where
 * none belong, too many fds, bad version flags, unknown requests), each of
 * which must fail with a reason and close every fd that came along.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vhu_test.h"

static int sv[2];
static struct vhu_msg msg;
static struct vhu_err err;

static int setup(void **state)
{
	(void)state;
	test_log_capture();
	test_socketpair(sv);
	vhu_msg_init(&msg);
	err.msg[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vhu_msg_release(&msg);
	close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return 0;
}

static enum vhu_msg_status recv_one(void)
{
	return vhu_msg_recv(sv[0], &msg, &err);
}

/*
 * A fresh connection: after a header is refused its payload is still in
 * the stream, which is exactly why the device closes the connection.
 */
static void reconnect(void)
{
	close(sv[0]);
	close(sv[1]);
	test_socketpair(sv);
}

/* Receive, expect an error whose reason contains @why. */
static void expect_error(const char *why)
{
	assert_int_equal(recv_one(), VHU_MSG_ERROR);
	assert_contains(err.msg, why);
	/* The message is reset: no fds remain to leak. */
	assert_int_equal(msg.nfds, 0);
	assert_int_equal(msg.got, 0);
}

/* ------------------------------------------------------------------ */
/* Good messages.                                                       */

struct good_case {
	uint32_t req;
	uint32_t size;
	unsigned int nfds;
	uint64_t u64;		/* first payload word (kick/call/err flags) */
	uint32_t nregions;	/* SET_MEM_TABLE */
};

static void check_good(const struct good_case *gc, uint32_t flags)
{
	uint8_t payload[264];
	int fds[8], p[2];

	test_pipe(p);
	memset(payload, 0xa5, sizeof(payload));
	for (uint32_t i = 0; i < gc->size; i++)
		payload[i] = (uint8_t)(i * 7 + gc->req);
	if (gc->size >= 8)
		memcpy(payload, &gc->u64, 8);
	if (gc->req == VHU_REQ_SET_MEM_TABLE) {
		uint32_t hdr[2] = { gc->nregions, 0 };

		memcpy(payload, hdr, sizeof(hdr));
	}
	for (unsigned int i = 0; i < gc->nfds; i++)
		fds[i] = p[1];

	send_good(sv[1], gc->req, flags, payload, gc->size, fds, gc->nfds);
	if (recv_one() != VHU_MSG_OK)
		fail_msg("%s (size %u, %u fds): %s", vhu_msg_request_name(gc->req),
			 gc->size, gc->nfds, err.msg);
	assert_int_equal(msg.hdr.request, gc->req);
	assert_int_equal(msg.hdr.flags, flags);
	assert_int_equal(msg.hdr.size, gc->size);
	assert_int_equal(msg.nfds, gc->nfds);
	assert_memory_equal(msg.p.raw, payload, gc->size);
	for (unsigned int i = 0; i < gc->nfds; i++) {
		/* MSG_CMSG_CLOEXEC: our copies do not leak into children. */
		assert_true(fcntl(msg.fds[i], F_GETFD) & FD_CLOEXEC);
	}

	/* Release closes what nobody took: every copy of p[1] is gone. */
	vhu_msg_release(&msg);
	close(p[1]);
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
}

static void test_every_good_request(void **state)
{
	const struct good_case cases[] = {
		{ VHU_REQ_GET_FEATURES, 0, 0, 0, 0 },
		{ VHU_REQ_SET_FEATURES, 8, 0, 0x140000000ull, 0 },
		{ VHU_REQ_SET_OWNER, 0, 0, 0, 0 },
		{ VHU_REQ_RESET_OWNER, 0, 0, 0, 0 },
		{ VHU_REQ_SET_MEM_TABLE, 8, 0, 0, 0 },
		{ VHU_REQ_SET_MEM_TABLE, 40, 1, 0, 1 },
		{ VHU_REQ_SET_MEM_TABLE, 264, 8, 0, 8 },
		{ VHU_REQ_SET_LOG_BASE, 16, 1, 4096, 0 },
		{ VHU_REQ_SET_LOG_FD, 0, 1, 0, 0 },
		{ VHU_REQ_SET_VRING_NUM, 8, 0, 0x10000000001ull, 0 },
		{ VHU_REQ_SET_VRING_ADDR, 40, 0, 1, 0 },
		{ VHU_REQ_SET_VRING_BASE, 8, 0, 0, 0 },
		{ VHU_REQ_GET_VRING_BASE, 8, 0, 3, 0 },
		{ VHU_REQ_SET_VRING_KICK, 8, 1, 5, 0 },
		{ VHU_REQ_SET_VRING_KICK, 8, 0, 5 | VHU_MSG_VRING_NOFD, 0 },
		{ VHU_REQ_SET_VRING_CALL, 8, 1, 255, 0 },
		{ VHU_REQ_SET_VRING_CALL, 8, 0, VHU_MSG_VRING_NOFD, 0 },
		{ VHU_REQ_SET_VRING_ERR, 8, 1, 0, 0 },
		{ VHU_REQ_SET_VRING_ERR, 8, 0, 1 | VHU_MSG_VRING_NOFD, 0 },
		{ VHU_REQ_GET_PROTOCOL_FEATURES, 0, 0, 0, 0 },
		{ VHU_REQ_SET_PROTOCOL_FEATURES, 8, 0, 0x801f, 0 },
		{ VHU_REQ_GET_QUEUE_NUM, 0, 0, 0, 0 },
		{ VHU_REQ_SET_VRING_ENABLE, 8, 0, 0x100000000ull, 0 },
		{ VHU_REQ_SEND_RARP, 8, 0, 0x0000563412005452ull, 0 },
		{ VHU_REQ_NET_SET_MTU, 8, 0, 1500, 0 },
		{ VHU_REQ_GET_MAX_MEM_SLOTS, 0, 0, 0, 0 },
		{ VHU_REQ_ADD_MEM_REG, 40, 1, 0, 0 },
		{ VHU_REQ_REM_MEM_REG, 40, 0, 0, 0 },
		{ VHU_REQ_REM_MEM_REG, 40, 1, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_good(&cases[i], VHU_MSG_VERSION);
		check_good(&cases[i], VHU_MSG_VERSION | VHU_MSG_F_NEED_REPLY);
	}
}

/* The fields land where the front-end puts them (wire order, not ours). */
static void test_vring_addr_layout(void **state)
{
	uint32_t words[10] = { 3, VHU_VRING_F_LOG };
	uint64_t q[4] = { 0x1000, 0x3000, 0x2000, 0x93000 };	/* desc, used, avail, log */

	(void)state;
	memcpy(&words[2], q, sizeof(q));
	send_good(sv[1], VHU_REQ_SET_VRING_ADDR, VHU_MSG_VERSION, words, 40, NULL, 0);
	assert_int_equal(recv_one(), VHU_MSG_OK);
	assert_int_equal(msg.p.addr.index, 3);
	assert_int_equal(msg.p.addr.flags, VHU_VRING_F_LOG);
	assert_int_equal(msg.p.addr.desc_qva, 0x1000);
	assert_int_equal(msg.p.addr.used_qva, 0x3000);
	assert_int_equal(msg.p.addr.avail_qva, 0x2000);
	assert_int_equal(msg.p.addr.log_gpa, 0x93000);
}

static void test_mem_table_layout(void **state)
{
	uint64_t raw[1 + 2 * 4];
	int p[2], fds[2];

	(void)state;
	test_pipe(p);
	fds[0] = fds[1] = p[1];
	raw[0] = 2;	/* nregions = 2, padding = 0 */
	for (int i = 0; i < 8; i++)
		raw[1 + i] = 0x1000ull * (uint64_t)(i + 1);
	send_good(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, raw, sizeof(raw),
		  fds, 2);
	assert_int_equal(recv_one(), VHU_MSG_OK);
	assert_int_equal(msg.p.mem.nregions, 2);
	assert_int_equal(msg.p.mem.r[0].gpa, 0x1000);
	assert_int_equal(msg.p.mem.r[0].size, 0x2000);
	assert_int_equal(msg.p.mem.r[0].qva, 0x3000);
	assert_int_equal(msg.p.mem.r[0].mmap_offset, 0x4000);
	assert_int_equal(msg.p.mem.r[1].mmap_offset, 0x8000);

	/* Taken fds are the caller's: release leaves them open. */
	{
		int kept = vhu_msg_take_fd(&msg, 1);

		assert_true(kept >= 0);
		assert_int_equal(vhu_msg_take_fd(&msg, 1), -1);
		assert_int_equal(vhu_msg_take_fd(&msg, 7), -1);
		vhu_msg_release(&msg);
		assert_true(fd_is_open(kept));
		close(p[1]);
		assert_false(pipe_writers_gone(p[0]));
		close(kept);
		assert_true(pipe_writers_gone(p[0]));
	}
	close(p[0]);
}

/* ------------------------------------------------------------------ */
/* Pieces and truncation.                                               */

static void test_partial_message_resumes(void **state)
{
	uint8_t buf[20];
	struct vhu_msg_hdr h = { VHU_REQ_SET_FEATURES, VHU_MSG_VERSION, 8 };
	uint64_t v = 0x100000000ull;

	(void)state;
	memcpy(buf, &h, 12);
	memcpy(buf + 12, &v, 8);
	raw_send(sv[1], buf, 5, NULL, 0);
	assert_int_equal(recv_one(), VHU_MSG_AGAIN);
	raw_send(sv[1], buf + 5, 10, NULL, 0);
	assert_int_equal(recv_one(), VHU_MSG_AGAIN);
	raw_send(sv[1], buf + 15, 5, NULL, 0);
	assert_int_equal(recv_one(), VHU_MSG_OK);
	assert_int_equal(msg.p.u64, v);
	vhu_msg_release(&msg);
	assert_int_equal(recv_one(), VHU_MSG_AGAIN);
}

static void test_eof_between_messages(void **state)
{
	(void)state;
	send_good(sv[1], VHU_REQ_SET_OWNER, VHU_MSG_VERSION, NULL, 0, NULL, 0);
	shutdown(sv[1], SHUT_WR);
	assert_int_equal(recv_one(), VHU_MSG_OK);
	vhu_msg_release(&msg);
	assert_int_equal(recv_one(), VHU_MSG_EOF);
}

static void test_truncated_header(void **state)
{
	struct vhu_msg_hdr h = { VHU_REQ_SET_OWNER, VHU_MSG_VERSION, 0 };

	(void)state;
	raw_send(sv[1], &h, 5, NULL, 0);
	shutdown(sv[1], SHUT_WR);
	expect_error("truncated header");
	assert_contains(err.msg, "5 of 12");
}

static void test_truncated_payload(void **state)
{
	uint8_t three[3] = { 1, 2, 3 };
	int p[2];

	(void)state;
	test_pipe(p);
	/* The fd of a message cut short must not outlive it either. */
	send_lying(sv[1], VHU_REQ_SET_VRING_KICK, VHU_MSG_VERSION, 8, three, 3,
		   &p[1], 1);
	shutdown(sv[1], SHUT_WR);
	close(p[1]);
	expect_error("truncated payload");
	assert_contains(err.msg, "SET_VRING_KICK");
	assert_contains(err.msg, "3 of 8");
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
}

static void test_oversize_size_field(void **state)
{
	(void)state;
	send_lying(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, 265, NULL, 0,
		   NULL, 0);
	expect_error("exceeds the largest payload");
	reconnect();
	send_lying(sv[1], VHU_REQ_SET_FEATURES, VHU_MSG_VERSION, 0xffffffffu,
		   NULL, 0, NULL, 0);
	expect_error("4294967295");
}

/* Each request is held to exactly the size its payload has. */
static void test_wrong_size_per_request(void **state)
{
	static const struct {
		uint32_t req;
		uint32_t size;
		const char *why;
	} cases[] = {
		{ VHU_REQ_GET_FEATURES, 8, "payload is 8 bytes, expected 0" },
		{ VHU_REQ_SET_FEATURES, 4, "payload is 4 bytes, expected 8" },
		{ VHU_REQ_SET_FEATURES, 16, "expected 8 (u64)" },
		{ VHU_REQ_SET_OWNER, 4, "expected 0" },
		{ VHU_REQ_SET_VRING_NUM, 4, "expected 8 (vring state)" },
		{ VHU_REQ_GET_VRING_BASE, 0, "expected 8" },
		{ VHU_REQ_SET_VRING_ADDR, 32, "expected 40 (vring address)" },
		{ VHU_REQ_SET_LOG_BASE, 8, "expected 16 (log size and offset)" },
		{ VHU_REQ_ADD_MEM_REG, 32, "expected 40 (memory region)" },
		{ VHU_REQ_NET_SET_MTU, 2, "expected 8" },
		{ VHU_REQ_GET_MAX_MEM_SLOTS, 8, "expected 0" },
	};
	uint8_t zeros[64] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		send_good(sv[1], cases[i].req, VHU_MSG_VERSION, zeros,
			  cases[i].size, NULL, 0);
		expect_error(cases[i].why);
		assert_contains(err.msg, vhu_msg_request_name(cases[i].req));
	}
}

static void test_mem_table_size_must_match_count(void **state)
{
	uint8_t buf[264] = { 0 };
	uint32_t n;

	(void)state;
	/* Shorter than the table header. */
	send_good(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, buf, 4, NULL, 0);
	expect_error("shorter than the 8-byte table header");

	/* Two regions claimed, one sent. */
	n = 2;
	memcpy(buf, &n, 4);
	send_good(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, buf, 40, NULL, 0);
	expect_error("expected 72 for 2 regions");

	/* One region claimed, two sent. */
	n = 1;
	memcpy(buf, &n, 4);
	send_good(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, buf, 72, NULL, 0);
	expect_error("expected 40 for 1 regions");

	/* More regions than a message can hold. */
	n = 9;
	memcpy(buf, &n, 4);
	send_good(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, buf, 264, NULL, 0);
	expect_error("9 regions, at most 8");

	/* A huge count must not overflow the size computation. */
	n = 0x08000001u;
	memcpy(buf, &n, 4);
	send_good(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, buf, 40, NULL, 0);
	expect_error("at most 8");
}

/* ------------------------------------------------------------------ */
/* fds.                                                                 */

static void test_fd_on_request_without_fds(void **state)
{
	uint64_t v = 256;
	int p[2];

	(void)state;
	test_pipe(p);
	send_good(sv[1], VHU_REQ_SET_VRING_NUM, VHU_MSG_VERSION, &v, 8, &p[1], 1);
	close(p[1]);
	expect_error("SET_VRING_NUM carries 1 fds, takes none");
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
}

static void test_too_many_fds(void **state)
{
	uint8_t buf[264] = { 0 };
	uint32_t n = 8;
	int p[2], fds[9];

	(void)state;
	test_pipe(p);
	for (int i = 0; i < 9; i++)
		fds[i] = p[1];
	memcpy(buf, &n, 4);
	send_good(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, buf, 264, fds, 9);
	close(p[1]);
	expect_error("more than 8 fds");
	/* The eight that fit were closed, the ninth the kernel dropped. */
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
}

/* Fds arriving with the header and more with the payload still add up. */
static void test_too_many_fds_across_pieces(void **state)
{
	uint8_t buf[264] = { 0 };
	struct vhu_msg_hdr h = { VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, 264 };
	uint32_t n = 8;
	int p[2], fds[6];

	(void)state;
	test_pipe(p);
	for (int i = 0; i < 6; i++)
		fds[i] = p[1];
	memcpy(buf, &n, 4);
	raw_send(sv[1], &h, sizeof(h), fds, 6);
	assert_int_equal(recv_one(), VHU_MSG_AGAIN);
	raw_send(sv[1], buf, sizeof(buf), fds, 6);
	close(p[1]);
	expect_error("more than 8 fds");
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
}

static void test_fd_count_rules(void **state)
{
	uint8_t reg[40] = { 0 };
	uint8_t table[72] = { 2 };
	uint64_t kick;
	int p[2], fds[2];

	(void)state;
	test_pipe(p);
	fds[0] = fds[1] = p[1];

	send_good(sv[1], VHU_REQ_SET_MEM_TABLE, VHU_MSG_VERSION, table, 72, fds, 1);
	expect_error("2 regions but 1 fds");

	send_good(sv[1], VHU_REQ_ADD_MEM_REG, VHU_MSG_VERSION, reg, 40, NULL, 0);
	expect_error("ADD_MEM_REG carries 0 fds, needs exactly 1");

	send_good(sv[1], VHU_REQ_REM_MEM_REG, VHU_MSG_VERSION, reg, 40, fds, 2);
	expect_error("takes at most 1");

	send_good(sv[1], VHU_REQ_SET_LOG_FD, VHU_MSG_VERSION, NULL, 0, NULL, 0);
	expect_error("SET_LOG_FD carries 0 fds, needs exactly 1");

	kick = 2;
	send_good(sv[1], VHU_REQ_SET_VRING_KICK, VHU_MSG_VERSION, &kick, 8, NULL, 0);
	expect_error("SET_VRING_KICK carries 0 fds, needs exactly 1");

	kick = 2 | VHU_MSG_VRING_NOFD;
	send_good(sv[1], VHU_REQ_SET_VRING_CALL, VHU_MSG_VERSION, &kick, 8, fds, 1);
	expect_error("no-fd flag set but 1 fds");

	kick = 2 | 0x200;
	send_good(sv[1], VHU_REQ_SET_VRING_ERR, VHU_MSG_VERSION, &kick, 8, fds, 1);
	expect_error("reserved bits set in 0x202");

	close(p[1]);
	assert_true(pipe_writers_gone(p[0]));
	close(p[0]);
}

/* Fds belong to the message they were sent with, never to a neighbour. */
static void test_fds_stay_with_their_message(void **state)
{
	uint64_t feat = 1, kick = 0;
	int p[2];

	(void)state;
	test_pipe(p);
	send_good(sv[1], VHU_REQ_SET_FEATURES, VHU_MSG_VERSION, &feat, 8, NULL, 0);
	send_good(sv[1], VHU_REQ_SET_VRING_KICK, VHU_MSG_VERSION, &kick, 8, &p[1], 1);
	send_good(sv[1], VHU_REQ_SET_OWNER, VHU_MSG_VERSION, NULL, 0, NULL, 0);

	assert_int_equal(recv_one(), VHU_MSG_OK);
	assert_int_equal(msg.hdr.request, VHU_REQ_SET_FEATURES);
	assert_int_equal(msg.nfds, 0);
	vhu_msg_release(&msg);
	assert_int_equal(recv_one(), VHU_MSG_OK);
	assert_int_equal(msg.hdr.request, VHU_REQ_SET_VRING_KICK);
	assert_int_equal(msg.nfds, 1);
	vhu_msg_release(&msg);
	assert_int_equal(recv_one(), VHU_MSG_OK);
	assert_int_equal(msg.hdr.request, VHU_REQ_SET_OWNER);
	assert_int_equal(msg.nfds, 0);
	close(p[1]);
	close(p[0]);
}

/* ------------------------------------------------------------------ */
/* Header.                                                              */

static void test_bad_flags(void **state)
{
	(void)state;
	send_good(sv[1], VHU_REQ_SET_OWNER, 0, NULL, 0, NULL, 0);
	expect_error("unsupported protocol version 0");
	send_good(sv[1], VHU_REQ_SET_OWNER, 2, NULL, 0, NULL, 0);
	expect_error("unsupported protocol version 2");
	send_good(sv[1], VHU_REQ_SET_OWNER, 3 | VHU_MSG_F_NEED_REPLY, NULL, 0, NULL, 0);
	expect_error("version 3");
	send_good(sv[1], VHU_REQ_SET_OWNER, VHU_MSG_VERSION | VHU_MSG_F_REPLY,
		  NULL, 0, NULL, 0);
	expect_error("reply flag set on a request");
	send_good(sv[1], VHU_REQ_SET_OWNER, VHU_MSG_VERSION | 0x10, NULL, 0, NULL, 0);
	expect_error("unknown flag bits 0x10");
}

static void test_unknown_and_unsupported_requests(void **state)
{
	uint8_t payload[16] = { 0 };

	(void)state;
	send_good(sv[1], 0, VHU_MSG_VERSION, NULL, 0, NULL, 0);
	expect_error("unknown request 0");
	send_good(sv[1], VHU_REQ_MAX, VHU_MSG_VERSION, NULL, 0, NULL, 0);
	expect_error("unknown request 44");
	send_good(sv[1], 0x7fffffff, VHU_MSG_VERSION, NULL, 0, NULL, 0);
	expect_error("unknown request 2147483647");
	send_good(sv[1], VHU_REQ_GET_CONFIG, VHU_MSG_VERSION, payload, 12, NULL, 0);
	expect_error("request GET_CONFIG (24) is not supported");
	reconnect();
	send_good(sv[1], VHU_REQ_IOTLB_MSG, VHU_MSG_VERSION, payload, 16, NULL, 0);
	expect_error("IOTLB_MSG (22) is not supported");
	reconnect();
	send_good(sv[1], VHU_REQ_SET_BACKEND_REQ_FD, VHU_MSG_VERSION, NULL, 0, NULL, 0);
	expect_error("not supported");
	send_good(sv[1], VHU_REQ_VRING_KICK, VHU_MSG_VERSION, payload, 12, NULL, 0);
	expect_error("VRING_KICK (35) is not supported");
	/* What follows a refused header is garbage, and is refused too. */
	expect_error("unsupported protocol version 0");
}

static void test_socket_error(void **state)
{
	int p[2];

	(void)state;
	test_pipe(p);
	/* Not a socket: recvmsg fails, and that is reported, not crashed on. */
	assert_int_equal(vhu_msg_recv(p[0], &msg, &err), VHU_MSG_ERROR);
	assert_contains(err.msg, "receiving a message");
	close(p[0]);
	close(p[1]);
}

/* ------------------------------------------------------------------ */
/* Sending.                                                             */

static void test_reply_format(void **state)
{
	struct vhu_msg_hdr h;
	uint64_t v;
	struct vhu_msg_vring_state st = { 1, 42 };

	(void)state;
	assert_int_equal(vhu_msg_reply_u64(sv[0], VHU_REQ_GET_FEATURES,
					   0x1234567890ull, &err), 0);
	read_full(sv[1], &h, sizeof(h));
	read_full(sv[1], &v, sizeof(v));
	assert_int_equal(h.request, VHU_REQ_GET_FEATURES);
	assert_int_equal(h.flags, VHU_MSG_VERSION | VHU_MSG_F_REPLY);
	assert_int_equal(h.size, 8);
	assert_int_equal(v, 0x1234567890ull);

	assert_int_equal(vhu_msg_reply(sv[0], VHU_REQ_GET_VRING_BASE, &st,
				       sizeof(st), &err), 0);
	read_full(sv[1], &h, sizeof(h));
	assert_int_equal(h.size, 8);
	read_full(sv[1], &st, sizeof(st));
	assert_int_equal(st.index, 1);
	assert_int_equal(st.num, 42);

	assert_int_equal(vhu_msg_reply(sv[0], VHU_REQ_SET_LOG_BASE, NULL, 0, &err), 0);
	read_full(sv[1], &h, sizeof(h));
	assert_int_equal(h.request, VHU_REQ_SET_LOG_BASE);
	assert_int_equal(h.size, 0);
}

/* The sender itself round-trips through the receiver, fds included. */
static void test_send_roundtrip(void **state)
{
	uint64_t kick = 7;
	int p[2];

	(void)state;
	test_pipe(p);
	assert_int_equal(vhu_msg_send(sv[1], VHU_REQ_SET_VRING_KICK, VHU_MSG_VERSION,
				      &kick, 8, &p[1], 1, &err), 0);
	assert_int_equal(recv_one(), VHU_MSG_OK);
	assert_int_equal(msg.p.u64, 7);
	assert_int_equal(msg.nfds, 1);
	assert_int_equal(vhu_msg_send(sv[1], 1, 1, NULL, 0, p, 9, &err), -1);
	assert_contains(err.msg, "cannot send 9 fds");
	close(p[0]);
	close(p[1]);
}

static void test_send_to_vanished_peer(void **state)
{
	(void)state;
	close(sv[1]);
	sv[1] = -1;
	/* No SIGPIPE (the test would die): a plain error with a reason. */
	assert_int_equal(vhu_msg_reply_u64(sv[0], VHU_REQ_GET_FEATURES, 1, &err), -1);
	assert_contains(err.msg, "sending GET_FEATURES");
}

static void test_request_table(void **state)
{
	(void)state;
	assert_string_equal(vhu_msg_request_name(VHU_REQ_SET_MEM_TABLE),
			    "SET_MEM_TABLE");
	assert_string_equal(vhu_msg_request_name(VHU_REQ_CHECK_DEVICE_STATE),
			    "CHECK_DEVICE_STATE");
	assert_string_equal(vhu_msg_request_name(0), "unknown");
	assert_string_equal(vhu_msg_request_name(12345), "unknown");
	assert_true(vhu_msg_has_reply(VHU_REQ_GET_FEATURES));
	assert_true(vhu_msg_has_reply(VHU_REQ_GET_VRING_BASE));
	assert_true(vhu_msg_has_reply(VHU_REQ_SET_LOG_BASE));
	assert_true(vhu_msg_has_reply(VHU_REQ_GET_MAX_MEM_SLOTS));
	assert_false(vhu_msg_has_reply(VHU_REQ_SET_MEM_TABLE));
	assert_false(vhu_msg_has_reply(VHU_REQ_SET_VRING_KICK));
	assert_false(vhu_msg_has_reply(9999));
}

/* vhu_log / vhu_err: the plumbing every reason above travels through. */
static void test_log_and_reasons(void **state)
{
	struct vhu_err e;
	char big[600];

	(void)state;
	vhu_log_set_handler(test_log_catch, NULL, VHU_LOG_WARN);
	test_nlogs = 0;
	vhu_log(VHU_LOG_INFO, "dropped %d", 1);
	assert_int_equal(test_nlogs, 0);
	vhu_log(VHU_LOG_ERR, "kept %d", 2);
	assert_int_equal(test_nlogs, 1);
	assert_string_equal(test_last_log, "kept 2");

	assert_int_equal(vhu_err_set(NULL, "x"), -1);
	assert_int_equal(vhu_err_prefix(NULL, "x"), -1);
	assert_int_equal(vhu_err_set(&e, "size is %s", "zero"), -1);
	assert_int_equal(vhu_err_prefix(&e, "region %d", 3), -1);
	assert_string_equal(e.msg, "region 3: size is zero");

	/* Too long: cut to fit, head first, always terminated. */
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vhu_err_set(&e, "%s", big);
	assert_int_equal(strlen(e.msg), VHU_ERR_LEN - 1);
	vhu_err_prefix(&e, "head");
	assert_int_equal(strncmp(e.msg, "head: yyy", 9), 0);
	assert_int_equal(strlen(e.msg), VHU_ERR_LEN - 1);
	test_log_capture();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_good_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vring_addr_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_table_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_message_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof_between_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversize_size_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_size_per_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mem_table_size_must_match_count,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_on_request_without_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_fds_across_pieces,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_count_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fds_stay_with_their_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_and_unsupported_requests,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_to_vanished_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_and_reasons, setup, teardown),
	};

	return cmocka_run_group_tests_name("vhu_msg", tests, test_group_setup,
					    test_group_teardown);
}
