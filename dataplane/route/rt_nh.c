/* SPDX-License-Identifier: BSD-3-Clause */
/* Next-hop indexes shared by equal next hops (rt_nh.h). */
#include <errno.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include "dp.h"
#include "rt_nh.h"

int
rt_nh_init(struct rt_nh_pool *p, const char *name, uint32_t key_len)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RT_NH_MAX,
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
	};

	if (key_len > sizeof(p->last.key))
		return -EINVAL;
	p->hash = rte_hash_create(&hp);
	if (p->hash == NULL)
		return -ENOMEM;
	p->key_len = key_len;
	p->npending = 0;
	p->nfree = 0;
	p->last.i = 0;
	for (uint32_t i = RT_NH_MAX - 1; i >= 1; i--)
		p->free[p->nfree++] = i;
	return 0;
}

void
rt_nh_free(struct rt_nh_pool *p)
{
	rte_hash_free(p->hash);
	p->hash = NULL;
}

void
rt_nh_recycle(struct rt_nh_pool *p)
{
	while (p->npending > 0)
		p->free[p->nfree++] = p->pending[--p->npending];
}

int
rt_nh_find(const struct rt_nh_pool *p, const void *key)
{
	void *data;

	if (p->last.i != 0 && memcmp(p->last.key, key, p->key_len) == 0)
		return (int)p->last.i;
	if (p->hash == NULL || rte_hash_lookup_data(p->hash, key, &data) < 0)
		return -1;
	return (int)(uintptr_t)data;
}

int
rt_nh_get(struct rt_nh_pool *p, const void *key, bool *fresh)
{
	int found = rt_nh_find(p, key);
	uint32_t i;

	*fresh = false;
	if (found > 0) {
		i = (uint32_t)found;
		goto hit;
	}
	if (p->nfree == 0 && p->npending > 0) {
		rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
		rt_nh_recycle(p);
	}
	if (p->nfree == 0)
		return -ENOSPC;
	i = p->free[--p->nfree];
	if (rte_hash_add_key_data(p->hash, key, (void *)(uintptr_t)i) < 0) {
		p->free[p->nfree++] = i;
		return -ENOSPC;
	}
	p->ref[i] = 0;
	*fresh = true;
hit:
	p->ref[i]++;
	p->last.i = i;
	memcpy(p->last.key, key, p->key_len);
	return (int)i;
}

void
rt_nh_put(struct rt_nh_pool *p, uint32_t i, const void *key)
{
	if (i == 0 || --p->ref[i] > 0)
		return;
	if (p->last.i == i)
		p->last.i = 0;
	rte_hash_del_key(p->hash, key);
	p->pending[p->npending++] = i;
}
