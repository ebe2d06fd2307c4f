// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_valed_cfg - the configuration parser: every field and default, the
 * single-value rules, uniqueness rules, error collection with positions
 * and paths, syntax errors, file loading, and allocation failures at
 * every allocation of a full parse.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "valed_test.h"
#include "valed_cfg_check.h"
#include "valed_cfg_path.h"
#include "valed_cfg_pos.h"

/* Every key of the format, none at its default. */
static const char full_text[] =
	"{\n"
	"  \"global\": {\n"
	"    \"log_level\": \"debug\",\n"
	"    \"busy_poll\": true,\n"
	"    \"cpu_affinity\": [3, 1, 1023],\n"
	"    \"control_group\": \"valed\",\n"
	"    \"control_socket\": \"/run/v/ctl.sock\"\n"
	"  },\n"
	"  \"switches\": [\n"
	"    {\n"
	"      \"name\": \"vale0\",\n"
	"      \"options\": { \"slots\": 512 },\n"
	"      \"ports\": [\n"
	"        { \"type\": \"vhost-user\", \"name\": \"vm1\", \"socket\": \"/run/v/vm1.sock\",\n"
	"          \"role\": \"server\", \"queues\": 16, \"mac\": \"52:54:00:AB:cd:01\",\n"
	"          \"owner\": \"libvirt-qemu\", \"group\": \"107\", \"mode\": \"0600\" },\n"
	"        { \"type\": \"vhost-user\", \"name\": \"vm2\", \"socket\": \"/run/v/vm2.sock\",\n"
	"          \"role\": \"client\" },\n"
	"        { \"type\": \"uplink\", \"device\": \"eth1\", \"host_stack\": true,\n"
	"          \"adapter\": \"native\" },\n"
	"        { \"type\": \"persistent\", \"name\": \"vi0\" }\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"vale_Big_1234\",\n"
	"      \"ports\": [\n"
	"        { \"type\": \"persistent\", \"name\": \"vi0\" },\n"
	"        { \"type\": \"uplink\", \"device\": \"enp0s31f6.100\" }\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n";

static void test_defaults(void **state)
{
	struct valed_cfg *cfg = parse_ok("{}");

	(void)state;
	assert_int_equal(cfg->global.log_level, VALED_CFG_LOG_INFO);
	assert_false(cfg->global.busy_poll);
	assert_int_equal(cfg->global.ncpus, 0);
	assert_null(cfg->global.cpus);
	assert_null(cfg->global.control_group);
	assert_string_equal(cfg->global.control_socket, "/run/valed/valed.sock");
	assert_int_equal(cfg->nswitches, 0);
	valed_cfg_free(cfg);

	cfg = parse_ok("{\"global\": {}, \"switches\": [{\"name\": \"vale0\"},"
		       "{\"name\": \"vale1\", \"options\": {}, \"ports\": ["
		       "{\"type\": \"vhost-user\", \"name\": \"a\", \"socket\": \"/a\"},"
		       "{\"type\": \"uplink\", \"device\": \"eth0\"}]}]}");
	assert_int_equal(cfg->nswitches, 2);
	assert_int_equal(cfg->switches[0].nports, 0);
	assert_null(cfg->switches[0].ports);
	assert_int_equal(cfg->switches[0].slots, 0);
	assert_int_equal(cfg->switches[1].slots, 0);
	assert_int_equal(cfg->switches[1].ports[0].type, VALED_CFG_PORT_VHOST_USER);
	assert_int_equal(cfg->switches[1].ports[0].vhost.role, VALED_CFG_ROLE_SERVER);
	assert_int_equal(cfg->switches[1].ports[0].vhost.queues, 1);
	assert_false(cfg->switches[1].ports[0].vhost.has_mac);
	assert_null(cfg->switches[1].ports[0].vhost.owner);
	assert_null(cfg->switches[1].ports[0].vhost.group);
	assert_int_equal(cfg->switches[1].ports[0].vhost.mode, 0660);
	assert_int_equal(cfg->switches[1].ports[1].type, VALED_CFG_PORT_UPLINK);
	assert_false(cfg->switches[1].ports[1].uplink.host_stack);
	assert_int_equal(cfg->switches[1].ports[1].uplink.adapter, VALED_CFG_ADAPTER_GENERIC);
	valed_cfg_free(cfg);
}

