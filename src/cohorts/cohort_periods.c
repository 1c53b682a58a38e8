/*-------------------------------------------------------------------------
 *
 * cohort_periods.c
 *	  Periods of cohort retention: units, fixed windows, the absolute
 *	  calendar period of an instant in the session's time zone, and bit
 *	  scans over an activity.
 *
 * Turning an instant into a local date costs a time zone look-up.  With ten
 * million rows that look-up is most of an aggregate's work, so the offset
 * from UTC is cached per UTC day: a day whose first and last microsecond
 * have the same offset has it throughout (a zone changes its offset at most
 * once a day), and every instant of it turns into local time by one
 * addition.  Days with a change go the slow way every time.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "pgtime.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/rangetypes.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "cohorts/cohorts.h"

#define TZCACHE_SIZE	1024
#define NO_DAY			PG_INT64_MIN

struct TzCache
{
	pg_tz	   *zone;			/* the session zone the entries are for */
	struct
	{
		int64		day;		/* UTC day (days since 2000-01-01), or NO_DAY */
		int64		offset;		/* local time - UTC, microseconds */
	}			e[TZCACHE_SIZE];
};

/* Floor division for a positive divisor */
static inline int64
FloorDiv(int64 a, int64 b)
{
	int64		q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* The name of a calendar unit */
const char *
CohortUnitName(int unit)
{
	switch (unit)
	{
		case COHORT_UNIT_DAY:
			return "day";
		case COHORT_UNIT_WEEK:
			return "week";
		case COHORT_UNIT_MONTH:
			return "month";
	}
	elog(ERROR, "unexpected cohort unit %d", unit);
	return NULL;				/* keep compiler quiet */
}

/* Raise the error for an unknown unit */
void
CohortUnitError(const char *name, int len)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown period unit \"%.*s\"", len, name),
			 errhint("The units are day, week (ISO, from Monday) and month, or a fixed window given as an interval such as interval '7 days'.")));
}

/* The microseconds of a fixed window */
int64
CohortWindowFromInterval(const Interval *iv)
{
	int64		usecs;

	if (iv->month != 0 ||
		pg_mul_s64_overflow((int64) iv->day, USECS_PER_DAY, &usecs) ||
		pg_add_s64_overflow(usecs, iv->time, &usecs) || usecs <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a fixed period window must be a positive interval without months or years"),
				 errdetail("A fixed window has the same length everywhere; a day counts as 24 hours."),
				 errhint("Use the unit 'month' for calendar months, or an interval such as interval '30 days'.")));
	if (usecs >= ACTIVITY_MAX_WINDOW)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a fixed period window must be shorter than 1000000 days")));
	return usecs;
}

/* A cache in cxt for AbsolutePeriod */
TzCache *
NewTzCache(MemoryContext cxt)
{
	TzCache    *cache = MemoryContextAlloc(cxt, sizeof(TzCache));
	int			i;

	cache->zone = session_timezone;
	for (i = 0; i < TZCACHE_SIZE; i++)
		cache->e[i].day = NO_DAY;
	return cache;
}

