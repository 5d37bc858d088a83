#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# gen_dm_seeds.py: writes the seed corpus of fuzz_dm_msg (tests/fuzz/seeds/fuzz_dm_msg):
# one valid message of every DM type, each behind the fuzzer's control byte (bit 0:
# sent by the guest), plus range lists with a page named twice.  Layouts:
# include/hvis/dm_proto.h.  Run it from anywhere; it rewrites the directory.
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_dm_msg")
HOST, GUEST = 0, 1


def hdr(t, size):
    return struct.pack("<HHI", t, size, 7)


def rng(pfn, cnt):
    return struct.pack("<Q", pfn | (cnt << 40))


def msg(t, body):
    return hdr(t, 8 + len(body)) + body


def ranges(t, flags, rs):
    body = struct.pack("<II", *flags) + b"".join(rng(p, c) for p, c in rs)
    return msg(t, body)


seeds = {
    "version_request": (GUEST, msg(1, struct.pack("<II", 0x20000, 0))),
    "version_response": (HOST, msg(2, struct.pack("<Q", 1))),
    "capabilities_report": (GUEST, msg(3, struct.pack("<QQQ", 0x1 | 0x2 | (7 << 2), 0, 2**64 - 1))),
    "capabilities_response": (HOST, msg(4, struct.pack("<Q", 1))),
    "status_report": (GUEST, msg(5, struct.pack("<QQQQII", 1000, 2000, 0, 0, 0, 0))),
    "balloon_request": (HOST, msg(6, struct.pack("<II", 65536, 0))),
    "balloon_response": (GUEST, ranges(7, (0, (2 << 1) | 1), [(0x40000, 512), (0x41000, 512)])),
    "unballoon_request": (HOST, ranges(8, (0, 2), [(0x40000, 512), (0x41000, 512)])),
    "unballoon_dup": (HOST, ranges(8, (0, 2), [(0x40000, 512), (0x40000, 512)])),
    "unballoon_overlap": (HOST, ranges(8, (0, 3), [(0x40000, 1024), (0x50000, 8), (0x40200, 512)])),
    "unballoon_response": (GUEST, msg(9, b"")),
    "hot_add_request": (HOST, msg(10, rng(0x40000, 0x8000))),
    "hot_add_region": (HOST, msg(10, rng(0x48000, 0x4000) + rng(0x40000, 0x40000))),
    "hot_add_response": (GUEST, msg(11, struct.pack("<II", 0x4000, 1))),
    "info_message": (HOST, msg(12, struct.pack("<II", 0, 16) + struct.pack("<IIQ", 0, 8, 1 << 20))),
}

os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    os.unlink(os.path.join(OUT, f))
for name, (direction, body) in sorted(seeds.items()):
    with open(os.path.join(OUT, name), "wb") as fh:
        fh.write(bytes([direction]) + body)
