/*-------------------------------------------------------------------------
 *
 * cohorts.h
 *	  Cohort retention: the retention.activity type (one subject's active
 *	  periods as a bitmap), periods in the session's time zone or as fixed
 *	  windows, and the helpers the aggregates share.
 *
 * Periods.  A calendar unit (day, week from Monday, month) numbers periods
 * absolutely, in the session's time zone: day d is the d-th local day after
 * 2000-01-01, week w the w-th ISO week after the one containing 2000-01-03,
 * month m the m-th month after 2000-01.  A subject's period k is absolute
 * period anchor + k.  A fixed window (an interval without months, days
 * counted as 24 hours) numbers periods from the subject's own start:
 * period k is [start + k * window, start + (k + 1) * window).
 *
 *-------------------------------------------------------------------------
 */
#ifndef COHORTS_H
#define COHORTS_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "lib/stringinfo.h"

/* The format version, the units, the limits: see the parsing core */
#include "cohorts/activity_parse.h"

/*
 * retention.activity.  The bitmap holds nbits bits (period k is bit k % 8
 * of byte k / 8); nbits is the last active period + 1, so equal activities
 * have equal bytes.  Padding and unused bits are zero.
 */
typedef struct Activity
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* ACTIVITY_FORMAT_VERSION */
	uint8		unit;			/* COHORT_UNIT_* */
	uint16		unused;			/* always 0 */
	int32		nbits;			/* periods covered by the bitmap */
	int32		anchor;			/* absolute period of period 0; 0 if fixed */
	int32		unused2;		/* always 0 */
	int64		window;			/* microseconds of a fixed window; else 0 */
	TimestampTz start;			/* start of period 0 */
	uint8		bits[FLEXIBLE_ARRAY_MEMBER];
} Activity;

#define ACTIVITY_HEADER_SIZE	offsetof(Activity, bits)
#define ActivityBytes(nbits)	ActivityBitmapBytes(nbits)
#define ActivityHasBit(a, k) \
	((k) >= 0 && (k) < (a)->nbits && ((a)->bits[(k) / 8] >> ((k) % 8)) & 1)

#define DatumGetActivityP(X)	((Activity *) PG_DETOAST_DATUM(X))
#define PG_GETARG_ACTIVITY_P(n) DatumGetActivityP(PG_GETARG_DATUM(n))

/* Per-call-site cache of local-time offsets (see cohort_periods.c) */
typedef struct TzCache TzCache;

extern const char *CohortUnitName(int unit);

/* Raise 22023 for an unknown unit name */
extern void CohortUnitError(const char *name, int len) pg_attribute_noreturn();

/* The microseconds of a fixed window, checked (22023 if not one) */
extern int64 CohortWindowFromInterval(const Interval *iv);

/* A cache in cxt for AbsolutePeriod */
extern TzCache *NewTzCache(MemoryContext cxt);

/* The absolute calendar period containing t (finite) in the session zone */
extern int32 AbsolutePeriod(TzCache *cache, int unit, TimestampTz t);

/* The absolute calendar period of a local day (days since 2000-01-01) */
extern int32 PeriodOfLocalDay(int unit, int64 day);

/* The local date (Julian day) on which an absolute period starts */
extern int	PeriodStartJulian(int unit, int32 period);

/* The instant an absolute period starts, in the session's time zone */
extern TimestampTz PeriodStartInstant(int unit, int32 period);

/*
 * The last period k of a subject that has fully ended at as_of: -1 if even
 * period 0 has not; capped at INT32_MAX - 1.
 */
extern int32 LastEndedPeriod(TzCache *cache, const Activity *a, TimestampTz as_of);

/* A new activity in CurrentMemoryContext with room for nbits bits, zeroed */
extern Activity *NewActivity(int unit, int64 window, int32 anchor,
							 TimestampTz start, int32 nbits);

/* Append the unit of a as its text form writes it */
extern void AppendActivityUnit(StringInfo buf, const Activity *a);

/*
 * Parse YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM[:SS]) in [p, end): the
 * instant and the Julian day of the written date.  False if malformed.
 */
extern bool CohortParseInstant(const char *p, const char *end,
							   TimestampTz *result, int *julian);

/* Append finite t as YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00 */
extern void AppendInstantUTC(StringInfo buf, TimestampTz t);

/* Does a subject with activity a count in cell k (k >= 0) of this kind? */
extern bool ActivityRetained(const Activity *a, int kind, int32 k);

/* Active periods of a: first >= from, or -1 */
extern int32 ActivityNextBit(const Activity *a, int32 from);

/* Is any period in [lo, hi] active? */
extern bool ActivityAnyBit(const Activity *a, int32 lo, int32 hi);

/* First inactive period >= from (nbits if all are active up to the end) */
extern int32 ActivityNextZero(const Activity *a, int32 from);

/* The kinds of retention (COHORT_KIND_*): see the state's parsing core */
#include "cohorts/cohort_state_parse.h"

/* COHORT_KIND_* of a kind's name (raises 22023 for an unknown one) */
extern int	CohortKindFromText(const text *kind);

/* Check a bracket int4range (22023): its inclusive bounds */
extern void CohortBracketBounds(Datum range, int32 *lo, int32 *hi);

#endif							/* COHORTS_H */
