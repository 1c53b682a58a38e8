-- test/soak/enter.sql: a new product entering the lifecycle (hr has no
-- group; ineligible and paused are no entry stages)
\set k random(1, 4)
\set s random(1, 6)
SELECT soak.try_insert((ARRAY['crm', 'erp', 'bi', 'hr'])[:k],
	(ARRAY['onboarding', 'onboarding', 'retention', 'retention', 'ineligible', 'paused'])[:s]);
