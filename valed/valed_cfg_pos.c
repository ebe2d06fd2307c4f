// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_cfg_pos.c - a JSON lexer that records where values start (see
 * valed_cfg_pos.h).
 *
 * It follows the JSON grammar strictly enough to know which path it is in
 * (a ']' right after a ',' is a stop, not the end of the array) and
 * decodes keys exactly as jansson does, escapes included, because paths
 * from both sides are compared as strings. Scalars other than strings are
 * taken as runs of non-structural bytes: jansson has already judged them.
 *
 * Columns count characters, not bytes (a UTF-8 lead byte starts one), and
 * lines count '\n' only: the same convention as jansson's syntax errors,
 * so every position in one report means the same thing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "valed_cfg_path.h"
#include "valed_cfg_pos.h"
#include "valed_mem.h"

enum state {
	ST_VALUE,		/* a value must come */
	ST_ARR_FIRST,		/* after '[': a value or ']' */
	ST_OBJ_FIRST,		/* after '{': a key or '}' */
	ST_OBJ_KEY,		/* after ',' in an object: a key */
	ST_OBJ_COLON,		/* after a key */
	ST_AFTER,		/* after a value: ',' or the closing bracket */
	ST_DONE,		/* the top-level value is complete */
};

struct frame {
	bool is_obj;
	long path_len;		/* length of the container's own path */
	size_t index;		/* arrays: index of the next element */
	size_t entry;		/* objects: entry of the member being read */
};

struct lexer {
	const char *t;
	size_t len;
	size_t i;		/* next byte */
	int line, col;		/* of byte i */
	struct valed_cfg_path path;
	struct frame *frames;
	size_t depth, fcap;
	enum state st;
	char *key;		/* the last key, decoded */
	size_t klen, kcap;
	struct valed_cfg_pos *pos;
};

/* Move to byte @to, keeping line and column. */
static void advance(struct lexer *lx, size_t to)
{
	for (; lx->i < to; lx->i++) {
		unsigned char b = (unsigned char)lx->t[lx->i];

		if (b == '\n') {
			lx->line++;
			lx->col = 1;
		} else if ((b & 0xc0) != 0x80) {
			lx->col++;
		}
	}
}

static int key_put(struct lexer *lx, const char *s, size_t n)
{
	if (lx->klen + n > lx->kcap) {
		size_t cap = lx->kcap == 0 ? 64 : lx->kcap;
		char *k;

		while (cap < lx->klen + n)
			cap *= 2;
		k = valed_mem_realloc(lx->key, cap);
		if (k == NULL)
			return -1;
		lx->key = k;
		lx->kcap = cap;
	}
	memcpy(lx->key + lx->klen, s, n);
	lx->klen += n;
	return 0;
}

