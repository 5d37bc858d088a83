#!/bin/bash
# Synthetic NIC offloads on the TAP wire (hvis_netvsc offload.c, txpage.c, rsc.c,
# mtu.c): the host's capabilities become ethtool -k features and the guest turns them
# on through OID_TCP_OFFLOAD_PARAMETERS; ethtool -K toggles reach the host (its
# NIC_OFFLOAD_PARAMS events); iperf3 TCP both ways with TSO on and off; a TSO send
# reaches the namespace as one GSO frame larger than the MTU; jumbo MTU 9000 end to
# end (9000-byte pings both ways, nothing fragmented); LRO: with it on, the namespace's
# TCP arrives at the host as GSO frames and reaches the guest as RSC chains (host and
# guest counters, files byte-exact over IPv4 and IPv6), with it off the host cuts them
# and the guest sees no frame over its MTU; three VLANs at once, each on its own
# access-port TAP in the namespace (the fake host is the trunk port): IPv4/IPv6 pings and
# iperf3 (8 MiB) per VLAN, tcpdump on each port sees only its own VLAN, untagged, a VLAN without
# a port is dropped and counted; a MAC change then ping; a UDP
# frame with a bad checksum from the namespace dropped and counted by the guest stack.
source "$(dirname "$0")/../qemu/lib.sh"
export HVIS_GUEST_TOOLS="ip iperf3 tcpdump ethtool"
export HVIS_GUEST_KMODS="${HVIS_GUEST_KMODS:-} 8021q"
source "$(dirname "$0")/net_lib.sh"

FH_DEVICES="heartbeat,shutdown,nic"

# The host's last NIC_OFFLOAD_PARAMS event.
last_params() {
	grep -w NIC_OFFLOAD_PARAMS "$VM_DIR/events.log" | tail -n 1
}

# feature NAME: on or off, as the guest's ethtool -k says.
feature() {
	guest "ethtool -k eth0" | awk -v f="$1:" '$1 == f { print $2; exit }'
}

# iperf3_run DIR: a 2-second TCP run to the namespace (-R: from it); prints Mbit/s.
iperf3_run() {
	local out
	out=$(guest -t 60 "iperf3 -c $NET_HOST4 -t 2 -J $1 2>&1") || fail "iperf3 $1: $(tail -c 300 <<<"$out")"
	grep -A8 '"sum_received"' <<<"$out" | grep -oE '"bits_per_second":[[:space:]]*[0-9.e+]+' |
		head -n 1 | awk -F: '{ printf "%.1f", $2 / 1e6 }'
}

# ip_stat guest|ns: "FragCreates ReasmReqds" of that side's /proc/net/snmp.
ip_stat() {
	local prog='/^Ip:/ { n++; if (n == 1) for (i = 1; i <= NF; i++) col[$i] = i;
		if (n == 2) print $col["FragCreates"], $col["ReasmReqds"] }'
	if [ "$1" = guest ]; then
		guest "awk '$prog' /proc/net/snmp"
	else
		ns awk "$prog" /proc/net/snmp
	fi
}

net_setup
net_vlan_ports 10 20 30
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_netvsc
assert_fh "host link up" nic link 0 up
net_guest_up

# ---- what the host offers becomes features, turned on at attach ----
for f in tx-checksum-ipv4 tx-checksum-ipv6 tcp-segmentation-offload large-receive-offload \
	rx-checksumming rx-vlan-offload tx-vlan-offload scatter-gather; do
	assert_eq "$(feature "$f")" "on" "ethtool -k: $f"
done
assert_match "$(last_params)" \
	"tcp_ip_v4_csum=4 udp_ip_v4_csum=4 tcp_ip_v6_csum=4 udp_ip_v6_csum=4 lso_v1=1 lso_v2_ipv4=2 lso_v2_ipv6=2 rsc_ip_v4=2 rsc_ip_v6=2" \
	"the guest turned on checksum, LSOv2 and RSC on the host"

