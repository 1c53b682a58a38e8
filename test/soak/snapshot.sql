-- test/soak/snapshot.sql: a health snapshot of a past day (2 to 40 days ago)
\set d random(2, 40)
SELECT soak.try_snapshot(:d);
