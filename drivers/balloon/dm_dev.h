/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm_dev.h: what the files of hvis_balloon share: the device state and the calls
 * between them.  balloon.c owns the device (probe, protocol, host requests, status
 * reports, sysfs); dm_balloon.c owns ballooning (balloon up, unballoon, the floor);
 * dm_hot_add.c owns hot-add and the online-page callback.
 */
#ifndef _HVIS_DM_DEV_H
#define _HVIS_DM_DEV_H

#include <linux/mm.h>
#include <linux/xarray.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/spinlock.h>
#include <linux/notifier.h>
#include <hvis/vmbus.h>
#include "dm_msg.h"

#define DM_MAX_REGIONS		16
#define DM_2M_ORDER		(21 - PAGE_SHIFT)
#define DM_XA_BLOCK		0x100	/* a hot-added block offlined and removed */
#define DM_XA_ORDER(v)		((unsigned int)((v) & 0xff))

/* 4 KiB Hyper-V pages per guest page, and the conversions. */
#define HV_PER_PAGE		(PAGE_SIZE / 4096)
#define TO_HV(p)		((u64)(p) * HV_PER_PAGE)
#define MB_OF(p)		((u64)(p) >> (20 - PAGE_SHIFT))

enum dm_state { DM_INIT, DM_READY, DM_UNSUPPORTED, DM_FAILED };

struct dm_dev {
	struct hvis_device *hdev;
	struct hvis_channel *ch;
	enum dm_state state;
	u32 version;
	u64 caps;
	atomic_t trans;
	/*
	 * The guest can hibernate (ACPI S4, or hibernation=1): as hv_balloon, balloon
	 * and unballoon requests go unanswered and hot-add gets 0 pages.
	 */
	bool s4;

	/* handshake: the callback stores the answer and completes */
	struct completion answered;
	u16 wait_type;
	u64 answer_flags;

	/* host requests, from the callback to the worker */
	spinlock_t q_lock;
	struct list_head queue;
	u32 queued;
	struct work_struct req_work;
	struct workqueue_struct *wq;
	struct delayed_work status_work;
	bool dying;

	/*
	 * ballooned pages: pfn of each allocation -> xa_mk_value(order), or of each
	 * hot-added block taken whole -> xa_mk_value(DM_XA_BLOCK | order)
	 */
	struct xarray balloon;
	unsigned long ballooned;	/* guest pages */
	unsigned long startup_pages;
	u64 status_reports;
	u8 *tx;				/* one 4 KiB message being built (worker only) */

	/*
	 * hot-add: regions in 4 KiB PFNs.  ha_lock guards the regions, hot_added and
	 * the PageOffline mark of pages in them.
	 */
	spinlock_t ha_lock;
	struct dm_ha_region regions[DM_MAX_REGIONS];
	u32 nregions;
	unsigned long hot_added;	/* pages onlined for the host */
	unsigned long ha_accepted;	/* pages the host backed and was told were added */
	/*
	 * Pages the online-page callback kept out (marked PageOffline, not backed yet).
	 * While it is 0 nothing waits, and a block coming online needs no page scan:
	 * scanning all 32768 pages of a block took 70-100 ms of each 128 MiB hot-add.
	 */
	unsigned long ha_kept_out;
	bool ha_ok;			/* capability reported and callback installed */
	bool cb_installed;
	struct notifier_block mem_nb;
	bool mem_nb_registered;
	bool logged_ha_unsupported, logged_ha_error, logged_ha_offline;

	u8 rx[DM_MSG_MAX + 8] __aligned(8);
};

/* Pages the host backed that wait for their memory block to come online. */
static inline unsigned long dm_ha_waiting(struct dm_dev *dm)
{
	unsigned long a = READ_ONCE(dm->ha_accepted), o = READ_ONCE(dm->hot_added);

	return a > o ? a - o : 0;
}

/* balloon.c */
int dm_send(struct dm_dev *dm, void *msg, u16 type, u32 len, bool may_sleep);
void dm_post_status(struct dm_dev *dm);

/* dm_balloon.c */
unsigned long dm_total_pages(struct dm_dev *dm);
unsigned long dm_floor_pages(struct dm_dev *dm);
void dm_balloon_up(struct dm_dev *dm, const struct dm_balloon *req);
void dm_balloon_down(struct dm_dev *dm, const void *msg);
void dm_free_balloon(struct dm_dev *dm);

/* dm_hot_add.c */
void dm_setup_hot_add(struct dm_dev *dm);
void dm_teardown_hot_add(struct dm_dev *dm);
void dm_hot_add(struct dm_dev *dm, const void *msg, u32 size);
int dm_ha_take_block(struct dm_dev *dm, u64 *below, unsigned long *pfn);
int dm_ha_return_block(struct dm_dev *dm, unsigned long pfn);

#endif /* _HVIS_DM_DEV_H */
