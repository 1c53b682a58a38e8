/* src/health/health_type.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

/*
 * retention.health: a product's health score (0-100), its band, the share of
 * the scorecard's weight that had data (coverage) and the measure that costs
 * the score most.  Text form: (score,band,coverage,weakest), e.g.
 * (69.5,yellow,1,usage), or (100,green,1,) when no measure is weakest.
 *
 * STORAGE = plain: a value is at most 88 bytes (4 header, 4 version/band/
 * padding, two float8s, a measure name of at most 63 bytes and its NUL), so
 * compression or an out-of-line copy could never pay; plain also keeps the
 * 4-byte header, so a value read from a tuple is aligned and used in place
 * instead of being copied out of a 1-byte-header form on every read.
 */
CREATE TYPE retention.health;

CREATE FUNCTION retention.health_in(cstring) RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_in(cstring) IS
	'text input of retention.health: (score,band,coverage,weakest)';

CREATE FUNCTION retention.health_out(retention.health) RETURNS cstring
	AS 'MODULE_PATHNAME', 'health_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_out(retention.health) IS
	'text output of retention.health, numbers in shortest round-trip form';

CREATE FUNCTION retention.health_recv(internal) RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_recv(internal) IS
	'binary input of retention.health';

CREATE FUNCTION retention.health_send(retention.health) RETURNS bytea
	AS 'MODULE_PATHNAME', 'health_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_send(retention.health) IS
	'binary output of retention.health';

