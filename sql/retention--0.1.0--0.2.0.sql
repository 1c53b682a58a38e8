/* sql/retention--0.1.0--0.2.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE TO '0.2.0'" to load this file. \quit

/*
 * Release 0.2.0.  Every change to an object of 0.1.0 is made here, in the
 * same form as the current version's sources (the .sql files in src/)
 * create it, so that an updated install equals a fresh one; the upgrade
 * test (test/tap/upgrade.sh) compares the two catalogs.
 */

-- Each concern's changes under its own heading, in the order of the sources.

------------------------------------------------------------------------------
-- common: shared infrastructure
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- lifecycle: stages, deals, products, history, enforcement
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- access: roles, row-level security, grants
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- health: the type, configuration, aggregate, overrides, snapshots, views
------------------------------------------------------------------------------

-- Every SQL function pins its search_path (0.1.0 left this one without, to
-- let the planner inline it).
CREATE OR REPLACE FUNCTION retention.health_as_of(as_of timestamptz)
	RETURNS TABLE (product_id bigint, scorecard text, health retention.health)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT o.product_id, coalesce(g.scorecard, 'default'),
			   retention.health(o.measure, o.value, o.observed_at, health_as_of.as_of,
								coalesce(g.scorecard, 'default'))
		  FROM retention.observations o
		  JOIN retention.products p ON p.id = o.product_id
		  LEFT JOIN retention.groups g ON g.id = p.group_id
		 WHERE o.observed_at <= health_as_of.as_of
		   AND o.observed_at > health_as_of.as_of
				- (SELECT max(m.window_length) FROM retention.measures m)
		 GROUP BY o.product_id, coalesce(g.scorecard, 'default');
	END;

------------------------------------------------------------------------------
-- cohorts: activity and cohort retention
------------------------------------------------------------------------------

-- BEGIN src/cohorts/cohorts.sql
/*
 * Cohort retention.  retention.activity is one subject's activity: the unit
 * of its periods, the start of its period 0 and the set of periods in which
 * it was active, as a bitmap.  Text form (unit,start,{periods}), e.g.
 * (month,2026-01-01T00:00:00+01:00,{0,1,3}); it reads back to the same
 * value whatever the session's time zone.
 */
CREATE TYPE retention.activity;

CREATE FUNCTION retention.activity_in(cstring) RETURNS retention.activity
	AS 'MODULE_PATHNAME', 'activity_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_in(cstring) IS
	'text input of retention.activity: (unit,start,{periods})';

CREATE FUNCTION retention.activity_out(retention.activity) RETURNS cstring
	AS 'MODULE_PATHNAME', 'activity_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_out(retention.activity) IS
	'text output of retention.activity, the same in every time zone';

CREATE FUNCTION retention.activity_recv(internal) RETURNS retention.activity
	AS 'MODULE_PATHNAME', 'activity_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_recv(internal) IS
	'binary input of retention.activity';

CREATE FUNCTION retention.activity_send(retention.activity) RETURNS bytea
	AS 'MODULE_PATHNAME', 'activity_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_send(retention.activity) IS
	'binary output of retention.activity';

