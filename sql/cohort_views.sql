--
-- Cohort views over the model: product_cohorts (still a customer at the end
-- of each month), usage_cohorts and cohort_table (active = an observation of
-- a measure).  Products entered retention in January and February 2025
-- (history imported with its real dates); every count is worked out by hand.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

INSERT INTO retention.reps (name, role_name) VALUES ('Rita', 'cv_rita'), ('Ravi', 'cv_ravi');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('ret-crm', 'retention', '{crm}', 1), ('ret-erp', 'retention', '{erp}', 2);
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Acme', 'Acme', '2025-01-01');
-- products 1-3, 5 crm; 4, 6 erp; all entering retention now
INSERT INTO retention.products (deal_id, product_type, stage)
SELECT 1, t, 'retention' FROM unnest('{crm,crm,crm,erp,crm,erp}'::text[]) WITH ORDINALITY u (t, n) ORDER BY n;
-- their past, imported with its dates: 1-4 entered in January 2025, 5-6 in
-- February; 3 left on March 10 (still a customer at the end of February),
-- 4 on January 20 (gone by the end of its first month)
INSERT INTO retention.stage_history (table_name, product_id, row_key, from_stage, to_stage, reason, changed_at) VALUES
	('retention.products', 1, '1', NULL, 'retention', NULL, '2025-01-15'),
	('retention.products', 2, '2', NULL, 'retention', NULL, '2025-01-31 23:00'),
	('retention.products', 3, '3', NULL, 'retention', NULL, '2025-01-02'),
	('retention.products', 3, '3', 'retention', 'ineligible', 'churned', '2025-03-10'),
	('retention.products', 4, '4', NULL, 'retention', NULL, '2025-01-05'),
	('retention.products', 4, '4', 'retention', 'ineligible', 'churned', '2025-01-20'),
	('retention.products', 5, '5', NULL, 'retention', NULL, '2025-02-03'),
	('retention.products', 6, '6', NULL, 'retention', NULL, '2025-02-28 12:00');

SELECT product_id, group_name, product_type, entered_at, left_at
  FROM retention.product_cohort_members ORDER BY product_id;

-- January (1-4): month 1: 1, 2, 3 = 3; months 2, 3: 1, 2 = 2.
-- February (5, 6): 2 in every month.  Average: month 1 (3 + 2) / 6,
-- month 2 (2 + 2) / 6.
SELECT cohort_month, month_number, cohort_size, retained, rate
  FROM retention.product_cohorts
 WHERE breakdown = 'all' AND month_number <= 3
 ORDER BY cohort_month NULLS LAST, month_number;
-- per group and type: January crm (1-3) month 2: 1, 2; erp (4): 0
SELECT cohort_month, group_name, product_type, month_number, cohort_size, retained, rate
  FROM retention.product_cohorts
 WHERE breakdown = 'group and type' AND month_number IN (1, 2)
 ORDER BY cohort_month NULLS LAST, group_name, month_number;
-- cells of months that have not ended are unknown, never 0
SELECT bool_and((retained IS NULL) = (cohort_month + (month_number + 1) * interval '1 month' > now()))
	   AS unknown_exactly_while_not_ended
  FROM retention.product_cohorts WHERE cohort_month IS NOT NULL;

-- usage: 1 in February and April, 2 in March, 5 in March
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES
	(1, 'usage', '2025-02-10', 5), (1, 'usage', '2025-04-01', 5),
	(2, 'usage', '2025-03-05', 5), (5, 'usage', '2025-03-01', 5);
-- as of 2025-06-01.  January classic: 1: 1 (1); 2: 1 (2); 3: 1 (1).
-- February classic: 1: 1 (5); 2: 0; 3: 0 (May has ended).
-- January rolling: 1: 1, 2 = 2; 2: 2; 3: 1 = 1.
SELECT * FROM retention.cohort_table('classic', 'month', 3, 'usage', '2025-06-01');
SELECT * FROM retention.cohort_table('rolling', 'month', 3, as_of => '2025-06-01');
-- as of 2025-04-15 March has ended for January (its month 2), not April
SELECT * FROM retention.cohort_table('return', 'month', 3, 'usage', '2025-04-15');
-- usage_cohorts (as of now): the same months
SELECT kind, cohort_month, month_number, cohort_size, retained, rate
  FROM retention.usage_cohorts WHERE month_number <= 3 ORDER BY kind, cohort_month NULLS LAST, month_number;
-- bad arguments
SELECT * FROM retention.cohort_table('sometimes', 'month', 3);
SELECT * FROM retention.cohort_table('classic', 'fortnight', 3);

DROP EXTENSION retention CASCADE;
