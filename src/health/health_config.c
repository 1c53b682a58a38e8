/*-------------------------------------------------------------------------
 *
 * health_config.c
 *	  Load the health configuration (scorecards, their measures and
 *	  weights) once per session and keep it until one of its tables changes.
 *
 * The health aggregate must not query the configuration per row or per
 * group, so it is read here with SPI, as the owner of the tables, and kept
 * in a memory context of its own; config_cache.c keeps it, as it keeps the
 * lifecycle rules, until one of its tables changes.
 *
 * Like every configuration cache it is current from each command on: a
 * change committed by another session counts from the next statement, even
 * in a transaction that already holds its locks (see config_cache.c).
 *
 * The write-time triggers of the install script refuse bad configuration;
 * the loader checks again what the scoring relies on, so that a row written
 * with triggers disabled gives an error instead of a wrong score.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "common/retention.h"
#include "common/config_cache.h"
#include "common/run_as_owner.h"
#include "health/health_config.h"

static void *LoadHealthConfig(MemoryContext cxt, Oid owner);

/* The configuration, read from these tables (the first one's owner reads) */
static ConfigCache health_config_cache = {
	.name = "retention health config",
	.tables = {"scorecards", "measures", "scorecard_measures", NULL},
	.load = LoadHealthConfig,
};

/* Columns of the loading query */
enum
{
	COL_CARD = 1,
	COL_RED,
	COL_YELLOW,
	COL_DROP,
	COL_MEASURE,
	COL_ROLLUP,
	COL_WINDOW,
	COL_ZERO,
	COL_FULL,
	COL_WEIGHT
};

/* Register the invalidation callback; called once from _PG_init */
void
HealthConfigInit(void)
{
	ConfigCacheRegister(&health_config_cache);
}

/* Raise the error for a configuration row the scoring cannot use */
static void
BadConfig(const char *card, const char *measure, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_RETENTION_INVALID_CONFIG),
			 measure ?
			 errmsg("invalid health configuration for measure \"%s\" of scorecard \"%s\"",
					measure, card) :
			 errmsg("invalid health configuration for scorecard \"%s\"", card),
			 errdetail("%s", problem),
			 errhint("Correct the row; the configuration tables' triggers must stay enabled.")));
}

/* A double column that must not be null */
static double
GetFloat(HeapTuple row, TupleDesc desc, int col, const char *card,
		 const char *measure)
{
	bool		isnull;
	Datum		value = SPI_getbinval(row, desc, col, &isnull);

	if (isnull)
		BadConfig(card, measure, psprintf("Column \"%s\" is null.",
										  SPI_fname(desc, col)));
	return DatumGetFloat8(value);
}

/* Copy a name into a fixed buffer, refusing one that does not fit */
static int
CopyName(char *dest, const char *name, const char *card)
{
	size_t		len = strlen(name);

	if (len > HEALTH_MEASURE_NAME_MAX)
		BadConfig(card, NULL, psprintf("The name \"%s\" is longer than %d bytes.",
									   name, HEALTH_MEASURE_NAME_MAX));
	memcpy(dest, name, len + 1);
	return (int) len;
}

/* The rollup of a name */
static HealthRollup
ParseRollup(const char *rollup, const char *card, const char *measure)
{
	static const char *const names[] = {"avg", "sum", "count", "last", "min", "max"};
	int			i;

	for (i = 0; rollup != NULL && i < (int) lengthof(names); i++)
		if (strcmp(rollup, names[i]) == 0)
			return (HealthRollup) i;
	BadConfig(card, measure, psprintf("The rollup \"%s\" is not one of avg, sum, count, last, min and max.",
									  rollup ? rollup : "(null)"));
	return HEALTH_ROLLUP_AVG;	/* keep compiler quiet */
}

