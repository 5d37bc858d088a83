#!/bin/bash
# debug-kernel.sh: builds (once) and caches a guest kernel with sanitizers for the harness.
#
#   debug-kernel.sh [6.12|6.1]          build if not cached; prints the cache directory last
#   debug-kernel.sh --resolve debug-X   prints "RELEASE DIR" of the cached build of series X
#                                       (what KVER=debug-X means to the harness); fails,
#                                       saying how to build it, when there is none
#
# The source is Debian's /usr/src/linux-source-X.tar.xz; the configuration is `make
# defconfig` + kvm_guest.config + scripts/debug-kernel.config (KASAN, UBSAN, KFENCE,
# lockdep, debug objects, kmemleak, hung-task and soft-lockup detectors, and what the
# guests need).  Everything lives outside the clone, in
#   $(scripts/cache-dir.sh kernels)/X-HASH/      HASH: fragment + this script + source
#       linux/                    the built tree (KDIR for external modules)  version + gcc
#       boot/vmlinuz-RELEASE      bzImage (+ config-RELEASE, System.map-RELEASE)
#       lib/modules/RELEASE/      modules_install (build -> ../../../linux)
#       build.log, release, ok    make's output; kernel release; written when complete
# RELEASE is X.Y.Z-hvisdbg-HASH8, so hvis builds and initramfs images of two configs
# never mix.  A run holds a lock per key: a second run waits instead of building twice.
# A failed build keeps its tree; the next run resumes it.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
FRAGMENT=$TOP/scripts/debug-kernel.config

usage() {
	echo "usage: $0 [6.12|6.1] | --resolve debug-6.12|debug-6.1" >&2
	exit 2
}

resolve=
if [ "${1:-}" = --resolve ]; then
	resolve=1
	case ${2:-} in debug-*) series=${2#debug-} ;; *) usage ;; esac
else
	series=${1:-6.12}
fi
case $series in 6.1 | 6.12) ;; *) usage ;; esac
TARBALL=/usr/src/linux-source-$series.tar.xz

# The cache key: what decides the built kernel.
src_version=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null || true)
hash=$({
	cat "$FRAGMENT" "$0"
	echo "$src_version"
	gcc --version | head -n 1
} | sha256sum | cut -c1-12)
ROOT=$("$TOP/scripts/cache-dir.sh" kernels)
DIR=$ROOT/$series-$hash

if [ -n "$resolve" ]; then
	if [ ! -e "$DIR/ok" ]; then
		echo "debug-kernel: no debug-$series kernel built for this configuration" \
			"(expected in $DIR); build it: make debug-kernel DEBUG_SERIES=$series" >&2
		exit 1
	fi
	echo "$(cat "$DIR/release") $DIR"
	exit 0
fi

say() { echo "debug-kernel: $*"; }
t0=$SECONDS

# One build per key at a time; a second caller waits for the first and then hits.
exec {lock}>"$ROOT/$series-$hash.lock"
if ! flock -n "$lock"; then
	say "another run is building $DIR; waiting for it"
	flock "$lock"
fi
if [ -e "$DIR/ok" ]; then
	say "cached: $(cat "$DIR/release") ($((SECONDS - t0)) s)"
	echo "$DIR"
	exit 0
fi

