// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_ctrl.c - NIOCCTRL: header validation, body and option chain copy-in and
 * copy-out, dispatch to the request handlers.
 *
 * The order of the checks is part of the ABI: applications and upstream's
 * ctrl-api-test observe which errno comes back when several things are wrong
 * at once, so the version is checked before any other field, and the option
 * chain is sized exactly as netmap-abi.md 2.6 describes.
 */
#include "nm_ctrl.h"
#include "vale.h"

static nm_mutex_t nm_ctrl_mutex;

void nm_ctrl_init(void)
{
	nm_mutex_init(&nm_ctrl_mutex);
}

void nm_ctrl_fini(void)
{
	nm_mutex_destroy(&nm_ctrl_mutex);
}

void nm_ctrl_lock(void)
{
	nm_mutex_lock(&nm_ctrl_mutex);
}

void nm_ctrl_unlock(void)
{
	nm_mutex_unlock(&nm_ctrl_mutex);
}

/* Body sizes by request type (netmap-abi.md 2.5); 0 means "no body". */
static const size_t nm_ctrl_body_sizes[] = {
	[NETMAP_REQ_REGISTER]		  = sizeof(struct nmreq_register),
	[NETMAP_REQ_PORT_INFO_GET]	  = sizeof(struct nmreq_port_info_get),
	[NETMAP_REQ_VALE_ATTACH]	  = sizeof(struct nmreq_vale_attach),
	[NETMAP_REQ_VALE_DETACH]	  = sizeof(struct nmreq_vale_detach),
	[NETMAP_REQ_VALE_LIST]		  = sizeof(struct nmreq_vale_list),
	[NETMAP_REQ_PORT_HDR_SET]	  = sizeof(struct nmreq_port_hdr),
	[NETMAP_REQ_PORT_HDR_GET]	  = sizeof(struct nmreq_port_hdr),
	[NETMAP_REQ_VALE_NEWIF]		  = sizeof(struct nmreq_vale_newif),
	[NETMAP_REQ_VALE_DELIF]		  = 0,
	[NETMAP_REQ_VALE_POLLING_ENABLE]  = sizeof(struct nmreq_vale_polling),
	[NETMAP_REQ_VALE_POLLING_DISABLE] = sizeof(struct nmreq_vale_polling),
	[NETMAP_REQ_POOLS_INFO_GET]	  = sizeof(struct nmreq_pools_info),
	[NETMAP_REQ_SYNC_KLOOP_START]	  = sizeof(struct nmreq_sync_kloop_start),
	[NETMAP_REQ_SYNC_KLOOP_STOP]	  = 0,
	[NETMAP_REQ_CSB_ENABLE]		  = 0,
};

#define NM_CTRL_NTYPES (sizeof(nm_ctrl_body_sizes) / sizeof(nm_ctrl_body_sizes[0]))
#define NM_CTRL_BODY_MAX 128

bool nm_ctrl_reqtype_known(unsigned int reqtype)
{
	return (reqtype >= NETMAP_REQ_REGISTER && reqtype < NM_CTRL_NTYPES) ||
	       reqtype == NETMAP_REQ_VALE_PORT_STATS;
}

size_t nm_ctrl_body_size(unsigned int reqtype)
{
	if (reqtype == NETMAP_REQ_VALE_PORT_STATS)
		return sizeof(struct nmreq_vale_port_stats);
	return nm_ctrl_reqtype_known(reqtype) ? nm_ctrl_body_sizes[reqtype] : 0;
}

int nm_ctrl_check_header(struct nmreq_header *hdr)
{
	size_t bsize;

	if (hdr->nr_version < NETMAP_MIN_API || hdr->nr_version > NETMAP_MAX_API)
		return -EINVAL;
	if (hdr->nr_reserved != 0)
		return -EINVAL;
	hdr->nr_name[sizeof(hdr->nr_name) - 1] = '\0';

	/*
	 * A body must be present exactly when the type has one; an unknown
	 * type has size 0, so a non-NULL body with it fails here too.
	 */
	bsize = nm_ctrl_body_size(hdr->nr_reqtype);
	if ((bsize != 0) != (hdr->nr_body != 0))
		return -EINVAL;
	if (!nm_ctrl_reqtype_known(hdr->nr_reqtype))
		return -EINVAL;
	return 0;
}

