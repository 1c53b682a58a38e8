/* src/metrics/funnel.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Metrics: lifetime value and the stage funnel
------------------------------------------------------------------------------

/*
 * The gross margin lifetime value is multiplied by: the setting
 * retention.gross_margin (SET, ALTER DATABASE ... SET or postgresql.conf),
 * a fraction in (0, 1]; 1 when it is not set.
 */
CREATE FUNCTION retention.gross_margin()
	RETURNS numeric
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	setting text := pg_catalog.current_setting('retention.gross_margin', true);
	margin numeric;
BEGIN
	IF setting IS NULL OR pg_catalog.btrim(setting) OPERATOR(pg_catalog.=) '' THEN
		RETURN 1;
	END IF;
	BEGIN
		margin := setting::numeric;
	EXCEPTION WHEN invalid_text_representation THEN
		margin := NULL;
	END;
	IF margin IS NULL OR margin = 'NaN'::numeric
	   OR NOT (margin OPERATOR(pg_catalog.>) 0 AND margin OPERATOR(pg_catalog.<=) 1) THEN
		RAISE EXCEPTION 'invalid value for retention.gross_margin: "%"', setting
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The gross margin is a fraction greater than 0 and at most 1.',
				  HINT = 'Set it with SET retention.gross_margin = 0.8, or RESET it for 1.';
	END IF;
	RETURN margin;
END
$$;
COMMENT ON FUNCTION retention.gross_margin() IS
	'the setting retention.gross_margin, a fraction in (0, 1]; 1 when unset';
GRANT EXECUTE ON FUNCTION retention.gross_margin() TO retention_admin, retention_rep, retention_analyst;

/*
 * Lifetime value per group: average MRR per active customer (at the end of
 * the last complete month: the MRR of the group's active products over the
 * customers owning them) times the gross margin, over the average monthly
 * product churn rate of the group in the last 12 complete months (the
 * months with products active at their start).  NULL when nothing churned.
 */
CREATE VIEW retention.lifetime_value WITH (security_invoker = true) AS
WITH ms AS MATERIALIZED (
	SELECT retention.month_starts(12) AS a
), pa AS (
	SELECT m.product_id, m.held, p.group_id, coalesce(p.customer, d.customer) AS customer
	  FROM (SELECT am.product_id, am.active AS held
			  FROM ms, retention.activity_masks(ms.a) am
			 WHERE am.active IS NOT NULL) m
	  JOIN retention.products p ON p.id = m.product_id
	  JOIN retention.deals d ON d.id = p.deal_id
	 WHERE p.group_id IS NOT NULL
), gm AS (
	SELECT pa.group_id, pa.held, count(*) AS products
	  FROM pa
	 GROUP BY pa.group_id, pa.held
), monthly AS (
	SELECT gm.group_id, k.k,
		   sum(gm.products)::bigint AS products_start,
		   coalesce(sum(gm.products) FILTER (WHERE pg_catalog.get_bit(gm.held, k.k + 1) = 0), 0)::bigint AS churned
	  FROM ms, gm, pg_catalog.generate_series(0, pg_catalog.cardinality(ms.a) - 2) k (k)
	 WHERE pg_catalog.get_bit(gm.held, k.k) = 1
	 GROUP BY gm.group_id, k.k
), w AS (
	SELECT m.group_id, count(*) AS months, avg(m.churned::numeric / m.products_start) AS churn_rate
	  FROM monthly m
	 GROUP BY m.group_id
), last_mrr AS (
	SELECT DISTINCT ON (h.product_id) h.product_id, h.mrr
	  FROM ms, retention.mrr_history h
	 WHERE h.effective_at < ms.a[pg_catalog.array_upper(ms.a, 1)]
	 ORDER BY h.product_id, h.effective_at DESC, h.id DESC
), rev AS (
	SELECT pa.group_id, count(DISTINCT pa.customer) AS customers,
		   coalesce(sum(coalesce(lm.mrr, 0::numeric)), 0) AS mrr
	  FROM ms
	  JOIN pa ON pg_catalog.get_bit(pa.held, pg_catalog.cardinality(ms.a) - 1) = 1
	  LEFT JOIN last_mrr lm ON lm.product_id = pa.product_id
	 GROUP BY pa.group_id
), v AS (
	SELECT g.id, g.name, g.kind, coalesce(rev.customers, 0) AS customers, coalesce(rev.mrr, 0) AS mrr,
		   rev.mrr / nullif(rev.customers, 0) AS arpa, retention.gross_margin() AS margin,
		   coalesce(w.months, 0) AS months, w.churn_rate
	  FROM retention.groups g
	  LEFT JOIN rev ON rev.group_id = g.id
	  LEFT JOIN w ON w.group_id = g.id
)
SELECT v.id AS group_id,
	   v.name AS group_name,
	   v.kind::varchar(10) AS group_kind,
	   v.customers AS active_customers,
	   v.mrr::numeric(16, 2) AS mrr,
	   round(v.arpa, 2)::numeric(16, 2) AS mrr_per_customer,
	   v.margin::numeric(5, 4) AS gross_margin,
	   v.months::integer AS months_measured,
	   round(v.churn_rate, 4)::numeric(7, 4) AS monthly_churn_rate,
	   round(v.arpa * v.margin / nullif(v.churn_rate, 0), 2)::numeric(18, 2) AS lifetime_value
  FROM v;
