// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_valed_plan - the reconcile diff: which changes give which actions,
 * their order, the printed lines, rollback as the mirror image, and, for
 * every pair of a set of configurations, that the plan carried out on a
 * model of the kernel (with its rules: a NIC on one switch, a persistent
 * port's first switch detached last, nothing deleted while in use...)
 * goes through without a refused step and ends in the desired state.
 */
#include "valed_test.h"
#include "valed_plan.h"

/* "op switch:port" a line: what the ordering tests compare. */
static char *compact(const struct valed_plan *plan)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	for (i = 0; i < plan->n; i++) {
		const struct valed_plan_action *a = &plan->v[i];

		if (a->port == NULL)
			fprintf(f, "%s %s\n", valed_plan_op_name(a->op), a->sw->name);
		else if (a->op == VALED_PLAN_PERSISTENT_CREATE ||
			 a->op == VALED_PLAN_PERSISTENT_DELETE)
			fprintf(f, "%s %s\n", valed_plan_op_name(a->op), a->port->name);
		else
			fprintf(f, "%s %s:%s\n", valed_plan_op_name(a->op),
				a->sw->name, a->port->name);
	}
	fclose(f);
	return buf;
}

static char *full_lines(const struct valed_plan *plan)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	valed_plan_print(plan, f);
	fclose(f);
	return buf;
}

/* The plan from @from to @to (texts; NULL for nothing) in compact form. */
static char *diff(const char *from, const char *to)
{
	struct valed_cfg *a = from ? parse_ok(from) : NULL;
	struct valed_cfg *b = to ? parse_ok(to) : NULL;
	struct valed_plan plan;
	char *s;

	assert_int_equal(valed_plan_build(&plan, a, b), 0);
	s = compact(&plan);
	valed_plan_free(&plan);
	valed_cfg_free(a);
	valed_cfg_free(b);
	return s;
}

#define assert_diff(from, to, want) do { \
	char *got_ = diff((from), (to)); \
	assert_string_equal(got_, (want)); \
	free(got_); \
} while (0)

/* Configurations the pairwise tests go through. */
#define SW(name, ports) "{\"name\": \"" name "\", \"ports\": [" ports "]}"
#define VM(name, extra) "{\"type\": \"vhost-user\", \"name\": \"" name "\"" extra "}"
#define UP(dev, extra) "{\"type\": \"uplink\", \"device\": \"" dev "\"" extra "}"
#define PP(name) "{\"type\": \"persistent\", \"name\": \"" name "\"}"
#define CFG(sws) "{\"switches\": [" sws "]}"

static const char c_full[] = CFG(
	SW("vale0", UP("eth1", ", \"host_stack\": true") ","
		    VM("vm1", ", \"socket\": \"/s/vm1\", \"mac\": \"52:54:00:00:00:01\"") ","
		    VM("vm2", ", \"socket\": \"/s/vm2\"") ","
		    PP("p0")) ","
	SW("vale1", PP("p0") "," UP("eth2", "") ","
		    VM("vm3", ", \"socket\": \"/s/vm3\", \"role\": \"client\"")));