/* ---- options ---- */

/* Capacity of the kernel copy of a request (netmap-abi.md 2.6, rule 5). */
#define NM_OPT_CAPACITY		(16 + NETMAP_REQ_MAXSIZE + 8 * NETMAP_REQ_OPT_MAX)
#define NM_OPT_MAX_COUNT	(NM_OPT_CAPACITY / 32)

struct nm_opt {
	uint64_t uaddr;			/* where the header lives in user memory */
	struct nmreq_option h;
	uint32_t body_size;
	uint8_t *body;			/* kernel copy, for known types */
};

struct nm_opts {
	uint32_t n;
	struct nm_opt o[NM_OPT_MAX_COUNT];
	uint8_t bodies[NETMAP_REQ_MAXSIZE];
};

static uint32_t nm_opt_body_size(const struct nmreq_option *h)
{
	switch (h->nro_reqtype) {
	case NETMAP_REQ_OPT_EXTMEM:
		return sizeof(struct nmreq_opt_extmem) - sizeof(*h);
	case NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS:
		return (h->nro_size > sizeof(*h) ? h->nro_size : sizeof(*h)) -
		       sizeof(*h);
	case NETMAP_REQ_OPT_CSB:
		return sizeof(struct nmreq_opt_csb) - sizeof(*h);
	case NETMAP_REQ_OPT_SYNC_KLOOP_MODE:
		return sizeof(struct nmreq_opt_sync_kloop_mode) - sizeof(*h);
	case NETMAP_REQ_OPT_OFFSETS:
		return sizeof(struct nmreq_opt_offsets) - sizeof(*h);
	default:
		return 0;
	}
}

/*
 * Copy the chain in. Returns 0, or an errno; *written tells whether the
 * option headers read so far are to be written back (not after EMSGSIZE).
 */
static int nm_opts_copyin(struct nm_opts *ops, uint64_t uptr, size_t bsize,
			  bool *written)
{
	uint64_t used = 16 + bsize + 8 * NETMAP_REQ_OPT_MAX, logical = bsize;
	struct nm_opt *seen[NETMAP_REQ_OPT_MAX] = { NULL };
	uint32_t bodies = 0;

	*written = true;
	ops->n = 0;
	while (uptr) {
		struct nm_opt *o;
		uint32_t s, t;

		if (used + 32 > NM_OPT_CAPACITY || ops->n >= NM_OPT_MAX_COUNT) {
			*written = false;
			return -EMSGSIZE;
		}
		o = &ops->o[ops->n];
		if (nm_os_copy_from_user(&o->h, uptr, sizeof(o->h))) {
			*written = false;
			return -EFAULT;
		}
		o->uaddr = uptr;
		o->body = NULL;
		o->body_size = 0;
		o->h.nro_status = 0;
		ops->n++;
		used += 32;
		logical += sizeof(o->h);
		t = o->h.nro_reqtype;
		if (t == 0) {
			o->h.nro_status = EINVAL;
			return -EINVAL;
		}
		if (t < NETMAP_REQ_OPT_MAX) {
			if (seen[t]) {
				seen[t]->h.nro_status = EINVAL;
				o->h.nro_status = EINVAL;
				return -EINVAL;
			}
			seen[t] = o;
			s = nm_opt_body_size(&o->h);
			if (s > NETMAP_REQ_MAXSIZE ||
			    (t == NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS &&
			     o->h.nro_size > NETMAP_REQ_MAXSIZE) ||
			    logical + s > NETMAP_REQ_MAXSIZE ||
			    used + s > NM_OPT_CAPACITY ||
			    bodies + s > sizeof(ops->bodies)) {
				*written = false;
				return -EMSGSIZE;
			}
			o->body = ops->bodies + bodies;
			o->body_size = s;
			if (s && nm_os_copy_from_user(o->body, uptr + sizeof(o->h), s)) {
				*written = false;
				return -EFAULT;
			}
			bodies += s;
			used += s;
			logical += s;
		}
		uptr = o->h.nro_next;
	}
	return 0;
}

