/* src/metrics/rates.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Metrics: customer retention and churn, revenue retention
------------------------------------------------------------------------------

/*
 * Time is read from the history: a product's stage at time t is the stage of
 * its latest move strictly before t (retention.stage_history), its MRR the
 * latest retention.mrr_history row effective strictly before t.  A window
 * [start, end) thus counts a move made at its start and not one made at its
 * end, and consecutive windows (months) share their boundaries exactly.
 * A product is active while it is in any stage but ineligible.  Rates read
 * the rows the caller may see (row-level security), so a rep's rates are
 * those of the rep's own products.
 */

CREATE FUNCTION retention.check_window(start_at timestamptz, end_at timestamptz)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF start_at IS NULL OR end_at IS NULL OR NOT start_at OPERATOR(pg_catalog.<) end_at THEN
		RAISE EXCEPTION 'a window must end after it starts'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The window given runs from %s to %s.',
								 coalesce(start_at::text, 'NULL'), coalesce(end_at::text, 'NULL'));
	END IF;
END
$$;
COMMENT ON FUNCTION retention.check_window(timestamptz, timestamptz) IS
	'raises an error unless start_at < end_at';

-- The starts of the last n complete calendar months and of the current one
CREATE FUNCTION retention.month_starts(months integer)
	RETURNS timestamptz[]
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT pg_catalog.generate_series(
						pg_catalog.date_trunc('month', pg_catalog.now())
							OPERATOR(pg_catalog.-) pg_catalog.make_interval(months => month_starts.months),
						pg_catalog.date_trunc('month', pg_catalog.now()),
						'1 month'::interval));
COMMENT ON FUNCTION retention.month_starts(integer) IS
	'the starts of the last n complete calendar months (session time zone) and of the current month';

-- The instants of a call in order, without duplicates or NULLs
CREATE FUNCTION retention.sorted_instants(instants timestamptz[])
	RETURNS timestamptz[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT DISTINCT x.t FROM pg_catalog.unnest(sorted_instants.instants) x (t)
				  WHERE x.t IS NOT NULL ORDER BY x.t);
COMMENT ON FUNCTION retention.sorted_instants(timestamptz[]) IS
	'the instants given, in order, without duplicates or NULLs';

/*
 * The rates read the history once and mark, per product, the instants each
 * state held at as a bit string: bit k (0 = the leftmost) for instants[k + 1]
 * of a sorted array (retention.sorted_instants).  A state held from
 * valid_from until valid_to is in effect at the instants t with valid_from <
 * t <= valid_to: with w(x) = width_bucket(x, instants), the number of
 * instants at or before x, those of bits w(valid_from) to w(valid_to) - 1.
 * Subjects with the same bits are then counted together, so that the work
 * per window is per distinct bit string, not per product.  The queries run
 * without JIT: compiling them took 2.5 s, longer than running them.
 */

-- At which of the sorted instants each product was active, and in retention
CREATE FUNCTION retention.activity_masks(instants timestamptz[])
	RETURNS TABLE (product_id bigint, active varbit, retained varbit)
	LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100000
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	BEGIN ATOMIC
		WITH n AS MATERIALIZED (
			SELECT activity_masks.instants AS a, pg_catalog.cardinality(activity_masks.instants) AS n,
				   pg_catalog.repeat('1', pg_catalog.cardinality(activity_masks.instants))::varbit AS ones
			 WHERE pg_catalog.cardinality(activity_masks.instants) > 0
		), s AS (
			SELECT h.product_id, h.to_stage, h.changed_at AS valid_from,
				   lead(h.changed_at) OVER (PARTITION BY h.product_id ORDER BY h.changed_at, h.id) AS valid_to
			  FROM retention.stage_history h
			 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products' AND h.product_id IS NOT NULL
		), m AS (
			SELECT s.product_id, s.to_stage,
				   (n.ones OPERATOR(pg_catalog.>>) pg_catalog.width_bucket(s.valid_from, n.a))
				   OPERATOR(pg_catalog.&)
				   (n.ones OPERATOR(pg_catalog.<<) (n.n - coalesce(pg_catalog.width_bucket(s.valid_to, n.a), n.n)))
					   AS held
			  FROM s, n
		)
		SELECT m.product_id,
			   pg_catalog.bit_or(m.held) FILTER (WHERE m.to_stage OPERATOR(pg_catalog.<>) 'ineligible'),
			   pg_catalog.bit_or(m.held) FILTER (WHERE m.to_stage OPERATOR(pg_catalog.=) 'retention')
		  FROM m
		 GROUP BY m.product_id;
	END;
