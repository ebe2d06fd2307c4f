/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netmap.h - userspace <-> kernel ABI of the netmap device.
 *
 * Written from scratch for this project from the ABI description in
 * netmap-abi.md.  Binary compatible with netmap API version 14 on
 * x86_64: every structure below has exactly the size and field offsets
 * an unmodified netmap application expects (tests/unit/test_uapi_layout.c
 * checks all of them).
 *
 * The same file is used by applications and by the kernel module.
 */
#ifndef _NET_NETMAP_H_
#define _NET_NETMAP_H_

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/if.h>
#include <linux/time_types.h>
#else
#include <stdint.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/ioctl.h>
#ifndef _LINUX_IF_H	/* <linux/if.h> has IFNAMSIZ and clashes with <net/if.h> */
#include <net/if.h>
#endif
#endif

#ifndef IFNAMSIZ
#define IFNAMSIZ 16
#endif

/*
 * Fields that only the kernel writes are const for applications and
 * writable inside the kernel.  Userspace code that plays the kernel's
 * role (the portable core built for the unit tests, simulators) defines
 * NETMAP_USER_CONST as empty before including this file.
 */
#ifndef NETMAP_USER_CONST
#ifdef __KERNEL__
#define NETMAP_USER_CONST
#else
#define NETMAP_USER_CONST const
#endif
#endif

/* ------------------------------------------------------------------ */
/* API versions accepted by the control interface. */
#define NETMAP_API		14
#define NETMAP_MIN_API		14
#define NETMAP_MAX_API		15

/* Path of the character device. */
#define NETMAP_DEVICE_NAME	"/dev/netmap"

/* Prefix of VALE switch names, as applications spell it. */
#define NM_BDG_NAME		"vale"

/* Port name length in the new-style requests, and request size cap. */
#define NETMAP_REQ_IFNAMSIZ	64
#define NETMAP_REQ_MAXSIZE	4096

/* ------------------------------------------------------------------ */
/* One descriptor of a ring: which buffer, how many bytes, flags. */
struct netmap_slot {
	uint32_t buf_idx;
	uint16_t len;
	uint16_t flags;
	uint64_t ptr;
};

/* Per-slot flags (low byte) ... */
#define NS_BUF_CHANGED		0x0001
#define NS_REPORT		0x0002
#define NS_FORWARD		0x0004
#define NS_NO_LEARN		0x0008
#define NS_INDIRECT		0x0010
#define NS_MOREFRAG		0x0020
#define NS_TXMON		0x0040
/* ... and high byte: fragment count on VALE RX slots / port override. */
#define NS_PORT_SHIFT		8
#define NS_PORT_MASK		(0xff << NS_PORT_SHIFT)
#define NS_RFRAGS(_slot)	(((_slot)->flags >> 8) & 0xff)

/* Upper bound on the number of slots one packet may span. */
#define NETMAP_MAX_FRAGS	64

/* ------------------------------------------------------------------ */
/*
 * Ring header, shared with the application through mmap.  The 256-byte
 * header is followed by num_slots slot descriptors.  head and cur are
 * advanced by the application, tail by the kernel.
 */
struct netmap_ring {
	NETMAP_USER_CONST int64_t	buf_ofs;	/* ring addr -> buffer 0 */
	NETMAP_USER_CONST uint32_t	num_slots;
	NETMAP_USER_CONST uint32_t	nr_buf_size;
	NETMAP_USER_CONST uint16_t	ringid;
	NETMAP_USER_CONST uint16_t	dir;		/* 0 tx, 1 rx */

	uint32_t	head;
	uint32_t	cur;
	uint32_t	tail;

	uint32_t	flags;				/* NR_TIMESTAMP ... */

	/*
	 * Time of the last sync.  Applications see the classic
	 * 16-byte struct timeval.  Linux 6.x kernels no longer have
	 * struct timeval; __kernel_old_timeval is the kernel's own
	 * type with the identical layout (two longs), so the kernel
	 * side uses it here.
	 */
#ifdef __KERNEL__
	struct __kernel_old_timeval	ts;
#else
	struct timeval	ts;
#endif

	NETMAP_USER_CONST uint64_t	offset_mask;	/* OPT_OFFSETS */
	NETMAP_USER_CONST uint64_t	buf_align;

	/* Opaque area, starts on its own 128-byte line. */
	uint8_t		sem[128] __attribute__((__aligned__(128)));

	struct netmap_slot slot[];
};

/* Values for netmap_ring.flags. */
#define NR_TIMESTAMP		0x0002
#define NR_FORWARD		0x0004

/* ------------------------------------------------------------------ */
/*
 * Per-file-descriptor interface descriptor, also in the shared region.
 * ring_ofs[] holds, relative to the address of this structure, the
 * position of every ring: NIC TX, host TX, NIC RX, host RX (0 = not
 * bound by this descriptor).
 */
