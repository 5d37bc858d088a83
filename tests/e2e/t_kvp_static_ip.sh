#!/bin/bash
# Static IP injection, end to end: the host asks for the IP settings of the synthetic
# NIC with a given MAC and gets its address, mask, gateway and DNS; the host then
# sets a static address for that NIC (SET_IP_INFO by the NIC's VMBus instance id),
# hvis-kvpd hands it to the packaged hook (hvis-set-ifconfig), and the guest reaches
# the gateway through the new address.  A second injection into another subnet
# replaces the first; then two IPv4 and one IPv6 address in one request (mixed lists,
# masks paired with addresses) are all applied.  A request for an unknown MAC or
# adapter fails and changes nothing.  A hostile host's strings (a newline and a second DEVICE= line, which
# used to make the hook reconfigure lo; a host name; a bad mask) are refused by
# hvis_kvp with one log line naming the field and an E_INVALIDARG answer, and no
# interface, route or DNS setting changes.
source "$(dirname "$0")/../qemu/lib.sh"

FH_DEVICES="heartbeat,shutdown,kvp,nic@00:15:5d:12:34:56"
MAC=00:15:5d:12:34:56
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_kvp
wait_driver_bound hvis_netvsc

result() { fh kvp "$@" 2>&1; }
HOOK=$HVIS_TOP/tools/kvpd/hvis-set-ifconfig
guest "mkdir -p /usr/lib/hvis /var/lib/hyperv && echo $(base64 -w0 "$HOOK") | base64 -d >/usr/lib/hvis/hvis-set-ifconfig && chmod 755 /usr/lib/hvis/hvis-set-ifconfig"
guest "hvis-kvpd -n >/tmp/kvpd.log 2>&1 &"
guest_until 20 'dmesg | grep -q "KVP: daemon registered"' || fail "hvis-kvpd did not register"

# The host names the NIC by its VMBus instance, as Hyper-V does.
inst=$(fh list | awk '$2 == "nic" { print $4 }')
[ -n "$inst" ] || fail "the fake host lists no nic device: $(fh list)"
ifname=$(guest "for i in /sys/class/net/*; do [ \"\$(cat \$i/address)\" = $MAC ] && echo \${i##*/}; done")
[ -n "$ifname" ] || fail "no guest interface has MAC $MAC: $(guest 'ip -br link')"
assert_eq "$(guest "cat /sys/class/net/$ifname/device/device_id")" "{$inst}" \
	"$ifname's device/device_id is the host's NIC instance"

# 1. The guest configures the NIC itself; the host reads the settings by MAC.
assert_guest "guest sets 192.0.2.10/24 via 192.0.2.1 on $ifname" \
	"ip addr add 192.0.2.10/24 dev $ifname && ip link set $ifname up &&
	 ip route add default via 192.0.2.1 && echo 'nameserver 192.0.2.53' >/etc/resolv.conf"
r=$(result ipinfo "$MAC")
note "$r"
assert_match "$r" 'status=0 .*ip=192\.0\.2\.10( |;)' "GET_IP_INFO: the NIC's address"
assert_match "$r" 'subnet=255\.255\.255\.0' "GET_IP_INFO: its mask"
assert_match "$r" 'gateway=192\.0\.2\.1 ' "GET_IP_INFO: its gateway"
assert_match "$r" 'dns=192\.0\.2\.53' "GET_IP_INFO: its DNS server"

# 2. The host injects a static address in the same subnet.
r=$(result setip "{$inst}" 192.0.2.77 255.255.255.0 192.0.2.1 192.0.2.54)
note "$r"
assert_match "$r" 'status=0( |$)' "SET_IP_INFO 192.0.2.77/24 accepted"
addrs=$(guest "ip -4 -o addr show dev $ifname scope global")
assert_match "$addrs" 'inet 192\.0\.2\.77/24' "the guest has the injected address"
assert_no_match "$addrs" '192\.0\.2\.10/' "the old address is gone"
assert_match "$(guest 'ip route show default')" 'via 192\.0\.2\.1 ' "default route via the injected gateway"
assert_match "$(guest 'cat /etc/resolv.conf')" 'nameserver 192\.0\.2\.54' "the injected DNS server"
assert_guest "ping the gateway from the injected address" "ping -c 3 -W 2 -I 192.0.2.77 192.0.2.1 >/dev/null"
assert_match "$(result ipinfo "$MAC")" 'status=0 .*ip=192\.0\.2\.77' "GET_IP_INFO now reports the injected address"

# 3. Another subnet: the host-side gateway moves, the guest follows the injection.
assert_fh "the fake host's responder moves to 198.51.100.1" nic host-ip 0 198.51.100.1
r=$(result setip "{$inst}" 198.51.100.7 255.255.255.0 198.51.100.1 198.51.100.53)
assert_match "$r" 'status=0( |$)' "SET_IP_INFO 198.51.100.7/24 accepted"
addrs=$(guest "ip -4 -o addr show dev $ifname scope global")
assert_match "$addrs" 'inet 198\.51\.100\.7/24' "the guest has the new address"
assert_no_match "$addrs" '192\.0\.2\.77' "the previous injection is replaced"
assert_guest "ping the new gateway" "ping -c 3 -W 2 198.51.100.1 >/dev/null"

# 3b. Several addresses of both families, as the host sends them: one mixed list each,
# the n-th mask with the n-th address.  hvis-kvpd splits them by family (upstream's key
# names), the hook applies them all.
r=$(result setip "{$inst}" '198.51.100.7;2001:db8:5::7;198.51.100.8' '255.255.255.0;64;255.255.255.128' \
	'198.51.100.1;2001:db8:5::1' '198.51.100.53;2001:db8:5::53')
