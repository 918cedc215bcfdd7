/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT over netlink: rules (SLUICE_{NEW,DEL,GET}NATRULE + SLUICE_NATA_*),
 * sessions (SLUICE_GETNATSESS dump, SLUICE_DELNATSESS flush) and
 * configuration (SLUICE_{SET,GET}NATCONF + SLUICE_NATC_*).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "control.h"
#include "nat.h"

static int
nata_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);
	enum mnl_attr_data_type t;

	if (mnl_attr_type_valid(a, SLUICE_NATA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case SLUICE_NATA_ID:
	case SLUICE_NATA_IFINDEX:
	case SLUICE_NATA_SRC:
	case SLUICE_NATA_ADDR_MIN:
	case SLUICE_NATA_ADDR_MAX:
		t = MNL_TYPE_U32;
		break;
	case SLUICE_NATA_PORT_MIN:
	case SLUICE_NATA_PORT_MAX:
	case SLUICE_NATA_DPORT_MIN:
	case SLUICE_NATA_DPORT_MAX:
		t = MNL_TYPE_U16;
		break;
	case SLUICE_NATA_KIND:
	case SLUICE_NATA_SRC_LEN:
	case SLUICE_NATA_PROTO:
	case SLUICE_NATA_FILTER:
		t = MNL_TYPE_U8;
		break;
	default:
		return MNL_CB_OK;
	}
	if (mnl_attr_validate(a, t) < 0)
		return MNL_CB_ERROR;
	tb[type] = a;
	return MNL_CB_OK;
}

static int
sm_check(const struct ctl_req *rq)
{
	const struct sluicemsg *sm = ctl_payload(rq);

	return sm->sm_family == AF_INET || sm->sm_family == AF_UNSPEC ? 0 :
	       dp_errmsg(-EAFNOSUPPORT, "NAT is IPv4 only");
}

static inline uint32_t
u32_or0(const struct nlattr *a)
{
	return a != NULL ? mnl_attr_get_u32(a) : 0;
}

static inline uint16_t
u16_or0(const struct nlattr *a)
{
	return a != NULL ? mnl_attr_get_u16(a) : 0;
}

static inline uint8_t
u8_or0(const struct nlattr *a)
{
	return a != NULL ? mnl_attr_get_u8(a) : 0;
}

/* A rule request into r.  by_id: it names a rule by SLUICE_NATA_ID only. */
static int
rule_parse(struct ctl_req *rq, struct nat_rule_spec *r, bool *by_id)
{
	const struct nlattr *tb[SLUICE_NATA_MAX + 1] = { 0 };
	int slot, ret;

	if (ctl_attr_parse(rq, sizeof(struct sluicemsg), nata_cb, tb) < 0)
		return -EINVAL;
	ret = sm_check(rq);
	if (ret != 0)
		return ret;
	memset(r, 0, sizeof(*r));
	*by_id = tb[SLUICE_NATA_KIND] == NULL;
	if (*by_id) {
		if (tb[SLUICE_NATA_ID] == NULL)
			return dp_errmsg(-EINVAL, "a rule is named by its kind or its id");
		r->id = mnl_attr_get_u32(tb[SLUICE_NATA_ID]);
		return 0;
	}
	r->kind = mnl_attr_get_u8(tb[SLUICE_NATA_KIND]);
	if (tb[SLUICE_NATA_IFINDEX] == NULL)
		return dp_errmsg(-EINVAL, "a rule needs a port");
	slot = ctl_port_slot(mnl_attr_get_u32(tb[SLUICE_NATA_IFINDEX]));
	if (slot < 0)
		return slot;
	r->port = (uint16_t)slot;
	if (tb[SLUICE_NATA_SRC_LEN] != NULL) {
		r->has_src = true;
		r->src_len = mnl_attr_get_u8(tb[SLUICE_NATA_SRC_LEN]);
		r->src = ntohl(u32_or0(tb[SLUICE_NATA_SRC]));
	} else if (tb[SLUICE_NATA_SRC] != NULL) {
		r->has_src = true;	/* an address alone is a host */
		r->src_len = 32;
		r->src = ntohl(mnl_attr_get_u32(tb[SLUICE_NATA_SRC]));
	}
	r->addr_min = ntohl(u32_or0(tb[SLUICE_NATA_ADDR_MIN]));
	r->addr_max = tb[SLUICE_NATA_ADDR_MAX] != NULL ?
		ntohl(mnl_attr_get_u32(tb[SLUICE_NATA_ADDR_MAX])) : r->addr_min;
	r->port_min = u16_or0(tb[SLUICE_NATA_PORT_MIN]);
	r->port_max = tb[SLUICE_NATA_PORT_MAX] != NULL ?
		mnl_attr_get_u16(tb[SLUICE_NATA_PORT_MAX]) : r->port_min;
	r->proto = u8_or0(tb[SLUICE_NATA_PROTO]);
	r->dport_min = u16_or0(tb[SLUICE_NATA_DPORT_MIN]);
	r->dport_max = tb[SLUICE_NATA_DPORT_MAX] != NULL ?
		mnl_attr_get_u16(tb[SLUICE_NATA_DPORT_MAX]) : r->dport_min;
	r->filter = u8_or0(tb[SLUICE_NATA_FILTER]);
	return 0;
}

