-- test/soak/observe.sql: an observation of a product's health, now
\set m random(1, 3)
INSERT INTO retention.observations (product_id, measure, observed_at, value)
SELECT soak.any_product(), (ARRAY['usage', 'happiness', 'support_tickets'])[:m], clock_timestamp(),
	   floor(random() * 11);
