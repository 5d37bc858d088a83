#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""storvsc_seeds.py: writes the seed corpus of tests/fuzz/fuzz_storvsc_msg.c into
seeds/fuzz_storvsc_msg/: one well-formed input per packet kind a VSTOR host sends the
guest (unsolicited ENUMERATE_BUS, REMOVE_DEVICE and FCHBA_DATA, a control answer, a
QUERY_PROPERTIES answer, COMPLETE_IO with and without sense) and the refused cases of
`ctl disk bad`.  Each file is the transaction id (u64), the request's data length
(u32), then the packet.  Layouts: include/hvis/storvsc_proto.h.  Run it again after
changing them.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_storvsc_msg")
COMPLETE_IO, REMOVE_DEVICE, ENUMERATE_BUS, FCHBA_DATA = 1, 2, 11, 12


def packet(op, status=0, body=b""):
    return struct.pack("<III", op, 0, status) + body.ljust(52, b"\0")


def srb(srb_status, scsi_status, xfer, sense=b"", sense_len=None):
    if sense_len is None:
        sense_len = len(sense)
    head = struct.pack("<HBBBBBBBBBBI", 52, srb_status, scsi_status, 0, 0, 0, 0, 10,
                       sense_len, 1, 0, xfer)
    tail = struct.pack("<HBBIII", 0, 0xff, 0x20, 0x4a, 60, 0)
    return head + sense.ljust(20, b"\0") + tail


def put(name, tid, req_len, pkt):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(struct.pack("<QI", tid, req_len) + pkt)


def main():
    os.makedirs(OUT, exist_ok=True)
    put("enumerate-bus", 0, 0, struct.pack("<I", ENUMERATE_BUS))
    put("remove-device", 0, 0, packet(REMOVE_DEVICE))
    wwn = struct.pack("<B3x", 1) + bytes(range(1, 9)) + bytes(range(9, 17)) + bytes(16)
    put("fchba-data", 0, 0, packet(FCHBA_DATA, 0, wwn))
    put("control-answer", (1 << 64) - 3, 0, packet(COMPLETE_IO))
    props = struct.pack("<IHHIIQ", 0, 4, 0, 1, 0x200000, 0)
    put("properties", (1 << 64) - 3, 0, packet(COMPLETE_IO, 0, props))
    put("props-zero-channels", (1 << 64) - 3, 0,
        packet(COMPLETE_IO, 0, struct.pack("<IHHIIQ", 0, 0, 0, 1, 0x200000, 0)))
    put("props-huge-xfer", (1 << 64) - 3, 0,
        packet(COMPLETE_IO, 0, struct.pack("<IHHIIQ", 0, 0xffff, 0, 1, 0xffffffff, 0)))
    put("complete-io-read", 0x10028 + 1, 4096, packet(COMPLETE_IO, 0, srb(1, 0, 4096)))
    sense = bytes([0x70, 0, 6, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x2a, 0x09, 0, 0, 0, 0])
    put("complete-io-capacity-changed", 0x28 + 1, 4096,
        packet(COMPLETE_IO, 0, srb(0x84, 2, 0, sense)))
    put("overlong-data", 0x28 + 1, 4096, packet(COMPLETE_IO, 0, srb(1, 0, 8192)))
    put("long-sense", 0x28 + 1, 4096, packet(COMPLETE_IO, 0, srb(0x84, 2, 0, sense, 255)))
    put("bad-srb-status", 0x28 + 1, 4096, packet(COMPLETE_IO, 0, srb(0x3f, 0, 0)))
    put("unknown-operation", 0, 0, packet(99))


if __name__ == "__main__":
    main()
