/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valectl.h - pieces of vale-ctl that do not touch the kernel: command
 * line, -C / -m argument parsing and output formatting.  Kept apart from
 * the ioctl code so that the unit test can drive them directly.
 */
#ifndef VALECTL_H
#define VALECTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <net/netmap.h>

/* Bridge port index the kernel reports for a name it does not know. */
#define VALECTL_NOPORT		255

/* What the command line asked for. */
struct valectl_args {
	const char	*name;		/* port or interface, NULL = none */
	const char	*config;	/* -C argument */
	const char	*mem_id;	/* -m argument */
	uint16_t	reqtype;	/* NETMAP_REQ_*, 0 = nothing chosen */
	uint32_t	mode;		/* NR_REG_* for VALE_ATTACH */
	int		verbose;	/* -v count */
	int		implicit_list;	/* no argument at all (upstream: exit 1) */
	int		help;		/* --help */
};

/*
 * Parse argv.  Returns 0 when @a describes something to do (or help),
 * -1 on a usage error after printing the reason to @err.
 * Resets getopt itself, so it may be called more than once.
 */
int valectl_parse_args(int argc, char *argv[], struct valectl_args *a,
		       FILE *err);

/* Usage text (to stdout for --help, to stderr on errors). */
void valectl_usage(FILE *f);

/* Ring geometry of -C for -n and -a/-h. */
struct valectl_ring_cfg {
	uint32_t	tx_slots;
	uint32_t	rx_slots;
	uint16_t	tx_rings;
	uint16_t	rx_rings;
};

/*
 * "tx_slots[,rx_slots[,tx_rings[,rx_rings]]]": a missing rx value copies
 * the tx one; NULL or "" gives all zeros (kernel defaults).  Fields past
 * the fourth are ignored with a warning on @err.  Returns -1 (message on
 * @err) on a malformed or out-of-range number.
 */
int valectl_parse_ring_cfg(const char *conf, struct valectl_ring_cfg *c,
			   FILE *err);

/*
 * "mode,first_cpu[,ncpus]" for -p/-P: mode 0 selects
 * NETMAP_POLLING_MODE_SINGLE_CPU (ncpus must then be absent), any other
 * value NETMAP_POLLING_MODE_MULTI_CPU.  An absent ncpus means 1.
 * Returns -1 (message on @err) when the string is empty or malformed.
 */
int valectl_parse_poll_cfg(const char *conf, struct nmreq_vale_polling *p,
			   FILE *err);

/*
 * -m argument that is a plain number: returns 1 and stores it in *@id;
 * returns 0 when @s does not start with a digit (a port name to resolve);
 * returns -1 when it starts with a digit but is not a valid 16-bit id.
 */
int valectl_parse_mem_number(const char *s, uint16_t *id);

/*
 * Port name inside a libnetmap-style port spec, as the kernel wants it in
 * nr_name: "netmap:eth0*" gives "eth0", "vale0:p1@conf" gives "vale0:p1",
 * "netmap:p{1/x" gives "p{1".  Returns 0 on success, -1 when @spec is
 * not of that form (no "netmap:" or "valeXXX:" prefix, empty or bad name,
 * or longer than @len - 1).
 */
int valectl_spec_port_name(const char *spec, char *out, size_t len);

/*
 * One line of the full listing, without the newline: the upstream text
 * "NAME bridge_idx B port_idx P", followed by the counters when @st is
 * not NULL.  Returns what snprintf returns.
 */
int valectl_format_list_line(char *buf, size_t len, const char *name,
			     unsigned int bridge, unsigned int port,
			     const struct nmreq_vale_port_stats *st);

/* The counters of one port as "key: value" lines (the -l NAME output). */
void valectl_print_stats_block(FILE *f, const struct nmreq_vale_port_stats *st);

#endif /* VALECTL_H */
