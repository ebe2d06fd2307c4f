// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_uapi_layout.c - the userspace ABI headers against netmap-abi.md.
 *
 * Every size, offset, constant and ioctl number of the specification
 * (sections 1.1 and 2.1-2.7) is asserted here, including the exact
 * netmap_ring offset list of the upstream "binarycomp" test.  Then the
 * address macros, ring helpers and the legacy nm_* inline library of
 * netmap_user.h are exercised on a hand-built shared region, with no
 * kernel involved.
 */
#define NETMAP_WITH_LIBS
#include <net/netmap.h>
#include <net/netmap_user.h>

#ifndef NETMAP_REQ_VALE_PORT_STATS
#error "this is not the project's include/uapi/net/netmap.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define OFF(type, field, off) \
	assert_int_equal(offsetof(struct type, field), (off))
#define FSIZE(type, field, sz) \
	assert_int_equal(sizeof(((struct type *)0)->field), (sz))
#define SIZE(type, sz) \
	assert_int_equal(sizeof(struct type), (sz))
#define ALIGN(type, al) \
	assert_int_equal(_Alignof(struct type), (al))

/* ------------------------------------------------------------------ */
/* Section 1: versions and ioctl numbers. */

static void test_versions(void **state)
{
	(void)state;
	assert_int_equal(NETMAP_API, 14);
	assert_int_equal(NETMAP_MIN_API, 14);
	assert_int_equal(NETMAP_MAX_API, 15);
	assert_string_equal(NETMAP_DEVICE_NAME, "/dev/netmap");
	assert_int_equal(NETMAP_REQ_IFNAMSIZ, 64);
	assert_int_equal(NETMAP_REQ_MAXSIZE, 4096);
	assert_int_equal(IFNAMSIZ, 16);
#if NETMAP_API < 11 || NETMAP_API > 15
#error "QEMU's configure probe would reject this NETMAP_API"
#endif
}

static void test_ioctl_numbers(void **state)
{
	(void)state;
	assert_int_equal(NIOCGINFO, 0xc03c6991UL);
	assert_int_equal(NIOCREGIF, 0xc03c6992UL);
	assert_int_equal(NIOCTXSYNC, 0x6994UL);
	assert_int_equal(NIOCRXSYNC, 0x6995UL);
	assert_int_equal(NIOCCONFIG, 0xc1106996UL);
	assert_int_equal(NIOCCTRL, 0xc0586997UL);
}

/* ------------------------------------------------------------------ */
/* 2.1 netmap_slot and slot flags. */

static void test_slot(void **state)
{
	struct netmap_slot s;

	(void)state;
	SIZE(netmap_slot, 16);
	ALIGN(netmap_slot, 8);
	OFF(netmap_slot, buf_idx, 0);	FSIZE(netmap_slot, buf_idx, 4);
	OFF(netmap_slot, len, 4);	FSIZE(netmap_slot, len, 2);
	OFF(netmap_slot, flags, 6);	FSIZE(netmap_slot, flags, 2);
	OFF(netmap_slot, ptr, 8);	FSIZE(netmap_slot, ptr, 8);

	assert_int_equal(NS_BUF_CHANGED, 0x0001);
	assert_int_equal(NS_REPORT, 0x0002);
	assert_int_equal(NS_FORWARD, 0x0004);
	assert_int_equal(NS_NO_LEARN, 0x0008);
	assert_int_equal(NS_INDIRECT, 0x0010);
	assert_int_equal(NS_MOREFRAG, 0x0020);
	assert_int_equal(NS_TXMON, 0x0040);
	assert_int_equal(NS_PORT_SHIFT, 8);
	assert_int_equal(NS_PORT_MASK, 0xff00);
	assert_int_equal(NETMAP_MAX_FRAGS, 64);

	memset(&s, 0, sizeof(s));
	s.flags = (uint16_t)((5 << 8) | NS_MOREFRAG);
	assert_int_equal(NS_RFRAGS(&s), 5);
	s.flags = (uint16_t)(64 << 8);
	assert_int_equal(NS_RFRAGS(&s), 64);
	s.flags = 0xffff;
	assert_int_equal(NS_RFRAGS(&s), 0xff);
}

/* 2.2 netmap_ring, with the exact list of upstream "binarycomp". */
static void test_ring(void **state)
{
	(void)state;
	/* binarycomp */
	OFF(netmap_ring, buf_ofs, 0);
	OFF(netmap_ring, num_slots, 8);
	OFF(netmap_ring, nr_buf_size, 12);
	OFF(netmap_ring, ringid, 16);
	OFF(netmap_ring, dir, 18);
	OFF(netmap_ring, head, 20);
	OFF(netmap_ring, cur, 24);
	OFF(netmap_ring, tail, 28);
	OFF(netmap_ring, flags, 32);
	OFF(netmap_ring, ts, 40);
	OFF(netmap_ring, offset_mask, 56);
	OFF(netmap_ring, buf_align, 64);
	OFF(netmap_ring, sem, 128);
	OFF(netmap_ring, slot, 256);

	/* field sizes, header size, alignment */
	FSIZE(netmap_ring, buf_ofs, 8);
	FSIZE(netmap_ring, num_slots, 4);
	FSIZE(netmap_ring, nr_buf_size, 4);
	FSIZE(netmap_ring, ringid, 2);
	FSIZE(netmap_ring, dir, 2);
	FSIZE(netmap_ring, head, 4);
	FSIZE(netmap_ring, cur, 4);
	FSIZE(netmap_ring, tail, 4);
	FSIZE(netmap_ring, flags, 4);
	FSIZE(netmap_ring, ts, 16);
	FSIZE(netmap_ring, offset_mask, 8);
	FSIZE(netmap_ring, buf_align, 8);
	FSIZE(netmap_ring, sem, 128);
	FSIZE(netmap_ring, slot[0], 16);
	SIZE(netmap_ring, 256);
	ALIGN(netmap_ring, 128);
	assert_int_equal(sizeof(struct timeval), 16);

	assert_int_equal(NR_TIMESTAMP, 0x0002);
	assert_int_equal(NR_FORWARD, 0x0004);
}

/* 2.3 netmap_if. */
static void test_if(void **state)
{
	(void)state;
	SIZE(netmap_if, 56);
	ALIGN(netmap_if, 8);
	OFF(netmap_if, ni_name, 0);		FSIZE(netmap_if, ni_name, 16);
	OFF(netmap_if, ni_version, 16);		FSIZE(netmap_if, ni_version, 4);
	OFF(netmap_if, ni_flags, 20);		FSIZE(netmap_if, ni_flags, 4);
	OFF(netmap_if, ni_tx_rings, 24);	FSIZE(netmap_if, ni_tx_rings, 4);
	OFF(netmap_if, ni_rx_rings, 28);	FSIZE(netmap_if, ni_rx_rings, 4);
	OFF(netmap_if, ni_bufs_head, 32);	FSIZE(netmap_if, ni_bufs_head, 4);
	OFF(netmap_if, ni_host_tx_rings, 36);
	FSIZE(netmap_if, ni_host_tx_rings, 4);
	OFF(netmap_if, ni_host_rx_rings, 40);
	FSIZE(netmap_if, ni_host_rx_rings, 4);
	OFF(netmap_if, ni_spare1, 44);		FSIZE(netmap_if, ni_spare1, 12);
	OFF(netmap_if, ring_ofs, 56);		FSIZE(netmap_if, ring_ofs[0], 8);
	assert_int_equal(NI_PRIV_MEM, 0x1);
}

