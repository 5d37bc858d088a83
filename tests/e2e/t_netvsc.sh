#!/bin/bash
# Synthetic NIC (hvis_netvsc) on a real wire: the fake host bridges the NIC to hvtap0, a
# TAP device in a network namespace of its own (tests/e2e/net_lib.sh).  The driver binds
# and eth0 appears with the host's MAC and the VMBus device behind it; IPv4 pings of
# several sizes and IPv6 pings to the namespace's stack lose nothing; UDP and TCP echo
# (socat in the namespace) return the data byte-exact; link down / up reach the carrier
# on both ends; a network change makes the guest re-announce itself with the carrier
# kept; the frames hvtap0 counted and the guest's counters agree; the module unloads and
# reloads with traffic in between; the kernel log stays clean.  Conformance with what
# Hyper-V expects: every
# NVSP request is 40 bytes (the host saw no short one), and each attach queries the
# hardware offload capabilities and sets the offload parameters, all off.
# kernels: all
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/net_lib.sh"

NIC_CLASS=f8615163-df3e-46c5-913f-f2d2f965ed0e
HOST_IP=$NET_HOST4
FH_DEVICES="heartbeat,shutdown,nic"

# What ethtool says of eth0: driver (-i), link settings, the driver's counters (-S).
nic_ethtool() {
	guest 'ethtool -i eth0 && ethtool eth0 && ethtool -S eth0' || fail "ethtool eth0 failed"
}

# The guest's interface bound to hvis_netvsc (one name).
nic_ifname() {
	guest 'ls /sys/bus/vmbus/drivers/hvis_netvsc/*/net/ 2>/dev/null'
}

# ping_ok COUNT SIZE: COUNT pings of SIZE bytes to the host, 0% loss.  Prints the summary.
ping_ok() {
	local out
	out=$(guest -t 300 "ping -A -q -c $1 -s $2 -w 240 $HOST_IP") ||
		fail "ping -c $1 -s $2: $(tail -n 3 <<<"$out")"
	assert_match "$(grep -E 'packets transmitted' <<<"$out")" \
		"^$1 packets transmitted, $1 packets received, 0% packet loss" \
		"$1 pings of $2 bytes, 0% loss ($(grep -oE 'min/avg/max = [0-9./]+ ms' <<<"$out"))"
}

nic_up() {
	net_guest_up
}

# Echo servers in the namespace: UDP and TCP port 7, each peer's bytes sent back.
net_setup
ns_echo_servers
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_netvsc

# ---- the device: name, MAC, sysfs link to the VMBus device ----
host_line=$(fh nic status) || fail "fh nic status failed"
host_mac=$(grep -oE 'mac=[0-9a-f:]+' <<<"$host_line" | head -n 1 | cut -d= -f2)
[ -n "$host_mac" ] || fail "no mac= in: $host_line"
inst=$(fh list | awk -v c="$NIC_CLASS" '$2 == "nic" || index($0, c) { print $4; exit }')
[ -n "$inst" ] || fail "the fake host lists no nic: $(fh list)"
assert_eq "$(nic_ifname)" "eth0" "the interface hvis_netvsc registered"
assert_eq "$(guest cat /sys/class/net/eth0/address)" "$host_mac" "eth0 MAC (the host's)"
assert_eq "$(guest cat /sys/class/net/eth0/device/device_id)" "{$inst}" \
	"/sys/class/net/eth0/device/device_id (the VMBus instance)"
assert_eq "$(guest 'basename $(readlink /sys/class/net/eth0/device/driver)')" "hvis_netvsc" \
	"eth0's device driver"
assert_eq "$(guest cat /sys/class/net/eth0/mtu)" "1500" "eth0 MTU"
assert_match "$(guest ip -d link show eth0)" " maxmtu 65521 " \
	"eth0's largest MTU: upstream's (NETVSC_MTU - ETH_HLEN, netvsc_drv.c)"
guest "ip link set eth0 mtu 9001" >/dev/null 2>&1 &&
	fail "MTU 9001, above the host's MAXIMUM_FRAME_SIZE (9000), was taken"
assert_eq "$(guest cat /sys/class/net/eth0/mtu)" "1500" \
	"MTU 9001 (above the host's MAXIMUM_FRAME_SIZE 9000) refused, the MTU stays 1500"

