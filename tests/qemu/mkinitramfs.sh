#!/bin/bash
# mkinitramfs.sh KVER OUT: the initramfs the QEMU tests boot, as a gzip'd cpio.
#
# Contents: busybox-static with all its applet links; /init, the agent and the rest of
# tests/qemu/guest/; the hvis .ko files built for KVER (build/<KVER>/src/drivers/*/,
# see scripts/build-modules.sh) under /lib/modules/<KVER>/extra; the kernel's own
# modules they depend on plus any named in tests/qemu/kmods.list or $HVIS_GUEST_KMODS,
# decompressed, with modules.dep from depmod; host programs named in $HVIS_GUEST_TOOLS
# with their libraries (below).  Images are cached in build/initramfs/
# by a hash of their contents, so a rerun with nothing changed only re-stages files.
set -euo pipefail

KVER=${1:?usage: mkinitramfs.sh KVER OUT}
OUT=${2:?usage: mkinitramfs.sh KVER OUT}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
GUEST=$TOP/tests/qemu/guest
KO_DIR=${HVIS_KO_DIR:-$TOP/build/$KVER/src}
# HVIS_KROOT: a debug kernel's cache directory (scripts/debug-kernel.sh), else the host's.
KMODS=${HVIS_KROOT:-}/lib/modules/$KVER
CACHE=$TOP/build/initramfs

[ -x /bin/busybox ] || { echo "mkinitramfs: /bin/busybox missing (busybox-static)" >&2; exit 1; }
[ -d "$KMODS" ] || { echo "mkinitramfs: no $KMODS" >&2; exit 1; }

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/hvis-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$CACHE"

# Busybox and its applets.
mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,lib/modules/"$KVER"/extra}
cp /bin/busybox "$STAGE/bin/busybox"
# One perl for the ~400 links (perl-base is essential): an ln per applet took seconds.
/bin/busybox --list-full | STAGE=$STAGE perl -ne 'chomp; my $l = "$ENV{STAGE}/$_";
	-e $l or -l $l or symlink("/bin/busybox", $l) or die "mkinitramfs: $l: $!\n"'

# The guest side of the harness.
install -m 755 "$GUEST/init" "$STAGE/init"
install -m 755 "$GUEST/hvis-agent" "$GUEST/hvis-hotplug" "$STAGE/sbin/"
install -m 755 "$GUEST/rc.sysinit" "$GUEST/rc.shutdown" "$STAGE/etc/"
install -m 644 "$GUEST/inittab" "$STAGE/etc/inittab"
# Userspace tools the guest runs, linked statically (the guest has no libc).
GUEST_TOOLS=(lsvmbus)
for t in "${GUEST_TOOLS[@]}"; do
	src=$TOP/tools/$t/$t.c
	bin=$TOP/build/guest-bin/$t
	[ -f "$src" ] || continue
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		mkdir -p "$(dirname "$bin")"
		${CC:-gcc} -static -O2 -std=gnu11 -o "$bin" "$src" ||
			{ echo "mkinitramfs: building $t for the guest failed" >&2; exit 1; }
	fi
	install -m 755 "$bin" "$STAGE/usr/bin/$t"
