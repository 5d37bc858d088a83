#!/bin/bash
# mkdeb.sh [OUTDIR]: builds the hvis Debian packages with dpkg-deb (`make deb`).
# mkdeb.sh --guest-only [OUTDIR]: only hvis-dkms and hvis-tools.
# mkdeb.sh --dkms-root DIR: only lays out hvis-dkms's files (and DEBIAN/) under DIR, for
#   scripts/dkms-install.sh.
#
#   hvis-dkms_<v>_all.deb       module sources under /usr/src/hvis-<v>/ with a dkms.conf
#                               generated from drivers/*/Kbuild (scripts/dkms-conf.sh), the
#                               modprobe blacklist of the in-tree Hyper-V drivers, an
#                               initramfs-tools hook; maintainer scripts run DKMS and
#                               update-initramfs
#   hvis-tools_<v>_<arch>.deb   whatever `make install` of each guest-side tools/*/ installs
#                               (lsvmbus and its man page, daemons), plus the units in
#                               packaging/systemd/ and the rules in packaging/udev/
#   hvis-fakehost_<v>_<arch>.deb  the fake host, for test hosts (never installed in a guest)
#
# <v> is scripts/version.sh's (HVIS_VERSION overrides).  Sources are taken from the work
# tree (tracked and untracked files that git does not ignore), never from build products.
# Maintainer: $DEBFULLNAME <$DEBEMAIL> when set.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
DKMS_ROOT= GUEST_ONLY=
case "${1:-}" in
--dkms-root)
	DKMS_ROOT=${2:?usage: mkdeb.sh --dkms-root DIR}
	shift 2
	;;
--guest-only)
	GUEST_ONLY=1
	shift
	;;
esac
OUT=${1:-$TOP/build/deb}
VERSION=$("$TOP/scripts/version.sh")
ARCH=$(dpkg --print-architecture)
MAINTAINER="${DEBFULLNAME:-hvis developers} <${DEBEMAIL:-hvis@example.org}>"
# tools/<dir> that run on a test host, not in a guest: <dir>:<package>:<binary>.
HOST_TOOLS=("fakehost:hvis-fakehost:hvis-fakehost")
# drivers/<dir> that are not shipped (test-only drivers).
EXCLUDE_DRIVERS=${HVIS_DKMS_EXCLUDE:-test}
WORK=$TOP/build/deb/work
[ -n "$DKMS_ROOT" ] && WORK=$(mktemp -d "${TMPDIR:-/tmp}/hvis-mkdeb.XXXXXX")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || date +%s)}

log() { echo "mkdeb: $*" >&2; }

rm -rf "$WORK"
mkdir -p "$WORK"
[ -n "$DKMS_ROOT" ] || mkdir -p "$OUT"
trap 'rm -rf "$WORK"' EXIT

# The source files of the tree: tracked plus untracked-but-not-ignored.
tree_files() {
	if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$TOP" ls-files -co --exclude-standard -- "$@" |
			while IFS= read -r f; do [ -f "$TOP/$f" ] && echo "$f"; done
	else
		local paths=() ex=() a
		for a in "$@"; do
			case $a in
			:!*) a=${a#:!}; ex+=(-e "^${a%\*}") ;;
			*) paths+=("$a") ;;
			esac
		done
		(cd "$TOP" && find "${paths[@]}" \( -name build -o -name .git \) -prune -o -type f \
			! -name '*.o' ! -name '*.ko' ! -name '.*.cmd' ! -name '*.mod*' ! -name modules.order \
			! -name Module.symvers ! -name '*.a' -print | sed 's|^\./||' | grep -v "${ex[@]:--e ^$}")
	fi
}

# A clean copy of the source tree, built from nothing (no stale objects from the repo).
TREE=$WORK/tree
mkdir -p "$TREE"
tree_files . | tar -C "$TOP" -cf - -T - | tar -C "$TREE" -xf -

changelog() { # package
	{
		echo "hvis ($VERSION) unstable; urgency=medium"
		echo
		echo "  * Built from the hvis tree$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null |
			sed 's/^/ at commit /')."
		echo
		echo " -- $MAINTAINER  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
	} | gzip -9n >"$1"
}

