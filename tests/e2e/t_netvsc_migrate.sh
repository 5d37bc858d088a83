#!/bin/bash
# Live migration of a VM with the synthetic NIC, simulated end to end on a real wire
# (tests/e2e/net_lib.sh): `ctl migrate` stops the guest over QMP for a blackout, lets it
# run again, and sends what Hyper-V sends after a migration (RNDIS NETWORK_CHANGE, a
# TimeSync SYNC).  Checks what a user would: a ping flood from the namespace loses no
# more than the packets sent in the blackout; the namespace sees the guest's
# gratuitous ARP and unsolicited neighbour advertisement on the base interface and, for
# each of two guest VLANs, on that VLAN's own access port (the fake host plays the
# switch's trunk port: `--tap-vlan`, net_lib.sh net_vlan_ports); the guest clock is
# right afterwards.  Then the host's rules: the processor
# feature table (same: both ways; superset/subset: one way, both with compatibility
# mode; disjoint: never), no Dynamic Memory with nested virtualization (at start-up and
# on offer); and the "VMQ on the host, off on the switch" mismatch: after a migration
# VLAN traffic is lost, untagged traffic is not, and it recovers as soon as the switch
# is fixed, shown by pings on a VLAN answered by the namespace's stack behind the access
# port hvvlan20 (tcpdump there sees them, or not).  Last, the SR-IOV data path: the host associates a VF and
# hot-plugs a virtio-net device with the NIC's MAC (QMP), whose TAP shares a bridge with
# hvtap0; the guest takes it over and switches the data path to it, then back when the
# host revokes it and unplugs it, while a ping flood goes on; the guest's ethtool -S
# vf_* counters grow while the flood goes over the VF and stand still after the revoke.
source "$(dirname "$0")/../qemu/lib.sh"
export HVIS_GUEST_TOOLS="ip iperf3 tcpdump ethtool"
source "$(dirname "$0")/net_lib.sh"

FH_DEVICES="heartbeat,shutdown,nic,timesync"
VM_QMP=1
# virtio_net (and, on 6.1, virtio_pci): the VF stand-in's driver.
export HVIS_GUEST_KMODS="8021q virtio_net virtio_pci"
SRC_FEATURES=sse2,avx
FH_ARGS+=(--cpu-features "$SRC_FEATURES" --nested)
BLACKOUT_MS=2000
PING_INTERVAL=0.01
PING_INTERVAL_MS=10
VLANS="20 30"
VID=20			# the VMQ mismatch is shown on this one
NS_VLAN4=10.$VID.0.1
GUEST_VLAN4=10.$VID.0.2

# ---- Dynamic Memory and nested virtualization: refused at start-up ----
out=$("$FAKEHOST" serve --link /nonexistent/l --ram /nonexistent/r --ram-size 1048576 \
	--vectors 4 --ctl /nonexistent/c --events /dev/null --devices heartbeat,dm --nested 2>&1)
rc=$?
assert_eq "$rc" 2 "serve --devices ...,dm --nested exits 2"
assert_match "$out" "Dynamic Memory cannot be enabled while nested virtualization is on" \
	"the start-up refusal says why"

net_setup
# hvtap0 joins a bridge, which takes its addresses: the VF's TAP joins it later.
ns ip link add br0 type bridge && ns ip link set br0 up &&
	ns ip addr flush dev "$NET_TAP" && ns ip link set "$NET_TAP" master br0 &&
	ns ip addr add "$NET_HOST4/24" dev br0 && ns ip -6 addr add "$NET_HOST6/64" dev br0 nodad ||
	fail "bridge br0 in the namespace"
# shellcheck disable=SC2086
net_vlan_ports $VLANS
# A PCIe root port to hot-plug the VF into.
vm_start "$KVER" -device pcie-root-port,id=vfport,chassis=1,slot=1
vm_load_vmbus
wait_driver_bound hvis_netvsc
wait_driver_bound hvis_timesync
assert_fh "host link up" nic link 0 up
net_guest_up

# ---- ... and on offer ----
out=$(fh offer dm 2>&1) && fail "offer dm succeeded with --nested: $out"
assert_match "$out" "Dynamic Memory cannot be enabled while nested virtualization is on" \
	"offer dm refused with --nested"
