-- test/soak/admin.sql: an administrator changes the configuration: group
-- "flip" changes kind, product type erp changes groups, a rule of stage
-- "paused" comes or goes
\set a random(1, 3)
\if :a = 1
SELECT soak.try_flip();
\elif :a = 2
SELECT soak.swap_types();
\else
SELECT soak.toggle_rule();
SELECT soak.confirm_rule();
\endif
