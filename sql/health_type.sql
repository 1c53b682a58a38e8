-- health_type: the retention.health type (I/O, order, hashing, accessors,
-- casts, make_health, min/max, binary I/O)
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
SET search_path = retention, public;

--
-- Text round trips
--
-- Each value prints in canonical form (white space dropped, -0 as 0, the
-- shortest decimal that reads back to the same double), and the printed form
-- reads back to an equal value with bit-identical numbers.
SELECT input, input::health AS value,
	   input::health::text::health = input::health AS eq,
	   score(input::health::text::health) = score(input::health)
	   AND coverage(input::health::text::health) = coverage(input::health) AS same_numbers
FROM (VALUES (1, '(69.5,yellow,1,usage)'),
			 (2, '(100,green,1,)'),
			 (3, '(0,red,0,)'),
			 (4, '(40,yellow,0.5,support_tickets)'),
			 (5, '(69.99999999999999,yellow,1,x)'),
			 (6, '( 69.5 , yellow , 1 , usage )'),
			 (7, E'\t(\n50,red,0.25,a1_b2\r)\f'),
			 (8, '(-0,red,-0.0,)'),
			 (9, '(1e2,green,1E0,)'),
			 (10, '(.5,red,0.,)'),
			 (11, '(+7.25,red,+0.125,z)'),
			 (12, '(33.333333333333336,red,1,)'),
			 (13, '(33.3333333333333333333,red,1,)'),
			 (14, '(5e-324,red,5E-324,)'),
			 (15, '(0.1,red,0.3,)'),
			 (16, '(000099.90,green,001,)'),
			 (17, '(1e-5,red,1,)')) AS t(n, input)
ORDER BY n;

-- Output ignores extra_float_digits: shortest round-trip form either way
SET extra_float_digits = -15;
SELECT '(0.1,red,0.3,)'::health AS low_digits, '(69.99999999999999,red,1,)'::health;
SET extra_float_digits = 3;
SELECT '(0.1,red,0.3,)'::health AS high_digits, '(69.99999999999999,red,1,)'::health;
RESET extra_float_digits;

-- The longest valid measure name is 63 bytes
SELECT length(weakest_measure(('(1,red,1,' || repeat('m', 63) || ')')::health));

-- Random doubles survive a text round trip exactly, whatever extra_float_digits
SELECT setseed(0.5);
CREATE TABLE health_rand AS
	SELECT make_health(random() * 100, 'red', random()) AS h
	FROM generate_series(1, 10000);
SET extra_float_digits = -15;
SELECT count(*) AS mismatches_low_digits FROM health_rand
WHERE h::text::health <> h OR score(h::text::health) <> score(h);
RESET extra_float_digits;
SELECT count(*) AS mismatches FROM health_rand
WHERE h::text::health <> h OR coverage(h::text::health) <> coverage(h);
DROP TABLE health_rand;

--
-- Malformed text input
--
-- Full error reports for one case of each kind
SELECT '(69.5,Yellow,1,usage)'::health;
SELECT '(101,red,1,)'::health;
SELECT '(NaN,red,1,)'::health;

