// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scsi_disk.c: the fake host's SCSI disk target (tools/fakehost/scsi_disk*.c) and
 * its asynchronous I/O engine (disk_io.c) on temporary image files: every command it
 * answers, the sense of every refusal, LBA range checks, read-only disks, the
 * capacity-changed unit attention (once), UNMAP and WRITE SAME punching holes
 * (st_blocks drops), FUA and flush counted, malformed CDBs, transfers bounded by the
 * allocation length and the guest's buffer, 32 commands in flight at once, and close
 * with commands in flight.  The suite runs on both engines (io_uring, thread pool).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "../../tools/fakehost/disk_io.h"
#include "../../tools/fakehost/scsi_disk.h"
#include "hvis/storvsc_proto.h"

#define MIB	(1024 * 1024)

struct run {
	struct scsi_cmd cmd;
	struct iovec iov[8];
	int calls;
	int calls_inline;	/* done() calls before scsi_disk_execute returned */
};

static char img_dir[64];

static void on_done(struct scsi_cmd *c)
{
	struct run *r = c->ctx;

	r->calls++;
}

/* Splits buf into iovecs of uneven sizes (so copies cross entries). */
static void set_buf(struct run *r, u8 *buf, u32 len)
{
	static const u32 parts[] = { 300, 700, 1024, 3000 };
	u32 i = 0, off = 0;

	while (off < len && i < 7) {
		u32 n = i < 4 ? parts[i] : len - off;

		if (n > len - off)
			n = len - off;
		r->iov[i].iov_base = buf + off;
		r->iov[i].iov_len = n;
		off += n;
		i++;
	}
	if (off < len) {
		r->iov[i].iov_base = buf + off;
		r->iov[i].iov_len = len - off;
		i++;
	}
	r->cmd.iov = r->iov;
	r->cmd.iovcnt = i;
}

static void start(struct scsi_disk *d, struct run *r, const u8 *cdb, u8 cdb_len, u8 dir,
		  void *buf, u32 xfer)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->cmd.cdb, cdb, cdb_len > 16 ? 16 : cdb_len);
	r->cmd.cdb_len = cdb_len;
	r->cmd.dir = dir;
	r->cmd.xfer_len = xfer;
	if (buf && xfer)
		set_buf(r, buf, xfer);
	r->cmd.done = on_done;
	r->cmd.ctx = r;
	scsi_disk_execute(d, &r->cmd);
	r->calls_inline = r->calls;
}

static struct run R;

/* Runs one command to completion; R holds the result. */
static struct scsi_cmd *exec(struct scsi_disk *d, const u8 *cdb, u8 cdb_len, u8 dir, void *buf,
			     u32 xfer)
{
	start(d, &R, cdb, cdb_len, dir, buf, xfer);
	while (!R.calls && disk_io_inflight())
		disk_io_wait();
	return &R.cmd;
}

static bool sense_is(const struct scsi_cmd *c, u8 key, u8 asc, u8 ascq)
{
	return R.calls == 1 && c->status == 0x02 && c->sense_len == 18 && c->sense[0] == 0x70 &&
	       (c->sense[2] & 0xf) == key && c->sense[12] == asc && c->sense[13] == ascq;
}

static bool good(const struct scsi_cmd *c)
{
	return R.calls == 1 && c->status == 0 && c->sense_len == 0;
}

static u64 be(const u8 *p, int n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

static char *make_image(u64 bytes, bool sparse)
{
	char *path = malloc(128);
	int fd;

	snprintf(path, 128, "%s/hvis-sd-XXXXXX", img_dir);
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, (off_t)bytes)) {
		perror(path);
		exit(1);
	}
	if (!sparse) {
		u8 *b = malloc(MIB);
		u64 off;

		memset(b, 0xee, MIB);
		for (off = 0; off < bytes; off += MIB) {
			u64 n = bytes - off < MIB ? bytes - off : MIB;

			if (pwrite(fd, b, n, (off_t)off) != (ssize_t)n)
				exit(1);
		}
		free(b);
	}
	close(fd);
	return path;
}

static long long blocks_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long long)st.st_blocks;
}

static struct scsi_disk *open_disk(const char *path, bool ro, const char *serial, u64 wwn,
				   const char *seed)
{
	struct scsi_disk_cfg cfg = {
		.path = path, .read_only = ro, .serial = serial, .wwn = wwn,
		.seed = (const u8 *)seed, .seed_len = seed ? (u32)strlen(seed) : 0,
	};
	char err[256];
	struct scsi_disk *d = scsi_disk_open(&cfg, err, sizeof(err));

	if (!d)
		printf("# open %s: %s\n", path, err);
	return d;
}

static u64 info_field(struct scsi_disk *d, const char *key)
{
	char buf[512], pat[32], *p;

	scsi_disk_info(d, buf, sizeof(buf));
	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(buf, pat);
	return p ? strtoull(p + strlen(pat), NULL, 0) : ~0ull;
}

/* ---- the groups ---- */

