--
-- Cohort tables against pandas: test/reference/cohorts/make_reference.py
-- made a random data set (400 customers, 1,999 events) and counted every
-- cell of every monthly cohort with pandas; the extension must agree on
-- every cell, unknown ones included.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
SET TimeZone = 'UTC';
CREATE TABLE public.ref_customers (id int PRIMARY KEY, signed_up_at timestamptz NOT NULL);
CREATE TABLE public.ref_events (customer_id int NOT NULL, at timestamptz NOT NULL);
CREATE TABLE public.ref_expected (cohort date, kind text, period int, count bigint);
-- client-side copies: the server may not read the source tree
\copy public.ref_customers FROM 'test/reference/cohorts/customers.csv' WITH (FORMAT csv, HEADER)
\copy public.ref_events FROM 'test/reference/cohorts/events.csv' WITH (FORMAT csv, HEADER)
\copy public.ref_expected FROM 'test/reference/cohorts/expected.csv' WITH (FORMAT csv, HEADER)
SELECT count(*) AS cells, count(count) AS known_cells FROM public.ref_expected;

CREATE TEMP TABLE ours AS
SELECT x.cohort, x.kind, p.period - 1 AS period, x.counts[p.period] AS count
  FROM (SELECT date_trunc('month', s.signed_up_at)::date AS cohort, k.kind,
			   retention.cohort_counts(s.a, k.kind, 12, '2026-03-15 12:00') AS counts
		  FROM (SELECT c.id, c.signed_up_at, retention.activity('month', c.signed_up_at, e.at) a
				  FROM public.ref_customers c LEFT JOIN public.ref_events e ON e.customer_id = c.id
				 GROUP BY c.id) s,
			   (VALUES ('full'), ('classic'), ('rolling'), ('return')) k (kind)
		 GROUP BY 1, 2) x,
	   generate_series(1, 13) p (period);

-- every cell equal, unknown (NULL) ones included
SELECT count(*) AS compared,
	   count(*) FILTER (WHERE o.count IS NOT DISTINCT FROM r.count) AS equal
  FROM ours o FULL JOIN public.ref_expected r USING (cohort, kind, period);
-- the cells that differ (none)
SELECT cohort, kind, period, o.count AS ours, r.count AS pandas
  FROM ours o FULL JOIN public.ref_expected r USING (cohort, kind, period)
 WHERE o.count IS DISTINCT FROM r.count
 ORDER BY 1, 2, 3;

DROP TABLE public.ref_customers, public.ref_events, public.ref_expected;