done
# Tools with a `guest` make target build static binaries into build/guest-bin/<dir>/.
for d in timesync kvpd balloon vssd fcopyd; do
	[ -f "$TOP/tools/$d/Makefile" ] || continue
	make -s -C "$TOP/tools/$d" guest GUEST_BIN="$TOP/build/guest-bin" >&2 ||
		{ echo "mkinitramfs: building tools/$d for the guest failed" >&2; exit 1; }
	install -m 755 "$TOP/build/guest-bin/$d"/* "$STAGE/usr/sbin/"
done
# Debian's Hyper-V daemons (package hyperv-daemons), so tests can run them against the
# hvis drivers, and the network tools a user checks a NIC with (ethtool, socat), if
# installed, with their shared libraries.
for b in /usr/sbin/hv_kvp_daemon /usr/sbin/hv_vss_daemon /usr/sbin/hv_fcopy_daemon /usr/libexec/hypervkvpd/* \
	/usr/sbin/ethtool /usr/bin/socat; do
	[ -f "$b" ] || continue
	mkdir -p "$STAGE$(dirname "$b")"
	cp -L "$b" "$STAGE$b"
	for lib in $(ldd "$b" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*'); do
		[ -e "$STAGE$lib" ] && continue
		mkdir -p "$STAGE$(dirname "$lib")"
		cp -L "$lib" "$STAGE$lib"
	done
done
# Programs a test asks for by name or path in $HVIS_GUEST_TOOLS (the storage tests: fio,
# sg_inq, lsscsi, mkfs.ext4, ...), with their shared libraries.  A copy replaces any
# busybox applet of the same name, and /etc/hvis-tools.sh (which the agent sources before
# each command) defines a function of that name, since busybox sh would run its applet.  Two names are bundles: `udev` is Debian's udevd and udevadm, scsi_id and the
# rules that make /dev/disk/by-id (tests start it with guest_start_udev); mkfs.ext4 and
# mke2fs bring /etc/mke2fs.conf.  The image's hash covers every file, so a different
# list is a different cached image.
copy_prog() { # host path, copied to the same path
	local b=$1 lib
	mkdir -p "$STAGE$(dirname "$b")"
	rm -f "$STAGE$b"
	cp -L "$b" "$STAGE$b"
	for lib in $(ldd "$b" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*'); do
		[ -e "$STAGE$lib" ] && continue
		mkdir -p "$STAGE$(dirname "$lib")"
		cp -L "$lib" "$STAGE$lib"
	done
}
applets=$(/bin/busybox --list)
for t in ${HVIS_GUEST_TOOLS:-}; do
	case $t in
	udev)
		copy_prog /bin/udevadm
		mkdir -p "$STAGE/lib/systemd" "$STAGE/usr/lib/udev/rules.d"
		ln -sf /bin/udevadm "$STAGE/lib/systemd/systemd-udevd"
		copy_prog /usr/lib/udev/scsi_id
		# udev runs rule programs from its libexec directory, /lib/udev on Debian (merged
		# /usr there, not in this image).
		mkdir -p "$STAGE/lib/udev"
		ln -sf /usr/lib/udev/scsi_id "$STAGE/lib/udev/scsi_id"
		for r in 60-block.rules 60-persistent-storage.rules; do
			cp /usr/lib/udev/rules.d/$r "$STAGE/usr/lib/udev/rules.d/"
		done
		continue
		;;
	*/*) path=$t ;;
	*) path=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$t" || true) ;;
	esac
	[ -n "$path" ] && [ -x "$path" ] || { echo "mkinitramfs: guest tool $t not found on this host" >&2; exit 1; }
	name=${path##*/}
	for d in bin sbin usr/bin usr/sbin; do
		[ -L "$STAGE/$d/$name" ] && rm -f "$STAGE/$d/$name"
	done
	copy_prog "$path"
	# Debian's busybox shell runs its own applet for a bare name before searching PATH
	# (FEATURE_SH_STANDALONE): a function, which comes first, names the real program.
	# (Not `busybox --list | grep -q`: grep's early exit fails the pipe under pipefail.)
	grep -qx -- "$name" <<<"$applets" &&
		echo "$name() { $path \"\$@\"; }" >>"$STAGE/etc/hvis-tools.sh"
	case $name in mkfs.ext* | mke2fs) cp /etc/mke2fs.conf "$STAGE/etc/" ;; esac
done
echo "root:x:0:0:root:/root:/bin/sh" >"$STAGE/etc/passwd"
echo "root:x:0:" >"$STAGE/etc/group"

