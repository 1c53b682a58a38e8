/*-------------------------------------------------------------------------
 *
 * survival_io.c
 *	  Text and binary input/output of the retention.survival type, and the
 *	  checks every value read from outside goes through.
 *
 * The forms are read and checked by the parsing core (survival_parse.c,
 * which describes them and needs no backend); this file turns its error
 * codes into the messages and SQLSTATEs reported.  Durations are written in
 * the shortest form that reads back to the same double, whatever
 * extra_float_digits says, so the text form round-trips exactly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "survival/survival.h"

static void SurvivalSyntaxError(const char *str, const char *detail) pg_attribute_noreturn();

/* White space between tokens, as in other text input functions */
static inline bool
SurvivalIsSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\v' || c == '\f';
}

/* Raise the syntax error for text input str, with the given detail */
static void
SurvivalSyntaxError(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type survival: \"%s\"", str),
			 errdetail_internal("%s", detail)));
}

/* A value from a Datum: detoasted (or flattened) and its version checked */
SurvivalData *
SurvivalDetoast(Datum d)
{
	SurvivalData *s = (SurvivalData *) PG_DETOAST_DATUM(d);

	if (s->version != SURVIVAL_FORMAT_VERSION ||
		VARSIZE(s) < SURVIVAL_HEADER_SIZE || s->n < 0 ||
		VARSIZE(s) != SurvivalSize(s->n))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("survival value of unknown format version %d", s->version),
				 errdetail("This version of the extension reads version %d.",
						   SURVIVAL_FORMAT_VERSION)));
	return s;
}

/* An empty value with room for n entries */
SurvivalData *
SurvivalAlloc(int32 n)
{
	SurvivalData *s;

	if (n < 0 || n > SURVIVAL_MAX_ENTRIES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a survival value cannot hold more than %d distinct durations",
						SURVIVAL_MAX_ENTRIES)));
	s = palloc0(SurvivalSize(n));
	SET_VARSIZE(s, SurvivalSize(n));
	s->version = SURVIVAL_FORMAT_VERSION;
	s->n = n;
	return s;
}

/* Refuse a duration that is negative, NaN or infinite */
void
SurvivalCheckDuration(double t)
{
	if (isnan(t) || isinf(t) || t < 0)
	{
		char		buf[32];

		snprintf(buf, sizeof(buf), "%g", t);
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("duration %s is out of range", buf),
				 errdetail("A duration must be a finite number of 0 or more.")));
	}
}

/* The number of subjects of s */
int64
SurvivalSubjects(const SurvivalData *s)
{
	const int64 *ev = SURV_EVENTS(s);
	const int64 *ce = SURV_CENSORED(s);
	int64		total = 0;

	for (int32 i = 0; i < s->n; i++)
		if (pg_add_s64_overflow(total, ev[i], &total) ||
			pg_add_s64_overflow(total, ce[i], &total))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("survival value counts more than %lld subjects",
							(long long) PG_INT64_MAX)));
	return total;
}

/* Check a value read from outside; what is "text" or "binary" */
void
SurvivalValidate(const SurvivalData *s, const char *what)
{
	SurvivalParseError err;

	switch (SurvivalCheckEntries(SURV_TIMES(s), SURV_EVENTS(s), SURV_CENSORED(s),
								 s->n, &err))
	{
		case SURVIVAL_PARSE_OK:
			return;
		case SURVIVAL_CHECK_DURATION:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("invalid %s survival value", what),
					 errdetail("Duration %d is negative, NaN or infinite.", err.index)));
			break;
		case SURVIVAL_CHECK_ORDER:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s survival value", what),
					 errdetail("Durations must be strictly increasing, and duration %d is not.", err.index)));
			break;
		case SURVIVAL_CHECK_COUNTS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s survival value", what),
					 errdetail("Duration %d has a negative count or no subject at all.", err.index)));
			break;
		default:
			(void) SurvivalSubjects(s); /* raises the overflow error */
			elog(ERROR, "unexpected survival check code %d", (int) err.code);
	}
}

/* Entries of the text form as they are read, before the value is built */
typedef struct SurvivalCollect
{
	int32		n;
	int32		cap;
	double	   *t;
	int64	   *ev;
	int64	   *ce;
} SurvivalCollect;

/* The parsing core's sink: append one entry, growing the arrays */
static bool
SurvivalCollectEntry(void *arg, double time, int64_t events, int64_t censored)
{
	SurvivalCollect *c = (SurvivalCollect *) arg;

	if (c->n == c->cap)
	{
		if (c->cap > SURVIVAL_MAX_ENTRIES / 2)
			return false;
		c->cap *= 2;
		c->t = repalloc(c->t, c->cap * sizeof(double));
		c->ev = repalloc(c->ev, c->cap * sizeof(int64));
		c->ce = repalloc(c->ce, c->cap * sizeof(int64));
	}
	c->t[c->n] = time;
	c->ev[c->n] = events;
	c->ce[c->n] = censored;
	c->n++;
	return true;
}

