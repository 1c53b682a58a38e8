-- The survival functions against R's survival package (3.5): the data sets
-- and R's answers for them are in test/reference/survival/, made by
-- make_reference.R there.  Every figure must equal R's to 1e-9, and be
-- NULL exactly where R gives NA.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
SET extra_float_digits = 0;

CREATE TEMP TABLE ref_data (dataset text, grp text, duration float8, event int);
\copy ref_data FROM 'test/reference/survival/data.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE ref_km (dataset text, grp text, conf float8, "time" float8, n_risk bigint,
	n_event bigint, n_censor bigint, surv float8, std_err float8, lower float8, upper float8);
\copy ref_km FROM 'test/reference/survival/km.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE ref_median (dataset text, grp text, conf float8, median float8, lower float8, upper float8);
\copy ref_median FROM 'test/reference/survival/median.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE ref_rmean (dataset text, grp text, tau float8, rmean float8);
\copy ref_rmean FROM 'test/reference/survival/rmean.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE ref_at (dataset text, grp text, t float8, surv float8);
\copy ref_at FROM 'test/reference/survival/at.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE ref_logrank (dataset text, chisq float8, df int, p float8);
\copy ref_logrank FROM 'test/reference/survival/logrank.csv' WITH (FORMAT csv, HEADER)

SELECT dataset, count(*) AS subjects, count(DISTINCT grp) AS groups
  FROM ref_data GROUP BY dataset ORDER BY dataset;

-- One curve per data set and group, and '*' for all groups of a data set
CREATE TEMP TABLE curves AS
SELECT dataset, grp, retention.survival(duration, event = 1) AS s
  FROM ref_data GROUP BY dataset, grp
UNION ALL
SELECT dataset, '*', retention.survival(duration, event = 1)
  FROM ref_data GROUP BY dataset HAVING count(DISTINCT grp) > 1;

-- Do a and b agree: both NULL, or within 1e-9?
CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean
	LANGUAGE sql IMMUTABLE
	RETURN (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-9;

-- Kaplan-Meier: every row of R's summary(fit, censored = TRUE), and no other
SELECT r.dataset, count(*) AS rows,
	   count(*) FILTER (WHERE k."time" IS NULL) AS "missing here",
	   bool_and(k.n_risk = r.n_risk AND k.n_event = r.n_event AND k.n_censor = r.n_censor)
			AS "counts equal",
	   bool_and(pg_temp.close(k.surv, r.surv)) AS surv,
	   bool_and(pg_temp.close(k.std_err, r.std_err)) AS std_err,
	   bool_and(pg_temp.close(k.lower, r.lower) AND pg_temp.close(k.upper, r.upper)) AS "interval",
	   count(*) FILTER (WHERE r.lower IS NULL) AS "NA rows"
  FROM ref_km r
  LEFT JOIN LATERAL (
		SELECT k.* FROM curves c, retention.kaplan_meier(c.s, r.conf) k
		 WHERE c.dataset = r.dataset AND c.grp = r.grp AND k."time" = r."time") k ON true
 GROUP BY r.dataset ORDER BY r.dataset;
SELECT (SELECT count(*) FROM curves c, retention.kaplan_meier(c.s) k)
	 = (SELECT count(*) FROM ref_km WHERE conf = 0.95) AS "as many rows as R";

-- Median and its interval
SELECT r.dataset, r.grp, r.conf, m.median,
	   pg_temp.close(m.median, r.median) AND pg_temp.close(m.lower, r.lower)
	   AND pg_temp.close(m.upper, r.upper) AS "equal to R"
  FROM ref_median r
  JOIN curves c USING (dataset, grp)
  CROSS JOIN LATERAL retention.survival_median(c.s, r.conf) m
 ORDER BY r.dataset, r.grp, r.conf;

-- Restricted mean
SELECT r.dataset, count(*) AS horizons,
	   bool_and(pg_temp.close(retention.restricted_mean(c.s, r.tau), r.rmean)) AS "equal to R"
  FROM ref_rmean r JOIN curves c USING (dataset, grp)
 GROUP BY r.dataset ORDER BY r.dataset;

-- The step function (summary(fit, times = ..., extend = TRUE))
SELECT r.dataset, count(*) AS times,
	   bool_and(pg_temp.close(retention.survival_at(c.s, r.t), r.surv)) AS "equal to R"
  FROM ref_at r JOIN curves c USING (dataset, grp)
 GROUP BY r.dataset ORDER BY r.dataset;

-- Log-rank: all groups of a data set, and its first two groups alone
-- ("dataset:g1+g2")
SELECT r.dataset, r.df, l.df = r.df AS "df equal",
	   pg_temp.close(l.chisq, r.chisq) AS chisq, pg_temp.close(l.p, r.p) AS p
  FROM ref_logrank r
  CROSS JOIN LATERAL (
		SELECT array_agg(c.s ORDER BY c.grp) AS curves FROM curves c
		 WHERE c.grp <> '*'
		   AND c.dataset = split_part(r.dataset, ':', 1)
		   AND (r.dataset NOT LIKE '%:%'
				OR c.grp = ANY (string_to_array(split_part(r.dataset, ':', 2), '+')))) g
  CROSS JOIN LATERAL retention.logrank(g.curves) l
 ORDER BY r.dataset;

DROP TABLE curves;
DROP EXTENSION retention;
