-- fuzz_types: hostile text input for every base type of the extension,
-- found in the catalog (issue 12, section 1, the short pass).  From valid
-- values of each type it makes thousands of mutations (truncations,
-- extensions, deleted, repeated and swapped bytes, special tokens: NaN,
-- Infinity, -0, exponents, huge integers, multibyte and invalid UTF-8,
-- unbalanced delimiters) and feeds each to the type's input function.
-- Pass: every refusal is 22P02, 22003, 22P03, 22023, 22007 or 22008 (no
-- crash, no internal error), and every accepted value survives a text
-- round trip unchanged.  A type added later without a sample fails here.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;
SET TimeZone = 'America/New_York';

CREATE TEMP TABLE fz_samples (type regtype, value text);
INSERT INTO fz_samples VALUES
	('retention.health', '(50,yellow,1,usage)'), ('retention.health', '(100,green,1,)'),
	('retention.health', '(0.1,red,0.3,support_tickets)'),
	('retention.activity', '(month,2026-01-01T00:00:00+00:00,{0,1,3})'),
	('retention.activity', '(7 days,2026-03-08T01:30:00-05:00,{0,2,40})'),
	('retention.activity', '(week,2026-01-05T00:00:00+00:00,{})'),
	('retention.cohort_state', '(classic,2,2026-06-01T00:00:00+00:00,2,10,{6,4})'),
	('retention.survival', '{1:1/1,2:1/0}'), ('retention.survival', '{0:0/3,1.5e-300:2/0,1e300:1/1}'),
	('retention.survival', '{}'),
	('retention.survey_counts', '(1,0,0,0,0,0,0,2,0,3,1)');

-- every base type of the extension has a sample
SELECT t.oid::regtype AS "type without a sample"
  FROM pg_type t
  JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
 WHERE t.typtype = 'b' AND t.typcategory <> 'A'
EXCEPT SELECT type FROM fz_samples;

SELECT setseed(0.42);
CREATE TEMP TABLE fz_tokens (tok text);
INSERT INTO fz_tokens VALUES ('NaN'), ('Infinity'), ('-Infinity'), ('-0'), ('1e309'), ('1e-400'),
	('99999999999999999999'), ('-2147483649'), ('9223372036854775808'), ('0x1F'), (''), (' '),
	('('), (')'), ('{'), ('}'), (','), (':'), ('/'), ('"'), ('\'), ('é'), (E'\u00e9\u00e9'),
	('日本'), ('{{{{'), ('))))'), (repeat('9', 400)), (repeat('a', 70)), ('null'), ('NULL'),
	('infinity'), ('epoch'), ('5 months'), ('-1'), ('+1'), ('1.'), ('.5'), ('1e'), ('e5');

-- mutations of one value
CREATE FUNCTION pg_temp.mutate(v text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n int := length(v);
	i int := 1 + floor(random() * greatest(n, 1))::int;
	j int := 1 + floor(random() * greatest(n, 1))::int;
	tok text := (SELECT tok FROM fz_tokens OFFSET floor(random() * 40)::int LIMIT 1);
BEGIN
	CASE floor(random() * 9)::int
		WHEN 0 THEN RETURN left(v, i - 1);                              -- truncate
		WHEN 1 THEN RETURN v || tok;                                    -- extend
		WHEN 2 THEN RETURN overlay(v placing '' from i for 1);          -- delete a char
		WHEN 3 THEN RETURN overlay(v placing substr(v, i, 1) || substr(v, i, 1) from i for 1);
		WHEN 4 THEN RETURN overlay(v placing coalesce(tok, '') from i for 0);  -- insert a token
		WHEN 5 THEN RETURN overlay(v placing coalesce(tok, '') from i for greatest(j - i, 0) + 1);
		WHEN 6 THEN RETURN overlay(v placing chr(32 + floor(random() * 95)::int) from i for 1);
		WHEN 7 THEN RETURN regexp_replace(v, '[0-9.e+-]+', coalesce(tok, ''), 'g');
		ELSE RETURN pg_temp.mutate(pg_temp.mutate(v));
	END CASE;
END
$$;

CREATE TEMP TABLE fz_results (type regtype, input text, sqlstate text, roundtrip boolean);
CREATE FUNCTION pg_temp.try(t regtype, v text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	out1 text;
	out2 text;
BEGIN
	BEGIN
		EXECUTE format('SELECT %L::%s::text', v, t) INTO out1;
		EXECUTE format('SELECT %L::%s::text', out1, t) INTO out2;
		INSERT INTO fz_results VALUES (t, v, NULL, out1 IS NOT DISTINCT FROM out2);
	EXCEPTION WHEN OTHERS THEN
		INSERT INTO fz_results VALUES (t, v, SQLSTATE, NULL);
	END;
END
$$;

SELECT count(*) > 0 AS tried
  FROM (SELECT pg_temp.try(s.type, pg_temp.mutate(s.value))
		  FROM fz_samples s, generate_series(1, 1500) g) x;

-- no refusal outside the documented classes
SELECT type, sqlstate, count(*), min(input) AS example
  FROM fz_results
 WHERE sqlstate NOT IN ('22P02', '22003', '22P03', '22023', '22007', '22008')
 GROUP BY 1, 2 ORDER BY 1, 2;
-- every accepted value survives a round trip
SELECT type, input FROM fz_results WHERE sqlstate IS NULL AND NOT roundtrip ORDER BY 1, 2;
-- what the refusals were, by type (a sanity check of the mix, not counts)
SELECT type, array_agg(DISTINCT sqlstate ORDER BY sqlstate) AS refusals
  FROM fz_results WHERE sqlstate IS NOT NULL GROUP BY 1 ORDER BY 1;
-- both outcomes were met for every type
SELECT type, count(*) >= 1500 AS many_inputs,
	   count(*) FILTER (WHERE sqlstate IS NULL) > 0 AS some_accepted,
	   count(*) FILTER (WHERE sqlstate IS NOT NULL) > 0 AS some_refused
  FROM fz_results GROUP BY 1 ORDER BY 1;

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
