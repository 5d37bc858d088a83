#!/bin/bash
# Console input: the synthetic keyboard and mouse (hvis_kbd, hvis_mouse) against the
# fake host's kbd and mouse backends, in one boot.
#  - keyboard: a shell on tty1 (the VT console, fed by every keyboard the input layer
#    has) runs a command typed with `ctl key`; the file it writes has the typed text
#    (shift, punctuation, Enter; a half-typed line killed with Ctrl-U runs nothing)
#  - mouse: an evtest capture of the HID core's event device shows the ABS_X/ABS_Y
#    values and BTN_LEFT presses and releases that `ctl mouse` sent
#  - bad host messages (unknown keyboard type, a response nobody asked for, an
#    oversized input report, a pipe size beyond its packet) are refused with an error
#    naming the field; both devices keep working
#  - both modules reload, and each device is rescinded and offered again, several
#    rounds, with no growth of kernel memory; the devices work after each
#  - a host flooding both channels (`ctl pump`) leaves the guest answering, its
#    tasklets reading a ring's worth per run, and typing works after
# make check runs it on the newest kernel only: hvis_kbd and hvis_mouse use no kernel
# API that differs between 6.1 and 6.12 (no compat path; make check-all runs both).
source "$(dirname "$0")/../qemu/lib.sh"

ROUNDS=${ROUNDS:-6}
FH_DEVICES=heartbeat,kbd,mouse
export HVIS_GUEST_TOOLS="evtest"
export HVIS_GUEST_KMODS="hid_generic evdev"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_kbd
wait_driver_bound hvis_mouse
fh_wait_event MOUSE_READY

