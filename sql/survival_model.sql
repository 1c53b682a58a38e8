-- Survival over the extension's own model: product lifetimes from the stage
-- history, curves by group, and a retention initiative run as an A/B test.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

INSERT INTO retention.reps (name, role_name) VALUES ('Rita', 'sm_rita'), ('Ravi', 'sm_ravi');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('ret-crm', 'retention', '{crm}', 1), ('ret-erp', 'retention', '{erp}', 2);
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Acme', 'Acme', '2024-01-01');

-- 12 products straight into retention (6 crm, 6 erp), then history rows of
-- their real entry dates, as an import writes them: product i entered
-- 10 * i days ago.  In the same transaction, products 1, 2, 3 (crm) and 7
-- (erp) are made ineligible now, so they lived exactly 10, 20, 30 and 70
-- days; the others run on, censored now.
BEGIN;
INSERT INTO retention.products (deal_id, product_type, stage)
SELECT 1, CASE WHEN i <= 6 THEN 'crm' ELSE 'erp' END, 'retention'
  FROM generate_series(1, 12) i;
INSERT INTO retention.stage_history (table_name, product_id, from_stage, to_stage, changed_at)
SELECT 'retention.products', i, NULL, 'retention', now() - make_interval(days => 10 * i)
  FROM generate_series(1, 12) i;
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'churned'
 WHERE id IN (1, 2, 3, 7);
COMMIT;

SELECT product_id, group_name, product_type, churned, ended_at IS NOT NULL AS ended,
	   round(days::numeric, 2) AS days
  FROM retention.product_lifetimes ORDER BY product_id;

-- crm: 10+, 20+, 30+ events... by hand: times 10, 20, 30 events, 40, 50, 60
-- censored: S(10) = 5/6, S(20) = 4/6, S(30) = 3/6 = 0.5 exactly, flat to the
-- end: R's rule gives the median (30 + 60) / 2 = 45 (the last time is 60).
-- erp: 70 event among 70..120: S(70) = 5/6 after it, median not reached.
SELECT group_name, products, churned, round(median_days::numeric, 2) AS median_days,
	   round(median_lower::numeric, 2) AS median_lower,
	   median_upper, round(surv_3m::numeric, 5) AS surv_3m, round(surv_24m::numeric, 5) AS surv_24m,
	   round(rmean_24m_days::numeric, 2) AS rmean_24m_days
  FROM retention.survival_by_group ORDER BY group_name;
-- rmean by hand for crm: 10 * 1 + 10 * 5/6 + 10 * 4/6 + (730.5 - 30) * 1/2
SELECT round((10 + 10 * 5/6.0 + 10 * 4/6.0 + 700.5 / 2)::numeric, 2) AS "crm rmean by hand";

------------------------------------------------------------------------------
-- A retention initiative as an A/B test
------------------------------------------------------------------------------
INSERT INTO retention.initiatives (name, description, started_at, horizon)
VALUES ('qbr_calls', 'quarterly business review calls', now() - interval '100 days', '30 days');
SELECT name, arms, horizon FROM retention.initiatives;

-- The split: reproducible, balanced within each group; the ineligible
-- products 1, 2, 3 and 7 are left out
SELECT retention.assign('qbr_calls', ARRAY(SELECT id FROM retention.products WHERE id <> 12)) AS assigned;
SELECT p.group_id, m.arm, count(*)
  FROM retention.initiative_members m JOIN retention.products p ON p.id = m.product_id
 GROUP BY 1, 2 ORDER BY 1, 2;
CREATE TEMP TABLE first_split AS SELECT product_id, arm FROM retention.initiative_members;
-- Again, with product 12 too: only 12 is new, nobody else moves
SELECT retention.assign('qbr_calls', ARRAY(SELECT id FROM retention.products)) AS assigned;
SELECT retention.assign('qbr_calls', ARRAY(SELECT id FROM retention.products)) AS "assigned again";
SELECT count(*) AS "kept their arm"
  FROM first_split f JOIN retention.initiative_members m USING (product_id) WHERE f.arm = m.arm;