/* 2.4 nmreq_header. */
static void test_header(void **state)
{
	(void)state;
	SIZE(nmreq_header, 88);
	ALIGN(nmreq_header, 8);
	OFF(nmreq_header, nr_version, 0);	FSIZE(nmreq_header, nr_version, 2);
	OFF(nmreq_header, nr_reqtype, 2);	FSIZE(nmreq_header, nr_reqtype, 2);
	OFF(nmreq_header, nr_reserved, 4);	FSIZE(nmreq_header, nr_reserved, 4);
	OFF(nmreq_header, nr_name, 8);		FSIZE(nmreq_header, nr_name, 64);
	OFF(nmreq_header, nr_options, 72);	FSIZE(nmreq_header, nr_options, 8);
	OFF(nmreq_header, nr_body, 80);		FSIZE(nmreq_header, nr_body, 8);
}

/* 2.5 request types, modes, flags. */
static void test_request_constants(void **state)
{
	(void)state;
	assert_int_equal(NETMAP_REQ_REGISTER, 1);
	assert_int_equal(NETMAP_REQ_PORT_INFO_GET, 2);
	assert_int_equal(NETMAP_REQ_VALE_ATTACH, 3);
	assert_int_equal(NETMAP_REQ_VALE_DETACH, 4);
	assert_int_equal(NETMAP_REQ_VALE_LIST, 5);
	assert_int_equal(NETMAP_REQ_PORT_HDR_SET, 6);
	assert_int_equal(NETMAP_REQ_PORT_HDR_GET, 7);
	assert_int_equal(NETMAP_REQ_VALE_NEWIF, 8);
	assert_int_equal(NETMAP_REQ_VALE_DELIF, 9);
	assert_int_equal(NETMAP_REQ_VALE_POLLING_ENABLE, 10);
	assert_int_equal(NETMAP_REQ_VALE_POLLING_DISABLE, 11);
	assert_int_equal(NETMAP_REQ_POOLS_INFO_GET, 12);
	assert_int_equal(NETMAP_REQ_SYNC_KLOOP_START, 13);
	assert_int_equal(NETMAP_REQ_SYNC_KLOOP_STOP, 14);
	assert_int_equal(NETMAP_REQ_CSB_ENABLE, 15);

	assert_int_equal(NR_REG_DEFAULT, 0);
	assert_int_equal(NR_REG_ALL_NIC, 1);
	assert_int_equal(NR_REG_SW, 2);
	assert_int_equal(NR_REG_NIC_SW, 3);
	assert_int_equal(NR_REG_ONE_NIC, 4);
	assert_int_equal(NR_REG_PIPE_MASTER, 5);
	assert_int_equal(NR_REG_PIPE_SLAVE, 6);
	assert_int_equal(NR_REG_NULL, 7);
	assert_int_equal(NR_REG_ONE_SW, 8);
	assert_int_equal(NR_REG_MASK, 0xf);

	assert_int_equal(NR_MONITOR_TX, 0x00100);
	assert_int_equal(NR_MONITOR_RX, 0x00200);
	assert_int_equal(NR_ZCOPY_MON, 0x00400);
	assert_int_equal(NR_EXCLUSIVE, 0x00800);
	assert_int_equal(NR_RX_RINGS_ONLY, 0x02000);
	assert_int_equal(NR_TX_RINGS_ONLY, 0x04000);
	assert_int_equal(NR_ACCEPT_VNET_HDR, 0x08000);
	assert_int_equal(NR_DO_RX_POLL, 0x10000);
	assert_int_equal(NR_NO_TX_POLL, 0x20000);

	assert_int_equal(NETMAP_POLLING_MODE_SINGLE_CPU, 1);
	assert_int_equal(NETMAP_POLLING_MODE_MULTI_CPU, 2);
}

