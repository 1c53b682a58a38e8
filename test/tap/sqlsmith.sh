#!/bin/bash
# test/tap/sqlsmith.sh: random queries from sqlsmith crash no backend.
#
# Loads the demo data (test/demo/data.sql) into a database of its own and runs
# Debian's sqlsmith against it as an unprivileged login: a rep (a member of
# retention_rep who is the rep of some groups, so row-level security lets some
# rows through), with a fixed seed.  Errors of the generated queries are
# expected; what fails the test is a crash:
#   - sqlsmith reporting a lost connection (it counts them: "C" in its
#     error summary is a broken connection, which is what a backend killed by
#     a signal looks like from the client);
#   - a control session, opened before the run and holding a temporary
#     table, losing its connection or its table (after a crash the
#     postmaster ends every backend and reinitializes shared memory);
#   - the server's log, when this test can read it, gaining a PANIC, a TRAP
#     (a failed assertion) or "terminated by signal" during the run.  Set
#     SQLSMITH_SERVER_LOG to the log's path; by default "$PGHOST/log" when
#     PGHOST is a directory holding a readable file "log" (the private
#     servers of /work/dev/privpg keep it there).
#
# A short run by default (3,000 queries, about 30 s on 2 cores):
#     prove --exec bash test/tap/sqlsmith.sh
# A long one (100,000 queries), or any count, or another seed:
#     bash test/tap/sqlsmith.sh --long
#     SQLSMITH_QUERIES=20000 SQLSMITH_SEED=7 bash test/tap/sqlsmith.sh
# A failing run prints the seed and keeps sqlsmith's output; rerun it with the
# same seed and count to reproduce it (sqlsmith with --dump-all-queries shows
# each query).  Skipped when sqlsmith is not installed (Debian: apt-get install
# sqlsmith; .ci/setup installs it for CI).
. "$(dirname "$0")/tap.bash"

QUERIES=${SQLSMITH_QUERIES:-3000}
SEED=${SQLSMITH_SEED:-12}
for arg in "$@"; do
	case $arg in
		--long) QUERIES=100000 ;;
		--queries=*) QUERIES=${arg#--queries=} ;;
		--seed=*) SEED=${arg#--seed=} ;;
		*) echo "usage: $0 [--long] [--queries=N] [--seed=N]" >&2; exit 2 ;;
	esac
done

command -v sqlsmith >/dev/null 2>&1 || skip_all "sqlsmith is not installed"

DB=tap_sqlsmith_$$
ROLE=tap_sqlsmith_rep_$$
PASSWORD=smith_$$_$RANDOM
WORK=$(mktemp -d)
PSQL="psql -X -q -v ON_ERROR_STOP=1"
export PGOPTIONS='-c client_min_messages=warning'

LOG=${SQLSMITH_SERVER_LOG:-}
if [ -z "$LOG" ] && [ -d "${PGHOST:-}" ] && [ -r "$PGHOST/log" ]; then
	LOG=$PGHOST/log
fi

cleanup()
{
	[ -n "${CTL_PID:-}" ] && kill "$CTL_PID"
	dropdb --if-exists --force "$DB"
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $ROLE"
	[ -n "${SQLSMITH_KEEP:-}" ] && cp -r "$WORK" "$SQLSMITH_KEEP"; rm -rf "$WORK"
}
at_exit cleanup

plan 7

createdb "$DB" || exit 1
ok "the extension and the demo data load" $PSQL -d "$DB" \
	-c 'CREATE EXTENSION retention' -f test/demo/data.sql
# The login is Maria's: a rep with groups, in retention_rep and no other
# retention role, no superuser, no CREATE on the database.
ok "an unprivileged rep login is made" $PSQL -d "$DB" <<EOF
CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD' IN ROLE retention_rep;
UPDATE retention.reps SET role_name = '$ROLE' WHERE id = 1;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
EOF
is "$(q "$DB" "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles WHERE rolname = '$ROLE'")" \
	f "the login has no special attribute"

# The control session: a psql that stays connected through the run, with a
# temporary table in it.
mkfifo "$WORK/ctl.in"
psql -X -q -A -t -d "$DB" <"$WORK/ctl.in" >"$WORK/ctl.out" 2>&1 &
CTL_PID=$!
exec 9>"$WORK/ctl.in"
echo "CREATE TEMP TABLE sqlsmith_marker AS SELECT pg_backend_pid() AS pid; SELECT 'ready';" >&9
for _ in $(seq 50); do
	grep -q ready "$WORK/ctl.out" && break
	sleep 0.1
done
START=$(q "$DB" "SELECT pg_postmaster_start_time()")
LOG_SIZE=0
[ -n "$LOG" ] && LOG_SIZE=$(stat -c %s "$LOG")

# The target: libpq reads host, port and the rest from the environment;
# the user and password are the rep's.
TARGET="dbname=$DB user=$ROLE password=$PASSWORD"
diag "sqlsmith --seed=$SEED --max-queries=$QUERIES as $ROLE${LOG:+ (server log $LOG)}"
T0=$(date +%s)
sqlsmith --target="$TARGET" --seed="$SEED" --max-queries="$QUERIES" --exclude-catalog --verbose \
	>"$WORK/sqlsmith.out" 2>&1
RC=$?
T1=$(date +%s)
diag "sqlsmith exit status $RC after $((T1 - T0)) s: $(grep -E '^(queries|error rate):' "$WORK/sqlsmith.out" | tail -n 2 | tr '\n' ' ')"

# sqlsmith ends with status 0 after --max-queries; a broken connection makes
# it retry, and it prints the count of each kind of error.
broken=$(grep -ciE 'connection (lost|broken)|server closed the connection|terminating connection because of crash|broken' "$WORK/sqlsmith.out")
is "$RC:$broken" "0:0" "sqlsmith ran its $QUERIES queries (seed $SEED) and never lost its connection" ||
	diag "$(grep -iE -B2 -A2 'connection|broken|crash' "$WORK/sqlsmith.out" | head -n 40)"

echo "SELECT 'marker ' || count(*) FROM sqlsmith_marker;" >&9
for _ in $(seq 50); do
	grep -q 'marker' "$WORK/ctl.out" && break
	sleep 0.1
done
like "$(grep marker "$WORK/ctl.out")" '^marker 1$' \
	"the control session kept its connection and its temporary table (no crash restart)" ||
	diag "$(cat "$WORK/ctl.out")"
is "$(q "$DB" "SELECT pg_postmaster_start_time()")" "$START" "the server is up, under the same postmaster"

if [ -n "$LOG" ]; then
	crashes=$(tail -c +"$((LOG_SIZE + 1))" "$LOG" | grep -E 'PANIC|TRAP:|terminated by signal|was terminated by|server process .* exited with exit code')
	is "$crashes" "" "the server log has no PANIC, TRAP or backend killed by a signal during the run"
else
	_tap_result 0 "the server log # SKIP not readable here (set SQLSMITH_SERVER_LOG)"
fi
exec 9>&-
if [ "$_tap_failed" != 0 ]; then
	cp "$WORK/sqlsmith.out" "/tmp/sqlsmith-seed$SEED.out"
	diag "to reproduce: SQLSMITH_SEED=$SEED SQLSMITH_QUERIES=$QUERIES; sqlsmith's output is in /tmp/sqlsmith-seed$SEED.out"
fi
