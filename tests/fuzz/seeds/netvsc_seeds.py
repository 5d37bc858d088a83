#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""netvsc_seeds.py: writes the seed corpus of tests/fuzz/fuzz_netvsc_msg.c into
seeds/fuzz_netvsc_msg/: one well-formed input per selector and message type, so the
fuzzer starts from every NVSP type in each direction, every RNDIS type, the offload
OIDs (OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, OID_TCP_OFFLOAD_PARAMETERS) and the NDIS
offload objects.  Each file is the selector byte, then what that selector reads.
Layouts: include/hvis/netvsc_proto.h.  Run it again after changing them.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_netvsc_msg")

NVSP = dict(INIT=1, INIT_COMPLETE=2, SEND_NDIS_VER=100, SEND_RECV_BUF=101,
            SEND_RECV_BUF_COMPLETE=102, REVOKE_RECV_BUF=103, SEND_SEND_BUF=104,
            SEND_SEND_BUF_COMPLETE=105, REVOKE_SEND_BUF=106, SEND_RNDIS_PKT=107,
            SEND_RNDIS_PKT_COMPLETE=108, SEND_NDIS_CONFIG=125, SEND_VF_ASSOCIATION=128,
            SWITCH_DATA_PATH=129, SUBCHANNEL=133, SEND_INDIRECTION_TABLE=134)
FROM_HOST = ["INIT_COMPLETE", "SEND_RECV_BUF_COMPLETE", "SEND_SEND_BUF_COMPLETE",
             "SEND_RNDIS_PKT", "SEND_RNDIS_PKT_COMPLETE", "SEND_VF_ASSOCIATION",
             "SUBCHANNEL", "SEND_INDIRECTION_TABLE"]
FROM_GUEST = ["INIT", "SEND_NDIS_VER", "SEND_RECV_BUF", "REVOKE_RECV_BUF", "SEND_SEND_BUF",
              "REVOKE_SEND_BUF", "SEND_RNDIS_PKT", "SEND_RNDIS_PKT_COMPLETE",
              "SEND_NDIS_CONFIG", "SWITCH_DATA_PATH", "SUBCHANNEL"]
# Bodies that are not all zero: the fields the checks look at.
BODY = {
    "INIT": struct.pack("<II", 0x60001, 0x60001),
    "INIT_COMPLETE": struct.pack("<III", 0x60001, 34, 1),
    "SEND_RECV_BUF_COMPLETE": struct.pack("<IIIIII", 1, 1, 0, 1728, 1213, 1213 * 1728),
    "SEND_SEND_BUF_COMPLETE": struct.pack("<II", 1, 6144),
    "SEND_RECV_BUF": struct.pack("<IH", 0xe1e10, 0xcafe),
    "REVOKE_RECV_BUF": struct.pack("<H", 0xcafe),
    "SEND_RNDIS_PKT": struct.pack("<III", 1, 0xffffffff, 0),
    "SEND_RNDIS_PKT_COMPLETE": struct.pack("<I", 1),
    "SEND_NDIS_CONFIG": struct.pack("<IIQ", 1514, 0, 0x28),
    "SEND_VF_ASSOCIATION": struct.pack("<II", 1, 1),    # allocated, serial 1
    "SWITCH_DATA_PATH": struct.pack("<I", 1),           # NVSP_DATAPATH_VF
}

RNDIS = dict(PACKET=1, INIT=2, HALT=3, QUERY=4, SET=5, RESET=6, INDICATE=7, KEEPALIVE=8,
             INIT_C=0x80000002, QUERY_C=0x80000004, SET_C=0x80000005, RESET_C=0x80000006,
             KEEPALIVE_C=0x80000008)
OID_FILTER = 0x0001010e
OID_MAC = 0x01010101
OID_FRIENDLY_NAME = 0x00020216
OID_CAPS = 0xfc01020d
OID_PARAMS = 0xfc01020c
OID_RSS_CAPS = 0x00010203
OID_RSS_PARAMS = 0x00010204


def nvsp(name, size=40):
    m = struct.pack("<I", NVSP[name]) + BODY.get(name, b"")
    return m + bytes(size - len(m))


