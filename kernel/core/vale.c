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
	void *ns = nm_os_netns_cur();
	unsigned int i;

	for (i = 0; i < vale_nbridges; i++) {
		struct vale_bridge *b = &vale_bridges[i];

		if (!b->used) {
			if (!free_b)
				free_b = b;
			continue;
		}
		/* Same name in another network namespace: another switch. */
		if (b->ns == ns && b->namelen == blen && !strncmp(b->name, name, blen))
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
	free_b->ns = nm_os_netns_get();
	free_b->nactive = 0;
	vale_learn_init(&free_b->learn);
	return free_b;
}

/* A switch without ports ceases to exist. */
static void vale_bridge_put_if_empty(struct vale_bridge *b)
{
	if (!b->used || b->nactive)
		return;
	b->used = false;
	nm_os_netns_put(b->ns);
	b->ns = NULL;
}

/* The member of @b whose port name is the part of @name after ':'. */
static struct vale_port *vale_find_port(struct vale_bridge *b, const char *name,
					uint16_t *idx)
{
	const char *pname = strchr(name, ':') + 1;
	uint16_t i;

	for (i = 0; i < b->nactive; i++) {
		struct vale_port *vp = b->ports[b->active[i]];

		if (!strcmp(vp->pname, pname)) {
			if (idx)
				*idx = b->active[i];
			return vp;
		}
	}
	return NULL;
}

static struct vale_member *vale_membership(struct vale_port *vp,
					   const struct vale_bridge *b)
{
	uint8_t i;

	for (i = 0; i < vp->nm; i++)
		if (vp->m[i].b == b)
			return &vp->m[i];
	return NULL;
}

/* Put @vp into @b; the caller checked there is room. */
static void vale_join(struct vale_port *vp, struct vale_bridge *b)
{
	struct vale_member *m = &vp->m[vp->nm];
	uint16_t idx;

	for (idx = 0; idx < VALE_MAXPORTS && b->ports[idx]; idx++)
		;
	nm_rwsem_write(&b->lock);
	m->b = b;
	m->idx = idx;
	m->last_smac = 0;
	b->ports[idx] = vp;
	b->active[b->nactive++] = idx;
	vp->nm++;
	nm_rwsem_write_unlock(&b->lock);
}

/* Take @vp out of the switch of membership @mi. */
static void vale_leave(struct vale_port *vp, uint8_t mi)
{
	struct vale_bridge *b = vp->m[mi].b;
	uint16_t idx = vp->m[mi].idx, i;

	nm_rwsem_write(&b->lock);
	b->ports[idx] = NULL;
	for (i = 0; i < b->nactive; i++) {
		if (b->active[i] == idx) {
			b->active[i] = b->active[--b->nactive];
			break;
		}
	}
	vale_learn_forget(&b->learn, idx);
	for (; mi + 1 < vp->nm; mi++)
		vp->m[mi] = vp->m[mi + 1];
	vp->nm--;
	memset(&vp->m[vp->nm], 0, sizeof(vp->m[0]));
	nm_rwsem_write_unlock(&b->lock);
	vale_bridge_put_if_empty(b);
}

static bool vale_bridge_full(const struct vale_bridge *b)
{
	/* Keep room for a host port, as the reference switch does. */
	return b->nactive + 2 >= VALE_MAXPORTS;
}

static uint32_t vale_clamp(uint32_t v, uint32_t dflt, uint32_t max)
{
	return v == 0 ? dflt : v > max ? max : v;
}

/* A switch port with its own allocator (or @mem_id's), in no switch yet. */
static int vale_port_alloc(const char *name, uint32_t txr, uint32_t rxr,
			   uint32_t txd, uint32_t rxd, uint16_t mem_id,
			   uint32_t npipes, uint32_t extra_bufs,
			   struct vale_port **vpp)
{
	struct vale_port *vp;
	struct nm_mem *mem;
	int err;

