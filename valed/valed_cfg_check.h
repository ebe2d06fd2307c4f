/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_cfg_check.h - the rules for single configuration values (names,
 * paths, MAC addresses, modes), apart from the JSON walk so that each rule
 * is tested on its own and the daemon can apply the same rules to names it
 * receives on its control socket.
 */
#ifndef VALED_CFG_CHECK_H
#define VALED_CFG_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "vale" followed by 1..11 of [A-Za-z0-9_]. */
bool valed_cfg_check_switch_name(const char *s);
/* The Y of valeX:Y for a vhost-user port: 1..15 of [A-Za-z0-9_]. */
bool valed_cfg_check_port_name(const char *s);
/*
 * A Linux interface name netmap can address: 1..15 bytes, no '/', ':' or
 * white space (dev_valid_name()), not "." or "..", and no '{' or '}'
 * (netmap reads those as pipe names).
 */
bool valed_cfg_check_ifname(const char *s);
/* A persistent port: an interface name that does not start with "vale". */
bool valed_cfg_check_persistent_name(const char *s);
/*
 * A user or group: a name as useradd accepts it ([a-z_][a-z0-9_-]*, an
 * optional final '$', at most 32) or a numeric id below 4294967295 in at
 * most 10 digits.
 */
bool valed_cfg_check_id(const char *s);

enum valed_cfg_path_check {
	VALED_CFG_PATH_OK,
	VALED_CFG_PATH_RELATIVE,
	VALED_CFG_PATH_TOO_LONG,
	VALED_CFG_PATH_NOT_NORMAL,	/* "//", "." or ".." components, final '/' */
};

/*
 * A Unix socket path. It must be normalized so that comparing strings
 * finds two ports on one socket.
 */
enum valed_cfg_path_check valed_cfg_check_socket_path(const char *s);

enum valed_cfg_mac_check {
	VALED_CFG_MAC_OK,
	VALED_CFG_MAC_SYNTAX,
	VALED_CFG_MAC_MULTICAST,
	VALED_CFG_MAC_ZERO,
};

/* "xx:xx:xx:xx:xx:xx", hex digits in either case. @mac is set when OK. */
enum valed_cfg_mac_check valed_cfg_parse_mac(const char *s, uint8_t mac[6]);

/* An octal mode of 3 or 4 digits, at most 0777 ("0660", "600"). */
bool valed_cfg_parse_mode(const char *s, unsigned int *mode);

#endif /* VALED_CFG_CHECK_H */
