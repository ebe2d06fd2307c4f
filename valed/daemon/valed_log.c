// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_log.c - log lines to the journal or stderr (see valed_log.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vhu_log.h"
#include "valed_log.h"

#define LINE_MAX_LEN	1024

static atomic_int max_level = VALED_CFG_LOG_INFO;
static bool journal;

/* syslog priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
static const int prio[] = {
	[VALED_CFG_LOG_ERROR] = 3,
	[VALED_CFG_LOG_WARNING] = 4,
	[VALED_CFG_LOG_INFO] = 6,
	[VALED_CFG_LOG_DEBUG] = 7,
};

static const char *const names[] = {
	[VALED_CFG_LOG_ERROR] = "error",
	[VALED_CFG_LOG_WARNING] = "warning",
	[VALED_CFG_LOG_INFO] = "info",
	[VALED_CFG_LOG_DEBUG] = "debug",
};

static void emit(enum valed_cfg_log_level level, const char *msg)
{
	char line[LINE_MAX_LEN + 32];
	size_t len;
	ssize_t w;
	int n;

	if ((int)level > atomic_load_explicit(&max_level, memory_order_relaxed))
		return;
	if (journal)
		n = snprintf(line, sizeof(line), "<%d>%s\n", prio[level], msg);
	else
		n = snprintf(line, sizeof(line), "valed: %s: %s\n", names[level], msg);
	if (n < 0)
		return;
	len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	/* A truncated line still ends the line. */
	line[len - 1] = '\n';
	do {
		w = write(STDERR_FILENO, line, len);
	} while (w < 0 && errno == EINTR);
}

static void from_vhu(enum vhu_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	/* The two enums list the same levels in the same order. */
	emit((enum valed_cfg_log_level)level, msg);
}

/*
 * JOURNAL_STREAM is "DEV:INO" of the stream systemd connected; it is
 * inherited by children whose stderr went elsewhere, so compare.
 */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (e == NULL || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void valed_log_init(void)
{
	journal = stderr_is_journal();
	/* Filtering is ours (the level changes at reload): let everything in. */
	vhu_log_set_handler(from_vhu, NULL, VHU_LOG_DEBUG);
}

void valed_log_set_level(enum valed_cfg_log_level level)
{
	atomic_store(&max_level, (int)level);
}

void valed_log(enum valed_cfg_log_level level, const char *fmt, ...)
{
	char msg[LINE_MAX_LEN];
	va_list ap;

	if ((int)level > atomic_load_explicit(&max_level, memory_order_relaxed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(level, msg);
}
