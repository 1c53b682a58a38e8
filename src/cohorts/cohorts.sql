/* src/cohorts/cohorts.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

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