static void t_open(void)
{
	char err[256];
	struct scsi_disk_cfg cfg = { .path = "/nonexistent/hvis.img" };
	char *odd = make_image(1000, true), *ok = make_image(MIB, true);

	tap_check(!scsi_disk_open(&cfg, err, sizeof(err)) && strstr(err, "No such file"),
		  "open: a missing image is refused (%s)", err);
	cfg.path = odd;
	tap_check(!scsi_disk_open(&cfg, err, sizeof(err)) && strstr(err, "multiple of 512"),
		  "open: a size not a multiple of 512 is refused");
	cfg.path = "/dev/null";
	tap_check(!scsi_disk_open(&cfg, err, sizeof(err)) && strstr(err, "not a regular file"),
		  "open: a character device is refused (%s)", err);
	cfg.path = ok;
	cfg.serial = "has space";
	tap_check(!scsi_disk_open(&cfg, err, sizeof(err)) && strstr(err, "serial"),
		  "open: a serial with a space is refused");
	cfg.serial = NULL;
	cfg.wwn = 0x6000000000000001ull;
	tap_check(!scsi_disk_open(&cfg, err, sizeof(err)) && strstr(err, "NAA 6"),
		  "open: an 8-byte WWN with NAA 6 is refused");
	unlink(odd);
	unlink(ok);
	free(odd);
	free(ok);
}

static void t_inquiry(void)
{
	char *img = make_image(4 * MIB, true);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "instance-guid:0:1");
	struct scsi_disk *d2 = open_disk(img, false, NULL, 0, "instance-guid:0:2");
	struct scsi_disk *d3 = open_disk(img, false, "SER-42", 0x5001122334455667ull, NULL);
	u8 cdb[6] = { 0x12, 0, 0, 0, 96, 0 }, buf[512], buf2[512];
	struct scsi_cmd *c;
	char serial1[80] = "", serial2[80] = "";
	u32 i;

	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 96);
	tap_check(good(c) && c->data_len == 36 && buf[0] == 0 && buf[1] == 0 && buf[2] == 6 &&
		  buf[3] == 0x12 && buf[4] == 31 && (buf[7] & 0x02) &&
		  !memcmp(&buf[8], "Msft    Virtual Disk    1.0 ", 28),
		  "INQUIRY: disk, SPC-4, HiSup/format 2, CMDQUE, Msft Virtual Disk 1.0, 36 bytes");
	cdb[4] = 5;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 96);
	tap_check(good(c) && c->data_len == 5, "INQUIRY: allocation length 5 moves 5 bytes");
	cdb[4] = 0;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 96);
	tap_check(good(c) && c->data_len == 0, "INQUIRY: allocation length 0 is GOOD, no data");
	cdb[4] = 96;
	memset(buf, 0x77, sizeof(buf));
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 10);
	for (i = 10; i < sizeof(buf) && buf[i] == 0x77; i++)
		;
	tap_check(good(c) && c->data_len == 10 && i == sizeof(buf),
		  "INQUIRY: a 10-byte buffer gets 10 bytes, nothing past it");

	cdb[1] = 1;
	cdb[2] = 0x00;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 96);
	tap_check(good(c) && c->data_len == 10 && buf[1] == 0 && be(&buf[2], 2) == 6 &&
		  !memcmp(&buf[4], "\x00\x80\x83\xb0\xb1\xb2", 6),
		  "VPD 0x00 lists 00 80 83 b0 b1 b2");
	cdb[2] = 0x80;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 96);
	if (good(c))
		snprintf(serial1, sizeof(serial1), "%.*s", (int)be(&buf[2], 2), (char *)&buf[4]);
	c = exec(d2, cdb, 6, VSTOR_DATA_IN, buf, 96);
	if (good(c))
		snprintf(serial2, sizeof(serial2), "%.*s", (int)be(&buf[2], 2), (char *)&buf[4]);
	tap_check(strlen(serial1) == 16 && strlen(serial2) == 16 && strcmp(serial1, serial2),
		  "VPD 0x80: derived serials %s and %s differ by seed", serial1, serial2);
	scsi_disk_close(d2);
	d2 = open_disk(img, false, NULL, 0, "instance-guid:0:2");
	c = exec(d2, cdb, 6, VSTOR_DATA_IN, buf, 96);
	tap_check(good(c) && !memcmp(&buf[4], serial2, 16), "VPD 0x80: the same seed gives the same serial");
	c = exec(d3, cdb, 6, VSTOR_DATA_IN, buf, 96);
	tap_check(good(c) && be(&buf[2], 2) == 6 && !memcmp(&buf[4], "SER-42", 6),
		  "VPD 0x80: a given serial is reported as given");

	cdb[2] = 0x83;
	c = exec(d3, cdb, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && buf[4] == 0x01 && buf[5] == 0x03 && buf[7] == 8 &&
		  be(&buf[8], 8) == 0x5001122334455667ull && buf[16] == 0x02 &&
		  (buf[17] & 0x0f) == 0x01 && buf[19] == 14 && !memcmp(&buf[20], "Msft    SER-42", 14) &&
		  be(&buf[2], 2) == 12 + 4 + 14,
		  "VPD 0x83: NAA designator with the given WWN, T10 vendor id Msft + serial");
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && buf[5] == 0x03 && (buf[8] >> 4) == 5 &&
		  (be(&buf[8], 8) >> 36 & 0xffffff) == 0x002248 &&
		  be(&buf[8], 8) == info_field(d, "wwn"),
		  "VPD 0x83: derived WWN is NAA 5, OUI 00-22-48, the one `disk list` prints");
	c = exec(d2, cdb, 6, VSTOR_DATA_IN, buf2, 255);
	tap_check(good(c) && memcmp(&buf[8], &buf2[8], 8), "VPD 0x83: WWNs differ by seed");

	cdb[2] = 0xb0;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && c->data_len == 64 && be(&buf[2], 2) == 60 && (buf[4] & 1) &&
		  be(&buf[6], 2) == 8 && be(&buf[8], 4) == 16384 && be(&buf[20], 4) == 0x400000 &&
		  be(&buf[24], 4) == 64 && be(&buf[28], 4) == 8 && (buf[32] & 0x80) &&
		  be(&buf[36], 8) == 0x400000,
		  "VPD 0xb0: WSNZ, max transfer 16384, unmap 0x400000 x 64 descriptors, granularity 8");
	cdb[2] = 0xb1;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && c->data_len == 64 && be(&buf[4], 2) == 1,
		  "VPD 0xb1: medium rotation rate 1 (non-rotational)");
	cdb[2] = 0xb2;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && c->data_len == 8 && (buf[5] & 0xe4) == 0xe4 && (buf[6] & 7) == 2,
		  "VPD 0xb2: LBPU, LBPWS, LBPWS10, LBPRZ, thin provisioned");
	cdb[2] = 0x99;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(sense_is(c, 5, 0x24, 0) && c->sense[15] == 0xc0 && be(&c->sense[16], 2) == 2,
		  "VPD 0x99: INVALID FIELD IN CDB, field pointer byte 2");
	cdb[1] = 0;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(sense_is(c, 5, 0x24, 0), "INQUIRY: a page code without EVPD is refused");
	cdb[2] = 0;
	c = exec(d, cdb, 6, VSTOR_DATA_OUT, buf, 255);
	tap_check(sense_is(c, 5, 0x24, 0), "INQUIRY: a data-out buffer is refused");
	scsi_disk_close(d);
	scsi_disk_close(d2);
	scsi_disk_close(d3);
	unlink(img);
	free(img);
}

