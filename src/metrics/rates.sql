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

-- Stage spans: each move holds from its time to the product's next move
CREATE FUNCTION retention.stage_spans()
	RETURNS TABLE (product_id bigint, stage text, reason text, valid_from timestamptz, valid_to timestamptz)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT h.product_id, h.to_stage, h.reason, h.changed_at,
			   lead(h.changed_at) OVER (PARTITION BY h.product_id ORDER BY h.changed_at, h.id)
		  FROM retention.stage_history h
		 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products' AND h.product_id IS NOT NULL;
	END;
COMMENT ON FUNCTION retention.stage_spans() IS
	'each product''s stages from stage_history: the stage held from valid_from until valid_to (NULL: still)';

-- The products active just before each of the given instants
CREATE FUNCTION retention.active_products(instants timestamptz[])
	RETURNS TABLE (instant timestamptz, product_id bigint)
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT DISTINCT i.t, s.product_id
		  FROM retention.stage_spans() s
		  JOIN pg_catalog.unnest(active_products.instants) i (t)
			ON s.valid_from OPERATOR(pg_catalog.<) i.t
		   AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>=) i.t)
		 WHERE s.stage OPERATOR(pg_catalog.<>) 'ineligible';
	END;
COMMENT ON FUNCTION retention.active_products(timestamptz[]) IS
	'the products active (in any stage but ineligible) by their latest move before each instant';

-- Revenue spans: what each product contributes to its customer's MRR when
CREATE FUNCTION retention.revenue_spans()
	RETURNS TABLE (product_id bigint, mrr numeric, valid_from timestamptz, valid_to timestamptz)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		WITH ev AS (
			SELECT h.product_id, h.changed_at AS t, 0 AS src, h.id, h.to_stage, NULL::numeric AS mrr
			  FROM retention.stage_history h
			 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products' AND h.product_id IS NOT NULL
			UNION ALL
			SELECT m.product_id, m.effective_at, 1, m.id, NULL, coalesce(m.mrr, 0)
			  FROM retention.mrr_history m
		), numbered AS (
			SELECT ev.*,
				   count(ev.to_stage) OVER w AS stage_no,
				   count(ev.mrr) OVER w AS mrr_no,
				   lead(ev.t) OVER w AS next_t
			  FROM ev
			WINDOW w AS (PARTITION BY ev.product_id ORDER BY ev.t, ev.src, ev.id)
		), carried AS (
			SELECT n.product_id, n.t, n.next_t,
				   first_value(n.to_stage) OVER (PARTITION BY n.product_id, n.stage_no ORDER BY n.t, n.src, n.id) AS stage,
				   first_value(n.mrr) OVER (PARTITION BY n.product_id, n.mrr_no ORDER BY n.t, n.src, n.id) AS mrr
			  FROM numbered n
		)
		SELECT c.product_id,
			   CASE WHEN c.stage IS NULL OR c.stage OPERATOR(pg_catalog.=) 'ineligible' THEN 0::numeric
					ELSE coalesce(c.mrr, 0::numeric) END,
			   c.t, c.next_t
		  FROM carried c;
	END;
COMMENT ON FUNCTION retention.revenue_spans() IS
	'each product''s contribution to its customer''s MRR (its MRR while active, else 0) from valid_from until valid_to';

-- Each customer's MRR just before each instant, and when it first had MRR
CREATE FUNCTION retention.customer_mrr(instants timestamptz[])
	RETURNS TABLE (instant timestamptz, customer text, group_id bigint, mrr numeric, first_paid_at timestamptz)
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		WITH s AS (
			SELECT r.*,
				   min(r.valid_from) FILTER (WHERE r.mrr OPERATOR(pg_catalog.>) 0
											   AND (r.valid_to IS NULL OR r.valid_to OPERATOR(pg_catalog.>) r.valid_from))
					   OVER (PARTITION BY r.product_id) AS first_paid
			  FROM retention.revenue_spans() r
		)
		SELECT i.t, coalesce(p.customer, d.customer), p.group_id, sum(s.mrr), min(s.first_paid)
		  FROM s
		  JOIN pg_catalog.unnest(customer_mrr.instants) i (t)
			ON s.valid_from OPERATOR(pg_catalog.<) i.t
		   AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>=) i.t)
		  JOIN retention.products p ON p.id OPERATOR(pg_catalog.=) s.product_id
		  JOIN retention.deals d ON d.id OPERATOR(pg_catalog.=) p.deal_id
		 GROUP BY i.t, coalesce(p.customer, d.customer), p.group_id;
	END;