/* 2.5 request bodies. */
static void test_bodies(void **state)
{
	(void)state;

	SIZE(nmreq_register, 56);
	OFF(nmreq_register, nr_offset, 0);	FSIZE(nmreq_register, nr_offset, 8);
	OFF(nmreq_register, nr_memsize, 8);	FSIZE(nmreq_register, nr_memsize, 8);
	OFF(nmreq_register, nr_tx_slots, 16);	FSIZE(nmreq_register, nr_tx_slots, 4);
	OFF(nmreq_register, nr_rx_slots, 20);	FSIZE(nmreq_register, nr_rx_slots, 4);
	OFF(nmreq_register, nr_tx_rings, 24);	FSIZE(nmreq_register, nr_tx_rings, 2);
	OFF(nmreq_register, nr_rx_rings, 26);	FSIZE(nmreq_register, nr_rx_rings, 2);
	OFF(nmreq_register, nr_host_tx_rings, 28);
	FSIZE(nmreq_register, nr_host_tx_rings, 2);
	OFF(nmreq_register, nr_host_rx_rings, 30);
	FSIZE(nmreq_register, nr_host_rx_rings, 2);
	OFF(nmreq_register, nr_mem_id, 32);	FSIZE(nmreq_register, nr_mem_id, 2);
	OFF(nmreq_register, nr_ringid, 34);	FSIZE(nmreq_register, nr_ringid, 2);
	OFF(nmreq_register, nr_mode, 36);	FSIZE(nmreq_register, nr_mode, 4);
	OFF(nmreq_register, nr_extra_bufs, 40);
	FSIZE(nmreq_register, nr_extra_bufs, 4);
	OFF(nmreq_register, nr_flags, 48);	FSIZE(nmreq_register, nr_flags, 8);

	SIZE(nmreq_port_info_get, 32);
	OFF(nmreq_port_info_get, nr_memsize, 0);
	FSIZE(nmreq_port_info_get, nr_memsize, 8);
	OFF(nmreq_port_info_get, nr_tx_slots, 8);
	OFF(nmreq_port_info_get, nr_rx_slots, 12);
	OFF(nmreq_port_info_get, nr_tx_rings, 16);
	FSIZE(nmreq_port_info_get, nr_tx_rings, 2);
	OFF(nmreq_port_info_get, nr_rx_rings, 18);
	OFF(nmreq_port_info_get, nr_host_tx_rings, 20);
	OFF(nmreq_port_info_get, nr_host_rx_rings, 22);
	OFF(nmreq_port_info_get, nr_mem_id, 24);
	FSIZE(nmreq_port_info_get, nr_mem_id, 2);
	OFF(nmreq_port_info_get, pad, 26);
	FSIZE(nmreq_port_info_get, pad, 6);

	SIZE(nmreq_vale_attach, 64);
	OFF(nmreq_vale_attach, reg, 0);
	FSIZE(nmreq_vale_attach, reg, 56);
	OFF(nmreq_vale_attach, port_index, 56);
	FSIZE(nmreq_vale_attach, port_index, 4);
	OFF(nmreq_vale_attach, pad1, 60);

	SIZE(nmreq_vale_detach, 8);
	OFF(nmreq_vale_detach, port_index, 0);
	FSIZE(nmreq_vale_detach, port_index, 4);
	OFF(nmreq_vale_detach, pad1, 4);

	SIZE(nmreq_vale_list, 8);
	OFF(nmreq_vale_list, nr_bridge_idx, 0);
	FSIZE(nmreq_vale_list, nr_bridge_idx, 2);
	OFF(nmreq_vale_list, pad1, 2);
	OFF(nmreq_vale_list, nr_port_idx, 4);
	FSIZE(nmreq_vale_list, nr_port_idx, 4);

	SIZE(nmreq_port_hdr, 8);
	OFF(nmreq_port_hdr, nr_hdr_len, 0);
	FSIZE(nmreq_port_hdr, nr_hdr_len, 4);
	OFF(nmreq_port_hdr, pad1, 4);

	SIZE(nmreq_vale_newif, 16);
	OFF(nmreq_vale_newif, nr_tx_slots, 0);
	FSIZE(nmreq_vale_newif, nr_tx_slots, 4);
	OFF(nmreq_vale_newif, nr_rx_slots, 4);
	OFF(nmreq_vale_newif, nr_tx_rings, 8);
	FSIZE(nmreq_vale_newif, nr_tx_rings, 2);
	OFF(nmreq_vale_newif, nr_rx_rings, 10);
	OFF(nmreq_vale_newif, nr_mem_id, 12);
	FSIZE(nmreq_vale_newif, nr_mem_id, 2);
	OFF(nmreq_vale_newif, pad1, 14);

	SIZE(nmreq_vale_polling, 16);
	OFF(nmreq_vale_polling, nr_mode, 0);
	FSIZE(nmreq_vale_polling, nr_mode, 4);
	OFF(nmreq_vale_polling, nr_first_cpu_id, 4);
	OFF(nmreq_vale_polling, nr_num_polling_cpus, 8);
	OFF(nmreq_vale_polling, pad1, 12);

	SIZE(nmreq_sync_kloop_start, 8);
	OFF(nmreq_sync_kloop_start, sleep_us, 0);
	FSIZE(nmreq_sync_kloop_start, sleep_us, 4);
	OFF(nmreq_sync_kloop_start, pad1, 4);

	SIZE(nmreq_pools_info, 64);
	OFF(nmreq_pools_info, nr_memsize, 0);
	FSIZE(nmreq_pools_info, nr_memsize, 8);
	OFF(nmreq_pools_info, nr_mem_id, 8);
	FSIZE(nmreq_pools_info, nr_mem_id, 2);
	OFF(nmreq_pools_info, pad1, 10);
	FSIZE(nmreq_pools_info, pad1, 6);
	OFF(nmreq_pools_info, nr_if_pool_offset, 16);
	FSIZE(nmreq_pools_info, nr_if_pool_offset, 8);
	OFF(nmreq_pools_info, nr_if_pool_objtotal, 24);
	FSIZE(nmreq_pools_info, nr_if_pool_objtotal, 4);
	OFF(nmreq_pools_info, nr_if_pool_objsize, 28);
	OFF(nmreq_pools_info, nr_ring_pool_offset, 32);
	FSIZE(nmreq_pools_info, nr_ring_pool_offset, 8);
	OFF(nmreq_pools_info, nr_ring_pool_objtotal, 40);
	OFF(nmreq_pools_info, nr_ring_pool_objsize, 44);
	OFF(nmreq_pools_info, nr_buf_pool_offset, 48);
	FSIZE(nmreq_pools_info, nr_buf_pool_offset, 8);
	OFF(nmreq_pools_info, nr_buf_pool_objtotal, 56);
	OFF(nmreq_pools_info, nr_buf_pool_objsize, 60);
	FSIZE(nmreq_pools_info, nr_buf_pool_objsize, 4);
}

/* 2.6 options and CSB. */
static void test_options(void **state)
{
	(void)state;
	assert_int_equal(NETMAP_REQ_OPT_EXTMEM, 1);
	assert_int_equal(NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS, 2);
	assert_int_equal(NETMAP_REQ_OPT_CSB, 3);
	assert_int_equal(NETMAP_REQ_OPT_SYNC_KLOOP_MODE, 4);
	assert_int_equal(NETMAP_REQ_OPT_OFFSETS, 5);
	assert_int_equal(NETMAP_REQ_OPT_MAX, 6);
	assert_int_equal(NM_OPT_SYNC_KLOOP_DIRECT_TX, 1);
	assert_int_equal(NM_OPT_SYNC_KLOOP_DIRECT_RX, 2);

	SIZE(nmreq_option, 24);
	ALIGN(nmreq_option, 8);
	OFF(nmreq_option, nro_next, 0);		FSIZE(nmreq_option, nro_next, 8);
	OFF(nmreq_option, nro_reqtype, 8);	FSIZE(nmreq_option, nro_reqtype, 4);
	OFF(nmreq_option, nro_status, 12);	FSIZE(nmreq_option, nro_status, 4);
	OFF(nmreq_option, nro_size, 16);	FSIZE(nmreq_option, nro_size, 8);

	SIZE(nmreq_opt_extmem, 96);
	OFF(nmreq_opt_extmem, nro_opt, 0);
	OFF(nmreq_opt_extmem, nro_usrptr, 24);
	FSIZE(nmreq_opt_extmem, nro_usrptr, 8);
	OFF(nmreq_opt_extmem, nro_info, 32);
	FSIZE(nmreq_opt_extmem, nro_info, 64);

	SIZE(nmreq_opt_sync_kloop_eventfds, 24);
	OFF(nmreq_opt_sync_kloop_eventfds, nro_opt, 0);
	OFF(nmreq_opt_sync_kloop_eventfds, eventfds, 24);
	FSIZE(nmreq_opt_sync_kloop_eventfds, eventfds[0], 8);
	FSIZE(nmreq_opt_sync_kloop_eventfds, eventfds[0].ioeventfd, 4);
	FSIZE(nmreq_opt_sync_kloop_eventfds, eventfds[0].irqfd, 4);
	assert_int_equal(offsetof(struct nmreq_opt_sync_kloop_eventfds,
				  eventfds[1].ioeventfd), 32);
	assert_int_equal(offsetof(struct nmreq_opt_sync_kloop_eventfds,
				  eventfds[1].irqfd), 36);

	SIZE(nmreq_opt_csb, 40);
	OFF(nmreq_opt_csb, nro_opt, 0);
	OFF(nmreq_opt_csb, csb_atok, 24);	FSIZE(nmreq_opt_csb, csb_atok, 8);
	OFF(nmreq_opt_csb, csb_ktoa, 32);	FSIZE(nmreq_opt_csb, csb_ktoa, 8);

	SIZE(nmreq_opt_sync_kloop_mode, 32);
	OFF(nmreq_opt_sync_kloop_mode, nro_opt, 0);
	OFF(nmreq_opt_sync_kloop_mode, mode, 24);
	FSIZE(nmreq_opt_sync_kloop_mode, mode, 4);

	SIZE(nmreq_opt_offsets, 56);
	OFF(nmreq_opt_offsets, nro_opt, 0);
	OFF(nmreq_opt_offsets, nro_max_offset, 24);
	FSIZE(nmreq_opt_offsets, nro_max_offset, 8);
	OFF(nmreq_opt_offsets, nro_initial_offset, 32);
	FSIZE(nmreq_opt_offsets, nro_initial_offset, 8);
	OFF(nmreq_opt_offsets, nro_offset_bits, 40);
	FSIZE(nmreq_opt_offsets, nro_offset_bits, 4);
	OFF(nmreq_opt_offsets, nro_tx_align, 44);
	FSIZE(nmreq_opt_offsets, nro_tx_align, 4);
	OFF(nmreq_opt_offsets, nro_min_gap, 48);
	FSIZE(nmreq_opt_offsets, nro_min_gap, 8);

	SIZE(nm_csb_atok, 64);
	OFF(nm_csb_atok, head, 0);
	OFF(nm_csb_atok, cur, 4);
	OFF(nm_csb_atok, appl_need_kick, 8);
	OFF(nm_csb_atok, sync_flags, 12);
	OFF(nm_csb_atok, pad, 16);		FSIZE(nm_csb_atok, pad, 48);

	SIZE(nm_csb_ktoa, 64);
	OFF(nm_csb_ktoa, hwcur, 0);
	OFF(nm_csb_ktoa, hwtail, 4);
	OFF(nm_csb_ktoa, kern_need_kick, 8);
	OFF(nm_csb_ktoa, pad, 12);		FSIZE(nm_csb_ktoa, pad, 52);
}