static void t_capacity_mode(void)
{
	char *img = make_image(4 * MIB, true);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "cap");
	struct scsi_disk *ro = open_disk(img, true, NULL, 0, "cap-ro");
	u8 rc10[10] = { 0x25 }, rc16[16] = { 0x9e, 0x10 }, ms6[6] = { 0x1a, 0, 0x08, 0, 255 };
	u8 ms10[10] = { 0x5a, 0x10, 0x3f, 0, 0, 0, 0, 0, 255 }, buf[512];
	struct scsi_cmd *c;

	c = exec(d, rc10, 10, VSTOR_DATA_IN, buf, 8);
	tap_check(good(c) && c->data_len == 8 && be(buf, 4) == 8191 && be(&buf[4], 4) == 512,
		  "READ CAPACITY 10: last LBA 8191, 512-byte blocks");
	rc16[13] = 32;
	c = exec(d, rc16, 16, VSTOR_DATA_IN, buf, 32);
	tap_check(good(c) && c->data_len == 32 && be(buf, 8) == 8191 && be(&buf[8], 4) == 512 &&
		  (buf[13] & 0xf) == 3 && (buf[14] & 0xc0) == 0xc0,
		  "READ CAPACITY 16: last LBA 8191, 4K physical, LBPME and LBPRZ");
	rc16[1] = 0x12;
	c = exec(d, rc16, 16, VSTOR_DATA_IN, buf, 32);
	tap_check(sense_is(c, 5, 0x24, 0), "SERVICE ACTION IN 16: other actions are refused");

	c = exec(d, ms6, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && c->data_len == 4 + 8 + 20 && buf[0] == 31 && buf[2] == 0x10 &&
		  buf[3] == 8 && be(&buf[4], 4) == 8192 && be(&buf[9], 3) == 512 &&
		  buf[12] == 0x08 && buf[13] == 0x12 && (buf[14] & 0x04),
		  "MODE SENSE 6 page 8: DPOFUA, block descriptor, caching page with WCE");
	ms6[4] = 4;
	c = exec(d, ms6, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && c->data_len == 4 && buf[0] == 31,
		  "MODE SENSE 6: 4 bytes asked, 4 moved, the header tells the full length");
	ms6[4] = 255;
	c = exec(ro, ms6, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && (buf[2] & 0x80), "MODE SENSE 6: write protect bit on a read-only disk");
	ms6[2] = 0x0a;
	ms6[1] = 0x08;
	c = exec(d, ms6, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && c->data_len == 16 && buf[3] == 0 && buf[4] == 0x0a && buf[5] == 0x0a,
		  "MODE SENSE 6 page 0x0a with DBD: the control page, no block descriptor");
	ms6[2] = 0xc8;
	c = exec(d, ms6, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(sense_is(c, 5, 0x39, 0), "MODE SENSE: saved values: SAVING PARAMETERS NOT SUPPORTED");
	ms6[2] = 0x1c;
	c = exec(d, ms6, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(sense_is(c, 5, 0x24, 0), "MODE SENSE: an unsupported page is refused");
	ms6[2] = 0x08;
	ms6[3] = 0x01;
	c = exec(d, ms6, 6, VSTOR_DATA_IN, buf, 255);
	tap_check(sense_is(c, 5, 0x24, 0), "MODE SENSE: a subpage is refused");

	c = exec(d, ms10, 10, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && c->data_len == 8 + 16 + 20 + 12 && be(buf, 2) == c->data_len - 2 &&
		  buf[3] == 0x10 && (buf[4] & 1) && be(&buf[6], 2) == 16 && be(&buf[8], 8) == 8192 &&
		  buf[24] == 0x08 && buf[44] == 0x0a,
		  "MODE SENSE 10 all pages with LLBAA: long descriptor, caching then control");
	ms10[2] = 0x48;		/* changeable values */
	c = exec(d, ms10, 10, VSTOR_DATA_IN, buf, 255);
	tap_check(good(c) && buf[24] == 0x08 && !(buf[26] & 0x04),
		  "MODE SENSE 10 changeable values: WCE not changeable");
	scsi_disk_close(d);
	scsi_disk_close(ro);
	unlink(img);
	free(img);
}

static void t_read_write(void)
{
	char *img = make_image(4 * MIB, false);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "rw");
	u8 *wbuf = malloc(64 * 1024), *rbuf = malloc(64 * 1024), *file = malloc(64 * 1024);
	static const struct { u8 w, r, len; const char *name; } v[] = {
		{ 0x0a, 0x08, 6, "6" }, { 0x2a, 0x28, 10, "10" }, { 0xaa, 0xa8, 12, "12" },
		{ 0x8a, 0x88, 16, "16" },
	};
	int fd = open(img, O_RDONLY);
	struct scsi_cmd *c;
	u32 i, k;

	for (i = 0; i < 4; i++) {
		u8 cdb[16] = { v[i].w };
		u64 lba = 100 + i * 50;

		for (k = 0; k < 8 * 512; k++)
			wbuf[k] = (u8)(k * 7 + i);
		if (v[i].len == 6) {
			cdb[1] = (u8)(lba >> 16);
			cdb[2] = (u8)(lba >> 8);
			cdb[3] = (u8)lba;
			cdb[4] = 8;
		} else if (v[i].len == 10) {
			cdb[2] = (u8)(lba >> 24); cdb[3] = (u8)(lba >> 16);
			cdb[4] = (u8)(lba >> 8); cdb[5] = (u8)lba; cdb[8] = 8;
		} else if (v[i].len == 12) {
			cdb[4] = (u8)(lba >> 8); cdb[5] = (u8)lba; cdb[9] = 8;
		} else {
			cdb[8] = (u8)(lba >> 8); cdb[9] = (u8)lba; cdb[13] = 8;
		}
		c = exec(d, cdb, v[i].len, VSTOR_DATA_OUT, wbuf, 8 * 512);
		tap_check(good(c) && R.calls_inline == 0 && c->data_len == 4096 &&
			  pread(fd, file, 4096, (off_t)lba * 512) == 4096 && !memcmp(file, wbuf, 4096),
			  "WRITE(%s): 8 blocks at LBA %llu reach the file (completed asynchronously)",
			  v[i].name, (unsigned long long)lba);
		cdb[0] = v[i].r;
		memset(rbuf, 0, 8192);
		c = exec(d, cdb, v[i].len, VSTOR_DATA_IN, rbuf, 8192);
		tap_check(good(c) && c->data_len == 4096 && !memcmp(rbuf, wbuf, 4096) && rbuf[4096] == 0,
			  "READ(%s): the 8 blocks back, data_len 4096 of an 8192-byte buffer", v[i].name);
	}
	tap_check(info_field(d, "reads") == 4 && info_field(d, "writes") == 4 &&
		  info_field(d, "inflight") == 0, "counters: reads=4 writes=4 inflight=0");
	{
		u8 cdb[10] = { 0x28, 0, 0, 0, 0x1f, 0xff, 0, 0, 2 };	/* LBA 8191, 2 blocks */

		c = exec(d, cdb, 10, VSTOR_DATA_IN, rbuf, 1024);
		tap_check(sense_is(c, 5, 0x21, 0) && c->data_len == 0,
			  "READ(10) across the end: LBA OUT OF RANGE");
		cdb[5] = 0xfe;
		c = exec(d, cdb, 10, VSTOR_DATA_IN, rbuf, 1024);
		tap_check(good(c) && c->data_len == 1024, "READ(10) of the last 2 blocks is GOOD");
		cdb[4] = 0x20;
		cdb[5] = 0x00;
		cdb[8] = 0;
		c = exec(d, cdb, 10, VSTOR_DATA_IN, rbuf, 1024);
		tap_check(good(c) && c->data_len == 0, "READ(10) of 0 blocks at the capacity is GOOD");
		cdb[4] = 0;
		cdb[8] = 8;
		c = exec(d, cdb, 10, VSTOR_DATA_IN, rbuf, 2048);
		tap_check(sense_is(c, 5, 0x24, 0) && be(&c->sense[16], 2) == 7,
			  "READ(10) of 8 blocks into a 2048-byte buffer: INVALID FIELD IN CDB (byte 7)");
		c = exec(d, cdb, 10, VSTOR_DATA_OUT, rbuf, 4096);
		tap_check(sense_is(c, 5, 0x24, 0), "READ(10) with a data-out buffer is refused");
		cdb[1] = 0x20;
		c = exec(d, cdb, 10, VSTOR_DATA_IN, rbuf, 4096);
		tap_check(sense_is(c, 5, 0x24, 0), "READ(10) with RDPROTECT is refused");
		cdb[1] = 0;
		cdb[7] = 0x40;
		cdb[8] = 0x01;		/* 16385 blocks */
		c = exec(d, cdb, 10, VSTOR_DATA_IN, rbuf, 4096);
		tap_check(sense_is(c, 5, 0x24, 0), "READ(10) beyond MAXIMUM TRANSFER LENGTH is refused");
	}
	{
		u8 cdb[16] = { 0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0x20 };

		c = exec(d, cdb, 16, VSTOR_DATA_IN, rbuf, 16384);
		tap_check(sense_is(c, 5, 0x21, 0), "READ(16) at an LBA near 2^64: LBA OUT OF RANGE");
	}
	{
		u8 cdb[10] = { 0x2a, 0x08, 0, 0, 0, 10, 0, 0, 1 };	/* FUA */
		u64 fua = info_field(d, "fua");

		c = exec(d, cdb, 10, VSTOR_DATA_OUT, wbuf, 512);
		tap_check(good(c) && info_field(d, "fua") == fua + 1,
			  "WRITE(10) FUA: written synchronously to the file, counted (fua=%llu)",
			  (unsigned long long)info_field(d, "fua"));
		c = exec(d, cdb, 10, VSTOR_DATA_IN, wbuf, 512);
		tap_check(sense_is(c, 5, 0x24, 0), "WRITE(10) with a data-in buffer is refused");
	}
	{
		u8 s10[10] = { 0x35 }, s16[16] = { 0x91 };

		c = exec(d, s10, 10, VSTOR_DATA_NONE, NULL, 0);
		tap_check(good(c) && info_field(d, "flushes") == 1, "SYNCHRONIZE CACHE(10): flushes=1");
		c = exec(d, s16, 16, VSTOR_DATA_NONE, NULL, 0);
		tap_check(good(c) && info_field(d, "flushes") == 2, "SYNCHRONIZE CACHE(16): flushes=2");
		s16[2] = 0x01;
		c = exec(d, s16, 16, VSTOR_DATA_NONE, NULL, 0);
		tap_check(sense_is(c, 5, 0x21, 0) && info_field(d, "flushes") == 2,
			  "SYNCHRONIZE CACHE(16) beyond the disk: LBA OUT OF RANGE, not counted");
	}
	{
		u8 v10[10] = { 0x2f, 0, 0, 0, 0, 0, 0, 0, 8 }, v16[16] = { 0x8f };

		c = exec(d, v10, 10, VSTOR_DATA_NONE, NULL, 0);
		tap_check(good(c), "VERIFY(10) is GOOD");
		v10[1] = 0x02;
		c = exec(d, v10, 10, VSTOR_DATA_NONE, NULL, 0);
		tap_check(sense_is(c, 5, 0x24, 0), "VERIFY(10) with BYTCHK is refused");
		v16[2] = 0x10;
		c = exec(d, v16, 16, VSTOR_DATA_NONE, NULL, 0);
		tap_check(sense_is(c, 5, 0x21, 0), "VERIFY(16) beyond the disk: LBA OUT OF RANGE");
	}
	close(fd);
	scsi_disk_close(d);
	unlink(img);
	free(img);
	free(wbuf);
	free(rbuf);
	free(file);
}