	txr = vale_clamp(txr, 1, VALE_MAX_RINGS);
	rxr = vale_clamp(rxr, 1, VALE_MAX_RINGS);
	txd = vale_clamp(txd, VALE_DEF_SLOTS, VALE_MAX_SLOTS);
	rxd = vale_clamp(rxd, VALE_DEF_SLOTS, VALE_MAX_SLOTS);
	if (mem_id) {
		mem = nm_mem_find_get(mem_id);
		if (!mem)
			return -EINVAL;
	} else {
		mem = nm_mem_private_new(txr, txd, rxr, rxd, npipes, extra_bufs,
					 &err);
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
	*vpp = vp;
	return 0;
}

static int vale_port_create(struct vale_bridge *b, const char *name,
			    struct nmreq_register *reg, struct vale_port **vpp)
{
	struct vale_port *vp;
	int err;

	if (vale_bridge_full(b))
		return -ENOMEM;
	err = vale_port_alloc(name, reg->nr_tx_rings, reg->nr_rx_rings,
			      reg->nr_tx_slots, reg->nr_rx_slots,
			      reg->nr_mem_id, 2, reg->nr_extra_bufs, &vp);
	if (err)
		return err;
	nm_strlcpy(vp->pname, strchr(name, ':') + 1, sizeof(vp->pname));
	vale_join(vp, b);
	*vpp = vp;
	return 0;
}

int vale_port_lookup(const char *name, struct nmreq_register *reg,
		     bool create, struct nm_port **pp)
{
	struct vale_bridge *b;
	struct vale_port *vp;
	struct nm_port *dev;
	int blen, err = 0;

	blen = vale_split(name);
	if (blen < 0)
		return blen;
	b = vale_find_bridge(name, blen, create, &err);
	if (!b)
		return err;
	vp = vale_find_port(b, name, NULL);
	if (vp) {
		/* An uplink's switch ports belong to the kernel. */
		if (vp->kernel && create)
			return -EBUSY;
		*pp = nm_port_get(&vp->up);
		return 0;
	}
	if (!create) {
		err = -ENXIO;
		goto out_unused;
	}
	/* A network device of that name must be attached first, not shadowed. */
	err = nm_os_netdev_port(name + blen + 1, &dev);
	if (err != -ENXIO) {
		if (!err)
			nm_port_put(dev);
		err = -EINVAL;
		goto out_unused;
	}
	err = vale_port_create(b, name, reg, &vp);
	if (err)
		goto out_unused;
	*pp = &vp->up;
	return 0;
out_unused:
	vale_bridge_put_if_empty(b);
	return err;
}

static void vale_port_dtor(struct nm_port *p)
{
	struct vale_port *vp = vale_port_of(p);

	/* Persistent ports: memberships hold references, so none is left. */
	while (vp->nm)
		vale_leave(vp, vp->nm - 1);
	nm_os_free(vp);
}

/* Change rx_on where every switch the port is in can see it. */
static void vale_set_rx_on(struct vale_port *vp, bool on)
{
	uint8_t i;

	for (i = 0; i < vp->nm; i++)
		nm_rwsem_write(&vp->m[i].b->lock);
	vp->rx_on = on;
	for (i = vp->nm; i-- > 0; )
		nm_rwsem_write_unlock(&vp->m[i].b->lock);
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
	vale_set_rx_on(vp, on);
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

/*
 * Persistent ports the stack uses: in a switch and held by no application,
 * the kernel keeps the port active (one active_fd of its own) and the OS
 * layer carries frames between its rings and the device's stack. An
 * application that binds the port gets fresh rings; when it goes, the
 * stack has the port again. @app_coming: an application is binding it.
 */
static void vale_persist_kmode(struct vale_port *vp, bool app_coming)
{
	struct nm_port *p = &vp->up;
	unsigned int app_fds = p->active_fds - (vp->kfd ? 1 : 0);
	bool want = vp->persistent && vp->nm > 0 && app_fds == 0 && !app_coming;
	int err;

	if (want == vp->kfd)
		return;
	if (!want) {
		nm_os_persist_stack(p, false);
		vp->kfd = false;
		if (--p->active_fds == 0)
			nm_port_deactivate(p);
		return;
	}
	if (p->active_fds == 0) {
		err = nm_port_activate(p);
		if (err) {
			nm_os_log(NM_LOG_WARN, "%s: no rings for the stack (%d)",
				  p->name, err);
			return;
		}
	}
	p->active_fds++;
	vp->kfd = true;
	if (nm_os_persist_stack(p, true)) {
		vp->kfd = false;
		if (--p->active_fds == 0)
			nm_port_deactivate(p);
	}
}

static void vale_port_app_enter(struct nm_port *p)
{
	vale_persist_kmode(vale_port_of(p), true);
}

static void vale_port_app_leave(struct nm_port *p)
{
	vale_persist_kmode(vale_port_of(p), false);
}

static const struct nm_port_ops vale_port_ops = {
	.txsync = vale_txsync,
	.rxsync = vale_rxsync,
	.reg = vale_port_reg,
	.dtor = vale_port_dtor,
	.app_enter = vale_port_app_enter,
	.app_leave = vale_port_app_leave,
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
	uint16_t idx;
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
		idx = VALE_NOPORT;
		vp = vale_find_port(b, hdr->nr_name, &idx);
		req->nr_bridge_idx = b->idx;
		req->nr_port_idx = vp ? idx : VALE_NOPORT;
		return 0;
	}
	/* Iterator: the first port at or after (bridge_idx, port_idx). */
	pi = req->nr_port_idx;
	for (bi = req->nr_bridge_idx; bi < vale_nbridges; bi++, pi = 0) {
		struct vale_bridge *b = &vale_bridges[bi];

		if (!b->used || b->ns != nm_os_netns_cur())
			continue;
		for (; pi < VALE_MAXPORTS; pi++) {
			struct vale_port *vp = b->ports[pi];

			if (!vp)
				continue;
			snprintf(hdr->nr_name, sizeof(hdr->nr_name), "%s:%s",
				 b->name, vp->pname);
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

/* ---- uplinks: NIC ports in a switch ---- */

/* A switch port the kernel drives, with rings, in no switch yet. */
static int vale_kport_new(const char *pname, struct nm_port *nic, uint32_t txr,
			  uint32_t rxr, struct vale_port **vpp)
{
	struct vale_port *vp;
	int err;

	/* No application opens it, so no pipe either: 8 MB, not 40. */
	err = vale_port_alloc(pname, txr, rxr, VALE_DEF_SLOTS, VALE_DEF_SLOTS,
			      0, 0, 0, &vp);
	if (err)
		return err;
	vp->kernel = true;
	vp->up.os_priv = nic;
	nm_strlcpy(vp->pname, pname, sizeof(vp->pname));
	err = nm_port_activate(&vp->up);
	if (err) {
		nm_port_put(&vp->up);
		return err;
	}
	/* The kernel is its one user, for as long as it exists. */
	vp->up.active_fds = 1;
	*vpp = vp;
	return 0;
}

static void vale_kport_del(struct vale_port *vp)
{
	while (vp->nm)
		vale_leave(vp, vp->nm - 1);
	vp->up.active_fds = 0;
	nm_port_deactivate(&vp->up);
	nm_port_put(&vp->up);
}

/*
 * Put NIC @nic into the switch of @name: as the port "IF" and, with @host,
 * its host stack as the port "IF^". Takes over the caller's reference on
 * @nic when it succeeds.
 */
static int vale_uplink_attach(const char *name, int blen, struct nm_port *nic,
			      bool host, uint32_t *idx)
{
	struct vale_port *w = NULL, *hw = NULL;
	char hname[16];
	struct vale_bridge *b;
	int err;

	/* Opened by an application, or already in a switch. */
	if (nic->active_fds || nic->wrap[0])
		return -EBUSY;
	if (strlen(nic->name) + 2 > sizeof(hname))
		return -ENAMETOOLONG;
	b = vale_find_bridge(name, blen, true, &err);
	if (!b)
		return err;
	/* Room for both sides: the slot kept free is the host port's. */
	if (b->nactive + (host ? 2 : 1) > VALE_MAXPORTS) {
		err = -ENOMEM;
		goto fail_bridge;
	}
	/* NIC receive queues feed the switch, its transmit queues drain it. */
	err = vale_kport_new(nic->name, nic, nic->nrings[NM_RX],
			     nic->nrings[NM_TX], &w);
	if (err)
		goto fail_bridge;
	if (host) {
		snprintf(hname, sizeof(hname), "%s^", nic->name);
		err = vale_kport_new(hname, nic, nic->nhost[NM_RX],
				     nic->nhost[NM_TX], &hw);
		if (err)
			goto fail_w;
	}
	vale_join(w, b);
	if (hw)
		vale_join(hw, b);
	nic->wrap[0] = &w->up;
	nic->wrap[1] = hw ? &hw->up : NULL;
	err = nm_os_uplink_start(nic);
	if (err)
		goto fail_start;
	*idx = w->m[0].idx;
	return 0;
fail_start:
	nic->wrap[0] = nic->wrap[1] = NULL;
	if (hw)
		vale_kport_del(hw);
fail_w:
	vale_kport_del(w);
	return err;
fail_bridge:
	vale_bridge_put_if_empty(b);
	return err;
}

/* Take NIC @nic out of its switch and drop the reference the attach kept. */
void vale_uplink_detach(struct nm_port *nic)
{
	struct nm_port *w = nic->wrap[0], *hw = nic->wrap[1];

	if (!w)
		return;
	nm_os_uplink_stop(nic);
	nic->wrap[0] = nic->wrap[1] = NULL;
	if (hw)
		vale_kport_del(vale_port_of(hw));
	vale_kport_del(vale_port_of(w));
	nm_port_put(nic);
}

/*
 * VALE_ATTACH "valeX:IF": IF is a network device. Persistent ports join the
 * switch (up to two); a NIC joins one switch as an uplink.
 */
int vale_attach(struct nmreq_header *hdr, struct nmreq_vale_attach *req)
{
	const char *name = hdr->nr_name;
	struct vale_bridge *b;
	struct vale_port *vp;
	struct nm_port *p;
	int blen, err = 0;

	if (!vale_name_is_vale(name))
		return -EINVAL;
	blen = vale_split(name);
	if (blen < 0)
		return -ENOMEM;
	if (req->reg.nr_mode != NR_REG_ALL_NIC && req->reg.nr_mode != NR_REG_NIC_SW)
		return -EINVAL;
	if (req->reg.nr_ringid != 0)
		return -EINVAL;
	if (req->reg.nr_mem_id) {
		struct nm_mem *mem = nm_mem_find_get(req->reg.nr_mem_id);

		if (!mem)
			return -EINVAL;
		nm_mem_put(mem);
	}
	if (!vale_existing(name, &p)) {
		/* Already a port of this switch. */
		nm_port_put(p);
		return -EBUSY;
	}
	err = nm_os_netdev_port(name + blen + 1, &p);
	if (err)
		return err == -ENXIO ? -EINVAL : err;
	if (p->kind & NM_PORT_NIC) {
		err = vale_uplink_attach(name, blen, p,
					 req->reg.nr_mode == NR_REG_NIC_SW,
					 &req->port_index);
		if (err)
			nm_port_put(p);
		return err;
	}
	if (!vale_port_is_vale(p) || !vale_port_of(p)->persistent) {
		nm_port_put(p);
		return -EOPNOTSUPP;
	}
	vp = vale_port_of(p);
	/* In use by an application that opened the device itself. */
	if ((p->active_fds && vp->nm == 0) || vp->nm >= VALE_MAX_MEMBERSHIPS) {
		nm_port_put(p);
		return -EBUSY;
	}
	b = vale_find_bridge(name, blen, true, &err);
	if (!b) {
		nm_port_put(p);
		return err;
	}
	if (vale_bridge_full(b)) {
		vale_bridge_put_if_empty(b);
		nm_port_put(p);
		return -ENOMEM;
	}
	/* The membership keeps the reference taken by the lookup. */
	vale_join(vp, b);
	if (vp->rx_on)
		vale_set_rx_on(vp, true);
	req->port_index = vp->m[vp->nm - 1].idx;
	vale_persist_kmode(vp, false);
	return 0;
}

int vale_detach(struct nmreq_header *hdr, struct nmreq_vale_detach *req)
{
	struct vale_member *m;
	struct vale_port *vp;
	struct nm_port *p;
	int err;

	if (!vale_name_is_vale(hdr->nr_name))
		return -EINVAL;
	err = vale_existing(hdr->nr_name, &p);
	if (err)
		return err;
	vp = vale_port_of(p);
	if (vp->kernel) {
		struct nm_port *nic = vp->up.os_priv;

		nm_port_put(p);
		/* Stop the polling threads first (netmap-abi.md 6.3). */
		if (nm_os_uplink_polling(nic))
			return -EBUSY;
		req->port_index = vp->m[0].idx;
		vale_uplink_detach(nic);
		return 0;
	}
	if (!vp->persistent) {
		/* An ephemeral port was never attached: nothing to detach. */
		nm_port_put(p);
		return -EINVAL;
	}
	m = vale_membership(vp, vale_find_bridge(hdr->nr_name,
			    vale_split(hdr->nr_name), false, &err));
	/* The first switch goes last: the second was attached on top of it. */
	if (!m || (m == &vp->m[0] && vp->nm > 1)) {
		nm_port_put(p);
		return -EBUSY;
	}
	req->port_index = m->idx;
	vale_leave(vp, (uint8_t)(m - vp->m));
	vale_persist_kmode(vp, false);
	nm_port_put(p);		/* the lookup's */
	nm_port_put(p);		/* the membership's */
	return 0;
}

/* ---- persistent ports ---- */

int vale_persist_new(const char *ifname, struct nmreq_vale_newif *req,
		     struct nm_port **pp)
{
	struct vale_port *vp;
	int err;

	err = vale_port_alloc(ifname, req->nr_tx_rings, req->nr_rx_rings,
			      req->nr_tx_slots, req->nr_rx_slots,
			      req->nr_mem_id, 2, 0, &vp);
	if (err)
		return err;
	vp->persistent = true;
	nm_strlcpy(vp->pname, ifname, sizeof(vp->pname));
	req->nr_tx_rings = vp->up.nrings[NM_TX];
	req->nr_rx_rings = vp->up.nrings[NM_RX];
	req->nr_tx_slots = vp->up.nslots[NM_TX];
	req->nr_rx_slots = vp->up.nslots[NM_RX];
	req->nr_mem_id = vp->up.mem->id;
	*pp = &vp->up;
	return 0;
}

bool vale_persist_busy(struct nm_port *p)
{
	struct vale_port *vp = vale_port_of(p);

	return vp->nm > 0 || p->active_fds > 0;
}

void vale_persist_detach_all(struct nm_port *p)
{
	struct vale_port *vp = vale_port_of(p);

	while (vp->nm) {
		vale_leave(vp, vp->nm - 1);
		nm_port_put(p);
	}
	vale_persist_kmode(vp, false);
}

/*
 * VALE_POLLING_ENABLE/DISABLE on "valeX:IF", IF an uplink: kernel threads
 * forward what IF receives. Mode and CPUs are checked by the OS layer.
 */
int vale_polling(struct nmreq_header *hdr, struct nmreq_vale_polling *req,
		 bool enable)
{
	struct vale_port *vp;
	struct nm_port *p;
	int err;

	if (!vale_name_is_vale(hdr->nr_name))
		return -EINVAL;
	err = vale_existing(hdr->nr_name, &p);
	if (err)
		return err;
	vp = vale_port_of(p);
	if (!vp->kernel) {
		/* Polling threads serve NIC ports only. */
		nm_port_put(p);
		return -EOPNOTSUPP;
	}
	err = nm_os_uplink_poll(vp->up.os_priv, enable, req->nr_mode,
				req->nr_first_cpu_id, req->nr_num_polling_cpus);
	nm_port_put(p);
	return err;
}