# ---- what Hyper-V expects at attach: request sizes, offload caps and parameters ----
host_line=$(fh nic status)
assert_match "$host_line" " nvsp=0x60001 " "NVSP 6.1 negotiated"
assert_match "$host_line" " short_nvsp=0 " "no NVSP request shorter than 6.1's 40 bytes"
assert_match "$host_line" " hwcaps_queries=1 offload_sets=1 offload_params=set " \
	"the guest queried the offload capabilities and set the offload parameters once"
ev=$(cat "$VM_DIR/events.log")
assert_match "$(grep -w NIC_OFFLOAD_CAPS <<<"$ev")" "revision=3 size=156" \
	"the capabilities answer: a revision 3 NDIS_OFFLOAD of 156 bytes"
assert_match "$(grep -w NIC_OFFLOAD_PARAMS <<<"$ev")" \
	"revision=3 size=28 ip_v4_csum=1 tcp_ip_v4_csum=4 udp_ip_v4_csum=4 tcp_ip_v6_csum=4 udp_ip_v6_csum=4 lso_v1=1 lso_v2_ipv4=2 lso_v2_ipv6=2 rsc_ip_v4=2 rsc_ip_v6=2" \
	"the parameters set: 28 bytes, what the TAP-wired host offers turned on (TCP/UDP checksums both ways, LSOv2, RSC; the IPv4 header checksum disabled as upstream's rndis_netdev_set_hwcaps does, LSOv1 off)"
assert_eq "$(fh_event_count NIC_BAD)" 0 "no NIC_BAD from the host at attach"

# ---- ethtool -X / -x: the RSS callbacks, whose signature changed in 6.8 (compat.h
# HVIS_COMPAT_RXFH_PARAM; t_netvsc_rss, 6.12 only in make check, covers RSS fully) ----
key=01:23:45:67:89:ab:cd:ef:fe:dc:ba:98:76:54:32:10:0f:1e:2d:3c:4b:5a:69:78:87:96:a5:b4:c3:d2:e1:f0:11:22:33:44:55:66:77:88
assert_guest "ethtool -X eth0 hkey NEW" ethtool -X eth0 hkey "$key"
assert_match "$(fh nic rss 0)" "key=${key//:/} " "the host has the guest's new RSS key"
assert_match "$(guest 'ethtool -x eth0' | tr -d '\n')" "${key}" "ethtool -x shows the new key"
assert_guest "ethtool -X eth0 equal 1" ethtool -X eth0 equal 1
assert_match "$(fh nic rss 0)" "itab=0(,0){127} " "the host's table: queue 0 only"
assert_guest "ethtool -X eth0 default" ethtool -X eth0 default
assert_match "$(fh nic rss 0)" "itab=0,1,0,1," "the host's table: both queues again"

# ---- link up, pings of several sizes ----
assert_fh "host link up" nic link 0 up
nic_up
note "$(guest ip link show eth0 | head -n 1)"
for size in 56 1000 1472; do
	ping_ok 200 $size
done
out=$(guest -t 120 "ping -A -q -c 100 -s 1000 -w 60 $NET_HOST6") || fail "ping $NET_HOST6: $out"
assert_match "$out" "^100 packets transmitted, 100 packets received, 0% packet loss" \
	"100 IPv6 pings of 1000 bytes to $NET_HOST6, 0% loss"
# From here on IPv4 only: IPv6's own traffic at each carrier change (router
# solicitations, MLD reports, DAD) would blur the drop counts of the link tests.
assert_guest "IPv6 off on eth0" "echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6"

# ---- UDP echo, byte-exact ----
assert_guest "6000 random bytes" "dd if=/dev/urandom of=/tmp/u.in bs=1000 count=6 2>/dev/null"
# socat sends each block read from the file as one datagram (-b) and writes the
# replies in the order they come; -t: how long it waits for replies after the input ends.
for chunk in 1472 1000 100; do
	out=$(guest -t 120 "socat -b $chunk -t 3 UDP:$HOST_IP:7 - </tmp/u.in >/tmp/u.out; echo rc=\$?; cmp /tmp/u.in /tmp/u.out && echo same")
	assert_match "$out" "rc=0" "UDP echo in $chunk-byte datagrams (socat)"
	assert_match "$out" "same" "UDP echo in $chunk-byte datagrams: every reply came back, byte-exact"
