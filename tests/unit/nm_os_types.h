/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nm_os_types.h - userspace (pthread) definitions of the primitive types and
 * inline operations declared by kernel/nm_os.h, for the unit tests.
 */
#ifndef _NM_OS_TYPES_USER_H
#define _NM_OS_TYPES_USER_H

#include <pthread.h>

typedef pthread_mutex_t nm_mutex_t;
typedef pthread_mutex_t nm_spin_t;
typedef pthread_rwlock_t nm_rwsem_t;
typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long wakeups;
} nm_waitq_t;

#define nm_mutex_init(m)	pthread_mutex_init(m, NULL)
#define nm_mutex_destroy(m)	pthread_mutex_destroy(m)
#define nm_mutex_lock(m)	pthread_mutex_lock(m)
#define nm_mutex_unlock(m)	pthread_mutex_unlock(m)

#define nm_spin_init(s)		pthread_mutex_init(s, NULL)
#define nm_spin_destroy(s)	pthread_mutex_destroy(s)
#define nm_spin_lock(s)		pthread_mutex_lock(s)
#define nm_spin_unlock(s)	pthread_mutex_unlock(s)

#define nm_rwsem_init(r)	pthread_rwlock_init(r, NULL)
#define nm_rwsem_destroy(r)	pthread_rwlock_destroy(r)
#define nm_rwsem_read(r)	pthread_rwlock_rdlock(r)
#define nm_rwsem_read_unlock(r)	pthread_rwlock_unlock(r)
#define nm_rwsem_write(r)	pthread_rwlock_wrlock(r)
#define nm_rwsem_write_unlock(r) pthread_rwlock_unlock(r)

static inline void nm_waitq_init(nm_waitq_t *w)
{
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->wakeups = 0;
}

static inline void nm_waitq_destroy(nm_waitq_t *w)
{
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

/* Nothing sleeps in the unit tests: count wake-ups, as cheaply as the kernel. */
static inline void nm_waitq_wake(nm_waitq_t *w)
{
	__atomic_fetch_add(&w->wakeups, 1, __ATOMIC_RELAXED);
}

static inline bool nm_os_busy_trylock(unsigned long *word)
{
	return !__atomic_test_and_set(word, __ATOMIC_ACQUIRE);
}

static inline void nm_os_busy_unlock(unsigned long *word)
{
	__atomic_clear(word, __ATOMIC_RELEASE);
}

#define nm_os_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define nm_os_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define nm_os_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define NM_READ_ONCE(x)		(*(volatile __typeof__(x) *)&(x))
#define NM_WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

#define nm_likely(x)	__builtin_expect(!!(x), 1)
#define nm_unlikely(x)	__builtin_expect(!!(x), 0)

/* See kernel/linux/nm_os_types.h: why helpers of prefetches are inlined. */
#define nm_prefetch(p)		__builtin_prefetch(p)
#define nm_prefetchw(p)		__builtin_prefetch(p, 1)
#define nm_always_inline	inline __attribute__((__always_inline__))

#endif /* _NM_OS_TYPES_USER_H */
