#!/bin/bash
# build-modules.sh KVER [KBUILD-ARGS...]: builds every hvis module for one kernel
# (KVER debug-6.12 or debug-6.1: the cached debug kernel, scripts/debug-kernel.sh).
#
# Kbuild writes objects next to the sources, so each kernel gets its own copy of the
# module sources under build/<KVER>/src; the copy keeps the files' times, so a rebuild
# only compiles what changed.  Diagnostics are rewritten to name the real source files.
# The .ko files end up in build/<KVER>/src/drivers/*/ (tests/qemu/mkinitramfs.sh takes
# them from there).  Builds with one job per CPU (BUILD_JOBS to change it).
set -euo pipefail

KVER=${1:?usage: build-modules.sh KVER [W=1] [C=2] ...}
shift
TOP=$(cd "$(dirname "$0")/.." && pwd)
# debug-6.12 / debug-6.1: the sanitizer kernel cached by scripts/debug-kernel.sh.
if [[ $KVER == debug-* ]]; then
	r=$("$TOP/scripts/debug-kernel.sh" --resolve "$KVER") || exit 1
	read -r KVER HVIS_KROOT <<<"$r"
fi
KDIR=${HVIS_KROOT:-}/lib/modules/$KVER/build
DST=$TOP/build/$KVER/src
SRC_DIRS=(Kbuild include lib drivers compat)
ARTIFACTS=('*.o' '*.ko' '*.mod' '*.mod.c' '.*.cmd' '*.a' '*.symvers' 'modules.order' '.tmp_versions')

if [ ! -e "$KDIR/Makefile" ]; then
	echo "build-modules: no headers for $KVER at $KDIR (run: make deps)" >&2
	exit 1
fi

present=()
for d in "${SRC_DIRS[@]}"; do
	[ -e "$TOP/$d" ] && present+=("$d")
done
excludes=() keep=()
for a in "${ARTIFACTS[@]}"; do
	excludes+=(--exclude="$a")
	keep+=(! -name "$a")
done

mkdir -p "$DST"
# Drop copied sources that no longer exist in the tree, then copy the tree over.
(cd "$DST" && find . -type f "${keep[@]}") |
	while read -r f; do
		[ -e "$TOP/$f" ] || rm -f "$DST/$f"
	done
tar -C "$TOP" -cf - "${excludes[@]}" "${present[@]}" | tar -C "$DST" -xf -

echo "  MODULES $KVER"
# Parallel unless the caller says otherwise (BUILD_JOBS=1 keeps diagnostics in file order).
make -j"${BUILD_JOBS:-$(nproc)}" -C "$KDIR" M="$DST" "$@" modules 2>&1 | sed -u -e "s|$DST/||g"