PG_FUNCTION_INFO_V1(survival_in);
/* Text input: {time:events/censored,...} */
Datum
survival_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	SurvivalCollect c;
	SurvivalParseError err;
	SurvivalData *s;

	c.n = 0;
	c.cap = 16;
	c.t = palloc(c.cap * sizeof(double));
	c.ev = palloc(c.cap * sizeof(int64));
	c.ce = palloc(c.cap * sizeof(int64));
	switch (SurvivalParseText(str, strlen(str), SurvivalCollectEntry, &c, &err))
	{
		case SURVIVAL_PARSE_OK:
			break;
		case SURVIVAL_TEXT_NO_OPEN:
			SurvivalSyntaxError(str, "A survival value starts with \"{\".");
		case SURVIVAL_TEXT_COUNT_SYNTAX:
			SurvivalSyntaxError(str, "A count must be a whole number of 0 or more.");
		case SURVIVAL_TEXT_COUNT_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("count is out of range in survival value \"%s\"", str)));
			break;
		case SURVIVAL_TEXT_TIME_SYNTAX:
			SurvivalSyntaxError(str, "A duration must be a decimal number of 0 or more.");
		case SURVIVAL_TEXT_TIME_EXPONENT:
			SurvivalSyntaxError(str, "A duration has an incomplete exponent.");
		case SURVIVAL_TEXT_TIME_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("duration is out of range in survival value \"%s\"", str)));
			break;
		case SURVIVAL_TEXT_ENTRY:
			SurvivalSyntaxError(str, "Each entry is time:events/censored.");
		case SURVIVAL_TEXT_SEPARATOR:
			SurvivalSyntaxError(str, "Entries are separated by \",\" and the value ends with \"}\".");
		case SURVIVAL_TEXT_TRAILING:
			SurvivalSyntaxError(str, "Nothing may follow the closing \"}\".");
		case SURVIVAL_TEXT_TOO_MANY:
			SurvivalAlloc(PG_INT32_MAX);	/* raises the limit error */
			break;
		default:
			break;
	}
	if (err.code != SURVIVAL_PARSE_OK)
		elog(ERROR, "unexpected survival parse code %d", (int) err.code);

	s = SurvivalAlloc(c.n);
	memcpy(SURV_TIMES(s), c.t, c.n * sizeof(double));
	memcpy(SURV_EVENTS(s), c.ev, c.n * sizeof(int64));
	memcpy(SURV_CENSORED(s), c.ce, c.n * sizeof(int64));
	SurvivalValidate(s, "text");
	PG_RETURN_SURVIVAL_P(s);
}

PG_FUNCTION_INFO_V1(survival_out);
/* Text output, durations in shortest round-trip form */
Datum
survival_out(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);
	const float8 *t = SURV_TIMES(s);
	const int64 *ev = SURV_EVENTS(s);
	const int64 *ce = SURV_CENSORED(s);
	StringInfoData buf;
	char		entry[SURVIVAL_ENTRY_TEXT_MAX];

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int32 i = 0; i < s->n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendBinaryStringInfo(&buf, entry,
							   SurvivalFormatEntry(t[i], ev[i], ce[i], entry));
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(survival_recv);
/* Binary input: version, count, entries; checked as text input is */
Datum
survival_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const unsigned char *data = (const unsigned char *) buf->data + buf->cursor;
	SurvivalParseError err;
	int32		n = 0;
	SurvivalData *s;

	switch (SurvivalDecodeHeader(data, buf->len - buf->cursor, &n, &err))
	{
		case SURVIVAL_PARSE_OK:
			break;
		case SURVIVAL_BIN_NO_DATA:
		case SURVIVAL_BIN_SHORT_COUNT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary survival value"),
					 errdetail("The value is shorter than its header.")));
			break;
		case SURVIVAL_BIN_VERSION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("unsupported binary survival format version %d", (int) err.value),
					 errdetail("This version of the extension reads version %d.",
							   SURVIVAL_FORMAT_VERSION)));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary survival value"),
					 errdetail("The message announces %d entries but holds %d bytes for them.",
							   (int) err.value, (int) err.bytes)));
	}
	s = SurvivalAlloc(n);
	SurvivalDecodeEntries(data, n, SURV_TIMES(s), SURV_EVENTS(s), SURV_CENSORED(s));
	buf->cursor = buf->len;
	SurvivalValidate(s, "binary");
	PG_RETURN_SURVIVAL_P(s);
}

PG_FUNCTION_INFO_V1(survival_send);
/* Binary output: the parsing core writes it */
Datum
survival_send(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);
	Size		size = 5 + (Size) s->n * SURVIVAL_BINARY_ENTRY;
	bytea	   *result = palloc(VARHDRSZ + size);

	SET_VARSIZE(result, VARHDRSZ + size);
	SurvivalEncodeBinary(SURV_TIMES(s), SURV_EVENTS(s), SURV_CENSORED(s), s->n,
						 (unsigned char *) VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}