struct netmap_if {
	char				ni_name[IFNAMSIZ];
	NETMAP_USER_CONST uint32_t	ni_version;
	NETMAP_USER_CONST uint32_t	ni_flags;	/* NI_PRIV_MEM */
	NETMAP_USER_CONST uint32_t	ni_tx_rings;
	NETMAP_USER_CONST uint32_t	ni_rx_rings;
	uint32_t			ni_bufs_head;	/* extra buffer list */
	NETMAP_USER_CONST uint32_t	ni_host_tx_rings;
	NETMAP_USER_CONST uint32_t	ni_host_rx_rings;
	uint32_t			ni_spare1[3];
	NETMAP_USER_CONST ssize_t	ring_ofs[];
};

/* Values for netmap_if.ni_flags. */
#define NI_PRIV_MEM		0x1

/* ------------------------------------------------------------------ */
/* Ring selection modes (nr_mode, and low bits of legacy nr_flags). */
#define NR_REG_DEFAULT		0
#define NR_REG_ALL_NIC		1
#define NR_REG_SW		2
#define NR_REG_NIC_SW		3
#define NR_REG_ONE_NIC		4
#define NR_REG_PIPE_MASTER	5
#define NR_REG_PIPE_SLAVE	6
#define NR_REG_NULL		7
#define NR_REG_ONE_SW		8
#define NR_REG_MASK		0xf

/* Registration flags (nr_flags). */
#define NR_MONITOR_TX		0x00100
#define NR_MONITOR_RX		0x00200
#define NR_ZCOPY_MON		0x00400
#define NR_EXCLUSIVE		0x00800
#define NR_RX_RINGS_ONLY	0x02000
#define NR_TX_RINGS_ONLY	0x04000
#define NR_ACCEPT_VNET_HDR	0x08000
#define NR_DO_RX_POLL		0x10000
#define NR_NO_TX_POLL		0x20000

/* ------------------------------------------------------------------ */
/* Header common to every NIOCCTRL request. */
struct nmreq_header {
	uint16_t	nr_version;
	uint16_t	nr_reqtype;	/* NETMAP_REQ_* */
	uint32_t	nr_reserved;	/* must be 0 */
	char		nr_name[NETMAP_REQ_IFNAMSIZ];
	uint64_t	nr_options;	/* user pointer: nmreq_option list */
	uint64_t	nr_body;	/* user pointer: request body */
};

/* Request types (nmreq_header.nr_reqtype). */
#define NETMAP_REQ_REGISTER		1
#define NETMAP_REQ_PORT_INFO_GET	2
#define NETMAP_REQ_VALE_ATTACH		3
#define NETMAP_REQ_VALE_DETACH		4
#define NETMAP_REQ_VALE_LIST		5
#define NETMAP_REQ_PORT_HDR_SET		6
#define NETMAP_REQ_PORT_HDR_GET		7
#define NETMAP_REQ_VALE_NEWIF		8
#define NETMAP_REQ_VALE_DELIF		9
#define NETMAP_REQ_VALE_POLLING_ENABLE	10
#define NETMAP_REQ_VALE_POLLING_DISABLE	11
#define NETMAP_REQ_POOLS_INFO_GET	12
#define NETMAP_REQ_SYNC_KLOOP_START	13
#define NETMAP_REQ_SYNC_KLOOP_STOP	14
#define NETMAP_REQ_CSB_ENABLE		15

/* Body of NETMAP_REQ_REGISTER: bind the fd to a port. */
struct nmreq_register {
	uint64_t	nr_offset;	/* out: netmap_if offset in the region */
	uint64_t	nr_memsize;	/* out: size of the region */
	uint32_t	nr_tx_slots;
	uint32_t	nr_rx_slots;
	uint16_t	nr_tx_rings;
	uint16_t	nr_rx_rings;
	uint16_t	nr_host_tx_rings;
	uint16_t	nr_host_rx_rings;
	uint16_t	nr_mem_id;
	uint16_t	nr_ringid;	/* for ONE_NIC / ONE_SW */
	uint32_t	nr_mode;	/* NR_REG_* */
	uint32_t	nr_extra_bufs;
	uint64_t	nr_flags;	/* NR_* */
};

/* Body of NETMAP_REQ_PORT_INFO_GET: port geometry without binding. */
struct nmreq_port_info_get {
	uint64_t	nr_memsize;
	uint32_t	nr_tx_slots;
	uint32_t	nr_rx_slots;
	uint16_t	nr_tx_rings;
	uint16_t	nr_rx_rings;
	uint16_t	nr_host_tx_rings;
	uint16_t	nr_host_rx_rings;
	uint16_t	nr_mem_id;
	uint16_t	pad[3];
};

