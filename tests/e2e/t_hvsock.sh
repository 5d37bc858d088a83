#!/bin/bash
# Hyper-V sockets (hvis_sock + the fake host's unix-socket bridge), with plain socat on
# both sides: the guest connects to host services (<dir>/hvsock/<port>.listen) and the
# host connects to guest listeners (<dir>/hvsock/<port>); 16 MiB each way checked by
# sha256; orderly shutdown of each direction; 100 concurrent connections; the guest
# closing while the host sends; the host vanishing mid-stream; each hostile packet kind
# resetting only its own connection; the module unloaded with a connection open.
# docs/hvsock.md, "Tests".
source "$(dirname "$0")/../qemu/lib.sh"

HS=
HOST_PIDS=()
HVIS_CLEANUP_CMDS+=('for p in "${HOST_PIDS[@]}"; do kill "$p"; done')

# host_bg CMD...: runs CMD on the host in the background; its pid in $BG.
host_bg() {
	"$@" &
	BG=$!
	HOST_PIDS+=("$BG")
}

# Lines of `ctl hvsock` for connections of guest port or host port $1 not yet closed.
conns_of() {
	fh hvsock | awk -v p="$1" '/^conn / && ($0 ~ " guest_port=" p " " || $0 ~ " host_port=" p " ") && !/ state=closed /'
}
no_conns_of() { [ -z "$(conns_of "$1")" ]; }

MB=16
vm_start "$KVER"
vm_load_vmbus
assert_guest "modprobe hvis_sock" modprobe hvis_sock
HS=$VM_DIR/hvsock
[ -d "$HS" ] && [ "$(stat -c %a "$HS")" = 700 ] || fail "$HS is not a 0700 directory"
note "ok: fake host's hvsock directory $HS (0700)"
t0=$SECONDS

