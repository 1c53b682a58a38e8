/* src/metrics/rates_views.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Metrics: monthly retention and revenue retention views
------------------------------------------------------------------------------

CREATE VIEW retention.monthly_retention WITH (security_invoker = true) AS
WITH w AS (
	SELECT * FROM retention.retention_by_window(retention.month_starts(12))
), r AS (
	SELECT w.*,
		   (w.subjects_end - w.subjects_new)::numeric / nullif(w.subjects_start, 0) AS retention_rate,
		   w.subjects_churned::numeric / nullif(w.subjects_start, 0) AS churn_rate
	  FROM w
)
SELECT (r.window_start)::date AS month,
	   r.breakdown::varchar(8) AS breakdown,
	   r.group_id,
	   g.name AS group_name,
	   r.rep_id,
	   rp.name AS rep,
	   r.subjects_start AS active_at_start,
	   r.subjects_new AS new,
	   r.subjects_churned AS churned,
	   r.subjects_end AS active_at_end,
	   round(r.retention_rate, 4)::numeric(7, 4) AS retention_rate,
	   round(r.churn_rate, 4)::numeric(7, 4) AS churn_rate,
	   round(r.retention_rate - lag(r.retention_rate) OVER (
				PARTITION BY r.breakdown, r.group_id, r.rep_id ORDER BY r.window_start), 4)::numeric(7, 4)
		   AS retention_rate_change
  FROM r
  LEFT JOIN retention.groups g ON g.id = r.group_id
  LEFT JOIN retention.reps rp ON rp.id = r.rep_id;
COMMENT ON VIEW retention.monthly_retention IS
	'customer retention (overall) and product retention (by group, by rep) in each of the last 12 complete calendar months';
COMMENT ON COLUMN retention.monthly_retention.month IS 'the first day of the month (session time zone)';
COMMENT ON COLUMN retention.monthly_retention.breakdown IS
	'overall (counts customers), group or rep (count products, by each product''s current group)';
COMMENT ON COLUMN retention.monthly_retention.group_id IS 'the group, for breakdown group';
COMMENT ON COLUMN retention.monthly_retention.group_name IS 'the group''s name, for breakdown group';
COMMENT ON COLUMN retention.monthly_retention.rep_id IS 'the rep, for breakdown rep';
COMMENT ON COLUMN retention.monthly_retention.rep IS 'the rep''s name, for breakdown rep';
COMMENT ON COLUMN retention.monthly_retention.active_at_start IS 'customers or products active when the month began (S)';
COMMENT ON COLUMN retention.monthly_retention.new IS 'active at the end but not at the start: new or won back (N)';
COMMENT ON COLUMN retention.monthly_retention.churned IS 'active at the start but not at the end';
COMMENT ON COLUMN retention.monthly_retention.active_at_end IS 'customers or products active when the month ended (E)';
COMMENT ON COLUMN retention.monthly_retention.retention_rate IS '(E - N) / S, as a fraction; NULL when S = 0';
COMMENT ON COLUMN retention.monthly_retention.churn_rate IS 'churned / S, as a fraction; NULL when S = 0';
COMMENT ON COLUMN retention.monthly_retention.retention_rate_change IS
	'retention_rate minus that of the month before (the trend)';

CREATE VIEW retention.revenue_retention WITH (security_invoker = true) AS
SELECT (w.window_start)::date AS month,
	   w.breakdown::varchar(8) AS breakdown,
	   w.group_id,
	   g.name AS group_name,
	   w.starting_mrr::numeric(16, 2) AS starting_mrr,
	   w.new_mrr::numeric(16, 2) AS new_mrr,
	   w.expansion_mrr::numeric(16, 2) AS expansion_mrr,
	   w.contraction_mrr::numeric(16, 2) AS contraction_mrr,
	   w.churned_mrr::numeric(16, 2) AS churned_mrr,
	   w.reactivated_mrr::numeric(16, 2) AS reactivated_mrr,
	   w.ending_mrr::numeric(16, 2) AS ending_mrr,
	   round((w.starting_mrr - w.contraction_mrr - w.churned_mrr) / nullif(w.starting_mrr, 0), 4)::numeric(12, 4) AS grr,
	   round((w.starting_mrr + w.expansion_mrr - w.contraction_mrr - w.churned_mrr)
			 / nullif(w.starting_mrr, 0), 4)::numeric(12, 4) AS nrr
  FROM retention.revenue_by_window(retention.month_starts(12)) w
  LEFT JOIN retention.groups g ON g.id = w.group_id;
COMMENT ON VIEW retention.revenue_retention IS
	'MRR movements, gross and net revenue retention in each of the last 12 complete calendar months, overall and by group';
COMMENT ON COLUMN retention.revenue_retention.month IS 'the first day of the month (session time zone)';
COMMENT ON COLUMN retention.revenue_retention.breakdown IS
	'overall (movements per customer) or group (per customer''s products in the group, by current group)';
COMMENT ON COLUMN retention.revenue_retention.group_id IS 'the group, for breakdown group';
COMMENT ON COLUMN retention.revenue_retention.group_name IS 'the group''s name, for breakdown group';
COMMENT ON COLUMN retention.revenue_retention.starting_mrr IS 'MRR of active products when the month began';
COMMENT ON COLUMN retention.revenue_retention.new_mrr IS 'MRR of customers who never had MRR before';
COMMENT ON COLUMN retention.revenue_retention.expansion_mrr IS 'increase of customers whose MRR went up';
COMMENT ON COLUMN retention.revenue_retention.contraction_mrr IS 'decrease of customers whose MRR went down but not to 0';
COMMENT ON COLUMN retention.revenue_retention.churned_mrr IS 'starting MRR of customers whose MRR went to 0';
COMMENT ON COLUMN retention.revenue_retention.reactivated_mrr IS 'MRR of customers who had none at the start but had some before';
COMMENT ON COLUMN retention.revenue_retention.ending_mrr IS
	'MRR when the month ended: starting + new + reactivated + expansion - contraction - churned';
COMMENT ON COLUMN retention.revenue_retention.grr IS
	'gross revenue retention (starting - contraction - churned) / starting, at most 1; NULL without starting MRR';
COMMENT ON COLUMN retention.revenue_retention.nrr IS
	'net revenue retention (starting + expansion - contraction - churned) / starting; NULL without starting MRR';

/*
 * Revenue cohorts: customers by the month their MRR began, and their MRR at
 * the end of each month since, as a share of their MRR at the end of the
 * first (month 0).  Only complete months, over the last 24.
 */
