/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * valed_client.h - the command-line clients of the control socket:
 *
 *   valed status [--json] [--socket PATH | --config FILE]
 *   valed reload [--socket PATH | --config FILE]
 *   valed port add SWITCH PORT-JSON [--socket PATH | --config FILE]
 *   valed port del SWITCH NAME [--socket PATH | --config FILE]
 *
 * The socket is --socket, else $VALED_SOCKET, else the control_socket of
 * --config FILE, else /run/valed/valed.sock. A daemon that does not
 * answer there gives "valed is not running (no control socket at PATH)"
 * and exit status 1.
 */
#ifndef VALED_CLIENT_H
#define VALED_CLIENT_H

#include <stdio.h>

#include <jansson.h>

int valed_client_status(int argc, char **argv);
int valed_client_reload(int argc, char **argv);
int valed_client_port(int argc, char **argv);

/*
 * Print a status reply as the human table of "valed status" (format in
 * valed.8). Exposed for the tests.
 */
void valed_client_print_status(json_t *reply, FILE *f);

#endif /* VALED_CLIENT_H */