# ---- ethtool -K round trips reach the host ----
# LRO: RSC off and on at the host.  The namespace->guest runs below use LRO off (the
# host cuts its GSO frames); the LRO part after them turns it on.
assert_guest "ethtool -K eth0 lro off" "ethtool -K eth0 lro off"
assert_eq "$(feature large-receive-offload)" "off" "ethtool -k after lro off"
assert_match "$(last_params)" "rsc_ip_v4=1 rsc_ip_v6=1" "lro off reached the host"
assert_guest "ethtool -K eth0 lro on" "ethtool -K eth0 lro on"
assert_match "$(last_params)" "rsc_ip_v4=2 rsc_ip_v6=2" "lro on reached the host"
assert_guest "ethtool -K eth0 lro off" "ethtool -K eth0 lro off"
assert_guest "ethtool -K eth0 tx-checksum-ipv6 off" "ethtool -K eth0 tx-checksum-ipv6 off"
assert_match "$(last_params)" "tcp_ip_v6_csum=1 udp_ip_v6_csum=1 lso_v1=1 lso_v2_ipv4=2 lso_v2_ipv6=1" \
	"tx-checksum-ipv6 off reached the host (and took TSO6 with it)"
assert_eq "$(feature tcp-segmentation-offload)" "on" "TSO for IPv4 stays on"
assert_guest "ethtool -K eth0 tx-checksum-ipv6 on tso on" "ethtool -K eth0 tx-checksum-ipv6 on tso on"
assert_match "$(last_params)" "tcp_ip_v6_csum=4 udp_ip_v6_csum=4 lso_v1=1 lso_v2_ipv4=2 lso_v2_ipv6=2" \
	"tx-checksum-ipv6 and TSO6 on again at the host"
assert_guest "ethtool -K eth0 tso off" "ethtool -K eth0 tso off"
assert_eq "$(feature tcp-segmentation-offload)" "off" "ethtool -k after tso off"
assert_match "$(last_params)" "lso_v2_ipv4=1 lso_v2_ipv6=1" "tso off reached the host"
ns_iperf3_server
sleep 1
lso0=$(guest "ethtool -S eth0" | awk '$1 == "tx_lso:" { print $2 }')
up=$(iperf3_run "")
down=$(iperf3_run -R)
lso1=$(guest "ethtool -S eth0" | awk '$1 == "tx_lso:" { print $2 }')
note "TSO off: guest->ns $up Mbit/s, ns->guest $down Mbit/s"
assert_ge "${up%.*}" 5 "iperf3 guest->namespace with TSO off: Mbit/s"
assert_ge "${down%.*}" 5 "iperf3 namespace->guest with TSO off: Mbit/s"
assert_eq "$lso1" "$lso0" "no LSO sends with TSO off"

assert_guest "ethtool -K eth0 tso on" "ethtool -K eth0 tso on"
assert_match "$(last_params)" "lso_v2_ipv4=2 lso_v2_ipv6=2" "tso on reached the host"
ns sh -c "timeout 20 tcpdump -i $NET_TAP -n -c 3 'tcp and greater 3000' >$VM_DIR/gso.txt 2>/dev/null &"
sleep 1
up=$(iperf3_run "")
down=$(iperf3_run -R)
note "TSO on: guest->ns $up Mbit/s, ns->guest $down Mbit/s"
assert_ge "${up%.*}" 5 "iperf3 guest->namespace with TSO on: Mbit/s"
assert_ge "${down%.*}" 5 "iperf3 namespace->guest with TSO on: Mbit/s"
lso2=$(guest "ethtool -S eth0" | awk '$1 == "tx_lso:" { print $2 }')
assert_ge "$lso2" $((lso1 + 1)) "LSOv2 sends with TSO on (ethtool -S tx_lso)"
pb=$(guest "ethtool -S eth0" | awk '$1 == "tx_pagebuf:" { print $2 }')
assert_ge "$pb" 1 "large sends went by page buffers (ethtool -S tx_pagebuf)"
sleep 1
gso=$(wc -l <"$VM_DIR/gso.txt")
assert_ge "$gso" 1 "the namespace saw TCP frames over 3000 bytes (GSO from the TAP): $(head -n 1 "$VM_DIR/gso.txt")"