static void put_desc(u8 *p, u64 lba, u32 n)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(lba >> (56 - 8 * i));
	for (i = 0; i < 4; i++)
		p[8 + i] = (u8)(n >> (24 - 8 * i));
}

static void t_unmap(void)
{
	char *img = make_image(4 * MIB, false);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "unmap");
	u8 cdb[10] = { 0x42, 0, 0, 0, 0, 0, 0, 0, 40 }, list[8 + 16 * 70], buf[4096];
	long long before = blocks_of(img), after;
	struct scsi_cmd *c;
	int fd = open(img, O_RDONLY);
	u32 i;

	memset(list, 0, sizeof(list));
	list[1] = 38;		/* UNMAP DATA LENGTH: 6 + 32 */
	list[3] = 32;		/* two descriptors */
	put_desc(&list[8], 0, 2048);		/* 1 MiB */
	put_desc(&list[24], 4096, 2048);	/* another */
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 40);
	after = blocks_of(img);
	tap_check(good(c) && info_field(d, "unmaps") == 1 && before - after >= 2 * 2048,
		  "UNMAP of 2 MiB: st_blocks %lld -> %lld, unmaps=1", before, after);
	tap_check(pread(fd, buf, 4096, 4096LL * 512) == 4096 && !buf[0] && !memcmp(buf, buf + 1, 4095),
		  "UNMAP: the range reads back as zeros (LBPRZ)");

	before = blocks_of(img);
	put_desc(&list[24], 8190, 3);	/* crosses the end */
	put_desc(&list[8], 2048, 8);
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 40);
	tap_check(sense_is(c, 5, 0x21, 0) && blocks_of(img) == before && info_field(d, "unmaps") == 1,
		  "UNMAP: one descriptor past the end fails the command and punches nothing");
	cdb[8] = 4;
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 40);
	tap_check(sense_is(c, 5, 0x1a, 0), "UNMAP: a parameter list of 4 bytes: PARAMETER LIST LENGTH ERROR");
	cdb[8] = 0;
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 40);
	tap_check(good(c), "UNMAP: parameter list length 0 is GOOD");
	cdb[8] = 40;
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 24);
	tap_check(sense_is(c, 5, 0x24, 0), "UNMAP: a parameter list longer than the buffer is refused");
	list[3] = 48;		/* descriptor length beyond the list */
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 40);
	tap_check(sense_is(c, 5, 0x26, 0), "UNMAP: descriptor data length beyond the list: INVALID FIELD IN PARAMETER LIST");
	list[3] = 32;
	list[1] = 10;
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 40);
	tap_check(sense_is(c, 5, 0x26, 0), "UNMAP: data length shorter than its descriptors is refused");
	/* 65 descriptors: more than MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT */
	cdb[7] = (8 + 16 * 65) >> 8;
	cdb[8] = (8 + 16 * 65) & 0xff;
	list[0] = (6 + 16 * 65) >> 8;
	list[1] = (6 + 16 * 65) & 0xff;
	list[2] = (16 * 65) >> 8;
	list[3] = (16 * 65) & 0xff;
	for (i = 0; i < 65; i++)
		put_desc(&list[8 + 16 * i], i, 1);
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, sizeof(list));
	tap_check(sense_is(c, 5, 0x26, 0), "UNMAP: 65 descriptors is refused");
	cdb[1] = 1;
	cdb[7] = 0;
	cdb[8] = 40;
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 40);
	tap_check(sense_is(c, 5, 0x24, 0), "UNMAP: ANCHOR is refused");
	close(fd);
	scsi_disk_close(d);
	unlink(img);
	free(img);

	/* The total of all descriptors is bounded too (overlaps count): a sparse 2.5 GiB disk */
	img = make_image(2560ull * MIB, true);
	d = open_disk(img, false, NULL, 0, "unmap-total");
	memset(list, 0, sizeof(list));
	list[1] = 6 + 32;
	list[3] = 32;
	put_desc(&list[8], 0, 0x300000);
	put_desc(&list[24], 0, 0x300000);
	cdb[1] = 0;
	c = exec(d, cdb, 10, VSTOR_DATA_OUT, list, 40);
	tap_check(sense_is(c, 5, 0x26, 0) && info_field(d, "unmaps") == 0,
		  "UNMAP: descriptors totalling more than MAXIMUM UNMAP LBA COUNT are refused");
	scsi_disk_close(d);
	unlink(img);
	free(img);
}

