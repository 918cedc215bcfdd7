/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iproute2's route protocol names (lib/rt_names.c's rtnl_rtprot_*): a
 * built-in table, overridden by the files, a number with no name printed
 * as the number.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtprot.h"

#define RTPROT_NAME_MAX 32

/* iproute2 6.1's built-in table and /etc/iproute2/rt_protos, plus ours. */
static const struct { uint8_t v; const char *name; } builtin[] = {
	{ 0, "unspec" }, { 1, "redirect" }, { 2, "kernel" }, { 3, "boot" }, { 4, "static" },
	{ 8, "gated" }, { 9, "ra" }, { 10, "mrt" }, { 11, "zebra" }, { 12, "bird" },
	{ 13, "dnrouted" }, { 14, "xorp" }, { 15, "ntk" }, { 16, "dhcp" },
	{ 18, "keepalived" }, { 42, "babel" }, { 99, "openr" }, { 186, "bgp" },
	{ 187, "isis" }, { 188, "ospf" }, { 189, "rip" }, { 192, "eigrp" },
	{ SLUICE_RTPROT_KERNEL_OWN, SLUICE_RTPROT_KERNEL_NAME },
};

static char names[256][RTPROT_NAME_MAX];
static bool loaded;

static void load(void);

static bool
parse_num(const char *s, uint8_t *v)
{
	char *end;
	unsigned long x;

	if (!*s || *s == '-' || *s == '+')
		return false;
	x = strtoul(s, &end, 0);
	if (*end || x > 255)
		return false;
	*v = (uint8_t)x;
	return true;
}

/* "NUMBER NAME" lines; '#' starts a comment; bad lines are skipped. */
static void
read_file(const char *path)
{
	char line[256], num[32], name[RTPROT_NAME_MAX + 1];
	FILE *f = fopen(path, "re");
	uint8_t v;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *h = strchr(line, '#');

		if (h)
			*h = '\0';
		if (sscanf(line, "%31s %32s", num, name) != 2 || strlen(name) >= RTPROT_NAME_MAX ||
		    !parse_num(num, &v))
			continue;
		strcpy(names[v], name);
	}
	fclose(f);
}

static int
conf_only(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

void
rtprot_load_dir(const char *dir)
{
	char path[4096];
	struct dirent **list;
	int n;

	load();
	snprintf(path, sizeof(path), "%s/rt_protos", dir);
	read_file(path);
	snprintf(path, sizeof(path), "%s/rt_protos.d", dir);
	n = scandir(path, &list, conf_only, alphasort);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/rt_protos.d/%s", dir, list[i]->d_name);
		read_file(path);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

static void
load(void)
{
	if (loaded)
		return;
	loaded = true;
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		strcpy(names[builtin[i].v], builtin[i].name);
	rtprot_load_dir("/usr/share/iproute2");
	rtprot_load_dir("/etc/iproute2");
}

const char *
rtprot_n2a(uint8_t proto)
{
	load();
	return names[proto][0] ? names[proto] : NULL;
}

bool
rtprot_a2n(const char *s, uint8_t *v)
{
	load();
	for (unsigned i = 0; i < 256; i++)
		if (names[i][0] && !strcmp(names[i], s)) {
			*v = (uint8_t)i;
			return true;
		}
	return parse_num(s, v);
}
