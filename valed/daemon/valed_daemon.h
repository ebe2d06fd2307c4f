/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_daemon.h - the daemon subcommands of valed: "start" runs the
 * daemon in the foreground (systemd Type=notify), "status", "reload" and
 * "port" are clients of its control socket (valed_client.h).
 */
#ifndef VALED_DAEMON_H
#define VALED_DAEMON_H

/*
 * Run subcommand @cmd ("start", "status", "reload" or "port"); @argv[0]
 * is the subcommand itself, its options and arguments follow. Returns the
 * process exit status: 0 success, 1 failure (invalid configuration, a
 * request the daemon refused, a daemon not running), 2 usage error.
 */
int valed_daemon_cmd(const char *cmd, int argc, char **argv);

/* The usage lines of these subcommands, for "valed --help". */
extern const char valed_daemon_usage[];

#endif /* VALED_DAEMON_H */
