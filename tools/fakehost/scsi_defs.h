/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scsi_defs.h: the SCSI facts the fake host's disk target (scsi_disk*.c) uses:
 * operation codes, status, sense keys and additional sense codes.
 * Operation codes: include/scsi/scsi_proto.h (torvalds/linux), which follows SPC-4 and
 * SBC-3; sense keys and ASC/ASCQ pairs: include/scsi/scsi_proto.h and SPC-4 Annex D
 * (the table Linux's drivers/scsi/scsi_common.c and sense_codes.h name them from).
 */
#ifndef _FH_SCSI_DEFS_H
#define _FH_SCSI_DEFS_H

/* Operation codes (include/scsi/scsi_proto.h). */
#define SCSI_TEST_UNIT_READY	0x00
#define SCSI_REQUEST_SENSE	0x03
#define SCSI_READ_6		0x08
#define SCSI_WRITE_6		0x0a
#define SCSI_INQUIRY		0x12
#define SCSI_MODE_SENSE_6	0x1a
#define SCSI_START_STOP		0x1b
#define SCSI_READ_CAPACITY_10	0x25
#define SCSI_READ_10		0x28
#define SCSI_WRITE_10		0x2a
#define SCSI_VERIFY_10		0x2f
#define SCSI_SYNC_CACHE_10	0x35
#define SCSI_WRITE_SAME_10	0x41
#define SCSI_UNMAP		0x42
#define SCSI_MODE_SENSE_10	0x5a
#define SCSI_READ_16		0x88
#define SCSI_WRITE_16		0x8a
#define SCSI_VERIFY_16		0x8f
#define SCSI_SYNC_CACHE_16	0x91
#define SCSI_WRITE_SAME_16	0x93
#define SCSI_SERVICE_ACTION_IN_16 0x9e
#define SCSI_SAI_READ_CAPACITY_16 0x10	/* service action of 0x9e */
#define SCSI_REPORT_LUNS	0xa0
#define SCSI_READ_12		0xa8
#define SCSI_WRITE_12		0xaa
#define SCSI_VERIFY_12		0xaf

/* SAM status (include/scsi/scsi_proto.h SAM_STAT_*). */
#define SCSI_STATUS_GOOD	0x00
#define SCSI_STATUS_CHECK	0x02

/* Sense keys (include/scsi/scsi_proto.h). */
#define SCSI_KEY_NO_SENSE	0x0
#define SCSI_KEY_NOT_READY	0x2
#define SCSI_KEY_MEDIUM_ERROR	0x3
#define SCSI_KEY_HARDWARE_ERROR	0x4
#define SCSI_KEY_ILLEGAL_REQUEST 0x5
#define SCSI_KEY_UNIT_ATTENTION	0x6
#define SCSI_KEY_DATA_PROTECT	0x7
#define SCSI_KEY_ABORTED_COMMAND 0xb

/* Additional sense code << 8 | qualifier (SPC-4 Annex D, table D.2). */
#define SCSI_ASC_WRITE_ERROR		0x0c00
#define SCSI_ASC_UNRECOVERED_READ	0x1100
#define SCSI_ASC_PARAM_LIST_LENGTH	0x1a00
#define SCSI_ASC_INVALID_OPCODE		0x2000
#define SCSI_ASC_LBA_OUT_OF_RANGE	0x2100
#define SCSI_ASC_INVALID_FIELD_CDB	0x2400
#define SCSI_ASC_INVALID_FIELD_PARAM	0x2600
#define SCSI_ASC_WRITE_PROTECTED	0x2700
#define SCSI_ASC_SPACE_ALLOC_FAILED_WP	0x2707
#define SCSI_ASC_CAPACITY_CHANGED	0x2a09
#define SCSI_ASC_SAVING_NOT_SUPPORTED	0x3900
#define SCSI_ASC_INTERNAL_FAILURE	0x4400
#define SCSI_ASC_NONE			0x0000

/* Fixed-format sense data (SPC-4 4.5.3): response code 0x70, 18 bytes. */
#define SCSI_SENSE_FIXED_CURRENT	0x70
#define SCSI_SENSE_FIXED_LEN		18

#endif /* _FH_SCSI_DEFS_H */
