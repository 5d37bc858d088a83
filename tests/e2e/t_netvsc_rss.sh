#!/bin/bash
# Synthetic NIC, vRSS (4 vCPUs) on a real wire (tests/e2e/net_lib.sh: the fake host's
# NIC bridged to hvtap0 in a namespace of the test's own).  The guest opens min(vCPUs,
# host cap) channels (4; with the cap at 3 and a reload, 3), one queue each; the RSS
# parameters it sets (Toeplitz, 128-entry table, 40-byte key) are what the host keeps
# and uses.  Receive: ping flows to 8 guest addresses land on several queues, each on
# exactly one queue, the same one every time; iperf3 TCP and UDP streams from the
# namespace spread over the queues; the guest's per-queue counters (ethtool -S) equal
# the host's per-channel ones (ctl nic rss).  Transmit: the host sends its send
# indirection table after the subchannels open (NVSP5 SEND_INDIRECTION_TABLE) and the
# guest's new flows leave on the channels it names (the host counts per channel);
# malformed tables are refused and the old one stays.  `ethtool -L` under iperf3 and
# ping load, `ethtool -X` (one queue, a new key) take effect at the host.  A subchannel
# rescinded while open is closed by the guest, its traffic moves to the other queues.
# Bad input: a hash value PPI of 8 bytes, a subchannel offer nobody asked for.
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/net_lib.sh"

FH_DEVICES="heartbeat,shutdown,nic"
VM_SMP=4
NFLOWS=8
PINGS=10
HOST_IP=$NET_HOST4
NET3=${NET_HOST4%.*}

net_setup
# No IPv6 on the wire: its multicast would add frames to queue 0 that no flow sent.
ns sysctl -qw "net.ipv6.conf.$NET_TAP.disable_ipv6=1"
PIDDIR=$(mktemp -d "${TMPDIR:-/tmp}/hvis-rss.XXXXXX") || fail "mktemp"
HVIS_CLEANUP+=("$PIDDIR")
ns_iperf3_server -p 5201
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_netvsc
assert_fh "host link up" nic link 0 up

# eth0 with .2 and the flow addresses .10 .. .17; permanent neighbour entries on both
# sides, so no ARP (non-IP: queue 0) mixes with the flows' frames.
nic_up() {
	local mac i
	assert_guest "eth0 up with $NET_GUEST4 and .10-.$((9 + NFLOWS)), no IPv6" \
		"echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6; ip link set eth0 up &&
		 ip addr add $NET_GUEST4/24 dev eth0 &&
		 for i in \$(seq 10 $((9 + NFLOWS))); do ip addr add $NET3.\$i/24 dev eth0; done"
	guest_until 10 'ip link show eth0 | grep -q LOWER_UP' || fail "eth0 has no carrier"
	guest_until 20 "ping -c 1 -W 1 $HOST_IP >/dev/null" || fail "no first ping reply"
	assert_guest "static neighbour entry for the namespace" \
		"ip neigh replace $HOST_IP lladdr $(ns cat /sys/class/net/$NET_TAP/address) dev eth0 nud permanent"
	mac=$(guest cat /sys/class/net/eth0/address)
	for i in 2 $(seq 10 $((9 + NFLOWS))); do
		ns ip neigh replace "$NET3.$i" lladdr "$mac" dev "$NET_TAP" nud permanent ||
			fail "neighbour $NET3.$i in the namespace"
	done
}

# "N N N ..." one counter of each guest queue (rx or tx packets).
guest_q() {
	guest "ethtool -S eth0" | sed -n "s/^ *$1_queue_[0-9]*_packets: //p" | tr '\n' ' '
}
guest_rxq() { guest_q rx; }
guest_txq() { guest_q tx; }

# "N N N ..." the host's counter of each open channel: rx_frames (to the guest) or
# tx_frames (from the guest), `ctl nic rss`.
host_q() {
	fh nic rss 0 | sed -n "s/^queue=[0-9]* open=1 .* $1=\([0-9]*\) .*/\1/p" | tr '\n' ' '
}
host_rxq() { host_q rx_frames; }
host_txq() { host_q tx_frames; }

# The per-queue difference of two counter lists ("10 0 3" from "5 1 2" "15 1 5").
qdelta() {
	local -a x=($1) y=($2)
	local i out=()
	for i in "${!y[@]}"; do out+=($((y[i] - ${x[i]:-0}))); done
	echo "${out[*]}"
}

