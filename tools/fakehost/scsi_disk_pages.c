// SPDX-License-Identifier: GPL-2.0-only
/*
 * scsi_disk_pages.c: the disk target's commands answered from memory: INQUIRY (the
 * standard data and the VPD pages 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2), READ CAPACITY
 * 10 and 16, MODE SENSE 6 and 10 (caching and control pages) and REQUEST SENSE.
 *
 * Layouts: SPC-4 (INQUIRY 6.4, VPD 7.8, mode parameters 7.5, REQUEST SENSE 6.39) and
 * SBC-3 (READ CAPACITY 5.16/5.17, VPD 0xb0/0xb1/0xb2 6.6, caching page 6.4.5); the
 * fields Linux reads are the ones drivers/scsi/sd.c (sd_read_capacity,
 * sd_read_block_limits, sd_read_block_provisioning, sd_read_block_characteristics,
 * sd_read_write_protect_flag, sd_read_cache_type) and drivers/scsi/scsi_scan.c
 * (scsi_add_lun: CMDQUE) take from these offsets.
 */
#include <string.h>
#include "hvis/storvsc_proto.h"
#include "scsi_disk_priv.h"

/* Standard INQUIRY identity, as Hyper-V's virtual disks report it. */
static const char sd_vendor[8] = { 'M', 's', 'f', 't', ' ', ' ', ' ', ' ' };
static const char sd_product[16] = { 'V', 'i', 'r', 't', 'u', 'a', 'l', ' ',
				     'D', 'i', 's', 'k', ' ', ' ', ' ', ' ' };
static const char sd_revision[4] = { '1', '.', '0', ' ' };

/* The VPD pages this target has, ascending (SPC-4 7.8.13: the supported list). */
static const u8 sd_vpd_pages[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 };

static bool want_data_in(struct sd_ctx *c)
{
	if (sd_dir_ok(c, VSTOR_DATA_IN))
		return true;
	/* The buffer is the guest's data-out: nothing may be written into it. */
	sd_sense(c->cmd, SCSI_KEY_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB);
	return false;
}

static u32 inquiry_standard(u8 *b)
{
	b[0] = 0x00;		/* peripheral qualifier 0, device type 0: direct access */
	b[1] = 0x00;		/* RMB 0: not removable */
	b[2] = 0x06;		/* VERSION: SPC-4 */
	b[3] = 0x12;		/* HISUP, RESPONSE DATA FORMAT 2 */
	b[4] = 36 - 5;		/* ADDITIONAL LENGTH */
	b[7] = 0x02;		/* CMDQUE: tagged queueing (scsi_scan.c scsi_add_lun) */
	memcpy(&b[8], sd_vendor, sizeof(sd_vendor));
	memcpy(&b[16], sd_product, sizeof(sd_product));
	memcpy(&b[32], sd_revision, sizeof(sd_revision));
	return 36;
}

/* A VPD page into b (page header included); 0 if the target has no such page. */
static u32 inquiry_vpd(const struct scsi_disk *d, u8 page, u8 *b)
{
	u32 n = 4, slen = (u32)strlen(d->serial);

	b[0] = 0x00;
	b[1] = page;
	switch (page) {
	case 0x00:		/* supported VPD pages */
		memcpy(&b[4], sd_vpd_pages, sizeof(sd_vpd_pages));
		n += sizeof(sd_vpd_pages);
		break;
	case 0x80:		/* unit serial number: ASCII */
		memcpy(&b[4], d->serial, slen);
		n += slen;
		break;
	case 0x83:		/* device identification */
		/* NAA designator: binary code set, associated with the LU, type 3 */
		b[n] = 0x01;
		b[n + 1] = 0x03;
		b[n + 3] = 8;
		sd_put64(&b[n + 4], d->wwn);
		n += 12;
		/* T10 vendor ID designator: ASCII, type 1: vendor then the serial */
		b[n] = 0x02;
		b[n + 1] = 0x01;
		b[n + 3] = (u8)(sizeof(sd_vendor) + slen);
		memcpy(&b[n + 4], sd_vendor, sizeof(sd_vendor));
		memcpy(&b[n + 4 + sizeof(sd_vendor)], d->serial, slen);
		n += 4 + sizeof(sd_vendor) + slen;
		break;
	case 0xb0:		/* block limits (SBC-3 6.6.4): 64 bytes */
		b[4] = 0x01;	/* WSNZ: WRITE SAME with 0 blocks is refused */
		sd_put16(&b[6], SD_OPT_XFER_GRAN);
		sd_put32(&b[8], SD_MAX_XFER_BLOCKS);
		sd_put32(&b[20], SD_MAX_UNMAP_BLOCKS);
		sd_put32(&b[24], SD_MAX_UNMAP_DESC);
		sd_put32(&b[28], SD_UNMAP_GRAN);
		sd_put32(&b[32], 0x80000000u);	/* UGAVALID, alignment 0 */
		sd_put64(&b[36], SD_MAX_WS_BLOCKS);
		n = 64;
		break;
	case 0xb1:		/* block device characteristics (SBC-3 6.6.2): 64 bytes */
		sd_put16(&b[4], 0x0001);	/* MEDIUM ROTATION RATE: non-rotating */
		n = 64;
		break;
	case 0xb2:		/* logical block provisioning (SBC-3 6.6.5) */
		/* LBPU (UNMAP), LBPWS (WRITE SAME 16 + UNMAP), LBPWS10, LBPRZ: a punched
		 * range reads back as zeros. */
		b[5] = 0x80 | 0x40 | 0x20 | 0x04;
		b[6] = 0x02;	/* PROVISIONING TYPE: thin (a sparse file) */
		n = 8;
		break;
	default:
		return 0;
	}
	sd_put16(&b[2], (u16)(n - 4));
	return n;
}

