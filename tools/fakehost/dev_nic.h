/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_nic.h: the fake host's synthetic NIC backend (class "nic", HV_NIC_GUID): NVSP
 * and RNDIS on the host side, a net_responder behind the wire, the `nic` control
 * command and the NIC_* events (docs/fakehost-ctl.md).
 */
#ifndef _FH_DEV_NIC_H
#define _FH_DEV_NIC_H

#include <stdio.h>
#include "vmbus_host.h"

/* Sets a NIC device's MAC (`--devices nic@00:15:5d:00:00:10`); 0 or -EINVAL. */
int dev_nic_set_mac(struct host_device *dev, const char *mac);

/* `--nic-channels N`: NICs created after this offer up to N channels (1..16). */
int dev_nic_set_default_channels(u32 n);
/* `--tap N=IFNAME`: NIC number N (0-based) is wired to TAP device IFNAME; 0 or -errno. */
int dev_nic_set_tap(struct vmbus_host *h, u32 n, const char *ifname);
/*
 * `--tap-vlan N:VID=IFNAME` (nic_vlan.c): VLAN VID (1..4094) of NIC number N is wired to
 * TAP device IFNAME, an access port; 0 or -errno (-EEXIST: VID or IFNAME taken on N).
 */
int dev_nic_add_tap_vlan(struct vmbus_host *h, u32 n, u32 vid, const char *ifname);

/* `ctl nic ARGS...`: 0, or -1 with err filled in. */
int dev_nic_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		size_t errlen);

/* ---- migrate: nic_migrate.c ---- */

/* A migration's blackout begins: NICs whose switch has the VMQ mismatch start dropping. */
void dev_nic_migrate_begin(struct vmbus_host *h);
/* The VM runs on the target: NETWORK_CHANGE on every NIC with RNDIS up; how many. */
u32 dev_nic_migrate_end(struct vmbus_host *h);

#endif /* _FH_DEV_NIC_H */