static void t_write_same(void)
{
	char *img = make_image(4 * MIB, false);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "ws");
	u8 ws16[16] = { 0x93, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0 };	/* 4096 blocks */
	u8 ws10[10] = { 0x41, 0, 0, 0, 0x10, 0, 0, 0, 100 }, block[512], buf[512 * 100];
	long long before = blocks_of(img);
	int fd = open(img, O_RDONLY);
	struct scsi_cmd *c;
	u32 i;
	bool same = true;

	memset(block, 0, sizeof(block));
	c = exec(d, ws16, 16, VSTOR_DATA_OUT, block, 512);
	tap_check(good(c) && before - blocks_of(img) >= 4096 && info_field(d, "unmaps") == 1,
		  "WRITE SAME(16) UNMAP of zeros punches 2 MiB (st_blocks %lld -> %lld)", before,
		  blocks_of(img));
	ws16[1] = 0x09;		/* UNMAP + NDOB: no data-out buffer */
	ws16[9] = 0x10;
	ws16[12] = 0;
	ws16[13] = 8;
	c = exec(d, ws16, 16, VSTOR_DATA_NONE, NULL, 0);
	tap_check(good(c) && info_field(d, "unmaps") == 2, "WRITE SAME(16) UNMAP NDOB punches");
	for (i = 0; i < 512; i++)
		block[i] = (u8)(i ^ 0x5a);
	c = exec(d, ws10, 10, VSTOR_DATA_OUT, block, 512);
	for (i = 0; i < 100; i++)
		same = same && pread(fd, buf, 512, (off_t)(0x1000 + i) * 512) == 512 &&
		       !memcmp(buf, block, 512);
	tap_check(good(c) && same && info_field(d, "writes") == 1,
		  "WRITE SAME(10) without UNMAP writes the block 100 times");
	ws10[1] = 0x08;		/* UNMAP, but the data is not zeros: written */
	ws10[5] = 0x80;
	c = exec(d, ws10, 10, VSTOR_DATA_OUT, block, 512);
	tap_check(good(c) && pread(fd, buf, 512, (0x1080 + 99) * 512) == 512 &&
		  !memcmp(buf, block, 512) && info_field(d, "unmaps") == 2,
		  "WRITE SAME(10) UNMAP with non-zero data writes it");
	ws10[8] = 0;
	c = exec(d, ws10, 10, VSTOR_DATA_OUT, block, 512);
	tap_check(sense_is(c, 5, 0x24, 0), "WRITE SAME with 0 blocks is refused (WSNZ)");
	ws10[8] = 1;
	c = exec(d, ws10, 10, VSTOR_DATA_OUT, block, 100);
	tap_check(sense_is(c, 5, 0x24, 0), "WRITE SAME with a 100-byte buffer is refused");
	ws16[1] = 0x18;		/* ANCHOR */
	c = exec(d, ws16, 16, VSTOR_DATA_OUT, block, 512);
	tap_check(sense_is(c, 5, 0x24, 0), "WRITE SAME(16) ANCHOR is refused");
	ws16[1] = 0x08;
	ws16[2] = 1;
	c = exec(d, ws16, 16, VSTOR_DATA_OUT, block, 512);
	tap_check(sense_is(c, 5, 0x21, 0), "WRITE SAME(16) beyond the disk: LBA OUT OF RANGE");
	close(fd);
	scsi_disk_close(d);
	unlink(img);
	free(img);
}

