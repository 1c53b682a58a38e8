-- test/soak/recycle.sql: a product in retention recycled to onboarding
SELECT soak.try_move(p.id, 'onboarding', 'more training')
  FROM retention.products p TABLESAMPLE SYSTEM (10)
 WHERE p.stage = 'retention' LIMIT 1;