static void test_full(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0x01 };
	struct valed_cfg *cfg = parse_ok(full_text);
	const struct valed_cfg_switch *sw;
	const struct valed_cfg_port *p;

	(void)state;
	assert_int_equal(cfg->global.log_level, VALED_CFG_LOG_DEBUG);
	assert_true(cfg->global.busy_poll);
	assert_int_equal(cfg->global.ncpus, 3);
	assert_int_equal(cfg->global.cpus[0], 3);
	assert_int_equal(cfg->global.cpus[1], 1);
	assert_int_equal(cfg->global.cpus[2], 1023);
	assert_string_equal(cfg->global.control_group, "valed");
	assert_string_equal(cfg->global.control_socket, "/run/v/ctl.sock");
	assert_int_equal(cfg->nswitches, 2);

	sw = &cfg->switches[0];
	assert_string_equal(sw->name, "vale0");
	assert_int_equal(sw->slots, 512);
	assert_int_equal(sw->nports, 4);
	p = &sw->ports[0];
	assert_int_equal(p->type, VALED_CFG_PORT_VHOST_USER);
	assert_string_equal(p->name, "vm1");
	assert_string_equal(p->vhost.socket, "/run/v/vm1.sock");
	assert_int_equal(p->vhost.role, VALED_CFG_ROLE_SERVER);
	assert_int_equal(p->vhost.queues, 16);
	assert_true(p->vhost.has_mac);
	assert_memory_equal(p->vhost.mac, mac, 6);
	assert_string_equal(p->vhost.owner, "libvirt-qemu");
	assert_string_equal(p->vhost.group, "107");
	assert_int_equal(p->vhost.mode, 0600);
	p = &sw->ports[1];
	assert_string_equal(p->name, "vm2");
	assert_int_equal(p->vhost.role, VALED_CFG_ROLE_CLIENT);
	p = &sw->ports[2];
	assert_int_equal(p->type, VALED_CFG_PORT_UPLINK);
	assert_string_equal(p->name, "eth1");
	assert_true(p->uplink.host_stack);
	assert_int_equal(p->uplink.adapter, VALED_CFG_ADAPTER_NATIVE);
	p = &sw->ports[3];
	assert_int_equal(p->type, VALED_CFG_PORT_PERSISTENT);
	assert_string_equal(p->name, "vi0");

	sw = &cfg->switches[1];
	assert_string_equal(sw->name, "vale_Big_1234");
	assert_int_equal(sw->nports, 2);
	assert_string_equal(sw->ports[1].name, "enp0s31f6.100");

	/* Lookups the daemon will use. */
	assert_ptr_equal(valed_cfg_find_switch(cfg, "vale_Big_1234"), sw);
	assert_null(valed_cfg_find_switch(cfg, "vale9"));
	assert_ptr_equal(valed_cfg_find_port(&cfg->switches[0], "eth1"),
			 &cfg->switches[0].ports[2]);
	assert_null(valed_cfg_find_port(&cfg->switches[0], "eth2"));
	assert_string_equal(valed_cfg_port_type_name(VALED_CFG_PORT_VHOST_USER), "vhost-user");
	assert_string_equal(valed_cfg_log_level_name(VALED_CFG_LOG_WARNING), "warning");
	assert_string_equal(valed_cfg_role_name(VALED_CFG_ROLE_CLIENT), "client");
	assert_string_equal(valed_cfg_adapter_name(VALED_CFG_ADAPTER_NATIVE), "native");
	valed_cfg_free(cfg);
}

static void test_check_names(void **state)
{
	(void)state;
	assert_true(valed_cfg_check_switch_name("vale0"));
	assert_true(valed_cfg_check_switch_name("vale_"));
	assert_true(valed_cfg_check_switch_name("valeABCDEFGHIJK"));	/* 15 */
	assert_false(valed_cfg_check_switch_name("valeABCDEFGHIJKL"));	/* 16 */
	assert_false(valed_cfg_check_switch_name("vale"));
	assert_false(valed_cfg_check_switch_name("Vale0"));
	assert_false(valed_cfg_check_switch_name("vale0:"));
	assert_false(valed_cfg_check_switch_name("vale-0"));
	assert_false(valed_cfg_check_switch_name("switch0"));

	assert_true(valed_cfg_check_port_name("a"));
	assert_true(valed_cfg_check_port_name("VM_1234567890ab"));	/* 15 */
	assert_false(valed_cfg_check_port_name("VM_1234567890abc"));	/* 16 */
	assert_false(valed_cfg_check_port_name(""));
	assert_false(valed_cfg_check_port_name("vm-1"));	/* ring suffix */
	assert_false(valed_cfg_check_port_name("vm{1"));	/* pipe */
	assert_false(valed_cfg_check_port_name("vm^"));

	assert_true(valed_cfg_check_ifname("eth0"));
	assert_true(valed_cfg_check_ifname("enp0s31f6.100"));
	assert_true(valed_cfg_check_ifname("br-lan"));
	assert_true(valed_cfg_check_ifname("123456789012345"));
	assert_false(valed_cfg_check_ifname("1234567890123456"));
	assert_false(valed_cfg_check_ifname(""));
	assert_false(valed_cfg_check_ifname("."));
	assert_false(valed_cfg_check_ifname(".."));
	assert_true(valed_cfg_check_ifname("..."));
	assert_false(valed_cfg_check_ifname("a/b"));
	assert_false(valed_cfg_check_ifname("a b"));
	assert_false(valed_cfg_check_ifname("a\tb"));
	assert_false(valed_cfg_check_ifname("a:b"));
	assert_false(valed_cfg_check_ifname("a{b"));
	assert_false(valed_cfg_check_ifname("a}b"));

	assert_true(valed_cfg_check_persistent_name("vi0"));
	assert_true(valed_cfg_check_persistent_name("valx"));
	assert_false(valed_cfg_check_persistent_name("vale0"));
	assert_false(valed_cfg_check_persistent_name("vale"));
	assert_false(valed_cfg_check_persistent_name("v/0"));

	assert_true(valed_cfg_check_id("root"));
	assert_true(valed_cfg_check_id("_apt"));
	assert_true(valed_cfg_check_id("libvirt-qemu"));
	assert_true(valed_cfg_check_id("host$"));
	assert_true(valed_cfg_check_id("0"));
	assert_true(valed_cfg_check_id("4294967294"));
	assert_true(valed_cfg_check_id("abcdefghijklmnopqrstuvwxyz012345"));	/* 32 */
	assert_false(valed_cfg_check_id("abcdefghijklmnopqrstuvwxyz0123456"));	/* 33 */
	assert_false(valed_cfg_check_id("4294967295"));
	assert_true(valed_cfg_check_id("0000000001"));
	assert_false(valed_cfg_check_id("00000000001"));
	assert_false(valed_cfg_check_id("99999999999999999999999"));
	assert_false(valed_cfg_check_id(""));
	assert_false(valed_cfg_check_id("Root"));
	assert_false(valed_cfg_check_id("1a"));
	assert_false(valed_cfg_check_id("-x"));
	assert_false(valed_cfg_check_id("a$b"));
	assert_false(valed_cfg_check_id("a b"));
}