COMMENT ON VIEW retention.lifetime_value IS
	'per group: MRR per active customer x gross margin / average monthly churn rate of the last 12 complete months';
COMMENT ON COLUMN retention.lifetime_value.group_id IS 'the group';
COMMENT ON COLUMN retention.lifetime_value.group_name IS 'the group''s name';
COMMENT ON COLUMN retention.lifetime_value.group_kind IS 'onboarding or retention';
COMMENT ON COLUMN retention.lifetime_value.active_customers IS
	'customers with an active product in the group when the last complete month ended';
COMMENT ON COLUMN retention.lifetime_value.mrr IS 'MRR of the group''s active products when the last complete month ended';
COMMENT ON COLUMN retention.lifetime_value.mrr_per_customer IS 'mrr / active_customers; NULL without customers';
COMMENT ON COLUMN retention.lifetime_value.gross_margin IS 'the setting retention.gross_margin (1 when unset)';
COMMENT ON COLUMN retention.lifetime_value.months_measured IS
	'complete months of the last 12 that began with active products in the group (the churn rate''s months)';
COMMENT ON COLUMN retention.lifetime_value.monthly_churn_rate IS
	'the average of the monthly product churn rates (churned / active at start) over months_measured; NULL when none';
COMMENT ON COLUMN retention.lifetime_value.lifetime_value IS
	'mrr_per_customer x gross_margin / monthly_churn_rate (unrounded); NULL when nothing churned';

/*
 * The stage funnel per complete calendar month (the last 12): moves of
 * retention.products in [month, next month).  Days to onboard run from the
 * move into onboarding that the move to retention ends.
 */
