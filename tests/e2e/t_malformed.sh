#!/bin/bash
# Malformed host messages: each kind injected through the control socket gives one
# error line in the guest's dmesg naming the offending field; the message is dropped,
# a burst is rate-limited, and the guest keeps running and answering heartbeats.  A
# burst of IC NEGOTIATEs offering no version the heartbeat service has is answered
# (HV_E_FAIL) every time with a rate-limited line, and the versions agreed at boot
# stay in force.  An open whose answer the host loses ends in a close, so the host
# gives the ring back and the device opens at the next bind.
source "$(dirname "$0")/../qemu/lib.sh"

# kind  field the error line must name (extended regex)
KINDS='
bad-size	payload_size
oversize	payload_size
unknown-type	msgtype
bad-relid	relid
bad-gpadl	gpadl|GPADL
'

vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_heartbeat
wait_for 15 "host has a first heartbeat" fh_heartbeat_seq

# Error and warning lines from hvis modules since the last call (busybox dmesg -r
# prints each line's "<level>" prefix; levels 0-4 are warning or worse).
new_errors() {
	guest 'dmesg -r -c | grep -E "^<[0-4]>.*hvis"' | sed 's/^<[0-9]*>//'
}
new_errors >/dev/null

while read -r kind field; do
	[ -n "$kind" ] || continue
	assert_fh "fh inject $kind" inject "$kind"
	sleep 1
	lines=$(new_errors)
	note "$kind -> $lines"
	assert_eq "$(grep -c . <<<"$lines")" 1 "$kind: error lines"
	assert_match "$lines" "$field" "$kind: the line names the field"
	assert_eq "$(guest echo alive)" alive "$kind: guest answers"
done <<<"$KINDS"

t0=$(date +%s%N)
for i in $(seq 50); do fh inject bad-size >/dev/null || fail "fh inject burst"; done
ms=$((($(date +%s%N) - t0) / 1000000))
sleep 1
n=$(new_errors | grep -c .)
# printk's rate limit lets 10 lines through per 5 s window, and the window may have
# begun before the burst (with the last single injection): a burst shorter than a
# window may still span two, and one that took longer (a loaded machine) prints 10
# more per window it spanned.
max=$((10 * (ms / 5000 + 2) + 5))
note "50 injected in a burst of $ms ms -> $n lines (at most $max: 10 per 5 s window)"
[ "$n" -ge 1 ] && [ "$n" -le "$max" ] && [ "$n" -lt 50 ] ||
	fail "burst of 50 in $ms ms gave $n error lines, expected rate-limited (1..$max, fewer than 50)"

failed_answers() { grep -c 'IC_NEGOTIATE_FAILED .*class=heartbeat .*status=0x80004005' "$VM_DIR/events.log"; }
before=$(failed_answers)
assert_fh "fh ic-bad-negotiate heartbeat 50" ic-bad-negotiate heartbeat 50
wait_for 20 "50 failed negotiations answered" eval '[ $(($(failed_answers) - before)) -ge 50 ]'
assert_eq "$(($(failed_answers) - before))" 50 "every NEGOTIATE answered with HV_E_FAIL, once"
sleep 1
n=$(new_errors | grep -c "host offers no version")
note "50 unsupported NEGOTIATEs -> $n guest lines"
[ "$n" -ge 1 ] && [ "$n" -le 15 ] || fail "50 failed negotiations gave $n lines, expected rate-limited (1..15)"

# An open the host never answers (its answer lost; the channel open on its side): the
# probe gives up, the guest closes the channel, the host then hands the ring's GPADL
# back, and the next bind opens the device for real.
drv=/sys/bus/vmbus/drivers/hvis_heartbeat
dev=$(guest "basename \$(ls -d $drv/*-*)")
assert_guest "heartbeat unbound" "echo $dev >$drv/unbind"
assert_fh "fh inject lose-open-result" inject lose-open-result
guest -t 30 "echo $dev >$drv/bind 2>/dev/null; true" >/dev/null
relid=$(grep -oE 'OPEN_RESULT_LOST relid=[0-9]+' "$VM_DIR/events.log" | tail -n 1 | cut -d= -f2)
[ -n "$relid" ] || fail "the host lost no open answer: $(tail -n 5 "$VM_DIR/events.log")"
wait_for 10 "unanswered open: the guest closed channel $relid" \
	grep -qE "CHANNEL_CLOSED relid=$relid " "$VM_DIR/events.log"
wait_for 10 "unanswered open: the host gave the ring's GPADL back" \
	grep -qE "GPADL_TORNDOWN gpadl=0x[0-9a-f]+ relid=$relid$" "$VM_DIR/events.log"
lines=$(new_errors)
note "lost open answer -> $(tr '\n' '|' <<<"$lines")"
assert_match "$lines" "channel $relid: no answer to the open" "the guest names the unanswered open"
assert_no_match "$lines" "did not release GPADL" "the guest did not leak the unanswered open's ring"
assert_guest "heartbeat bound again" "echo $dev >$drv/bind"
wait_driver_bound hvis_heartbeat

s1=$(fh_heartbeat_seq)
sleep 3
s2=$(fh_heartbeat_seq)
[ -n "$s1" ] && [ "$s2" -gt "$s1" ] || fail "heartbeats stopped: '$s1' -> '$s2'"
note "ok: heartbeats continue ($s1 -> $s2)"
assert_kernel_clean