static void test_check_values(void **state)
{
	char path[128];
	uint8_t mac[6] = { 0 };
	unsigned int mode = 1;

	(void)state;
	assert_int_equal(valed_cfg_check_socket_path("/run/valed/vm1.sock"), VALED_CFG_PATH_OK);
	assert_int_equal(valed_cfg_check_socket_path("/a"), VALED_CFG_PATH_OK);
	assert_int_equal(valed_cfg_check_socket_path("/a/.hidden/..b/b.."), VALED_CFG_PATH_OK);
	assert_int_equal(valed_cfg_check_socket_path("run/x"), VALED_CFG_PATH_RELATIVE);
	assert_int_equal(valed_cfg_check_socket_path(""), VALED_CFG_PATH_RELATIVE);
	assert_int_equal(valed_cfg_check_socket_path("/"), VALED_CFG_PATH_NOT_NORMAL);
	assert_int_equal(valed_cfg_check_socket_path("//a"), VALED_CFG_PATH_NOT_NORMAL);
	assert_int_equal(valed_cfg_check_socket_path("/a/"), VALED_CFG_PATH_NOT_NORMAL);
	assert_int_equal(valed_cfg_check_socket_path("/a/./b"), VALED_CFG_PATH_NOT_NORMAL);
	assert_int_equal(valed_cfg_check_socket_path("/a/../b"), VALED_CFG_PATH_NOT_NORMAL);
	assert_int_equal(valed_cfg_check_socket_path("/a/.."), VALED_CFG_PATH_NOT_NORMAL);
	/* 107 bytes fit sun_path with its NUL, 108 do not. */
	memset(path, 'x', sizeof(path));
	path[0] = '/';
	path[107] = '\0';
	assert_int_equal(valed_cfg_check_socket_path(path), VALED_CFG_PATH_OK);
	path[107] = 'x';
	path[108] = '\0';
	assert_int_equal(valed_cfg_check_socket_path(path), VALED_CFG_PATH_TOO_LONG);

	assert_int_equal(valed_cfg_parse_mac("52:54:00:Ab:cD:ef", mac), VALED_CFG_MAC_OK);
	assert_int_equal(mac[3], 0xab);
	assert_int_equal(mac[5], 0xef);
	assert_int_equal(valed_cfg_parse_mac("02:00:00:00:00:00", mac), VALED_CFG_MAC_OK);
	assert_int_equal(valed_cfg_parse_mac("01:00:5e:00:00:01", mac), VALED_CFG_MAC_MULTICAST);
	assert_int_equal(valed_cfg_parse_mac("33:33:00:00:00:01", mac), VALED_CFG_MAC_MULTICAST);
	assert_int_equal(valed_cfg_parse_mac("ff:ff:ff:ff:ff:ff", mac), VALED_CFG_MAC_MULTICAST);
	assert_int_equal(valed_cfg_parse_mac("00:00:00:00:00:00", mac), VALED_CFG_MAC_ZERO);
	assert_int_equal(valed_cfg_parse_mac("52-54-00-00-00-01", mac), VALED_CFG_MAC_SYNTAX);
	assert_int_equal(valed_cfg_parse_mac("52:54:00:00:00", mac), VALED_CFG_MAC_SYNTAX);
	assert_int_equal(valed_cfg_parse_mac("52:54:00:00:00:0g", mac), VALED_CFG_MAC_SYNTAX);
	assert_int_equal(valed_cfg_parse_mac("52:54:00:00:00:011", mac), VALED_CFG_MAC_SYNTAX);
	assert_int_equal(valed_cfg_parse_mac("5:54:00:00:00:01:", mac), VALED_CFG_MAC_SYNTAX);
	/* A refused address leaves the output alone. */
	assert_int_equal(mac[0], 0x02);

	assert_true(valed_cfg_parse_mode("0660", &mode));
	assert_int_equal(mode, 0660);
	assert_true(valed_cfg_parse_mode("600", &mode));
	assert_int_equal(mode, 0600);
	assert_true(valed_cfg_parse_mode("0000", &mode));
	assert_int_equal(mode, 0);
	assert_true(valed_cfg_parse_mode("0777", &mode));
	assert_false(valed_cfg_parse_mode("1777", &mode));
	assert_false(valed_cfg_parse_mode("0778", &mode));
	assert_false(valed_cfg_parse_mode("66", &mode));
	assert_false(valed_cfg_parse_mode("06600", &mode));
	assert_false(valed_cfg_parse_mode("rw-", &mode));
	assert_int_equal(mode, 0777);
}

