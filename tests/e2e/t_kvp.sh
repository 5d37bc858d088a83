#!/bin/bash
# KVP: the host sets, gets, enumerates and deletes items in every pool through the
# guest's daemon (hvis-kvpd, or Debian's hv_kvp_daemon with KVP_DAEMON=debian); the
# guest publishes its intrinsic items and a guest-pool item added with hvis-kvp; the
# host reads a NIC's IP settings; bad host input is refused and changes nothing;
# items survive a daemon restart.
source "$(dirname "$0")/../qemu/lib.sh"

KVP_DAEMON=${KVP_DAEMON:-hvis}
case $KVP_DAEMON in
hvis) DAEMON="hvis-kvpd -n" ;;
debian)
	[ -x /usr/sbin/hv_kvp_daemon ] || skip "hyperv-daemons is not installed"
	DAEMON="/usr/sbin/hv_kvp_daemon -n"
	;;
*) fail "KVP_DAEMON must be hvis or debian" ;;
esac
FH_DEVICES="heartbeat,shutdown,kvp"
export HVIS_GUEST_KMODS="dummy"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_kvp
assert_guest "/dev/vmbus/hv_kvp exists" '[ -c /dev/vmbus/hv_kvp ]'

# result CMD...: the fake host's KVP_RESULT line for one `ctl kvp` request.
result() { fh kvp "$@" 2>&1; }
status_of() { sed -n 's/.* status=\([^ ]*\).*/\1/p' <<<"$1"; }
expect_status() { # want what kvp-args...
	local want=$1 what=$2 out
	shift 2
	out=$(result "$@")
	[ "$(status_of "$out")" = "$want" ] || fail "$what: expected status $want, got: $out"
	note "ok: $what (status $want)"
}

guest "mkdir -p /var/lib/hyperv /usr/libexec/hypervkvpd; hostname kvp-guest"
guest "$DAEMON >/tmp/kvpd.log 2>&1 &"
guest_until 20 'dmesg | grep -q "KVP: daemon registered"' || fail "the daemon did not register"
note "ok: $KVP_DAEMON daemon registered (REGISTER1, version 3.1)"

# Values with spaces cannot pass through the one-line ctl protocol: use plain ones.
for pool in 0 1 2 3 4; do
	expect_status 0 "set key$pool in pool $pool" set $pool key$pool val$pool
	out=$(result get $pool key$pool)
	assert_match "$out" "status=0 value=val$pool\$" "get key$pool from pool $pool"
	expect_status 0 "overwrite key$pool in pool $pool" set $pool key$pool new$pool
	assert_match "$(result get $pool key$pool)" "value=new$pool\$" "overwritten value read back"
done
# The pool files hold the items in upstream's format: 2560-byte records.
sz=$(guest 'stat -c %s /var/lib/hyperv/.kvp_pool_0')
assert_eq "$((sz % 2560))" 0 "pool file is a whole number of 2560-byte records"
assert_match "$(guest 'tr "\0" "\n" </var/lib/hyperv/.kvp_pool_0 | grep -v "^$"')" 'key0' \
	"pool 0 file holds key0"

# Guest pool items added by the guest's admin are visible to the host.
assert_guest "hvis-kvp set GuestItem" 'hvis-kvp set GuestItem guest-value'
r=$(result enum 1)
assert_match "$r" 'status=0x80070103' "enumeration of pool 1 ends with HV_S_CONT"
items=$(fh kvp items)
note "$items"
assert_match "$items" '^1 [0-9]+ GuestItem=guest-value$' "host enumerates the guest's item"

# Intrinsic items.
r=$(result enum 2)
items=$(fh kvp items)
note "$items"
assert_match "$r" 'count=10' "AUTO pool has 10 intrinsic items"
assert_match "$items" 'IntegrationServicesVersion=3\.1' "IntegrationServicesVersion"
assert_match "$items" 'ProcessorArchitecture=x86_64' "ProcessorArchitecture"
assert_match "$items" "OSBuildNumber=$(sed 's/[.+]/\\&/g' <<<"$KVER")\$" "OSBuildNumber"
assert_match "$items" "OSVersion=$(sed 's/[.+]/\\&/g' <<<"${KVER%%-*}")\$" "OSVersion"
# hv_kvp_daemon resolves the name with getaddrinfo, which the test guest cannot do.
[ "$KVP_DAEMON" = hvis ] &&
	assert_match "$items" 'FullyQualifiedDomainName=kvp-guest' "host name"

