// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vale.c - VALE switches: bridge table, ephemeral ports, control requests and
 * the forwarding done by a sender's TX sync.
 *
 * Locking: the control lock serialises every change to the bridge table.
 * Each bridge has a readers/writer lock: a sender holds it for reading for a
 * whole batch (lookup, reservation, copy), so a port can only leave the
 * switch, or lose its rings, when no sender is copying into it. Destination
 * RX rings have a spinlock held only to lease slots and to publish them.
 */
#include "vale.h"
#include "vale_fwd.h"

struct vale_params vale_params = {
	.max_bridges = 64,
	.batch = VALE_BATCH_MAX,
};

static struct vale_bridge *vale_bridges;
static unsigned int vale_nbridges;

static const struct nm_port_ops vale_port_ops;

int vale_init(unsigned int max_bridges)
{
	unsigned int i;

	if (max_bridges < 1)
		max_bridges = 1;
	if (max_bridges > 4096)
		max_bridges = 4096;
	vale_bridges = nm_os_zalloc(max_bridges * sizeof(*vale_bridges));
	if (!vale_bridges)
		return -ENOMEM;
	vale_nbridges = max_bridges;
	for (i = 0; i < max_bridges; i++) {
		vale_bridges[i].idx = i;
		nm_rwsem_init(&vale_bridges[i].lock);
	}
	return 0;
}

void vale_fini(void)
{
	unsigned int i;

	for (i = 0; i < vale_nbridges; i++)
		nm_rwsem_destroy(&vale_bridges[i].lock);
	nm_os_free(vale_bridges);
	vale_bridges = NULL;
	vale_nbridges = 0;
}

static bool vale_namechar_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/*
 * Split "valeX:Y": returns the length of the bridge part (up to ':') or a
 * negative errno when the name is not a valid switch port name.
 */
static int vale_split(const char *name)
{
	const char *colon = strchr(name, ':');
	int blen, i;

	if (!colon)
		return -EINVAL;
	blen = (int)(colon - name);
	if (blen >= VALE_NAMSZ)
		return -EINVAL;
	for (i = 0; i < blen; i++)
		if (!vale_namechar_ok(name[i]))
			return -EINVAL;
	/* The port part: 1..15 characters. */
	if (colon[1] == '\0' || strlen(colon + 1) > 15)
		return -EINVAL;
	return blen;
}

