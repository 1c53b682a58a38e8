/*-------------------------------------------------------------------------
 *
 * activity_io.c
 *	  The retention.activity type: text and binary input/output, equality,
 *	  hashing, accessors and retained().
 *
 * The text and binary forms are read and checked by the parsing core
 * (activity_parse.c, which describes them and needs no backend); this file
 * turns its error codes into the messages and SQLSTATEs reported.
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

/* The core's view of an activity's fields */
static void
ActivityToFields(const Activity *a, ActivityFields *f)
{
	f->unit = a->unit;
	f->window = a->window;
	f->start = a->start;
	f->anchor = a->anchor;
	f->nbits = a->nbits;
}

/*
 * Check the fields of an activity; NULL if it is valid, else why not.
 * Used by text and binary input, which must accept exactly what output
 * writes.
 */
static const char *
ActivityProblem(const Activity *a)
{
	ActivityFields f;

	ActivityToFields(a, &f);
	switch (ActivityCheck(&f, a->bits))
	{
		case ACTIVITY_PARSE_OK:
			return NULL;
		case ACTIVITY_CHECK_UNIT:
			return "The unit is not day, week, month or a fixed window.";
		case ACTIVITY_CHECK_START:
			return "The start is not a finite timestamp.";
		case ACTIVITY_CHECK_FIXED_WINDOW:
			return "A fixed window must be positive.";
		case ACTIVITY_CHECK_WINDOW_RANGE:
			return "A fixed window must be shorter than 1000000 days.";
		case ACTIVITY_CHECK_CALENDAR_WINDOW:
			return "A calendar unit has no window.";
		case ACTIVITY_CHECK_START_RANGE:
			return "The start is out of range.";
		case ACTIVITY_CHECK_START_PERIOD:
			return "The start is not the beginning of its period.";
		case ACTIVITY_CHECK_TOO_MANY:
			return "Too many periods.";
		case ACTIVITY_CHECK_BITMAP:
			return "The bitmap does not end at its last active period.";
		default:
			break;
	}
	return "The value is malformed.";
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

/*
 * Parse YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM[:SS]) into the instant and
 * the Julian day of its written date.  False if malformed.
 */
bool
CohortParseInstant(const char *p, const char *end, TimestampTz *result, int *julian)
{
	int64_t		t;

	if (!ActivityParseInstant(p, end, &t, julian))
		return false;
	*result = t;
	return true;
}

/* Periods of the text form as they are read */
typedef struct ActivityCollect
{
	int32		n;
	int32		cap;
	int32	   *list;
} ActivityCollect;

/* The parsing core's window callback: the text read as an interval */
static bool
ActivityWindowFromText(void *arg, const char *text, size_t len, int64_t *window)
{
	Interval   *iv;

	iv = DatumGetIntervalP(DirectFunctionCall3(interval_in,
											   CStringGetDatum(pnstrdup(text, len)),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
	*window = CohortWindowFromInterval(iv);
	return true;
}

/* The parsing core's period callback: append one period */
static bool
ActivityCollectPeriod(void *arg, int32_t period)
{
	ActivityCollect *c = (ActivityCollect *) arg;

	if (c->n == c->cap)
	{
		c->cap *= 2;
		c->list = repalloc(c->list, c->cap * sizeof(int32));
	}
	c->list[c->n++] = period;
	return true;
}

PG_FUNCTION_INFO_V1(activity_in);

/* Text input: (unit,start,{periods}) */
Datum
activity_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	ActivityCollect c;
	ActivityFields f;
	ActivityParseError err;
	Activity   *a;
	const char *problem;
	int			i;

	c.n = 0;
	c.cap = 64;
	c.list = palloc(c.cap * sizeof(int32));
	switch (ActivityParseText(str, strlen(str), ActivityWindowFromText,
							  ActivityCollectPeriod, &c, &f, &err))
	{
		case ACTIVITY_PARSE_OK:
			break;
		case ACTIVITY_TEXT_NO_OPEN:
			ActivitySyntaxError(str, "It does not start with \"(\".");
		case ACTIVITY_TEXT_NO_UNIT_COMMA:
			ActivitySyntaxError(str, "The unit is not followed by \",\".");
		case ACTIVITY_TEXT_UNIT:
		case ACTIVITY_TEXT_WINDOW:
			ActivitySyntaxError(str, "The unit is not day, week, month or a window such as 7 days or 1 day 02:00:00.");
		case ACTIVITY_TEXT_START:
			ActivitySyntaxError(str, "The start is not of the form YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM.");
		case ACTIVITY_TEXT_START_NOT_PERIOD:
			ActivitySyntaxError(str, "The start's date does not begin a period of its unit (a week starts on Monday, a month on its first day).");
		case ACTIVITY_TEXT_NO_OPEN_BRACE:
			ActivitySyntaxError(str, "The periods do not start with \"{\".");
		case ACTIVITY_TEXT_NO_CLOSE_BRACE:
			ActivitySyntaxError(str, "The periods do not end with \"}\".");
		case ACTIVITY_TEXT_PERIOD_RANGE:
			ActivitySyntaxError(str, "A period is out of range.");
		case ACTIVITY_TEXT_PERIOD_LIST:
			ActivitySyntaxError(str, "The periods are not a list of numbers.");
		case ACTIVITY_TEXT_PERIOD_COMMA:
			ActivitySyntaxError(str, "The list of periods ends with \",\".");
		case ACTIVITY_TEXT_PERIOD_ORDER:
			ActivitySyntaxError(str, "The periods are not in increasing order.");
		case ACTIVITY_TEXT_NO_CLOSE:
			ActivitySyntaxError(str, "It does not end with \")\" after the periods.");
		default:
			elog(ERROR, "unexpected activity parse code %d", (int) err.code);
	}

	a = NewActivity(f.unit, f.window, f.anchor, f.start, f.nbits);
	for (i = 0; i < c.n; i++)
		a->bits[c.list[i] / 8] |= 1 << (c.list[i] % 8);
	problem = ActivityProblem(a);
	if (problem != NULL)
		ActivitySyntaxError(str, problem);
	PG_RETURN_POINTER(a);
}

/* Append finite t as YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00 */
void
AppendInstantUTC(StringInfo buf, TimestampTz t)
{
	char		text[ACTIVITY_INSTANT_TEXT_MAX];

	if (!IS_VALID_TIMESTAMP(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	appendBinaryStringInfo(buf, text, ActivityFormatInstant(t, -1, 0, text));
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
		char		text[ACTIVITY_INSTANT_TEXT_MAX];

		appendBinaryStringInfo(&buf, text,
							   ActivityFormatInstant(a->start, julian,
													 (midnight - a->start) / USECS_PER_SEC,
													 text));
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
	const unsigned char *data = (const unsigned char *) buf->data + buf->cursor;
	ActivityFields f;
	ActivityParseError err;
	Activity   *a;
	const char *problem;

	switch (ActivityDecodeHeader(data, buf->len - buf->cursor, &f, &err))
	{
		case ACTIVITY_PARSE_OK:
			break;
		case ACTIVITY_BIN_NO_DATA:
		case ACTIVITY_BIN_SHORT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary activity"),
					 errdetail("The value is shorter than its header.")));
			break;
		case ACTIVITY_BIN_VERSION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("unsupported binary format version %d of type activity", err.value)));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary activity"),
					 errdetail("The bitmap's length does not match its number of periods.")));
	}
	a = NewActivity(f.unit, f.window, f.anchor, f.start, f.nbits);
	memcpy(a->bits, data + ACTIVITY_BINARY_HEADER, ActivityBytes(f.nbits));
	buf->cursor = buf->len;
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
