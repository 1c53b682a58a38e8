-- test/soak/move.sql: a random move of a random product, legal or not
\set t random(1, 9)
SELECT soak.try_move(soak.any_product(),
	(ARRAY['onboarding', 'retention', 'retention', 'ineligible', 'ineligible', 'paused', 'paused', 'bogus', 'onboarding'])[:t],
	CASE WHEN random() < 0.7 THEN 'soak move' END);