# ---- LRO: the namespace's GSO frames as RSC chains, or cut by the host ----
# rsc_state V4 V6: the host's last NIC_RSC event says RSC is so (1 on, 0 off).
rsc_state() {
	grep -w NIC_RSC "$VM_DIR/events.log" | tail -n 1 | grep -q "ip_v4=$1 ip_v6=$2"
}
# big_frames_start: tcpdump in the guest (GRO off, so it sees what the NIC delivered;
# inbound only, the guest's own sends may be TSO frames) logging TCP frames over the
# MTU's 1514 bytes; big_frames_count: how many it saw.
big_frames_start() {
	local end=$((SECONDS + 10))
	# -Z root: the guest has no tcpdump user to drop privileges to.
	guest "rm -f /tmp/big.txt /tmp/big.err; timeout 30 tcpdump -Z root -Q in -i eth0 -n -q -l 'tcp and greater 1515' >/tmp/big.txt 2>/tmp/big.err &"
	until guest "grep -q listening /tmp/big.err" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || fail "guest tcpdump not listening: $(guest "cat /tmp/big.err" 2>&1 | head -c 300)"
		sleep 0.2
	done
}
big_frames_count() {
	# Frame lines only (tcpdump may end its output with an empty line when killed).
	guest "kill \$(pidof tcpdump) 2>/dev/null; sleep 0.5; grep -cE ' IP6? ' /tmp/big.txt || true"
}
# send_file ADDR PORT: the namespace sends $VM_DIR/lro.bin to the guest's socat over
# TCP; prints the sha256 of what the guest wrote.
send_file() {
	guest "rm -f /tmp/lro.bin; socat -u TCP6-LISTEN:$2,reuseaddr,ipv6only=0 CREATE:/tmp/lro.bin >/dev/null 2>&1 &"
	wait_for 10 "guest socat listening on $2" guest "netstat -ltn | grep -q ':$2 '" >&2
	ns timeout 60 socat -u "FILE:$VM_DIR/lro.bin" "TCP:$1:$2" || fail "socat to $1:$2"
	wait_for 30 "the guest wrote the file sent to $1" guest "! pidof socat >/dev/null" >&2
	guest "sha256sum /tmp/lro.bin" | cut -c1-64
}
lro_t0=$SECONDS
head -c $((4 << 20)) /dev/urandom >"$VM_DIR/lro.bin"
want_sum=$(sha256sum "$VM_DIR/lro.bin" | cut -c1-64)
assert_guest "ethtool -K eth0 lro on gro off" "ethtool -K eth0 lro on gro off"
wait_for 5 "the host has RSC on for IPv4 and IPv6" rsc_state 1 1
h0=$(fh nic status)
g0=$(guest "ethtool -S eth0")
big_frames_start
down=$(iperf3_run -R)
assert_eq "$(send_file "$NET_GUEST4" 5003)" "$want_sum" "4 MiB over IPv4 with LRO on: sha256 matches"
assert_eq "$(send_file "[$NET_GUEST6]" 5004)" "$want_sum" "4 MiB over IPv6 with LRO on: sha256 matches"
big=$(big_frames_count)
h1=$(fh nic status)
g1=$(guest "ethtool -S eth0")
rsc=$(( $(kv "$h1" rx_rsc) - $(kv "$h0" rx_rsc) ))
frags=$(( $(kv "$h1" rx_rsc_frags) - $(kv "$h0" rx_rsc_frags) ))
chains=$(( $(kv "$g1" rx_rsc_chains) - $(kv "$g0" rx_rsc_chains) ))
note "LRO on: ns->guest $down Mbit/s; host rx_rsc +$rsc in $frags fragments, guest rx_rsc_chains +$chains, $big guest frames over 1514 bytes"
assert_ge "${down%.*}" 5 "iperf3 namespace->guest with LRO on: Mbit/s"
assert_ge "$rsc" 20 "the host sent RSC chains (nic status rx_rsc)"
assert_ge "$frags" $((rsc + 1)) "RSC chains of several fragments (nic status rx_rsc_frags)"
assert_eq "$chains" "$rsc" "the guest assembled every chain the host sent (ethtool -S rx_rsc_chains)"
assert_eq "$(kv "$g1" rx_rsc_bad)" "$(kv "$g0" rx_rsc_bad)" "no RSC chain refused (rx_rsc_bad)"
assert_ge "$big" 1 "the guest received coalesced frames over the MTU"
assert_eq "$(kv "$h1" rx_segmented)" "$(kv "$h0" rx_segmented)" "nothing cut by the host with LRO on"
# Coalesced frames lend the receive buffer's pages to the stack (rxlend.c); their
# sections go back to the host once the sockets let go of them.
lent=$(( $(kv "$g1" rx_lent) - $(kv "$g0" rx_lent) ))
note "LRO on: $lent frames lent to the stack, $(( $(kv "$g1" rx_lend_full) - $(kv "$g0" rx_lend_full) )) copied for a full lending budget"
assert_ge "$lent" 1 "coalesced frames were lent, not copied (ethtool -S rx_lent)"
sections_free() { fh nic status | grep -q 'rx_sections_in_use=0/'; }
wait_for 15 "every receive section back at the host after the transfers" sections_free
# rx_copy=1: every frame copied out of the buffer, as upstream's netvsc does.
assert_guest "rx_copy=1" "echo 1 > /sys/module/hvis_netvsc/parameters/rx_copy"
g2=$(guest "ethtool -S eth0")
assert_eq "$(send_file "$NET_GUEST4" 5006)" "$want_sum" "4 MiB over IPv4 with LRO on and rx_copy=1: sha256 matches"
g3=$(guest "ethtool -S eth0")
assert_eq "$(kv "$g3" rx_lent)" "$(kv "$g2" rx_lent)" "nothing lent with rx_copy=1"
assert_ge "$(( $(kv "$g3" rx_rsc_chains) - $(kv "$g2" rx_rsc_chains) ))" 1 "RSC chains copied with rx_copy=1"
assert_guest "rx_copy=0" "echo 0 > /sys/module/hvis_netvsc/parameters/rx_copy"