# Queues whose count grew by at least MIN in DELTA ("5 0 300 2" 100 -> "2").
grown() {
	local -a d=($1)
	local i out=()
	for i in "${!d[@]}"; do [ "${d[i]}" -ge "$2" ] && out+=("$i"); done
	echo "${out[*]}"
}

# Runs the NFLOWS ping flows (PINGS adaptive pings each from .10, .11, ...) in one guest
# command, reading the per-queue rx counters around each, and sets FLOWS to the queue
# each came back on.  Fails unless each flow lost nothing and came in on exactly one
# queue, which grew by exactly PINGS.
all_flows() {
	local out line i q n b a before after
	out=$(guest -t 120 "rxq() { ethtool -S eth0 | sed -n 's/^ *rx_queue_[0-9]*_packets: //p' | tr '\n' ' '; }
		for i in \$(seq 10 $((9 + NFLOWS))); do
			b=\$(rxq); ping -q -A -c $PINGS -W 2 -I $NET3.\$i $HOST_IP >/dev/null || echo LOST \$i
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
			[ "$q" -ge 0 ] && fail "flow from $NET3.$i came in on queues $q and $n"
			[ $((a - b)) -eq "$PINGS" ] || fail "flow from $NET3.$i: queue $n grew by $((a - b)), not $PINGS"
			q=$n
		done
		[ "$q" -ge 0 ] || fail "flow from $NET3.$i reached no queue"
		FLOWS+="${FLOWS:+ }$q"
	done < <(grep '^FLOW' <<<"$out")
	[ "$(wc -w <<<"$FLOWS")" -eq "$NFLOWS" ] || fail "flows: $NFLOWS expected, got '$FLOWS'"
}

counter() { guest "ethtool -S eth0" | sed -n "s/^ *$1: //p"; }

# PING_SUMMARY PCT WHAT: fails unless ping sent at least 100 and lost at most PCT % of
# them (iputils: "N packets transmitted, M received"; busybox: "M packets received").
ping_loss_at_most() {
	local tx rx
	tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' <<<"$1")
	rx=$(sed -n 's/.* \([0-9][0-9]*\) \(packets \)\{0,1\}received.*/\1/p' <<<"$1")
	[ -n "$tx" ] && [ -n "$rx" ] || fail "$3: no ping summary in: $1"
	assert_ge "$tx" 100 "$3: pings sent"
	[ $(((tx - rx) * 100)) -le $((tx * $2)) ] ||
		fail "$3: $((tx - rx)) of $tx pings lost, more than $2 %"
	note "ok: $3: $rx of $tx replies (at most $2 % lost)"
}

# In the guest: iperf3 ARGS, again while the namespace's server is still busy with the
# previous test (it takes a moment to be ready for the next).
IP3="ip3() { for t in \$(seq 20); do iperf3 \"\$@\" >/tmp/i.log 2>&1 && { cat /tmp/i.log; return 0; }
	grep -q busy /tmp/i.log || break; sleep 0.5; done; cat /tmp/i.log; return 1; }"

# iperf3 from the guest against the namespace's server: ARGS...; fails if it fails.
iperf() {
	local out
	out=$(guest -t 120 "$IP3; ip3 -c $HOST_IP -p 5201 $*") || fail "iperf3 $*: $(tail -n 3 <<<"$out")"
	tail -n 4 <<<"$out" | grep -E 'receiver|sender' | tail -n 1
}

nic_up

# ---- channels: min(vCPUs 4, host cap 8) ----
ch=$(guest 'ethtool -l eth0' | tr '\n\t' '  ')
assert_match "$ch" "Pre-set maximums:.*Combined:[[:space:]]+4" "ethtool -l: maximum 4 (vCPUs 4 < host cap 8)"
assert_match "$ch" "Current hardware.*Combined:[[:space:]]+4" "ethtool -l: 4 channels"
assert_eq "$(guest 'ls -d /sys/class/net/eth0/queues/rx-* | wc -l') $(guest 'ls -d /sys/class/net/eth0/queues/tx-* | wc -l')" \
	"4 4" "4 rx and 4 tx queues"
assert_match "$(grep -w NIC_SUBCHANNEL "$VM_DIR/events.log" | tail -n 1)" "asked=3 granted=3 status=success" \
	"the guest asked the host for 3 subchannels"
rss=$(fh nic rss 0)
assert_match "$rss" "rss=on .*hashinfo=0x1701 table=128 key=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa" \
	"the host has the guest's RSS parameters: Toeplitz over IPv4/IPv6 (+TCP), 128 entries, the default key"
