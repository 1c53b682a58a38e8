/* src/cohorts/cohort_views.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Cohort views over the extension's own model: products by the month they
-- first entered the retention stage.  Plain types for BI tools; the rows a
-- reader sees are those row-level security lets them see.
------------------------------------------------------------------------------

-- When each product first entered retention, and when it first became
-- ineligible after that
CREATE VIEW retention.product_cohort_members WITH (security_invoker = true) AS
SELECT p.id AS product_id, p.group_id, g.name::varchar(200) AS group_name,
	   p.product_type::varchar(200) AS product_type, e.entered_at,
	   (SELECT pg_catalog.min(h.changed_at) FROM retention.stage_history h
		 WHERE h.product_id = p.id AND h.table_name OPERATOR(pg_catalog.=) 'retention.products'
		   AND h.to_stage = 'ineligible' AND h.changed_at >= e.entered_at) AS left_at
  FROM retention.products p
  JOIN (SELECT h.product_id, pg_catalog.min(h.changed_at) AS entered_at
		  FROM retention.stage_history h
		 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'
		   AND h.to_stage = 'retention'
		 GROUP BY h.product_id) e ON e.product_id = p.id
  LEFT JOIN retention.groups g ON g.id = p.group_id;
COMMENT ON VIEW retention.product_cohort_members IS
	'the products of the cohorts: when each first entered retention and when it became ineligible after that';
COMMENT ON COLUMN retention.product_cohort_members.product_id IS 'the product';
COMMENT ON COLUMN retention.product_cohort_members.group_id IS 'its current group';
COMMENT ON COLUMN retention.product_cohort_members.group_name IS 'the name of its current group';
COMMENT ON COLUMN retention.product_cohort_members.product_type IS 'its product type';
COMMENT ON COLUMN retention.product_cohort_members.entered_at IS 'when it first entered the retention stage';
COMMENT ON COLUMN retention.product_cohort_members.left_at IS 'when it first became ineligible after that; NULL if it has not';

/*
 * Products by the month they first entered retention; month k of a cohort
 * counts the products that were still customers (not ineligible) at the end
 * of the k-th month after it, NULL until that month has ended.  Month 0 is
 * the cohort's size.  Rows per cohort, group and product type, per cohort
 * (breakdown 'all'), and the average of each over the cohorts whose month is
 * known, weighted by their sizes (cohort_month NULL).
 */
CREATE VIEW retention.product_cohorts WITH (security_invoker = true) AS
WITH subjects AS (
	SELECT m.product_id, pg_catalog.date_trunc('month', m.entered_at) AS cohort,
		   m.group_id, m.group_name, m.product_type,
		   retention.activity('month', m.entered_at, s.still_there) AS a
	  FROM retention.product_cohort_members m
	  LEFT JOIN LATERAL (
			SELECT e.month_end OPERATOR(pg_catalog.-) interval '1 microsecond' AS still_there
			  FROM pg_catalog.generate_series(pg_catalog.date_trunc('month', m.entered_at),
											  (pg_catalog.date_trunc('month', m.entered_at) OPERATOR(pg_catalog.+) interval '24 months'),
											  interval '1 month') ms,
				   LATERAL (SELECT (ms OPERATOR(pg_catalog.+) interval '1 month') AS month_end) e
			 WHERE e.month_end OPERATOR(pg_catalog.<=) pg_catalog.now()
			   AND (m.left_at IS NULL OR m.left_at OPERATOR(pg_catalog.>=) e.month_end)) s
		ON true
	 GROUP BY m.product_id, m.entered_at, m.group_id, m.group_name, m.product_type),
counts AS (
	SELECT cohort, group_id, group_name, product_type,
		   CASE WHEN GROUPING(group_id, group_name, product_type) OPERATOR(pg_catalog.=) 0
				THEN 'group and type' ELSE 'all' END AS breakdown,
		   retention.cohort_counts(a, 'classic', 24, pg_catalog.now()) AS c
	  FROM subjects
	 GROUP BY GROUPING SETS ((cohort, group_id, group_name, product_type), (cohort))),