/* Several errors in one file: all reported, in file order. */
static void test_collects_all(void **state)
{
	(void)state;
	assert_report(
		"{\"switches\": [{\"name\": \"vale0\", \"ports\": [\n"
		"  {\"type\": \"vhost-user\", \"name\": \"vm1\", \"socket\": \"/s1\", \"queues\": 0},\n"
		"  {\"type\": \"vhost-user\", \"name\": \"vm1\", \"socket\": \"/s1\", \"queues\": 17,\n"
		"   \"mac\": \"01:02:03:04:05:06\", \"speed\": 10}]}],\n"
		" \"global\": {\"log_level\": 3}}",
		"t.json:2:68: $.switches[0].ports[0].queues: expected an integer 1..16, got 0\n"
		"t.json:3:34: $.switches[0].ports[1].name: port name \"vm1\" also used by $.switches[0].ports[0]\n"
		"t.json:3:51: $.switches[0].ports[1].socket: socket \"/s1\" also used by $.switches[0].ports[0]\n"
		"t.json:3:68: $.switches[0].ports[1].queues: expected an integer 1..16, got 17\n"
		"t.json:4:11: $.switches[0].ports[1].mac: expected a unicast MAC address (even first octet), got the multicast address \"01:02:03:04:05:06\"\n"
		"t.json:4:32: $.switches[0].ports[1].speed: unknown key \"speed\" for a port of type \"vhost-user\", expected one of: type, name, socket, role, queues, mac, owner, group, mode\n"
		"t.json:5:26: $.global.log_level: expected one of \"error\", \"warning\", \"info\", \"debug\", got 3\n");
}

