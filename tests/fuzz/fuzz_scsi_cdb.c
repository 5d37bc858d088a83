// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_scsi_cdb.c: libFuzzer target for the fake host's SCSI disk target
 * (tools/fakehost/scsi_disk*.c, disk_io.c): a CDB and its data-out bytes from a guest,
 * executed against a 64 KiB image (or the same image opened read-only), run to
 * completion through the asynchronous engine.
 *
 * Input: [0] cdb_len (0..19), [1] bits 0-1 direction (VSTOR_DATA_*), bit 6 the
 * read-only disk, [2..3] xfer_len (little-endian, at most 32 KiB), [4..19] the CDB,
 * then the data-out bytes.  Checks: done() runs exactly once; data_len <= xfer_len;
 * nothing is written past the guest's buffer; a CHECK CONDITION carries 18 bytes of
 * fixed-format sense and GOOD none.  Types: each operation code completed GOOD.
 * Seeds: tests/fuzz/seeds/fuzz_scsi_cdb (gen_scsi_cdb_seeds.py).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_types.h"
#include "../../tools/fakehost/disk_io.h"
#include "../../tools/fakehost/scsi_disk.h"
#include "hvis/storvsc_proto.h"

FUZZ_TYPES("TEST_UNIT_READY", "REQUEST_SENSE", "READ_6", "WRITE_6", "INQUIRY", "MODE_SENSE_6",
	   "START_STOP", "READ_CAPACITY_10", "READ_10", "WRITE_10", "VERIFY_10", "SYNC_CACHE_10",
	   "WRITE_SAME_10", "UNMAP", "MODE_SENSE_10", "READ_16", "WRITE_16", "VERIFY_16",
	   "SYNC_CACHE_16", "WRITE_SAME_16", "READ_CAPACITY_16", "READ_12", "WRITE_12",
	   "VERIFY_12");

static const u8 type_ops[] = { 0x00, 0x03, 0x08, 0x0a, 0x12, 0x1a, 0x1b, 0x25, 0x28, 0x2a,
			       0x2f, 0x35, 0x41, 0x42, 0x5a, 0x88, 0x8a, 0x8f, 0x91, 0x93,
			       0x9e, 0xa8, 0xaa, 0xaf };

#define IMG_BYTES	(64 * 1024)
#define MAX_XFER	(32 * 1024)
#define CANARY		0xc5

static struct scsi_disk *rw_disk, *ro_disk;
static u8 guest[MAX_XFER + 4096];
static int calls;

static void on_done(struct scsi_cmd *c __attribute__((unused)))
{
	calls++;
}

int LLVMFuzzerInitialize(int *argc __attribute__((unused)), char ***argv __attribute__((unused)))
{
	char path[] = "/dev/shm/hvis-fuzz-scsi-XXXXXX";
	struct scsi_disk_cfg cfg = { .path = path, .seed = (const u8 *)"fuzz", .seed_len = 4 };
	char err[256];
	int fd = mkstemp(path);

	if (fd < 0 || ftruncate(fd, IMG_BYTES)) {
		strcpy(path, "/tmp/hvis-fuzz-scsi-XXXXXX");
		fd = mkstemp(path);
		if (fd < 0 || ftruncate(fd, IMG_BYTES))
			abort();
	}
	close(fd);
	rw_disk = scsi_disk_open(&cfg, err, sizeof(err));
	cfg.read_only = true;
	ro_disk = scsi_disk_open(&cfg, err, sizeof(err));
	if (!rw_disk || !ro_disk)
		abort();
	unlink(path);		/* the open descriptors keep it */
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scsi_disk *d;
	struct scsi_cmd cmd;
	struct iovec iov[4];
	u32 xfer, i, off, n;

	if (size < 20)
		return 0;
	memset(&cmd, 0, sizeof(cmd));
	cmd.cdb_len = data[0] % 20;
	cmd.dir = data[1] & 3;
	d = data[1] & 0x40 ? ro_disk : rw_disk;
	xfer = (u32)(data[2] | data[3] << 8) % (MAX_XFER + 1);
	memcpy(cmd.cdb, &data[4], 16);
	memset(guest, CANARY, xfer + 4096);	/* the buffer and a 4 KiB canary after it */
	if (size > 20)
		memcpy(guest, data + 20, size - 20 < xfer ? size - 20 : xfer);
	/* the buffer in up to 4 uneven pieces, as a page list splits it */
	for (i = 0, off = 0; off < xfer && i < 4; i++) {
		n = i == 3 ? xfer - off : (i + 1) * 700;
		if (n > xfer - off)
			n = xfer - off;
		iov[i].iov_base = guest + off;
		iov[i].iov_len = n;
		off += n;
	}
	cmd.iov = iov;
	cmd.iovcnt = i;
	cmd.xfer_len = xfer;
	cmd.done = on_done;
	calls = 0;
	scsi_disk_execute(d, &cmd);
	while (!calls && disk_io_inflight())
		disk_io_wait();
	if (calls != 1 || cmd.data_len > xfer)
		abort();
	for (i = xfer; i < xfer + 4096; i++) {
		if (guest[i] != CANARY)
			abort();	/* written past the guest's buffer */
	}
	if (cmd.status == 0x00) {
		if (cmd.sense_len)
			abort();
		for (i = 0; i < sizeof(type_ops); i++) {
			if (type_ops[i] == cmd.cdb[0])
				fuzz_hit(i);
		}
	} else if (cmd.status != 0x02 || cmd.sense_len != 18 || cmd.sense[0] != 0x70) {
		abort();
	}
	return 0;
}
