/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_notify.h - the sd_notify(3) protocol without libsystemd: one
 * datagram of "KEY=VALUE" lines to the socket named by NOTIFY_SOCKET (a
 * path, or an abstract name written with a leading '@').
 *
 * valed sends READY=1 with a STATUS= line once the start configuration is
 * applied, RELOADING=1 with MONOTONIC_USEC= when a reload begins and
 * READY=1 with STATUS= when it is done (applied or rejected), STOPPING=1
 * when it stops. Without NOTIFY_SOCKET (not under systemd) nothing is sent.
 */
#ifndef VALED_NOTIFY_H
#define VALED_NOTIFY_H

/*
 * Send @fmt (formatted) as one datagram. 0 when sent or when there is no
 * NOTIFY_SOCKET, -1 with errno when sending failed.
 */
int valed_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The notifications valed sends. */
int valed_notify_ready(const char *status);
int valed_notify_reloading(void);
int valed_notify_stopping(void);
int valed_notify_status(const char *status);

#endif /* VALED_NOTIFY_H */
