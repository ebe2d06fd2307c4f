// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_valed_state.c - the serializer reads back to an equal
 * configuration (the example, every file of the valid corpus, and a file
 * with every setting); the state file round trip and its path rules;
 * adoption of a dead daemon's state against a fake kernel.
 */
#include <glob.h>
#include <unistd.h>
#include <sys/stat.h>

#include "valed_test.h"

#include "valed_log.h"
#include "valed_plan.h"
#include "valed_state.h"
#include "valed_state_adopt.h"

static const char every_setting[] =
	"{\"global\":{\"log_level\":\"debug\",\"busy_poll\":true,\"cpu_affinity\":[3,1],"
	"  \"control_group\":\"1234\",\"control_socket\":\"/run/x/ctl.sock\"},"
	" \"switches\":["
	" {\"name\":\"vale0\",\"options\":{\"slots\":4096},\"ports\":["
	"  {\"type\":\"uplink\",\"device\":\"eth1\",\"host_stack\":true,\"adapter\":\"native\"},"
	"  {\"type\":\"vhost-user\",\"name\":\"vm1\",\"socket\":\"/run/valed/vm1.sock\","
	"   \"queues\":16,\"mac\":\"52:54:00:AB:cd:01\",\"owner\":\"libvirt-qemu\","
	"   \"group\":\"0\",\"mode\":\"600\"},"
	"  {\"type\":\"vhost-user\",\"name\":\"vm2\",\"socket\":\"/tmp/q/vm2.sock\","
	"   \"role\":\"client\"},"
	"  {\"type\":\"persistent\",\"name\":\"vi0\"}]},"
	" {\"name\":\"vale_x1\",\"ports\":["
	"  {\"type\":\"persistent\",\"name\":\"vi0\"},"
	"  {\"type\":\"uplink\",\"device\":\"eth2\"}]},"
	" {\"name\":\"vale9\"}]}";

/* Serialize @cfg, parse it back: equal, and serializing again gives the same text. */
static void round_trip(const struct valed_cfg *cfg)
{
	char *t1 = valed_state_dumps(cfg), *t2;
	struct valed_cfg *back;

	assert_non_null(t1);
	back = parse_ok(t1);
	assert_cfg_equal(cfg, back);
	t2 = valed_state_dumps(back);
	assert_non_null(t2);
	assert_string_equal(t1, t2);
	assert_int_equal(t1[strlen(t1) - 1], '\n');
	valed_mem_free(t1);
	valed_mem_free(t2);
	valed_cfg_free(back);
}

static void round_trip_file(const char *file)
{
	struct valed_cfg_errors errs = { 0 };
	struct valed_cfg *cfg;
	enum valed_cfg_result r = valed_cfg_load(file, &cfg, &errs);

	if (r != VALED_CFG_OK) {
		valed_cfg_errors_print(r, &errs, file, stderr);
		fail_msg("%s does not load", file);
	}
	round_trip(cfg);
	valed_cfg_free(cfg);
}

static void test_round_trip_example(void **state)
{
	(void)state;
	round_trip_file("config/valed.example.json");
	round_trip_file("config/examples/demo.json");
}