static const char *const configs[] = {
	"{}",
	c_full,
	/* vm1 more queues, eth1 without host stack, p0 off its first switch */
	CFG(SW("vale0", UP("eth1", "") ","
			VM("vm1", ", \"socket\": \"/s/vm1\", \"mac\": \"52:54:00:00:00:01\", \"queues\": 4") ","
			VM("vm2", ", \"socket\": \"/s/vm2\"")) ","
	    SW("vale1", PP("p0") "," UP("eth2", "") ","
			VM("vm3", ", \"socket\": \"/s/vm3\", \"role\": \"client\""))),
	/* the switches in the other order */
	CFG(SW("vale1", PP("p0") "," UP("eth2", "") ","
			VM("vm3", ", \"socket\": \"/s/vm3\", \"role\": \"client\"")) ","
	    SW("vale0", UP("eth1", ", \"host_stack\": true") ","
			VM("vm1", ", \"socket\": \"/s/vm1\", \"mac\": \"52:54:00:00:00:01\"") ","
			VM("vm2", ", \"socket\": \"/s/vm2\"") ","
			PP("p0"))),
	/* eth1 moves to vale1, vm2's socket and MAC go to vm4, "vm1" becomes a persistent port */
	CFG(SW("vale0", PP("vm1") ","
			VM("vm4", ", \"socket\": \"/s/vm2\", \"mac\": \"52:54:00:00:00:01\"")) ","
	    SW("vale1", UP("eth1", "") "," UP("eth2", "") ","
			VM("vm3", ", \"socket\": \"/s/vm3\", \"role\": \"client\""))),
	/* the demo */
	CFG(SW("vale0", VM("vm1", ", \"socket\": \"/run/valed/vm1.sock\"") ","
			VM("vm2", ", \"socket\": \"/run/valed/vm2.sock\""))),
	/* busy polling and switch options restart back-ends */
	"{\"global\": {\"busy_poll\": true}, \"switches\": ["
	"{\"name\": \"vale0\", \"options\": {\"slots\": 256}, \"ports\": ["
	VM("vm1", ", \"socket\": \"/run/valed/vm1.sock\"") ","
	VM("vm2", ", \"socket\": \"/run/valed/vm2.sock\"") "]},"
	SW("vale2", PP("p0") "," PP("p1")) ","
	SW("vale3", PP("p1") "," PP("p0")) "]}",
	/* switches without ports */
	CFG(SW("vale0", "") "," SW("vale9", "")),
};
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

/*
 * A model of what the kernel and the host hold, with the rules the real
 * operations enforce. Each step returns false when the real one would
 * fail.
 */
#define SIM_MAX 64

struct sim_port {
	char sw[16];
	char name[16];
	char what[VALED_PLAN_LINE_MAX];	/* kind and settings */
	bool used;
};

struct sim_netdev {
	char name[16];
	char on[2][16];			/* attach order */
	int n;
	bool used;
};

struct sim {
	char switches[SIM_MAX][16];
	bool sw_used[SIM_MAX];
	struct sim_port ports[SIM_MAX];
	struct sim_netdev netdevs[SIM_MAX];
	char sockets[SIM_MAX][128];
	bool sock_used[SIM_MAX];
};

static int sim_switch(struct sim *s, const char *name)
{
	for (int i = 0; i < SIM_MAX; i++)
		if (s->sw_used[i] && strcmp(s->switches[i], name) == 0)
			return i;
	return -1;
}

static int sim_port(struct sim *s, const char *sw, const char *name)
{
	for (int i = 0; i < SIM_MAX; i++)
		if (s->ports[i].used && strcmp(s->ports[i].sw, sw) == 0 &&
		    strcmp(s->ports[i].name, name) == 0)
			return i;
	return -1;
}

static int sim_netdev(struct sim *s, const char *name)
{
	for (int i = 0; i < SIM_MAX; i++)
		if (s->netdevs[i].used && strcmp(s->netdevs[i].name, name) == 0)
			return i;
	return -1;
}

static int sim_socket(struct sim *s, const char *path)
{
	for (int i = 0; i < SIM_MAX; i++)
		if (s->sock_used[i] && strcmp(s->sockets[i], path) == 0)
			return i;
	return -1;
}

static int sim_free(const bool *used)
{
	for (int i = 0; i < SIM_MAX; i++)
		if (!used[i])
			return i;
	fail_msg("simulator full");
	return -1;
}

/* The settings of a port as the model keeps them. */
static void what(const struct valed_plan_action *a, char *buf)
{
	char line[VALED_PLAN_LINE_MAX];

	valed_plan_format(a, line, sizeof(line));
	/* Everything after the operation's name. */
	snprintf(buf, VALED_PLAN_LINE_MAX, "%s %s", valed_cfg_port_type_name(a->port->type),
		 strchr(line, ' ') + 1);
}

