/* src/metrics/survey.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Metrics: NPS and CSAT aggregates
------------------------------------------------------------------------------

CREATE TYPE retention.survey_counts;

CREATE FUNCTION retention.survey_counts_in(cstring) RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_counts_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_counts_in(cstring) IS 'text input of survey_counts';
CREATE FUNCTION retention.survey_counts_out(retention.survey_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'survey_counts_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_counts_out(retention.survey_counts) IS 'text output of survey_counts';
CREATE FUNCTION retention.survey_counts_recv(internal) RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_counts_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_counts_recv(internal) IS 'binary input of survey_counts';
CREATE FUNCTION retention.survey_counts_send(retention.survey_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'survey_counts_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_counts_send(retention.survey_counts) IS 'binary output of survey_counts';

CREATE TYPE retention.survey_counts (
	INPUT = retention.survey_counts_in,
	OUTPUT = retention.survey_counts_out,
	RECEIVE = retention.survey_counts_recv,
	SEND = retention.survey_counts_send,
	INTERNALLENGTH = 88,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE retention.survey_counts IS
	'state of the NPS and CSAT aggregates: the number of answers of each score 0..10, as (n0,...,n10)';

CREATE FUNCTION retention.survey_nps_accum(retention.survey_counts, integer)
	RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_nps_accum'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_nps_accum(retention.survey_counts, integer) IS
	'transition function of nps and nps_detail: counts one answer 0..10';
CREATE FUNCTION retention.survey_csat_accum(retention.survey_counts, integer)
	RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_csat_accum'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_csat_accum(retention.survey_counts, integer) IS
	'transition function of csat: counts one answer 1..5';
CREATE FUNCTION retention.survey_combine(retention.survey_counts, retention.survey_counts)
	RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_combine'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_combine(retention.survey_counts, retention.survey_counts) IS
	'combine function of the survey aggregates: adds the counts';
CREATE FUNCTION retention.survey_nps_final(retention.survey_counts) RETURNS double precision
	AS 'MODULE_PATHNAME', 'survey_nps_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_nps_final(retention.survey_counts) IS
	'final function of nps: % promoters minus % detractors, NULL without answers';
CREATE FUNCTION retention.survey_csat_final(retention.survey_counts) RETURNS double precision
	AS 'MODULE_PATHNAME', 'survey_csat_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_csat_final(retention.survey_counts) IS
	'final function of csat: % of answers 4 or 5, NULL without answers';

CREATE TYPE retention.nps_summary AS (
	responses	bigint,
	promoters	bigint,
	passives	bigint,
	detractors	bigint,
	nps			double precision,
	margin_of_error double precision
);
COMMENT ON TYPE retention.nps_summary IS
	'result of nps_detail: answers by kind, NPS and its 95% margin of error in NPS points';

CREATE FUNCTION retention.survey_nps_detail_final(retention.survey_counts)
	RETURNS retention.nps_summary
	AS 'MODULE_PATHNAME', 'survey_nps_detail_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_nps_detail_final(retention.survey_counts) IS
	'final function of nps_detail';

CREATE AGGREGATE retention.nps(score integer) (
	SFUNC = retention.survey_nps_accum,
	STYPE = retention.survey_counts,
	INITCOND = '(0,0,0,0,0,0,0,0,0,0,0)',
	COMBINEFUNC = retention.survey_combine,
	FINALFUNC = retention.survey_nps_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.nps(integer) IS
	'Net Promoter Score of answers 0..10: % promoters (9-10) minus % detractors (0-6), -100..100';

CREATE AGGREGATE retention.csat(score integer) (
	SFUNC = retention.survey_csat_accum,
	STYPE = retention.survey_counts,
	INITCOND = '(0,0,0,0,0,0,0,0,0,0,0)',
	COMBINEFUNC = retention.survey_combine,
	FINALFUNC = retention.survey_csat_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.csat(integer) IS
	'customer satisfaction of answers 1..5: % of answers 4 or 5';

CREATE AGGREGATE retention.nps_detail(score integer) (
	SFUNC = retention.survey_nps_accum,
	STYPE = retention.survey_counts,
	INITCOND = '(0,0,0,0,0,0,0,0,0,0,0)',
	COMBINEFUNC = retention.survey_combine,
	FINALFUNC = retention.survey_nps_detail_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.nps_detail(integer) IS
	'answers, promoters, passives, detractors, NPS and its 95% margin of error';
