#!/bin/bash
# A guest that can hibernate (QEMU advertises ACPI S4): hvis_balloon does as upstream's
# hv_balloon (hv_is_hibernation_supported()): it says once why, leaves balloon
# requests unanswered and answers hot-add with 0 pages.  The host times out the
# unanswered request (event DM_TIMEOUT, `dm status` timeouts= last_timeout=), is not
# stuck (it sends again, and a later hot-add request is answered), and once the
# driver is reloaded with hibernation=0 ballooning works again.
source "$(dirname "$0")/dm_lib.sh"

VM_S4=1
dm_vm_start startup=1G policy=fixed target=1G timeout=5
guest 'dmesg | grep -m1 "ACPI: PM: (supports"' | sed 's/^/# guest: /'
log=$(guest 'dmesg | grep hvis_balloon')
assert_eq "$(grep -c 'hvis-dm-2 unsupported (hibernation): the guest can hibernate (ACPI S4)' <<<"$log")" 1 \
	"guest: one line says why (ACPI S4)"
assert_eq "$(guest "cat $SYS/hibernation")" 1 "guest: sysfs hibernation=1"
line=$(fh events | grep -m1 DM_CAPABILITIES)
assert_match "$line" "balloon=1 hot_add=1" "host: capabilities still set, as hv_balloon (the host requires them)"
m0=$(memtotal_mb)

# 1. A balloon request goes unanswered: the host times out, says so, and tries again.
s=$(fh_since)
assert_fh "memory set 768M" memory set 768M
wait_ev DM_BALLOON_SENT "$s" 30 >/dev/null
line=$(wait_ev DM_TIMEOUT "$s" 30)
note "$line"
assert_match "$line" "pending=balloon ms=[0-9]+ timeouts=1" "host: DM_TIMEOUT for the balloon request"
st=$(fh dm status)
note "$st"
assert_match "$st" "pending=none" "host: nothing pending after the timeout"
assert_match "$st" "timeouts=1 last_timeout=balloon timeout_s=5" "host: dm status reports the timeout"
line=$(fh wait-event DM_TIMEOUT --since "$(fh events | grep DM_TIMEOUT | tail -n 1 | awk '{ print $1 }')" --timeout 30) ||
	fail "host: no second balloon request after the timeout"
assert_match "$line" "timeouts=2" "host: it sent again after the timeout, and timed out again"
assert_ge "$(fh events "$s" | grep -c DM_BALLOON_SENT)" 2 "host: two balloon requests sent"
assert_eq "$(fh events "$s" | grep -c DM_BALLOON_DONE)" 0 "host: no balloon answer (the guest ignores them)"
assert_eq "$(memtotal_mb)" "$m0" "guest: MemTotal unchanged"
log=$(guest 'dmesg | grep hvis_balloon')
assert_eq "$(grep -c 'hvis-dm-2 unsupported (hibernation)' <<<"$log")" 1 "guest: still only the one line"
assert_no_match "$log" "hvis-dm-1|refused" "guest: no error line"

# 2. A later request is answered: hot-add gets 0 pages, a permanent answer.
s=$(fh_since)
assert_fh "memory set 1536M" memory set 1536M
line=$(wait_ev DM_HOT_ADD_DONE "$s" 60)
note "$line"
assert_match "$line" "pages=0 requested=[0-9]+ result=1" "host: hot-add answered with 0 pages, success (stop)"
sleep 7
assert_eq "$(fh events "$s" | grep -c DM_HOT_ADD_SENT)" 1 "host: no hot-add retry after the permanent answer"
assert_eq "$(memtotal_mb)" "$m0" "guest: MemTotal unchanged"

# 3. hibernation=0: the same guest balloons again.
s=$(fh_since)
assert_fh "memory set 1G" memory set 1G
assert_guest "reload with hibernation=0" 'rmmod hvis_balloon && modprobe hvis_balloon hibernation=0'
wait_driver_bound hvis_balloon
wait_ev DM_CAPABILITIES "$s" 30 >/dev/null
assert_eq "$(guest "cat $SYS/hibernation")" 0 "guest: sysfs hibernation=0"
assert_match "$(guest 'dmesg | grep hvis_balloon | tail -n 5')" "ACPI S4 is advertised, but hibernation=0" \
	"guest: says Dynamic Memory is on despite S4"
assert_fh "memory set 768M" memory set 768M
line=$(wait_ev DM_BALLOON_DONE "$s" 120)
note "$line"
assert_match "$line" "pages=65536 requested=65536" "host: 256 MiB ballooned after the reload"
assert_eq "$(fh events "$s" | grep -c DM_TIMEOUT)" 0 "host: no timeout once the guest answers"
assert_kernel_clean
