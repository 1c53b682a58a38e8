-- metrics_funnel: lifetime value by group and the stage funnel by month, on a
-- small hand-computed history back-dated as an administrator imports it.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

INSERT INTO retention.reps (name, role_name) VALUES ('Rita', 'mf_rita'), ('Ravi', 'mf_ravi');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb', 'onboarding', '{crm}', NULL),
	('ret', 'retention', '{crm}', 1),
	('ret-erp', 'retention', '{erp}', 2);
INSERT INTO retention.deals (customer, name, closed_on) VALUES
	('Acme', 'a', '2020-01-01'), ('Beta', 'b', '2020-01-01'), ('Gamma', 'g', '2020-01-01'),
	('Delta', 'd', '2020-01-01');

-- T(k, d): d days into the month k months back (k = 1: the last complete month)
CREATE FUNCTION pg_temp.t(k int, d int) RETURNS timestamptz LANGUAGE sql STABLE
	RETURN date_trunc('month', now()) - make_interval(months => k) + make_interval(days => d);

/*
 * The history (all products crm; every span within one month, so that day
 * counts do not depend on month lengths):
 *  product customer moves                                            MRR
 *  1       Acme     onboarding T(3,1), retention T(3,11) (10 days),   100 from T(3,1)
 *                   onboarding T(1,2) (recycled), retention T(1,12) (10 days)
 *  2       Acme     onboarding T(3,5), retention T(3,25) (20 days)    50 from T(3,5), 70 from T(1,15)
 *  3       Beta     onboarding T(3,3), retention T(3,27) (24 days),   80 from T(3,3)
 *                   ineligible T(2,10) (churned)
 *  4       Gamma    retention T(2,4) (skipped onboarding),            60 from T(2,4)
 *                   ineligible T(1,20) (price)
 *  5       Delta    onboarding T(1,7) (still)                         0
 * Product 2 goes to 90 now (the current month): not counted.
 */
INSERT INTO retention.products (deal_id, product_type, stage, stage_entered_at, mrr, mrr_since) VALUES
	(1, 'crm', 'onboarding', pg_temp.t(3, 1), 100, pg_temp.t(3, 1)),
	(1, 'crm', 'onboarding', pg_temp.t(3, 5), 50, pg_temp.t(3, 5)),
	(2, 'crm', 'onboarding', pg_temp.t(3, 3), 80, pg_temp.t(3, 3)),
	(3, 'crm', 'retention', pg_temp.t(2, 4), 60, pg_temp.t(2, 4)),
	(4, 'crm', 'onboarding', pg_temp.t(1, 7), 0, pg_temp.t(1, 7));
UPDATE retention.products SET stage = 'retention', stage_entered_at = pg_temp.t(3, 11) WHERE id = 1;
UPDATE retention.products SET stage = 'retention', stage_entered_at = pg_temp.t(3, 25) WHERE id = 2;
UPDATE retention.products SET stage = 'retention', stage_entered_at = pg_temp.t(3, 27) WHERE id = 3;
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'churned', stage_entered_at = pg_temp.t(2, 10) WHERE id = 3;
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'reset', stage_entered_at = pg_temp.t(1, 2) WHERE id = 1;
UPDATE retention.products SET stage = 'retention', stage_entered_at = pg_temp.t(1, 12) WHERE id = 1;
UPDATE retention.products SET mrr = 70, mrr_since = pg_temp.t(1, 15) WHERE id = 2;
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'price', stage_entered_at = pg_temp.t(1, 20) WHERE id = 4;
UPDATE retention.products SET mrr = 90 WHERE id = 2;
SELECT p.id, p.stage, g.name AS group_name FROM retention.products p LEFT JOIN retention.groups g ON g.id = p.group_id ORDER BY p.id;
-- Every move is recorded at its back-dated time: k months back, d days in
CREATE FUNCTION pg_temp.kd(t timestamptz) RETURNS text LANGUAGE sql STABLE
	RETURN format('T(%s,%s)',
		(SELECT extract(year FROM a) * 12 + extract(month FROM a)
		   FROM age(date_trunc('month', now()), date_trunc('month', t)) a),
		extract(day FROM t)::int - 1);
SELECT product_id, from_stage, to_stage, reason, pg_temp.kd(changed_at) AS changed_at
  FROM retention.stage_history ORDER BY product_id, id;
SELECT product_id, mrr,
	   CASE WHEN effective_at >= date_trunc('month', now()) THEN 'this month'
			ELSE pg_temp.kd(effective_at) END AS effective_at
  FROM retention.mrr_history ORDER BY product_id, id;

------------------------------------------------------------------------------
-- Lifetime value
------------------------------------------------------------------------------

-- Churn by current group (products): ret holds 1-4.  Month 3 back: none at
-- its start.  2 back: S = {1, 2, 3}, 3 churned: 1/3.  1 back: S = {1, 2, 4},
-- 4 churned: 1/3.  Average 1/3 over 2 months.  At the start of this month
-- the active products of ret are 1 (100) and 2 (70; the 90 of this month does
-- not count), both Acme's: one customer, 170 per customer.
-- LTV = 170 x 1 / (1/3) = 510.00.  onb: product 5 (Delta, MRR 0) entered
-- after the last month's start, so no month is measured: NULL.  ret-erp: no
-- products, no customers.
SELECT * FROM retention.lifetime_value ORDER BY group_name;
-- Gross margin 0.8: 170 x 0.8 x 3 = 408.00
SET retention.gross_margin = 0.8;
SELECT group_name, gross_margin, lifetime_value FROM retention.lifetime_value ORDER BY group_name;
SET retention.gross_margin = 1;
SELECT group_name, gross_margin, lifetime_value FROM retention.lifetime_value WHERE group_name = 'ret';
-- Refused: not a number, 0, above 1, NaN
SET retention.gross_margin = 'abc';
SELECT * FROM retention.lifetime_value;
SET retention.gross_margin = 0;
SELECT retention.gross_margin();
SET retention.gross_margin = 1.5;
SELECT retention.gross_margin();
SET retention.gross_margin = 'NaN';
SELECT retention.gross_margin();
-- each with SQLSTATE 22023, through the view too
DO $$
DECLARE v text; st text;
BEGIN
	FOREACH v IN ARRAY ARRAY['abc', '0', '-0.5', '1.0001', 'NaN', 'Infinity'] LOOP
		PERFORM set_config('retention.gross_margin', v, true);
		BEGIN
			PERFORM * FROM retention.lifetime_value;
			st := 'accepted';
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
		END;
		RAISE NOTICE '% -> %', v, st;
	END LOOP;
