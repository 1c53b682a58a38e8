-- test/soak/figures.sql: what the soak did
\pset footer off
SELECT what, n FROM (
	SELECT 1 AS o, 'moves and entries made' AS what, count(*) AS n FROM soak.moves_ok
	UNION ALL SELECT 2, 'of which recycles', count(*) FROM soak.moves_ok WHERE from_stage = 'retention' AND to_stage = 'onboarding'
	UNION ALL SELECT 3, 'refused as expected', count(*) FROM soak.refused WHERE expected
	UNION ALL SELECT 4, 'no-op moves (to the stage it was in)', count(*) FROM soak.counts WHERE what = 'no-op moves'
	UNION ALL SELECT 5, 'deadlocks and serialization failures caught', count(*) FROM soak.retried
	UNION ALL SELECT 6, 'rule changes', count(*) FROM soak.rule_log
	UNION ALL SELECT 7, 'products', count(*) FROM retention.products
	UNION ALL SELECT 8, 'MRR history rows', count(*) FROM retention.mrr_history
	UNION ALL SELECT 9, 'observations', count(*) FROM retention.observations
	UNION ALL SELECT 10, 'snapshot rows', count(*) FROM retention.health_snapshots
	UNION ALL SELECT 11, c.what, count(*) FROM soak.counts c WHERE c.what <> 'no-op moves' GROUP BY c.what
) f ORDER BY o;
SELECT what, sqlstate, count(*) AS n FROM soak.refused GROUP BY 1, 2 ORDER BY 1, 2;
SELECT what, sqlstate, count(*) AS n FROM soak.retried GROUP BY 1, 2 ORDER BY 1, 2;
