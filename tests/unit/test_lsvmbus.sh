#!/bin/bash
# test_lsvmbus.sh: lsvmbus against a fabricated sysfs tree laid out as upstream's
# Documentation/ABI/stable/sysfs-bus-vmbus describes it.  Prints TAP.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LS=$TOP/tools/lsvmbus/lsvmbus
source "$TOP/tests/unit/tap_lib.sh"

dev() {	# dev UUID RELID CLASS CHANNEL:CPU...
	local d=$tmp/sys/bus/vmbus/devices/$1 c
	mkdir -p "$d/channels"
	echo "$2" >"$d/id"
	echo "{$3}" >"$d/class_id"
	echo "{$1}" >"$d/device_id"
	shift 3
	for c in "$@"; do
		mkdir -p "$d/channels/${c%:*}"
		echo "${c#*:}" >"$d/channels/${c%:*}/cpu"
		for a in read_avail in_mask out_mask events interrupts intr_in_full intr_out_empty \
			out_full_first out_full_total subchannel_id; do
			echo 0 >"$d/channels/${c%:*}/$a"
		done
		echo 12288 >"$d/channels/${c%:*}/write_avail"
		echo 7 >"$d/channels/${c%:*}/events"
	done
}

dev 2dd1ce17-079e-403c-b352-a1921ee207ee 2 57164f39-9115-4e78-ab55-382f3bd5422d 2:0
dev b6650ff7-33bc-4840-8048-e0676786f393 1 0e0b6031-5213-4934-818b-38d90ced39db 1:0
dev 0c1a4e40-0000-0000-0000-000000000001 12 ba6163d9-04a1-4d29-b605-72e2ffb1dc7f 12:1 14:0 13:1
dev 0c1a4e40-0000-0000-0000-000000000002 3 12345678-1234-1234-1234-123456789abc 3:0

out=$("$LS" --sysfs "$tmp/sys")
check "one line per device" test "$(wc -l <<<"$out")" = 4
check "sorted by relid, shutdown (relid 1) first" \
	test "$(head -1 <<<"$out")" = "VMBUS ID  1: Class_ID = {0e0b6031-5213-4934-818b-38d90ced39db} - [Operating system shutdown]"
check "heartbeat named" grep -q '^VMBUS ID  2: .* - \[Heartbeat\]$' <<<"$out"
check "an unknown class says Unknown" grep -q '^VMBUS ID  3: Class_ID = {12345678-1234-1234-1234-123456789abc} - Unknown$' <<<"$out"
check "relid 12 sorts after 3 (numeric)" test "$(tail -1 <<<"$out" | cut -c1-12)" = "VMBUS ID 12:"

out=$("$LS" -v --sysfs "$tmp/sys")
check "-v prints the device GUID" grep -q $'^\tDevice_ID = {0c1a4e40-0000-0000-0000-000000000001}$' <<<"$out"
check "-v lists subchannels sorted with their CPUs" \
	test "$(grep -A6 'ID 12:' <<<"$out" | grep -o 'Rel_ID=[0-9]*, target_cpu=[0-9]*' | tr '\n' ' ')" = \
	"Rel_ID=12, target_cpu=1 Rel_ID=13, target_cpu=1 Rel_ID=14, target_cpu=0 "
check "-v shows ring state" grep -q 'out: 12288 bytes free' <<<"$out"
out=$("$LS" -vv --sysfs "$tmp/sys")
check "-vv shows signal counts" grep -q $'^\t\tevents=7 interrupts=0' <<<"$out"

out=$("$LS" --json --sysfs "$tmp/sys")
check "--json is valid JSON with 4 devices and 6 channels" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert len(d) == 4 and sum(len(x["channels"]) for x in d) == 6
assert d[0]["class_name"] == "[Operating system shutdown]" and d[3]["channels"][0]["target_cpu"] == 1
' "$out"

err=$("$LS" --sysfs "$tmp/nothing" 2>&1)
rc=$?
check "no VMBus: exit 1 and says so" test $rc = 1 -a -n "$(grep 'no VMBus here' <<<"$err")"

tap_end
