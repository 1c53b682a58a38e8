-- test/pgtap/opportunities.sql: the contract of growth opportunities and the
-- pipeline views: columns, privileges, policies, and the SQLSTATE of every
-- refused write next to an allowed one.
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;

BEGIN;
SELECT plan(43);

-- The API
SELECT has_table('retention', 'opportunities', 'table retention.opportunities');
SELECT columns_are('retention', 'opportunities', ARRAY[
	'id', 'product_id', 'kind', 'mrr', 'status', 'rep', 'note', 'created_at', 'closed_at',
	'won_product_id']);
SELECT col_type_is('retention', 'opportunities', 'mrr', 'numeric(14,2)', 'mrr is numeric(14, 2), as products.mrr');
SELECT col_not_null('retention', 'opportunities', c, c || ' is required')
  FROM unnest(ARRAY['product_id', 'kind', 'mrr', 'status', 'created_at']) c;
SELECT col_default_is('retention', 'opportunities', 'status', 'open'::text, 'an opportunity starts open');
SELECT fk_ok('retention', 'opportunities', 'won_product_id', 'retention', 'products', 'id');
SELECT has_view('retention', v, 'view retention.' || v) FROM unnest(ARRAY['pipeline', 'pipeline_by_month']) v;
SELECT columns_are('retention', 'pipeline', ARRAY[
	'rep_id', 'rep', 'open_count', 'open_mrr', 'won_count', 'lost_count', 'win_rate', 'won_mrr',
	'won_mrr_per_month']);
SELECT columns_are('retention', 'pipeline_by_month', ARRAY[
	'month', 'rep_id', 'rep', 'opened', 'won', 'lost', 'win_rate', 'upsell_mrr_won',
	'cross_sell_mrr_won', 'mrr_won']);
SELECT ok((SELECT c.relrowsecurity AND c.relforcerowsecurity FROM pg_class c
			WHERE c.oid = 'retention.opportunities'::regclass), 'row-level security enabled and forced');
SELECT policies_are('retention', 'opportunities', ARRAY[
	'opportunities_admin', 'opportunities_analyst', 'opportunities_rep_read',
	'opportunities_rep_insert', 'opportunities_rep_update']);
SELECT table_privs_are('retention', 'opportunities', 'retention_admin', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
SELECT table_privs_are('retention', 'opportunities', 'retention_rep', ARRAY['SELECT']);
SELECT table_privs_are('retention', 'opportunities', 'retention_analyst', ARRAY['SELECT']);
SELECT ok(has_column_privilege('retention_rep', 'retention.opportunities', c, 'INSERT'), 'a rep inserts ' || c)
  FROM unnest(ARRAY['product_id', 'kind', 'mrr', 'rep', 'note']) c;
SELECT ok(NOT has_column_privilege('retention_rep', 'retention.opportunities', c, 'INSERT'),
		  'a rep does not insert ' || c)
  FROM unnest(ARRAY['status', 'created_at', 'closed_at', 'won_product_id']) c;
SELECT ok(NOT has_column_privilege('retention_rep', 'retention.products', 'mrr', 'UPDATE'),
		  'a rep does not update products.mrr (a won upsell does, as the owner)');
SELECT is((SELECT count(*)::int FROM pg_proc p
			WHERE p.proname = 'opportunity_guard' AND p.prosecdef), 0, 'the guard is not SECURITY DEFINER');

-- Data
INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Ann', 'tap_ann');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'onb', 'onboarding', '{crm}', NULL), (2, 'CRM accounts', 'retention', '{crm}', 1);
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES
	(1, 'Acme', 'Acme CRM', '2026-01-01'), (2, 'Beta', 'Beta CRM', '2026-01-01');
INSERT INTO retention.products (id, deal_id, product_type, stage, mrr) VALUES
	(1, 1, 'crm', 'retention', 100), (2, 1, 'crm', 'onboarding', 20), (3, 2, 'crm', 'retention', NULL);

SELECT lives_ok($$INSERT INTO retention.opportunities (id, product_id, kind, mrr) VALUES
				  (1, 1, 'upsell', 10), (2, 1, 'cross_sell', 20), (3, 3, 'upsell', 5), (4, 1, 'upsell', 1)$$,
				'open opportunities are inserted');
SELECT throws_ok($$INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'resell', 1)$$,
				 '22023', NULL, 'an unknown kind: 22023');
SELECT throws_ok($$INSERT INTO retention.opportunities (product_id, kind, mrr, status) VALUES (1, 'upsell', 1, 'won')$$,
				 '22023', NULL, 'inserted closed: 22023');
SELECT throws_ok($$INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'upsell', 0)$$,
				 '22003', NULL, 'an mrr of 0: 22003');
SELECT throws_ok($$INSERT INTO retention.opportunities (product_id, kind, mrr, created_at) VALUES (1, 'upsell', 1, now() + interval '1 hour')$$,
				 'RT006', NULL, 'created in the future: RT006');
SELECT throws_ok($$UPDATE retention.opportunities SET status = 'won' WHERE id = 2$$,
				 '23502', NULL, 'a cross-sell won without its product: 23502');
SELECT throws_ok($$UPDATE retention.opportunities SET status = 'won' WHERE id = 3$$,
				 '55000', NULL, 'an upsell won on an unknown MRR: 55000');
SELECT lives_ok($$UPDATE retention.opportunities SET status = 'won' WHERE id = 1$$, 'an upsell is won');
SELECT is((SELECT mrr FROM retention.products WHERE id = 1), 110.00::numeric, 'and its product''s MRR rose by 10');
SELECT lives_ok($$UPDATE retention.opportunities SET status = 'won', won_product_id = 2 WHERE id = 2$$,
				'a cross-sell is won, naming its product');
SELECT throws_ok($$UPDATE retention.opportunities SET status = 'lost' WHERE id = 1$$,
				 'RT004', NULL, 'a won opportunity lost: RT004');
SELECT throws_ok($$DELETE FROM retention.opportunities WHERE id = 1$$,
				 'RT004', NULL, 'a won opportunity deleted: RT004');
SELECT lives_ok($$DELETE FROM retention.opportunities WHERE id = 4$$, 'an open one is deleted');

SELECT * FROM finish();
ROLLBACK;