static bool add_port(struct sim *s, const struct valed_plan_action *a)
{
	int i;

	if (sim_switch(s, a->sw->name) < 0 || sim_port(s, a->sw->name, a->port->name) >= 0)
		return false;
	for (i = 0; i < SIM_MAX && s->ports[i].used; i++)
		;
	assert_true(i < SIM_MAX);
	s->ports[i].used = true;
	strcpy(s->ports[i].sw, a->sw->name);
	strcpy(s->ports[i].name, a->port->name);
	what(a, s->ports[i].what);
	return true;
}

static bool del_port(struct sim *s, const struct valed_plan_action *a)
{
	char w[VALED_PLAN_LINE_MAX];
	int i = sim_port(s, a->sw->name, a->port->name);

	if (i < 0)
		return false;
	/* What is stopped is what was started, settings and all. */
	what(a, w);
	if (strcmp(w, s->ports[i].what) != 0)
		return false;
	s->ports[i].used = false;
	return true;
}

/* A NIC can be on one switch only. */
static bool nic_busy(struct sim *s, const char *dev)
{
	for (int i = 0; i < SIM_MAX; i++)
		if (s->ports[i].used && strcmp(s->ports[i].name, dev) == 0 &&
		    strncmp(s->ports[i].what, "uplink", 6) == 0)
			return true;
	return false;
}

static bool sim_step(struct sim *s, const struct valed_plan_action *a)
{
	const struct valed_cfg_port *p = a->port;
	int i, d;

	switch (a->op) {
	case VALED_PLAN_SWITCH_ADD:
		if (sim_switch(s, a->sw->name) >= 0)
			return false;
		i = sim_free(s->sw_used);
		s->sw_used[i] = true;
		strcpy(s->switches[i], a->sw->name);
		return true;
	case VALED_PLAN_SWITCH_REMOVE:
		i = sim_switch(s, a->sw->name);
		if (i < 0)
			return false;
		for (d = 0; d < SIM_MAX; d++)
			if (s->ports[d].used && strcmp(s->ports[d].sw, a->sw->name) == 0)
				return false;
		s->sw_used[i] = false;
		return true;
	case VALED_PLAN_VHOST_START:
		if (sim_socket(s, p->vhost.socket) >= 0 || !add_port(s, a))
			return false;
		i = sim_free(s->sock_used);
		s->sock_used[i] = true;
		strcpy(s->sockets[i], p->vhost.socket);
		return true;
	case VALED_PLAN_VHOST_STOP:
		i = sim_socket(s, p->vhost.socket);
		if (i < 0 || !del_port(s, a))
			return false;
		s->sock_used[i] = false;
		return true;
	case VALED_PLAN_UPLINK_ATTACH:
		if (nic_busy(s, p->name) || sim_netdev(s, p->name) >= 0)
			return false;
		return add_port(s, a);
	case VALED_PLAN_UPLINK_DETACH:
		return del_port(s, a);
	case VALED_PLAN_PERSISTENT_CREATE:
		if (sim_netdev(s, p->name) >= 0 || nic_busy(s, p->name))
			return false;
		for (i = 0; i < SIM_MAX && s->netdevs[i].used; i++)
			;
		memset(&s->netdevs[i], 0, sizeof(s->netdevs[i]));
		s->netdevs[i].used = true;
		strcpy(s->netdevs[i].name, p->name);
		return true;
	case VALED_PLAN_PERSISTENT_DELETE:
		d = sim_netdev(s, p->name);
		if (d < 0 || s->netdevs[d].n != 0)
			return false;
		s->netdevs[d].used = false;
		return true;
	case VALED_PLAN_PERSISTENT_ATTACH:
		d = sim_netdev(s, p->name);
		if (d < 0 || s->netdevs[d].n == 2 || !add_port(s, a))
			return false;
		strcpy(s->netdevs[d].on[s->netdevs[d].n++], a->sw->name);
		return true;
	case VALED_PLAN_PERSISTENT_DETACH:
		d = sim_netdev(s, p->name);
		if (d < 0 || s->netdevs[d].n == 0)
			return false;
		/* The kernel lets the first switch go only after the second. */
		if (strcmp(s->netdevs[d].on[s->netdevs[d].n - 1], a->sw->name) != 0)
			return false;
		if (!del_port(s, a))
			return false;
		s->netdevs[d].n--;
		return true;
	}
	return false;
}

