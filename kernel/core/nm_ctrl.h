/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_ctrl.h - decoding and dispatch of NIOCCTRL control requests.
 */
#ifndef _NM_CTRL_H
#define _NM_CTRL_H

#include "../nm_os.h"
#include <net/netmap.h>

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
 * Execute one NIOCCTRL request whose header has already been copied into
 * @hdr. Body and options are fetched through nm_os_copy_from_user. The body
 * is written back only on success; the caller writes the header back always.
 */
int nm_ctrl_request(struct nmreq_header *hdr);

#endif /* _NM_CTRL_H */