int
nat_nl_rule_new(struct ctl_req *rq)
{
	struct nat_rule_spec r;
	bool by_id;
	int ret = rule_parse(rq, &r, &by_id);

	if (ret != 0)
		return ret;
	if (by_id)
		return dp_errmsg(-EINVAL, "a new rule needs its kind, not an id");
	return nat_rule_add(&r);
}

int
nat_nl_rule_del(struct ctl_req *rq)
{
	struct nat_rule_spec r;
	bool by_id;
	int ret = rule_parse(rq, &r, &by_id);

	if (ret != 0)
		return ret;
	return nat_rule_del(&r, by_id);
}

static int
rule_put(const struct nat_rule_spec *r, void *arg)
{
	struct ctl_req *rq = arg;
	struct sluicemsg sm = { .sm_family = AF_INET };
	struct nlmsghdr *nlh;

	if (rq->err)
		return rq->err;
	nlh = ctl_msg_begin(rq, SLUICE_NEWNATRULE, ctl_multi(rq), &sm, sizeof(sm));
	mnl_attr_put_u32(nlh, SLUICE_NATA_ID, r->id);
	mnl_attr_put_u8(nlh, SLUICE_NATA_KIND, r->kind);
	mnl_attr_put_u32(nlh, SLUICE_NATA_IFINDEX, (uint32_t)r->port + 1);
	if (r->has_src) {
		mnl_attr_put_u32(nlh, SLUICE_NATA_SRC, htonl(r->src));
		mnl_attr_put_u8(nlh, SLUICE_NATA_SRC_LEN, r->src_len);
	}
	if (r->kind != SLUICE_NAT_MASQUERADE) {
		mnl_attr_put_u32(nlh, SLUICE_NATA_ADDR_MIN, htonl(r->addr_min));
		mnl_attr_put_u32(nlh, SLUICE_NATA_ADDR_MAX, htonl(r->addr_max));
	}
	if (r->port_min != 0) {
		mnl_attr_put_u16(nlh, SLUICE_NATA_PORT_MIN, r->port_min);
		mnl_attr_put_u16(nlh, SLUICE_NATA_PORT_MAX, r->port_max);
	}
	if (r->kind == SLUICE_NAT_DNAT) {
		mnl_attr_put_u8(nlh, SLUICE_NATA_PROTO, r->proto);
		mnl_attr_put_u16(nlh, SLUICE_NATA_DPORT_MIN, r->dport_min);
		mnl_attr_put_u16(nlh, SLUICE_NATA_DPORT_MAX, r->dport_max);
	}
	mnl_attr_put_u8(nlh, SLUICE_NATA_FILTER, r->filter);
	ctl_msg_end(rq, nlh);
	return 0;
}

int
nat_nl_rule_get(struct ctl_req *rq)
{
	int ret = sm_check(rq);

	if (ret != 0)
		return ret;
	return nat_rule_walk(rule_put, rq) < 0 ? rq->err : 0;
}

static int
nats_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, SLUICE_NATS_MAX) < 0 ||
	    mnl_attr_get_type(a) != SLUICE_NATS_LIMIT)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	tb[SLUICE_NATS_LIMIT] = a;
	return MNL_CB_OK;
}

struct sess_dump {
	struct ctl_req *rq;
	uint32_t left;		/* UINT32_MAX: no limit */
};

static int
sess_put(const struct nat_sess_info *s, void *arg)
{
	struct sess_dump *sd = arg;
	struct ctl_req *rq = sd->rq;
	struct sluicemsg sm = { .sm_family = AF_INET };
	struct nlmsghdr *nlh;

	if (rq->err)
		return rq->err;
	if (sd->left == 0)
		return -1;		/* the limit: done */
	if (ctl_dump_full(rq))
		return CTL_DUMP_MORE;	/* s comes first next time */
	if (sd->left != UINT32_MAX)
		sd->left--;
	nlh = ctl_msg_begin(rq, SLUICE_GETNATSESS, ctl_multi(rq), &sm, sizeof(sm));
	mnl_attr_put_u8(nlh, SLUICE_NATS_PROTO, s->proto);
	mnl_attr_put_u32(nlh, SLUICE_NATS_IN_ADDR, htonl(s->in_addr));
	mnl_attr_put_u16(nlh, SLUICE_NATS_IN_PORT, s->in_port);
	mnl_attr_put_u32(nlh, SLUICE_NATS_OUT_ADDR, htonl(s->out_addr));
	mnl_attr_put_u16(nlh, SLUICE_NATS_OUT_PORT, s->out_port);
	mnl_attr_put_u32(nlh, SLUICE_NATS_REM_ADDR, htonl(s->rem_addr));
	mnl_attr_put_u16(nlh, SLUICE_NATS_REM_PORT, s->rem_port);
	mnl_attr_put_u8(nlh, SLUICE_NATS_STATE, s->state);
	mnl_attr_put_u32(nlh, SLUICE_NATS_IDLE, s->idle);
	mnl_attr_put_u64(nlh, SLUICE_NATS_PACKETS, s->packets);
	ctl_msg_end(rq, nlh);
	return 0;
}