assert_match "$rss" "itab=0,1,2,3,0,1,2,3," "the default table spreads over the 4 queues"
assert_eq "$(grep -c '^queue=[0-9]* open=1' <<<"$rss")" 4 "4 channels open at the host"
assert_match "$(grep -w NIC_SEND_TABLE "$VM_DIR/events.log" | tail -n 1)" \
	"count=16 offset=40 table=0,1,2,3,0,1,2,3,0,1,2,3,0,1,2,3$" \
	"the host sent its send indirection table once the 3 subchannels were open"

# ---- receive: ping flows spread; each stays on its queue; guest and host agree ----
all_flows
q1=$FLOWS
note "queues of the $NFLOWS ping flows: $q1"
assert_ge "$(tr ' ' '\n' <<<"$q1" | sort -u | wc -l)" 3 "the $NFLOWS flows use at least 3 of the 4 queues"
all_flows
assert_eq "$FLOWS" "$q1" "each flow comes back on the same queue the second time"
assert_eq "$(guest_rxq)" "$(host_rxq)" "per-queue rx: the guest's counters equal the host's"

# ---- receive: iperf3 TCP and UDP streams from the namespace spread over the queues ----
# TCP: 16 streams between the same two addresses, spread by their ports (TCP/IPv4 hash).
# UDP: the guest's hash types have no UDP (hashinfo 0x1701), so a UDP flow is hashed on
# its addresses only: one stream to each of the 8 guest addresses.
udp_flows="$IP3; for i in \$(seq 10 $((9 + NFLOWS))); do
	ip3 -c $HOST_IP -p 5201 -B $NET3.\$i -R -u -b 2M -l 1000 -t 1 >/tmp/u.log || { cat /tmp/u.log; exit 1; }; done"
for mode in TCP UDP; do
	g0=$(guest_rxq) h0=$(host_rxq)
	if [ $mode = TCP ]; then
		out=$(iperf -R -P 16 -t 3) || exit 1
		note "iperf3 TCP namespace -> guest, 16 streams: $out"
	else
		out=$(guest -t 120 "$udp_flows") || fail "iperf3 UDP to the 8 guest addresses: $out"
	fi
	gd=$(qdelta "$g0" "$(guest_rxq)") hd=$(qdelta "$h0" "$(host_rxq)")
	note "$mode per-queue rx packets: guest $gd, host $hd"
	assert_eq "$gd" "$hd" "$mode streams: the guest's per-queue rx equal the host's per-channel counts"
	assert_ge "$(wc -w <<<"$(grown "$gd" 50)")" 3 "$mode: the streams land on at least 3 queues (50+ packets each)"
done

