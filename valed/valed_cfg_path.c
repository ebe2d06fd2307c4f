// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_cfg_path.c - JSON path strings (see valed_cfg_path.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "valed_cfg_path.h"
#include "valed_mem.h"

static int reserve(struct valed_cfg_path *p, size_t more)
{
	size_t want = p->len + more + 1, cap;
	char *s;

	if (want <= p->cap)
		return 0;
	cap = p->cap == 0 ? 64 : p->cap;
	while (cap < want)
		cap *= 2;
	s = valed_mem_realloc(p->s, cap);
	if (s == NULL)
		return -1;
	p->s = s;
	p->cap = cap;
	return 0;
}

int valed_cfg_path_init(struct valed_cfg_path *p)
{
	memset(p, 0, sizeof(*p));
	if (reserve(p, 1) < 0)
		return -1;
	p->s[0] = '$';
	p->s[1] = '\0';
	p->len = 1;
	return 0;
}

void valed_cfg_path_free(struct valed_cfg_path *p)
{
	valed_mem_free(p->s);
	memset(p, 0, sizeof(*p));
}

/* Keys that read unambiguously after a dot. */
static bool plain_key(const char *key, size_t klen)
{
	size_t i;

	if (klen == 0 || (key[0] >= '0' && key[0] <= '9'))
		return false;
	for (i = 0; i < klen; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

long valed_cfg_path_key(struct valed_cfg_path *p, const char *key, size_t klen)
{
	long old = (long)p->len;
	size_t i;

	if (plain_key(key, klen)) {
		if (reserve(p, klen + 1) < 0)
			return -1;
		p->s[p->len++] = '.';
		memcpy(p->s + p->len, key, klen);
		p->len += klen;
		p->s[p->len] = '\0';
		return old;
	}
	/* Worst case: every byte a \u00XX escape, plus [" and "]. */
	if (klen > ((size_t)-1 - 8) / 6 || reserve(p, klen * 6 + 4) < 0)
		return -1;
	p->s[p->len++] = '[';
	p->s[p->len++] = '"';
	for (i = 0; i < klen; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c == '"' || c == '\\') {
			p->s[p->len++] = '\\';
			p->s[p->len++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			/* Control characters would break the one-line message. */
			p->len += (size_t)sprintf(p->s + p->len, "\\u%04x", c);
		} else {
			p->s[p->len++] = (char)c;
		}
	}
	p->s[p->len++] = '"';
	p->s[p->len++] = ']';
	p->s[p->len] = '\0';
	return old;
}

long valed_cfg_path_index(struct valed_cfg_path *p, size_t index)
{
	long old = (long)p->len;

	if (reserve(p, 24) < 0)
		return -1;
	p->len += (size_t)sprintf(p->s + p->len, "[%zu]", index);
	return old;
}

void valed_cfg_path_cut(struct valed_cfg_path *p, long len)
{
	if (len < 0 || (size_t)len > p->len)
		return;
	p->len = (size_t)len;
	p->s[p->len] = '\0';
}
