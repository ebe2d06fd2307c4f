// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_poll.c - polling threads for uplinks (VALE_POLLING_ENABLE, "vale-ctl
 * -p"): kernel threads pinned to CPUs forward what the device received
 * into the switch, instead of the work item the rx_handler schedules.
 *
 * SINGLE_CPU: one thread on CPU first_cpu_id polls every receive ring.
 * MULTI_CPU: n threads, thread i polls ring first+i on CPU first+i.
 *
 * An idle thread spins a little, then naps for tens of microseconds: a
 * thread that never sleeps would starve the small machines this switch
 * also runs on (and the guests of our tests), at little gain under load,
 * where it never gets to nap.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "../nm_os.h"
#include "../core/nm_port.h"
#include "nm_linux.h"

struct nm_poll_thread {
	struct task_struct *task;
	struct nm_port *w;		/* the uplink's NIC side */
	uint32_t first, last;		/* TX rings of @w it forwards */
};

struct nm_poller {
	unsigned int n;
	struct nm_poll_thread t[];
};

static int nm_poll_loop(void *arg)
{
	struct nm_poll_thread *pt = arg;
	unsigned int idle = 0;
	uint32_t i;

	while (!kthread_should_stop()) {
		bool moved = false;

		for (i = pt->first; i < pt->last; i++)
			moved |= nm_kport_forward_ring(&pt->w->krings[NM_TX][i]);
		if (moved) {
			idle = 0;
			cond_resched();
		} else if (++idle < 64) {
			cpu_relax();
			cond_resched();
		} else {
			usleep_range(50, 100);
		}
	}
	return 0;
}

static bool nm_poll_cpu_ok(uint32_t cpu)
{
	return cpu < nr_cpu_ids && cpu_online(cpu);
}

/* Start polling the NIC side @w of an uplink; NULL with *err on failure. */
struct nm_poller *nm_poller_start(struct nm_port *w, uint32_t mode,
				  uint32_t first, uint32_t n, int *err)
{
	unsigned int threads, i;
	struct nm_poller *p;

	*err = -EINVAL;
	if (n == 0 || n >= num_online_cpus())
		return NULL;
	if (mode == NETMAP_POLLING_MODE_SINGLE_CPU) {
		if (n != 1 || !nm_poll_cpu_ok(first))
			return NULL;
		threads = 1;
	} else if (mode == NETMAP_POLLING_MODE_MULTI_CPU) {
		if (first + n > w->nrings[NM_TX] || first + n < first)
			return NULL;
		for (i = 0; i < n; i++)
			if (!nm_poll_cpu_ok(first + i))
				return NULL;
		threads = n;
	} else {
		return NULL;
	}
	p = kzalloc(struct_size(p, t, threads), GFP_KERNEL);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < threads; i++) {
		struct nm_poll_thread *pt = &p->t[i];
		uint32_t cpu = first + i;

		pt->w = w;
		if (mode == NETMAP_POLLING_MODE_SINGLE_CPU) {
			pt->first = 0;
			pt->last = w->nrings[NM_TX];
		} else {
			pt->first = first + i;
			pt->last = first + i + 1;
		}
		pt->task = kthread_create(nm_poll_loop, pt, "nm-poll/%s/%u",
					  w->name, i);
		if (IS_ERR(pt->task)) {
			*err = PTR_ERR(pt->task);
			pt->task = NULL;
			p->n = i;
			nm_poller_stop(p);
			return NULL;
		}
		kthread_bind(pt->task, cpu);
		wake_up_process(pt->task);
		p->n = i + 1;
	}
	*err = 0;
	return p;
}

void nm_poller_stop(struct nm_poller *p)
{
	unsigned int i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		kthread_stop(p->t[i].task);
	kfree(p);
}