static void nm_opts_copyout(struct nm_opts *ops, bool success)
{
	uint32_t i;

	for (i = 0; i < ops->n; i++) {
		struct nm_opt *o = &ops->o[i];

		/* Best effort: the request's result does not change on a fault. */
		if (nm_os_copy_to_user(o->uaddr, &o->h, sizeof(o->h)))
			continue;
		if (success && o->h.nro_status == 0 && o->body_size)
			nm_os_copy_to_user(o->uaddr + sizeof(o->h), o->body,
					   o->body_size);
	}
}

static bool nm_opts_any_unsupported(const struct nm_opts *ops)
{
	uint32_t i;

	for (i = 0; ops && i < ops->n; i++)
		if (ops->o[i].h.nro_status == EOPNOTSUPP)
			return true;
	return false;
}

/* ---- handlers ---- */

static int nm_ctrl_port_info(struct nmreq_header *hdr,
			     struct nmreq_port_info_get *pi)
{
	struct nmreq_register reg;
	struct nm_port *p;
	struct nm_mem *mem;
	int err;

	if (!hdr->nr_name[0]) {
		mem = nm_mem_find_get(pi->nr_mem_id ? pi->nr_mem_id : 1);
		if (!mem)
			return -EINVAL;
		pi->nr_memsize = mem->memsize;
		pi->nr_mem_id = mem->id;
		nm_mem_put(mem);
		return 0;
	}
	memset(&reg, 0, sizeof(reg));
	reg.nr_mode = NR_REG_ALL_NIC;
	reg.nr_tx_slots = pi->nr_tx_slots;
	reg.nr_rx_slots = pi->nr_rx_slots;
	reg.nr_tx_rings = pi->nr_tx_rings;
	reg.nr_rx_rings = pi->nr_rx_rings;
	reg.nr_host_tx_rings = pi->nr_host_tx_rings;
	reg.nr_host_rx_rings = pi->nr_host_rx_rings;
	reg.nr_mem_id = pi->nr_mem_id;
	err = nm_port_lookup(hdr->nr_name, &reg, true, &p);
	if (err)
		return err;
	pi->nr_memsize = p->mem->memsize;
	pi->nr_tx_slots = p->nslots[NM_TX];
	pi->nr_rx_slots = p->nslots[NM_RX];
	pi->nr_tx_rings = p->nrings[NM_TX];
	pi->nr_rx_rings = p->nrings[NM_RX];
	pi->nr_host_tx_rings = p->nhost[NM_TX];
	pi->nr_host_rx_rings = p->nhost[NM_RX];
	pi->nr_mem_id = p->mem->id;
	nm_port_put(p);
	return 0;
}

static int nm_ctrl_pools_info(struct nmreq_header *hdr,
			      struct nmreq_pools_info *pi)
{
	struct nmreq_register reg;
	struct nm_port *p;
	int err;

	if (!hdr->nr_name[0])
		return -ENXIO;
	memset(&reg, 0, sizeof(reg));
	reg.nr_mode = NR_REG_ALL_NIC;
	reg.nr_mem_id = pi->nr_mem_id;
	err = nm_port_lookup(hdr->nr_name, &reg, true, &p);
	if (err)
		return err;
	nm_mem_pools_info(p->mem, pi);
	nm_port_put(p);
	return 0;
}

static int nm_ctrl_hdr_get(struct nmreq_header *hdr, struct nmreq_port_hdr *h)
{
	struct nm_port *p;
	int err;

	if (vale_name_is_vale(hdr->nr_name))
		return vale_hdr_get(hdr->nr_name, &h->nr_hdr_len);
	err = nm_os_netdev_port(hdr->nr_name, &p);
	if (err)
		return err;
	h->nr_hdr_len = p->virt_hdr_len;
	nm_port_put(p);
	return 0;
}

static int nm_ctrl_newif(struct nmreq_header *hdr, struct nmreq_vale_newif *req)
{
	if (!strncmp(hdr->nr_name, "vale", 4) || strlen(hdr->nr_name) >= 16 ||
	    !hdr->nr_name[0])
		return -EINVAL;
	return nm_os_persist_create(hdr->nr_name, req);
}

