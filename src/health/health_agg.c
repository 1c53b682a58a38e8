/*-------------------------------------------------------------------------
 *
 * health_agg.c
 *	  The health aggregate: retention.health(measure, value, observed_at,
 *	  as_of [, scorecard]) computes a product's health from its observations
 *	  in one pass.
 *
 * The scorecard is looked up once per query (per function call site) in the
 * session's configuration cache and copied into the call site's fn_extra,
 * so a reload of the cache never leaves a state pointing at freed memory.
 * Each group's state holds, for each measure of its scorecard, just the two
 * figures its rollup needs (16 bytes), and points at the windows of its
 * as_of, computed once per call site: with 100,000 groups the states are
 * what falls out of the CPU's caches, so they are kept small.  A row costs a
 * name comparison (the last matching measure is tried first), two timestamp
 * comparisons and an addition or a comparison.
 *
 * The state is internal; it is serialized for parallel query with a format
 * version byte first, and the scorecard is named in it and resolved again on
 * deserialization.  Its fingerprint catches a worker that read different
 * configuration from the leader.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"

#include "common/retention.h"
#include "health/health.h"
#include "health/health_config.h"

#define HEALTH_AGG_STATE_VERSION	1

/* The scorecard every row uses in the 4-argument form */
#define DEFAULT_SCORECARD	"default"

/*
 * Running figures of one measure within a group, by rollup:
 *	count: n = rows in the window (NULL values too)
 *	avg, sum: n = values, v = their sum
 *	min, max: n = values, v = the smallest / largest
 *	last: n = observed_at of the latest value (NO_LAST if none), v = value
 */
typedef struct MeasureAcc
{
	double		v;
	int64		n;
} MeasureAcc;

#define NO_LAST		DT_NOBEGIN

/* Bytes of one MeasureAcc in the serialized state */
#define ACC_WIRE_SIZE	(2 * 8)

struct ResolvedCard;

/* A scorecard's windows for one as_of, shared by the states of a call site */
typedef struct CardWindows
{
	const struct ResolvedCard *rc;
	TimestampTz as_of;
	TimestampTz lower[FLEXIBLE_ARRAY_MEMBER];	/* as_of - window_length */
} CardWindows;

/* An entry of a card's table of windows, by as_of */
typedef struct CardWindowsEntry
{
	TimestampTz as_of;			/* the key */
	CardWindows *windows;
} CardWindowsEntry;

/*
 * A scorecard resolved for one call site.  Its windows are computed once per
 * as_of and kept in a hash table, so that a query with a different as_of per
 * group finds each in constant time.
 */
typedef struct ResolvedCard
{
	HealthScorecard *card;		/* copy in fn_mcxt */
	CardWindows *windows;		/* the last used */
	HTAB	   *by_as_of;		/* CardWindowsEntry; NULL until a second as_of */
	struct ResolvedCard *next;
} ResolvedCard;

/* fn_extra of each of our functions: the scorecards it has resolved */
typedef struct CallSiteCards
{
	ResolvedCard *list;
	ResolvedCard *last;			/* the last one found */
} CallSiteCards;

typedef struct HealthAggState
{
	const CardWindows *win;		/* card and as_of */
	int32		in_window;		/* has a row fallen inside a window? */
	int32		last_slot;		/* measure of the previous row */
	MeasureAcc	acc[FLEXIBLE_ARRAY_MEMBER]; /* one per measure of card */
} HealthAggState;

#define HealthAggStateSize(n) \
	(offsetof(HealthAggState, acc) + (n) * sizeof(MeasureAcc))
#define STATE_CARD(s)	((s)->win->rc->card)

/* Does this scorecard have this name? */
static inline bool
CardIsNamed(const HealthScorecard *card, const char *name, int namelen)
{
	return card->namelen == namelen && memcmp(card->name, name, namelen) == 0;
}