assert_eq "$(fh_event_count DM_REFUSED)" 1 "one DM_REFUSED event (the refused offer)"

# ---- two VLANs in the guest, each with its access port in the namespace ----
assert_guest "modprobe 8021q" "modprobe 8021q"
for v in $VLANS; do net_guest_vlan $v; done

# vlan_frames: the guest sends 5 pings on VLAN $VID; prints "SEEN GOT": how many of them
# (distinct sequence numbers) tcpdump saw on the access port hvvlan$VID, untagged, and
# how many replies from the namespace's stack came back.
vlan_frames() {
	local cap=$VM_DIR/vlan-icmp-$RANDOM.cap.log pid n out seen got
	ns tcpdump -i "hvvlan$VID" -n -l -e icmp >"$cap" 2>"$cap.err" &
	pid=$!
	for n in $(seq 50); do grep -q listening "$cap.err" && break; sleep 0.2; done
	out=$(guest -t 30 "ping -q -c 5 -i 0.2 -W 1 $NS_VLAN4")
	sleep 0.5
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	seen=$(grep "ethertype IPv4 .*$GUEST_VLAN4 > $NS_VLAN4: ICMP echo request" "$cap" |
		grep -oE 'seq [0-9]+' | sort -u | wc -l)
	got=$(grep -oE '[0-9]+ packets received' <<<"$out" | cut -d' ' -f1)
	echo "$seen ${got:-0}"
}
assert_eq "$(vlan_frames)" "5 5" "5 pings on VLAN $VID seen on hvvlan$VID untagged, 5 replies"

# Guest minus host wall clock in ms, around one agent round trip (busybox adjtimex
# prints the guest's time to the microsecond).
clock_offset_ms() {
	local h0 g h1
	h0=$(date +%s%N)
	g=$(guest "adjtimex | awk '/time.tv_sec/ { s = \$2 } /time.tv_usec/ { u = \$2 } END { printf \"%d%06d\", s, u }'") ||
		return 1
	h1=$(date +%s%N)
	echo $(((g - (h0 + h1) / 2000) / 1000))
}
abs() { echo "${1#-}"; }

off0=$(clock_offset_ms)
assert_ge 500 "$(abs "$off0")" "guest clock within 0.5 s of the host's before the migration (${off0} ms)"

# ---- tcpdump in the namespace on the base interface and on each VLAN port ----
CAP=$VM_DIR/announce.cap.log
TCPDUMP_PIDS=()
ns tcpdump -i "$NET_TAP" -n -l -e 'arp or icmp6' >"$CAP" 2>"$CAP.err" &
TCPDUMP_PIDS+=($!)
for v in $VLANS; do
	ns tcpdump -i "hvvlan$v" -n -l -e 'arp or icmp6' >"$CAP.$v" 2>"$CAP.$v.err" &
	TCPDUMP_PIDS+=($!)
done
stop_tcpdump() {
	local p
	for p in "${TCPDUMP_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${TCPDUMP_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	TCPDUMP_PIDS=()
}
wait_for 10 "tcpdump listening" grep -q listening "$CAP.err"
for v in $VLANS; do wait_for 10 "tcpdump on hvvlan$v listening" grep -q listening "$CAP.$v.err"; done

# ---- migration under a ping flood ----
count=$(((BLACKOUT_MS + 5000) / PING_INTERVAL_MS))
# busybox ping: this machine may have no iputils; -W: how long it waits for late replies.
ns busybox ping -q -i $PING_INTERVAL -c $count -W 5 "$NET_GUEST4" >"$VM_DIR/flood.log" 2>&1 &
flood=$!
sleep 1.5
done_line=$(fh migrate blackout=$BLACKOUT_MS target=$SRC_FEATURES,avx2) ||
	fail "migrate to a superset host failed: $done_line"