docs() { # root package
	local d=$1/usr/share/doc/$2
	mkdir -p "$d"
	cat >"$d/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: hvis
Source: the hvis git repository

Files: *
Copyright: $(date -u -d "@$SOURCE_DATE_EPOCH" +%Y) the hvis authors
License: GPL-2
 This program is free software; you can redistribute it and/or modify it under the
 terms of the GNU General Public License version 2 as published by the Free Software
 Foundation.
 .
 On Debian systems, the complete text of the GNU General Public License version 2 can
 be found in /usr/share/common-licenses/GPL-2.
EOF
	changelog "$d/changelog.gz"
}

# Maintainer script from a template: a line "@INCLUDE FILE@" replaced by FILE (beside the
# template), then @VERSION@ substituted.
script() { # template dest
	awk -v dir="$(dirname "$1")" '
		/^@INCLUDE [A-Za-z0-9._-]+@$/ {
			f = dir "/" substr($2, 1, length($2) - 1)
			n = 0
			while ((r = (getline l <f)) > 0) { print l; n++ }
			if (r < 0 || !n) { print "mkdeb: cannot include " f >"/dev/stderr"; exit 1 }
			close(f)
			next
		}
		{ print }' "$1" | sed -e "s/@VERSION@/$VERSION/g" >"$2"
	chmod 755 "$2"
}

# control file fields that depend on the staged tree, then dpkg-deb.
build_deb() { # root package arch
	local root=$1 pkg=$2 arch=$3 deb
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort |
		xargs -r -d '\n' md5sum) >"$root/DEBIAN/md5sums"
	[ -s "$root/DEBIAN/md5sums" ] || rm -f "$root/DEBIAN/md5sums"
	echo "Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)" >>"$root/DEBIAN/control"
	find "$root" -type d -exec chmod 755 {} +
	deb=$OUT/${pkg}_${VERSION}_${arch}.deb
	rm -f "$OUT/${pkg}_"*.deb
	dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
	log "$(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
}

# ---- hvis-dkms -----------------------------------------------------------------------
R=${DKMS_ROOT:-$WORK/hvis-dkms}
SRC=$R/usr/src/hvis-$VERSION
mkdir -p "$SRC" "$R/DEBIAN"
excl=()
for d in $EXCLUDE_DRIVERS; do excl+=(":!drivers/$d/*"); done
{ echo Kbuild; tree_files compat include lib drivers "${excl[@]}"; } |
	tar -C "$TREE" -cf - -T - | tar -C "$SRC" -xf -
echo "$VERSION" >"$SRC/VERSION"
HVIS_DKMS_EXCLUDE=$EXCLUDE_DRIVERS "$TOP/scripts/dkms-conf.sh" -s "$SRC" "$VERSION" >"$SRC/dkms.conf"
modules=$(HVIS_DKMS_EXCLUDE=$EXCLUDE_DRIVERS "$TOP/scripts/dkms-conf.sh" --modules -s "$SRC" | awk '{ print $2 }')
find "$SRC" -type f -exec chmod 644 {} +
install -D -m 644 "$TOP/packaging/dkms/hvis.modprobe.conf" "$R/lib/modprobe.d/hvis.conf"
install -D -m 755 "$TOP/packaging/dkms/initramfs-hook" "$R/usr/share/initramfs-tools/hooks/hvis"
docs "$R" hvis-dkms
for s in postinst prerm postrm; do script "$TOP/packaging/dkms/$s" "$R/DEBIAN/$s"; done
cat >"$R/DEBIAN/control" <<EOF
Package: hvis-dkms
Version: $VERSION
Architecture: all
Maintainer: $MAINTAINER
Depends: dkms (>= 2.8.4), kmod
Recommends: initramfs-tools, openssl
Suggests: hvis-tools
Section: kernel
Priority: optional
Description: Hyper-V guest integration drivers (DKMS sources)
 hvis is a Hyper-V guest integration suite: its own VMBus bus driver
 (hvis_vmbus) and class drivers on top of it, built out of tree for each
 installed kernel by DKMS.
 .
 This package holds the module sources, blacklists the kernel's own
 Hyper-V drivers (hv_vmbus and its class drivers) and adds the hvis
 modules to the initramfs.  Removing it brings
 the kernel's own drivers back.
 .
 Modules:
$(echo $modules | fold -s -w 70 | sed 's/^/ /')
EOF
if [ -n "$DKMS_ROOT" ]; then
	echo "$VERSION"
	exit 0