/* The scorecard by name, resolved once per call site */
static ResolvedCard *
ResolveCard(FunctionCallInfo fcinfo, const char *name, int namelen)
{
	CallSiteCards *site = (CallSiteCards *) fcinfo->flinfo->fn_extra;
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	const HealthScorecard *found;
	ResolvedCard *rc;

	if (site == NULL)
	{
		site = MemoryContextAllocZero(cxt, sizeof(CallSiteCards));
		fcinfo->flinfo->fn_extra = site;
	}
	if (site->last != NULL && CardIsNamed(site->last->card, name, namelen))
		return site->last;
	for (rc = site->list; rc != NULL; rc = rc->next)
		if (CardIsNamed(rc->card, name, namelen))
			return site->last = rc;

	found = FindScorecard(GetHealthConfig(), name, namelen);
	if (found == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scorecard \"%.*s\" does not exist", namelen, name),
				 errhint("The scorecards are the rows of retention.scorecards; a group whose scorecard is NULL uses \"default\".")));
	if (found->nmeasures == 0)
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_INVALID_CONFIG),
				 errmsg("scorecard \"%.*s\" has no measures", namelen, name),
				 errhint("Add its rows to retention.scorecard_measures.")));

	rc = MemoryContextAllocZero(cxt, sizeof(ResolvedCard));
	rc->card = CopyScorecard(found, cxt);
	rc->next = site->list;
	site->list = rc;
	return site->last = rc;
}

/* The card's windows for as_of, computed once per as_of and call site */
static const CardWindows *
CardWindowsFor(ResolvedCard *rc, TimestampTz as_of, MemoryContext cxt)
{
	CardWindows *w;
	CardWindowsEntry *entry;
	int			i;

	if (rc->windows != NULL && rc->windows->as_of == as_of)
		return rc->windows;
	if (rc->by_as_of != NULL &&
		(entry = hash_search(rc->by_as_of, &as_of, HASH_FIND, NULL)) != NULL)
		return rc->windows = entry->windows;

	if (TIMESTAMP_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("as_of must be finite"),
				 errhint("Score as of a real moment, such as now().")));
	w = MemoryContextAlloc(cxt, offsetof(CardWindows, lower) +
						   sizeof(TimestampTz) * rc->card->nmeasures);
	w->rc = rc;
	w->as_of = as_of;
	for (i = 0; i < rc->card->nmeasures; i++)
		w->lower[i] = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
															  TimestampTzGetDatum(as_of),
															  PointerGetDatum(&rc->card->measures[i].window)));

	/* a second as_of: from now on, keep them all in a table */
	if (rc->by_as_of == NULL && rc->windows != NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(TimestampTz);
		ctl.entrysize = sizeof(CardWindowsEntry);
		ctl.hcxt = cxt;
		rc->by_as_of = hash_create("retention health windows", 256, &ctl,
								   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		entry = hash_search(rc->by_as_of, &rc->windows->as_of, HASH_ENTER, NULL);
		entry->windows = rc->windows;
	}
	if (rc->by_as_of != NULL)
	{
		entry = hash_search(rc->by_as_of, &as_of, HASH_ENTER, NULL);
		entry->windows = w;
	}
	return rc->windows = w;
}

/* A new, empty state for a group, in cxt */
static HealthAggState *
NewState(MemoryContext cxt, FunctionCallInfo fcinfo, ResolvedCard *rc, TimestampTz as_of)
{
	int			n = rc->card->nmeasures;
	HealthAggState *state;
	int			i;

	state = MemoryContextAllocZero(cxt, HealthAggStateSize(n));
	state->win = (rc->windows && rc->windows->as_of == as_of) ? rc->windows :
		CardWindowsFor(rc, as_of, fcinfo->flinfo->fn_mcxt);
	for (i = 0; i < n; i++)
		if (rc->card->measures[i].rollup == HEALTH_ROLLUP_LAST)
			state->acc[i].n = NO_LAST;
	return state;
}

/* Raise the error for rows of one group with different as_of */
static void
AsOfMismatch(TimestampTz a, TimestampTz b)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("as_of must be the same for every row of a group"),
			 errdetail("The group has rows with as_of %s and %s.",
					   pstrdup(timestamptz_to_str(a)), pstrdup(timestamptz_to_str(b))),
			 errhint("Compute as_of once for the whole query, for example as a constant or a parameter.")));
}

/* Raise the error for rows of one group with different scorecards */
static void
CardMismatch(const HealthScorecard *card, const char *name, int namelen)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("scorecard must be the same for every row of a group"),
			 errdetail("The group has rows with scorecards \"%s\" and \"%.*s\".",
					   card->name, namelen, name),
			 errhint("Group by the product, whose group decides its scorecard.")));
}

/* Slot of the measure named by the text, or -1 if the scorecard lacks it */
static inline int
FindSlot(HealthAggState *state, const text *measure)
{
	const HealthScorecard *card = STATE_CARD(state);
	const char *name = VARDATA_ANY(measure);
	int			namelen = VARSIZE_ANY_EXHDR(measure);
	const HealthCardMeasure *m = &card->measures[state->last_slot];
	int			i;

	if (m->namelen == namelen && memcmp(m->name, name, namelen) == 0)
		return state->last_slot;
	for (i = 0; i < card->nmeasures; i++)
	{
		m = &card->measures[i];
		if (m->namelen == namelen && memcmp(m->name, name, namelen) == 0)
			return state->last_slot = i;
	}
	return -1;
}

