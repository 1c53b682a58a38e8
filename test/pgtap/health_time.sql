-- test/pgtap/health_time.sql: the contract of overrides, snapshots and the
-- health views.
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;

BEGIN;
SELECT plan(35);

-- The API
SELECT has_view('retention', v, 'view retention.' || v)
  FROM unnest(ARRAY['product_health', 'group_health', 'rep_book', 'at_risk']) v;
SELECT columns_are('retention', 'product_health', ARRAY[
	'product_id', 'customer', 'product_type', 'stage', 'group_name', 'rep', 'score', 'band',
	'computed_score', 'computed_band', 'coverage', 'weakest_measure', 'trend', 'previous_score',
	'override_score', 'override_reason', 'override_expires_at']);
SELECT columns_are('retention', 'group_health', ARRAY[
	'group_id', 'group_name', 'kind', 'rep', 'products', 'scored', 'mean_score', 'min_score',
	'red', 'yellow', 'green']);
SELECT columns_are('retention', 'rep_book', ARRAY[
	'rep_id', 'rep', 'email', 'products', 'scored', 'mean_score', 'min_score', 'red', 'yellow',
	'green', 'deal_amount', 'mrr']);
SELECT has_function('retention', 'override_health', ARRAY['bigint', 'double precision', 'text', 'timestamp with time zone']);
SELECT has_function('retention', 'clear_override', ARRAY['bigint']);
SELECT has_function('retention', 'snapshot_health', ARRAY['date']);
SELECT has_function('retention', 'health_as_of', ARRAY['timestamp with time zone']);
SELECT has_function('retention', 'band_for', ARRAY['double precision', 'text']);
SELECT volatility_is('retention', 'snapshot_health', ARRAY['date'], 'volatile');
SELECT volatility_is('retention', 'health_as_of', ARRAY['timestamp with time zone'], 'stable');
-- The views are plain SQL types, for BI tools
SELECT is_empty($$SELECT a.attname FROM pg_attribute a
				   WHERE a.attrelid IN ('retention.product_health'::regclass, 'retention.group_health'::regclass,
										'retention.rep_book'::regclass, 'retention.at_risk'::regclass)
					 AND a.attnum > 0
					 AND a.atttypid IN (SELECT t.oid FROM pg_type t
										 WHERE t.typnamespace = 'retention'::regnamespace)$$,
				'no view column is of one of the extension''s types');
SELECT is((SELECT count(*)::int FROM pg_class c
			WHERE c.relnamespace = 'retention'::regnamespace AND c.relkind = 'v'
			  AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)),
		  0, 'every view is security_invoker');

-- Data: one product, the worked example of the issue
INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Ann', 'tap_ann');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id)
	VALUES (1, 'CRM accounts', 'retention', '{crm}', 1);
INSERT INTO retention.deals (id, customer, name, amount, closed_on)
	VALUES (1, 'Acme', 'Acme CRM', 1000, '2026-01-01');
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES (1, 1, 'crm', 'retention');
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES
	(1, 'usage', now() - interval '2 days', 10), (1, 'usage', now() - interval '1 day', 20),
	(1, 'happiness', now() - interval '20 days', 8), (1, 'happiness', now() - interval '3 days', 6),
	(1, 'support_tickets', now() - interval '5 days', 1),
	(1, 'support_tickets', now() - interval '4 days', 1),
	(1, 'support_tickets', now() - interval '3 days', 1);

SELECT results_eq($$SELECT score, band, coverage, weakest_measure FROM retention.product_health$$,
				  $$VALUES (69.5::numeric, 'yellow'::varchar, 1::numeric, 'usage'::varchar)$$,
				  'product_health: 0.5*75 + 0.3*60 + 0.2*70 = 69.5, yellow, weakest usage');
SELECT results_eq($$SELECT p.score FROM retention.product_health p$$,
				  $$SELECT retention.score(h.health)::numeric(7, 4) FROM retention.health_as_of(now()) h$$,
				  'product_health agrees with health_as_of');
SELECT is(retention.band_for(40), 'yellow', '40 is yellow');
SELECT is(retention.band_for(39.999), 'red', '39.999 is red');
SELECT is(retention.band_for(70), 'green', '70 is green');

-- Overrides
SELECT throws_ok($$SELECT retention.override_health(1, 101, 'x', now() + interval '1 day')$$,
				 '22003', NULL, 'an override score above 100 is refused');
SELECT throws_ok($$SELECT retention.override_health(1, 50, ' ', now() + interval '1 day')$$,
				 '22023', NULL, 'an override needs a reason');
SELECT throws_ok($$SELECT retention.override_health(1, 50, 'x', now() - interval '1 day')$$,
				 '22023', NULL, 'an override that has already expired is refused');
SELECT lives_ok($$SELECT retention.override_health(1, 30, 'escalation open', now() + interval '1 day')$$,
				'an override is set');
SELECT results_eq($$SELECT score, band, computed_score, override_reason FROM retention.product_health$$,
				  $$VALUES (30::numeric, 'red'::varchar, 69.5::numeric, 'escalation open')$$,
				  'the view shows the override beside the computed score');
SELECT results_eq($$SELECT product_id FROM retention.at_risk$$, $$VALUES (1::bigint)$$,
				  'an override in the red band puts the product at risk');
SELECT ok(retention.clear_override(1), 'clear_override removes it');
SELECT ok(NOT retention.clear_override(1), 'and says when there was none');

-- Snapshots
SELECT is(retention.snapshot_health(CURRENT_DATE), 1, 'a snapshot records the product');
SELECT is(retention.snapshot_health(CURRENT_DATE), 0, 'a second run records nothing');
SELECT results_eq($$SELECT score, band, overridden FROM retention.health_snapshots$$,
				  $$VALUES (69.5::float8, 'yellow', false)$$, 'the snapshot holds the score');
SELECT throws_ok($$SELECT retention.snapshot_health(NULL)$$, '22004', NULL,
				 'a NULL day is refused');

-- A rep cannot write health
CREATE ROLE tap_ann IN ROLE retention_rep;
-- pgTAP keeps its results in temporary tables: let the rep write them
GRANT ALL ON ALL TABLES IN SCHEMA pg_temp TO PUBLIC;
GRANT ALL ON ALL SEQUENCES IN SCHEMA pg_temp TO PUBLIC;
SET LOCAL ROLE tap_ann;
SELECT throws_ok($$SELECT retention.override_health(1, 90, 'mine', now() + interval '1 day')$$,
				 '42501', NULL, 'a rep cannot set an override');
SELECT throws_ok($$SELECT retention.snapshot_health(CURRENT_DATE - 1)$$,
				 '42501', NULL, 'nor take a snapshot');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