CREATE VIEW retention.stage_funnel WITH (security_invoker = true) AS
WITH ms AS MATERIALIZED (
	SELECT retention.month_starts(12) AS a
), b AS (
	SELECT u.t AS ws, lead(u.t) OVER (ORDER BY u.t) AS we, u.k
	  FROM ms, pg_catalog.unnest(ms.a) WITH ORDINALITY u (t, k)
), h AS (
	SELECT x.product_id, x.from_stage, x.to_stage, x.reason, x.changed_at,
		   lag(x.changed_at) OVER w AS prev_at, lead(x.changed_at) OVER w AS next_at
	  FROM retention.stage_history x
	 WHERE x.table_name OPERATOR(pg_catalog.=) 'retention.products' AND x.product_id IS NOT NULL
	WINDOW w AS (PARTITION BY x.product_id ORDER BY x.changed_at, x.id)
), m AS (
	SELECT b.ws, h.*
	  FROM ms, h JOIN b ON b.we IS NOT NULL
	 WHERE b.k = pg_catalog.width_bucket(h.changed_at, ms.a)
), spans AS (
	SELECT pg_catalog.width_bucket(h.changed_at, ms.a) AS lo,
		   coalesce(pg_catalog.width_bucket(h.next_at, ms.a), pg_catalog.cardinality(ms.a)) AS hi,
		   count(*) AS products
	  FROM ms, h
	 WHERE h.to_stage = 'retention'
	 GROUP BY 1, 2
), in_ret AS (
	SELECT b.ws, sum(s.products)::bigint AS products
	  FROM b JOIN spans s ON s.lo < b.k AND b.k <= s.hi
	 WHERE b.we IS NOT NULL
	 GROUP BY b.ws
), months AS (
	SELECT b.ws,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage IS NULL AND m.to_stage = 'onboarding') AS entered,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage = 'onboarding' AND m.to_stage = 'retention') AS onboarded,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.changed_at - m.prev_at)::float8)
			   FILTER (WHERE m.from_stage = 'onboarding' AND m.to_stage = 'retention') AS median_s,
		   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM m.changed_at - m.prev_at)::float8)
			   FILTER (WHERE m.from_stage = 'onboarding' AND m.to_stage = 'retention') AS p90_s,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage = 'retention' AND m.to_stage = 'onboarding') AS recycled,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage IS NOT NULL AND m.to_stage = 'ineligible') AS ineligible,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage IS NULL AND m.to_stage = 'retention') AS skipped
	  FROM b LEFT JOIN m ON m.ws = b.ws
	 WHERE b.we IS NOT NULL
	 GROUP BY b.ws
), reasons AS (
	SELECT m.ws, coalesce(m.reason, '(none)') AS reason, count(DISTINCT m.product_id) AS ineligible
	  FROM m
	 WHERE m.from_stage IS NOT NULL AND m.to_stage = 'ineligible'
	 GROUP BY m.ws, coalesce(m.reason, '(none)')
)
SELECT (o.ws)::date AS month,
	   'month'::varchar(6) AS breakdown,
	   NULL::text AS ineligible_reason,
	   o.entered AS entered_onboarding,
	   o.onboarded,
	   round((o.median_s / 86400)::numeric, 2)::numeric(10, 2) AS median_days_to_onboard,
	   round((o.p90_s / 86400)::numeric, 2)::numeric(10, 2) AS p90_days_to_onboard,
	   o.recycled,
	   coalesce(r.products, 0) AS in_retention_at_start,
	   round(o.recycled::numeric / nullif(r.products, 0), 4)::numeric(7, 4) AS recycle_rate,
	   o.ineligible AS made_ineligible,
	   o.skipped AS skipped_onboarding
  FROM months o LEFT JOIN in_ret r ON r.ws = o.ws
UNION ALL
SELECT (x.ws)::date, 'reason'::varchar(6), x.reason, NULL::bigint, NULL::bigint, NULL::numeric(10, 2),
	   NULL::numeric(10, 2), NULL::bigint, NULL::bigint, NULL::numeric(7, 4), x.ineligible, NULL::bigint
  FROM reasons x;
COMMENT ON VIEW retention.stage_funnel IS
	'the lifecycle funnel in each of the last 12 complete calendar months: entries, onboarding, recycling, churn by reason';
COMMENT ON COLUMN retention.stage_funnel.month IS 'the first day of the month (session time zone)';
COMMENT ON COLUMN retention.stage_funnel.breakdown IS
	'month (one row per month, every column) or reason (one row per reason of moves to ineligible: made_ineligible only)';
COMMENT ON COLUMN retention.stage_funnel.ineligible_reason IS
	'for breakdown reason: the reason given for the moves to ineligible ((none) when none)';
COMMENT ON COLUMN retention.stage_funnel.entered_onboarding IS 'products that entered the lifecycle in onboarding';
COMMENT ON COLUMN retention.stage_funnel.onboarded IS 'products moved from onboarding to retention';
COMMENT ON COLUMN retention.stage_funnel.median_days_to_onboard IS
	'median days (elapsed time over 24 hours, so a DST change counts its hour) from entering onboarding to the move to retention, of the month''s onboarded products; NULL when none';
COMMENT ON COLUMN retention.stage_funnel.p90_days_to_onboard IS
	'90th percentile (interpolated) of the same days; NULL when none';
COMMENT ON COLUMN retention.stage_funnel.recycled IS 'products moved from retention back to onboarding';
COMMENT ON COLUMN retention.stage_funnel.in_retention_at_start IS 'products in retention when the month began';
COMMENT ON COLUMN retention.stage_funnel.recycle_rate IS 'recycled / in_retention_at_start; NULL when none were in retention';
COMMENT ON COLUMN retention.stage_funnel.made_ineligible IS
	'products moved to ineligible (for breakdown reason: with that reason)';
COMMENT ON COLUMN retention.stage_funnel.skipped_onboarding IS 'products that entered the lifecycle directly in retention';

GRANT SELECT ON retention.lifetime_value, retention.stage_funnel
	TO retention_admin, retention_rep, retention_analyst;
