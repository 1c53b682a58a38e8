/*-------------------------------------------------------------------------
 *
 * survival_io.c
 *	  Text and binary input/output of the retention.survival type, and the
 *	  checks every value read from outside goes through.
 *
 * Text form: {time:events/censored,...} with the durations strictly
 * increasing, e.g. {0:1/0,2.5:3/1,7:0/2}; {} is the curve of no subject.
 * Durations are written in the shortest form that reads back to the same
 * double, whatever extra_float_digits says, so the text form round-trips
 * exactly.
 *
 * Binary form: the version byte, the int32 count n, then n entries of
 * (float8 time, int64 events, int64 censored).  recv makes every check in
 * makes and insists that nothing follows the last entry.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "common/shortest_dec.h"
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
	const float8 *t = SURV_TIMES(s);
	const int64 *ev = SURV_EVENTS(s);
	const int64 *ce = SURV_CENSORED(s);

	for (int32 i = 0; i < s->n; i++)
	{
		if (isnan(t[i]) || isinf(t[i]) || t[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("invalid %s survival value", what),
					 errdetail("Duration %d is negative, NaN or infinite.", i + 1)));
		if (i > 0 && !(t[i] > t[i - 1]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s survival value", what),
					 errdetail("Durations must be strictly increasing, and duration %d is not.", i + 1)));
		if (ev[i] < 0 || ce[i] < 0 || (ev[i] == 0 && ce[i] == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s survival value", what),
					 errdetail("Duration %d has a negative count or no subject at all.", i + 1)));
	}
	(void) SurvivalSubjects(s);
}

/*
 * Parse a count ([0-9]+, within int64) at *p; str is the whole input, for
 * messages.  Advances *p past the digits.
 */
static int64
SurvivalParseCount(const char *str, const char **p)
{
	const char *c = *p;
	int64		val = 0;

	if (!(*c >= '0' && *c <= '9'))
		SurvivalSyntaxError(str, "A count must be a whole number of 0 or more.");
	while (*c >= '0' && *c <= '9')
	{
		if (pg_mul_s64_overflow(val, 10, &val) ||
			pg_add_s64_overflow(val, *c - '0', &val))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("count is out of range in survival value \"%s\"", str)));
		c++;
	}
	*p = c;
	return val;
}

/*
 * Parse a duration at *p: [+]?(digits[.digits*]|.digits)([eE][+-]?digits)?
 * (strtod alone would also take hexadecimal, "inf" and "nan").
 */
static double
SurvivalParseTime(const char *str, const char **p)
{
	const char *c = *p;
	int			ndigits = 0;
	char	   *end;
	double		val;

	if (*c == '+')
		c++;
	while (*c >= '0' && *c <= '9')
		c++, ndigits++;
	if (*c == '.')
	{
		c++;
		while (*c >= '0' && *c <= '9')
			c++, ndigits++;
	}
	if (ndigits == 0)
		SurvivalSyntaxError(str, "A duration must be a decimal number of 0 or more.");
	if (*c == 'e' || *c == 'E')
	{
		c++;
		if (*c == '+' || *c == '-')
			c++;
		if (!(*c >= '0' && *c <= '9'))
			SurvivalSyntaxError(str, "A duration has an incomplete exponent.");
		while (*c >= '0' && *c <= '9')
			c++;
	}
	val = strtod(*p, &end);
	if (end != c)
		SurvivalSyntaxError(str, "A duration must be a decimal number of 0 or more.");
	if (isinf(val))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("duration is out of range in survival value \"%s\"", str)));
	*p = c;
	return val + 0.0;			/* no negative zero */
}

/* Skip white space at p */
static inline const char *
SurvivalSkipSpace(const char *p)
{
	while (SurvivalIsSpace(*p))
		p++;
	return p;
}