note "$r"
assert_match "$r" 'status=0( |$)' "SET_IP_INFO with two IPv4 and one IPv6 address accepted"
f=$(guest "cat /var/lib/hyperv/ifcfg-$ifname")
note "ifcfg-$ifname: $(tr '\n' ' ' <<<"$f")"
for l in 'IPADDR=198.51.100.7;198.51.100.8' 'NETMASK=255.255.255.0;255.255.255.128' GATEWAY=198.51.100.1 \
	IPV6ADDR=2001:db8:5::7 IPV6NETMASK=64 IPV6_DEFAULTGW=2001:db8:5::1 'DNS=198.51.100.53;2001:db8:5::53'; do
	assert_match "$f" "^$l\$" "ifcfg-$ifname: $l"
done
addrs=$(guest "ip -o addr show dev $ifname scope global | awk '{ print \$4 }' | sort | tr '\n' ' '")
assert_eq "$addrs" "198.51.100.7/24 198.51.100.8/25 2001:db8:5::7/64 " "$ifname has the three addresses, each with its mask"
assert_match "$(guest 'ip -6 route show default')" "^default via 2001:db8:5::1 dev $ifname" "IPv6 default route via the injected gateway"
assert_match "$(guest 'cat /etc/resolv.conf')" 'nameserver 2001:db8:5::53' "the injected IPv6 DNS server"
assert_guest "ping the gateway again" "ping -c 3 -W 2 198.51.100.1 >/dev/null"

# 4. Bad requests change nothing.
before=$(guest "ip -4 -o addr show dev $ifname; ip route; cat /etc/resolv.conf" | md5sum)
assert_no_match "$(result ipinfo 00:15:5d:99:99:99)" 'status=0 ' "GET_IP_INFO for an unknown MAC fails"
assert_no_match "$(result setip '{00000000-0000-0000-0000-000000000000}' 203.0.113.5 255.255.255.0 203.0.113.1 203.0.113.53)" \
	'status=0 ' "SET_IP_INFO for an unknown adapter fails"
assert_eq "$(guest "ip -4 -o addr show dev $ifname; ip route; cat /etc/resolv.conf" | md5sum)" "$before" \
	"addresses, routes and DNS unchanged"
assert_match "$(guest 'cat /tmp/kvpd.log')" 'SET_IP_INFO: no interface for adapter' "the daemon logs the unknown adapter"
note "daemon log: $(guest 'grep SET_IP_INFO /tmp/kvpd.log' | tr '\n' '|')"

# 5. Hostile strings: control characters, non-addresses.  Nothing reaches the hook.
assert_guest "lo is up with 127.0.0.1/8 (what a hostile DEVICE=lo would replace)" \
	'ip link set lo up && { ip -4 addr show dev lo | grep -q 127.0.0.1 || ip addr add 127.0.0.1/8 dev lo; }'
state() { guest 'ip -o addr; ip route; ip -6 route; cat /etc/resolv.conf; ls -l /var/lib/hyperv; cat /var/lib/hyperv/ifcfg-*'; }
before=$(state)
hostile() { # what field-regex ip mask gw dns
	local what=$1 re=$2 r
	shift 2
	guest 'dmesg -c >/dev/null'
	r=$(result setip "{$inst}" "$@")
	note "$what: $r"
	assert_match "$r" 'op=setip pool=0 status=0x80070057( |$)' "$what: the host gets E_INVALIDARG"
	assert_eq "$(guest 'dmesg | grep -c "KVP: host request refused (op 5 pool 0)"')" 1 "$what: one refusal line"
	assert_match "$(guest dmesg)" "KVP: host request refused \(op 5 pool 0\): $re, status 0x80070057" \
		"$what: the line names the field"
}
hostile "a newline and DEVICE=lo in the address" 'ip_addr holds a control character' \
	'198.51.100.9\nDEVICE=lo' 255.255.255.0 198.51.100.1 198.51.100.53
hostile "a newline and DEVICE=lo in the DNS list" 'dns_addr holds a control character' \
	198.51.100.9 255.255.255.0 198.51.100.1 '198.51.100.53\nDEVICE=lo\nIPADDR=127.0.0.9'
hostile "a carriage return in the mask" 'sub_net holds a control character' \
	198.51.100.9 '24\rX' 198.51.100.1 198.51.100.53
hostile "a host name as gateway" 'gate_way: an element is not an IPv4 or IPv6 address' \
	198.51.100.9 255.255.255.0 gw.example 198.51.100.53
hostile "a space and a second key in the address" 'ip_addr: an element is not an IPv4 or IPv6 address' \
	'198.51.100.9\sDEVICE=lo' 255.255.255.0 198.51.100.1 198.51.100.53
hostile "a non-contiguous mask" 'sub_net: an element is not a dotted mask or a prefix length' \
	198.51.100.9 255.0.255.0 198.51.100.1 198.51.100.53
assert_eq "$(state)" "$before" "no address, route, DNS server or ifcfg file changed, on any interface"
assert_match "$(guest 'ip -4 -o addr show dev lo')" 'inet 127\.0\.0\.1/8' "lo keeps 127.0.0.1/8"
assert_no_match "$(guest 'cat /tmp/kvpd.log')" '198\.51\.100\.9' "the daemon never saw the hostile requests"
assert_match "$(result ipinfo "$MAC")" 'status=0 .*ip=198\.51\.100\.7' "the NIC keeps 198.51.100.7"
assert_kernel_clean