END
$$;
-- unset, empty: 1; the upper bound 1 and a small margin are accepted
RESET retention.gross_margin;
SELECT retention.gross_margin();
SET retention.gross_margin = '';
SELECT retention.gross_margin();
SET retention.gross_margin = '0.0001';
SELECT retention.gross_margin();
RESET retention.gross_margin;

------------------------------------------------------------------------------
-- The stage funnel
------------------------------------------------------------------------------
CREATE TEMP VIEW months_ago AS
SELECT m::date AS m, (13 - row_number() OVER (ORDER BY m))::int AS ago
  FROM unnest(retention.month_starts(12)) m;
GRANT SELECT ON months_ago TO PUBLIC;
-- 12 month rows; 2 reason rows
SELECT breakdown, count(*), count(DISTINCT month) FROM retention.stage_funnel GROUP BY 1 ORDER BY 1;
-- 3 back: 1, 2, 3 enter onboarding and are onboarded in 10, 20, 24 days:
--   median 20; p90 at rank 0.9 x (3 - 1) = 1.8: 20 + 0.8 x (24 - 20) = 23.2.
--   None in retention at the start: recycle rate NULL.
-- 2 back: 4 skips onboarding; 3 made ineligible (churned); nothing
--   onboarded (days NULL); 1, 2, 3 in retention at the start, none
--   recycled: rate 0.
-- 1 back: 5 enters onboarding; 1 recycled, then onboarded in 10 days;
--   in retention at the start 1, 2, 4: rate 1/3; 4 made ineligible (price).
-- 4 back and earlier: nothing.
SELECT a.ago, f.entered_onboarding, f.onboarded, f.median_days_to_onboard, f.p90_days_to_onboard,
	   f.recycled, f.in_retention_at_start, f.recycle_rate, f.made_ineligible, f.skipped_onboarding
  FROM retention.stage_funnel f JOIN months_ago a ON a.m = f.month
 WHERE f.breakdown = 'month' AND a.ago <= 5 ORDER BY a.ago DESC;
SELECT count(*) AS "empty months before"
  FROM retention.stage_funnel f JOIN months_ago a ON a.m = f.month
 WHERE f.breakdown = 'month' AND a.ago > 3
   AND f.entered_onboarding + f.onboarded + f.recycled + f.in_retention_at_start
	   + f.made_ineligible + f.skipped_onboarding = 0
   AND f.median_days_to_onboard IS NULL AND f.recycle_rate IS NULL;
SELECT a.ago, f.ineligible_reason, f.made_ineligible
  FROM retention.stage_funnel f JOIN months_ago a ON a.m = f.month
 WHERE f.breakdown = 'reason' ORDER BY a.ago DESC;

-- The views' numeric and varchar columns: sized
SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length,
	   c.numeric_precision, c.numeric_scale
  FROM information_schema.columns c
 WHERE c.table_schema = 'retention' AND c.table_name IN ('lifetime_value', 'stage_funnel')
   AND c.data_type NOT IN ('bigint', 'integer', 'date', 'text')
 ORDER BY c.table_name, c.ordinal_position;

------------------------------------------------------------------------------
-- Row-level security: a rep sees the figures of the rep's own products
------------------------------------------------------------------------------
SET client_min_messages = warning;
DROP ROLE IF EXISTS mf_rita;
DROP ROLE IF EXISTS mf_ravi;
RESET client_min_messages;
CREATE ROLE mf_rita IN ROLE retention_rep;
CREATE ROLE mf_ravi IN ROLE retention_rep;
SET ROLE mf_rita;
-- Rita looks after ret (products 1-4): the same LTV; product 5 (onb) unseen
SELECT group_name, active_customers, mrr, monthly_churn_rate, lifetime_value
  FROM retention.lifetime_value ORDER BY group_name;
-- 1 back: 5's entry unseen, the rest as before
SELECT a.ago, f.entered_onboarding, f.onboarded, f.recycled, f.recycle_rate, f.made_ineligible
  FROM retention.stage_funnel f JOIN months_ago a ON a.m = f.month
 WHERE f.breakdown = 'month' AND a.ago <= 3 ORDER BY a.ago DESC;
RESET ROLE;
SET ROLE mf_ravi;
-- Ravi looks after ret-erp, which has no products: nothing
SELECT group_name, active_customers, mrr, lifetime_value FROM retention.lifetime_value ORDER BY group_name;
SELECT sum(entered_onboarding + onboarded + recycled + made_ineligible + skipped_onboarding) AS moves,
	   count(*) FILTER (WHERE breakdown = 'reason') AS reasons
  FROM retention.stage_funnel;
RESET ROLE;
DROP ROLE mf_rita;
DROP ROLE mf_ravi;