/* Fill one measure of a scorecard from a row of the loading query */
static void
LoadMeasure(HealthCardMeasure *m, HeapTuple row, TupleDesc desc,
			const char *card, const char *measure)
{
	bool		isnull;
	Datum		window;

	m->namelen = CopyName(m->name, measure, card);
	m->rollup = ParseRollup(TextAttribute(row, desc, COL_ROLLUP), card, measure);
	window = SPI_getbinval(row, desc, COL_WINDOW, &isnull);
	if (isnull)
		BadConfig(card, measure, "The measure does not exist or has no window.");
	m->window = *DatumGetIntervalP(window);
	m->zero_at = GetFloat(row, desc, COL_ZERO, card, measure);
	m->full_at = GetFloat(row, desc, COL_FULL, card, measure);
	m->weight = GetFloat(row, desc, COL_WEIGHT, card, measure);

	if (m->window.month < 0 || m->window.day < 0 || m->window.time < 0 ||
		(m->window.month == 0 && m->window.day == 0 && m->window.time == 0))
		BadConfig(card, measure, "The window must be positive.");
	if (!isfinite(m->zero_at) || !isfinite(m->full_at) || m->zero_at == m->full_at)
		BadConfig(card, measure, "zero_at and full_at must be finite and different.");
	if (!isfinite(m->weight) || m->weight <= 0)
		BadConfig(card, measure, "The weight must be positive.");
}

/* Hash of everything a scorecard scores with */
static uint32
Fingerprint(const HealthScorecard *card)
{
	uint32		h = hash_bytes((const unsigned char *) card->name, card->namelen);
	int			i;

	h = hash_combine(h, hash_bytes((const unsigned char *) &card->red_below,
								   sizeof(double) * 4));
	h = hash_combine(h, (uint32) card->nmeasures);
	for (i = 0; i < card->nmeasures; i++)
	{
		const HealthCardMeasure *m = &card->measures[i];

		h = hash_combine(h, hash_bytes((const unsigned char *) m->name, m->namelen));
		h = hash_combine(h, (uint32) m->rollup);
		h = hash_combine(h, hash_bytes((const unsigned char *) &m->window,
									   sizeof(Interval)));
		h = hash_combine(h, hash_bytes((const unsigned char *) &m->zero_at,
									   sizeof(double) * 3));
	}
	return h;
}

/* Build scorecard number "first" (rows first..end-1 of the result) */
static HealthScorecard *
LoadScorecard(MemoryContext cxt, uint64 first, uint64 end)
{
	TupleDesc	desc = SPI_tuptable->tupdesc;
	HeapTuple	head = SPI_tuptable->vals[first];
	char	   *name = TextAttribute(head, desc, COL_CARD);
	bool		empty = TextAttribute(head, desc, COL_MEASURE) == NULL;
	int			n = empty ? 0 : (int) (end - first);
	HealthScorecard *card = MemoryContextAllocZero(cxt, HealthScorecardSize(n));
	int			i;

	card->namelen = CopyName(card->name, name, name);
	card->red_below = GetFloat(head, desc, COL_RED, name, NULL);
	card->yellow_below = GetFloat(head, desc, COL_YELLOW, name, NULL);
	card->alert_drop = GetFloat(head, desc, COL_DROP, name, NULL);
	if (!(card->red_below >= 0 && card->red_below <= card->yellow_below &&
		  card->yellow_below <= 100))
		BadConfig(name, NULL, "The band edges must satisfy 0 <= red_below <= yellow_below <= 100.");

	card->nmeasures = n;
	for (i = 0; i < n; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[first + i];

		LoadMeasure(&card->measures[i], row, desc, name,
					TextAttribute(row, desc, COL_MEASURE));
		card->total_weight += card->measures[i].weight;
	}
	card->fingerprint = Fingerprint(card);
	return card;
}

