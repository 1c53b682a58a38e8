-- fuzz_binary: hostile binary input for every base type of the extension
-- that has a receive function, found in the catalog (issue 12, section 1,
-- the short pass).  From the send output of valid values of each type it
-- makes thousands of mutations (truncations, extensions, bit flips, bytes
-- set to 0x00/0x7f/0x80/0xff, huge or negative int32 lengths and counts,
-- int64 extremes, NaN/Infinity/-0/denormal float8s written over any field,
-- wrong version bytes, deleted and repeated slices, random bytes) and feeds
-- each to the type's receive function through COPY ... (FORMAT binary): the
-- bytes are written as one bytea field (bytea's binary form is its raw
-- bytes), and that field is read back as the type.
-- Pass: every refusal is 22P03, 22P02, 22003, 22023 or 08P01 (PostgreSQL's
-- own code for a message that ends early; no crash, no internal error), and
-- every accepted value survives a text round trip and a binary round trip
-- unchanged (same text, same send bytes).  A type added later without a
-- sample fails here.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;
SET TimeZone = 'America/New_York';

CREATE TEMP TABLE fb_samples (type regtype, value text);
INSERT INTO fb_samples VALUES
	('retention.health', '(50,yellow,1,usage)'), ('retention.health', '(100,green,1,)'),
	('retention.health', '(0.1,red,0.3,support_tickets)'),
	('retention.activity', '(month,2026-01-01T00:00:00+00:00,{0,1,3})'),
	('retention.activity', '(7 days,2026-03-08T01:30:00-05:00,{0,2,40})'),
	('retention.activity', '(day,2026-01-05T00:00:00+00:00,{0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64})'),
	('retention.activity', '(week,2026-01-05T00:00:00+00:00,{})'),
	('retention.cohort_state', '(classic,2,2026-06-01T00:00:00+00:00,2,10,{6,4})'),
	('retention.cohort_state', '(full,1,2026-06-01T00:00:00+00:00,1,3,{2})'),
	('retention.survival', '{1:1/1,2:1/0}'), ('retention.survival', '{0:0/3,1.5e-300:2/0,1e300:1/1}'),
	('retention.survival', '{}'),
	('retention.survey_counts', '(1,0,0,0,0,0,0,2,0,3,1)');

-- the types under test: every base type of the extension with a receive
-- function, with its send function
CREATE TEMP TABLE fb_types AS
SELECT t.oid::regtype AS type, t.typsend::regproc AS send
  FROM pg_type t
  JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
 WHERE t.typtype = 'b' AND t.typcategory <> 'A' AND t.typreceive <> 0;

-- every one of them has a sample, and has a send function
SELECT type AS "type without a sample" FROM fb_types EXCEPT SELECT type FROM fb_samples;
SELECT type AS "type without send" FROM fb_types WHERE send = 0;

-- the send output of each sample: what the mutations start from
CREATE TEMP TABLE fb_seeds (type regtype, send regproc, bytes bytea);
DO $$
DECLARE
	r record;
	b bytea;
BEGIN
	FOR r IN SELECT s.type, t.send, s.value FROM fb_samples s JOIN fb_types t USING (type) LOOP
		EXECUTE format('SELECT %s(%L::%s)', r.send, r.value, r.type) INTO b;
		INSERT INTO fb_seeds VALUES (r.type, r.send, b);
	END LOOP;
END
$$;

-- values written over a field: lengths and counts (int32), int64 extremes,
-- special float8s, and bytes
CREATE TEMP TABLE fb_specials (b bytea);
INSERT INTO fb_specials
SELECT int4send(x) FROM unnest(ARRAY[2147483647, -2147483648, -1, 0, 1, 63, 64, 65536,
	1048576, 1048577, 134217727, 178956970]) x
UNION ALL SELECT int8send(x) FROM unnest(ARRAY[9223372036854775807, -9223372036854775808, -1,
	0, 4611686018427387904, 9223371331200000000, -211813488000000000]::int8[]) x
UNION ALL SELECT float8send(x) FROM unnest(ARRAY['NaN', 'Infinity', '-Infinity', '-0',
	'4.9e-324', '1.7976931348623157e308', '100.00000000000001', '1.0000000000000002',
	'-1e-300']::float8[]) x
UNION ALL SELECT decode(x, 'hex') FROM unnest(ARRAY['00', '01', '02', '7f', '80', 'ff', '0000',
	'ffff']) x;
CREATE TEMP TABLE fb_special_list AS SELECT array_agg(b) AS list FROM fb_specials;

SELECT setseed(0.17);

-- n random bytes
CREATE FUNCTION pg_temp.random_bytes(n int) RETURNS bytea LANGUAGE sql AS $$
	SELECT coalesce(decode(string_agg(lpad(to_hex(floor(random() * 256)::int), 2, '0'), ''), 'hex'),
					'\x'::bytea)
	  FROM generate_series(1, n)
$$;