static void test_round_trip_corpus(void **state)
{
	glob_t g;

	(void)state;
	if (glob("tests/config/valid/*.json", 0, NULL, &g) != 0) {
		/* The corpus may still be empty. */
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		round_trip_file(g.gl_pathv[i]);
	globfree(&g);
}

static void test_round_trip_every_setting(void **state)
{
	struct valed_cfg *cfg = parse_ok(every_setting);
	struct valed_cfg *empty = valed_cfg_new_empty();

	(void)state;
	round_trip(cfg);
	round_trip(empty);
	valed_cfg_free(cfg);
	valed_cfg_free(empty);
}

/* Out of memory anywhere in the serializer: NULL, nothing leaked. */
static void test_serializer_oom(void **state)
{
	struct valed_cfg *cfg = parse_ok(every_setting);
	unsigned long before, n;
	char *t;

	(void)state;
	before = valed_mem_allocs();
	t = valed_state_dumps(cfg);
	assert_non_null(t);
	valed_mem_free(t);
	n = valed_mem_allocs() - before;
	for (unsigned long k = 1; k <= n; k++) {
		valed_mem_fail_at(k);
		t = valed_state_dumps(cfg);
		valed_mem_fail_at(0);
		valed_mem_free(t);
	}
	valed_cfg_free(cfg);
}

static char tmpdir[64];

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_valed_state.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int remove_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_state_file(void **state)
{
	struct valed_cfg *cfg = parse_ok(every_setting), *back;
	char path[128], msg[256];
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/applied.json", tmpdir);
	assert_int_equal(valed_state_read(path, &back, msg, sizeof(msg)), 0);
	assert_null(back);
	assert_int_equal(valed_state_write(path, cfg, msg, sizeof(msg)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(valed_state_read(path, &back, msg, sizeof(msg)), 1);
	assert_cfg_equal(cfg, back);
	valed_cfg_free(back);
	/* Rewritten in place: no temporary file stays. */
	assert_int_equal(valed_state_write(path, cfg, msg, sizeof(msg)), 0);
	strcat(path, ".tmp");
	assert_int_not_equal(access(path, F_OK), 0);
	path[strlen(path) - 4] = '\0';

	/* A damaged file is refused with its position. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"switches\": [", f);
	fclose(f);
	assert_int_equal(valed_state_read(path, &back, msg, sizeof(msg)), -1);
	assert_null(back);
	assert_non_null(strstr(msg, "applied.json:1:"));

	assert_int_equal(valed_state_remove(path), 0);
	assert_int_equal(valed_state_remove(path), 0);
	assert_int_not_equal(access(path, F_OK), 0);

	/* A directory that does not exist: an error message, not a crash. */
	snprintf(path, sizeof(path), "%s/none/applied.json", tmpdir);
	assert_int_equal(valed_state_write(path, cfg, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "No such file"));
	valed_cfg_free(cfg);
}

static void test_state_path(void **state)
{
	char buf[256];

	(void)state;
	unsetenv("VALED_STATE");
	unsetenv("RUNTIME_DIRECTORY");
	assert_string_equal(valed_state_path("/x/y", buf, sizeof(buf)), "/x/y");
	assert_string_equal(valed_state_path(NULL, buf, sizeof(buf)), VALED_STATE_DEFAULT_PATH);
	setenv("RUNTIME_DIRECTORY", "/run/valed:/run/other", 1);
	assert_string_equal(valed_state_path(NULL, buf, sizeof(buf)), "/run/valed/applied.json");
	setenv("VALED_STATE", "/tmp/s.json", 1);
	assert_string_equal(valed_state_path(NULL, buf, sizeof(buf)), "/tmp/s.json");
	assert_string_equal(valed_state_path("/x/y", buf, sizeof(buf)), "/x/y");
	unsetenv("VALED_STATE");
	unsetenv("RUNTIME_DIRECTORY");
}

/* ------------------------------------------------------------------ */
/* Adoption against a fake kernel.                                      */

struct fake_kernel {
	const char *ports[16];		/* "valeX:Y" present */
	const char *ifaces[16];		/* interfaces that exist */
	char deleted[4][16];
	size_t ndeleted;
	bool broken;			/* has_port fails */
};

static bool in(const char *const *list, const char *s)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, s) == 0)
			return true;
	}
	return false;
}

static int fk_has_port(void *ctx, const char *port, struct vhu_err *err)
{
	struct fake_kernel *k = ctx;

	if (k->broken)
		return vhu_err_set(err, "/dev/netmap: No such file or directory");
	return in(k->ports, port);
}

static bool fk_ifexists(void *ctx, const char *ifname)
{
	struct fake_kernel *k = ctx;

	return in(k->ifaces, ifname);
}

static int fk_delif(void *ctx, const char *ifname, struct vhu_err *err)
{
	struct fake_kernel *k = ctx;

	(void)err;
	assert_true(k->ndeleted < 4);
	snprintf(k->deleted[k->ndeleted++], 16, "%s", ifname);
	return 0;
}

static const char dead[] =
	"{\"switches\":["
	" {\"name\":\"vale0\",\"ports\":["
	"  {\"type\":\"uplink\",\"device\":\"eth1\",\"host_stack\":true},"
	"  {\"type\":\"vhost-user\",\"name\":\"vm1\",\"socket\":\"/run/valed/vm1.sock\"},"
	"  {\"type\":\"persistent\",\"name\":\"vi0\"}]},"
	" {\"name\":\"vale1\",\"ports\":["
	"  {\"type\":\"persistent\",\"name\":\"vi0\"},"
	"  {\"type\":\"uplink\",\"device\":\"eth2\"},"
	"  {\"type\":\"vhost-user\",\"name\":\"db1\",\"socket\":\"/run/valed/db1.sock\","
	"   \"owner\":\"nobody\"}]}]}";

