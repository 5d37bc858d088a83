/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvp_ifcfg.h: the ifcfg-<if> file that hvis-kvpd writes for a SET_IP_INFO and
 * /usr/lib/hvis/hvis-set-ifconfig reads.  One KEY=VALUE a line, lists ';'-separated:
 *
 *   DEVICE=<if>  BOOTPROTO=none|dhcp
 *   IPADDR=<v4>;...       NETMASK=<mask of the n-th IPADDR>;...   GATEWAY=<v4>;...
 *   IPV6ADDR=<v6>;...     IPV6NETMASK=<prefix of the n-th IPV6ADDR>;...
 *   IPV6_DEFAULTGW=<v6>;...
 *   DNS=<v4 or v6>;...
 *
 * The key names are those of upstream's tools/hv/hv_kvp_daemon.c (which numbers each
 * element as a key of its own; here a key holds a list).  The host sends one mixed
 * list per field (struct hv_kvp_ipaddr_value, include/uapi/linux/hyperv.h), the n-th
 * sub_net element going with the n-th ip_addr element; the writer splits them by
 * family and keeps each mask with its address.
 */
#ifndef _KVP_IFCFG_H
#define _KVP_IFCFG_H

#include <stdio.h>
#include "hvis/kvp_abi.h"

/*
 * Writes the file's lines for @ifname to @f.  @v must have passed hvis_kvp_ip_check()
 * (its lists are plain ';'-joined addresses and masks, UTF-8).  Returns 0, or -1 if
 * a list does not fit or @f fails.
 */
int kvp_ifcfg_write(FILE *f, const char *ifname, const struct hv_kvp_ipaddr_value *v);

#endif /* _KVP_IFCFG_H */
