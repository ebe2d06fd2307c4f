/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netmap_user.h - helpers for netmap applications.
 *
 * Written from scratch for this project.  Provides the address macros
 * and ring helpers every netmap program uses and, when the program
 * defines NETMAP_WITH_LIBS before including this file, the small
 * header-only "nm_open" library (nm_open, nm_close, nm_inject,
 * nm_dispatch, nm_nextpkt ...) that QEMU, libpcap and older tools
 * embed.  Everything here is static inline; nothing is exported.
 */
#ifndef _NET_NETMAP_USER_H_
#define _NET_NETMAP_USER_H_

#ifdef __KERNEL__
#error "net/netmap_user.h is for userspace programs only"
#endif

#include <stddef.h>
#include <stdint.h>
#include "netmap.h"

/* ------------------------------------------------------------------ */
/* Address arithmetic inside the shared region. */

/* Pointer of type @type located @offset bytes after @ptr. */
#define _NETMAP_OFFSET(type, ptr, offset) \
	((type)(void *)((char *)(ptr) + (offset)))

/* netmap_if of a descriptor: mmap base + nr_offset from the register. */
#define NETMAP_IF(_base, _ofs) \
	_NETMAP_OFFSET(struct netmap_if *, _base, _ofs)

/* TX ring @index: NIC rings first, then host rings. */
#define NETMAP_TXRING(nifp, index) \
	_NETMAP_OFFSET(struct netmap_ring *, nifp, (nifp)->ring_ofs[index])

/* RX ring @index: its ring_ofs entries follow all the TX entries. */
#define NETMAP_RXRING(nifp, index) \
	_NETMAP_OFFSET(struct netmap_ring *, nifp, \
		(nifp)->ring_ofs[(index) + (nifp)->ni_tx_rings + \
				 (nifp)->ni_host_tx_rings])

/* Address of buffer @index as seen from @ring. */
#define NETMAP_BUF(ring, index) \
	((char *)(ring) + (ring)->buf_ofs + \
	 ((size_t)(index) * (ring)->nr_buf_size))

/* Buffer index of an address inside a buffer, as seen from @ring. */
#define NETMAP_BUF_IDX(ring, buf) \
	(((char *)(buf) - ((char *)(ring) + (ring)->buf_ofs)) / \
	 (ring)->nr_buf_size)

/* Per-slot packet offset (only non-zero with NETMAP_REQ_OPT_OFFSETS). */
#define NETMAP_ROFFSET(ring, slot) \
	((slot)->ptr & (ring)->offset_mask)

#define NETMAP_WOFFSET(ring, slot, offset) \
	((slot)->ptr = ((slot)->ptr & ~(ring)->offset_mask) | \
		       ((uint64_t)(offset) & (ring)->offset_mask))

/* Start of the packet held by @slot, offset included. */
#define NETMAP_BUF_OFFSET(ring, slot) \
	(NETMAP_BUF(ring, (slot)->buf_idx) + NETMAP_ROFFSET(ring, slot))

/* ------------------------------------------------------------------ */
/* Ring index helpers.  The user owns the slots in [head, tail). */

/* Slot after @i, wrapping at num_slots (any ring size). */
static inline uint32_t
nm_ring_next(const struct netmap_ring *r, uint32_t i)
{
	return (i + 1 == r->num_slots) ? 0 : i + 1;
}

/* Number of slots the application may use now: (tail - head) mod N. */
static inline uint32_t
nm_ring_space(const struct netmap_ring *r)
{
	uint32_t head = r->head;
	uint32_t tail = r->tail;

	if (tail >= head)
		return tail - head;
	return tail + r->num_slots - head;
}

/* True when the application owns no slot. */
static inline int
nm_ring_empty(const struct netmap_ring *r)
{
	return r->head == r->tail;
}

/* TX: true while some slot handed to the kernel is not reclaimed yet. */
static inline int
nm_tx_pending(const struct netmap_ring *r)
{
	return nm_ring_next(r, r->tail) != r->head;
}

/* ================================================================== */
#ifdef NETMAP_WITH_LIBS

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>

