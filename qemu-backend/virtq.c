// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtq.c - device side of virtio 1.x split virtqueues over guest memory
 * that the guest may rewrite at any moment (see virtq.h for the model).
 *
 * Memory ordering: the guest publishes avail->idx after the ring entries
 * and descriptors it covers, so we load avail->idx with acquire semantics
 * before reading those. We publish used->idx with a release store after the
 * used entries and buffer contents. The notification decisions need a full
 * barrier between our store and the load of the guest's suppression field
 * (and the guest does the mirror image), or both sides can miss each other.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "vhu_mem.h"
#include "virtq.h"

_Static_assert(sizeof(struct virtq_desc) == 16, "descriptor layout");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "used element layout");
_Static_assert(sizeof(struct virtq_avail) == 4, "avail header layout");
_Static_assert(sizeof(struct virtq_used) == 4, "used header layout");
_Static_assert(sizeof(struct virtq_net_hdr) == VIRTQ_NET_HDR_LEN,
	       "virtio-net header layout");
_Static_assert(offsetof(struct virtq_net_hdr, num_buffers) == 10,
	       "num_buffers offset");

/* Guest-physical offsets inside the used ring, for dirty logging. */
#define VIRTQ_USED_OFF_FLAGS	0
#define VIRTQ_USED_OFF_IDX	2
#define VIRTQ_USED_OFF_RING	4

/*
 * Shared-memory accessors. Relaxed atomics rather than plain accesses so
 * the compiler neither tears nor repeats a load the guest can change under
 * us; the ordering ones are spelled out where they matter.
 */
static inline uint16_t virtq_ld16(const uint16_t *p)
{
	return le16toh(__atomic_load_n(p, __ATOMIC_RELAXED));
}

static inline uint16_t virtq_ld16_acquire(const uint16_t *p)
{
	return le16toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static inline void virtq_st16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, htole16(v), __ATOMIC_RELAXED);
}

static inline void virtq_st16_release(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, htole16(v), __ATOMIC_RELEASE);
}

static inline void virtq_st32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, htole32(v), __ATOMIC_RELAXED);
}

static inline void virtq_full_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* used_event sits just past the avail ring, avail_event past the used ring. */
static inline uint16_t *virtq_used_event(const struct virtq *vq)
{
	return &vq->avail->ring[vq->num];
}

static inline uint16_t *virtq_avail_event(const struct virtq *vq)
{
	return (uint16_t *)(void *)((uint8_t *)vq->used + VIRTQ_USED_OFF_RING +
				    sizeof(struct virtq_used_elem) * vq->num);
}

static inline uint64_t virtq_avail_event_gpa(const struct virtq *vq)
{
	return vq->used_gpa + VIRTQ_USED_OFF_RING +
	       (uint64_t)sizeof(struct virtq_used_elem) * vq->num;
}

static inline bool virtq_usable(const struct virtq *vq)
{
	return vq->ready && !vq->broken;
}

/* Record the first violation; every caller then bails out with -EIO. */
static int virtq_fail(struct virtq *vq, const char *why)
{
	if (!vq->broken) {
		vq->broken = true;
		vq->broken_reason = why;
	}
	return -EIO;
}

void virtq_mark_broken(struct virtq *vq, const char *why)
{
	virtq_fail(vq, why != NULL ? why : "marked broken");
}

const char *virtq_broken(const struct virtq *vq)
{
	return vq->broken ? vq->broken_reason : NULL;
}

void virtq_log(struct virtq *vq, uint64_t gpa, uint64_t len)
{
	if (vq->log && len != 0)
		vhu_mem_log_write(vq->mem, gpa, len);
}

void virtq_reset(struct virtq *vq)
{
	memset(vq, 0, sizeof(*vq));
}

