// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_legacy.c - the pre-NIOCCTRL interface: NIOCREGIF and NIOCGINFO with the
 * 60-byte struct nmreq, translated into the equivalent control request
 * (netmap-abi.md 2.8). QEMU's netmap backend and libpcap speak only this.
 */
#include "nm_ctrl.h"

/* Fill a REGISTER body (and the name, with pipe suffixes) from @req. */
static int nm_legacy_reg(const struct nmreq *req, struct nmreq_header *hdr,
			 struct nmreq_register *reg)
{
	uint32_t mode = req->nr_flags & NR_REG_MASK;
	uint16_t ringid = req->nr_ringid & NETMAP_RING_MASK;

	memset(reg, 0, sizeof(*reg));
	reg->nr_tx_slots = req->nr_tx_slots;
	reg->nr_rx_slots = req->nr_rx_slots;
	reg->nr_tx_rings = req->nr_tx_rings;
	reg->nr_rx_rings = req->nr_rx_rings;
	reg->nr_mem_id = req->nr_arg2;
	reg->nr_extra_bufs = req->nr_arg3;
	if (mode == NR_REG_DEFAULT) {
		if (req->nr_ringid & NETMAP_SW_RING)
			mode = NR_REG_SW;
		else if (req->nr_ringid & NETMAP_HW_RING)
			mode = NR_REG_ONE_NIC;
		else
			mode = NR_REG_ALL_NIC;
	}
	if (mode == NR_REG_PIPE_MASTER || mode == NR_REG_PIPE_SLAVE) {
		size_t len = strlen(hdr->nr_name);
		int n;

		n = snprintf(hdr->nr_name + len, sizeof(hdr->nr_name) - len,
			     "%c%u", mode == NR_REG_PIPE_MASTER ? '{' : '}',
			     ringid);
		if (n < 0 || len + n >= sizeof(hdr->nr_name))
			return -ENOMEM;
		mode = NR_REG_ALL_NIC;
		ringid = 0;
	}
	reg->nr_mode = mode;
	reg->nr_ringid = ringid;
	reg->nr_flags = req->nr_flags & ~(uint64_t)NR_REG_MASK;
	if (req->nr_ringid & NETMAP_NO_TX_POLL)
		reg->nr_flags |= NR_NO_TX_POLL;
	if (req->nr_ringid & NETMAP_DO_RX_POLL)
		reg->nr_flags |= NR_DO_RX_POLL;
	return 0;
}

static void nm_legacy_reg_out(struct nmreq *req, const struct nmreq_register *reg)
{
	req->nr_offset = (uint32_t)reg->nr_offset;
	req->nr_memsize = (uint32_t)reg->nr_memsize;
	req->nr_tx_slots = reg->nr_tx_slots;
	req->nr_rx_slots = reg->nr_rx_slots;
	req->nr_tx_rings = reg->nr_tx_rings;
	req->nr_rx_rings = reg->nr_rx_rings;
	req->nr_arg2 = reg->nr_mem_id;
	req->nr_arg3 = reg->nr_extra_bufs;
}

static int nm_legacy_regif(struct nm_priv *priv, struct nmreq *req,
			   struct nmreq_header *hdr)
{
	union {
		struct nmreq_register reg;
		struct nmreq_vale_attach att;
		struct nmreq_vale_detach det;
		struct nmreq_port_hdr ph;
		struct nmreq_vale_newif nif;
		struct nmreq_vale_polling pol;
	} b;
	void *body = &b;
	int err;

	memset(&b, 0, sizeof(b));
	switch (req->nr_cmd) {
	case 0:
		hdr->nr_reqtype = NETMAP_REQ_REGISTER;
		err = nm_legacy_reg(req, hdr, &b.reg);
		if (err)
			return err;
		break;
	case NETMAP_BDG_ATTACH:
		hdr->nr_reqtype = NETMAP_REQ_VALE_ATTACH;
		err = nm_legacy_reg(req, hdr, &b.att.reg);
		if (err)
			return err;
		b.att.reg.nr_mode = (req->nr_arg1 & NETMAP_BDG_HOST) ?
				    NR_REG_NIC_SW : NR_REG_ALL_NIC;
		break;
	case NETMAP_BDG_DETACH:
		hdr->nr_reqtype = NETMAP_REQ_VALE_DETACH;
		break;
	case NETMAP_BDG_VNET_HDR:
		hdr->nr_reqtype = NETMAP_REQ_PORT_HDR_SET;
		b.ph.nr_hdr_len = req->nr_arg1;
		break;
	case NETMAP_VNET_HDR_GET:
		hdr->nr_reqtype = NETMAP_REQ_PORT_HDR_GET;
		break;
	case NETMAP_BDG_NEWIF:
		hdr->nr_reqtype = NETMAP_REQ_VALE_NEWIF;
		b.nif.nr_tx_slots = req->nr_tx_slots;
		b.nif.nr_rx_slots = req->nr_rx_slots;
		b.nif.nr_tx_rings = req->nr_tx_rings;
		b.nif.nr_rx_rings = req->nr_rx_rings;
		b.nif.nr_mem_id = req->nr_arg2;
		break;
	case NETMAP_BDG_DELIF:
		hdr->nr_reqtype = NETMAP_REQ_VALE_DELIF;
		body = NULL;
		break;
	case NETMAP_BDG_POLLING_ON:
	case NETMAP_BDG_POLLING_OFF:
		hdr->nr_reqtype = req->nr_cmd == NETMAP_BDG_POLLING_ON ?
				  NETMAP_REQ_VALE_POLLING_ENABLE :
				  NETMAP_REQ_VALE_POLLING_DISABLE;
		switch (req->nr_flags & NR_REG_MASK) {
		case NR_REG_ONE_NIC:
			b.pol.nr_mode = NETMAP_POLLING_MODE_MULTI_CPU;
			break;
		case NR_REG_ALL_NIC:
			b.pol.nr_mode = NETMAP_POLLING_MODE_SINGLE_CPU;
			break;
		default:
			b.pol.nr_mode = 0;
			break;
		}
		b.pol.nr_first_cpu_id = req->nr_ringid & NETMAP_RING_MASK;
		b.pol.nr_num_polling_cpus = req->nr_arg1;
		break;
	case NETMAP_PT_HOST_CREATE:
	case NETMAP_PT_HOST_DELETE:
		return -ENOMEM;
	default:
		return -EINVAL;
	}

