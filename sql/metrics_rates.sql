-- metrics_rates: customer retention and churn, per group and rep, churn by
-- reason, revenue movements with GRR and NRR, the monthly views, on small
-- hand-computed histories.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

INSERT INTO retention.reps (name, role_name) VALUES ('Rita', 'mr_rita'), ('Ravi', 'mr_ravi');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb', 'onboarding', '{crm,erp}', NULL),
	('ret-crm', 'retention', '{crm}', 1),
	('ret-erp', 'retention', '{erp}', 2);
INSERT INTO retention.deals (customer, name, closed_on) VALUES
	('Acme', 'a', '2024-12-01'), ('Beta', 'b', '2024-12-01'), ('Gamma', 'g', '2024-12-01'),
	('Delta', 'd', '2024-12-01'), ('Echo', 'e', '2024-12-01'), ('Foxtrot', 'f', '2024-12-01');

/*
 * The history, hand-made.  Products 1-8 are inserted now (their entry is
 * recorded now, after every window below); their past moves are loaded into
 * stage_history as its owner (append-only: inserts only), their MRR
 * history through products.mrr_since, back-dated as an administrator may.
 *
 *  product customer type stages                                  MRR
 *  1       Acme     crm  retention 01-10                         100 from 01-10, 150 from 02-15
 *  2       Acme     erp  retention 02-05, ineligible 03-20       50 from 02-05
 *  3       Beta     crm  onboarding 01-15, retention 01-25,
 *                        ineligible 02-10 (contract terminated)  80 from 01-25
 *  4       Beta     crm  retention 03-05 (won back)              60 from 03-05
 *  5       Gamma    erp  retention 2024-12-01, ineligible 02-28  200 from 2024-12-01, 120 from 01-20
 *  6       Delta    erp  onboarding 02-01                        0 from 02-01, 40 from 03-10
 *  7       Echo     crm  retention 02-01 00:00 (a month boundary) 30 from 02-01
 *  8       Foxtrot  erp  retention 2024-12-15                    90 from 2024-12-15, 0 from 03-15
 * (dates in 2025, UTC)
 */
INSERT INTO retention.products (deal_id, product_type, stage, mrr, mrr_since) VALUES
	(1, 'crm', 'retention', 100, '2025-01-10'),
	(1, 'erp', 'retention', 50, '2025-02-05'),
	(2, 'crm', 'retention', 80, '2025-01-25'),
	(2, 'crm', 'retention', 60, '2025-03-05'),
	(3, 'erp', 'retention', 200, '2024-12-01'),
	(4, 'erp', 'retention', 0, '2025-02-01'),
	(5, 'crm', 'retention', 30, '2025-02-01'),
	(6, 'erp', 'retention', 90, '2024-12-15');
UPDATE retention.products SET mrr = 150, mrr_since = '2025-02-15' WHERE id = 1;
UPDATE retention.products SET mrr = 120, mrr_since = '2025-01-20' WHERE id = 5;
UPDATE retention.products SET mrr = 40, mrr_since = '2025-03-10' WHERE id = 6;
UPDATE retention.products SET mrr = 0, mrr_since = '2025-03-15' WHERE id = 8;
SELECT product_id, mrr, effective_at FROM retention.mrr_history ORDER BY product_id, id;