/* Add one non-NULL value observed at "at" */
static inline void
AddValue(MeasureAcc *acc, HealthRollup rollup, double value, TimestampTz at)
{
	switch (rollup)
	{
		case HEALTH_ROLLUP_AVG:
		case HEALTH_ROLLUP_SUM:
			/* An overflowing sum is reported by the final function */
			acc->v += value;
			acc->n++;
			break;
		case HEALTH_ROLLUP_MIN:
			if (acc->n++ == 0 || value < acc->v)
				acc->v = value;
			break;
		case HEALTH_ROLLUP_MAX:
			if (acc->n++ == 0 || value > acc->v)
				acc->v = value;
			break;
		case HEALTH_ROLLUP_LAST:
			if (at > acc->n || (at == acc->n && value > acc->v))
			{
				acc->n = at;
				acc->v = value;
			}
			break;
		case HEALTH_ROLLUP_COUNT:
			break;
	}
}

/* The transition step shared by the 4- and 5-argument forms */
static Datum
HealthAccum(FunctionCallInfo fcinfo, bool card_arg)
{
	MemoryContext aggcxt;
	HealthAggState *state;
	TimestampTz as_of;
	TimestampTz observed_at;
	MeasureAcc *acc;
	HealthRollup rollup;
	int			slot;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "health_agg_accum called in non-aggregate context");

	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("as_of must not be null"),
				 errhint("Give the moment the health is computed for, such as now().")));
	if (card_arg && PG_ARGISNULL(5))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("scorecard must not be null"),
				 errhint("Use coalesce(scorecard, 'default') for groups that name no scorecard.")));
	as_of = PG_GETARG_TIMESTAMPTZ(4);
	state = PG_ARGISNULL(0) ? NULL : (HealthAggState *) PG_GETARG_POINTER(0);

	if (state == NULL)
	{
		ResolvedCard *rc;

		if (card_arg)
		{
			text	   *name = PG_GETARG_TEXT_PP(5);

			rc = ResolveCard(fcinfo, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
		}
		else
			rc = ResolveCard(fcinfo, DEFAULT_SCORECARD, strlen(DEFAULT_SCORECARD));
		state = NewState(aggcxt, fcinfo, rc, as_of);
	}
	else
	{
		if (as_of != state->win->as_of)
			AsOfMismatch(state->win->as_of, as_of);
		if (card_arg)
		{
			text	   *name = PG_GETARG_TEXT_PP(5);

			if (!CardIsNamed(STATE_CARD(state), VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name)))
				CardMismatch(STATE_CARD(state), VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
		}
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(state);
	slot = FindSlot(state, PG_GETARG_TEXT_PP(1));
	if (slot < 0)
		PG_RETURN_POINTER(state);

	acc = &state->acc[slot];
	observed_at = PG_GETARG_TIMESTAMPTZ(3);
	if (observed_at <= state->win->lower[slot] || observed_at > state->win->as_of)
		PG_RETURN_POINTER(state);

	state->in_window = true;
	rollup = STATE_CARD(state)->measures[slot].rollup;
	if (rollup == HEALTH_ROLLUP_COUNT)
		acc->n++;
	else if (!PG_ARGISNULL(2))
	{
		double		value = PG_GETARG_FLOAT8(2);

		if (unlikely(!isfinite(value) || fabs(value) > HEALTH_VALUE_MAX))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("observation %g of measure \"%s\" is out of range",
							value, STATE_CARD(state)->measures[slot].name),
					 errdetail("Observed values are finite and between -1e12 and 1e12.")));
		AddValue(acc, rollup, value, observed_at);
	}
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(health_agg_accum);

/* Transition function of health(measure, value, observed_at, as_of) */
Datum
health_agg_accum(PG_FUNCTION_ARGS)
{
	return HealthAccum(fcinfo, false);
}

PG_FUNCTION_INFO_V1(health_agg_accum_card);

/* Transition function of health(measure, value, observed_at, as_of, card) */
Datum
health_agg_accum_card(PG_FUNCTION_ARGS)
{
	return HealthAccum(fcinfo, true);
}

