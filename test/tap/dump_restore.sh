#!/bin/bash
# test/tap/dump_restore.sh: pg_dump and restore lose nothing.
#
# Builds a database with the extension and data of every kind the lifecycle
# keeps (deals, reps, groups, products moved through their stages, a stage and
# a rule of the user's own, a changed built-in rule, a table of the user's own
# under the generic trigger), dumps it in plain and custom format, restores
# each into a fresh database (psql -f, pg_restore, pg_restore in a single
# transaction) and checks that the data, the sequences, the rules and their
# enforcement came through.
#
# Not pg_restore -j: it loads the data of an extension's tables in any order
# (pg_dump orders them by their foreign keys, but records no dependency
# between them), so a product can arrive before its group and its deal.
. "$(dirname "$0")/tap.bash"

SRC=retention_dump_src
DBS="retention_dump_plain retention_dump_custom retention_dump_single"
WORK=$(mktemp -d)
PSQL="psql -X -q -v ON_ERROR_STOP=1"
export PGTZ=UTC PGDATESTYLE=ISO PGOPTIONS='-c client_min_messages=warning'

# snapshot DB FILE: every table the lifecycle keeps, as sorted text
snapshot()
{
	for t in retention.stages retention.transitions retention.deals retention.reps \
		retention.groups retention.products retention.stage_history retention.mrr_history public.my_subscriptions \
		retention.config_deletions retention.measures retention.scorecards \
		retention.scorecard_measures retention.observations retention.health_overrides \
		retention.health_snapshots retention.feedback retention.feedback_followups \
		retention.opportunities retention.mrr_history; do
		echo "-- $t"
		$PSQL -At -d "$1" -c "SELECT t::text FROM $t t ORDER BY 1"
	done > "$2"
}

# drop_all: drop the test's databases
drop_all()
{
	local db
	for db in $SRC $DBS; do
		dropdb --if-exists "$db" || return 1
	done
}
at_exit drop_all
at_exit rm -rf "$WORK"

plan 49
drop_all
createdb $SRC

# The source database
ok "the source database is set up" $PSQL -d $SRC <<'EOF'
CREATE EXTENSION retention;
INSERT INTO retention.reps (name, email, role_name) VALUES
	('Rita', 'rita@example.com', 'dump_rita'), ('Ravi', NULL, 'dump_ravi');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb', 'onboarding', '{crm,erp}', NULL),
	('ret-crm', 'retention', '{crm}', 1),
	('ret-erp', 'retention', '{erp}', 2);
INSERT INTO retention.deals (customer, name, amount, closed_on, owner, details) VALUES
	('Acme', 'Acme CRM', 1200.50, '2024-01-15', 'sam', '{"seats": 40}'),
	('Globex', 'Globex ERP', 50000, '2024-02-01', NULL, '{}');
INSERT INTO retention.products (deal_id, product_type, stage, mrr) VALUES
	(1, 'crm', 'onboarding', 100), (1, 'crm', 'retention', 50),
	(2, 'erp', 'onboarding', 900), (2, 'erp', 'retention', NULL);
UPDATE retention.products SET stage = 'retention' WHERE id IN (1, 3);
SELECT retention.recycle(2, 'needs training');
SELECT retention.make_ineligible(4, 'contract terminated');
-- an MRR change (products 1-3 have an MRR history row from their insert)
UPDATE retention.products SET mrr = 120 WHERE id = 1;
-- a group that no longer takes the product type of a product placed in it:
-- the product stays where it is, and must be restored there
INSERT INTO retention.groups (name, kind, product_types, rep_id)
	VALUES ('ret-legacy', 'retention', '{legacy}', 2);
INSERT INTO retention.products (deal_id, product_type, stage) VALUES (2, 'legacy', 'retention');
UPDATE retention.groups SET product_types = '{}' WHERE name = 'ret-legacy';
-- a stage and rules of the user's own
INSERT INTO retention.stages (name, description) VALUES ('paused', 'on hold');
INSERT INTO retention.transitions (from_stage, to_stage, reason_required) VALUES
	('retention', 'paused', true), ('paused', 'retention', false),
	('ineligible', 'retention', true);
SELECT retention.move(1, 'paused', 'seasonal');
-- a changed built-in rule and a changed built-in stage
UPDATE retention.transitions SET reason_required = true
 WHERE from_stage = 'onboarding' AND to_stage = 'retention';
