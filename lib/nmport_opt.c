// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmport_opt.c - libnetmap: request options attached to a descriptor
 * (extmem, offsets) and the built-in portspec options that produce them
 * (share, conf, extmem, offset).
 *
 * Every option pushed onto d->hdr registers an undo record, so a failed
 * parse or nmport_undo_parse() removes exactly what was added.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "nmport_priv.h"

/* ------------------------------------------------------------------ */
/* EXTMEM */

static void nmport_extmem_undo(struct nmport_cleanup_d *c, struct nmport_d *d)
{
	(void)c;
	if (d->extmem == NULL)
		return;
	nmreq_remove_option(&d->hdr, &d->extmem->nro_opt);
	nmctx_free(d->ctx, d->extmem);
	d->extmem = NULL;
}

int nmport_extmem(struct nmport_d *d, void *base, size_t size)
{
	struct nmport_cleanup_d *c;
	struct nmreq_opt_extmem *opt;

	if (d->register_done) {
		nmctx_ferror(d->ctx, "%s: extmem must be set before the port "
			     "is registered", d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	if (d->extmem != NULL) {
		nmctx_ferror(d->ctx, "%s: extmem already set",
			     d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	c = nmport_cleanup_new(d, sizeof(*c), nmport_extmem_undo);
	if (c == NULL)
		return -1;
	opt = nmctx_malloc(d->ctx, sizeof(*opt));
	if (opt == NULL) {
		nmctx_free(d->ctx, c);
		nmctx_ferror(d->ctx, "%s: out of memory", d->hdr.nr_name);
		errno = ENOMEM;
		return -1;
	}
	memset(opt, 0, sizeof(*opt));
	opt->nro_opt.nro_reqtype = NETMAP_REQ_OPT_EXTMEM;
	opt->nro_usrptr = (uint64_t)(uintptr_t)base;
	opt->nro_info.nr_memsize = size;
	nmreq_push_option(&d->hdr, &opt->nro_opt);
	d->extmem = opt;
	nmport_cleanup_push(d, c);
	return 0;
}

struct nmport_file_map {
	struct nmport_cleanup_d	c;
	void			*addr;
	size_t			size;
};

static void nmport_file_unmap(struct nmport_cleanup_d *c, struct nmport_d *d)
{
	struct nmport_file_map *m = (struct nmport_file_map *)c;

	(void)d;
	munmap(m->addr, m->size);
}

int nmport_extmem_from_file(struct nmport_d *d, const char *fname)
{
	struct nmport_cleanup_d *mark = d->clist;
	struct nmport_file_map *m;
	struct stat st;
	void *addr;
	int fd, saved;

	if (fname == NULL || *fname == '\0') {
		nmctx_ferror(d->ctx, "extmem: missing file name");
		errno = EINVAL;
		return -1;
	}
	fd = open(fname, O_RDWR);
	if (fd < 0) {
		saved = errno;
		nmctx_ferror(d->ctx, "extmem: cannot open '%s': %s", fname,
			     strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		saved = st.st_size <= 0 ? EINVAL : errno;
		nmctx_ferror(d->ctx, "extmem: '%s' is empty or unreadable",
			     fname);
		close(fd);
		errno = saved;
		return -1;
	}
	addr = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	saved = errno;
	close(fd);
	if (addr == MAP_FAILED) {
		nmctx_ferror(d->ctx, "extmem: cannot map '%s': %s", fname,
			     strerror(saved));
		errno = saved;
		return -1;
	}

	m = (struct nmport_file_map *)nmport_cleanup_new(d, sizeof(*m),
							 nmport_file_unmap);
	if (m == NULL) {
		munmap(addr, (size_t)st.st_size);
		return -1;
	}
	m->addr = addr;
	m->size = (size_t)st.st_size;
	nmport_cleanup_push(d, &m->c);

	if (nmport_extmem(d, addr, (size_t)st.st_size) < 0) {
		saved = errno;
		nmport_cleanup_until(d, mark);
		errno = saved;
		return -1;
	}
	return 0;
}

struct nmreq_pools_info *nmport_extmem_getinfo(struct nmport_d *d)
{
	return d->extmem != NULL ? &d->extmem->nro_info : NULL;
}

/* ------------------------------------------------------------------ */
/* OFFSETS */

struct nmport_offset_rec {
	struct nmport_cleanup_d		c;
	struct nmreq_opt_offsets	*opt;
};

static void nmport_offset_undo(struct nmport_cleanup_d *c, struct nmport_d *d)
{
	struct nmport_offset_rec *r = (struct nmport_offset_rec *)c;

	nmreq_remove_option(&d->hdr, &r->opt->nro_opt);
	nmctx_free(d->ctx, r->opt);
}

int nmport_offset(struct nmport_d *d, uint64_t initial, uint64_t maxoff,
		  uint64_t bits, uint64_t mingap)
{
	struct nmport_offset_rec *r;
	struct nmreq_opt_offsets *opt;

	if (bits > 64) {
		nmctx_ferror(d->ctx, "offset: at most 64 bits");
		errno = EINVAL;
		return -1;
	}
	r = (struct nmport_offset_rec *)nmport_cleanup_new(d, sizeof(*r),
							   nmport_offset_undo);
	if (r == NULL)
		return -1;
	opt = nmctx_malloc(d->ctx, sizeof(*opt));
	if (opt == NULL) {
		nmctx_free(d->ctx, r);
		nmctx_ferror(d->ctx, "%s: out of memory", d->hdr.nr_name);
		errno = ENOMEM;
		return -1;
	}
	memset(opt, 0, sizeof(*opt));
	opt->nro_opt.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	opt->nro_max_offset = maxoff;
	opt->nro_initial_offset = initial;
	opt->nro_offset_bits = (uint32_t)bits;
	opt->nro_min_gap = mingap;
	r->opt = opt;
	nmreq_push_option(&d->hdr, &opt->nro_opt);
	nmport_cleanup_push(d, &r->c);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Built-in portspec options. */

/* Strict decimal value of key @key of option @opt, at most @max. */
static int nmport_opt_num(struct nmreq_parse_ctx *p, const char *opt,
			  const char *key, const char *val, uint64_t max,
			  uint64_t *out)
{
	const char *s = val;

	if (nm_parse_decimal(&s, max, out) < 0 || *s != '\0') {
		nmctx_ferror(p->ctx, "option '%s': %s=%s is not a number in "
			     "[0, %" PRIu64 "]", opt, key, val, max);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* share=PORT */
enum { SHARE_PORT };

static int nmport_opt_share(struct nmreq_parse_ctx *p)
{
	struct nmport_d *d = p->token;
	const char *port = p->keys[SHARE_PORT];
	int32_t mem_id;

	mem_id = nmreq_get_mem_id(&port, p->ctx);
	if (mem_id < 0)
		return -1;
	if (d->reg.nr_mem_id != 0 && d->reg.nr_mem_id != mem_id) {
		nmctx_ferror(p->ctx, "share: memory id %" PRId32 " of '%s' "
			     "conflicts with %u", mem_id, p->keys[SHARE_PORT],
			     (unsigned int)d->reg.nr_mem_id);
		errno = EINVAL;
		return -1;
	}
	d->reg.nr_mem_id = (uint16_t)mem_id;
	return 0;
}

/* conf:rings=..,host-rings=..,slots=..,tx-rings=..,... */
enum {
	CONF_RINGS, CONF_HOST_RINGS, CONF_SLOTS,
	CONF_TX_RINGS, CONF_RX_RINGS, CONF_HOST_TX_RINGS, CONF_HOST_RX_RINGS,
	CONF_TX_SLOTS, CONF_RX_SLOTS, CONF_NKEYS
};

static int nmport_opt_conf(struct nmreq_parse_ctx *p)
{
	static const char *const names[CONF_NKEYS] = {
		"rings", "host-rings", "slots", "tx-rings", "rx-rings",
		"host-tx-rings", "host-rx-rings", "tx-slots", "rx-slots",
	};
	struct nmport_d *d = p->token;
	struct nmreq_register r = d->reg;
	uint64_t v[CONF_NKEYS];
	int i;

	for (i = 0; i < CONF_NKEYS; i++) {
		int slots = (i == CONF_SLOTS || i == CONF_TX_SLOTS ||
			     i == CONF_RX_SLOTS);

		if (p->keys[i] == NULL)
			continue;
		if (nmport_opt_num(p, "conf", names[i], p->keys[i],
				   slots ? UINT32_MAX : UINT16_MAX,
				   &v[i]) < 0)
			return -1;
	}
	/* The general keys first, so the specific ones override them. */
	if (p->keys[CONF_RINGS] != NULL)
		r.nr_tx_rings = r.nr_rx_rings = (uint16_t)v[CONF_RINGS];
	if (p->keys[CONF_HOST_RINGS] != NULL)
		r.nr_host_tx_rings = r.nr_host_rx_rings =
			(uint16_t)v[CONF_HOST_RINGS];
	if (p->keys[CONF_SLOTS] != NULL)
		r.nr_tx_slots = r.nr_rx_slots = (uint32_t)v[CONF_SLOTS];
	if (p->keys[CONF_TX_RINGS] != NULL)
		r.nr_tx_rings = (uint16_t)v[CONF_TX_RINGS];
	if (p->keys[CONF_RX_RINGS] != NULL)
		r.nr_rx_rings = (uint16_t)v[CONF_RX_RINGS];
	if (p->keys[CONF_HOST_TX_RINGS] != NULL)
		r.nr_host_tx_rings = (uint16_t)v[CONF_HOST_TX_RINGS];
	if (p->keys[CONF_HOST_RX_RINGS] != NULL)
		r.nr_host_rx_rings = (uint16_t)v[CONF_HOST_RX_RINGS];
	if (p->keys[CONF_TX_SLOTS] != NULL)
		r.nr_tx_slots = (uint32_t)v[CONF_TX_SLOTS];
	if (p->keys[CONF_RX_SLOTS] != NULL)
		r.nr_rx_slots = (uint32_t)v[CONF_RX_SLOTS];
	d->reg = r;
	return 0;
}

/* extmem:file=PATH,if-num=..,if-size=..,ring-num=..,... */
enum {
	EXTMEM_FILE, EXTMEM_IF_NUM, EXTMEM_IF_SIZE, EXTMEM_RING_NUM,
	EXTMEM_RING_SIZE, EXTMEM_BUF_NUM, EXTMEM_BUF_SIZE, EXTMEM_NKEYS
};

static int nmport_opt_extmem(struct nmreq_parse_ctx *p)
{
	static const char *const names[EXTMEM_NKEYS] = {
		"file", "if-num", "if-size", "ring-num", "ring-size",
		"buf-num", "buf-size",
	};
	struct nmport_d *d = p->token;
	struct nmreq_pools_info *pi;
	uint64_t v[EXTMEM_NKEYS] = { 0 };
	int i;

	for (i = EXTMEM_IF_NUM; i < EXTMEM_NKEYS; i++) {
		if (p->keys[i] != NULL &&
		    nmport_opt_num(p, "extmem", names[i], p->keys[i],
				   UINT32_MAX, &v[i]) < 0)
			return -1;
	}
	if (nmport_extmem_from_file(d, p->keys[EXTMEM_FILE]) < 0)
		return -1;
	pi = &d->extmem->nro_info;
	pi->nr_if_pool_objtotal = (uint32_t)v[EXTMEM_IF_NUM];
	pi->nr_if_pool_objsize = (uint32_t)v[EXTMEM_IF_SIZE];
	pi->nr_ring_pool_objtotal = (uint32_t)v[EXTMEM_RING_NUM];
	pi->nr_ring_pool_objsize = (uint32_t)v[EXTMEM_RING_SIZE];
	pi->nr_buf_pool_objtotal = (uint32_t)v[EXTMEM_BUF_NUM];
	pi->nr_buf_pool_objsize = (uint32_t)v[EXTMEM_BUF_SIZE];
	return 0;
}

/* offset:initial=N,bits=B  (disabled by default) */
enum { OFFSET_INITIAL, OFFSET_BITS };

static int nmport_opt_offset(struct nmreq_parse_ctx *p)
{
	struct nmport_d *d = p->token;
	uint64_t initial, bits = 0;

	if (nmport_opt_num(p, "offset", "initial", p->keys[OFFSET_INITIAL],
			   UINT64_MAX / 10, &initial) < 0)
		return -1;
	if (p->keys[OFFSET_BITS] != NULL &&
	    nmport_opt_num(p, "offset", "bits", p->keys[OFFSET_BITS], 64,
			   &bits) < 0)
		return -1;
	return nmport_offset(d, initial, initial, bits, 0);
}

#define NMKEY(k_, i_, f_)	{ .key = (k_), .id = (i_), .flags = (f_) }
#define NMKEY_MAIN		(NMREQ_OPTK_DEFAULT | NMREQ_OPTK_MUSTSET)

static struct nmreq_opt_parser nmport_opt_offset_desc = {
	.prefix = "offset",
	.parse = nmport_opt_offset,
	.default_key = OFFSET_INITIAL,
	.nr_keys = 2,
	.flags = NMREQ_OPTF_DISABLED,
	.next = NULL,
	.keys = {
		NMKEY("initial", OFFSET_INITIAL, NMKEY_MAIN),
		NMKEY("bits", OFFSET_BITS, 0),
	},
};

static struct nmreq_opt_parser nmport_opt_conf_desc = {
	.prefix = "conf",
	.parse = nmport_opt_conf,
	.default_key = CONF_RINGS,
	.nr_keys = CONF_NKEYS,
	.flags = 0,
	.next = &nmport_opt_offset_desc,
	.keys = {
		NMKEY("rings", CONF_RINGS, NMREQ_OPTK_DEFAULT),
		NMKEY("host_rings", CONF_HOST_RINGS, 0),
		NMKEY("slots", CONF_SLOTS, 0),
		NMKEY("tx_rings", CONF_TX_RINGS, 0),
		NMKEY("rx_rings", CONF_RX_RINGS, 0),
		NMKEY("host_tx_rings", CONF_HOST_TX_RINGS, 0),
		NMKEY("host_rx_rings", CONF_HOST_RX_RINGS, 0),
		NMKEY("tx_slots", CONF_TX_SLOTS, 0),
		NMKEY("rx_slots", CONF_RX_SLOTS, 0),
	},
};

static struct nmreq_opt_parser nmport_opt_extmem_desc = {
	.prefix = "extmem",
	.parse = nmport_opt_extmem,
	.default_key = EXTMEM_FILE,
	.nr_keys = EXTMEM_NKEYS,
	.flags = 0,
	.next = &nmport_opt_conf_desc,
	.keys = {
		NMKEY("file", EXTMEM_FILE, NMKEY_MAIN),
		NMKEY("if_num", EXTMEM_IF_NUM, 0),
		NMKEY("if_size", EXTMEM_IF_SIZE, 0),
		NMKEY("ring_num", EXTMEM_RING_NUM, 0),
		NMKEY("ring_size", EXTMEM_RING_SIZE, 0),
		NMKEY("buf_num", EXTMEM_BUF_NUM, 0),
		NMKEY("buf_size", EXTMEM_BUF_SIZE, 0),
	},
};

static struct nmreq_opt_parser nmport_opt_share_desc = {
	.prefix = "share",
	.parse = nmport_opt_share,
	.default_key = SHARE_PORT,
	.nr_keys = 1,
	.flags = 0,
	.next = &nmport_opt_extmem_desc,
	.keys = {
		NMKEY("port", SHARE_PORT, NMKEY_MAIN),
	},
};

struct nmreq_opt_parser *nmport_builtin_parsers(void)
{
	return &nmport_opt_share_desc;
}

void nmport_disable_option(const char *opt)
{
	struct nmreq_opt_parser *p;

	for (p = nmport_builtin_parsers(); p != NULL; p = p->next)
		if (opt != NULL && strcmp(p->prefix, opt) == 0)
			p->flags |= NMREQ_OPTF_DISABLED;
}

int nmport_enable_option(const char *opt)
{
	struct nmreq_opt_parser *p;

	for (p = nmport_builtin_parsers(); p != NULL; p = p->next) {
		if (opt != NULL && strcmp(p->prefix, opt) == 0) {
			p->flags &= ~NMREQ_OPTF_DISABLED;
			return 0;
		}
	}
	errno = EOPNOTSUPP;
	return -1;
}