static struct valed_cfg *adopt(struct fake_kernel *k, int want)
{
	struct valed_state_probe p = {
		.has_port = fk_has_port, .ifexists = fk_ifexists, .delif = fk_delif, .ctx = k,
	};
	struct valed_cfg *cfg = parse_ok(dead);
	struct vhu_err err;

	assert_int_equal(valed_state_adopt(cfg, &p, &err), want);
	if (want < 0) {
		valed_cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Everything still there: only the VM ports are to be started again. */
static void test_adopt_all_there(void **state)
{
	struct fake_kernel k = {
		.ports = { "vale0:eth1", "vale0:eth1^", "vale0:vi0", "vale1:vi0", "vale1:eth2" },
		.ifaces = { "eth1", "eth2", "vi0" },
	};
	struct valed_cfg *a = adopt(&k, 0), *want = parse_ok(dead);
	struct valed_plan plan;

	(void)state;
	assert_int_equal(a->nswitches, 2);
	assert_int_equal(a->switches[0].nports, 2);
	assert_int_equal(a->switches[1].nports, 2);
	assert_int_equal(k.ndeleted, 0);
	assert_int_equal(valed_plan_build(&plan, a, want), 0);
	assert_int_equal(plan.n, 2);
	assert_int_equal(plan.v[0].op, VALED_PLAN_VHOST_START);
	assert_string_equal(plan.v[0].port->name, "vm1");
	assert_int_equal(plan.v[1].op, VALED_PLAN_VHOST_START);
	assert_string_equal(plan.v[1].port->name, "db1");
	valed_plan_free(&plan);
	valed_cfg_free(a);
	valed_cfg_free(want);
}

/* An uplink someone detached and a persistent port attached nowhere. */
static void test_adopt_some_gone(void **state)
{
	struct fake_kernel k = {
		.ports = { "vale1:eth2" },
		.ifaces = { "eth1", "eth2", "vi0" },
	};
	struct valed_cfg *a = adopt(&k, 0), *want = parse_ok(dead);
	struct valed_plan plan;
	size_t creates = 0;

	(void)state;
	assert_int_equal(a->switches[0].nports, 0);
	assert_int_equal(a->switches[1].nports, 1);
	assert_string_equal(a->switches[1].ports[0].name, "eth2");
	/* vi0 was removed once, so the plan can create it again. */
	assert_int_equal(k.ndeleted, 1);
	assert_string_equal(k.deleted[0], "vi0");
	assert_int_equal(valed_plan_build(&plan, a, want), 0);
	for (size_t i = 0; i < plan.n; i++) {
		assert_true(plan.v[i].op >= VALED_PLAN_SWITCH_ADD);
		creates += plan.v[i].op == VALED_PLAN_PERSISTENT_CREATE;
		/* eth2 stays as it is. */
		assert_false(plan.v[i].port != NULL && strcmp(plan.v[i].port->name, "eth2") == 0);
	}
	assert_int_equal(creates, 1);
	valed_plan_free(&plan);
	valed_cfg_free(a);
	valed_cfg_free(want);
}

/* A persistent port still on its first switch only keeps that one. */
static void test_adopt_partial_persistent(void **state)
{
	struct fake_kernel k = {
		.ports = { "vale0:vi0" },
		.ifaces = { "vi0" },
	};
	struct valed_cfg *a = adopt(&k, 0);

	(void)state;
	assert_int_equal(a->switches[0].nports, 1);
	assert_string_equal(a->switches[0].ports[0].name, "vi0");
	assert_int_equal(a->switches[1].nports, 0);
	assert_int_equal(k.ndeleted, 0);
	valed_cfg_free(a);
}

static void test_adopt_no_kernel(void **state)
{
	struct fake_kernel k = { .broken = true };

	(void)state;
	assert_null(adopt(&k, -1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_example),
		cmocka_unit_test(test_round_trip_corpus),
		cmocka_unit_test(test_round_trip_every_setting),
		cmocka_unit_test(test_serializer_oom),
		cmocka_unit_test_setup_teardown(test_state_file, make_tmp, remove_tmp),
		cmocka_unit_test(test_state_path),
		cmocka_unit_test(test_adopt_all_there),
		cmocka_unit_test(test_adopt_some_gone),
		cmocka_unit_test(test_adopt_partial_persistent),
		cmocka_unit_test(test_adopt_no_kernel),
	};

	/* Adoption logs what it finds; the tests check it instead. */
	valed_log_set_level(VALED_CFG_LOG_ERROR - 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