# Delete in every pool.
for pool in 0 1 3 4; do
	expect_status 0 "delete key$pool from pool $pool" delete $pool key$pool
	expect_status 0x80070103 "key$pool gone from pool $pool" get $pool key$pool
done
expect_status 0x80070103 "delete of a missing key" delete 0 NoSuchKey

# IP settings of a NIC, by MAC.
assert_guest "a dummy NIC with an address" 'modprobe dummy; { [ -e /sys/class/net/dummy0 ] || ip link add dummy0 type dummy; } &&
	ip link set dummy0 address 00:15:5d:01:02:03 && ip addr add 192.0.2.10/24 dev dummy0 &&
	ip link set dummy0 up && ip route add default via 192.0.2.1 &&
	echo "nameserver 192.0.2.53" >/etc/resolv.conf'
r=$(result ipinfo 00:15:5D:01:02:03)
note "$r"
if [ "$KVP_DAEMON" = hvis ]; then
	assert_match "$r" 'status=0 .*ip=192\.0\.2\.10(;| )' "IP address of the NIC"
	assert_match "$r" 'subnet=255\.255\.255\.0' "its subnet mask"
	assert_match "$r" 'gateway=192\.0\.2\.1 ' "its gateway"
	assert_match "$r" 'dns=192\.0\.2\.53' "its DNS server"
else
	assert_match "$r" 'status=0 .*ip=192\.0\.2\.10' "IP address of the NIC"
fi
r=$(result ipinfo 00:11:22:33:44:55)
assert_no_match "$r" 'status=0 ' "IP request for an unknown MAC fails"
r=$(result setip "{00000000-0000-0000-0000-000000000000}" 192.0.2.20 255.255.255.0 192.0.2.1 192.0.2.53)
assert_no_match "$r" 'status=0 ' "SET_IP_INFO for an unknown adapter fails"

# Bad host input: an error back, a log line in the guest, no pool file changes.
before=$(guest 'cat /var/lib/hyperv/.kvp_pool_* | md5sum')
guest 'dmesg -c >/dev/null'
for kind in long-key long-value wide-key bad-pool bad-op bad-type short; do
	r=$(result bad $kind)
	st=$(status_of "$r")
	case $st in 0x80070057 | 0x80070032) note "ok: bad input $kind refused with $st" ;;
	*) fail "bad input $kind: expected an error status, got: $r" ;;
	esac
done
log=$(guest dmesg)
assert_eq "$(grep -c 'KVP: host request refused' <<<"$log")" 7 "seven refusals logged in the guest"
assert_match "$log" 'unknown pool' "log names the unknown pool"
assert_match "$log" 'key_size out of range' "log names the oversized key"
assert_eq "$(guest 'cat /var/lib/hyperv/.kvp_pool_* | md5sum')" "$before" "pool files unchanged"
assert_match "$(result get 0 key0)" 'status=0x80070103' "no item appeared"

# Items survive a daemon restart; while it is down the host gets an error.
expect_status 0 "set Persist" set 0 Persist yes
guest 'kill $(pidof hvis-kvpd hv_kvp_daemon) 2>/dev/null; sleep 0.5'
expect_status 0x80004005 "request while the daemon is down fails" get 0 Persist
guest "$DAEMON >>/tmp/kvpd.log 2>&1 &"
guest_until 20 '[ $(dmesg | grep -c "KVP: daemon registered") -ge 1 ]' ||
	fail "daemon did not re-register"
sleep 0.5
assert_match "$(result get 0 Persist)" 'status=0 value=yes$' "item kept across the daemon restart"
note "daemon log: $(guest 'tail -n 5 /tmp/kvpd.log' | tr '\n' '|')"
assert_kernel_clean
