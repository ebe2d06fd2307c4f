/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_os_types.h - Linux definitions of the primitive types and inline
 * operations declared by nm_os.h. Included only through nm_os.h.
 */
#ifndef _NM_OS_TYPES_LINUX_H
#define _NM_OS_TYPES_LINUX_H

#include <linux/bitops.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/prefetch.h>
#include <asm/barrier.h>

typedef struct mutex nm_mutex_t;
typedef spinlock_t nm_spin_t;
typedef struct rw_semaphore nm_rwsem_t;
typedef wait_queue_head_t nm_waitq_t;

#define nm_mutex_init(m)	mutex_init(m)
#define nm_mutex_destroy(m)	mutex_destroy(m)
#define nm_mutex_lock(m)	mutex_lock(m)
#define nm_mutex_unlock(m)	mutex_unlock(m)

/*
 * Ring locks are taken in process context today; the _bh variants keep them
 * safe once NIC receive paths (softirq) deliver into VALE rings.
 */
#define nm_spin_init(s)		spin_lock_init(s)
#define nm_spin_destroy(s)	do { } while (0)
#define nm_spin_lock(s)		spin_lock_bh(s)
#define nm_spin_unlock(s)	spin_unlock_bh(s)

#define nm_rwsem_init(r)	init_rwsem(r)
#define nm_rwsem_destroy(r)	do { } while (0)
#define nm_rwsem_read(r)	down_read(r)
#define nm_rwsem_read_unlock(r)	up_read(r)
#define nm_rwsem_write(r)	down_write(r)
#define nm_rwsem_write_unlock(r) up_write(r)

#define nm_waitq_init(w)	init_waitqueue_head(w)
#define nm_waitq_destroy(w)	do { } while (0)
/* Most wake-ups find nobody asleep: skip the queue lock then. */
static inline void nm_waitq_wake(nm_waitq_t *w)
{
	if (wq_has_sleeper(w))
		wake_up_interruptible_all(w);
}

/* One bit per ring: "a sync is running", taken with trylock semantics. */
static inline bool nm_os_busy_trylock(unsigned long *word)
{
	return !test_and_set_bit_lock(0, word);
}

static inline void nm_os_busy_unlock(unsigned long *word)
{
	clear_bit_unlock(0, word);
}

#define nm_os_mb()	smp_mb()
#define nm_os_rmb()	smp_rmb()
#define nm_os_wmb()	smp_wmb()
#define NM_READ_ONCE(x)		READ_ONCE(x)
#define NM_WRITE_ONCE(x, v)	WRITE_ONCE(x, v)

#define nm_likely(x)	likely(x)
#define nm_unlikely(x)	unlikely(x)

/*
 * Prefetches, and the inlining a helper made of them needs: to the compiler a
 * prefetch has no effect, so an out-of-line helper holding only prefetches
 * looks const and its calls are deleted (it happened to vale_deliver()).
 */
#define nm_prefetch(p)		prefetch(p)
#define nm_prefetchw(p)		prefetchw(p)
#define nm_always_inline	__always_inline

#endif /* _NM_OS_TYPES_LINUX_H */
