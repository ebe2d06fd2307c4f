// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_kern.c - NIOCCTRL requests for valed (see valed_kern.h), built as
 * vale-ctl builds them; the ABI is include/uapi/net/netmap.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include "valed_kern.h"

void valed_kern_init(struct valed_kern *k)
{
	k->fd = -1;
}

void valed_kern_close(struct valed_kern *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

static int kern_open(struct valed_kern *k, struct vhu_err *err)
{
	if (k->fd >= 0)
		return 0;
	k->fd = open(NETMAP_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return vhu_err_set(err, NETMAP_DEVICE_NAME ": %s%s", strerror(errno),
				   errno == ENOENT ? " (is the netmap module loaded?)" : "");
	return 0;
}

/* Send one request; returns 0 or -1 with errno from the kernel. */
static int ctrl(struct valed_kern *k, uint16_t type, const char *name, void *body,
		struct vhu_err *err)
{
	struct nmreq_header h;

	if (kern_open(k, err) < 0) {
		errno = ENODEV;
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = type;
	if (name != NULL &&
	    snprintf(h.nr_name, sizeof(h.nr_name), "%s", name) >= (int)sizeof(h.nr_name)) {
		errno = ENAMETOOLONG;
		return vhu_err_set(err, "%s: name too long for a netmap request", name);
	}
	h.nr_body = (uintptr_t)body;
	if (ioctl(k->fd, NIOCCTRL, &h) < 0) {
		int e = errno;

		vhu_err_set(err, "%s", strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

int valed_kern_newif(struct valed_kern *k, const char *ifname, struct vhu_err *err)
{
	struct nmreq_vale_newif b;

	/* Zero geometry: the kernel's defaults, as vale-ctl -n without -C. */
	memset(&b, 0, sizeof(b));
	if (ctrl(k, NETMAP_REQ_VALE_NEWIF, ifname, &b, err) < 0)
		return vhu_err_prefix(err, "creating persistent port %s", ifname);
	return 0;
}

int valed_kern_delif(struct valed_kern *k, const char *ifname, struct vhu_err *err)
{
	if (ctrl(k, NETMAP_REQ_VALE_DELIF, ifname, NULL, err) == 0)
		return 0;
	/* nm_os_persist_delete: ENXIO when there is no such device. */
	if (errno == ENXIO) {
		vhu_err_set(err, "persistent port %s does not exist", ifname);
		return 1;
	}
	return vhu_err_prefix(err, "removing persistent port %s", ifname);
}

static int port_name(char *buf, size_t len, const char *sw, const char *ifname,
		     struct vhu_err *err)
{
	if (snprintf(buf, len, "%s:%s", sw, ifname) >= (int)len)
		return vhu_err_set(err, "%s:%s: name too long", sw, ifname);
	return 0;
}

int valed_kern_attach(struct valed_kern *k, const char *sw, const char *ifname,
		      bool host_stack, struct vhu_err *err)
{
	char name[NETMAP_REQ_IFNAMSIZ];
	struct nmreq_vale_attach b;

	if (port_name(name, sizeof(name), sw, ifname, err) < 0)
		return -1;
	memset(&b, 0, sizeof(b));
	/* As vale-ctl: -a is ALL_NIC, -h (host stack too) is NIC_SW. */
	b.reg.nr_mode = host_stack ? NR_REG_NIC_SW : NR_REG_ALL_NIC;
	if (ctrl(k, NETMAP_REQ_VALE_ATTACH, name, &b, err) < 0) {
		if (errno == EINVAL && !valed_kern_ifexists(ifname))
			return vhu_err_set(err, "attaching %s: no network interface %s",
					   name, ifname);
		return vhu_err_prefix(err, "attaching %s", name);
	}
	return 0;
}

int valed_kern_detach(struct valed_kern *k, const char *sw, const char *ifname,
		      struct vhu_err *err)
{
	char name[NETMAP_REQ_IFNAMSIZ];
	struct nmreq_vale_detach b;
	int r;

	if (port_name(name, sizeof(name), sw, ifname, err) < 0)
		return -1;
	/*
	 * Ask first: the kernel answers a detach from a switch the port is
	 * not on with EBUSY for a persistent port, which also means "the
	 * second switch is still attached" and must stay an error.
	 */
	r = valed_kern_has_port(k, name, err);
	if (r < 0)
		return vhu_err_prefix(err, "detaching %s", name);
	if (r == 0) {
		vhu_err_set(err, "%s is not attached", name);
		return 1;
	}
	memset(&b, 0, sizeof(b));
	if (ctrl(k, NETMAP_REQ_VALE_DETACH, name, &b, err) < 0) {
		if (errno == ENXIO) {
			vhu_err_set(err, "%s is not attached", name);
			return 1;
		}
		return vhu_err_prefix(err, "detaching %s", name);
	}
	return 0;
}

int valed_kern_has_port(struct valed_kern *k, const char *port, struct vhu_err *err)
{
	struct nmreq_vale_list b;

	memset(&b, 0, sizeof(b));
	if (ctrl(k, NETMAP_REQ_VALE_LIST, port, &b, err) < 0) {
		/* No such switch: then no such port either. */
		if (errno == ENOENT)
			return 0;
		return vhu_err_prefix(err, "looking up %s", port);
	}
	return b.nr_port_idx != VALED_KERN_NOPORT;
}

int valed_kern_list(struct valed_kern *k, valed_kern_list_fn fn, void *ctx,
		    struct vhu_err *err)
{
	struct nmreq_vale_list b;
	struct nmreq_header h;

	if (kern_open(k, err) < 0)
		return -1;
	/* An empty name asks for the first port at or after (bridge, port). */
	memset(&b, 0, sizeof(b));
	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = NETMAP_REQ_VALE_LIST;
	h.nr_body = (uintptr_t)&b;
	for (;;) {
		h.nr_name[0] = '\0';
		if (ioctl(k->fd, NIOCCTRL, &h) < 0) {
			if (errno == ENOENT)
				return 0;
			return vhu_err_set(err, "listing switch ports: %s", strerror(errno));
		}
		h.nr_name[sizeof(h.nr_name) - 1] = '\0';
		if (fn(h.nr_name, b.nr_bridge_idx, b.nr_port_idx, ctx) != 0)
			return 0;
		b.nr_port_idx++;
	}
}

int valed_kern_port_stats(struct valed_kern *k, const char *port,
			  struct nmreq_vale_port_stats *st, struct vhu_err *err)
{
	memset(st, 0, sizeof(*st));
	if (ctrl(k, NETMAP_REQ_VALE_PORT_STATS, port, st, err) < 0)
		return vhu_err_prefix(err, "counters of %s", port);
	return 0;
}

bool valed_kern_ifexists(const char *ifname)
{
	return if_nametoindex(ifname) != 0;
}
