/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvp_msg.h: the KVP IC's pure part: checking a host request and turning it into the
 * daemon's message (UTF-16LE to UTF-8, numbers to decimal strings), and writing the
 * daemon's answer back into the host's packet (UTF-8 to UTF-16LE).  Conversions and
 * which fields each operation carries follow drivers/hv/hv_kvp.c (kvp_send_key,
 * kvp_respond_to_host, process_ib_ipinfo, process_ob_ipinfo).  Used by
 * drivers/ic/kvp.c, the fake host and the unit tests.
 */
#ifndef _HVIS_KVP_MSG_H
#define _HVIS_KVP_MSG_H

#include "../include/hvis/ic_proto.h"
#include "../include/hvis/kvp_abi.h"
#include "utf16.h"

/*
 * Daemon registration (drivers/hv/hv_kvp.c kvp_handle_handshake): the daemon's first
 * write names its protocol in kvp_hdr.operation.  KVP_OP_REGISTER1 (hv_kvp_daemon
 * since 2012, hvis-kvpd): the status of each answer is its first 4 bytes (error).
 * KVP_OP_REGISTER (the legacy daemon, still accepted upstream): no IP injection (its
 * number is KVP_OP_GET_IP_INFO's), and an answer with an empty key means HV_S_CONT.
 * Returns the registration op of @msg (@len bytes), or -EINVAL for a short message or
 * any other op.
 */
int hvis_kvp_parse_register(const struct hv_kvp_msg *msg, u32 len);

/* The driver's answer to a registration with @reg_op: that op and HV_DRV_VERSION. */
void hvis_kvp_build_register(int reg_op, struct hv_kvp_msg *out);

/* True if a daemon registered with @reg_op handles host operation @op. */
bool hvis_kvp_daemon_handles(int reg_op, u8 op);

/* The host status for a daemon's answer @ans under registration @reg_op. */
u32 hvis_kvp_daemon_status(int reg_op, const struct hv_kvp_msg *ans);

/*
 * Checks a host KVP request (the bytes after the IC header) and builds the daemon's
 * message in @out.  Returns HV_S_OK, HV_INVALIDARG (short message, unknown pool,
 * oversized or bad key/value, unknown value type) or HV_ERROR_NOT_SUPPORTED
 * (unknown operation); @why then names the problem.
 */
u32 hvis_kvp_from_host(const u8 *data, u32 len, struct hv_kvp_msg *out, const char **why);

/*
 * Writes the daemon's successful answer @d to the host request of operation @op in
 * place (@data, @len bytes: the request, checked by hvis_kvp_from_host).  Returns
 * HV_S_OK, or HV_E_FAIL when an answer does not fit the host's fields.
 */
u32 hvis_kvp_to_host(u8 op, const struct hv_kvp_msg *d, u8 *data, u32 len);

/* Bytes a host request of operation @op needs after the IC header; 0 if unknown. */
u32 hvis_kvp_host_len(u8 op);

#endif /* _HVIS_KVP_MSG_H */