/* Positions count characters, tabs as one, and keys are found escaped. */
static void test_positions(void **state)
{
	(void)state;
	/* "é" is two bytes, one column; "\t" one column. */
	assert_report("{\"global\":\t{\"control_group\": \"é\", \"log_level\": \"x\"}}",
		      "t.json:1:30: $.global.control_group: expected a group name or numeric id, got \"é\"\n"
		      "t.json:1:48: $.global.log_level: expected one of \"error\", \"warning\", \"info\", \"debug\", got \"x\"\n");
	/* An unknown key is reported where the key starts, by its decoded name. */
	assert_report("{\n\n   \"glob\\u0061l\": {\"a\\\"b\": 1, \"c d\": 2, \"\\u00e9\": 3}}",
		      "t.json:3:20: $.global[\"a\\\"b\"]: unknown key \"a\\\"b\", expected one of: log_level, busy_poll, cpu_affinity, control_group, control_socket\n"
		      "t.json:3:31: $.global[\"c d\"]: unknown key \"c d\", expected one of: log_level, busy_poll, cpu_affinity, control_group, control_socket\n"
		      "t.json:3:41: $.global[\"é\"]: unknown key \"é\", expected one of: log_level, busy_poll, cpu_affinity, control_group, control_socket\n");
	/* Array elements, nested arrays, CRLF line ends. */
	assert_report("{\r\n\"global\": {\"cpu_affinity\": [0,\r\n  [1],\r\n  2, 1024]}}",
		      "t.json:3:3: $.global.cpu_affinity[1]: expected a CPU number 0..1023, got an array\n"
		      "t.json:4:6: $.global.cpu_affinity[3]: expected a CPU number 0..1023, got 1024\n");
	/* A long string is quoted in part only. */
	assert_report("{\"global\": {\"control_group\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}",
		      "t.json:1:30: $.global.control_group: expected a group name or numeric id, got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"\n");
}

static void test_types(void **state)
{
	(void)state;
	assert_report("[]", "t.json:1:1: $: expected an object, got an array\n");
	assert_report("{\"global\": [], \"switches\": {}}",
		      "t.json:1:12: $.global: expected an object, got an array\n"
		      "t.json:1:28: $.switches: expected an array of switches, got an object\n");
	assert_report("{\"global\": {\"busy_poll\": \"true\", \"cpu_affinity\": [],"
		      " \"control_socket\": null}, \"switches\": [7, {\"name\": 5,"
		      " \"options\": [], \"ports\": [false, {\"type\": 1}]}]}",
		      "t.json:1:26: $.global.busy_poll: expected true or false, got \"true\"\n"
		      "t.json:1:50: $.global.cpu_affinity: expected a non-empty array of CPU numbers, got []\n"
		      "t.json:1:72: $.global.control_socket: expected an absolute path, got null\n"
		      "t.json:1:92: $.switches[0]: expected an object, got 7\n"
		      "t.json:1:104: $.switches[1].name: expected a switch name: \"vale\" and 1..11 letters, digits or underscores, got 5\n"
		      "t.json:1:118: $.switches[1].options: expected an object, got an array\n"
		      "t.json:1:132: $.switches[1].ports[0]: expected an object, got false\n"
		      "t.json:1:148: $.switches[1].ports[1].type: expected one of \"vhost-user\", \"uplink\", \"persistent\", got 1\n");
	assert_report("{\"switches\": [{\"name\": \"vale0\", \"options\": {\"slots\": 4097}, \"ports\": ["
		      "{\"type\": \"uplink\", \"device\": \"eth0\", \"host_stack\": 0, \"adapter\": \"fast\"},"
		      "{\"type\": \"vhost-user\", \"name\": \"a\", \"socket\": \"/a\", \"queues\": 2.0, \"role\": \"both\"}]}]}",
		      "t.json:1:54: $.switches[0].options.slots: expected an integer 1..4096, got 4097\n"
		      "t.json:1:122: $.switches[0].ports[0].host_stack: expected true or false, got 0\n"
		      "t.json:1:136: $.switches[0].ports[0].adapter: expected one of \"generic\", \"native\", got \"fast\"\n"
		      "t.json:1:206: $.switches[0].ports[1].queues: expected an integer 1..16, got 2.0\n"
		      "t.json:1:219: $.switches[0].ports[1].role: expected one of \"server\", \"client\", got \"both\"\n");
}

static void test_missing_and_role(void **state)
{
	(void)state;
	assert_report("{\"switches\": [{\"ports\": [{\"type\": \"vhost-user\"}, {\"type\": \"uplink\"},"
		      " {\"type\": \"persistent\"}, {}]}]}",
		      "t.json:1:15: $.switches[0]: missing required key \"name\" (the VALE switch, e.g. \"vale0\")\n"
		      "t.json:1:26: $.switches[0].ports[0]: missing required key \"name\" (the port's name on its switch)\n"
		      "t.json:1:26: $.switches[0].ports[0]: missing required key \"socket\" (the path of the vhost-user socket)\n"
		      "t.json:1:50: $.switches[0].ports[1]: missing required key \"device\" (the network interface)\n"
		      "t.json:1:70: $.switches[0].ports[2]: missing required key \"name\" (the interface valed creates)\n"
		      "t.json:1:94: $.switches[0].ports[3]: missing required key \"type\" (\"vhost-user\", \"uplink\" or \"persistent\")\n");
	/* owner, group and mode belong to a socket valed creates. */
	assert_report("{\"switches\": [{\"name\": \"vale0\", \"ports\": [{\"type\": \"vhost-user\","
		      " \"name\": \"a\", \"socket\": \"/a\", \"role\": \"client\", \"owner\": \"root\","
		      " \"group\": \"kvm\", \"mode\": \"0600\"}]}]}",
		      "t.json:1:122: $.switches[0].ports[0].owner: expected no \"owner\" with role \"client\" (the front-end creates the socket), got \"root\"\n"
		      "t.json:1:139: $.switches[0].ports[0].group: expected no \"group\" with role \"client\" (the front-end creates the socket), got \"kvm\"\n"
		      "t.json:1:154: $.switches[0].ports[0].mode: expected no \"mode\" with role \"client\" (the front-end creates the socket), got \"0600\"\n");
}

static void test_conflicts(void **state)
{
	(void)state;
	/* The control socket, even when it is the default, is taken. */
	assert_report("{\"switches\": [{\"name\": \"vale0\", \"ports\": [{\"type\": \"vhost-user\","
		      " \"name\": \"a\", \"socket\": \"/run/valed/valed.sock\"}]}]}",
		      "t.json:1:89: $.switches[0].ports[0].socket: socket \"/run/valed/valed.sock\" also used by the control socket (default of $.global.control_socket)\n");
	/* ...and named when it is set, wherever "global" stands. */
	assert_report("{\"switches\": [{\"name\": \"vale0\", \"ports\": [{\"type\": \"vhost-user\","
		      " \"name\": \"a\", \"socket\": \"/c\"}]}], \"global\": {\"control_socket\": \"/c\"}}",
		      "t.json:1:89: $.switches[0].ports[0].socket: socket \"/c\" also used by $.global.control_socket\n");
	/* An invalid control socket claims nothing. */
	assert_report("{\"global\": {\"control_socket\": \"c\"}, \"switches\": [{\"name\": \"vale0\", \"ports\": [{\"type\": \"vhost-user\","
		      " \"name\": \"a\", \"socket\": \"/run/valed/valed.sock\"}]}]}",
		      "t.json:1:31: $.global.control_socket: expected an absolute path, got \"c\"\n");
	/* Port names are per switch; a MAC compares case-blind. */
	assert_report("{\"switches\": [{\"name\": \"vale0\", \"ports\": ["
		      "{\"type\": \"vhost-user\", \"name\": \"eth0\", \"socket\": \"/a\", \"mac\": \"52:54:00:00:00:aa\"}]},"
		      "{\"name\": \"vale1\", \"ports\": ["
		      "{\"type\": \"vhost-user\", \"name\": \"eth0\", \"socket\": \"/b\", \"mac\": \"52:54:00:00:00:AA\"},"
		      "{\"type\": \"uplink\", \"device\": \"eth0\"}]}]}",
		      "t.json:1:218: $.switches[1].ports[0].mac: MAC 52:54:00:00:00:aa also used by $.switches[0].ports[0]\n"
		      "t.json:1:268: $.switches[1].ports[1].device: port name \"eth0\" also used by $.switches[1].ports[0]\n");
	/* A persistent port twice on one switch; on three switches. */
	assert_report("{\"switches\": ["
		      "{\"name\": \"vale0\", \"ports\": [{\"type\": \"persistent\", \"name\": \"p\"}, {\"type\": \"persistent\", \"name\": \"p\"}]},"
		      "{\"name\": \"vale1\", \"ports\": [{\"type\": \"persistent\", \"name\": \"p\"}]},"
		      "{\"name\": \"vale2\", \"ports\": [{\"type\": \"persistent\", \"name\": \"p\"}]}]}",
		      "t.json:1:111: $.switches[0].ports[1].name: port name \"p\" also used by $.switches[0].ports[0]\n"
		      "t.json:1:243: $.switches[2].ports[0].name: persistent port \"p\" already on 2 switches ($.switches[0].ports[0], $.switches[1].ports[0]), expected at most 2\n");
	/* Switch names and CPUs. */
	assert_report("{\"global\": {\"cpu_affinity\": [1, 1]}, \"switches\": [{\"name\": \"vale0\"}, {\"name\": \"vale0\"}]}",
		      "t.json:1:33: $.global.cpu_affinity[1]: CPU 1 also listed at $.global.cpu_affinity[0]\n"
		      "t.json:1:79: $.switches[1].name: switch name \"vale0\" also used by $.switches[0]\n");
}

/* Syntax errors: jansson's position and text, the lexer's path. */
static void test_syntax(void **state)
{
	(void)state;
	assert_report("", "t.json:1:1: $: syntax error: '[' or '{' expected near end of file\n");
	assert_report("{\"switches\": [{\"name\": \"vale0\", \"ports\": [1,]}]}",
		      "t.json:1:45: $.switches[0].ports[1]: syntax error: unexpected token near ']'\n");
	assert_report("{\"switches\": [{\"name\": \"vale0\",}]}",
		      "t.json:1:32: $.switches[0]: syntax error: string or '}' expected near '}'\n");
	assert_report("{\"global\": {\"log_level\": \"inf\\o\"}}",
		      "t.json:1:31: $.global.log_level: syntax error: invalid escape near '\"inf\\o'\n");
	assert_report("{\"global\": {\"busy_poll\": true, \"busy_poll\": false}}",
		      "t.json:1:42: $.global.busy_poll: syntax error: duplicate object key near '\"busy_poll\"'\n");
	assert_report("{\"global\": {\n\"log_level\" \"info\"}}",
		      "t.json:2:18: $.global.log_level: syntax error: ':' expected near '\"info\"'\n");
	assert_report("{} {}", "t.json:1:4: $: syntax error: end of file expected near '{'\n");
	assert_report("{\"switches\": [", "t.json:1:14: $.switches[0]: syntax error: ']' expected near end of file\n");
	/* The refused token is the place, not what follows it. */
	assert_report("{\"global\": {\"control_group\": \"caf\xe9\"}}",
		      "t.json:1:33: $.global.control_group: syntax error: unable to decode byte 0xe9 near '\"caf'\n");
	assert_report("{\"switches\": [{\"name\": \"vale0\", \"options\": {\"slots\": 1e999}}]}",
		      "t.json:1:58: $.switches[0].options.slots: syntax error: real number overflow near '1e999'\n");
	assert_report("{\"global\": {\"busy_poll\": True}}",
		      "t.json:1:29: $.global.busy_poll: syntax error: invalid token near 'True'\n");
}

/* The position index on its own, including where it stops. */
static void test_pos_index(void **state)
{
	static const char text[] = "{\"a\": [1, {\"b\\n\": \"x\"}],\n \"c\": {}}";
	const struct valed_cfg_pos_entry *e;
	struct valed_cfg_pos pos;

	(void)state;
	assert_int_equal(valed_cfg_pos_build(&pos, text, strlen(text), strlen(text)), 0);
	e = valed_cfg_pos_find(&pos, "$");
	assert_non_null(e);
	assert_int_equal(e->val_line, 1);
	assert_int_equal(e->val_col, 1);
	e = valed_cfg_pos_find(&pos, "$.a");
	assert_non_null(e);
	assert_int_equal(e->key_col, 2);
	assert_int_equal(e->val_col, 7);
	e = valed_cfg_pos_find(&pos, "$.a[1][\"b\\u000a\"]");
	assert_non_null(e);
	assert_int_equal(e->key_col, 12);
	assert_int_equal(e->val_col, 19);
	e = valed_cfg_pos_find(&pos, "$.c");
	assert_non_null(e);
	assert_int_equal(e->key_line, 2);
	assert_int_equal(e->key_col, 2);
	assert_int_equal(e->val_col, 7);
	assert_null(valed_cfg_pos_find(&pos, "$.b"));
	assert_string_equal(pos.stop_path, "$");
	valed_cfg_pos_free(&pos);

	/* Stopped inside the array, after "1, ": the next element is the place. */
	assert_int_equal(valed_cfg_pos_build(&pos, text, strlen(text), 10), 0);
	assert_string_equal(pos.stop_path, "$.a[1]");
	valed_cfg_pos_free(&pos);
	/* Stopped right after the ',' (jansson refused it): the array is. */
	assert_int_equal(valed_cfg_pos_build(&pos, text, strlen(text), 9), 0);
	assert_string_equal(pos.stop_path, "$.a");
	valed_cfg_pos_free(&pos);
	/* Stopped right after "1": that element. */
	assert_int_equal(valed_cfg_pos_build(&pos, text, strlen(text), 8), 0);
	assert_string_equal(pos.stop_path, "$.a[0]");
	valed_cfg_pos_free(&pos);
	/* Stopped after the key "c": the member is the place. */
	assert_int_equal(valed_cfg_pos_build(&pos, text, strlen(text), 30), 0);
	assert_string_equal(pos.stop_path, "$.c");
	valed_cfg_pos_free(&pos);
}

static void test_path(void **state)
{
	struct valed_cfg_path p;
	long m1, m2;

	(void)state;
	assert_int_equal(valed_cfg_path_init(&p), 0);
	m1 = valed_cfg_path_key(&p, "switches", 8);
	assert_int_equal(m1, 1);
	m2 = valed_cfg_path_index(&p, 12);
	assert_string_equal(p.s, "$.switches[12]");
	assert_true(valed_cfg_path_key(&p, "x\x01y", 3) > 0);
	assert_string_equal(p.s, "$.switches[12][\"x\\u0001y\"]");
	valed_cfg_path_cut(&p, m2);
	assert_string_equal(p.s, "$.switches");
	assert_true(valed_cfg_path_key(&p, "0a", 2) > 0);
	assert_string_equal(p.s, "$.switches[\"0a\"]");
	valed_cfg_path_cut(&p, m1);
	assert_true(valed_cfg_path_key(&p, "", 0) > 0);
	assert_string_equal(p.s, "$[\"\"]");
	valed_cfg_path_free(&p);
}

static void test_too_large(void **state)
{
	size_t len = VALED_CFG_TEXT_MAX + 1;
	enum valed_cfg_result res;
	char *text = malloc(len), *got;

	(void)state;
	assert_non_null(text);
	memset(text, ' ', len);
	text[0] = '{';
	text[len - 1] = '}';
	got = report(text, len, &res);
	assert_int_equal(res, VALED_CFG_INVALID);
	assert_string_equal(got, "t.json:1:1: $: expected at most 1048576 bytes of JSON, got 1048577\n");
	free(got);
	/* One byte less is fine. */
	text[len - 2] = '}';
	got = report(text, len - 1, &res);
	assert_int_equal(res, VALED_CFG_OK);
	free(got);
	free(text);
}

static void test_load(void **state)
{
	char dir[] = "/tmp/valed-test-XXXXXX", file[64];
	struct valed_cfg_errors errs = { 0 };
	struct valed_cfg *cfg;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/valed.json", dir);

	assert_int_equal(valed_cfg_load(file, &cfg, &errs), VALED_CFG_IO);
	assert_null(cfg);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].msg, "cannot read: No such file or directory");
	assert_int_equal(errs.v[0].line, 0);
	valed_cfg_errors_free(&errs);

	assert_int_equal(valed_cfg_load(dir, &cfg, &errs), VALED_CFG_IO);
	assert_string_equal(errs.v[0].msg, "cannot read: not a regular file");
	valed_cfg_errors_free(&errs);

	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, full_text, strlen(full_text)), (ssize_t)strlen(full_text));
	close(fd);
	assert_int_equal(valed_cfg_load(file, &cfg, &errs), VALED_CFG_OK);
	assert_non_null(cfg);
	assert_int_equal(cfg->nswitches, 2);
	valed_cfg_free(cfg);

	/* Unreadable to us (skipped as root, who reads everything). */
	if (geteuid() != 0) {
		assert_int_equal(chmod(file, 0), 0);
		assert_int_equal(valed_cfg_load(file, &cfg, &errs), VALED_CFG_IO);
		assert_string_equal(errs.v[0].msg, "cannot read: Permission denied");
		valed_cfg_errors_free(&errs);
	}
	unlink(file);
	rmdir(dir);
}

