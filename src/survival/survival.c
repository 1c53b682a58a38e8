/*-------------------------------------------------------------------------
 *
 * survival.c
 *	  The survival aggregate, retention.survival(duration, event), and its
 *	  merge: the state is the retention.survival type itself, so that
 *	  partial states travel between parallel workers and Citus nodes in the
 *	  type's own exact form, and combine is the merge of two maps.
 *
 * During aggregation the state is an expanded object in the aggregate
 * context: the sorted map (durations, event and censoring counts) and a
 * buffer of entries not merged yet.  A row whose duration is in the map
 * costs a binary search and an increment; a new duration is appended to the
 * buffer, which is sorted and merged into the map once it is as large as
 * the map (at least 1,024 entries), so that even when nearly every duration
 * is distinct a row costs O(log n) amortized instead of an insertion into
 * the middle of an array.  PostgreSQL flattens the object (the buffer
 * merged first) whenever it stores, sends or outputs the value.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "survival/survival.h"

/* An entry not merged into the map yet */
typedef struct PendingEntry
{
	double		t;
	int64		events;
	int64		censored;
} PendingEntry;

typedef struct ExpandedSurvival
{
	ExpandedObjectHeader hdr;
	int32		n;				/* entries in the map */
	double	   *times;			/* strictly increasing */
	int64	   *events;
	int64	   *censored;
	int32		npending;		/* entries in the buffer */
	int32		pcap;			/* its allocated size */
	PendingEntry *pending;
	int64		subjects;		/* total of all counts */
} ExpandedSurvival;

/* The buffer is merged once it holds this many entries, or as many as the map */
#define PENDING_MIN_MERGE	1024

#define ST_SORT SortPending
#define ST_ELEMENT_TYPE PendingEntry
#define ST_COMPARE(a, b) ((a)->t < (b)->t ? -1 : ((a)->t > (b)->t ? 1 : 0))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

static Size ES_get_flat_size(ExpandedObjectHeader *eohptr);
static void ES_flatten_into(ExpandedObjectHeader *eohptr, void *result,
							Size allocated_size);

static const ExpandedObjectMethods ES_methods =
{
	ES_get_flat_size,
	ES_flatten_into
};

/* Raise the error for more subjects than an int64 counts */
static void
SurvivalTooManySubjects(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("survival value counts more than %lld subjects",
					(long long) PG_INT64_MAX)));
}

/* A new expanded value in its own context under parent, holding flat (or nothing) */
static ExpandedSurvival *
ExpandSurvival(const SurvivalData *flat, MemoryContext parent)
{
	MemoryContext objcxt;
	ExpandedSurvival *es;
	int32		n = flat ? flat->n : 0;

	objcxt = AllocSetContextCreate(parent, "expanded survival",
								   ALLOCSET_START_SMALL_SIZES);
	es = MemoryContextAllocZero(objcxt, sizeof(ExpandedSurvival));
	EOH_init_header(&es->hdr, &ES_methods, objcxt);
	es->n = n;
	es->times = MemoryContextAlloc(objcxt, Max(n, 1) * sizeof(double));
	es->events = MemoryContextAlloc(objcxt, Max(n, 1) * sizeof(int64));
	es->censored = MemoryContextAlloc(objcxt, Max(n, 1) * sizeof(int64));
	if (n > 0)
	{
		memcpy(es->times, SURV_TIMES(flat), n * sizeof(double));
		memcpy(es->events, SURV_EVENTS(flat), n * sizeof(int64));
		memcpy(es->censored, SURV_CENSORED(flat), n * sizeof(int64));
		es->subjects = SurvivalSubjects(flat);
	}
	es->pcap = 8;
	es->pending = MemoryContextAlloc(objcxt, es->pcap * sizeof(PendingEntry));
	return es;
}

/*
 * Merge the map of es with the m sorted entries (t, ev, ce) of strictly
 * increasing durations into a new map
 */
