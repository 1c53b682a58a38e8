/*-------------------------------------------------------------------------
 *
 * activity_io.c
 *	  The retention.activity type: text and binary input/output, equality,
 *	  hashing, accessors and retained().
 *
 * Text form: (unit,start,{periods}), e.g.
 *	(month,2026-01-01T00:00:00+01:00,{0,1,3})
 *	(7 days,2026-01-05T10:30:00+00:00,{0,2})
 * A calendar unit's start is written as the local date its period 0 starts
 * on, at midnight, with the offset from UTC that makes it the stored
 * instant: the date gives the period's number and the offset the instant,
 * so the form reads back to the same value whatever the session's time
 * zone or DateStyle.  A fixed window's start is written in UTC.  Both are
 * parsed here, not by timestamptz_in, for the same reason.
 *
 * Binary form: version byte, unit byte, window int64, start int64, anchor
 * int32, nbits int32, then the bitmap's bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/hash.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "cohorts/cohorts.h"

/* How far a calendar start may be from UTC midnight of its date */
#define MAX_START_OFFSET	(18 * USECS_PER_HOUR)

static void ActivitySyntaxError(const char *str, const char *detail) pg_attribute_noreturn();

/* Raise the syntax error for text input str */
static void
ActivitySyntaxError(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type activity: \"%s\"", str),
			 errdetail("%s", detail),
			 errhint("The form is (unit,start,{periods}), such as (month,2026-01-01T00:00:00+00:00,{0,1,3}).")));
}

/*
 * Check the fields of an activity; NULL if it is valid, else why not.
 * Used by text and binary input, which must accept exactly what output
 * writes.
 */
