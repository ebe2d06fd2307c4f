// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_log.c - the single exit for the library's messages and the helpers
 * that fill struct vhu_err.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vhu_log.h"

static const char *const level_names[] = {
	[VHU_LOG_ERR] = "error",
	[VHU_LOG_WARN] = "warning",
	[VHU_LOG_INFO] = "info",
	[VHU_LOG_DEBUG] = "debug",
};

static void log_to_stderr(enum vhu_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "vhost-user %s: %s\n", level_names[level], msg);
}

static vhu_log_fn log_fn = log_to_stderr;
static void *log_ctx;
static enum vhu_log_level log_max = VHU_LOG_INFO;

void vhu_log_set_handler(vhu_log_fn fn, void *ctx, enum vhu_log_level max_level)
{
	log_fn = fn != NULL ? fn : log_to_stderr;
	log_ctx = fn != NULL ? ctx : NULL;
	log_max = max_level;
}

void vhu_log(enum vhu_log_level level, const char *fmt, ...)
{
	/* One line of a fixed size: a log call must never allocate or fail. */
	char line[512];
	va_list ap;

	if (level > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_fn(level, line, log_ctx);
}

int vhu_err_set(struct vhu_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int vhu_err_prefix(struct vhu_err *err, const char *fmt, ...)
{
	char prefix[VHU_ERR_LEN];
	char old[VHU_ERR_LEN];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	/* A reason too long to fit loses its tail; its head names the problem. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) < 0)
		err->msg[0] = '\0';
	return -1;
}
