// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_vf.c: the SR-IOV VF of a synthetic NIC (`nic vf`).  A virtio-net PCI device with
 * the NIC's MAC plays the VF.  `nic vf DEV add port=ID [bridge=BR]`: QMP netdev_add
 * makes its TAP (hvvfN, in the fake host's network namespace) and the host puts that
 * TAP in bridge BR, on the same L2 as the NIC's own TAP; then the guest gets NVSP 4
 * SEND_VF_ASSOCIATION (allocated, serial N) and QMP device_add plugs the device into
 * PCIe root port ID.  The guest switches its data path with SWITCH_DATA_PATH; while it
 * is on the VF, wire frames are not delivered on the synthetic path (counted in
 * vf_path_drops), as Hyper-V sends them to the VF.  `nic vf DEV revoke`: association
 * allocated 0, and once the guest has switched back to synthetic (at once if it is
 * there), QMP device_del.  The revoked device's netdev goes at the next add.
 */
#include <net/if.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sockios.h>
#include "migrate.h"
#include "nic_dev.h"
#include "qmp.h"

static const char *const vf_state_names[] = { "none", "added", "revoking" };

static int vf_qmp(struct nic_dev *nd, const char *what, const char *cmd, char *err,
		  size_t errlen)
{
	char qerr[200];

	if (!qmp_command(migrate_qmp_path(), cmd, NULL, 0, qerr, sizeof(qerr)))
		return 0;
	snprintf(err, errlen, "QMP %s failed: %s", what, qerr);
	host_event(nd->dev->host, "NIC_VF_FAILED", "nic=%u step=%s error=\"%s\"",
		   nic_ordinal(nd->dev), what, qerr);
	return -1;
}

/* Puts ifname into bridge br and brings it up (SIOCBRADDIF, SIOCSIFFLAGS). */
static int vf_bridge(const char *br, const char *ifname, char *err, size_t errlen)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", br);
	ifr.ifr_ifindex = (int)if_nametoindex(ifname);
	if (!ifr.ifr_ifindex || ioctl(fd, SIOCBRADDIF, &ifr)) {
		snprintf(err, errlen, "adding %s to bridge %s: %s", ifname, br, strerror(errno));
		goto out;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		snprintf(err, errlen, "%s: %s", ifname, strerror(errno));
		goto out;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		snprintf(err, errlen, "%s up: %s", ifname, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static int vf_send_assoc(struct nic_dev *nd, bool allocated)
{
	struct nvsp_msg m = { .type = NVSP_MSG4_SEND_VF_ASSOCIATION };
	struct nvsp4_send_vf_association a = {
		.allocated = allocated ? NVSP_VF_ALLOCATED : NVSP_VF_NOT_ALLOCATED,
		.serial = nd->vf_serial,
	};

	memcpy(m.raw, &a, sizeof(a));
	return host_chan_send(nd->ch, VM_PKT_DATA_INBAND, 0, 0, &m, NVSP_MSG_BYTES_V61);
}

static int vf_device_del(struct nic_dev *nd, char *err, size_t errlen)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"%sdev\"}}",
		 nd->vf_id);
	nd->vf_state = NIC_VF_NONE;
	if (vf_qmp(nd, "device_del", cmd, err, errlen))
		return -1;
	host_event(nd->dev->host, "NIC_VF", "nic=%u state=removed serial=%u id=%s",
		   nic_ordinal(nd->dev), nd->vf_serial, nd->vf_id);
	return 0;
}

static int vf_add(struct nic_dev *nd, const char *port, const char *br, FILE *out, char *err,
		  size_t errlen)
{
	char cmd[400], mac[18];

	if (nd->vf_state != NIC_VF_NONE) {
		snprintf(err, errlen, "the nic has a VF already (revoke it first)");
		return -1;
	}
	if (nd->nvsp_version < NVSP_VERSION_4) {
		snprintf(err, errlen, "the guest negotiated NVSP %#x; a VF needs 4 or later",
			 nd->nvsp_version);
		return -1;
	}
	/* The netdev of the VF revoked before: its device is gone by now. */
	if (nd->vf_gen) {
		snprintf(cmd, sizeof(cmd), "{\"execute\":\"netdev_del\",\"arguments\":{\"id\":\"%s\"}}",
			 nd->vf_id);
		qmp_command(migrate_qmp_path(), cmd, NULL, 0, err, errlen);
	}
	nd->vf_gen++;
	nd->vf_serial = nd->vf_gen;
	snprintf(nd->vf_id, sizeof(nd->vf_id), "hvisvf%u", nd->vf_gen);
	snprintf(nd->vf_ifname, sizeof(nd->vf_ifname), "hvvf%u", nd->vf_gen);
	snprintf(cmd, sizeof(cmd),
		 "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"tap\",\"id\":\"%s\",\"ifname\":\"%s\",\"script\":\"no\",\"downscript\":\"no\"}}",
		 nd->vf_id, nd->vf_ifname);
	if (vf_qmp(nd, "netdev_add", cmd, err, errlen))
		return -1;
	if (br && vf_bridge(br, nd->vf_ifname, err, errlen))
		return -1;
	if (vf_send_assoc(nd, true)) {
		snprintf(err, errlen, "the VF association did not fit in the ring");
		return -1;
	}
	snprintf(cmd, sizeof(cmd),
		 "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"virtio-net-pci\",\"id\":\"%sdev\",\"netdev\":\"%s\",\"mac\":\"%s\",\"bus\":\"%s\"}}",
		 nd->vf_id, nd->vf_id, nic_fmt_mac(nd->mac, mac), port);
	if (vf_qmp(nd, "device_add", cmd, err, errlen))
		return -1;
	nd->vf_state = NIC_VF_ADDED;
	host_event(nd->dev->host, "NIC_VF", "nic=%u state=added serial=%u id=%s tap=%s mac=%s",
		   nic_ordinal(nd->dev), nd->vf_serial, nd->vf_id, nd->vf_ifname, mac);
	fprintf(out, "vf=added serial=%u tap=%s\n", nd->vf_serial, nd->vf_ifname);
	return 0;
}

static int vf_revoke(struct nic_dev *nd, FILE *out, char *err, size_t errlen)
{
	if (nd->vf_state != NIC_VF_ADDED) {
		snprintf(err, errlen, "the nic has no VF to revoke");
		return -1;
	}
	if (vf_send_assoc(nd, false)) {
		snprintf(err, errlen, "the revocation did not fit in the ring");
		return -1;
	}
	nd->vf_state = NIC_VF_REVOKING;
	host_event(nd->dev->host, "NIC_VF", "nic=%u state=revoking serial=%u datapath=%s",
		   nic_ordinal(nd->dev), nd->vf_serial, nd->datapath_vf ? "vf" : "synthetic");
	/* The guest is off the VF already: unplug it now; else once it has switched. */
	if (!nd->datapath_vf && vf_device_del(nd, err, errlen))
		return -1;
	fprintf(out, "vf=%s serial=%u\n", vf_state_names[nd->vf_state], nd->vf_serial);
	return 0;
}

int nic_vf_ctl(struct nic_dev *nd, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	const char *port = NULL, *br = NULL;
	int i;

	if (argc == 0) {
		fprintf(out, "vf=%s serial=%u datapath=%s switches=%llu vf_path_drops=%llu\n",
			vf_state_names[nd->vf_state], nd->vf_serial,
			nd->datapath_vf ? "vf" : "synthetic", (unsigned long long)nd->vf_switches,
			(unsigned long long)nd->vf_path_drops);
		return 0;
	}
	if (!nd->ch || nd->ch->state != CHAN_OPEN || !nd->rndis_inited) {
		snprintf(err, errlen, "the nic has no open channel with RNDIS up");
		return -1;
	}
	if (!strcmp(argv[0], "revoke") && argc == 1)
		return vf_revoke(nd, out, err, errlen);
	if (strcmp(argv[0], "add"))
		goto usage;
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "port=", 5) && argv[i][5] && strlen(argv[i]) < 40 &&
		    !strpbrk(argv[i] + 5, "\"\\"))
			port = argv[i] + 5;
		else if (!strncmp(argv[i], "bridge=", 7) && argv[i][7] &&
			 strlen(argv[i] + 7) < IFNAMSIZ)
			br = argv[i] + 7;
		else
			goto usage;
	}
	if (!port)
		goto usage;
	return vf_add(nd, port, br, out, err, errlen);
