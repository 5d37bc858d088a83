#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""vlan_responder.py IFNAME LOG VID...: the namespace end of t_netvsc_offload's VLAN
trunk, for kernels without 802.1Q devices: on IFNAME (AF_PACKET) it answers ARP
requests and ICMP echo requests for 10.<vid>.0.1 on each VLAN VID with a frame tagged
with that VID, and writes one line per tagged IPv4/ARP frame it sees to LOG:
"vid=<vid> dst=<ip>".  The tag comes from PACKET_AUXDATA (the kernel strips it)."""
import socket
import struct
import sys

SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID = 263, 8, 0x10


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main():
    ifname, logname, vids = sys.argv[1], sys.argv[2], {int(v) for v in sys.argv[3:]}
    mac = bytes.fromhex(open(f"/sys/class/net/{ifname}/address").read().strip().replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((ifname, 0))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    log = open(logname, "a", buffering=1)
    while True:
        f, anc, _, _ = s.recvmsg(65536, socket.CMSG_SPACE(20))
        vid = None
        for lvl, typ, data in anc:
            if lvl == SOL_PACKET and typ == PACKET_AUXDATA and len(data) >= 20:
                st, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", data[:20])
                if st & TP_STATUS_VLAN_VALID:
                    vid = tci & 0xfff
        if vid is None or len(f) < 14:
            continue
        et = struct.unpack("!H", f[12:14])[0]
        src = f[6:12]
        if et == 0x0806 and len(f) >= 42:
            tip = f[38:42]
            log.write(f"vid={vid} dst={socket.inet_ntoa(tip)}\n")
            if struct.unpack("!H", f[20:22])[0] == 1 and vid in vids and \
                    tip == socket.inet_aton(f"10.{vid}.0.1"):
                arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac + tip + f[22:28] + f[28:32]
                out = src + mac + struct.pack("!HHH", 0x8100, vid, 0x0806) + arp
                s.send(out)
        elif et == 0x0800 and len(f) >= 34:
            ihl = (f[14] & 0xf) * 4
            dst = f[30:34]
            log.write(f"vid={vid} dst={socket.inet_ntoa(dst)}\n")
            if f[23] == 1 and vid in vids and dst == socket.inet_aton(f"10.{vid}.0.1") and \
                    f[14 + ihl] == 8:
                ip = bytearray(f[14:14 + ihl])
                ip[12:16], ip[16:20] = f[30:34], f[26:30]
                ip[10:12] = b"\0\0"
                ip[10:12] = struct.pack("!H", csum(bytes(ip)))
                icmp = bytearray(f[14 + ihl:14 + struct.unpack("!H", f[16:18])[0]])
                icmp[0] = 0
                icmp[2:4] = b"\0\0"
                icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
                s.send(src + mac + struct.pack("!HHH", 0x8100, vid, 0x0800) + bytes(ip) + bytes(icmp))


if __name__ == "__main__":
    main()