# ---- transmit: the queue comes from the host's send indirection table ----
# 16 new UDP sockets each time (one socat each, to the discard port: the namespace answers
# with port unreachable, which nothing here counts): no queue recorded in any of them.
# After a rescind the host lists the open channels only; the guest's gone queue sent nothing.
# Waits (up to 10 s) until the guest has sent nothing for half a second: a late segment
# of the TCP runs above must not be counted as the flows'.  (A CI run counted 321.)
tx_quiet() {
	local a b i
	for i in $(seq 20); do
		a=$(host_txq)
		sleep 0.5
		b=$(host_txq)
		[ "$a" != "$b" ] || return 0
	done
}
tx_table_run() { # WHAT [GONE]: sets TXD (host per-channel frames from the guest), GTXD (guest)
	local g0 h0 out
	tx_quiet
	g0=$(guest_txq) h0=$(host_txq)
	out=$(guest -t 120 "for i in \$(seq 16); do
		head -c 10000 /dev/zero | socat -u -b 500 - UDP-SENDTO:$HOST_IP:9 || exit 1; done") ||
		fail "$1: 16 UDP flows from the guest: $out"
	TXD=$(qdelta "$h0" "$(host_txq)") GTXD=$(qdelta "$g0" "$(guest_txq)")
	note "$1: per-channel frames from the guest: host $TXD, guest $GTXD"
	assert_eq "$GTXD" "$TXD${2:+ 0}" "$1: the guest's per-queue tx equal the host's per-channel counts"
	assert_eq "$(( ${TXD// /+} ))" 320 "$1: the 16 flows' 320 datagrams, and nothing else, left"
}
# send_table_updates (ethtool -S) counts the tables the guest took.
send_table() { # TABLE WHAT
	local n
	n=$(counter send_table_updates)
	assert_fh "$2" nic send-table 0 "$1"
	guest_until 5 "[ \$(ethtool -S eth0 | sed -n 's/^ *send_table_updates: //p') -gt $n ]" ||
		fail "the guest did not take the send table $1"
}
send_table 2 "host sends a send table naming channel 2 only"
tx_table_run "table 2,2,..."
assert_eq "$(grown "$TXD" 1)" "2" "every frame of the new flows left on channel 2, the table's"
send_table 1,3 "host sends a send table naming channels 1 and 3"
tx_table_run "table 1,3,..."
assert_eq "$(grown "$TXD" 1)" "1 3" "the new flows left on channels 1 and 3 only, both used"
guest 'dmesg -c >/dev/null'
n0=$(counter send_table_updates) b0=$(counter rx_bad)
for bad in bad-count:"send table count" bad-offset:"send table offset" bad-entry:"send table entry"; do
	assert_fh "host sends a malformed send table (${bad%%:*})" nic send-table 0 "${bad%%:*}"
	guest_until 5 "dmesg | grep -q 'send indirection table refused: ${bad#*:}'" ||
		fail "the guest did not refuse the ${bad%%:*} table: $(guest dmesg | tail -n 3)"
	note "ok: ${bad%%:*}: refused, the log names '${bad#*:}'"
done
assert_eq "$(counter send_table_updates) $(counter rx_bad)" "$n0 $((b0 + 3))" \
	"the 3 malformed tables: none taken, 3 counted in rx_bad"
tx_table_run "after the malformed tables"
assert_eq "$(grown "$TXD" 1)" "1 3" "the malformed tables changed nothing: still channels 1 and 3"
send_table spread "host sends the spread table again"

# ---- a subchannel rescinded while open ----
guest 'dmesg -c >/dev/null'
ns ping -q -i 0.05 -w 12 "$NET_GUEST4" >"$PIDDIR/rescind-ping.log" 2>&1 &
pingpid=$!
sleep 2
out=$(fh nic rescind-sub 0) || fail "nic rescind-sub: $out"
relid=$(kv "$out" relid)
note "host rescinded subchannel $(kv "$out" rescinded) (relid $relid) under a ping every 50 ms"
guest_until 10 "dmesg | grep -q 'host rescinded channel 3 (relid $relid): closed'" ||
	fail "the guest did not close channel 3: $(guest dmesg | tail -n 5)"
fh_wait_event RELID_RELEASED 10
assert_match "$(grep -w RELID_RELEASED "$VM_DIR/events.log" | tail -n 1)" "relid=$relid\$" \
	"the guest released the rescinded subchannel's relid"
wait "$pingpid"
pl=$(cat "$PIDDIR/rescind-ping.log")
note "ping across the rescind: $(grep -E 'transmitted' <<<"$pl")"
# Counted against what ping sent, not against 240: on a loaded machine ping sends fewer
# (a CI run with two guests sent under 200 in the 12 s).
ping_loss_at_most "$pl" 5 "the ping across the rescind"
itab=$(fh nic rss 0 | sed -n 's/.* itab=\([0-9,]*\).*/\1/p')
assert_no_match ",$itab," ",3," "the guest sent the host a receive table without queue 3 ($itab)"
assert_match "$itab" "^[0-9,]+$" "the host's receive table is there"
all_flows
assert_no_match " $FLOWS " " 3 " "no flow comes in on the rescinded queue 3 ($FLOWS)"
tx_table_run "spread table, queue 3 gone" gone
assert_eq "$(grown "$TXD" 1)" "0 1 2" "the guest's flows leave on channels 0-2 only"
# Sections announced on queue 3 before it closed came back to the host then (rx_reclaimed):
# once the traffic stops, none is left in use.
sections_free() { fh nic status | grep -q 'rx_sections_in_use=0/'; }
wait_for 15 "every receive section back at the host after the rescind" sections_free
note "ok: no receive section in use after the rescind ($(fh nic status | grep -oE 'rx_reclaimed=[0-9]+'))"

# ---- ethtool -L under load ----
ifindex=$(guest cat /sys/class/net/eth0/ifindex)
guest "$IP3; ping -q -i 0.05 -w 15 $HOST_IP >/tmp/L.log 2>&1 & ip3 -c $HOST_IP -p 5201 -R -t 14 >/tmp/L-iperf.log 2>&1 &"
sleep 2
assert_guest "ethtool -L eth0 combined 2 (under load)" ethtool -L eth0 combined 2
assert_match "$(guest 'ethtool -l eth0' | tr '\n\t' '  ')" "Current hardware.*Combined:[[:space:]]+2" "ethtool -l: 2 channels"
assert_match "$(fh nic rss 0)" "itab=0,1,0,1,0,1," "the host's table has queues 0 and 1 only"
assert_eq "$(fh nic rss 0 | grep -c '^queue=[0-9]* open=1')" 2 "2 channels open at the host"
sleep 2
assert_guest "ethtool -L eth0 combined 4 (under load)" ethtool -L eth0 combined 4
assert_match "$(guest 'ethtool -l eth0' | tr '\n\t' '  ')" "Current hardware.*Combined:[[:space:]]+4" "ethtool -l: 4 channels again"
assert_eq "$(fh nic rss 0 | grep -c '^queue=[0-9]* open=1')" 4 "4 channels open at the host again"
guest_until 40 '! pidof ping >/dev/null && ! pidof iperf3 >/dev/null' || fail "the background ping or iperf3 did not end"
pl=$(guest cat /tmp/L.log)
note "ping across the channel changes: $(tail -n 2 <<<"$pl" | tr '\n' ' ')"
ping_loss_at_most "$pl" 10 "the ping across both channel changes"
il=$(guest cat /tmp/L-iperf.log)
note "iperf3 across the channel changes: $(grep -E 'receiver' <<<"$il" | tail -n 1)"
assert_match "$il" "iperf Done" "the TCP stream went on across both changes"
assert_eq "$(guest cat /sys/class/net/eth0/ifindex)" "$ifindex" "eth0 is the same device (ifindex)"
all_flows
assert_eq "$FLOWS" "$q1" "after the changes each flow is back on its first queue"

# ---- ethtool -X: table, then key, at the host ----
assert_guest "ethtool -X eth0 equal 1" ethtool -X eth0 equal 1
assert_match "$(fh nic rss 0)" "itab=0(,0){127} " "the host's table: queue 0 only"
all_flows
assert_eq "$FLOWS" "$(printf '0 %.0s' $(seq $NFLOWS) | sed 's/ $//')" "every flow now comes in on queue 0"
key=01:23:45:67:89:ab:cd:ef:fe:dc:ba:98:76:54:32:10:0f:1e:2d:3c:4b:5a:69:78:87:96:a5:b4:c3:d2:e1:f0:11:22:33:44:55:66:77:88
# Two commands: on 6.1 a key given together with `default` reached the driver as zeros.
assert_guest "ethtool -X eth0 default" ethtool -X eth0 default
assert_guest "ethtool -X eth0 hkey NEW" ethtool -X eth0 hkey "$key"
assert_match "$(fh nic rss 0)" "key=${key//:/} itab=0,1,2,3,0,1,2,3," "the host has the new key and the spread table"
assert_match "$(guest 'ethtool -x eth0' | tr -d '\n')" "${key}" "ethtool -x shows the new key"
g0=$(guest_rxq) h0=$(host_rxq)
all_flows
q2=$FLOWS
note "queues of the flows under the new key: $q2"
[ "$q2" != "$q1" ] || fail "the new key moved no flow (queues $q2 both times)"
note "ok: the new key moved flows ($q1 -> $q2)"
assert_eq "$(qdelta "$g0" "$(guest_rxq)")" "$(qdelta "$h0" "$(host_rxq)")" \
	"per-queue rx during the flows: the guest's counts equal the host's"

# ---- bad input ----
guest 'dmesg -c >/dev/null'
before=$(counter rx_ppi_bad)
assert_fh "host sends a hash value PPI of 8 bytes" nic bad 0 hash-ppi
guest_until 5 "[ \$(ethtool -S eth0 | sed -n 's/^ *rx_ppi_bad: //p') -gt $before ]" ||
	fail "rx_ppi_bad did not grow from $before"
assert_match "$(guest 'dmesg -c')" "eth0: RNDIS PACKET dropped for its per-packet info: hash PPI of the wrong size" \
	"the 8-byte hash PPI: packet dropped, the log names it"
assert_fh "host offers a subchannel the guest did not ask for" nic bad 0 extra-subchannel
guest_until 10 "dmesg | grep -q 'subchannel offer refused'" || fail "no refusal of the extra subchannel"
assert_match "$(guest dmesg)" "subchannel offer refused: sub_channel_index [0-9]+ \(relid [0-9]+\) not asked for" \
	"the extra subchannel is refused, the log names it"
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