/* Read the scorecards and their measures into a new HealthConfig */
static void *
LoadHealthConfig(MemoryContext cxt, Oid owner)
{
	HealthConfig *config = MemoryContextAllocZero(cxt, sizeof(HealthConfig));
	OwnerScope	scope;
	uint64		first;
	uint64		i;
	int			ret;

	config->owner = owner;

	/* Read as the tables' owner: the cache is shared by every role */
	BeginAsOwner(owner, &scope);

	ret = SPI_execute("SELECT c.name, c.red_below, c.yellow_below, c.alert_drop,"
					  " sm.measure, m.rollup, m.window_length, m.zero_at, m.full_at,"
					  " sm.weight"
					  " FROM retention.scorecards c"
					  " LEFT JOIN retention.scorecard_measures sm"
					  "   ON sm.scorecard OPERATOR(pg_catalog.=) c.name"
					  " LEFT JOIN retention.measures m"
					  "   ON m.name OPERATOR(pg_catalog.=) sm.measure"
					  " ORDER BY c.name COLLATE pg_catalog.\"C\" USING OPERATOR(pg_catalog.<),"
					  " sm.measure COLLATE pg_catalog.\"C\" USING OPERATOR(pg_catalog.<)",
					  true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read the health configuration: %s",
			 SPI_result_code_string(ret));

	/* One scorecard per run of rows with the same name */
	config->cards = MemoryContextAllocZero(cxt, sizeof(HealthScorecard *) *
										   Max(SPI_processed, 1));
	first = 0;
	for (i = 1; i <= SPI_processed; i++)
	{
		if (i < SPI_processed &&
			strcmp(TextAttribute(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, COL_CARD),
				   TextAttribute(SPI_tuptable->vals[first], SPI_tuptable->tupdesc, COL_CARD)) == 0)
			continue;
		config->cards[config->ncards++] = LoadScorecard(cxt, first, i);
		first = i;
	}

	EndAsOwner(&scope);

	return config;
}

/*
 * Return the current configuration, reloading it if an invalidation came
 * since the last load (or the load is one transaction's own).
 */
HealthConfig *
GetHealthConfig(void)
{
	return (HealthConfig *) ConfigCacheGet(&health_config_cache);
}

/* The scorecard with this name, by binary search, or NULL */
const HealthScorecard *
FindScorecard(HealthConfig *config, const char *name, int namelen)
{
	int			lo = 0;
	int			hi = config->ncards - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		const HealthScorecard *card = config->cards[mid];
		int			cmp = memcmp(card->name, name, Min(card->namelen, namelen));

		if (cmp == 0)
			cmp = card->namelen - namelen;
		if (cmp == 0)
			return card;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* A copy of a scorecard in cxt, safe from later reloads of the cache */
HealthScorecard *
CopyScorecard(const HealthScorecard *card, MemoryContext cxt)
{
	Size		size = HealthScorecardSize(card->nmeasures);
	HealthScorecard *copy = MemoryContextAlloc(cxt, size);

	memcpy(copy, card, size);
	return copy;
}

/*
 * A measure's sub-score: clamp(100 * (v - zero_at) / (full_at - zero_at),
 * 0, 100).  Computed in that order so that round inputs give exact scores.
 * When full_at - zero_at overflows, the halves of the operands are used.
 */
double
HealthSubScore(const HealthCardMeasure *measure, double value)
{
	double		span = measure->full_at - measure->zero_at;
	double		score;

	if (isfinite(span))
		score = 100.0 * (value - measure->zero_at) / span;
	else
		score = 100.0 * (value / 2 - measure->zero_at / 2) /
			(measure->full_at / 2 - measure->zero_at / 2);

	if (!(score > 0))
		return 0;
	if (score > 100)
		return 100;
	return score;
}

/* The band of a score on a scorecard's edges */
int
HealthBandForScore(const HealthScorecard *card, double score)
{
	if (score < card->red_below)
		return HEALTH_BAND_RED;
	if (score < card->yellow_below)
		return HEALTH_BAND_YELLOW;
	return HEALTH_BAND_GREEN;
}
