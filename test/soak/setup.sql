-- test/soak/setup.sql: the soak's database (run by test/soak/run in a fresh
-- database holding the extension).  The soak's own bookkeeping lives in
-- schema soak; every counter row is written in the transaction of what it
-- counts, so that a rolled-back move is not counted.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE SCHEMA soak;

-- Every successful move, in the move's transaction: from, to, and the
-- interval in which the trigger checked it (transaction start .. after it).
CREATE TABLE soak.moves_ok (
	product_id bigint NOT NULL,
	from_stage text,
	to_stage text NOT NULL,
	started_at timestamptz NOT NULL,
	done_at timestamptz NOT NULL
);
CREATE INDEX ON soak.moves_ok (product_id, started_at);
-- Every attempt the extension refused, with its SQLSTATE and what was tried.
CREATE TABLE soak.refused (
	what text NOT NULL,
	sqlstate text NOT NULL,
	expected boolean NOT NULL
);
-- Deadlocks and serialization failures caught (and so resolved) in the scripts.
CREATE TABLE soak.retried (what text NOT NULL, sqlstate text NOT NULL);
-- The custom rules the admin adds and removes: when each was added (at the
-- latest: the start of the transaction that added it) and removed (at the
-- earliest: the transaction start; confirmed_at, written after the commit,
-- bounds when the removal became visible).
CREATE TABLE soak.rule_log (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	from_stage text,
	to_stage text NOT NULL,
	op text NOT NULL CHECK (op IN ('add', 'remove')),
	started_at timestamptz NOT NULL,
	confirmed_at timestamptz,
	backend int NOT NULL DEFAULT pg_backend_pid()
);
CREATE INDEX ON soak.rule_log (to_stage, from_stage, id);
-- Other things done, one row each (no counter row that every client would
-- have to lock)
CREATE TABLE soak.counts (what text NOT NULL);

-- The people and the groups.  Types: crm and erp go to the "a" groups, bi
-- to the "b" groups; group "flip" takes no type and changes kind now and
-- then, so that products handed into it race with its changes of kind.
INSERT INTO retention.reps (name, role_name) VALUES
	('Rita', 'soak_rita'), ('Sam', 'soak_sam'), ('Tom', 'soak_tom');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('ob_a', 'onboarding', '{crm,erp}', NULL),
	('ob_b', 'onboarding', '{bi}', NULL),
	('rt_a', 'retention', '{crm,erp}', 1),
	('rt_b', 'retention', '{bi}', 2),
	('flip', 'onboarding', '{}', 3);

-- A stage of the company's own, whose rules the admin adds and removes.
INSERT INTO retention.stages (name, description) VALUES ('paused', 'on hold (soak)');

INSERT INTO retention.deals (customer, name, amount, closed_on)
SELECT 'customer ' || i, 'deal ' || i, 1000 + i, DATE '2025-01-01' + i
  FROM generate_series(1, 100) i;
INSERT INTO retention.products (deal_id, product_type, mrr, stage)
SELECT 1 + (i % 100), (ARRAY['crm', 'erp', 'bi'])[1 + i % 3], 100 + i,
	   CASE WHEN i % 4 = 0 THEN 'retention' ELSE 'onboarding' END
  FROM generate_series(1, 300) i;
INSERT INTO soak.moves_ok
SELECT product_id, from_stage, to_stage, changed_at, changed_at FROM retention.stage_history;

-- Observations of the past (two to forty days ago): the snapshots of those
-- days are final, whatever the soak writes (it observes the present).
SELECT setseed(0.12);
INSERT INTO retention.observations (product_id, measure, observed_at, value)
SELECT p, m, date_trunc('day', now()) - d * interval '1 day' + (p % 20) * interval '1 hour',
	   CASE m WHEN 'usage' THEN floor(random() * 30) WHEN 'happiness' THEN floor(random() * 11)
			  ELSE NULL END
  FROM generate_series(1, 300) p, generate_series(2, 40) d,
	   unnest(ARRAY['usage', 'happiness', 'support_tickets']) m
 WHERE random() < 0.3;

-- The soak's actions.  Each catches the refusals the extension is expected
-- to give (and counts them), and lets any other error through: pgbench 15
-- then aborts the client and the run fails.

