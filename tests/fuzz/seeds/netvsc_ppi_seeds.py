#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""netvsc_ppi_seeds.py: writes the seed corpus of tests/fuzz/fuzz_netvsc_ppi.c into
seeds/fuzz_netvsc_ppi/: PACKETs from each side with every per-packet info type
(checksum, LSOv2, 802.1Q, hash, PKTINFO_ID), a build/parse round trip, and RSC
fragment sequences (single frames, a whole chain, a broken one).  Each file is the
selector byte, then what that selector reads.  Layouts: include/hvis/netvsc_proto.h.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_netvsc_ppi")
CSUM, LSO, VLAN, HASH, PKTINFO = 0, 2, 6, 8, 0x80000001


def ppi(ptype, value):
    return struct.pack("<IIII", 16, ptype, 12, value)


def packet(ppis, frame_len=74):
    area = b"".join(ppi(t, v) for t, v in ppis)
    body = struct.pack("<IIIIIIIII", 36 + len(area), frame_len, 0, 0, 0,
                       36 if area else 0, len(area), 0, 0)
    msg = body + area + bytes(frame_len)
    return struct.pack("<II", 1, 8 + len(msg)) + msg


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    rx_csum = 0x08 | 0x20                       # TCP and IP checksum succeeded
    write("host-csum-vlan-hash", b"\0" + packet([(CSUM, rx_csum), (VLAN, 100 << 4 | 3),
                                                 (HASH, 0x12345678)]))
    write("host-pktinfo-first", b"\0" + packet([(PKTINFO, 0x0301 | 7 << 16)]))
    write("host-vlan-wrong-size", b"\0" + packet([(VLAN, 5 << 4)])[:-74])
    tx_csum = 0x1 | 0x4 | 34 << 16              # IPv4, TCP, header at 34
    lso = 1 << 30 | 34 << 20 | 1448             # LSOv2, IPv4, mss 1448
    write("guest-csum-lso-vlan", b"\1" + packet([(CSUM, tx_csum), (LSO, lso),
                                                 (VLAN, 200 << 4)], 1514))
    write("guest-csum-udp6", b"\1" + packet([(CSUM, 0x2 | 0x8 | 54 << 16)], 62))
    write("roundtrip-all", b"\2" + struct.pack("<IIIIII", 0x1d, rx_csum, 100 << 4, 0xabcd,
                                               0x0701 | 9 << 16, 100))
    frags = struct.pack("<HBH", 1500, 0x3, 5) + struct.pack("<HBH", 1500, 0x1, 5) + \
        struct.pack("<HBH", 700, 0x5, 5) + struct.pack("<HBH", 60, 0, 0)
    write("rsc-chain", b"\3" + frags)
    write("rsc-broken", b"\3" + struct.pack("<HBH", 100, 0x1, 5) +
          struct.pack("<HBH", 100, 0x3, 5) + struct.pack("<HBH", 100, 0x1, 6))
    # the host's fragments of 3000 bytes in 1000-byte sections, checksum and hash PPIs
    write("rsc-build", b"\4" + struct.pack("<IIIIH", 0x09, 0x28, 0, 0xabcd, 1000) +
          bytes((i * 7) & 0xff for i in range(3000)))
    # over the target's limits (8 fragments, 16000 bytes), then a whole chain again
    write("rsc-too-many", b"\3" + struct.pack("<HBH", 100, 0x3, 9) +
          struct.pack("<HBH", 100, 0x1, 9) * 8 + struct.pack("<HBH", 100, 0x7, 10))
    write("rsc-too-long", b"\3" + struct.pack("<HBH", 9000, 0x3, 4) +
          struct.pack("<HBH", 9000, 0x5, 4) + struct.pack("<HBH", 60, 0, 0))


if __name__ == "__main__":
    main()
