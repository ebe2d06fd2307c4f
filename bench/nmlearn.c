// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmlearn.c - teach a VALE switch where MAC addresses are: for every
 * PORT MAC pair, open the (existing) port, send one broadcast frame with
 * source MAC, close. One process for all ports, so that a benchmark with
 * 126 receivers needs no 126 extra pkt-gen runs under TCG. The port must
 * stay open elsewhere (a receiver), or the switch forgets the MAC when the
 * port goes away.
 *
 * usage: nmlearn PORT MAC [PORT MAC]...
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libnetmap.h"
#include <net/netmap_user.h>

int main(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 3 || argc % 2 == 0) {
		fprintf(stderr, "usage: nmlearn PORT MAC [PORT MAC]...\n");
		return 2;
	}
	for (i = 1; i + 1 < argc; i += 2) {
		struct nmport_d *d;
		unsigned int m[6];
		uint8_t f[60];
		int k;

		if (sscanf(argv[i + 1], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
			   &m[3], &m[4], &m[5]) != 6) {
			fprintf(stderr, "nmlearn: bad MAC %s\n", argv[i + 1]);
			return 2;
		}
		memset(f, 0, sizeof(f));
		memset(f, 0xff, 6);
		for (k = 0; k < 6; k++)
			f[6 + k] = (uint8_t)m[k];
		f[12] = 0x08;
		f[13] = 0x00;
		d = nmport_open(argv[i]);
		if (!d) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		if (nmport_inject(d, f, sizeof(f)) != (int)sizeof(f) ||
		    ioctl(d->fd, NIOCTXSYNC, NULL) < 0) {
			fprintf(stderr, "nmlearn: %s: cannot send\n", argv[i]);
			rc = 1;
		}
		nmport_close(d);
	}
	return rc;
}
