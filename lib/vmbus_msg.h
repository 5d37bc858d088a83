/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmbus_msg.h: what the protocol says about each VMBus channel message type: its
 * name, the size of its struct and who sends it.  One table (lib/vmbus_msg.c) serves
 * the guest's validator, the fake host's and the tests.
 */
#ifndef _HVIS_VMBUS_MSG_H
#define _HVIS_VMBUS_MSG_H

#include "../include/hvis/vmbus_proto.h"

enum vmbus_msg_dir {
	VMBUS_MSG_NONE = 0,	/* not sent by anyone (INVALID) */
	VMBUS_MSG_H2G,		/* host to guest */
	VMBUS_MSG_G2H,		/* guest to host */
};

struct vmbus_msg_info {
	const char *name;	/* "OFFERCHANNEL" */
	u16 min_len;		/* bytes including the 8-byte header; fixed part if variable */
	u8 dir;			/* enum vmbus_msg_dir */
};

/* The entry for a message type, or NULL for a type the protocol does not define. */
const struct vmbus_msg_info *vmbus_msg_info(u32 msgtype);

/* The type's name, or "UNKNOWN". */
const char *vmbus_msg_name(u32 msgtype);

#endif /* _HVIS_VMBUS_MSG_H */