int virtq_init(struct virtq *vq, const struct virtq_setup *s)
{
	uint16_t flags;

	virtq_reset(vq);
	if (s == NULL || s->mem == NULL || s->desc == NULL ||
	    s->avail == NULL || s->used == NULL)
		return -EINVAL;
	/*
	 * Split rings map free-running 16-bit indices to slots modulo the
	 * size, which is only continuous across the 65535 -> 0 wrap when the
	 * size divides 65536; the spec accordingly requires a power of two.
	 */
	if (s->num == 0 || s->num > VIRTQ_MAX_SIZE || (s->num & (s->num - 1)))
		return -EINVAL;
	/* Misaligned rings would make our atomic accesses undefined. */
	if (((uintptr_t)s->desc & 15) || ((uintptr_t)s->avail & 1) ||
	    ((uintptr_t)s->used & 3))
		return -EINVAL;
	/* Legacy rings are guest-endian and their net header is shorter. */
	if (!(s->features & (1ULL << VIRTQ_F_VERSION_1)))
		return -EINVAL;

	vq->mem = s->mem;
	vq->desc = s->desc;
	vq->avail = s->avail;
	vq->used = s->used;
	vq->used_gpa = s->used_gpa;
	vq->features = s->features;
	vq->num = (uint16_t)s->num;
	vq->mask = (uint16_t)(s->num - 1);
	vq->log = s->log;
	vq->event_idx = !!(s->features & (1ULL << VIRTQ_F_EVENT_IDX));
	vq->indirect = !!(s->features & (1ULL << VIRTQ_F_INDIRECT_DESC));

	/*
	 * Continue where the guest's used ring says the device stopped: a
	 * fresh ring holds 0, a reconnected one the previous backend's count,
	 * which is also where the guest expects our next entry.
	 */
	vq->used_idx = virtq_ld16(&vq->used->idx);
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = false;

	/* A previous backend may have left kicks suppressed; we want them. */
	flags = virtq_ld16(&vq->used->flags);
	if (flags != 0) {
		virtq_st16(&vq->used->flags, 0);
		virtq_log(vq, vq->used_gpa + VIRTQ_USED_OFF_FLAGS, 2);
	}
	vq->ready = true;
	return 0;
}

int virtq_set_base(struct virtq *vq, uint16_t base)
{
	int corrected = 0;

	if (vq->ready && (uint16_t)(base - vq->used_idx) > vq->num) {
		base = vq->used_idx;
		corrected = 1;
	}
	vq->last_avail_idx = base;
	vq->avail_idx = base;
	/* A new position makes anything popped or pushed before meaningless. */
	vq->inflight = 0;
	vq->used_pending = 0;
	/* Whatever the guest last heard from us is unknown now. */
	vq->signalled_valid = false;
	return corrected;
}

uint16_t virtq_get_base(const struct virtq *vq)
{
	return vq->last_avail_idx;
}

void virtq_set_log(struct virtq *vq, bool on)
{
	vq->log = on;
}

/*
 * Read avail->idx (acquire: the entries it covers become visible) and check
 * it against what a correct driver can do. A driver can only reuse a
 * descriptor after seeing it in the used ring, so avail->idx never runs more
 * than num ahead of our published used->idx; and it never goes backwards,
 * so it can never fall behind what we already popped. Returns the number
 * of entries ready to pop, or -EIO.
 */
static int virtq_refresh_avail(struct virtq *vq)
{
	uint16_t idx = virtq_ld16_acquire(&vq->avail->idx);
	uint16_t window = (uint16_t)(idx - vq->used_idx);

	if (window > vq->num)
		return virtq_fail(vq, "avail index more than the queue size ahead of the used index");
	if ((uint16_t)(idx - vq->last_avail_idx) > window)
		return virtq_fail(vq, "avail index moved backwards");
	vq->avail_idx = idx;
	return (uint16_t)(idx - vq->last_avail_idx);
}

int virtq_avail_count(struct virtq *vq)
{
	if (!virtq_usable(vq))
		return -EIO;
	return virtq_refresh_avail(vq);
}

/*
 * Copy descriptor @i of @table (our mapping of a descriptor table, maybe an
 * unaligned indirect one, hence memcpy) into host-endian @d. The compiler
 * barrier keeps the compiler from re-reading guest memory in place of the
 * copy, so what we check is what we use.
 */