/* Body of NETMAP_REQ_VALE_ATTACH: attach an interface to a switch. */
struct nmreq_vale_attach {
	struct nmreq_register	reg;
	uint32_t		port_index;	/* out */
	uint32_t		pad1;
};

/* Body of NETMAP_REQ_VALE_DETACH. */
struct nmreq_vale_detach {
	uint32_t	port_index;	/* out */
	uint32_t	pad1;
};

/* Body of NETMAP_REQ_VALE_LIST: look up or iterate switch ports. */
struct nmreq_vale_list {
	uint16_t	nr_bridge_idx;
	uint16_t	pad1;
	uint32_t	nr_port_idx;
};

/* Body of NETMAP_REQ_PORT_HDR_SET / _GET: virtio-net header length. */
struct nmreq_port_hdr {
	uint32_t	nr_hdr_len;
	uint32_t	pad1;
};

/* Body of NETMAP_REQ_VALE_NEWIF: create a persistent switch port. */
struct nmreq_vale_newif {
	uint32_t	nr_tx_slots;
	uint32_t	nr_rx_slots;
	uint16_t	nr_tx_rings;
	uint16_t	nr_rx_rings;
	uint16_t	nr_mem_id;
	uint16_t	pad1;
};

/* Body of NETMAP_REQ_VALE_POLLING_ENABLE / _DISABLE. */
struct nmreq_vale_polling {
	uint32_t	nr_mode;	/* NETMAP_POLLING_MODE_* */
	uint32_t	nr_first_cpu_id;
	uint32_t	nr_num_polling_cpus;
	uint32_t	pad1;
};

#define NETMAP_POLLING_MODE_SINGLE_CPU	1
#define NETMAP_POLLING_MODE_MULTI_CPU	2

/* Body of NETMAP_REQ_SYNC_KLOOP_START. */
struct nmreq_sync_kloop_start {
	uint32_t	sleep_us;
	uint32_t	pad1;
};

/* Body of NETMAP_REQ_POOLS_INFO_GET: layout of the shared region. */
struct nmreq_pools_info {
	uint64_t	nr_memsize;
	uint16_t	nr_mem_id;
	uint16_t	pad1[3];
	uint64_t	nr_if_pool_offset;
	uint32_t	nr_if_pool_objtotal;
	uint32_t	nr_if_pool_objsize;
	uint64_t	nr_ring_pool_offset;
	uint32_t	nr_ring_pool_objtotal;
	uint32_t	nr_ring_pool_objsize;
	uint64_t	nr_buf_pool_offset;
	uint32_t	nr_buf_pool_objtotal;
	uint32_t	nr_buf_pool_objsize;
};

/* ------------------------------------------------------------------ */
/* Request options: a linked list hanging off nmreq_header.nr_options. */
struct nmreq_option {
	uint64_t	nro_next;	/* user pointer to the next option */
	uint32_t	nro_reqtype;	/* NETMAP_REQ_OPT_* */
	uint32_t	nro_status;	/* out: 0 or an errno value */
	uint64_t	nro_size;	/* for variable-size options */
};

/* Option types (nmreq_option.nro_reqtype). */
#define NETMAP_REQ_OPT_EXTMEM			1
#define NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS	2
#define NETMAP_REQ_OPT_CSB			3
#define NETMAP_REQ_OPT_SYNC_KLOOP_MODE		4
#define NETMAP_REQ_OPT_OFFSETS			5
#define NETMAP_REQ_OPT_MAX			6

/* OPT_EXTMEM: use application memory as the shared region. */
struct nmreq_opt_extmem {
	struct nmreq_option	nro_opt;
	uint64_t		nro_usrptr;
	struct nmreq_pools_info	nro_info;
};

/* OPT_SYNC_KLOOP_EVENTFDS: one eventfd pair per bound ring. */
struct nmreq_opt_sync_kloop_eventfds {
	struct nmreq_option	nro_opt;
	struct {
		int32_t ioeventfd;
		int32_t irqfd;
	} eventfds[];
};

/* OPT_CSB: addresses of the application/kernel shared status blocks. */
struct nmreq_opt_csb {
	struct nmreq_option	nro_opt;
	uint64_t		csb_atok;	/* array of nm_csb_atok */
	uint64_t		csb_ktoa;	/* array of nm_csb_ktoa */
};

/* OPT_SYNC_KLOOP_MODE. */
struct nmreq_opt_sync_kloop_mode {
	struct nmreq_option	nro_opt;
	uint32_t		mode;		/* NM_OPT_SYNC_KLOOP_* bits */
};

#define NM_OPT_SYNC_KLOOP_DIRECT_TX	(1 << 0)
#define NM_OPT_SYNC_KLOOP_DIRECT_RX	(1 << 1)