/* 2.7 legacy nmreq, nm_ifreq and their constants. */
static void test_legacy(void **state)
{
	(void)state;
	SIZE(nmreq, 60);
	ALIGN(nmreq, 4);
	OFF(nmreq, nr_name, 0);		FSIZE(nmreq, nr_name, 16);
	OFF(nmreq, nr_version, 16);	FSIZE(nmreq, nr_version, 4);
	OFF(nmreq, nr_offset, 20);	FSIZE(nmreq, nr_offset, 4);
	OFF(nmreq, nr_memsize, 24);	FSIZE(nmreq, nr_memsize, 4);
	OFF(nmreq, nr_tx_slots, 28);	FSIZE(nmreq, nr_tx_slots, 4);
	OFF(nmreq, nr_rx_slots, 32);	FSIZE(nmreq, nr_rx_slots, 4);
	OFF(nmreq, nr_tx_rings, 36);	FSIZE(nmreq, nr_tx_rings, 2);
	OFF(nmreq, nr_rx_rings, 38);	FSIZE(nmreq, nr_rx_rings, 2);
	OFF(nmreq, nr_ringid, 40);	FSIZE(nmreq, nr_ringid, 2);
	OFF(nmreq, nr_cmd, 42);		FSIZE(nmreq, nr_cmd, 2);
	OFF(nmreq, nr_arg1, 44);	FSIZE(nmreq, nr_arg1, 2);
	OFF(nmreq, nr_arg2, 46);	FSIZE(nmreq, nr_arg2, 2);
	OFF(nmreq, nr_arg3, 48);	FSIZE(nmreq, nr_arg3, 4);
	OFF(nmreq, nr_flags, 52);	FSIZE(nmreq, nr_flags, 4);
	OFF(nmreq, spare2, 56);		FSIZE(nmreq, spare2, 4);

	assert_int_equal(NETMAP_RING_MASK, 0x0fff);
	assert_int_equal(NETMAP_NO_TX_POLL, 0x1000);
	assert_int_equal(NETMAP_SW_RING, 0x2000);
	assert_int_equal(NETMAP_HW_RING, 0x4000);
	assert_int_equal(NETMAP_DO_RX_POLL, 0x8000);

	assert_int_equal(NETMAP_BDG_ATTACH, 1);
	assert_int_equal(NETMAP_BDG_DETACH, 2);
	assert_int_equal(NETMAP_BDG_REGOPS, 3);
	assert_int_equal(NETMAP_BDG_LIST, 4);
	assert_int_equal(NETMAP_BDG_VNET_HDR, 5);
	assert_int_equal(NETMAP_BDG_NEWIF, 6);
	assert_int_equal(NETMAP_BDG_DELIF, 7);
	assert_int_equal(NETMAP_PT_HOST_CREATE, 8);
	assert_int_equal(NETMAP_PT_HOST_DELETE, 9);
	assert_int_equal(NETMAP_BDG_POLLING_ON, 10);
	assert_int_equal(NETMAP_BDG_POLLING_OFF, 11);
	assert_int_equal(NETMAP_VNET_HDR_GET, 12);
	assert_int_equal(NETMAP_BDG_HOST, 1);

	assert_int_equal(NM_IFRDATA_LEN, 256);
	SIZE(nm_ifreq, 272);
	OFF(nm_ifreq, nifr_name, 0);	FSIZE(nm_ifreq, nifr_name, 16);
	OFF(nm_ifreq, data, 16);	FSIZE(nm_ifreq, data, 256);
}

/* Project extension: reserved request type and its body. */
static void test_extension(void **state)
{
	(void)state;
	assert_int_equal(NETMAP_REQ_VALE_PORT_STATS, 0x100);
	assert_true(NETMAP_REQ_VALE_PORT_STATS > NETMAP_REQ_CSB_ENABLE);
	SIZE(nmreq_vale_port_stats, 128);
	ALIGN(nmreq_vale_port_stats, 8);
	OFF(nmreq_vale_port_stats, rx_packets, 0);
	OFF(nmreq_vale_port_stats, rx_bytes, 8);
	OFF(nmreq_vale_port_stats, tx_packets, 16);
	OFF(nmreq_vale_port_stats, tx_bytes, 24);
	OFF(nmreq_vale_port_stats, drop_no_room, 32);
	OFF(nmreq_vale_port_stats, drop_bad_slot, 40);
	OFF(nmreq_vale_port_stats, drop_hdr_mismatch, 48);
	OFF(nmreq_vale_port_stats, reserved, 56);
	FSIZE(nmreq_vale_port_stats, reserved, 72);
}

/* ------------------------------------------------------------------ */
/*
 * A hand-built shared region, laid out the way the kernel does it:
 *
 *   0x0000  unused            (so that nr_offset is not 0)
 *   0x0100  netmap_if         1 NIC + 1 (fake) host ring per direction
 *   0x0400  TX ring 0         8 slots
 *   0x0800  RX ring 0         6 slots (not a power of two)
 *   0x1000  buffer pool       BUF_NUM buffers of BUF_SIZE bytes
 *
 * ring_ofs[] = { TX0, host TX (0), RX0, host RX (0) }.
 */
#define REG_IF_OFS	0x100
#define REG_TX_OFS	0x400
#define REG_RX_OFS	0x800
#define REG_BUF_OFS	0x1000
#define BUF_SIZE	256
#define BUF_NUM		32
#define TX_SLOTS	8
#define RX_SLOTS	6
#define REG_SIZE	(REG_BUF_OFS + BUF_NUM * BUF_SIZE)

struct fake_region {
	char			*base;
	struct netmap_if	*nifp;
	struct netmap_ring	*tx;
	struct netmap_ring	*rx;
};

/*
 * The application view makes kernel-owned fields const; the fake region
 * plays the kernel, so it stores into them through a plain pointer.
 */