PG_FUNCTION_INFO_V1(survival_in);
/* Text input: {time:events/censored,...} */
Datum
survival_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	const char *p = SurvivalSkipSpace(str);
	int32		n = 0;
	int32		cap = 16;
	double	   *t = palloc(cap * sizeof(double));
	int64	   *ev = palloc(cap * sizeof(int64));
	int64	   *ce = palloc(cap * sizeof(int64));
	SurvivalData *s;

	if (*p != '{')
		SurvivalSyntaxError(str, "A survival value starts with \"{\".");
	p = SurvivalSkipSpace(p + 1);
	if (*p != '}')
	{
		for (;;)
		{
			if (n == cap)
			{
				if (cap > SURVIVAL_MAX_ENTRIES / 2)
					SurvivalAlloc(PG_INT32_MAX);	/* raises the limit error */
				cap *= 2;
				t = repalloc(t, cap * sizeof(double));
				ev = repalloc(ev, cap * sizeof(int64));
				ce = repalloc(ce, cap * sizeof(int64));
			}
			t[n] = SurvivalParseTime(str, &p);
			p = SurvivalSkipSpace(p);
			if (*p != ':')
				SurvivalSyntaxError(str, "Each entry is time:events/censored.");
			p = SurvivalSkipSpace(p + 1);
			ev[n] = SurvivalParseCount(str, &p);
			p = SurvivalSkipSpace(p);
			if (*p != '/')
				SurvivalSyntaxError(str, "Each entry is time:events/censored.");
			p = SurvivalSkipSpace(p + 1);
			ce[n] = SurvivalParseCount(str, &p);
			p = SurvivalSkipSpace(p);
			n++;
			if (*p == ',')
			{
				p = SurvivalSkipSpace(p + 1);
				continue;
			}
			if (*p == '}')
				break;
			SurvivalSyntaxError(str, "Entries are separated by \",\" and the value ends with \"}\".");
		}
	}
	p = SurvivalSkipSpace(p + 1);
	if (*p != '\0')
		SurvivalSyntaxError(str, "Nothing may follow the closing \"}\".");

	s = SurvivalAlloc(n);
	memcpy(SURV_TIMES(s), t, n * sizeof(double));
	memcpy(SURV_EVENTS(s), ev, n * sizeof(int64));
	memcpy(SURV_CENSORED(s), ce, n * sizeof(int64));
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
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int32 i = 0; i < s->n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		double_to_shortest_decimal_buf(t[i], num);
		appendStringInfo(&buf, "%s:" INT64_FORMAT "/" INT64_FORMAT,
						 num, ev[i], ce[i]);
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
	int			version;
	int32		n;
	SurvivalData *s;
	float8	   *t;
	int64	   *ev;
	int64	   *ce;

	/* version and count */
	if (buf->len - buf->cursor < 5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary survival value"),
				 errdetail("The value is shorter than its header.")));
	version = pq_getmsgbyte(buf);
	if (version != SURVIVAL_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary survival format version %d", version),
				 errdetail("This version of the extension reads version %d.",
						   SURVIVAL_FORMAT_VERSION)));
	n = (int32) pq_getmsgint(buf, 4);
	if (n < 0 || (Size) (buf->len - buf->cursor) != (Size) n * SURVIVAL_ENTRY_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary survival value"),
				 errdetail("The message announces %d entries but holds %d bytes for them.",
						   n, buf->len - buf->cursor)));
	s = SurvivalAlloc(n);
	t = SURV_TIMES(s);
	ev = SURV_EVENTS(s);
	ce = SURV_CENSORED(s);
	for (int32 i = 0; i < n; i++)
	{
		t[i] = pq_getmsgfloat8(buf);
		ev[i] = pq_getmsgint64(buf);
		ce[i] = pq_getmsgint64(buf);
	}
	pq_getmsgend(buf);
	SurvivalValidate(s, "binary");
	for (int32 i = 0; i < n; i++)
		t[i] += 0.0;			/* no negative zero */
	PG_RETURN_SURVIVAL_P(s);
}

PG_FUNCTION_INFO_V1(survival_send);
/* Binary output */
Datum
survival_send(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);
	const float8 *t = SURV_TIMES(s);
	const int64 *ev = SURV_EVENTS(s);
	const int64 *ce = SURV_CENSORED(s);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SURVIVAL_FORMAT_VERSION);
	pq_sendint32(&buf, s->n);
	for (int32 i = 0; i < s->n; i++)
	{
		pq_sendfloat8(&buf, t[i]);
		pq_sendint64(&buf, ev[i]);
		pq_sendint64(&buf, ce[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