static struct vale_bridge *vale_find_bridge(const char *name, int blen,
					    bool create, int *err)
{
	struct vale_bridge *free_b = NULL;
	unsigned int i;

	for (i = 0; i < vale_nbridges; i++) {
		struct vale_bridge *b = &vale_bridges[i];

		if (!b->used) {
			if (!free_b)
				free_b = b;
			continue;
		}
		if (b->namelen == blen && !strncmp(b->name, name, blen))
			return b;
	}
	if (!create) {
		*err = -ENXIO;
		return NULL;
	}
	if (!free_b) {
		nm_os_log(NM_LOG_WARN, "no room for switch %.*s: all %u in use",
			  blen, name, vale_nbridges);
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(free_b->name, name, blen);
	free_b->name[blen] = '\0';
	free_b->namelen = blen;
	free_b->used = true;
	free_b->nactive = 0;
	vale_learn_init(&free_b->learn);
	return free_b;
}

static struct vale_port *vale_find_port(struct vale_bridge *b, const char *name)
{
	uint16_t i;

	for (i = 0; i < b->nactive; i++) {
		struct vale_port *vp = b->ports[b->active[i]];

		if (!strcmp(vp->up.name, name))
			return vp;
	}
	return NULL;
}

static uint32_t vale_clamp(uint32_t v, uint32_t dflt, uint32_t max)
{
	return v == 0 ? dflt : v > max ? max : v;
}

static int vale_port_create(struct vale_bridge *b, const char *name,
			    struct nmreq_register *reg, struct vale_port **vpp)
{
	struct vale_port *vp;
	struct nm_mem *mem;
	uint32_t txr, rxr, txd, rxd;
	uint16_t idx;
	int err;

	/* Keep room for a host port, as the reference switch does. */
	if (b->nactive + 2 >= VALE_MAXPORTS)
		return -ENOMEM;
	txr = vale_clamp(reg->nr_tx_rings, 1, VALE_MAX_RINGS);
	rxr = vale_clamp(reg->nr_rx_rings, 1, VALE_MAX_RINGS);
	txd = vale_clamp(reg->nr_tx_slots, VALE_DEF_SLOTS, VALE_MAX_SLOTS);
	rxd = vale_clamp(reg->nr_rx_slots, VALE_DEF_SLOTS, VALE_MAX_SLOTS);
	if (reg->nr_mem_id) {
		mem = nm_mem_find_get(reg->nr_mem_id);
		if (!mem)
			return -EINVAL;
	} else {
		mem = nm_mem_private_new(txr, txd, rxr, rxd, 2,
					 reg->nr_extra_bufs, &err);
		if (!mem)
			return err;
	}
	vp = nm_os_zalloc(sizeof(*vp));
	if (!vp) {
		nm_mem_put(mem);
		return -ENOMEM;
	}
	vp->up.kind = NM_PORT_VALE;
	vp->up.nrings[NM_TX] = txr;
	vp->up.nrings[NM_RX] = rxr;
	vp->up.nslots[NM_TX] = txd;
	vp->up.nslots[NM_RX] = rxd;
	err = nm_port_init(&vp->up, name, &vale_port_ops, mem);
	if (err) {
		nm_mem_put(mem);
		nm_os_free(vp);
		return err;
	}
	for (idx = 0; idx < VALE_MAXPORTS && b->ports[idx]; idx++)
		;
	vp->b = b;
	vp->idx = idx;
	nm_rwsem_write(&b->lock);
	b->ports[idx] = vp;
	b->active[b->nactive++] = idx;
	nm_rwsem_write_unlock(&b->lock);
	*vpp = vp;
	return 0;
}

int vale_port_lookup(const char *name, struct nmreq_register *reg,
		     bool create, struct nm_port **pp)
{
	struct vale_bridge *b;
	struct vale_port *vp;
	int blen, err = 0;

	blen = vale_split(name);
	if (blen < 0)
		return blen;
	b = vale_find_bridge(name, blen, create, &err);
	if (!b)
		return err;
	vp = vale_find_port(b, name);
	if (vp) {
		*pp = nm_port_get(&vp->up);
		return 0;
	}
	if (!create) {
		err = -ENXIO;
		goto out_unused;
	}
	err = vale_port_create(b, name, reg, &vp);
	if (err)
		goto out_unused;
	*pp = &vp->up;
	return 0;
out_unused:
	if (b->nactive == 0)
		b->used = false;
	return err;
}

static void vale_port_dtor(struct nm_port *p)
{
	struct vale_port *vp = vale_port_of(p);
	struct vale_bridge *b = vp->b;
	uint16_t i;

	nm_rwsem_write(&b->lock);
	b->ports[vp->idx] = NULL;
	for (i = 0; i < b->nactive; i++) {
		if (b->active[i] == vp->idx) {
			b->active[i] = b->active[--b->nactive];
			break;
		}
	}
	vale_learn_forget(&b->learn, vp->idx);
	nm_rwsem_write_unlock(&b->lock);
	if (b->nactive == 0)
		b->used = false;
	nm_os_free(vp);
}

static int vale_port_reg(struct nm_port *p, bool on)
{
	struct vale_port *vp = vale_port_of(p);
	uint32_t i;

	if (on) {
		for (i = 0; i < p->nrings[NM_TX]; i++) {
			struct nm_kring *k = &p->krings[NM_TX][i];

			k->scratch = nm_os_zalloc(sizeof(struct vale_scratch));
			if (!k->scratch)
				goto fail;
			vale_scratch_init(k->scratch);
		}
	}
	/* Senders look at rx_on under the bridge lock held for reading. */
	nm_rwsem_write(&vp->b->lock);
	vp->rx_on = on;
	nm_rwsem_write_unlock(&vp->b->lock);
	if (on)
		return 0;
	i = p->nrings[NM_TX];
fail:
	while (i-- > 0) {
		nm_os_free(p->krings[NM_TX][i].scratch);
		p->krings[NM_TX][i].scratch = NULL;
	}
	return on ? -ENOMEM : 0;
}

static const struct nm_port_ops vale_port_ops = {
	.txsync = vale_txsync,
	.rxsync = vale_rxsync,
	.reg = vale_port_reg,
	.dtor = vale_port_dtor,
};

bool vale_port_is_vale(const struct nm_port *p)
{
	return p->ops == &vale_port_ops;
}

/* ---- control requests ---- */

int vale_list(struct nmreq_header *hdr, struct nmreq_vale_list *req)
{
	unsigned int bi;
	uint32_t pi;
	int blen, err = 0;

	if (hdr->nr_name[0]) {
		struct vale_bridge *b;
		struct vale_port *vp;

		if (strncmp(hdr->nr_name, "vale", 4))
			return -EINVAL;
		blen = vale_split(hdr->nr_name);
		if (blen < 0)
			return blen;
		b = vale_find_bridge(hdr->nr_name, blen, false, &err);
		if (!b)
			return -ENOENT;
		vp = vale_find_port(b, hdr->nr_name);
		req->nr_bridge_idx = b->idx;
		req->nr_port_idx = vp ? vp->idx : VALE_NOPORT;
		return 0;
	}
	/* Iterator: the first port at or after (bridge_idx, port_idx). */
	pi = req->nr_port_idx;
	for (bi = req->nr_bridge_idx; bi < vale_nbridges; bi++, pi = 0) {
		struct vale_bridge *b = &vale_bridges[bi];

		if (!b->used)
			continue;
		for (; pi < VALE_MAXPORTS; pi++) {
			struct vale_port *vp = b->ports[pi];

			if (!vp)
				continue;
			nm_strlcpy(hdr->nr_name, vp->up.name,
				   sizeof(hdr->nr_name));
			req->nr_bridge_idx = bi;
			req->nr_port_idx = pi;
			return 0;
		}
	}
	return -ENOENT;
}

/* An existing port of a switch, referenced, or -ENXIO. */
static int vale_existing(const char *name, struct nm_port **pp)
{
	struct nmreq_register reg;

	if (!vale_name_is_vale(name))
		return -ENXIO;
	memset(&reg, 0, sizeof(reg));
	return vale_port_lookup(name, &reg, false, pp) ? -ENXIO : 0;
}

int vale_hdr_set(const char *name, uint32_t len)
{
	struct nm_port *p;
	int err;

	if (len != 0 && len != 10 && len != 12)
		return -EINVAL;
	err = vale_existing(name, &p);
	if (err)
		return err;
	NM_WRITE_ONCE(p->virt_hdr_len, len);
	nm_port_put(p);
	return 0;
}

int vale_hdr_get(const char *name, uint32_t *len)
{
	struct nm_port *p;
	int err;

	err = vale_existing(name, &p);
	if (err)
		return err;
	*len = p->virt_hdr_len;
	nm_port_put(p);
	return 0;
}

int vale_port_stats(const char *name, struct nmreq_vale_port_stats *st)
{
	struct nm_port *p;
	uint32_t i;
	int err;

	err = vale_existing(name, &p);
	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	/* Plain reads: counters are only ever added to, torn reads are benign. */
	if (p->krings[NM_TX]) {
		for (i = 0; i < nm_port_nkrings(p, NM_TX); i++) {
			struct nm_kring_stats *s = &p->krings[NM_TX][i].stats;

			st->tx_packets += NM_READ_ONCE(s->pkts);
			st->tx_bytes += NM_READ_ONCE(s->bytes);
			st->drop_bad_slot += NM_READ_ONCE(s->drop_bad_slot);
			st->drop_hdr_mismatch += NM_READ_ONCE(s->drop_hdr_mismatch);
			st->drop_no_room += NM_READ_ONCE(s->drop_no_room);
		}
	}
	if (p->krings[NM_RX]) {
		for (i = 0; i < nm_port_nkrings(p, NM_RX); i++) {
			struct nm_kring_stats *s = &p->krings[NM_RX][i].stats;

			st->rx_packets += NM_READ_ONCE(s->pkts);
			st->rx_bytes += NM_READ_ONCE(s->bytes);
			st->drop_bad_slot += NM_READ_ONCE(s->drop_bad_slot);
			st->drop_hdr_mismatch += NM_READ_ONCE(s->drop_hdr_mismatch);
			st->drop_no_room += NM_READ_ONCE(s->drop_no_room);
		}
	}
	nm_port_put(p);
	return 0;
}

/*
 * Attaching network devices (NICs, persistent ports) needs the uplink
 * adapters; until a device can be found by name, every interface a request
 * names "does not exist", which the ABI answers as below.
 */
int vale_attach(struct nmreq_header *hdr, struct nmreq_vale_attach *req)
{
	const char *name = hdr->nr_name;
	struct nm_port *p;
	int blen, err;

	if (!vale_name_is_vale(name))
		return -EINVAL;
	blen = vale_split(name);
	if (blen < 0)
		return -ENOMEM;
	if (req->reg.nr_mode != NR_REG_ALL_NIC && req->reg.nr_mode != NR_REG_NIC_SW)
		return -EINVAL;
	if (req->reg.nr_ringid != 0)
		return -EINVAL;
	if (!vale_existing(name, &p)) {
		/* Already a port of this switch. */
		nm_port_put(p);
		return -EBUSY;
	}
	err = nm_os_netdev_port(name + blen + 1, &p);
	if (err)
		return -EINVAL;
	nm_port_put(p);
	return -EOPNOTSUPP;
}

int vale_detach(struct nmreq_header *hdr, struct nmreq_vale_detach *req)
{
	struct nm_port *p;
	int err;

	(void)req;
	if (!vale_name_is_vale(hdr->nr_name))
		return -EINVAL;
	err = vale_existing(hdr->nr_name, &p);
	if (err)
		return err;
	/* An ephemeral port was never attached: nothing to detach. */
	nm_port_put(p);
	return -EINVAL;
}

int vale_polling(struct nmreq_header *hdr, struct nmreq_vale_polling *req,
		 bool enable)
{
	struct nm_port *p;
	int err;

	(void)req;
	(void)enable;
	if (!vale_name_is_vale(hdr->nr_name))
		return -EINVAL;
	err = vale_existing(hdr->nr_name, &p);
	if (err)
		return err;
	/* Polling threads serve NIC ports only. */
	nm_port_put(p);
	return -EOPNOTSUPP;
}
