-- test/tap/access/samples.sql: what the access matrix writes into each table
-- and the sample argument of each type (test/tap/access_matrix.sh).
--
-- A new table needs a row in am.samples: owner (SQL over the row, alias t,
-- giving the login role of the rep whose row it is, or NULL when rows belong
-- to no rep), an INSERT (%1$s is a product id of the rep the attempt targets,
-- %2$s its deal, %3$s its product type; without placeholders the INSERT is
-- tried once) and the SET clause of an UPDATE that changes nothing.
\set ON_ERROR_STOP 1
CREATE TABLE am.samples (
	object		text PRIMARY KEY,
	owner		text,
	insert_sql	text NOT NULL,
	update_set	text NOT NULL,
	delete_where text NOT NULL DEFAULT 'true'
);
INSERT INTO am.samples VALUES
('retention.config_deletions', NULL,
 $$INSERT INTO retention.config_deletions (table_name, key) VALUES ('transitions', '{"to_stage": "onboarding", "from_stage": "retention"}')$$,
 'deleted_at = deleted_at'),
('retention.deals', 'am.rep_of_deal(t.id)',
 $$INSERT INTO retention.deals (customer, name, closed_on) VALUES ('New', 'New deal', '2026-03-01')$$,
 'amount = amount'),
('retention.forgotten_products', NULL,
 $$INSERT INTO retention.forgotten_products (product_id, deal_id, product_type, last_stage, history_rows, reason, acting_role) VALUES (99, 1, 'crm', 'retention', 0, 'x', 'x')$$,
 'reason = reason'),
('retention.groups', NULL,
 $$INSERT INTO retention.groups (name, kind, product_types) VALUES ('new onboarding', 'onboarding', '{gadget}')$$,
 'name = name'),
('retention.feedback', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.feedback (product_id, kind, score, comment) VALUES (%1$s, 'nps', 5, 'x')$$,
 'comment = comment'),
('retention.feedback_followups',
 'am.rep_of_feedback(t.feedback_id)',
 $$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (am.open_detractor(%1$s), 'price', 'x')$$,
 'top_reason = top_reason'),
('retention.opportunities', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (%1$s, 'upsell', 10)$$,
 'note = note'),
('retention.health_alerts', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.health_alerts (product_id, as_of, kind, old_score, new_score, old_band, new_band) VALUES (%1$s, '2026-03-01', 'dropped', 90, 50, 'green', 'yellow')$$,
 'kind = kind'),
('retention.health_overrides', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.health_overrides (product_id, score, reason, expires_at) VALUES (%1$s, 10, 'x', '2099-01-01')$$,
 'score = score'),
('retention.health_snapshots', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.health_snapshots (product_id, as_of, health, score, band, overridden) VALUES (%1$s, '2026-03-01', '(1,red,1,usage)', 1, 'red', false)$$,
 'score = score'),
('retention.initiative_members', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.initiative_members (initiative, product_id, arm) VALUES ('am_trial', %1$s, 'control')$$,
 'arm = arm'),
('retention.initiatives', NULL,
 $$INSERT INTO retention.initiatives (name) VALUES ('am_new')$$,
 'description = description'),
('retention.measures', NULL,
 $$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('am_new', 'sum', '7 days', 0, 10)$$,
 'description = description'),
('retention.mrr_history', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.mrr_history (product_id, mrr, effective_at) VALUES (%1$s, 1, '2026-03-01')$$,
 'mrr = mrr'),
('retention.observations', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES (%1$s, 'usage', '2026-03-01', 1)$$,
 'value = value'),
('retention.observations_default', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.observations_default (product_id, measure, observed_at, value) VALUES (%1$s, 'usage', '2026-03-01', 1)$$,
 'value = value'),
('retention.products', 'am.rep_of_product(t.id)',
 $$INSERT INTO retention.products (deal_id, product_type) VALUES (%2$s, %3$L)$$,
 'stage_reason = stage_reason'),
('retention.reps', NULL,
 $$INSERT INTO retention.reps (name, role_name) VALUES ('New rep', 'am_new')$$,
 'name = name'),
('retention.scorecard_measures', NULL,
 $$INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES ('am_card', 'usage', 1)$$,
 'weight = weight'),
('retention.scorecards', NULL,
 $$INSERT INTO retention.scorecards (name) VALUES ('am_new'); INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES ('am_new', 'usage', 1)$$,
 'description = description'),
