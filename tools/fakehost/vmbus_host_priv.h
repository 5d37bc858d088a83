/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmbus_host_priv.h: what the files of the VMBus host state machine share and the
 * rest of the fake host does not see: vmbus_host.c (events, versions, lookups, reset,
 * channel close, signals, ticks), vmbus_offers.c (devices, offers, monitor ids,
 * rescinds), vmbus_gpadls.c (the GPADL list and the GPADL messages) and
 * vmbus_chan_msg.c (the table of guest channel messages and its dispatcher) and
 * vmbus_monitor.c (the monitor pages and their scan).
 */
#ifndef _FH_VMBUS_HOST_PRIV_H
#define _FH_VMBUS_HOST_PRIV_H

#include "vmbus_host.h"

/* NTSTATUS STATUS_UNSUCCESSFUL: what the host puts in a failed open/GPADL/modify. */
#define HOST_STATUS_FAIL	0xc0000001u

/* ---- vmbus_host.c ---- */

/* Sends a channel message to the guest's message CPU. */
void host_send_msg(struct vmbus_host *h, const void *msg, u32 len);
bool host_version_accepted(const struct vmbus_host *h, u32 version);
/* Stops the device and unmaps the rings of an open channel. */
void host_close_channel(struct host_channel *ch, bool reply_teardown);

/* ---- vmbus_offers.c ---- */

/* Offers one channel of dev (sub_index 0: the primary) and lists it. */
void host_offer_channel(struct vmbus_host *h, struct host_device *dev, u16 sub_index);
/* Removes the devices whose ops are transient (host_reset: their connections died). */
void host_remove_transient_devices(struct vmbus_host *h);
/* A primary just opened: offers its device's subchannels, once. */
void host_offer_subchannels(struct vmbus_host *h, struct host_channel *primary);

/* ---- vmbus_gpadls.c ---- */

struct host_gpadl *host_gpadl_by_id(struct vmbus_host *h, u32 id);
void host_gpadl_remove(struct vmbus_host *h, struct host_gpadl *g);
void host_free_gpadls(struct vmbus_host *h);
/* GPADL_TORNDOWN for g, then forgets it. */
void host_send_torndown(struct vmbus_host *h, struct host_gpadl *g);
void host_handle_gpadl_header(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len);
void host_handle_gpadl_body(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len);
void host_handle_gpadl_teardown(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len);

#endif /* _FH_VMBUS_HOST_PRIV_H */