COMMENT ON FUNCTION retention.activity_masks(timestamptz[]) IS
	'per product, the sorted instants at which it was active and those at which it was in retention (bit k for instants[k + 1]; NULL: none)';

/*
 * Each customer's MRR at the sorted instants, per group (each product's
 * current group; NULL for products in none), in two kinds of rows.
 * Contributions (from_index not NULL): an MRR in effect, while the product
 * was active, at the instants of indexes from_index to to_index - 1 (0 for
 * the first instant), summed over the customer's products in the group with
 * the same indexes.  And one row per customer and group (from_index NULL)
 * with when its products there first had MRR while active, for a positive
 * time (first_paid_at), and when the first of them entered its history
 * (present_from: the earliest stage move or MRR row).
 */
CREATE FUNCTION retention.customer_revenue(instants timestamptz[])
	RETURNS TABLE (customer text, group_id bigint, from_index integer, to_index integer, mrr numeric,
				   first_paid_at timestamptz, present_from timestamptz)
	LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100000
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	BEGIN ATOMIC
		WITH n AS MATERIALIZED (
			SELECT customer_revenue.instants AS a
			 WHERE pg_catalog.cardinality(customer_revenue.instants) > 0
		), st AS (
			SELECT h.product_id, h.to_stage, h.changed_at AS valid_from,
				   coalesce(lead(h.changed_at) OVER (PARTITION BY h.product_id ORDER BY h.changed_at, h.id),
							'infinity') AS valid_to
			  FROM retention.stage_history h
			 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products' AND h.product_id IS NOT NULL
		), mr AS (
			SELECT m.product_id, coalesce(m.mrr, 0) AS mrr, m.effective_at AS valid_from,
				   coalesce(lead(m.effective_at) OVER (PARTITION BY m.product_id ORDER BY m.effective_at, m.id),
							'infinity') AS valid_to
			  FROM retention.mrr_history m
		), pairs AS (
			SELECT st.product_id, mr.mrr,
				   greatest(st.valid_from, mr.valid_from) AS valid_from,
				   least(st.valid_to, mr.valid_to) AS valid_to
			  FROM st JOIN mr ON mr.product_id = st.product_id
			 WHERE st.to_stage OPERATOR(pg_catalog.<>) 'ineligible'
			   AND greatest(st.valid_from, mr.valid_from) < least(st.valid_to, mr.valid_to)
		), since AS (
			SELECT e.product_id, min(e.t) AS present_from
			  FROM (SELECT st.product_id, st.valid_from AS t FROM st
					UNION ALL
					SELECT mr.product_id, mr.valid_from FROM mr) e
			 GROUP BY e.product_id
		), paid AS (
			SELECT pairs.product_id, min(pairs.valid_from) AS first_paid_at
			  FROM pairs
			 WHERE pairs.mrr > 0
			 GROUP BY pairs.product_id
		), prod AS (
			SELECT p.id, coalesce(p.customer, d.customer) AS customer, p.group_id
			  FROM retention.products p
			  JOIN retention.deals d ON d.id = p.deal_id
		), contrib AS (
			SELECT pairs.product_id, pairs.mrr,
				   pg_catalog.width_bucket(pairs.valid_from, n.a) AS lo,
				   pg_catalog.width_bucket(pairs.valid_to, n.a) AS hi
			  FROM pairs, n
		)
		SELECT prod.customer, prod.group_id, c.lo, c.hi, sum(c.mrr), NULL::timestamptz, NULL::timestamptz
		  FROM contrib c JOIN prod ON prod.id = c.product_id
		 WHERE c.lo < c.hi
		 GROUP BY prod.customer, prod.group_id, c.lo, c.hi
		UNION ALL
		SELECT prod.customer, prod.group_id, NULL, NULL, NULL, min(paid.first_paid_at), min(since.present_from)
		  FROM since JOIN prod ON prod.id = since.product_id
		  LEFT JOIN paid ON paid.product_id = since.product_id
		 GROUP BY prod.customer, prod.group_id;
	END;
