/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnetmap.h - the nmport_* library: open netmap ports by name.
 *
 * Written from scratch for this project.  Source compatible with the
 * upstream netmap library of the same name: the structures below keep
 * the upstream field names and order, and every function keeps the
 * upstream name, arguments and return convention, so programs written
 * for upstream libnetmap build and run unchanged against this one.
 *
 * Port names ("portspecs")
 * ------------------------
 *
 *	PREFIX ':' NAME [MODE] [ '/' FLAGS ] [ '@' MEMID ] { '@' OPTION }
 *
 * PREFIX is either "netmap" (stripped: the kernel sees NAME only) or
 * "vale" followed by an optional identifier, the switch name (kept: the
 * kernel sees "valeX:NAME").  NAME is an identifier ([A-Za-z0-9_]+),
 * optionally followed by '{' or '}' and a second identifier: the master
 * or slave end of a netmap pipe.  The name passed to the kernel must be
 * shorter than 64 characters.
 *
 * MODE:   '^' host rings, '^N' host ring pair N, '*' NIC and host rings,
 *         '-N' NIC ring pair N.  Without MODE all NIC rings are bound.
 * FLAGS:  'x' exclusive, 'z' zero-copy monitor, 't' / 'r' copy monitor
 *         of the TX / RX side, 'R' RX rings only, 'T' TX rings only.
 * MEMID:  decimal id (> 0) of the memory region to use; repeating it is
 *         allowed only with the same value.
 *
 * OPTION: '@' not followed by a digit starts the option list.  Each
 * option is "name", "name=value" (value of the option's default key) or
 * "name:key=value,key=value,..." ('-' and '_' are equivalent in keys).
 * Keys may be given in any order but at most once.  Built-in options:
 *
 *   share=PORT        use the memory region of PORT (asks the kernel)
 *   conf:...          rings, host-rings, slots, tx-rings, rx-rings,
 *                     host-tx-rings, host-rx-rings, tx-slots, rx-slots
 *                     (ring/slot numbers for ports created by the open;
 *                     "rings" is the default key)
 *   extmem:...        file (default key, mandatory), if-num, if-size,
 *                     ring-num, ring-size, buf-num, buf-size: place the
 *                     region in the memory obtained by mapping "file".
 *                     NOTE: the kernel module of this project does not
 *                     support external memory yet; it answers the
 *                     registration with EOPNOTSUPP (option status
 *                     EOPNOTSUPP).  The library side is complete.
 *   offset:...        initial (default key, mandatory), bits: reserve
 *                     low bits of slot->ptr for a per-slot offset.  This
 *                     option is disabled until the application calls
 *                     nmport_enable_option("offset").
 *
 * Thread safety: the default context serializes its list of memory
 * regions with a mutex, so ports may be opened and closed from several
 * threads.  LIBNETMAP_NOTHREADSAFE is accepted and has no effect.
 */
#ifndef LIBNETMAP_H_
#define LIBNETMAP_H_

#include <stddef.h>
#include <stdint.h>
#include <net/netmap_user.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nmctx;
struct nmport_d;
struct nmem_d;
struct nmport_cleanup_d;

/* ------------------------------------------------------------------ */
/* Port descriptors. */

struct nmport_d {
	/* The REGISTER request: hdr.nr_body points to reg. */
	struct nmreq_header	hdr;
	struct nmreq_register	reg;

	/* Everything below is read-only for applications. */

	/*
	 * Memory region in use.  Within one context two descriptors have
	 * the same mem iff they share the region (zero-copy possible).
	 */
	struct nmem_d		*mem;
	/* Context this descriptor was created with. */
	struct nmctx		*ctx;

	int			register_done;	/* nmport_register() done */
	int			mmap_done;	/* nmport_mmap() done */
	/* EXTMEM option in hdr's option list, if any. */
	struct nmreq_opt_extmem	*extmem;

	/* Same meaning as in the legacy struct nm_desc. */
	int			fd;		/* /dev/netmap, -1 if closed */
	struct netmap_if	*nifp;
	uint16_t		first_tx_ring;
	uint16_t		last_tx_ring;
	uint16_t		first_rx_ring;
	uint16_t		last_rx_ring;
	uint16_t		cur_tx_ring;	/* next ring for nmport_inject */
	uint16_t		cur_rx_ring;

	/* Undo actions of parse-time work, newest first (internal). */
	struct nmport_cleanup_d	*clist;
};

/*
 * nmport_open - parse @portspec, register the port and map its memory.
 * Returns the new descriptor, or NULL with errno set (a message goes to
 * the error callback of the default context).  The bound rings are
 * [first_tx_ring, last_tx_ring] and [first_rx_ring, last_rx_ring]; an
 * interval with last < first is empty.
 */
struct nmport_d *nmport_open(const char *portspec);

/* nmport_close - undo nmport_open (or any prefix of it); NULL is fine. */
void nmport_close(struct nmport_d *d);

/*
 * nmport_inject - copy one packet of @size bytes into the first bound TX
 * ring (starting at cur_tx_ring) with enough free slots; packets larger
 * than a buffer use several slots chained with NS_MOREFRAG.  No system
 * call is made: the packet leaves at the next NIOCTXSYNC or poll().
 * Returns @size on success, 0 if no ring had room.
 */
int nmport_inject(struct nmport_d *d, const void *buf, size_t size);

/*
 * The steps of nmport_open, for applications that need to adjust the
 * request in between (ring configuration, extra buffers, flags):
 *
 *   nmport_open      = nmport_prepare + nmport_open_desc
 *   nmport_prepare   = nmport_new     + nmport_parse
 *   nmport_open_desc = nmport_register + nmport_mmap
 *
 * Each step returns 0 (or a descriptor) on success; on failure it
 * returns -1 (or NULL) with errno set, reports a message through the
 * context, and leaves the descriptor as it was before the call.
 */
struct nmport_d *nmport_new(void);
int nmport_parse(struct nmport_d *d, const char *portspec);
int nmport_register(struct nmport_d *d);
int nmport_mmap(struct nmport_d *d);

/* Undo the single steps above. */
void nmport_delete(struct nmport_d *d);
void nmport_undo_parse(struct nmport_d *d);
void nmport_undo_register(struct nmport_d *d);
void nmport_undo_mmap(struct nmport_d *d);

struct nmport_d *nmport_prepare(const char *portspec);
int nmport_open_desc(struct nmport_d *d);
void nmport_undo_prepare(struct nmport_d *d);
void nmport_undo_open_desc(struct nmport_d *d);

/*
 * nmport_clone - a new, prepared but not registered descriptor with the
 * same hdr and reg as @d (options excluded) and the same context.  A
 * port using extmem can only be cloned after it has been registered.
 */
struct nmport_d *nmport_clone(struct nmport_d *d);

/*
 * nmport_extmem - ask the kernel to build the region inside [base,
 * base + size) of the application's memory.  Call between parse and
 * register.  nmport_extmem_from_file maps @fname (shared, read/write)
 * and uses that; the mapping is removed when the descriptor is closed.
 * nmport_extmem_getinfo returns the pool configuration carried by the
 * option (to be set before, read after registration) or NULL.
 * The kernel of this project answers EXTMEM with EOPNOTSUPP for now.
 */
int nmport_extmem(struct nmport_d *d, void *base, size_t size);
int nmport_extmem_from_file(struct nmport_d *d, const char *fname);
struct nmreq_pools_info *nmport_extmem_getinfo(struct nmport_d *d);

/*
 * nmport_offset - request per-slot offsets: the low @bits bits of
 * slot->ptr carry an offset (see NETMAP_ROFFSET/NETMAP_WOFFSET), every
 * slot starts at @initial, offsets up to @maxoff are used, and at least
 * @mingap bytes are left between packets sharing a buffer (0: ignore).
 */
int nmport_offset(struct nmport_d *d, uint64_t initial, uint64_t maxoff,
		  uint64_t bits, uint64_t mingap);

/*
 * Enable or disable a portspec option by name.  A disabled option is a
 * parse error (EOPNOTSUPP).  Disabling an unknown option does nothing;
 * enabling one fails with EOPNOTSUPP.  Not thread safe: call at start.
 */
void nmport_disable_option(const char *opt);
int nmport_enable_option(const char *opt);

/* ------------------------------------------------------------------ */
/* Requests. */

/* Zero @hdr, then set version NETMAP_API, @reqtype and @body. */
void nmreq_header_init(struct nmreq_header *hdr, uint16_t reqtype,
		       void *body);

/*
 * nmreq_header_decode - parse "PREFIX:NAME" at *@ppspec into
 * hdr->nr_name and advance *@ppspec past it.  Other fields of @hdr are
 * not touched.  On error: -1, errno EINVAL, nothing changed.
 */
int nmreq_header_decode(const char **ppspec, struct nmreq_header *hdr,
			struct nmctx *ctx);

/*
 * nmreq_register_decode - parse MODE, FLAGS and MEMID at *@pmode into
 * reg->nr_mode, nr_ringid, nr_flags and nr_mem_id (a non-zero nr_mem_id
 * already in @reg counts as a previous MEMID), then advance *@pmode.
 * An '@' followed by a non-digit ends the parse successfully with
 * *@pmode left on that '@' (start of the options).  On error: -1,
 * errno EINVAL, nothing changed.
 */
int nmreq_register_decode(const char **pmode, struct nmreq_register *reg,
			  struct nmctx *ctx);

/* Option parsers, as used by nmreq_options_decode. */
struct nmreq_opt_parser;
struct nmreq_parse_ctx;
typedef int (*nmreq_opt_parser_cb)(struct nmreq_parse_ctx *);

#define NMREQ_OPT_MAXKEYS	16	/* keys per option, at most */

struct nmreq_opt_key {
	const char	*key;	/* name, with '_' where users may write '-' */
	int		id;	/* index into nmreq_parse_ctx.keys */
	unsigned int	flags;
#define NMREQ_OPTK_ALLOWEMPTY	(1U << 0)	/* "key" alone is allowed */
#define NMREQ_OPTK_MUSTSET	(1U << 1)	/* key is mandatory */
#define NMREQ_OPTK_DEFAULT	(1U << 2)	/* target of "name=value" */
};

struct nmreq_opt_parser {
	const char		*prefix;	/* option name */
	nmreq_opt_parser_cb	parse;		/* called with the keys */
	int			default_key;	/* key id, -1 if none */
	int			nr_keys;
	unsigned int		flags;
#define NMREQ_OPTF_DISABLED	(1U << 0)
#define NMREQ_OPTF_ALLOWEMPTY	(1U << 1)	/* "@name" alone is allowed */
	struct nmreq_opt_parser	*next;		/* next parser in the list */
	struct nmreq_opt_key	keys[NMREQ_OPT_MAXKEYS];
} __attribute__((aligned(16)));

/* What a parser callback receives. */
struct nmreq_parse_ctx {
	struct nmctx	*ctx;
	void		*token;		/* as passed to nmreq_options_decode */
	/*
	 * Value of each key by id; NULL when not given.  The strings are
	 * valid only during the callback.
	 */
	const char	*keys[NMREQ_OPT_MAXKEYS];
};

/*
 * nmreq_options_decode - parse "@opt@opt..." (an empty string is no
 * option), matching each option to one of the @parsers (a list linked
 * through next) and calling its callback with @token.  Returns 0, or
 * -1 with errno (EINVAL syntax, EOPNOTSUPP disabled option, or what the
 * callback set).  Options already handled are not undone on error.
 */
int nmreq_options_decode(const char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx);

/*
 * nmreq_get_mem_id - mem_id of the port named at *@portname
 * ("PREFIX:NAME...", asked with PORT_INFO_GET).  Advances *@portname
 * past the name.  Returns the id, or -1 with errno set.
 */
int32_t nmreq_get_mem_id(const char **portname, struct nmctx *ctx);

/* Option lists (the options are linked through nro_next). */
void nmreq_push_option(struct nmreq_header *h, struct nmreq_option *o);
void nmreq_remove_option(struct nmreq_header *h, struct nmreq_option *o);
struct nmreq_option *nmreq_find_option(struct nmreq_header *h,
				       uint32_t reqtype);
/* free() every option of the list (they must come from malloc). */
void nmreq_free_options(struct nmreq_header *h);
/* "extmem", "csb", ... or "unknown". */
const char *nmreq_option_name(uint32_t reqtype);

#define nmreq_foreach_option(h_, o_)					\
	for ((o_) = (struct nmreq_option *)(uintptr_t)((h_)->nr_options); \
	     (o_) != NULL;						\
	     (o_) = (struct nmreq_option *)(uintptr_t)((o_)->nro_next))

/* ------------------------------------------------------------------ */
/* Contexts. */

/*
 * A context holds the error callback (messages are delivered only when
 * verbose != 0), the allocator, an optional lock callback (called with
 * 1 to lock, 0 to unlock) and the list of memory regions mapped by the
 * descriptors created with it.
 */
typedef void  (*nmctx_error_cb)(struct nmctx *, const char *);
typedef void *(*nmctx_malloc_cb)(struct nmctx *, size_t);
typedef void  (*nmctx_free_cb)(struct nmctx *, void *);
typedef void  (*nmctx_lock_cb)(struct nmctx *, int);

struct nmctx {
	int		verbose;
	nmctx_error_cb	error;
	nmctx_malloc_cb	malloc;
	nmctx_free_cb	free;
	nmctx_lock_cb	lock;

	struct nmem_d	*mem_descs;
};

/* The default context (used by nmport_new and nmport_open). */
struct nmctx *nmctx_get(void);
/* Install @ctx as the default; returns the previous one. */
struct nmctx *nmctx_set_default(struct nmctx *ctx);

/* One mapped memory region, shared by the descriptors using it. */
struct nmem_d {
	uint16_t	mem_id;
	int		refcount;	/* descriptors using it */
	void		*mem;		/* base address */
	size_t		size;
	int		is_extmem;	/* application memory, not mmap()ed */

	/* Doubly linked list headed by nmctx.mem_descs. */
	struct nmem_d	*next;
	struct nmem_d	*prev;
};

/*
 * The default context is always thread safe here; these two exist for
 * programs that name them.
 */
extern int nmctx_threadsafe;
void nmctx_set_threadsafe(void);

/* Format a message and hand it to ctx->error (if ctx->verbose). */
void nmctx_ferror(struct nmctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *nmctx_malloc(struct nmctx *ctx, size_t size);
void nmctx_free(struct nmctx *ctx, void *p);
void nmctx_lock(struct nmctx *ctx);
void nmctx_unlock(struct nmctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LIBNETMAP_H_ */
