-- test/tap/access/setup.sql: the roles, the data and the machinery of the
-- access matrix (test/tap/access_matrix.sh).  Run as a superuser in a fresh
-- database with the extension installed, before policy.sql.
--
-- The data is asymmetric on purpose: for every table whose rows belong to a
-- rep, am_rep1 owns fewer rows than am_rep2, who owns fewer than exist (a
-- product of no rep's group), so a count tells "all", "own" and "none" apart.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA am;
GRANT USAGE ON SCHEMA am TO PUBLIC;

------------------------------------------------------------------------------
-- The data, as the superuser
------------------------------------------------------------------------------
INSERT INTO retention.reps (id, name, email, role_name) OVERRIDING SYSTEM VALUE VALUES
	(1, 'Rep One', 'one@example.com', 'am_rep1'), (2, 'Rep Two', 'two@example.com', 'am_rep2');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) OVERRIDING SYSTEM VALUE VALUES
	(1, 'one onboarding', 'onboarding', '{crm}', 1), (2, 'one accounts', 'retention', '{crm}', 1),
	(3, 'two onboarding', 'onboarding', '{erp}', 2), (4, 'two accounts', 'retention', '{erp}', 2),
	(5, 'pool onboarding', 'onboarding', '{bi}', NULL);
INSERT INTO retention.deals (id, customer, name, amount, closed_on, details) OVERRIDING SYSTEM VALUE VALUES
	(1, 'Acme', 'Acme CRM', 1000, '2026-01-05', '{"seats": 10}'),
	(2, 'Globex', 'Globex ERP', 2000, '2026-01-06', '{"seats": 20}'),
	(3, 'Initech', 'Initech BI', 3000, '2026-01-07', '{"seats": 30}'),
	(4, 'Umbrella', 'Umbrella ERP', 4000, '2026-01-08', '{"seats": 40}');
-- rep1: products 1, 2, 8; rep2: 3, 4, 5, 9, 10; no rep's: 6 (and 7, forgotten
-- below).  With a back-dated past, so that the rates, funnel and cohort views
-- have something to show: 2 and 4 were onboarded, 5 and 8 churned in March,
-- 9 left in April.
INSERT INTO retention.products (id, deal_id, customer, product_type, mrr, stage, stage_entered_at, mrr_since)
	OVERRIDING SYSTEM VALUE VALUES
	(1, 1, 'Acme', 'crm', 100, 'onboarding', '2026-01-05', '2026-01-05'),
	(2, 1, 'Acme', 'crm', 200, 'onboarding', '2026-01-05', '2026-01-05'),
	(3, 2, 'Globex', 'erp', 300, 'onboarding', '2026-01-06', '2026-01-06'),
	(4, 2, 'Globex', 'erp', 400, 'onboarding', '2026-01-06', '2026-01-06'),
	(5, 4, 'Umbrella', 'erp', 500, 'retention', '2026-01-08', '2026-01-08'),
	(6, 3, 'Initech', 'bi', 600, 'onboarding', '2026-01-07', '2026-01-07'),
	(7, 3, 'Initech', 'bi', 700, 'onboarding', '2026-01-07', '2026-01-07'),
	(8, 1, 'Acme', 'crm', 800, 'retention', '2026-01-05', '2026-01-05'),
	(9, 4, 'Umbrella', 'erp', 900, 'retention', '2026-01-08', '2026-01-08'),
	(10, 4, 'Umbrella', 'erp', 1000, 'onboarding', '2026-01-08', '2026-01-08');
UPDATE retention.products SET stage = 'retention', stage_entered_at = '2026-01-20' WHERE id IN (2, 4);
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'churned', stage_entered_at = '2026-03-01'
 WHERE id IN (5, 8);
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'price', stage_entered_at = '2026-04-01'
 WHERE id = 9;
SELECT setval('retention.products_id_seq', 100), setval('retention.deals_id_seq', 100),
	setval('retention.groups_id_seq', 100), setval('retention.reps_id_seq', 100);
SELECT FROM retention.forget_product(7, 'customer asked to be forgotten');
INSERT INTO retention.observations (product_id, measure, observed_at, value)
	SELECT p, 'usage', '2026-02-01 12:00+00', 10 * p FROM generate_series(1, 10) p WHERE p <> 7;
