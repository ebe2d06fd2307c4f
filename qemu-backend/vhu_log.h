/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhu_log.h - where the vhost-user library's messages go, and the reason
 * buffer its functions fill when they refuse something.
 *
 * The library never prints on its own terms: every line passes through one
 * handler (stderr until the daemon installs its own), so valed can send it
 * to the journal with the port's name attached. Functions that can fail
 * take a struct vhu_err and write one sentence naming the problem into it;
 * the caller decides whether that becomes a log line (the device does, when
 * it closes a connection) or a test assertion.
 */
#ifndef VHU_LOG_H
#define VHU_LOG_H

#include <stddef.h>

enum vhu_log_level {
	VHU_LOG_ERR,
	VHU_LOG_WARN,
	VHU_LOG_INFO,
	VHU_LOG_DEBUG,
};

/* @msg has no trailing newline; it is only valid during the call. */
typedef void (*vhu_log_fn)(enum vhu_log_level level, const char *msg,
			   void *ctx);

/*
 * Route every later message to @fn (NULL restores the stderr default).
 * Messages above @max_level are dropped before they are formatted.
 * Process-wide: the library has no threads, so this is set once at start-up.
 */
void vhu_log_set_handler(vhu_log_fn fn, void *ctx, enum vhu_log_level max_level);

void vhu_log(enum vhu_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Why the last call that was handed this buffer failed. */
#define VHU_ERR_LEN	256

struct vhu_err {
	char msg[VHU_ERR_LEN];
};

/*
 * Record the reason (truncated to fit). @err may be NULL for callers that
 * do not care. Always returns -1 so a failing path can end with
 * "return vhu_err_set(err, ...);".
 */
int vhu_err_set(struct vhu_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Put @prefix and ": " in front of the reason already recorded, so an inner
 * failure ("fd is not a regular file") gains its context ("region 2").
 * Returns -1 like vhu_err_set().
 */
int vhu_err_prefix(struct vhu_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VHU_LOG_H */
