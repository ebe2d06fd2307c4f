// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_mem.c - allocation funnel with a failure hook (see valed_mem.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "valed_mem.h"

static unsigned long allocs;	/* attempts so far */
static unsigned long failures;	/* attempts refused */
static unsigned long fail_at;	/* value of allocs that fails; 0 = none */

/*
 * Count the attempt and say whether the test hook refuses it. An @exempt
 * allocation is never refused; when its turn comes the hook moves on to
 * the next one.
 */
static int refused(bool exempt)
{
	allocs++;
	if (fail_at == 0 || allocs != fail_at)
		return 0;
	if (exempt) {
		fail_at++;
		return 0;
	}
	fail_at = 0;
	failures++;
	return 1;
}

static void *alloc(size_t size, bool exempt)
{
	void *p;

	if (refused(exempt))
		return NULL;
	/* malloc(0) may return NULL legitimately; never hand that out. */
	p = malloc(size == 0 ? 1 : size);
	if (p == NULL)
		failures++;
	return p;
}

void *valed_mem_alloc(size_t size)
{
	return alloc(size, false);
}

void *valed_mem_calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		allocs++;
		failures++;
		return NULL;
	}
	p = valed_mem_alloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size == 0 ? 1 : n * size);
	return p;
}

void *valed_mem_realloc(void *p, size_t size)
{
	void *q;

	if (refused(false))
		return NULL;
	q = realloc(p, size == 0 ? 1 : size);
	if (q == NULL)
		failures++;
	return q;
}

static char *copy(const char *s, size_t len)
{
	char *d = valed_mem_alloc(len + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *valed_mem_strndup(const char *s, size_t n)
{
	return copy(s, strnlen(s, n));
}

char *valed_mem_strdup(const char *s)
{
	return copy(s, strlen(s));
}

void valed_mem_free(void *p)
{
	free(p);
}

/*
 * jansson 2.14 (Debian 12) ignores a failed growth of the buffer that
 * holds the token being lexed (lex_save(), akheron/jansson issue 362) and
 * then reads and writes past that buffer. Such a growth asks for a power
 * of two from 32 bytes up (the buffer starts at 16 and doubles), so the
 * test hook lets allocations of those sizes through and refuses every
 * other one jansson makes. Real exhaustion can still hit the bug; that
 * needs a fixed jansson.
 */
static void *jansson_alloc(size_t size)
{
	return alloc(size, size >= 32 && (size & (size - 1)) == 0);
}

void valed_mem_use_for_jansson(void)
{
	json_set_alloc_funcs(jansson_alloc, valed_mem_free);
}

void valed_mem_fail_at(unsigned long nth)
{
	fail_at = nth == 0 ? 0 : allocs + nth;
}

unsigned long valed_mem_allocs(void)
{
	return allocs;
}

unsigned long valed_mem_failures(void)
{
	return failures;
}