# Copies one kernel module (maybe compressed) and, through modules.dep, its dependencies.
declare -A copied
copy_kmod() {
	local name=$1 rel dep
	name=${name//-/_}
	[ -n "${copied[$name]:-}" ] && return 0
	copied[$name]=1
	rel=$(awk -v n="$name" '{
		f = $1; sub(/:$/, "", f); b = f; sub(/.*\//, "", b); sub(/\.ko.*/, "", b)
		gsub(/-/, "_", b); if (b == n) { print; exit } }' "$KMODS/modules.dep")
	if [ -z "$rel" ]; then
		# Built in (modules.builtin spells it with - or _, as its source file does).
		grep -q "/${name//_/[-_]}\.ko" "$KMODS/modules.builtin" 2>/dev/null && return 0
		echo "mkinitramfs: kernel module $name not found for $KVER" >&2
		return 1
	fi
	local file=${rel%%:*}
	mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$file")"
	case $file in
	*.xz) xz -dc "$KMODS/$file" >"$STAGE/lib/modules/$KVER/${file%.xz}" ;;
	*.zst) zstd -qdc "$KMODS/$file" >"$STAGE/lib/modules/$KVER/${file%.zst}" ;;
	*.gz) gzip -dc "$KMODS/$file" >"$STAGE/lib/modules/$KVER/${file%.gz}" ;;
	*) cp "$KMODS/$file" "$STAGE/lib/modules/$KVER/$file" ;;
	esac
	for dep in ${rel#*:}; do
		dep=${dep##*/}
		copy_kmod "${dep%%.ko*}"
	done
}

# hvis modules, and whatever of the kernel's they need.
hvis_names=()
if [ -d "$KO_DIR/drivers" ]; then
	while IFS= read -r ko; do
		cp "$ko" "$STAGE/lib/modules/$KVER/extra/"
		hvis_names+=("$(basename "$ko" .ko)")
	done < <(find "$KO_DIR/drivers" -name '*.ko' | sort)
fi
want=()
[ -f "$TOP/tests/qemu/kmods.list" ] && want+=($(sed 's/#.*//' "$TOP/tests/qemu/kmods.list"))
want+=(${HVIS_GUEST_KMODS:-})
for ko in "$STAGE/lib/modules/$KVER/extra/"*.ko; do
	[ -e "$ko" ] || continue
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		[[ " ${hvis_names[*]} " == *" $dep "* ]] || want+=("$dep")
	done
done
for m in "${want[@]}"; do
	copy_kmod "$m"
done
cp "$KMODS"/modules.builtin* "$KMODS/modules.order" "$STAGE/lib/modules/$KVER/" 2>/dev/null || true
depmod -b "$STAGE" "$KVER"

# A content hash over names, modes, link targets and file contents (one find and one
# sha256sum for all files: a fork per file cost seconds per test).
hash=$(cd "$STAGE" && {
	find . \( -type l -printf 'L %p %l\n' \) -o \( -type f -printf 'F %p %m\n' \) \
		-o -printf 'D %p\n' | LC_ALL=C sort
	find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
} | sha256sum | cut -c1-16)
image=$CACHE/$KVER-$hash.cpio.gz

# /dev/console as a hand-written newc entry, so no mknod (root) is needed.
newc() { # name mode rdevmajor rdevminor
	local name=$1 mode=$2 maj=$3 min=$4 n hdr pad
	n=$((${#name} + 1))
	printf -v hdr '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 "$mode" 0 0 1 0 0 0 0 "$maj" "$min" "$n" 0
	printf '%s%s\0' "$hdr" "$name"
	pad=$(((4 - (110 + n) % 4) % 4))
	head -c "$pad" /dev/zero
}

# Builds the cached image (atomically: parallel e2e lanes may build the same one).
build_image() {
	local tmp=$image.tmp.$$
	{
		newc dev $((0040755)) 0 0
		newc dev/console $((0020600)) 5 1
		newc TRAILER!!! 0 0 0
		(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
	} | gzip -1 >"$tmp"
	mv "$tmp" "$image"
	# Keep the cache small: the newest twelve images per kernel (tests add variants).
	ls -t "$CACHE/$KVER"-*.cpio.gz 2>/dev/null | tail -n +13 | xargs -r rm -f
}

[ -s "$image" ] || build_image
mkdir -p "$(dirname "$OUT")"
# Another lane's eviction may remove the image between the test and the link: build again.
ln -f "$image" "$OUT" 2>/dev/null || cp "$image" "$OUT" 2>/dev/null ||
	{ build_image && cp "$image" "$OUT"; } || { echo "mkinitramfs: cannot write $OUT" >&2; exit 1; }
echo "mkinitramfs: $OUT ($KVER, $(du -k "$image" | cut -f1) KiB, modules: ${hvis_names[*]:-none})" >&2
