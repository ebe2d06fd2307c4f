/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_kern.h - the VALE control requests valed sends to the netmap
 * module (NIOCCTRL on /dev/netmap), one function per request, each
 * filling a struct vhu_err whose sentence names the object concerned.
 *
 * /dev/netmap is opened at the first request, not before: a daemon whose
 * configuration has only switches without kernel ports (or none) runs,
 * and answers on its control socket, even where the module is missing.
 *
 * Functions that remove something tell "it was already gone" apart from a
 * failure (return 1): a state taken over from a daemon that died may name
 * ports someone removed since.
 */
#ifndef VALED_KERN_H
#define VALED_KERN_H

#include <stdbool.h>
#include <stdint.h>

#include <net/netmap.h>

#include "vhu_log.h"

struct valed_kern {
	int fd;			/* /dev/netmap, or -1 until the first request */
};

/* "switch exists, no such port" in VALE_LIST answers. */
#define VALED_KERN_NOPORT	255

void valed_kern_init(struct valed_kern *k);
void valed_kern_close(struct valed_kern *k);

/* Create / delete persistent port @ifname. delif: 1 when it did not exist. */
int valed_kern_newif(struct valed_kern *k, const char *ifname, struct vhu_err *err);
int valed_kern_delif(struct valed_kern *k, const char *ifname, struct vhu_err *err);

/*
 * Attach interface @ifname to switch @sw (with its host stack as the port
 * "@sw:@ifname^" when @host_stack), or detach it (both ports go).
 * detach: 1 when it was not attached.
 */
int valed_kern_attach(struct valed_kern *k, const char *sw, const char *ifname,
		      bool host_stack, struct vhu_err *err);
int valed_kern_detach(struct valed_kern *k, const char *sw, const char *ifname,
		      struct vhu_err *err);

/*
 * Is @port ("valeX:Y") a port of its switch? 1 yes, 0 no (or no such
 * switch), -1 the question could not be asked.
 */
int valed_kern_has_port(struct valed_kern *k, const char *port, struct vhu_err *err);

/*
 * Every port of every switch, as "valeX:Y" with its indexes; @fn returning
 * non-zero stops the walk. 0, or -1 with @err.
 */
typedef int (*valed_kern_list_fn)(const char *port, unsigned int bridge_idx,
				  unsigned int port_idx, void *ctx);
int valed_kern_list(struct valed_kern *k, valed_kern_list_fn fn, void *ctx,
		    struct vhu_err *err);

/* Counters of @port ("valeX:Y"). 0, or -1 with @err. */
int valed_kern_port_stats(struct valed_kern *k, const char *port,
			  struct nmreq_vale_port_stats *st, struct vhu_err *err);

/* Whether network interface @ifname exists (in our namespace). */
bool valed_kern_ifexists(const char *ifname);

#endif /* VALED_KERN_H */