if [ ! -e "$TARBALL" ] || [ -z "$src_version" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "debug-kernel: $TARBALL is missing: run 'sudo make deps' (scripts/install-deps.sh)" >&2
		exit 1
	fi
	"$TOP/scripts/install-deps.sh"
	[ -e "$TARBALL" ] || { echo "debug-kernel: install-deps did not bring $TARBALL" >&2; exit 1; }
	# The key names the source version: start over with the installed one.
	exec "$0" "$series"
fi
for tool in flex bison; do
	command -v "$tool" >/dev/null ||
		{ echo "debug-kernel: $tool is missing: run 'sudo make deps'" >&2; exit 1; }
done

mkdir -p "$DIR"
SRC=$DIR/linux
LOG=$DIR/build.log
if [ ! -e "$DIR/.unpacked" ]; then
	say "unpacking $TARBALL ($src_version) into $SRC"
	rm -rf "$SRC"
	mkdir -p "$SRC"
	tar -C "$SRC" --strip-components=1 -xJf "$TARBALL"
	touch "$DIR/.unpacked"
fi

# The configuration, made in a scratch file (KCONFIG_CONFIG); .config changes only when
# the result does, so a resumed build does not start over.
release_tail=-hvisdbg-${hash:0:8}
mk() { nice -n 10 make -C "$SRC" "$@"; }
cfg=$DIR/config.work
printf 'CONFIG_LOCALVERSION="%s"\n# CONFIG_LOCALVERSION_AUTO is not set\n' "$release_tail" >"$DIR/local.config"
say "configuring (defconfig + kvm_guest.config + $(basename "$FRAGMENT"))"
(
	export KCONFIG_CONFIG=$cfg
	mk defconfig
	# Not `make kvm_guest.config`: 6.1's merges onto ./.config whatever KCONFIG_CONFIG says.
	(cd "$SRC" && scripts/kconfig/merge_config.sh -m "$cfg" kernel/configs/kvm_guest.config \
		"$FRAGMENT" "$DIR/local.config")
	mk olddefconfig
) >"$DIR/config.log" 2>&1 || {
	tail -n 20 "$DIR/config.log" >&2
	echo "debug-kernel: configuring failed (log: $DIR/config.log)" >&2
	exit 1
}
# Every line of the fragment must hold: kconfig silently drops a symbol whose
# dependencies are unmet, and a "debug" kernel without KASAN would mislead.
bad=$(sed -nE 's/^(CONFIG_[A-Z0-9_]+=.*)$/\1/p; s/^# (CONFIG_[A-Z0-9_]+) is not set$/\1=n/p' "$FRAGMENT" |
	while IFS= read -r want; do
		sym=${want%%=*}
		have=$(grep -E "^$sym=" "$cfg" || echo "$sym=n")
		[ "$have" = "$want" ] || echo "  $want (got $have)"
	done)
if [ -n "$bad" ]; then
	printf 'debug-kernel: these settings of %s did not hold after olddefconfig:\n%s\n' \
		"$FRAGMENT" "$bad" >&2
	echo "debug-kernel: fix their dependencies in the fragment and rerun" >&2
	exit 1
fi
cmp -s "$cfg" "$SRC/.config" || cp "$cfg" "$SRC/.config"
rm -f "$cfg" "$cfg.old"

# The build, with a progress line a minute (elapsed time, objects so far).
jobs=${BUILD_JOBS:-$(nproc)}
say "building $series ($src_version) with $jobs jobs, log in $LOG"
start=$(date +%s)
(
	while sleep 60; do
		say "$((($(date +%s) - start) / 60)) min, $(find "$SRC" -name '*.o' | wc -l) objects built," \
			"last: $(tail -n 1 "$LOG" | sed "s|$SRC/||" | cut -c1-60)"
	done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT
if ! mk -j"$jobs" bzImage modules >>"$LOG" 2>&1; then
	kill "$ticker" 2>/dev/null || true
	grep -E 'error|Error' "$LOG" | tail -n 15 >&2 || true
	tail -n 5 "$LOG" >&2
	echo "debug-kernel: the kernel build failed (whole log: $LOG). A missing tool or" \
		"package: run 'sudo make deps'; a configuration problem: edit $FRAGMENT." \
		"Rerunning resumes the build in $SRC." >&2
	exit 1
fi
kill "$ticker" 2>/dev/null || true

release=$(cat "$SRC/include/config/kernel.release")
say "installing $release"
rm -rf "${DIR:?}/boot" "${DIR:?}/lib"
mkdir -p "$DIR/boot"
mk INSTALL_MOD_PATH="$DIR" DEPMOD=/sbin/depmod modules_install >>"$LOG" 2>&1 ||
	{ tail -n 10 "$LOG" >&2; echo "debug-kernel: modules_install failed (log: $LOG)" >&2; exit 1; }
ln -sfn ../../../linux "$DIR/lib/modules/$release/build"
cp "$SRC/arch/x86/boot/bzImage" "$DIR/boot/vmlinuz-$release"
cp "$SRC/.config" "$DIR/boot/config-$release"
cp "$SRC/System.map" "$DIR/boot/System.map-$release"
echo "$release" >"$DIR/release"
echo "built in $((SECONDS - t0)) s on $(date -u '+%F %T') UTC" >"$DIR/ok"
say "built $release in $((SECONDS - t0)) s"
echo "$DIR"
