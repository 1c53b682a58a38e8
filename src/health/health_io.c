/*-------------------------------------------------------------------------
 *
 * health_io.c
 *	  Text and binary input/output of the retention.health type.
 *
 * Text form: (score,band,coverage,weakest), e.g. (69.5,yellow,1,usage) or
 * (100,green,1,) when no measure is weakest.  Numbers are written in the
 * shortest form that reads back to the same double, whatever
 * extra_float_digits says, so text output always round-trips exactly.
 *
 * Binary form: version byte, band byte, score float8, coverage float8, then
 * the weakest measure as counted text (int32 byte count, then the bytes).
 * The count makes the message self-delimiting, so recv can insist that
 * nothing follows it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <errno.h>
#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "health/health.h"

/* Number of comma-separated fields in the text form */
#define HEALTH_NFIELDS	4

/* Smallest binary message: two bytes, two float8s, the int32 count */
#define HEALTH_MIN_BINARY_LEN	(1 + 1 + 8 + 8 + 4)

static void HealthSyntaxError(const char *str, const char *detail) pg_attribute_noreturn();
static void HealthBinaryError(const char *detail) pg_attribute_noreturn();

/* White space around fields, as in other text input functions */
static inline bool
HealthIsSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\v' || c == '\f';
}

/* Raise the syntax error for text input str, with the given detail */
static void
HealthSyntaxError(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type health: \"%s\"", str),
			 errdetail_internal("%s", detail)));
}

/* Does field (NUL-terminated, trimmed) match [+-]?(inf|infinity|nan)? */
static bool
HealthIsNonFinite(const char *field)
{
	if (*field == '+' || *field == '-')
		field++;
	return pg_strcasecmp(field, "inf") == 0 ||
		pg_strcasecmp(field, "infinity") == 0 ||
		pg_strcasecmp(field, "nan") == 0;
}

/*
 * Does field match [+-]?(digits[.digits*]|.digits)([eE][+-]?digits)?
 *
 * strtod alone would also take hexadecimal numbers, "infinity" and "nan",
 * so the syntax is checked here first and strtod only converts.
 */
static bool
HealthIsDecimal(const char *field)
{
	const char *p = field;
	int			ndigits = 0;

	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
	{
		p++;
		ndigits++;
	}
	if (*p == '.')
	{
		p++;
		while (*p >= '0' && *p <= '9')
		{
			p++;
			ndigits++;
		}
	}
	if (ndigits == 0)
		return false;
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

/*
 * Convert field (trimmed) to a double within [0, max]; str is the whole
 * input and what names the number in messages.
 */
static double
HealthParseNumber(const char *str, const char *field, const char *what,
				  double max)
{
	double		val;
	char	   *end;

	if (*field == '\0')
		HealthSyntaxError(str, psprintf("The %s is missing.", what));
	if (HealthIsNonFinite(field))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value \"%s\" is out of range for type health", str),
				 errdetail("The %s must be a finite number between 0 and %g.",
						   what, max)));
	if (!HealthIsDecimal(field))
		HealthSyntaxError(str, psprintf("The %s \"%s\" is not a decimal number.",
										what, field));

	errno = 0;
	val = strtod(field, &end);
	if (*end != '\0')			/* cannot happen after HealthIsDecimal */
		HealthSyntaxError(str, psprintf("The %s \"%s\" is not a decimal number.",
										what, field));

	/*
	 * Underflow gives 0 or a denormal: like float8 input, refuse only a
	 * result that lost the value entirely.  (Overflow gives HUGE_VAL, which
	 * the range check below refuses.)
	 */
	if (errno == ERANGE && val == 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value \"%s\" is out of range for type health", str),
				 errdetail("The %s %s is too close to zero for type double precision.",
						   what, field)));
	if (isnan(val) || val < 0.0 || val > max)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value \"%s\" is out of range for type health", str),
				 errdetail("The %s %s is not between 0 and %g.",
						   what, field, max)));
	return val;
}

/* Copy str[start..end) without surrounding white space into a new string */
static char *
HealthTrimmedField(const char *start, const char *end)
{
	while (start < end && HealthIsSpace(*start))
		start++;
	while (end > start && HealthIsSpace(end[-1]))
		end--;
	return pnstrdup(start, end - start);
}

PG_FUNCTION_INFO_V1(health_in);

