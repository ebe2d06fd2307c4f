// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vale_fwd.c - forwarding in a VALE switch, done by the sender's TX sync.
 *
 * A sync works in batches: collect up to `batch` slots of the sender's ring,
 * classify every packet (learn its source, look up its destination, chain it
 * on that destination's list), then deliver each list: lease room in the
 * destination RX ring under its lock, copy without the lock, publish the
 * lease in order. A destination without room drops; the switch never waits
 * for a slow receiver. This copy is also what isolates ports from each
 * other: no port ever sees another port's buffers.
 */
#include "vale_fwd.h"

#define VALE_LEASE_BUSY		0xffffffffu
#define VALE_DONE		0xfffe	/* list delivered together with broadcasts */
#define VNET_F_NEEDS_CSUM	1

/* Read @len bytes at @off of a source fragment, kernel or user memory. */
static int vale_src_read(const struct vale_ft *f, uint32_t off, void *dst,
			 uint32_t len)
{
	if (nm_likely(f->data != NULL)) {
		memcpy(dst, f->data + off, len);
		return 0;
	}
	return nm_os_copy_from_user(dst, f->uaddr + off, len);
}

/*
 * Gather slots [*cur, head) into sc->ft, at most @batch of them unless a
 * packet is still open, and return how many were taken.
 */
static uint32_t vale_collect(struct nm_kring *k, struct vale_scratch *sc,
			     uint32_t *cur, uint32_t head, uint32_t batch)
{
	struct netmap_ring *r = k->ring;
	struct nm_mem *mem = k->port->mem;
	uint32_t bufsz = nm_mem_buf_size(mem), c = *cur, n = 0;
	const uint32_t limit = VALE_BATCH_MAX + VALE_MAX_FRAGS;

	while (c != head && n < limit) {
		struct netmap_slot *s = &r->slot[c];
		struct vale_ft *f = &sc->ft[n];
		uint16_t flags, len;
		uint32_t idx;

		if (n >= batch && !sc->ft[n - 1].more)
			break;
		flags = NM_READ_ONCE(s->flags);
		len = NM_READ_ONCE(s->len);
		idx = NM_READ_ONCE(s->buf_idx);
		f->more = !!(flags & NS_MOREFRAG);
		if (flags & NS_INDIRECT) {
			f->data = NULL;
			f->uaddr = NM_READ_ONCE(s->ptr);
		} else if (nm_likely(nm_mem_buf_valid(mem, idx))) {
			f->data = nm_mem_buf(mem, idx);
			/* Classification reads the header soon: start the miss now. */
			nm_prefetch(f->data);
		} else {
			f->data = (const char *)s;	/* never read: len 0 */
			len = 0;
			NM_STAT(k->stats.drop_bad_slot++);
		}
		if (nm_unlikely(len > bufsz)) {
			len = 0;
			NM_STAT(k->stats.drop_bad_slot++);
		}
		f->len = len;
		if (flags & NS_BUF_CHANGED)
			NM_WRITE_ONCE(s->flags, flags & ~NS_BUF_CHANGED);
		n++;
		c = nm_next(c, k->num_slots);
	}
	/* A chain still open at head is cut there and sent as it is. */
	if (n && c == head)
		sc->ft[n - 1].more = 0;
	*cur = c;
	return n;
}

static void vale_list_add(struct vale_scratch *sc, uint16_t dst, uint16_t i)
{
	if (sc->lhead[dst] == VALE_NIL) {
		sc->lhead[dst] = i;
		if (dst != VALE_BROADCAST)
			sc->dst[sc->ndst++] = dst;
	} else {
		sc->ft[sc->ltail[dst]].next = i;
	}
	sc->ltail[dst] = i;
}

/* Learn sources, find destinations, chain packets per destination. */
/* Both MACs of an Ethernet header, as vale_mac48() packs them. */
static inline void vale_eth_macs(const uint8_t *eth, uint64_t *dmac,
				 uint64_t *smac)
{
	uint64_t a, b;

	/* Two unaligned loads instead of twelve byte loads. */
	__builtin_memcpy(&a, eth, 8);
	__builtin_memcpy(&b, eth + 4, 8);
	*dmac = nm_le64(a) & 0xffffffffffffULL;
	*smac = nm_le64(b) >> 16;
}

static void vale_classify(struct vale_member *src, struct nm_kring *k,
			  struct vale_scratch *sc, uint32_t n, uint32_t hl,
			  bool count)
{
	struct vale_bridge *b = src->b;
	uint64_t cache_dmac = ~0ULL, dmac, smac, bytes = 0;
	uint16_t cache_dst = VALE_BROADCAST;
	uint32_t i = 0, pkts = 0, bad = 0;

	while (i < n) {
		struct vale_ft *f = &sc->ft[i], *e;
		uint32_t start = i, plen = 0, off;
		uint8_t eth[16], vh[2];
		uint16_t dst;
		uint8_t nfr = 0;

		do {
			plen += sc->ft[i].len;
			nfr++;
			i++;
		} while (sc->ft[i - 1].more && i < n && nfr < VALE_MAX_FRAGS);
		f->nfrags = nfr;
		f->plen = plen;
		f->next = VALE_NIL;
		f->vh_flags = f->vh_gso = 0;
		pkts++;
		bytes += plen;

		/* The Ethernet header follows the virtio-net header, if any. */
		e = f;
		off = hl;
		if (hl) {
			if (f->len < hl || vale_src_read(f, 0, vh, 2))
				goto drop;
			f->vh_flags = vh[0];
			f->vh_gso = vh[1];
			if (f->len == hl) {
				if (nfr < 2)
					goto drop;
				e = &sc->ft[start + 1];
				off = 0;
			}
		}
		if (e->len < off + 14)
			goto drop;
		if (nm_likely(e->data != NULL))
			vale_eth_macs((const uint8_t *)e->data + off, &dmac, &smac);
		else if (!vale_src_read(e, off, eth, 14))
			vale_eth_macs(eth, &dmac, &smac);
		else
			goto drop;
		if (smac != src->last_smac)
			vale_learn_src(&b->learn, smac, src->idx, &src->last_smac);
		/* Bursts go to one destination: look each MAC up once a batch. */
		if (dmac != cache_dmac) {
			cache_dmac = dmac;
			cache_dst = vale_learn_dst(&b->learn, dmac);
		}
		dst = cache_dst;
		if (dst == src->idx)
			continue;	/* never back to the sender */
		if (dst != VALE_BROADCAST && !b->ports[dst])
			dst = VALE_BROADCAST;
		vale_list_add(sc, dst, start);
		continue;
drop:
		bad++;
	}
	/* Counted once a batch, and once per packet for multi-switch ports. */
	(void)k;	/* unused when counters are compiled out */
	if (count) {
		NM_STAT(k->stats.pkts += pkts);
		NM_STAT(k->stats.bytes += bytes);
		NM_STAT(k->stats.drop_bad_slot += bad);
	}
}

/* Slots a packet takes at the destination; 0 = cannot be delivered there. */
static inline uint32_t vale_dslots(const struct vale_ft *f, uint32_t hls,
			    uint32_t hld, uint32_t bufsz)
{
	uint32_t total, ns;

	if (hls == hld)
		return f->nfrags;
	/* Removing the header of a GSO frame would need segmentation. */
	if (hld == 0 && f->vh_gso != 0)
		return 0;
	total = f->plen - hls + hld;
	ns = total ? (total + bufsz - 1) / bufsz : 1;
	if (ns > VALE_MAX_FRAGS)
		return 0;
	/* A checksum left to the receiver is completed in one buffer only. */
	if (hld == 0 && (f->vh_flags & VNET_F_NEEDS_CSUM) && ns > 1)
		return 0;
	return ns;
}

/* Walks the union of a unicast and a broadcast list in batch order. */
struct vale_walk {
	uint16_t u, b;
};

static inline uint16_t vale_walk_next(struct vale_walk *w, const struct vale_scratch *sc)
{
	uint16_t i;

	if (w->u == VALE_NIL && w->b == VALE_NIL)
		return VALE_NIL;
	if (w->b == VALE_NIL || (w->u != VALE_NIL && w->u < w->b)) {
		i = w->u;
		w->u = sc->ft[i].next;
	} else {
		i = w->b;
		w->b = sc->ft[i].next;
	}
	return i;
}

static uint16_t vale_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Complete a checksum the sender left to be done (virtio NEEDS_CSUM): the
 * field already holds the pseudo-header sum, so summing from csum_start to
 * the end and storing the complement gives the final value.
 */
static void vale_csum_complete(uint8_t *pkt, uint32_t len, uint16_t start,
			       uint16_t offset)
{
	uint32_t sum = 0, i;
	uint16_t c;

	if ((uint32_t)start + offset + 2 > len)
		return;
	for (i = start; i + 1 < len; i += 2)
		sum += (uint32_t)pkt[i] << 8 | pkt[i + 1];
	if (i < len)
		sum += (uint32_t)pkt[i] << 8;
	c = vale_csum_fold(sum);
	pkt[start + offset] = c >> 8;
	pkt[start + offset + 1] = c & 0xff;
}

/*
 * Copy a fragment between kernel buffers in whole 64-byte chunks: buffers
 * are multiples of 64 bytes, so rounding up never leaves them, and short
 * frames cost a few wide moves instead of a call.
 */
static inline void vale_copy64(char *dst, const char *src, uint32_t len)
{
	if (len > 512) {
		memcpy(dst, src, len);
		return;
	}
	for (; (int32_t)len > 0; len -= 64, dst += 64, src += 64)
		__builtin_memcpy(dst, src, 64);
}

/*
 * Copy one packet into @ds destination slots starting at @j, converting the
 * virtio-net header from @hls to @hld bytes (they differ: vale_deliver()
 * copies the common case itself); the bytes delivered are added to *@bytes
 * (a bad slot or an unreadable source delivers none).
 */
static inline void vale_copy_pkt(struct nm_kring *dk, uint32_t j,
				 const struct vale_ft *f, uint32_t hls,
				 uint32_t hld, uint32_t ds, uint64_t *bad,
				 uint64_t *bytes)
{
	struct netmap_ring *dr = dk->ring;
	struct nm_mem *mem = dk->port->mem;
	uint32_t bufsz = nm_mem_buf_size(mem), n = dk->num_slots;
	uint32_t x, o = 0, total = 0, fi, skip;
	uint8_t vh[12] = { 0 }, *first = NULL;
	struct netmap_slot *s;
	char *buf;

	(void)bytes;	/* unused when counters are compiled out */

	/* Header conversion: the destination gets a stream repacked into slots. */
	if (hls && vale_src_read(f, 0, vh, hls < 10 ? hls : 10))
		memset(vh, 0, sizeof(vh));
	if (hld == 12) {
		vh[10] = 1;	/* num_buffers, little endian */
		vh[11] = 0;
	}
	x = 0;
	s = &dr->slot[j];
	buf = nm_mem_buf_valid(mem, s->buf_idx) ? nm_mem_buf(mem, s->buf_idx) : NULL;
	first = (uint8_t *)buf;
	if (hld) {
		if (buf)
			memcpy(buf, vh, hld);
		o = hld;
	}
	skip = hls;
	for (fi = 0; fi < f->nfrags; fi++) {
		const struct vale_ft *sf = &f[fi];
		uint32_t soff = 0, rem = sf->len;

		if (skip) {
			uint32_t k = skip < rem ? skip : rem;

			soff += k;
			rem -= k;
			skip -= k;
		}
		while (rem) {
			uint32_t c = bufsz - o < rem ? bufsz - o : rem;

			if (buf && vale_src_read(sf, soff, buf + o, c))
				memset(buf + o, 0, c);
			o += c;
			soff += c;
			rem -= c;
			if (o == bufsz && x + 1 < ds) {
				s->len = buf ? (uint16_t)o : 0;
				s->flags = (uint16_t)(ds << 8) | NS_MOREFRAG;
				total += s->len;
				if (!buf)
					(*bad)++;
				j = nm_next(j, n);
				x++;
				s = &dr->slot[j];
				buf = nm_mem_buf_valid(mem, s->buf_idx) ?
				      nm_mem_buf(mem, s->buf_idx) : NULL;
				o = 0;
			}
		}
	}
	s->len = buf ? (uint16_t)o : 0;
	s->flags = (uint16_t)(ds << 8);
	total += s->len;
	if (!buf)
		(*bad)++;
	if (hld == 0 && (vh[0] & VNET_F_NEEDS_CSUM) && first && ds == 1)
		vale_csum_complete(first, o, (uint16_t)(vh[6] | vh[7] << 8),
				   (uint16_t)(vh[8] | vh[9] << 8));
	NM_STAT(*bytes += total);
}

/*
 * While a packet of @need slots is copied to slot @j of @dk: start fetching
 * the next packet of the walk, and the buffer it will land in.
 */
static nm_always_inline void
vale_prefetch_next(const struct vale_scratch *sc, const struct vale_walk *w,
		   const struct nm_kring *dk, struct nm_mem *mem, uint32_t j,
		   uint32_t need)
{
	uint32_t n = dk->num_slots, nj = j + need < n ? j + need : j + need - n;
	uint32_t nidx = dk->ring->slot[nj].buf_idx;

	if (w->u != VALE_NIL && sc->ft[w->u].data)
		nm_prefetch(sc->ft[w->u].data);
	if (nm_likely(nm_mem_buf_valid(mem, nidx)))
		nm_prefetchw(nm_mem_buf(mem, nidx));
}

/* Deliver a unicast list @ul and a broadcast list @bl to one RX ring of @dst. */
static void vale_deliver(struct vale_scratch *sc, uint32_t hls,
			 struct vale_port *dst, uint16_t ring, uint16_t ul,
			 uint16_t bl)
{
	struct nm_port *dp = &dst->up;
	struct nm_kring *dk;
	struct vale_walk w;
	uint32_t hld, bufsz, n, need, space, got = 0, start, j, lid, end;
	uint64_t no_room = 0, mismatch = 0, bad = 0, pkts = 0, bytes = 0;
	uint16_t i, stop = VALE_NIL;
	bool published = false;

	if (!dst->rx_on)
		return;
	dk = &dp->krings[NM_RX][ring];
	if (nm_unlikely(!dk->ring))
		return;
	hld = NM_READ_ONCE(dp->virt_hdr_len);
	bufsz = dp->buf_size;
	n = dk->num_slots;

	nm_spin_lock(&dk->lock);
	space = nm_dist(dk->lease_next, nm_prev(dk->hwcur, n), n);
	w.u = ul;
	w.b = bl;
	while ((i = vale_walk_next(&w, sc)) != VALE_NIL) {
		need = vale_dslots(&sc->ft[i], hls, hld, bufsz);
		sc->ft[i].need = (uint8_t)need;
		if (!need) {
			mismatch++;
			continue;
		}
		if (got + need > space) {
			/* Full: this packet and every later one are dropped. */
			stop = i;
			no_room++;
			while (vale_walk_next(&w, sc) != VALE_NIL)
				no_room++;
			break;
		}
		got += need;
		pkts++;		/* counted here, where the packet is at hand */
	}
	if (!got) {
		NM_STAT(dk->stats.drop_no_room += no_room);
		NM_STAT(dk->stats.drop_hdr_mismatch += mismatch);
		nm_spin_unlock(&dk->lock);
		return;
	}
	start = dk->lease_next;
	dk->lease_next = (start + got) % n;
	lid = dk->lease_last;
	dk->lease_last = nm_next(lid, n);
	dk->leases[lid] = VALE_LEASE_BUSY;
	nm_spin_unlock(&dk->lock);

	/* The copy runs without the lock; other senders fill their own leases. */
	j = start;
	w.u = ul;
	w.b = bl;
	if (hls == hld) {
		/*
		 * The common case, no header to convert, in a loop of its own:
		 * inside the general one it ran short of registers.
		 */
		struct netmap_ring *dr = dk->ring;
		struct nm_mem *mem = dp->mem;

		while ((i = vale_walk_next(&w, sc)) != stop) {
			const struct vale_ft *sf = &sc->ft[i];
			uint32_t x, ds = sf->need;

			vale_prefetch_next(sc, &w, dk, mem, j, ds);
			for (x = 0; x < ds; x++, sf++) {
				struct netmap_slot *sl = &dr->slot[j];
				uint32_t len = sf->len, idx = sl->buf_idx;

				if (nm_likely(nm_mem_buf_valid(mem, idx))) {
					if (nm_likely(sf->data != NULL))
						vale_copy64(nm_mem_buf(mem, idx), sf->data, len);
					else if (nm_os_copy_from_user(nm_mem_buf(mem, idx),
								      sf->uaddr, len))
						len = 0;
				} else {
					len = 0;
					bad++;
				}
				sl->len = (uint16_t)len;
				sl->flags = (uint16_t)(ds << 8) |
					    (x + 1 < ds ? NS_MOREFRAG : 0);
				NM_STAT(bytes += len);
				j = nm_next(j, n);
			}
		}
	} else while ((i = vale_walk_next(&w, sc)) != stop) {
		need = sc->ft[i].need;
		if (!need)
			continue;
		vale_prefetch_next(sc, &w, dk, dp->mem, j, need);
		vale_copy_pkt(dk, j, &sc->ft[i], hls, hld, need, &bad, &bytes);
		j += need;
		if (j >= n)
			j -= n;
	}
	end = j;

	nm_spin_lock(&dk->lock);
	dk->leases[lid] = end;
	while (dk->lease_first != dk->lease_last &&
	       dk->leases[dk->lease_first] != VALE_LEASE_BUSY) {
		dk->hwtail = dk->leases[dk->lease_first];
		dk->lease_first = nm_next(dk->lease_first, n);
		published = true;
	}
	NM_STAT(dk->stats.pkts += pkts);
	NM_STAT(dk->stats.bytes += bytes);
	NM_STAT(dk->stats.drop_no_room += no_room);
	NM_STAT(dk->stats.drop_hdr_mismatch += mismatch);
	NM_STAT(dk->stats.drop_bad_slot += bad);
	nm_spin_unlock(&dk->lock);
	if (published) {
		if (nm_unlikely(dp->rx_ready != NULL))
			dp->rx_ready(dk);
		nm_waitq_wake(&dk->wq);
		nm_waitq_wake(&dp->wq);
	}
}

static void vale_flush(struct vale_member *src, struct nm_kring *k,
		       struct vale_scratch *sc, uint32_t hls)
{
	struct vale_bridge *b = src->b;
	uint16_t bl = sc->lhead[VALE_BROADCAST], i;

	for (i = 0; i < sc->ndst; i++) {
		uint16_t d = sc->dst[i];
		struct vale_port *dst = b->ports[d];
		uint16_t ring = k->id % dst->up.nrings[NM_RX];

		/* Broadcasts go to ring 0; merged there to keep batch order. */
		vale_deliver(sc, hls, dst, ring, sc->lhead[d],
			     ring == 0 ? bl : VALE_NIL);
		sc->lhead[d] = ring == 0 ? VALE_DONE : VALE_NIL;
	}
	if (bl != VALE_NIL) {
		for (i = 0; i < b->nactive; i++) {
			uint16_t d = b->active[i];

			if (d == src->idx || sc->lhead[d] == VALE_DONE)
				continue;
			vale_deliver(sc, hls, b->ports[d], 0, VALE_NIL, bl);
		}
	}
	for (i = 0; i < sc->ndst; i++)
		sc->lhead[sc->dst[i]] = VALE_NIL;
	sc->lhead[VALE_BROADCAST] = VALE_NIL;
	sc->ndst = 0;
}

void vale_scratch_init(struct vale_scratch *sc)
{
	uint32_t i;

	for (i = 0; i <= VALE_MAXPORTS; i++)
		sc->lhead[i] = VALE_NIL;
	sc->ndst = 0;
}

int vale_txsync(struct nm_kring *k)
{
	struct vale_port *vp = vale_port_of(k->port);
	struct vale_scratch *sc = k->scratch;
	uint32_t head = k->rhead, cur = k->hwcur, batch, hls, n, i;

	batch = vale_params.batch;
	if (batch == 0 || batch > VALE_BATCH_MAX)
		batch = VALE_BATCH_MAX;
	hls = NM_READ_ONCE(k->port->virt_hdr_len);
	while (nm_likely(sc != NULL) && cur != head) {
		n = vale_collect(k, sc, &cur, head, batch);
		/* A persistent port in two switches sends into both. */
		for (i = 0; i < NM_READ_ONCE(vp->nm) && i < VALE_MAX_MEMBERSHIPS; i++) {
			struct vale_member *m = &vp->m[i];
			struct vale_bridge *b = NM_READ_ONCE(m->b);

			if (!b)
				continue;
			nm_rwsem_read(&b->lock);
			/* Detached meanwhile: the membership is no longer ours. */
			if (m->b == b && b->ports[m->idx] == vp) {
				vale_classify(m, k, sc, n, hls, i == 0);
				vale_flush(m, k, sc, hls);
			}
			nm_rwsem_read_unlock(&b->lock);
		}
	}
	/* Everything was sent or dropped: the whole ring is free again. */
	k->hwcur = head;
	k->hwtail = nm_prev(head, k->num_slots);
	return 0;
}

int vale_rxsync(struct nm_kring *k)
{
	/* Release what the user consumed; senders already advanced hwtail. */
	nm_spin_lock(&k->lock);
	k->hwcur = k->rhead;
	nm_spin_unlock(&k->lock);
	return 0;
}