fi
build_deb "$R" hvis-dkms all

# ---- tools ---------------------------------------------------------------------------
CFLAGS_DEB="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
LDFLAGS_DEB=$(dpkg-buildflags --get LDFLAGS)

# Strips ELF files, compresses man pages; prints the Depends of the ELF files' libraries.
finish_tree() { # root
	local root=$1 f libs=() glibc="" l p v dl=()
	while IFS= read -r -d '' f; do
		file -b "$f" | grep -q '^ELF' || continue
		strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f"
		while read -r l; do libs+=("$l"); done < <(objdump -p "$f" | awk '$1 == "NEEDED" { print $2 }')
		v=$(objdump -T "$f" | grep -oE 'GLIBC_[0-9.]+' | sed 's/GLIBC_//' | sort -V | tail -n 1)
		[ -n "$v" ] && glibc=$(printf '%s\n' "$glibc" "$v" | sed '/^$/d' | sort -V | tail -n 1)
	done < <(find "$root" -path "$root/DEBIAN" -prune -o -type f -print0)
	find "$root" -path '*/share/man/*' -type f ! -name '*.gz' -exec gzip -9n {} +
	for l in $(printf '%s\n' "${libs[@]}" | sort -u); do
		case $l in
		libc.so.* | libpthread.so.* | libm.so.* | libdl.so.* | librt.so.*) glibc=${glibc:-2.34} ;;
		*)
			p=$(dpkg -S "*/$l" 2>/dev/null | head -n 1 | cut -d: -f1)
			[ -n "$p" ] && dl+=("$p")
			;;
		esac
	done
	[ -n "$glibc" ] && dl=("libc6 (>= $glibc)" "${dl[@]}")
	(IFS=,; echo "${dl[*]}" | sed 's/,/, /g')
}