static void sim_apply(struct sim *s, const struct valed_plan *plan)
{
	char line[VALED_PLAN_LINE_MAX];

	for (size_t i = 0; i < plan->n; i++) {
		if (!sim_step(s, &plan->v[i])) {
			valed_plan_format(&plan->v[i], line, sizeof(line));
			fail_msg("step %zu refused: %s", i, line);
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One sorted text of everything in the model. */
static char *sim_state(struct sim *s)
{
	char *lines[4 * SIM_MAX], *buf = NULL;
	size_t n = 0, len = 0;
	FILE *f;

	for (int i = 0; i < SIM_MAX; i++) {
		if (s->sw_used[i])
			assert_true(asprintf(&lines[n++], "switch %s", s->switches[i]) > 0);
		if (s->ports[i].used)
			assert_true(asprintf(&lines[n++], "port %s:%s %s", s->ports[i].sw,
					     s->ports[i].name, s->ports[i].what) > 0);
		if (s->netdevs[i].used)
			assert_true(asprintf(&lines[n++], "netdev %s on %d: %s %s",
					     s->netdevs[i].name, s->netdevs[i].n,
					     s->netdevs[i].n > 0 ? s->netdevs[i].on[0] : "",
					     s->netdevs[i].n > 1 ? s->netdevs[i].on[1] : "") > 0);
	}
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	f = open_memstream(&buf, &len);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s\n", lines[i]);
		free(lines[i]);
	}
	fclose(f);
	return buf;
}

/* The model as a configuration says it should be, built without the plan. */
static char *cfg_state(const struct valed_cfg *c)
{
	struct sim *s = calloc(1, sizeof(*s));
	char *out;

	for (size_t i = 0; i < c->nswitches; i++) {
		const struct valed_cfg_switch *sw = &c->switches[i];
		int k = sim_free(s->sw_used);

		s->sw_used[k] = true;
		strcpy(s->switches[k], sw->name);
		for (size_t j = 0; j < sw->nports; j++) {
			struct valed_plan_action a = {
				.sw = sw, .port = &sw->ports[j],
				.busy_poll = c->global.busy_poll,
			};
			int d;

			a.op = sw->ports[j].type == VALED_CFG_PORT_VHOST_USER ?
				VALED_PLAN_VHOST_START :
			       sw->ports[j].type == VALED_CFG_PORT_UPLINK ?
				VALED_PLAN_UPLINK_ATTACH : VALED_PLAN_PERSISTENT_ATTACH;
			assert_true(add_port(s, &a));
			if (a.op != VALED_PLAN_PERSISTENT_ATTACH)
				continue;
			d = sim_netdev(s, sw->ports[j].name);
			if (d < 0) {
				for (d = 0; s->netdevs[d].used; d++)
					;
				s->netdevs[d].used = true;
				strcpy(s->netdevs[d].name, sw->ports[j].name);
			}
			strcpy(s->netdevs[d].on[s->netdevs[d].n++], sw->name);
		}
	}
	out = sim_state(s);
	free(s);
	return out;
}

/* Every pair: from nothing to A, then A to B, on the model. */
static void test_pairs_on_model(void **state)
{
	struct valed_cfg *cfg[NCONFIGS];
	size_t i, j;

	(void)state;
	for (i = 0; i < NCONFIGS; i++)
		cfg[i] = parse_ok(configs[i]);
	for (i = 0; i < NCONFIGS; i++) {
		for (j = 0; j < NCONFIGS; j++) {
			struct sim *s = calloc(1, sizeof(*s));
			struct valed_plan p1, p2;
			char *got, *want;

			assert_int_equal(valed_plan_build(&p1, NULL, cfg[i]), 0);
			sim_apply(s, &p1);
			got = sim_state(s);
			want = cfg_state(cfg[i]);
			assert_string_equal(got, want);
			free(got);
			free(want);

			assert_int_equal(valed_plan_build(&p2, cfg[i], cfg[j]), 0);
			sim_apply(s, &p2);
			got = sim_state(s);
			want = cfg_state(cfg[j]);
			assert_string_equal(got, want);
			free(got);
			free(want);
			/* Nothing to do between equal configurations. */
			if (i == j)
				assert_int_equal(p2.n, 0);
			valed_plan_free(&p1);
			valed_plan_free(&p2);
			free(s);
		}
	}
	for (i = 0; i < NCONFIGS; i++)
		valed_cfg_free(cfg[i]);
}

/* plan(B, A) is plan(A, B) backwards with each action inverted. */
static void test_rollback_is_inverse(void **state)
{
	struct valed_cfg *cfg[NCONFIGS + 1];
	size_t i, j, k;

	(void)state;
	for (i = 0; i < NCONFIGS; i++)
		cfg[i] = parse_ok(configs[i]);
	cfg[NCONFIGS] = NULL;		/* "nothing" too */
	for (i = 0; i <= NCONFIGS; i++) {
		for (j = 0; j <= NCONFIGS; j++) {
			struct valed_plan fwd, back;

			assert_int_equal(valed_plan_build(&fwd, cfg[i], cfg[j]), 0);
			assert_int_equal(valed_plan_build(&back, cfg[j], cfg[i]), 0);
			assert_int_equal(fwd.n, back.n);
			for (k = 0; k < fwd.n; k++) {
				const struct valed_plan_action *a = &fwd.v[k];
				const struct valed_plan_action *b = &back.v[back.n - 1 - k];

				assert_int_equal(b->op, valed_plan_op_inverse(a->op));
				/* The very same object of the same configuration. */
				assert_ptr_equal(a->sw, b->sw);
				assert_ptr_equal(a->port, b->port);
			}
			valed_plan_free(&fwd);
			valed_plan_free(&back);
		}
	}
	for (i = 0; i < NCONFIGS; i++)
		valed_cfg_free(cfg[i]);
}

static void test_empty_full_empty(void **state)
{
	static const char up[] =
		"switch-add vale0\n"
		"switch-add vale1\n"
		"persistent-create p0\n"
		"persistent-attach vale0:p0\n"
		"persistent-attach vale1:p0\n"
		"uplink-attach vale0:eth1\n"
		"uplink-attach vale1:eth2\n"
		"vhost-start vale0:vm1\n"
		"vhost-start vale0:vm2\n"
		"vhost-start vale1:vm3\n";
	static const char down[] =
		"vhost-stop vale1:vm3\n"
		"vhost-stop vale0:vm2\n"
		"vhost-stop vale0:vm1\n"
		"uplink-detach vale1:eth2\n"
		"uplink-detach vale0:eth1\n"
		"persistent-detach vale1:p0\n"
		"persistent-detach vale0:p0\n"
		"persistent-delete p0\n"
		"switch-remove vale1\n"
		"switch-remove vale0\n";

	(void)state;
	assert_diff(NULL, c_full, up);
	assert_diff("{}", c_full, up);
	assert_diff(c_full, NULL, down);
	assert_diff(c_full, "{\"global\": {\"log_level\": \"debug\"}}", down);
	assert_diff(NULL, NULL, "");
	assert_diff(c_full, c_full, "");
}

static void test_unchanged(void **state)
{
	(void)state;
	/* Key order, spelling of defaults, MAC case, daemon-only globals. */
	assert_diff(CFG(SW("vale0", VM("vm1", ", \"socket\": \"/a\", \"mac\": \"52:54:00:00:00:0a\"") ","
				    UP("eth0", ""))),
		    "{\"global\": {\"log_level\": \"error\", \"cpu_affinity\": [1],"
		    " \"control_socket\": \"/c\", \"control_group\": \"g\"},"
		    " \"switches\": [{\"ports\": ["
		    "{\"mac\": \"52:54:00:00:00:0A\", \"queues\": 1, \"mode\": \"660\","
		    " \"role\": \"server\", \"socket\": \"/a\", \"name\": \"vm1\", \"type\": \"vhost-user\"},"
		    "{\"adapter\": \"generic\", \"host_stack\": false, \"device\": \"eth0\", \"type\": \"uplink\"}],"
		    " \"name\": \"vale0\"}]}",
		    "");
	/* A port added next to others touches only itself. */
	assert_diff(CFG(SW("vale0", VM("vm1", ", \"socket\": \"/a\""))),
		    CFG(SW("vale0", VM("vm1", ", \"socket\": \"/a\"") "," VM("vm2", ", \"socket\": \"/b\""))),
		    "vhost-start vale0:vm2\n");
}

/* Each setting of a running back-end: that port restarts, no other. */
static void test_vhost_changes(void **state)
{
#define BASE(vm1) CFG(SW("vale0", VM("vm1", ", \"socket\": \"/a\"" vm1) "," \
				  VM("vm2", ", \"socket\": \"/b\"")))
	static const char *const changed[] = {
		", \"queues\": 2",
		", \"mac\": \"52:54:00:00:00:01\"",
		", \"role\": \"client\"",
		", \"owner\": \"root\"",
		", \"group\": \"kvm\"",
		", \"mode\": \"0600\"",
	};
	static const char restart[] = "vhost-stop vale0:vm1\nvhost-start vale0:vm1\n";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(changed) / sizeof(changed[0]); i++) {
		char *text;
		char *got;

		assert_true(asprintf(&text, BASE("%s"), changed[i]) > 0);
		got = diff(BASE(""), text);
		assert_string_equal(got, restart);
		free(got);
		free(text);
	}
	assert_diff(BASE(", \"mac\": \"52:54:00:00:00:01\""), BASE(", \"mac\": \"52:54:00:00:00:02\""),
		    restart);
	assert_diff(CFG(SW("vale0", VM("vm1", ", \"socket\": \"/a\"") "," VM("vm2", ", \"socket\": \"/b\""))),
		    CFG(SW("vale0", VM("vm1", ", \"socket\": \"/c\"") "," VM("vm2", ", \"socket\": \"/b\""))),
		    restart);
	/* Switch options and busy polling: every back-end they reach. */
	assert_diff(BASE(""),
		    "{\"switches\": [{\"name\": \"vale0\", \"options\": {\"slots\": 2048}, \"ports\": ["
		    VM("vm1", ", \"socket\": \"/a\"") "," VM("vm2", ", \"socket\": \"/b\"") "]}]}",
		    "vhost-stop vale0:vm2\nvhost-stop vale0:vm1\n"
		    "vhost-start vale0:vm1\nvhost-start vale0:vm2\n");
	assert_diff(BASE(""),
		    "{\"global\": {\"busy_poll\": true}, \"switches\": [" SW("vale0",
		    VM("vm1", ", \"socket\": \"/a\"") "," VM("vm2", ", \"socket\": \"/b\"")) "]}",
		    "vhost-stop vale0:vm2\nvhost-stop vale0:vm1\n"
		    "vhost-start vale0:vm1\nvhost-start vale0:vm2\n");
