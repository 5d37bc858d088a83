# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# net_lib.sh: the network tests' wire (tests/e2e/t_netvsc*.sh, tests/bench/net_bench.sh),
# sourced after tests/qemu/lib.sh.  The synthetic NIC is wired to a TAP device inside a
# network namespace of its own, so the guest talks to an ordinary Linux stack (ping,
# iperf3, socat, tcpdump, VLAN devices) and nothing touches this machine's network.
#
#   net_setup            before vm_start: makes the namespace $NET_NS (hvis-<id>-net,
#                        deleted at exit) and in it hvtap0, a multi-queue vnet_hdr TAP
#                        with 10.11.0.1/24 and fd00:11::1/64, up; the fake host gets
#                        `--tap 0=hvtap0` and runs inside the namespace (FH_PREFIX), and
#                        so does QEMU (QEMU_PREFIX: a virtio-net peer's TAP lives there).
#   net_vlan_ports VID.. after net_setup, before vm_start: the fake host plays the
#                        Hyper-V switch's trunk port (this machine's kernel has no
#                        8021q, so the namespace cannot have VLAN devices): VLAN VID
#                        (1..255) of NIC 0 is wired to its own TAP hvvlanVID in the
#                        namespace, an access port with 10.VID.0.1/24 and fd00:VID::1/64
#                        (`--tap-vlan 0:VID=hvvlanVID`); the guest's eth0.VID frames
#                        leave there untagged and its frames reach eth0.VID
#   ns CMD...            runs CMD in the namespace (ping, iperf3 -s -D, tcpdump, ip ...)
#   net_guest_up [ADDR]  in the guest: the hvis NIC ($NET_IF, normally eth0) up with ADDR
#                        (default 10.11.0.2/24) and
#                        fd00:11::2/64, carrier, and a first ping of 10.11.0.1
#   ns_echo_servers      UDP and TCP echo (port 7, IPv4 and IPv6) in the namespace
#   ns_iperf3_server ARG.. an iperf3 server (`iperf3 -s -D ARG..`) in the namespace,
#                        stopped at exit by the pid it writes
#   ns_counter NAME      hvtap0's statistics counter NAME (rx_packets, tx_bytes, ...)
#   guest_counter NAME   the guest eth0's
#
# The guest gets iproute2's ip (VLANs, `ip -d`, `ip -s`), ethtool, iperf3 and tcpdump:
# HVIS_GUEST_TOOLS=$NET_GUEST_TOOLS (set here unless the test set its own list).

NET_GUEST_TOOLS="ip iperf3 tcpdump"
export HVIS_GUEST_TOOLS=${HVIS_GUEST_TOOLS:-$NET_GUEST_TOOLS}
NET_NS=
NET_IF=eth0
NET_HOST4=10.11.0.1
NET_GUEST4=10.11.0.2
NET_HOST6=fd00:11::1
NET_GUEST6=fd00:11::2
NET_TAP=hvtap0

ns() {
	ip netns exec "$NET_NS" "$@"
}

net_setup() {
	local id
	id=$(tr -dc a-z0-9 </dev/urandom | head -c 6)
	NET_NS=hvis-$id-net
	ip netns add "$NET_NS" || fail "ip netns add $NET_NS failed (root and iproute2 needed)"
	HVIS_CLEANUP_CMDS+=("ip netns del $NET_NS")
	ns ip link set lo up || fail "lo up in $NET_NS"
	ns ip tuntap add dev "$NET_TAP" mode tap multi_queue vnet_hdr ||
		fail "cannot create the TAP $NET_TAP in $NET_NS"
	ns ip addr add "$NET_HOST4/24" dev "$NET_TAP" &&
		ns ip -6 addr add "$NET_HOST6/64" dev "$NET_TAP" nodad &&
		ns ip link set "$NET_TAP" up || fail "cannot configure $NET_TAP"
	FH_ARGS+=(--tap "0=$NET_TAP")
	FH_PREFIX=(ip netns exec "$NET_NS")
	QEMU_PREFIX=(ip netns exec "$NET_NS")
	note "namespace $NET_NS: $NET_TAP $NET_HOST4/24 $NET_HOST6/64"
}

net_vlan_ports() {
	local vid tap
	for vid in "$@"; do
		tap=hvvlan$vid
		# No router solicitations from the port: the tests count every frame a VLAN
		# brings the guest, and the port's own RS at carrier-up is none of theirs.
		ns ip tuntap add dev "$tap" mode tap vnet_hdr &&
			ns sysctl -qw "net.ipv6.conf.$tap.router_solicitations=0" &&
			ns ip addr add "10.$vid.0.1/24" dev "$tap" &&
			ns ip -6 addr add "fd00:$vid::1/64" dev "$tap" nodad &&
			ns ip link set "$tap" up || fail "cannot make the VLAN $vid port $tap in $NET_NS"
		FH_ARGS+=(--tap-vlan "0:$vid=$tap")
	done
	note "VLAN access ports in $NET_NS: $* (hvvlanVID, 10.VID.0.1/24, fd00:VID::1/64)"
}