static void t_read_only(void)
{
	char *img = make_image(MIB, false);
	struct scsi_disk *d = open_disk(img, true, NULL, 0, "ro");
	u8 w10[10] = { 0x2a, 0, 0, 0, 0, 0, 0, 0, 1 }, r10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1 };
	u8 unmap[10] = { 0x42, 0, 0, 0, 0, 0, 0, 0, 24 }, ws16[16] = { 0x93, 0x08 }, buf[512];
	struct scsi_cmd *c;

	memset(buf, 0, sizeof(buf));
	ws16[13] = 1;
	c = exec(d, w10, 10, VSTOR_DATA_OUT, buf, 512);
	tap_check(sense_is(c, 7, 0x27, 0), "read-only: WRITE(10) gets DATA PROTECT / WRITE PROTECTED");
	c = exec(d, unmap, 10, VSTOR_DATA_OUT, buf, 24);
	tap_check(sense_is(c, 7, 0x27, 0), "read-only: UNMAP gets DATA PROTECT");
	c = exec(d, ws16, 16, VSTOR_DATA_OUT, buf, 512);
	tap_check(sense_is(c, 7, 0x27, 0), "read-only: WRITE SAME(16) gets DATA PROTECT");
	c = exec(d, r10, 10, VSTOR_DATA_IN, buf, 512);
	tap_check(good(c) && buf[0] == 0xee, "read-only: READ(10) works");
	tap_check(scsi_disk_resize(d, 2 * MIB) == -EROFS && info_field(d, "ro") == 1,
		  "read-only: resize is refused with -EROFS");
	scsi_disk_close(d);
	unlink(img);
	free(img);
}

