-- test/demo/report.sql: the demo's report over retention's tables
--
-- Run it after test/demo/data.sql (or over your own data):
--     psql -X -q -f test/demo/report.sql

\set ON_ERROR_STOP on
\pset footer off
\pset null '-'
\pset linestyle unicode
\pset border 2
\pset numericlocale on

SELECT pg_catalog.format('%s deals, %s products in %s groups, %s moves recorded',
						 (SELECT count(*) FROM retention.deals),
						 (SELECT count(*) FROM retention.products),
						 (SELECT count(*) FROM retention.groups),
						 (SELECT count(*) FROM retention.stage_history)) AS totals \gset
\echo
\echo 'retention demo report:' :totals

\echo
\echo '1. Products per stage and group'
\echo '   Each product is placed by its type in the onboarding or retention group'
\echo '   of its stage; a product made ineligible stays in its last group.'
SELECT coalesce(g.name, 'All groups') AS "group",
	   g.kind,
	   r.name AS rep,
	   count(*) FILTER (WHERE p.stage = 'onboarding') AS onboarding,
	   count(*) FILTER (WHERE p.stage = 'retention') AS retention,
	   count(*) FILTER (WHERE p.stage = 'ineligible') AS ineligible,
	   count(*) AS total
  FROM retention.products p
  LEFT JOIN retention.groups g ON g.id = p.group_id
  LEFT JOIN retention.reps r ON r.id = g.rep_id
 GROUP BY ROLLUP ((g.id, g.name, g.kind, r.name))
 ORDER BY GROUPING(g.id), g.kind, g.name;

\echo
\echo '2. Each rep''s book'
\echo '   Under care: products not ineligible; deal amount counts each deal once.'
SELECT r.name AS rep,
	   pg_catalog.string_agg(DISTINCT g.name, ', ') AS "groups",
	   count(p.id) AS products,
	   count(*) FILTER (WHERE p.stage = 'onboarding') AS onboarding,
	   count(*) FILTER (WHERE p.stage = 'retention') AS retention,
	   count(*) FILTER (WHERE p.stage = 'ineligible') AS ineligible,
	   (SELECT round(sum(d.amount))
		  FROM retention.deals d
		 WHERE d.id IN (SELECT c.deal_id
						  FROM retention.products c
						  JOIN retention.groups cg ON cg.id = c.group_id
						 WHERE cg.rep_id = r.id AND c.stage <> 'ineligible')) AS "deal amount under care",
	   round(sum(p.mrr) FILTER (WHERE p.stage <> 'ineligible')) AS "MRR under care"
  FROM retention.reps r
  LEFT JOIN retention.groups g ON g.rep_id = r.id
  LEFT JOIN retention.products p ON p.group_id = g.id
 GROUP BY r.id, r.name
 ORDER BY r.name;

\echo
\echo '3. Latest moves (retention.stage_history, written by the stage triggers)'
SELECT pg_catalog.to_char(h.changed_at, 'YYYY-MM-DD HH24:MI') AS "when",
	   h.product_id AS product,
	   p.customer,
	   coalesce(h.from_stage, '(new)') || ' → ' || h.to_stage AS move,
	   h.reason,
	   h.acting_role AS "by"
  FROM retention.stage_history h
  LEFT JOIN retention.products p ON p.id = h.product_id
 ORDER BY h.id DESC
 LIMIT 12;

\echo
\echo '4. Why products went back to onboarding or left'
SELECT h.from_stage || ' → ' || h.to_stage AS move,
	   h.reason,
	   count(*) AS products
  FROM retention.stage_history h
 WHERE h.to_stage IN ('onboarding', 'ineligible') AND h.from_stage IS NOT NULL
 GROUP BY h.from_stage, h.to_stage, h.reason
 ORDER BY h.to_stage, count(*) DESC, h.reason;

\echo
\echo '5. Health'
\echo '   Usage (avg over 30 days), happiness (last survey in 90 days) and support'
\echo '   tickets (count over 30 days) make a 0-100 score per product; the'
\echo '   Enterprise platform group weighs them with its own scorecard.'
\echo
\echo '5a. Per group (retention.group_health)'
SELECT group_name AS "group", rep, products, scored,
	   round(mean_score::numeric, 1) AS "mean score",
	   round(min_score::numeric, 1) AS "min score",
	   red, yellow, green
  FROM retention.group_health
 WHERE kind = 'retention'
 ORDER BY group_name;

