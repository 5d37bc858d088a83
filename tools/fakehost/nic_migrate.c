// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_migrate.c: the NIC's part of a simulated live migration (migrate.c): the
 * NETWORK_CHANGE indication every NIC gets once the VM runs on the target host, and
 * the "VMQ on the host, off on the virtual switch" scenario.  With that mismatch a
 * migrated VM loses its VLAN-tagged traffic (the host NIC's VMQ filters keep the
 * VLAN, the switch does not): `nic vmq-switch DEV on` configures it, the next
 * migration's blackout starts the loss, and `nic vmq-switch DEV off` (the switch
 * fixed) ends it at once.  Untagged traffic is never affected.
 */
#include "nic_dev.h"

#define ETH_P_8021Q_BE	0x8100	/* include/uapi/linux/if_ether.h */
#define ETH_P_8021AD_BE	0x88a8

void dev_nic_migrate_begin(struct vmbus_host *h)
{
	struct host_device *d;

	for (d = h->devices; d; d = d->next) {
		struct nic_dev *nd;

		if (d->ops != &dev_nic_ops)
			continue;
		nd = d->priv;
		if (nd->vmq_switch && !nd->vmq_dropping) {
			nd->vmq_dropping = true;
			host_event(h, "NIC_VMQ_DROPPING", "nic=%u", nic_ordinal(d));
		}
	}
}

u32 dev_nic_migrate_end(struct vmbus_host *h)
{
	struct host_device *d;
	u32 n = 0;

	for (d = h->devices; d; d = d->next) {
		struct nic_dev *nd;

		if (d->ops != &dev_nic_ops)
			continue;
		nd = d->priv;
		if (!nd->ch || nd->ch->state != CHAN_OPEN || !nd->rndis_inited)
			continue;
		nic_queue_indicate(nd, RNDIS_STATUS_NETWORK_CHANGE);
		nic_flush(nd->ch);
		host_event(h, "NIC_LINK", "nic=%u state=network_change indicated=1 why=migration",
			   nic_ordinal(d));
		n++;
	}
	return n;
}

bool nic_vmq_drop(struct nic_dev *nd, const u8 *frame, u32 len, bool vlan)
{
	u16 type;

	if (!nd->vmq_dropping)
		return false;
	if (!vlan) {
		if (len < 14)
			return false;
		type = (u16)(frame[12] << 8 | frame[13]);
		if (type != ETH_P_8021Q_BE && type != ETH_P_8021AD_BE)
			return false;
	}
	nd->vmq_drops++;
	return true;
}

int nic_vmq_ctl(struct nic_dev *nd, const char *arg, FILE *out, char *err, size_t errlen)
{
	if (arg && strcmp(arg, "on") && strcmp(arg, "off")) {
		snprintf(err, errlen, "usage: nic vmq-switch DEV [on|off]");
		return -1;
	}
	if (arg) {
		nd->vmq_switch = arg[1] == 'n';
		if (!nd->vmq_switch)
			nd->vmq_dropping = false;
		host_event(nd->dev->host, "NIC_VMQ_SWITCH", "nic=%u mismatch=%s drops=%llu",
			   nic_ordinal(nd->dev), arg, (unsigned long long)nd->vmq_drops);
	}
	fprintf(out, "vmq_switch=%s dropping=%d vmq_drops=%llu\n", nd->vmq_switch ? "on" : "off",
		nd->vmq_dropping, (unsigned long long)nd->vmq_drops);
	return 0;
}
