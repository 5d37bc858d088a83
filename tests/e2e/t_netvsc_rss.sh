#!/bin/bash
# Synthetic NIC, vRSS (4 vCPUs): the guest opens min(vCPUs, host cap) channels (the
# host cap is 8 by default: 4 channels; `nic channels 0 3` and a reload: 3), one queue
# each; the RSS parameters it sets (Toeplitz, 128-entry table, 40-byte key) are what
# the host keeps and uses: flows from 8 guest addresses land on several receive
# queues, each flow on one queue only, and the guest's per-queue counters agree with
# the host's exactly.  `ethtool -L combined 2` and back under traffic keeps eth0 (same
# ifindex) and the traffic going; `ethtool -X` with one queue, then with a new key,
# takes effect at the host at once.  Bad input: a hash value PPI of 8 bytes is dropped
# and counted, a subchannel offer the guest did not ask for is refused with a line.
source "$(dirname "$0")/../qemu/lib.sh"

HOST_IP=192.0.2.1
FH_DEVICES="heartbeat,shutdown,nic"
VM_SMP=4
NFLOWS=8
PINGS=10

vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_netvsc
assert_fh "host link up" nic link 0 up

nic_up() {
	assert_guest "eth0 up with 192.0.2.2 and .10-.$((9 + NFLOWS))" \
		"echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6; ip link set eth0 up &&
		 ip addr add 192.0.2.2/24 dev eth0 &&
		 for i in \$(seq 10 $((9 + NFLOWS))); do ip addr add 192.0.2.\$i/24 dev eth0; done"
	guest_until 5 'ip link show eth0 | grep -q LOWER_UP' || fail "eth0 has no carrier"
	assert_guest "first ping" "ping -c 3 -W 2 $HOST_IP >/dev/null"
	# A permanent neighbour entry: no ARP (non-IP, always queue 0) in the flow counts.
	assert_guest "static ARP entry for the host" \
		"arp -s $HOST_IP \$(arp -n $HOST_IP | sed -n 's/.* at \([0-9a-f:]*\) .*/\1/p')"
}

# "N N N ..." the rx packets of each guest queue.
guest_rxq() {
	guest "ethtool -S eth0" | sed -n 's/^ *rx_queue_[0-9]*_packets: //p' | tr '\n' ' '
}

# "N N N ..." the host's rx_frames of each queue (ctl nic rss).
host_rxq() {
	fh nic rss 0 | sed -n 's/^queue=[0-9]* open=1 .* rx_frames=\([0-9]*\) .*/\1/p' | tr '\n' ' '
}

