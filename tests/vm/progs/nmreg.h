/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmreg.h - open /dev/netmap and REGISTER a port with raw NIOCCTRL, as
 * guest test programs do when they must not depend on libnetmap.
 */
#ifndef _NMREG_H
#define _NMREG_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <net/netmap_user.h>

/*
 * Register @name with the request in @reg (updated with the kernel's answer)
 * and, when @mem is not NULL, map the region there. Returns the fd, or -1
 * with errno from the failing call.
 */
static inline int nmreg_open(const char *name, struct nmreq_register *reg,
			     char **mem)
{
	struct nmreq_header h;
	int fd, e;

	fd = open("/dev/netmap", O_RDWR);
	if (fd < 0)
		return -1;
	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = NETMAP_REQ_REGISTER;
	h.nr_body = (uintptr_t)reg;
	snprintf(h.nr_name, sizeof(h.nr_name), "%s", name);
	if (ioctl(fd, NIOCCTRL, &h) < 0)
		goto fail;
	if (mem) {
		*mem = mmap(NULL, reg->nr_memsize, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
		if (*mem == MAP_FAILED) {
			*mem = NULL;
			goto fail;
		}
	}
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

#endif /* _NMREG_H */
