#!/bin/bash
# Unsupported cases, reported once and cleanly on both sides:
# 1. the host accepts only a DM protocol version the guest does not speak: the guest
#    logs one "hvis-dm-2 unsupported (version)" line, tries each version once, stays
#    loaded and idle; the host logs DM_GUEST_UNSUPPORTED what=version.
# 2. a guest that cannot hot-add (hot_add=0 stands in for a kernel without memory
#    hot-plug): one "hvis-dm-2 unsupported (hot-add)" line, capabilities without
#    hot-add, the host logs DM_GUEST_UNSUPPORTED what=hot_add once however long it
#    wants more memory, and ballooning still works.
source "$(dirname "$0")/../qemu/lib.sh"

VM_MEM_BYTES=$((2048 * 1024 * 1024))
# hvis.noautoload: the driver loads only after the host side is configured.
VM_APPEND="mem=1G hvis.noautoload"
FH_DEVICES=heartbeat,shutdown,dm
vm_start "$KVER"
assert_fh "dm config" dm config startup=1G policy=fixed target=1G versions=3.0
vm_load_vmbus
assert_guest "modprobe hvis_balloon" modprobe hvis_balloon
wait_driver_bound hvis_balloon

SYS='/sys/bus/vmbus/drivers/hvis_balloon/*-*/dynamic_memory'
line=$(fh wait-event DM_GUEST_UNSUPPORTED --timeout 60) || fail "host: no DM_GUEST_UNSUPPORTED"
assert_match "$line" "what=version guest=2.0,1.0,0.3" "host: unsupported version, all three tried"
sleep 8
assert_eq "$(fh_event_count DM_VERSION_REFUSED)" 3 "host: each version asked once, no retry loop"
log=$(guest 'dmesg | grep hvis_balloon')
note "$log"
assert_eq "$(grep -c 'hvis-dm-2 unsupported (version)' <<<"$log")" 1 "guest: exactly one unsupported line"
assert_no_match "$log" "hvis-dm-1" "guest: no unexpected-error line"
assert_eq "$(guest "cat $SYS/state")" unsupported "guest: state unsupported"

# 2: versions back, the driver reloaded without hot-add.
assert_fh "dm config versions" dm config versions=2.0,1.0,0.3
s=$(fh_since)
assert_guest "reload with hot_add=0" 'rmmod hvis_balloon && modprobe hvis_balloon hot_add=0'
wait_driver_bound hvis_balloon
line=$(fh wait-event DM_CAPABILITIES --since "$s" --timeout 30) || fail "no DM_CAPABILITIES"
assert_match "$line" "balloon=1 hot_add=0" "host: capabilities without hot-add"
assert_fh "memory set 1536M" memory set 1536M
line=$(fh wait-event DM_GUEST_UNSUPPORTED --since "$s" --timeout 30) || fail "host: no hot-add unsupported event"
assert_match "$line" "what=hot_add" "host: DM_GUEST_UNSUPPORTED what=hot_add"
sleep 6
assert_eq "$(fh events "$s" | grep -c DM_GUEST_UNSUPPORTED)" 1 "host: logged once"
assert_eq "$(fh events "$s" | grep -c DM_HOT_ADD_SENT)" 0 "host: no hot-add sent"
log=$(guest 'dmesg | grep hvis_balloon')
assert_eq "$(grep -c 'hvis-dm-2 unsupported (hot-add)' <<<"$log")" 1 "guest: one hot-add unsupported line"
assert_no_match "$log" "hvis-dm-1" "guest: no unexpected-error line"
assert_fh "memory set 768M" memory set 768M
line=$(fh wait-event DM_BALLOON_DONE --since "$s" --timeout 120) || fail "no balloon"
assert_match "$line" "pages=65536 requested=65536" "ballooning still works without hot-add"
assert_kernel_clean