int
nat_nl_sess_get(struct ctl_req *rq)
{
	const struct nlattr *tb[SLUICE_NATS_MAX + 1] = { 0 };
	struct sess_dump sd = { .rq = rq, .left = UINT32_MAX };
	uint32_t slot;
	int ret;

	if (ctl_attr_parse(rq, sizeof(struct sluicemsg), nats_cb, tb) < 0)
		return -EINVAL;
	ret = sm_check(rq);
	if (ret != 0)
		return ret;
	if (tb[SLUICE_NATS_LIMIT] != NULL && mnl_attr_get_u32(tb[SLUICE_NATS_LIMIT]) != 0)
		sd.left = mnl_attr_get_u32(tb[SLUICE_NATS_LIMIT]);
	/* The place: args[0] the table slot, args[1] 1 + what the limit
	 * leaves (0: the first call). */
	if (rq->args[1] != 0)
		sd.left = (uint32_t)(rq->args[1] - 1);
	slot = (uint32_t)rq->args[0];
	if (nat_sess_walk_from(&slot, sess_put, &sd) != CTL_DUMP_MORE)
		return 0;
	rq->args[0] = slot;
	rq->args[1] = (uint64_t)sd.left + 1;
	return CTL_DUMP_MORE;
}

int
nat_nl_sess_del(struct ctl_req *rq)
{
	int ret = sm_check(rq);

	if (ret != 0)
		return ret;
	nat_sess_flush();
	return 0;
}

static int
natc_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, SLUICE_NATC_MAX) < 0 ||
	    mnl_attr_get_type(a) == SLUICE_NATC_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

int
nat_nl_conf_set(struct ctl_req *rq)
{
	const struct nlattr *tb[SLUICE_NATC_MAX + 1] = { 0 };
	struct nat_conf c = { 0 };
	int ret;

	if (ctl_attr_parse(rq, sizeof(struct sluicemsg), natc_cb, tb) < 0)
		return -EINVAL;
	ret = sm_check(rq);
	if (ret != 0)
		return ret;
	/* An attribute present with 0 is a bad value, not "unchanged". */
	for (int i = 1; i <= SLUICE_NATC_MAX; i++)
		if (tb[i] != NULL && mnl_attr_get_u32(tb[i]) == 0)
			return dp_errmsg(-EINVAL, "NAT setting %d may not be 0", i);
	c.timeout_udp = u32_or0(tb[SLUICE_NATC_TIMEOUT_UDP]);
	c.timeout_tcp_est = u32_or0(tb[SLUICE_NATC_TIMEOUT_TCP_EST]);
	c.timeout_tcp_trans = u32_or0(tb[SLUICE_NATC_TIMEOUT_TCP_TRANS]);
	c.timeout_icmp = u32_or0(tb[SLUICE_NATC_TIMEOUT_ICMP]);
	c.max_sessions = u32_or0(tb[SLUICE_NATC_MAX_SESSIONS]);
	return nat_conf_set(&c);
}

int
nat_nl_conf_get(struct ctl_req *rq)
{
	struct sluicemsg sm = { .sm_family = AF_INET };
	struct nlmsghdr *nlh;
	struct nat_conf c;
	int ret = sm_check(rq);

	if (ret != 0)
		return ret;
	nat_conf_get(&c);
	nlh = ctl_msg_begin(rq, SLUICE_SETNATCONF, ctl_multi(rq), &sm, sizeof(sm));
	mnl_attr_put_u32(nlh, SLUICE_NATC_TIMEOUT_UDP, c.timeout_udp);
	mnl_attr_put_u32(nlh, SLUICE_NATC_TIMEOUT_TCP_EST, c.timeout_tcp_est);
	mnl_attr_put_u32(nlh, SLUICE_NATC_TIMEOUT_TCP_TRANS, c.timeout_tcp_trans);
	mnl_attr_put_u32(nlh, SLUICE_NATC_TIMEOUT_ICMP, c.timeout_icmp);
	mnl_attr_put_u32(nlh, SLUICE_NATC_MAX_SESSIONS, c.max_sessions);
	ctl_msg_end(rq, nlh);
	return 0;
}
