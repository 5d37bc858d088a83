#!/bin/bash
# net_bench.sh [KVER]: the synthetic NIC against virtio-net (a benchmark, not a test).
#
# One guest, two NICs on identical TAP set-ups in one network namespace
# (tests/e2e/net_lib.sh): hvis_netvsc through the fake host on hvtap0 (10.11.0.0/24),
# and QEMU's virtio-net (-netdev tap,vhost=off, as many queues as vCPUs) on vtap0
# (10.12.0.0/24).  For each NIC, iperf3 against a server in the namespace:
#   TCP guest -> host and host -> guest (-R), 1 and 4 streams, Gbit/s;
#   UDP guest -> host, 64-byte datagrams as fast as they go, 1 and 4 streams, packets/s
#   the server received; and for hvis TCP host -> guest once more with LRO off (the fake
#   host then cuts the namespace's GSO frames instead of sending RSC chains), and with
#   rx_copy=1 (every received frame copied out of the receive buffer, not lent).
# For hvis, per packet (guest rx + tx packets of the interface): the guest's signals
# to the host and the host's interrupts to the guest, summed over the NIC's channels
# (hvis_vmbus debugfs: signals, interrupts).  The hvis rows come twice: "hvis" is a NIC
# offered with a monitor (Hyper-V's default: the guest sets a trigger bit the host scans
# for, instead of ringing the doorbell; sig/pkt counts doorbells, trig/pkt those bits),
# "hvis-nomon" a second NIC offered without one (+nomonitor, as --no-monitor offers
# every NIC) on its own TAP hvtap1 (10.13.0.0/24).  For virtio-net, the guest's interrupts
# per packet from /proc/interrupts (its notifications to QEMU are not counted by the
# guest: "-").  Knobs: SECS (each run, default 5), VM_SMP (default 2), ONLY (an
# extended regex: only the tests whose name matches, e.g. ONLY='TCP tx' ; default all),
# HOLD_US (the fake host's --hold-us; 0: no held rings), ROUNDS (default 1: every test
# of the three NICs, that many times in turn).
# CPU: guest cpu is the guest's busy time over the run (/proc/stat, all vCPUs; 100% is
# one vCPU busy), host cpu the time of the process that moves the packets between the
# TAP and the guest: the fake host for hvis, QEMU's main loop thread for virtio-net
# (vhost off), in % of one host core.  Under TCG a guest's CPU time is host time, so
# both are comparable within one run; their sum per Gbit/s is the cost of a byte.
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/../e2e/net_lib.sh"

SECS=${SECS:-5}
ROUNDS=${ROUNDS:-1}
export VM_SMP=${VM_SMP:-2}
export HVIS_GUEST_KMODS="${HVIS_GUEST_KMODS:-} virtio_net virtio_pci"
FH_DEVICES="heartbeat,shutdown,nic,nic+nomonitor"
NOMON_TAP=hvtap1
NOMON_HOST=10.13.0.1
NOMON_GUEST=10.13.0.2
VIRTIO_TAP=vtap0
VIRTIO_HOST=10.12.0.1
VIRTIO_GUEST=10.12.0.2

FH_ARGS=(${HOLD_US:+--hold-us "$HOLD_US"})
net_setup
ns ip tuntap add dev "$VIRTIO_TAP" mode tap multi_queue vnet_hdr ||
	fail "cannot create $VIRTIO_TAP"
ns ip addr add "$VIRTIO_HOST/24" dev "$VIRTIO_TAP"
ns ip link set "$VIRTIO_TAP" up
ns ip tuntap add dev "$NOMON_TAP" mode tap multi_queue vnet_hdr &&
	ns ip addr add "$NOMON_HOST/24" dev "$NOMON_TAP" &&
	ns ip link set "$NOMON_TAP" up || fail "cannot create $NOMON_TAP"
FH_ARGS+=(--tap "1=$NOMON_TAP")
ns_iperf3_server -B "$NET_HOST4" -p 5201
ns_iperf3_server -B "$VIRTIO_HOST" -p 5202
ns_iperf3_server -B "$NOMON_HOST" -p 5203

