-- test/soak/mrr.sql: a product's MRR changes
SELECT soak.try_mrr(soak.any_product());