static void virtq_read_desc(const void *table, uint32_t i,
			    struct virtq_desc *d)
{
	memcpy(d, (const uint8_t *)table + (size_t)i * sizeof(*d), sizeof(*d));
	__asm__ __volatile__("" ::: "memory");
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

/*
 * Translate one buffer into segments of @e, one per guest memory region it
 * covers. Every byte must lie inside the guest's regions.
 */
static int virtq_map_buf(struct virtq *vq, struct virtq_elem *e,
			 uint64_t addr, uint32_t len, bool writable)
{
	if (addr > UINT64_MAX - len)
		return virtq_fail(vq, "buffer address + length wraps around");

	while (len != 0) {
		uint64_t span = len;
		unsigned int n = (unsigned int)e->out_num + e->in_num;
		void *p = vhu_mem_gpa_span(vq->mem, addr, &span);

		/* span 0 would never finish; more than asked is a bug below us. */
		if (p == NULL || span == 0 || span > len)
			return virtq_fail(vq, "buffer outside guest memory");
		if (n >= VIRTQ_MAX_IOV)
			return virtq_fail(vq, "descriptor chain has too many segments");
		e->iov[n].iov_base = p;
		e->iov[n].iov_len = (size_t)span;
		e->iov_gpa[n] = addr;
		if (writable)
			e->in_num++;
		else
			e->out_num++;
		addr += span;
		len -= (uint32_t)span;
	}
	return 0;
}

/*
 * Walk the chain starting at @head into @e. Loops and overlong chains are
 * caught by bounding the descriptors visited per table by that table's size:
 * a chain that visits more than a table holds must revisit one.
 */
static int virtq_walk(struct virtq *vq, uint16_t head, struct virtq_elem *e)
{
	const void *table = vq->desc;
	uint32_t table_n = vq->num;
	uint32_t budget = vq->num;
	uint32_t i = head;
	bool in_indirect = false;
	bool seen_writable = false;
	uint64_t out_len = 0, in_len = 0;
	struct virtq_desc d;
	int rc;

	e->id = head;
	e->out_num = 0;
	e->in_num = 0;
	e->ndesc = 0;
	e->out_len = 0;
	e->in_len = 0;

	for (;;) {
		if (budget == 0)
			return virtq_fail(vq, in_indirect ?
				"indirect descriptor chain loops" :
				"descriptor chain loops or is longer than the queue");
		budget--;
		virtq_read_desc(table, i, &d);
		e->ndesc++;

		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			uint32_t n;

			if (!vq->indirect)
				return virtq_fail(vq, "indirect descriptor without VIRTIO_F_INDIRECT_DESC");
			if (in_indirect)
				return virtq_fail(vq, "indirect descriptor inside an indirect table");
			/* The table ends the chain; the spec forbids NEXT with it. */
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return virtq_fail(vq, "indirect descriptor with NEXT set");
			if (d.len == 0 || d.len % sizeof(struct virtq_desc))
				return virtq_fail(vq, "indirect table length not a non-zero multiple of 16");
			n = d.len / sizeof(struct virtq_desc);
			if (n > VIRTQ_MAX_INDIRECT)
				return virtq_fail(vq, "indirect table too large");
			/*
			 * Tables are physically contiguous for the driver; we
			 * also need them inside one of our mappings.
			 */
			table = vhu_mem_gpa(vq->mem, d.addr, d.len);
			if (table == NULL)
				return virtq_fail(vq, "indirect table outside guest memory");
			/* Its WRITE flag is meaningless (spec: ignore it). */
			in_indirect = true;
			table_n = n;
			budget = n;
			i = 0;
			continue;
		}

		/*
		 * Readable before writable is the spec's framing rule; we rely
		 * on it to keep out and in segments apart. Checked on flags even
		 * for empty descriptors, which a correct driver orders too.
		 */
		if (d.flags & VIRTQ_DESC_F_WRITE)
			seen_writable = true;
		else if (seen_writable)
			return virtq_fail(vq, "device-readable descriptor after a device-writable one");

		/*
		 * Empty descriptors are not forbidden by the spec; they carry
		 * nothing, so we skip them without looking at their address.
		 * They still count against the budget, so they cannot loop.
		 */
		if (d.len != 0) {
			rc = virtq_map_buf(vq, e, d.addr, d.len,
					   d.flags & VIRTQ_DESC_F_WRITE);
			if (rc < 0)
				return rc;
			if (d.flags & VIRTQ_DESC_F_WRITE)
				in_len += d.len;
			else
				out_len += d.len;
			/* The spec caps a chain at 2^32 bytes; used len is 32-bit. */
			if (out_len + in_len > UINT32_MAX)
				return virtq_fail(vq, "descriptor chain longer than 4 GiB");
		}

		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= table_n)
			return virtq_fail(vq, in_indirect ?
				"next index beyond the indirect table" :
				"next index beyond the queue size");
	}
	e->out_len = (uint32_t)out_len;
	e->in_len = (uint32_t)in_len;
	return 0;
}