assert_guest "ethtool -K eth0 lro off" "ethtool -K eth0 lro off"
wait_for 5 "the host has RSC off" rsc_state 0 0
h0=$(fh nic status)
big_frames_start
down=$(iperf3_run -R)
assert_eq "$(send_file "$NET_GUEST4" 5005)" "$want_sum" "4 MiB over IPv4 with LRO off: sha256 matches"
big=$(big_frames_count)
h1=$(fh nic status)
cut=$(( $(kv "$h1" rx_segmented) - $(kv "$h0" rx_segmented) ))
segs=$(( $(kv "$h1" rx_segments) - $(kv "$h0" rx_segments) ))
note "LRO off: ns->guest $down Mbit/s; host cut $cut GSO frames into $segs frames, $big guest frames over 1514 bytes"
assert_ge "${down%.*}" 5 "iperf3 namespace->guest with LRO off: Mbit/s"
assert_ge "$cut" 20 "the host cut the namespace's GSO frames (nic status rx_segmented)"
assert_ge "$segs" $((cut * 2)) "each into several frames (nic status rx_segments)"
assert_eq "$(kv "$h1" rx_rsc)" "$(kv "$h0" rx_rsc)" "no RSC chain sent with LRO off"
assert_eq "$big" 0 "the guest saw no frame over its MTU with LRO off ($(guest "head -n 2 /tmp/big.txt" 2>&1))"
assert_guest "ethtool -K eth0 gro on" "ethtool -K eth0 gro on"
note "LRO part: $((SECONDS - lro_t0)) s"

# ---- bad checksum from the namespace: dropped by the guest stack, counted ----
csum0=$(guest "awk '/^Udp:/ { n++; if (n == 2) print \$8 }' /proc/net/snmp")
ns python3 - "$NET_TAP" "$(guest cat /sys/class/net/eth0/address)" <<'PY' || fail "bad-checksum frame not sent"
import socket, struct, sys
tap, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((tap, 0))
src = open(f"/sys/class/net/{tap}/address").read().strip()
payload = b"hvis-bad-checksum"
udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0x1234) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 socket.inet_aton("10.11.0.1"), socket.inet_aton("10.11.0.2"))
c = sum(struct.unpack("!10H", ip)); c = (c & 0xffff) + (c >> 16); c = ~((c & 0xffff) + (c >> 16)) & 0xffff
ip = ip[:10] + struct.pack("!H", c) + ip[12:]
for _ in range(3):
    s.send(mac + bytes.fromhex(src.replace(":", "")) + b"\x08\x00" + ip + udp)