CREATE TYPE retention.health (
	INPUT = retention.health_in,
	OUTPUT = retention.health_out,
	RECEIVE = retention.health_recv,
	SEND = retention.health_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE retention.health IS
	'a product''s health: score 0-100, band (red, yellow, green), coverage 0-1 and weakest measure; text form (score,band,coverage,weakest)';

-- Constructor and accessors

CREATE FUNCTION retention.make_health(score double precision, band text,
									  coverage double precision DEFAULT 1,
									  weakest_measure text DEFAULT NULL)
	RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_make'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.make_health(double precision, text, double precision, text) IS
	'builds a health value; NULL score, band or coverage gives NULL, a NULL weakest measure means none';

CREATE FUNCTION retention.score(retention.health) RETURNS double precision
	AS 'MODULE_PATHNAME', 'health_score'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.score(retention.health) IS
	'the health score, 0 to 100';

CREATE FUNCTION retention.band(retention.health) RETURNS text
	AS 'MODULE_PATHNAME', 'health_band'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.band(retention.health) IS
	'the health band: red, yellow or green';

CREATE FUNCTION retention.coverage(retention.health) RETURNS double precision
	AS 'MODULE_PATHNAME', 'health_coverage'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.coverage(retention.health) IS
	'the share of the scorecard''s weight that had data, 0 to 1';

CREATE FUNCTION retention.weakest_measure(retention.health) RETURNS text
	AS 'MODULE_PATHNAME', 'health_weakest_measure'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.weakest_measure(retention.health) IS
	'the measure that costs the score most, or NULL if none does';

CREATE FUNCTION retention.health_score_numeric(retention.health) RETURNS numeric
	AS 'MODULE_PATHNAME', 'health_score_numeric'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_score_numeric(retention.health) IS
	'the health score as numeric, with the digits the text form shows (cast function)';

CREATE CAST (retention.health AS double precision)
	WITH FUNCTION retention.score(retention.health);
COMMENT ON CAST (retention.health AS double precision) IS
	'the health score';

CREATE CAST (retention.health AS numeric)
	WITH FUNCTION retention.health_score_numeric(retention.health);
COMMENT ON CAST (retention.health AS numeric) IS
	'the health score';

-- Comparison: by score, then band, then coverage, then weakest measure

CREATE FUNCTION retention.health_lt(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_lt'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_lt(retention.health, retention.health) IS
	'implementation of < for retention.health';

CREATE FUNCTION retention.health_le(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_le'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_le(retention.health, retention.health) IS
	'implementation of <= for retention.health';

CREATE FUNCTION retention.health_eq(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_eq(retention.health, retention.health) IS
	'implementation of = for retention.health';

CREATE FUNCTION retention.health_ne(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_ne(retention.health, retention.health) IS
	'implementation of <> for retention.health';

CREATE FUNCTION retention.health_ge(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_ge'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_ge(retention.health, retention.health) IS
	'implementation of >= for retention.health';

CREATE FUNCTION retention.health_gt(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_gt'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_gt(retention.health, retention.health) IS
	'implementation of > for retention.health';

CREATE FUNCTION retention.health_cmp(retention.health, retention.health) RETURNS integer
	AS 'MODULE_PATHNAME', 'health_cmp'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_cmp(retention.health, retention.health) IS
	'three-way comparison of retention.health values (btree support)';

CREATE FUNCTION retention.health_hash(retention.health) RETURNS integer
	AS 'MODULE_PATHNAME', 'health_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_hash(retention.health) IS
	'hash of a retention.health value (hash support)';

CREATE FUNCTION retention.health_hash_extended(retention.health, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'health_hash_extended'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_hash_extended(retention.health, bigint) IS
	'seeded 64-bit hash of a retention.health value (hash support)';

CREATE OPERATOR retention.< (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_lt,
	COMMUTATOR = OPERATOR(retention.>), NEGATOR = OPERATOR(retention.>=),
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR retention.< (retention.health, retention.health) IS 'less than';

CREATE OPERATOR retention.<= (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_le,
	COMMUTATOR = OPERATOR(retention.>=), NEGATOR = OPERATOR(retention.>),
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR retention.<= (retention.health, retention.health) IS 'less than or equal';

CREATE OPERATOR retention.= (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_eq,
	COMMUTATOR = OPERATOR(retention.=), NEGATOR = OPERATOR(retention.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES, MERGES
);
COMMENT ON OPERATOR retention.= (retention.health, retention.health) IS 'equal';

CREATE OPERATOR retention.<> (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_ne,
	COMMUTATOR = OPERATOR(retention.<>), NEGATOR = OPERATOR(retention.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR retention.<> (retention.health, retention.health) IS 'not equal';

CREATE OPERATOR retention.>= (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_ge,
	COMMUTATOR = OPERATOR(retention.<=), NEGATOR = OPERATOR(retention.<),
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR retention.>= (retention.health, retention.health) IS 'greater than or equal';

CREATE OPERATOR retention.> (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_gt,
	COMMUTATOR = OPERATOR(retention.<), NEGATOR = OPERATOR(retention.<=),
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR retention.> (retention.health, retention.health) IS 'greater than';

CREATE OPERATOR CLASS retention.health_ops
	DEFAULT FOR TYPE retention.health USING btree AS
		OPERATOR 1 retention.<,
		OPERATOR 2 retention.<=,
		OPERATOR 3 retention.=,
		OPERATOR 4 retention.>=,
		OPERATOR 5 retention.>,
		FUNCTION 1 retention.health_cmp(retention.health, retention.health);
COMMENT ON OPERATOR FAMILY retention.health_ops USING btree IS
	'btree operators of retention.health';
COMMENT ON OPERATOR CLASS retention.health_ops USING btree IS
	'default btree operator class of retention.health';

CREATE OPERATOR CLASS retention.health_ops
	DEFAULT FOR TYPE retention.health USING hash AS
		OPERATOR 1 retention.=,
		FUNCTION 1 retention.health_hash(retention.health),
		FUNCTION 2 retention.health_hash_extended(retention.health, bigint);
COMMENT ON OPERATOR FAMILY retention.health_ops USING hash IS
	'hash operators of retention.health';
COMMENT ON OPERATOR CLASS retention.health_ops USING hash IS
	'default hash operator class of retention.health';

-- min and max

CREATE FUNCTION retention.health_smaller(retention.health, retention.health)
	RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_smaller'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_smaller(retention.health, retention.health) IS
	'the smaller of two health values (transition function of min)';

CREATE FUNCTION retention.health_larger(retention.health, retention.health)
	RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_larger'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_larger(retention.health, retention.health) IS
	'the larger of two health values (transition function of max)';

CREATE AGGREGATE retention.min(retention.health) (
	SFUNC = retention.health_smaller,
	STYPE = retention.health,
	COMBINEFUNC = retention.health_smaller,
	SORTOP = OPERATOR(retention.<),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.min(retention.health) IS
	'the smallest health value (by score, then band, coverage, weakest measure)';

CREATE AGGREGATE retention.max(retention.health) (
	SFUNC = retention.health_larger,
	STYPE = retention.health,
	COMBINEFUNC = retention.health_larger,
	SORTOP = OPERATOR(retention.>),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.max(retention.health) IS
	'the largest health value (by score, then band, coverage, weakest measure)';