COMMENT ON FUNCTION retention.customer_mrr(timestamptz[]) IS
	'per instant, customer and group: the MRR in effect just before it, and when the customer''s products there first had MRR';

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
	BEGIN ATOMIC
		WITH b AS (
			SELECT u.t, lead(u.t) OVER (ORDER BY u.t) AS t_next
			  FROM (SELECT DISTINCT x.t FROM pg_catalog.unnest(retention_by_window.instants) x (t)
					 WHERE x.t IS NOT NULL) u
		), a AS (
			SELECT ap.instant, ap.product_id, coalesce(p.customer, d.customer) AS customer,
				   p.group_id, g.rep_id
			  FROM retention.active_products(retention_by_window.instants) ap
			  JOIN retention.products p ON p.id = ap.product_id
			  JOIN retention.deals d ON d.id = p.deal_id
			  LEFT JOIN retention.groups g ON g.id = p.group_id
		), subj AS (
			SELECT DISTINCT 'overall'::text AS breakdown, NULL::bigint AS group_id, NULL::bigint AS rep_id,
				   a.customer AS subject, a.instant
			  FROM a
			UNION ALL
			SELECT 'group', a.group_id, NULL, a.product_id::text, a.instant FROM a WHERE a.group_id IS NOT NULL
			UNION ALL
			SELECT 'rep', NULL, a.rep_id, a.product_id::text, a.instant FROM a WHERE a.rep_id IS NOT NULL
		), x AS (
			SELECT b.t AS ws, b.t_next AS we, s.breakdown, s.group_id, s.rep_id, s.subject,
				   bool_or(s.instant = b.t) AS at_start, bool_or(s.instant = b.t_next) AS at_end
			  FROM b JOIN subj s ON s.instant = b.t OR s.instant = b.t_next
			 WHERE b.t_next IS NOT NULL
			 GROUP BY b.t, b.t_next, s.breakdown, s.group_id, s.rep_id, s.subject
		)
		SELECT x.ws, x.we, x.breakdown, x.group_id, x.rep_id,
			   count(*) FILTER (WHERE x.at_start),
			   count(*) FILTER (WHERE x.at_end AND NOT x.at_start),
			   count(*) FILTER (WHERE x.at_start AND NOT x.at_end),
			   count(*) FILTER (WHERE x.at_end)
		  FROM x
		 GROUP BY x.ws, x.we, x.breakdown, x.group_id, x.rep_id;
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
	BEGIN ATOMIC
		WITH b AS (
			SELECT u.t, lead(u.t) OVER (ORDER BY u.t) AS t_next
			  FROM (SELECT DISTINCT x.t FROM pg_catalog.unnest(revenue_by_window.instants) x (t)
					 WHERE x.t IS NOT NULL) u
		), m AS (
			SELECT * FROM retention.customer_mrr(revenue_by_window.instants)
		), subj AS (
			SELECT 'overall'::text AS breakdown, NULL::bigint AS group_id, m.customer, m.instant,
				   sum(m.mrr) AS mrr, coalesce(min(m.first_paid_at) < m.instant, false) AS paid_before
			  FROM m GROUP BY m.customer, m.instant
			UNION ALL
			SELECT 'group', m.group_id, m.customer, m.instant, m.mrr,
				   coalesce(m.first_paid_at < m.instant, false)
			  FROM m WHERE m.group_id IS NOT NULL
		), x AS (
			SELECT b.t AS ws, b.t_next AS we, s.breakdown, s.group_id, s.customer,
				   coalesce(sum(s.mrr) FILTER (WHERE s.instant = b.t), 0) AS m0,
				   coalesce(sum(s.mrr) FILTER (WHERE s.instant = b.t_next), 0) AS m1,
				   coalesce(bool_or(s.paid_before) FILTER (WHERE s.instant = b.t), false) AS paid_before
			  FROM b JOIN subj s ON s.instant = b.t OR s.instant = b.t_next
			 WHERE b.t_next IS NOT NULL
			 GROUP BY b.t, b.t_next, s.breakdown, s.group_id, s.customer
		)
		SELECT x.ws, x.we, x.breakdown, x.group_id,
			   sum(x.m0),
			   coalesce(sum(x.m1) FILTER (WHERE x.m0 = 0 AND x.m1 > 0 AND NOT x.paid_before), 0),
			   coalesce(sum(x.m1 - x.m0) FILTER (WHERE x.m0 > 0 AND x.m1 > x.m0), 0),
			   coalesce(sum(x.m0 - x.m1) FILTER (WHERE x.m0 > 0 AND x.m1 > 0 AND x.m1 < x.m0), 0),
			   coalesce(sum(x.m0) FILTER (WHERE x.m0 > 0 AND x.m1 = 0), 0),
			   coalesce(sum(x.m1) FILTER (WHERE x.m0 = 0 AND x.m1 > 0 AND x.paid_before), 0),
			   sum(x.m1)
		  FROM x
		 GROUP BY x.ws, x.we, x.breakdown, x.group_id;
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
