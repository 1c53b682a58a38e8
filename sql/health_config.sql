-- Health configuration: measures, scorecards and their measures; seeded
-- defaults, refusal of bad configuration when it is written, and the
-- session cache seeing every change at the next statement.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
SET timezone = 'UTC';
\set SHOW_CONTEXT never

-- The defaults
SELECT name, rollup, window_length, zero_at, full_at, builtin
  FROM retention.measures ORDER BY name;
SELECT name, red_below, yellow_below, alert_drop, builtin
  FROM retention.scorecards ORDER BY name;
SELECT scorecard, measure, weight, builtin
  FROM retention.scorecard_measures ORDER BY scorecard, measure;
SELECT column_name, data_type FROM information_schema.columns
 WHERE table_schema = 'retention' AND table_name = 'groups' AND column_name = 'scorecard';

-- A changed built-in row becomes the user's (pg_dump keeps it); inserting a
-- row over a built-in one, as a restore does, updates it and keeps the
-- scorecard's measures
UPDATE retention.measures SET window_length = '14 days' WHERE name = 'usage';
INSERT INTO retention.scorecards (name, red_below, yellow_below, alert_drop, description)
	VALUES ('default', 30, 60, 5, 'restored');
SELECT name, red_below, yellow_below, alert_drop, description, builtin
  FROM retention.scorecards ORDER BY name;
SELECT name, window_length, builtin FROM retention.measures ORDER BY name;
SELECT scorecard, measure, weight, builtin
  FROM retention.scorecard_measures ORDER BY scorecard, measure;
UPDATE retention.scorecards SET red_below = 40, yellow_below = 70, alert_drop = 10 WHERE name = 'default';
UPDATE retention.measures SET window_length = '30 days' WHERE name = 'usage';

-- Runs a statement and any deferred checks; says what happened
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text
	LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
BEGIN
	EXECUTE stmt;
	SET CONSTRAINTS ALL IMMEDIATE;
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ': ' || msg;
END
$$;

-- Bad configuration is refused with RT005, naming the row
SELECT pg_temp.try($$UPDATE retention.scorecard_measures SET weight = -1 WHERE scorecard = 'default' AND measure = 'usage'$$);
SELECT pg_temp.try($$UPDATE retention.scorecard_measures SET weight = 0 WHERE scorecard = 'default' AND measure = 'usage'$$);
SELECT pg_temp.try($$UPDATE retention.scorecard_measures SET weight = 'NaN' WHERE scorecard = 'default' AND measure = 'usage'$$);
SELECT pg_temp.try($$UPDATE retention.scorecard_measures SET weight = 'Infinity' WHERE scorecard = 'default' AND measure = 'usage'$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'sum', '7 days', 5, 5)$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'median', '7 days', 0, 5)$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'sum', '0', 0, 5)$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'sum', '-1 day', 0, 5)$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'sum', '1 month -29 days', 0, 5)$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'sum', '7 days', 0, 'Infinity')$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('Logins', 'sum', '7 days', 0, 5)$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('7logins', 'sum', '7 days', 0, 5)$$);
SELECT pg_temp.try($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES (repeat('x', 64), 'sum', '7 days', 0, 5)$$);
SELECT pg_temp.try($$UPDATE retention.measures SET full_at = 0 WHERE name = 'usage'$$);
SELECT pg_temp.try($$INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES ('strict', 80, 60)$$);
SELECT pg_temp.try($$INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES ('strict', -1, 60)$$);
SELECT pg_temp.try($$INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES ('strict', 40, 101)$$);
SELECT pg_temp.try($$INSERT INTO retention.scorecards (name, alert_drop) VALUES ('strict', -5)$$);
SELECT pg_temp.try($$INSERT INTO retention.scorecards (name) VALUES ('Strict card')$$);
SELECT pg_temp.try($$UPDATE retention.scorecards SET yellow_below = 30 WHERE name = 'default'$$);
-- Built-in rows cannot be renamed; a measure in use cannot be deleted
SELECT pg_temp.try($$DELETE FROM retention.measures WHERE name = 'happiness'$$);
SELECT pg_temp.try($$UPDATE retention.measures SET name = 'mood' WHERE name = 'happiness'$$);
SELECT pg_temp.try($$DELETE FROM retention.scorecards WHERE name = 'default'$$);
SELECT pg_temp.try($$UPDATE retention.scorecards SET name = 'standard' WHERE name = 'default'$$);
-- A built-in weight may be deleted (here undone); the deletion is recorded
BEGIN;
SELECT pg_temp.try($$DELETE FROM retention.scorecard_measures WHERE scorecard = 'default' AND measure = 'happiness'$$);
SELECT table_name, key FROM retention.config_deletions;
ROLLBACK;
-- A scorecard naming a measure that does not exist (checked at commit)
SELECT pg_temp.try($$INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES ('default', 'nope', 1)$$);
-- A group naming a scorecard that does not exist
SELECT pg_temp.try($$INSERT INTO retention.groups (name, kind, scorecard) VALUES ('g', 'onboarding', 'nope')$$);

