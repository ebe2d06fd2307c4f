// SPDX-License-Identifier: BSD-2-Clause
/*
 * valed_state_adopt.c - reduce a dead daemon's state to what still exists
 * (see valed_state_adopt.h).
 */
#include <stdio.h>
#include <string.h>

#include "valed_kern.h"
#include "valed_log.h"
#include "valed_mem.h"
#include "valed_state_adopt.h"

/* Drop port @j of @sw, keeping the order of the others. */
static void drop_port(struct valed_cfg_switch *sw, size_t j)
{
	struct valed_cfg_port *p = &sw->ports[j];

	if (p->type == VALED_CFG_PORT_VHOST_USER) {
		valed_mem_free(p->vhost.socket);
		valed_mem_free(p->vhost.owner);
		valed_mem_free(p->vhost.group);
	}
	memmove(p, p + 1, (sw->nports - j - 1) * sizeof(*p));
	sw->nports--;
}

static int attached(const struct valed_state_probe *probe, const char *sw,
		    const char *name, struct vhu_err *err)
{
	char port[VALED_CFG_SWITCH_NAME_MAX + VALED_CFG_PORT_NAME_MAX + 2];

	snprintf(port, sizeof(port), "%s:%s", sw, name);
	return probe->has_port(probe->ctx, port, err);
}

/* Is there a persistent port @name on any switch of @cfg? */
static bool listed(const struct valed_cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nswitches; i++) {
		const struct valed_cfg_port *p = valed_cfg_find_port(&cfg->switches[i], name);

		if (p != NULL && p->type == VALED_CFG_PORT_PERSISTENT)
			return true;
	}
	return false;
}

/* Names of persistent ports dropped from some switch. */
struct names {
	char (*v)[VALED_CFG_PORT_NAME_MAX + 1];
	size_t n;
};

static int note(struct names *nm, const char *name, struct vhu_err *err)
{
	void *v;

	/* A port on two switches is dropped twice, but removed once. */
	for (size_t i = 0; i < nm->n; i++) {
		if (strcmp(nm->v[i], name) == 0)
			return 0;
	}
	v = valed_mem_realloc(nm->v, (nm->n + 1) * sizeof(*nm->v));
	if (v == NULL)
		return vhu_err_set(err, "out of memory");
	nm->v = v;
	snprintf(nm->v[nm->n++], sizeof(nm->v[0]), "%s", name);
	return 0;
}

/*
 * A persistent port the state created that is attached nowhere now:
 * remove it, so the plan creates and attaches it afresh.
 */
static void remove_orphan(const struct valed_cfg *cfg, const char *name,
			  const struct valed_state_probe *probe)
{
	struct vhu_err err;

	if (listed(cfg, name) || !probe->ifexists(probe->ctx, name))
		return;
	if (probe->delif(probe->ctx, name, &err) < 0)
		valed_warn("adopt: %s is attached nowhere and cannot be removed: %s",
			   name, err.msg);
	else
		valed_info("adopt: removed %s, attached nowhere; it is created again",
			   name);
}

int valed_state_adopt(struct valed_cfg *cfg, const struct valed_state_probe *probe,
		      struct vhu_err *err)
{
	struct names dropped = { 0 };
	size_t i, j;
	int r, rc = -1;

	for (i = 0; i < cfg->nswitches; i++) {
		struct valed_cfg_switch *sw = &cfg->switches[i];

		for (j = 0; j < sw->nports;) {
			struct valed_cfg_port *p = &sw->ports[j];

			if (p->type == VALED_CFG_PORT_VHOST_USER) {
				/* Died with the previous process. */
				drop_port(sw, j);
				continue;
			}
			r = attached(probe, sw->name, p->name, err);
			if (r < 0)
				goto out;
			if (r > 0) {
				valed_info("adopt: %s:%s (%s) is still there", sw->name,
					   p->name, valed_cfg_port_type_name(p->type));
				j++;
				continue;
			}
			valed_info("adopt: %s:%s (%s) is no longer on its switch",
				   sw->name, p->name, valed_cfg_port_type_name(p->type));
			if (p->type == VALED_CFG_PORT_PERSISTENT &&
			    note(&dropped, p->name, err) < 0)
				goto out;
			drop_port(sw, j);
		}
	}
	for (i = 0; i < dropped.n; i++)
		remove_orphan(cfg, dropped.v[i], probe);
	rc = 0;
out:
	valed_mem_free(dropped.v);
	return rc;
}

static int kern_has_port(void *ctx, const char *port, struct vhu_err *err)
{
	return valed_kern_has_port(ctx, port, err);
}

static bool kern_ifexists(void *ctx, const char *ifname)
{
	(void)ctx;
	return valed_kern_ifexists(ifname);
}

static int kern_delif(void *ctx, const char *ifname, struct vhu_err *err)
{
	return valed_kern_delif(ctx, ifname, err);
}

void valed_state_probe_kern(struct valed_state_probe *probe, void *kern)
{
	probe->has_port = kern_has_port;
	probe->ifexists = kern_ifexists;
	probe->delif = kern_delif;
	probe->ctx = kern;
}
