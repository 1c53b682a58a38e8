-- test/tap/upgrade_data.sql: data of every kind, written under the oldest
-- release, that test/tap/upgrade.sh then updates and checks.
SET client_min_messages = warning;
INSERT INTO retention.reps (name, role_name) VALUES ('Up Grade', 'upgrade_rep');
INSERT INTO retention.groups (name, kind, product_types)
	VALUES ('Up onboarding', 'onboarding', '{widget}');
INSERT INTO retention.groups (name, kind, product_types, rep_id)
	SELECT 'Up accounts', 'retention', '{widget}', id FROM retention.reps;
INSERT INTO retention.deals (id, customer, name, amount, closed_on)
	VALUES (1, 'Acme', 'Acme 2025', 1000, '2025-01-01');
INSERT INTO retention.products (id, deal_id, product_type, mrr)
	SELECT g, 1, 'widget', 100 FROM generate_series(1, 3) g;
UPDATE retention.products SET stage = 'retention' WHERE id IN (1, 2);
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'churned' WHERE id = 2;
INSERT INTO retention.stages (name, description) VALUES ('paused', 'on hold');
INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('retention', 'paused');
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at)
	VALUES ('logins', 'sum', '14 days', 0, 50);
INSERT INTO retention.observations (product_id, measure, observed_at, value)
	VALUES (1, 'usage', now() - interval '1 day', 10), (1, 'logins', now(), 5);
SELECT retention.snapshot_health(current_date - 1);
SELECT retention.override_health(3, 80, 'sponsor', now() + interval '1 day');
CREATE TABLE public.subs (sub_id text PRIMARY KEY, status text NOT NULL, why text);
SELECT retention.enforce_stages('public.subs', 'status', 'sub_id', 'why');
INSERT INTO public.subs VALUES ('S-1', 'onboarding');
CREATE TABLE public.accounts (id integer PRIMARY KEY, st text NOT NULL);
SELECT retention.enforce_stages('public.accounts', 'st', 'id');
INSERT INTO public.accounts VALUES (3, 'retention');