\echo
\echo '5b. Per rep (retention.rep_book)'
SELECT rep, products, round(mean_score::numeric, 1) AS "mean score",
	   red, yellow, green, round(deal_amount) AS "deal amount", round(mrr) AS mrr
  FROM retention.rep_book
 ORDER BY rep;

\echo
\echo '5c. At risk (retention.at_risk): red, or down by alert_drop points since the last snapshot'
SELECT product_id AS product, customer, product_type, group_name AS "group",
	   round(score::numeric, 1) AS score, band,
	   round(coverage::numeric, 2) AS coverage,
	   weakest_measure AS "pulled down by", trend,
	   round(previous_score::numeric, 1) AS previous
  FROM retention.at_risk
 ORDER BY score, product_id
 LIMIT 10;
SELECT count(*) AS at_risk FROM retention.at_risk \gset
\echo '  ' :at_risk 'products at risk in all.'

\echo
\echo '5d. A hand-set score (retention.override_health): shown beside the computed one'
SELECT product_id AS product, customer, round(score::numeric, 1) AS score, band,
	   round(computed_score::numeric, 1) AS computed, computed_band,
	   override_reason AS reason, override_expires_at::date AS until
  FROM retention.product_health
 WHERE override_score IS NOT NULL
 ORDER BY product_id;

\echo
\echo '5e. Yesterday''s snapshot, with its alerts (retention.health_alerts; LISTEN retention_health_alert wakes a client up)'
SELECT retention.snapshot_health(CURRENT_DATE - 1) AS "products recorded";
SELECT a.product_id AS product, a.kind, round(a.old_score::numeric, 1) AS was,
	   round(a.new_score::numeric, 1) AS now, a.old_band, a.new_band
  FROM retention.health_alerts a
 WHERE a.as_of = CURRENT_DATE - 1
 ORDER BY a.product_id
 LIMIT 10;

\echo
\echo '5f. Cohort triangle: products by the week they first entered retention (the last ten'
\echo '    weeks, which the usage data covers), share with usage in each week since (classic'
\echo '    retention; blank while a week has not ended)'
SELECT coalesce(to_char(cohort, 'YYYY-MM-DD'), 'average') AS "entered week",
	   max(cohort_size) FILTER (WHERE period = 0) AS products,
	   max(rate) FILTER (WHERE period = 1) AS "week 1",
	   max(rate) FILTER (WHERE period = 2) AS "week 2",
	   max(rate) FILTER (WHERE period = 3) AS "week 3",
	   max(rate) FILTER (WHERE period = 4) AS "week 4",
	   max(rate) FILTER (WHERE period = 5) AS "week 5",
	   max(rate) FILTER (WHERE period = 6) AS "week 6",
	   max(rate) FILTER (WHERE period = 8) AS "week 8"
  FROM retention.cohort_table('classic', 'week', 8, 'usage')
 WHERE cohort >= date_trunc('week', now()) - interval '10 weeks'
 GROUP BY cohort ORDER BY cohort;

\echo '6. An illegal move, refused'
\echo '   "ineligible" is terminal: no rule of retention.transitions leads out of it.'
SELECT min(p.id) AS lost_product,
	   pg_catalog.format('UPDATE retention.products SET stage = %L WHERE id = %s;',
						 'retention', min(p.id)) AS illegal_move
  FROM retention.products p
 WHERE p.stage = 'ineligible' \gset
\echo '  ' :illegal_move
\echo
\set ON_ERROR_STOP off
\set VERBOSITY verbose
:illegal_move
\set VERBOSITY default
\set ON_ERROR_STOP on
\echo
\echo '   Nothing changed:'
SELECT p.id AS product, p.stage, p.stage_reason AS reason,
	   (SELECT count(*) FROM retention.stage_history h WHERE h.product_id = p.id) AS "moves recorded"
  FROM retention.products p
 WHERE p.id = :lost_product;

