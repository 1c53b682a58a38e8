-- test/soak/check.sql: what must hold after the soak.  Prints one row per
-- check: its name, and the number of violations (0 when it holds) with an
-- example of one.
\set ON_ERROR_STOP 1
\pset footer off

-- When each custom rule existed, at the widest: from the start of the
-- transaction that added it to the confirmation after the commit of the one
-- that removed it (NULL: still there).
CREATE TEMP TABLE rule_spans AS
SELECT a.from_stage, a.to_stage, a.started_at AS since,
	   (SELECT r.confirmed_at FROM soak.rule_log r
		 WHERE r.op = 'remove' AND r.from_stage IS NOT DISTINCT FROM a.from_stage
		   AND r.to_stage = a.to_stage AND r.id > a.id
		 ORDER BY r.id LIMIT 1) AS until
  FROM soak.rule_log a WHERE a.op = 'add';
CREATE INDEX ON rule_spans (to_stage, from_stage);

-- Each history row with its predecessor and the window in which its
-- transaction checked it (from the transaction's start, changed_at, to its
-- bookkeeping row, written after the move)
CREATE TEMP TABLE steps AS
SELECT h.id, h.product_id, h.from_stage, h.to_stage, h.reason, h.changed_at,
	   lag(h.to_stage) OVER w AS previous_stage,
	   row_number() OVER w AS n,
	   (SELECT max(m.done_at) FROM soak.moves_ok m
		 WHERE m.product_id = h.product_id AND m.to_stage = h.to_stage
		   AND m.started_at = h.changed_at) AS done_at
  FROM retention.stage_history h
WINDOW w AS (PARTITION BY h.product_id ORDER BY h.id);

CREATE TEMP TABLE results (check_name text, violations bigint, example text);

INSERT INTO results
SELECT 'history replays from the entry (chain of stages)', count(*), min(s.product_id || ': ' || coalesce(s.from_stage, 'NULL') || ' after ' || coalesce(s.previous_stage, 'nothing'))
  FROM steps s
 WHERE (s.n = 1 AND s.from_stage IS NOT NULL)
	OR (s.n > 1 AND s.from_stage IS DISTINCT FROM s.previous_stage);

INSERT INTO results
SELECT 'history ends in the current stage', count(*), min(p.id || ': ' || p.stage)
  FROM retention.products p
 WHERE p.stage IS DISTINCT FROM (SELECT h.to_stage FROM retention.stage_history h
								  WHERE h.product_id = p.id ORDER BY h.id DESC LIMIT 1);

INSERT INTO results
SELECT 'every move follows a rule that existed then', count(*),
	   min(s.product_id || ': ' || coalesce(s.from_stage, 'NULL') || ' -> ' || s.to_stage || ' at ' || s.changed_at)
  FROM steps s
 WHERE NOT EXISTS (SELECT FROM retention.transitions t WHERE t.builtin
					  AND t.from_stage IS NOT DISTINCT FROM s.from_stage AND t.to_stage = s.to_stage)
   AND NOT EXISTS (SELECT FROM rule_spans r
					WHERE r.from_stage IS NOT DISTINCT FROM s.from_stage AND r.to_stage = s.to_stage
					  AND r.since <= coalesce(s.done_at, 'infinity')
					  AND coalesce(r.until, 'infinity') >= s.changed_at);

INSERT INTO results
SELECT 'every move that needs a reason has one', count(*), min(s.product_id || ': ' || s.from_stage || ' -> ' || s.to_stage)
  FROM steps s JOIN retention.transitions t
	ON t.builtin AND t.reason_required AND t.from_stage = s.from_stage AND t.to_stage = s.to_stage
 WHERE s.reason IS NULL;

INSERT INTO results
SELECT 'history rows = successful moves (per product)', count(*), min(coalesce(h.product_id, m.product_id) || ': ' || coalesce(h.n, 0) || ' rows, ' || coalesce(m.n, 0) || ' moves')
  FROM (SELECT product_id, count(*) AS n FROM retention.stage_history GROUP BY 1) h
  FULL JOIN (SELECT product_id, count(*) AS n FROM soak.moves_ok GROUP BY 1) m USING (product_id)
 WHERE h.n IS DISTINCT FROM m.n;

INSERT INTO results
SELECT 'no product in a group of the wrong kind', count(*), min(p.id || ' (' || p.stage || ') in ' || coalesce(g.name || ' (' || g.kind || ')', 'no group'))
  FROM retention.products p LEFT JOIN retention.groups g ON g.id = p.group_id
 WHERE p.stage IN ('onboarding', 'retention') AND g.kind IS DISTINCT FROM p.stage;

INSERT INTO results
SELECT 'latest MRR history = current MRR', count(*), min(p.id || ': ' || p.mrr)
  FROM retention.products p
 WHERE p.mrr IS DISTINCT FROM (SELECT m.mrr FROM retention.mrr_history m WHERE m.product_id = p.id
								ORDER BY m.effective_at DESC, m.id DESC LIMIT 1);

-- Snapshots: every row against health_as_of at the end of its day, both
-- ways (a row too many, a row missing, a value that differs)
CREATE TEMP TABLE recomputed AS
SELECT d.as_of, h.product_id, h.health::text AS health, retention.score(h.health) AS score,
	   retention.band(h.health) AS band
  FROM (SELECT DISTINCT as_of FROM retention.health_snapshots) d,
	   LATERAL retention.health_as_of((d.as_of + 1)::timestamptz) h;
INSERT INTO results
SELECT 'every snapshot row matches a recomputation', count(*), min(coalesce(s.product_id, r.product_id) || ' on ' || coalesce(s.as_of, r.as_of))
  FROM (SELECT as_of, product_id, health::text AS health, score, band, overridden FROM retention.health_snapshots) s
  FULL JOIN recomputed r USING (as_of, product_id)
 WHERE s.health IS DISTINCT FROM r.health OR s.score IS DISTINCT FROM r.score
	OR s.band IS DISTINCT FROM r.band OR s.overridden OR s.as_of IS NULL OR r.as_of IS NULL;

INSERT INTO results
SELECT 'no unexpected refusal', count(*), min(what || ': ' || sqlstate) FROM soak.refused WHERE NOT expected;

SELECT check_name AS "check", violations, coalesce(example, '') AS example FROM results;