-- The battery: SQLSTATE and detail of each refused input
CREATE FUNCTION pg_temp.health_error(input text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text;
	det text;
BEGIN
	PERFORM input::retention.health;
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
	RETURN st || ' ' || det;
END
$$;

SELECT n, input, pg_temp.health_error(input) AS error
FROM (VALUES (1, ''),
			 (2, '   '),
			 (3, '69.5,yellow,1,usage'),
			 (4, '(69.5,yellow,1,usage'),
			 (5, '(69.5,yellow,1)'),
			 (6, '(69.5,yellow,1,usage,x)'),
			 (7, '()'),
			 (8, '(69.5,yellow,1,usage))'),
			 (9, '(69.5,yellow,1,usage) x'),
			 (10, '((69.5,yellow,1,usage)'),
			 (11, '(,yellow,1,)'),
			 (12, '(  ,yellow,1,)'),
			 (13, '(abc,red,1,)'),
			 (14, '(1.2.3,red,1,)'),
			 (15, '(1e,red,1,)'),
			 (16, '(1e+,red,1,)'),
			 (17, '(0x10,red,1,)'),
			 (18, '(1 2,red,1,)'),
			 (19, '(.,red,1,)'),
			 (20, '(--1,red,1,)'),
			 (21, '(1e5000,red,1,)'),
			 (22, '(1e-400,red,1,)'),
			 (23, '(100.00000000000002,red,1,)'),
			 (24, '(-1,red,1,)'),
			 (25, '(-0.0001,red,1,)'),
			 (26, '(NaN,red,1,)'),
			 (27, '(Infinity,red,1,)'),
			 (28, '(-inf,red,1,)'),
			 (29, '(50,,1,)'),
			 (30, '(50,Green,1,)'),
			 (31, '(50,blue,1,)'),
			 (32, '(50,gr een,1,)'),
			 (33, '(50,green,,)'),
			 (34, '(50,green,1.5,)'),
			 (35, '(50,green,nan,)'),
			 (36, '(50,green,-0.5,)'),
			 (37, '(50,green,1,Usage)'),
			 (38, '(50,green,1,1usage)'),
			 (39, '(50,green,1,us age)'),
			 (40, '(50,green,1,_x)'),
			 (41, '(50,green,1,"usage")'),
			 (42, '(50,green,1,usagé)'),
			 (43, '(50,green,1,us-age)')) AS t(n, input)
ORDER BY n;

-- A measure name of 64 bytes is one too many
SELECT pg_temp.health_error('(1,red,1,' || repeat('m', 64) || ')') AS too_long;

--
-- Order: score, then band, then coverage, then weakest measure
--
CREATE TABLE health_ord (id int, h health);
INSERT INTO health_ord VALUES
	(1, '(50,yellow,1,b)'),
	(2, '(100,green,1,)'),
	(3, '(50,yellow,1,a)'),
	(4, '(50,red,1,z)'),
	(5, '(0,red,0,)'),
	(6, '(50,yellow,0.5,z)'),
	(7, '(49.99999999999999,green,1,)'),
	(8, '(50,yellow,1,)'),
	(9, '(50.0,yellow,1.0,a)'),
	(10, '(50,green,0,)');
SELECT id, h FROM health_ord ORDER BY h, id;
SELECT id, h FROM health_ord ORDER BY h DESC, id;

-- Every pair compared by every operator agrees with health_cmp
SELECT count(*) AS pairs,
	   count(*) FILTER (WHERE (a.h < b.h) = (health_cmp(a.h, b.h) < 0)
						  AND (a.h <= b.h) = (health_cmp(a.h, b.h) <= 0)
						  AND (a.h = b.h) = (health_cmp(a.h, b.h) = 0)
						  AND (a.h <> b.h) = (health_cmp(a.h, b.h) <> 0)
						  AND (a.h >= b.h) = (health_cmp(a.h, b.h) >= 0)
						  AND (a.h > b.h) = (health_cmp(a.h, b.h) > 0)
						  AND health_cmp(a.h, b.h) = -health_cmp(b.h, a.h)) AS consistent,
	   count(*) FILTER (WHERE a.h = b.h) AS equal_pairs
FROM health_ord a, health_ord b;

-- DISTINCT and GROUP BY, by sorting and by hashing
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT h, count(*) FROM health_ord GROUP BY h;
SELECT h, count(*) FROM health_ord GROUP BY h ORDER BY h;
SELECT count(DISTINCT h) FROM health_ord;
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT DISTINCT h FROM health_ord;
EXPLAIN (COSTS OFF) SELECT h, count(*) FROM health_ord GROUP BY h;
SELECT h, count(*) FROM health_ord GROUP BY h ORDER BY h;
SELECT DISTINCT h FROM health_ord ORDER BY 1;
RESET enable_sort;

-- Hash join and merge join on =
CREATE TABLE health_ord2 AS SELECT id + 100 AS id, h::text::health AS h FROM health_ord;
SET enable_nestloop = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM health_ord a JOIN health_ord2 b ON a.h = b.h;
SELECT a.id, b.id FROM health_ord a JOIN health_ord2 b ON a.h = b.h ORDER BY 1, 2;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM health_ord a JOIN health_ord2 b ON a.h = b.h;
SELECT a.id, b.id FROM health_ord a JOIN health_ord2 b ON a.h = b.h ORDER BY 1, 2;
RESET enable_hashjoin;
RESET enable_nestloop;

-- Hash agrees with equality; extended hash with seed 0 has the same low
-- 32 bits; another seed changes the hash
SELECT health_hash('(50,yellow,1,a)') = health_hash('( 50.000 , yellow , 1.0 , a )') AS same_hash,
	   health_hash('(0,red,0,)') = health_hash('(-0,red,-0,)') AS zero_hash,
	   health_hash('(50,yellow,1,a)') <> health_hash('(50,yellow,1,b)') AS differs;
SELECT count(*) AS low_bits_match FROM health_ord
WHERE (health_hash(h)::bigint & 4294967295) = (health_hash_extended(h, 0) & 4294967295);
SELECT count(*) AS seed_matters FROM health_ord
WHERE health_hash_extended(h, 0) <> health_hash_extended(h, 42);

-- Both operator classes pass the access methods' own validation
SELECT opc.opcname, am.amname, opc.opcdefault, amvalidate(opc.oid)
FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod
WHERE opc.opcintype = 'retention.health'::regtype
ORDER BY am.amname;

--
-- Indexes: btree and hash
--
CREATE TABLE health_big (i int, h health);
INSERT INTO health_big
	SELECT i, make_health((i % 1000) / 10.0,
						  (ARRAY['red', 'yellow', 'green'])[i % 3 + 1],
						  (i % 5) / 4.0,
						  CASE WHEN i % 7 <> 0 THEN 'm' || i % 7 END)
	FROM generate_series(1, 10000) AS i;
CREATE INDEX health_big_h ON health_big (h);
ANALYZE health_big;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT i FROM health_big WHERE h = '(99.9,green,1,m4)';
SELECT i FROM health_big WHERE h = '(99.9,green,1,m4)';
EXPLAIN (COSTS OFF) SELECT i FROM health_big WHERE h < '(0.1,red,0,)';
SELECT i, h FROM health_big WHERE h < '(0.1,red,0,)' ORDER BY h;
-- min and max use the index through SORTOP
EXPLAIN (COSTS OFF) SELECT min(h), max(h) FROM health_big;
SELECT min(h), max(h) FROM health_big;
RESET enable_seqscan;
RESET enable_bitmapscan;
-- The same answers without the index
DROP INDEX health_big_h;
SELECT i, h FROM health_big WHERE h < '(0.1,red,0,)' ORDER BY h;
SELECT i FROM health_big WHERE h = '(99.9,green,1,m4)';
CREATE INDEX health_big_hash ON health_big USING hash (h);
SET enable_seqscan = off;
SET enable_indexscan = off;
SET enable_bitmapscan = on;
EXPLAIN (COSTS OFF) SELECT i FROM health_big WHERE h = '(99.9,green,1,m4)';
SELECT i FROM health_big WHERE h = '(99.9,green,1,m4)';
RESET enable_seqscan;
RESET enable_indexscan;
RESET enable_bitmapscan;
DROP INDEX health_big_hash;

--
-- min and max, serial and in a forced parallel plan
--
-- Hand check: min has score 0 (i = 1000, 2000, ...), band red (i % 3 = 0:
-- 3000, 6000, 9000), coverage 0 (i % 5 = 0), weakest m4, m1, m5: m1.  max has
-- score 99.9 (i % 1000 = 999), band green (i % 3 = 2: 2999, 5999, 8999),
-- coverage 1 (i % 5 = 4), weakest m3, none, m4: m4.
SELECT min(h), max(h), count(*) FROM health_big;
-- The same from the components, ordered as the type orders
(SELECT h FROM health_big
 ORDER BY score(h), band(h) = 'green', band(h) = 'yellow', coverage(h),
		  coalesce(weakest_measure(h), '') COLLATE "C" LIMIT 1)
UNION ALL
(SELECT h FROM health_big
 ORDER BY score(h) DESC, band(h) = 'red', band(h) = 'yellow', coverage(h) DESC,
		  coalesce(weakest_measure(h), '') COLLATE "C" DESC LIMIT 1);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT min(h), max(h), count(*) FROM health_big;
SELECT min(h), max(h), count(*) FROM health_big;
-- With the leader taking part too
RESET parallel_leader_participation;
SELECT min(h), max(h), count(*) FROM health_big;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- Hand check of the groups (k = i % 3 fixes the band): k = 0 (red): min at
-- 3000/6000/9000 (m4, m1, m5), max at 999/3999/6999/9999 (m5, m2, m6, m3);
-- k = 1 (yellow): min at 1000/4000/7000/10000 (m6, m3, none, m4), max at
-- 1999/4999/7999 (m4, m1, m5); k = 2 (green): min at 2000/5000/8000 (m5, m2,
-- m6), max at 2999/5999/8999 (m3, none, m4).
SELECT i % 3 AS k, min(h), max(h) FROM health_big GROUP BY 1 ORDER BY 1;
-- NULLs are skipped; no rows give NULL
SELECT min(h), max(h) FROM (VALUES (NULL::health), ('(5,red,1,)'), (NULL)) AS t(h);
SELECT min(h) IS NULL AS min_null, max(h) IS NULL AS max_null FROM health_big WHERE false;

--
-- Accessors and casts
--
SELECT h, score(h), band(h), coverage(h), weakest_measure(h),
	   weakest_measure(h) IS NULL AS no_weakest, h::double precision AS dbl, h::numeric AS num
FROM (VALUES (1, '(69.5,yellow,1,usage)'::health),
			 (2, '(100,green,1,)'),
			 (3, '(69.99999999999999,yellow,0.5,x)'),
			 (4, '(0,red,0,)')) AS t(n, h)
ORDER BY n;
-- The numeric cast keeps every digit (not rounded to 70)
SELECT '(69.99999999999999,yellow,1,)'::health::numeric < 70 AS below_70;
-- Both casts are explicit only
SELECT castsource::regtype, casttarget::regtype, castcontext, castmethod
FROM pg_cast WHERE castsource = 'retention.health'::regtype ORDER BY 2::text;
SELECT sqrt('(4,red,1,)'::health);

--
-- make_health
--
SELECT make_health(69.5, 'yellow', 1, 'usage'),
	   make_health(100, 'green'),
	   make_health(40, 'yellow', 0.5),
	   make_health(score => 0, band => 'red', coverage => 0, weakest_measure => NULL),
	   make_health(-0.0, 'red', -0.0, '');
SELECT make_health(69.5, 'yellow', 1, 'usage') = '(69.5,yellow,1,usage)' AS same_as_text;
SELECT make_health(NULL, 'red') IS NULL AS null_score,
	   make_health(1, NULL) IS NULL AS null_band,
	   make_health(1, 'red', NULL) IS NULL AS null_coverage;
SELECT make_health(50, 'Green');
SELECT make_health(50, 'blue');
SELECT make_health(100.00000000000001, 'green');
SELECT make_health(-1, 'red');
SELECT make_health('NaN', 'red');
SELECT make_health('Infinity', 'red');
SELECT make_health(50, 'red', 1.5);
SELECT make_health(50, 'red', '-Infinity');
SELECT make_health(50, 'red', 1, 'Usage');
SELECT make_health(50, 'red', 1, repeat('m', 64));

--
-- Binary I/O, through COPY BINARY
--
CREATE TABLE health_src (id int, h health);
INSERT INTO health_src VALUES
	(1, '(69.5,yellow,1,usage)'),
	(2, '(100,green,1,)'),
	(3, '(0,red,0,)'),
	(4, '(69.99999999999999,yellow,0.5,x)'),
	(5, '(5e-324,red,5e-324,)'),
	(6, '(33.333333333333336,green,0.30000000000000004,a_b_c)'),
	(7, ('(40,red,1,' || repeat('m', 63) || ')')::health),
	(8, NULL);
INSERT INTO health_src SELECT 100 + i, h FROM health_big;
COPY health_src TO '/tmp/retention_health_type.bin' (FORMAT binary);
CREATE TABLE health_dst (LIKE health_src);
COPY health_dst FROM '/tmp/retention_health_type.bin' (FORMAT binary);
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE s.h = d.h AND s.h::text = d.h::text
						  AND score(s.h) = score(d.h)
						  AND coverage(s.h) = coverage(d.h)) AS identical,
	   count(*) FILTER (WHERE s.h IS NULL AND d.h IS NULL) AS both_null