static int hex4(const char *s, size_t avail, unsigned int *v)
{
	unsigned int r = 0;
	size_t i;

	if (avail < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		r <<= 4;
		if (c >= '0' && c <= '9')
			r |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			r |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			r |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*v = r;
	return 0;
}

static size_t utf8_put(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The string starting at lx->i (a '"'): its end (one past the closing
 * quote) in *@end. With @decode, its content goes to lx->key.
 * Returns 0, 1 when the string is malformed, -1 when out of memory.
 */
static int lex_string(struct lexer *lx, bool decode, size_t *end)
{
	const char *t = lx->t;
	size_t i = lx->i + 1, n = lx->len;

	lx->klen = 0;
	while (i < n && t[i] != '"') {
		unsigned char c = (unsigned char)t[i];
		char buf[4];
		size_t bl = 1;
		unsigned int cp, lo;

		if (c < 0x20)
			return 1;
		if (c != '\\') {
			buf[0] = (char)c;
			i++;
		} else {
			if (i + 1 >= n)
				return 1;
			switch (t[i + 1]) {
			case '"': buf[0] = '"'; break;
			case '\\': buf[0] = '\\'; break;
			case '/': buf[0] = '/'; break;
			case 'b': buf[0] = '\b'; break;
			case 'f': buf[0] = '\f'; break;
			case 'n': buf[0] = '\n'; break;
			case 'r': buf[0] = '\r'; break;
			case 't': buf[0] = '\t'; break;
			case 'u':
				if (hex4(t + i + 2, n - i - 2, &cp) < 0 || cp == 0)
					return 1;
				i += 6;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return 1;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (i + 1 >= n || t[i] != '\\' || t[i + 1] != 'u' ||
					    hex4(t + i + 2, n - i - 2, &lo) < 0 ||
					    lo < 0xdc00 || lo > 0xdfff)
						return 1;
					i += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				bl = utf8_put(buf, cp);
				if (decode && key_put(lx, buf, bl) < 0)
					return -1;
				continue;
			default:
				return 1;
			}
			i += 2;
		}
		if (decode && key_put(lx, buf, bl) < 0)
			return -1;
	}
	if (i >= n)
		return 1;
	*end = i + 1;
	return 0;
}

static int new_entry(struct lexer *lx, size_t *idx)
{
	struct valed_cfg_pos *pos = lx->pos;
	struct valed_cfg_pos_entry *e;

	if (pos->n == pos->cap) {
		size_t cap = pos->cap == 0 ? 32 : pos->cap * 2;

		e = valed_mem_realloc(pos->v, cap * sizeof(*e));
		if (e == NULL)
			return -1;
		pos->v = e;
		pos->cap = cap;
	}
	e = &pos->v[pos->n];
	memset(e, 0, sizeof(*e));
	e->path = valed_mem_strndup(lx->path.s, lx->path.len);
	if (e->path == NULL)
		return -1;
	*idx = pos->n++;
	return 0;
}

static int push(struct lexer *lx, bool is_obj)
{
	struct frame *f;

	if (lx->depth == lx->fcap) {
		size_t cap = lx->fcap == 0 ? 8 : lx->fcap * 2;

		f = valed_mem_realloc(lx->frames, cap * sizeof(*f));
		if (f == NULL)
			return -1;
		lx->frames = f;
		lx->fcap = cap;
	}
	f = &lx->frames[lx->depth++];
	memset(f, 0, sizeof(*f));
	f->is_obj = is_obj;
	f->path_len = (long)lx->path.len;
	return 0;
}

static struct frame *top(struct lexer *lx)
{
	return lx->depth == 0 ? NULL : &lx->frames[lx->depth - 1];
}

/* A value was completed: back to its container's path. */
static void end_value(struct lexer *lx)
{
	struct frame *f = top(lx);

	if (f == NULL) {
		lx->st = ST_DONE;
		return;
	}
	valed_cfg_path_cut(&lx->path, f->path_len);
	if (!f->is_obj)
		f->index++;
	lx->st = ST_AFTER;
}

/* A value starts at the current byte: record it under its path. */
static int begin_value(struct lexer *lx)
{
	struct frame *f = top(lx);
	size_t idx;

	if (f != NULL && f->is_obj) {
		idx = f->entry;
	} else {
		if (f != NULL && valed_cfg_path_index(&lx->path, f->index) < 0)
			return -1;
		if (new_entry(lx, &idx) < 0)
			return -1;
	}
	lx->pos->v[idx].val_line = lx->line;
	lx->pos->v[idx].val_col = lx->col;
	return 0;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_delim(char c)
{
	return is_ws(c) || strchr("{}[]:,\"", c) != NULL;
}

/*
 * Whether a token ending at @end is at or past the stop. jansson reports
 * an error after reading the token it refuses (and ungetting any
 * lookahead), so a token that ends right at a stop inside the text is the
 * refused one: the place to report is where it would go, not what follows
 * it. A key is the exception: a duplicate key is refused once read, and
 * the member it names is the place.
 */
static bool at_stop(const struct lexer *lx, size_t end, size_t stop, bool key)
{
	if (end > stop)
		return true;
	return end == stop && stop < lx->len && !key;
}

/*
 * One token at lx->i. Returns 0 to go on, 1 to stop (grammar broken, or the
 * token reaches the stop), -1 when out of memory.
 */
static int step(struct lexer *lx, size_t stop)
{
	char c = lx->t[lx->i];
	struct frame *f = top(lx);
	size_t end = lx->i + 1;
	bool want_value = lx->st == ST_VALUE || lx->st == ST_ARR_FIRST;
	int r;

	if (c == '"' && (lx->st == ST_OBJ_FIRST || lx->st == ST_OBJ_KEY)) {
		r = lex_string(lx, true, &end);
		if (r != 0)
			return r;
		if (at_stop(lx, end, stop, true))
			return 1;
		if (valed_cfg_path_key(&lx->path, lx->key, lx->klen) < 0 ||
		    new_entry(lx, &f->entry) < 0)
			return -1;
		lx->pos->v[f->entry].key_line = lx->line;
		lx->pos->v[f->entry].key_col = lx->col;
		lx->st = ST_OBJ_COLON;
		advance(lx, end);
		return 0;
	}
	if (want_value && (c == '{' || c == '[')) {
		if (at_stop(lx, end, stop, false))
			return 1;
		if (begin_value(lx) < 0 || push(lx, c == '{') < 0)
			return -1;
		lx->st = c == '{' ? ST_OBJ_FIRST : ST_ARR_FIRST;
		advance(lx, end);
		return 0;
	}
	if (want_value && c == '"') {
		r = lex_string(lx, false, &end);
		if (r != 0)
			return r;
		if (at_stop(lx, end, stop, false))
			return 1;
		if (begin_value(lx) < 0)
			return -1;
		advance(lx, end);
		end_value(lx);
		return 0;
	}
	if (want_value && !is_delim(c)) {
		while (end < lx->len && !is_delim(lx->t[end]))
			end++;
		if (at_stop(lx, end, stop, false))
			return 1;
		if (begin_value(lx) < 0)
			return -1;
		advance(lx, end);
		end_value(lx);
		return 0;
	}
	if (at_stop(lx, end, stop, false))
		return 1;
	if (c == ':' && lx->st == ST_OBJ_COLON) {
		lx->st = ST_VALUE;
	} else if (c == ',' && lx->st == ST_AFTER) {
		lx->st = f->is_obj ? ST_OBJ_KEY : ST_VALUE;
	} else if ((c == '}' && f != NULL && f->is_obj &&
		    (lx->st == ST_OBJ_FIRST || lx->st == ST_AFTER)) ||
		   (c == ']' && f != NULL && !f->is_obj &&
		    (lx->st == ST_ARR_FIRST || lx->st == ST_AFTER))) {
		valed_cfg_path_cut(&lx->path, f->path_len);
		lx->depth--;
		end_value(lx);
	} else {
		return 1;
	}
	advance(lx, end);
	return 0;
}

int valed_cfg_pos_build(struct valed_cfg_pos *pos, const char *text, size_t len,
			size_t stop)
{
	struct lexer lx;
	struct frame *f;
	int r = 0;

	memset(pos, 0, sizeof(*pos));
	memset(&lx, 0, sizeof(lx));
	lx.t = text;
	lx.len = len;
	lx.line = lx.col = 1;
	lx.pos = pos;
	lx.st = ST_VALUE;
	if (stop > len)
		stop = len;
	if (valed_cfg_path_init(&lx.path) < 0)
		goto fail;

	while (lx.i < len && r == 0) {
		if (is_ws(text[lx.i])) {
			advance(&lx, lx.i + 1);
			continue;
		}
		r = step(&lx, stop);
	}
	if (r < 0)
		goto fail;

	/* Inside an array where an element is due, the element is the place. */
	f = top(&lx);
	if (f != NULL && !f->is_obj &&
	    (lx.st == ST_VALUE || lx.st == ST_ARR_FIRST) &&
	    valed_cfg_path_index(&lx.path, f->index) < 0)
		goto fail;
	pos->stop_path = valed_mem_strndup(lx.path.s, lx.path.len);
	if (pos->stop_path == NULL)
		goto fail;
	valed_cfg_path_free(&lx.path);
	valed_mem_free(lx.frames);
	valed_mem_free(lx.key);
	return 0;

fail:
	valed_cfg_path_free(&lx.path);
	valed_mem_free(lx.frames);
	valed_mem_free(lx.key);
	return -1;
}

const struct valed_cfg_pos_entry *valed_cfg_pos_find(const struct valed_cfg_pos *pos,
						     const char *path)
{
	size_t i;

	for (i = 0; i < pos->n; i++) {
		if (strcmp(pos->v[i].path, path) == 0)
			return &pos->v[i];
	}
	return NULL;
}

void valed_cfg_pos_free(struct valed_cfg_pos *pos)
{
	size_t i;

	for (i = 0; i < pos->n; i++)
		valed_mem_free(pos->v[i].path);
	valed_mem_free(pos->v);
	valed_mem_free(pos->stop_path);
	memset(pos, 0, sizeof(*pos));
}
