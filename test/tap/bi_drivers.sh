#!/bin/bash
# test/tap/bi_drivers.sh: the BI contract (README, "BI tools"), through the
# real drivers.
#
# In a database whose time zone is America/New_York, a login with
# retention_analyst reads every view and every table of the extension that it
# may read, found in the catalog (test/tap/bi/catalog.sql), through psqlODBC
# (unixODBC, pyodbc), pgJDBC (test/tap/bi/BiJdbc.java) and psycopg2 with
# pandas (test/tap/bi/clients.py), with the driver settings the README gives,
# and checks:
#  - from the catalog: a comment on every view and every column; every view
#    column of a contract type; every relation a BI tool lists readable by the
#    analyst (a partition as its table) or by no retention role; and that
#    these checks catch a view added without comments and of raw types, and
#    a partition added without grants;
#  - through each driver: every relation read; the tables the driver lists
#    (SQLTables, getTables) the same as the catalog's; the type the driver
#    reports for every column against the contract; numerics with their
#    precision and scale, varchars with their length, text never cut short;
#    the same rows and values as psql; pandas dtypes numeric for numbers and
#    datetime for dates and times (with parse_dates).
# Needs odbc-postgresql, unixodbc, python3-pyodbc, libpostgresql-jdbc-java,
# a JDK, python3-psycopg2 and python3-pandas (CI_TEST_PACKAGES in .ci/setup).
. "$(dirname "$0")/tap.bash"

PY=/usr/bin/python3 # Debian's, which the python3-* packages are for
JAR=/usr/share/java/postgresql.jar
BI=test/tap/bi
WORK=${BI_KEEP:-$(mktemp -d)}
chmod 755 "$WORK"
[ -n "${BI_KEEP:-}" ] || at_exit rm -rf "$WORK"
export PGOPTIONS='-c client_min_messages=warning'

plan 33

# pass_fail LINES: one TAP result per "PASS|FAIL <tab> what <tab> detail" line
pass_fail() {
	local status what detail
	while IFS=$'\t' read -r status what detail; do
		[ -n "$status" ] || continue
		is "$status" PASS "$what" || diag "$detail"
	done <<<"$1"
}

missing=
for f in "$PY" "$JAR" "$(command -v javac)" "$(command -v odbcinst)"; do
	[ -n "$f" ] && [ -e "$f" ] || missing="$missing $f"
done
"$PY" -c 'import pyodbc, psycopg2, pandas' 2>/dev/null || missing="$missing python3-pyodbc/psycopg2/pandas"
odbcinst -q -d -n 'PostgreSQL Unicode' >/dev/null 2>&1 || missing="$missing odbc-postgresql"
is "${missing:-none}" none "the drivers are installed (CI_TEST_PACKAGES)" || exit 1

db=$(fresh_db)
at_exit drop_db "$db"
analyst=bi_analyst_$$
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
at_exit psql -X -q -d postgres -c "DROP ROLE IF EXISTS $analyst"
q "$db" "CREATE ROLE $analyst LOGIN PASSWORD '$password' IN ROLE retention_analyst" \
	"ALTER DATABASE $db SET timezone = 'America/New_York'" >/dev/null
ok "the data loads" psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f $BI/data.sql

# Everything below as the analyst; a socket directory in PGHOST (a private
# server) is reached by JDBC through a forwarder on 127.0.0.1.
host=${PGHOST:-/var/run/postgresql}
port=${PGPORT:-5432}
export BI_HOST=$host BI_PORT=$port BI_DB=$db BI_USER=$analyst BI_PASSWORD=$password
as_analyst() {
	PGUSER=$analyst PGPASSWORD=$password PGDATABASE=$db "$@"
}
catalog() {
	as_analyst psql -X -q -A -t -v ON_ERROR_STOP=1 -v analyst="$analyst" -f $BI/catalog.sql
}
catalog >"$WORK/catalog.json"
is "$("$PY" -c 'import json, sys; print(json.load(sys.stdin)["timezone"])' <"$WORK/catalog.json")" \
	America/New_York "the analyst's session is in the database's time zone, America/New_York"