#undef BASE
}

static void test_uplink_changes(void **state)
{
	(void)state;
	assert_diff(CFG(SW("vale0", UP("eth1", ""))),
		    CFG(SW("vale0", UP("eth1", ", \"host_stack\": true"))),
		    "uplink-detach vale0:eth1\nuplink-attach vale0:eth1\n");
	assert_diff(CFG(SW("vale0", UP("eth1", ""))),
		    CFG(SW("vale0", UP("eth1", ", \"adapter\": \"native\""))),
		    "uplink-detach vale0:eth1\nuplink-attach vale0:eth1\n");
	/* A NIC moving between switches leaves before it joins. */
	assert_diff(CFG(SW("vale0", UP("eth1", ""))),
		    CFG(SW("vale0", "") "," SW("vale1", UP("eth1", ""))),
		    "uplink-detach vale0:eth1\nswitch-add vale1\nuplink-attach vale1:eth1\n");
}

static void test_persistent_changes(void **state)
{
	(void)state;
	/* A second switch: one more attachment. */
	assert_diff(CFG(SW("vale0", PP("p0")) "," SW("vale1", "")),
		    CFG(SW("vale0", PP("p0")) "," SW("vale1", PP("p0"))),
		    "persistent-attach vale1:p0\n");
	/* Off the second switch: one detach. */
	assert_diff(CFG(SW("vale0", PP("p0")) "," SW("vale1", PP("p0"))),
		    CFG(SW("vale0", PP("p0")) "," SW("vale1", "")),
		    "persistent-detach vale1:p0\n");
	/* Off the first: the second must go first and come back. */
	assert_diff(CFG(SW("vale0", PP("p0")) "," SW("vale1", PP("p0"))),
		    CFG(SW("vale0", "") "," SW("vale1", PP("p0"))),
		    "persistent-detach vale1:p0\npersistent-detach vale0:p0\n"
		    "persistent-attach vale1:p0\n");
	/* Moving: no need to delete the interface. */
	assert_diff(CFG(SW("vale0", PP("p0")) "," SW("vale1", "")),
		    CFG(SW("vale0", "") "," SW("vale1", PP("p0"))),
		    "persistent-detach vale0:p0\npersistent-attach vale1:p0\n");
	/* Gone entirely, with its switch. */
	assert_diff(CFG(SW("vale0", PP("p0") "," PP("p1"))),
		    CFG(SW("vale0", PP("p1"))),
		    "persistent-detach vale0:p0\npersistent-delete p0\n");
	assert_diff(CFG(SW("vale0", PP("p0"))), "{}",
		    "persistent-detach vale0:p0\npersistent-delete p0\nswitch-remove vale0\n");
}