static void kset_store(const void *field, size_t size, uint64_t v)
{
	void *p = (void *)(uintptr_t)field;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (size) {
	case 2: memcpy(p, &v16, 2); break;
	case 4: memcpy(p, &v32, 4); break;
	case 8: memcpy(p, &v, 8); break;
	default: fail_msg("unexpected field size %zu", size);
	}
}
#define KSET(lval, val)	kset_store(&(lval), sizeof(lval), (uint64_t)(val))

static void fake_ring_init(struct netmap_ring *r, size_t ring_pos,
			   uint32_t nslots, uint16_t dir, uint32_t first_buf)
{
	uint32_t i;

	KSET(r->buf_ofs, (int64_t)(REG_BUF_OFS - ring_pos));
	KSET(r->num_slots, nslots);
	KSET(r->nr_buf_size, BUF_SIZE);
	KSET(r->ringid, 0);
	KSET(r->dir, dir);
	r->head = r->cur = 0;
	r->tail = dir == 0 ? nslots - 1 : 0;
	for (i = 0; i < nslots; i++) {
		r->slot[i].buf_idx = first_buf + i;
		r->slot[i].len = BUF_SIZE;
		r->slot[i].flags = 0;
		r->slot[i].ptr = 0;
	}
}

static int fake_setup(void **state)
{
	struct fake_region *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->base = aligned_alloc(4096, REG_SIZE);
	if (f->base == NULL) {
		free(f);
		return -1;
	}
	memset(f->base, 0, REG_SIZE);
	f->nifp = NETMAP_IF(f->base, REG_IF_OFS);
	strcpy(f->nifp->ni_name, "vale0:a");
	KSET(f->nifp->ni_tx_rings, 1);
	KSET(f->nifp->ni_rx_rings, 1);
	KSET(f->nifp->ni_host_tx_rings, 1);
	KSET(f->nifp->ni_host_rx_rings, 1);
	KSET(f->nifp->ring_ofs[0], REG_TX_OFS - REG_IF_OFS);
	KSET(f->nifp->ring_ofs[1], 0);
	KSET(f->nifp->ring_ofs[2], REG_RX_OFS - REG_IF_OFS);
	KSET(f->nifp->ring_ofs[3], 0);
	f->tx = (struct netmap_ring *)(void *)(f->base + REG_TX_OFS);
	f->rx = (struct netmap_ring *)(void *)(f->base + REG_RX_OFS);
	fake_ring_init(f->tx, REG_TX_OFS, TX_SLOTS, 0, 2);
	fake_ring_init(f->rx, REG_RX_OFS, RX_SLOTS, 1, 2 + TX_SLOTS);
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake_region *f = *state;

	free(f->base);
	free(f);
	return 0;
}

/* A descriptor bound to the fake region, as nm_open would leave it. */
static struct nm_desc *fake_desc(struct fake_region *f)
{
	struct nm_desc *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->self = d;
	d->fd = -1;
	d->req.nr_offset = REG_IF_OFS;
	d->req.nr_memsize = REG_SIZE;
	d->req.nr_tx_rings = 1;
	d->req.nr_rx_rings = 1;
	d->req.nr_flags = NR_REG_ALL_NIC;
	d->mem = f->base;
	d->memsize = REG_SIZE;
	d->done_mmap = 0;	/* nm_close must not munmap our heap */
	nm_priv_compute_rings(d);
	assert_int_equal(nm_mmap(d, NULL), 0);
	return d;
}

static void test_address_macros(void **state)
{
	struct fake_region *f = *state;
	struct netmap_if *nifp = NETMAP_IF(f->base, REG_IF_OFS);
	char *b2 = f->base + REG_BUF_OFS + 2 * BUF_SIZE;
	char *b13 = f->base + REG_BUF_OFS + 13 * BUF_SIZE;

	assert_ptr_equal(nifp, f->base + REG_IF_OFS);
	assert_ptr_equal(_NETMAP_OFFSET(char *, nifp, 5), f->base + REG_IF_OFS + 5);
	assert_ptr_equal(NETMAP_TXRING(nifp, 0), f->base + REG_TX_OFS);
	assert_ptr_equal(NETMAP_RXRING(nifp, 0), f->base + REG_RX_OFS);
	/* fake host rings: offset 0 gives back the netmap_if itself */
	assert_ptr_equal(NETMAP_TXRING(nifp, 1), nifp);
	assert_ptr_equal(NETMAP_RXRING(nifp, 1), nifp);
	/* the RX index skips ni_tx_rings + ni_host_tx_rings entries */
	KSET(nifp->ni_host_tx_rings, 2);
	KSET(nifp->ring_ofs[2], 0);
	KSET(nifp->ring_ofs[3], REG_RX_OFS - REG_IF_OFS);
	assert_ptr_equal(NETMAP_RXRING(nifp, 0), f->base + REG_RX_OFS);
	KSET(nifp->ni_host_tx_rings, 1);
	KSET(nifp->ring_ofs[2], REG_RX_OFS - REG_IF_OFS);
	KSET(nifp->ring_ofs[3], 0);

	/* each ring has its own buf_ofs but sees the same buffers */
	assert_int_not_equal(f->tx->buf_ofs, f->rx->buf_ofs);
	assert_ptr_equal(NETMAP_BUF(f->tx, 2), b2);
	assert_ptr_equal(NETMAP_BUF(f->rx, 2), b2);
	assert_ptr_equal(NETMAP_BUF(f->tx, 13), b13);
	assert_ptr_equal(NETMAP_BUF(f->rx, f->rx->slot[3].buf_idx), b13);
	assert_int_equal(NETMAP_BUF_IDX(f->tx, b13), 13);
	assert_int_equal(NETMAP_BUF_IDX(f->rx, b2), 2);
	assert_int_equal(NETMAP_BUF_IDX(f->rx, b13 + BUF_SIZE - 1), 13);
	assert_int_equal(NETMAP_BUF_IDX(f->tx, NETMAP_BUF(f->rx, 17)), 17);

	/* per-slot offsets */
	KSET(f->tx->offset_mask, 0xfff);
	f->tx->slot[0].ptr = 0xabc000;
	NETMAP_WOFFSET(f->tx, &f->tx->slot[0], 0x12345);
	assert_int_equal(f->tx->slot[0].ptr, 0xabc345);
	assert_int_equal(NETMAP_ROFFSET(f->tx, &f->tx->slot[0]), 0x345);
	assert_ptr_equal(NETMAP_BUF_OFFSET(f->tx, &f->tx->slot[0]),
			 b2 + 0x345);
	f->tx->slot[0].ptr = 0;
	KSET(f->tx->offset_mask, 0);
	assert_int_equal(NETMAP_ROFFSET(f->tx, &f->tx->slot[0]), 0);
}

