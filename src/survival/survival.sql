/* src/survival/survival.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Survival: the survival type, its aggregates, Kaplan-Meier, log-rank
------------------------------------------------------------------------------

/*
 * retention.survival: the exact counts of events (churn) and censorings
 * (still a customer) at each distinct duration, sorted.  Text form
 * {time:events/censored,...}, e.g. {0:1/0,2.5:3/1,7:0/2}; {} counts no
 * subject.  Values can be large (one entry per distinct duration), so they
 * may be compressed and stored out of line.
 */
CREATE TYPE retention.survival;

CREATE FUNCTION retention.survival_in(cstring) RETURNS retention.survival
	AS 'MODULE_PATHNAME', 'survival_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_in(cstring) IS
	'text input of retention.survival: {time:events/censored,...}, times strictly increasing';

CREATE FUNCTION retention.survival_out(retention.survival) RETURNS cstring
	AS 'MODULE_PATHNAME', 'survival_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_out(retention.survival) IS
	'text output of retention.survival, durations in shortest round-trip form';

CREATE FUNCTION retention.survival_recv(internal) RETURNS retention.survival
	AS 'MODULE_PATHNAME', 'survival_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_recv(internal) IS
	'binary input of retention.survival';

CREATE FUNCTION retention.survival_send(retention.survival) RETURNS bytea
	AS 'MODULE_PATHNAME', 'survival_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_send(retention.survival) IS
	'binary output of retention.survival';

CREATE TYPE retention.survival (
	INPUT = retention.survival_in,
	OUTPUT = retention.survival_out,
	RECEIVE = retention.survival_recv,
	SEND = retention.survival_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE retention.survival IS
	'a survival curve''s data: exact event and censoring counts per distinct duration; text form {time:events/censored,...}';

-- Accessors

CREATE FUNCTION retention.subjects(retention.survival) RETURNS bigint
	AS 'MODULE_PATHNAME', 'survival_subjects'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.subjects(retention.survival) IS
	'the number of subjects a survival value counts (events and censorings)';

CREATE FUNCTION retention.events(retention.survival) RETURNS bigint
	AS 'MODULE_PATHNAME', 'survival_events'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.events(retention.survival) IS
	'the number of events (churns) a survival value counts';

CREATE FUNCTION retention.distinct_times(retention.survival) RETURNS integer
	AS 'MODULE_PATHNAME', 'survival_distinct_times'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.distinct_times(retention.survival) IS
	'the number of distinct durations a survival value holds';

-- The aggregates: the state is the type itself (Citus two-phase)

CREATE FUNCTION retention.survival_accum(retention.survival, double precision, boolean)
	RETURNS retention.survival
	AS 'MODULE_PATHNAME', 'survival_accum'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_accum(retention.survival, double precision, boolean) IS
	'transition function of retention.survival(duration, event): counts one subject';

CREATE FUNCTION retention.survival_combine(retention.survival, retention.survival)
	RETURNS retention.survival
	AS 'MODULE_PATHNAME', 'survival_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_combine(retention.survival, retention.survival) IS
	'combine function of the survival aggregates: adds the counts of two values';

CREATE AGGREGATE retention.survival(duration double precision, event boolean) (
	SFUNC = retention.survival_accum,
	STYPE = retention.survival,
	COMBINEFUNC = retention.survival_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.survival(double precision, boolean) IS
	'the survival value of the rows: event true is the event (churn), false a censoring; rows with a NULL are skipped';

CREATE AGGREGATE retention.merge(retention.survival) (
	SFUNC = retention.survival_combine,
	STYPE = retention.survival,
	COMBINEFUNC = retention.survival_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.merge(retention.survival) IS
	'the survival value of all subjects of the values merged (exact)';

-- Kaplan-Meier and friends

CREATE FUNCTION retention.kaplan_meier(s retention.survival,
									   conf_level double precision DEFAULT 0.95)
	RETURNS TABLE ("time" double precision, n_risk bigint, n_event bigint,
				   n_censor bigint, surv double precision,
				   std_err double precision, lower double precision,
				   upper double precision)
	AS 'MODULE_PATHNAME', 'kaplan_meier'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION retention.kaplan_meier(retention.survival, double precision) IS
	'the Kaplan-Meier curve, one row per distinct duration, as R''s summary(survfit(..., conf.type = "log"), censored = TRUE): Greenwood standard error of S, "log" interval capped at 1, NULL where R gives NA';

CREATE FUNCTION retention.survival_median(s retention.survival,
										  conf_level double precision DEFAULT 0.95,
										  OUT median double precision,
										  OUT lower double precision,
										  OUT upper double precision)
	AS 'MODULE_PATHNAME', 'survival_median'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_median(retention.survival, double precision) IS
	'the median lifetime and its interval, as R''s quantile(fit, 0.5); NULL when not reached';

CREATE FUNCTION retention.survival_at(s retention.survival, t double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'survival_at'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_at(retention.survival, double precision) IS
	'the Kaplan-Meier estimate S(t): the share still surviving after time t';

CREATE FUNCTION retention.restricted_mean(s retention.survival, tau double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'restricted_mean'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.restricted_mean(retention.survival, double precision) IS
	'the restricted mean lifetime up to tau (the area under the curve from 0 to tau), as R''s print(fit, rmean = tau)';

CREATE FUNCTION retention.logrank(curves retention.survival[],
								  OUT chisq double precision, OUT df integer,
								  OUT p double precision)
	AS 'MODULE_PATHNAME', 'logrank'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.logrank(retention.survival[]) IS
	'the log-rank test of the groups whose curves are given, as R''s survdiff (rho = 0): chi-square, degrees of freedom, p; a NULL curve is an empty group';
