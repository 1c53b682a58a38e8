# retention: PGXS build.  `make && sudo make install`, then CREATE EXTENSION retention.

EXTENSION = retention
MODULE_big = retention
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" retention.control)

# The C of every concern: src/common (shared infrastructure) and one folder
# per concern (src/lifecycle, src/health, ...).
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*/*.c)))
PG_CPPFLAGS = -I$(srcdir)/src

# The install script of the current version is built from the editable SQL
# of each concern, in dependency order: a concern's objects may use those of
# the concerns before it.
SQL_PIECES = \
	src/common/common.sql \
	src/lifecycle/lifecycle.sql \
	src/access/access.sql \
	src/health/health_type.sql \
	src/health/health_config.sql \
	src/health/health_time.sql \
	src/health/health_views.sql \
	src/cohorts/cohorts.sql \
	src/cohorts/cohort_views.sql \
	src/survival/survival.sql \
	src/survival/survival_model.sql \
	src/metrics/mrr.sql \
	src/metrics/opportunities.sql \
	src/metrics/survey.sql \
	src/metrics/feedback.sql \
	src/metrics/rates.sql \
	src/metrics/rates_views.sql \
	src/metrics/funnel.sql

DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
# Released install scripts and upgrade deltas: hand-written and frozen.
DATA = $(filter-out $(DATA_built), $(wildcard sql/$(EXTENSION)--*.sql))

# One pg_regress file per feature: every sql/*.sql that is not an install script.
REGRESS = $(sort $(basename $(notdir $(filter-out sql/$(EXTENSION)--%, $(wildcard sql/*.sql)))))
REGRESS_OPTS = --load-extension=plpgsql

ISOLATION = $(sort $(basename $(notdir $(wildcard test/isolation/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test/isolation

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(DATA_built): $(SQL_PIECES) retention.control
	cat $(SQL_PIECES) > $@

# Every suite against the server that PGHOST/PGPORT (and PGUSER) name, with
# the extension installed: pg_regress and isolation (installcheck), the pgTAP
# API contract (prove-pgtap) and the shell TAP tests (prove-tap).  .ci/test
# runs these same targets.
PGTAP_DB ?= retention_pgtap
.PHONY: test-all prove-pgtap prove-tap
test-all: installcheck prove-pgtap prove-tap

prove-pgtap:
	psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS $(PGTAP_DB)' -c 'CREATE DATABASE $(PGTAP_DB)'
	PGOPTIONS="-c client_min_messages=warning" \
		pg_prove --failures --comments -d $(PGTAP_DB) $(sort $(wildcard test/pgtap/*.sql))

prove-tap:
	prove --failures --comments --exec bash $(sort $(wildcard test/tap/*.sh))
