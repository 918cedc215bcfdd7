/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 addresses over netlink: the AF_INET6 half of link_nl.c's
 * RTM_{NEW,DEL,GET}ADDR (struct ifaddrmsg, 16-byte IFA_ADDRESS). */
#include <errno.h>
#include <string.h>

#include "addr6.h"
#include "control.h"
#include "host.h"
#include "nd.h"
#include "port.h"

int
addr6_nl_new(struct ctl_req *rq, uint16_t slot, const uint8_t *ip)
{
	const struct ifaddrmsg *ifa = ctl_payload(rq);
	const struct addr6_table *t;
	int ret;

	ret = nd_addr_add(slot, ip, ifa->ifa_prefixlen);
	if (ret != -EEXIST || !(rq->nlh->nlmsg_flags & NLM_F_REPLACE) ||
	    (rq->nlh->nlmsg_flags & NLM_F_EXCL))
		return ret;
	/* Replacing an address by itself changes nothing. */
	t = addrs6_get();
	for (uint16_t i = 0; i < t->n; i++)
		if (memcmp(t->a[i].ip, ip, 16) == 0 && t->a[i].port == slot &&
		    t->a[i].plen == ifa->ifa_prefixlen)
			return 0;
	return ret;
}

int
addr6_nl_dump(struct ctl_req *rq, uint32_t ifindex)
{
	const struct addr6_table *t = addrs6_get();

	for (uint16_t i = 0; i < t->n && rq->err == 0; i++) {
		const struct addr6 *a = &t->a[i];
		struct ifaddrmsg ifa = {
			.ifa_family = AF_INET6,
			.ifa_prefixlen = a->plen,
			.ifa_flags = IFA_F_PERMANENT,
			.ifa_scope = ip6_link_local(a->ip) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE,
			.ifa_index = a->port + 1u,
		};
		struct nlmsghdr *nlh;

		if (ifindex != 0 && ifindex != ifa.ifa_index)
			continue;
		nlh = ctl_msg_begin(rq, RTM_NEWADDR, NLM_F_MULTI, &ifa, sizeof(ifa));
		mnl_attr_put(nlh, IFA_ADDRESS, 16, a->ip);
		mnl_attr_put(nlh, IFA_LOCAL, 16, a->ip);
		mnl_attr_put_strz(nlh, IFA_LABEL, ports[a->port].name);
		if (host_addr6_made(a->port, a->ip))
			mnl_attr_put_u8(nlh, IFA_PROTO, SLUICE_IFAPROT_HOST);
		ctl_msg_end(rq, nlh);
	}
	return 0;
}