cells AS (
	SELECT cohort, group_id, group_name, product_type, breakdown, k,
		   c[1] AS cohort_size, c[k OPERATOR(pg_catalog.+) 1] AS retained
	  FROM counts, pg_catalog.generate_series(0, 24) k)
SELECT cohort::date AS cohort_month, breakdown::varchar(20) AS breakdown, group_id, group_name,
	   product_type, k AS month_number, cohort_size, retained,
	   pg_catalog.round(retained::numeric OPERATOR(pg_catalog./) cohort_size, 4)::numeric(7,4) AS rate
  FROM cells
UNION ALL
SELECT NULL, breakdown::varchar(20), group_id, group_name, product_type, k,
	   (pg_catalog.sum(cohort_size) FILTER (WHERE retained IS NOT NULL))::bigint,
	   pg_catalog.sum(retained)::bigint,
	   pg_catalog.round(pg_catalog.sum(retained)::numeric OPERATOR(pg_catalog./)
						pg_catalog.sum(cohort_size) FILTER (WHERE retained IS NOT NULL), 4)::numeric(7,4)
  FROM cells
 GROUP BY breakdown, group_id, group_name, product_type, k;
COMMENT ON VIEW retention.product_cohorts IS
	'products by the month they first entered retention: how many were still customers (not ineligible) at the end of each month since, NULL until the month has ended; per group and type, all, and the weighted average (cohort_month NULL)';
