/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_log.h - where the daemon's lines go: the journal with syslog
 * levels when systemd runs it, stderr otherwise.
 *
 * Under systemd (JOURNAL_STREAM names our stderr) every line starts with
 * "<N>", the syslog priority journald parses, so "journalctl -p warning"
 * works; elsewhere lines read "valed: LEVEL: message". The vhost-user
 * library's messages (vhu_log) come through the same function.
 *
 * Thread-safe: worker threads log too. Each line is formatted on the
 * stack and written with one write(2), so lines never interleave, and the
 * level is an atomic that a reload may change while workers run.
 */
#ifndef VALED_LOG_H
#define VALED_LOG_H

#include "valed_cfg.h"

/* Decide journal or stderr (from the environment) and route vhu_log here. */
void valed_log_init(void);

/* Lines above @level are dropped; takes effect at once in every thread. */
void valed_log_set_level(enum valed_cfg_log_level level);

void valed_log(enum valed_cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define valed_err(...)		valed_log(VALED_CFG_LOG_ERROR, __VA_ARGS__)
#define valed_warn(...)		valed_log(VALED_CFG_LOG_WARNING, __VA_ARGS__)
#define valed_info(...)		valed_log(VALED_CFG_LOG_INFO, __VA_ARGS__)
#define valed_debug(...)	valed_log(VALED_CFG_LOG_DEBUG, __VA_ARGS__)

#endif /* VALED_LOG_H */