done
# TCP: 256 KiB through the namespace's stack and back.
out=$(guest -t 120 "head -c 262144 /dev/urandom >/tmp/t.in
	socat -t 5 TCP4:$HOST_IP:7 - </tmp/t.in >/tmp/t.out; echo rc=\$?; cmp /tmp/t.in /tmp/t.out && echo same")
assert_match "$out" "rc=0" "TCP echo of 256 KiB (socat)"
assert_match "$out" "same" "TCP echo of 256 KiB: byte-exact"

# ---- a UDP datagram with a bad checksum: the host does not vouch for it, the guest drops it ----
csum_bad0=$(kv "$(fh nic status)" rx_csum_bad)
udp_err0=$(guest "awk '/^Udp:/ { n++; if (n == 1) for (i = 1; i <= NF; i++) h[i] = \$i; else for (i = 1; i <= NF; i++) if (h[i] == \"InCsumErrors\") print \$i }' /proc/net/snmp")
ns python3 -c '
import socket, struct, sys
dmac = bytes.fromhex(sys.argv[1].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[2], 0))
smac = s.getsockname()[4]
payload = b"bad checksum" * 4
udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0x1234) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                 socket.inet_aton(sys.argv[3]), socket.inet_aton(sys.argv[4]))
c = sum(struct.unpack("!10H", ip))
c = (c & 0xffff) + (c >> 16)
c = (c & 0xffff) + (c >> 16)
ip = ip[:10] + struct.pack("!H", ~c & 0xffff) + ip[12:]
s.send(dmac + smac + b"\x08\x00" + ip + udp)
' "$host_mac" "$NET_TAP" "$NET_HOST4" "$NET_GUEST4" || fail "raw send from the namespace failed"
guest_until 5 "awk '/^Udp:/ { n++; if (n == 1) for (i = 1; i <= NF; i++) h[i] = \$i; else for (i = 1; i <= NF; i++) if (h[i] == \"InCsumErrors\") print \$i }' /proc/net/snmp | grep -qx $((udp_err0 + 1))" ||
	fail "the guest's Udp InCsumErrors did not go from $udp_err0 to $((udp_err0 + 1))"
note "ok: a UDP datagram with a bad checksum: the guest's stack dropped it (InCsumErrors $udp_err0 -> $((udp_err0 + 1)))"
assert_eq "$(kv "$(fh nic status)" rx_csum_bad)" $((csum_bad0 + 1)) "the host counted it in rx_csum_bad and did not mark it verified"

# ---- link down / up ----
assert_fh "host link down" nic link 0 down
guest_until 2 'ip link show eth0 | grep -q NO-CARRIER' || fail "no NO-CARRIER within 2s of link down"
note "ok: NO-CARRIER within 2s: $(guest ip link show eth0 | head -n 1)"
assert_match "$(ns ip link show "$NET_TAP")" "NO-CARRIER" "hvtap0 has no carrier while the link is down"
tx_drop0=$(guest cat /sys/class/net/eth0/statistics/tx_dropped)
assert_eq "$tx_drop0" 0 "tx_dropped before the link went down"
out=$(guest -t 30 "ping -c 3 -W 1 -w 4 $HOST_IP") && fail "pings succeeded with the link down: $out"
down_sent=$(grep -oE '^[0-9]+ packets transmitted' <<<"$out" | cut -d' ' -f1)
assert_match "$out" "packets received, 100% packet loss" "pings fail while the link is down"
assert_fh "host link up" nic link 0 up
guest_until 5 'ip link show eth0 | grep -q LOWER_UP' || fail "no carrier within 5s of link up"
note "ok: carrier back after link up"
assert_no_match "$(ns ip link show "$NET_TAP")" "NO-CARRIER" "hvtap0 has its carrier back"
ping_ok 20 56
# Without carrier the stack's noop qdisc drops what is sent; newer kernels count that
# in tx_dropped (6.12), older ones do not (6.1).  Either way the driver dropped nothing.
tx_drop1=$(guest cat /sys/class/net/eth0/statistics/tx_dropped)
[ "$tx_drop1" = 0 ] || [ "$tx_drop1" = "$down_sent" ] ||
	fail "tx_dropped is $tx_drop1: neither 0 nor the $down_sent pings sent without carrier"
note "ok: tx_dropped = $tx_drop1 ($down_sent pings were sent without carrier)"

# ---- network change: the guest re-announces itself, the carrier stays ----
assert_fh "host network change" nic link 0 bounce
guest_until 5 'dmesg | grep -q "eth0: network change: announcing to the peers"' ||
	fail "no announcement within 5s of the network change"
note "ok: the guest announced itself on the network change"
assert_match "$(guest ip link show eth0 | head -n 1)" "LOWER_UP" "the carrier stayed up"
ping_ok 20 1000