void sd_inquiry(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	u32 alloc = sd_be16(&cdb[3]), n;
	u8 buf[256];

	/* byte 1: EVPD is bit 0; CMDDT (bit 1, obsolete) and the rest are not supported */
	if (cdb[1] & 0xfe) {
		sd_bad_field(c->cmd, true, 1, 31 - __builtin_clz(cdb[1] & 0xfe));
		return;
	}
	if (!(cdb[1] & 0x01) && cdb[2]) {
		sd_bad_field(c->cmd, true, 2, -1);	/* a page code without EVPD */
		return;
	}
	if (!want_data_in(c))
		return;
	memset(buf, 0, sizeof(buf));
	if (cdb[1] & 0x01) {
		n = inquiry_vpd(c->d, cdb[2], buf);
		if (!n) {
			sd_bad_field(c->cmd, true, 2, -1);
			return;
		}
	} else {
		n = inquiry_standard(buf);
	}
	sd_data_in(c, buf, n, alloc);
}

void sd_read_capacity_10(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	u64 last = c->d->nblocks - 1;
	u8 buf[8];

	/* SBC-3 5.16: without PMI, the LBA field must be zero */
	if (!(cdb[8] & 0x01) && sd_be32(&cdb[2])) {
		sd_bad_field(c->cmd, true, 2, -1);
		return;
	}
	if (!want_data_in(c))
		return;
	/* More than 2^32 - 1 blocks: FFFFFFFFh tells the initiator to use READ CAPACITY 16 */
	sd_put32(buf, last > 0xfffffffeull ? 0xffffffffu : (u32)last);
	sd_put32(&buf[4], SD_BLOCK);
	sd_data_in(c, buf, sizeof(buf), sizeof(buf));
}

void sd_service_action_in_16(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	u8 buf[32];

	if ((cdb[1] & 0x1f) != SCSI_SAI_READ_CAPACITY_16) {
		sd_bad_field(c->cmd, true, 1, 4);	/* only READ CAPACITY 16 */
		return;
	}
	if (!(cdb[14] & 0x01) && sd_be64(&cdb[2])) {
		sd_bad_field(c->cmd, true, 2, -1);
		return;
	}
	if (!want_data_in(c))
		return;
	memset(buf, 0, sizeof(buf));
	sd_put64(buf, c->d->nblocks - 1);
	sd_put32(&buf[8], SD_BLOCK);
	buf[12] = 0x10;			/* RC BASIS 01b: the last LBA (SBC-4) */
	buf[13] = SD_PHYS_EXP;		/* logical blocks per physical block exponent */
	buf[14] = 0x80 | 0x40;		/* LBPME, LBPRZ (sd.c read_capacity_16) */
	sd_data_in(c, buf, sizeof(buf), sd_be32(&cdb[10]));
}

