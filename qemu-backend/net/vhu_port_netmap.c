// SPDX-License-Identifier: BSD-2-Clause
/*
 * vhu_port_netmap.c - a struct vhu_port backed by a real netmap port,
 * opened through libnetmap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libnetmap.h"
#include "vhu_port.h"

#define VHU_PORT_VNET_HDR_LEN	12

static int netmap_txsync(struct vhu_port *p)
{
	return ioctl(p->fd, NIOCTXSYNC, NULL);
}

static int netmap_rxsync(struct vhu_port *p)
{
	return ioctl(p->fd, NIOCRXSYNC, NULL);
}

static void netmap_close(struct vhu_port *p)
{
	nmport_close(p->priv);
	p->priv = NULL;
	p->fd = -1;
	p->ntx = p->nrx = 0;
}

static const struct vhu_port_ops netmap_ops = {
	.txsync = netmap_txsync,
	.rxsync = netmap_rxsync,
	.close = netmap_close,
};

static int set_hdr_len(struct nmport_d *d, uint32_t len, struct vhu_err *err)
{
	struct nmreq_port_hdr body;
	struct nmreq_header hdr;

	memset(&body, 0, sizeof(body));
	body.nr_hdr_len = len;
	nmreq_header_init(&hdr, NETMAP_REQ_PORT_HDR_SET, &body);
	/* The bare port name: the request names a port, not a binding. */
	snprintf(hdr.nr_name, sizeof(hdr.nr_name), "%s", d->hdr.nr_name);
	if (ioctl(d->fd, NIOCCTRL, &hdr) < 0)
		return vhu_err_set(err, "%s: setting the virtio-net header length to "
				   "%u: %s (only VALE ports carry the header)",
				   d->hdr.nr_name, len, strerror(errno));
	return 0;
}

int vhu_port_netmap_open(struct vhu_port *p, const char *spec,
			 unsigned int rings, struct vhu_err *err)
{
	struct nmport_d *d;
	unsigned int ntx, nrx, i;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (rings == 0 || rings > VHU_PORT_MAX_RINGS)
		return vhu_err_set(err, "%u rings asked for, 1..%u possible", rings,
				   VHU_PORT_MAX_RINGS);

	d = nmport_prepare(spec);
	if (d == NULL)
		return vhu_err_set(err, "%s: not a valid netmap port: %s", spec,
				   strerror(errno));
	/* An ephemeral VALE port gets its ring count at the first open. */
	if (d->reg.nr_tx_rings == 0 && d->reg.nr_rx_rings == 0)
		d->reg.nr_tx_rings = d->reg.nr_rx_rings = (uint16_t)rings;
	/* The same at its creation; an existing port keeps its geometry. */
	if (d->reg.nr_rx_slots == 0) {
		unsigned int n = d->reg.nr_rx_rings ? d->reg.nr_rx_rings : 1;

		d->reg.nr_rx_slots = VHU_PORT_RX_SLOTS / n < VHU_PORT_RX_SLOTS_MIN ?
				     VHU_PORT_RX_SLOTS_MIN : VHU_PORT_RX_SLOTS / n;
	}
	/*
	 * Without this flag the kernel refuses to bind a port whose header
	 * length is already set (we may be reopening our own port after a
	 * restart, or a persistent port configured beforehand).
	 */
	d->reg.nr_flags |= NR_ACCEPT_VNET_HDR;
	if (nmport_open_desc(d) < 0) {
		vhu_err_set(err, "%s: cannot open: %s", spec, strerror(errno));
		goto fail_prepared;
	}

	ntx = (unsigned int)d->last_tx_ring - d->first_tx_ring + 1;
	nrx = (unsigned int)d->last_rx_ring - d->first_rx_ring + 1;
	if (ntx > VHU_PORT_MAX_RINGS || nrx > VHU_PORT_MAX_RINGS) {
		vhu_err_set(err, "%s: %u TX / %u RX rings, at most %u are served",
			    spec, ntx, nrx, VHU_PORT_MAX_RINGS);
		goto fail_open;
	}
	/* Before the header length is set nothing can be said about it. */
	if (set_hdr_len(d, VHU_PORT_VNET_HDR_LEN, err) < 0)
		goto fail_open;

	snprintf(p->name, sizeof(p->name), "%s", d->hdr.nr_name);
	p->fd = d->fd;
	p->ntx = ntx;
	p->nrx = nrx;
	for (i = 0; i < ntx; i++)
		p->tx[i] = NETMAP_TXRING(d->nifp, d->first_tx_ring + i);
	for (i = 0; i < nrx; i++) {
		struct netmap_ring *r = NETMAP_RXRING(d->nifp, d->first_rx_ring + i);

		/* Whatever arrived before the header length was set has none. */
		r->head = r->cur = r->tail;
		p->rx[i] = r;
	}
	p->ops = &netmap_ops;
	p->priv = d;
	if (netmap_rxsync(p) < 0) {
		vhu_err_set(err, "%s: RXSYNC: %s", spec, strerror(errno));
		goto fail_open;
	}
	return 0;

fail_open:
	nmport_close(d);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	return -1;
fail_prepared:
	nmport_undo_prepare(d);
	return -1;
}