# Runs the NFLOWS flows (PINGS adaptive pings each from 192.0.2.10, .11, ...) in one
# guest command, reading the per-queue rx counters around each, and sets FLOWS to the
# queue each came back on ("2 0 3 ...").  Fails unless each flow lost nothing and came
# in on exactly one queue, which grew by exactly PINGS.
all_flows() {
	local out line i q n b a before after
	out=$(guest -t 120 "rxq() { ethtool -S eth0 | sed -n 's/^ *rx_queue_[0-9]*_packets: //p' | tr '\n' ' '; }
		for i in \$(seq 10 $((9 + NFLOWS))); do
			b=\$(rxq); ping -q -A -c $PINGS -W 2 -I 192.0.2.\$i $HOST_IP >/dev/null || echo LOST \$i
			echo FLOW \$i \$b / \$(rxq)
		done") || fail "flows: guest command failed: $out"
	grep -q '^LOST' <<<"$out" && fail "flows lost pings: $(grep '^LOST' <<<"$out" | tr '\n' ' ')"
	FLOWS=
	while read -r line; do
		set -- $line
		i=$2
		shift 2
		before=() after=()
		while [ "$1" != / ]; do before+=("$1"); shift; done
		shift
		after=("$@")
		q=-1
		for n in "${!after[@]}"; do
			b=${before[$n]:-0} a=${after[$n]}
			[ "$a" -eq "$b" ] && continue
			[ "$q" -ge 0 ] && fail "flow from 192.0.2.$i came in on queues $q and $n"
			[ $((a - b)) -eq "$PINGS" ] || fail "flow from 192.0.2.$i: queue $n grew by $((a - b)), not $PINGS"
			q=$n
		done
		[ "$q" -ge 0 ] || fail "flow from 192.0.2.$i reached no queue"
		FLOWS+="${FLOWS:+ }$q"
	done < <(grep '^FLOW' <<<"$out")
	[ "$(wc -w <<<"$FLOWS")" -eq "$NFLOWS" ] || fail "flows: $NFLOWS expected, got '$FLOWS'"
}

# The per-queue difference of two counter lists ("10 0 3" from "5 1 2" "15 1 5").
qdelta() {
	local -a x=($1) y=($2)
	local i out=()
	for i in "${!y[@]}"; do out+=($((y[i] - ${x[i]:-0}))); done
	echo "${out[*]}"
}

nic_up

# ---- channels: min(vCPUs 4, host cap 8) ----
ch=$(guest 'ethtool -l eth0' | tr '\n\t' '  ')
note "ethtool -l: $ch"
assert_match "$ch" "Pre-set maximums:.*Combined:[[:space:]]+4" "ethtool -l: maximum 4 (vCPUs 4 < host cap 8)"
assert_match "$ch" "Current hardware.*Combined:[[:space:]]+4" "ethtool -l: 4 channels"
assert_eq "$(guest 'ls -d /sys/class/net/eth0/queues/rx-* | wc -l') $(guest 'ls -d /sys/class/net/eth0/queues/tx-* | wc -l')" \
	"4 4" "4 rx and 4 tx queues"
assert_match "$(grep -w NIC_SUBCHANNEL "$VM_DIR/events.log" | tail -n 1)" "asked=3 granted=3 status=success" \
	"the guest asked the host for 3 subchannels"
rss=$(fh nic rss 0)
note "host: $(head -n 1 <<<"$rss")"
assert_match "$rss" "rss=on .*hashinfo=0x1701 table=128 key=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa" \
	"the host has the guest's RSS parameters: Toeplitz over IPv4/IPv6 (+TCP), 128 entries, the default key"
assert_match "$rss" "itab=0,1,2,3,0,1,2,3," "the default table spreads over the 4 queues"
assert_eq "$(grep -c '^queue=[0-9]* open=1' <<<"$rss")" 4 "4 channels open at the host"
irqs=$(guest 'cat /sys/bus/vmbus/drivers/hvis_netvsc/*/channel_vp_mapping 2>/dev/null | cut -d: -f2 | sort -u | wc -l')
note "channel target CPUs: $irqs distinct"

# ---- flows spread; each stays on its queue; guest and host agree ----
all_flows
q1=$FLOWS
note "queues of the $NFLOWS flows: $q1"
assert_ge "$(tr ' ' '\n' <<<"$q1" | sort -u | wc -l)" 3 "the $NFLOWS flows use at least 3 of the 4 queues"
all_flows
assert_eq "$FLOWS" "$q1" "each flow comes back on the same queue the second time"
assert_eq "$(guest_rxq)" "$(host_rxq)" "per-queue rx: the guest's counters equal the host's"

# ---- ethtool -L under traffic ----
ifindex=$(guest cat /sys/class/net/eth0/ifindex)
guest "ping -q -i 0.05 -w 15 $HOST_IP >/tmp/L.log 2>&1 &"
sleep 2
assert_guest "ethtool -L eth0 combined 2 (under traffic)" ethtool -L eth0 combined 2
assert_match "$(guest 'ethtool -l eth0' | tr '\n\t' '  ')" "Current hardware.*Combined:[[:space:]]+2" "ethtool -l: 2 channels"
assert_match "$(fh nic rss 0)" "itab=0,1,0,1,0,1," "the host's table has queues 0 and 1 only"
assert_eq "$(fh nic rss 0 | grep -c '^queue=[0-9]* open=1')" 2 "2 channels open at the host"
sleep 2
assert_guest "ethtool -L eth0 combined 4 (under traffic)" ethtool -L eth0 combined 4
assert_match "$(guest 'ethtool -l eth0' | tr '\n\t' '  ')" "Current hardware.*Combined:[[:space:]]+4" "ethtool -l: 4 channels again"
guest_until 30 '! pidof ping >/dev/null' || fail "the background ping did not end"
pl=$(guest cat /tmp/L.log)
note "ping across the channel changes: $(tail -n 2 <<<"$pl" | tr '\n' ' ')"
rcvd=$(sed -n 's/.* \([0-9]*\) packets received.*/\1/p' <<<"$pl")
assert_ge "${rcvd:-0}" 150 "the ping went on across both changes (>= 150 of 300 replies in 15 s)"
assert_eq "$(guest cat /sys/class/net/eth0/ifindex)" "$ifindex" "eth0 is the same device (ifindex)"
all_flows
assert_eq "$FLOWS" "$q1" "after the changes each flow is back on its first queue"

# ---- ethtool -X: table, then key, at the host ----
assert_guest "ethtool -X eth0 equal 1" ethtool -X eth0 equal 1
assert_match "$(fh nic rss 0)" "itab=0(,0){127}$" "the host's table: queue 0 only"
all_flows
assert_eq "$FLOWS" "$(printf '0 %.0s' $(seq $NFLOWS) | sed 's/ $//')" "every flow now comes in on queue 0"
key=01:23:45:67:89:ab:cd:ef:fe:dc:ba:98:76:54:32:10:0f:1e:2d:3c:4b:5a:69:78:87:96:a5:b4:c3:d2:e1:f0:11:22:33:44:55:66:77:88
# Two commands: on 6.1 a key given together with `default` reached the driver as zeros.
assert_guest "ethtool -X eth0 default" ethtool -X eth0 default
assert_guest "ethtool -X eth0 hkey NEW" ethtool -X eth0 hkey "$key"
assert_match "$(fh nic rss 0)" "key=${key//:/} itab=0,1,2,3,0,1,2,3," "the host has the new key and the spread table"
x=$(guest 'ethtool -x eth0')
assert_match "$(tr -d '\n' <<<"$x")" "${key}" "ethtool -x shows the new key"
g0=$(guest_rxq) h0=$(host_rxq)
all_flows
q2=$FLOWS
note "queues of the flows under the new key: $q2"
[ "$q2" != "$q1" ] || fail "the new key moved no flow (queues $q2 both times)"
note "ok: the new key moved flows ($q1 -> $q2)"
assert_eq "$(qdelta "$g0" "$(guest_rxq)")" "$(qdelta "$h0" "$(host_rxq)")" \
	"per-queue rx during the flows: the guest's counts equal the host's"

# ---- bad input ----
counter() { guest "ethtool -S eth0" | sed -n "s/^ *$1: //p"; }
guest 'dmesg -c >/dev/null'
before=$(counter rx_ppi_bad)
assert_fh "host sends a hash value PPI of 8 bytes" nic bad 0 hash-ppi
guest_until 5 "[ \$(ethtool -S eth0 | sed -n 's/^ *rx_ppi_bad: //p') -gt $before ]" ||
	fail "rx_ppi_bad did not grow from $before"
assert_match "$(guest 'dmesg -c')" "eth0: RNDIS PACKET dropped for its per-packet info: hash PPI of the wrong size" \
	"the 8-byte hash PPI: packet dropped, the log names it"
assert_fh "host offers a subchannel the guest did not ask for" nic bad 0 extra-subchannel
guest_until 10 "dmesg | grep -q 'subchannel offer refused'" || fail "no refusal of the extra subchannel"
assert_match "$(guest dmesg)" "subchannel offer refused: sub_channel_index 4 \(relid [0-9]+\) not asked for" \
	"the extra subchannel (index 4) is refused, the log names it"
assert_eq "$(counter subchannel_refused)" 1 "ethtool -S subchannel_refused"
assert_eq "$(guest 'ls -d /sys/class/net/eth0/queues/rx-* | wc -l')" 4 "still 4 queues"
all_flows
assert_eq "$FLOWS" "$q2" "traffic goes on, on the same queues"

# ---- the host's cap binds: 3 channels ----
assert_fh "host cap 3 channels" nic channels 0 3
assert_guest "rmmod hvis_netvsc" rmmod hvis_netvsc
assert_guest "modprobe hvis_netvsc" modprobe hvis_netvsc
guest_until 20 '[ -e /sys/class/net/eth0 ]' || fail "eth0 not back after the reload"
nic_up
ch=$(guest 'ethtool -l eth0' | tr '\n\t' '  ')
assert_match "$ch" "Pre-set maximums:.*Combined:[[:space:]]+3" "ethtool -l: maximum 3 (host cap 3 < vCPUs 4)"
assert_match "$ch" "Current hardware.*Combined:[[:space:]]+3" "ethtool -l: 3 channels"
assert_match "$(fh nic rss 0)" "itab=0,1,2,0,1,2," "the host's table spreads over 3 queues"
all_flows
q3=$FLOWS
note "queues of the flows with 3 channels: $q3"
assert_ge "$(tr ' ' '\n' <<<"$q3" | sort -u | wc -l)" 2 "the flows use at least 2 of the 3 queues"

dm=$(guest 'dmesg | grep -i netvsc')
assert_no_match "$dm" "failed|leaked|unhandled|no answer|unexpected" "no netvsc failure in the guest log"
assert_kernel_clean