\echo
\echo '7. Survival: how long products stay in the retention stage'
\echo '   Per group: median lifetime (NULL while more than half remain), survival at'
\echo '   3, 6, 12 and 24 months, restricted mean over 24 months (days).'
SELECT group_name, products, churned, round(median_days::numeric, 1) AS median_days,
	   round(surv_3m::numeric, 3) AS surv_3m, round(surv_6m::numeric, 3) AS surv_6m,
	   round(surv_12m::numeric, 3) AS surv_12m, round(surv_24m::numeric, 3) AS surv_24m,
	   round(rmean_24m_days::numeric, 1) AS rmean_24m
  FROM retention.survival_by_group
 ORDER BY group_name;
\echo
\echo '   The curves, S(t) weekly (each # is 2.5% still retained)'
SELECT c.group_name, w.week,
	   round(retention.survival_at(c.s, 7 * w.week)::numeric, 3) AS surv,
	   repeat('#', round(40 * retention.survival_at(c.s, 7 * w.week))::int) AS chart
  FROM (SELECT group_name, retention.survival(days, churned) AS s
		  FROM retention.product_lifetimes GROUP BY group_name) c,
	   generate_series(0, 6) w (week)
 ORDER BY c.group_name, w.week;
\echo
\echo '   Do the groups differ? The log-rank test across groups:'
SELECT round(t.chisq::numeric, 3) AS chisq, t.df, round(t.p::numeric, 4) AS p
  FROM (SELECT array_agg(s) AS curves
		  FROM (SELECT retention.survival(days, churned) AS s
				  FROM retention.product_lifetimes GROUP BY group_id) g) x,
	   retention.logrank(x.curves) t;

\echo
\echo '8. A retention initiative as an A/B test: quarterly business review calls'
INSERT INTO retention.initiatives (name, description, horizon)
VALUES ('qbr_calls', 'quarterly business review calls', '30 days');
SELECT retention.assign('qbr_calls',
	   ARRAY(SELECT id FROM retention.products WHERE stage = 'retention')) AS "products assigned";
SELECT g.name AS group_name, m.arm, count(*) AS products
  FROM retention.initiative_members m
  JOIN retention.products p ON p.id = m.product_id
  JOIN retention.groups g ON g.id = p.group_id
 GROUP BY 1, 2 ORDER BY 1, 2;
\echo '   Results (just assigned, so nobody has churned yet):'
SELECT arm, products, churned, round(surv_at_horizon::numeric, 3) AS surv_at_horizon,
	   logrank_chisq, logrank_p, diff_vs_control
  FROM retention.initiative_results('qbr_calls');

\echo
\echo '9. Growth opportunities (retention.pipeline, retention.pipeline_by_month)'
\echo '   Per rep: what is open, the win rate of the closed ones, the MRR won; a won'
\echo '   upsell raised its product''s MRR (expansion), a won cross-sell became a new product.'
SELECT coalesce(rep, '(no rep)') AS rep, open_count AS open, open_mrr, won_count AS won,
	   lost_count AS lost, win_rate, won_mrr, won_mrr_per_month AS "won per month (12 mo)"
  FROM retention.pipeline ORDER BY won_mrr DESC, rep;
\echo '   MRR won per month, all reps, over the last 12 months:'
SELECT month, sum(opened) AS opened, sum(won) AS won, sum(lost) AS lost,
	   sum(upsell_mrr_won) AS upsell_mrr, sum(cross_sell_mrr_won) AS cross_sell_mrr,
	   repeat('#', (sum(mrr_won) / 100)::int) AS chart
  FROM retention.pipeline_by_month
 WHERE month > (date_trunc('month', now()) - interval '12 months')::date
 GROUP BY month ORDER BY month;
\echo '   The largest open opportunities:'
SELECT o.id, r.name AS rep, d.customer, p.product_type, o.kind, o.mrr, o.created_at::date AS found_on, o.note
  FROM retention.opportunities o
  JOIN retention.products p ON p.id = o.product_id
  JOIN retention.deals d ON d.id = p.deal_id
  LEFT JOIN retention.reps r ON r.id = o.rep
 WHERE o.status = 'open'
 ORDER BY o.mrr DESC, o.id LIMIT 5;
