#!/bin/bash
# test/tap/upgrade.sh: every release updates to the current version, and an
# updated install equals a fresh one.
#
# For each older version that the installed scripts offer, it installs that
# version with data of every kind (upgrade_data.sql), runs ALTER EXTENSION
# retention UPDATE, and compares the extension's catalog fact by fact
# (catalog_facts.sql) with a fresh install of the default version; then it
# checks that the data is still there and still enforced.
. "$(dirname "$0")/tap.bash"

current=$(q postgres "SELECT default_version FROM pg_available_extensions WHERE name = 'retention'")
mapfile -t older < <(q postgres "SELECT version FROM pg_available_extension_versions
	WHERE name = 'retention' AND version <> '$current' ORDER BY string_to_array(version, '.')::int[]")
[ ${#older[@]} -gt 0 ] || skip_all "no release older than $current"
plan $((1 + 9 * ${#older[@]}))

facts() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" -f test/tap/catalog_facts.sql
}

fresh=$(fresh_db)
fresh_facts=$(facts "$fresh")
like "$(printf '%s\n' "$fresh_facts" | grep -c '^member ')" '^[1-9][0-9]+$' \
	"a fresh install of $current lists its member objects"

for v in "${older[@]}"; do
	db="tap_upgrade_from_${v//./_}_$$"
	createdb "$db"
	ok "$v installs with data" q "$db" "CREATE EXTENSION retention VERSION '$v'" \
		"\\i test/tap/upgrade_data.sql"
	ok "ALTER EXTENSION retention UPDATE from $v" q "$db" 'ALTER EXTENSION retention UPDATE'
	is "$(q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'retention'")" "$current" \
		"$v updates to $current"
	if diffs=$(diff <(printf '%s\n' "$fresh_facts") <(facts "$db")); then
		is same same "an install updated from $v has the same catalog as a fresh one"
	else
		is different same "an install updated from $v has the same catalog as a fresh one"
		diag "< fresh install   > updated from $v" "$(printf '%s\n' "$diffs" | head -n 60)"
	fi
	is "$(q "$db" "SELECT concat_ws(' ', (SELECT count(*) FROM retention.products),
			(SELECT count(*) FROM retention.stage_history),
			(SELECT count(*) FROM retention.observations),
			(SELECT count(*) FROM retention.health_snapshots),
			(SELECT count(*) FROM retention.health_overrides),
			(SELECT count(*) FROM public.subs))")" "3 8 2 1 1 1" \
		"the data written under $v is all there"
	# products 1-3 had MRR 100 under 0.1.0: one history row each, effective
	# (like mrr_since) at the product's entry, before the update
	is "$(q "$db" "SELECT count(*) FILTER (WHERE h.mrr = 100 AND h.effective_at = p.mrr_since
					 AND p.mrr_since = (SELECT min(s.changed_at) FROM retention.stage_history s WHERE s.product_id = p.id)
					 AND p.mrr_since < h.recorded_at) || ' of ' || count(*)
			FROM retention.mrr_history h JOIN retention.products p ON p.id = h.product_id")" "3 of 3" \
		"after the update from $v, each product's MRR is its history, from its entry"
	is "$(q "$db" "SELECT string_agg(table_name || ':' || coalesce(product_id::text, '-'), ' ' ORDER BY id)
			FROM retention.stage_history WHERE table_name <> 'retention.products'")" \
		"public.subs:- public.accounts:-" \
		"after the update from $v, the history names other tables as they were, without product ids"
	is "$(psql -X -q -v VERBOSITY=sqlstate -d "$db" \
			-c "UPDATE retention.products SET stage = 'retention' WHERE id = 2" 2>&1)" \
		"ERROR:  RT001" "after the update from $v, an illegal move is still refused"
	is "$(q "$db" "UPDATE retention.products SET stage = 'paused' WHERE id = 1" \
			"SELECT to_stage FROM retention.stage_history WHERE product_id = 1 ORDER BY id DESC LIMIT 1")" \
		paused "after the update from $v, a rule of the user's own still allows a move, which is recorded"
	drop_db "$db"
done
drop_db "$fresh"
