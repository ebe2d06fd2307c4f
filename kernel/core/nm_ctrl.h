/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_ctrl.h - decoding and dispatch of NIOCCTRL control requests and of the
 * legacy NIOCREGIF/NIOCGINFO requests.
 */
#ifndef _NM_CTRL_H
#define _NM_CTRL_H

#include "../nm_os.h"
#include "nm_bind.h"

/* Size of the body that request type @reqtype carries; 0 for none or unknown. */
size_t nm_ctrl_body_size(unsigned int reqtype);

/* True if @reqtype names a request this ABI defines (with or without body). */
bool nm_ctrl_reqtype_known(unsigned int reqtype);

/*
 * Check a header copied in from userspace, before anything else is looked at.
 * Returns 0 or a negative errno; forces nr_name to be NUL terminated.
 */
int nm_ctrl_check_header(struct nmreq_header *hdr);

/*
 * Execute one NIOCCTRL request for the file @priv, whose header has already
 * been copied into @hdr. Body and options are fetched through
 * nm_os_copy_from_user; the body is written back only on success, option
 * headers always (except when the chain itself was too long). The caller
 * writes the header back always.
 */
int nm_ctrl_request(struct nm_priv *priv, struct nmreq_header *hdr);

/*
 * Execute a request whose body is already in kernel memory (used by the
 * legacy translation); no options.
 */
int nm_ctrl_exec_kernel(struct nm_priv *priv, struct nmreq_header *hdr,
			void *body);

/* NIOCREGIF / NIOCGINFO with the 60-byte struct nmreq (nm_legacy.c). */
int nm_legacy_request(struct nm_priv *priv, unsigned int cmd, struct nmreq *req);

/* Module setup of the control path (locks). */
void nm_ctrl_init(void);
void nm_ctrl_fini(void);

#endif /* _NM_CTRL_H */