vm_start "$KVER" -netdev "tap,id=vn,ifname=$VIRTIO_TAP,script=no,downscript=no,vhost=off,queues=$VM_SMP" \
	-device "virtio-net-pci,netdev=vn,mq=on,vectors=$((2 * VM_SMP + 2)),mac=52:54:00:12:34:56"
vm_load_vmbus
wait_driver_bound hvis_netvsc >/dev/null
# The two hvis NICs: the monitored one's VMBus device has client_monitor_latency.
guest_until 20 '[ $(ls -d /sys/bus/vmbus/drivers/hvis_netvsc/*/net/* | wc -l) = 2 ]' ||
	fail "two hvis_netvsc interfaces expected"
nics=$(guest 'for d in /sys/bus/vmbus/drivers/hvis_netvsc/*/net; do
	m=0; [ -e $d/../client_monitor_latency ] && m=1; echo $m $(ls $d); done')
hif=$(awk '$1 == 1 { print $2 }' <<<"$nics") nif=$(awk '$1 == 0 { print $2 }' <<<"$nics")
[ -n "$hif" ] && [ -n "$nif" ] || fail "a monitored and an unmonitored hvis NIC expected: $nics"
guest "ip link set $hif up && ip addr add $NET_GUEST4/24 dev $hif &&
	ip link set $nif up && ip addr add $NOMON_GUEST/24 dev $nif" >/dev/null || fail "hvis NICs setup"
guest_until 20 "ping -c 1 -W 1 $NET_HOST4" || fail "no reply from $NET_HOST4 over $hif"
guest_until 20 "ping -c 1 -W 1 $NOMON_HOST" || fail "no reply from $NOMON_HOST over $nif"
vif=$(guest 'for d in /sys/class/net/*; do [ "$(basename "$(readlink $d/device/driver 2>/dev/null)")" = virtio_net ] && basename $d; done; true')
[ -n "$vif" ] || { modprobe_out=$(guest 'modprobe virtio_net; sleep 1; ls /sys/class/net'); vif=$(guest 'for d in /sys/class/net/*; do [ "$(basename "$(readlink $d/device/driver 2>/dev/null)")" = virtio_net ] && basename $d; done; true'); }
[ -n "$vif" ] || fail "no virtio-net interface in the guest (${modprobe_out:-})"
guest "ip link set $vif up && ip addr add $VIRTIO_GUEST/24 dev $vif" >/dev/null || fail "$vif setup"
guest_until 20 "ping -c 1 -W 1 $VIRTIO_HOST" || fail "no reply from $VIRTIO_HOST over $vif"
# An hvis NIC's channels: channels/<relid>/ under its VMBus device, on one line (it
# goes into the guest's shell as a for list).
relids_of() {
	echo $(guest "d=\$(readlink -f /sys/class/net/$1/device); ls \$d/channels 2>/dev/null")
}
relids=$(relids_of "$hif") nrelids=$(relids_of "$nif")
[ -n "$relids" ] && [ -n "$nrelids" ] || fail "no channels/ under the hvis NICs"

# The per-channel counters are in debugfs.
guest 'mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug' >/dev/null
for r in $relids $nrelids; do
	guest "[ -r /sys/kernel/debug/hvis_vmbus/$r/stats ]" || fail "no debugfs stats for relid $r"
done

# The guest's busy and total CPU ticks so far (/proc/stat: user nice system irq softirq).
CPU_BUSY_TOTAL="awk '/^cpu / { print \$2 + \$3 + \$4 + \$7 + \$8, \$2 + \$3 + \$4 + \$5 + \$6 + \$7 + \$8 }' /proc/stat"

# counters IF: "packets doorbells triggers interrupts busy total" of interface IF now.
counters() {
	local rl=$relids
	[ "$1" = "$nif" ] && rl=$nrelids
	if [ "$1" = "$hif" ] || [ "$1" = "$nif" ]; then
		guest "p=\$((\$(cat /sys/class/net/$1/statistics/rx_packets) + \$(cat /sys/class/net/$1/statistics/tx_packets)))
			s=0; m=0; i=0
			for r in $rl; do
				f=/sys/kernel/debug/hvis_vmbus/\$r/stats
				a=\$(awk '/^signals:/ { print \$2 }' \$f 2>/dev/null)
				c=\$(awk '/^monitor_triggers:/ { print \$2 }' \$f 2>/dev/null)
				b=\$(awk '/^interrupts:/ { print \$2 }' \$f 2>/dev/null)
				s=\$((s + \${a:-0})); m=\$((m + \${c:-0})); i=\$((i + \${b:-0}))
			done
			echo \$p \$s \$m \$i \$($CPU_BUSY_TOTAL)"
	else
		guest "p=\$((\$(cat /sys/class/net/$1/statistics/rx_packets) + \$(cat /sys/class/net/$1/statistics/tx_packets)))
			i=\$(awk '/virtio[0-9]+-(input|output)/ { for (c = 2; c <= NF && \$c ~ /^[0-9]+\$/; c++) s += \$c } END { print s + 0 }' /proc/interrupts)
			echo \$p - - \$i \$($CPU_BUSY_TOTAL)"
	fi
}

# host_ticks NIC: CPU ticks (user + system) of the host thread that moves NIC's packets.
host_ticks() {
	local f
	if [[ $1 == hvis* ]]; then f=/proc/$FH_PID/stat; else f=/proc/$QEMU_PID/task/$QEMU_PID/stat; fi
	# Fields after the command name (which may hold spaces): utime is the 12th, stime 13th.
	sed 's/^.*) //' "$f" 2>/dev/null | awk '{ print $12 + $13 }'
}
TICKS=$(getconf CLK_TCK)

# pct PART WHOLE SCALE: PART / WHOLE * SCALE as a whole percentage.
pct() {
	awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b * k; else print "-" }'
}

