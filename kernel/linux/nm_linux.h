/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nm_linux.h - declarations shared by the Linux glue files.
 */
#ifndef _NM_LINUX_H
#define _NM_LINUX_H

#include <linux/fs.h>

int nm_dev_init(void);
void nm_dev_fini(void);

#endif /* _NM_LINUX_H */