CREATE TYPE retention.activity (
	INPUT = retention.activity_in,
	OUTPUT = retention.activity_out,
	RECEIVE = retention.activity_recv,
	SEND = retention.activity_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE retention.activity IS
	'one subject''s activity: period unit, start of period 0 and the active periods as a bitmap; text form (unit,start,{periods})';

CREATE FUNCTION retention.activity_eq(retention.activity, retention.activity) RETURNS boolean
	AS 'MODULE_PATHNAME', 'activity_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.activity_eq(retention.activity, retention.activity) IS
	'implementation of = for retention.activity';

CREATE FUNCTION retention.activity_ne(retention.activity, retention.activity) RETURNS boolean
	AS 'MODULE_PATHNAME', 'activity_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.activity_ne(retention.activity, retention.activity) IS
	'implementation of <> for retention.activity';

CREATE FUNCTION retention.activity_hash(retention.activity) RETURNS integer
	AS 'MODULE_PATHNAME', 'activity_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.activity_hash(retention.activity) IS
	'hash of a retention.activity value (hash support)';

CREATE FUNCTION retention.activity_hash_extended(retention.activity, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'activity_hash_extended'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.activity_hash_extended(retention.activity, bigint) IS
	'seeded 64-bit hash of a retention.activity value (hash support)';

CREATE OPERATOR retention.= (
	LEFTARG = retention.activity, RIGHTARG = retention.activity,
	FUNCTION = retention.activity_eq,
	COMMUTATOR = OPERATOR(retention.=), NEGATOR = OPERATOR(retention.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
COMMENT ON OPERATOR retention.= (retention.activity, retention.activity) IS 'equal';

CREATE OPERATOR retention.<> (
	LEFTARG = retention.activity, RIGHTARG = retention.activity,
	FUNCTION = retention.activity_ne,
	COMMUTATOR = OPERATOR(retention.<>), NEGATOR = OPERATOR(retention.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR retention.<> (retention.activity, retention.activity) IS 'not equal';

CREATE OPERATOR CLASS retention.activity_ops
	DEFAULT FOR TYPE retention.activity USING hash AS
		OPERATOR 1 retention.=,
		FUNCTION 1 retention.activity_hash(retention.activity),
		FUNCTION 2 retention.activity_hash_extended(retention.activity, bigint);
COMMENT ON OPERATOR FAMILY retention.activity_ops USING hash IS
	'hash operators of retention.activity';
COMMENT ON OPERATOR CLASS retention.activity_ops USING hash IS
	'default hash operator class of retention.activity';

-- Accessors

CREATE FUNCTION retention.cohort_start(a retention.activity) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'activity_cohort_start'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_start(retention.activity) IS
	'the start of the subject''s period 0 (its cohort''s period)';

CREATE FUNCTION retention.period_unit(a retention.activity) RETURNS text
	AS 'MODULE_PATHNAME', 'activity_unit'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.period_unit(retention.activity) IS
	'the unit of the periods: day, week, month, or a fixed window such as 7 days';

CREATE FUNCTION retention.active_periods(a retention.activity) RETURNS integer[]
	AS 'MODULE_PATHNAME', 'activity_active_periods'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.active_periods(retention.activity) IS
	'the periods (0 = the cohort''s own) in which the subject was active, in increasing order';

CREATE FUNCTION retention.retained(a retention.activity, kind text, k integer) RETURNS boolean
	AS 'MODULE_PATHNAME', 'activity_retained'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.retained(retention.activity, text, integer) IS
	'does the subject count in period k of this kind (full, classic, rolling, return)? period 0 is always true';

CREATE FUNCTION retention.retained(a retention.activity, bracket int4range) RETURNS boolean
	AS 'MODULE_PATHNAME', 'activity_retained_bracket'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.retained(retention.activity, int4range) IS
	'was the subject active at least once inside the bracket of periods?';

-- The per-subject aggregates (internal state, serialized for parallel query)

CREATE FUNCTION retention.activity_accum(internal, unit text, cohort_start timestamptz,
										 active_at timestamptz)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_accum'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_accum(internal, text, timestamptz, timestamptz) IS
	'transition function of activity(unit text, cohort_start, active_at)';

CREATE FUNCTION retention.activity_accum(internal, unit interval, cohort_start timestamptz,
										 active_at timestamptz)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_accum'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_accum(internal, interval, timestamptz, timestamptz) IS
	'transition function of activity(unit interval, cohort_start, active_at)';

CREATE FUNCTION retention.activity_accum(internal, unit text, active_at timestamptz)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_accum_first_seen'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_accum(internal, text, timestamptz) IS
	'transition function of activity(unit, active_at)';

CREATE FUNCTION retention.activity_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_combine(internal, internal) IS
	'combine function of the activity aggregates (OR of the bitmaps)';

CREATE FUNCTION retention.activity_serial(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'activity_serial'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_serial(internal) IS
	'serialization function of the activity aggregates';

CREATE FUNCTION retention.activity_deserial(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_deserial'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_deserial(bytea, internal) IS
	'deserialization function of the activity aggregates';

CREATE FUNCTION retention.activity_final(internal) RETURNS retention.activity
	AS 'MODULE_PATHNAME', 'activity_final'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_final(internal) IS
	'final function of the activity aggregates';

CREATE AGGREGATE retention.activity(unit text, cohort_start timestamptz, active_at timestamptz) (
	SFUNC = retention.activity_accum,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = retention.activity_final,
	COMBINEFUNC = retention.activity_combine,
	SERIALFUNC = retention.activity_serial,
	DESERIALFUNC = retention.activity_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.activity(text, timestamptz, timestamptz) IS
	'a subject''s activity in calendar periods (day, week, month) of the session''s time zone from its cohort_start; a NULL active_at only places it in its cohort';

CREATE AGGREGATE retention.activity(unit interval, cohort_start timestamptz, active_at timestamptz) (
	SFUNC = retention.activity_accum,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = retention.activity_final,
	COMBINEFUNC = retention.activity_combine,
	SERIALFUNC = retention.activity_serial,
	DESERIALFUNC = retention.activity_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.activity(interval, timestamptz, timestamptz) IS
	'a subject''s activity in fixed windows (days count as 24 hours) from its own cohort_start; a NULL active_at only places it in its cohort';

CREATE AGGREGATE retention.activity(unit text, active_at timestamptz) (
	SFUNC = retention.activity_accum,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = retention.activity_final,
	COMBINEFUNC = retention.activity_combine,
	SERIALFUNC = retention.activity_serial,
	DESERIALFUNC = retention.activity_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.activity(text, timestamptz) IS
	'a subject''s activity in calendar periods from the period of its first activity ("first seen" cohorts); NULL without activity';

/*
 * retention.cohort_state: the partial counts of a cohort, the concrete
 * state of cohort_counts (so that Citus combines partial states across
 * nodes).  Text form (kind,periods,as_of,known,size,{counts}).
 */
CREATE TYPE retention.cohort_state;

CREATE FUNCTION retention.cohort_state_in(cstring) RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_state_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_state_in(cstring) IS
	'text input of retention.cohort_state: (kind,periods,as_of,known,size,{counts})';

CREATE FUNCTION retention.cohort_state_out(retention.cohort_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'cohort_state_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_state_out(retention.cohort_state) IS
	'text output of retention.cohort_state';

CREATE FUNCTION retention.cohort_state_recv(internal) RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_state_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_state_recv(internal) IS
	'binary input of retention.cohort_state';

CREATE FUNCTION retention.cohort_state_send(retention.cohort_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'cohort_state_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_state_send(retention.cohort_state) IS
	'binary output of retention.cohort_state';

CREATE TYPE retention.cohort_state (
	INPUT = retention.cohort_state_in,
	OUTPUT = retention.cohort_state_out,
	RECEIVE = retention.cohort_state_recv,
	SEND = retention.cohort_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE retention.cohort_state IS
	'partial counts of a cohort (state of cohort_counts): kind, periods or brackets, as_of, last known period, size, counts';

CREATE FUNCTION retention.cohort_counts_accum(retention.cohort_state, a retention.activity,
											  kind text, periods integer, as_of timestamptz)
	RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_counts_accum'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_counts_accum(retention.cohort_state, retention.activity, text, integer, timestamptz) IS
	'transition function of cohort_counts(a, kind, periods, as_of)';

CREATE FUNCTION retention.cohort_counts_accum(retention.cohort_state, a retention.activity,
											  brackets int4range[], as_of timestamptz)
	RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_counts_bracket_accum'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_counts_accum(retention.cohort_state, retention.activity, int4range[], timestamptz) IS
	'transition function of cohort_counts(a, brackets, as_of)';

CREATE FUNCTION retention.cohort_counts_combine(retention.cohort_state, retention.cohort_state)
	RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_counts_combine'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_counts_combine(retention.cohort_state, retention.cohort_state) IS
	'combine function of cohort_counts: adds the partial counts';

CREATE FUNCTION retention.cohort_counts_final(retention.cohort_state) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'cohort_counts_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_counts_final(retention.cohort_state) IS
	'the counts of a cohort state: {size, cell 1, ..., cell N}, NULL where unknown';

CREATE AGGREGATE retention.cohort_counts(a retention.activity, kind text, periods integer,
										 as_of timestamptz) (
	SFUNC = retention.cohort_counts_accum,
	STYPE = retention.cohort_state,
	FINALFUNC = retention.cohort_counts_final,
	COMBINEFUNC = retention.cohort_counts_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.cohort_counts(retention.activity, text, integer, timestamptz) IS
	'counts of a cohort: {size, subjects counted in period 1, ..., period N} for full, classic, rolling or return retention; NULL where a period has not ended at as_of';

CREATE AGGREGATE retention.cohort_counts(a retention.activity, brackets int4range[],
										 as_of timestamptz) (
	SFUNC = retention.cohort_counts_accum,
	STYPE = retention.cohort_state,
	FINALFUNC = retention.cohort_counts_final,
	COMBINEFUNC = retention.cohort_counts_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.cohort_counts(retention.activity, int4range[], timestamptz) IS
	'counts of a cohort: {size, subjects active in bracket 1, ..., bracket N}; NULL where a bracket''s last period has not ended at as_of';

-- ClickHouse's retention(cond1, ..., condN)

CREATE FUNCTION retention.retention_accum(bigint, conditions boolean[]) RETURNS bigint
	AS 'MODULE_PATHNAME', 'retention_conditions_accum'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.retention_accum(bigint, boolean[]) IS
	'transition function of retention(VARIADIC boolean[])';

CREATE FUNCTION retention.retention_combine(bigint, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'retention_conditions_combine'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.retention_combine(bigint, bigint) IS
	'combine function of retention(VARIADIC boolean[])';

CREATE FUNCTION retention.retention_final(bigint) RETURNS integer[]
	AS 'MODULE_PATHNAME', 'retention_conditions_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.retention_final(bigint) IS
	'final function of retention(VARIADIC boolean[])';

CREATE AGGREGATE retention.retention(VARIADIC conditions boolean[]) (
	SFUNC = retention.retention_accum,
	STYPE = bigint,
	FINALFUNC = retention.retention_final,
	COMBINEFUNC = retention.retention_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.retention(VARIADIC boolean[]) IS
	'ClickHouse''s retention(cond1, ..., condN): {1 if cond1 was ever true, then 1 if cond1 and cond_i were both ever true}';
-- END src/cohorts/cohorts.sql

-- BEGIN src/cohorts/cohort_views.sql
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
		 WHERE h.product_id = p.id AND h.table_name = 'retention.products'::pg_catalog.regclass
		   AND h.to_stage = 'ineligible' AND h.changed_at >= e.entered_at) AS left_at
  FROM retention.products p
  JOIN (SELECT h.product_id, pg_catalog.min(h.changed_at) AS entered_at
		  FROM retention.stage_history h
		 WHERE h.table_name = 'retention.products'::pg_catalog.regclass
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
	   pg_catalog.sum(cohort_size) FILTER (WHERE retained IS NOT NULL),
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
	   t.cohort_size, t.retained, t.rate
  FROM retention.cohort_table('classic', 'month', 24, 'usage') t
UNION ALL
SELECT 'rolling'::varchar(20), t.cohort::date, t.period, t.cohort_size, t.retained, t.rate
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
-- END src/cohorts/cohort_views.sql

------------------------------------------------------------------------------
-- metrics: retention and revenue rates, opportunities, feedback
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- survival: survival curves, the log-rank test, initiatives
------------------------------------------------------------------------------
