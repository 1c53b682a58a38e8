-- test/soak/hand.sql: a rep hands a product to another group, of the right
-- kind or not
\set g random(1, 5)
SELECT soak.try_hand(soak.any_product(), (ARRAY['ob_a', 'ob_b', 'rt_a', 'rt_b', 'flip'])[:g]);