static void test_ring_helpers(void **state)
{
	struct fake_region *f = *state;
	struct netmap_ring *tx = f->tx, *rx = f->rx;

	assert_int_equal(nm_ring_next(tx, 0), 1);
	assert_int_equal(nm_ring_next(tx, 6), 7);
	assert_int_equal(nm_ring_next(tx, 7), 0);
	assert_int_equal(nm_ring_next(rx, 4), 5);
	assert_int_equal(nm_ring_next(rx, 5), 0);

	/* fresh TX ring: all but one slot free, nothing pending */
	assert_int_equal(nm_ring_space(tx), TX_SLOTS - 1);
	assert_false(nm_ring_empty(tx));
	assert_false(nm_tx_pending(tx));

	/* wrapped: head 5, tail 2 on 8 slots */
	tx->head = tx->cur = 5;
	tx->tail = 2;
	assert_int_equal(nm_ring_space(tx), 5);
	assert_true(nm_tx_pending(tx));
	/* cur does not matter for the space */
	tx->cur = 2;
	assert_int_equal(nm_ring_space(tx), 5);
	/* tail == head - 1 (mod N) is "all reclaimed" */
	tx->head = tx->cur = 0;
	tx->tail = 7;
	assert_false(nm_tx_pending(tx));

	/* fresh RX ring is empty; then 4 slots arrive, with wrap */
	assert_true(nm_ring_empty(rx));
	assert_int_equal(nm_ring_space(rx), 0);
	rx->head = rx->cur = 4;
	rx->tail = 2;
	assert_false(nm_ring_empty(rx));
	assert_int_equal(nm_ring_space(rx), 4);
	rx->head = rx->cur = rx->tail = 0;
}

static void test_inject(void **state)
{
	struct fake_region *f = *state;
	struct netmap_ring *tx = f->tx;
	struct nm_desc *d = fake_desc(f);
	unsigned char pkt[3 * BUF_SIZE + 1];
	size_t i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)(i * 7 + 1);

	assert_ptr_equal(d->nifp, f->base + REG_IF_OFS);
	assert_int_equal(d->first_tx_ring, 0);
	assert_int_equal(d->last_tx_ring, 0);
	assert_ptr_equal(d->some_ring, tx);
	assert_ptr_equal(d->buf_start, f->base + REG_BUF_OFS);
	assert_ptr_equal(d->buf_end, f->base + REG_SIZE);

	/* one-slot packet */
	assert_int_equal(nm_inject(d, pkt, 100), 100);
	assert_int_equal(tx->head, 1);
	assert_int_equal(tx->cur, 1);
	assert_int_equal(tx->slot[0].len, 100);
	assert_int_equal(tx->slot[0].flags & NS_MOREFRAG, 0);
	assert_memory_equal(NETMAP_BUF(tx, tx->slot[0].buf_idx), pkt, 100);

	/* three-slot packet: 256 + 256 + 88 */
	assert_int_equal(nm_inject(d, pkt, 600), 600);
	assert_int_equal(tx->head, 4);
	assert_int_equal(tx->slot[1].len, BUF_SIZE);
	assert_int_equal(tx->slot[1].flags, NS_MOREFRAG);
	assert_int_equal(tx->slot[2].len, BUF_SIZE);
	assert_int_equal(tx->slot[2].flags, NS_MOREFRAG);
	assert_int_equal(tx->slot[3].len, 600 - 2 * BUF_SIZE);
	assert_int_equal(tx->slot[3].flags, 0);
	assert_memory_equal(NETMAP_BUF(tx, tx->slot[2].buf_idx),
			    pkt + BUF_SIZE, BUF_SIZE);
	assert_memory_equal(NETMAP_BUF(tx, tx->slot[3].buf_idx),
			    pkt + 2 * BUF_SIZE, 600 - 2 * BUF_SIZE);

	/* 3 slots left: a 4-slot packet does not fit, a 3-slot one does */
	assert_int_equal(nm_ring_space(tx), 3);
	assert_int_equal(nm_inject(d, pkt, 3 * BUF_SIZE + 1), 0);
	assert_int_equal(tx->head, 4);
	assert_int_equal(nm_inject(d, pkt, 3 * BUF_SIZE), 3 * BUF_SIZE);
	assert_int_equal(tx->head, 7);
	assert_int_equal(nm_inject(d, pkt, 1), 0);

	/* the kernel reclaims everything: wraps around */
	tx->tail = 6;
	assert_int_equal(nm_inject(d, pkt, 2 * BUF_SIZE), 2 * BUF_SIZE);
	assert_int_equal(tx->head, 1);
	assert_int_equal(tx->slot[7].flags, NS_MOREFRAG);
	assert_int_equal(tx->slot[0].flags, 0);

	/* too many fragments for one packet */
	{
		size_t big = (size_t)(NETMAP_MAX_FRAGS + 1) * BUF_SIZE;
		unsigned char *p = calloc(1, big);

		assert_non_null(p);
		assert_int_equal(nm_inject(d, p, big), 0);
		free(p);
	}

	assert_int_equal(nm_close(d), 0);
	fake_ring_init(tx, REG_TX_OFS, TX_SLOTS, 0, 2);
}

struct rx_log {
	int		calls;
	uint32_t	len[8];
	uint32_t	caplen[8];
	unsigned char	data[8][4 * BUF_SIZE];
};

static void rx_cb(unsigned char *arg, const struct nm_pkthdr *h,
		  const unsigned char *buf)
{
	struct rx_log *log = (struct rx_log *)(void *)arg;

	assert_true(log->calls < 8);
	assert_ptr_equal(h->buf, buf);
	log->len[log->calls] = h->len;
	log->caplen[log->calls] = h->caplen;
	memcpy(log->data[log->calls], buf, h->caplen);
	log->calls++;
}

/* Put a packet of @len bytes (pattern @seed) into RX slots from @i. */
static uint32_t rx_put(struct netmap_ring *rx, uint32_t i, size_t len,
		       unsigned char seed)
{
	size_t off = 0;

	for (;;) {
		struct netmap_slot *s = &rx->slot[i];
		size_t fl = len - off < BUF_SIZE ? len - off : BUF_SIZE;
		unsigned char *b = (unsigned char *)NETMAP_BUF(rx, s->buf_idx);
		size_t k;

		for (k = 0; k < fl; k++)
			b[k] = (unsigned char)(seed + off + k);
		s->len = (uint16_t)fl;
		off += fl;
		i = nm_ring_next(rx, i);
		if (off == len) {
			s->flags = 0;
			return i;
		}
		s->flags = NS_MOREFRAG;
	}
}

static void check_pattern(const unsigned char *p, size_t len,
			  unsigned char seed)
{
	size_t k;

	for (k = 0; k < len; k++)
		assert_int_equal(p[k], (unsigned char)(seed + k));
}