INSERT INTO retention.stage_history (table_name, product_id, row_key, from_stage, to_stage, reason, changed_at) VALUES
	('retention.products', 1, '1', NULL, 'retention', NULL, '2025-01-10'),
	('retention.products', 2, '2', NULL, 'retention', NULL, '2025-02-05'),
	('retention.products', 2, '2', 'retention', 'ineligible', 'churned', '2025-03-20'),
	('retention.products', 3, '3', NULL, 'onboarding', NULL, '2025-01-15'),
	('retention.products', 3, '3', 'onboarding', 'retention', NULL, '2025-01-25'),
	('retention.products', 3, '3', 'retention', 'ineligible', 'contract terminated', '2025-02-10'),
	('retention.products', 4, '4', NULL, 'retention', NULL, '2025-03-05'),
	('retention.products', 5, '5', NULL, 'retention', NULL, '2024-12-01'),
	('retention.products', 5, '5', 'retention', 'ineligible', 'churned', '2025-02-28'),
	('retention.products', 6, '6', NULL, 'onboarding', NULL, '2025-02-01'),
	('retention.products', 7, '7', NULL, 'retention', NULL, '2025-02-01'),
	('retention.products', 8, '8', NULL, 'retention', NULL, '2024-12-15');

------------------------------------------------------------------------------
-- Customer retention
------------------------------------------------------------------------------

