// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmreq.c - libnetmap request helpers: header set-up, the port name and
 * mode parsers, and option list manipulation.
 *
 * The grammar is described in libnetmap.h.  Both decoders work on local
 * copies and only write their results when the whole part parsed, so a
 * failed call leaves the request and the caller's pointer untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "nmport_priv.h"

/* Characters that end the NAME part of a portspec. */
#define NM_NAME_END	"-*^/@"

void nmreq_header_init(struct nmreq_header *hdr, uint16_t reqtype, void *body)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->nr_version = NETMAP_API;
	hdr->nr_reqtype = reqtype;
	hdr->nr_body = (uint64_t)(uintptr_t)body;
}

int nm_parse_decimal(const char **pp, uint64_t max, uint64_t *val)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (!nm_digit(*p))
		return -1;
	for (; nm_digit(*p); p++) {
		uint64_t digit = (uint64_t)(*p - '0');

		if (digit > max || v > (max - digit) / 10)
			return -1;	/* v * 10 + digit > max */
		v = v * 10 + digit;
	}
	*val = v;
	*pp = p;
	return 0;
}

static int nm_einval(void)
{
	errno = EINVAL;
	return -1;
}

/* True if [s, e) is a non-empty identifier. */
static int nm_is_ident(const char *s, const char *e)
{
	if (s == e)
		return 0;
	for (; s < e; s++)
		if (!nm_ident_char(*s))
			return 0;
	return 1;
}

int nmreq_header_decode(const char **ppspec, struct nmreq_header *hdr,
			struct nmctx *ctx)
{
	const char *spec, *copy_from, *port, *end, *brace;
	size_t len;

	ctx = nmctx_or_default(ctx);
	if (ppspec == NULL || *ppspec == NULL || hdr == NULL) {
		nmctx_ferror(ctx, "missing port name");
		return nm_einval();
	}
	spec = *ppspec;

	if (strncmp(spec, "netmap", 6) == 0) {
		/* "netmap:" is userspace syntax: the kernel never sees it. */
		if (spec[6] != ':') {
			nmctx_ferror(ctx, "%s: nothing may stand between "
				     "'netmap' and ':'", spec);
			return nm_einval();
		}
		port = spec + 7;
		copy_from = port;
	} else if (strncmp(spec, "vale", 4) == 0) {
		/* "valeID:" selects the switch and stays in the name. */
		const char *p = spec + 4;

		while (nm_ident_char(*p))
			p++;
		if (*p != ':') {
			nmctx_ferror(ctx, "%s: switch name must be an "
				     "identifier followed by ':'", spec);
			return nm_einval();
		}
		port = p + 1;
		copy_from = spec;
	} else {
		nmctx_ferror(ctx, "%s: port name must start with 'netmap:' "
			     "or 'vale'", spec);
		return nm_einval();
	}

	end = port + strcspn(port, NM_NAME_END);
	brace = port + strcspn(port, "{}");
	if (brace > end)
		brace = end;
	if (!nm_is_ident(port, brace)) {
		nmctx_ferror(ctx, "%s: invalid port name '%.*s'", spec,
			     (int)(brace - port), port);
		return nm_einval();
	}
	if (brace != end && !nm_is_ident(brace + 1, end)) {
		nmctx_ferror(ctx, "%s: invalid pipe name '%.*s'", spec,
			     (int)(end - brace - 1), brace + 1);
		return nm_einval();
	}

	len = (size_t)(end - copy_from);
	if (len >= sizeof(hdr->nr_name)) {
		nmctx_ferror(ctx, "%s: name longer than %zu characters", spec,
			     sizeof(hdr->nr_name) - 1);
		return nm_einval();
	}

	memset(hdr->nr_name, 0, sizeof(hdr->nr_name));
	memcpy(hdr->nr_name, copy_from, len);
	*ppspec = end;
	return 0;
}

