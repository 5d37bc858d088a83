#!/bin/bash
# echo_bench.sh [KVER]: the echo device at saturation (a benchmark, not a test).
#
# Boots a guest against the fake host, has the guest's hvis_echo driver send PACKETS
# packets (default 1000000) that the host echoes back, and prints packets per second
# and signals per 1000 packets in each direction: guest-to-host doorbells (the guest
# channel's "signals") and host-to-guest interrupts (its "interrupts"), next to what
# `hvis-fakehost ctl echo-stats` counted on the host side.  Target: at most 50 signals
# per 1000 packets each way, i.e. one signal per batch, not per packet.
source "$(dirname "$0")/../qemu/lib.sh"

PACKETS=${PACKETS:-1000000}
SIZE=${SIZE:-}

vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_echo >/dev/null
relid=$(guest_relid_of hvis_echo) || fail "no echo device"
echo_dbg=/sys/kernel/debug/hvis_echo/$relid
ch_dbg=/sys/kernel/debug/hvis_vmbus/$relid/stats

g0=$(guest cat "$ch_dbg") || fail "no $ch_dbg"
h0=$(fh echo-stats "$relid")
guest -t 1800 "echo $PACKETS $SIZE > $echo_dbg/run" || fail "echo run failed"
res=$(guest cat "$echo_dbg/result")
g1=$(guest cat "$ch_dbg")
h1=$(fh echo-stats "$relid")

delta() { echo $(($(kv "$2" "$1") - $(kv "$3" "$1"))); }
per1000() { awk -v a="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", a * 1000 / n; else print "-" }'; }

sent=$(kv "$res" sent) recv=$(kv "$res" received) errs=$(kv "$res" errors) ns=$(kv "$res" ns)
g_sig=$(delta signals "$g1" "$g0")
g_irq=$(delta interrupts "$g1" "$g0")
pps=$(awk -v n="$sent" -v ns="$ns" 'BEGIN { if (ns > 0) printf "%.0f", n * 1e9 / ns; else print "-" }')

echo
echo "echo benchmark, kernel $KVER, TCG, $PACKETS packets${SIZE:+ of $SIZE bytes}"
printf '  %-44s %s\n' "guest result" "$res"
printf '  %-44s %s\n' "packets per second, each way" "$pps"
printf '  %-44s %s (%s per 1000 packets)\n' "guest-to-host doorbells (guest signals)" "$g_sig" "$(per1000 "$g_sig" "$sent")"
printf '  %-44s %s (%s per 1000 packets)\n' "host-to-guest interrupts (guest interrupts)" "$g_irq" "$(per1000 "$g_irq" "$recv")"
echo "  host echo-stats before: $(tr '\n' ' ' <<<"$h0")"
echo "  host echo-stats after:  $(tr '\n' ' ' <<<"$h1")"
for k in signals_from_guest interrupts_to_guest ring_full; do
	d=$(delta "$k" "$h1" "$h0" 2>/dev/null) || continue
	[ -n "$(kv "$h1" "$k")" ] || continue
	printf '  %-44s %s (%s per 1000 packets)\n' "host: $k" "$d" "$(per1000 "$d" "$sent")"
done
[ "$errs" = 0 ] || echo "  WARNING: $errs errors"
vm_poweroff >/dev/null
