/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_ctl_proto.h - the control socket's protocol: one JSON object per
 * line in each direction.
 *
 * Requests:
 *   {"cmd":"status"}
 *   {"cmd":"reload"}
 *   {"cmd":"version"}
 *   {"cmd":"port-add","switch":"vale0","port":{ ...a port as in valed.json... }}
 *   {"cmd":"port-del","switch":"vale0","name":"vm3"}
 * Replies: {"ok":true, ...} or {"ok":false,"error":"...", ...}.
 *
 * Parsing is separate from the socket so that every malformed request is
 * unit-tested: each gets an error reply with a sentence saying what is
 * wrong, never a crash and never silence.
 */
#ifndef VALED_CTL_PROTO_H
#define VALED_CTL_PROTO_H

#include <stddef.h>

#include <jansson.h>

/* Longest request line (without its newline); longer ones are refused. */
#define VALED_CTL_REQUEST_MAX	(64 * 1024)

enum valed_ctl_cmd {
	VALED_CTL_STATUS,
	VALED_CTL_RELOAD,
	VALED_CTL_VERSION,
	VALED_CTL_PORT_ADD,
	VALED_CTL_PORT_DEL,
};

struct valed_ctl_req {
	enum valed_ctl_cmd cmd;
	const char *sw;			/* PORT_ADD, PORT_DEL */
	const char *name;		/* PORT_DEL */
	json_t *port;			/* PORT_ADD: the port object */
	json_t *root;			/* owns the strings above */
};

/*
 * Parse one request line (@len bytes, no newline). 0 with @req filled
 * (release it with valed_ctl_req_free), or -1 with @msg saying why.
 */
int valed_ctl_parse(const char *line, size_t len, struct valed_ctl_req *req,
		    char *msg, size_t mlen);

void valed_ctl_req_free(struct valed_ctl_req *req);

const char *valed_ctl_cmd_name(enum valed_ctl_cmd cmd);

/* {"ok":false,"error":@msg}; NULL when out of memory. */
json_t *valed_ctl_error(const char *msg);

/* A reply as one line with its newline; free(). NULL when out of memory. */
char *valed_ctl_reply_line(json_t *reply, size_t *len);

#endif /* VALED_CTL_PROTO_H */