CREATE VIEW retention.revenue_cohorts WITH (security_invoker = true) AS
WITH b AS (
	SELECT i.t, i.k
	  FROM pg_catalog.unnest(retention.month_starts(24)) WITH ORDINALITY i (t, k)
), cust AS (
	SELECT date_trunc('month', c.first_paid_at) AS cohort, c.mrr
	  FROM retention.customer_mrr(retention.month_starts(24)) c
	 WHERE c.first_paid_at >= (SELECT min(b.t) FROM b)
	   AND c.first_paid_at < (SELECT max(b.t) FROM b)
), sizes AS (
	SELECT cust.cohort, count(*) AS customers FROM cust GROUP BY cust.cohort
), m AS (
	-- each cohort's MRR at instant k (1 for the first)
	SELECT cust.cohort, b.k, sum(cust.mrr[b.k]) AS mrr
	  FROM cust JOIN b ON b.t > cust.cohort
	 GROUP BY cust.cohort, b.k
), cells AS (
	SELECT s.cohort, (b.k - b0.k) AS months_since, s.customers, coalesce(m.mrr, 0) AS mrr
	  FROM sizes s
	  JOIN b b0 ON b0.t = s.cohort
	  JOIN b ON b.k > b0.k
	  LEFT JOIN m ON m.cohort = s.cohort AND m.k = b.k
)
SELECT (c.cohort)::date AS cohort_month,
	   (c.months_since - 1)::integer AS months_since,
	   c.customers,
	   c.mrr::numeric(16, 2) AS mrr,
	   round(c.mrr / nullif(first_value(c.mrr) OVER (PARTITION BY c.cohort ORDER BY c.months_since), 0), 4)::numeric(12, 4)
		   AS share_of_month_0
  FROM cells c;
COMMENT ON VIEW retention.revenue_cohorts IS
	'monthly cohorts of customers by the month their MRR began: their MRR at the end of each complete month since, as a share of month 0';
COMMENT ON COLUMN retention.revenue_cohorts.cohort_month IS 'the month the customers first had MRR (session time zone)';
COMMENT ON COLUMN retention.revenue_cohorts.months_since IS '0 for the cohort''s own month, 1 for the next, ...';
COMMENT ON COLUMN retention.revenue_cohorts.customers IS 'customers in the cohort';
COMMENT ON COLUMN retention.revenue_cohorts.mrr IS 'the cohort''s MRR at the end of that month';
COMMENT ON COLUMN retention.revenue_cohorts.share_of_month_0 IS 'mrr as a share of the cohort''s MRR at the end of month 0';

GRANT SELECT ON retention.monthly_retention, retention.revenue_retention, retention.revenue_cohorts
	TO retention_admin, retention_rep, retention_analyst;
