// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_null.c - null ports (NR_REG_NULL): any geometry on an existing
 * allocator, syncs that do nothing. Used to reserve or inspect memory
 * layouts without a device.
 */
#include "nm_null.h"

static int nm_null_sync(struct nm_kring *k)
{
	(void)k;
	return 0;
}

static int nm_null_reg(struct nm_port *p, bool on)
{
	(void)p;
	(void)on;
	return 0;
}

static void nm_null_dtor(struct nm_port *p)
{
	nm_os_free(p);
}

static const struct nm_port_ops nm_null_ops = {
	.txsync = nm_null_sync,
	.rxsync = nm_null_sync,
	.reg = nm_null_reg,
	.dtor = nm_null_dtor,
};

int nm_null_port_create(const char *name, struct nmreq_register *reg,
			struct nm_port **pp)
{
	char full[NETMAP_REQ_IFNAMSIZ];
	struct nm_port *p;
	struct nm_mem *mem;
	int err;

	if (reg->nr_mem_id == 0)
		return -EINVAL;
	/* Verbatim geometry, within what a kring array can sensibly hold. */
	if (reg->nr_tx_rings > NM_NULL_MAX_RINGS || reg->nr_rx_rings > NM_NULL_MAX_RINGS ||
	    reg->nr_host_tx_rings > NM_NULL_MAX_RINGS ||
	    reg->nr_host_rx_rings > NM_NULL_MAX_RINGS)
		return -EINVAL;
	mem = nm_mem_find_get(reg->nr_mem_id);
	if (!mem)
		return -EINVAL;
	p = nm_os_zalloc(sizeof(*p));
	if (!p) {
		nm_mem_put(mem);
		return -ENOMEM;
	}
	p->kind = NM_PORT_NULL;
	/* Geometry verbatim from the request, zero included. */
	p->nrings[NM_TX] = reg->nr_tx_rings;
	p->nrings[NM_RX] = reg->nr_rx_rings;
	p->nhost[NM_TX] = reg->nr_host_tx_rings;
	p->nhost[NM_RX] = reg->nr_host_rx_rings;
	p->nslots[NM_TX] = reg->nr_tx_slots;
	p->nslots[NM_RX] = reg->nr_rx_slots;
	snprintf(full, sizeof(full), "null:%s", name);
	err = nm_port_init(p, full, &nm_null_ops, mem);
	if (err) {
		nm_mem_put(mem);
		nm_os_free(p);
		return err;
	}
	*pp = p;
	return 0;
}
