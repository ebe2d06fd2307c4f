// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_cfg.c - reading valed.json into struct valed_cfg: the driver.
 *
 * jansson parses the text (rejecting duplicate keys); the walk over its
 * tree (valed_cfg_walk.c) checks every member, fills in the model and
 * collects every error with the member's JSON path. Only when all is done,
 * and only if something was wrong, the position index (valed_cfg_pos.c)
 * turns paths into lines and columns.
 *
 * Out of memory anywhere makes the whole parse fail with VALED_CFG_NOMEM
 * and nothing else: a half-checked file must not look valid, nor give a
 * partial list of errors that reads like the complete one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <jansson.h>

#include "valed_cfg.h"
#include "valed_cfg_err.h"
#include "valed_cfg_pos.h"
#include "valed_cfg_walk.h"
#include "valed_mem.h"

struct valed_cfg *valed_cfg_new_empty(void)
{
	struct valed_cfg *cfg = valed_mem_calloc(1, sizeof(*cfg));

	if (cfg == NULL)
		return NULL;
	cfg->global.log_level = VALED_CFG_LOG_INFO;
	cfg->global.control_socket = valed_mem_strdup(VALED_CFG_DEFAULT_CONTROL_SOCKET);
	if (cfg->global.control_socket == NULL) {
		valed_mem_free(cfg);
		return NULL;
	}
	return cfg;
}

void valed_cfg_free(struct valed_cfg *cfg)
{
	size_t i, j;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nswitches; i++) {
		struct valed_cfg_switch *sw = &cfg->switches[i];

		for (j = 0; j < sw->nports; j++) {
			struct valed_cfg_port *p = &sw->ports[j];

			if (p->type != VALED_CFG_PORT_VHOST_USER)
				continue;
			valed_mem_free(p->vhost.socket);
			valed_mem_free(p->vhost.owner);
			valed_mem_free(p->vhost.group);
		}
		valed_mem_free(sw->ports);
	}
	valed_mem_free(cfg->switches);
	valed_mem_free(cfg->global.cpus);
	valed_mem_free(cfg->global.control_group);
	valed_mem_free(cfg->global.control_socket);
	valed_mem_free(cfg);
}

/* A syntax error from jansson, with the path the lexer was in there. */
static int syntax_error(const char *text, size_t len, const json_error_t *je,
			struct valed_cfg_errors *errs)
{
	struct valed_cfg_pos pos;
	int r = -1;

	if (valed_cfg_pos_build(&pos, text, len, (size_t)je->position) < 0)
		goto out;
	/* jansson counts a line before anything was read as column 0. */
	r = valed_cfg_err_add_at(errs, je->line < 1 ? 1 : je->line,
				 je->column < 1 ? 1 : je->column, pos.stop_path,
				 "syntax error: %s", je->text);
out:
	valed_cfg_pos_free(&pos);
	return r;
}

enum valed_cfg_result valed_cfg_parse(const char *text, size_t len,
				      struct valed_cfg **out,
				      struct valed_cfg_errors *errs)
{
	unsigned long failures = valed_mem_failures();
	struct valed_cfg *cfg = NULL;
	struct valed_cfg_pos pos;
	json_error_t je;
	json_t *root;
	int r;

	*out = NULL;
	valed_mem_use_for_jansson();

	if (len > VALED_CFG_TEXT_MAX) {
		if (valed_cfg_err_add_at(errs, 1, 1, "$",
					 "expected at most %d bytes of JSON, got %zu",
					 VALED_CFG_TEXT_MAX, len) < 0)
			goto nomem;
		return VALED_CFG_INVALID;
	}

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		/* jansson does not always say so when an allocation failed. */
		if (valed_mem_failures() != failures ||
		    json_error_code(&je) == json_error_out_of_memory)
			goto nomem;
		if (syntax_error(text, len, &je, errs) < 0)
			goto nomem;
		return VALED_CFG_INVALID;
	}

	cfg = valed_cfg_new_empty();
	r = cfg == NULL ? -1 : valed_cfg_walk(root, cfg, errs);
	json_decref(root);
	if (r < 0)
		goto nomem;

	if (errs->n == 0) {
		*out = cfg;
		return VALED_CFG_OK;
	}
	valed_cfg_free(cfg);
	cfg = NULL;
	if (valed_cfg_pos_build(&pos, text, len, len) < 0) {
		valed_cfg_pos_free(&pos);
		goto nomem;
	}
	valed_cfg_err_place(errs, &pos);
	valed_cfg_pos_free(&pos);
	return VALED_CFG_INVALID;

nomem:
	valed_cfg_free(cfg);
	valed_cfg_errors_free(errs);
	return VALED_CFG_NOMEM;
}

enum valed_cfg_result valed_cfg_load(const char *file, struct valed_cfg **out,
				     struct valed_cfg_errors *errs)
{
	enum valed_cfg_result res;
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	ssize_t n;
	int fd, e;

	*out = NULL;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto io;
	if (fstat(fd, &st) < 0)
		goto io_fd;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		if (valed_cfg_err_add(errs, NULL, false,
				      "cannot read: not a regular file") < 0) {
			valed_cfg_errors_free(errs);
			return VALED_CFG_NOMEM;
		}
		return VALED_CFG_IO;
	}
	/* One byte more than allowed, so an oversized file is recognized. */
	text = valed_mem_alloc(VALED_CFG_TEXT_MAX + 1);
	if (text == NULL) {
		close(fd);
		valed_cfg_errors_free(errs);
		return VALED_CFG_NOMEM;
	}
	for (;;) {
		n = read(fd, text + len, VALED_CFG_TEXT_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto io_fd;
		if (n == 0 || len + (size_t)n > VALED_CFG_TEXT_MAX) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	res = valed_cfg_parse(text, len, out, errs);
	valed_mem_free(text);
	return res;

io_fd:
	e = errno;
	close(fd);
	errno = e;
io:
	e = errno;
	valed_mem_free(text);
	if (valed_cfg_err_add(errs, NULL, false, "cannot read: %s", strerror(e)) < 0) {
		valed_cfg_errors_free(errs);
		return VALED_CFG_NOMEM;
	}
	return VALED_CFG_IO;
}

const struct valed_cfg_switch *valed_cfg_find_switch(const struct valed_cfg *cfg,
						     const char *name)
{
	size_t i;

	for (i = 0; cfg != NULL && i < cfg->nswitches; i++) {
		if (strcmp(cfg->switches[i].name, name) == 0)
			return &cfg->switches[i];
	}
	return NULL;
}

const struct valed_cfg_port *valed_cfg_find_port(const struct valed_cfg_switch *sw,
						 const char *name)
{
	size_t i;

	for (i = 0; sw != NULL && i < sw->nports; i++) {
		if (strcmp(sw->ports[i].name, name) == 0)
			return &sw->ports[i];
	}
	return NULL;
}

void valed_cfg_mac_format(const uint8_t mac[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}