/* Merge the figures of "from" into "into" */
static void
MergeAcc(MeasureAcc *into, const MeasureAcc *from, HealthRollup rollup)
{
	switch (rollup)
	{
		case HEALTH_ROLLUP_COUNT:
			into->n += from->n;
			break;
		case HEALTH_ROLLUP_AVG:
		case HEALTH_ROLLUP_SUM:
			into->n += from->n;
			into->v += from->v;
			break;
		case HEALTH_ROLLUP_MIN:
			if (from->n > 0 && (into->n == 0 || from->v < into->v))
				into->v = from->v;
			into->n += from->n;
			break;
		case HEALTH_ROLLUP_MAX:
			if (from->n > 0 && (into->n == 0 || from->v > into->v))
				into->v = from->v;
			into->n += from->n;
			break;
		case HEALTH_ROLLUP_LAST:
			if (from->n > into->n || (from->n == into->n && from->v > into->v))
				*into = *from;
			break;
	}
}

PG_FUNCTION_INFO_V1(health_agg_combine);

/*
 * Combine two partial states.  The first is changed in place (it lives in
 * the aggregate context); the second is never changed, and is copied into
 * the aggregate context when the first is NULL.
 */
Datum
health_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	HealthAggState *s1;
	HealthAggState *s2;
	int			i;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "health_agg_combine called in non-aggregate context");

	s1 = PG_ARGISNULL(0) ? NULL : (HealthAggState *) PG_GETARG_POINTER(0);
	s2 = PG_ARGISNULL(1) ? NULL : (HealthAggState *) PG_GETARG_POINTER(1);
	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
	{
		Size		size = HealthAggStateSize(STATE_CARD(s2)->nmeasures);

		s1 = MemoryContextAlloc(aggcxt, size);
		memcpy(s1, s2, size);
		PG_RETURN_POINTER(s1);
	}

	if (s1->win->as_of != s2->win->as_of)
		AsOfMismatch(s1->win->as_of, s2->win->as_of);
	if (!CardIsNamed(STATE_CARD(s1), STATE_CARD(s2)->name, STATE_CARD(s2)->namelen))
		CardMismatch(STATE_CARD(s1), STATE_CARD(s2)->name, STATE_CARD(s2)->namelen);
	if (STATE_CARD(s1)->fingerprint != STATE_CARD(s2)->fingerprint ||
		STATE_CARD(s1)->nmeasures != STATE_CARD(s2)->nmeasures)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("scorecard \"%s\" changed while the query ran", STATE_CARD(s1)->name),
				 errhint("Run the query again.")));

	s1->in_window |= s2->in_window;
	for (i = 0; i < STATE_CARD(s1)->nmeasures; i++)
		MergeAcc(&s1->acc[i], &s2->acc[i], STATE_CARD(s1)->measures[i].rollup);
	PG_RETURN_POINTER(s1);
}

PG_FUNCTION_INFO_V1(health_agg_serialize);

/*
 * Serialize a state: version byte, in_window byte, scorecard name (int16
 * length and bytes), fingerprint, as_of, measure count, then per measure
 * nrows, nvalues, sum, min, max, last_at, last_value.
 */
Datum
health_agg_serialize(PG_FUNCTION_ARGS)
{
	HealthAggState *state;
	StringInfoData buf;
	int			i;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "health_agg_serialize called in non-aggregate context");
	state = (HealthAggState *) PG_GETARG_POINTER(0);

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, HEALTH_AGG_STATE_VERSION);
	pq_sendbyte(&buf, state->in_window ? 1 : 0);
	pq_sendint16(&buf, STATE_CARD(state)->namelen);
	pq_sendbytes(&buf, STATE_CARD(state)->name, STATE_CARD(state)->namelen);
	pq_sendint32(&buf, STATE_CARD(state)->fingerprint);
	pq_sendint64(&buf, state->win->as_of);
	pq_sendint16(&buf, STATE_CARD(state)->nmeasures);
	for (i = 0; i < STATE_CARD(state)->nmeasures; i++)
	{
		pq_sendint64(&buf, state->acc[i].n);
		pq_sendfloat8(&buf, state->acc[i].v);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Raise the error for a serialized state that cannot be read */
static void
BadState(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid health aggregate state"),
			 errdetail("%s", detail)));
}

PG_FUNCTION_INFO_V1(health_agg_deserialize);