	err = nm_ctrl_exec_kernel(priv, hdr, body);
	if (err)
		return err;

	switch (req->nr_cmd) {
	case 0:
		nm_legacy_reg_out(req, &b.reg);
		break;
	case NETMAP_BDG_ATTACH:
		nm_legacy_reg_out(req, &b.att.reg);
		break;
	case NETMAP_BDG_VNET_HDR:
	case NETMAP_VNET_HDR_GET:
		req->nr_arg1 = (uint16_t)b.ph.nr_hdr_len;
		break;
	case NETMAP_BDG_NEWIF:
		req->nr_tx_slots = b.nif.nr_tx_slots;
		req->nr_rx_slots = b.nif.nr_rx_slots;
		req->nr_tx_rings = b.nif.nr_tx_rings;
		req->nr_rx_rings = b.nif.nr_rx_rings;
		req->nr_arg2 = b.nif.nr_mem_id;
		break;
	default:
		break;
	}
	return 0;
}

static int nm_legacy_ginfo(struct nm_priv *priv, struct nmreq *req,
			   struct nmreq_header *hdr)
{
	union {
		struct nmreq_vale_list list;
		struct nmreq_port_info_get pi;
	} b;
	int err;

	memset(&b, 0, sizeof(b));
	if (req->nr_cmd == NETMAP_BDG_LIST) {
		hdr->nr_reqtype = NETMAP_REQ_VALE_LIST;
		b.list.nr_bridge_idx = req->nr_arg1;
		b.list.nr_port_idx = req->nr_arg2;
		err = nm_ctrl_exec_kernel(priv, hdr, &b);
		if (err)
			return err;
		memset(req->nr_name, 0, sizeof(req->nr_name));
		nm_strlcpy(req->nr_name, hdr->nr_name, sizeof(req->nr_name));
		req->nr_arg1 = b.list.nr_bridge_idx;
		req->nr_arg2 = (uint16_t)b.list.nr_port_idx;
		return 0;
	}
	hdr->nr_reqtype = NETMAP_REQ_PORT_INFO_GET;
	b.pi.nr_memsize = req->nr_memsize;
	b.pi.nr_tx_slots = req->nr_tx_slots;
	b.pi.nr_rx_slots = req->nr_rx_slots;
	b.pi.nr_tx_rings = req->nr_tx_rings;
	b.pi.nr_rx_rings = req->nr_rx_rings;
	b.pi.nr_mem_id = req->nr_arg2;
	err = nm_ctrl_exec_kernel(priv, hdr, &b);
	if (err)
		return err;
	req->nr_memsize = (uint32_t)b.pi.nr_memsize;
	req->nr_tx_slots = b.pi.nr_tx_slots;
	req->nr_rx_slots = b.pi.nr_rx_slots;
	req->nr_tx_rings = b.pi.nr_tx_rings;
	req->nr_rx_rings = b.pi.nr_rx_rings;
	req->nr_arg2 = b.pi.nr_mem_id;
	return 0;
}

int nm_legacy_request(struct nm_priv *priv, unsigned int cmd, struct nmreq *req)
{
	struct nmreq_header hdr;
	struct nmreq copy;
	int err;

	/* Any version from 14 on, with no upper bound. */
	if (req->nr_version < NETMAP_API)
		return -EINVAL;
	req->nr_name[sizeof(req->nr_name) - 1] = '\0';
	memset(&hdr, 0, sizeof(hdr));
	hdr.nr_version = NETMAP_API;
	/* req->nr_name is terminated above and shorter than hdr.nr_name. */
	memcpy(hdr.nr_name, req->nr_name, sizeof(req->nr_name));
	/* On failure nothing may be written back: work on a copy. */
	copy = *req;
	if (cmd == NIOCREGIF)
		err = nm_legacy_regif(priv, &copy, &hdr);
	else
		err = nm_legacy_ginfo(priv, &copy, &hdr);
	if (!err)
		*req = copy;
	return err;
}
