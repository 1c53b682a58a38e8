#!/bin/bash
# test/tap/fuzz_parsers.sh: the short libFuzzer pass over the parsing cores of
# the extension's types (test/fuzz/run: 20,000 inputs a type, clang with
# address and undefined-behaviour sanitizers, round trips checked).  Needs no
# server.  Skipped when clang is not installed (.ci/setup installs it for CI;
# test/fuzz/run alone would install it).  FUZZ_RUNS=N changes the count.
. "$(dirname "$0")/tap.bash"

command -v clang >/dev/null 2>&1 || skip_all "clang is not installed (apt-get install clang)"
types=(health survival activity survey_counts cohort_state)
plan ${#types[@]}
for t in "${types[@]}"; do
	out=$(bash "$TAP_ROOT/test/fuzz/run" "$t" 2>&1)
	rc=$?
	_tap_result "$rc" "libFuzzer on the $t parser: no crash, no sanitizer report, round trips hold"
	diag "$out"
done
