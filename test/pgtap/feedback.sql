-- test/pgtap/feedback.sql: the contract of survey answers and follow-ups:
-- the tables and views, and the SQLSTATE of every refused case.
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;

BEGIN;
SELECT plan(40);

-- The API
SELECT columns_are('retention', 'feedback', ARRAY[
	'id', 'product_id', 'kind', 'score', 'comment', 'answered_at', 'recorded_by']);
SELECT columns_are('retention', 'feedback_followups', ARRAY[
	'feedback_id', 'top_reason', 'what_would_help', 'followed_up_by', 'followed_up_at']);
SELECT has_column('retention', 'observations', 'feedback_id', 'observations link to their answer');
SELECT columns_are('retention', 'detractors_to_follow_up', ARRAY[
	'feedback_id', 'product_id', 'customer', 'group_id', 'group_name', 'rep_id', 'rep', 'score',
	'comment', 'answered_at', 'days_waiting', 'overdue']);
SELECT columns_are('retention', 'nps_by_month', ARRAY[
	'month', 'breakdown', 'group_id', 'group_name', 'rep_id', 'rep', 'responses', 'promoters',
	'passives', 'detractors', 'nps', 'margin_of_error']);
SELECT columns_are('retention', 'followup_rate', ARRAY[
	'month', 'breakdown', 'rep_id', 'rep', 'detractors', 'followed_up', 'followed_up_within_7_days',
	'pending', 'share_within_7_days']);
SELECT columns_are('retention', 'detractor_reasons', ARRAY[
	'top_reason', 'followups', 'share', 'last_90_days', 'average_score', 'latest_at']);
SELECT col_type_is('retention', 'nps_by_month', 'nps', 'numeric(5,2)', 'nps is numeric(5,2)');
SELECT col_type_is('retention', 'followup_rate', 'share_within_7_days', 'numeric(5,4)', 'the share is numeric(5,4)');
SELECT col_type_is('retention', 'detractor_reasons', 'top_reason', 'character varying(40)', 'the reason is varchar(40)');
SELECT table_privs_are('retention', 'feedback', 'retention_rep', ARRAY['SELECT', 'INSERT']);
SELECT table_privs_are('retention', 'feedback', 'retention_analyst', ARRAY['SELECT']);
SELECT table_privs_are('retention', 'feedback', 'retention_admin', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
SELECT table_privs_are('retention', 'feedback_followups', 'retention_rep', ARRAY['SELECT', 'INSERT']);
SELECT table_privs_are('retention', 'feedback_followups', 'retention_analyst', ARRAY['SELECT']);
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class
			WHERE oid = 'retention.feedback_followups'::regclass), 'follow-ups under forced row-level security');
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_extension e,
				  unnest(e.extconfig) x JOIN pg_class c ON c.oid = x
			WHERE e.extname = 'retention' AND c.relname LIKE 'feedback%'),
		  ARRAY['feedback', 'feedback_followups', 'feedback_id_seq'], 'pg_dump keeps the answers');

-- Data
CREATE ROLE tap_fb_ann IN ROLE retention_rep;
INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Ann', 'tap_fb_ann'), (2, 'Bob', 'tap_fb_bob');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'CRM accounts', 'retention', '{crm}', 1), (2, 'ERP accounts', 'retention', '{erp}', 2);
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES (1, 'Acme', 'Acme', '2025-01-01');
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES
	(1, 1, 'crm', 'retention'), (2, 1, 'erp', 'retention');
INSERT INTO retention.feedback (id, product_id, kind, score, answered_at) VALUES
	(1, 1, 'nps', 3, now() - interval '10 days'), (2, 1, 'nps', 8, now() - interval '9 days'),
	(3, 1, 'csat', 2, now() - interval '8 days'), (4, 2, 'nps', 0, now() - interval '7 days');

-- Answers
SELECT throws_ok($$INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'nps', 11)$$,
				 '22003', NULL, 'an NPS score above 10: 22003');
SELECT throws_ok($$INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'csat', 0)$$,
				 '22003', NULL, 'a CSAT score below 1: 22003');
SELECT throws_ok($$INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'ces', 3)$$,
				 '22023', NULL, 'an unknown kind: 22023');
SELECT throws_ok($$INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'nps', NULL)$$,
				 '22004', NULL, 'no score: 22004');
SELECT throws_ok($$INSERT INTO retention.feedback (product_id, kind, score, answered_at) VALUES (1, 'nps', 5, now() + interval '1 minute')$$,
				 '22023', NULL, 'an answer in the future: 22023');
SELECT throws_ok($$UPDATE retention.feedback SET product_id = 2 WHERE id = 1$$,
				 '22023', NULL, 'moving an answer to another product: 22023');
SELECT lives_ok($$UPDATE retention.feedback SET score = 2, comment = 'x' WHERE id = 1$$,
				'an administrator corrects an answer');
SELECT is((SELECT value FROM retention.observations WHERE feedback_id = 1), 2::float8,
		  'and its observation follows');

-- Follow-ups
SELECT throws_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (2, 'price', 'x')$$,
				 '22023', NULL, 'a follow-up of a passive: 22023');
SELECT throws_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (3, 'price', 'x')$$,
				 '22023', NULL, 'a follow-up of a CSAT answer: 22023');
SELECT throws_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (99, 'price', 'x')$$,
				 'P0002', NULL, 'a follow-up of no answer: P0002');
SELECT throws_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (1, ' ', 'x')$$,
				 '22023', NULL, 'a blank top reason: 22023');
SELECT throws_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (1, 'Price!', 'x')$$,
				 '22023', NULL, 'a top reason that is no label: 22023');
SELECT throws_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (1, 'price', '')$$,
				 '22023', NULL, 'nothing said of what would help: 22023');
SELECT lives_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (1, 'price', 'a smaller plan')$$,
				'a follow-up of a detractor');
SELECT throws_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (1, 'price', 'again')$$,
				 '23505', NULL, 'a second follow-up: 23505');
SELECT throws_ok($$UPDATE retention.feedback SET score = 9 WHERE id = 1$$,
				 '22023', NULL, 'a followed-up detractor stays one: 22023');

-- A rep
SET LOCAL ROLE tap_fb_ann;
SELECT lives_ok($$INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'nps', 9)$$,
				'a rep records an answer of her product');
SELECT throws_ok($$INSERT INTO retention.feedback (product_id, kind, score) VALUES (2, 'nps', 9)$$,
				 '42501', NULL, 'not of another rep''s product: 42501');
SELECT throws_ok($$INSERT INTO retention.feedback (product_id, kind, score, answered_at) VALUES (1, 'nps', 9, now() - interval '1 day')$$,
				 '42501', NULL, 'a rep cannot back-date an answer: 42501');
SELECT throws_ok($$INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (4, 'price', 'x')$$,
				 'P0002', NULL, 'nor follow up an answer she cannot see: P0002');
SELECT throws_ok($$UPDATE retention.feedback SET score = 1 WHERE id = 1$$,
				 '42501', NULL, 'nor correct an answer: 42501');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM retention.detractors_to_follow_up), 1,
		  'one detractor left to follow up');

SELECT * FROM finish();
ROLLBACK;