('retention.stage_history', 'am.rep_of_product(t.product_id)',
 $$INSERT INTO retention.stage_history (table_name, product_id, to_stage) VALUES ('retention.products', %1$s, 'retention')$$,
 'reason = reason'),
('retention.stages', NULL,
 $$INSERT INTO retention.stages (name) VALUES ('am_new')$$,
 'description = description'),
('retention.transitions', NULL,
 $$INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('onboarding', 'paused')$$,
 'reason_required = reason_required');

-- Deletions of configuration rows nothing refers to (setup.sql makes them)
UPDATE am.samples SET delete_where = 't.name = ''am_free''' WHERE object IN
	('retention.stages', 'retention.measures', 'retention.initiatives', 'retention.scorecards');
UPDATE am.samples SET delete_where = 't.role_name = ''am_free''' WHERE object = 'retention.reps';
UPDATE am.samples SET delete_where = 't.name = ''free onboarding''' WHERE object = 'retention.groups';
UPDATE am.samples SET delete_where = 't.scorecard = ''am_card'' AND t.measure = ''happiness'''
 WHERE object = 'retention.scorecard_measures';

-- Which rep a view's row belongs to, where the view has one row per product
-- (or per group); the others are judged by what they show as a whole
INSERT INTO am.samples (object, owner, insert_sql, update_set) VALUES
('retention.product_overview', 'am.rep_of_product(t.product_id)', '', ''),
('retention.product_health', 'am.rep_of_product(t.product_id)', '', ''),
('retention.at_risk', 'am.rep_of_product(t.product_id)', '', ''),
('retention.detractors_to_follow_up', 'am.rep_of_product(t.product_id)', '', '');

-- A sample argument for each type; name_pattern (a regular expression on
-- the parameter's name) picks a better one where the name says more
CREATE TABLE am.arg_samples (type regtype, name_pattern text, literal text NOT NULL,
							 PRIMARY KEY (type, name_pattern));
INSERT INTO am.arg_samples VALUES
	('bigint', '', '2'), ('integer', '', '1'), ('smallint', '', '1'), ('double precision', '', '50'),
	('numeric', '', '50'), ('boolean', '', 'true'), ('text', '', 'retention'), ('name', '', 'stage'),
	('cstring', '', '1'),
	('timestamptz', '', '2026-02-02 00:00+00'), ('date', '', '2026-02-02'), ('interval', '', '1 month'),
	('regclass', '', 'retention.products'), ('bigint[]', '', '{1,2}'), ('text[]', '', '{control,treatment}'),
	('boolean[]', '', '{true,false}'), ('integer[]', '', '{1,2}'), ('int4range', '', '[1,3]'),
	('int4range[]', '', '{"[1,3]","[4,6]"}'), ('retention.health', '', '(50,yellow,1,usage)'),
	('retention.activity', '', '(month,2026-01-01T00:00:00+00:00,{0,1,3})'),
	('retention.cohort_state', '', '(classic,2,2026-06-01T00:00:00+00:00,2,10,{6,4})'),
	('retention.survival', '', '{1:1/1,2:1/0}'),
	('retention.survival[]', '', '{"{1:1/1,2:1/0}","{1:0/1,3:1/0}"}'),
	('retention.survey_counts', '', '(1,0,0,0,0,0,0,2,0,3,1)'),
	('timestamptz[]', '', '{2026-01-01 00:00+00,2026-02-01 00:00+00,2026-03-01 00:00+00}'),
	('text', 'stage', 'retention'), ('text', 'reason', 'access matrix'), ('text', '^band$', 'yellow'),
	('text', 'measure', 'usage'), ('text', 'scorecard', 'default'), ('text', '^kind$', 'classic'),
	('text', '^unit$', 'month'), ('text', 'initiative|^name$', 'am_trial'),
	('name', 'key_column', 'id'), ('name', 'reason_column', 'stage_reason'),
	('name', 'entered_at_column', 'stage_entered_at'),
	('timestamptz', 'expires', '2099-01-01 00:00+00'), ('timestamptz', '^start_at$', '2026-01-01 00:00+00'),
	('timestamptz', '^end_at$', '2026-12-01 00:00+00'), ('interval', '^unit$', '7 days'),
	('regclass', '^target$', 'public.am_subs'), ('double precision', '^coverage$', '1'),
	('double precision', 'conf_level', '0.95');
