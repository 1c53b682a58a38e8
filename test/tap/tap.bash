# test/tap/tap.bash: what a shell TAP test sources.
#
# .ci/test runs every test/tap/*.sh with `prove --exec bash`, from the top of
# the tree, as root, against the throwaway cluster it made: PGHOST, PGPORT,
# PGUSER, PGPASSWORD and PGDATABASE name it, and the extension is installed
# there.  The server runs as postgres: a file it writes (COPY ... TO
# '/tmp/...') belongs to postgres, and it may not be able to read the tree
# (say /root/project), so hand it files through psql (\copy, -f) instead.
# A test looks like this:
#
#     #!/bin/bash
#     # test/tap/example.sh: the demo data loads into a fresh database
#     . "$(dirname "$0")/tap.bash"
#     plan 2
#     db=$(fresh_db)
#     ok "the demo data loads" psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f test/demo/data.sql
#     is "$(q "$db" 'SELECT count(*) FROM retention.deals')" 300 "300 deals"
#     drop_db "$db"
#
# Name it test/tap/*.sh (this file does not end in .sh, so it is not run).
# By hand, with a private install:
#     make install DESTDIR=/tmp/inst-NAME
#     pg_virtualenv -o extension_destdir=/tmp/inst-NAME prove --exec bash test/tap/example.sh

set -uo pipefail

TAP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_tap_count=0
_tap_failed=0
_tap_planned=

# plan N: how many tests this file will run
plan() {
	_tap_planned=$1
	echo "1..$1"
}

# skip_all REASON: this file has nothing to run here
skip_all() {
	_tap_planned=0
	echo "1..0 # SKIP $*"
	exit 0
}

# diag TEXT...: comment lines (one per line of each argument) shown with
# the results
diag() {
	local line
	printf '%s\n' "$@" | while IFS= read -r line; do
		echo "# $line"
	done
}

# _tap_result PASSED DESCRIPTION: print one result line
_tap_result() {
	_tap_count=$((_tap_count + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_tap_count - $2"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_count - $2"
	fi
}

# ok DESCRIPTION COMMAND...: passes when the command succeeds
ok() {
	local description=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	_tap_result "$rc" "$description"
	[ "$rc" = 0 ] || diag "command failed (exit status $rc): $*" ${out:+"$out"}
	return "$rc"
}

# is GOT EXPECTED DESCRIPTION: passes when the two strings are equal
is() {
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "     got: '$1'" "expected: '$2'"
		return 1
	fi
}

# like GOT REGEX DESCRIPTION: passes when the string matches the extended regex
like() {
	if printf '%s\n' "$1" | grep -qE -- "$2"; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "     got: '$1'" "expected to match: '$2'"
		return 1
	fi
}

# q DB SQL...: run SQL in database DB; unaligned, tuples only, stops at the
# first error (exit status 3)
q() {
	local db=$1
	shift
	local args=() sql
	for sql in "$@"; do
		args+=(-c "$sql")
	done
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "${args[@]}"
}

# fresh_db: create a database of its own for this test, with retention in
# it, and print its name
fresh_db() {
	local db
	db="tap_$(basename "$0" .sh | tr -c 'a-zA-Z0-9_\n' _)_$$"
	createdb "$db" && q "$db" 'CREATE EXTENSION retention' >/dev/null && echo "$db"
}

# drop_db DB: drop a database made by fresh_db
drop_db() {
	dropdb --if-exists "$1"
}

# sqlstate DB SQL: the SQLSTATE the statement fails with, or OK
sqlstate() {
	local out
	out=$(psql -X -q -v VERBOSITY=sqlstate -d "$1" -c "$2" 2>&1 >/dev/null)
	if [ -z "$out" ]; then
		echo OK
	else
		printf '%s\n' "$out" | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\)$/\1/p' | head -n 1
	fi
}

# at_exit COMMAND...: run this when the test ends, however it ends
_tap_at_exit=()
at_exit() {
	_tap_at_exit+=("$*")
}

# At the end: the plan, if none was given, and the exit status prove expects
_tap_end() {
	local rc=$? c
	for c in "${_tap_at_exit[@]}"; do
		eval "$c" >/dev/null 2>&1
	done
	[ -n "$_tap_planned" ] || echo "1..$_tap_count"
	if [ -n "$_tap_planned" ] && [ "$_tap_planned" != "$_tap_count" ]; then
		diag "planned $_tap_planned tests but ran $_tap_count"
		exit 255
	fi
	[ "$_tap_failed" = 0 ] || exit $((_tap_failed < 254 ? _tap_failed : 254))
	exit "$rc"
}
trap _tap_end EXIT
cd "$TAP_ROOT"
