#!/bin/bash
# Synthetic NIC, hostile host: the fake host sends one malformed message of each kind
# (`ctl nic bad`): a transfer-page range past the receive buffer, a wrong pageset id,
# an RNDIS msg_len past its range, a PACKET data_offset past the message, a PPI smaller
# than its header, a send completion for a transaction never sent, a 20 KiB in-band
# packet (over the 16 KiB the driver declares: the bus skips it without a reallocation
# in softirq, and the driver counts it).  Each is refused
# with a log line naming the field and counted (ethtool -S rx_bad / tx_comp_bad); every
# transfer-page packet is still completed, so the host gets its sections back; traffic
# goes on and the kernel log stays clean.  Then the host loses the completions of as
# many sends as there are send sections (`nic lose-comps`): TX stops with every section
# held, and the guest resets the device after tx_stall_secs with one line (txwatch.c),
# after which traffic flows.  Then the host offers receive sections of
# 8 MiB (`nic recv-section`) in a 16 MiB buffer: the guest refuses the completion,
# naming sub_alloc_size, instead of a kmalloc that warns (and panics under
# panic_on_warn); with the default section it attaches again.
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
sections=$(guest dmesg | sed -n 's/.*, send \([0-9]*\)x[0-9]*, recv .*/\1/p' | tail -n 1)
[ -n "$sections" ] || fail "no 'send NxSIZE' in the probe line: $(guest dmesg | grep eth0 | tail -n 3)"
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
	[ "$kind" = big-packet ] &&
		assert_match "$log" "host sent a packet of [0-9]+ bytes, over the 16384 bytes its driver takes" \
			"big-packet: the bus skipped it at the size the driver declared"
done <<'KINDS'
range-past-end rx_bad range past the receive buffer
bad-pageset rx_bad xfer_pageset_id not the receive buffer
rndis-len rx_bad msg_len past the bytes received
data-offset rx_bad data_offset past the message
ppi rx_bad PPI size smaller than its header
bad-comp tx_comp_bad send completion 0xbad0bad0bad0 ignored
big-packet rx_bad packet larger than 16384 bytes dropped
KINDS

assert_eq "$(counter rx_bad)" 6 "ethtool -S rx_bad: the six bad receives"
assert_eq "$(counter tx_comp_bad)" 1 "ethtool -S tx_comp_bad: the stray completion"
host=$(fh nic status)
note "host: $host"
assert_match "$host" "injected=$n injected_acks=2( |$)" \
	"the guest completed the two packets that used no section"
assert_match "$host" " rx_sections_in_use=0/" "every receive section came back"
assert_match "$host" " bad=0( |$)" "the guest answered nothing malformed"
assert_guest "ping after" "ping -c 20 -W 2 192.0.2.1 >/dev/null"

# ---- a host that loses send completions ----
# Each send holds a send section until the host completes it.  The host forwards the
# next $sections sends but completes none (`nic lose-comps`), then behaves again: every
# section is held and TX stops with nothing to wake it.  The guest resets the device
# after tx_stall_secs (3 here) without a completion, once, with a line, and TX flows.
assert_guest "tx_stall_secs 3" "echo 3 >/sys/module/hvis_netvsc/parameters/tx_stall_secs"
assert_fh "the host loses the next $sections send completions" nic lose-comps 0 "$sections"
guest "(ping -i 0.02 -c $((sections + 100)) -W 1 192.0.2.1 >/dev/null 2>&1 &)"
guest_until 60 "[ \$(ethtool -S eth0 | sed -n 's/^ *tx_no_space: //p') -gt 0 ]" ||
	fail "TX never ran out of send sections: $(fh nic status | grep -o 'comps_lost=[0-9]*')"
assert_match "$(fh nic status)" " comps_lost=$sections( |$)" "the host lost $sections completions"
guest_until 30 "ping -c 1 -W 1 192.0.2.1 >/dev/null" ||
	fail "no ping 30 s after the host lost every send section's completion: $(guest 'dmesg | tail -n 3')"
log=$(guest 'dmesg -c')
assert_match "$log" "eth0: TX stalled [0-9]+ s: no send completion from the host, $sections of $sections send sections held; resetting the device" \
	"the stall named with its held sections"
assert_eq "$(grep -c 'TX stalled' <<<"$log")" 1 "one reset, one line"
assert_guest "ping after the reset" "ping -c 20 -W 2 192.0.2.1 >/dev/null"
assert_eq "$(counter tx_stall_resets)" 1 "ethtool -S tx_stall_resets: one reset"

# ---- a host-chosen receive section the guest must not allocate ----
assert_fh "host offers 8 MiB receive sections" nic recv-section 0 8388608
assert_guest "rmmod hvis_netvsc" rmmod hvis_netvsc
guest 'dmesg -c >/dev/null'
# A 16 MiB receive buffer holds two 8 MiB sections, so only the section cap refuses them.
assert_guest "modprobe hvis_netvsc recv_buffer_kb=16384" modprobe hvis_netvsc recv_buffer_kb=16384
guest_until 20 'dmesg | grep -q "receive buffer completion refused"' ||
	fail "no refusal of the 8 MiB sections in the guest log: $(guest dmesg | tail -n 5)"
log=$(guest dmesg)
assert_match "$log" "receive buffer completion refused: sub_alloc_size above the maximum \(sub_alloc_size 8388608, num_sub_allocs 2, buffer 16777216\)" \
	"8 MiB sections refused, the log names sub_alloc_size"
assert_eq "$(grep -c 'receive buffer completion refused' <<<"$log")" 1 "one line for the refusal"
assert_match "$(grep -w NIC_BUFFER "$VM_DIR/events.log" | tail -n 1)" "kind=recv .*sections=2 section_size=8388608" \
	"the host did offer 2 sections of 8 MiB"
assert_guest "no eth0 while the host offers them" '[ ! -e /sys/class/net/eth0 ]'
assert_fh "host back to 1728-byte sections" nic recv-section 0 default
assert_guest "rmmod hvis_netvsc (after the refusal)" rmmod hvis_netvsc
assert_guest "modprobe hvis_netvsc recv_buffer_kb=16384 (default sections)" \
	modprobe hvis_netvsc recv_buffer_kb=16384
guest_until 20 '[ -e /sys/class/net/eth0 ]' || fail "eth0 not back with the default sections"
assert_guest "eth0 up again" 'echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6; ip link set eth0 up && ip addr add 192.0.2.2/24 dev eth0'
guest_until 5 'ip link show eth0 | grep -q LOWER_UP' || fail "eth0 has no carrier after the reattach"
assert_guest "ping with the default sections" "ping -c 5 -W 2 192.0.2.1 >/dev/null"
assert_kernel_clean