-- The split is md5(initiative:product): the same on every server
SELECT m.arm, array_agg(m.product_id ORDER BY m.product_id) AS products
  FROM retention.initiative_members m GROUP BY m.arm ORDER BY m.arm;

-- Each member's clock starts at its assignment: product i was assigned
-- 5 * i days ago, and usage was observed low before and high since.  Now
-- products 4, 5 and 8 churn, after 20, 25 and 40 days in the initiative.
UPDATE retention.initiative_members SET assigned_at = now() - make_interval(days => 5 * product_id::integer);
INSERT INTO retention.observations (product_id, measure, observed_at, value)
SELECT m.product_id, 'usage', m.assigned_at - interval '1 day', 4
  FROM retention.initiative_members m
UNION ALL
SELECT m.product_id, 'usage', now() - interval '1 hour', 14
  FROM retention.initiative_members m;
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'churned' WHERE id IN (4, 5, 8);

-- Horizon 30 days.  control {4, 5, 9, 11, 12}: events at 20 and 25,
-- censored at 45, 55, 60: S(30) = 4/5 * 3/4 = 0.6, and S stays 0.6: no
-- median.
-- treatment {6, 8, 10}: censored at 30, event at 40, censored at 50:
-- S(30) = 1, S(40) = 1/2 exactly and flat to 50: median (40 + 50) / 2 = 45.
-- The difference at 30 is 1 - 0.6 = 0.4; its interval 0.4 +- 1.96 * the
-- control's Greenwood error 0.6 * sqrt(1/(5*4) + 1/(4*3)) = 0.2191, so
-- [-0.0294, 0.8294].  Usage 4 then and 14 since: the health change per arm
-- is checked against health_as_of below.
SELECT arm, products, churned, round(surv_at_horizon::numeric, 4) AS surv_h,
	   round(surv_lower::numeric, 4) AS lower, round(surv_upper::numeric, 4) AS upper,
	   round(median_days::numeric, 2) AS median_days,
	   round(mean_health_change::numeric, 4) AS health_change,
	   round(logrank_chisq::numeric, 4) AS chisq, logrank_df,
	   round(logrank_p::numeric, 4) AS p, round(diff_vs_control::numeric, 4) AS diff,
	   round(diff_lower::numeric, 4) AS diff_lower, round(diff_upper::numeric, 4) AS diff_upper
  FROM retention.initiative_results('qbr_calls');
-- The same test straight from the members' curves, and the health change
-- straight from health_as_of
SELECT round(t.chisq::numeric, 4) AS chisq, round(t.p::numeric, 4) AS p
  FROM retention.logrank(ARRAY['{20:1/0,25:1/0,45:0/1,55:0/1,60:0/1}',
							   '{30:0/1,40:1/0,50:0/1}']::retention.survival[]) t;
SELECT m.arm, round(avg(retention.score(n.health) - retention.score(t.health))::numeric, 4) AS "health change by hand"
  FROM retention.initiative_members m
  JOIN retention.health_as_of(now()) n USING (product_id)
  JOIN LATERAL retention.health_as_of(m.assigned_at) t ON t.product_id = m.product_id
 GROUP BY m.arm ORDER BY m.arm;

-- Bad input
SELECT retention.assign('nope', '{1}');
INSERT INTO retention.initiatives (name, arms) VALUES ('one_arm', '{only}');
INSERT INTO retention.initiatives (name, arms) VALUES ('dup_arms', '{a,a}');
INSERT INTO retention.initiatives (name, arms) VALUES ('null_arm', '{a,NULL}');
INSERT INTO retention.initiatives (name, started_at, arms) VALUES ('Bad Name', '2026-01-01', '{a,b}');
INSERT INTO retention.initiatives (name, started_at, horizon) VALUES ('no_horizon', '2026-01-01', '0 days');
INSERT INTO retention.initiative_members (initiative, product_id, arm) VALUES ('qbr_calls', 1, 'placebo');
UPDATE retention.initiatives SET arms = '{control,other}' WHERE name = 'qbr_calls';
INSERT INTO retention.initiatives (name, started_at, ended_at) VALUES ('over', '2026-01-01', '2026-01-02');
SELECT retention.assign('over', '{1}');

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