static void test_dispatch_nextpkt(void **state)
{
	struct fake_region *f = *state;
	struct netmap_ring *rx = f->rx;
	struct nm_desc *d = fake_desc(f);
	struct rx_log *log = calloc(1, sizeof(*log));
	struct nm_pkthdr h;
	unsigned char *p;
	uint32_t i;

	assert_non_null(log);
	assert_int_equal(d->first_rx_ring, 0);
	assert_int_equal(d->last_rx_ring, 0);

	/* nothing received */
	assert_int_equal(nm_dispatch(d, 0, rx_cb, (unsigned char *)log), 0);
	assert_null(nm_nextpkt(d, &h));

	/* a 60-byte packet and a 300-byte one in two slots */
	i = rx_put(rx, 0, 60, 10);
	i = rx_put(rx, i, 300, 20);
	assert_int_equal(i, 3);
	rx->tail = i;
	assert_int_equal(nm_dispatch(d, -1, rx_cb, (unsigned char *)log), 2);
	assert_int_equal(log->calls, 2);
	assert_int_equal(log->len[0], 60);
	assert_int_equal(log->caplen[0], 60);
	check_pattern(log->data[0], 60, 10);
	assert_int_equal(log->len[1], 300);
	assert_int_equal(log->caplen[1], 300);
	check_pattern(log->data[1], 300, 20);
	assert_int_equal(rx->cur, 3);
	assert_int_equal(rx->head, 3);
	assert_int_equal(d->st.ps_recv, 2);

	/* an incomplete chain at tail is left alone */
	i = rx_put(rx, 3, 400, 30);
	assert_int_equal(i, 5);
	rx->tail = 4;
	assert_int_equal(nm_dispatch(d, 0, rx_cb, (unsigned char *)log), 0);
	assert_null(nm_nextpkt(d, &h));
	assert_int_equal(rx->cur, 3);
	assert_int_equal(rx->head, 3);

	/* completed: nm_nextpkt returns the first fragment */
	rx->tail = 5;
	p = nm_nextpkt(d, &h);
	assert_ptr_equal(p, NETMAP_BUF(rx, rx->slot[3].buf_idx));
	assert_int_equal(h.len, 400);
	assert_int_equal(h.caplen, BUF_SIZE);
	assert_ptr_equal(h.slot, &rx->slot[3]);
	assert_ptr_equal(h.d, d);
	check_pattern(p, BUF_SIZE, 30);
	assert_int_equal(rx->cur, 5);
	assert_int_equal(rx->head, 5);
	assert_null(nm_nextpkt(d, NULL));

	/* cnt limits delivery; wrap-around of a 6-slot ring */
	i = rx_put(rx, 5, 70, 40);
	i = rx_put(rx, i, 80, 50);
	i = rx_put(rx, i, 90, 60);
	assert_int_equal(i, 2);
	rx->tail = i;
	log->calls = 0;
	assert_int_equal(nm_dispatch(d, 2, rx_cb, (unsigned char *)log), 2);
	assert_int_equal(log->len[0], 70);
	assert_int_equal(log->len[1], 80);
	assert_int_equal(rx->head, 1);
	p = nm_nextpkt(d, NULL);
	assert_non_null(p);
	check_pattern(p, 90, 60);
	assert_int_equal(d->hdr.len, 90);
	assert_int_equal(rx->head, 2);

	/* snaplen caps caplen, not len */
	i = rx_put(rx, 2, 200, 70);
	rx->tail = i;
	d->snaplen = 64;
	log->calls = 0;
	assert_int_equal(nm_dispatch(d, 0, rx_cb, (unsigned char *)log), 1);
	assert_int_equal(log->len[0], 200);
	assert_int_equal(log->caplen[0], 64);

	/* a slot pointing outside the mapping is dropped, not delivered */
	rx->slot[3].buf_idx = 100000;
	rx->slot[3].len = 10;
	rx->slot[3].flags = 0;
	rx->tail = 4;
	log->calls = 0;
	assert_int_equal(nm_dispatch(d, 0, rx_cb, (unsigned char *)log), 0);
	assert_int_equal(log->calls, 0);
	assert_int_equal(d->st.ps_drop, 1);
	assert_int_equal(rx->head, 4);

	free(log);
	assert_int_equal(nm_close(d), 0);
	fake_ring_init(rx, REG_RX_OFS, RX_SLOTS, 1, 2 + TX_SLOTS);
}

/* TX-only binding: the RX ring_ofs entries are 0, so no RX rings. */
static void test_unbound_direction(void **state)
{
	struct fake_region *f = *state;
	struct nm_desc *d;

	KSET(f->nifp->ring_ofs[2], 0);
	d = fake_desc(f);
	assert_true(d->first_rx_ring > d->last_rx_ring);
	assert_ptr_equal(d->some_ring, f->tx);
	assert_null(nm_nextpkt(d, NULL));
	assert_int_equal(nm_dispatch(d, 0, rx_cb, NULL), 0);
	assert_int_equal(nm_close(d), 0);
	KSET(f->nifp->ring_ofs[2], REG_RX_OFS - REG_IF_OFS);
}

/* ------------------------------------------------------------------ */
/* Legacy nm_open name handling (no kernel needed on these paths). */

static void test_nm_open_not_ours(void **state)
{
	static const char *const names[] = {
		"eth0", "", "netmapXXX:eth0", "netmap", "val:x", "em0-1",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		errno = 1234;
		assert_null(nm_open(names[i], NULL, 0, NULL));
		assert_int_equal(errno, 0);
	}
	errno = 1234;
	assert_null(nm_open("eth0", NULL, NETMAP_NO_TX_POLL, NULL));
	assert_int_equal(errno, 0);
}

static void test_nm_open_bad_names(void **state)
{
	static const char *const names[] = {
		"netmap:", "netmap:^", "netmap:{", "netmap:eth0-",
		"netmap:eth0{", "netmap:eth0}x", "netmap:eth0-4095",
		"netmap:eth0-1-2", "netmap:eth0/q", "netmap:eth0@",
		"netmap:eth0@0", "netmap:eth0@70000",
		"netmap:eth0@1@1", "netmap:abcdefghijklmnop",
		"vale0", "vale0:", "valeA-B:x", "vale0:a&b", "vale0:a.b",
	};
	struct nmreq req;
	unsigned int i;

	(void)state;
	memset(&req, 0, sizeof(req));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		errno = 0;
		assert_null(nm_open(names[i], &req, 0, NULL));
		assert_int_equal(errno, EINVAL);
	}
	/* NM_OPEN_IFNAME needs a descriptor to take the name from */
	errno = 0;
	assert_null(nm_open("netmap:eth0", NULL, NM_OPEN_IFNAME, NULL));
	assert_int_equal(errno, EINVAL);
}

struct parse_case {
	const char	*in;
	const char	*name;
	uint32_t	flags;	/* mode | NR_* flags */
	uint16_t	ringid;
	uint16_t	memid;	/* 0: untouched */
};