/* Pop the entry at last_avail_idx; the caller knows one is there. */
static int virtq_pop_one(struct virtq *vq, struct virtq_elem *e)
{
	uint16_t head = virtq_ld16(&vq->avail->ring[vq->last_avail_idx & vq->mask]);

	if (head >= vq->num)
		return virtq_fail(vq, "head index beyond the queue size");
	if (virtq_walk(vq, head, e) < 0)
		return -EIO;
	vq->last_avail_idx++;
	vq->inflight++;
	return 1;
}

int virtq_pop(struct virtq *vq, struct virtq_elem *e)
{
	if (!virtq_usable(vq))
		return -EIO;
	/* Only touch the guest's index when what we already saw is used up. */
	if (vq->last_avail_idx == vq->avail_idx) {
		int n = virtq_refresh_avail(vq);

		if (n <= 0)
			return n;
	}
	return virtq_pop_one(vq, e);
}

int virtq_pop_batch(struct virtq *vq, struct virtq_elem *e, unsigned int max)
{
	unsigned int i;
	int avail;

	if (!virtq_usable(vq))
		return -EIO;
	avail = virtq_refresh_avail(vq);
	if (avail < 0)
		return avail;
	if ((unsigned int)avail < max)
		max = (unsigned int)avail;
	for (i = 0; i < max; i++) {
		if (virtq_pop_one(vq, &e[i]) < 0)
			return -EIO;
	}
	return (int)i;
}

int virtq_unpop(struct virtq *vq, unsigned int k)
{
	if (k > vq->inflight)
		return -EINVAL;
	vq->last_avail_idx = (uint16_t)(vq->last_avail_idx - k);
	vq->inflight -= k;
	return 0;
}

int virtq_push(struct virtq *vq, uint16_t id, uint32_t len)
{
	struct virtq_used_elem *u;

	if (!virtq_usable(vq))
		return -EIO;
	if (id >= vq->num || vq->inflight == 0)
		return -EINVAL;
	/*
	 * Slots from used_idx on belong to the device (the guest has consumed
	 * them); the guest does not look at them until used->idx moves.
	 */
	u = &vq->used->ring[(uint16_t)(vq->used_idx + vq->used_pending) & vq->mask];
	virtq_st32(&u->id, id);
	virtq_st32(&u->len, len);
	vq->used_pending++;
	vq->inflight--;
	return 0;
}

/* Withdraw the last @k pushes (not yet published) and un-pop them. */
static void virtq_unpush(struct virtq *vq, unsigned int k)
{
	vq->used_pending = (uint16_t)(vq->used_pending - k);
	vq->inflight += k;
	virtq_unpop(vq, k);
}

