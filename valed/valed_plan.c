// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_plan.c - the reconcile diff (see valed_plan.h for the rules).
 *
 * Each phase walks one configuration in file order (creations, over the
 * desired one) or in reverse file order (removals, over the actual one)
 * and asks whether the object it meets is "kept", i.e. present and equal
 * on the other side. Keeping is symmetric, which is what makes a plan
 * and its rollback mirror images.
 */
#include <stdio.h>
#include <string.h>

#include "valed_mem.h"
#include "valed_plan.h"

static const char *const op_names[] = {
	[VALED_PLAN_VHOST_STOP] = "vhost-stop",
	[VALED_PLAN_UPLINK_DETACH] = "uplink-detach",
	[VALED_PLAN_PERSISTENT_DETACH] = "persistent-detach",
	[VALED_PLAN_PERSISTENT_DELETE] = "persistent-delete",
	[VALED_PLAN_SWITCH_REMOVE] = "switch-remove",
	[VALED_PLAN_SWITCH_ADD] = "switch-add",
	[VALED_PLAN_PERSISTENT_CREATE] = "persistent-create",
	[VALED_PLAN_PERSISTENT_ATTACH] = "persistent-attach",
	[VALED_PLAN_UPLINK_ATTACH] = "uplink-attach",
	[VALED_PLAN_VHOST_START] = "vhost-start",
};

enum valed_plan_op valed_plan_op_inverse(enum valed_plan_op op)
{
	/* The enum lists removals and creations as mirror images. */
	return (enum valed_plan_op)(VALED_PLAN_VHOST_START - op);
}

const char *valed_plan_op_name(enum valed_plan_op op)
{
	return op_names[op];
}

