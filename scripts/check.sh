#!/bin/bash
# check.sh: what `make check` runs.  Installs what is missing, builds everything, then
# runs each stage and sums their TAP results into one last line, "N passed, N failed".
#
#   build     modules for every test kernel, the userspace tools     (one point each)
#   unit      tests/unit (make run; it also runs the tools' tests)   (their TAP points)
#   fuzz      tests/fuzz smoke runs                                  (their TAP points)
#   lint      scripts/lint.sh: checkpatch, W=1 + sparse, cppcheck    (their TAP points)
#   selftest  tests/qemu/selftest.sh on each kernel                  (one point per kernel)
#   e2e       tests/e2e/t_*.sh (tier below)                          (one point per test)
#   package   tests/install/package.sh: make deb, lintian, contents  (their TAP points)
#   install   tests/install/t_dkms_install.sh (tier below): apt      (one point per test
#             install into a debootstrapped Debian 12 guest, boot,    and kernel)
#             upgrade, remove (about 5 min per kernel, +2 min the
#             first time, for the root fs cached in $HVIS_CACHE); in tier
#             all also tests/install/t_kdump.sh (a crash dump by Debian's
#             kdump-tools to the hvis root disk),
#             tests/install/t_secure_boot.sh (the guest under OVMF with
#             Secure Boot on, the DKMS MOK enrolled) and
#             tests/install/t_static_ip_persist.sh (a host-injected static
#             IP survives a reboot under ifupdown and NetworkManager)
#
# CHECK_TIER=check (make check, the default) runs every e2e test on the newest kernel and
# the tests marked "# kernels: all" on the others (tests/e2e/run.sh), and the install test
# on the newest kernel only; CHECK_TIER=all (make check-all) runs the whole matrix.
# CHECK_STAGES limits the stages (e.g. CHECK_STAGES="build unit").  The full output is
# also written to build/check.log.  Budget: make check stays under 40 minutes on a
# 2-core machine (README, "Test budget").
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
STAGES=${CHECK_STAGES:-build unit fuzz lint selftest e2e package install}
mkdir -p build
exec 3>&1 4>&2 > >(tee build/check.log) 2>&1
TEE_PID=$!
# Hands the terminal back and lets tee finish, so the last line is really last.
finish() {
	exec 1>&3 2>&4 3>&- 4>&-
	wait "$TEE_PID" 2>/dev/null
	exit "$1"
}

t_all=$SECONDS
if ! scripts/install-deps.sh --if-missing; then
	echo "check: installing dependencies failed (as root: make deps)"
	echo "0 passed, 1 failed"
	finish 1
fi
KVERS=${KVERS:-$(scripts/kvers.sh test)}
TIER=${CHECK_TIER:-check}
NEWEST=$(tr ' ' '\n' <<<"$KVERS" | sort -V | tail -n 1)
INSTALL_KVERS=$KVERS
INSTALL_TESTS=(-t tests/install/t_dkms_install.sh)
if [ "$TIER" = check ]; then
	INSTALL_KVERS=$NEWEST
else
	INSTALL_TESTS+=(-t tests/install/t_kdump.sh -t tests/install/t_secure_boot.sh
		-t tests/install/t_static_ip_persist.sh)
fi
echo "check: kernels: $KVERS (tier $TIER; install test on: $INSTALL_KVERS)"

PASSED=0 FAILED=0 SKIPPED=0 SUMMARY=()

# stage NAME CMD...: runs CMD, shows its output, counts the TAP points it printed.
# A command that fails without printing a failing point counts as one failure.
stage() {
	local name=$1 log=build/check-$1.log t0=$SECONDS rc p f s
	shift
	echo
	echo "==== $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$log" | head -n1)
	s=$(grep -cE '^ok [0-9]+.*# SKIP' "$log" | head -n1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -n1)
	p=$((p - s))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
	SUMMARY+=("$(printf '%-9s %4d passed, %d failed, %d skipped, %ds' "$name" "$p" "$f" "$s" $((SECONDS - t0)))")
}

build_all() {
	local n=0 k d
	for k in $KVERS; do
		n=$((n + 1))
		# Built with W=1 and sparse once: the lint stage reads this log instead of
		# compiling everything again (LINT_BUILD_LOGS).
		mkdir -p "build/$k"
		if scripts/build-modules.sh "$k" W=1 C=2 >"build/$k/modules-w1c2.log" 2>&1; then
			echo "ok $n - modules for $k (W=1 C=2, log build/$k/modules-w1c2.log)"
		else
			tail -20 "build/$k/modules-w1c2.log"
			rm -f "build/$k/modules-w1c2.log"
			echo "not ok $n - modules for $k"
		fi
	done
	for d in tools/*/; do
		[ -f "$d/Makefile" ] || continue
		n=$((n + 1))
		if make -j"$(nproc)" -C "$d"; then echo "ok $n - ${d%/}"; else echo "not ok $n - ${d%/}"; fi
	done
	echo "1..$n"
}

for s in $STAGES; do
	case $s in
	build) stage build build_all ;;
	# Builds in parallel (the fake host's ASan test binaries are most of the stage);
	# the tests themselves still run one after another, their TAP in order.
	unit) [ -f tests/unit/Makefile ] && stage unit make --no-print-directory -j"$(nproc)" -C tests/unit run ;;
	fuzz) [ -f tests/fuzz/Makefile ] && stage fuzz make --no-print-directory -j"$(nproc)" -C tests/fuzz smoke ;;
	lint) [ -x scripts/lint.sh ] && KVERS=$KVERS LINT_BUILD_LOGS=1 stage lint scripts/lint.sh ;;
	selftest) E2E_JOBS=${E2E_JOBS:-2} stage selftest tests/e2e/run.sh -t tests/qemu/selftest.sh $KVERS ;;
	e2e) E2E_JOBS=${E2E_JOBS:-2} stage e2e tests/e2e/run.sh --tier "$TIER" $KVERS ;;
	package) stage package tests/install/package.sh $KVERS ;;
	install) E2E_TIMEOUT=${INSTALL_TIMEOUT:-1800} stage install \
		tests/e2e/run.sh "${INSTALL_TESTS[@]}" $INSTALL_KVERS ;;
	*)
		echo "not ok - unknown stage $s"
		FAILED=$((FAILED + 1))
		;;
	esac
done

echo
echo "==== summary ($((SECONDS - t_all))s)"
printf '%s\n' "${SUMMARY[@]}"
line="$PASSED passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && line+=", $SKIPPED skipped"
echo "$line"
[ "$FAILED" = 0 ]
finish $?