# ---- guest -> host service, data both ways, sha256 ----
head -c $((MB << 20)) /dev/urandom >"$VM_DIR/h2g.bin"
h2g_sum=$(sha256sum <"$VM_DIR/h2g.bin" | cut -d' ' -f1)
host_bg socat -u UNIX-LISTEN:"$HS/5001.listen" CREATE:"$VM_DIR/g2h.bin"
host_bg socat -u OPEN:"$VM_DIR/h2g.bin" UNIX-LISTEN:"$HS/5002.listen"
wait_for 10 "host services listen" test -S "$HS/5001.listen" -a -S "$HS/5002.listen"
g2h_sum=$(guest -t 120 "head -c $((MB << 20)) /dev/urandom >/tmp/g2h && sha256sum </tmp/g2h | cut -d' ' -f1 &&
	socat -u /tmp/g2h VSOCK-CONNECT:2:5001") || fail "guest -> host: socat failed: $g2h_sum"
wait_for 30 "host side of 5001 finished" no_conns_of 5001
assert_eq "$(sha256sum <"$VM_DIR/g2h.bin" | cut -d' ' -f1)" "$g2h_sum" "sha256 of $MB MiB guest -> host (guest connected)"
got=$(guest -t 120 "socat -u VSOCK-CONNECT:2:5002 - | sha256sum | cut -d' ' -f1") ||
	fail "host -> guest: socat failed: $got"
assert_eq "$got" "$h2g_sum" "sha256 of $MB MiB host -> guest (guest connected)"

# ---- host -> guest listener, data both ways, sha256 ----
for p in 6001 6002 7000; do assert_fh "expose guest port $p" hvsock expose $p; done
assert_guest "guest listeners" "(socat -u VSOCK-LISTEN:6001 - | sha256sum | cut -d' ' -f1 >/tmp/l6001) >/dev/null 2>&1 &
	socat -u /tmp/g2h VSOCK-LISTEN:6002 >/dev/null 2>&1 &
	socat VSOCK-LISTEN:7000,fork EXEC:cat >/dev/null 2>&1 &"
# the echo listener, started last, answers: the guest's listeners are up
echo_ok() { [ "$(echo ping | socat -t 5 - UNIX-CONNECT:"$HS/7000" 2>/dev/null)" = ping ]; }
wait_for 30 "host reaches the guest's echo listener on port 7000" echo_ok
socat -u OPEN:"$VM_DIR/h2g.bin" UNIX-CONNECT:"$HS/6001" || fail "host -> guest 6001: socat failed"
guest_until 30 "[ -s /tmp/l6001 ]" || fail "guest listener 6001 got no EOF"
assert_eq "$(guest cat /tmp/l6001)" "$h2g_sum" "sha256 of $MB MiB host -> guest (host connected)"
got=$(socat -u UNIX-CONNECT:"$HS/6002" - | sha256sum | cut -d' ' -f1)
assert_eq "$got" "$g2h_sum" "sha256 of $MB MiB guest -> host (host connected)"
note "data phase: $((SECONDS - t0)) s"

# ---- orderly shutdown each way: an echo service answers after the guest's FIN ----
host_bg socat UNIX-LISTEN:"$HS/5003.listen",fork,backlog=128 EXEC:cat
wait_for 10 "echo service listens" test -S "$HS/5003.listen"
got=$(guest "echo half-closed | socat - VSOCK-CONNECT:2:5003")
assert_eq "$got" "half-closed" "guest FIN reaches the host, host FIN ends the guest's read"
grep -q "HVSOCK_FIN .*from=guest" "$VM_DIR/events.log" && grep -q "HVSOCK_FIN .*from=host" "$VM_DIR/events.log" ||
	fail "no FIN in both directions in the event log"
note "ok: FIN both ways (events HVSOCK_FIN from=guest and from=host)"

# ---- 100 concurrent connections ----
t1=$SECONDS
assert_guest "100 clients started" 'rm -f /tmp/c*; mkfifo /tmp/hold; i=0
	while [ $i -lt 100 ]; do
		(echo "line $i"; cat /tmp/hold) | socat - VSOCK-CONNECT:2:5003 >/tmp/c$i 2>&1 &
		i=$((i + 1))
	done'
count_open() { [ "$(conns_of 5003 | grep -c ' state=open ')" -ge 100 ]; }
wait_for 90 "100 connections open at once on the host" count_open
assert_guest "clients released" 'exec 3>/tmp/hold; exec 3>&-; wait; true'
guest_until 60 'i=0; while [ $i -lt 100 ]; do [ "$(cat /tmp/c$i)" = "line $i" ] || exit 1; i=$((i + 1)); done' ||
	fail "not every one of 100 clients got its own line back: $(guest 'head -n1 /tmp/c1 /tmp/c50 /tmp/c99' | tr '\n' ' ')"
note "ok: 100 concurrent connections, each echoed its own line ($((SECONDS - t1)) s)"
wait_for 30 "all 100 closed on the host" no_conns_of 5003

# ---- the guest closes while the host still sends ----
host_bg socat -u OPEN:/dev/zero UNIX-LISTEN:"$HS/5004.listen"
zero_pid=$BG
wait_for 10 "zero service listens" test -S "$HS/5004.listen"
assert_guest "guest reads 1 MB, then closes" "socat -u VSOCK-CONNECT:2:5004 - | head -c 1000000 | wc -c | grep -qx 1000000"
wait_for 30 "host's sender ends after the guest closed" sh -c "! kill -0 $zero_pid 2>/dev/null"
wait_for 15 "connection gone on the host" no_conns_of 5004

# ---- the host vanishes mid-stream: the guest's writer gets an error, nothing hangs ----
host_bg socat -u UNIX-LISTEN:"$HS/5005.listen" OPEN:/dev/null
sink_pid=$BG
wait_for 10 "sink listens" test -S "$HS/5005.listen"
assert_guest "guest writer started" "(socat -u /dev/zero VSOCK-CONNECT:2:5005 2>/tmp/e5; echo \$? >/tmp/rc5) >/dev/null 2>&1 &"
flowing() { [ "$(conns_of 5005 | grep -oE ' from_guest=[0-9]+' | cut -d= -f2)" -gt 1000000 ] 2>/dev/null; }
wait_for 30 "guest -> host data flowing" flowing
kill -9 "$sink_pid"
wait "$sink_pid" 2>/dev/null
guest_until 20 "[ -s /tmp/rc5 ]" || fail "guest writer still running 20 s after the host vanished"
rc=$(guest cat /tmp/rc5)
[ "$rc" != 0 ] || fail "guest writer exited 0 after the host vanished"
note "ok: host vanished: guest writer ended with an error (exit $rc: $(guest cat /tmp/e5 | tail -n1))"
wait_for 15 "connection gone on the host" no_conns_of 5005

# ---- hostile packets: each resets its connection only ----
mkfifo "$VM_DIR/by.in"
socat - UNIX-CONNECT:"$HS/7000" <"$VM_DIR/by.in" >"$VM_DIR/by.out" &
HOST_PIDS+=($!)
exec 9>"$VM_DIR/by.in"
echo first >&9
wait_for 10 "bystander connection up" grep -q first "$VM_DIR/by.out"
for kind in data-after-fin oversize size-gt-packet bad-type; do
	rm -f "$VM_DIR/v.out"
	mkfifo "$VM_DIR/v.in"
	socat - UNIX-CONNECT:"$HS/7000" <"$VM_DIR/v.in" >"$VM_DIR/v.out" &
	HOST_PIDS+=($!)
	exec 8>"$VM_DIR/v.in"
	echo hi >&8
	wait_for 10 "$kind: victim connection up" grep -q hi "$VM_DIR/v.out"
	relid=$(grep -E "HVSOCK_OPEN .*guest_port=7000 .*from=host" "$VM_DIR/events.log" | tail -n1 |
		grep -oE ' relid=[0-9]+' | cut -d= -f2)
	[ -n "$relid" ] || fail "$kind: victim's relid not found: $(fh hvsock)"
	before=$(guest "dmesg | grep -c hvis_sock")
	assert_fh "$kind injected on relid $relid" hvsock-inject "$kind" "$relid"
	guest_until 10 "[ \$(dmesg | grep -c hvis_sock) -gt $before ]" ||
		fail "$kind: no hvis_sock line in the guest's log"
	note "guest: $(guest 'dmesg | grep hvis_sock | tail -n1')"
	vrel() { ! fh hvsock | grep -q " relid=$relid .*state=\(open\|guest_fin\|host_fin\)"; }
	wait_for 20 "$kind: victim connection closed" vrel
	exec 8>&-
	rm -f "$VM_DIR/v.in"
	echo "after $kind" >&9
	wait_for 10 "$kind: bystander still echoes" grep -q "after $kind" "$VM_DIR/by.out"
done
before=$(guest "dmesg | grep -c hvis_sock")
relid=$(fh hvsock-inject bad-guid 7000 | grep -oE '[0-9]+') || fail "bad-guid offer refused"
guest_until 10 "[ \$(dmesg | grep -c hvis_sock) -gt $before ]" ||
	fail "bad-guid: no hvis_sock line in the guest's log"
note "guest: $(guest 'dmesg | grep hvis_sock | tail -n1')"
wait_for 10 "malformed service id: offer rescinded, never opened" \
	grep -qE "HVSOCK_CLOSED conn=[0-9]+ relid=$relid reason=open_timeout" "$VM_DIR/events.log"
echo "after bad-guid" >&9
wait_for 10 "bad-guid: bystander still echoes" grep -q "after bad-guid" "$VM_DIR/by.out"

# ---- module unload with a connection open ----
out=$(guest "rmmod hvis_sock 2>&1; lsmod | grep -c '^hvis_sock' || true")
if [ "$(tail -n1 <<<"$out")" = 0 ]; then
	wait_for 20 "unloaded: every hvsock connection closed on the host" no_conns_of 7000
	note "ok: hvis_sock unloaded with a connection open"
else
	echo "still open" >&9
	wait_for 10 "unload refused ($(head -n1 <<<"$out")): the connection still works" \
		grep -q "still open" "$VM_DIR/by.out"
fi
exec 9>&-
wait_for 20 "bystander closed" no_conns_of 7000
guest 'kill $(pidof socat) 2>/dev/null; true'
assert_guest "hvis_sock unloads once its sockets are gone" \
	'i=0; while ! rmmod hvis_sock 2>/dev/null; do i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done'
assert_guest "hvis_sock loads again" modprobe hvis_sock
got=$(guest "echo again | socat - VSOCK-CONNECT:2:5003")
assert_eq "$got" again "a connection after the reload"
assert_kernel_clean
note "total: $((SECONDS - t0)) s after boot"