-- An empty scorecard is refused when its transaction commits
\set VERBOSITY default
BEGIN;
INSERT INTO retention.scorecards (name) VALUES ('empty');
SELECT count(*) FROM retention.scorecards WHERE name = 'empty';
COMMIT;
SELECT count(*) FROM retention.scorecards WHERE name = 'empty';
-- ... except while restoring a dump (pg_dump and pg_restore turn
-- check_function_bodies off), since a restore commits scorecards before
-- their measures
SET check_function_bodies = off;
INSERT INTO retention.scorecards (name) VALUES ('restoring');
RESET check_function_bodies;
DELETE FROM retention.scorecards WHERE name = 'restoring';
-- The messages carry details and hints
UPDATE retention.scorecard_measures SET weight = 0 WHERE scorecard = 'default' AND measure = 'usage';
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'sum', '7 days', 5, 5);
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'median', '7 days', 0, 5);
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('logins', 'sum', '-2 hours', 0, 5);
INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES ('strict', 80, 60);

-- Good configuration: a scorecard and its measures in one transaction
BEGIN;
INSERT INTO retention.scorecards (name, red_below, yellow_below, description)
	VALUES ('enterprise', 50, 80, 'large accounts');
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at)
	VALUES ('logins', 'sum', '7 days', 0, 50);
INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES
	('enterprise', 'logins', 2), ('enterprise', 'usage', 1);
COMMIT;
SELECT scorecard, measure, weight, builtin
  FROM retention.scorecard_measures ORDER BY scorecard, measure;
-- Removing every measure of a scorecard is refused at commit
BEGIN;
DELETE FROM retention.scorecard_measures WHERE scorecard = 'enterprise';
COMMIT;
SELECT count(*) FROM retention.scorecard_measures WHERE scorecard = 'enterprise';
-- ... but deleting the scorecard takes its measures with it
SELECT pg_temp.try($$DELETE FROM retention.scorecards WHERE name = 'enterprise'$$);
SELECT count(*) FROM retention.scorecard_measures WHERE scorecard = 'enterprise';
-- Edges may meet (no yellow band)
SELECT pg_temp.try($$UPDATE retention.scorecards SET red_below = 60, yellow_below = 60 WHERE name = 'default'$$);
UPDATE retention.scorecards SET red_below = 40, yellow_below = 70 WHERE name = 'default';

-- Privileges: reps and analysts read, only admins write
SET ROLE retention_rep;
SELECT count(*) FROM retention.measures;
SELECT pg_temp.try($$UPDATE retention.measures SET full_at = 10 WHERE name = 'usage'$$);
RESET ROLE;
SET ROLE retention_analyst;
SELECT count(*) FROM retention.scorecard_measures;
SELECT pg_temp.try($$INSERT INTO retention.scorecards (name) VALUES ('mine')$$);
RESET ROLE;
SET ROLE retention_admin;
SELECT pg_temp.try($$UPDATE retention.scorecards SET alert_drop = 15 WHERE name = 'default'$$);
SELECT pg_temp.try($$UPDATE retention.measures SET full_at = 0 WHERE name = 'usage'$$);
RESET ROLE;

-- The session's cache sees every change at the next statement: usage 10
-- scores 50 with full_at 20, 100 with full_at 10
CREATE TEMP TABLE obs (measure text, value float8, observed_at timestamptz);
INSERT INTO obs VALUES ('usage', 10, '2024-06-20'), ('happiness', 5, '2024-06-20');
-- usage 50, happiness 50, no tickets (100): (2500 + 1500 + 2000) / 100 = 60
SELECT retention.health(measure, value, observed_at, '2024-07-01') FROM obs;
UPDATE retention.measures SET full_at = 10 WHERE name = 'usage';
-- usage 100: (5000 + 1500 + 2000) / 100 = 85
SELECT retention.health(measure, value, observed_at, '2024-07-01') FROM obs;
BEGIN;
UPDATE retention.scorecard_measures SET weight = 150 WHERE scorecard = 'default' AND measure = 'happiness';
-- happiness weighs 150: (150 * 50 + 50 * 100 + 20 * 100) / 220 = 65.909...,
-- inside the transaction
SELECT retention.health(measure, value, observed_at, '2024-07-01') FROM obs;
ROLLBACK;
-- back to 85 after the rollback
SELECT retention.health(measure, value, observed_at, '2024-07-01') FROM obs;
UPDATE retention.scorecards SET red_below = 90, yellow_below = 95 WHERE name = 'default';
-- 85 is now red
SELECT retention.health(measure, value, observed_at, '2024-07-01') FROM obs;
-- a new scorecard is usable at once
BEGIN;
INSERT INTO retention.scorecards (name) VALUES ('happy_only');
INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES ('happy_only', 'happiness', 1);
COMMIT;
SELECT retention.health(measure, value, observed_at, '2024-07-01', 'happy_only') FROM obs;
-- a shorter window drops the observation: usage of 2024-06-20 is outside
-- the day before 2024-07-01
UPDATE retention.measures SET window_length = '1 day' WHERE name = 'usage';
-- no usage: (1500 + 2000) / 50 = 70, coverage 0.5, red below 90
SELECT retention.health(measure, value, observed_at, '2024-07-01') FROM obs;