def rndis(name, body):
    return struct.pack("<II", RNDIS[name], 8 + len(body)) + body


def offload_obj(revision, size):
    """An ndis_offload: header, checksum encapsulations 802.3, nothing offered."""
    body = struct.pack("<BBH", 0xa7, revision, size) + struct.pack("<8I", 2, 0, 2, 0, 2, 0, 2, 0)
    body += bytes(156 - len(body))
    return body[:size]


def offload_params(size):
    """An ndis_offload_params turning every offload off."""
    p = struct.pack("<BBH", 0x80, 3, size) + bytes([1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0])
    p += struct.pack("<I", 0) + bytes([0, 0, 1, 1, 0, 0]) + bytes(2)
    return p[:size]


def rss_caps(queues, entries):
    """An ndis_recv_scale_cap (18 bytes, packed)."""
    return struct.pack("<BBHIIIH", 0x88, 2, 18, 0, queues, queues, entries)


def rss_params(channels, entries=128):
    """An ndis_recv_scale_param (40 bytes), the table after it, the 40-byte key after that."""
    tab = b"".join(struct.pack("<I", i % channels) for i in range(entries))
    p = struct.pack("<BBHHHIHHIHHIIII", 0x89, 2, 40, 0, 0, 0x1701, 4 * entries, 0, 40, 40, 0,
                    40 + 4 * entries, 0, 0, 0)
    return p + tab + bytes(range(1, 41))


def oid_request(name, req_id, oid, info=b""):
    return rndis(name, struct.pack("<IIIII", req_id, oid, len(info), 20 if info else 0, 0) + info)


def query_c(req_id, info):
    return rndis("QUERY_C", struct.pack("<IIII", req_id, 0, len(info), 16 if info else 0) + info)


def packet(ppi=b""):
    frame = bytes([0xff] * 6) + bytes([0, 0x15, 0x5d, 0, 0, 1, 8, 6]) + bytes(46)
    p = struct.pack("<9I", 36 + len(ppi), len(frame), 0, 0, 0, 36 if ppi else 0, len(ppi), 0, 0)
    return rndis("PACKET", p + ppi + frame)