/* local time - UTC at t, in microseconds, the slow way */
static int64
LocalOffset(TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (timestamp2tm(t, &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return -(int64) tz * USECS_PER_SEC;
}

/* The local day (days since 2000-01-01) of finite t */
static int64
LocalDay(TzCache *cache, TimestampTz t)
{
	int64		day = FloorDiv(t, USECS_PER_DAY);
	int			slot = (int) (day & (TZCACHE_SIZE - 1));
	TimestampTz first = day * USECS_PER_DAY;
	TimestampTz last = first + USECS_PER_DAY - 1;
	int64		offset;

	if (cache->zone != session_timezone)
	{
		int			i;

		cache->zone = session_timezone;
		for (i = 0; i < TZCACHE_SIZE; i++)
			cache->e[i].day = NO_DAY;
	}
	if (cache->e[slot].day == day)
		return FloorDiv(t + cache->e[slot].offset, USECS_PER_DAY);

	if (IS_VALID_TIMESTAMP(first) && IS_VALID_TIMESTAMP(last) &&
		(offset = LocalOffset(first)) == LocalOffset(last))
	{
		cache->e[slot].day = day;
		cache->e[slot].offset = offset;
	}
	else
		offset = LocalOffset(t);
	return FloorDiv(t + offset, USECS_PER_DAY);
}

/* The absolute calendar period of a local day */
int32
PeriodOfLocalDay(int unit, int64 day)
{
	if (unit < COHORT_UNIT_DAY || unit > COHORT_UNIT_MONTH)
		elog(ERROR, "unexpected cohort unit %d", unit);
	return ActivityPeriodOfDay(unit, day);
}

/* The absolute calendar period containing t in the session zone */
int32
AbsolutePeriod(TzCache *cache, int unit, TimestampTz t)
{
	Assert(!TIMESTAMP_NOT_FINITE(t));
	return PeriodOfLocalDay(unit, LocalDay(cache, t));
}

/* The local date (Julian day) on which an absolute period starts */
int
PeriodStartJulian(int unit, int32 period)
{
	if (unit < COHORT_UNIT_DAY || unit > COHORT_UNIT_MONTH)
		elog(ERROR, "unexpected cohort unit %d", unit);
	return ActivityPeriodStartJulian(unit, period);
}

/* The instant an absolute period starts, in the session zone */
TimestampTz
PeriodStartInstant(int unit, int32 period)
{
	struct pg_tm tm;
	TimestampTz result;
	int			tz;

	memset(&tm, 0, sizeof(tm));
	j2date(PeriodStartJulian(unit, period), &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tz = DetermineTimeZoneOffset(&tm, session_timezone);
	if (tm2timestamp(&tm, 0, &tz, &result) != 0 || !IS_VALID_TIMESTAMP(result))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return result;
}

/* Clamp a period number to [-1, INT32_MAX - 1] */
static inline int32
ClampPeriod(int64 k)
{
	if (k < -1)
		return -1;
	if (k > PG_INT32_MAX - 1)
		return PG_INT32_MAX - 1;
	return (int32) k;
}

/* The last period of a that has fully ended at as_of */
int32
LastEndedPeriod(TzCache *cache, const Activity *a, TimestampTz as_of)
{
	if (TIMESTAMP_IS_NOBEGIN(as_of))
		return -1;
	if (TIMESTAMP_IS_NOEND(as_of))
		return PG_INT32_MAX - 1;
	if (a->unit == COHORT_UNIT_FIXED)
	{
		if (as_of < a->start)
			return -1;
		/* both finite, so the difference cannot overflow */
		return ClampPeriod((as_of - a->start) / a->window - 1);
	}
	/* the period containing as_of has not ended; the one before it has */
	return ClampPeriod((int64) AbsolutePeriod(cache, a->unit, as_of) - 1 - a->anchor);
}

/* First active period >= from, or -1 */
int32
ActivityNextBit(const Activity *a, int32 from)
{
	int32		k = Max(from, 0);

	while (k < a->nbits)
	{
		uint8		b = a->bits[k / 8] >> (k % 8);

		if (b != 0)
			return k + pg_rightmost_one_pos32(b);
		k = (k / 8 + 1) * 8;
	}
	return -1;
}

/* Is any period in [lo, hi] active? */
bool
ActivityAnyBit(const Activity *a, int32 lo, int32 hi)
{
	int32		k = ActivityNextBit(a, lo);

	return k >= 0 && k <= hi;
}

/* First inactive period >= from */
int32
ActivityNextZero(const Activity *a, int32 from)
{
	int32		k = Max(from, 0);

	while (k < a->nbits)
	{
		uint8		b = (uint8) ~(a->bits[k / 8] >> (k % 8));

		/* bits shifted in from the top are not periods: mask them off */
		b &= (uint8) (0xFF >> (k % 8));
		if (b != 0)
			return Min(k + pg_rightmost_one_pos32(b), a->nbits);
		k = (k / 8 + 1) * 8;
	}
	return Max(a->nbits, Max(from, 0));
}

/* COHORT_KIND_* of a kind's name */
int
CohortKindFromText(const text *kind)
{
	const char *s = VARDATA_ANY(kind);
	int			len = VARSIZE_ANY_EXHDR(kind);

#define KIND_IS(name) (len == sizeof(name) - 1 && memcmp(s, name, len) == 0)
	if (KIND_IS("full"))
		return COHORT_KIND_FULL;
	if (KIND_IS("classic"))
		return COHORT_KIND_CLASSIC;
	if (KIND_IS("rolling") || KIND_IS("unbounded"))
		return COHORT_KIND_ROLLING;
	if (KIND_IS("return"))
		return COHORT_KIND_RETURN;
	if (KIND_IS("bracket"))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the bracket kind takes brackets, not a kind name"),
				 errhint("Pass the brackets as an int4range or int4range[], such as '{\"[1,3]\",\"[4,6]\"}'.")));
#undef KIND_IS
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown retention kind \"%.*s\"", len, s),
			 errhint("The kinds are full, classic, rolling (or unbounded) and return; brackets are given as int4range values.")));
	return 0;					/* keep compiler quiet */
}

/* The inclusive bounds of a bracket */
void
CohortBracketBounds(Datum range, int32 *lo, int32 *hi)
{
	RangeType  *r = DatumGetRangeTypeP(range);
	TypeCacheEntry *typcache = lookup_type_cache(RangeTypeGetOid(r), TYPECACHE_RANGE_INFO);
	RangeBound	lower,
				upper;
	bool		empty;
	int64		l,
				u;

	range_deserialize(typcache, r, &lower, &upper, &empty);
	if (empty || lower.infinite || upper.infinite)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a retention bracket must be a non-empty range with both bounds"),
				 errhint("Write brackets of periods such as '[1,3]' (periods 1, 2 and 3).")));
	/* int4range is canonical: [lower, upper) */
	l = DatumGetInt32(lower.val) + (lower.inclusive ? 0 : 1);
	u = (int64) DatumGetInt32(upper.val) - (upper.inclusive ? 0 : 1);
	if (l < 0 || u < l || u >= ACTIVITY_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention bracket [%lld,%lld] is out of range",
						(long long) l, (long long) u),
				 errhint("Brackets are periods from 0 to %d.", ACTIVITY_MAX_PERIODS - 1)));
	*lo = (int32) l;
	*hi = (int32) u;
}
