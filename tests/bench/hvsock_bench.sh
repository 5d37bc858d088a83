#!/bin/bash
# hvsock_bench.sh [KVER]: Hyper-V sockets against TCP over the synthetic NIC, in one QEMU
# run (a benchmark, not a test).
#
# The guest runs the same socat services on vsock and on TCP (the hvis NIC in a network
# namespace, tests/e2e/net_lib.sh): an echo (EXEC:cat), a byte counter (EXEC:wc -c) and
# a source (SYSTEM:head -c N /dev/zero).  A Python client on the host (in the namespace)
# reaches them through the fake host's hvsock bridge (unix sockets, `ctl hvsock
# expose`) or over TCP, and measures:
#   round trip: one message of 64 B / 64 KiB out, the same back, one at a time (us);
#   host -> guest: 64 B and 64 KiB writes, the counter's answer after EOF (MB/s);
#   guest -> host: a bulk read until EOF (MB/s).
# virtio-vsock is not measured: it needs vhost-vsock (/dev/vhost-vsock), which this
# machine does not have, and QEMU's vhost-user-vsock needs a daemon we do not ship.
# Knobs: MB (bulk size, default 32), RTTS (round trips per size, default 200).
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/../e2e/net_lib.sh"

MB=${MB:-32}
RTTS=${RTTS:-200}
FH_DEVICES="heartbeat,shutdown,nic"

net_setup
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_netvsc >/dev/null
net_guest_up >/dev/null
assert_guest "modprobe hvis_sock" modprobe hvis_sock >/dev/null
HS=$VM_DIR/hvsock
for p in 7000 7001 7002; do fh hvsock expose $p >/dev/null || fail "expose $p"; done
bulk=$((MB << 20))
guest "socat VSOCK-LISTEN:7000,fork EXEC:cat >/dev/null 2>&1 &
	socat VSOCK-LISTEN:7001,fork EXEC:'wc -c' >/dev/null 2>&1 &
	socat VSOCK-LISTEN:7002,fork SYSTEM:'head -c $bulk /dev/zero' >/dev/null 2>&1 &
	socat TCP-LISTEN:7000,fork,reuseaddr EXEC:cat >/dev/null 2>&1 &
	socat TCP-LISTEN:7001,fork,reuseaddr EXEC:'wc -c' >/dev/null 2>&1 &
	socat TCP-LISTEN:7002,fork,reuseaddr SYSTEM:'head -c $bulk /dev/zero' >/dev/null 2>&1 &" ||
	fail "guest services"
ready() { [ "$(echo hi | ns socat -t 5 - "TCP:$NET_GUEST4:7000" 2>/dev/null)" = hi ] &&
	[ "$(echo hi | socat -t 5 - "UNIX-CONNECT:$HS/7000" 2>/dev/null)" = hi ]; }
wait_for 30 "guest services answer on vsock and TCP" ready >/dev/null

echo
echo "hvsock benchmark, kernel $KVER, TCG; hvsock through the fake host's unix-socket bridge, TCP over hvis_netvsc"
echo "virtio-vsock: not run (no /dev/vhost-vsock here: vhost-vsock is unusable under TCG on this machine)"
ns python3 - "$HS" "$NET_GUEST4" "$bulk" "$RTTS" <<'EOF' || fail "the benchmark client failed"
import socket, sys, time

hs, guest, bulk, rtts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def conn(kind, port):
    if kind == "hvsock":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect("%s/%d" % (hs, port))
    else:
        s = socket.create_connection((guest, port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def recv_n(s, n):
    got = 0
    while got < n:
        b = s.recv(min(n - got, 1 << 20))
        if not b:
            raise EOFError("peer closed after %d of %d bytes" % (got, n))
        got += len(b)

def rtt(kind, size, n):
    s = conn(kind, 7000)
    msg = b"x" * size
    s.sendall(msg)
    recv_n(s, size)			# the first one starts the guest's cat
    t = time.perf_counter()
    for _ in range(n):
        s.sendall(msg)
        recv_n(s, size)
    dt = time.perf_counter() - t
    s.close()
    return "%.0f us" % (dt / n * 1e6)

def tx(kind, size):
    total = bulk if size >= 4096 else min(bulk, 2 << 20)
    s = conn(kind, 7001)
    msg = b"x" * size
    t = time.perf_counter()
    sent = 0
    while sent < total:
        s.sendall(msg)
        sent += size
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        b = s.recv(100)
        if not b:
            break
        reply += b
    dt = time.perf_counter() - t
    s.close()
    if int(reply.strip() or b"-1") != sent:
        return "FAILED (%r of %d)" % (reply.strip(), sent)
    return "%.1f MB/s" % (sent / dt / 1e6)

def rx(kind):
    s = conn(kind, 7002)
    t = time.perf_counter()
    got = 0
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        got += len(b)
    dt = time.perf_counter() - t
    s.close()
    if got != bulk:
        return "FAILED (%d of %d)" % (got, bulk)
    return "%.1f MB/s" % (got / dt / 1e6)

rows = [
    ("round trip, 64 B", lambda k: rtt(k, 64, rtts)),
    ("round trip, 64 KiB", lambda k: rtt(k, 65536, max(rtts // 4, 10))),
    ("host -> guest, 64 B writes", lambda k: tx(k, 64)),
    ("host -> guest, 64 KiB writes", lambda k: tx(k, 65536)),
    ("guest -> host, bulk", lambda k: rx(k)),
]
print("%-30s %16s %16s" % ("test", "hvsock", "TCP (netvsc)"))
for name, fn in rows:
    print("%-30s %16s %16s" % (name, fn("hvsock"), fn("tcp")))
EOF
echo "  64 B host -> guest moves $((2 << 20)) bytes (or MB if less); 64 KiB and bulk move $MB MiB"
echo "  host: $(fh hvsock | grep -c '^conn ') hvsock connections left open"
vm_poweroff >/dev/null