note "host: $(tail -n 1 <<<"$done_line")"
assert_match "$done_line" "MIGRATE_DONE result=ok" "migration to a superset host done"
assert_match "$done_line" " nics=1 timesync=sent " "NETWORK_CHANGE on the NIC and a TimeSync SYNC sent"
blackout=$(kv "$done_line" blackout_ms)
assert_ge "$blackout" $BLACKOUT_MS "measured blackout (ms)"
wait "$flood"
flood_out=$(cat "$VM_DIR/flood.log")
sent=$(grep -oE '^[0-9]+ packets transmitted' <<<"$flood_out" | cut -d' ' -f1)
got=$(grep -oE '[0-9]+ packets received' <<<"$flood_out" | cut -d' ' -f1)
[ -n "$sent" ] && [ -n "$got" ] || fail "ping flood summary: $flood_out"
lost=$((sent - got))
# Packets sent during the measured blackout, the one in flight when it began included.
allowed=$((blackout / PING_INTERVAL_MS + 1))
note "ping flood: $sent sent, $got received, $lost lost; ${blackout} ms blackout = $allowed packets"
[ "$lost" -le "$allowed" ] || fail "the ping flood lost $lost packets, more than the $allowed sent in the blackout"
note "ok: the ping flood lost $lost <= $allowed packets"

# ---- the announcements ----
guest_until 5 'dmesg | grep -q "eth0: network change: announcing to the peers"' ||
	fail "the guest did not announce itself after the migration"
