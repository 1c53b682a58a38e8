/*-------------------------------------------------------------------------
 *
 * activity.c
 *	  The aggregate retention.activity(unit, [cohort_start,] active_at),
 *	  grouped by subject: the periods in which the subject was active, as a
 *	  bitmap.
 *
 * With a cohort_start, period 0 is the period containing it (a calendar
 * unit) or the window starting at it (a fixed window); activity before
 * cohort_start is ignored, and a row whose active_at is NULL only places
 * the subject in its cohort.  Without one ("first seen"), period 0 is the
 * calendar period of the subject's first activity; the bitmap then starts at
 * the earliest period seen so far and is moved down when an earlier one
 * comes.
 *
 * The state is internal (a bitmap that grows), per subject; it is
 * serialized for parallel query with a format version byte first.  A row
 * costs a time zone look-up from a per-UTC-day cache (calendar units) or a
 * division (fixed windows), and setting a bit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "cohorts/cohorts.h"

#define ACTIVITY_STATE_VERSION	1

typedef struct ActivityAggState
{
	int			unit;			/* COHORT_UNIT_* */
	bool		first_seen;		/* cohort = period of first activity */
	bool		any;			/* first_seen: has a period been seen? */
	int64		window;			/* fixed window, microseconds */
	TimestampTz cohort_start;	/* as given (not first_seen) */
	int32		base;			/* absolute period of bit 0; 0 if fixed */
	int32		nbits;			/* last set bit + 1 */
	int32		capbytes;		/* allocated bytes of bits */
	uint8	   *bits;
} ActivityAggState;

/* fn_extra of the transition functions */
typedef struct ActivitySite
{
	TzCache    *tzcache;
	int			unit;
	int64		window;
	int			unit_len;
	char		unit_bytes[16]; /* the text or interval last parsed */
} ActivitySite;

/* The call site's cache */
static ActivitySite *
GetSite(FunctionCallInfo fcinfo)
{
	ActivitySite *site = (ActivitySite *) fcinfo->flinfo->fn_extra;

	if (site == NULL)
	{
		site = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ActivitySite));
		site->tzcache = NewTzCache(fcinfo->flinfo->fn_mcxt);
		site->unit_len = -1;
		fcinfo->flinfo->fn_extra = site;
	}
	return site;
}

/* The unit argument (text or interval) as COHORT_UNIT_* and window */
static void
ParseUnitArg(FunctionCallInfo fcinfo, ActivitySite *site, int *unit, int64 *window)
{
	Datum		d = PG_GETARG_DATUM(1);
	bool		is_text = get_fn_expr_argtype(fcinfo->flinfo, 1) != INTERVALOID;
	const char *bytes;
	int			len;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the period unit must not be NULL"),
				 errhint("The units are day, week and month, or a fixed window given as an interval.")));
	if (is_text)
	{
		text	   *t = DatumGetTextPP(d);

		bytes = VARDATA_ANY(t);
		len = VARSIZE_ANY_EXHDR(t);
	}
	else
	{
		bytes = (const char *) DatumGetIntervalP(d);
		len = sizeof(Interval);
	}
	if (len != site->unit_len || memcmp(bytes, site->unit_bytes, len) != 0)
	{
		if (is_text)
		{
			site->unit = ActivityUnitFromName(bytes, (size_t) len);
			site->window = 0;
			if (site->unit == 0)
				CohortUnitError(bytes, len);
		}
		else
		{
			site->window = CohortWindowFromInterval((const Interval *) bytes);
			site->unit = COHORT_UNIT_FIXED;
		}
		if (len <= (int) sizeof(site->unit_bytes))
		{
			memcpy(site->unit_bytes, bytes, len);
			site->unit_len = len;
		}
		else
			site->unit_len = -1;
	}
	*unit = site->unit;
	*window = site->window;
}

/* A new state in cxt */
static ActivityAggState *
NewState(MemoryContext cxt, int unit, int64 window, bool first_seen, int32 capbytes)
{
	ActivityAggState *state = MemoryContextAllocZero(cxt, sizeof(ActivityAggState));

	state->unit = unit;
	state->window = window;
	state->first_seen = first_seen;
	state->capbytes = Max(capbytes, 8);
	state->bits = MemoryContextAllocZero(cxt, state->capbytes);
	return state;
}