COMMENT ON FUNCTION retention.customer_revenue(timestamptz[]) IS
	'per customer and group: the MRR of active products at the sorted instants (from_index to to_index - 1), when it first had MRR and when its history began';

/*
 * Customer and product retention over consecutive windows [instants[k],
 * instants[k+1]): per window the subjects active at its start and end.
 * breakdown 'overall' counts customers; 'group' and 'rep' count products,
 * by each product's current group and that group's rep.
 */
CREATE FUNCTION retention.retention_by_window(instants timestamptz[])
	RETURNS TABLE (window_start timestamptz, window_end timestamptz, breakdown text,
				   group_id bigint, rep_id bigint, subjects_start bigint, subjects_new bigint,
				   subjects_churned bigint, subjects_end bigint)
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	BEGIN ATOMIC
		WITH i AS MATERIALIZED (
			SELECT retention.sorted_instants(retention_by_window.instants) AS a
		), ws AS (
			-- window k runs from the instant of index k to the next one
			SELECT (u.k - 1)::integer AS k, u.t AS window_start,
				   pg_catalog.lead(u.t) OVER (ORDER BY u.k) AS window_end
			  FROM i, pg_catalog.unnest(i.a) WITH ORDINALITY u (t, k)
		), m AS (
			SELECT am.product_id, am.active AS held
			  FROM i, retention.activity_masks(i.a) am
			 WHERE am.active IS NOT NULL
		), a AS (
			SELECT m.held, coalesce(p.customer, d.customer) AS customer, p.group_id, g.rep_id
			  FROM m
			  JOIN retention.products p ON p.id = m.product_id
			  JOIN retention.deals d ON d.id = p.deal_id
			  LEFT JOIN retention.groups g ON g.id = p.group_id
		), subj AS (
			SELECT 'overall'::text AS breakdown, NULL::bigint AS group_id, NULL::bigint AS rep_id, c.held
			  FROM (SELECT pg_catalog.bit_or(a.held) AS held FROM a GROUP BY a.customer) c
			UNION ALL
			SELECT 'group', a.group_id, NULL, a.held FROM a WHERE a.group_id IS NOT NULL
			UNION ALL
			SELECT 'rep', NULL, a.rep_id, a.held FROM a WHERE a.rep_id IS NOT NULL
		), masks AS (
			SELECT s.breakdown, s.group_id, s.rep_id, s.held, count(*) AS subjects
			  FROM subj s
			 GROUP BY s.breakdown, s.group_id, s.rep_id, s.held
		), x AS (
			SELECT k.k, ms.breakdown, ms.group_id, ms.rep_id, ms.subjects,
				   pg_catalog.get_bit(ms.held, k.k) = 1 AS at_start,
				   pg_catalog.get_bit(ms.held, k.k + 1) = 1 AS at_end
			  FROM i, masks ms, pg_catalog.generate_series(0, pg_catalog.cardinality(i.a) - 2) k (k)
		)
		SELECT ws.window_start, ws.window_end, g.breakdown, g.group_id, g.rep_id,
			   g.subjects_start, g.subjects_new, g.subjects_churned, g.subjects_end
		  FROM (SELECT x.k, x.breakdown, x.group_id, x.rep_id,
					   coalesce(sum(x.subjects) FILTER (WHERE x.at_start), 0)::bigint AS subjects_start,
					   coalesce(sum(x.subjects) FILTER (WHERE x.at_end AND NOT x.at_start), 0)::bigint AS subjects_new,
					   coalesce(sum(x.subjects) FILTER (WHERE x.at_start AND NOT x.at_end), 0)::bigint AS subjects_churned,
					   coalesce(sum(x.subjects) FILTER (WHERE x.at_end), 0)::bigint AS subjects_end
				  FROM x
				 WHERE x.at_start OR x.at_end
				 GROUP BY x.k, x.breakdown, x.group_id, x.rep_id) g
		  JOIN ws ON ws.k = g.k;
	END;