-- January: S = {Gamma, Foxtrot}; E = {Acme, Beta, Gamma, Foxtrot}; N = 2;
-- retention (4 - 2) / 2 = 1, churn 0
SELECT * FROM retention.customer_retention_between('2025-01-01', '2025-02-01');
-- February: S = {Acme, Beta, Gamma, Foxtrot} (Echo entered at 02-01 00:00,
-- the window's start, so not before it); E = {Acme, Delta, Echo, Foxtrot};
-- N = 2 (Delta, Echo); churned 2 (Beta, Gamma); retention 2/4, churn 2/4
SELECT * FROM retention.customer_retention_between('2025-02-01', '2025-03-01');
-- March: S = {Acme, Delta, Echo, Foxtrot}; E adds Beta (won back): N = 1;
-- retention (5 - 1) / 4 = 1.  Foxtrot stays a customer at MRR 0.
SELECT * FROM retention.customer_retention_between('2025-03-01', '2025-04-01');
-- February and March: Beta churned and came back inside the window, so it
-- is retained; S = 4, E = 5, N = 2 (Delta, Echo), churned 1 (Gamma):
-- retention 3/4, churn 1/4
SELECT * FROM retention.customer_retention_between('2025-02-01', '2025-04-01');
-- Echo's entry at the boundary: counted in January's end? No: new in February
SELECT customers_end FROM retention.customer_retention_between('2025-01-01', '2025-02-01 00:00');
SELECT customers_end FROM retention.customer_retention_between('2025-01-01', '2025-02-01 00:00:00.000001');
-- Before any history: no customers, NULL rates
SELECT * FROM retention.customer_retention_between('2020-01-01', '2020-02-01');
-- A window must end after it starts
SELECT * FROM retention.customer_retention_between('2025-02-01', '2025-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM retention.customer_retention_between('2025-03-01', '2025-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM retention.customer_retention_between(NULL, '2025-02-01');
\echo :LAST_ERROR_SQLSTATE

-- February per group (products): ret-crm {1, 3, 4, 7}: S = {1, 3}, E = {1, 7},
-- N = 1, churned 1; ret-erp {2, 5, 6, 8}: S = {5, 8}, E = {2, 6, 8}, N = 2,
-- churned 1.  Both retain (E - N) / S = 1/2.
SELECT * FROM retention.product_retention_by_group('2025-02-01', '2025-03-01');
SELECT * FROM retention.product_retention_by_rep('2025-02-01', '2025-03-01');

-- Churn by reason: February lost 3 (contract terminated) and 5 (churned);
-- March lost 2 (churned)
SELECT * FROM retention.churn_by_reason('2025-02-01', '2025-03-01');
SELECT * FROM retention.churn_by_reason('2025-01-01', '2025-04-01');
SELECT * FROM retention.churn_by_reason('2025-01-01', '2025-02-01');

------------------------------------------------------------------------------
-- Revenue retention
------------------------------------------------------------------------------

-- January: start Gamma 200 + Foxtrot 90 = 290; Acme new 100, Beta new 80,
-- Gamma contracts by 80; end 390; GRR = NRR = (290 - 80) / 290
SELECT * FROM retention.revenue_retention_between('2025-01-01', '2025-02-01');
-- February: start 100 + 80 + 120 + 90 = 390; Acme expands by 100 (product 1
-- +50, product 2 new at 50: one customer, +100), Beta churns 80, Gamma
-- churns 120, Echo new 30; end 150 + 50 + 30 + 90 = 320;
-- GRR = (390 - 200) / 390, NRR = (390 + 100 - 200) / 390
SELECT * FROM retention.revenue_retention_between('2025-02-01', '2025-03-01');
-- March: start 200 + 30 + 90 = 320; Acme contracts by 50 (product 2 out),
-- Foxtrot's MRR goes to exactly 0: churn 90 (though still a customer);
-- Delta new 40; Beta reactivated 60 (it paid before); end 150 + 60 + 40 + 30 = 280
-- GRR = NRR = (320 - 50 - 90) / 320
SELECT * FROM retention.revenue_retention_between('2025-03-01', '2025-04-01');
-- February and March: Beta 80 -> 60 is a contraction of 20 (churned and
-- back within the window); Acme +50; Gamma -120 and Foxtrot -90 churn;
-- Delta 40 and Echo 30 new: 390 + 70 + 50 - 20 - 210 = 280
SELECT * FROM retention.revenue_retention_between('2025-02-01', '2025-04-01');
-- ending = starting + new + reactivated + expansion - contraction - churned, exactly
SELECT w.window_start::date, w.breakdown, w.group_id,
	   w.ending_mrr = w.starting_mrr + w.new_mrr + w.reactivated_mrr + w.expansion_mrr
					  - w.contraction_mrr - w.churned_mrr AS balances
  FROM retention.revenue_by_window(ARRAY['2024-12-01', '2025-01-01', '2025-02-01', '2025-03-01',
										 '2025-04-01']::timestamptz[]) w
 ORDER BY 1, 2, 3;
-- February by group: ret-crm: Acme 100 -> 150 (+50), Beta 80 -> 0, Echo new 30;
-- ret-erp: Acme new 50 (first MRR in that group), Gamma 120 -> 0, Foxtrot 90
SELECT window_start::date, group_id, starting_mrr, new_mrr, expansion_mrr, contraction_mrr,
	   churned_mrr, reactivated_mrr, ending_mrr
  FROM retention.revenue_by_window(ARRAY['2025-02-01', '2025-03-01']::timestamptz[])
 WHERE breakdown = 'group' ORDER BY group_id;
-- Each customer's MRR at the instants (what the revenue cohorts add up):
-- Acme 0, 100, 150 + 50, 150 (product 2 ineligible); Beta 0, 80, 0, 60;
-- Gamma 200, 120, 0, 0; Delta 0 throughout until 40 in April (its move and
-- MRR row at 02-01 00:00 count from the next instant); Echo 0, 0, 30, 30;
-- Foxtrot 90, 90, 90, 0.  The columns add up to 390 in February, 320 in
-- March and 280 in April, the starts and ends above.
SELECT customer, mrr, first_paid_at::date, present_from::date
  FROM retention.customer_mrr(ARRAY['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01']::timestamptz[])
 ORDER BY customer;
-- Any array will do: its instants are taken in order, without duplicates or
-- NULLs, whatever its shape.  Bits for 01-01, 02-01, 03-01: product 1 from
-- 01-10 (011), 2 from 02-05 to 03-20 (001), 3 from 01-15 to 02-10 (010),
-- 4 from 03-05 (000), 5 until 02-28 (110), 6 onboarding from 02-01 00:00
-- (001; in retention only since its entry, recorded now: 000), 7 from 02-01
-- 00:00 (001), 8 (111).
SELECT * FROM retention.activity_masks(ARRAY['2025-03-01', NULL, '2025-01-01', '2025-02-01',
											 '2025-01-01']::timestamptz[])
 ORDER BY product_id;
SELECT (SELECT array_agg(w::text ORDER BY w::text)
		  FROM retention.retention_by_window(ARRAY[['2025-01-01', '2025-02-01'],
												   ['2025-03-01', '2025-04-01']]::timestamptz[]) w)
	 = (SELECT array_agg(w::text ORDER BY w::text)
		  FROM retention.retention_by_window(ARRAY['2025-04-01', '2025-02-01', '2025-01-01',
												   '2025-03-01', '2025-02-01']::timestamptz[]) w)
	   AS "a 2-D, unsorted or repeating array counts the same windows";
-- Fewer than two instants make no window; no instant, customers with none
SELECT count(*) FROM retention.retention_by_window(ARRAY['2025-01-01']::timestamptz[]);
SELECT count(*) FROM retention.revenue_by_window(ARRAY[NULL, '2025-01-01']::timestamptz[]);
SELECT count(*) AS customers, bool_and(mrr = '{}') AS "no MRR figures"
  FROM retention.customer_mrr('{}');
-- At most ten million distinct instants (54000)
SELECT count(*) FROM retention.revenue_by_window(ARRAY(
	SELECT '2026-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 10000001) g));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM retention.revenue_retention_between('2020-01-01', '2020-02-01');
SELECT * FROM retention.revenue_retention_between('2025-02-01', '2025-01-01');
\echo :LAST_ERROR_SQLSTATE

------------------------------------------------------------------------------
-- Month boundaries in the session's time zone (DST)
------------------------------------------------------------------------------

-- Berlin's March ends at 2025-03-31 22:00 UTC (summer time began on the
-- 30th): a churn at 22:30 UTC on the 31st is April's in Berlin, March's in UTC.
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Hotel', 'h', '2025-01-01');
INSERT INTO retention.products (deal_id, product_type, stage) VALUES (7, 'crm', 'retention');
INSERT INTO retention.stage_history (table_name, product_id, row_key, from_stage, to_stage, reason, changed_at) VALUES
	('retention.products', 9, '9', NULL, 'retention', NULL, '2025-01-05'),
	('retention.products', 9, '9', 'retention', 'ineligible', 'churned', '2025-03-31 22:30+00');
SET TimeZone = 'Europe/Berlin';
SELECT bool_and(m::time = '00:00' AND extract(day FROM m) = 1) AS "every month start is midnight on the 1st",
	   count(*) AS instants
  FROM unnest(retention.month_starts(12)) m;
SELECT reason, products FROM retention.churn_by_reason('2025-03-01 00:00', '2025-04-01 00:00');
SELECT reason, products FROM retention.churn_by_reason('2025-04-01 00:00', '2025-05-01 00:00');
SET TimeZone = 'UTC';
SELECT reason, products FROM retention.churn_by_reason('2025-03-01 00:00', '2025-04-01 00:00');

------------------------------------------------------------------------------
-- The monthly views (the last 12 complete months, relative to now)
------------------------------------------------------------------------------

-- Everything above lies more than 12 months back: its customers stay as they
-- were at the end of March 2025 (Acme, Beta, Delta, Echo, Foxtrot active).
-- Golf (product 10, erp) arrives 3 days into the month two months back, at
-- MRR 70, and leaves 5 days into last month.
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Golf', 'g', '2025-01-01');
INSERT INTO retention.products (deal_id, product_type, stage, mrr, mrr_since)
VALUES (8, 'erp', 'retention', 70, date_trunc('month', now()) - interval '2 months' + interval '3 days');
INSERT INTO retention.stage_history (table_name, product_id, row_key, from_stage, to_stage, reason, changed_at) VALUES
	('retention.products', 10, '10', NULL, 'retention', NULL,
	 date_trunc('month', now()) - interval '2 months' + interval '3 days'),
	('retention.products', 10, '10', 'retention', 'ineligible', 'budget',
	 date_trunc('month', now()) - interval '1 month' + interval '5 days');
CREATE TEMP VIEW months_ago AS
SELECT m, (13 - row_number() OVER (ORDER BY m))::int AS ago
  FROM unnest(retention.month_starts(12)) m;

SELECT count(*) AS rows, count(DISTINCT month) AS months FROM retention.monthly_retention;
-- (ago: 1 is the last complete month.)  Overall: 5 customers month after
-- month; Golf new two months back
-- (retention (6 - 1) / 5 = 1), churned last month ((5 - 0) / 6)
SELECT a.ago, r.active_at_start, r.new, r.churned, r.active_at_end, r.retention_rate, r.churn_rate,
	   r.retention_rate_change
  FROM retention.monthly_retention r JOIN months_ago a ON a.m::date = r.month
 WHERE r.breakdown = 'overall' AND a.ago BETWEEN 1 AND 4 ORDER BY a.ago DESC;
-- By group and rep (products): ret-erp holds 6 and 8 throughout, Golf's 10 two months back
SELECT a.ago, r.breakdown, r.group_name, r.rep, r.active_at_start, r.new, r.churned,
	   r.active_at_end, r.retention_rate
  FROM retention.monthly_retention r JOIN months_ago a ON a.m::date = r.month
 WHERE r.breakdown <> 'overall' AND a.ago BETWEEN 1 AND 3 ORDER BY a.ago DESC, r.breakdown, r.group_name, r.rep;
-- Revenue: 280 a month before Golf; Golf new 70; then churns 70
SELECT a.ago, r.breakdown, r.group_name, r.starting_mrr, r.new_mrr, r.expansion_mrr,
	   r.contraction_mrr, r.churned_mrr, r.reactivated_mrr, r.ending_mrr, r.grr, r.nrr
  FROM retention.revenue_retention r JOIN months_ago a ON a.m::date = r.month
 WHERE a.ago BETWEEN 1 AND 4 ORDER BY a.ago DESC, r.breakdown, r.group_name;
-- Golf's revenue cohort: month 0 at 70 (share 1), then 0
SELECT c.months_since, c.customers, c.mrr, c.share_of_month_0
  FROM retention.revenue_cohorts c
 WHERE c.cohort_month = (date_trunc('month', now()) - interval '2 months')::date
 ORDER BY c.months_since;
-- The views' columns are plain types
SELECT c.table_name, c.column_name, c.data_type, c.numeric_precision, c.numeric_scale
  FROM information_schema.columns c
 WHERE c.table_schema = 'retention'
   AND c.table_name IN ('monthly_retention', 'revenue_retention', 'revenue_cohorts')
   AND c.data_type = 'numeric'
 ORDER BY c.table_name, c.ordinal_position;

------------------------------------------------------------------------------
-- Row-level security: a rep's rates are those of the rep's own products
------------------------------------------------------------------------------
SET client_min_messages = warning;
DROP ROLE IF EXISTS mr_rita;
RESET client_min_messages;
CREATE ROLE mr_rita IN ROLE retention_rep;
SET ROLE mr_rita;
-- Rita looks after ret-crm: products 1, 3, 4, 7 and 9 (Hotel, active from
-- 2025-01-05).  February: S = {Acme, Beta, Hotel}, E = {Acme, Echo, Hotel}
SELECT * FROM retention.customer_retention_between('2025-02-01', '2025-03-01');
-- Acme +50 (product 2 is not hers), Beta -80, Echo new 30
SELECT starting_mrr, new_mrr, expansion_mrr, churned_mrr, ending_mrr
  FROM retention.revenue_retention_between('2025-02-01', '2025-03-01');
SELECT count(*) AS "history rows Rita sees" FROM retention.mrr_history;
SELECT DISTINCT breakdown, group_name, rep FROM retention.monthly_retention ORDER BY 1, 2, 3;
RESET ROLE;
DROP ROLE mr_rita;
