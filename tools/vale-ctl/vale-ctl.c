// SPDX-License-Identifier: BSD-2-Clause
/*
 * vale-ctl - manage VALE switches with NIOCCTRL requests on /dev/netmap.
 *
 * Flags, messages, output and exit status are those of upstream netmap's
 * vale-ctl, so existing scripts keep working.  One addition: the port
 * listing carries each port's traffic counters, read with the project's
 * NETMAP_REQ_VALE_PORT_STATS request; a kernel that does not know the
 * request simply yields the plain upstream lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <net/netmap.h>

#include "valectl.h"

static void hdr_prepare(struct nmreq_header *h, uint16_t type,
			const char *name, void *body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = NETMAP_API;
	h->nr_reqtype = type;
	if (name != NULL)
		snprintf(h->nr_name, sizeof(h->nr_name), "%s", name);
	h->nr_body = (uintptr_t)body;
}

/* Counters of port @name; 0 when the kernel has none to give. */
static int port_stats(int fd, const char *name,
		      struct nmreq_vale_port_stats *st)
{
	struct nmreq_header h;

	memset(st, 0, sizeof(*st));
	hdr_prepare(&h, NETMAP_REQ_VALE_PORT_STATS, name, st);
	return ioctl(fd, NIOCCTRL, &h) == 0;
}

/*
 * Walk every port of every switch: an empty name asks the kernel for the
 * first port at or after (bridge, port); ENOENT ends the walk.
 */
static int list_all(int fd)
{
	struct nmreq_vale_port_stats st;
	struct nmreq_vale_list l;
	struct nmreq_header h;
	char line[512];

	memset(&l, 0, sizeof(l));
	hdr_prepare(&h, NETMAP_REQ_VALE_LIST, NULL, &l);
	for (;;) {
		h.nr_name[0] = '\0';
		if (ioctl(fd, NIOCCTRL, &h) < 0) {
			if (errno == ENOENT)
				return 0;
			fprintf(stderr, "failed to list all: %s\n",
				strerror(errno));
			return -1;
		}
		h.nr_name[sizeof(h.nr_name) - 1] = '\0';
		valectl_format_list_line(line, sizeof(line), h.nr_name,
					 l.nr_bridge_idx, l.nr_port_idx,
					 port_stats(fd, h.nr_name, &st) ?
					 &st : NULL);
		puts(line);
		l.nr_port_idx++;
	}
}

/*
 * -m: a number, or a port whose allocator is to be shared (its mem_id is
 * read with PORT_INFO_GET).  Returns 0 or -1 after a message.
 */
