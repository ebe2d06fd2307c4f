// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_cfg_check.c - rules for single configuration values.
 */
#include <string.h>

#include "valed_cfg.h"
#include "valed_cfg_check.h"

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static bool all_ident(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		if (n >= max || !is_ident_char(s[n]))
			return false;
	}
	return n >= min;
}

bool valed_cfg_check_switch_name(const char *s)
{
	if (strncmp(s, "vale", 4) != 0)
		return false;
	return all_ident(s + 4, 1, VALED_CFG_SWITCH_NAME_MAX - 4);
}

bool valed_cfg_check_port_name(const char *s)
{
	return all_ident(s, 1, VALED_CFG_PORT_NAME_MAX);
}

bool valed_cfg_check_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VALED_CFG_IFNAME_MAX)
		return false;
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s != '\0'; s++) {
		/* The kernel's isspace(): the C locale's six characters. */
		if (strchr("/:{} \t\n\v\f\r", *s) != NULL)
			return false;
	}
	return true;
}

bool valed_cfg_check_persistent_name(const char *s)
{
	return valed_cfg_check_ifname(s) && strncmp(s, "vale", 4) != 0;
}

bool valed_cfg_check_id(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0)
		return false;
	if (s[0] >= '0' && s[0] <= '9') {
		unsigned long long v = 0;

		/* (uid_t)-1 means "unchanged" to chown(): not an id. */
		if (n > 10)
			return false;
		for (i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return false;
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v >= 4294967295ULL)
				return false;
		}
		return true;
	}
	if (n > VALED_CFG_ID_NAME_MAX)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-')
			continue;
		/* Samba machine accounts end in '$'. */
		if (c == '$' && i == n - 1)
			continue;
		return false;
	}
	return true;
}

enum valed_cfg_path_check valed_cfg_check_socket_path(const char *s)
{
	const char *p;

	if (s[0] != '/')
		return VALED_CFG_PATH_RELATIVE;
	if (strlen(s) > VALED_CFG_SOCKET_PATH_MAX)
		return VALED_CFG_PATH_TOO_LONG;
	/* "/" itself is a directory, and every component must be a name. */
	for (p = s; *p != '\0';) {
		const char *c = p + 1, *end = strchrnul(c, '/');
		size_t len = (size_t)(end - c);

		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return VALED_CFG_PATH_NOT_NORMAL;
		p = end;
	}
	return VALED_CFG_PATH_OK;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum valed_cfg_mac_check valed_cfg_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	int i, hi, lo;

	if (strlen(s) != 17)
		return VALED_CFG_MAC_SYNTAX;
	for (i = 0; i < 6; i++) {
		hi = hexval(s[3 * i]);
		lo = hexval(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return VALED_CFG_MAC_SYNTAX;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	/* The I/G bit: a multicast (or broadcast) source is never valid. */
	if (m[0] & 1)
		return VALED_CFG_MAC_MULTICAST;
	if ((m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0)
		return VALED_CFG_MAC_ZERO;
	memcpy(mac, m, sizeof(m));
	return VALED_CFG_MAC_OK;
}

bool valed_cfg_parse_mode(const char *s, unsigned int *mode)
{
	size_t n = strlen(s), i;
	unsigned int v = 0;

	if (n < 3 || n > 4)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return false;
		v = v * 8 + (unsigned)(s[i] - '0');
	}
	/* setuid, setgid and sticky mean nothing on a socket. */
	if (v > 0777)
		return false;
	*mode = v;
	return true;
}