static void t_resize_ua(void)
{
	char *img = make_image(MIB, true);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "resize");
	u8 tur[6] = { 0 }, inq[6] = { 0x12, 0, 0, 0, 36 }, rc10[10] = { 0x25 }, rs[6] = { 0x03, 0, 0, 0, 18 };
	u8 buf[64];
	struct scsi_cmd *c;
	struct stat st;

	tap_check(scsi_disk_resize(d, MIB / 2) == -EINVAL && scsi_disk_resize(d, MIB + 100) == -EINVAL,
		  "resize: shrinking and odd sizes are refused");
	c = exec(d, tur, 6, VSTOR_DATA_NONE, NULL, 0);
	tap_check(good(c), "TEST UNIT READY: GOOD, no unit attention before a resize");
	tap_check(scsi_disk_resize(d, 2 * MIB) == 0 && scsi_disk_bytes(d) == 2 * MIB &&
		  !stat(img, &st) && st.st_size == 2 * MIB, "resize to 2 MiB grows the file");
	c = exec(d, inq, 6, VSTOR_DATA_IN, buf, 36);
	tap_check(good(c), "after resize: INQUIRY is answered, not the unit attention");
	c = exec(d, tur, 6, VSTOR_DATA_NONE, NULL, 0);
	tap_check(sense_is(c, 6, 0x2a, 0x09), "after resize: next command gets CAPACITY DATA HAS CHANGED");
	c = exec(d, tur, 6, VSTOR_DATA_NONE, NULL, 0);
	tap_check(good(c), "the unit attention is reported once");
	c = exec(d, rc10, 10, VSTOR_DATA_IN, buf, 8);
	tap_check(good(c) && be(buf, 4) == 4095, "READ CAPACITY 10 after resize: last LBA 4095");
	tap_check(scsi_disk_resize(d, 3 * MIB) == 0, "resize to 3 MiB");
	c = exec(d, rs, 6, VSTOR_DATA_IN, buf, 18);
	tap_check(good(c) && c->data_len == 18 && buf[0] == 0x70 && buf[2] == 6 && buf[12] == 0x2a &&
		  buf[13] == 0x09, "REQUEST SENSE returns the pending unit attention as data");
	c = exec(d, tur, 6, VSTOR_DATA_NONE, NULL, 0);
	tap_check(good(c), "and clears it");
	c = exec(d, rs, 6, VSTOR_DATA_IN, buf, 18);
	tap_check(good(c) && buf[0] == 0x70 && buf[2] == 0 && buf[12] == 0, "REQUEST SENSE: NO SENSE");
	rs[1] = 1;
	c = exec(d, rs, 6, VSTOR_DATA_IN, buf, 18);
	tap_check(sense_is(c, 5, 0x24, 0), "REQUEST SENSE DESC=1 is refused");
	scsi_disk_close(d);
	unlink(img);
	free(img);
}

static void t_misc(void)
{
	char *img = make_image(MIB, true);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "misc");
	u8 cdb[16] = { 0xa3, 0x0c }, ss[6] = { 0x1b, 0, 0, 0, 0x01 }, buf[64];
	struct scsi_cmd *c;

	c = exec(d, cdb, 12, VSTOR_DATA_IN, buf, 64);
	tap_check(sense_is(c, 5, 0x20, 0), "MAINTENANCE IN: INVALID COMMAND OPERATION CODE");
	cdb[0] = 0xa0;
	c = exec(d, cdb, 12, VSTOR_DATA_IN, buf, 64);
	tap_check(sense_is(c, 5, 0x20, 0), "REPORT LUNS is the caller's: INVALID COMMAND OPERATION CODE");
	cdb[0] = 0xc0;
	c = exec(d, cdb, 16, VSTOR_DATA_NONE, NULL, 0);
	tap_check(sense_is(c, 5, 0x20, 0), "a vendor opcode: INVALID COMMAND OPERATION CODE");
	c = exec(d, ss, 6, VSTOR_DATA_NONE, NULL, 0);
	tap_check(good(c), "START STOP UNIT is GOOD");
	{
		u8 inq[6] = { 0x12, 0, 0, 0, 36 };

		start(d, &R, inq, 6, VSTOR_DATA_IN, NULL, 0);
		R.cmd.xfer_len = 36;	/* a length with no buffer behind it */
		scsi_disk_execute(d, &R.cmd);
		tap_check(R.calls == 2 && R.cmd.status == 0 && R.cmd.data_len == 0,
			  "INQUIRY with xfer_len 36 but no iovecs moves nothing");
	}
	cdb[0] = 0x28;
	cdb[1] = 0;
	c = exec(d, cdb, 6, VSTOR_DATA_IN, buf, 64);
	tap_check(sense_is(c, 5, 0x24, 0), "READ(10) in a 6-byte CDB is refused");
	c = exec(d, cdb, 0, VSTOR_DATA_IN, buf, 64);
	tap_check(sense_is(c, 5, 0x24, 0), "a CDB of length 0 is refused");
	c = exec(d, cdb, 17, VSTOR_DATA_IN, buf, 64);
	tap_check(sense_is(c, 5, 0x24, 0), "a CDB of length 17 is refused");
	scsi_disk_close(d);
	unlink(img);
	free(img);
}