/*
 * Fail each allocation of a parse in turn: every run must end with the
 * result of the clean run or a bare VALED_CFG_NOMEM, never a different
 * report, a crash or a leak (ASan checks that at exit).
 */
static void sweep(const char *text, enum valed_cfg_result want)
{
	struct valed_cfg_errors errs = { 0 };
	struct valed_cfg *ref, *cfg;
	unsigned long before, total, n, nomem = 0;
	enum valed_cfg_result r;
	char *ref_report, *rep;

	before = valed_mem_allocs();
	ref_report = report(text, strlen(text), &r);
	total = valed_mem_allocs() - before;
	assert_int_equal(r, want);
	assert_true(total > 0);
	r = valed_cfg_parse(text, strlen(text), &ref, &errs);
	valed_cfg_errors_free(&errs);

	for (n = 1; n <= total + 1; n++) {
		valed_mem_fail_at(n);
		r = valed_cfg_parse(text, strlen(text), &cfg, &errs);
		valed_mem_fail_at(0);
		if (r == VALED_CFG_NOMEM) {
			assert_null(cfg);
			assert_int_equal(errs.n, 0);
			assert_null(errs.v);
			nomem++;
			continue;
		}
		assert_int_equal(r, want);
		if (r == VALED_CFG_OK) {
			assert_cfg_equal(cfg, ref);
			valed_cfg_free(cfg);
		} else {
			FILE *f;
			size_t len = 0;

			rep = NULL;
			f = open_memstream(&rep, &len);
			valed_cfg_errors_print(r, &errs, "t.json", f);
			fclose(f);
			assert_string_equal(rep, ref_report);
			free(rep);
			valed_cfg_errors_free(&errs);
		}
	}
	/* Each refused allocation but ones nobody needs ends in NOMEM. */
	assert_true(nomem > 0);
	assert_true(nomem <= total);
	valed_cfg_free(ref);
	free(ref_report);
}