def xfer(ranges):
    hdr = struct.pack("<HHHHQHBBI", 7, 0, 0, 0, 0x1234, 0xcafe, 0, 0, len(ranges))
    for count, off in ranges:
        hdr += struct.pack("<II", count, off)
    off8 = (len(hdr) + 7) // 8
    hdr += bytes(off8 * 8 - len(hdr))
    msg = nvsp("SEND_RNDIS_PKT")
    pkt = hdr + msg
    return pkt[:2] + struct.pack("<HH", off8, len(pkt) // 8) + pkt[6:]


def main():
    seeds = {}
    for n in FROM_HOST:
        seeds["host-nvsp-" + n] = bytes([0]) + nvsp(n)
    for n in FROM_GUEST:
        seeds["guest-nvsp-" + n] = bytes([1]) + nvsp(n)
    seeds["guest-nvsp-INIT-28"] = bytes([1]) + nvsp("INIT", 28)
    # The host's send indirection table: 16 entries over 4 channels after the message.
    seeds["host-nvsp-send-table"] = bytes([0]) + struct.pack("<III", NVSP["SEND_INDIRECTION_TABLE"], 16, 40) + \
        bytes(28) + b"".join(struct.pack("<I", i % 4) for i in range(16))
    seeds["recv-buf-complete"] = bytes([2]) + nvsp("SEND_RECV_BUF_COMPLETE")
    seeds["recv-buf-check"] = bytes([3]) + struct.pack("<I", 2 << 20) + BODY["SEND_RECV_BUF_COMPLETE"]
    seeds["send-buf-check"] = bytes([4]) + struct.pack("<I", 1 << 20) + BODY["SEND_SEND_BUF_COMPLETE"]
    seeds["xfer"] = bytes([5]) + struct.pack("<III", 2 << 20, 1728, 562) + xfer([(60, 0), (100, 1728)])
    seeds["xfer-assisted"] = bytes([12]) + struct.pack("<III", 2 << 20, 1728, 562) + xfer([(60, 0)])

    ppi = struct.pack("<IIII", 16, 6, 12, 0x123) + struct.pack("<IIII", 16, 8, 12, 0xabcdef)
    host = {
        "INIT_C": rndis("INIT_C", struct.pack("<11I", 1, 0, 1, 0, 0, 0, 8, 0x4000, 3, 0, 0)),
        "QUERY_C-mac": query_c(2, bytes([0, 0x15, 0x5d, 0, 0, 1])),
        "QUERY_C-offload-caps-rev3": query_c(3, offload_obj(3, 156)),
        "QUERY_C-offload-caps-rev2": query_c(4, offload_obj(2, 144)),
        "QUERY_C-offload-caps-rev1": query_c(5, offload_obj(1, 112)),
        "QUERY_C-rss-caps": query_c(9, rss_caps(8, 128)),
        "SET_C": rndis("SET_C", struct.pack("<II", 6, 0)),
        "RESET_C": rndis("RESET_C", struct.pack("<II", 0, 0)),
        "KEEPALIVE": rndis("KEEPALIVE", struct.pack("<I", 7)),
        "KEEPALIVE_C": rndis("KEEPALIVE_C", struct.pack("<II", 8, 0)),
        "INDICATE": rndis("INDICATE", struct.pack("<IIII", 0x40010013, 4, 12, 100000000)),
        "PACKET": packet(ppi),
    }
    guest = {
        "PACKET": packet(),
        "INIT": rndis("INIT", struct.pack("<IIII", 1, 1, 0, 0x4000)),
        "HALT": rndis("HALT", struct.pack("<I", 2)),
        "QUERY-mac": oid_request("QUERY", 3, OID_MAC),
        "QUERY-friendly-name": oid_request("QUERY", 4, OID_FRIENDLY_NAME),
        "QUERY-offload-caps": oid_request("QUERY", 5, OID_CAPS, offload_obj(3, 156)),
        "SET-filter": oid_request("SET", 6, OID_FILTER, struct.pack("<I", 0xd)),
        "SET-offload-params-28": oid_request("SET", 7, OID_PARAMS, offload_params(28)),
        "SET-offload-params-22": oid_request("SET", 8, OID_PARAMS, offload_params(22)),
        "SET-rss-params": oid_request("SET", 10, OID_RSS_PARAMS, rss_params(4)),
        "RESET": rndis("RESET", struct.pack("<I", 0)),
        "KEEPALIVE": rndis("KEEPALIVE", struct.pack("<I", 9)),
        "KEEPALIVE_C": rndis("KEEPALIVE_C", struct.pack("<II", 9, 0)),
    }
    for n, m in host.items():
        seeds["host-rndis-" + n] = bytes([6]) + m
    for n, m in guest.items():
        seeds["guest-rndis-" + n] = bytes([7]) + m
    seeds["packet-parse"] = bytes([8]) + packet(ppi)[:-1] + bytes([0x60])
    seeds["query-c-parse"] = bytes([9]) + query_c(2, offload_obj(3, 156))
    seeds["indicate-parse"] = bytes([10]) + host["INDICATE"]
    seeds["packet-build"] = bytes([11]) + struct.pack("<HH", 60, 200)
    for sel, n in ((13, "PACKET"), (14, "QUERY_C-offload-caps-rev3"), (15, "INDICATE")):
        seeds["assisted-" + n] = bytes([sel]) + host[n]
    for rev, size in ((3, 156), (2, 144), (1, 112)):
        seeds["offload-caps-rev%d" % rev] = bytes([16]) + offload_obj(rev, size)
    seeds["offload-params-28"] = bytes([17]) + offload_params(28)
    seeds["offload-params-22"] = bytes([17]) + offload_params(22)
    seeds["offload-all-off-v61"] = bytes([18, 6, 1])
    seeds["offload-all-off-v4"] = bytes([18, 4, 0])

    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.unlink(os.path.join(OUT, f))
    for n, data in sorted(seeds.items()):
        with open(os.path.join(OUT, n), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), OUT))


if __name__ == "__main__":
    main()