/* What moves is free before it is claimed: every removal comes first. */
static void test_reuse_order(void **state)
{
	(void)state;
	/* The socket and MAC of vm1 go to vm9. */
	assert_diff(CFG(SW("vale0", VM("vm1", ", \"socket\": \"/a\", \"mac\": \"02:00:00:00:00:01\""))),
		    CFG(SW("vale0", VM("vm9", ", \"socket\": \"/a\", \"mac\": \"02:00:00:00:00:01\""))),
		    "vhost-stop vale0:vm1\nvhost-start vale0:vm9\n");
	/* A name that changes kind. */
	assert_diff(CFG(SW("vale0", VM("x1", ", \"socket\": \"/a\""))),
		    CFG(SW("vale0", PP("x1"))),
		    "vhost-stop vale0:x1\npersistent-create x1\npersistent-attach vale0:x1\n");
	/* A switch replaced by another. */
	assert_diff(CFG(SW("vale0", VM("vm1", ", \"socket\": \"/a\""))),
		    CFG(SW("vale1", VM("vm1", ", \"socket\": \"/a\""))),
		    "vhost-stop vale0:vm1\nswitch-remove vale0\nswitch-add vale1\n"
		    "vhost-start vale1:vm1\n");
}

static void test_format(void **state)
{
	struct valed_cfg *c = parse_ok(
		"{\"global\": {\"busy_poll\": true}, \"switches\": [{\"name\": \"vale0\","
		" \"options\": {\"slots\": 512}, \"ports\": ["
		"{\"type\": \"vhost-user\", \"name\": \"vm1\", \"socket\": \"/run/valed/vm1.sock\","
		" \"queues\": 4, \"mac\": \"52:54:00:AA:BB:CC\", \"owner\": \"libvirt-qemu\","
		" \"group\": \"kvm\", \"mode\": \"0600\"},"
		"{\"type\": \"vhost-user\", \"name\": \"vm2\", \"socket\": \"/tmp/q.sock\","
		" \"role\": \"client\"},"
		"{\"type\": \"uplink\", \"device\": \"eth1\", \"host_stack\": true},"
		"{\"type\": \"uplink\", \"device\": \"eth2\", \"adapter\": \"native\"},"
		"{\"type\": \"persistent\", \"name\": \"vi0\"}]},"
		"{\"name\": \"vale1\", \"ports\": [{\"type\": \"vhost-user\", \"name\": \"a\", \"socket\": \"/a\"}]}]}");
	struct valed_plan plan;
	char *got;
	size_t i;

	(void)state;
	assert_int_equal(valed_plan_build(&plan, NULL, c), 0);
	got = full_lines(&plan);
	assert_string_equal(got,
		"switch-add vale0\n"
		"switch-add vale1\n"
		"persistent-create vi0\n"
		"persistent-attach vale0:vi0\n"
		"uplink-attach vale0:eth1 host-stack=yes adapter=generic\n"
		"uplink-attach vale0:eth2 host-stack=no adapter=native\n"
		"vhost-start vale0:vm1 socket=/run/valed/vm1.sock role=server queues=4 mac=52:54:00:aa:bb:cc owner=libvirt-qemu group=kvm mode=0600 slots=512 busy-poll=yes\n"
		"vhost-start vale0:vm2 socket=/tmp/q.sock role=client queues=1 slots=512 busy-poll=yes\n"
		"vhost-start vale1:a socket=/a role=server queues=1 mode=0660 busy-poll=yes\n");
	free(got);
	/* The removal lines carry the same details. */
	valed_plan_free(&plan);
	assert_int_equal(valed_plan_build(&plan, c, NULL), 0);
	got = full_lines(&plan);
	assert_non_null(strstr(got, "vhost-stop vale0:vm2 socket=/tmp/q.sock role=client queues=1 slots=512 busy-poll=yes\n"));
	assert_non_null(strstr(got, "uplink-detach vale0:eth1 host-stack=yes adapter=generic\n"));
	assert_non_null(strstr(got, "persistent-delete vi0\n"));
	assert_non_null(strstr(got, "switch-remove vale1\n"));
	free(got);
	/* Truncation is snprintf's: the length that was needed is returned. */
	{
		char small[8];
		char big[VALED_PLAN_LINE_MAX];
		int need = valed_plan_format(&plan.v[0], big, sizeof(big));

		assert_int_equal(valed_plan_format(&plan.v[0], small, sizeof(small)), need);
		assert_int_equal(strlen(small), sizeof(small) - 1);
		assert_memory_equal(small, big, sizeof(small) - 1);
	}
	for (i = 0; i <= VALED_PLAN_VHOST_START; i++)
		assert_int_equal(valed_plan_op_inverse(valed_plan_op_inverse(i)), i);
	assert_int_equal(valed_plan_op_inverse(VALED_PLAN_UPLINK_DETACH), VALED_PLAN_UPLINK_ATTACH);
	assert_int_equal(valed_plan_op_inverse(VALED_PLAN_SWITCH_REMOVE), VALED_PLAN_SWITCH_ADD);
	valed_plan_free(&plan);
	valed_cfg_free(c);
}