/* Read a serialized state back, resolving its scorecard again by name */
Datum
health_agg_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes;
	StringInfoData buf;
	HealthAggState *state;
	ResolvedCard *rc;
	const char *name;
	int			namelen;
	int			in_window;
	uint32		fingerprint;
	TimestampTz as_of;
	int			n;
	int			i;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "health_agg_deserialize called in non-aggregate context");
	bytes = PG_GETARG_BYTEA_PP(0);
	buf.data = VARDATA_ANY(bytes);
	buf.len = VARSIZE_ANY_EXHDR(bytes);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	if (buf.len < 4)
		BadState("The state is too short.");
	if (pq_getmsgbyte(&buf) != HEALTH_AGG_STATE_VERSION)
		BadState(psprintf("Format version %d is not supported.", (uint8) buf.data[0]));
	in_window = pq_getmsgbyte(&buf);
	namelen = pq_getmsgint(&buf, 2);
	if (in_window > 1 || namelen < 1 || namelen > HEALTH_MEASURE_NAME_MAX ||
		buf.len < 4 + namelen + 4 + 8 + 2)
		BadState("The state's header is malformed.");
	name = pq_getmsgbytes(&buf, namelen);
	fingerprint = pq_getmsgint(&buf, 4);
	as_of = pq_getmsgint64(&buf);
	n = pq_getmsgint(&buf, 2);
	if (buf.len - buf.cursor != n * ACC_WIRE_SIZE)
		BadState(psprintf("The state has %d bytes of figures for %d measures.",
						  buf.len - buf.cursor, n));

	rc = ResolveCard(fcinfo, name, namelen);
	if (rc->card->fingerprint != fingerprint || rc->card->nmeasures != n)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("scorecard \"%.*s\" changed while the query ran", namelen, name),
				 errhint("Run the query again.")));

	state = NewState(CurrentMemoryContext, fcinfo, rc, as_of);
	state->in_window = (in_window == 1);
	for (i = 0; i < n; i++)
	{
		MeasureAcc *acc = &state->acc[i];

		acc->n = pq_getmsgint64(&buf);
		acc->v = pq_getmsgfloat8(&buf);
		if (rc->card->measures[i].rollup != HEALTH_ROLLUP_LAST && acc->n < 0)
			BadState("A measure has a negative count.");
	}
	PG_RETURN_POINTER(state);
}

/* The rolled-up value of a measure; false if it has no data */
static bool
RollupValue(const HealthCardMeasure *m, const MeasureAcc *acc, double *value)
{
	switch (m->rollup)
	{
		case HEALTH_ROLLUP_COUNT:
			*value = (double) acc->n;
			return true;
		case HEALTH_ROLLUP_LAST:
			if (acc->n == NO_LAST)
				return false;
			*value = acc->v;
			return true;
		case HEALTH_ROLLUP_AVG:
			if (acc->n == 0)
				return false;
			*value = acc->v / (double) acc->n;
			break;
		default:
			if (acc->n == 0)
				return false;
			*value = acc->v;
			break;
	}
	if (!isfinite(*value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value out of range: overflow"),
				 errdetail("The sum of measure \"%s\" does not fit in double precision.",
						   m->name)));
	return true;
}

PG_FUNCTION_INFO_V1(health_agg_final);

/*
 * Final function: score = sum(w * s) / sum(w) over the measures with data,
 * coverage = sum(w with data) / sum(w), weakest = the measure costing the
 * most (w * (100 - s), first by name on a tie, none if nothing costs), band
 * from the scorecard's edges.  NULL if no row fell in any window or no
 * measure has data.
 */
Datum
health_agg_final(PG_FUNCTION_ARGS)
{
	HealthAggState *state;
	const HealthScorecard *card;
	double		weighted = 0;
	double		with_data = 0;
	double		worst_cost = 0;
	int			worst = -1;
	double		score;
	double		coverage;
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (HealthAggState *) PG_GETARG_POINTER(0);
	card = STATE_CARD(state);
	if (!state->in_window)
		PG_RETURN_NULL();

	for (i = 0; i < card->nmeasures; i++)
	{
		const HealthCardMeasure *m = &card->measures[i];
		double		value;
		double		sub;
		double		cost;

		if (!RollupValue(m, &state->acc[i], &value))
			continue;
		sub = HealthSubScore(m, value);
		weighted += m->weight * sub;
		with_data += m->weight;
		cost = m->weight * (100 - sub);
		if (cost > worst_cost)
		{
			worst_cost = cost;
			worst = i;
		}
	}
	if (with_data == 0)
		PG_RETURN_NULL();

	score = Min(Max(weighted / with_data, 0), 100);
	coverage = Min(with_data / card->total_weight, 1);
	PG_RETURN_HEALTH_P(MakeHealth(score, HealthBandForScore(card, score), coverage,
								  worst >= 0 ? card->measures[worst].name : NULL));
}