int virtq_flush(struct virtq *vq)
{
	uint16_t n = vq->used_pending;
	uint16_t old = vq->used_idx;
	uint16_t first;

	if (!virtq_usable(vq))
		return -EIO;
	if (n == 0)
		return 0;
	virtq_st16_release(&vq->used->idx, (uint16_t)(old + n));
	vq->used_idx = (uint16_t)(old + n);
	vq->used_pending = 0;

	if (vq->log) {
		uint16_t slot = old & vq->mask;
		uint64_t ring = vq->used_gpa + VIRTQ_USED_OFF_RING;
		const uint64_t esz = sizeof(struct virtq_used_elem);

		/*
		 * The dirty bits must not become visible before the data: the
		 * migration thread clears a bit and then copies the page.
		 */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		first = (uint16_t)(vq->num - slot) < n ?
			(uint16_t)(vq->num - slot) : n;
		virtq_log(vq, ring + esz * slot, esz * first);
		if (n > first)
			virtq_log(vq, ring, esz * (uint64_t)(n - first));
		virtq_log(vq, vq->used_gpa + VIRTQ_USED_OFF_IDX, 2);
	}
	return n;
}

bool virtq_should_call(struct virtq *vq)
{
	uint16_t old = vq->signalled_used;
	uint16_t new_idx = vq->used_idx;
	bool valid = vq->signalled_valid;

	if (!virtq_usable(vq))
		return false;
	/* Our used->idx store must be visible before we read its filter. */
	virtq_full_barrier();
	vq->signalled_used = new_idx;
	vq->signalled_valid = true;
	if (!valid)
		return true;
	if (vq->event_idx)
		return virtq_need_event(virtq_ld16(virtq_used_event(vq)),
					new_idx, old);
	if (new_idx == old)
		return false;
	return !(virtq_ld16(&vq->avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtq_disable_kicks(struct virtq *vq)
{
	/* With EVENT_IDX the spec wants flags 0; leaving avail_event behind works. */
	if (!virtq_usable(vq) || vq->event_idx || vq->kicks_off)
		return;
	virtq_st16(&vq->used->flags, VIRTQ_USED_F_NO_NOTIFY);
	virtq_log(vq, vq->used_gpa + VIRTQ_USED_OFF_FLAGS, 2);
	vq->kicks_off = true;
}

bool virtq_enable_kicks(struct virtq *vq)
{
	if (!virtq_usable(vq))
		return false;
	if (vq->event_idx) {
		/* Kick us when the entry we will pop next gets published. */
		virtq_st16(virtq_avail_event(vq), vq->last_avail_idx);
		virtq_log(vq, virtq_avail_event_gpa(vq), 2);
	} else if (vq->kicks_off) {
		virtq_st16(&vq->used->flags, 0);
		virtq_log(vq, vq->used_gpa + VIRTQ_USED_OFF_FLAGS, 2);
		vq->kicks_off = false;
	}
	/*
	 * The guest may have published buffers before seeing our request
	 * and therefore not kicked: look again after a full barrier.
	 */
	virtq_full_barrier();
	return virtq_ld16_acquire(&vq->avail->idx) != vq->last_avail_idx;
}

/*
 * Visit bytes [@off, @off + @len) of the segments iov[first .. first + n)
 * of @e: for each piece, @fn gets the segment index, the offset within the
 * segment, the offset within the visited range and the piece length.
 * Returns the number of bytes visited.
 */
typedef void (*virtq_seg_fn)(const struct virtq_elem *e, unsigned int seg,
			     size_t seg_off, size_t pos, size_t n, void *arg);

static size_t virtq_walk_segs(const struct virtq_elem *e, unsigned int first,
			      unsigned int n, size_t off, size_t len,
			      virtq_seg_fn fn, void *arg)
{
	size_t done = 0;
	unsigned int s;

	for (s = first; s < first + n && done < len; s++) {
		size_t sl = e->iov[s].iov_len;
		size_t piece;

		if (off >= sl) {
			off -= sl;
			continue;
		}
		piece = sl - off;
		if (piece > len - done)
			piece = len - done;
		fn(e, s, off, done, piece, arg);
		done += piece;
		off = 0;
	}
	return done;
}

struct virtq_copy {
	struct virtq *vq;
	uint8_t *rbuf;		/* read: destination */
	const uint8_t *wbuf;	/* write: source */
};

static void virtq_seg_read(const struct virtq_elem *e, unsigned int seg,
			   size_t seg_off, size_t pos, size_t n, void *arg)
{
	struct virtq_copy *c = arg;

	memcpy(c->rbuf + pos, (const uint8_t *)e->iov[seg].iov_base + seg_off, n);
}

static void virtq_seg_write(const struct virtq_elem *e, unsigned int seg,
			    size_t seg_off, size_t pos, size_t n, void *arg)
{
	struct virtq_copy *c = arg;

	memcpy((uint8_t *)e->iov[seg].iov_base + seg_off, c->wbuf + pos, n);
	virtq_log(c->vq, e->iov_gpa[seg] + seg_off, n);
}

static void virtq_seg_log(const struct virtq_elem *e, unsigned int seg,
			  size_t seg_off, size_t pos, size_t n, void *arg)
{
	(void)pos;
	virtq_log(arg, e->iov_gpa[seg] + seg_off, n);
}

size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *buf,
		       size_t len)
{
	struct virtq_copy c = { .rbuf = buf };

	return virtq_walk_segs(e, 0, e->out_num, off, len, virtq_seg_read, &c);
}

size_t virtq_elem_write(struct virtq *vq, const struct virtq_elem *e,
			size_t off, const void *buf, size_t len)
{
	struct virtq_copy c = { .vq = vq, .wbuf = buf };

	return virtq_walk_segs(e, e->out_num, e->in_num, off, len,
			       virtq_seg_write, &c);
}

void virtq_log_in(struct virtq *vq, const struct virtq_elem *e, size_t off,
		  size_t len)
{
	if (!vq->log)
		return;
	virtq_walk_segs(e, e->out_num, e->in_num, off, len, virtq_seg_log, vq);
}

ssize_t virtq_tx_gather(const struct virtq_elem *e, struct virtq_net_hdr *hdr,
			void *buf, size_t max)
{
	size_t frame;

	if (e->out_len < VIRTQ_NET_HDR_LEN)
		return -EINVAL;
	virtq_elem_read(e, 0, hdr, VIRTQ_NET_HDR_LEN);
	frame = e->out_len - VIRTQ_NET_HDR_LEN;
	virtq_elem_read(e, VIRTQ_NET_HDR_LEN, buf, frame < max ? frame : max);
	return frame > max ? -EMSGSIZE : (ssize_t)frame;
}

/* Where the frame bytes come from: pieces in order (port slots, or one). */
struct virtq_src {
	const struct iovec *iov;
	unsigned int n;
};

/*
 * Write bytes [@pos, @pos + @n) of the stream "header, then the data of
 * @src" into the start of @e's writable area.
 */
static void virtq_write_stream(struct virtq *vq, const struct virtq_elem *e,
			       const struct virtq_net_hdr *hdr,
			       const struct virtq_src *src, size_t pos, size_t n)
{
	size_t at = 0, off;
	unsigned int k = 0;

	if (pos < VIRTQ_NET_HDR_LEN) {
		size_t h = VIRTQ_NET_HDR_LEN - pos;

		if (h > n)
			h = n;
		virtq_elem_write(vq, e, 0, (const uint8_t *)hdr + pos, h);
		at = h;
		pos += h;
		n -= h;
	}
	/* Find the piece holding data byte pos - header, then copy on. */
	off = pos - VIRTQ_NET_HDR_LEN;
	while (k < src->n && off >= src->iov[k].iov_len) {
		off -= src->iov[k].iov_len;
		k++;
	}
	while (n != 0 && k < src->n) {
		size_t c = src->iov[k].iov_len - off;

		if (c > n)
			c = n;
		virtq_elem_write(vq, e, at, (const uint8_t *)src->iov[k].iov_base + off, c);
		at += c;
		n -= c;
		off = 0;
		k++;
	}
}

static bool virtq_mrg(const struct virtq *vq)
{
	return !!(vq->features & (1ULL << VIRTQ_F_NET_MRG_RXBUF));
}

int virtq_rx_scatter(struct virtq *vq, struct virtq_elem *e, unsigned int n,
		     const struct virtq_net_hdr *hdr, const void *data,
		     size_t len, uint32_t *used_len)
{
	struct iovec one = { .iov_base = (void *)(uintptr_t)data, .iov_len = len };
	struct virtq_src src = { &one, 1 };
	struct virtq_net_hdr h = *hdr;
	uint64_t total = (uint64_t)VIRTQ_NET_HDR_LEN + len;
	uint64_t room = 0;
	unsigned int k, i;
	size_t pos = 0;

	if (!virtq_usable(vq))
		return -EIO;
	if (n == 0 || total > UINT32_MAX)
		return -ENOSPC;
	if (!virtq_mrg(vq))
		n = 1;
	for (k = 0; k < n && room < total; k++) {
		/* Spec: with MRG_RXBUF every buffer holds at least a header. */
		if (virtq_mrg(vq) && e[k].in_len < VIRTQ_NET_HDR_LEN)
			return virtq_fail(vq, "mergeable receive buffer smaller than the net header");
		room += e[k].in_len;
	}
	if (room < total || k > UINT16_MAX)
		return -ENOSPC;

	h.num_buffers = htole16((uint16_t)k);
	for (i = 0; i < k; i++) {
		/* All but the last are filled to the brim, as the spec requires. */
		size_t chunk = e[i].in_len;

		if (chunk > total - pos)
			chunk = (size_t)(total - pos);
		virtq_write_stream(vq, &e[i], &h, &src, pos, chunk);
		used_len[i] = (uint32_t)chunk;
		pos += chunk;
	}
	return (int)k;
}

int virtq_rx_enqueue(struct virtq *vq, const struct virtq_net_hdr *hdr,
		     const void *data, size_t len)
{
	struct iovec one = { .iov_base = (void *)(uintptr_t)data, .iov_len = len };

	return virtq_rx_enqueue_iov(vq, hdr, &one, 1);
}

int virtq_rx_enqueue_iov(struct virtq *vq, const struct virtq_net_hdr *hdr,
			 const struct iovec *iov, unsigned int niov)
{
	struct virtq_src src = { iov, niov };
	struct virtq_net_hdr h = *hdr;
	uint64_t total = VIRTQ_NET_HDR_LEN;
	struct virtq_elem first, cur;
	const struct virtq_elem *e = &first;
	unsigned int count = 1;
	uint16_t nb;
	size_t pos = 0;
	int rc;

	for (unsigned int k = 0; k < niov; k++)
		total += iov[k].iov_len;
	rc = virtq_pop(vq, &first);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ENOBUFS;

	if (!virtq_mrg(vq)) {
		/* The whole packet must fit in the one buffer; else drop it. */
		if (total > first.in_len) {
			virtq_unpop(vq, 1);
			return -EMSGSIZE;
		}
		h.num_buffers = htole16(1);
		virtq_write_stream(vq, &first, &h, &src, 0, (size_t)total);
		virtq_push(vq, first.id, (uint32_t)total);
		return 1;
	}

	/*
	 * Mergeable: fill one buffer at a time and push it right away (the
	 * guest sees nothing before virtq_flush()), so only the first element
	 * has to be kept for its num_buffers, patched in at the end.
	 */
	h.num_buffers = 0;
	for (;;) {
		size_t chunk;

		/* Spec: with MRG_RXBUF every buffer holds at least a header. */
		if (e->in_len < VIRTQ_NET_HDR_LEN)
			return virtq_fail(vq, "mergeable receive buffer smaller than the net header");
		chunk = e->in_len;
		if (chunk > total - pos)
			chunk = (size_t)(total - pos);
		virtq_write_stream(vq, e, &h, &src, pos, chunk);
		virtq_push(vq, e->id, (uint32_t)chunk);
		pos += chunk;
		if (pos == total)
			break;

		rc = virtq_pop(vq, &cur);
		if (rc <= 0) {
			if (rc == 0)
				virtq_unpush(vq, count);
			return rc < 0 ? rc : -ENOBUFS;
		}
		e = &cur;
		count++;
	}
	/* count <= inflight <= num <= 32768, so it fits the 16-bit field. */
	nb = htole16((uint16_t)count);
	virtq_elem_write(vq, &first, offsetof(struct virtq_net_hdr, num_buffers),
			 &nb, sizeof(nb));
	return (int)count;
}