PY
sleep 1
csum1=$(guest "awk '/^Udp:/ { n++; if (n == 2) print \$8 }' /proc/net/snmp")
assert_ge "$csum1" $((csum0 + 3)) "3 UDP frames with a bad checksum counted (Udp InCsumErrors $csum0 -> $csum1)"

# ---- VLAN trunk: three VLANs at once on real stacks, no frame crosses ----
# The fake host is the switch's trunk port: VLAN v's frames leave on hvvlan<v> (an
# access port in the namespace, 10.v.0.1) untagged, and hvvlan<v>'s frames reach the
# guest with the 802.1Q PPI for v.  tcpdump on each port sees only its own VLAN.
VLANS="10 20 30"
vlan_t0=$SECONDS
assert_guest "modprobe 8021q" "modprobe 8021q"
for v in $VLANS 40; do net_guest_vlan $v; done
rxv0=$(guest "ethtool -S eth0" | awk '$1 == "rx_vlan:" { print $2 }')
declare -A VCAP VPID
for v in $VLANS; do
	VCAP[$v]=$VM_DIR/vlan$v.cap.log
	ns tcpdump -i hvvlan$v -n -l -e >"${VCAP[$v]}" 2>"${VCAP[$v]}.err" &
	VPID[$v]=$!
done
ns tcpdump -i "$NET_TAP" -n -l -e >"$VM_DIR/native.cap.log" 2>"$VM_DIR/native.cap.log.err" &
VPID[native]=$!
wait_for 10 "tcpdump on $NET_TAP" grep -q listening "$VM_DIR/native.cap.log.err"
for v in $VLANS; do wait_for 10 "tcpdump on hvvlan$v" grep -q listening "${VCAP[$v]}.err"; done
rx20=$(guest cat /sys/class/net/eth0.20/statistics/rx_packets)
assert_guest "ping on VLAN 10" "ping -c 3 -i 0.2 -W 2 10.10.0.1"
assert_eq "$(guest cat /sys/class/net/eth0.20/statistics/rx_packets)" "$rx20" \
	"eth0.20 received nothing while VLAN 10 pinged"
for v in $VLANS; do
	assert_guest "IPv4 and IPv6 pings on VLAN $v" \
		"ping -c 3 -i 0.2 -W 2 10.$v.0.1 && ping -c 3 -i 0.2 -W 2 fd00:$v::1"
	out=$(guest -t 60 "iperf3 -c 10.$v.0.1 -n 8M -J 2>&1") || fail "iperf3 on VLAN $v: $(tail -c 300 <<<"$out")"
	mbps=$(grep -A8 '"sum_received"' <<<"$out" | grep -oE '"bits_per_second":[[:space:]]*[0-9.e+]+' |
		head -n 1 | awk -F: '{ printf "%d", $2 / 1e6 }')
	note "iperf3 on VLAN $v: $mbps Mbit/s"
	assert_ge "$mbps" 5 "iperf3 guest->10.$v.0.1 over VLAN $v: Mbit/s"
done
# A VLAN with no access port: the switch drops its frames and counts them.
nop0=$(kv "$(fh nic vlan 0)" vlan_no_port)
guest "ping -c 2 -W 1 10.40.0.1" >/dev/null && fail "VLAN 40 (no port) answered"
nop1=$(kv "$(fh nic vlan 0)" vlan_no_port)
assert_ge "$nop1" $((nop0 + 2)) "frames of VLAN 40 (no access port) dropped and counted by the host"
sleep 0.5
for v in $VLANS native; do kill "${VPID[$v]}" 2>/dev/null; done
for v in $VLANS native; do wait "${VPID[$v]}" 2>/dev/null; done
for v in $VLANS; do
	cap=$(cat "${VCAP[$v]}")
	note "hvvlan$v: $(wc -l <<<"$cap") frames captured"
	assert_match "$cap" "10\\.$v\\.0\\.2 > 10\\.$v\\.0\\.1: ICMP echo request" "VLAN $v's IPv4 pings on hvvlan$v"
	assert_match "$cap" "fd00:$v::2 > fd00:$v::1: ICMP6, echo request" "VLAN $v's IPv6 pings on hvvlan$v"
	assert_match "$cap" "10\\.$v\\.0\\.2\\.[0-9]+ > 10\\.$v\\.0\\.1\\.5201: Flags" "VLAN $v's iperf3 TCP on hvvlan$v"
	assert_no_match "$cap" "vlan [0-9]+|802\\.1Q" "no tagged frame on the access port hvvlan$v"
	assert_no_match "$cap" "$(for o in $VLANS 11 40; do [ "$o" = "$v" ] || printf '10\\.%s\\.0\\.|fd00:%s::|' "$o" "$o"; done)NONE" \
		"no frame of another VLAN (or of the native one) on hvvlan$v"