static int add(struct valed_plan *plan, enum valed_plan_op op,
	       const struct valed_cfg *cfg, const struct valed_cfg_switch *sw,
	       const struct valed_cfg_port *port)
{
	struct valed_plan_action *a;

	if (plan->n == plan->cap) {
		size_t cap = plan->cap == 0 ? 16 : plan->cap * 2;

		a = valed_mem_realloc(plan->v, cap * sizeof(*a));
		if (a == NULL)
			return -1;
		plan->v = a;
		plan->cap = cap;
	}
	a = &plan->v[plan->n++];
	a->op = op;
	a->sw = sw;
	a->port = port;
	a->busy_poll = cfg->global.busy_poll;
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Everything a running back-end was started with. @ca/@cb and @sa/@sb
 * are the configurations and switches the two ports belong to.
 */
static bool vhost_equal(const struct valed_cfg *ca, const struct valed_cfg_switch *sa,
			const struct valed_cfg_port *a,
			const struct valed_cfg *cb, const struct valed_cfg_switch *sb,
			const struct valed_cfg_port *b)
{
	const struct valed_cfg_vhost_user *x = &a->vhost, *y = &b->vhost;

	return str_eq(x->socket, y->socket) && x->role == y->role &&
	       x->queues == y->queues && x->has_mac == y->has_mac &&
	       (!x->has_mac || memcmp(x->mac, y->mac, sizeof(x->mac)) == 0) &&
	       str_eq(x->owner, y->owner) && str_eq(x->group, y->group) &&
	       x->mode == y->mode && sa->slots == sb->slots &&
	       ca->global.busy_poll == cb->global.busy_poll;
}

/*
 * Is port @p of switch @sw in @c also in @other, with everything that
 * matters for it equal? Persistent ports are judged by attach_keep().
 */
static bool port_kept(const struct valed_cfg *c, const struct valed_cfg_switch *sw,
		      const struct valed_cfg_port *p, const struct valed_cfg *other)
{
	const struct valed_cfg_switch *osw = valed_cfg_find_switch(other, sw->name);
	const struct valed_cfg_port *op = valed_cfg_find_port(osw, p->name);

	if (op == NULL || op->type != p->type)
		return false;
	switch (p->type) {
	case VALED_CFG_PORT_VHOST_USER:
		return vhost_equal(c, sw, p, other, osw, op);
	case VALED_CFG_PORT_UPLINK:
		return p->uplink.host_stack == op->uplink.host_stack &&
		       p->uplink.adapter == op->uplink.adapter;
	case VALED_CFG_PORT_PERSISTENT:
		return true;
	}
	return false;
}

/* The switches persistent port @name is attached to, in attach order. */
static size_t attachments(const struct valed_cfg *c, const char *name,
			  const struct valed_cfg_switch **sw, size_t max)
{
	size_t i, n = 0;

	for (i = 0; c != NULL && i < c->nswitches && n < max; i++) {
		const struct valed_cfg_port *p = valed_cfg_find_port(&c->switches[i], name);

		if (p != NULL && p->type == VALED_CFG_PORT_PERSISTENT)
			sw[n++] = &c->switches[i];
	}
	return n;
}

/*
 * How persistent port @p on switch @sw of @c compares with @other:
 * *@rank is its position in its attach order, *@keep how many leading
 * attachments both sides share (those stay), *@exists whether @other has
 * the port at all.
 */
static void attach_keep(const struct valed_cfg *c, const struct valed_cfg_switch *sw,
			const struct valed_cfg_port *p, const struct valed_cfg *other,
			size_t *rank, size_t *keep, bool *exists)
{
	const struct valed_cfg_switch *mine[VALED_CFG_PERSISTENT_SWITCHES];
	const struct valed_cfg_switch *theirs[VALED_CFG_PERSISTENT_SWITCHES];
	size_t n = attachments(c, p->name, mine, VALED_CFG_PERSISTENT_SWITCHES);
	size_t m = attachments(other, p->name, theirs, VALED_CFG_PERSISTENT_SWITCHES);
	size_t i;

	*rank = 0;
	for (i = 0; i < n; i++) {
		if (mine[i] == sw)
			*rank = i;
	}
	for (i = 0; i < n && i < m && strcmp(mine[i]->name, theirs[i]->name) == 0; i++)
		;
	*keep = i;
	*exists = m > 0;
}

/*
 * The port phases. @forward: creations over @c in file order, else
 * removals in reverse file order; @other is the configuration compared
 * with.
 */
enum phase { PH_VHOST, PH_UPLINK, PH_ATTACH, PH_CREATE };

static int port_phase(struct valed_plan *plan, enum phase ph, bool forward,
		      const struct valed_cfg *c, const struct valed_cfg *other)
{
	size_t i, j, rank, keep, ns = c == NULL ? 0 : c->nswitches;
	bool exists;

	for (i = 0; i < ns; i++) {
		const struct valed_cfg_switch *sw =
			&c->switches[forward ? i : ns - 1 - i];

		for (j = 0; j < sw->nports; j++) {
			const struct valed_cfg_port *p =
				&sw->ports[forward ? j : sw->nports - 1 - j];
			enum valed_plan_op op;

			switch (ph) {
			case PH_VHOST:
				if (p->type != VALED_CFG_PORT_VHOST_USER ||
				    port_kept(c, sw, p, other))
					continue;
				op = forward ? VALED_PLAN_VHOST_START : VALED_PLAN_VHOST_STOP;
				break;
			case PH_UPLINK:
				if (p->type != VALED_CFG_PORT_UPLINK ||
				    port_kept(c, sw, p, other))
					continue;
				op = forward ? VALED_PLAN_UPLINK_ATTACH :
					       VALED_PLAN_UPLINK_DETACH;
				break;
			case PH_ATTACH:
				if (p->type != VALED_CFG_PORT_PERSISTENT)
					continue;
				attach_keep(c, sw, p, other, &rank, &keep, &exists);
				if (rank < keep)
					continue;
				op = forward ? VALED_PLAN_PERSISTENT_ATTACH :
					       VALED_PLAN_PERSISTENT_DETACH;
				break;
			case PH_CREATE:
				if (p->type != VALED_CFG_PORT_PERSISTENT)
					continue;
				attach_keep(c, sw, p, other, &rank, &keep, &exists);
				if (rank != 0 || exists)
					continue;
				op = forward ? VALED_PLAN_PERSISTENT_CREATE :
					       VALED_PLAN_PERSISTENT_DELETE;
				break;
			default:
				continue;
			}
			if (add(plan, op, c, sw, p) < 0)
				return -1;
		}
	}
	return 0;
}

static int switch_phase(struct valed_plan *plan, bool forward,
			const struct valed_cfg *c, const struct valed_cfg *other)
{
	size_t i, ns = c == NULL ? 0 : c->nswitches;

	for (i = 0; i < ns; i++) {
		const struct valed_cfg_switch *sw = &c->switches[forward ? i : ns - 1 - i];

		if (valed_cfg_find_switch(other, sw->name) != NULL)
			continue;
		if (add(plan, forward ? VALED_PLAN_SWITCH_ADD : VALED_PLAN_SWITCH_REMOVE,
			c, sw, NULL) < 0)
			return -1;
	}
	return 0;
}

int valed_plan_build(struct valed_plan *plan, const struct valed_cfg *actual,
		     const struct valed_cfg *desired)
{
	memset(plan, 0, sizeof(*plan));
	/* Removals: the mirror image of the creations below. */
	if (port_phase(plan, PH_VHOST, false, actual, desired) < 0 ||
	    port_phase(plan, PH_UPLINK, false, actual, desired) < 0 ||
	    port_phase(plan, PH_ATTACH, false, actual, desired) < 0 ||
	    port_phase(plan, PH_CREATE, false, actual, desired) < 0 ||
	    switch_phase(plan, false, actual, desired) < 0)
		goto fail;
	if (switch_phase(plan, true, desired, actual) < 0 ||
	    port_phase(plan, PH_CREATE, true, desired, actual) < 0 ||
	    port_phase(plan, PH_ATTACH, true, desired, actual) < 0 ||
	    port_phase(plan, PH_UPLINK, true, desired, actual) < 0 ||
	    port_phase(plan, PH_VHOST, true, desired, actual) < 0)
		goto fail;
	return 0;

fail:
	valed_plan_free(plan);
	return -1;
}

void valed_plan_free(struct valed_plan *plan)
{
	valed_mem_free(plan->v);
	memset(plan, 0, sizeof(*plan));
}

int valed_plan_format(const struct valed_plan_action *a, char *buf, size_t len)
{
	const char *op = op_names[a->op];
	const struct valed_cfg_port *p = a->port;
	const struct valed_cfg_vhost_user *vu;
	char mac[18];
	int n;

	switch (a->op) {
	case VALED_PLAN_SWITCH_ADD:
	case VALED_PLAN_SWITCH_REMOVE:
		return snprintf(buf, len, "%s %s", op, a->sw->name);
	case VALED_PLAN_PERSISTENT_CREATE:
	case VALED_PLAN_PERSISTENT_DELETE:
		return snprintf(buf, len, "%s %s", op, p->name);
	case VALED_PLAN_PERSISTENT_ATTACH:
	case VALED_PLAN_PERSISTENT_DETACH:
		return snprintf(buf, len, "%s %s:%s", op, a->sw->name, p->name);
	case VALED_PLAN_UPLINK_ATTACH:
	case VALED_PLAN_UPLINK_DETACH:
		return snprintf(buf, len, "%s %s:%s host-stack=%s adapter=%s", op,
				a->sw->name, p->name,
				p->uplink.host_stack ? "yes" : "no",
				valed_cfg_adapter_name(p->uplink.adapter));
	case VALED_PLAN_VHOST_START:
	case VALED_PLAN_VHOST_STOP:
		break;
	}
	vu = &p->vhost;
	n = snprintf(buf, len, "%s %s:%s socket=%s role=%s queues=%u", op,
		     a->sw->name, p->name, vu->socket, valed_cfg_role_name(vu->role),
		     vu->queues);
	/* Optional settings are shown only when the file sets them. */
#define MORE(...) \
	(n += snprintf(buf + ((size_t)n < len ? (size_t)n : len), \
		       (size_t)n < len ? len - (size_t)n : 0, __VA_ARGS__))
	if (vu->has_mac) {
		valed_cfg_mac_format(vu->mac, mac);
		MORE(" mac=%s", mac);
	}
	if (vu->role == VALED_CFG_ROLE_SERVER) {
		if (vu->owner != NULL)
			MORE(" owner=%s", vu->owner);
		if (vu->group != NULL)
			MORE(" group=%s", vu->group);
		MORE(" mode=%04o", vu->mode);
	}
	if (a->sw->slots != 0)
		MORE(" slots=%u", a->sw->slots);
	MORE(" busy-poll=%s", a->busy_poll ? "yes" : "no");
#undef MORE
	return n;
}

void valed_plan_print(const struct valed_plan *plan, FILE *f)
{
	char line[VALED_PLAN_LINE_MAX];
	size_t i;

	for (i = 0; i < plan->n; i++) {
		valed_plan_format(&plan->v[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}
