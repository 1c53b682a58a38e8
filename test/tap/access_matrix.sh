#!/bin/bash
# test/tap/access_matrix.sh: what every role may do with every object of the
# extension, tried, and compared with the declared policy
# (test/tap/access/policy.sql).
#
# The objects come from the catalog (members of the extension: tables,
# views, sequences, functions, aggregates); an object without a declared row,
# or a declared row naming no object, fails the test.  The roles: a
# retention_admin, two retention_reps (each the rep of groups holding rows of
# every kind), a retention_analyst and a role with none of them.  Each tries
# SELECT, INSERT, UPDATE, DELETE (on rows of its own groups and of the other
# rep's), TRUNCATE, COPY out and in (through psql's \copy) and EXECUTE (every
# function, with sample arguments), each in a subtransaction rolled back; the
# privilege functions cover the rest.  Also: only reviewed functions are
# LEAKPROOF, none is SECURITY DEFINER, and the extension's NOTIFY carries no
# payload.  Files: test/tap/access/{setup,samples,policy,machinery,compare}.sql.
. "$(dirname "$0")/tap.bash"

roles="am_admin am_rep1 am_rep2 am_analyst am_nobody"
drop_roles() {
	local r
	for r in $roles; do
		psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
	done
}
db=$(fresh_db) || { echo "1..0 # SKIP no database"; exit 1; }
if [ -n "${ACCESS_MATRIX_KEEP:-}" ]; then
	diag "keeping database $db (and the am_* roles)"
else
	at_exit "drop_db $db; drop_roles"
fi
drop_roles
psql -X -q -v ON_ERROR_STOP=1 -d postgres \
	-c "CREATE ROLE am_admin IN ROLE retention_admin" \
	-c "CREATE ROLE am_rep1 IN ROLE retention_rep" -c "CREATE ROLE am_rep2 IN ROLE retention_rep" \
	-c "CREATE ROLE am_analyst IN ROLE retention_analyst" -c "CREATE ROLE am_nobody" >/dev/null

# ACCESS_MATRIX_PRE_SQL: SQL run as the superuser after the roles are made,
# before anything else (to watch the test fail: a grant too many, a new table)
if [ -n "${ACCESS_MATRIX_PRE_SQL:-}" ]; then
	psql -X -q -d "$db" -c "$ACCESS_MATRIX_PRE_SQL" >/dev/null
fi

sqlf() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -o /dev/null "$@" 2>&1
}
ok "the data, the samples and the declared policy load" \
	sqlf -f test/tap/access/setup.sql -f test/tap/access/samples.sql -f test/tap/access/policy.sql \
	-f test/tap/access/machinery.sql -f test/tap/access/compare.sql

# Every attempt, by every role, in one transaction (the same clock for all)
run=(-c BEGIN -c "SELECT am.run()")
for r in $roles; do
	run+=(-c "SET ROLE $r" -c "SELECT am.run()" -c "RESET ROLE")
done
ok "every role tries every statement and call" sqlf "${run[@]}" -c COMMIT

# COPY out and in through psql, as each role
tmp=$(mktemp -d)
at_exit "rm -rf $tmp"
q "$db" "SELECT i, object, coalesce(cols, ''), coalesce(line, '') FROM am.copy_lines ORDER BY i" \
	| while IFS='|' read -r i object cols line; do
		printf '%s' "$line" | base64 -d >"$tmp/$i.copy" 2>/dev/null
		printf '%s|%s|%s\n' "$i" "$object" "$cols" >>"$tmp/list"
	done
for r in $roles; do
	{
		echo "SET ROLE $r;"
		echo "BEGIN;"
		while IFS='|' read -r i object cols; do
			for dir in out in; do
				echo "SAVEPOINT s;"
				if [ $dir = out ]; then
					echo "\\copy $object TO '/dev/null'"
				elif [ -s "$tmp/$i.copy" ]; then
					echo "\\copy $object ($cols) FROM '$tmp/$i.copy'"
				else
					echo "\\copy $object FROM '/dev/null'"
				fi
				echo "\\set st :SQLSTATE"
				echo "\\set rc :ROW_COUNT"
				echo "ROLLBACK TO SAVEPOINT s;"
				echo "INSERT INTO am.copy_results VALUES ('$r', '$object', 'copy_$dir', :'st', :'rc');"
			done
		done <"$tmp/list"
		echo "COMMIT;"
	} >"$tmp/copy_$r.psql"
