/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tap.h - minimal TAP output for guest test programs: each check prints
 * "ok - NAME" or "not ok - NAME" plus a diagnostic, and the program exits
 * non-zero when any check failed.
 */
#ifndef _NM_TAP_H
#define _NM_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_failed;

static inline void tap_check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void tap_check(int ok, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok - " : "not ok - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		tap_failed++;
}

/* Check that a call returned -1 with errno @want; @rc/@err are what it did. */
#define tap_errno(rc, err, want, ...)                                         \
	do {                                                                  \
		int _ok = (rc) == -1 && (err) == (want);                      \
		tap_check(_ok, __VA_ARGS__);                                  \
		if (!_ok)                                                     \
			printf("# got rc %d errno %d (%s), want errno %d (%s)\n", \
			       (int)(rc), (err), strerror(err), (want),       \
			       strerror(want));                               \
	} while (0)

static inline int tap_exit(void)
{
	return tap_failed ? 1 : 0;
}

#endif /* _NM_TAP_H */