# ---- counters ----
stats=$(guest 'cd /sys/class/net/eth0/statistics && for f in rx_packets tx_packets rx_errors tx_errors rx_dropped tx_dropped; do echo "$f=$(cat $f)"; done')
note "eth0 statistics: $(tr '\n' ' ' <<<"$stats")"
assert_ge "$(kv "$stats" rx_packets)" 660 "rx_packets"
assert_ge "$(kv "$stats" tx_packets)" 660 "tx_packets"
assert_eq "$(kv "$stats" rx_errors)" 0 "rx_errors (bad messages from the host)"
assert_eq "$(kv "$stats" tx_errors)" 0 "tx_errors"
assert_eq "$(kv "$stats" rx_dropped)" 0 "rx_dropped"
assert_eq "$(kv "$stats" tx_dropped)" "$tx_drop1" "tx_dropped unchanged since the link came back"
es=$(nic_ethtool)
note "ethtool: $(tr '\n' ' ' <<<"$es")"
assert_match "$es" "driver: hvis_netvsc" "ethtool -i: driver"
# bus-info is the VMBus device's name, cut to the field's 31 characters.
assert_match "$es" "bus-info: ${inst:0:31}" "ethtool -i: bus-info"
assert_match "$es" "Speed: 10000Mb/s" "ethtool: 10 Gbps (the host's LINK_SPEED)"
assert_match "$es" "Duplex: Full" "ethtool: full duplex"
assert_match "$es" "Link detected: yes" "ethtool: link detected"
nq=$(guest 'ls -d /sys/class/net/eth0/queues/tx-* | wc -l')
# 12 device counters, the offloads' 8 (tx_pagebuf .. rx_rsc_bad), send_table_updates,
# rx_lent, rx_lend_full and tx_stall_resets, the VF's 5 (vf_rx_packets .. vf_tx_dropped),
# 4 per queue.
assert_eq "$(sed -n '/NIC statistics:/,$p' <<<"$es" | grep -c ': [0-9]')" $((29 + 4 * nq)) \
	"ethtool -S: 29 device counters and 4 for each of the $nq queues"
for c in send_table_updates rx_lent rx_lend_full tx_stall_resets vf_rx_packets vf_tx_bytes vf_tx_dropped; do
	assert_match "$es" "$c: [0-9]" "ethtool -S has $c"
done
assert_eq "$(kv "$es" rx_csum_verified)" "$(kv "$(fh nic status)" rx_csum_ok)" \
	"ethtool -S rx_csum_verified = the frames the host marked checksum-verified"
# Read together, and again if a background frame (neighbour discovery) landed between
# the two readings: they must agree in one of three readings a second apart (a run here
# read rx_packets 896 and, 0.7 s later, per-queue counts adding up to 897).
for try in 1 2 3; do
	pq=$(guest 'cat /sys/class/net/eth0/statistics/rx_packets; ethtool -S eth0')
	rxp=$(head -n 1 <<<"$pq") q_rx=0
	for ((q = 0; q < nq; q++)); do q_rx=$((q_rx + $(kv "$pq" rx_queue_${q}_packets))); done
	[ "$q_rx" = "$rxp" ] && break
	note "try $try: per-queue rx $q_rx, rx_packets $rxp"
	[ "$try" = 3 ] || sleep 1
done
assert_eq "$q_rx" "$rxp" "ethtool -S: per-queue rx packets add up to rx_packets"
for c in tx_too_big tx_error tx_comp_bad rx_bad rx_no_memory; do
	assert_eq "$(kv "$es" $c)" 0 "ethtool -S $c"
done
assert_eq "$(kv "$es" link_change)" 4 "ethtool -S link_change (up, down, up, network change)"
# Every frame the guest counted as sent reached the host and hvtap0, byte for byte, and
# every frame the host handed over was counted as received: nothing lost inside the
# driver.  hvtap0 sent what the guest received plus what the host held back (frames
# while the link was down or the packet filter refused them).  Background traffic
# (IPv6 neighbour discovery) may be in flight during one reading: the counts must agree
# in one of three readings a second apart.
counters_agree() {
	host_line=$(fh nic status)
	tap=$(ns sh -c "cd /sys/class/net/$NET_TAP/statistics && for f in rx_packets tx_packets rx_bytes tx_bytes; do echo \$f=\$(cat \$f); done")
	stats=$(guest 'cd /sys/class/net/eth0/statistics && for f in rx_packets tx_packets rx_bytes tx_bytes; do echo "$f=$(cat $f)"; done')
	[ "$(kv "$host_line" tx_frames)" = "$(kv "$stats" tx_packets)" ] &&
		[ "$(kv "$host_line" rx_frames)" = "$(kv "$stats" rx_packets)" ] &&
		[ "$(kv "$tap" rx_packets)" = "$(kv "$stats" tx_packets)" ] &&
		[ "$(kv "$tap" rx_bytes)" = "$(kv "$stats" tx_bytes)" ] &&
		[ "$(kv "$tap" tx_packets)" = "$(($(kv "$stats" rx_packets) + $(kv "$host_line" filtered) + $(kv "$host_line" rx_drops)))" ]
}
for try in 1 2 3; do
	counters_agree && break
	sleep 1