static const char *
ActivityProblem(const Activity *a)
{
	int			nbytes = ActivityBytes(a->nbits);
	const char *years;

	if (a->unit < COHORT_UNIT_DAY || a->unit > COHORT_UNIT_FIXED)
		return "The unit is not day, week, month or a fixed window.";
	if (TIMESTAMP_NOT_FINITE(a->start) || !IS_VALID_TIMESTAMP(a->start))
		return "The start is not a finite timestamp.";
	if (a->unit == COHORT_UNIT_FIXED)
	{
		if (a->window <= 0 || a->anchor != 0)
			return "A fixed window must be positive.";
	}
	else
	{
		int64		midnight;

		/* periods of valid timestamps only (years 4713 BC to 294276 AD) */
		int32		limit = a->unit == COHORT_UNIT_DAY ? 110000000 :
			a->unit == COHORT_UNIT_WEEK ? 16000000 : 3600000;

		if (a->window != 0)
			return "A calendar unit has no window.";

		if (a->anchor < -limit || a->anchor > limit)
			return "The start is out of range.";
		midnight = ((int64) PeriodStartJulian(a->unit, a->anchor) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
		if (a->start < midnight - MAX_START_OFFSET || a->start > midnight + MAX_START_OFFSET)
			return "The start is not the beginning of its period.";
	}
	if ((years = ActivityYearsProblem(a)) != NULL)
		return years;
	if (a->nbits < 0 || a->nbits > ACTIVITY_MAX_PERIODS)
		return "Too many periods.";
	if (a->nbits > 0)
	{
		uint8		last = a->bits[nbytes - 1];
		int			top = (a->nbits - 1) % 8;

		if (((last >> top) & 1) == 0 || (top < 7 && (last >> (top + 1)) != 0))
			return "The bitmap does not end at its last active period.";
	}
	return NULL;
}

/*
 * The text form writes dates as YYYY, so that only the years 1 to 9999 read
 * back: a Julian day (of a written date) or an instant (written in UTC)
 * outside them has no text form.
 */
bool
JulianIsWritable(int julian)
{
	return julian >= date2j(1, 1, 1) && julian < date2j(10000, 1, 1);
}

bool
InstantIsWritable(TimestampTz t)
{
	return !TIMESTAMP_NOT_FINITE(t) &&
		t >= ((int64) date2j(1, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY &&
		t < ((int64) date2j(10000, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
}

/* NULL if the start of a (as its text form writes it) is in the years 1 to 9999 */
const char *
ActivityYearsProblem(const Activity *a)
{
	if (a->unit == COHORT_UNIT_FIXED ? !InstantIsWritable(a->start) :
		!JulianIsWritable(PeriodStartJulian(a->unit, a->anchor)))
		return "The start is outside the years 1 to 9999.";
	return NULL;
}

/* A new activity in CurrentMemoryContext with room for nbits bits, zeroed */
Activity *
NewActivity(int unit, int64 window, int32 anchor, TimestampTz start, int32 nbits)
{
	Size		size = ACTIVITY_HEADER_SIZE + ActivityBytes(nbits);
	Activity   *a = palloc0(size);

	SET_VARSIZE(a, size);
	a->version = ACTIVITY_FORMAT_VERSION;
	a->unit = (uint8) unit;
	a->window = window;
	a->anchor = anchor;
	a->start = start;
	a->nbits = nbits;
	return a;
}

/* Skip white space */
static inline const char *
SkipSpace(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Read exactly n decimal digits at *p */
static bool
ReadDigits(const char **p, int n, int *value)
{
	int			v = 0;

	while (n-- > 0)
	{
		if (**p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*value = v;
	return true;
}

/*
 * Parse YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM[:SS]) into the instant and
 * the Julian day of its written date.  False if malformed.
 */
bool
CohortParseInstant(const char *p, const char *end, TimestampTz *result, int *julian)
{
	struct pg_tm tm;
	fsec_t		fsec = 0;
	int			tz = 0;
	int			oh = 0,
				om = 0,
				os = 0;
	int			sign;

	memset(&tm, 0, sizeof(tm));
	if (!ReadDigits(&p, 4, &tm.tm_year) || *p++ != '-' ||
		!ReadDigits(&p, 2, &tm.tm_mon) || *p++ != '-' ||
		!ReadDigits(&p, 2, &tm.tm_mday) || *p++ != 'T' ||
		!ReadDigits(&p, 2, &tm.tm_hour) || *p++ != ':' ||
		!ReadDigits(&p, 2, &tm.tm_min) || *p++ != ':' ||
		!ReadDigits(&p, 2, &tm.tm_sec))
		return false;
	if (*p == '.')
	{
		int			scale = 100000;

		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
		{
			if (scale == 0)
				return false;
			fsec += (*p++ - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-')
	{
		sign = (*p++ == '+') ? 1 : -1;
		if (!ReadDigits(&p, 2, &oh) || *p++ != ':' || !ReadDigits(&p, 2, &om))
			return false;
		if (*p == ':' && (p++, !ReadDigits(&p, 2, &os)))
			return false;
		if (oh > 15 || om > 59 || os > 59)
			return false;
		/* PostgreSQL's tz counts seconds west of Greenwich */
		tz = -sign * (oh * SECS_PER_HOUR + om * SECS_PER_MINUTE + os);
	}
	else
		return false;
	if (p != end)
		return false;
	if (tm.tm_year < 1 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
		tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1] ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return false;
	if (tm2timestamp(&tm, fsec, &tz, result) != 0 || !IS_VALID_TIMESTAMP(*result))
		return false;
	*julian = date2j(tm.tm_year, tm.tm_mon, tm.tm_mday);
	return true;
}

/* Is s of the form output writes for a window: [N day[s]][ HH:MM:SS[.f]]? */
static bool
WindowTextIsValid(const char *s)
{
	const char *p = s;
	bool		any = false;
	int			v;

	if (*p >= '0' && *p <= '9')
	{
		while (*p >= '0' && *p <= '9')
			p++;
		if (p - s > 6)
			return false;		/* a window of more than 999,999 days */
		if (strncmp(p, " days", 5) == 0)
			p += 5;
		else if (strncmp(p, " day", 4) == 0)
			p += 4;
		else
			p = s;				/* perhaps HH:MM:SS */
		any = p != s;
		if (any && *p == ' ')
			p++;
		else if (any && *p != '\0')
			return false;
	}
	if (*p != '\0')
	{
		if (!ReadDigits(&p, 2, &v) || *p++ != ':' || !ReadDigits(&p, 2, &v) ||
			*p++ != ':' || !ReadDigits(&p, 2, &v))
			return false;
		if (*p == '.')
		{
			int			n = 0;

			p++;
			while (*p >= '0' && *p <= '9' && n < 7)
				p++, n++;
			if (n < 1 || n > 6)
				return false;
		}
		any = true;
	}
	return any && *p == '\0';
}

PG_FUNCTION_INFO_V1(activity_in);

/* Text input: (unit,start,{periods}) */
Datum
activity_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	const char *p = SkipSpace(str);
	const char *comma;
	const char *close;
	int			unit;
	int64		window = 0;
	TimestampTz start;
	int			julian;
	int32		anchor = 0;
	int32		nbits = 0;
	int32		cap = 64;
	int32	   *list = palloc(cap * sizeof(int32));
	int32		n = 0;
	Activity   *a;
	const char *problem;
	int			i;

	if (*p++ != '(')
		ActivitySyntaxError(str, "It does not start with \"(\".");

	/* the unit: a calendar unit's name or an interval */
	comma = strchr(p, ',');
	if (comma == NULL)
		ActivitySyntaxError(str, "The unit is not followed by \",\".");
	unit = CohortUnitFromName(p, comma - p);
	if (unit == 0)
	{
		char	   *ivtext = pnstrdup(p, comma - p);
		Interval   *iv;
		/* only what output writes: [N day[s]][ ][HH:MM:SS[.ffffff]] */
		if (!WindowTextIsValid(ivtext))
			ActivitySyntaxError(str, "The unit is not day, week, month or a window such as 7 days or 1 day 02:00:00.");
		iv = DatumGetIntervalP(DirectFunctionCall3(interval_in, CStringGetDatum(ivtext),
												   ObjectIdGetDatum(InvalidOid),
												   Int32GetDatum(-1)));
		window = CohortWindowFromInterval(iv);
		unit = COHORT_UNIT_FIXED;
	}
	p = comma + 1;

	/* the start */
	comma = strchr(p, ',');
	if (comma == NULL || !CohortParseInstant(p, comma, &start, &julian))
		ActivitySyntaxError(str, "The start is not of the form YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM.");
	if (unit != COHORT_UNIT_FIXED)
	{
		anchor = PeriodOfLocalDay(unit, julian - POSTGRES_EPOCH_JDATE);
		if (PeriodStartJulian(unit, anchor) != julian)
			ActivitySyntaxError(str, "The start's date does not begin a period of its unit (a week starts on Monday, a month on its first day).");
	}
	p = comma + 1;

	/* the periods: {k,k,...} strictly increasing */
	if (*p++ != '{')
		ActivitySyntaxError(str, "The periods do not start with \"{\".");
	close = strchr(p, '}');
	if (close == NULL)
		ActivitySyntaxError(str, "The periods do not end with \"}\".");
	while (p < close)
	{
		int64		k = 0;
		const char *digits = p;

		while (p < close && *p >= '0' && *p <= '9')
		{
			k = k * 10 + (*p++ - '0');
			if (k >= ACTIVITY_MAX_PERIODS)
				ActivitySyntaxError(str, "A period is out of range.");
		}
		if (p == digits || (p < close && *p != ','))
			ActivitySyntaxError(str, "The periods are not a list of numbers.");
		if (p < close && ++p == close)
			ActivitySyntaxError(str, "The list of periods ends with \",\".");
		if (n > 0 && k <= list[n - 1])
			ActivitySyntaxError(str, "The periods are not in increasing order.");
		if (n == cap)
		{
			cap *= 2;
			list = repalloc(list, cap * sizeof(int32));
		}
		list[n++] = (int32) k;
	}
	p = SkipSpace(close + 1);
	if (*p++ != ')' || *SkipSpace(p) != '\0')
		ActivitySyntaxError(str, "It does not end with \")\" after the periods.");

	if (n > 0)
		nbits = list[n - 1] + 1;
	a = NewActivity(unit, window, anchor, start, nbits);
	for (i = 0; i < n; i++)
		a->bits[list[i] / 8] |= 1 << (list[i] % 8);
	problem = ActivityProblem(a);
	if (problem != NULL)
		ActivitySyntaxError(str, problem);
	PG_RETURN_POINTER(a);
}

/* Append finite t as YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00 */
void
AppendInstantUTC(StringInfo buf, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	appendStringInfo(buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year, tm.tm_mon,
					 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
		appendStringInfo(buf, ".%06d", (int) fsec);
	appendStringInfoString(buf, "+00:00");
}

/* Append "+HH:MM[:SS]" for an offset east of UTC in seconds */
static void
AppendOffset(StringInfo buf, int64 secs)
{
	char		sign = secs < 0 ? '-' : '+';

	if (secs < 0)
		secs = -secs;
	appendStringInfo(buf, "%c%02d:%02d", sign, (int) (secs / 3600), (int) (secs / 60 % 60));
	if (secs % 60 != 0)
		appendStringInfo(buf, ":%02d", (int) (secs % 60));
}

/* Append the unit of a as text input reads it */
void
AppendActivityUnit(StringInfo buf, const Activity *a)
{
	int64		days,
				rem;

	if (a->unit != COHORT_UNIT_FIXED)
	{
		appendStringInfoString(buf, CohortUnitName(a->unit));
		return;
	}
	days = a->window / USECS_PER_DAY;
	rem = a->window % USECS_PER_DAY;
	if (days > 0)
		appendStringInfo(buf, "%lld %s", (long long) days, days == 1 ? "day" : "days");
	if (rem != 0)
	{
		if (days > 0)
			appendStringInfoChar(buf, ' ');
		appendStringInfo(buf, "%02d:%02d:%02d", (int) (rem / USECS_PER_HOUR),
						 (int) (rem / USECS_PER_MINUTE % 60), (int) (rem / USECS_PER_SEC % 60));
		if (rem % USECS_PER_SEC != 0)
			appendStringInfo(buf, ".%06d", (int) (rem % USECS_PER_SEC));
	}
}

PG_FUNCTION_INFO_V1(activity_out);

/* Text output */
Datum
activity_out(PG_FUNCTION_ARGS)
{
	Activity   *a = PG_GETARG_ACTIVITY_P(0);
	StringInfoData buf;
	int			y,
				m,
				d;
	int32		k;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	AppendActivityUnit(&buf, a);
	appendStringInfoChar(&buf, ',');
	if (a->unit == COHORT_UNIT_FIXED)
		AppendInstantUTC(&buf, a->start);
	else
	{
		int			julian = PeriodStartJulian(a->unit, a->anchor);
		int64		midnight = ((int64) julian - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;

		j2date(julian, &y, &m, &d);
		appendStringInfo(&buf, "%04d-%02d-%02dT00:00:00", y, m, d);
		AppendOffset(&buf, (midnight - a->start) / USECS_PER_SEC);
	}
	appendStringInfoString(&buf, ",{");
	for (k = ActivityNextBit(a, 0); k >= 0; k = ActivityNextBit(a, k + 1))
	{
		appendStringInfo(&buf, first ? "%d" : ",%d", k);
		first = false;
	}
	appendStringInfoString(&buf, "})");
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(activity_recv);

/* Binary input, as strict as text input */
Datum
activity_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version,
				unit;
	int64		window;
	TimestampTz start;
	int32		anchor,
				nbits;
	Activity   *a;
	const char *problem;

	/* version, unit, window, start, anchor, number of periods */
	if (buf->len - buf->cursor < 26)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary activity"),
				 errdetail("The value is shorter than its header.")));
	version = pq_getmsgbyte(buf);
	if (version != ACTIVITY_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d of type activity", version)));
	unit = pq_getmsgbyte(buf);
	window = pq_getmsgint64(buf);
	start = pq_getmsgint64(buf);
	anchor = pq_getmsgint(buf, 4);
	nbits = pq_getmsgint(buf, 4);
	if (nbits < 0 || nbits > ACTIVITY_MAX_PERIODS ||
		buf->len - buf->cursor != ActivityBytes(nbits))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary activity"),
				 errdetail("The bitmap's length does not match its number of periods.")));
	a = NewActivity(unit, window, anchor, start, nbits);
	pq_copymsgbytes(buf, (char *) a->bits, ActivityBytes(nbits));
	problem = ActivityProblem(a);
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary activity"),
				 errdetail("%s", problem)));
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(activity_send);

/* Binary output */
Datum
activity_send(PG_FUNCTION_ARGS)
{
	Activity   *a = PG_GETARG_ACTIVITY_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, a->version);
	pq_sendbyte(&buf, a->unit);
	pq_sendint64(&buf, a->window);
	pq_sendint64(&buf, a->start);
	pq_sendint32(&buf, a->anchor);
	pq_sendint32(&buf, a->nbits);
	pq_sendbytes(&buf, (const char *) a->bits, ActivityBytes(a->nbits));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Are two activities equal?  Their bytes are, as the form is normalized */
static bool
ActivityEquals(FunctionCallInfo fcinfo)
{
	Activity   *a = PG_GETARG_ACTIVITY_P(0);
	Activity   *b = PG_GETARG_ACTIVITY_P(1);

	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

PG_FUNCTION_INFO_V1(activity_eq);

/* a = b */
Datum
activity_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ActivityEquals(fcinfo));
}

PG_FUNCTION_INFO_V1(activity_ne);

/* a <> b */
Datum
activity_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!ActivityEquals(fcinfo));
}

PG_FUNCTION_INFO_V1(activity_hash);

/* Hash of an activity */
Datum
activity_hash(PG_FUNCTION_ARGS)
{
	Activity   *a = PG_GETARG_ACTIVITY_P(0);

	return hash_any((unsigned char *) VARDATA(a), VARSIZE(a) - VARHDRSZ);
}

PG_FUNCTION_INFO_V1(activity_hash_extended);

/* Seeded 64-bit hash of an activity */
Datum
activity_hash_extended(PG_FUNCTION_ARGS)
{
	Activity   *a = PG_GETARG_ACTIVITY_P(0);

	return hash_any_extended((unsigned char *) VARDATA(a), VARSIZE(a) - VARHDRSZ,
							 PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(activity_cohort_start);

/* The start of period 0 */
Datum
activity_cohort_start(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ(PG_GETARG_ACTIVITY_P(0)->start);
}

PG_FUNCTION_INFO_V1(activity_unit);

/* The unit as text: day, week, month, or the fixed window */
Datum
activity_unit(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	initStringInfo(&buf);
	AppendActivityUnit(&buf, PG_GETARG_ACTIVITY_P(0));
	PG_RETURN_TEXT_P(cstring_to_text(buf.data));
}

PG_FUNCTION_INFO_V1(activity_active_periods);

/* The active periods, in increasing order */
Datum
activity_active_periods(PG_FUNCTION_ARGS)
{
	Activity   *a = PG_GETARG_ACTIVITY_P(0);
	Datum	   *elems = palloc(sizeof(Datum) * Max(a->nbits, 1));
	int			n = 0;
	int32		k;

	for (k = ActivityNextBit(a, 0); k >= 0; k = ActivityNextBit(a, k + 1))
		elems[n++] = Int32GetDatum(k);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, INT4OID, 4, true, TYPALIGN_INT));
}

/* Does a subject with activity a count in cell k of this kind? */
bool
ActivityRetained(const Activity *a, int kind, int32 k)
{
	if (k == 0)
		return true;			/* period 0 is the cohort's size */
	switch (kind)
	{
		case COHORT_KIND_FULL:
			return ActivityNextZero(a, 1) > k;
		case COHORT_KIND_CLASSIC:
			return ActivityHasBit(a, k);
		case COHORT_KIND_ROLLING:
			return a->nbits - 1 >= k;
		case COHORT_KIND_RETURN:
			return ActivityAnyBit(a, 1, k);
	}
	elog(ERROR, "unexpected retention kind %d", kind);
	return false;				/* keep compiler quiet */
}

PG_FUNCTION_INFO_V1(activity_retained);

/* retained(a, kind, k): does the subject count in cell k? */
Datum
activity_retained(PG_FUNCTION_ARGS)
{
	Activity   *a = PG_GETARG_ACTIVITY_P(0);
	int			kind = CohortKindFromText(PG_GETARG_TEXT_PP(1));
	int32		k = PG_GETARG_INT32(2);

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period %d is negative", k),
				 errhint("Period 0 is the cohort's start; retention is counted in periods 1 and later.")));
	PG_RETURN_BOOL(ActivityRetained(a, kind, k));
}

PG_FUNCTION_INFO_V1(activity_retained_bracket);

/* retained(a, bracket): was the subject active inside the bracket? */
Datum
activity_retained_bracket(PG_FUNCTION_ARGS)
{
	Activity   *a = PG_GETARG_ACTIVITY_P(0);
	int32		lo,
				hi;

	CohortBracketBounds(PG_GETARG_DATUM(1), &lo, &hi);
	PG_RETURN_BOOL(ActivityAnyBit(a, lo, hi));
}