-- Count a refusal; true if its SQLSTATE is one of those expected
CREATE FUNCTION soak.refuse(what text, state text, expected text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF state = ANY (expected) THEN
		INSERT INTO soak.refused VALUES (what, state, true);
	ELSIF state IN ('40P01', '40001') THEN
		INSERT INTO soak.retried VALUES (what, state);
	ELSE
		RAISE EXCEPTION 'soak: % failed with unexpected SQLSTATE %', what, state;
	END IF;
END $$;

-- A move of a product to a stage, with or without a reason
CREATE FUNCTION soak.try_move(product bigint, target text, why text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	moved_from text;
	state text;
BEGIN
	BEGIN
		-- A move to the stage the product is in is no move, and writes no
		-- history.  The stage it is in is read under the row lock the move
		-- takes anyway, so no other client's move can come between: looking
		-- for a history row of now() afterwards took another transaction's,
		-- begun in the same microsecond, for this one's.
		SELECT p.stage INTO moved_from FROM retention.products p WHERE p.id = product FOR UPDATE;
		PERFORM retention.move(product, target, why);
		IF moved_from IS DISTINCT FROM target THEN
			INSERT INTO soak.moves_ok VALUES (product, moved_from, target, now(), clock_timestamp());
		ELSE
			INSERT INTO soak.counts VALUES ('no-op moves');
		END IF;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
		-- RT001 illegal, RT002 no reason, RT003 no group, 23503 no such stage
		PERFORM soak.refuse('move to ' || target, state, '{RT001,RT002,RT003,23503}');
	END;
END $$;

-- A new product entering the lifecycle in a stage (some stages refuse entry)
CREATE FUNCTION soak.try_insert(kind text, entry text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	id bigint;
	state text;
BEGIN
	BEGIN
		INSERT INTO retention.products (deal_id, product_type, mrr, stage)
		VALUES (1 + floor(random() * 100)::int, kind, round((random() * 500)::numeric, 2), entry)
		RETURNING products.id INTO id;
		INSERT INTO soak.moves_ok VALUES (id, NULL, entry, now(), clock_timestamp());
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
		PERFORM soak.refuse('enter ' || entry, state, '{RT001,RT003,23503}');
	END;
END $$;

-- A rep hands a product to a group (refused when the kind is wrong)
CREATE FUNCTION soak.try_hand(product bigint, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	state text;
BEGIN
	BEGIN
		UPDATE retention.products p SET group_id = g.id
		  FROM retention.groups g WHERE g.name = target AND p.id = product;
		INSERT INTO soak.counts VALUES ('hand-overs');
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
		PERFORM soak.refuse('hand to ' || target, state, '{RT003}');
	END;
END $$;

-- The admin turns group "flip" into the other kind (refused while it holds
-- products); first, some of its products are placed again by type.
CREATE FUNCTION soak.try_flip() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	state text;
BEGIN
	BEGIN
		IF random() < 0.5 THEN
			UPDATE retention.products p SET group_id = NULL
			  FROM retention.groups g WHERE g.name = 'flip' AND p.group_id = g.id;
		END IF;
		UPDATE retention.groups
		   SET kind = CASE kind WHEN 'onboarding' THEN 'retention' ELSE 'onboarding' END
		 WHERE name = 'flip';
		INSERT INTO soak.counts VALUES ('kind changes of group flip');
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
		-- RT003: it holds products (or one of them found no group)
		PERFORM soak.refuse('flip', state, '{RT003}');
	END;
END $$;

-- The admin swaps product type erp between the "a" and "b" groups of a kind
CREATE FUNCTION soak.swap_types() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	k text := CASE WHEN random() < 0.5 THEN 'onboarding' ELSE 'retention' END;
	state text;
BEGIN
	BEGIN
		UPDATE retention.groups
		   SET product_types = CASE WHEN 'erp' = ANY (product_types)
									THEN array_remove(product_types, 'erp')
									ELSE product_types || '{erp}' END
		 WHERE kind = k AND name IN ('ob_a', 'ob_b', 'rt_a', 'rt_b');
		INSERT INTO soak.counts VALUES ('moves of product type erp');
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
		PERFORM soak.refuse('swap types', state, '{}');
	END;
END $$;

-- The admin adds or removes one of the rules of stage "paused"
CREATE FUNCTION soak.toggle_rule() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	f text;
	t text;
	state text;
BEGIN
	IF random() < 0.5 THEN f := 'retention'; t := 'paused'; ELSE f := 'paused'; t := 'retention'; END IF;
	BEGIN
		-- one admin at a time, so that the log's order is the rules' order
		PERFORM pg_advisory_xact_lock(4711);
		IF EXISTS (SELECT FROM retention.transitions WHERE from_stage = f AND to_stage = t) THEN
			DELETE FROM retention.transitions WHERE from_stage = f AND to_stage = t;
			INSERT INTO soak.rule_log (from_stage, to_stage, op, started_at) VALUES (f, t, 'remove', now());
		ELSE
			INSERT INTO retention.transitions (from_stage, to_stage) VALUES (f, t);
			INSERT INTO soak.rule_log (from_stage, to_stage, op, started_at) VALUES (f, t, 'add', now());
		END IF;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
		PERFORM soak.refuse('toggle rule', state, '{}');
	END;
END $$;

-- After the commit of toggle_rule: the change is visible by now
CREATE FUNCTION soak.confirm_rule() RETURNS void
LANGUAGE sql AS $$
	UPDATE soak.rule_log SET confirmed_at = clock_timestamp()
	 WHERE backend = pg_backend_pid() AND confirmed_at IS NULL;
$$;

-- An MRR change
CREATE FUNCTION soak.try_mrr(product bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	state text;
BEGIN
	BEGIN
		UPDATE retention.products SET mrr = round((random() * 900)::numeric, 2) WHERE id = product;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
		PERFORM soak.refuse('mrr', state, '{}');
	END;
END $$;

-- A health snapshot of a past day (final: nothing observes it any more)
CREATE FUNCTION soak.try_snapshot(days_ago int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	state text;
BEGIN
	BEGIN
		PERFORM retention.snapshot_health(current_date - days_ago);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
		PERFORM soak.refuse('snapshot', state, '{}');
	END;
END $$;

-- A random product among those of the soak so far
-- (failed inserts leave gaps in the ids)
CREATE FUNCTION soak.any_product() RETURNS bigint
LANGUAGE sql AS $$
	SELECT p.id FROM retention.products p
	 WHERE p.id >= 1 + floor(random() * (SELECT max(id) FROM retention.products))::bigint
	 ORDER BY p.id LIMIT 1
$$;