/* Branch hints, unless the application has its own. */
#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/* Diagnostics to stderr: D always, RD at most @lps times a second, ND never. */
#ifndef ND
#define ND(_fmt, ...)	do { } while (0)
#endif
#ifndef D
#define D(_fmt, ...) \
	fprintf(stderr, "%s [%d] " _fmt "\n", __func__, __LINE__, ##__VA_ARGS__)
#endif
#ifndef RD
#define RD(_lps, _fmt, ...)						\
	do {								\
		static time_t nm_rd_sec_;				\
		static int nm_rd_cnt_;					\
		time_t nm_rd_now_ = time(NULL);				\
		if (nm_rd_now_ != nm_rd_sec_) {				\
			nm_rd_sec_ = nm_rd_now_;			\
			nm_rd_cnt_ = 0;					\
		}							\
		if (nm_rd_cnt_++ < (_lps))				\
			D(_fmt, ##__VA_ARGS__);				\
	} while (0)
#endif

#define NM_ERRBUF_SIZE	512

/* Flag for nm_pkthdr.flags: more packets are ready. */
#define NM_MORE_PKTS	1

struct nm_desc;

/* Per-packet metadata; starts like pcap's packet header. */
struct nm_pkthdr {
	struct timeval		ts;
	uint32_t		caplen;	/* bytes available at the buffer */
	uint32_t		len;	/* bytes of the whole packet */
	uint64_t		flags;
	struct nm_desc		*d;
	struct netmap_slot	*slot;	/* first slot of the packet */
	uint8_t			*buf;
};

/* Counters, laid out like pcap's statistics. */
struct nm_stat {
	unsigned int	ps_recv;
	unsigned int	ps_drop;
	unsigned int	ps_ifdrop;
};

/* State of one port opened with nm_open(). */
struct nm_desc {
	struct nm_desc		*self;	/* == itself while valid */
	int			fd;
	void			*mem;	/* base of the mapping */
	uint64_t		memsize;
	int			done_mmap; /* mem was mapped by this desc */
	struct netmap_if	*nifp;
	uint16_t		first_tx_ring, last_tx_ring, cur_tx_ring;
	uint16_t		first_rx_ring, last_rx_ring, cur_rx_ring;
	struct nmreq		req;	/* as sent to / returned by NIOCREGIF */
	struct nm_pkthdr	hdr;

	/* Some bound ring, and the bounds of the buffer area. */
	struct netmap_ring	*some_ring;
	void			*buf_start;
	void			*buf_end;

	/* pcap-style parameters, for the caller's use. */
	int			snaplen;
	int			promisc;
	int			to_ms;
	char			*errbuf;

	uint32_t		if_flags;
	uint32_t		if_reqcap;
	uint32_t		if_curcap;

	struct nm_stat		st;
	char			msg[NM_ERRBUF_SIZE];
};

#define P2NMD(p)		((struct nm_desc *)(p))
#define IS_NETMAP_DESC(d)	((d) != NULL && P2NMD(d)->self == P2NMD(d))
#define NETMAP_FD(d)		(P2NMD(d)->fd)

/* Receive callback, same shape as pcap_handler. */
typedef void (*nm_cb_t)(unsigned char *, const struct nm_pkthdr *,
			const unsigned char *d);

/*
 * nm_open() flags.  The low 16 bits may carry NETMAP_NO_TX_POLL and
 * NETMAP_DO_RX_POLL, which go to nr_ringid; the bits below select
 * what is taken from the @arg descriptor.
 */
#define NM_OPEN_NO_MMAP		0x040000	/* share arg's mapping */
#define NM_OPEN_IFNAME		0x080000	/* name, ringid, flags */
#define NM_OPEN_ARG1		0x100000
#define NM_OPEN_ARG2		0x200000
#define NM_OPEN_ARG3		0x400000
#define NM_OPEN_RING_CFG	0x800000	/* ring counts and sizes */

/* Copy @l bytes; kept for programs that call it by this name. */
static inline void
nm_pkt_copy(const void *_src, void *_dst, int l)
{
	if (l > 0)
		memcpy(_dst, _src, (size_t)l);
}

/* ------------------------------------------------------------------ */
/* Internals of the library (nm_priv_*: not part of the API). */

static inline int
nm_priv_is_ident(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static inline int
nm_priv_fail(struct nm_desc *d, char *err, const char *why)
{
	if (err != NULL)
		snprintf(err, NM_ERRBUF_SIZE, "%s", why);
	else if (d != NULL)
		snprintf(d->msg, sizeof(d->msg), "%s", why);
	errno = EINVAL;
	return -1;
}

/* Parse decimal digits at *pp into *val (at least one, bounded). */
static inline int
nm_priv_number(const char **pp, unsigned long max, unsigned long *val)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -1;
		p++;
	}
	*pp = p;
	*val = v;
	return 0;
}

/*
 * Parse a port name of the legacy grammar into d->req:
 *
 *   ( "netmap:" NAME | "vale" [ident] ":" ident ) [MODE] ["/" FLAGS] ["@" N]
 *
 *   MODE:  "^" host rings ("^N" one host ring pair), "*" NIC and host
 *          rings, "-N" one NIC ring pair, "{N" / "}N" master / slave
 *          end of pipe N
 *   FLAGS: x exclusive, z zero-copy monitor, t/r tx/rx monitor,
 *          R rx rings only, T tx rings only
 *   "@N":  memory allocator id, stored in nr_arg2
 *
 * Sets nr_name, nr_ringid (the number of MODE) and nr_flags (mode and
 * flags); nr_arg2 only if "@N" is present.  Returns 0, or -1 with
 * errno EINVAL and a message in @err (NM_ERRBUF_SIZE bytes) or d->msg.
 */
static inline int
nm_parse(const char *ifname, struct nm_desc *d, char *err)
{
	const char *p, *name, *end;
	unsigned long num = 0, memid = 0;
	uint32_t mode = NR_REG_ALL_NIC, flags = 0;
	int have_flags = 0, have_memid = 0;
	size_t namelen;

	if (ifname == NULL || d == NULL)
		return nm_priv_fail(d, err, "missing name or descriptor");

	if (strncmp(ifname, "netmap:", 7) == 0) {
		name = ifname + 7;
		for (p = name; *p != '\0' && strchr("^*-{}/@", *p) == NULL;
		     p++)
			;
	} else if (strncmp(ifname, "vale", 4) == 0) {
		name = ifname;
		for (p = ifname + 4; nm_priv_is_ident(*p); p++)
			;
		if (*p != ':')
			return nm_priv_fail(d, err, "vale name needs ':'");
		end = ++p;
		while (nm_priv_is_ident(*p))
			p++;
		if (p == end)
			return nm_priv_fail(d, err, "empty vale port name");
		if (*p != '\0' && strchr("^*-{}/@", *p) == NULL)
			return nm_priv_fail(d, err, "bad char in vale port");
	} else {
		return nm_priv_fail(d, err, "not a netmap or vale name");
	}

	namelen = (size_t)(p - name);
	if (namelen == 0)
		return nm_priv_fail(d, err, "empty port name");
	if (namelen >= sizeof(d->req.nr_name))
		return nm_priv_fail(d, err, "port name too long");

	switch (*p) {
	case '^':
		p++;
		mode = NR_REG_SW;
		if (isdigit((unsigned char)*p)) {
			if (nm_priv_number(&p, NETMAP_RING_MASK - 1, &num))
				return nm_priv_fail(d, err, "bad ring number");
			mode = NR_REG_ONE_SW;
		}
		break;
	case '*':
		p++;
		mode = NR_REG_NIC_SW;
		break;
	case '-':
	case '{':
	case '}':
		mode = (*p == '-') ? NR_REG_ONE_NIC :
		       (*p == '{') ? NR_REG_PIPE_MASTER : NR_REG_PIPE_SLAVE;
		p++;
		if (nm_priv_number(&p, NETMAP_RING_MASK - 1, &num))
			return nm_priv_fail(d, err, "bad ring or pipe number");
		break;
	default:
		break;
	}

	while (*p != '\0') {
		if (*p == '/' && !have_flags) {
			have_flags = 1;
			for (p++; *p != '\0' && *p != '@'; p++) {
				switch (*p) {
				case 'x': flags |= NR_EXCLUSIVE; break;
				case 'z': flags |= NR_ZCOPY_MON; break;
				case 't': flags |= NR_MONITOR_TX; break;
				case 'r': flags |= NR_MONITOR_RX; break;
				case 'R': flags |= NR_RX_RINGS_ONLY; break;
				case 'T': flags |= NR_TX_RINGS_ONLY; break;
				default:
					return nm_priv_fail(d, err,
							    "unknown flag");
				}
			}
		} else if (*p == '@' && !have_memid) {
			have_memid = 1;
			p++;
			if (nm_priv_number(&p, 0xffff, &memid) || memid == 0)
				return nm_priv_fail(d, err, "bad memory id");
		} else {
			return nm_priv_fail(d, err, "unexpected suffix");
		}
	}

	memset(d->req.nr_name, 0, sizeof(d->req.nr_name));
	memcpy(d->req.nr_name, name, namelen);
	d->req.nr_ringid = (uint16_t)(num & NETMAP_RING_MASK);
	d->req.nr_flags = mode | flags;
	if (have_memid)
		d->req.nr_arg2 = (uint16_t)memid;
	return 0;
}

/* An empty inclusive range [1, 0] marks "no rings of this direction". */
static inline void
nm_priv_set_range(uint16_t *first, uint16_t *last, unsigned int lo,
		  unsigned int hi)
{
	*first = (uint16_t)lo;
	*last = (uint16_t)hi;
}

/* Which rings the registration bound, from its mode and the counts. */
static inline void
nm_priv_compute_rings(struct nm_desc *d)
{
	unsigned int ntx = d->req.nr_tx_rings, nrx = d->req.nr_rx_rings;
	unsigned int r = d->req.nr_ringid & NETMAP_RING_MASK;
	unsigned int mode = d->req.nr_flags & NR_REG_MASK;

	if (mode == NR_REG_DEFAULT) {
		if (d->req.nr_ringid & NETMAP_SW_RING)
			mode = NR_REG_SW;
		else if (d->req.nr_ringid & NETMAP_HW_RING)
			mode = NR_REG_ONE_NIC;
		else
			mode = NR_REG_ALL_NIC;
	}

	switch (mode) {
	case NR_REG_ALL_NIC:
	case NR_REG_PIPE_MASTER:	/* the kernel binds all rings of */
	case NR_REG_PIPE_SLAVE:		/* the pipe end, or of the null */
	case NR_REG_NULL:		/* port */
		nm_priv_set_range(&d->first_tx_ring, &d->last_tx_ring, 0,
				  ntx ? ntx - 1 : 0);
		nm_priv_set_range(&d->first_rx_ring, &d->last_rx_ring, 0,
				  nrx ? nrx - 1 : 0);
		break;
	case NR_REG_SW:
		nm_priv_set_range(&d->first_tx_ring, &d->last_tx_ring, ntx, ntx);
		nm_priv_set_range(&d->first_rx_ring, &d->last_rx_ring, nrx, nrx);
		break;
	case NR_REG_NIC_SW:
		nm_priv_set_range(&d->first_tx_ring, &d->last_tx_ring, 0, ntx);
		nm_priv_set_range(&d->first_rx_ring, &d->last_rx_ring, 0, nrx);
		break;
	case NR_REG_ONE_NIC:
		/* Like the kernel: a direction lacking ring r uses ring 0. */
		nm_priv_set_range(&d->first_tx_ring, &d->last_tx_ring,
				  r < ntx ? r : 0, r < ntx ? r : 0);
		nm_priv_set_range(&d->first_rx_ring, &d->last_rx_ring,
				  r < nrx ? r : 0, r < nrx ? r : 0);
		break;
	case NR_REG_ONE_SW:
		nm_priv_set_range(&d->first_tx_ring, &d->last_tx_ring,
				  ntx + r, ntx + r);
		nm_priv_set_range(&d->first_rx_ring, &d->last_rx_ring,
				  nrx + r, nrx + r);
		break;
	default:	/* unknown mode: assume one ring pair */
		nm_priv_set_range(&d->first_tx_ring, &d->last_tx_ring, 0, 0);
		nm_priv_set_range(&d->first_rx_ring, &d->last_rx_ring, 0, 0);
		break;
	}
}

/* Number of rings in an inclusive range (0 for the empty [1, 0]). */
static inline unsigned int
nm_priv_nrings(uint16_t first, uint16_t last)
{
	return last >= first ? (unsigned int)(last - first) + 1 : 0;
}

/* Ring @ri of one direction, or NULL if it does not exist or is unbound. */
static inline struct netmap_ring *
nm_priv_ring(const struct nm_desc *d, unsigned int ri, int rx)
{
	const struct netmap_if *nifp = d->nifp;
	unsigned int i;

	if (nifp == NULL)
		return NULL;
	if (!rx) {
		if (ri >= nifp->ni_tx_rings + nifp->ni_host_tx_rings)
			return NULL;
		i = ri;
	} else {
		if (ri >= nifp->ni_rx_rings + nifp->ni_host_rx_rings)
			return NULL;
		i = ri + nifp->ni_tx_rings + nifp->ni_host_tx_rings;
	}
	if (nifp->ring_ofs[i] == 0)
		return NULL;
	return _NETMAP_OFFSET(struct netmap_ring *, nifp, nifp->ring_ofs[i]);
}

/* True if [p, p + len) lies inside the buffer area of the mapping. */
static inline int
nm_priv_buf_ok(const struct nm_desc *d, const char *p, size_t len)
{
	if (d->buf_start == NULL || d->buf_end == NULL)
		return 1;
	return p >= (const char *)d->buf_start &&
	       p <= (const char *)d->buf_end &&
	       len <= (size_t)((const char *)d->buf_end - p);
}

/*
 * Map the shared region of @d, or reuse the mapping of @parent when
 * it covers the same allocator (same nr_arg2), then locate nifp, a
 * ring and the buffer area.  Returns 0 or -1 with errno set.
 */
static inline int
nm_mmap(struct nm_desc *d, const struct nm_desc *parent)
{
	unsigned int i, ntx, nrx;

	if (d == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (d->mem == NULL) {
		if (parent != NULL && parent->mem != NULL &&
		    parent->req.nr_arg2 == d->req.nr_arg2 &&
		    d->req.nr_offset < parent->memsize) {
			d->mem = parent->mem;
			d->memsize = parent->memsize;
			d->done_mmap = 0;
		} else {
			void *m;

			d->memsize = d->req.nr_memsize;
			m = mmap(NULL, (size_t)d->memsize,
				 PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
			if (m == MAP_FAILED) {
				snprintf(d->msg, sizeof(d->msg),
					 "mmap failed: %s", strerror(errno));
				return -1;
			}
			d->mem = m;
			d->done_mmap = 1;
		}
	}
	if (d->req.nr_offset >= d->memsize) {
		errno = EINVAL;
		return -1;
	}
	d->nifp = NETMAP_IF(d->mem, d->req.nr_offset);

	/*
	 * A direction whose first ring is not bound (e.g. /T or /R) has
	 * no rings at all: give it the empty range.
	 */
	if (d->first_tx_ring <= d->last_tx_ring &&
	    nm_priv_ring(d, d->first_tx_ring, 0) == NULL)
		nm_priv_set_range(&d->first_tx_ring, &d->last_tx_ring, 1, 0);
	if (d->first_rx_ring <= d->last_rx_ring &&
	    nm_priv_ring(d, d->first_rx_ring, 1) == NULL)
		nm_priv_set_range(&d->first_rx_ring, &d->last_rx_ring, 1, 0);
	d->cur_tx_ring = d->first_tx_ring;
	d->cur_rx_ring = d->first_rx_ring;

	d->some_ring = NULL;
	ntx = nm_priv_nrings(d->first_tx_ring, d->last_tx_ring);
	nrx = nm_priv_nrings(d->first_rx_ring, d->last_rx_ring);
	for (i = 0; i < ntx && d->some_ring == NULL; i++)
		d->some_ring = nm_priv_ring(d, d->first_tx_ring + i, 0);
	for (i = 0; i < nrx && d->some_ring == NULL; i++)
		d->some_ring = nm_priv_ring(d, d->first_rx_ring + i, 1);
	if (d->some_ring != NULL) {
		d->buf_start = NETMAP_BUF(d->some_ring, 0);
		d->buf_end = (char *)d->mem + d->memsize;
	} else {
		d->buf_start = NULL;
		d->buf_end = NULL;
	}
	return 0;
}

/*
 * Open /dev/netmap and bind it to the port named @ifname (legacy
 * grammar, see nm_parse).  @req, if given, supplies initial values of
 * the NIOCREGIF request; name, ringid and flags always come from
 * @ifname, or from @arg with NM_OPEN_IFNAME.  NM_OPEN_ARG1/2/3 and
 * NM_OPEN_RING_CFG copy those fields from @arg.  The region is mapped
 * (or shared with @arg) unless NM_OPEN_NO_MMAP is given without @arg.
 *
 * A name starting neither with "netmap:" nor "vale" is not for us:
 * NULL is returned with errno 0.  Other failures return NULL with
 * errno describing the error.
 */
static inline struct nm_desc *
nm_open(const char *ifname, const struct nmreq *req, uint64_t new_flags,
	const struct nm_desc *arg)
{
	struct nm_desc *d;
	int saved;

	if (ifname == NULL) {
		/* Tolerated only when the name comes from @arg. */
		if (!(new_flags & NM_OPEN_IFNAME) || arg == NULL) {
			errno = EINVAL;
			return NULL;
		}
	} else if (strncmp(ifname, "netmap:", 7) != 0 &&
		   strncmp(ifname, "vale", 4) != 0) {
		errno = 0;	/* not ours: let the caller try others */
		return NULL;
	}

	d = (struct nm_desc *)calloc(1, sizeof(*d));
	if (d == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	d->self = d;
	d->fd = -1;

	if (req != NULL)
		d->req = *req;

	if (new_flags & NM_OPEN_IFNAME) {
		if (arg == NULL) {
			errno = EINVAL;
			goto fail;
		}
		memcpy(d->req.nr_name, arg->req.nr_name,
		       sizeof(d->req.nr_name));
		d->req.nr_name[sizeof(d->req.nr_name) - 1] = '\0';
		d->req.nr_ringid = arg->req.nr_ringid;
		d->req.nr_flags = arg->req.nr_flags;
	} else if (nm_parse(ifname, d, NULL) != 0) {
		goto fail;
	}

	if (arg != NULL) {
		if (new_flags & NM_OPEN_ARG1)
			d->req.nr_arg1 = arg->req.nr_arg1;
		if (new_flags & NM_OPEN_ARG2)
			d->req.nr_arg2 = arg->req.nr_arg2;
		if (new_flags & NM_OPEN_ARG3)
			d->req.nr_arg3 = arg->req.nr_arg3;
		if (new_flags & NM_OPEN_RING_CFG) {
			d->req.nr_tx_slots = arg->req.nr_tx_slots;
			d->req.nr_rx_slots = arg->req.nr_rx_slots;
			d->req.nr_tx_rings = arg->req.nr_tx_rings;
			d->req.nr_rx_rings = arg->req.nr_rx_rings;
		}
	}

	d->req.nr_version = NETMAP_API;
	d->req.nr_cmd = 0;
	d->req.nr_ringid |= (uint16_t)(new_flags &
				       (NETMAP_NO_TX_POLL | NETMAP_DO_RX_POLL));

	d->fd = open(NETMAP_DEVICE_NAME, O_RDWR);
	if (d->fd < 0) {
		snprintf(d->msg, sizeof(d->msg), "cannot open %s",
			 NETMAP_DEVICE_NAME);
		goto fail;
	}
	if (ioctl(d->fd, NIOCREGIF, &d->req) != 0) {
		snprintf(d->msg, sizeof(d->msg), "NIOCREGIF failed on %s",
			 d->req.nr_name);
		goto fail;
	}

	nm_priv_compute_rings(d);
	d->cur_tx_ring = d->first_tx_ring;
	d->cur_rx_ring = d->first_rx_ring;

	if ((!(new_flags & NM_OPEN_NO_MMAP) || arg != NULL) &&
	    nm_mmap(d, arg) != 0)
		goto fail;

	return d;

fail:
	saved = errno;
	if (d->done_mmap && d->mem != NULL)
		munmap(d->mem, (size_t)d->memsize);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
	errno = saved;
	return NULL;
}

/* Unmap (if this descriptor mapped), close and free.  0 or -1/EINVAL. */
static inline int
nm_close(struct nm_desc *d)
{
	if (d == NULL || d->self != d) {
		errno = EINVAL;
		return -1;
	}
	if (d->done_mmap && d->mem != NULL)
		munmap(d->mem, (size_t)d->memsize);
	if (d->fd >= 0)
		close(d->fd);
	memset(d, 0, sizeof(*d));
	free(d);
	return 0;
}

/*
 * Queue one packet on the first bound TX ring (starting at cur_tx_ring)
 * with room for it; packets larger than a buffer span several slots
 * chained with NS_MOREFRAG.  No system call: the packet leaves at the
 * next NIOCTXSYNC or poll().  Returns @size, or 0 if nothing had room.
 */
static inline int
nm_inject(struct nm_desc *d, const void *buf, size_t size)
{
	unsigned int n = nm_priv_nrings(d->first_tx_ring, d->last_tx_ring);
	unsigned int c, ri = d->cur_tx_ring;

	if (ri < d->first_tx_ring || ri > d->last_tx_ring)
		ri = d->first_tx_ring;

	for (c = 0; c < n; c++) {
		struct netmap_ring *ring = nm_priv_ring(d, ri, 0);

		if (ring != NULL && ring->nr_buf_size != 0) {
			/* A slot's len is 16 bits wide. */
			size_t bsz = ring->nr_buf_size > 0xffff ?
				     0xffff : ring->nr_buf_size;
			size_t need = size ? (size + bsz - 1) / bsz : 1;

			if (need > NETMAP_MAX_FRAGS || size > 0x7fffffff)
				return 0;
			if (nm_ring_space(ring) >= need) {
				const char *src = (const char *)buf;
				uint32_t i = ring->head;
				size_t left = size;

				for (;;) {
					struct netmap_slot *s = &ring->slot[i];
					size_t fl = left < bsz ? left : bsz;

					memcpy(NETMAP_BUF(ring, s->buf_idx),
					       src, fl);
					s->len = (uint16_t)fl;
					src += fl;
					left -= fl;
					i = nm_ring_next(ring, i);
					if (left == 0) {
						s->flags = 0;
						break;
					}
					s->flags = NS_MOREFRAG;
				}
				ring->head = ring->cur = i;
				d->cur_tx_ring = (uint16_t)ri;
				return (int)size;
			}
		}
		ri = (ri >= d->last_tx_ring) ? d->first_tx_ring : ri + 1;
	}
	return 0;
}

/*
 * Find the packet starting at ring->cur: its last slot, total length
 * and fragment count.  Returns 0 if the packet is not complete yet
 * (its NS_MOREFRAG chain reaches tail).
 */
static inline int
nm_priv_packet(const struct netmap_ring *ring, uint32_t *lastp,
	       size_t *lenp, unsigned int *fragsp)
{
	uint32_t i = ring->cur, tail = ring->tail;
	size_t len = 0;
	unsigned int frags = 0;

	if (i == tail || i >= ring->num_slots)
		return 0;
	for (;;) {
		const struct netmap_slot *s = &ring->slot[i];

		len += s->len;
		frags++;
		if (!(s->flags & NS_MOREFRAG) || frags == NETMAP_MAX_FRAGS)
			break;
		i = nm_ring_next(ring, i);
		if (i == tail)
			return 0;
	}
	*lastp = i;
	*lenp = len;
	*fragsp = frags;
	return 1;
}

/*
 * Deliver up to @cnt packets (all available if @cnt <= 0) from the
 * bound RX rings to @cb, starting at cur_rx_ring.  Reads [cur, tail)
 * of each ring and then releases what it consumed (head = cur).  A
 * packet spanning several slots is handed over in one contiguous copy.
 * No system call: new packets arrive through poll() or NIOCRXSYNC.
 * Returns the number of packets delivered.
 */
static inline int
nm_dispatch(struct nm_desc *d, int cnt, nm_cb_t cb, unsigned char *arg)
{
	unsigned int n = nm_priv_nrings(d->first_rx_ring, d->last_rx_ring);
	unsigned int c, ri = d->cur_rx_ring;
	int got = 0;

	if (ri < d->first_rx_ring || ri > d->last_rx_ring)
		ri = d->first_rx_ring;

	for (c = 0; c < n && (cnt <= 0 || got < cnt); c++) {
		struct netmap_ring *ring = nm_priv_ring(d, ri, 1);

		while (ring != NULL && (cnt <= 0 || got < cnt)) {
			struct netmap_slot *s;
			unsigned char *pkt, *copy = NULL;
			uint32_t last;
			size_t len;
			unsigned int frags;

			if (!nm_priv_packet(ring, &last, &len, &frags))
				break;
			s = &ring->slot[ring->cur];
			pkt = (unsigned char *)NETMAP_BUF_OFFSET(ring, s);
			if (frags > 1) {
				uint32_t j = ring->cur;
				size_t off = 0;

				copy = (unsigned char *)malloc(len ? len : 1);
				for (; copy != NULL; j = nm_ring_next(ring, j)) {
					struct netmap_slot *f = &ring->slot[j];
					char *src = NETMAP_BUF_OFFSET(ring, f);

					if (!nm_priv_buf_ok(d, src, f->len))
						break;
					memcpy(copy + off, src, f->len);
					off += f->len;
					if (j == last)
						break;
				}
				if (copy != NULL && off == len)
					pkt = copy;
			}
			if (pkt == copy ||
			    nm_priv_buf_ok(d, (char *)pkt,
					   frags > 1 ? s->len : len)) {
				d->hdr.ts = ring->ts;
				d->hdr.len = (uint32_t)len;
				d->hdr.caplen = (pkt == copy || frags == 1) ?
						(uint32_t)len : s->len;
				if (d->snaplen > 0 &&
				    d->hdr.caplen > (uint32_t)d->snaplen)
					d->hdr.caplen = (uint32_t)d->snaplen;
				d->hdr.flags = 0;
				d->hdr.d = d;
				d->hdr.slot = s;
				d->hdr.buf = pkt;
				cb(arg, &d->hdr, pkt);
				d->st.ps_recv++;
				got++;
			} else {
				d->st.ps_drop++;
			}
			if (copy != NULL) {
				if (d->hdr.buf == copy)
					d->hdr.buf = NULL;
				free(copy);
			}
			ring->cur = nm_ring_next(ring, last);
		}
		if (ring != NULL)
			ring->head = ring->cur;
		d->cur_rx_ring = (uint16_t)ri;
		if (cnt > 0 && got >= cnt)
			break;
		ri = (ri >= d->last_rx_ring) ? d->first_rx_ring : ri + 1;
	}
	return got;
}

/*
 * Return the next received packet, or NULL if the bound RX rings hold
 * none.  The slots are released at once (head = cur past the packet);
 * the data stays valid until the next poll() or NIOCRXSYNC.  For a
 * packet spanning several slots the returned buffer holds the first
 * fragment: hdr->caplen is its length, hdr->len the whole packet's and
 * hdr->slot the first slot of the chain.  @hdr may be NULL.
 */
static inline unsigned char *
nm_nextpkt(struct nm_desc *d, struct nm_pkthdr *hdr)
{
	unsigned int n = nm_priv_nrings(d->first_rx_ring, d->last_rx_ring);
	unsigned int c, ri = d->cur_rx_ring;

	if (ri < d->first_rx_ring || ri > d->last_rx_ring)
		ri = d->first_rx_ring;

	for (c = 0; c < n; c++) {
		struct netmap_ring *ring = nm_priv_ring(d, ri, 1);
		struct netmap_slot *s;
		unsigned char *pkt;
		uint32_t last;
		size_t len;
		unsigned int frags;

		while (ring != NULL &&
		       nm_priv_packet(ring, &last, &len, &frags)) {
			s = &ring->slot[ring->cur];
			pkt = (unsigned char *)NETMAP_BUF_OFFSET(ring, s);
			ring->cur = ring->head = nm_ring_next(ring, last);
			if (!nm_priv_buf_ok(d, (char *)pkt, s->len)) {
				d->st.ps_drop++;
				continue;
			}
			d->cur_rx_ring = (uint16_t)ri;
			d->st.ps_recv++;
			if (hdr == NULL)
				hdr = &d->hdr;
			hdr->ts = ring->ts;
			hdr->len = (uint32_t)len;
			hdr->caplen = s->len;
			hdr->flags = 0;
			hdr->d = d;
			hdr->slot = s;
			hdr->buf = pkt;
			return pkt;
		}
		ri = (ri >= d->last_rx_ring) ? d->first_rx_ring : ri + 1;
	}
	return NULL;
}

#endif /* NETMAP_WITH_LIBS */

#endif /* _NET_NETMAP_USER_H_ */
