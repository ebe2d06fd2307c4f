// SPDX-License-Identifier: BSD-2-Clause
/*
 * nm_ctrl_errors - malformed control requests on /dev/netmap get the errno
 * the netmap API 14 gives (netmap-abi.md 1, 2.4, 4.2, 4.4) and never harm
 * the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <net/netmap.h>

#include "tap.h"

/* An address that is never mapped in this process. */
#define BAD_PTR ((uint64_t)16)

static int ctrl(int fd, struct nmreq_header *h, int *err)
{
	int rc = ioctl(fd, NIOCCTRL, h);

	*err = errno;
	return rc;
}

static void hdr_init(struct nmreq_header *h, uint16_t version, uint16_t type,
		     uint64_t body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = version;
	h->nr_reqtype = type;
	h->nr_body = body;
	strcpy(h->nr_name, "vale0:p0");
}

int main(void)
{
	static const uint16_t bad_versions[] = { 0, 1, 13, 16, 0xffff };
	struct nmreq_header h;
	struct nmreq_register reg;
	struct nmreq legacy;
	struct pollfd pfd;
	unsigned int i;
	int fd, rc, err;
	void *p;

	fd = open("/dev/netmap", O_RDWR);
	tap_check(fd >= 0, "open /dev/netmap");
	if (fd < 0)
		return tap_exit();

	rc = ioctl(fd, NIOCCTRL, NULL);
	tap_errno(rc, errno, EINVAL, "NIOCCTRL with NULL argument is EINVAL");

	rc = ioctl(fd, NIOCCTRL, (void *)(uintptr_t)BAD_PTR);
	tap_errno(rc, errno, EFAULT, "NIOCCTRL with unmapped argument is EFAULT");

	/* The version is checked before anything else, even a bad body. */
	for (i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]); i++) {
		hdr_init(&h, bad_versions[i], NETMAP_REQ_REGISTER, BAD_PTR);
		rc = ctrl(fd, &h, &err);
		tap_errno(rc, err, EINVAL, "nr_version %u is EINVAL",
			  bad_versions[i]);
	}

	/* Accepted versions get past the check and fault on the body. */
	for (i = NETMAP_MIN_API; i <= NETMAP_MAX_API; i++) {
		hdr_init(&h, i, NETMAP_REQ_REGISTER, BAD_PTR);
		rc = ctrl(fd, &h, &err);
		tap_errno(rc, err, EFAULT,
			  "nr_version %u accepted (unmapped body is EFAULT)", i);
	}

	hdr_init(&h, NETMAP_API, NETMAP_REQ_REGISTER, (uintptr_t)&reg);
	memset(&reg, 0, sizeof(reg));
	h.nr_reserved = 7;
	rc = ctrl(fd, &h, &err);
	tap_errno(rc, err, EINVAL, "non-zero nr_reserved is EINVAL");
	tap_check(h.nr_reserved == 0,
		  "header is copied back on failure with nr_reserved 0");

	hdr_init(&h, NETMAP_API, NETMAP_REQ_REGISTER, 0);
	rc = ctrl(fd, &h, &err);
	tap_errno(rc, err, EINVAL, "REGISTER without body is EINVAL");

	hdr_init(&h, NETMAP_API, NETMAP_REQ_VALE_DELIF, (uintptr_t)&reg);
	rc = ctrl(fd, &h, &err);
	tap_errno(rc, err, EINVAL, "VALE_DELIF with a body is EINVAL");

	hdr_init(&h, NETMAP_API, 99, 0);
	rc = ctrl(fd, &h, &err);
	tap_errno(rc, err, EINVAL, "unknown request type is EINVAL");

	hdr_init(&h, NETMAP_API, 0, 0);
	rc = ctrl(fd, &h, &err);
	tap_errno(rc, err, EINVAL, "request type 0 is EINVAL");

	memset(&legacy, 0, sizeof(legacy));
	legacy.nr_version = 13;
	strcpy(legacy.nr_name, "vale0:p0");
	rc = ioctl(fd, NIOCREGIF, &legacy);
	tap_errno(rc, errno, EINVAL, "legacy NIOCREGIF with version 13 is EINVAL");

	rc = ioctl(fd, _IO('i', 200), NULL);
	tap_errno(rc, errno, EOPNOTSUPP, "unknown ioctl is EOPNOTSUPP");

	rc = ioctl(fd, NIOCTXSYNC, NULL);
	tap_errno(rc, errno, ENXIO, "NIOCTXSYNC on an unbound fd is ENXIO");
	rc = ioctl(fd, NIOCRXSYNC, NULL);
	tap_errno(rc, errno, ENXIO, "NIOCRXSYNC on an unbound fd is ENXIO");

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	tap_errno(p == MAP_FAILED ? -1 : 0, errno, EINVAL,
		  "mmap of an unbound fd is EINVAL");

	pfd.fd = fd;
	pfd.events = POLLIN | POLLOUT;
	rc = poll(&pfd, 1, 0);
	tap_check(rc == 1 && (pfd.revents & POLLERR),
		  "poll on an unbound fd reports POLLERR");

	close(fd);
	return tap_exit();
}