# The contract in the catalog
pass_fail "$("$PY" $BI/clients.py catalog-check "$WORK/catalog.json")"

# ... and the checks catch a view added without comments and of raw types,
# and a partition added without grants
q "$db" "CREATE VIEW retention.bi_probe WITH (security_invoker = true) AS
			SELECT 1.5::float8 AS ratio, ARRAY['a'] AS tags, 1.5::numeric AS amount" \
	"GRANT SELECT ON retention.bi_probe TO retention_analyst" \
	"CREATE TABLE retention.observations_2020 PARTITION OF retention.observations
		FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')" >/dev/null
catalog >"$WORK/probe.json"
probe=$("$PY" $BI/clients.py catalog-check "$WORK/probe.json")
like "$(printf '%s\n' "$probe" | grep 'has a comment, and so has every column of every view')" \
	'^FAIL.*retention\.bi_probe; retention\.bi_probe\.ratio; retention\.bi_probe\.tags; retention\.bi_probe\.amount' \
	"a view without comments fails the check of comments"
like "$(printf '%s\n' "$probe" | grep 'every view column is of a contract type')" \
	'^FAIL.*bi_probe\.ratio double precision; retention\.bi_probe\.tags text\[\]; retention\.bi_probe\.amount numeric$' \
	"a view of double precision, text[] and numeric without precision fails the check of types"
like "$(printf '%s\n' "$probe" | grep 'every relation a BI tool lists')" \
	'^FAIL.*retention\.observations_2020 \(partition of retention\.observations\)' \
	"a partition the analyst may not read, of a table it may, fails the check of listed relations"
q "$db" "DROP VIEW retention.bi_probe" "DROP TABLE retention.observations_2020" >/dev/null

# The three drivers.  Client processes run in yet another time zone, so that
# nothing depends on the client's zone.
export TZ=Asia/Kolkata
"$PY" $BI/clients.py refsql "$WORK/catalog.json" >"$WORK/ref.sql"
as_analyst psql -X -q -A -t -v ON_ERROR_STOP=1 -f "$WORK/ref.sql" >"$WORK/ref.json"
ok "psql reads every relation as the analyst" test -s "$WORK/ref.json"

ok "psqlODBC reads as the analyst" sh -c "'$PY' $BI/clients.py odbc '$WORK/catalog.json' >'$WORK/odbc.json'"
ok "psycopg2 and pandas read as the analyst" \
	sh -c "'$PY' $BI/clients.py psycopg '$WORK/catalog.json' >'$WORK/psycopg.json'"

jdbc_host=$host jdbc_port=$port
if [ "${host#/}" != "$host" ]; then
	coproc PROXY { exec "$PY" $BI/clients.py proxy "$host" "$port" 2>/dev/null; }
	at_exit kill "$PROXY_PID"
	read -r jdbc_port <&"${PROXY[0]}"
	jdbc_host=127.0.0.1
fi
ok "BiJdbc.java compiles" javac -d "$WORK" -cp "$JAR" $BI/BiJdbc.java
"$PY" $BI/clients.py plan "$WORK/catalog.json" >"$WORK/plan.tsv"
ok "pgJDBC reads as the analyst" sh -c "java -Duser.timezone=Asia/Kolkata -cp '$JAR:$WORK' BiJdbc \
	'jdbc:postgresql://$jdbc_host:$jdbc_port/$db' '$analyst' '$password' retention \
	<'$WORK/plan.tsv' >'$WORK/jdbc.json'"

pass_fail "$("$PY" $BI/clients.py check "$WORK/catalog.json" "$WORK/ref.json" "$WORK/odbc.json" \
	"$WORK/jdbc.json" "$WORK/psycopg.json")"