# net_guest_vlan VID: in the guest, eth0.VID ($NET_IF) with 10.VID.0.2/24 and fd00:VID::2/64, up.
net_guest_vlan() {
	assert_guest "$NET_IF.$1 in the guest" \
		"ip link add link $NET_IF name $NET_IF.$1 type vlan id $1 &&
		ip addr add 10.$1.0.2/24 dev $NET_IF.$1 && ip -6 addr add fd00:$1::2/64 dev $NET_IF.$1 nodad &&
		ip link set $NET_IF.$1 up"
}

# net_guest_up [ADDR]: the hvis NIC ($NET_IF: eth0 unless another NIC took that name) up
# with ADDR and the IPv6 address, carrier, first ping.
net_guest_up() {
	local addr=${1:-$NET_GUEST4/24}
	NET_IF=$(guest 'ls /sys/bus/vmbus/drivers/hvis_netvsc/*/net/ 2>/dev/null | head -n 1')
	[ -n "$NET_IF" ] || fail "no interface bound to hvis_netvsc"
	assert_guest "$NET_IF up with $addr and $NET_GUEST6/64" \
		"ip link set $NET_IF up && ip addr add $addr dev $NET_IF &&
		ip -6 addr add $NET_GUEST6/64 dev $NET_IF nodad"
	guest_until 10 "ip link show $NET_IF | grep -q LOWER_UP" || fail "$NET_IF has no carrier within 10s"
	guest_until 20 "ping -c 1 -W 1 $NET_HOST4" ||
		fail "no first ping reply from $NET_HOST4 within 20s ($(fh nic status 2>&1 | head -c 300))"
	note "ok: $NET_IF up, $NET_HOST4 answers"
}

# ns_echo_servers: UDP and TCP echo on port 7 in the namespace (stopped at exit).  UDP:
# one process answers every datagram in order, to its sender (socat's UDP-LISTEN,fork
# hands datagrams that arrive before its child connects to the parent, out of order).
# TCP: a thread per connection that sends back what it reads, blocking in send while the
# peer's window is closed.  Not socat's PIPE echo: a socat child writes up to 8 KiB
# into its own pipe with a blocking write once select() shows the pipe writable (one
# free page), and when the peer reads slowly (the pipe full because the socket is not
# writable) it blocks in anon_pipe_write for good, the pipe's only reader being itself.
# Started with ip netns exec directly (not the ns function in a subshell) so that $! is
# the server itself and the cleanup's kill reaches it.
ns_echo_servers() {
	ip netns exec "$NET_NS" python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 7))
while True:
    d, a = s.recvfrom(65536)
    s.sendto(d, a)' </dev/null >/dev/null 2>&1 &
	HVIS_CLEANUP_CMDS+=("kill $!")
	ip netns exec "$NET_NS" python3 -c '
import socket, threading
def echo(c):
    with c:
        while True:
            d = c.recv(65536)
            if not d:
                c.shutdown(socket.SHUT_WR)
                return
            c.sendall(d)
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 7))
s.listen(64)
while True:
    c, _ = s.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()' </dev/null >/dev/null 2>&1 &
	HVIS_CLEANUP_CMDS+=("kill $!")
}

# The server daemonizes, so its pid comes from the file it writes; without it the server
# would outlive the test and its namespace.
ns_iperf3_server() {
	local pidfile i
	pidfile=$(mktemp "${TMPDIR:-/tmp}/hvis-iperf3.XXXXXX") || fail "mktemp"
	HVIS_CLEANUP+=("$pidfile")
	: >"$pidfile"
	ns iperf3 -s -D -I "$pidfile" "$@" || fail "iperf3 -s $* in the namespace"
	for ((i = 0; i < 50; i++)); do
		[ -s "$pidfile" ] && break
		sleep 0.1
	done
	[ -s "$pidfile" ] || fail "iperf3 -s $* wrote no pid file"
	HVIS_CLEANUP_CMDS+=("kill $(cat "$pidfile")")
}

ns_counter() {
	ns cat "/sys/class/net/$NET_TAP/statistics/$1"
}

guest_counter() {
	guest cat "/sys/class/net/$NET_IF/statistics/$1"
}