UPDATE retention.stages SET description = 'set up and trained' WHERE name = 'onboarding';
-- a table of the user's own under the generic trigger
CREATE TABLE public.my_subscriptions (sub_id text PRIMARY KEY, status text NOT NULL, why text, since timestamptz);
SELECT retention.enforce_stages('public.my_subscriptions', 'status', 'sub_id', 'why', 'since');
INSERT INTO public.my_subscriptions (sub_id, status) VALUES ('s-1', 'retention'), ('s-2', 'retention');
UPDATE public.my_subscriptions SET status = 'ineligible', why = 'cancelled' WHERE sub_id = 's-2';
-- a deleted built-in rule: no product may enter retention directly any more
DELETE FROM retention.transitions WHERE from_stage IS NULL AND to_stage = 'retention';
-- health: a measure and a scorecard of the user's own, a changed and a
-- deleted built-in weight, observations, an override and snapshots
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at)
	VALUES ('logins', 'sum', '14 days', 0, 50);
BEGIN;
INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES ('enterprise', 50, 80);
INSERT INTO retention.scorecard_measures (scorecard, measure, weight)
	VALUES ('enterprise', 'usage', 40), ('enterprise', 'logins', 60);
COMMIT;
UPDATE retention.groups SET scorecard = 'enterprise' WHERE name = 'ret-erp';
UPDATE retention.scorecard_measures SET weight = 60 WHERE scorecard = 'default' AND measure = 'usage';
DELETE FROM retention.scorecard_measures WHERE scorecard = 'default' AND measure = 'support_tickets';
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES
	(1, 'usage', '2026-02-20 10:00+00', 12), (1, 'happiness', '2026-02-21 10:00+00', 7),
	(1, 'support_tickets', '2026-02-22 10:00+00', NULL),
	(3, 'usage', '2026-02-25 10:00+00', 5), (3, 'logins', '2026-02-26 10:00+00', 30);
SELECT retention.override_health(3, 90, 'renewal signed', now() + interval '30 days');
SELECT retention.snapshot_health('2026-02-27'), retention.snapshot_health('2026-02-28');
-- survey answers (NPS ones are happiness observations linked to them, too
-- old to change the health below) and a follow-up
INSERT INTO retention.feedback (product_id, kind, score, comment, answered_at) VALUES
	(1, 'nps', 4, 'slow', '2025-06-01 10:00+00'), (2, 'nps', 9, NULL, '2025-06-02 10:00+00'),
	(2, 'csat', 5, NULL, '2025-06-03 10:00+00');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_at)
	VALUES (1, 'performance', 'faster reports', '2025-06-03 10:00+00');
