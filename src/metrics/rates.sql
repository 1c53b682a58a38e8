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

/*
 * The rates are computed in C from the product timelines (timeline.c): one
 * ordered pass over the products, their stage moves and MRR rows, which
 * the functions read as the caller.  They take any timestamptz[] and use
 * its instants in order, without duplicates or NULLs.
 */

CREATE FUNCTION retention.activity_masks(instants timestamptz[])
	RETURNS TABLE (product_id bigint, active varbit, retained varbit)
	AS 'MODULE_PATHNAME', 'activity_masks'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100000
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION retention.activity_masks(timestamptz[]) IS
	'per product with stage moves, the sorted instants at which it was active and those at which it was in retention (bit k for the k-th, from 0; NULL: it never entered such a stage)';

CREATE FUNCTION retention.customer_mrr(instants timestamptz[])
	RETURNS TABLE (customer text, first_paid_at timestamptz, present_from timestamptz, mrr numeric[])
	AS 'MODULE_PATHNAME', 'customer_mrr'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 10000
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION retention.customer_mrr(timestamptz[]) IS
	'per customer with history, its MRR (of active products) at each sorted instant, when it first had MRR while active and when its history began';

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
	AS 'MODULE_PATHNAME', 'retention_by_window'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
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
	AS 'MODULE_PATHNAME', 'revenue_by_window'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
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
