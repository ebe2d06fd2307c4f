/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_mem.h - the one allocator every valed library allocation goes
 * through, jansson's included.
 *
 * A single funnel is what makes allocation failures testable: a unit test
 * arms valed_mem_fail_at(N), the Nth allocation after that returns NULL,
 * and the test checks that the caller came back with a clean "out of
 * memory" and freed everything else (ASan reports any leak). Counting
 * allocations (valed_mem_allocs) tells the test how many N there are.
 *
 * jansson 2.14 cannot survive every refused allocation (see valed_mem.c):
 * the hook spares the ones it mishandles.
 *
 * The state is process-wide and not locked: configuration is parsed by one
 * thread (the daemon's main loop, or a test).
 */
#ifndef VALED_MEM_H
#define VALED_MEM_H

#include <stddef.h>

/* NULL when the allocation was refused (really, or by the test hook). */
void *valed_mem_alloc(size_t size);
/* Zeroed; refuses when @n * @size overflows. */
void *valed_mem_calloc(size_t n, size_t size);
/* Like realloc(); on failure @p is left as it was. */
void *valed_mem_realloc(void *p, size_t size);
char *valed_mem_strdup(const char *s);
char *valed_mem_strndup(const char *s, size_t n);
void valed_mem_free(void *p);

/*
 * Make jansson allocate through valed_mem_alloc()/valed_mem_free().
 * Idempotent; called by the config parser before it touches jansson.
 * valed_mem_* sits on malloc(), so values jansson allocated before the
 * switch are still freed correctly.
 */
void valed_mem_use_for_jansson(void);

/* Test hooks. */

/* The @nth allocation from now (1 = the next one) fails, once; 0 disarms. */
void valed_mem_fail_at(unsigned long nth);
/* Allocations attempted since the process started (successful or not). */
unsigned long valed_mem_allocs(void);
/* Allocations refused so far, by the hook or by malloc itself. */
unsigned long valed_mem_failures(void);

#endif /* VALED_MEM_H */