/* OPT_OFFSETS: per-slot packet offsets carried in netmap_slot.ptr. */
struct nmreq_opt_offsets {
	struct nmreq_option	nro_opt;
	uint64_t		nro_max_offset;
	uint64_t		nro_initial_offset;
	uint32_t		nro_offset_bits;
	uint32_t		nro_tx_align;
	uint64_t		nro_min_gap;
};

/* CSB entries, one per bound ring: application -> kernel ... */
struct nm_csb_atok {
	uint32_t	head;
	uint32_t	cur;
	uint32_t	appl_need_kick;
	uint32_t	sync_flags;
	uint32_t	pad[12];
};

/* ... and kernel -> application. */
struct nm_csb_ktoa {
	uint32_t	hwcur;
	uint32_t	hwtail;
	uint32_t	kern_need_kick;
	uint32_t	pad[13];
};

/* ------------------------------------------------------------------ */
/* Legacy request used by NIOCGINFO / NIOCREGIF. */
struct nmreq {
	char		nr_name[IFNAMSIZ];
	uint32_t	nr_version;
	uint32_t	nr_offset;
	uint32_t	nr_memsize;
	uint32_t	nr_tx_slots;
	uint32_t	nr_rx_slots;
	uint16_t	nr_tx_rings;
	uint16_t	nr_rx_rings;
	uint16_t	nr_ringid;	/* ring number + NETMAP_* bits below */
	uint16_t	nr_cmd;		/* NETMAP_BDG_* / NETMAP_PT_* */
	uint16_t	nr_arg1;
	uint16_t	nr_arg2;	/* memory allocator id */
	uint32_t	nr_arg3;	/* extra buffers */
	uint32_t	nr_flags;	/* NR_REG_* mode | NR_* flags */
	uint32_t	spare2[1];
};

/* Legacy nr_ringid bits. */
#define NETMAP_RING_MASK	0x0fff
#define NETMAP_NO_TX_POLL	0x1000
#define NETMAP_SW_RING		0x2000
#define NETMAP_HW_RING		0x4000
#define NETMAP_DO_RX_POLL	0x8000

/* Legacy nr_cmd values. */
#define NETMAP_BDG_ATTACH	1
#define NETMAP_BDG_DETACH	2
#define NETMAP_BDG_REGOPS	3
#define NETMAP_BDG_LIST		4
#define NETMAP_BDG_VNET_HDR	5
#define NETMAP_BDG_NEWIF	6
#define NETMAP_BDG_DELIF	7
#define NETMAP_PT_HOST_CREATE	8
#define NETMAP_PT_HOST_DELETE	9
#define NETMAP_BDG_POLLING_ON	10
#define NETMAP_BDG_POLLING_OFF	11
#define NETMAP_VNET_HDR_GET	12

/* Legacy nr_arg1 value for NETMAP_BDG_ATTACH: attach the host port too. */
#define NETMAP_BDG_HOST		1

/* Argument of NIOCCONFIG (bridge configuration hook). */
#define NM_IFRDATA_LEN		256
struct nm_ifreq {
	char	nifr_name[IFNAMSIZ];
	char	data[NM_IFRDATA_LEN];
};

/* ------------------------------------------------------------------ */
/* ioctl commands of /dev/netmap. */
#define NIOCGINFO	_IOWR('i', 145, struct nmreq)
#define NIOCREGIF	_IOWR('i', 146, struct nmreq)
#define NIOCTXSYNC	_IO('i', 148)
#define NIOCRXSYNC	_IO('i', 149)
#define NIOCCONFIG	_IOWR('i', 150, struct nm_ifreq)
#define NIOCCTRL	_IOWR('i', 151, struct nmreq_header)

/* ================================================================== */
/*
 * PROJECT EXTENSION - not part of upstream netmap.
 *
 * Request types from 0x100 upwards are reserved for this
 * implementation; upstream numbering stops at 15 and unmodified
 * applications never send these.  Upstream kernels reject them
 * with EINVAL, so a tool using them can detect which kernel it
 * talks to.
 */

/*
 * NETMAP_REQ_VALE_PORT_STATS: read the traffic counters of a port of
 * a VALE switch (nr_name = "valeX:Y"); the body is filled on success.
 */
#define NETMAP_REQ_VALE_PORT_STATS	0x100

struct nmreq_vale_port_stats {
	uint64_t	rx_packets;
	uint64_t	rx_bytes;
	uint64_t	tx_packets;
	uint64_t	tx_bytes;
	uint64_t	drop_no_room;		/* destination ring full */
	uint64_t	drop_bad_slot;		/* bad buf_idx or len */
	uint64_t	drop_hdr_mismatch;	/* vnet header lengths differ */
	uint64_t	reserved[9];		/* zero; room to grow */
};

#endif /* _NET_NETMAP_H_ */
