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
\echo '   The curves, S(t) every three months (each # is 2.5% still retained)'
SELECT c.group_name, m.months,
	   round(retention.survival_at(c.s, 30.4375 * m.months)::numeric, 3) AS surv,
	   repeat('#', round(40 * retention.survival_at(c.s, 30.4375 * m.months))::int) AS chart
  FROM (SELECT group_name, retention.survival(days, churned) AS s
		  FROM retention.product_lifetimes GROUP BY group_name) c,
	   generate_series(0, 18, 3) m (months)
 ORDER BY c.group_name, m.months;
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
\echo '9. Customer retention by month (retention.monthly_retention, the last 12 complete months)'
\echo '   A customer is active while one of its products is not ineligible; new counts'
\echo '   customers won or won back during the month.'
SELECT to_char(month, 'YYYY-MM') AS month, active_at_start AS "at start", new, churned,
	   active_at_end AS "at end", round(100 * retention_rate, 1) AS "retention %",
	   round(100 * churn_rate, 1) AS "churn %",
	   round(100 * retention_rate_change, 1) AS "change (points)"
  FROM retention.monthly_retention
 WHERE breakdown = 'overall'
 ORDER BY month;
\echo
\echo '   Over the whole last year (retention.customer_retention_between):'
SELECT customers_start AS "at start", customers_new AS new, customers_churned AS churned,
	   customers_end AS "at end", round(100 * retention_rate, 1) AS "retention %",
	   round(100 * churn_rate, 1) AS "churn %"
  FROM retention.customer_retention_between(date_trunc('month', now()) - interval '12 months',
											 date_trunc('month', now()));
\echo
\echo '   Why products were lost over the last year (retention.churn_by_reason):'
SELECT reason, products
  FROM retention.churn_by_reason(date_trunc('month', now()) - interval '12 months',
								 date_trunc('month', now()))
 ORDER BY products DESC, reason;

\echo
\echo '10. Revenue retention by month (retention.revenue_retention): MRR movements, GRR and NRR'
SELECT to_char(month, 'YYYY-MM') AS month, round(starting_mrr) AS "starting MRR",
	   round(new_mrr) AS new, round(reactivated_mrr) AS reactivated,
	   round(expansion_mrr) AS expansion, round(contraction_mrr) AS contraction,
	   round(churned_mrr) AS churned, round(ending_mrr) AS "ending MRR",
	   round(100 * grr, 1) AS "GRR %", round(100 * nrr, 1) AS "NRR %"
  FROM retention.revenue_retention
 WHERE breakdown = 'overall'
 ORDER BY month;
\echo
\echo '    Revenue cohorts (retention.revenue_cohorts): MRR of the customers won each month,'
\echo '    as % of their first month''s MRR'
SELECT to_char(cohort_month, 'YYYY-MM') AS cohort, max(customers) AS customers,
	   round(100 * max(share_of_month_0) FILTER (WHERE months_since = 1), 1) AS "month 1",
	   round(100 * max(share_of_month_0) FILTER (WHERE months_since = 3), 1) AS "month 3",
	   round(100 * max(share_of_month_0) FILTER (WHERE months_since = 6), 1) AS "month 6",
	   round(100 * max(share_of_month_0) FILTER (WHERE months_since = 9), 1) AS "month 9",
	   round(100 * max(share_of_month_0) FILTER (WHERE months_since = 12), 1) AS "month 12"
  FROM retention.revenue_cohorts
 GROUP BY cohort_month
 ORDER BY cohort_month;

\echo
\echo '11. Lifetime value per group (retention.lifetime_value): MRR per customer x gross'
\echo '    margin / average monthly churn over the last 12 months (none without churn)'
SELECT group_name AS "group", active_customers AS customers,
	   round(mrr_per_customer) AS "MRR per customer",
	   round(100 * monthly_churn_rate, 2) AS "monthly churn %",
	   round(lifetime_value) AS "lifetime value"
  FROM retention.lifetime_value
 WHERE group_kind = 'retention'
 ORDER BY lifetime_value DESC NULLS LAST;

\echo
\echo '12. The stage funnel by month (retention.stage_funnel), the last six months'
SELECT to_char(month, 'YYYY-MM') AS month, entered_onboarding AS "entered onboarding",
	   skipped_onboarding AS "skipped it", onboarded,
	   round(median_days_to_onboard, 1) AS "median days", round(p90_days_to_onboard, 1) AS "p90 days",
	   recycled, round(100 * recycle_rate, 1) AS "recycle %", made_ineligible AS "made ineligible"
  FROM retention.stage_funnel
 WHERE breakdown = 'month' AND month >= date_trunc('month', now()) - interval '6 months'
 ORDER BY month;

\echo
\echo '13. Satisfaction: NPS and closing the loop with detractors'
\echo '   NPS by group over the last six complete months (-100 .. 100; +/- is the'
\echo '   95% margin of error: with a few answers a month, most changes are noise)'
SELECT group_name, month, responses, promoters, passives, detractors, nps,
	   margin_of_error AS "+/-"
  FROM retention.nps_by_month
 WHERE breakdown = 'group' AND month >= (date_trunc('month', now()) - interval '6 months')::date
 ORDER BY group_name, month;
\echo '   All groups, the same months:'
SELECT month, responses, nps, margin_of_error AS "+/-"
  FROM retention.nps_by_month
 WHERE breakdown = 'overall' AND month >= (date_trunc('month', now()) - interval '6 months')::date
 ORDER BY month;
\echo
\echo '   Detractors to follow up, oldest first (top 10 of retention.detractors_to_follow_up)'
SELECT feedback_id, customer, group_name, rep, score, comment, days_waiting, overdue
  FROM retention.detractors_to_follow_up
 LIMIT 10;
\echo
\echo '   Followed up within 7 days, per rep, last six complete months (retention.followup_rate)'
SELECT rep, sum(detractors) AS detractors, sum(followed_up_within_7_days) AS within_7_days,
	   round(sum(followed_up_within_7_days)::numeric / nullif(sum(detractors - pending), 0), 3) AS share
  FROM retention.followup_rate
 WHERE breakdown = 'rep' AND month >= (date_trunc('month', now()) - interval '6 months')::date
 GROUP BY rep ORDER BY rep;
\echo
\echo '   What kept detractors from their outcome (retention.detractor_reasons)'
SELECT top_reason, followups, share, last_90_days, average_score
  FROM retention.detractor_reasons
 ORDER BY followups DESC, top_reason;

\echo '14. Growth opportunities (retention.pipeline, retention.pipeline_by_month)'
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