SELECT FROM retention.snapshot_health('2026-02-02');
-- products 1 and 3 (the first of each rep, which the insert attempts use)
-- have no override and no initiative yet
INSERT INTO retention.health_overrides (product_id, score, reason, expires_at)
	SELECT p, 50, 'hand-set', '2099-01-01' FROM unnest('{2,4,5,6,8,9,10}'::bigint[]) p;
INSERT INTO retention.health_alerts (product_id, as_of, kind, old_score, new_score, old_band, new_band)
	SELECT p, '2026-02-03', 'dropped', 90, 50, 'green', 'yellow' FROM generate_series(1, 10) p WHERE p <> 7;
-- survey answers: an NPS detractor and a promoter for every product; the
-- detractors are followed up but for products 1, 3 (whose answers the
-- follow-up attempts use), 4 and 6, who wait
INSERT INTO retention.feedback (product_id, kind, score, comment, answered_at)
	SELECT p, 'nps', s, 'am', '2026-02-10 12:00+00'
	  FROM generate_series(1, 10) p, (VALUES (3), (10)) v (s) WHERE p <> 7;
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_by, followed_up_at)
	SELECT f.id, 'onboarding', 'a training session', 'am_admin', '2026-02-12 12:00+00'
	  FROM retention.feedback f WHERE f.score = 3 AND f.product_id NOT IN (1, 3, 4, 6);
-- an open upsell on every product
INSERT INTO retention.opportunities (product_id, kind, mrr, note)
	SELECT p, 'upsell', 10, 'am' FROM generate_series(1, 10) p WHERE p <> 7;
INSERT INTO retention.initiatives (name, description) VALUES ('am_trial', 'access matrix');
INSERT INTO retention.initiative_members (initiative, product_id, arm)
	SELECT 'am_trial', p, 'control' FROM unnest('{2,4,5,6,8,9,10}'::bigint[]) p;
-- a deleted seeded row leaves a deletion record
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('am_logins', 'sum', '14 days', 0, 50);
BEGIN;
INSERT INTO retention.scorecards (name) VALUES ('am_card');
INSERT INTO retention.scorecard_measures (scorecard, measure, weight)
	VALUES ('am_card', 'am_logins', 1), ('am_card', 'happiness', 1);
COMMIT;
-- configuration rows nothing refers to, which the DELETE attempts remove
INSERT INTO retention.stages (name) VALUES ('am_free');
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('am_free', 'sum', '7 days', 0, 10);
INSERT INTO retention.reps (name, role_name) VALUES ('Free rep', 'am_free');
INSERT INTO retention.groups (name, kind, product_types) VALUES ('free onboarding', 'onboarding', '{gadget}');
INSERT INTO retention.initiatives (name) VALUES ('am_free');
BEGIN;
INSERT INTO retention.scorecards (name) VALUES ('am_free');
INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES ('am_free', 'usage', 1);
COMMIT;
-- a table of an administrator's, for enforce_stages
CREATE TABLE public.am_subs (id bigint PRIMARY KEY, stage text NOT NULL, stage_reason text,
							 stage_entered_at timestamptz);
ALTER TABLE public.am_subs OWNER TO am_admin;
INSERT INTO retention.stages (name, description) VALUES ('paused', 'on hold');
INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('retention', 'paused');
DELETE FROM retention.transitions WHERE from_stage IS NULL AND to_stage = 'retention';

-- Which rep a row belongs to, whoever asks (test machinery: SECURITY DEFINER
-- so that it sees every row; owned by the superuser running this)
CREATE FUNCTION am.rep_of_product(product bigint) RETURNS text
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	RETURN (SELECT r.role_name FROM retention.products p
			  JOIN retention.groups g ON g.id = p.group_id
			  JOIN retention.reps r ON r.id = g.rep_id
			 WHERE p.id = product);
CREATE FUNCTION am.rep_of_feedback(feedback bigint) RETURNS text
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	RETURN (SELECT am.rep_of_product(f.product_id) FROM retention.feedback f WHERE f.id = feedback);
CREATE FUNCTION am.open_detractor(product bigint) RETURNS bigint
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	RETURN (SELECT min(f.id) FROM retention.feedback f
			 WHERE f.product_id = product AND f.score <= 6
			   AND NOT EXISTS (SELECT FROM retention.feedback_followups u WHERE u.feedback_id = f.id));
CREATE FUNCTION am.rep_of_deal(deal bigint) RETURNS text
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	RETURN (SELECT min(am.rep_of_product(p.id)) FROM retention.products p WHERE p.deal_id = deal);