-- a mutation of one send output
CREATE FUNCTION pg_temp.mutate(b bytea, specials bytea[]) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
	n int := length(b);
	i int := floor(random() * greatest(n, 1))::int;			-- 0-based offset
	k int := 1 + floor(random() * 8)::int;
	sp bytea := specials[1 + floor(random() * array_length(specials, 1))::int];
BEGIN
	CASE floor(random() * 11)::int
		WHEN 0 THEN RETURN substr(b, 1, i);								-- truncate
		WHEN 1 THEN RETURN b || pg_temp.random_bytes(k);				-- extend
		WHEN 2 THEN RETURN b || sp;
		WHEN 3 THEN												-- flip a bit
			IF n = 0 THEN RETURN b; END IF;
			i := floor(random() * n * 8)::int;
			RETURN set_bit(b, i, 1 - get_bit(b, i));
		WHEN 4 THEN												-- set a byte
			IF n = 0 THEN RETURN b; END IF;
			RETURN set_byte(b, i, (ARRAY[0, 1, 2, 127, 128, 255, floor(random() * 256)::int])[1 + floor(random() * 7)::int]);
		WHEN 5 THEN RETURN overlay(b placing sp from i + 1 for length(sp));	-- write a field
		WHEN 6 THEN												-- version byte
			IF n = 0 THEN RETURN b; END IF;
			RETURN set_byte(b, 0, (ARRAY[0, 2, 3, 16, 255])[1 + floor(random() * 5)::int]);
		WHEN 7 THEN RETURN overlay(b placing '\x'::bytea from i + 1 for k);	-- delete
		WHEN 8 THEN RETURN overlay(b placing substr(b, i + 1, k) from i + 1 for 0);	-- repeat
		WHEN 9 THEN RETURN pg_temp.random_bytes(floor(random() * 48)::int);
		ELSE RETURN pg_temp.mutate(pg_temp.mutate(b, specials), specials);
	END CASE;
END
$$;

-- Feed bytes b to type t's receive function: write them as one binary
-- COPY field, read that field back as the type.  The file goes to
-- /dev/shm when there is one (a file rewritten 60,000 times on a disk can
-- cost milliseconds a write).  Records the refusal's
-- SQLSTATE, or for an accepted value whether it survives the round trips.
CREATE TEMP TABLE fb_results (type regtype, input bytea, sqlstate text, roundtrip boolean);
CREATE FUNCTION pg_temp.try(t regtype, send regproc, b bytea) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	f text := CASE WHEN (pg_stat_file('/dev/shm', true)).isdir THEN '/dev/shm' ELSE '/tmp' END
		|| '/retention_fuzz_binary_' || pg_backend_pid() || '.bin';
	txt text;
	sent bytea;
	txt2 text;
	sent2 bytea;
	sent3 bytea;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b, f);
	BEGIN
		EXECUTE format('COPY fb_one FROM %L (FORMAT binary)', f);
	EXCEPTION WHEN OTHERS THEN
		INSERT INTO fb_results VALUES (t, b, SQLSTATE, NULL);
		RETURN;
	END;
	-- accepted: the text and binary forms of the value, of the value read
	-- back from its text, and of the value read back from its send bytes
	-- (an error here is a failed round trip too)
	BEGIN
		EXECUTE format('SELECT v::text, %s(v) FROM fb_one', send) INTO txt, sent;
		DELETE FROM fb_one;
		EXECUTE format('SELECT %L::%s::text, %s(%L::%s)', txt, t, send, txt, t) INTO txt2, sent2;
		EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', sent, f);
		EXECUTE format('COPY fb_one FROM %L (FORMAT binary)', f);
		EXECUTE format('SELECT %s(v) FROM fb_one', send) INTO sent3;
		DELETE FROM fb_one;
	EXCEPTION WHEN OTHERS THEN
		DELETE FROM fb_one;
	END;
	INSERT INTO fb_results VALUES (t, b, NULL,
								   coalesce(txt = txt2 AND sent = sent2 AND sent = sent3, false));
END
$$;

-- 10,000 mutations a type, spread over its samples
DO $$
DECLARE
	r record;
	specials bytea[] := (SELECT list FROM fb_special_list);
	per int;
BEGIN
	FOR r IN SELECT type, send FROM fb_types ORDER BY type::text LOOP
		EXECUTE format('CREATE TEMP TABLE fb_one (v %s)', r.type);
		per := 10000 / (SELECT count(*) FROM fb_seeds WHERE type = r.type);
		PERFORM pg_temp.try(r.type, r.send, pg_temp.mutate(s.bytes, specials))
		   FROM fb_seeds s, generate_series(1, per) g
		  WHERE s.type = r.type;
		-- the seeds themselves, unchanged
		PERFORM pg_temp.try(r.type, r.send, s.bytes) FROM fb_seeds s WHERE s.type = r.type;
		DROP TABLE fb_one;
	END LOOP;
END
$$;

-- no refusal outside the documented classes
SELECT type, sqlstate, count(*), min(encode(input, 'hex')) AS example
  FROM fb_results
 WHERE sqlstate NOT IN ('22P03', '22P02', '22003', '22023', '08P01')
 GROUP BY 1, 2 ORDER BY 1, 2;