# Maintainer scripts for systemd units and udev rules a tool installed.
unit_scripts() { # root
	local root=$1 units=() u
	for u in "$root"/lib/systemd/system/*.service "$root"/usr/lib/systemd/system/*.service; do
		[ -e "$u" ] && units+=("$(basename "$u")")
	done
	local rules=
	for u in "$root"/lib/udev/rules.d/*.rules "$root"/usr/lib/udev/rules.d/*.rules; do
		[ -e "$u" ] && rules=1
	done
	[ ${#units[@]} -gt 0 ] || [ -n "$rules" ] || return 0
	{
		echo '#!/bin/sh'
		echo 'set -e'
		echo 'if [ "$1" = configure ]; then'
		[ -n "$rules" ] && echo '	udevadm control --reload-rules 2>/dev/null || true'
		for u in "${units[@]}"; do
			echo "	deb-systemd-helper unmask '$u' >/dev/null || true"
			echo "	deb-systemd-helper enable '$u' >/dev/null || true"
			echo "	if [ -d /run/systemd/system ]; then systemctl --system daemon-reload >/dev/null || true; deb-systemd-invoke restart '$u' >/dev/null || true; fi"
		done
		[ -n "$rules" ] && echo '	udevadm trigger --subsystem-match=vmbus --action=add 2>/dev/null || true'
		echo 'fi'
		echo 'exit 0'
	} >"$root/DEBIAN/postinst"
	{
		echo '#!/bin/sh'
		echo 'set -e'
		echo 'if [ -d /run/systemd/system ] && [ "$1" = remove ]; then'
		# ":" keeps the body valid when the package has udev rules but no units.
		echo '	:'
		for u in "${units[@]}"; do echo "	deb-systemd-invoke stop '$u' >/dev/null || true"; done
		echo 'fi'
		echo 'exit 0'
	} >"$root/DEBIAN/prerm"
	{
		echo '#!/bin/sh'
		echo 'set -e'
		echo 'if [ -d /run/systemd/system ]; then systemctl --system daemon-reload >/dev/null || true; fi'
		for u in "${units[@]}"; do
			echo "if [ \"\$1\" = remove ]; then deb-systemd-helper mask '$u' >/dev/null || true; fi"
			echo "if [ \"\$1\" = purge ]; then deb-systemd-helper purge '$u' >/dev/null || true; deb-systemd-helper unmask '$u' >/dev/null || true; fi"
		done
		echo 'exit 0'
	} >"$root/DEBIAN/postrm"
	chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
}

host_tool_of() { # dir -> "package binary" if it is a host tool
	local h
	for h in "${HOST_TOOLS[@]}"; do
		[ "${h%%:*}" = "$1" ] && { h=${h#*:}; echo "${h%%:*} ${h#*:}"; return 0; }
	done
	return 1
}

install_tool() { # dir root
	local dir=$1 root=$2
	CFLAGS=$CFLAGS_DEB LDFLAGS=$LDFLAGS_DEB make -s --no-print-directory -C "$TREE/tools/$dir" \
		install DESTDIR="$root" PREFIX=/usr >&2
}

T=$WORK/hvis-tools
mkdir -p "$T/DEBIAN"
declare -A host_roots host_bins
tools_in=()
for mk in "$TREE"/tools/*/Makefile; do
	[ -f "$mk" ] || continue
	dir=$(basename "$(dirname "$mk")")
	has_install=
	# The target may come from an included file (tools/daemon.mk): ask make.
	make -s --no-print-directory -C "$TREE/tools/$dir" -n install >/dev/null 2>&1 && has_install=1
	if hp=$(host_tool_of "$dir"); then
		[ -n "$GUEST_ONLY" ] && continue
		pkg=${hp% *} bin=${hp#* }
		H=$WORK/$pkg
		mkdir -p "$H/DEBIAN"
		host_roots[$pkg]=$H host_bins[$pkg]=$bin
		if [ -n "$has_install" ]; then
			install_tool "$dir" "$H"
		else
			CFLAGS=$CFLAGS_DEB make -s --no-print-directory -C "$TREE/tools/$dir" "$bin" >&2
			install -D -m 755 "$TREE/tools/$dir/$bin" "$H/usr/bin/$bin"
		fi
		continue
	fi
	[ -n "$has_install" ] || { log "tools/$dir has no install target; not packaged"; continue; }
	install_tool "$dir" "$T"
	tools_in+=("$dir")
done

# Daemons' systemd units and udev rules kept under packaging/ (unless a tool's own
# install target already put them in place).
for f in "$TREE"/packaging/systemd/*.service "$TREE"/packaging/systemd/*.socket \
	"$TREE"/packaging/systemd/*.path "$TREE"/packaging/udev/*.rules; do
	[ -f "$f" ] || continue
	case $f in
	*.rules) d=lib/udev/rules.d ;;
	*) d=lib/systemd/system ;;
	esac
	[ -e "$T/$d/${f##*/}" ] || [ -e "$T/usr/$d/${f##*/}" ] || install -D -m 644 "$f" "$T/$d/${f##*/}"
done

deps=$(finish_tree "$T")
docs "$T" hvis-tools
unit_scripts "$T"
cat >"$T/DEBIAN/control" <<EOF
Package: hvis-tools
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Depends: $deps
Suggests: hvis-dkms
Section: admin
Priority: optional
Description: Hyper-V guest integration tools (lsvmbus and daemons)
 Userspace side of the hvis Hyper-V guest integration suite: lsvmbus lists
 the VMBus devices from sysfs (with hvis or the kernel's own hv_vmbus), and
 the daemons serve the integration services that need userspace.
 .
 Built from: $(echo "${tools_in[@]}" | sed 's/ /, /g').
EOF
build_deb "$T" hvis-tools "$ARCH"

for pkg in "${!host_roots[@]}"; do
	H=${host_roots[$pkg]}
	deps=$(finish_tree "$H")
	docs "$H" "$pkg"
	# A test tool whose usage is its --help; it has no manual page yet.
	mkdir -p "$H/usr/share/lintian/overrides"
	echo "$pkg: no-manual-page [usr/bin/${host_bins[$pkg]}]" >"$H/usr/share/lintian/overrides/$pkg"
	cat >"$H/DEBIAN/control" <<EOF
Package: $pkg
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Depends: $deps
Recommends: qemu-system-x86
Section: devel
Priority: optional
Description: userspace VMBus host for testing hvis guests in QEMU
 A fake Hyper-V host for the hvis test harness: it serves a QEMU guest's
 ivshmem-doorbell device and offers VMBus devices (heartbeat, shutdown,
 echo and more) over it, with a control socket.  For test machines, not
 for guests.
EOF
	build_deb "$H" "$pkg" "$ARCH"
done
echo "$OUT"
