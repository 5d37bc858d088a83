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
#   Each test sees its tier as HVIS_E2E_TIER: a campaign (reload rounds, cycles) runs a
#   shorter version in check and the whole one in all (lib.sh by_tier).
#
# E2E_JOBS=N runs N tests at once (default 1).  Guests mostly wait (sleeps, timeouts,
# the host's pace), so two lanes on two cores finish the check tier much sooner; each
# test's output is then printed whole when it ends.
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
jobs=${E2E_JOBS:-1}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: E2E_JOBS must be a positive number" >&2; exit 2; }
out_dir=$(mktemp -d "${TMPDIR:-/tmp}/hvis-e2e.XXXXXX")
trap 'rm -rf "$out_dir"' EXIT

# run_pair I: runs pair I; its output goes to stdout (one lane) or to $out_dir/I.out.
run_pair() {
	local k=${pairs[$1]%% *} t=${pairs[$1]#* } t0 rc
	t0=$(date +%s%N)
	KVER=$k TEST_NAME=$(basename "${t%.sh}") HVIS_E2E_TIER=$tier timeout -k 10 "${E2E_TIMEOUT:-600}" "$t" "$k" 2>&1 |
		sed -u -e 's/\r//' -e '/^#/!s/^/# /'
	rc=${PIPESTATUS[0]}
	awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }' >"$out_dir/$1.secs"
	echo "$rc" >"$out_dir/$1.rc"
}

# verdict I: the TAP line of a finished pair.
verdict() {
	local k=${pairs[$1]%% *} t=${pairs[$1]#* } rc secs name
	name=$(basename "${t%.sh}")
	rc=$(cat "$out_dir/$1.rc") secs=$(cat "$out_dir/$1.secs")
	n=$((n + 1))
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
}

if [ "$jobs" = 1 ]; then
	for i in "${!pairs[@]}"; do
		k=${pairs[$i]%% *} t=${pairs[$i]#* }
		echo "# $(basename "${t%.sh}") on $k"
		run_pair "$i"
		verdict "$i"
	done
else
	# E2E_JOBS lanes: each test's output is printed whole when it ends, in the order
	# tests end; a line says when each starts.  The longest tests (by their last run's
	# time, kept in the cache directory; a test not timed yet counts as long) start
	# first, so the lanes end together.
	times=
	times_dir=$("$TOP/scripts/cache-dir.sh" e2e 2>/dev/null) && times=$times_dir/times
	mapfile -t order < <(for i in "${!pairs[@]}"; do
		k=${pairs[$i]%% *} name=$(basename "${pairs[$i]#* }" .sh)
		secs=$(awk -v k="$k" -v t="$name" '$1 == k && $2 == t { s = $3 } END { print s + 0 }' \
			"$times" 2>/dev/null)
		[ "${secs:-0}" = 0 ] && secs=100000
		echo "$secs $i"
	done | sort -rn -k1,1 | awk '{ print $2 }')
	echo "# $jobs lanes"
	next=0 running=()
	while [ $next -lt ${#pairs[@]} ] || [ ${#running[@]} -gt 0 ]; do
		while [ ${#running[@]} -lt "$jobs" ] && [ $next -lt ${#pairs[@]} ]; do
			i=${order[$next]}
			k=${pairs[$i]%% *} t=${pairs[$i]#* }
			echo "# started: $(basename "${t%.sh}") on $k"
			run_pair "$i" >"$out_dir/$i.out" 2>&1 &
			running+=("$i")
			next=$((next + 1))
		done
		wait -n 2>/dev/null || true
		still=()
		for i in "${running[@]}"; do
			if [ -e "$out_dir/$i.rc" ]; then
				k=${pairs[$i]%% *} t=${pairs[$i]#* }
				echo "# $(basename "${t%.sh}") on $k"
				cat "$out_dir/$i.out"
				verdict "$i"
				[ -n "$times" ] && printf '%s %s %s\n' "$k" "$(basename "${t%.sh}")" \
					"$(cat "$out_dir/$i.secs")" >>"$times.new"
			else
				still+=("$i")
			fi
		done
		running=("${still[@]}")
	done
	# The times of this run win over older ones of the same test and kernel.
	if [ -n "$times" ] && [ -s "$times.new" ]; then
		{ [ -f "$times" ] && cat "$times"; cat "$times.new"; } |
			awk '{ s[$1 " " $2] = $3 } END { for (p in s) print p, s[p] }' >"$times.tmp" &&
			mv "$times.tmp" "$times"
		rm -f "$times.new"
	fi
fi
echo "# total $((SECONDS - t_start))s"
summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
