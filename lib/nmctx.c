// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmctx.c - libnetmap contexts: error reporting, allocation, locking.
 *
 * The default context prints errors on stderr, allocates with malloc()
 * and protects its list of mapped regions with a process-wide mutex, so
 * the library is thread safe without any set-up call.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "libnetmap.h"

#define NMCTX_MSG_MAX	1024

static pthread_mutex_t nmctx_default_mutex = PTHREAD_MUTEX_INITIALIZER;

static void nmctx_stderr_error(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s\n", msg);
}

static void *nmctx_std_malloc(struct nmctx *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void nmctx_std_free(struct nmctx *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void nmctx_mutex_lock(struct nmctx *ctx, int lock)
{
	(void)ctx;
	if (lock)
		pthread_mutex_lock(&nmctx_default_mutex);
	else
		pthread_mutex_unlock(&nmctx_default_mutex);
}

static struct nmctx nmctx_builtin = {
	.verbose	= 1,
	.error		= nmctx_stderr_error,
	.malloc		= nmctx_std_malloc,
	.free		= nmctx_std_free,
	.lock		= nmctx_mutex_lock,
	.mem_descs	= NULL,
};

static struct nmctx *nmctx_current = &nmctx_builtin;

int nmctx_threadsafe = 1;

struct nmctx *nmctx_get(void)
{
	return __atomic_load_n(&nmctx_current, __ATOMIC_ACQUIRE);
}

struct nmctx *nmctx_set_default(struct nmctx *ctx)
{
	if (ctx == NULL)
		ctx = &nmctx_builtin;
	return __atomic_exchange_n(&nmctx_current, ctx, __ATOMIC_ACQ_REL);
}

void nmctx_set_threadsafe(void)
{
	struct nmctx *ctx = nmctx_get();

	if (ctx->lock == NULL)
		ctx->lock = nmctx_mutex_lock;
	nmctx_threadsafe = 1;
}

void nmctx_ferror(struct nmctx *ctx, const char *fmt, ...)
{
	char msg[NMCTX_MSG_MAX];
	va_list ap;
	int n;

	if (ctx == NULL)
		ctx = nmctx_get();
	if (!ctx->verbose || ctx->error == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		ctx->error(ctx, "libnetmap: cannot format error message");
	else
		ctx->error(ctx, msg);	/* truncated if too long */
}

void *nmctx_malloc(struct nmctx *ctx, size_t size)
{
	if (ctx == NULL)
		ctx = nmctx_get();
	return ctx->malloc != NULL ? ctx->malloc(ctx, size) : malloc(size);
}

void nmctx_free(struct nmctx *ctx, void *p)
{
	if (p == NULL)
		return;
	if (ctx == NULL)
		ctx = nmctx_get();
	if (ctx->free != NULL)
		ctx->free(ctx, p);
	else
		free(p);
}

void nmctx_lock(struct nmctx *ctx)
{
	if (ctx == NULL)
		ctx = nmctx_get();
	if (ctx->lock != NULL)
		ctx->lock(ctx, 1);
}

void nmctx_unlock(struct nmctx *ctx)
{
	if (ctx == NULL)
		ctx = nmctx_get();
	if (ctx->lock != NULL)
		ctx->lock(ctx, 0);
}