-- every accepted value survives the round trips
SELECT type, count(*), min(encode(input, 'hex')) AS example
  FROM fb_results WHERE sqlstate IS NULL AND NOT roundtrip GROUP BY 1 ORDER BY 1;
-- what the refusals were, by type (a sanity check of the mix, not counts)
SELECT type, array_agg(DISTINCT sqlstate ORDER BY sqlstate) AS refusals
  FROM fb_results WHERE sqlstate IS NOT NULL GROUP BY 1 ORDER BY 1;
-- every type got its inputs, and both outcomes were met
SELECT r.type, count(*) >= 10000 AS many_inputs,
	   count(*) FILTER (WHERE sqlstate IS NULL) > 0 AS some_accepted,
	   count(*) FILTER (WHERE sqlstate IS NOT NULL) > 0 AS some_refused,
	   count(*) FILTER (WHERE sqlstate IS NULL AND input <> ALL (SELECT bytes FROM fb_seeds s
																  WHERE s.type = r.type)) > 0
		   AS some_mutants_accepted
  FROM fb_results r GROUP BY 1 ORDER BY 1;
SELECT count(*) = (SELECT count(*) FROM fb_types) AS all_types_fuzzed
  FROM (SELECT DISTINCT type FROM fb_results) x;

-- What the fuzzer found (each was accepted by receive and then failed its
-- text round trip), kept as regression cases: the result of receive, and
-- of reading the value's text back.
CREATE FUNCTION pg_temp.recv_case(t regtype, hex text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/retention_fuzz_binary_case.bin';
	txt text;
	back text;
	det text;
BEGIN
	EXECUTE format('CREATE TEMP TABLE fb_case (v %s)', t);
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)',
				   decode(replace(hex, ' ', ''), 'hex'), f);
	BEGIN
		EXECUTE format('COPY fb_case FROM %L (FORMAT binary)', f);
		SELECT v::text INTO txt FROM fb_case;
		EXECUTE format('SELECT %L::%s::text', txt, t) INTO back;
		txt := txt || CASE WHEN back = txt THEN ' (reads back)' ELSE ' (reads back as ' || back || ')' END;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS det = PG_EXCEPTION_DETAIL;
		txt := SQLSTATE || ' ' || SQLERRM || coalesce(': ' || det, '');
	END;
	DROP TABLE fb_case;
	RETURN txt;
END
$$;
SELECT n, pg_temp.recv_case(t::regtype, hex) AS result
  FROM (VALUES
	-- a calendar start 2 microseconds after midnight: the text form's offset
	-- is whole seconds, so it cannot say this instant
	(1, 'retention.activity', '01 01 0000000000000000 0002ea958245e002 0000251d 00000041 ffffffffffffffff01'),
	-- a calendar start 17 hours from midnight: the offset goes up to 15:59:59
	(2, 'retention.activity', '01 01 0000000000000000 0002eaa5c213c400 0000251d 00000001 01'),
	-- 15:59:59 is the furthest
	(3, 'retention.activity', '01 01 0000000000000000 0002eaa4eb70ddc0 0000251d 00000001 01'),
	-- a fixed window starting in 259 BC, and in the year 10000
	(4, 'retention.activity', '01 04 0000008cd0e3a000 ff02ef7c2f2eca00 00000000 00000001 01'),
	(5, 'retention.activity', '01 04 0000008cd0e3a000 0380e70b913b8000 00000000 00000001 01'),
	-- a cohort state as of a year beyond 9999
	-- a fixed window of 1,667,000 days: the text form writes at most 999,999
	(6, 'retention.activity', '01 04 0200008cd0e3a000 0002ef7c2f2eca00 00000000 00000001 01'),
	-- week -15,399,602 (about 293,000 BC, before the timestamp range): its
	-- midnight overflowed and wrapped around to the year 287,000, so a start
	-- there was taken as the start of that week (found by test/fuzz/run --long)
	(7, 'retention.activity', '01 02 0000000000000000 7ebf29a3a245e000 ff15054e 00000000'),
	(8, 'retention.activity', '01 02 0000000000000000 0002ea978245e000 ff15054e 00000000'),
	(9, 'retention.cohort_state', '0101000000010402f624a4f200000000000100000000000000030000000000000002')
  ) v(n, t, hex) ORDER BY n;
-- the same years in text
SELECT '(7 days,-0258-10-08T08:09:22.072064+00:00,{0})'::retention.activity;
SELECT '(month,-4713-12-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(day,294276-12-31T00:00:00+00:00,{0})'::retention.activity;
SELECT '(day,0000-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(day,-0000-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(day,1234567-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(day,-4714-11-23T00:00:00+00:00,{0})'::retention.activity;
SELECT '(999999 days 23:59:59.999999,2026-01-05T00:00:00+00:00,{0})'::retention.activity;
SELECT retention.activity('1000000 days'::interval, '2026-01-05'::timestamptz, '2026-01-05'::timestamptz);
SELECT retention.activity('999999 days'::interval, '2026-01-05'::timestamptz, '2026-01-05'::timestamptz);

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