static void test_nm_parse(void **state)
{
	static const struct parse_case cases[] = {
		{ "netmap:eth0", "eth0", NR_REG_ALL_NIC, 0, 0 },
		{ "netmap:eth0-3", "eth0", NR_REG_ONE_NIC, 3, 0 },
		{ "netmap:eth0-4094", "eth0", NR_REG_ONE_NIC, 4094, 0 },
		{ "netmap:eth0^", "eth0", NR_REG_SW, 0, 0 },
		{ "netmap:eth0^1", "eth0", NR_REG_ONE_SW, 1, 0 },
		{ "netmap:eth0*", "eth0", NR_REG_NIC_SW, 0, 0 },
		{ "netmap:eth0{5", "eth0", NR_REG_PIPE_MASTER, 5, 0 },
		{ "netmap:eth0}12", "eth0", NR_REG_PIPE_SLAVE, 12, 0 },
		{ "netmap:eth0/x", "eth0", NR_REG_ALL_NIC | NR_EXCLUSIVE, 0, 0 },
		{ "netmap:eth0-1/rt@2", "eth0",
		  NR_REG_ONE_NIC | NR_MONITOR_RX | NR_MONITOR_TX, 1, 2 },
		{ "netmap:eth0@7/z", "eth0", NR_REG_ALL_NIC | NR_ZCOPY_MON, 0, 7 },
		{ "netmap:eth0/RT", "eth0",
		  NR_REG_ALL_NIC | NR_RX_RINGS_ONLY | NR_TX_RINGS_ONLY, 0, 0 },
		{ "netmap:eth0/", "eth0", NR_REG_ALL_NIC, 0, 0 },
		{ "netmap:14", "14", NR_REG_ALL_NIC, 0, 0 },
		{ "netmap:abcdefghijklmno", "abcdefghijklmno", NR_REG_ALL_NIC, 0, 0 },
		{ "vale0:p1", "vale0:p1", NR_REG_ALL_NIC, 0, 0 },
		{ "vale:0", "vale:0", NR_REG_ALL_NIC, 0, 0 },
		{ "valeXXX:YYY-4", "valeXXX:YYY", NR_REG_ONE_NIC, 4, 0 },
		{ "vale1:a_b{3/x", "vale1:a_b",
		  NR_REG_PIPE_MASTER | NR_EXCLUSIVE, 3, 0 },
		{ "vale2:eth1*", "vale2:eth1", NR_REG_NIC_SW, 0, 0 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		struct nm_desc d;
		char err[NM_ERRBUF_SIZE];

		memset(&d, 0, sizeof(d));
		d.req.nr_arg2 = 0;
		d.req.nr_flags = 0xffff0000;	/* must be overwritten */
		d.req.nr_ringid = 0x0abc;
		err[0] = '\0';
		if (nm_parse(c->in, &d, err) != 0)
			fail_msg("nm_parse(\"%s\") failed: %s", c->in, err);
		assert_string_equal(d.req.nr_name, c->name);
		assert_int_equal(d.req.nr_flags, c->flags);
		assert_int_equal(d.req.nr_ringid, c->ringid);
		assert_int_equal(d.req.nr_arg2, c->memid);
	}
}

/* nm_open's ring bookkeeping from the counts NIOCREGIF returns. */
static void test_ring_ranges(void **state)
{
	struct nm_desc d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.req.nr_tx_rings = 4;
	d.req.nr_rx_rings = 2;

	d.req.nr_flags = NR_REG_ALL_NIC;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 0);
	assert_int_equal(d.last_tx_ring, 3);
	assert_int_equal(d.first_rx_ring, 0);
	assert_int_equal(d.last_rx_ring, 1);

	d.req.nr_flags = NR_REG_SW;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 4);
	assert_int_equal(d.last_tx_ring, 4);
	assert_int_equal(d.first_rx_ring, 2);
	assert_int_equal(d.last_rx_ring, 2);

	d.req.nr_flags = NR_REG_NIC_SW;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 0);
	assert_int_equal(d.last_tx_ring, 4);
	assert_int_equal(d.first_rx_ring, 0);
	assert_int_equal(d.last_rx_ring, 2);

	d.req.nr_flags = NR_REG_ONE_NIC;
	d.req.nr_ringid = 3 | NETMAP_NO_TX_POLL;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 3);
	assert_int_equal(d.last_tx_ring, 3);
	assert_int_equal(d.first_rx_ring, 0);	/* no RX ring 3 */
	assert_int_equal(d.last_rx_ring, 0);

	d.req.nr_flags = NR_REG_ONE_SW;
	d.req.nr_ringid = 0;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 4);
	assert_int_equal(d.first_rx_ring, 2);

	/* pipe ends are bound as ALL_NIC of the pipe: N is an id */
	d.req.nr_flags = NR_REG_PIPE_MASTER;
	d.req.nr_ringid = 7;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 0);
	assert_int_equal(d.last_tx_ring, 3);
	assert_int_equal(d.last_rx_ring, 1);
	d.req.nr_tx_rings = d.req.nr_rx_rings = 1;
	d.req.nr_flags = NR_REG_PIPE_SLAVE;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 0);
	assert_int_equal(d.last_tx_ring, 0);
	assert_int_equal(d.first_rx_ring, 0);
	assert_int_equal(d.last_rx_ring, 0);
	d.req.nr_tx_rings = 4;
	d.req.nr_rx_rings = 2;

	/* legacy mode 0: from the ringid bits */
	d.req.nr_flags = NR_REG_DEFAULT;
	d.req.nr_ringid = NETMAP_SW_RING;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 4);
	d.req.nr_ringid = NETMAP_HW_RING | 1;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.first_tx_ring, 1);
	assert_int_equal(d.last_rx_ring, 1);
	d.req.nr_ringid = 0;
	nm_priv_compute_rings(&d);
	assert_int_equal(d.last_tx_ring, 3);
}

static void test_misc_lib(void **state)
{
	unsigned char a[200], b[200];
	struct nm_desc bogus;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(a); i++)
		a[i] = (unsigned char)i;
	memset(b, 0, sizeof(b));
	nm_pkt_copy(a, b, 130);
	assert_memory_equal(a, b, 130);
	assert_int_equal(b[130], 0);
	nm_pkt_copy(a, b + 150, 0);
	assert_int_equal(b[150], 0);

	/* nm_close refuses what nm_open did not return */
	memset(&bogus, 0, sizeof(bogus));
	errno = 0;
	assert_int_equal(nm_close(&bogus), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nm_close(NULL), -1);
	assert_false(IS_NETMAP_DESC(&bogus));
	bogus.self = &bogus;
	bogus.fd = 42;
	assert_true(IS_NETMAP_DESC(&bogus));
	assert_int_equal(NETMAP_FD(&bogus), 42);

	/* nm_open flags must not collide with the ringid poll bits */
	assert_int_equal(NM_OPEN_NO_MMAP & 0xffff, 0);
	assert_int_equal((NM_OPEN_NO_MMAP | NM_OPEN_IFNAME | NM_OPEN_ARG1 |
			  NM_OPEN_ARG2 | NM_OPEN_ARG3 | NM_OPEN_RING_CFG) &
			 (NETMAP_NO_TX_POLL | NETMAP_DO_RX_POLL), 0);
}

int main(void)
{
	const struct CMUnitTest layout[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_ioctl_numbers),
		cmocka_unit_test(test_slot),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_if),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_request_constants),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_extension),
	};
	const struct CMUnitTest region[] = {
		cmocka_unit_test_setup_teardown(test_address_macros,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_ring_helpers,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_inject,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_dispatch_nextpkt,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_unbound_direction,
						fake_setup, fake_teardown),
	};
	const struct CMUnitTest lib[] = {
		cmocka_unit_test(test_nm_open_not_ours),
		cmocka_unit_test(test_nm_open_bad_names),
		cmocka_unit_test(test_nm_parse),
		cmocka_unit_test(test_ring_ranges),
		cmocka_unit_test(test_misc_lib),
	};
	int rc = 0;

	rc |= cmocka_run_group_tests_name("uapi_layout", layout, NULL, NULL);
	rc |= cmocka_run_group_tests_name("uapi_region", region, NULL, NULL);
	rc |= cmocka_run_group_tests_name("uapi_nm_lib", lib, NULL, NULL);
	return rc != 0;
}