/* Raise the error for a period too far from the start */
static void
TooManyPeriods(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("activity more than %d periods after its cohort's start", ACTIVITY_MAX_PERIODS),
			 errhint("Use a longer period unit.")));
}

/* Make room for bit k (0 <= k < ACTIVITY_MAX_PERIODS) */
static void
Grow(ActivityAggState *state, int32 k, MemoryContext cxt)
{
	int32		cap = state->capbytes;
	uint8	   *bits;

	while (cap * 8 <= k)
		cap *= 2;
	bits = MemoryContextAllocZero(cxt, cap);
	memcpy(bits, state->bits, state->capbytes);
	pfree(state->bits);
	state->bits = bits;
	state->capbytes = cap;
}

/* Set bit k of the state */
static inline void
SetBit(ActivityAggState *state, int32 k, MemoryContext cxt)
{
	if (k >= state->capbytes * 8)
		Grow(state, k, cxt);
	state->bits[k / 8] |= 1 << (k % 8);
	if (k >= state->nbits)
		state->nbits = k + 1;
}

/* first_seen: move bit 0 down to absolute period newbase */
static void
Rebase(ActivityAggState *state, int32 newbase, MemoryContext cxt)
{
	int64		shift = (int64) state->base - newbase;
	int32		oldnbits = state->nbits;
	uint8	   *old = state->bits;
	int32		k;

	Assert(shift > 0);
	if (oldnbits + shift > ACTIVITY_MAX_PERIODS)
		TooManyPeriods();
	state->capbytes = 8;
	while (state->capbytes * 8 < oldnbits + shift)
		state->capbytes *= 2;
	state->bits = MemoryContextAllocZero(cxt, state->capbytes);
	state->nbits = 0;
	state->base = newbase;
	for (k = 0; k < oldnbits; k++)
		if ((old[k / 8] >> (k % 8)) & 1)
			SetBit(state, (int32) (k + shift), cxt);
	pfree(old);
}

/* Record absolute period p (first_seen) */
static void
AddFirstSeen(ActivityAggState *state, int32 p, MemoryContext cxt)
{
	if (!state->any)
	{
		state->any = true;
		state->base = p;
	}
	else if (p < state->base)
		Rebase(state, p, cxt);
	if ((int64) p - state->base >= ACTIVITY_MAX_PERIODS)
		TooManyPeriods();
	SetBit(state, p - state->base, cxt);
}

PG_FUNCTION_INFO_V1(activity_accum);

/* Transition function of activity(unit, cohort_start, active_at) */
Datum
activity_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ActivityAggState *state;
	ActivitySite *site;
	int			unit;
	int64		window;
	TimestampTz cohort_start;
	TimestampTz t;
	int64		k;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "activity_accum called in non-aggregate context");
	state = PG_ARGISNULL(0) ? NULL : (ActivityAggState *) PG_GETARG_POINTER(0);
	site = GetSite(fcinfo);
	ParseUnitArg(fcinfo, site, &unit, &window);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("cohort_start must not be NULL"),
				 errhint("Leave out subjects without a start, or use activity(unit, active_at) for cohorts by first activity.")));
	cohort_start = PG_GETARG_TIMESTAMPTZ(2);

	if (state == NULL)
	{
		if (TIMESTAMP_NOT_FINITE(cohort_start))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("cohort_start must be finite")));
		state = NewState(aggcxt, unit, window, false, 8);
		state->cohort_start = cohort_start;
		state->base = unit == COHORT_UNIT_FIXED ? 0 :
			AbsolutePeriod(site->tzcache, unit, cohort_start);
	}
	else
	{
		if (cohort_start != state->cohort_start)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rows of one subject have different cohort starts: %s and %s",
							pstrdup(timestamptz_to_str(state->cohort_start)),
							pstrdup(timestamptz_to_str(cohort_start))),
					 errhint("Group by the subject, and give every row of a subject the same cohort_start.")));
		if (unit != state->unit || window != state->window)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rows of one subject have different period units"),
					 errhint("Give every row the same unit.")));
	}

	if (PG_ARGISNULL(3))
		PG_RETURN_POINTER(state);
	t = PG_GETARG_TIMESTAMPTZ(3);
	if (TIMESTAMP_NOT_FINITE(t) || t < cohort_start)
		PG_RETURN_POINTER(state);	/* before the start: ignored */
	if (unit == COHORT_UNIT_FIXED)
		k = (t - cohort_start) / window;
	else
		k = (int64) AbsolutePeriod(site->tzcache, unit, t) - state->base;
	if (k >= ACTIVITY_MAX_PERIODS)
		TooManyPeriods();
	SetBit(state, (int32) k, aggcxt);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(activity_accum_first_seen);

