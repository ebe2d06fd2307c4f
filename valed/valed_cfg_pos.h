/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_cfg_pos.h - where each value of a JSON text starts.
 *
 * jansson reports a line and column only for syntax errors; a value that
 * parses but is wrong (a queue count of 0) has no position in its tree. So
 * a small lexer walks the same text and records, for every JSON path, the
 * line and column where its value starts and, for object members, where
 * the key starts (unknown keys are reported at the key).
 *
 * On text that does not parse, the lexer runs up to the byte where jansson
 * stopped and tells which path it was in, so a syntax error is reported
 * with a path too: a trailing comma in a port list points at
 * $.switches[0].ports[2].
 */
#ifndef VALED_CFG_POS_H
#define VALED_CFG_POS_H

#include <stddef.h>

struct valed_cfg_pos_entry {
	char *path;
	int key_line, key_col;		/* 0 for array elements and $ */
	int val_line, val_col;
};

struct valed_cfg_pos {
	struct valed_cfg_pos_entry *v;
	size_t n;
	size_t cap;
	/* The path being parsed where the lexer stopped. */
	char *stop_path;
};

/*
 * Index @text (@len bytes). @stop is @len for all of it, or the offset
 * where jansson stopped: the token ending there (the one jansson refused)
 * or running past it is not taken, except a key. The lexer also stops at
 * the first token that breaks the JSON grammar. 0, or -1 when out of
 * memory; free with valed_cfg_pos_free() either way.
 */
int valed_cfg_pos_build(struct valed_cfg_pos *pos, const char *text, size_t len,
			size_t stop);

/* NULL when @path was not seen. */
const struct valed_cfg_pos_entry *valed_cfg_pos_find(const struct valed_cfg_pos *pos,
						     const char *path);

void valed_cfg_pos_free(struct valed_cfg_pos *pos);

#endif /* VALED_CFG_POS_H */