usage:
	snprintf(err, errlen, "usage: nic vf DEV [add port=PCIE-ROOT-PORT-ID [bridge=BR] | revoke]");
	return -1;
}

void nic_vf_datapath(struct nic_dev *nd, const struct nvsp_msg *m)
{
	const char *why = NULL;
	bool to_vf;
	char err[200];

	/* nvsp_msg_check saw the 4-byte body; m is zero-filled past what came. */
	if (nvsp_datapath_parse(m->raw, sizeof(struct nvsp4_sw_datapath), &to_vf, &why)) {
		nic_bad(nd, why, "SWITCH_DATA_PATH refused");
		return;
	}
	if (to_vf && nd->vf_state != NIC_VF_ADDED) {
		nic_bad(nd, "active_datapath", "a VF data path with no VF associated");
		return;
	}
	if (to_vf != nd->datapath_vf)
		nd->vf_switches++;
	nd->datapath_vf = to_vf;
	host_event(nd->dev->host, "NIC_DATAPATH", "nic=%u path=%s", nic_ordinal(nd->dev),
		   to_vf ? "vf" : "synthetic");
	if (!to_vf && nd->vf_state == NIC_VF_REVOKING)
		vf_device_del(nd, err, sizeof(err));
}

bool nic_vf_steals(struct nic_dev *nd)
{
	if (!nd->datapath_vf)
		return false;
	nd->vf_path_drops++;
	return true;
}