static void
MergeIntoMap(ExpandedSurvival *es, int32 m, const double *t, const int64 *ev,
			 const int64 *ce, size_t stride)
{
	MemoryContext cxt = es->hdr.eoh_context;
	int64		maxn = (int64) es->n + m;
	double	   *nt;
	int64	   *ne;
	int64	   *nc;
	int32		i = 0,
				j = 0,
				k = 0;

	if (m == 0)
		return;
	if (maxn > SURVIVAL_MAX_ENTRIES)
		maxn = SURVIVAL_MAX_ENTRIES + 1;	/* checked below, once merged */
	nt = MemoryContextAllocHuge(cxt, maxn * sizeof(double));
	ne = MemoryContextAllocHuge(cxt, maxn * sizeof(int64));
	nc = MemoryContextAllocHuge(cxt, maxn * sizeof(int64));

#define AT(p, x)	(*(const __typeof__(*(p)) *) ((const char *) (p) + (size_t) (x) * stride))
	while (i < es->n || j < m)
	{
		if (k > SURVIVAL_MAX_ENTRIES - 1)
			SurvivalAlloc(PG_INT32_MAX);	/* raises the limit error */
		if (j >= m || (i < es->n && es->times[i] < AT(t, j)))
		{
			nt[k] = es->times[i];
			ne[k] = es->events[i];
			nc[k] = es->censored[i];
			i++;
		}
		else if (i >= es->n || AT(t, j) < es->times[i])
		{
			nt[k] = AT(t, j);
			ne[k] = AT(ev, j);
			nc[k] = AT(ce, j);
			j++;
		}
		else
		{
			nt[k] = es->times[i];
			/* counts cannot overflow: their total was checked */
			ne[k] = es->events[i] + AT(ev, j);
			nc[k] = es->censored[i] + AT(ce, j);
			i++;
			j++;
		}
		k++;
	}
#undef AT
	pfree(es->times);
	pfree(es->events);
	pfree(es->censored);
	es->times = nt;
	es->events = ne;
	es->censored = nc;
	es->n = k;
}

/* Sort the buffer, fold its ties and merge it into the map */
static void
ConsolidatePending(ExpandedSurvival *es)
{
	PendingEntry *p = es->pending;
	int32		m = 0;

	if (es->npending == 0)
		return;
	CHECK_FOR_INTERRUPTS();
	SortPending(p, es->npending);
	for (int32 i = 0; i < es->npending; i++)
	{
		if (m > 0 && p[m - 1].t == p[i].t)
		{
			p[m - 1].events += p[i].events;
			p[m - 1].censored += p[i].censored;
		}
		else
			p[m++] = p[i];
	}
	MergeIntoMap(es, m, &p[0].t, &p[0].events, &p[0].censored,
				 sizeof(PendingEntry));
	es->npending = 0;
}

/* Add count subjects to the total of es */
static inline void
AddSubjects(ExpandedSurvival *es, int64 count)
{
	if (unlikely(pg_add_s64_overflow(es->subjects, count, &es->subjects)))
		SurvivalTooManySubjects();
}

/* Count one subject with duration t, an event or a censoring */
static inline void
AddRow(ExpandedSurvival *es, double t, bool event)
{
	int32		lo = 0,
				hi = es->n;
	PendingEntry *pe;

	AddSubjects(es, 1);
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (es->times[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < es->n && es->times[lo] == t)
	{
		if (event)
			es->events[lo]++;
		else
			es->censored[lo]++;
		return;
	}
	if (es->npending == es->pcap)
	{
		if (es->npending >= Max(PENDING_MIN_MERGE, es->n))
			ConsolidatePending(es);
		else
		{
			es->pcap *= 2;
			es->pending = repalloc_huge(es->pending,
										(Size) es->pcap * sizeof(PendingEntry));
		}
	}
	pe = &es->pending[es->npending++];
	pe->t = t;
	pe->events = event ? 1 : 0;
	pe->censored = event ? 0 : 1;
}

/* Flattened size: the buffer is merged first */
static Size
ES_get_flat_size(ExpandedObjectHeader *eohptr)
{
	ExpandedSurvival *es = (ExpandedSurvival *) eohptr;

	ConsolidatePending(es);
	if (es->n > SURVIVAL_MAX_ENTRIES)
		SurvivalAlloc(es->n);	/* raises the limit error */
	return SurvivalSize(es->n);
}

/* Write the flat form into result (allocated_size bytes, zeroed by us) */
static void
ES_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ExpandedSurvival *es = (ExpandedSurvival *) eohptr;
	SurvivalData *s = (SurvivalData *) result;

	Assert(es->npending == 0);
	Assert(allocated_size == SurvivalSize(es->n));
	memset(s, 0, SURVIVAL_HEADER_SIZE);
	SET_VARSIZE(s, allocated_size);
	s->version = SURVIVAL_FORMAT_VERSION;
	s->n = es->n;
	memcpy(SURV_TIMES(s), es->times, es->n * sizeof(double));
	memcpy(SURV_EVENTS(s), es->events, es->n * sizeof(int64));
	memcpy(SURV_CENSORED(s), es->censored, es->n * sizeof(int64));
}

