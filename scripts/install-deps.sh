#!/bin/bash
# install-deps.sh: installs what building and testing hvis needs on a Debian 12 machine.
#
# Idempotent: each package is installed only if missing.  The 6.12 kernel comes from
# bookworm-backports on the same mirror the machine already uses; the mirror address is
# read from the existing apt sources at run time, never written into the tree.
#
#   install-deps.sh              install whatever is missing (as root)
#   install-deps.sh --if-missing the same, but needs no root when nothing is missing
#   install-deps.sh --list       print what is missing and exit 1 if anything is
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PACKAGES=(build-essential make gcc libc6-dev bc kmod cpio xz-utils gzip sparse clang libclang-rt-14-dev
	cppcheck linux-source-6.1
	qemu-system-x86 busybox-static socat ethtool python3 hyperv-daemons
	debootstrap e2fsprogs lintian file
	fio sg3-utils lsscsi liburing-dev util-linux
	iperf3 tcpdump iproute2 iputils-ping
	libpng-dev libdrm-tests)
# fuzz coverage reports (tests/fuzz/Makefile coverage): llvm-profdata and llvm-cov
PACKAGES+=(llvm-14)
# input: evtest, copied into the guest by tests/e2e/t_console_input.sh
PACKAGES+=(evtest)
# kexec and kdump: kexec-tools, copied into the guest by tests/e2e/t_kexec.sh
PACKAGES+=(kexec-tools)
# Secure Boot (tests/install/t_secure_boot.sh): OVMF's secure-boot firmware and varstores,
# virt-fw-vars to enrol the DKMS MOK (bookworm-backports only), a vfat ESP made with mtools
PACKAGES+=(ovmf python3-virt-firmware dosfstools mtools)
# the debug guest kernel (scripts/debug-kernel.sh): kconfig's parsers and objtool's libelf
PACKAGES+=(flex bison libelf-dev)

missing_packages() {
	local p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			echo "$p"
	done
}

# A kernel series counts when an image and its headers are both installed.
have_series() {
	[ -n "$(NEED_IMAGE=1 "$TOP/scripts/kvers.sh" series "$1")" ]
}

# Debian 12's own hyperv-daemons (6.1) is the one with hv_fcopy_daemon, which t_fcopy
# runs; the backports one (6.12) dropped it.
have_bookworm_daemons() {
	[ -x /usr/sbin/hv_fcopy_daemon ]
}

missing_all() {
	missing_packages
	have_bookworm_daemons || echo "hyperv-daemons-6.1"
	have_series 6.1 || echo "kernel-6.1"
	have_series 6.12 || echo "kernel-6.12"
	[ -e /usr/src/linux-source-6.12.tar.xz ] || echo "linux-source-6.12"
}

case "${1:-}" in
--list)
	m=$(missing_all)
	[ -z "$m" ] && exit 0
	echo "$m"
	exit 1
	;;
--if-missing)
	m=$(missing_all)
	if [ -z "$m" ]; then
		echo "install-deps: nothing missing"
		exit 0
	fi
	echo "install-deps: missing: $(echo $m)"
	;;
"") ;;
*)
	echo "usage: $0 [--if-missing | --list]" >&2
	exit 2
	;;
esac

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: run as root (apt-get is needed)" >&2
		exit 1
	fi
}

# Prints the URI of the first apt source that serves Debian's "bookworm" suite.
debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") s = 1 }
			/^$/ { if (u != "" && s && !done) { print u; done = 1 } u = ""; s = 0 }
			END { if (u != "" && s && !done) print u }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
}

add_backports() {
	local list=/etc/apt/sources.list.d/hvis-backports.list mirror
	[ -f "$list" ] && return 0
	mirror=$(debian_mirror)
	if [ -z "$mirror" ]; then
		echo "install-deps: no apt source for bookworm found; add one and rerun" >&2
		exit 1
	fi
	echo "deb $mirror bookworm-backports main" >"$list"
	APT_UPDATED=
}

APT_UPDATED=
apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ -z "$APT_UPDATED" ]; then
		echo "install-deps: apt-get update"
		apt-get update -qq
		APT_UPDATED=1
	fi
	echo "install-deps: installing ${missing[*]}"
	# kexec-tools only serves the guests: this machine's own reboots must not kexec.
	echo 'kexec-tools kexec-tools/load_kexec boolean false' | debconf-set-selections
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_root
add_backports

apt_install "${PACKAGES[@]}"

# Installs the headers of an installed image that has none, when apt knows them.
headers_for_images() {
	local v
	for v in /lib/modules/"$1".*/; do
		v=$(basename "$v")
		[ -e "/boot/vmlinuz-$v" ] && [ ! -e "/lib/modules/$v/build/Makefile" ] || continue
		apt-cache show "linux-headers-$v" >/dev/null 2>&1 && apt_install "linux-headers-$v"
	done
	return 0
}

# The 6.12 kernel and its headers from bookworm-backports, pinned to the newest one there.
headers_for_images 6.12
if ! have_series 6.12; then
	[ -z "$APT_UPDATED" ] && { apt-get update -qq; APT_UPDATED=1; }
	echo "install-deps: installing the 6.12 kernel from bookworm-backports"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports linux-image-amd64 linux-headers-amd64 >/dev/null
	# bookworm's 6.1 metapackage was replaced by the backports one: keep a 6.1 image too.
fi
# 6.12's sources: lint's checkpatch.pl is the newest one installed (its rules are a
# superset), and upstream's 6.12-era tools/hv are built from them.
if [ ! -e /usr/src/linux-source-6.12.tar.xz ]; then
	[ -z "$APT_UPDATED" ] && { apt-get update -qq; APT_UPDATED=1; }
	echo "install-deps: installing linux-source-6.12 from bookworm-backports"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports linux-source-6.12 >/dev/null
fi
headers_for_images 6.1
if ! have_series 6.1; then
	[ -z "$APT_UPDATED" ] && { apt-get update -qq; APT_UPDATED=1; }
	v=$(apt-cache depends -t bookworm linux-image-amd64=$(apt-cache madison linux-image-amd64 |
		awk '$6 == "bookworm/main" || $5 ~ /^bookworm\// {print $3; exit}') 2>/dev/null |
		awk '/Depends: linux-image-6/ {print $2; exit}')
	[ -n "$v" ] && apt_install "$v" "${v/image/headers}"
fi
if ! have_bookworm_daemons; then
	[ -z "$APT_UPDATED" ] && { apt-get update -qq; APT_UPDATED=1; }
	v=$(apt-cache madison hyperv-daemons | awk '$3 ~ /^6\.1\./ { print $3; exit }')
	if [ -n "$v" ]; then
		echo "install-deps: installing hyperv-daemons $v (Debian 12's, with hv_fcopy_daemon)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			--allow-downgrades "hyperv-daemons=$v" >/dev/null
	else
		echo "install-deps: no 6.1 hyperv-daemons in apt; t_fcopy will skip hv_fcopy_daemon" >&2
	fi
fi
echo "install-deps: kernels: $("$TOP/scripts/kvers.sh" test)"
