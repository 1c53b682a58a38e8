#!/bin/bash
# test/tap/soak.sh: the concurrency soak's short pass (test/soak/run --ci: 8
# pgbench clients for 30 s moving products legally and illegally, recycling
# them, handing them between groups, an administrator changing groups and
# rules, MRR changes, observations and health snapshots, all at once), then
# its checks: every history replays from its entry under rules that existed,
# history rows = successful moves, no product in a group of the wrong kind,
# every snapshot row = a recomputation, every client finished, no crash.
# One test per check, and one for the run as a whole.  The long run (5 min)
# is `test/soak/run`; see test/README.md.  Needs a superuser PGUSER (the soak
# makes a schema of its own) and pgbench (postgresql-15 ships it).
. "$(dirname "$0")/tap.bash"

SECS=${SOAK_SECONDS:-30}
out=$(bash test/soak/run --time "$SECS" 2>&1)
rc=$?
checks=$(printf '%s\n' "$out" | awk -F'|' 'NF == 3 && $2 ~ /^ *[0-9]+ *$/ { print }')
n=$(printf '%s\n' "$checks" | grep -c .)
plan $((n + 1))
while IFS='|' read -r name viol example; do
	name=$(echo "$name" | sed 's/^ *//; s/ *$//')
	viol=$(echo "$viol" | tr -d ' ')
	is "$viol" 0 "$name" || diag "example: $example"
done <<<"$checks"
if [ "$rc" = 0 ]; then
	_tap_result 0 "the soak ran to the end without a failure"
else
	_tap_result 1 "the soak ran to the end without a failure"
fi
diag "$out"