/* 32 reads in flight at once, then close with 8 in flight. */
static void t_async(void)
{
	char *img = make_image(4 * MIB, false);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "async");
	static struct run runs[32];
	static u8 bufs[32][4096];
	u32 i, once = 0, good_n = 0, peak;

	for (i = 0; i < 32; i++) {
		u8 cdb[10] = { 0x28, 0, 0, 0, (u8)(i >> 8), (u8)(i * 8), 0, 0, 8 };

		start(d, &runs[i], cdb, 10, VSTOR_DATA_IN, bufs[i], 4096);
	}
	peak = (u32)info_field(d, "inflight");
	while (disk_io_inflight())
		disk_io_wait();
	for (i = 0; i < 32; i++) {
		once += runs[i].calls == 1 && runs[i].calls_inline == 0;
		good_n += runs[i].cmd.status == 0 && runs[i].cmd.data_len == 4096 && bufs[i][0] == 0xee;
	}
	tap_check(peak == 32 && once == 32 && good_n == 32 && info_field(d, "inflight") == 0,
		  "32 READs in flight (inflight=%u), each completed once from the reaper", peak);
	for (i = 0; i < 8; i++) {
		u8 cdb[10] = { 0x2a, 0, 0, 0, 0, (u8)(i * 8), 0, 0, 8 };

		start(d, &runs[i], cdb, 10, VSTOR_DATA_OUT, bufs[i], 4096);
	}
	scsi_disk_close(d);
	for (once = 0, i = 0; i < 8; i++)
		once += runs[i].calls == 1;
	tap_check(once == 8 && disk_io_inflight() == 0,
		  "close with 8 WRITEs in flight completes each once before returning");
	unlink(img);
	free(img);
}

/* An 8 MiB transfer in 2048 and 4096 iovecs: more than one system call takes (1024). */
static void t_big(void)
{
	char *img = make_image(9 * MIB, false);
	struct scsi_disk *d = open_disk(img, false, NULL, 0, "big");
	u8 *wbuf = malloc(8 * MIB), *rbuf = calloc(1, 8 * MIB);
	struct iovec *wiov = calloc(2048, sizeof(*wiov)), *riov = calloc(4096, sizeof(*riov));
	u8 w16[16] = { 0x8a, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0x40, 0 };	/* LBA 8, 16384 */
	u32 i;

	for (i = 0; i < 8 * MIB; i++)
		wbuf[i] = (u8)(i * 13 + (i >> 12));
	for (i = 0; i < 2048; i++) {
		wiov[i].iov_base = wbuf + i * 4096;
		wiov[i].iov_len = 4096;
	}
	for (i = 0; i < 4096; i++) {
		riov[i].iov_base = rbuf + i * 2048;
		riov[i].iov_len = 2048;
	}
	start(d, &R, w16, 16, VSTOR_DATA_OUT, NULL, 0);
	R.cmd.iov = wiov;
	R.cmd.iovcnt = 2048;
	R.cmd.xfer_len = 8 * MIB;
	scsi_disk_execute(d, &R.cmd);
	while (R.calls < 2 && disk_io_inflight())
		disk_io_wait();
	tap_check(R.calls == 2 && R.cmd.status == 0 && R.cmd.data_len == 8 * MIB,
		  "WRITE(16) of 8 MiB from 2048 iovecs");
	w16[0] = 0x88;
	start(d, &R, w16, 16, VSTOR_DATA_IN, NULL, 0);
	R.cmd.iov = riov;
	R.cmd.iovcnt = 4096;
	R.cmd.xfer_len = 8 * MIB;
	scsi_disk_execute(d, &R.cmd);
	while (R.calls < 2 && disk_io_inflight())
		disk_io_wait();
	tap_check(R.calls == 2 && R.cmd.status == 0 && R.cmd.data_len == 8 * MIB &&
		  !memcmp(rbuf, wbuf, 8 * MIB), "READ(16) of 8 MiB into 4096 iovecs returns it");
	scsi_disk_close(d);
	unlink(img);
	free(img);
	free(wbuf);
	free(rbuf);
	free(wiov);
	free(riov);
}

int main(void)
{
	static const char *const engines[] = { NULL, "threads" };
	u32 e;

	snprintf(img_dir, sizeof(img_dir), "%s", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	for (e = 0; e < 2; e++) {
		if (engines[e])
			setenv("HVIS_DISK_IO", engines[e], 1);
		tap_check(disk_io_init() == 0 && disk_io_fd() >= 0, "disk_io_init (engine %s)",
			  disk_io_engine());
		printf("# engine %s\n", disk_io_engine());
		t_open();
		t_inquiry();
		t_capacity_mode();
		t_read_write();
		t_unmap();
		t_write_same();
		t_read_only();
		t_resize_ua();
		t_misc();
		t_async();
		t_big();
		disk_io_uninit();
	}
	return tap_done();
}