FROM health_src s JOIN health_dst d USING (id);
SELECT id, h FROM health_dst WHERE id < 100 ORDER BY id;

-- What send writes: version 1, band 2 (yellow), 69.5 and 1 as float8,
-- byte count 5, "usage"
SELECT health_send('(69.5,yellow,1,usage)');
SELECT health_send('(100,green,1,)');

-- Binary input is checked as strictly as text: write a bytea as one binary
-- COPY field, then read that field as a health value.
CREATE FUNCTION pg_temp.health_recv_error(msg bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text;
	det text;
	result text;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)',
				   msg, '/tmp/retention_health_type_recv.bin');
	CREATE TEMP TABLE health_one (h retention.health);
	BEGIN
		COPY health_one FROM '/tmp/retention_health_type_recv.bin' (FORMAT binary);
		SELECT h::text INTO result FROM health_one;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
		-- The detail of an encoding error names the database encoding
		result := st || CASE WHEN st = '22021' THEN '' ELSE ' ' || det END;
	END;
	DROP TABLE health_one;
	RETURN result;
END
$$;

-- Each message in hex: version, band, score (float8), coverage (float8),
-- byte count of the weakest measure (int4), its bytes.
SELECT n, pg_temp.health_recv_error(decode(hex, 'hex')) AS result
FROM (VALUES
	(1, replace('0102 4051600000000000 3ff0000000000000 00000005 7573616765', ' ', '')),
	(2, replace('0102 4051600000000000 3ff0000000000000 00000005 757361676500', ' ', '')),
	(3, replace('0103 4059000000000000 3ff0000000000000 00000000', ' ', '')),
	(4, replace('0102 8000000000000000 8000000000000000 00000000', ' ', '')),
	(5, replace('', ' ', '')),
	(6, replace('01034059000000000000', ' ', '')),
	(7, replace('0203 4059000000000000 3ff0000000000000 00000000', ' ', '')),
	(8, replace('0003 4059000000000000 3ff0000000000000 00000000', ' ', '')),
	(9, replace('0100 4059000000000000 3ff0000000000000 00000000', ' ', '')),
	(10, replace('0104 4059000000000000 3ff0000000000000 00000000', ' ', '')),
	(11, replace('0103 7ff8000000000000 3ff0000000000000 00000000', ' ', '')),
	(12, replace('0103 7ff0000000000000 3ff0000000000000 00000000', ' ', '')),
	(13, replace('0103 bff0000000000000 3ff0000000000000 00000000', ' ', '')),
	(14, replace('0103 4059000000000001 3ff0000000000000 00000000', ' ', '')),
	(15, replace('0103 4059000000000000 3ff0000000000001 00000000', ' ', '')),
	(16, replace('0103 4059000000000000 7ff8000000000000 00000000', ' ', '')),
	(17, replace('0103 4059000000000000 bff0000000000000 00000000', ' ', '')),
	(18, replace('0103 4059000000000000 3ff0000000000000 ffffffff', ' ', '')),
	(19, replace('0103 4059000000000000 3ff0000000000000 0000000a 7573616765', ' ', '')),
	(20, replace('0103 4059000000000000 3ff0000000000000 00000000 00', ' ', '')),
	(21, replace('0103 4059000000000000 3ff0000000000000 00000005 5573616765', ' ', '')),
	(22, replace('0103 4059000000000000 3ff0000000000000 00000005 7573006765', ' ', '')),
	(23, replace('0103 4059000000000000 3ff0000000000000 00000040' || repeat('6d', 64), ' ', '')),
	(24, replace('0103 4059000000000000 3ff0000000000000 0000003f' || repeat('6d', 63), ' ', '')),
	(25, replace('0103 4059000000000000 3ff0000000000000 00000002 c3a9', ' ', '')),
	(26, replace('0103 4059000000000000 3ff0000000000000 00000002 fffe', ' ', ''))
	) AS t(n, hex)
ORDER BY n;

DROP TABLE health_ord, health_ord2, health_big, health_src, health_dst;
