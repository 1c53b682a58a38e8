# retention: PGXS build.  `make && sudo make install`, then CREATE EXTENSION retention.

EXTENSION = retention
MODULE_big = retention
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# Released install scripts and upgrade deltas, all kept in sql/ beside the
# pg_regress inputs.
DATA = $(wildcard sql/retention--*.sql)

# One pg_regress file per feature: every sql/*.sql that is not an install script.
REGRESS = $(sort $(basename $(notdir $(filter-out sql/retention--%, $(wildcard sql/*.sql)))))
REGRESS_OPTS = --load-extension=plpgsql

ISOLATION = $(sort $(basename $(notdir $(wildcard test/isolation/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test/isolation

PG_CPPFLAGS = -I$(srcdir)/src
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# pgTAP files (test/pgtap/*.sql), run with pg_prove against the server that
# PGHOST/PGPORT/PGDATABASE name.
.PHONY: prove
prove:
	pg_prove --ext .sql -r test/pgtap
