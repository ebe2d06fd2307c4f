/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmport_priv.h - libnetmap internals shared by its source files.
 */
#ifndef NMPORT_PRIV_H_
#define NMPORT_PRIV_H_

#include "libnetmap.h"

/*
 * Work done while preparing a descriptor (an option pushed, a file
 * mapped) registers an undo action here.  Actions run newest first.
 */
struct nmport_cleanup_d {
	struct nmport_cleanup_d	*next;
	void			(*undo)(struct nmport_cleanup_d *c,
					struct nmport_d *d);
};

/* Allocate a cleanup record of @size bytes (>= the header) with @undo. */
struct nmport_cleanup_d *nmport_cleanup_new(struct nmport_d *d, size_t size,
		void (*undo)(struct nmport_cleanup_d *, struct nmport_d *));
void nmport_cleanup_push(struct nmport_d *d, struct nmport_cleanup_d *c);
/* Run and free the actions pushed after @mark (NULL: all of them). */
void nmport_cleanup_until(struct nmport_d *d, struct nmport_cleanup_d *mark);

/* Head of the list of built-in portspec option parsers. */
struct nmreq_opt_parser *nmport_builtin_parsers(void);

/* The context to use when a caller passes NULL. */
static inline struct nmctx *nmctx_or_default(struct nmctx *ctx)
{
	return ctx != NULL ? ctx : nmctx_get();
}

/* [A-Za-z0-9_], independent of the locale. */
static inline int nm_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static inline int nm_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Parse decimal digits at *pp (at least one) into *val, failing when the
 * value exceeds @max.  Advances *pp past the digits on success only.
 */
int nm_parse_decimal(const char **pp, uint64_t max, uint64_t *val);

#endif /* NMPORT_PRIV_H_ */
