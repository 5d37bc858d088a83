#!/bin/bash
# net_bench.sh [KVER]: the synthetic NIC under load (a benchmark, not a test).
#
# Boots a guest with hvis_netvsc against the fake host's responder (192.0.2.1) and runs
#   1. PINGS adaptive pings (-A: the next as soon as the reply is in) of 56 bytes, and
#   2. UDP echo of MIB MiB in 1472-byte datagrams (socat), checked byte for byte,
# and prints frames per second and, per 1000 frames, the guest's doorbells to the host
# and the host's interrupts to the guest on the NIC's channel (debugfs counters of
# hvis_vmbus).  With the channel's drain_later mode the host's interrupts stay masked
# while NAPI drains the ring, so under load there is fewer than one per frame.
source "$(dirname "$0")/../qemu/lib.sh"

PINGS=${PINGS:-20000}
MIB=${MIB:-8}
FH_DEVICES="heartbeat,shutdown,nic"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_netvsc >/dev/null
relid=$(guest_relid_of hvis_netvsc) || fail "no netvsc device"
ch_dbg=/sys/kernel/debug/hvis_vmbus/$relid/stats
guest "echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6; ip link set eth0 up &&
	ip addr add 192.0.2.2/24 dev eth0" || fail "eth0 setup failed"
guest_until 5 'ip link show eth0 | grep -q LOWER_UP' || fail "eth0 has no carrier"
guest "ping -c 1 -W 5 192.0.2.1 >/dev/null" || fail "no reply from the host"

delta() { echo $(($(kv "$2" "$1") - $(kv "$3" "$1"))); }
per1000() { awk -v a="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", a * 1000 / n; else print "-" }'; }
frames() { # the guest's rx + tx packets
	guest 'echo $(($(cat /sys/class/net/eth0/statistics/rx_packets) + $(cat /sys/class/net/eth0/statistics/tx_packets)))'
}
# run WHAT CMD: runs CMD in the guest and prints its frame rate and signal counts.
run() {
	local what=$1 cmd=$2 g0 g1 f0 f1 t0 t1 out n
	g0=$(guest cat "$ch_dbg") f0=$(frames) t0=$(date +%s%N)
	out=$(guest -t 1800 "$cmd") || fail "$what: $out"
	t1=$(date +%s%N) g1=$(guest cat "$ch_dbg") f1=$(frames)
	n=$((f1 - f0))
	printf '  %-34s %s\n' "$what" "$(tail -n 1 <<<"$out")"
	printf '  %-34s %s frames in %s ms (%s frames/s)\n' "" "$n" $(((t1 - t0) / 1000000)) \
		"$(awk -v n="$n" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", n * 1e9 / ns }')"
	printf '  %-34s guest doorbells %s per 1000 frames, host interrupts %s per 1000 frames\n' "" \
		"$(per1000 "$(delta signals "$g1" "$g0")" "$n")" "$(per1000 "$(delta interrupts "$g1" "$g0")" "$n")"
}

echo
echo "netvsc benchmark, kernel $KVER, TCG"
run "$PINGS adaptive pings, 56 bytes" "ping -A -q -c $PINGS -s 56 192.0.2.1 | tail -n 2 | tr '\n' ' '"
run "UDP echo, $MIB MiB in 1472 B" "head -c $((MIB * 1024 * 1024)) /dev/urandom >/tmp/u.in &&
	socat -b 1472 -t 3 UDP:192.0.2.1:7 - </tmp/u.in >/tmp/u.out;
	cmp /tmp/u.in /tmp/u.out && echo byte-exact || echo \"differs: \$(stat -c %s /tmp/u.out) of \$(stat -c %s /tmp/u.in) bytes back\""
echo "  host: $(fh nic status)"
vm_poweroff >/dev/null
