// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_status.c - build the status reply (see valed_status.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "valed_mem.h"
#include "valed_status.h"

#define NAME_MAX_LEN	NETMAP_REQ_IFNAMSIZ

/* The kernel's ports, from one VALE_LIST walk. */
struct kports {
	char (*v)[NAME_MAX_LEN];
	size_t n, cap;
	bool oom;
};

static int collect(const char *port, unsigned int bridge_idx, unsigned int port_idx,
		   void *ctx)
{
	struct kports *kp = ctx;

	(void)bridge_idx;
	(void)port_idx;
	if (kp->n == kp->cap) {
		size_t cap = kp->cap == 0 ? 64 : kp->cap * 2;
		void *v = realloc(kp->v, cap * sizeof(*kp->v));

		if (v == NULL) {
			kp->oom = true;
			return 1;
		}
		kp->v = v;
		kp->cap = cap;
	}
	snprintf(kp->v[kp->n++], NAME_MAX_LEN, "%s", port);
	return 0;
}

static bool listed(const struct kports *kp, const char *name)
{
	for (size_t i = 0; i < kp->n; i++) {
		if (strcmp(kp->v[i], name) == 0)
			return true;
	}
	return false;
}

/* json_object_set_new(), remembering a failure. */
static void put(json_t *o, const char *k, json_t *v, bool *bad)
{
	if (o == NULL || v == NULL || json_object_set_new(o, k, v) < 0) {
		json_decref(v);
		*bad = true;
	}
}

static json_t *u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

/* Kernel counters of @name, or null with a reason when there are none. */
static void kernel_counters(json_t *o, struct valed_kern *k, const char *name,
			    bool kernel_ok, bool *bad)
{
	struct nmreq_vale_port_stats st;
	struct vhu_err err;
	json_t *c;

	if (!kernel_ok || valed_kern_port_stats(k, name, &st, &err) < 0) {
		put(o, "counters", json_null(), bad);
		if (kernel_ok)
			put(o, "counters_error", json_string(err.msg), bad);
		return;
	}
	c = json_object();
	put(c, "rx_packets", u64(st.rx_packets), bad);
	put(c, "rx_bytes", u64(st.rx_bytes), bad);
	put(c, "tx_packets", u64(st.tx_packets), bad);
	put(c, "tx_bytes", u64(st.tx_bytes), bad);
	put(c, "drop_no_room", u64(st.drop_no_room), bad);
	put(c, "drop_bad_slot", u64(st.drop_bad_slot), bad);
	put(c, "drop_hdr_mismatch", u64(st.drop_hdr_mismatch), bad);
	put(o, "counters", c, bad);
}

static json_t *backend_json(const struct vhu_net_stats *s, bool *bad)
{
	json_t *b = json_object();

	put(b, "tx_pkts", u64(s->tx_pkts), bad);
	put(b, "tx_bytes", u64(s->tx_bytes), bad);
	put(b, "tx_drop_bad", u64(s->tx_drop_bad), bad);
	put(b, "tx_drop_disabled", u64(s->tx_drop_disabled), bad);
	put(b, "tx_stalls", u64(s->tx_stalls), bad);
	put(b, "rx_pkts", u64(s->rx_pkts), bad);
	put(b, "rx_bytes", u64(s->rx_bytes), bad);
	put(b, "rx_csum", u64(s->rx_csum), bad);
	put(b, "rx_drop_gso", u64(s->rx_drop_gso), bad);
	put(b, "rx_drop_bad", u64(s->rx_drop_bad), bad);
	put(b, "rx_drop_size", u64(s->rx_drop_size), bad);
	put(b, "rx_drop_noqueue", u64(s->rx_drop_noqueue), bad);
	put(b, "rx_stalls", u64(s->rx_stalls), bad);
	put(b, "announces", u64(s->announces), bad);
	put(b, "announce_drops", u64(s->announce_drops), bad);
	return b;
}

