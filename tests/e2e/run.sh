#!/bin/bash
# run.sh [--tier check|all] [-t TEST]... [KVER...]: runs QEMU tests on each kernel, prints TAP.
#
# Tests default to every tests/e2e/t_*.sh; -t names one (a path, or a bare name such as
# t_boot).  Kernels default to the newest installed 6.1 and 6.12.  Each test is run as
# `TEST KVER` with a time limit (E2E_TIMEOUT, default 600 s); exit 0 is a pass, 77 a
# skip, anything else a failure.  The last line is "N passed, N failed[, N skipped]".
#
# Tiers (E2E_TIER or --tier; default all):
#   all     every test on every kernel (make check-all, make e2e)
#   check   every test on the newest kernel; on the older kernels only the tests whose
#           header has the line "# kernels: all" (the ones whose behaviour depends on
#           kernel APIs that differ between 6.1 and 6.12).  What make check runs.
#           A test whose header has the line "# tier: all" (a smoke test that a bigger
#           test in check already covers) runs only in tier all.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
tests=()
tier=${E2E_TIER:-all}
while [ $# -gt 0 ]; do
	case $1 in
	--tier)
		tier=$2
		shift 2
		;;
	-t)
		t=$2
		[ -f "$t" ] || t=$TOP/tests/e2e/${2%.sh}.sh
		[ -f "$t" ] || { echo "run.sh: no test $2" >&2; exit 2; }
		tests+=("$t")
		shift 2
		;;
	*) break ;;
	esac
done
[ ${#tests[@]} -gt 0 ] || tests=("$TOP"/tests/e2e/t_*.sh)
kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || read -ra kvers <<<"$("$TOP/scripts/kvers.sh" test)"
[ ${#kvers[@]} -gt 0 ] || { echo "run.sh: no kernel to test (make deps)" >&2; exit 2; }
case $tier in
all | check) ;;
*) echo "run.sh: unknown tier '$tier' (check or all)" >&2; exit 2 ;;
esac
newest=$(printf '%s\n' "${kvers[@]}" | sort -V | tail -n 1)

# The (kernel, test) pairs of this tier.
pairs=()
for k in "${kvers[@]}"; do
	for t in "${tests[@]}"; do
		if [ "$tier" = check ] && [ "$k" != "$newest" ] &&
			! grep -qx '# kernels: all' "$t"; then
			continue
		fi
		[ "$tier" = check ] && grep -qx '# tier: all' "$t" && continue
		pairs+=("$k $t")
	done
done

echo "TAP version 13"
echo "1..${#pairs[@]}"
[ "$tier" = check ] && [ ${#kvers[@]} -gt 1 ] &&
	echo "# tier check: every test on $newest; on the other kernels the tests marked '# kernels: all'"
n=0 passed=0 failed=0 skipped=0 t_start=$SECONDS
for pair in "${pairs[@]}"; do
	k=${pair%% *} t=${pair#* }
	n=$((n + 1))
	name=$(basename "${t%.sh}")
	echo "# $name on $k"
	t0=$(date +%s%N)
	KVER=$k TEST_NAME=$name timeout -k 10 "${E2E_TIMEOUT:-600}" "$t" "$k" 2>&1 |
		sed -u -e 's/\r//' -e '/^#/!s/^/# /'
	rc=${PIPESTATUS[0]}
	secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	case $rc in
	0)
		echo "ok $n - $name [$k] ${secs}s"
		passed=$((passed + 1))
		;;
	77)
		echo "ok $n - $name [$k] # SKIP"
		skipped=$((skipped + 1))
		;;
	*)
		[ "$rc" = 124 ] && echo "# timed out after ${E2E_TIMEOUT:-600}s"
		echo "not ok $n - $name [$k] ${secs}s"
		failed=$((failed + 1))
		;;
	esac
done
echo "# total $((SECONDS - t_start))s"
summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
