/*
 * test/bench/gen_observations.sql: deterministic data for test/bench/health.
 *
 * Run with psql in a database where "CREATE EXTENSION retention" has just
 * been run (it expects empty tables and the built-in configuration):
 *
 *     psql -X -v ON_ERROR_STOP=1 -v products=100000 -v rows=10000000 \
 *          -v as_of='2026-06-01 00:00+00' -f test/bench/gen_observations.sql
 *
 * (the three variables default to those values).  It creates one rep, one
 * retention group on the "default" scorecard, one deal per product and
 * "products" products in the retention stage (through the normal triggers,
 * so each is placed in that group), then "rows" observations of the three
 * built-in measures, in time order as an append-mostly table would get them:
 *
 *   - observed_at runs evenly from as_of - 100 days to as_of + 1 day (about
 *     1% of the rows are after as_of), so each window keeps only part of the
 *     rows: usage and support_tickets 30 days, happiness 90 days;
 *   - the product of each row is pseudo-random (about rows/products each);
 *   - 70% usage (a per-product level 0-24 times 0.5-1.5, one decimal; 2% NULL),
 *     10% happiness (an integer 0-10 around a per-product level; 5% NULL;
 *     observed_at cut to the day, so the latest answers often tie and the
 *     larger value must win), 20% support_tickets (value NULL: only counted);
 *   - every 10th product has no happiness answers (coverage 0.8), and every
 *     1000th product (id 7, 1007, ...) has all its rows 120 days older than
 *     the rest, outside every window (its health is NULL).
 *
 * Every figure comes from hashint8extended() of the row number with a fixed
 * seed per figure, so the same arguments give the same rows on every run.
 * The rows are inserted by INSERT ... SELECT in chunks of a million, with
 * the foreign keys and the CHECK constraint checked row by row as usual; the
 * table's two indexes are dropped for the load and built again after it.
 * The caller runs VACUUM ANALYZE afterwards.
 *
 * To load with several sessions at once, run it with -v part=setup, then
 * with -v part=rows -v job=J -v jobs=N in N sessions at once (J = 0..N-1;
 * session J inserts chunks J, J+N, J+2N, ...), then with -v part=finish.
 * The rows are the same; only their order in the table differs.
 */

\if :{?products}
\else
\set products 100000
\endif
\if :{?rows}
\else
\set rows 10000000
\endif
\if :{?as_of}
\else
\set as_of '2026-06-01 00:00+00'
\endif
\if :{?part}
\else
\set part all
\endif
\if :{?job}
\else
\set job 0
\endif
\if :{?jobs}
\else
\set jobs 1
\endif

SET TIME ZONE 'UTC';
SET synchronous_commit = off;

SELECT :'part' IN ('all', 'setup') AS do_setup,
	   :'part' IN ('all', 'rows') AS do_rows,
	   :'part' IN ('all', 'finish') AS do_finish,
	   :'part' NOT IN ('all', 'setup', 'rows', 'finish') AS bad_part
\gset
\if :bad_part
\echo 'gen_observations.sql: part must be all, setup, rows or finish'
\quit
\endif

\if :do_setup
BEGIN;

INSERT INTO retention.reps (id, name, email, role_name)
	VALUES (1, 'Bench Rep', 'bench@example.com', 'bench_rep');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id, scorecard)
	VALUES (1, 'bench', 'retention', '{bench}', 1, NULL);

INSERT INTO retention.deals (id, customer, name, amount, closed_on, owner)
SELECT g, 'customer ' || g, 'deal ' || g, 1000 + g % 9000, DATE '2025-01-01' + (g % 365)::integer,
	   'bench'
  FROM pg_catalog.generate_series(1, :products) g;

-- Through the triggers: each product enters retention and lands in group 1.
INSERT INTO retention.products (id, deal_id, product_type, mrr, stage)
SELECT g, g, 'bench', 100 + g % 900, 'retention'
  FROM pg_catalog.generate_series(1, :products) g;

COMMIT;

DROP INDEX retention.observations_product_measure_idx;
DROP INDEX retention.observations_observed_at_brin;
\endif

\if :do_rows
-- A uniform pseudo-random number in [0, 1) from row i and a seed.  No SET
-- search_path (its body is schema-qualified): that would keep the planner
-- from inlining it, and it runs 40 million times.
CREATE FUNCTION pg_temp.u(i bigint, seed bigint) RETURNS double precision
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (pg_catalog.hashint8extended(i, seed) & 4503599627370495)::double precision
		/ 4503599627370496.0;

-- One INSERT per chunk of a million rows, so that no statement queues too
-- many foreign-key checks.
SELECT pg_catalog.format(
	$q$INSERT INTO retention.observations (product_id, measure, observed_at, value)
	SELECT product_id, measure,
		   CASE WHEN measure = 'happiness' THEN pg_catalog.date_trunc('day', at) ELSE at END,
		   CASE measure
			   WHEN 'usage' THEN
				   CASE WHEN pg_temp.u(i, 4) < 0.02 THEN NULL
						ELSE pg_catalog.floor((product_id %% 25) * (0.5 + pg_temp.u(i, 5)) * 10) / 10 END
			   WHEN 'happiness' THEN
				   CASE WHEN pg_temp.u(i, 4) < 0.05 THEN NULL
						ELSE GREATEST(0, LEAST(10,
								 (product_id %% 11) + pg_catalog.floor(pg_temp.u(i, 5) * 5) - 2)) END
		   END
	  FROM (SELECT i, product_id,
				   CASE WHEN r < 0.70 OR (r < 0.80 AND product_id %% 10 = 0) THEN 'usage'
						WHEN r < 0.80 THEN 'happiness'
						ELSE 'support_tickets' END AS measure,
				   %L::timestamptz - interval '100 days'
				   + pg_catalog.make_interval(secs => (i + pg_temp.u(i, 3)) * (101 * 86400.0 / %s))
				   - CASE WHEN product_id %% 1000 = 7 THEN interval '120 days' ELSE interval '0' END AS at
			  FROM (SELECT i, 1 + (pg_catalog.hashint8extended(i, 1) & 2147483647) %% %s AS product_id,
						   pg_temp.u(i, 2) AS r
					  FROM pg_catalog.generate_series(%s::bigint, %s::bigint) i) s1) s2$q$,
	:'as_of', :rows, :products, lo, LEAST(lo + 999999, :rows - 1))
  FROM pg_catalog.generate_series(:job * 1000000, :rows - 1, :jobs * 1000000) lo
\gexec
\endif

\if :do_finish
CREATE INDEX observations_product_measure_idx
	ON retention.observations (product_id, measure, observed_at);
CREATE INDEX observations_observed_at_brin
	ON retention.observations USING brin (observed_at);
\endif
