#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# gen_scsi_cdb_seeds.py: writes the seed corpus of fuzz_scsi_cdb
# (tests/fuzz/seeds/fuzz_scsi_cdb): one command that completes GOOD for every operation
# code the fake host's disk target answers, plus a few refusals (read-only disk, LBA out
# of range, short CDB).  Input layout: tests/fuzz/fuzz_scsi_cdb.c (cdb_len, direction |
# 0x40 for the read-only disk, xfer_len little-endian, 16 CDB bytes, data-out).  The
# image is 64 KiB (128 blocks).  Run it from anywhere; it rewrites the directory.
import os
import shutil
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_scsi_cdb")
OUT_DIR, IN, NONE = 0, 1, 2      # VSTOR_DATA_OUT, VSTOR_DATA_IN, VSTOR_DATA_NONE


def cmd(cdb, direction, xfer=0, data=b"", ro=False):
    cdb = bytes(cdb)
    head = struct.pack("<BBH", len(cdb), direction | (0x40 if ro else 0), xfer)
    return head + cdb.ljust(16, b"\0") + data


def be(v, n):
    return v.to_bytes(n, "big")


def unmap_list(descs):
    body = b"".join(be(lba, 8) + be(n, 4) + b"\0" * 4 for lba, n in descs)
    return be(6 + len(body), 2) + be(len(body), 2) + b"\0" * 4 + body


BLOCK = bytes(range(256)) * 2
seeds = {
    "test_unit_ready": cmd([0x00, 0, 0, 0, 0, 0], NONE),
    "request_sense": cmd([0x03, 0, 0, 0, 18, 0], IN, 18),
    "read_6": cmd([0x08, 0, 0, 4, 2, 0], IN, 1024),
    "write_6": cmd([0x0a, 0, 0, 4, 2, 0], OUT_DIR, 1024, BLOCK * 2),
    "inquiry": cmd([0x12, 0, 0, 0, 96, 0], IN, 96),
    "inquiry_vpd_00": cmd([0x12, 1, 0x00, 0, 255, 0], IN, 255),
    "inquiry_vpd_80": cmd([0x12, 1, 0x80, 0, 255, 0], IN, 255),
    "inquiry_vpd_83": cmd([0x12, 1, 0x83, 0, 255, 0], IN, 255),
    "inquiry_vpd_b0": cmd([0x12, 1, 0xb0, 0, 255, 0], IN, 255),
    "inquiry_vpd_b1": cmd([0x12, 1, 0xb1, 0, 255, 0], IN, 255),
    "inquiry_vpd_b2": cmd([0x12, 1, 0xb2, 0, 255, 0], IN, 255),
    "mode_sense_6": cmd([0x1a, 0, 0x3f, 0, 255, 0], IN, 255),
    "mode_sense_6_caching": cmd([0x1a, 0x08, 0x08, 0, 255, 0], IN, 255),
    "start_stop": cmd([0x1b, 0, 0, 0, 1, 0], NONE),
    "read_capacity_10": cmd([0x25] + [0] * 9, IN, 8),
    "read_10": cmd([0x28, 0, 0, 0, 0, 8, 0, 0, 4, 0], IN, 2048),
    "write_10": cmd([0x2a, 0, 0, 0, 0, 8, 0, 0, 1, 0], OUT_DIR, 512, BLOCK),
    "write_10_fua": cmd([0x2a, 0x08, 0, 0, 0, 9, 0, 0, 1, 0], OUT_DIR, 512, BLOCK),
    "verify_10": cmd([0x2f, 0, 0, 0, 0, 0, 0, 0, 8, 0], NONE),
    "sync_cache_10": cmd([0x35] + [0] * 9, NONE),
    "write_same_10": cmd([0x41, 0, 0, 0, 0, 16, 0, 0, 4, 0], OUT_DIR, 512, BLOCK),
    "write_same_10_unmap": cmd([0x41, 0x08, 0, 0, 0, 16, 0, 0, 4, 0], OUT_DIR, 512,
                               b"\0" * 512),
    "unmap": cmd([0x42, 0, 0, 0, 0, 0, 0, 0, 40, 0], OUT_DIR, 40,
                 unmap_list([(0, 8), (64, 16)])),
    "mode_sense_10": cmd([0x5a, 0x10, 0x3f, 0, 0, 0, 0, 0, 255, 0], IN, 255),
    "read_16": cmd([0x88, 0] + [0] * 7 + [100, 0, 0, 0, 2, 0, 0], IN, 1024),
    "write_16": cmd([0x8a, 0] + [0] * 7 + [100, 0, 0, 0, 2, 0, 0], OUT_DIR, 1024, BLOCK * 2),
    "verify_16": cmd([0x8f, 0] + [0] * 8 + [0, 0, 0, 16, 0, 0], NONE),
    "sync_cache_16": cmd([0x91] + [0] * 15, NONE),
    "write_same_16": cmd([0x93, 0] + [0] * 7 + [32, 0, 0, 0, 8, 0, 0], OUT_DIR, 512, BLOCK),
    "write_same_16_unmap_ndob": cmd([0x93, 0x09] + [0] * 7 + [32, 0, 0, 0, 8, 0, 0], NONE),
    "read_capacity_16": cmd([0x9e, 0x10] + [0] * 11 + [32, 0, 0], IN, 32),
    "read_12": cmd([0xa8, 0, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0], IN, 512),
    "write_12": cmd([0xaa, 0, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0], OUT_DIR, 512, BLOCK),
    "verify_12": cmd([0xaf, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], NONE),
    # refusals
    "ro_write_10": cmd([0x2a, 0, 0, 0, 0, 8, 0, 0, 1, 0], OUT_DIR, 512, BLOCK, ro=True),
    "read_10_out_of_range": cmd([0x28, 0, 0, 0, 0, 127, 0, 0, 2, 0], IN, 1024),
    "read_10_short_cdb": cmd([0x28, 0, 0, 0, 0, 8], IN, 512),
    "report_luns": cmd([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0], IN, 16),
    "unmap_past_end": cmd([0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0], OUT_DIR, 24,
                          unmap_list([(120, 16)])),
}

shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
