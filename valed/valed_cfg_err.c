// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_cfg_err.c - the list of configuration errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "valed_cfg_err.h"
#include "valed_mem.h"

static int vadd(struct valed_cfg_errors *errs, int line, int col,
		const char *path, bool at_key, const char *fmt, va_list ap)
{
	struct valed_cfg_error *e;
	va_list ap2;
	int len;

	if (errs->n == errs->cap) {
		size_t cap = errs->cap == 0 ? 8 : errs->cap * 2;

		e = valed_mem_realloc(errs->v, cap * sizeof(*e));
		if (e == NULL)
			return -1;
		errs->v = e;
		errs->cap = cap;
	}
	e = &errs->v[errs->n];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->col = col;
	e->at_key = at_key;
	if (path != NULL) {
		e->path = valed_mem_strdup(path);
		if (e->path == NULL)
			return -1;
	}
	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	e->msg = valed_mem_alloc((size_t)len + 1);
	if (e->msg == NULL) {
		valed_mem_free(e->path);
		return -1;
	}
	vsnprintf(e->msg, (size_t)len + 1, fmt, ap);
	errs->n++;
	return 0;
}

int valed_cfg_err_add(struct valed_cfg_errors *errs, const char *path,
		      bool at_key, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vadd(errs, 0, 0, path, at_key, fmt, ap);
	va_end(ap);
	return r;
}

int valed_cfg_err_add_at(struct valed_cfg_errors *errs, int line, int col,
			 const char *path, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vadd(errs, line, col, path, false, fmt, ap);
	va_end(ap);
	return r;
}

static bool before(const struct valed_cfg_error *a, const struct valed_cfg_error *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

void valed_cfg_err_place(struct valed_cfg_errors *errs,
			 const struct valed_cfg_pos *pos)
{
	size_t i, j;

	for (i = 0; i < errs->n; i++) {
		struct valed_cfg_error *e = &errs->v[i];
		const struct valed_cfg_pos_entry *p;

		if (e->line != 0 || e->path == NULL)
			continue;
		p = valed_cfg_pos_find(pos, e->path);
		if (p == NULL)
			continue;
		if (e->at_key && p->key_line != 0) {
			e->line = p->key_line;
			e->col = p->key_col;
		} else {
			e->line = p->val_line;
			e->col = p->val_col;
		}
	}
	/* Insertion sort: stable, and error lists are short. */
	for (i = 1; i < errs->n; i++) {
		struct valed_cfg_error tmp = errs->v[i];

		for (j = i; j > 0 && before(&tmp, &errs->v[j - 1]); j--)
			errs->v[j] = errs->v[j - 1];
		errs->v[j] = tmp;
	}
}

void valed_cfg_errors_free(struct valed_cfg_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++) {
		valed_mem_free(errs->v[i].path);
		valed_mem_free(errs->v[i].msg);
	}
	valed_mem_free(errs->v);
	memset(errs, 0, sizeof(*errs));
}

void valed_cfg_errors_print(enum valed_cfg_result res,
			    const struct valed_cfg_errors *errs,
			    const char *file, FILE *f)
{
	size_t i;

	if (res == VALED_CFG_NOMEM) {
		fprintf(f, "%s: out of memory\n", file);
		return;
	}
	for (i = 0; i < errs->n; i++) {
		const struct valed_cfg_error *e = &errs->v[i];

		if (e->line > 0 && e->path != NULL)
			fprintf(f, "%s:%d:%d: %s: %s\n", file, e->line, e->col,
				e->path, e->msg);
		else
			fprintf(f, "%s: %s\n", file, e->msg);
	}
}
