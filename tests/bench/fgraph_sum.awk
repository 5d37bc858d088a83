# fgraph_sum.awk: sums a function_graph trace (tracefs "trace", funcgraph-tail on) by
# call depth and function name.  Prints "depth name calls total_ms", one line each;
# dm_bench.sh DM_BENCH_TRACE=N uses it to show where a hot-add spends its time.
{
	if (index($0, "|") == 0) next
	split($0, a, "|")
	body = a[2]
	# duration: the last "<num> us" in the part before "|"
	if (!match(a[1], /[0-9]+\.[0-9]+ us/)) next
	d = substr(a[1], RSTART, RLENGTH); sub(/ us/, "", d)
	# depth: leading spaces of body (2 per level, after one space)
	match(body, /^ */); depth = int((RLENGTH - 1) / 2)
	name = ""
	if (match(body, /\/\* [A-Za-z0-9_.]+ \*\//)) { name = substr(body, RSTART + 3, RLENGTH - 6) }
	else if (match(body, /[A-Za-z0-9_.]+\(\);/)) { name = substr(body, RSTART, RLENGTH - 3) }
	if (name == "") next
	k = depth " " name
	n[k]++; t[k] += d
}
END { for (k in n) printf "%s %d %.1f\n", k, n[k], t[k] / 1000 }
