-- metrics_mrr: the MRR history trigger (retention.mrr_guard) refuses what it
-- must, and changes nothing when it does: back-dating by a non-administrator,
-- a date in the future or before the latest recorded change, writes to the
-- append-only history, out-of-range MRR.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS mm_rep;
RESET client_min_messages;
CREATE EXTENSION retention;
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

-- the SQLSTATE and message of a statement, or ok
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

CREATE ROLE mm_rep LOGIN IN ROLE retention_rep;
INSERT INTO retention.reps (name, role_name) VALUES ('Mia', 'mm_rep');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES ('ret', 'retention', '{crm}', 1);
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Acme', 'a', '2025-01-01');
-- product 1: 100 from 2025-01-10, 150 from 2025-02-15 (an administrator's import)
INSERT INTO retention.products (deal_id, product_type, stage, stage_entered_at, mrr, mrr_since)
	VALUES (1, 'crm', 'retention', '2025-01-10', 100, '2025-01-10');
UPDATE retention.products SET mrr = 150, mrr_since = '2025-02-15' WHERE id = 1;
CREATE TEMP VIEW state AS
	SELECT (SELECT mrr || ' since ' || mrr_since FROM retention.products WHERE id = 1) AS product,
		   (SELECT string_agg(mrr || ' from ' || effective_at, ', ' ORDER BY id) FROM retention.mrr_history) AS history;
GRANT SELECT ON state TO mm_rep;
SELECT * FROM state;

-- A date in the future: 22023, nothing changes
SELECT pg_temp.try($$UPDATE retention.products SET mrr = 200, mrr_since = now() + interval '1 day' WHERE id = 1$$);
SELECT pg_temp.try($$INSERT INTO retention.products (deal_id, product_type, mrr, mrr_since)
	VALUES (1, 'crm', 5, now() + interval '1 second')$$);
-- Before the latest recorded change (2025-02-15): 22023
SELECT pg_temp.try($$UPDATE retention.products SET mrr = 200, mrr_since = '2025-02-14 23:59:59' WHERE id = 1$$);
-- Setting mrr_since to the time of the current MRR cannot be told from not
-- setting it: the change is not dated by the statement and takes effect now
SELECT pg_temp.try($$UPDATE retention.products SET mrr = 160, mrr_since = '2025-02-15' WHERE id = 1$$);
SELECT mrr, effective_at > now() - interval '1 hour' AS dated_now FROM retention.mrr_history ORDER BY id;
-- so an earlier date is refused from now on
SELECT pg_temp.try($$UPDATE retention.products SET mrr_since = '2025-03-01' WHERE id = 1$$);

-- Out-of-range MRR: negative (the check constraint, 23514), too large for
-- numeric(14,2) (22003), NaN (which passes mrr >= 0: the trigger, 22023);
-- nothing written
SELECT pg_temp.try($$UPDATE retention.products SET mrr = -1 WHERE id = 1$$);
SELECT pg_temp.try($$UPDATE retention.products SET mrr = 1e12 WHERE id = 1$$);
SELECT pg_temp.try($$UPDATE retention.products SET mrr = 'NaN' WHERE id = 1$$);
SELECT pg_temp.try($$INSERT INTO retention.products (deal_id, product_type, mrr) VALUES (1, 'crm', 'NaN')$$);
SELECT pg_temp.try($$UPDATE retention.products SET mrr = 'Infinity' WHERE id = 1$$);
SELECT count(*) AS products, (SELECT count(*) FROM retention.mrr_history) AS history_rows FROM retention.products;

-- The history is append-only, for its owner too (RT004)
SELECT pg_temp.try($$UPDATE retention.mrr_history SET mrr = 1$$);
SELECT pg_temp.try($$DELETE FROM retention.mrr_history$$);
SELECT pg_temp.try($$TRUNCATE retention.mrr_history$$);
SELECT count(*) AS history_rows FROM retention.mrr_history;

-- A rep given the right to change MRR (not granted by the extension) may
-- change it now, but not back-date it: 42501; nor write the history himself
GRANT UPDATE (mrr, mrr_since) ON retention.products TO mm_rep;
SET ROLE mm_rep;
SELECT pg_temp.try($$UPDATE retention.products SET mrr = 170, mrr_since = '2025-04-01' WHERE id = 1$$);
SELECT pg_temp.try($$INSERT INTO retention.mrr_history (product_id, mrr, effective_at) VALUES (1, 1, '2025-04-01')$$);
SELECT count(*) AS history_rows FROM retention.mrr_history;
SELECT pg_temp.try($$UPDATE retention.products SET mrr = 170 WHERE id = 1$$);
SELECT mrr, effective_at > now() - interval '1 hour' AS dated_now, changed_by = session_user AS by_session_user
  FROM retention.mrr_history ORDER BY id DESC LIMIT 1;
RESET ROLE;
SELECT count(*) AS history_rows FROM retention.mrr_history;

DROP EXTENSION retention CASCADE;
DROP ROLE mm_rep;