COMMENT ON FUNCTION retention.retention_by_window(timestamptz[]) IS
	'customers (overall) and products (by group, by rep) active at the start and end of each window between consecutive instants';

CREATE FUNCTION retention.customer_retention_between(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (customers_start bigint, customers_new bigint, customers_churned bigint,
				   customers_end bigint, retention_rate numeric, churn_rate numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT coalesce(sum(w.subjects_start), 0)::bigint, coalesce(sum(w.subjects_new), 0)::bigint,
		   coalesce(sum(w.subjects_churned), 0)::bigint, coalesce(sum(w.subjects_end), 0)::bigint,
		   (sum(w.subjects_end) - sum(w.subjects_new)) / nullif(sum(w.subjects_start), 0),
		   sum(w.subjects_churned) / nullif(sum(w.subjects_start), 0)
	  FROM retention.retention_by_window(ARRAY[start_at, end_at]) w
	 WHERE w.breakdown = 'overall';
END
$$;
COMMENT ON FUNCTION retention.customer_retention_between(timestamptz, timestamptz) IS
	'customers active at start (S), new or won back (N), churned, active at end (E); retention (E - N) / S, churn = churned / S';

CREATE FUNCTION retention.product_retention_by_group(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (group_id bigint, group_name text, products_start bigint, products_new bigint,
				   products_churned bigint, products_end bigint, retention_rate numeric, churn_rate numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT w.group_id, g.name, w.subjects_start, w.subjects_new, w.subjects_churned, w.subjects_end,
		   (w.subjects_end - w.subjects_new)::numeric / nullif(w.subjects_start, 0),
		   w.subjects_churned::numeric / nullif(w.subjects_start, 0)
	  FROM retention.retention_by_window(ARRAY[start_at, end_at]) w
	  JOIN retention.groups g ON g.id = w.group_id
	 WHERE w.breakdown = 'group'
	 ORDER BY g.name;
END
$$;
COMMENT ON FUNCTION retention.product_retention_by_group(timestamptz, timestamptz) IS
	'product retention and churn over [start_at, end_at) per group (each product''s current group)';

CREATE FUNCTION retention.product_retention_by_rep(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (rep_id bigint, rep text, products_start bigint, products_new bigint,
				   products_churned bigint, products_end bigint, retention_rate numeric, churn_rate numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT w.rep_id, r.name, w.subjects_start, w.subjects_new, w.subjects_churned, w.subjects_end,
		   (w.subjects_end - w.subjects_new)::numeric / nullif(w.subjects_start, 0),
		   w.subjects_churned::numeric / nullif(w.subjects_start, 0)
	  FROM retention.retention_by_window(ARRAY[start_at, end_at]) w
	  JOIN retention.reps r ON r.id = w.rep_id
	 WHERE w.breakdown = 'rep'
	 ORDER BY r.name, r.id;
END
$$;
COMMENT ON FUNCTION retention.product_retention_by_rep(timestamptz, timestamptz) IS
	'product retention and churn over [start_at, end_at) per rep (the rep of each product''s current group)';

CREATE FUNCTION retention.churn_by_reason(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (reason text, products bigint, share numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT coalesce(h.reason, '(none)'), count(DISTINCT h.product_id),
		   count(DISTINCT h.product_id)::numeric
			/ sum(count(DISTINCT h.product_id)) OVER ()
	  FROM retention.stage_history h
	 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'
	   AND h.to_stage = 'ineligible' AND h.from_stage IS NOT NULL
	   AND h.changed_at >= start_at AND h.changed_at < end_at
	 GROUP BY coalesce(h.reason, '(none)')
	 ORDER BY 2 DESC, 1;
END
$$;
COMMENT ON FUNCTION retention.churn_by_reason(timestamptz, timestamptz) IS
	'the products moved to ineligible in [start_at, end_at) by the reason given, with each reason''s share';

/*
 * Revenue movements over consecutive windows, classified per subject (a
 * customer overall; a customer's products in one group by group) as
 * ChartMogul does: new (no MRR at start, never any before), reactivation
 * (no MRR at start, some before), expansion, contraction (down, above 0),
 * churn (down to 0).
 */
CREATE FUNCTION retention.revenue_by_window(instants timestamptz[])
	RETURNS TABLE (window_start timestamptz, window_end timestamptz, breakdown text, group_id bigint,
				   starting_mrr numeric, new_mrr numeric, expansion_mrr numeric, contraction_mrr numeric,
				   churned_mrr numeric, reactivated_mrr numeric, ending_mrr numeric)
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	BEGIN ATOMIC
		WITH i AS MATERIALIZED (
			SELECT retention.sorted_instants(revenue_by_window.instants) AS a
		), r AS (
			SELECT c.* FROM i, retention.customer_revenue(i.a) c
		), contrib AS (
			SELECT 'overall'::text AS breakdown, NULL::bigint AS group_id, r.customer,
				   r.from_index AS lo, r.to_index AS hi, r.mrr
			  FROM r WHERE r.from_index IS NOT NULL
			UNION ALL
			SELECT 'group', r.group_id, r.customer, r.from_index, r.to_index, r.mrr
			  FROM r WHERE r.from_index IS NOT NULL AND r.group_id IS NOT NULL
		), subj AS (
			SELECT 'overall'::text AS breakdown, NULL::bigint AS group_id, r.customer,
				   min(r.first_paid_at) AS first_paid_at
			  FROM r WHERE r.from_index IS NULL
			 GROUP BY r.customer
			UNION ALL
			SELECT 'group', r.group_id, r.customer, r.first_paid_at
			  FROM r WHERE r.from_index IS NULL AND r.group_id IS NOT NULL
		), present AS (
			SELECT 'overall'::text AS breakdown, NULL::bigint AS group_id, min(r.present_from) AS present_from
			  FROM r WHERE r.from_index IS NULL
			HAVING count(*) > 0
			UNION ALL
			SELECT 'group', r.group_id, min(r.present_from)
			  FROM r WHERE r.from_index IS NULL AND r.group_id IS NOT NULL
			 GROUP BY r.group_id
		), level AS (
			-- the MRR at each instant: of the contributions in effect there
			SELECT t.breakdown, t.group_id, k.k, sum(t.mrr) AS mrr
			  FROM (SELECT c.breakdown, c.group_id, c.lo, c.hi, sum(c.mrr) AS mrr
					  FROM contrib c GROUP BY c.breakdown, c.group_id, c.lo, c.hi) t,
				   pg_catalog.generate_series(t.lo, t.hi - 1) k (k)
			 GROUP BY t.breakdown, t.group_id, k.k
		), deltas AS (
			-- each subject's MRR changes by d at instant j
			SELECT e.breakdown, e.group_id, e.customer, e.j, sum(e.d) AS d
			  FROM (SELECT c.breakdown, c.group_id, c.customer, c.lo AS j, c.mrr AS d FROM contrib c
					UNION ALL
					SELECT c.breakdown, c.group_id, c.customer, c.hi, -c.mrr
					  FROM i, contrib c WHERE c.hi < pg_catalog.cardinality(i.a)) e
			 GROUP BY e.breakdown, e.group_id, e.customer, e.j
		), changes AS (
			-- the subjects whose MRR changed in window k (from instant k to k + 1)
			SELECT x.breakdown, x.group_id, x.customer, x.j - 1 AS k, x.cum - x.d AS m0, x.cum AS m1
			  FROM (SELECT dl.*, sum(dl.d) OVER (PARTITION BY dl.breakdown, dl.group_id, dl.customer ORDER BY dl.j) AS cum
					  FROM deltas dl) x
			 WHERE x.j >= 1 AND x.d <> 0
		), y AS (
			SELECT c.*, coalesce(s.first_paid_at < i.a[c.k + 1], false) AS paid_before
			  FROM i, changes c
			  LEFT JOIN subj s ON s.breakdown = 'overall' AND s.customer = c.customer
			 WHERE c.breakdown = 'overall'
			UNION ALL
			SELECT c.*, coalesce(s.first_paid_at < i.a[c.k + 1], false)
			  FROM i, changes c
			  LEFT JOIN subj s ON s.breakdown = 'group' AND s.group_id = c.group_id AND s.customer = c.customer
			 WHERE c.breakdown = 'group'
		), w AS (
			SELECT y.k, y.breakdown, y.group_id,
				   coalesce(sum(y.m1) FILTER (WHERE y.m0 = 0 AND y.m1 > 0 AND NOT y.paid_before), 0) AS new_mrr,
				   coalesce(sum(y.m1 - y.m0) FILTER (WHERE y.m0 > 0 AND y.m1 > y.m0), 0) AS expansion_mrr,
				   coalesce(sum(y.m0 - y.m1) FILTER (WHERE y.m0 > 0 AND y.m1 > 0 AND y.m1 < y.m0), 0) AS contraction_mrr,
				   coalesce(sum(y.m0) FILTER (WHERE y.m0 > 0 AND y.m1 = 0), 0) AS churned_mrr,
				   coalesce(sum(y.m1) FILTER (WHERE y.m0 = 0 AND y.m1 > 0 AND y.paid_before), 0) AS reactivated_mrr
			  FROM y
			 GROUP BY y.k, y.breakdown, y.group_id
		)
		SELECT i.a[k.k + 1], i.a[k.k + 2], p.breakdown, p.group_id,
			   coalesce(l0.mrr, 0), coalesce(w.new_mrr, 0), coalesce(w.expansion_mrr, 0),
			   coalesce(w.contraction_mrr, 0), coalesce(w.churned_mrr, 0), coalesce(w.reactivated_mrr, 0),
			   coalesce(l1.mrr, 0)
		  FROM i
		  CROSS JOIN pg_catalog.generate_series(0, pg_catalog.cardinality(i.a) - 2) k (k)
		  JOIN present p ON p.present_from < i.a[k.k + 2]
		  LEFT JOIN w ON w.k = k.k AND w.breakdown = p.breakdown AND w.group_id IS NOT DISTINCT FROM p.group_id
		  LEFT JOIN level l0 ON l0.k = k.k AND l0.breakdown = p.breakdown AND l0.group_id IS NOT DISTINCT FROM p.group_id
		  LEFT JOIN level l1 ON l1.k = k.k + 1 AND l1.breakdown = p.breakdown AND l1.group_id IS NOT DISTINCT FROM p.group_id;
	END;
COMMENT ON FUNCTION retention.revenue_by_window(timestamptz[]) IS
	'MRR at the start and end of each window between consecutive instants, and its movements (new, expansion, contraction, churn, reactivation), overall and by group';

CREATE FUNCTION retention.revenue_retention_between(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (starting_mrr numeric, new_mrr numeric, expansion_mrr numeric, contraction_mrr numeric,
				   churned_mrr numeric, reactivated_mrr numeric, ending_mrr numeric, grr numeric, nrr numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT coalesce(sum(w.starting_mrr), 0), coalesce(sum(w.new_mrr), 0),
		   coalesce(sum(w.expansion_mrr), 0), coalesce(sum(w.contraction_mrr), 0),
		   coalesce(sum(w.churned_mrr), 0), coalesce(sum(w.reactivated_mrr), 0),
		   coalesce(sum(w.ending_mrr), 0),
		   (sum(w.starting_mrr) - sum(w.contraction_mrr) - sum(w.churned_mrr)) / nullif(sum(w.starting_mrr), 0),
		   (sum(w.starting_mrr) + sum(w.expansion_mrr) - sum(w.contraction_mrr) - sum(w.churned_mrr))
			/ nullif(sum(w.starting_mrr), 0)
	  FROM retention.revenue_by_window(ARRAY[start_at, end_at]) w
	 WHERE w.breakdown = 'overall';
END
$$;
COMMENT ON FUNCTION retention.revenue_retention_between(timestamptz, timestamptz) IS
	'MRR at start, its movements and MRR at end over [start_at, end_at); GRR = (start - contraction - churn) / start, NRR adds expansion';