done
assert_no_match "$(cat "$VM_DIR/native.cap.log")" "vlan [0-9]+|802\\.1Q|10\\.(10|20|30|40)\\.0\\.|fd00:(10|20|30|40)::" \
	"no VLAN frame, tagged or not, on the native port $NET_TAP"
vl=$(fh nic vlan 0)
note "host: $(tr '\n' ';' <<<"$vl")"
for v in $VLANS; do
	line=$(grep "^vid=$v " <<<"$vl")
	assert_ge "$(kv "$line" tx_frames)" 8 "the host sent VLAN $v's frames to hvvlan$v"
	assert_ge "$(kv "$line" rx_frames)" 8 "the host delivered hvvlan$v's frames to the guest on VLAN $v"
	assert_eq "$(kv "$line" rx_tagged)" 0 "nothing tagged came in on hvvlan$v"
done
rxv=$(guest "ethtool -S eth0" | awk '$1 == "rx_vlan:" { print $2 }')
assert_ge "$rxv" $((rxv0 + 30)) "the ports' frames arrived by the 802.1Q PPI (ethtool -S rx_vlan $rxv0 -> $rxv)"
note "the VLAN trunk part took $((SECONDS - vlan_t0)) s"

# ---- MAC change from the guest, then ping ----
assert_guest "ip link set eth0 address 00:15:5d:11:22:33" \
	"ip link set eth0 address 00:15:5d:11:22:33"
assert_match "$(fh nic status)" "00:15:5d:11:22:33" "the host took the new MAC"
ns ip neigh flush dev "$NET_TAP"
assert_guest "ping after the MAC change" "ping -c 3 -W 2 $NET_HOST4"

# ---- jumbo frames: MTU 9000, 9000-byte packets both ways, nothing fragmented ----
assert_fh "host maximum frame 9000" nic mtu 0 9000
ns ip link set "$NET_TAP" mtu 9000 || fail "hvtap0 mtu 9000"
assert_guest "ip link set eth0 mtu 9000" "ip link set eth0 mtu 9000"
assert_eq "$(guest cat /sys/class/net/eth0/mtu)" "9000" "eth0 MTU after the change"
guest_until 10 'ip link show eth0 | grep -q LOWER_UP' || fail "eth0 has no carrier after the MTU change"
guest_until 20 "ping -c 1 -W 1 $NET_HOST4" || fail "no ping after the MTU change"
# busybox ping has no -M do: that the 9000-byte packets crossed whole is shown by no
# fragmentation and no reassembly on either side (IP FragCreates / ReasmReqds).
g0=$(ip_stat guest); n0=$(ip_stat ns)
assert_guest "ping -s 8972 guest->namespace (9000-byte packets both ways)" \
	"ping -c 3 -s 8972 -W 2 $NET_HOST4"
g1=$(ip_stat guest); n1=$(ip_stat ns)
assert_eq "$g1" "$g0" "the guest fragmented and reassembled nothing (FragCreates ReasmReqds)"
assert_eq "$n1" "$n0" "the namespace fragmented and reassembled nothing (FragCreates ReasmReqds)"
assert_guest "back to MTU 1500" "ip link set eth0 mtu 1500"

assert_eq "$(fh_event_count NIC_BAD)" 0 "no NIC_BAD from the host"
assert_eq "$(guest "ethtool -S eth0" | awk '$1 == "rx_ppi_bad:" || $1 == "rx_rsc_bad:" { s += $2 } END { print s + 0 }')" \
	"0" "no refused PPI or RSC chain"
assert_kernel_clean