COMMENT ON COLUMN retention.product_cohorts.cohort_month IS 'the month the products first entered retention; NULL on the average rows';
COMMENT ON COLUMN retention.product_cohorts.breakdown IS '''group and type'' for a row per group and product type, ''all'' for all products of the cohort';
COMMENT ON COLUMN retention.product_cohorts.group_id IS 'the products'' current group (breakdown ''group and type'')';
COMMENT ON COLUMN retention.product_cohorts.group_name IS 'the name of the group';
COMMENT ON COLUMN retention.product_cohorts.product_type IS 'the product type (breakdown ''group and type'')';
COMMENT ON COLUMN retention.product_cohorts.month_number IS 'months since the cohort''s month, 0 to 24';
COMMENT ON COLUMN retention.product_cohorts.cohort_size IS 'products in the cohort (on average rows: in the cohorts whose month is known)';
COMMENT ON COLUMN retention.product_cohorts.retained IS 'products still customers at the end of the month; NULL until it has ended';
COMMENT ON COLUMN retention.product_cohorts.rate IS 'retained / cohort_size; NULL while unknown';

/*
 * Any kind and unit over the products and their observations: the cohorts
 * are the products by the period they first entered retention, active means
 * an observation of the measure in the period.  Rows per cohort and period,
 * then the average over the cohorts whose cell is known, weighted by size
 * (cohort NULL).
 */
CREATE FUNCTION retention.cohort_table(kind text, unit text, periods integer,
									   measure text DEFAULT 'usage',
									   as_of timestamptz DEFAULT pg_catalog.now())
	RETURNS TABLE (cohort timestamptz, period integer, cohort_size bigint, retained bigint,
				   rate numeric(7,4))
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		WITH subjects AS (
			SELECT pg_catalog.date_trunc(cohort_table.unit, m.entered_at) AS cohort,
				   retention.activity(cohort_table.unit, m.entered_at, o.observed_at) AS a
			  FROM retention.product_cohort_members m
			  LEFT JOIN retention.observations o
					 ON o.product_id OPERATOR(pg_catalog.=) m.product_id
					AND o.measure OPERATOR(pg_catalog.=) cohort_table.measure
					AND o.observed_at OPERATOR(pg_catalog.<=) cohort_table.as_of
			 WHERE m.entered_at OPERATOR(pg_catalog.<=) cohort_table.as_of
			 GROUP BY m.product_id, m.entered_at),
		counts AS (
			SELECT s.cohort, retention.cohort_counts(s.a, cohort_table.kind, cohort_table.periods,
													 cohort_table.as_of) AS c
			  FROM subjects s GROUP BY s.cohort),
		cells AS (
			SELECT c.cohort, k.k, c.c[1] AS size, c.c[k.k OPERATOR(pg_catalog.+) 1] AS kept
			  FROM counts c, pg_catalog.generate_series(0, cohort_table.periods) k (k)
			 -- checks the kind and the unit even when there is no product
			 WHERE retention.retained('(month,2000-01-01T00:00:00+00:00,{})'::retention.activity,
									  cohort_table.kind, 0)
			   AND (SELECT retention.activity(cohort_table.unit, cohort_table.as_of,
											  NULL::timestamptz)) IS NOT NULL)
		SELECT cells.cohort, cells.k, cells.size, cells.kept,
			   pg_catalog.round(cells.kept::numeric OPERATOR(pg_catalog./) cells.size, 4)::numeric(7,4)
		  FROM cells
		UNION ALL
		SELECT NULL, cells.k, pg_catalog.sum(cells.size) FILTER (WHERE cells.kept IS NOT NULL),
			   pg_catalog.sum(cells.kept)::bigint,
			   pg_catalog.round(pg_catalog.sum(cells.kept)::numeric OPERATOR(pg_catalog./)
								pg_catalog.sum(cells.size) FILTER (WHERE cells.kept IS NOT NULL), 4)::numeric(7,4)
		  FROM cells GROUP BY cells.k
		 ORDER BY 1 NULLS LAST, 2;
	END;
COMMENT ON FUNCTION retention.cohort_table(text, text, integer, text, timestamptz) IS
	'cohort retention of any kind and unit over the products (by first entry into retention) and the observations of a measure; rows per cohort and period, then the weighted average (cohort NULL)';

/*
 * The same cohorts as product_cohorts, where active means any observation
 * of the usage measure in the month: classic and rolling retention.
 */
CREATE VIEW retention.usage_cohorts WITH (security_invoker = true) AS
SELECT 'classic'::varchar(20) AS kind, t.cohort::date AS cohort_month, t.period AS month_number,
	   t.cohort_size, t.retained, t.rate::numeric(7,4)
  FROM retention.cohort_table('classic', 'month', 24, 'usage') t
UNION ALL
SELECT 'rolling'::varchar(20), t.cohort::date, t.period, t.cohort_size, t.retained, t.rate::numeric(7,4)
  FROM retention.cohort_table('rolling', 'month', 24, 'usage') t;
COMMENT ON VIEW retention.usage_cohorts IS
	'products by the month they first entered retention, active when the usage measure was observed in a month: classic and rolling retention, months 0-24, NULL until a month has ended, and the weighted average (cohort_month NULL)';
COMMENT ON COLUMN retention.usage_cohorts.kind IS 'classic (used in that month) or rolling (used in that month or any later one)';
COMMENT ON COLUMN retention.usage_cohorts.cohort_month IS 'the month the products first entered retention; NULL on the average rows';
COMMENT ON COLUMN retention.usage_cohorts.month_number IS 'months since the cohort''s month, 0 to 24';
COMMENT ON COLUMN retention.usage_cohorts.cohort_size IS 'products in the cohort (on average rows: in the cohorts whose month is known)';
COMMENT ON COLUMN retention.usage_cohorts.retained IS 'products counted in the month; NULL until it has ended';
COMMENT ON COLUMN retention.usage_cohorts.rate IS 'retained / cohort_size; NULL while unknown';

GRANT SELECT ON retention.product_cohort_members, retention.product_cohorts, retention.usage_cohorts
	TO retention_admin, retention_rep, retention_analyst;