per_pkt() { # count packets
	[ "$1" = - ] && { echo -; return; }
	awk -v a="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.3f", a / n; else print "-" }'
}

# run NIC IF SERVER PORT WHAT ARGS: one iperf3 run; prints a table row.
run() {
	local nic=$1 ifc=$2 srv=$3 port=$4 what=$5 args=$6 c0 c1 json fig n s m i h0 h1 t0 t1
	[[ -z ${ONLY:-} || $what =~ $ONLY ]] || return 0
	c0=$(counters "$ifc")
	[[ $c0 =~ ^[0-9]+\ [-0-9]+\ [-0-9]+\ [0-9]+\ [0-9]+\ [0-9]+$ ]] || fail "counters of $ifc: $c0"
	h0=$(host_ticks "$nic") t0=$(date +%s%N)
	json=$(guest -t $((SECS * 3 + 60)) "iperf3 -c $srv -p $port -t $SECS -J $args") || {
		printf '%-11s %-22s %s\n' "$nic" "$what" "failed: $(head -c 200 <<<"$json")"
		return 0
	}
	c1=$(counters "$ifc")
	h1=$(host_ticks "$nic") t1=$(date +%s%N)
	fig=$(python3 -c '
import json, sys
j = json.loads(sys.stdin.read())
e = j["end"]
if "-u" not in sys.argv[1].split():
    print("%.3f Gbit/s" % (e["sum_received"]["bits_per_second"] / 1e9))
else:
    s = e["sum"]
    pk = s["packets"] - s.get("lost_packets", 0)
    print("%.0f pps (lost %.1f%%)" % (pk / s["seconds"], s.get("lost_percent", 0)))
' "$args" <<<"$json" 2>/dev/null) || fig="unparsed"
	read -r p0 s0 m0 i0 b0 a0 <<<"$c0"
	read -r p1 s1 m1 i1 b1 a1 <<<"$c1"
	n=$((p1 - p0))
	s=- m=-
	[ "$s0" = - ] || s=$((s1 - s0))
	[ "$m0" = - ] || m=$((m1 - m0))
	i=$((i1 - i0))
	printf '%-11s %-22s %-26s %10s %9s %9s %9s %10s %9s\n' "$nic" "$what" "$fig" "$n" \
		"$(per_pkt "$s" "$n")" "$(per_pkt "$m" "$n")" "$(per_pkt "$i" "$n")" \
		"$(pct $((b1 - b0)) $((a1 - a0)) "$VM_SMP")" \
		"$(pct $((h1 - h0)) "$(((t1 - t0) / 10000000))" "$((100 / TICKS))")"
}

echo
echo "network benchmark, kernel $KVER, TCG, $VM_SMP vCPUs, ${SECS}s per run"
echo "hvis: $hif (monitored, latency $(guest "cat /sys/class/net/$hif/device/client_monitor_latency")00 ns), $(guest "ethtool -l $hif 2>/dev/null | awk '/^Combined/ { c = \$2 } END { print c \" channels\" }'"), relids $relids; hvis-nomon: $nif, relids $nrelids; virtio-net: $vif, $VM_SMP queues, vhost off"
printf '%-11s %-22s %-26s %10s %9s %9s %9s %10s %9s\n' nic test result packets "sig/pkt" "trig/pkt" \
	"irq/pkt" "guest cpu" "host cpu"
# nic_args NIC: "interface server port" of that NIC's iperf3 server.
nic_args() {
	case $1 in
	hvis) echo "$hif $NET_HOST4 5201" ;;
	hvis-nomon) echo "$nif $NOMON_HOST 5203" ;;
	*) echo "$vif $VIRTIO_HOST 5202" ;;
	esac
}
# The three NICs take turns on each test, so that a slower spell of this (shared) machine
# falls on all of them; ROUNDS repeats the whole list.  Compare rows of one test and round.
TESTS=("TCP tx, 1 stream|" "TCP tx, 4 streams|-P 4" "TCP rx, 1 stream|-R" "TCP rx, 4 streams|-R -P 4"
	"UDP 64 B, 1 stream|-u -b 0 -l 64" "UDP 64 B, 4 streams|-u -b 0 -l 64 -P 4")