done
copy_failed=
for r in $roles; do
	psql -X -q -d "$db" -v VERBOSITY=sqlstate -f "$tmp/copy_$r.psql" >/dev/null 2>"$tmp/copy_$r.err" \
		|| copy_failed="$copy_failed $r"
done
is "$(q "$db" "SELECT count(*) FROM am.copy_results") ${copy_failed:-}" \
	"$(($(wc -l <"$tmp/list") * 2 * 5)) " "every role tries COPY out and in on every table and view"

# The checks of compare.sql: each a query that lists what is wrong
check() {
	local description=$1 out
	out=$(q "$db" "$2" 2>&1)
	if [ -z "$out" ]; then
		_tap_result 0 "$description"
	else
		_tap_result 1 "$description"
		diag "$out"
	fi
}
check "every member of the extension has a declared row (add it to test/tap/access/policy.sql)" \
	"SELECT 'undeclared ' || kind || ': ' || object FROM am.undeclared ORDER BY 1"
check "every declared row names a member of the extension" \
	"SELECT 'declared but missing: ' || object FROM am.missing ORDER BY 1"
check "every table has a write sample (test/tap/access/samples.sql)" \
	"SELECT 'table without a sample in am.samples: ' || object FROM am.unsampled ORDER BY 1"
check "the data gives every rep rows of its own in every table whose rows belong to reps" \
	"SELECT format('%s: rep1 %s, rep2 %s, all %s rows (need 0 < rep1 < rep2 < all)', object, rep1, rep2, total)
	   FROM am.thin_data ORDER BY 1"
check "every table and view: each role's SELECT, INSERT, UPDATE, DELETE, TRUNCATE and COPY as declared" \
	"SELECT format('%s %s by %s: expected %s, got %s', object, action, role, expected, got)
	   FROM am.relation_mismatches ORDER BY object, action, role"
check "every function and aggregate: each role's EXECUTE as declared" \
	"SELECT format('%s by %s: expected %s (%s), got %s', object, role, expected, profile, got)
	   FROM am.function_mismatches ORDER BY object, role"
check "where both reps see a filtered view or result, each sees its own (not the same)" \
	"SELECT format('%s %s: am_rep1 and am_rep2 see the same', object, action) FROM am.same_filters ORDER BY 1"
check "every sequence: each role's nextval, currval, setval and SELECT as declared" \
	"SELECT format('%s %s by %s: expected %s, got %s', object, action, role, expected, got)
	   FROM am.sequence_mismatches ORDER BY object, action, role"
check "the privilege functions agree with the attempts, for every role, object and privilege" \
	"SELECT problem FROM am.privilege_problems ORDER BY 1"
check "only reviewed functions are LEAKPROOF, and none is SECURITY DEFINER" \
	"SELECT problem FROM am.function_marks ORDER BY 1"
check "every NOTIFY of the extension is declared, without a payload" \
	"SELECT problem FROM am.notify_problems ORDER BY 1"

# The health alert's NOTIFY as a listener receives it: no payload
out=$(psql -X -q -d "$db" 2>&1 <<'SQL'
LISTEN retention_health_alert;
BEGIN;
DELETE FROM retention.health_overrides;
INSERT INTO retention.observations (product_id, measure, observed_at, value)
	VALUES (2, 'usage', '2026-02-20 12:00+00', 0), (4, 'usage', '2026-02-20 12:00+00', 0);
SELECT count(*) > 0 AS snapshots FROM retention.snapshot_health('2026-02-20');
COMMIT;
SELECT 1;
SQL
)
like "$(printf '%s\n' "$out" | grep -c 'Asynchronous notification "retention_health_alert" received')" '^1$' \
	"a snapshot that raises alerts notifies retention_health_alert once"
is "$(printf '%s\n' "$out" | grep -c 'with payload')" 0 "the notification carries no payload"
