#!/bin/bash
# Synthetic NIC, hostile host: the fake host sends one malformed message of each kind
# (`ctl nic bad`): a transfer-page range past the receive buffer, a wrong pageset id,
# an RNDIS msg_len past its range, a PACKET data_offset past the message, a PPI smaller
# than its header, a send completion for a transaction never sent.  Each is refused
# with a log line naming the field and counted (ethtool -S rx_bad / tx_comp_bad); every
# transfer-page packet is still completed, so the host gets its sections back; traffic
# goes on and the kernel log stays clean.
source "$(dirname "$0")/../qemu/lib.sh"

FH_DEVICES="heartbeat,shutdown,nic"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_netvsc
assert_fh "host link up" nic link 0 up
assert_guest "eth0 up with 192.0.2.2" \
	'echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6; ip link set eth0 up && ip addr add 192.0.2.2/24 dev eth0'
guest_until 5 'ip link show eth0 | grep -q LOWER_UP' || fail "eth0 has no carrier"
assert_guest "ping before" "ping -c 5 -W 2 192.0.2.1 >/dev/null"

counter() { guest "ethtool -S eth0" | sed -n "s/^ *$1: //p"; }
guest 'dmesg -c >/dev/null'
n=0
while read -r kind counter field; do
	n=$((n + 1))
	before=$(counter "$counter")
	assert_fh "host sends a malformed message: $kind" nic bad 0 "$kind"
	guest_until 5 "[ \$(ethtool -S eth0 | sed -n 's/^ *$counter: //p') -gt $before ]" ||
		fail "$kind: ethtool -S $counter did not grow from $before"
	log=$(guest 'dmesg -c')
	assert_match "$log" "eth0: .*$field" "$kind: refused, the log names it ('$field')"
done <<'KINDS'
range-past-end rx_bad range past the receive buffer
bad-pageset rx_bad xfer_pageset_id not the receive buffer
rndis-len rx_bad msg_len past the bytes received
data-offset rx_bad data_offset past the message
ppi rx_bad PPI size smaller than its header
bad-comp tx_comp_bad send completion 0xbad0bad0bad0 ignored
KINDS

assert_eq "$(counter rx_bad)" 5 "ethtool -S rx_bad: the five bad receives"
assert_eq "$(counter tx_comp_bad)" 1 "ethtool -S tx_comp_bad: the stray completion"
host=$(fh nic status)
note "host: $host"
assert_match "$host" "injected=$n injected_acks=2( |$)" \
	"the guest completed the two packets that used no section"
assert_match "$host" " rx_sections_in_use=0/" "every receive section came back"
assert_match "$host" " bad=0( |$)" "the guest answered nothing malformed"
assert_guest "ping after" "ping -c 20 -W 2 192.0.2.1 >/dev/null"
assert_kernel_clean