/* Report an error about the mode suffix being parsed. */
#define BAD_SUFFIX(fmt, ...)						\
	nmctx_ferror(ctx, "bad port suffix '%s': " fmt, *pmode, ##__VA_ARGS__)

/* Where nmreq_register_decode is in the suffix. */
enum nm_mode_state {
	NM_MS_START,	/* nothing seen: a mode character may come */
	NM_MS_SUFFIX,	/* mode done: only "/FLAGS" or "@..." may come */
	NM_MS_FLAGS,	/* inside "/FLAGS" */
};

int nmreq_register_decode(const char **pmode, struct nmreq_register *reg,
			  struct nmctx *ctx)
{
	enum nm_mode_state st = NM_MS_START;
	uint32_t mode = NR_REG_ALL_NIC;
	uint64_t flags = 0, num;
	uint16_t ringid = 0, mem_id;
	const char *s;
	int nflags = 0;

	ctx = nmctx_or_default(ctx);
	if (pmode == NULL || *pmode == NULL || reg == NULL) {
		nmctx_ferror(ctx, "missing port mode");
		return nm_einval();
	}
	s = *pmode;
	mem_id = reg->nr_mem_id;

	while (*s != '\0') {
		char c = *s;

		if (st == NM_MS_FLAGS && c != '@') {
			switch (c) {
			case 'x': flags |= NR_EXCLUSIVE; break;
			case 'z': flags |= NR_ZCOPY_MON; break;
			case 't': flags |= NR_MONITOR_TX; break;
			case 'r': flags |= NR_MONITOR_RX; break;
			case 'R': flags |= NR_RX_RINGS_ONLY; break;
			case 'T': flags |= NR_TX_RINGS_ONLY; break;
			default:
				BAD_SUFFIX("unknown flag '%c'", c);
				return nm_einval();
			}
			nflags++;
			s++;
			continue;
		}

		if (st == NM_MS_START && (c == '^' || c == '*' || c == '-')) {
			s++;
			if (c == '*') {
				mode = NR_REG_NIC_SW;
			} else if (c == '^' && !nm_digit(*s)) {
				mode = NR_REG_SW;
			} else {
				mode = (c == '^') ? NR_REG_ONE_SW :
						    NR_REG_ONE_NIC;
				if (nm_parse_decimal(&s, NETMAP_RING_MASK - 1,
						     &num) < 0) {
					BAD_SUFFIX("ring number must be in "
						   "[0, %d)", NETMAP_RING_MASK);
					return nm_einval();
				}
				ringid = (uint16_t)num;
			}
			st = NM_MS_SUFFIX;
			continue;
		}

		if (c == '/') {
			if (st == NM_MS_FLAGS) {
				BAD_SUFFIX("unknown flag '/'");
				return nm_einval();
			}
			st = NM_MS_FLAGS;
			nflags = 0;
			s++;
			continue;
		}

		if (c == '@') {
			if (st == NM_MS_FLAGS && nflags == 0) {
				BAD_SUFFIX("empty flag list");
				return nm_einval();
			}
			if (s[1] == '\0') {
				BAD_SUFFIX("nothing after '@'");
				return nm_einval();
			}
			if (!nm_digit(s[1]))
				break;	/* start of the options */
			s++;
			if (nm_parse_decimal(&s, UINT16_MAX, &num) < 0 ||
			    num == 0) {
				BAD_SUFFIX("memory id must be in [1, %u]",
					   (unsigned int)UINT16_MAX);
				return nm_einval();
			}
			if (mem_id != 0 && mem_id != num) {
				BAD_SUFFIX("memory id %u conflicts with %u",
					   (unsigned int)num,
					   (unsigned int)mem_id);
				return nm_einval();
			}
			mem_id = (uint16_t)num;
			st = NM_MS_SUFFIX;
			continue;
		}

		BAD_SUFFIX("unexpected '%c'", c);
		return nm_einval();
	}

	if (st == NM_MS_FLAGS && nflags == 0) {
		BAD_SUFFIX("empty flag list");
		return nm_einval();
	}

	reg->nr_mode = mode;
	reg->nr_ringid = ringid;
	reg->nr_flags = flags;
	reg->nr_mem_id = mem_id;
	*pmode = s;
	return 0;
}

#undef BAD_SUFFIX

int32_t nmreq_get_mem_id(const char **portname, struct nmctx *ctx)
{
	struct nmreq_port_info_get info;
	struct nmreq_header hdr;
	const char *scan;
	int fd, saved;

	ctx = nmctx_or_default(ctx);
	if (portname == NULL || *portname == NULL) {
		nmctx_ferror(ctx, "missing port name");
		errno = EINVAL;
		return -1;
	}
	scan = *portname;
	nmreq_header_init(&hdr, NETMAP_REQ_PORT_INFO_GET, &info);
	if (nmreq_header_decode(&scan, &hdr, ctx) < 0)
		return -1;
	memset(&info, 0, sizeof(info));

	fd = open(NETMAP_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		nmctx_ferror(ctx, "cannot open %s: %s", NETMAP_DEVICE_NAME,
			     strerror(saved));
		errno = saved;
		return -1;
	}
	if (ioctl(fd, NIOCCTRL, &hdr) < 0) {
		saved = errno;
		nmctx_ferror(ctx, "%s: cannot get port info: %s", *portname,
			     strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	*portname = scan;
	return info.nr_mem_id;
}

void nmreq_push_option(struct nmreq_header *h, struct nmreq_option *o)
{
	o->nro_next = h->nr_options;
	h->nr_options = (uint64_t)(uintptr_t)o;
}

void nmreq_remove_option(struct nmreq_header *h, struct nmreq_option *o)
{
	uint64_t *link = &h->nr_options;

	while (*link != 0) {
		struct nmreq_option *cur =
			(struct nmreq_option *)(uintptr_t)*link;

		if (cur == o) {
			*link = o->nro_next;
			o->nro_next = 0;
			return;
		}
		link = &cur->nro_next;
	}
}

struct nmreq_option *nmreq_find_option(struct nmreq_header *h,
				       uint32_t reqtype)
{
	struct nmreq_option *o;

	nmreq_foreach_option(h, o) {
		if (o->nro_reqtype == reqtype)
			return o;
	}
	return NULL;
}

void nmreq_free_options(struct nmreq_header *h)
{
	struct nmreq_option *o =
		(struct nmreq_option *)(uintptr_t)h->nr_options;

	while (o != NULL) {
		struct nmreq_option *next =
			(struct nmreq_option *)(uintptr_t)o->nro_next;

		free(o);
		o = next;
	}
	h->nr_options = 0;
}

const char *nmreq_option_name(uint32_t reqtype)
{
	switch (reqtype) {
	case NETMAP_REQ_OPT_EXTMEM:
		return "extmem";
	case NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS:
		return "sync-kloop-eventfds";
	case NETMAP_REQ_OPT_CSB:
		return "csb";
	case NETMAP_REQ_OPT_SYNC_KLOOP_MODE:
		return "sync-kloop-mode";
	case NETMAP_REQ_OPT_OFFSETS:
		return "offsets";
	default:
		return "unknown";
	}
}