static json_t *port_json(const struct valed_cfg_switch *sw, const struct valed_cfg_port *p,
			 struct valed_kern *k, struct valed_vm_pool *vm,
			 const struct kports *kp, bool kernel_ok, bool *bad)
{
	char name[NAME_MAX_LEN + 2];
	json_t *o = json_object();

	snprintf(name, sizeof(name), "%s:%s", sw->name, p->name);
	put(o, "name", json_string(p->name), bad);
	put(o, "type", json_string(valed_cfg_port_type_name(p->type)), bad);
	if (p->type == VALED_CFG_PORT_VHOST_USER) {
		struct valed_vm_snapshot snap;

		put(o, "socket", json_string(p->vhost.socket), bad);
		put(o, "role", json_string(valed_cfg_role_name(p->vhost.role)), bad);
		put(o, "queues", json_integer(p->vhost.queues), bad);
		if (vm != NULL && valed_vm_snapshot(vm, sw->name, p->name, &snap) == 0) {
			put(o, "state", json_string(snap.broken ? "broken" :
						    valed_vm_state_name(snap.state)), bad);
			if (snap.broken)
				put(o, "broken", json_string(snap.reason), bad);
			put(o, "worker", json_integer(snap.worker), bad);
			put(o, "backend", backend_json(&snap.stats, bad), bad);
		} else {
			put(o, "state", json_string("stopped"), bad);
			put(o, "backend", json_null(), bad);
		}
	} else {
		const char *st = !kernel_ok ? "unknown" :
				 listed(kp, name) ? "attached" : "detached";

		put(o, "state", json_string(st), bad);
		if (p->type == VALED_CFG_PORT_UPLINK) {
			put(o, "host_stack", json_boolean(p->uplink.host_stack), bad);
			put(o, "adapter", json_string(valed_cfg_adapter_name(p->uplink.adapter)),
			    bad);
		}
	}
	kernel_counters(o, k, name, kernel_ok && listed(kp, name), bad);
	if (p->type == VALED_CFG_PORT_UPLINK && p->uplink.host_stack) {
		json_t *h = json_object();

		/* The host stack is a port of its own, "valeX:IF^". */
		strcat(name, "^");
		put(h, "name", json_string(name), bad);
		put(h, "state", json_string(!kernel_ok ? "unknown" :
					    listed(kp, name) ? "attached" : "detached"), bad);
		kernel_counters(h, k, name, kernel_ok && listed(kp, name), bad);
		put(o, "host", h, bad);
	}
	return o;
}

/* Kernel ports of @sw that the configuration does not name (pkt-gen, tests...). */
static json_t *others_json(const struct valed_cfg_switch *sw, const struct kports *kp,
			   bool *bad)
{
	size_t swlen = strlen(sw->name);
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < kp->n; i++) {
		const char *full = kp->v[i], *pn;
		char base[NAME_MAX_LEN];
		size_t len;

		if (strncmp(full, sw->name, swlen) != 0 || full[swlen] != ':')
			continue;
		pn = full + swlen + 1;
		snprintf(base, sizeof(base), "%s", pn);
		len = strlen(base);
		if (len > 0 && base[len - 1] == '^')
			base[len - 1] = '\0';
		if (valed_cfg_find_port(sw, base) != NULL)
			continue;
		if (json_array_append_new(a, json_string(pn)) < 0)
			*bad = true;
	}
	return a;
}

json_t *valed_status_json(const struct valed_cfg *cfg, struct valed_kern *kern,
			  struct valed_vm_pool *vm, json_t *daemon)
{
	struct kports kp = { 0 };
	bool bad = false, kernel_ok = false, any = false;
	struct vhu_err err;
	json_t *r, *sws;

	valed_mem_use_for_jansson();
	r = json_object();
	put(r, "ok", json_true(), &bad);
	put(r, "daemon", daemon, &bad);
	for (size_t i = 0; cfg != NULL && i < cfg->nswitches; i++)
		any = any || cfg->switches[i].nports > 0;
	/* An empty configuration never needs the module. */
	if (any) {
		err.msg[0] = '\0';
		kernel_ok = valed_kern_list(kern, collect, &kp, &err) == 0 && !kp.oom;
		if (!kernel_ok)
			put(r, "kernel_error", json_string(kp.oom ? "out of memory" : err.msg),
			    &bad);
	}
	sws = json_array();
	for (size_t i = 0; cfg != NULL && i < cfg->nswitches; i++) {
		const struct valed_cfg_switch *sw = &cfg->switches[i];
		json_t *s = json_object(), *ports = json_array();

		put(s, "name", json_string(sw->name), &bad);
		if (sw->slots != 0)
			put(s, "slots", json_integer(sw->slots), &bad);
		for (size_t j = 0; ports != NULL && j < sw->nports; j++) {
			if (json_array_append_new(ports, port_json(sw, &sw->ports[j], kern, vm,
								   &kp, kernel_ok, &bad)) < 0)
				bad = true;
		}
		put(s, "ports", ports, &bad);
		put(s, "other_ports", kernel_ok ? others_json(sw, &kp, &bad) : json_array(),
		    &bad);
		if (sws == NULL || json_array_append_new(sws, s) < 0)
			bad = true;
	}
	put(r, "switches", sws, &bad);
	free(kp.v);
	if (bad) {
		json_decref(r);
		return NULL;
	}
	return r;
}
