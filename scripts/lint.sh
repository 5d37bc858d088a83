#!/bin/bash
# lint.sh: the quality gates, as one command (`make lint`).
#
#   checkpatch.pl --strict   on every kernel-side source (taken from Debian's linux-source)
#   sparse (C=2) and W=1     module builds on every test kernel: any diagnostic fails
#   cppcheck                 on the userspace C (lib/, tools/, tests/)
#
# Prints TAP, one point per gate and kernel; exits non-zero if any gate fails.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
source scripts/tap.sh
KVERS=${KVERS:-$(scripts/kvers.sh test)}
CP_DIR=$TOP/build/checkpatch

# checkpatch.pl and its data files, unpacked once from the newest linux-source tarball.
get_checkpatch() {
	local tarball top
	[ -x "$CP_DIR/scripts/checkpatch.pl" ] && return 0
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$tarball" ]; then
		echo "# lint: no /usr/src/linux-source-*.tar.xz (run: make deps)" >&2
		return 1
	fi
	top=$(basename "$tarball" .tar.xz)
	mkdir -p "$CP_DIR"
	tar -C "$CP_DIR" --strip-components=1 -xJf "$tarball" \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
}

kernel_sources() {
	git ls-files -co --exclude-standard -- 'drivers/*.c' 'drivers/*.h' 'include/hvis/*.h' \
		'lib/*.c' 'lib/*.h' ':!include/hvis/types_user.h' | grep -v '\.mod\.c$'
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

if get_checkpatch; then
	# types.h defines u8..u64 for userspace builds of the shared headers: the one
	# place that needs new typedefs.  Files are read whole (-f), not as a patch.
	# The kernel's page-type setters (__SetPageOffline, include/linux/page-flags.h)
	# are CamelCase; checkpatch exempts Page<Foo> names only without the "__".  So is
	# the SCSI midlayer's struct Scsi_Host (include/scsi/scsi_host.h).
	# One checkpatch per CPU, a few files each (it is slow per file, and serial); each
	# writes its own file, so no two outputs are interleaved in one pipe.
	cp_out=$(mktemp -d)
	kernel_sources | xargs -P "$(nproc)" -n 8 sh -c 'out=$(mktemp -p "$0"); "$@" >"$out" 2>&1' \
		"$cp_out" "$CP_DIR/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types --quiet --ignore NEW_TYPEDEFS,FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f
	cat "$cp_out"/* | grep -E ': (ERROR|WARNING|CHECK):' |
		grep -vE 'CAMELCASE: Avoid CamelCase: <(__(Set|Clear)Page[A-Z][a-z]+|Scsi_Host)>' >"$log"
	rm -rf "$cp_out"
	! grep -q . "$log"
	point $? "checkpatch --strict on $(kernel_sources | wc -l) kernel-side files" "$log"
else
	point 1 "checkpatch --strict (checkpatch.pl not found)"
fi

# With LINT_BUILD_LOGS=1 (make check), the build stage's W=1 C=2 log of each kernel is
# used when it is newer than every module source; else the modules are built here.
fresh_build_log() {
	local f=$TOP/build/$1/modules-w1c2.log
	[ "${LINT_BUILD_LOGS:-}" = 1 ] && [ -f "$f" ] || return 1
	[ -z "$(find "$TOP/Kbuild" "$TOP/include" "$TOP/lib" "$TOP/drivers" "$TOP/compat" \
		-newer "$f" -print -quit 2>/dev/null)" ]
}
for k in $KVERS; do
	if fresh_build_log "$k"; then
		cp "$TOP/build/$k/modules-w1c2.log" "$log"
		rc=0
	else
		scripts/build-modules.sh "$k" W=1 C=2 >"$log" 2>&1
		rc=$?
	fi
	# Anything but Kbuild's progress lines and the vmlinux-less BTF note is a finding.
	grep -v -e '^  [A-Z]' -e '^make' -e 'Skipping BTF generation' -e '^\s*$' "$log" >"$log.f"
	[ $rc = 0 ] && ! grep -q . "$log.f"
	point $? "W=1 and sparse (C=2) clean on $k" "$log.f"
	rm -f "$log.f"
done

if command -v cppcheck >/dev/null; then
	cppcheck --quiet -j "$(nproc)" --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--std=c11 -D__GNUC__ -Iinclude -Ilib \
		lib $(ls -d tools tests/unit tests/fuzz 2>/dev/null) >"$log" 2>&1
	point $? "cppcheck on the userspace C" "$log"
fi

tap_end
