/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SLUICE_{NEW,DEL}CAPTURE and SLUICE_{NEW,DEL}TRACE: start a session for
 * the requesting client with the socket its datagram carried, or end the
 * client's session.
 */
#include <errno.h>
#include <unistd.h>

#include "capture.h"
#include "control.h"
#include "dp.h"
#include "port.h"
#include "trace.h"

struct ops_args {
	uint32_t ifindex, snaplen, count;
	uint8_t dir;
	bool has_dir, has_snaplen;
};

static int
ops_attr(const struct nlattr *a, void *data)
{
	struct ops_args *o = data;

	switch (mnl_attr_get_type(a)) {
	case SLUICE_OPSA_IFINDEX:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		o->ifindex = mnl_attr_get_u32(a);
		break;
	case SLUICE_OPSA_DIR:
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		o->dir = mnl_attr_get_u8(a);
		o->has_dir = true;
		break;
	case SLUICE_OPSA_SNAPLEN:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		o->snaplen = mnl_attr_get_u32(a);
		o->has_snaplen = true;
		break;
	case SLUICE_OPSA_COUNT:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		o->count = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

/* The request's arguments, its port mask and its socket (-1: error). */
static int
ops_parse(struct ctl_req *rq, struct ops_args *o, uint32_t *mask, int *fd)
{
	int err, slot;

	*fd = ctl_take_fd(rq);
	err = ctl_attr_parse(rq, sizeof(struct sluicemsg), ops_attr, o);
	if (err == 0 && *fd < 0)
		err = dp_errmsg(-EBADF, "the request carries no socket for the output");
	if (err == 0 && o->ifindex != 0) {
		if ((slot = ctl_port_slot(o->ifindex)) < 0)
			err = slot;
		else
			*mask = UINT32_C(1) << slot;
	} else if (err == 0) {
		*mask = 0;
		for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
			if (ports[p].used)
				*mask |= UINT32_C(1) << p;
	}
	if (err != 0 && *fd >= 0)
		close(*fd);
	return err;
}

int
capture_nl_new(struct ctl_req *rq)
{
	struct ops_args o = { 0 };
	uint32_t mask;
	int fd, err;

	if ((err = ops_parse(rq, &o, &mask, &fd)) != 0)
		return err;
	if (!o.has_dir)
		o.dir = SLUICE_CAPTURE_IN | SLUICE_CAPTURE_OUT;
	if (o.dir == 0 || (o.dir & ~(SLUICE_CAPTURE_IN | SLUICE_CAPTURE_OUT))) {
		close(fd);
		return dp_errmsg(-EINVAL, "direction %u is not in, out or both", o.dir);
	}
	if (!o.has_snaplen || o.snaplen == 0 || o.snaplen > capture_snaplen_max())
		o.snaplen = capture_snaplen_max();
	return capture_start(rq->c, fd, mask, o.dir, o.snaplen, o.count);
}

int
capture_nl_del(struct ctl_req *rq)
{
	return capture_stop(rq->c) == 0 ? 0 :
	       dp_errmsg(-ENOENT, "this client runs no capture");
}

int
trace_nl_new(struct ctl_req *rq)
{
	struct ops_args o = { 0 };
	uint32_t mask;
	int fd, err;

	if ((err = ops_parse(rq, &o, &mask, &fd)) != 0)
		return err;
	return trace_start(rq->c, fd, mask, o.count);
}

int
trace_nl_del(struct ctl_req *rq)
{
	return trace_stop(rq->c) == 0 ? 0 :
	       dp_errmsg(-ENOENT, "this client runs no trace");
}