/* A refused allocation gives -1 and an empty plan, nothing leaked. */
static void test_alloc_fail(void **state)
{
	struct valed_cfg *c = parse_ok(configs[1]);
	struct valed_plan plan;
	unsigned long n, before, total, fails = 0;

	(void)state;
	before = valed_mem_allocs();
	assert_int_equal(valed_plan_build(&plan, NULL, c), 0);
	total = valed_mem_allocs() - before;
	assert_true(total > 0);
	valed_plan_free(&plan);
	for (n = 1; n <= total; n++) {
		valed_mem_fail_at(n);
		if (valed_plan_build(&plan, NULL, c) < 0) {
			assert_int_equal(plan.n, 0);
			assert_null(plan.v);
			fails++;
		}
		valed_mem_fail_at(0);
		valed_plan_free(&plan);
	}
	assert_int_equal(fails, total);
	valed_cfg_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_full_empty),
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_vhost_changes),
		cmocka_unit_test(test_uplink_changes),
		cmocka_unit_test(test_persistent_changes),
		cmocka_unit_test(test_reuse_order),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_rollback_is_inverse),
		cmocka_unit_test(test_pairs_on_model),
		cmocka_unit_test(test_alloc_fail),
	};

	return cmocka_run_group_tests_name("valed_plan", tests, NULL, NULL);
}
