/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ic_proto.h: the integration-component (IC) framework wire format and the heartbeat
 * and shutdown messages, shared by the guest IC drivers and the fake host.
 *
 * Facts from include/linux/hyperv.h (struct vmbuspipe_hdr, struct icmsg_hdr,
 * struct icmsg_negotiate, heartbeat_msg_data, shutdown_msg_data) and
 * drivers/hv/hv_util.c (the versions each IC offers).
 */
#ifndef _HVIS_IC_PROTO_H
#define _HVIS_IC_PROTO_H

#include "types.h"

#define ICMSGTYPE_NEGOTIATE	0
#define ICMSGTYPE_HEARTBEAT	1
#define ICMSGTYPE_KVPEXCHANGE	2
#define ICMSGTYPE_SHUTDOWN	3
#define ICMSGTYPE_TIMESYNC	4
#define ICMSGTYPE_VSS		5
#define ICMSGTYPE_FCOPY		7

#define ICMSGHDRFLAG_TRANSACTION	1
#define ICMSGHDRFLAG_REQUEST		2
#define ICMSGHDRFLAG_RESPONSE		4

/* IC status codes (include/linux/hyperv.h HV_S_OK, HV_E_FAIL). */
#ifndef HV_S_OK
#define HV_S_OK		0x00000000u
#define HV_E_FAIL	0x80004005u
#endif

#define IC_VERSION_NEGOTIATION_MAX_VER_COUNT 100

struct vmbuspipe_hdr {
	u32 flags;
	u32 msgsize;
} __packed;
static_assert(sizeof(struct vmbuspipe_hdr) == 8, "vmbuspipe_hdr");

struct ic_version {
	u16 major;
	u16 minor;
} __packed;
static_assert(sizeof(struct ic_version) == 4, "ic_version");

struct icmsg_hdr {
	struct ic_version icverframe;
	u16 icmsgtype;
	struct ic_version icvermsg;
	u16 icmsgsize;
	u32 status;
	u8 ictransaction_id;
	u8 icflags;
	u8 reserved[2];
} __packed;
static_assert(sizeof(struct icmsg_hdr) == 20, "icmsg_hdr");

/* IC payloads start after the pipe header and the IC header (include/linux/hyperv.h ICMSG_HDR). */
#define ICMSG_HDR (sizeof(struct vmbuspipe_hdr) + sizeof(struct icmsg_hdr))
static_assert(ICMSG_HDR == 28, "ICMSG_HDR");

struct icmsg_negotiate {
	u16 icframe_vercnt;
	u16 icmsg_vercnt;
	u32 reserved;
	struct ic_version icversion_data[];	/* framework versions, then message versions */
} __packed;
static_assert(sizeof(struct icmsg_negotiate) == 8, "icmsg_negotiate");

struct heartbeat_msg_data {
	u64 seq_num;
	u32 reserved[8];
} __packed;
static_assert(sizeof(struct heartbeat_msg_data) == 40, "heartbeat_msg_data");

/* Shutdown flags (drivers/hv/hv_util.c shutdown_onchannelcallback). */
#define IC_SHUTDOWN_FLAG_FORCE		0x1u
#define IC_SHUTDOWN_FLAG_POWEROFF	0x0u
#define IC_SHUTDOWN_FLAG_REBOOT		0x2u
#define IC_SHUTDOWN_FLAG_HIBERNATE	0x4u

struct shutdown_msg_data {
	u32 reason_code;
	u32 timeout_seconds;
	u32 flags;
	u8 display_message[2048];
} __packed;
static_assert(sizeof(struct shutdown_msg_data) == 2060, "shutdown_msg_data");

/* ---- Time sync (include/linux/hyperv.h ictimesync_data, ictimesync_ref_data) ---- */

/* Flags of a time sample (include/linux/hyperv.h ICTIMESYNCFLAG_*). */
#define ICTIMESYNCFLAG_PROBE	0
#define ICTIMESYNCFLAG_SYNC	1
#define ICTIMESYNCFLAG_SAMPLE	2

/* 100 ns units from 1601-01-01 to 1970-01-01 (include/linux/hyperv.h WLTIMEDELTA). */
#define WLTIMEDELTA	116444736000000000ULL

/* Message versions before 4.0. */
struct ictimesync_data {
	u64 parenttime;		/* host time, 100 ns units since 1601 */
	u64 childtime;
	u64 roundtriptime;
	u8 flags;
} __packed;
static_assert(sizeof(struct ictimesync_data) == 25, "ictimesync_data");

/* Message version 4.0: carries the VM reference time at which the host sampled. */
struct ictimesync_ref_data {
	u64 parenttime;
	u64 vmreferencetime;
	u8 flags;
	u8 leapflags;
	u8 stratum;
	u8 reserved[3];
} __packed;
static_assert(sizeof(struct ictimesync_ref_data) == 22, "ictimesync_ref_data");

/* Versions the guest offers (drivers/hv/hv_util.c fw_versions, *_versions). */
#define IC_FW_VERSION_3_0	{ 3, 0 }
#define IC_FW_VERSION_1_0	{ 1, 0 }

#endif /* _HVIS_IC_PROTO_H */
