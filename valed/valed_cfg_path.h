/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_cfg_path.h - JSON paths as error messages show them:
 * $.switches[0].ports[1].queues, with $["odd key"] for keys that are not
 * plain identifiers.
 *
 * The validator (walking jansson's tree) and the position index (walking
 * the raw text) both spell paths through these functions, so the same
 * member gets the same string from both and a lookup by string finds it.
 */
#ifndef VALED_CFG_PATH_H
#define VALED_CFG_PATH_H

#include <stddef.h>

struct valed_cfg_path {
	char *s;		/* NUL-terminated; "$" after init */
	size_t len;
	size_t cap;
};

/* 0, or -1 when out of memory (the path is then empty but freeable). */
int valed_cfg_path_init(struct valed_cfg_path *p);
void valed_cfg_path_free(struct valed_cfg_path *p);

/*
 * Append a member key (@klen bytes, may hold any byte but NUL) or an array
 * index. Return the previous length, for valed_cfg_path_cut(), or -1 when
 * out of memory (the path is unchanged then).
 */
long valed_cfg_path_key(struct valed_cfg_path *p, const char *key, size_t klen);
long valed_cfg_path_index(struct valed_cfg_path *p, size_t index);
/* Back to a length returned by one of the two above. */
void valed_cfg_path_cut(struct valed_cfg_path *p, long len);

#endif /* VALED_CFG_PATH_H */