done
note "host: $host_line"
note "$NET_TAP statistics: $(tr '\n' ' ' <<<"$tap")"
note "eth0 statistics: $(tr '\n' ' ' <<<"$stats")"
assert_eq "$(kv "$host_line" tx_frames)" "$(kv "$stats" tx_packets)" "frames the host got = guest tx_packets"
assert_eq "$(kv "$host_line" rx_frames)" "$(kv "$stats" rx_packets)" "frames the host sent = guest rx_packets"
assert_eq "$(kv "$tap" rx_packets)" "$(kv "$stats" tx_packets)" "hvtap0 rx_packets = guest tx_packets"
assert_eq "$(kv "$tap" rx_bytes)" "$(kv "$stats" tx_bytes)" "hvtap0 rx_bytes = guest tx_bytes"
assert_eq "$(kv "$tap" tx_packets)" "$(($(kv "$stats" rx_packets) + $(kv "$host_line" filtered) + $(kv "$host_line" rx_drops)))" \
	"hvtap0 tx_packets = guest rx_packets + held back by the host ($(kv "$host_line" filtered) filtered, $(kv "$host_line" rx_drops) dropped)"
assert_eq "$(kv "$host_line" rx_drops)" 0 "the host dropped no wire frame"
assert_ge "$(kv "$host_line" rx_csum_ok)" 100 "frames delivered with the host's checksum verdict (rx_csum_ok)"
assert_eq "$(kv "$host_line" rx_csum_bad)" 1 "one wire frame had a bad checksum (the one sent on purpose)"
assert_match "$host_line" " bad=0( |$)" "the host saw no bad message from the guest"

# ---- unload / reload with traffic ----
# The namespace pings the guest every 20 ms throughout: frames arrive while the device
# detaches and attaches.  (20 cycles: t_netvsc_reload, tier all.)
kmem0=$(guest_kmem)
ns ping -q -i 0.02 "$NET_GUEST4" >/dev/null 2>&1 &
reload_ping=$!
HVIS_CLEANUP_CMDS+=("kill $reload_ping")
for i in 1 2 3 4 5; do
	assert_guest "rmmod hvis_netvsc ($i)" rmmod hvis_netvsc
	guest_until 5 '[ ! -e /sys/class/net/eth0 ]' || fail "eth0 still there after rmmod ($i)"
	assert_guest "modprobe hvis_netvsc ($i)" modprobe hvis_netvsc
	guest_until 15 '[ -e /sys/class/net/eth0 ]' || fail "eth0 not back after modprobe ($i)"
	assert_eq "$(guest cat /sys/class/net/eth0/address)" "$host_mac" "eth0 MAC after reload $i"
	nic_up
	ping_ok 20 1000
done
kill "$reload_ping"
host_line=$(fh nic status)
assert_match "$host_line" " bad=0( |$)" "the host saw no bad message across reloads"
assert_match "$host_line" " short_nvsp=0 hwcaps_queries=6 offload_sets=6 " \
	"each of the 6 attaches queried the caps and set the parameters, no short request"
# Each load takes ~3.3 MiB (rings, 2 MiB receive and 1 MiB send buffer): all given back.
assert_kmem_flat "$kmem0" "$(guest_kmem)" "5 unload/reload cycles"

# ---- tiny buffers: sections run out, the queue stops and wakes, nothing is lost ----
assert_guest "rmmod hvis_netvsc (tiny buffers)" rmmod hvis_netvsc
# The new eth0 gets a plain FIFO qdisc: fq_codel's CoDel drops datagrams that wait more
# than 5 ms for 100 ms, which they do when a slow (TCG, loaded) host keeps the 5 send
# sections busy, and that loss is the qdisc's policy, not the driver's.
assert_guest "default qdisc pfifo_fast" "sysctl -w net.core.default_qdisc=pfifo_fast"
assert_guest "modprobe with a 32 KiB send and 64 KiB receive buffer" \
	modprobe hvis_netvsc send_buffer_kb=32 recv_buffer_kb=64
