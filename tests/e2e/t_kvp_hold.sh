#!/bin/bash
# KVP negotiation hold: while no KVP daemon is registered, the guest holds the host's
# version negotiation (up to 55 s, as upstream), so the host's first requests, e.g. a
# failover IP address, wait for the daemon instead of failing.  A daemon that
# registers releases it at once; without one, the hold runs out, the guest says so
# once, and requests then fail cleanly.
source "$(dirname "$0")/../qemu/lib.sh"

FH_DEVICES="heartbeat,shutdown,kvp"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_kvp

kvp_negotiations() { grep -c 'IC_NEGOTIATED .*class=kvp ' "$VM_DIR/events.log" 2>/dev/null || true; }
negotiated_more_than() { [ "$(kvp_negotiations)" -gt "$1" ]; }

guest_until 20 'dmesg | grep -q "KVP IC: version negotiation held for up to 55 s until the daemon registers"' ||
	fail "no 'negotiation held' line in the guest log"
sleep 3
assert_eq "$(kvp_negotiations)" 0 "the host's KVP negotiation is unanswered while no daemon runs"
assert_no_match "$(fh kvp get 0 Early 2>&1)" 'status=0 ' "a host request before negotiation gets no answer"

guest "mkdir -p /var/lib/hyperv; hvis-kvpd -n >/tmp/kvpd.log 2>&1 &"
wait_for 10 "the daemon's registration releases the negotiation" negotiated_more_than 0
assert_match "$(guest dmesg)" 'KVP IC: daemon registered; answering the host.s version negotiation' \
	"the release is logged"
assert_match "$(fh kvp set 0 Held yes 2>&1)" 'status=0( |$)' "set works after the release"
assert_match "$(fh kvp get 0 Held 2>&1)" 'status=0 value=yes$' "get works after the release"

# No daemon, a 3 s hold: it runs out, is logged once, and requests then fail.
n=$(kvp_negotiations)
assert_guest "reload hvis_kvp with negotiation_hold=3 and no daemon" \
	'kill $(pidof hvis-kvpd); sleep 0.5; rmmod hvis_kvp && modprobe hvis_kvp negotiation_hold=3'
t0=$SECONDS
wait_for 20 "the negotiation is answered when the 3 s hold runs out" negotiated_more_than "$n"
note "answered $((SECONDS - t0)) s after the reload"
[ $((SECONDS - t0)) -ge 2 ] || fail "answered after $((SECONDS - t0)) s: the hold did not hold"
log=$(guest dmesg)
assert_eq "$(grep -c 'KVP IC: no daemon registered; answering the host.s version negotiation anyway' <<<"$log")" 1 \
	"the timeout is logged once"
assert_match "$(fh kvp get 0 Held 2>&1)" 'status=0x80004005' "a request with no daemon fails (HV_E_FAIL)"
assert_kernel_clean