static int nm_ctrl_dispatch(struct nm_priv *priv, struct nmreq_header *hdr,
			    void *body, struct nm_opts *ops)
{
	switch (hdr->nr_reqtype) {
	case NETMAP_REQ_REGISTER:
		/* No option is supported on REGISTER yet (rule 7 of 2.6). */
		if (nm_opts_any_unsupported(ops))
			return -EOPNOTSUPP;
		return nm_bind_register(priv, hdr, body);
	case NETMAP_REQ_PORT_INFO_GET:
		return nm_ctrl_port_info(hdr, body);
	case NETMAP_REQ_VALE_ATTACH:
		return vale_attach(hdr, body);
	case NETMAP_REQ_VALE_DETACH:
		return vale_detach(hdr, body);
	case NETMAP_REQ_VALE_LIST:
		return vale_list(hdr, body);
	case NETMAP_REQ_PORT_HDR_SET:
		return vale_hdr_set(hdr->nr_name,
				    ((struct nmreq_port_hdr *)body)->nr_hdr_len);
	case NETMAP_REQ_PORT_HDR_GET:
		return nm_ctrl_hdr_get(hdr, body);
	case NETMAP_REQ_VALE_NEWIF:
		return nm_ctrl_newif(hdr, body);
	case NETMAP_REQ_VALE_DELIF:
		return nm_os_persist_delete(hdr->nr_name);
	case NETMAP_REQ_VALE_POLLING_ENABLE:
	case NETMAP_REQ_VALE_POLLING_DISABLE:
		return vale_polling(hdr, body, hdr->nr_reqtype ==
				    NETMAP_REQ_VALE_POLLING_ENABLE);
	case NETMAP_REQ_POOLS_INFO_GET:
		return nm_ctrl_pools_info(hdr, body);
	case NETMAP_REQ_SYNC_KLOOP_START:
		/* The kernel sync loop needs CSB mode, which is not offered. */
		if (!priv->port)
			return -ENXIO;
		return -EINVAL;
	case NETMAP_REQ_SYNC_KLOOP_STOP:
		return priv->port ? -EINVAL : -ENXIO;
	case NETMAP_REQ_CSB_ENABLE:
		/* Needs the CSB option, which this kernel does not support. */
		return nm_opts_any_unsupported(ops) ? -EOPNOTSUPP : -EINVAL;
	case NETMAP_REQ_VALE_PORT_STATS:
		return vale_port_stats(hdr->nr_name, body);
	default:
		return -EINVAL;
	}
}

int nm_ctrl_exec_kernel(struct nm_priv *priv, struct nmreq_header *hdr,
			void *body)
{
	int err;

	nm_ctrl_lock();
	err = nm_ctrl_dispatch(priv, hdr, body, NULL);
	nm_ctrl_unlock();
	return err;
}

int nm_ctrl_request(struct nm_priv *priv, struct nmreq_header *hdr)
{
	uint64_t body[NM_CTRL_BODY_MAX / sizeof(uint64_t)];
	struct nm_opts *ops = NULL;
	bool write_opts = false;
	size_t bsize;
	uint32_t i;
	int err;

	err = nm_ctrl_check_header(hdr);
	if (err)
		return err;

	bsize = nm_ctrl_body_size(hdr->nr_reqtype);
	if (bsize > sizeof(body))
		return -EINVAL;
	if (bsize && nm_os_copy_from_user(body, hdr->nr_body, bsize))
		return -EFAULT;

	if (hdr->nr_options) {
		ops = nm_os_zalloc(sizeof(*ops));
		if (!ops)
			return -ENOMEM;
		err = nm_opts_copyin(ops, hdr->nr_options, bsize, &write_opts);
		if (err)
			goto out;
		/* Every option is unsupported until a handler claims it. */
		for (i = 0; i < ops->n; i++)
			ops->o[i].h.nro_status = EOPNOTSUPP;
	}

	nm_ctrl_lock();
	err = nm_ctrl_dispatch(priv, hdr, bsize ? body : NULL, ops);
	nm_ctrl_unlock();

	if (!err && bsize && nm_os_copy_to_user(hdr->nr_body, body, bsize))
		err = -EFAULT;
out:
	if (ops) {
		if (write_opts)
			nm_opts_copyout(ops, err == 0);
		nm_os_free(ops);
	}
	return err;
}