# The event device (eventN) of the input device below the vmbus device DRIVER drives.
event_of() { # driver
	guest "for e in /sys/class/input/event*; do for d in /sys/bus/vmbus/drivers/$1/*-*; do
		case \$(readlink -f \$e) in *\${d##*/}/*) echo \${e##*/};; esac; done; done"
}
kbd_input() { event_of hvis_kbd; }
mouse_input() { event_of hvis_mouse; }
guest_until 30 '[ -n "$(ls /sys/class/input | grep event)" ]' || fail "no event devices"
wait_for 30 "atkbd bound our serio port" eval '[ -n "$(kbd_input)" ]'
wait_for 30 "hid-generic made an input device of our mouse" eval '[ -n "$(mouse_input)" ]'
note "keyboard $(kbd_input), mouse $(mouse_input)"

# ---- keyboard: a shell on tty1 runs what the host types ----
guest "setsid sh -c 'echo \$\$ >/tmp/tty1.pid; exec sh -i </dev/tty1 >/dev/tty1 2>&1' </dev/null >/dev/null 2>/tmp/tty1.err &"
guest_until 10 '[ "$(readlink /proc/$(cat /tmp/tty1.pid)/fd/0)" = /dev/tty1 ]' ||
	fail "no shell on tty1: $(guest 'cat /tmp/tty1.err; ls -l /dev/tty1; ps')"
# The tty1 screen, as the VT holds it (spaces squeezed).
screen() { guest 'tr -d "\000" </dev/vcs1 | tr -s " "'; }
wait_for 15 "tty1 shows a prompt" eval 'screen | grep -q "# $"'
# A half-typed line killed with Ctrl-U (the tty's KILL character) runs nothing.  (Not
# Ctrl-C: a shell started in the background ignores SIGINT, and ^C flushes the tty.)
assert_fh "type a line and kill it" key echo cancelled ">/tmp/c" Ctrl-U
assert_fh "type a command" key echo 'Typed-OK:' '"a_b"' ">/tmp/k" Enter
guest_until 15 '[ -s /tmp/k ]' ||
	fail "typed command did not run (tty1 shell); kbd stats: $(guest cat /sys/kernel/debug/hvis_kbd/*); tty1 screen: $(screen)"
assert_eq "$(guest cat /tmp/k)" 'Typed-OK: a_b' "file written by the typed command"
guest '[ ! -e /tmp/c ]' || fail "the killed line ran"
note "ok: tty1 shell ran the typed command; host: $(fh status | grep -o 'kbd.*state=[^ ]* .*' | head -1)"

# ---- mouse: evtest sees the moves and clicks ----
ev=$(mouse_input)
guest "evtest /dev/input/$ev >/tmp/ev.log 2>&1 </dev/null & echo \$! >/tmp/ev.pid"
guest_until 10 'grep -q "Testing ... (interrupt to exit)" /tmp/ev.log' || fail "evtest did not start: $(guest cat /tmp/ev.log)"
guest 'grep -E "Event code (0|1) \(ABS_[XY]\)|BTN_LEFT" /tmp/ev.log' >/dev/null ||
	fail "the mouse has no ABS_X/ABS_Y/BTN_LEFT: $(guest cat /tmp/ev.log)"
assert_fh "mouse to 1000,2000" mouse 1000 2000
assert_fh "left press at 3000,4000" mouse 3000 4000 1
assert_fh "left release" mouse 3000 4000 0
assert_fh "to 32767,0 with right" mouse 32767 0 2
assert_fh "all up" mouse 32767 0 0
guest_until 10 'grep -q "(BTN_RIGHT), value 0" /tmp/ev.log' || fail "evtest saw no right release: $(guest cat /tmp/ev.log | tail -20)"
guest 'kill -INT $(cat /tmp/ev.pid)'
evlog=$(guest 'grep "^Event:" /tmp/ev.log | grep -v -e SYN_REPORT -e MSC_SCAN | sed "s/.*code [0-9]* (\(.*\)), value \(.*\)/\1=\2/"' | tr '\n' ' ')
note "evtest: $evlog"
assert_eq "$evlog" "ABS_X=1000 ABS_Y=2000 BTN_LEFT=1 ABS_X=3000 ABS_Y=4000 BTN_LEFT=0 BTN_RIGHT=1 ABS_X=32767 ABS_Y=0 BTN_RIGHT=0 " "evtest events"

# ---- bad host input: refused naming the field, devices still work ----
mark=$(guest 'dmesg | wc -l')
for b in unknown-type early-response e0-e1; do assert_fh "kbd bad $b" key --bad "$b"; done
for b in big-report short-report pipe-size; do assert_fh "mouse bad $b" mouse --bad "$b"; done
guest_until 10 "dmesg | tail -n +$((mark + 1)) | grep -q 'refused a host message: pipe.size'" ||
	fail "no refusal for the pipe size: $(guest dmesg | tail -n +$((mark + 1)))"
refusals=$(guest "dmesg | tail -n +$((mark + 1)) | grep 'refused a host message'")
note "$refusals"
for w in 'type 9 \(unknown message type\)' 'type 2 \(second protocol response\)' 'info 12 \(E0 and E1' \
	'hdr.size 512 \(input report larger than allowed' 'hdr.size 64 \(input report longer than its message' \
	'pipe.size 4096 \(longer than its packet'; do
	assert_match "$refusals" "$w" "refusal $w"
done
assert_fh "mouse after bad input" mouse 5 6
guest_until 10 'grep -q "reports=6 refused=3" /sys/kernel/debug/hvis_mouse/*' ||
	fail "mouse counters: $(guest cat /sys/kernel/debug/hvis_mouse/*)"

# ---- reload and rescind/re-offer, no leak ----
type_check() { # WORD: typed into tty1, must land in /tmp/WORD
	assert_fh "type $1" key echo "$1" ">/tmp/$1" Enter
	guest_until 15 "[ \"\$(cat /tmp/$1 2>/dev/null)\" = $1 ]" || fail "typed $1 did not arrive"
}
mouse_check() { # the mouse device's report counter moves with one report
	assert_fh "mouse report" mouse 7 8 0
	guest_until 10 'grep -q "reports=1 " /sys/kernel/debug/hvis_mouse/*' ||
		fail "mouse did not get the report: $(guest cat /sys/kernel/debug/hvis_mouse/*)"
}
relid_of() { fh status | grep -oE "channel relid=[0-9]+ class=$1 sub=0 state=open" | grep -oE '[0-9]+' | head -1; }
mem0=
for i in $(seq "$ROUNDS"); do
	assert_guest "round $i: unload" rmmod hvis_kbd hvis_mouse
	assert_guest "round $i: load" modprobe -a hvis_kbd hvis_mouse
	wait_for 30 "round $i: mouse ready again" eval '[ "$(fh_event_count MOUSE_READY)" -ge $((2 * i)) ]'
	for cls in kbd mouse; do
		r=$(relid_of "$cls")
		[ -n "$r" ] || fail "round $i: no open $cls channel: $(fh status)"
		assert_fh "round $i: rescind $cls $r" rescind "$r"
		guest_until 15 "! grep -qx $r /sys/bus/vmbus/devices/*/id" || fail "round $i: $cls device stayed"
		assert_fh "round $i: offer $cls again" offer "$cls"
	done
	wait_for 30 "round $i: mouse ready after re-offer" eval '[ "$(fh_event_count MOUSE_READY)" -ge $((2 * i + 1)) ]'
	wait_for 30 "round $i: keyboard input device back" eval '[ -n "$(kbd_input)" ]'
	type_check "r$i"
	mouse_check
	[ "$i" = 2 ] && mem0=$(guest_kmem)
done
assert_kmem_flat "$mem0" "$(guest_kmem)" "rounds 2..$ROUNDS of reload and rescind"

# ---- a host that floods: keystrokes and mouse reports back to back (`ctl pump`) ----
# Found by the hostile campaign on the debug kernel: a host refilling the keyboard's ring
# as fast as the guest read it kept CPU 0 in the channel's tasklet ("soft lockup - CPU#0
# stuck for 54s").  A tasklet run now reads at most a ring's worth and then runs again
# later (budget_yields in the channel's debugfs stats); the guest must keep answering.
stat_of() { guest "awk '\$1 == \"budget_yields:\" { print \$2 }' /sys/kernel/debug/hvis_vmbus/$1/stats"; }
rk=$(relid_of kbd)
y0=$(stat_of "$rk")
assert_fh "the host floods keystrokes and mouse reports" pump on kbd,mouse
worst=0
for i in $(seq 10); do
	t0=$(date +%s%N)
	guest -t 10 true || fail "flood second $i: the guest did not answer within 10 s"
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -le "$worst" ] || worst=$ms
	sleep 1
done
assert_fh "flood off" pump off kbd,mouse
sent=$(fh pump status | awk '$2 == "kbd" || $2 == "mouse" { sub("sent=", "", $4); s += $4 } END { print s + 0 }')
y1=$(stat_of "$rk")
note "flood: $sent keystrokes and mouse reports; the guest's slowest answer $worst ms; keyboard tasklet runs cut at the budget: $y0 -> $y1"
assert_ge "$sent" 10000 "the host sent at least 10,000 messages in the flood"
assert_ge "$y1" $((y0 + 1)) "the keyboard's tasklet stopped at its budget and ran again later"
type_check flood
assert_kernel_clean
