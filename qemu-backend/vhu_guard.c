// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_guard.c - SIGBUS inside guarded calls returns to the caller
 * (see vhu_guard.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "vhu_guard.h"

/* The innermost guarded call of this thread, or NULL. */
static __thread sigjmp_buf *guard_env;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (guard_env != NULL)
		siglongjmp(*guard_env, 1);
	/* Not in a guarded call: die of it, as without us. */
	signal(sig, SIG_DFL);
	raise(sig);
}

int vhu_guard_install(struct vhu_err *err)
{
	static bool installed;
	struct sigaction sa;

	if (installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	/*
	 * SA_NODEFER: the handler leaves by siglongjmp() to a sigsetjmp()
	 * that does not restore the signal mask (saving it costs a system
	 * call per guarded call), so SIGBUS must not stay blocked after it.
	 */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) < 0)
		return vhu_err_set(err, "installing the SIGBUS handler: %s",
				   strerror(errno));
	installed = true;
	return 0;
}

int vhu_guard_call(void (*fn)(void *), void *arg)
{
	sigjmp_buf env;
	sigjmp_buf *volatile prev = guard_env;

	if (sigsetjmp(env, 0) != 0) {
		guard_env = prev;
		return -1;
	}
	guard_env = &env;
	fn(arg);
	guard_env = prev;
	return 0;
}