/*
 * The state to update: the first argument if it is our expanded object in
 * the aggregate context, else a new one in that context holding its value.
 * Called as a plain function, it never changes its argument.
 */
static ExpandedSurvival *
StateForUpdate(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		return ExpandSurvival(PG_ARGISNULL(0) ? NULL : PG_GETARG_SURVIVAL_P(0),
							  CurrentMemoryContext);
	if (PG_ARGISNULL(0))
		return ExpandSurvival(NULL, aggcxt);
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(PG_GETARG_DATUM(0));

		if (eoh->eoh_methods == &ES_methods &&
			MemoryContextGetParent(eoh->eoh_context) == aggcxt)
			return (ExpandedSurvival *) eoh;
	}
	return ExpandSurvival(PG_GETARG_SURVIVAL_P(0), aggcxt);
}

PG_FUNCTION_INFO_V1(survival_accum);
/* Transition: count one subject (rows with a NULL are skipped) */
Datum
survival_accum(PG_FUNCTION_ARGS)
{
	ExpandedSurvival *es;
	double		t;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	t = PG_GETARG_FLOAT8(1);
	SurvivalCheckDuration(t);
	es = StateForUpdate(fcinfo);
	AddRow(es, t + 0.0, PG_GETARG_BOOL(2));
	PG_RETURN_DATUM(EOHPGetRWDatum(&es->hdr));
}

PG_FUNCTION_INFO_V1(survival_combine);
/*
 * Combine, and transition of retention.merge: add the counts of the second
 * value to the first.  The second is only read.
 */
Datum
survival_combine(PG_FUNCTION_ARGS)
{
	ExpandedSurvival *es;
	SurvivalData *other;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	es = StateForUpdate(fcinfo);
	other = PG_GETARG_SURVIVAL_P(1);
	AddSubjects(es, SurvivalSubjects(other));
	ConsolidatePending(es);
	MergeIntoMap(es, other->n, SURV_TIMES(other), SURV_EVENTS(other),
				 SURV_CENSORED(other), sizeof(double));
	if ((Pointer) other != DatumGetPointer(PG_GETARG_DATUM(1)))
		pfree(other);
	PG_RETURN_DATUM(EOHPGetRWDatum(&es->hdr));
}

PG_FUNCTION_INFO_V1(survival_subjects);
/* The number of subjects a value counts */
Datum
survival_subjects(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);

	PG_RETURN_INT64(SurvivalSubjects(s));
}

PG_FUNCTION_INFO_V1(survival_events);
/* The number of events a value counts */
Datum
survival_events(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);
	const int64 *ev = SURV_EVENTS(s);
	int64		total = 0;

	(void) SurvivalSubjects(s); /* the total of all counts fits */
	for (int32 i = 0; i < s->n; i++)
		total += ev[i];
	PG_RETURN_INT64(total);
}

PG_FUNCTION_INFO_V1(survival_distinct_times);
/* The number of distinct durations of a value */
Datum
survival_distinct_times(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);

	PG_RETURN_INT32(s->n);
}