-- growth: a won upsell (product 1's MRR 100 -> 110), a won cross-sell that
-- became product 2, an open one
INSERT INTO retention.opportunities (product_id, kind, mrr, note, created_at) VALUES
	(1, 'upsell', 10, 'more seats', '2026-02-01'), (1, 'cross_sell', 50, NULL, '2026-02-02'),
	(3, 'upsell', 7.5, 'add-on', '2026-02-03');
UPDATE retention.opportunities SET status = 'won' WHERE id = 1;
UPDATE retention.opportunities SET status = 'won', won_product_id = 2, closed_at = '2026-02-20' WHERE id = 2;
EOF

snapshot $SRC "$WORK/src.txt"
ok "pg_dump, plain format" pg_dump -d $SRC -f "$WORK/plain.sql"
ok "pg_dump, custom format" pg_dump -d $SRC -Fc -f "$WORK/custom.dump"

for db in $DBS; do
	createdb "$db"
done
ok "psql -f restores the plain dump without an error" \
	$PSQL -d retention_dump_plain -f "$WORK/plain.sql"
ok "pg_restore restores the custom dump without an error" \
	pg_restore --exit-on-error -d retention_dump_custom "$WORK/custom.dump"
ok "pg_restore --single-transaction restores it too" \
	pg_restore --exit-on-error --single-transaction -d retention_dump_single "$WORK/custom.dump"

for db in $DBS; do
	snapshot $db "$WORK/$db.txt"
	ok "$db: every row of every table is as it was" diff "$WORK/src.txt" "$WORK/$db.txt"
done

# What the source holds, counted by hand: 7 rules (5 built-in, one of them
# changed and one deleted, and 3 of the user's); 13 history rows (5 product entries, 5
# product moves, 2 subscription entries and 1 subscription move).
is "$($PSQL -At -d $SRC -c 'SELECT count(*) FROM retention.transitions')" 7 "source: 7 rules"
is "$($PSQL -At -d $SRC -c 'SELECT count(*) FROM retention.stage_history')" 13 "source: 13 history rows"
# 5 MRR history rows: the inserts of products 1-3 (4 and 5 have none), the
# change of 1 and the upsell won on 1
is "$($PSQL -At -d $SRC -c 'SELECT count(*) FROM retention.mrr_history')" 5 "source: 5 MRR history rows"

for db in retention_dump_plain retention_dump_single; do
	is "$($PSQL -At -d $db -c "SELECT string_agg(format('%s>%s:%s:%s', from_stage, to_stage, reason_required, builtin), ' ' ORDER BY from_stage NULLS FIRST, to_stage) FROM retention.transitions")" \
		">onboarding:f:t ineligible>retention:t:f onboarding>retention:t:f paused>retention:f:f retention>ineligible:t:t retention>onboarding:t:t retention>paused:t:f" \
		"$db: the rules, the changed built-in one as changed, the deleted one gone"
	is "$($PSQL -At -d $db -c "SELECT description || ':' || builtin FROM retention.stages WHERE name = 'onboarding'")" \
		"set up and trained:false" "$db: the changed built-in stage as changed"
	# sequences continue where the source left off
	is "$($PSQL -At -d $db -c "INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'crm') RETURNING id")" \
		6 "$db: a new product gets the next id"
	is "$($PSQL -At -d $db -c "SELECT max(id) FROM retention.stage_history")" 14 \
		"$db: and its entry the next history id"
	# the triggers still enforce the rules, the user's rules included
	is "$(sqlstate $db "UPDATE retention.products SET stage = 'onboarding', stage_reason = 'x' WHERE id = 4")" \
		RT001 "$db: an illegal move is refused"
	is "$(sqlstate $db "UPDATE retention.products SET stage = 'retention' WHERE id = 2")" \
		RT002 "$db: the changed built-in rule still wants a reason"
	is "$(sqlstate $db "SELECT retention.move(4, 'retention', 'won back')")" \
		OK "$db: the user's reactivation rule works"
	is "$(sqlstate $db "UPDATE public.my_subscriptions SET status = 'onboarding', why = 'x' WHERE sub_id = 's-2'")" \
		RT001 "$db: the user's table is still guarded"
	is "$(sqlstate $db "UPDATE retention.stage_history SET reason = NULL")" \
		RT004 "$db: the history is still append-only"
	# the MRR history came through once (the restored products wrote none) and goes on
	is "$($PSQL -At -d $db -c "UPDATE retention.products SET mrr = 130 WHERE id = 1; SELECT count(*) || ' ' || max(id) FROM retention.mrr_history")" \
		"5 5" "$db: an MRR change writes the next MRR history row"
	is "$(sqlstate $db "DELETE FROM retention.mrr_history")" \
		RT004 "$db: the MRR history is still append-only"
	# health as of 2026-03-01, by hand: product 1 on the changed default card
	# (usage 12 -> 60 at 60, happiness 7 -> 70 at 30; tickets deleted):
	# (3600 + 2100) / 90 = 63.333..., weakest usage (costs 60*40 against
	# happiness 30*30); product 3 on "enterprise" (usage 5 ->
	# 25 at 40, logins 30 -> 60 at 60): (1000 + 3600) / 100 = 46, red (< 50)
	is "$($PSQL -At -d $db -c "SELECT string_agg(product_id || ' ' || health::text, ', ' ORDER BY product_id) FROM retention.health_as_of('2026-03-01')")" \
		"1 (63.333333333333336,yellow,1,usage), 3 (46,red,1,usage)" \
		"$db: health is computed as in the source"
	is "$($PSQL -At -d $db -c "SELECT string_agg(key->>'measure', ',') FROM retention.config_deletions WHERE table_name = 'scorecard_measures'")" \
		"support_tickets" "$db: the deleted built-in weight stays deleted"
	# the answers' observations came back once, linked; a new answer gets the
	# next id and its own observation
	is "$($PSQL -At -d $db -c "SELECT string_agg(feedback_id || ':' || value, ' ' ORDER BY feedback_id) FROM retention.observations WHERE feedback_id IS NOT NULL")" \
		"1:4 2:9" "$db: each NPS answer has its one observation"
	is "$($PSQL -At -d $db -c "WITH f AS (INSERT INTO retention.feedback (product_id, kind, score) VALUES (3, 'nps', 8) RETURNING id) SELECT id FROM f" -c "SELECT count(*) FROM retention.observations WHERE feedback_id = 4")" \
		"$(printf '4\n1')" "$db: a new answer gets the next id and its observation"
	# opportunities come back as they were, still guarded, their ids continuing
	is "$($PSQL -At -d $db -c "SELECT string_agg(concat_ws(':', id, status, won_product_id), ' ' ORDER BY id) FROM retention.opportunities")" \
		"1:won 2:won:2 3:open" "$db: the opportunities, won and open"
	is "$(sqlstate $db "UPDATE retention.opportunities SET status = 'lost' WHERE id = 1")" \
		RT004 "$db: a won opportunity stays won"
	is "$($PSQL -At -d $db -c "INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (3, 'upsell', 1) RETURNING id")" \
		4 "$db: a new opportunity gets the next id"
done

ok "the test databases are dropped" drop_all