sleep 1
stop_tcpdump
base=$(cat "$CAP")
garp() { echo "(who-has $1( \\([^)]*\\))? tell $1|Announcement,? $1)"; }
assert_match "$base" "$(garp "${NET_GUEST4//./\\.}")" "gratuitous ARP for $NET_GUEST4 on $NET_TAP"
assert_match "$base" "> ff02::1: ICMP6, neighbor advertisement, tgt is $NET_GUEST6" \
	"unsolicited NA for $NET_GUEST6 on $NET_TAP"
assert_no_match "$base" "vlan [0-9]+|10\\.(${VLANS// /|})\\.0\\.2|fd00:(${VLANS// /|})::2" \
	"no VLAN announcement on the native port $NET_TAP"
for v in $VLANS; do
	vcap=$(cat "$CAP.$v")
	note "hvvlan$v saw $(grep -cE "tell 10\.$v\.0\.2|tgt is fd00:$v::2" <<<"$vcap") announcements of VLAN $v"
	assert_match "$vcap" "$(garp "10\\.$v\\.0\\.2")" "gratuitous ARP for 10.$v.0.2 on hvvlan$v"
	assert_match "$vcap" "> ff02::1: ICMP6, neighbor advertisement, tgt is fd00:$v::2" \
		"unsolicited NA for fd00:$v::2 on hvvlan$v"
	assert_no_match "$vcap" "vlan [0-9]+|$NET_GUEST4|$NET_GUEST6$(for o in $VLANS; do [ "$o" = "$v" ] || printf '|10\\.%s\\.|fd00:%s::' "$o" "$o"; done)" \
		"nothing of another VLAN, and no tag, on hvvlan$v"
done

# ---- the clock ----
step=$(guest 'dmesg | grep "TimeSync: clock set to host time" | tail -n 1' | grep -oE 'step -?[0-9]+ ms' | grep -oE -- '-?[0-9]+')
note "last TimeSync step: ${step} ms"
assert_ge "$step" $((BLACKOUT_MS - 1000)) "the SYNC after the migration stepped the clock by the blackout"
off1=$(clock_offset_ms)
assert_ge 500 "$(abs "$off1")" "guest clock within 0.5 s of the host's after the migration (${off1} ms; $BLACKOUT_MS ms behind without the SYNC)"

# ---- processor features: the seed table ----
# Superset: the VM now runs on sse2,avx,avx2.  Back to the subset host: refused ...
out=$(fh migrate blackout=0 target=$SRC_FEATURES 2>&1) && fail "migration to a subset host succeeded: $out"
assert_match "$out" "lacks processor features the VM uses \\(avx2\\)" "subset target refused, naming avx2"
# ... unless processor-compatibility mode is on.
assert_fh "subset target with compat=on" migrate blackout=0 target=$SRC_FEATURES compat=on
# Same features: both ways.
assert_fh "same features, there" migrate blackout=0 target=$SRC_FEATURES
assert_fh "same features, back" migrate blackout=0 target=$SRC_FEATURES
# Subset to superset: the one way that works without compatibility mode.
assert_fh "subset to superset" migrate blackout=0 target=$SRC_FEATURES,avx2
assert_fh "superset back with compat=on" migrate blackout=0 target=$SRC_FEATURES compat=on
# Disjoint: refused, with compatibility mode too.
for compat in off on; do
	out=$(fh migrate blackout=0 target=neon,sve compat=$compat 2>&1) &&
		fail "migration to a disjoint host succeeded (compat=$compat): $out"
	assert_match "$out" "migration refused" "disjoint target refused (compat=$compat)"
done
assert_eq "$(fh_event_count MIGRATE_REFUSED)" 3 "MIGRATE_REFUSED events (subset, disjoint twice)"
assert_match "$(fh migrate status)" "features=$SRC_FEATURES nested=1 qmp=yes done=6 refused=3" \
	"migrate status: 6 done, 3 refused, on the source's features"
ping_ok() { # DEST WHAT
	local out
	out=$(guest -t 60 "ping -q -c 5 -i 0.2 -W 1 $1") || fail "$2: $(tail -n 2 <<<"$out")"
	assert_match "$out" " 0% packet loss" "$2"
}
ping_ok "$NET_HOST4" "base pings after the migrations"
assert_eq "$(vlan_frames)" "5 5" "VLAN $VID pings answered after the migrations"

# ---- VMQ on the host, off on the virtual switch ----
assert_fh "vmq mismatch on" nic vmq-switch 0 on
assert_eq "$(vlan_frames)" "5 5" "VLAN $VID pings pass with the mismatch before a migration"
assert_fh "migration with the mismatch" migrate blackout=200
assert_eq "$(vlan_frames)" "0 0" "VLAN $VID frames lost after the migration: none on hvvlan$VID"
ping_ok "$NET_HOST4" "untagged traffic unaffected"
drops=$(kv "$(fh nic vmq-switch 0)" vmq_drops)
assert_ge "$drops" 5 "the switch counted the VLAN frames it dropped"
assert_fh "vmq mismatch off (the switch fixed)" nic vmq-switch 0 off
assert_eq "$(vlan_frames)" "5 5" "VLAN $VID pings answered again at once"

# ---- SR-IOV: the VF joins, the data path switches to it and back, traffic goes on ----
assert_guest "virtio_net loaded" "modprobe virtio_pci 2>/dev/null; modprobe virtio_net"
flood_count=$((18000 / 20))
ns busybox ping -q -i 0.02 -c $flood_count -W 5 "$NET_GUEST4" >"$VM_DIR/vf-flood.log" 2>&1 &
flood=$!
sleep 1
out=$(fh nic vf 0 add port=vfport bridge=br0) || fail "nic vf 0 add: $out"
vf_tap=$(grep -oE 'tap=[a-z0-9]+' <<<"$out" | cut -d= -f2)
note "host: $out"
guest_until 20 'dmesg | grep -q "eth0: data path switched to VF"' ||
	fail "no data path switch to the VF within 20 s ($(guest 'dmesg | tail -n 5'))"
vf=$(guest 'dmesg | grep -oE "VF [a-z0-9]+ joined" | tail -n 1' | awk '{ print $2 }')
note "ok: VF $vf joined and the data path switched to it"
assert_match "$(fh nic vf 0)" "vf=added serial=1 datapath=vf switches=1" "the host sees the VF data path"
assert_eq "$(guest cat /sys/class/net/$vf/address)" "$(guest cat /sys/class/net/eth0/address)" \
	"the VF has the NIC's MAC"
assert_eq "$(guest "basename \$(readlink /sys/class/net/$vf/master)")" eth0 "eth0 is the VF's master"
# Traffic through the VF: both ways on its TAP, and in the guest's vf_* counters.
# vf_stats: "vf_rx_packets vf_rx_bytes vf_tx_packets vf_tx_bytes vf_tx_dropped".
vf_stats() {
	guest "ethtool -S eth0" | awk '$1 ~ /^vf_(rx|tx)_(packets|bytes|dropped):$/ { v[$1] = $2 }
		END { print v["vf_rx_packets:"], v["vf_rx_bytes:"], v["vf_tx_packets:"], v["vf_tx_bytes:"], v["vf_tx_dropped:"] }'
}
read -r vrp0 vrb0 vtp0 vtb0 _ <<<"$(vf_stats)"
rx0=$(ns cat /sys/class/net/$vf_tap/statistics/rx_packets)
tx0=$(ns cat /sys/class/net/$vf_tap/statistics/tx_packets)
sleep 3
rx1=$(ns cat /sys/class/net/$vf_tap/statistics/rx_packets)
tx1=$(ns cat /sys/class/net/$vf_tap/statistics/tx_packets)
read -r vrp1 vrb1 vtp1 vtb1 vtd1 <<<"$(vf_stats)"
note "VF TAP $vf_tap in 3 s: rx $((rx1 - rx0)), tx $((tx1 - tx0)) packets"
note "guest ethtool -S in those 3 s: vf_rx_packets +$((vrp1 - vrp0)) vf_rx_bytes +$((vrb1 - vrb0)) vf_tx_packets +$((vtp1 - vtp0)) vf_tx_bytes +$((vtb1 - vtb0)) vf_tx_dropped $vtd1"
assert_ge $((rx1 - rx0)) 100 "the guest's replies leave through the VF"
assert_ge $((tx1 - tx0)) 100 "the pings reach the guest through the VF"
assert_ge $((vrp1 - vrp0)) 100 "ethtool -S vf_rx_packets grows while the flood goes over the VF"
assert_ge $((vtp1 - vtp0)) 100 "ethtool -S vf_tx_packets grows while the replies go over the VF"
# Bytes as upstream counts them: rx at the rx_handler (from the IP header: 84 bytes per
# ping), tx as handed to the VF (with the Ethernet header: 98); an ARP is 28 / 42.
assert_ge $((vrb1 - vrb0)) $((64 * (vrp1 - vrp0))) "vf_rx_bytes: 64 bytes or more per packet on average"
assert_ge $((vtb1 - vtb0)) $((64 * (vtp1 - vtp0))) "vf_tx_bytes: 64 bytes or more per packet on average"
assert_eq "$vtd1" 0 "ethtool -S vf_tx_dropped: the VF refused nothing"
note "host: $(fh nic vf 0) (vf_path_drops: frames the bridge still sent to hvtap0 after the switch)"
out=$(fh nic vf 0 revoke) || fail "nic vf 0 revoke: $out"
guest_until 20 'dmesg | grep -q "eth0: data path switched from VF"' ||
	fail "no switch back to synthetic within 20 s"
fh_wait_event NIC_DATAPATH 5
guest_until 20 "[ ! -e /sys/class/net/$vf ]" || fail "the VF $vf is still there 20 s after the revoke"
note "ok: the data path switched back and the VF $vf was unplugged"
assert_match "$(fh nic vf 0)" "vf=none serial=1 datapath=synthetic switches=2" "the host is back on synthetic"
vf_after=$(vf_stats)
assert_guest "pings on the synthetic path after the revoke" "ping -c 3 -i 0.2 -W 2 $NET_HOST4"
assert_eq "$(vf_stats)" "$vf_after" "the vf_* counters stand still after the revoke ($vf_after)"
wait "$flood"
flood_out=$(cat "$VM_DIR/vf-flood.log")
sent=$(grep -oE '^[0-9]+ packets transmitted' <<<"$flood_out" | cut -d' ' -f1)
got=$(grep -oE '[0-9]+ packets received' <<<"$flood_out" | cut -d' ' -f1)
[ -n "$sent" ] && [ -n "$got" ] || fail "VF ping flood summary: $flood_out"
note "ping flood across the VF switches: $sent sent, $got received"
assert_ge "$got" $((sent - 10)) "traffic went on across both switches (at most 10 of $sent lost)"
assert_guest "a ping after the VF left" "ping -c 3 -W 2 $NET_HOST4"

assert_eq "$(fh_event_count NIC_BAD)" 0 "no NIC_BAD"
dm=$(guest 'dmesg | grep -i netvsc')
assert_no_match "$dm" "bad|dropped|unexpected|no answer|failed|leaked|unhandled" \
	"no netvsc complaint in the guest log"
assert_kernel_clean