/* Text input: (score,band,coverage,weakest) */
Datum
health_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	char	   *fields[HEALTH_NFIELDS];
	const char *p = str;
	double		score;
	double		coverage;
	int			band;
	int			i;

	while (HealthIsSpace(*p))
		p++;
	if (*p != '(')
		HealthSyntaxError(str, "A health value must start with \"(\".");
	p++;

	for (i = 0; i < HEALTH_NFIELDS; i++)
	{
		const char *start = p;

		while (*p != '\0' && *p != ',' && *p != ')' && *p != '(')
			p++;
		if (*p == '\0')
			HealthSyntaxError(str, "A health value must end with \")\".");
		if (*p == '(')
			HealthSyntaxError(str, "A health value must not contain \"(\" inside the parentheses.");
		if (i < HEALTH_NFIELDS - 1 && *p == ')')
			HealthSyntaxError(str, "A health value has four fields: score, band, coverage and weakest measure.");
		if (i == HEALTH_NFIELDS - 1 && *p == ',')
			HealthSyntaxError(str, "A health value has four fields: score, band, coverage and weakest measure.");
		fields[i] = HealthTrimmedField(start, p);
		p++;					/* skip the ',' or ')' */
	}
	while (HealthIsSpace(*p))
		p++;
	if (*p != '\0')
		HealthSyntaxError(str, "Nothing may follow the closing \")\".");

	score = HealthParseNumber(str, fields[0], "score", 100.0);

	band = HealthBandFromName(fields[1]);
	if (band == 0)
	{
		if (fields[1][0] == '\0')
			HealthSyntaxError(str, "The band is missing.");
		HealthSyntaxError(str, psprintf("The band \"%s\" is not red, yellow or green.",
										fields[1]));
	}

	coverage = HealthParseNumber(str, fields[2], "coverage", 1.0);

	if (fields[3][0] != '\0' && !HealthMeasureNameIsValid(fields[3]))
		HealthSyntaxError(str,
						  psprintf("The weakest measure \"%s\" is not a valid measure name: it must start with a lower-case letter, continue with lower-case letters, digits or underscores, and be at most %d bytes long.",
								   fields[3], HEALTH_MEASURE_NAME_MAX));

	PG_RETURN_HEALTH_P(MakeHealth(score, band, coverage, fields[3]));
}

PG_FUNCTION_INFO_V1(health_out);

/* Text output: (score,band,coverage,weakest) in shortest round-trip form */
Datum
health_out(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);
	char		score[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		coverage[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(h->score, score);
	double_to_shortest_decimal_buf(h->coverage, coverage);
	PG_RETURN_CSTRING(psprintf("(%s,%s,%s,%s)", score,
							   HealthBandName(h->band), coverage, h->weakest));
}

/* Raise the error for a binary message that no health_send produced */
static void
HealthBinaryError(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external binary representation of type health"),
			 errdetail_internal("%s", detail)));
}

PG_FUNCTION_INFO_V1(health_recv);

/*
 * Binary input.  Everything health_in checks is checked again here, and
 * reported as 22P03, since no health_send output can fail these checks.
 */
Datum
health_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int			band;
	double		score;
	double		coverage;
	int32		len;
	char	   *weakest;
	const char *raw;

	if (buf->len - buf->cursor < HEALTH_MIN_BINARY_LEN)
		HealthBinaryError("The message is too short.");

	version = pq_getmsgbyte(buf);
	if (version != HEALTH_FORMAT_VERSION)
		HealthBinaryError(psprintf("Format version %d is not supported; this release reads version %d.",
								   version, HEALTH_FORMAT_VERSION));
	band = pq_getmsgbyte(buf);
	if (band < HEALTH_BAND_RED || band > HEALTH_BAND_GREEN)
		HealthBinaryError(psprintf("Band %d is not 1 (red), 2 (yellow) or 3 (green).", band));
	score = pq_getmsgfloat8(buf);
	if (isnan(score) || score < 0.0 || score > 100.0)
		HealthBinaryError("The score is not a number between 0 and 100.");
	coverage = pq_getmsgfloat8(buf);
	if (isnan(coverage) || coverage < 0.0 || coverage > 1.0)
		HealthBinaryError("The coverage is not a number between 0 and 1.");

	len = (int32) pq_getmsgint(buf, 4);
	if (len < 0 || len > buf->len - buf->cursor)
		HealthBinaryError("The length of the weakest measure is wrong.");
	/* measure names are ASCII, so a valid one takes no more bytes in any encoding */
	if (len > HEALTH_MEASURE_NAME_MAX)
		HealthBinaryError("The weakest measure is too long.");
	/*
	 * The raw bytes, not pq_getmsgtext: a measure name is ASCII, so it needs
	 * no encoding conversion, and bytes that are not a name (a NUL, invalid
	 * UTF-8) are a malformed value (22P03), not a conversion error.
	 */
	raw = pq_getmsgbytes(buf, len);
	if (buf->cursor != buf->len)
		HealthBinaryError("Bytes follow the end of the value.");
	if (memchr(raw, '\0', len) != NULL)
		HealthBinaryError("The weakest measure contains a zero byte.");
	weakest = pnstrdup(raw, len);
	if (len > 0 && !HealthMeasureNameIsValid(weakest))
		HealthBinaryError("The weakest measure is not a valid measure name.");

	PG_RETURN_HEALTH_P(MakeHealth(score, band, coverage, weakest));
}

PG_FUNCTION_INFO_V1(health_send);

/* Binary output: version, band, score, coverage, counted weakest text */
Datum
health_send(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, HEALTH_FORMAT_VERSION);
	pq_sendbyte(&buf, h->band);
	pq_sendfloat8(&buf, h->score);
	pq_sendfloat8(&buf, h->coverage);
	pq_sendcountedtext(&buf, h->weakest, strlen(h->weakest), false);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