static void test_alloc_fail_valid(void **state)
{
	(void)state;
	sweep(full_text, VALED_CFG_OK);
	sweep("{}", VALED_CFG_OK);
}

static void test_alloc_fail_invalid(void **state)
{
	(void)state;
	sweep("{\"global\": {\"cpu_affinity\": [1, 1], \"x\\ty\": 0},\n"
	      " \"switches\": [{\"name\": \"vale0\", \"ports\": [\n"
	      "  {\"type\": \"vhost-user\", \"name\": \"a\", \"socket\": \"/a\", \"mac\": \"02:00:00:00:00:01\"},\n"
	      "  {\"type\": \"vhost-user\", \"name\": \"a\", \"socket\": \"/a\", \"mac\": \"02:00:00:00:00:01\"},\n"
	      "  {\"type\": \"uplink\", \"device\": \"e/0\"}, {\"type\": \"persistent\", \"name\": \"a\"}]},\n"
	      "  {\"name\": \"vale0\", \"options\": {\"slots\": 0}}]}",
	      VALED_CFG_INVALID);
	sweep("{\"switches\": [{\"name\": \"vale0\", \"ports\": [1,]}]}", VALED_CFG_INVALID);
	sweep("{\"a\": 1, \"a\": 2}", VALED_CFG_INVALID);
}