/* The caching page (SBC-3 6.4.5): WCE set, not changeable. */
static u32 mode_page_caching(u8 *b, u8 pc)
{
	b[0] = 0x08;
	b[1] = 0x12;
	if (pc != 1)
		b[2] = 0x04;		/* WCE: a write-back cache SYNCHRONIZE CACHE flushes */
	return 20;
}

/* The control page (SPC-4 7.5.8). */
static u32 mode_page_control(u8 *b, u8 pc)
{
	b[0] = 0x0a;
	b[1] = 0x0a;
	if (pc != 1)
		b[3] = 0x10;		/* QUEUE ALGORITHM MODIFIER 1: unrestricted reordering */
	return 12;
}

void sd_mode_sense(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	struct scsi_disk *d = c->d;
	bool ten = cdb[0] == SCSI_MODE_SENSE_10;
	bool dbd = cdb[1] & 0x08, llbaa = ten && (cdb[1] & 0x10);
	u8 pc = cdb[2] >> 6, page = cdb[2] & 0x3f, sub = cdb[3];
	u32 alloc = ten ? sd_be16(&cdb[7]) : cdb[4];
	u32 hdr = ten ? 8 : 4, bdlen = dbd ? 0 : (llbaa ? 16 : 8), n;
	u8 buf[128], *bd;

	if (pc == 3) {			/* saved values: this target saves nothing */
		sd_sense(c->cmd, SCSI_KEY_ILLEGAL_REQUEST, SCSI_ASC_SAVING_NOT_SUPPORTED);
		return;
	}
	if (page != 0x08 && page != 0x0a && page != 0x3f) {
		sd_bad_field(c->cmd, true, 2, 5);
		return;
	}
	/* no subpages; 0x3f/0xff is "all pages and subpages" */
	if (sub && !(page == 0x3f && sub == 0xff)) {
		sd_bad_field(c->cmd, true, 3, -1);
		return;
	}
	if (!want_data_in(c))
		return;
	memset(buf, 0, sizeof(buf));
	bd = &buf[hdr];
	if (bdlen == 8) {		/* short LBA block descriptor */
		sd_put32(bd, d->nblocks > 0xffffffffull ? 0xffffffffu : (u32)d->nblocks);
		sd_put32(&bd[4], SD_BLOCK);	/* byte 4 (density code) stays 0 */
	} else if (bdlen == 16) {	/* long LBA block descriptor */
		sd_put64(bd, d->nblocks);
		sd_put32(&bd[12], SD_BLOCK);
	}
	n = hdr + bdlen;
	if (page == 0x08 || page == 0x3f)
		n += mode_page_caching(&buf[n], pc);
	if (page == 0x0a || page == 0x3f)
		n += mode_page_control(&buf[n], pc);
	/* device-specific parameter: WP, DPOFUA (sd.c sd_read_write_protect_flag and
	 * sd_read_cache_type read these two bits) */
	if (ten) {
		sd_put16(buf, (u16)(n - 2));
		buf[3] = (d->ro ? 0x80 : 0) | 0x10;
		buf[4] = bdlen == 16 ? 0x01 : 0;	/* LONGLBA */
		sd_put16(&buf[6], (u16)bdlen);
	} else {
		buf[0] = (u8)(n - 1);
		buf[2] = (d->ro ? 0x80 : 0) | 0x10;
		buf[3] = (u8)bdlen;
	}
	sd_data_in(c, buf, n, alloc);
}

void sd_request_sense(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	u8 buf[SCSI_SENSE_FIXED_LEN];

	if (cdb[1] & 0x01) {		/* DESC: descriptor format is not supported */
		sd_bad_field(c->cmd, true, 1, 0);
		return;
	}
	if (!want_data_in(c))
		return;
	memset(buf, 0, sizeof(buf));
	buf[0] = SCSI_SENSE_FIXED_CURRENT;
	buf[7] = SCSI_SENSE_FIXED_LEN - 8;
	/* A pending unit attention is reported here and cleared (SPC-4 6.39). */
	if (c->d->ua_capacity) {
		c->d->ua_capacity = false;
		buf[2] = SCSI_KEY_UNIT_ATTENTION;
		buf[12] = SCSI_ASC_CAPACITY_CHANGED >> 8;
		buf[13] = SCSI_ASC_CAPACITY_CHANGED & 0xff;
	}
	sd_data_in(c, buf, sizeof(buf), cdb[4]);
}