/* Transition function of activity(unit, active_at) */
Datum
activity_accum_first_seen(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ActivityAggState *state;
	ActivitySite *site;
	int			unit;
	int64		window;
	TimestampTz t;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "activity_accum_first_seen called in non-aggregate context");
	state = PG_ARGISNULL(0) ? NULL : (ActivityAggState *) PG_GETARG_POINTER(0);
	site = GetSite(fcinfo);
	ParseUnitArg(fcinfo, site, &unit, &window);
	if (state == NULL)
		state = NewState(aggcxt, unit, window, true, 8);
	else if (unit != state->unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rows of one subject have different period units"),
				 errhint("Give every row the same unit.")));
	if (PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	t = PG_GETARG_TIMESTAMPTZ(2);
	if (TIMESTAMP_NOT_FINITE(t))
		PG_RETURN_POINTER(state);
	AddFirstSeen(state, AbsolutePeriod(site->tzcache, unit, t), aggcxt);
	PG_RETURN_POINTER(state);
}

/* Raise the error for states that cannot be combined */
static void
CombineMismatch(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("rows of one subject have different cohort starts or period units"),
			 errhint("Group by the subject, and give every row of a subject the same unit and cohort_start.")));
}

PG_FUNCTION_INFO_V1(activity_combine);

/* Combine function: OR of the bitmaps; never modifies the second state */
Datum
activity_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ActivityAggState *s1;
	ActivityAggState *s2;
	int32		k;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "activity_combine called in non-aggregate context");
	s1 = PG_ARGISNULL(0) ? NULL : (ActivityAggState *) PG_GETARG_POINTER(0);
	s2 = PG_ARGISNULL(1) ? NULL : (ActivityAggState *) PG_GETARG_POINTER(1);
	if (s2 == NULL)
		PG_RETURN_POINTER(s1);
	if (s1 == NULL)
	{
		s1 = NewState(aggcxt, s2->unit, s2->window, s2->first_seen, s2->capbytes);
		s1->any = s2->any;
		s1->cohort_start = s2->cohort_start;
		s1->base = s2->base;
		s1->nbits = s2->nbits;
		memcpy(s1->bits, s2->bits, s2->capbytes);
		PG_RETURN_POINTER(s1);
	}
	if (s1->unit != s2->unit || s1->window != s2->window ||
		s1->first_seen != s2->first_seen ||
		(!s1->first_seen && s1->cohort_start != s2->cohort_start))
		CombineMismatch();
	if (s1->first_seen)
	{
		if (!s2->any)
			PG_RETURN_POINTER(s1);
		if (!s1->any)
		{
			s1->any = true;
			s1->base = s2->base;
		}
		else if (s2->base < s1->base)
			Rebase(s1, s2->base, aggcxt);
		for (k = 0; k < s2->nbits; k++)
			if ((s2->bits[k / 8] >> (k % 8)) & 1)
			{
				int64		j = (int64) k + s2->base - s1->base;

				if (j >= ACTIVITY_MAX_PERIODS)
					TooManyPeriods();
				SetBit(s1, (int32) j, aggcxt);
			}
		PG_RETURN_POINTER(s1);
	}
	if (s2->nbits > 0)
	{
		int			nbytes = ActivityBytes(s2->nbits);
		int			i;

		SetBit(s1, s2->nbits - 1, aggcxt);	/* makes room, sets nbits */
		for (i = 0; i < nbytes; i++)
			s1->bits[i] |= s2->bits[i];
	}
	PG_RETURN_POINTER(s1);
}

PG_FUNCTION_INFO_V1(activity_serial);

