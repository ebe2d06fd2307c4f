// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_ctrl.c - NIOCCTRL header validation, body copy-in/copy-out and dispatch.
 *
 * The order of the checks is part of the ABI: applications and upstream's
 * ctrl-api-test observe which errno comes back when several things are wrong
 * at once, so the version is checked before any other field.
 */
#include "nm_ctrl.h"

/* Body sizes by request type (netmap-abi.md 2.5); 0 means "no body". */
static const size_t nm_ctrl_body_sizes[] = {
	[NETMAP_REQ_REGISTER]		  = sizeof(struct nmreq_register),
	[NETMAP_REQ_PORT_INFO_GET]	  = sizeof(struct nmreq_port_info_get),
	[NETMAP_REQ_VALE_ATTACH]	  = sizeof(struct nmreq_vale_attach),
	[NETMAP_REQ_VALE_DETACH]	  = sizeof(struct nmreq_vale_detach),
	[NETMAP_REQ_VALE_LIST]		  = sizeof(struct nmreq_vale_list),
	[NETMAP_REQ_PORT_HDR_SET]	  = sizeof(struct nmreq_port_hdr),
	[NETMAP_REQ_PORT_HDR_GET]	  = sizeof(struct nmreq_port_hdr),
	[NETMAP_REQ_VALE_NEWIF]		  = sizeof(struct nmreq_vale_newif),
	[NETMAP_REQ_VALE_DELIF]		  = 0,
	[NETMAP_REQ_VALE_POLLING_ENABLE]  = sizeof(struct nmreq_vale_polling),
	[NETMAP_REQ_VALE_POLLING_DISABLE] = sizeof(struct nmreq_vale_polling),
	[NETMAP_REQ_POOLS_INFO_GET]	  = sizeof(struct nmreq_pools_info),
	[NETMAP_REQ_SYNC_KLOOP_START]	  = sizeof(struct nmreq_sync_kloop_start),
	[NETMAP_REQ_SYNC_KLOOP_STOP]	  = 0,
	[NETMAP_REQ_CSB_ENABLE]		  = 0,
};

#define NM_CTRL_NTYPES (sizeof(nm_ctrl_body_sizes) / sizeof(nm_ctrl_body_sizes[0]))

bool nm_ctrl_reqtype_known(unsigned int reqtype)
{
	return reqtype >= NETMAP_REQ_REGISTER && reqtype < NM_CTRL_NTYPES;
}

size_t nm_ctrl_body_size(unsigned int reqtype)
{
	return nm_ctrl_reqtype_known(reqtype) ? nm_ctrl_body_sizes[reqtype] : 0;
}

int nm_ctrl_check_header(struct nmreq_header *hdr)
{
	size_t bsize;

	if (hdr->nr_version < NETMAP_MIN_API || hdr->nr_version > NETMAP_MAX_API)
		return -EINVAL;
	if (hdr->nr_reserved != 0)
		return -EINVAL;
	hdr->nr_name[sizeof(hdr->nr_name) - 1] = '\0';

	/*
	 * A body must be present exactly when the type has one; an unknown
	 * type has size 0, so a non-NULL body with it fails here too.
	 */
	bsize = nm_ctrl_body_size(hdr->nr_reqtype);
	if ((bsize != 0) != (hdr->nr_body != 0))
		return -EINVAL;
	if (!nm_ctrl_reqtype_known(hdr->nr_reqtype))
		return -EINVAL;
	return 0;
}

/*
 * Handlers for the individual request types. None is implemented yet at this
 * stage of the module: every well-formed request is refused with EOPNOTSUPP,
 * the errno the ABI uses for "not supported by this kernel".
 */
static int nm_ctrl_dispatch(struct nmreq_header *hdr, void *body)
{
	(void)hdr;
	(void)body;
	return -EOPNOTSUPP;
}

int nm_ctrl_request(struct nmreq_header *hdr)
{
	/* Large enough for the biggest body; no request body exceeds 64 bytes. */
	uint64_t body[8];
	size_t bsize;
	int err;

	err = nm_ctrl_check_header(hdr);
	if (err)
		return err;

	bsize = nm_ctrl_body_size(hdr->nr_reqtype);
	if (bsize > sizeof(body))
		return -EINVAL;
	if (bsize && nm_os_copy_from_user(body, hdr->nr_body, bsize))
		return -EFAULT;

	err = nm_ctrl_dispatch(hdr, bsize ? body : NULL);
	if (err)
		return err;

	if (bsize && nm_os_copy_to_user(hdr->nr_body, body, bsize))
		return -EFAULT;
	return 0;
}