static int resolve_mem_id(int fd, const char *spec, uint16_t *id)
{
	struct nmreq_port_info_get info;
	char name[NETMAP_REQ_IFNAMSIZ];
	struct nmreq_header h;
	int r;

	*id = 0;
	if (spec == NULL)
		return 0;
	r = valectl_parse_mem_number(spec, id);
	if (r == 1)
		return 0;
	if (r < 0 || valectl_spec_port_name(spec, name, sizeof(name)) < 0) {
		fprintf(stderr, "invalid format in '-m %s' (missing 'netmap:'?)\n",
			spec);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	hdr_prepare(&h, NETMAP_REQ_PORT_INFO_GET, name, &info);
	if (ioctl(fd, NIOCCTRL, &h) < 0) {
		fprintf(stderr, "cannot get info for '%s': %s\n", name,
			strerror(errno));
		return -1;
	}
	*id = info.nr_mem_id;
	return 0;
}

static void print_port_info(const struct nmreq_port_info_get *v)
{
	/* Labels exactly as upstream prints them (rx_rings has no colon). */
	printf("memsize:    %" PRIu64 "\n", v->nr_memsize);
	printf("tx_slots:   %" PRIu32 "\n", v->nr_tx_slots);
	printf("rx_slots:   %" PRIu32 "\n", v->nr_rx_slots);
	printf("tx_rings:   %" PRIu16 "\n", v->nr_tx_rings);
	printf("rx_rings    %" PRIu16 "\n", v->nr_rx_rings);
	printf("mem_id:     %" PRIu16 "\n", v->nr_mem_id);
}

static void print_newif(const struct nmreq_vale_newif *v)
{
	/* Labels exactly as upstream prints them. */
	printf("tx_slots:   %" PRIu32 "\n", v->nr_tx_slots);
	printf("rx_slots:   %" PRIu32 "\n", v->nr_rx_slots);
	printf("tx_rings:   %" PRIu16 "\n", v->nr_tx_rings);
	printf("rx_ring:    %" PRIu16 "\n", v->nr_rx_rings);
	printf("mem_id:     %" PRIu16 "\n", v->nr_mem_id);
}

static int run(const struct valectl_args *a)
{
	union {
		struct nmreq_vale_newif		newif;
		struct nmreq_vale_attach	attach;
		struct nmreq_vale_detach	detach;
		struct nmreq_vale_list		list;
		struct nmreq_vale_polling	polling;
		struct nmreq_port_info_get	info;
	} b;
	struct nmreq_vale_port_stats st;
	struct valectl_ring_cfg rc;
	struct nmreq_header h;
	const char *action = "";
	void *body = &b;
	uint16_t mem_id;
	int fd, err;

	fd = open(NETMAP_DEVICE_NAME, O_RDWR);
	if (fd < 0) {
		perror(NETMAP_DEVICE_NAME);
		return 1;
	}
	memset(&b, 0, sizeof(b));

	switch (a->reqtype) {
	case NETMAP_REQ_VALE_LIST:
		if (a->name == NULL) {
			err = list_all(fd);
			close(fd);
			/* Upstream exits 1 after a bare listing. */
			return (err || a->implicit_list) ? 1 : 0;
		}
		action = "list";
		break;

	case NETMAP_REQ_VALE_NEWIF:
		if (valectl_parse_ring_cfg(a->config, &rc, stderr) < 0 ||
		    resolve_mem_id(fd, a->mem_id, &mem_id) < 0)
			goto fail;
		b.newif.nr_tx_slots = rc.tx_slots;
		b.newif.nr_rx_slots = rc.rx_slots;
		b.newif.nr_tx_rings = rc.tx_rings;
		b.newif.nr_rx_rings = rc.rx_rings;
		b.newif.nr_mem_id = mem_id;
		action = "create";
		break;

	case NETMAP_REQ_VALE_DELIF:
		body = NULL;
		action = "remove";
		break;

	case NETMAP_REQ_VALE_ATTACH:
		if (valectl_parse_ring_cfg(a->config, &rc, stderr) < 0 ||
		    resolve_mem_id(fd, a->mem_id, &mem_id) < 0)
			goto fail;
		b.attach.reg.nr_mode = a->mode;
		b.attach.reg.nr_tx_slots = rc.tx_slots;
		b.attach.reg.nr_rx_slots = rc.rx_slots;
		b.attach.reg.nr_tx_rings = rc.tx_rings;
		b.attach.reg.nr_rx_rings = rc.rx_rings;
		b.attach.reg.nr_mem_id = mem_id;
		action = "attach";
		break;

	case NETMAP_REQ_VALE_DETACH:
		action = "detach";
		break;

	case NETMAP_REQ_VALE_POLLING_ENABLE:
		if (valectl_parse_poll_cfg(a->config, &b.polling, stderr) < 0)
			goto fail;
		action = "enable polling on";
		break;

	case NETMAP_REQ_VALE_POLLING_DISABLE:
		/* The kernel needs no parameters to stop polling. */
		if (a->config != NULL &&
		    valectl_parse_poll_cfg(a->config, &b.polling, stderr) < 0)
			goto fail;
		action = "disable polling on";
		break;

	case NETMAP_REQ_PORT_INFO_GET:
		action = "obtain info for";
		break;

	default:
		goto fail;
	}

	hdr_prepare(&h, a->reqtype, a->name, body);
	if (ioctl(fd, NIOCCTRL, &h) < 0) {
		fprintf(stderr, "failed to %s %s: %s\n", action,
			a->name ? a->name : "", strerror(errno));
		goto fail;
	}

	switch (a->reqtype) {
	case NETMAP_REQ_VALE_NEWIF:
		if (a->verbose)
			print_newif(&b.newif);
		break;
	case NETMAP_REQ_VALE_ATTACH:
		if (a->verbose)
			printf("port_index: %" PRIu32 "\n",
			       b.attach.port_index);
		break;
	case NETMAP_REQ_VALE_DETACH:
		if (a->verbose)
			printf("port_index: %" PRIu32 "\n",
			       b.detach.port_index);
		break;
	case NETMAP_REQ_VALE_LIST:
		printf("bridge_idx: %" PRIu16 "\n", b.list.nr_bridge_idx);
		printf("port_idx:   %" PRIu32 "\n", b.list.nr_port_idx);
		if (b.list.nr_port_idx != VALECTL_NOPORT &&
		    port_stats(fd, a->name, &st))
			valectl_print_stats_block(stdout, &st);
		break;
	case NETMAP_REQ_PORT_INFO_GET:
		print_port_info(&b.info);
		break;
	}
	close(fd);
	return 0;

fail:
	close(fd);
	return 1;
}

int main(int argc, char *argv[])
{
	struct valectl_args a;

	if (valectl_parse_args(argc, argv, &a, stderr) < 0) {
		valectl_usage(stderr);
		return 1;
	}
	if (a.help) {
		valectl_usage(stdout);
		return 0;
	}
	return run(&a);
}