guest_until 15 '[ -e /sys/class/net/eth0 ]' || fail "eth0 not back with tiny buffers"
# The host's sections hold a 9000-byte frame (9152 bytes): 7 in 64 KiB.
assert_match "$(guest 'dmesg | grep "hvis_netvsc.*send 5x6144, recv 7x9152" | tail -n 1')" \
	"send 5x6144, recv 7x9152" "5 send and 7 receive sections"
nic_up
assert_match "$(guest tc qdisc show dev eth0)" "pfifo_fast" "eth0's qdisc is pfifo_fast"
# 60 datagrams of 1000 bytes: a 4-digit sequence number, then random bytes.
assert_guest "60 numbered datagrams of random bytes" \
	"i=0; while [ \$i -lt 60 ]; do printf %04d \$i; head -c 996 /dev/urandom; i=\$((i + 1)); done >/tmp/b.in"
# The neighbour entry is new (new device): resolve it first, or the datagrams queued
# behind the ARP request may leave after later ones (net/core/neighbour.c), which is
# reordering the driver has nothing to do with.
assert_guest "ARP entry for $HOST_IP" "ping -c 1 -W 5 $HOST_IP"
for round in 1 2 3; do
	out=$(guest -t 120 "socat -b 1000 -t 3 UDP:$HOST_IP:7 - </tmp/b.in >/tmp/b.out; echo rc=\$?
		cmp /tmp/b.in /tmp/b.out >/dev/null && echo same && exit
		echo order:; i=0; while [ \$i -lt 60 ]; do dd if=/tmp/b.out bs=1000 skip=\$i count=1 2>/dev/null | head -c 4; echo -n ' '; i=\$((i + 1)); done")
	assert_match "$out" "rc=0" "burst $round: 60 datagrams out back to back (socat)"
	assert_match "$out" "same" "burst $round: 60 replies, byte-exact and in order"
done
ping_ok 200 1472
es=$(nic_ethtool)
note "ethtool after the bursts: $(tr '\n' ' ' <<<"$es")"
# The queue stopped and woke again and again; a host that completes is never reset.
for c in tx_too_big tx_error tx_comp_bad rx_bad rx_no_memory tx_stall_resets; do
	assert_eq "$(kv "$es" $c)" 0 "ethtool -S $c after the bursts"
done
assert_ge "$(kv "$es" stop_queue)" 1 "the queue stopped when the 5 send sections ran out"
assert_eq "$(kv "$es" wake_queue)" "$(kv "$es" stop_queue)" "every stop was followed by a wake"

# ---- rescind while in use, then a new offer ----
relid=$(guest_relid_of hvis_netvsc) || fail "no netvsc device"
guest "ping -q -i 0.2 $HOST_IP >/tmp/rescind-ping.log 2>&1 &"
sleep 1
assert_fh "fh rescind $relid" rescind "$relid"
guest_until 15 '[ ! -e /sys/class/net/eth0 ]' || fail "eth0 still there 15 s after the rescind"
note "ok: eth0 gone after the rescind"
fh_wait_event RELID_RELEASED 15
guest 'kill %1 2>/dev/null; killall ping 2>/dev/null; true' >/dev/null
assert_fh "fh offer nic $inst" offer nic "$inst"
guest_until 20 '[ -e /sys/class/net/eth0 ]' || fail "eth0 not back after the new offer"
assert_eq "$(guest cat /sys/class/net/eth0/device/device_id)" "{$inst}" "device_id after the new offer"
nic_up
ping_ok 50 56

dm=$(guest 'dmesg | grep -i netvsc')
note "guest log: $(grep -c . <<<"$dm") netvsc lines; last: $(tail -n 1 <<<"$dm")"
assert_no_match "$dm" "bad|dropped|ignored|unexpected|no answer|failed|leaked|unhandled" \
	"no netvsc complaint in the guest log"
# Each attach (probe, reload, MTU change, the new offer after the rescind) got every
# subchannel it asked for, and no other.
assert_no_match "$dm" "subchannel offer refused|subchannels but offered" \
	"every subchannel offer was one the guest asked for, and came in time"
assert_kernel_clean
