/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat.h: the kernel API differences between the kernels hvis builds for, each
 * decided by a header probe in compat/Kbuild.include (not by version numbers).  No
 * other file tests a kernel version.
 */
#ifndef _HVIS_COMPAT_H
#define _HVIS_COMPAT_H

/* bus_type.uevent takes a const struct device (6.3 and later). */
#ifdef HVIS_COMPAT_UEVENT_CONST
#define HVIS_UEVENT_CONST const
#else
#define HVIS_UEVENT_CONST
#endif

/* bus_type.match takes a const struct device_driver (6.11 and later). */
#ifdef HVIS_COMPAT_MATCH_CONST
#define HVIS_MATCH_DRV_CONST const
#else
#define HVIS_MATCH_DRV_CONST
#endif

/*
 * bus_register() takes a const struct bus_type, and devices and drivers point to it as
 * const (6.4 and later).  Before, the driver core keeps its private state in the
 * bus_type, so there it must stay writable.
 */
#ifdef HVIS_COMPAT_BUS_CONST
#define HVIS_BUS_TYPE	const struct bus_type
#else
#define HVIS_BUS_TYPE	struct bus_type	/* not const: bus_register() sets its ->p */
#endif

/* Where .remove still returns int, the void-returning callback is .remove_new. */
#ifdef HVIS_COMPAT_PLATFORM_REMOVE_INT
#define HVIS_PLATFORM_REMOVE remove_new
#else
#define HVIS_PLATFORM_REMOVE remove
#endif

/*
 * scsi_host_template.eh_timed_out returns enum scsi_timeout_action (6.2 and later)
 * rather than enum blk_eh_timer_return.
 */
#ifdef HVIS_COMPAT_SCSI_TIMEOUT_ACTION
#define HVIS_EH_TIMEOUT_RET	enum scsi_timeout_action
#define HVIS_EH_RESET_TIMER	SCSI_EH_RESET_TIMER
#define HVIS_EH_DONE		SCSI_EH_DONE
#define HVIS_EH_NOT_HANDLED	SCSI_EH_NOT_HANDLED
#else
#define HVIS_EH_TIMEOUT_RET	enum blk_eh_timer_return
#define HVIS_EH_RESET_TIMER	BLK_EH_RESET_TIMER
#define HVIS_EH_DONE		BLK_EH_DONE
/* 6.1's scsi_timeout(): BLK_EH_DONE from the driver starts the midlayer's abort. */
#define HVIS_EH_NOT_HANDLED	BLK_EH_DONE
#endif

/*
 * ethtool_ops.get_rxfh / set_rxfh take a struct ethtool_rxfh_param (6.8 and later)
 * rather than the table, key and hash function one by one.  hvis_netvsc's rss.c
 * defines one or the other pair.
 */

/* kmsg_dumper.dump takes a struct kmsg_dump_detail (6.11 and later) or the reason. */
#ifdef HVIS_COMPAT_KMSG_DUMP_DETAIL
#define HVIS_KMSG_DUMP_ARGS	struct kmsg_dumper *dumper, struct kmsg_dump_detail *detail
#define HVIS_KMSG_DUMP_REASON	(detail->reason)
#else
#define HVIS_KMSG_DUMP_ARGS	struct kmsg_dumper *dumper, enum kmsg_dump_reason reason
#define HVIS_KMSG_DUMP_REASON	(reason)
#endif

#endif /* _HVIS_COMPAT_H */