/* Serialize: version, unit, flags, window, cohort_start, base, nbits, bits */
Datum
activity_serial(PG_FUNCTION_ARGS)
{
	ActivityAggState *state = (ActivityAggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "activity_serial called in non-aggregate context");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, ACTIVITY_STATE_VERSION);
	pq_sendbyte(&buf, state->unit);
	pq_sendbyte(&buf, (state->first_seen ? 1 : 0) | (state->any ? 2 : 0));
	pq_sendint64(&buf, state->window);
	pq_sendint64(&buf, state->cohort_start);
	pq_sendint32(&buf, state->base);
	pq_sendint32(&buf, state->nbits);
	pq_sendbytes(&buf, (const char *) state->bits, ActivityBytes(state->nbits));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(activity_deserial);

/* Deserialize, checking everything */
Datum
activity_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;
	StringInfoData buf;
	ActivityAggState *state;
	int			version,
				unit,
				flags;
	int64		window;
	int32		nbits;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "activity_deserial called in non-aggregate context");
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	version = pq_getmsgbyte(&buf);
	if (version != ACTIVITY_STATE_VERSION)
		elog(ERROR, "unsupported activity state version %d", version);
	unit = pq_getmsgbyte(&buf);
	flags = pq_getmsgbyte(&buf);
	window = pq_getmsgint64(&buf);
	if (unit < COHORT_UNIT_DAY || unit > COHORT_UNIT_FIXED || (flags & ~3) != 0 ||
		(unit == COHORT_UNIT_FIXED) != (window > 0) || window < 0)
		elog(ERROR, "invalid activity state");
	state = NewState(aggcxt, unit, window, (flags & 1) != 0, 8);
	state->any = (flags & 2) != 0;
	state->cohort_start = pq_getmsgint64(&buf);
	state->base = pq_getmsgint(&buf, 4);
	nbits = pq_getmsgint(&buf, 4);
	if (nbits < 0 || nbits > ACTIVITY_MAX_PERIODS ||
		buf.len - buf.cursor != ActivityBytes(nbits))
		elog(ERROR, "invalid activity state");
	if (nbits > 0)
	{
		SetBit(state, nbits - 1, aggcxt);
		pq_copymsgbytes(&buf, (char *) state->bits, ActivityBytes(nbits));
		if (((state->bits[(nbits - 1) / 8] >> ((nbits - 1) % 8)) & 1) == 0 ||
			((nbits % 8) != 0 && (state->bits[(nbits - 1) / 8] >> (nbits % 8)) != 0))
			elog(ERROR, "invalid activity state");
	}
	PG_RETURN_POINTER(state);
}

/* fn_extra of the final function: the start of the last period 0 seen */
typedef struct FinalSite
{
	pg_tz	   *zone;
	int			unit;
	int32		anchor;
	TimestampTz start;
} FinalSite;

PG_FUNCTION_INFO_V1(activity_final);

/* Final function: the subject's activity (NULL if first_seen found none) */
Datum
activity_final(PG_FUNCTION_ARGS)
{
	ActivityAggState *state;
	FinalSite  *site;
	Activity   *a;
	TimestampTz start;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "activity_final called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (ActivityAggState *) PG_GETARG_POINTER(0);
	if (state->first_seen && !state->any)
		PG_RETURN_NULL();
	if (state->unit == COHORT_UNIT_FIXED)
		start = state->cohort_start;
	else
	{
		site = (FinalSite *) fcinfo->flinfo->fn_extra;
		if (site == NULL)
		{
			site = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FinalSite));
			fcinfo->flinfo->fn_extra = site;
		}
		if (site->zone != session_timezone || site->unit != state->unit ||
			site->anchor != state->base)
		{
			site->start = PeriodStartInstant(state->unit, state->base);
			site->zone = session_timezone;
			site->unit = state->unit;
			site->anchor = state->base;
		}
		start = site->start;
	}
	a = NewActivity(state->unit, state->window,
					state->unit == COHORT_UNIT_FIXED ? 0 : state->base,
					start, state->nbits);
	memcpy(a->bits, state->bits, ActivityBytes(state->nbits));
	PG_RETURN_POINTER(a);
}
