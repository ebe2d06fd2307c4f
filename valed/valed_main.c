// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_main.c - the valed command line.
 *
 * Here are the subcommands that only read files: "check" (is a
 * configuration valid?) and "plan" (what would a reload do?). The daemon
 * ("start") and the clients of its control socket ("status", "reload",
 * "port") live in valed/daemon/ (valed_daemon_cmd()).
 *
 * Exit status: 0 success, 1 the configuration is not valid (or cannot be
 * read, or the daemon refused), 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "valed_cfg.h"
#include "valed_daemon.h"
#include "valed_plan.h"

#ifndef VALED_VERSION
#error "VALED_VERSION must be defined (valed/VERSION, by valed.mk)"
#endif

#define PROG	"valed"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  check [FILE]        check a configuration (default " VALED_CFG_DEFAULT_PATH ")\n"
		"  plan OLD NEW        print the actions that turn configuration OLD into NEW\n"
		"%s"
		"\n"
		"Options:\n"
		"  -h, --help          print this help and exit\n"
		"  -V, --version       print the version and exit\n"
		"\n"
		"See valed(8) and valed.json(5).\n", valed_daemon_usage);
}

/* Load @file; print its errors and return NULL when it is not valid. */
static struct valed_cfg *load(const char *file)
{
	struct valed_cfg_errors errs = { 0 };
	enum valed_cfg_result res;
	struct valed_cfg *cfg;

	res = valed_cfg_load(file, &cfg, &errs);
	if (res != VALED_CFG_OK) {
		fflush(stdout);
		valed_cfg_errors_print(res, &errs, file, stderr);
	}
	valed_cfg_errors_free(&errs);
	return cfg;
}

static int cmd_check(int argc, char **argv)
{
	const char *file = VALED_CFG_DEFAULT_PATH;
	struct valed_cfg *cfg;

	if (argc > 2) {
		fprintf(stderr, PROG " check: too many arguments (expected at most one FILE)\n");
		return 2;
	}
	if (argc == 2)
		file = argv[1];
	cfg = load(file);
	if (cfg == NULL)
		return 1;
	printf("%s: OK\n", file);
	valed_cfg_free(cfg);
	return 0;
}

static int cmd_plan(int argc, char **argv)
{
	struct valed_cfg *old, *new = NULL;
	struct valed_plan plan;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, PROG " plan: expected two files, OLD and NEW\n");
		return 2;
	}
	old = load(argv[1]);
	new = load(argv[2]);
	if (old == NULL || new == NULL)
		goto out;
	if (valed_plan_build(&plan, old, new) < 0) {
		fprintf(stderr, PROG " plan: out of memory\n");
		goto out;
	}
	valed_plan_print(&plan, stdout);
	valed_plan_free(&plan);
	rc = 0;
out:
	valed_cfg_free(old);
	valed_cfg_free(new);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const daemon_cmds[] = { "start", "status", "reload", "port" };
	const char *cmd;
	size_t i;
	int c;

	/* Options stop at the subcommand: its arguments are its own. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf(PROG " " VALED_VERSION "\n");
			return 0;
		default:
			fprintf(stderr, PROG ": unknown option '%s'\n", argv[optind - 1]);
			fprintf(stderr, "Try '" PROG " --help'.\n");
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;

	if (strcmp(cmd, "check") == 0 || strcmp(cmd, "plan") == 0) {
		/* No options yet; "--" is accepted so a FILE may start with '-'. */
		if (argc > 1 && strcmp(argv[1], "--") == 0) {
			argv[1] = argv[0];
			argc--;
			argv++;
		} else {
			for (i = 1; i < (size_t)argc; i++) {
				if (argv[i][0] == '-' && argv[i][1] != '\0') {
					fprintf(stderr, PROG " %s: unknown option '%s'\n",
						cmd, argv[i]);
					return 2;
				}
			}
		}
		return cmd[0] == 'c' ? cmd_check(argc, argv) : cmd_plan(argc, argv);
	}
	for (i = 0; i < sizeof(daemon_cmds) / sizeof(daemon_cmds[0]); i++) {
		if (strcmp(cmd, daemon_cmds[i]) == 0)
			return valed_daemon_cmd(cmd, argc, argv);
	}
	fprintf(stderr, PROG ": unknown command '%s'\n", cmd);
	fprintf(stderr, "Try '" PROG " --help'.\n");
	return 2;
}