for ((round = 1; round <= ROUNDS; round++)); do
	[ "$ROUNDS" -gt 1 ] && echo "round $round of $ROUNDS"
	for t in "${TESTS[@]}"; do
		for nic in hvis hvis-nomon virtio; do
			read -r ifc srv port <<<"$(nic_args $nic)"
			run $nic "$ifc" "$srv" "$port" "${t%%|*}" "${t#*|}"
		done
	done
done
# hvis receives the namespace's GSO frames as RSC chains (LRO on, the default); with
# LRO off the fake host cuts them to the MTU instead.
guest "ethtool -K $hif lro off" >/dev/null || fail "ethtool -K $hif lro off"
run hvis "$hif" "$NET_HOST4" 5201 "TCP rx, 1 st, LRO off" "-R"
guest "ethtool -K $hif lro on" >/dev/null || fail "ethtool -K $hif lro on"
# hvis lends the receive buffer's pages of coalesced frames to the stack; rx_copy=1 copies
# every frame instead, as upstream's netvsc does.
guest "echo 1 > /sys/module/hvis_netvsc/parameters/rx_copy" || fail "rx_copy=1"
run hvis "$hif" "$NET_HOST4" 5201 "TCP rx, 1 st, rx_copy" "-R"
guest "echo 0 > /sys/module/hvis_netvsc/parameters/rx_copy" || fail "rx_copy=0"
echo "  tx: guest -> namespace, rx: namespace -> guest; packets: the guest interface's rx + tx"
echo "  sig/pkt: guest-to-host doorbells per packet; trig/pkt: monitor trigger bits the guest set"
echo "  per packet (hvis only: the host finds them when it scans); irq/pkt: host (QEMU) interrupts per packet"
echo "  host: $(fh nic status | head -n 1 | grep -oE ' (rx|tx)_frames=[0-9]+| drops=[0-9]+| rx_drops=[0-9]+| rx_rsc=[0-9]+| rx_segmented=[0-9]+' | tr -d '\n')"
vm_poweroff >/dev/null
