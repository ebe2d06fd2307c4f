// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmopt.c - libnetmap: the generic syntax of portspec options.
 *
 *   OPTIONS := ( '@' OPTION )+
 *   OPTION  := NAME                       flag option
 *            | NAME '=' VALUE             value of the default key
 *            | NAME ':' KEY[=VALUE] (',' KEY[=VALUE])*
 *
 * Each option is copied into a scratch buffer, split in place, checked
 * against the key table of its parser and handed to the parser's
 * callback.  What the options mean lives with the parsers (nmport_opt.c
 * for the built-in ones).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nmport_priv.h"

static int nmopt_fail(struct nmctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Report a message through @ctx and fail with errno @err. */
static int nmopt_fail(struct nmctx *ctx, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nmctx_ferror(ctx, "%s", msg);
	errno = err;
	return -1;
}

static struct nmreq_opt_key *nmopt_find_key(struct nmreq_opt_parser *p,
					    const char *name)
{
	int i;

	for (i = 0; i < NMREQ_OPT_MAXKEYS && p->keys[i].key != NULL; i++) {
		if (strcmp(p->keys[i].key, name) == 0)
			return &p->keys[i];
	}
	return NULL;
}

static int nmopt_key_slot(const struct nmreq_opt_key *k)
{
	return (k->id >= 0 && k->id < NMREQ_OPT_MAXKEYS) ? k->id : -1;
}

/* Parse "key[=value],..." in @body (modified in place) into @pctx. */
static int nmopt_parse_keys(struct nmreq_opt_parser *p, char *body,
			    struct nmreq_parse_ctx *pctx)
{
	struct nmctx *ctx = pctx->ctx;
	char *item = body;

	if (*body == '\0')
		return nmopt_fail(ctx, EINVAL, "option '%s': empty key list",
				  p->prefix);

	for (;;) {
		char *comma = strchr(item, ',');
		char *eq, *c;
		struct nmreq_opt_key *k;
		int slot;

		if (comma != NULL)
			*comma = '\0';
		eq = strchr(item, '=');
		if (eq != NULL)
			*eq = '\0';
		if (*item == '\0')
			return nmopt_fail(ctx, EINVAL,
					  "option '%s': empty key",
					  p->prefix);
		for (c = item; *c != '\0'; c++)
			if (*c == '-')
				*c = '_';

		k = nmopt_find_key(p, item);
		if (k == NULL || (slot = nmopt_key_slot(k)) < 0)
			return nmopt_fail(ctx, EINVAL,
					  "option '%s': unknown key '%s'",
					  p->prefix, item);
		if (pctx->keys[slot] != NULL)
			return nmopt_fail(ctx, EINVAL,
					  "option '%s': key '%s' given twice",
					  p->prefix, item);
		if (eq != NULL) {
			if (eq[1] == '\0')
				return nmopt_fail(ctx, EINVAL,
						  "option '%s': empty value "
						  "for key '%s'",
						  p->prefix, item);
			pctx->keys[slot] = eq + 1;
		} else {
			if (!(k->flags & NMREQ_OPTK_ALLOWEMPTY))
				return nmopt_fail(ctx, EINVAL,
						  "option '%s': key '%s' "
						  "needs '=value'",
						  p->prefix, item);
			pctx->keys[slot] = k->key;
		}
		if (comma == NULL)
			return 0;
		item = comma + 1;
	}
}

/* Handle one option; @text is a writable copy without the leading '@'. */
static int nmopt_decode_one(char *text, struct nmreq_opt_parser *parsers,
			    void *token, struct nmctx *ctx)
{
	struct nmreq_parse_ctx pctx;
	struct nmreq_opt_parser *p;
	char *sep = text + strcspn(text, ":=");
	char delim = *sep;
	char *body = NULL;
	int i, rc;

	if (delim != '\0') {
		*sep = '\0';
		body = sep + 1;
	}
	if (*text == '\0')
		return nmopt_fail(ctx, EINVAL, "option without a name");

	for (p = parsers; p != NULL; p = p->next)
		if (p->prefix != NULL && strcmp(p->prefix, text) == 0)
			break;
	if (p == NULL)
		return nmopt_fail(ctx, EINVAL, "unknown option '%s'",
				  text);
	if (p->flags & NMREQ_OPTF_DISABLED)
		return nmopt_fail(ctx, EOPNOTSUPP,
				  "option '%s' is not enabled", text);

	memset(&pctx, 0, sizeof(pctx));
	pctx.ctx = ctx;
	pctx.token = token;

	switch (delim) {
	case '\0':
		if (!(p->flags & NMREQ_OPTF_ALLOWEMPTY))
			return nmopt_fail(ctx, EINVAL,
					  "option '%s' needs a value",
					  text);
		break;
	case '=':
		if (p->default_key < 0 || p->default_key >= NMREQ_OPT_MAXKEYS)
			return nmopt_fail(ctx, EINVAL,
					  "option '%s' takes no '=value', "
					  "use '%s:key=value'", text, text);
		if (*body == '\0')
			return nmopt_fail(ctx, EINVAL,
					  "option '%s': empty value",
					  text);
		pctx.keys[p->default_key] = body;
		break;
	default: /* ':' */
		if (nmopt_parse_keys(p, body, &pctx) < 0)
			return -1;
		break;
	}

	for (i = 0; i < NMREQ_OPT_MAXKEYS && p->keys[i].key != NULL; i++) {
		int slot = nmopt_key_slot(&p->keys[i]);

		if ((p->keys[i].flags & NMREQ_OPTK_MUSTSET) &&
		    (slot < 0 || pctx.keys[slot] == NULL))
			return nmopt_fail(ctx, EINVAL,
					  "option '%s': key '%s' is mandatory",
					  text, p->keys[i].key);
	}

	if (p->parse == NULL)
		return 0;
	errno = 0;
	rc = p->parse(&pctx);
	if (rc < 0 && errno == 0)
		errno = EINVAL;
	return rc < 0 ? -1 : 0;
}

int nmreq_options_decode(const char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx)
{
	const char *p = opt;

	ctx = nmctx_or_default(ctx);
	if (opt == NULL || *opt == '\0')
		return 0;
	if (*opt != '@')
		return nmopt_fail(ctx, EINVAL, "%s: options must start with "
				  "'@'", opt);

	while (*p == '@') {
		const char *start = p + 1;
		size_t len = strcspn(start, "@");
		char *copy;
		int rc, saved;

		if (len == 0)
			return nmopt_fail(ctx, EINVAL, "%s: empty option",
					  opt);
		copy = nmctx_malloc(ctx, len + 1);
		if (copy == NULL)
			return nmopt_fail(ctx, ENOMEM, "%s: out of memory",
					  opt);
		memcpy(copy, start, len);
		copy[len] = '\0';
		rc = nmopt_decode_one(copy, parsers, token, ctx);
		saved = errno;
		nmctx_free(ctx, copy);
		if (rc < 0) {
			errno = saved;
			return -1;
		}
		p = start + len;
	}
	return 0;
}
