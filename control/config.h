/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INI file (conf/sluice.ini documents it) loaded into a model that
 * sluiced reconciles the dataplane with.  The values of [routes],
 * [neighbors] and [nat] rule go through grammar.c, like the CLI's arguments.
 */
#ifndef SLUICE_CONFIG_H
#define SLUICE_CONFIG_H

#include <stdio.h>
#include "nlmsg.h"

#define CFG_MAX_ADDRS 16
#define CFG_PATH_MAX 108	/* sun_path */

struct cfg_port {
	char name[SLUICE_IFNAMSIZ];
	char device[SLUICE_DEVARGS_MAX];
	uint32_t mtu;			/* 0: not given (1500) */
	bool has_mac;
	bool host;			/* host = yes: a host interface */
	uint8_t mac[6];
	unsigned naddr;
	struct ctl_addr addr[CFG_MAX_ADDRS];
	int line;			/* of its [port NAME] */
	int device_line, mtu_line, host_line;	/* of its keys; 0: not given */
	int addr_line[CFG_MAX_ADDRS];
};

struct cfg {
	const char *file;		/* as given to cfg_load */
	char socket[CFG_PATH_MAX];	/* "" when the file names none */
	unsigned nports;
	struct cfg_port port[SLUICE_MAX_PORTS];
	unsigned nroutes, nneighs, nrules;
	struct ctl_route *routes;
	struct ctl_neigh *neighs;
	struct ctl_natrule *rules;
	int *route_line, *neigh_line, *rule_line;
	struct ctl_natconf natconf;	/* every value set: the file's or the default */
};

/*
 * Load file into c.  Every error is written to errf as "FILE:LINE: what"
 * in line order; returns the number of errors (0: c is good), or -1 when
 * the file cannot be read (reported too).  c must be freed with cfg_free
 * either way.
 */
int cfg_load(const char *file, struct cfg *c, FILE *errf);
void cfg_free(struct cfg *c);

const struct cfg_port *cfg_port_find(const struct cfg *c, const char *name);

#endif