/* The loader's own allocation (the text buffer) fails cleanly too. */
static void test_alloc_fail_load(void **state)
{
	char file[] = "/tmp/valed-test-XXXXXX";
	struct valed_cfg_errors errs = { 0 };
	struct valed_cfg *cfg;
	unsigned long n, nomem = 0;
	enum valed_cfg_result r;
	int fd = mkstemp(file);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{}", 2), 2);
	close(fd);
	for (n = 1; n <= 8; n++) {
		valed_mem_fail_at(n);
		r = valed_cfg_load(file, &cfg, &errs);
		valed_mem_fail_at(0);
		if (r == VALED_CFG_NOMEM) {
			assert_null(cfg);
			assert_int_equal(errs.n, 0);
			nomem++;
		} else {
			assert_int_equal(r, VALED_CFG_OK);
			valed_cfg_free(cfg);
		}
	}
	assert_true(nomem > 0);
	/* A missing file whose one error cannot be recorded. */
	valed_mem_fail_at(1);
	r = valed_cfg_load("/nonexistent/valed.json", &cfg, &errs);
	valed_mem_fail_at(0);
	assert_int_equal(r, VALED_CFG_NOMEM);
	assert_int_equal(errs.n, 0);
	unlink(file);
}

static void test_print(void **state)
{
	struct valed_cfg_errors errs = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&buf, &len);
	valed_cfg_errors_print(VALED_CFG_NOMEM, &errs, "x.json", f);
	fclose(f);
	assert_string_equal(buf, "x.json: out of memory\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_check_names),
		cmocka_unit_test(test_check_values),
		cmocka_unit_test(test_collects_all),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_missing_and_role),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_pos_index),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_alloc_fail_valid),
		cmocka_unit_test(test_alloc_fail_invalid),
		cmocka_unit_test(test_alloc_fail_load),
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests_name("valed_cfg", tests, NULL, NULL);
}
