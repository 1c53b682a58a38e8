/*-------------------------------------------------------------------------
 *
 * health_io.c
 *	  Text and binary input/output of the retention.health type: the backend
 *	  side of the parsing core (health_parse.c, which describes both forms
 *	  and reads them without a backend), turning its error codes into the
 *	  messages and SQLSTATEs reported here.
 *
 * Numbers are written in the shortest form that reads back to the same
 * double, whatever extra_float_digits says, so text output always
 * round-trips exactly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "health/health.h"

static void HealthSyntaxError(const char *str, const char *detail) pg_attribute_noreturn();
static void HealthBinaryError(const char *detail) pg_attribute_noreturn();

/* Raise the syntax error for text input str, with the given detail */
static void
HealthSyntaxError(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type health: \"%s\"", str),
			 errdetail_internal("%s", detail)));
}

/* Raise the error the parsing core found in text input str */
static void
HealthTextError(const char *str, const HealthParseError *err)
{
	char	   *field = err->field ? pnstrdup(err->field, err->field_len) : NULL;

	switch (err->code)
	{
		case HEALTH_TEXT_NO_OPEN:
			HealthSyntaxError(str, "A health value must start with \"(\".");
		case HEALTH_TEXT_NO_CLOSE:
			HealthSyntaxError(str, "A health value must end with \")\".");
		case HEALTH_TEXT_NESTED:
			HealthSyntaxError(str, "A health value must not contain \"(\" inside the parentheses.");
		case HEALTH_TEXT_FIELD_COUNT:
			HealthSyntaxError(str, "A health value has four fields: score, band, coverage and weakest measure.");
		case HEALTH_TEXT_TRAILING:
			HealthSyntaxError(str, "Nothing may follow the closing \")\".");
		case HEALTH_TEXT_NUMBER_MISSING:
			HealthSyntaxError(str, psprintf("The %s is missing.", err->what));
		case HEALTH_TEXT_NUMBER_NONFINITE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value \"%s\" is out of range for type health", str),
					 errdetail("The %s must be a finite number between 0 and %g.",
							   err->what, err->max)));
			break;
		case HEALTH_TEXT_NUMBER_SYNTAX:
			HealthSyntaxError(str, psprintf("The %s \"%s\" is not a decimal number.",
											err->what, field));
		case HEALTH_TEXT_NUMBER_UNDERFLOW:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value \"%s\" is out of range for type health", str),
					 errdetail("The %s %s is too close to zero for type double precision.",
							   err->what, field)));
			break;
		case HEALTH_TEXT_NUMBER_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value \"%s\" is out of range for type health", str),
					 errdetail("The %s %s is not between 0 and %g.",
							   err->what, field, err->max)));
			break;
		case HEALTH_TEXT_BAND_MISSING:
			HealthSyntaxError(str, "The band is missing.");
		case HEALTH_TEXT_BAND_UNKNOWN:
			HealthSyntaxError(str, psprintf("The band \"%s\" is not red, yellow or green.",
											field));
		case HEALTH_TEXT_MEASURE_INVALID:
			HealthSyntaxError(str,
							  psprintf("The weakest measure \"%s\" is not a valid measure name: it must start with a lower-case letter, continue with lower-case letters, digits or underscores, and be at most %d bytes long.",
									   field, HEALTH_MEASURE_NAME_MAX));
		default:
			break;
	}
	elog(ERROR, "unexpected health parse code %d", (int) err->code);
}

PG_FUNCTION_INFO_V1(health_in);

/* Text input: (score,band,coverage,weakest) */
Datum
health_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	HealthValue v;
	HealthParseError err;

	if (HealthParseText(str, strlen(str), &v, &err) != HEALTH_PARSE_OK)
		HealthTextError(str, &err);
	PG_RETURN_HEALTH_P(MakeHealth(v.score, v.band, v.coverage, v.weakest));
}

/* The core's view of a stored value */
static void
HealthToValue(const HealthData *h, HealthValue *v)
{
	size_t		len = strnlen(h->weakest, HEALTH_MEASURE_NAME_MAX + 1);

	if (len > HEALTH_MEASURE_NAME_MAX)
		elog(ERROR, "corrupt health value: weakest measure too long");
	v->score = h->score;
	v->coverage = h->coverage;
	v->band = h->band;
	v->weakest_len = (int) len;
	memcpy(v->weakest, h->weakest, len);
	v->weakest[len] = '\0';
}

PG_FUNCTION_INFO_V1(health_out);

/* Text output: (score,band,coverage,weakest) in shortest round-trip form */
Datum
health_out(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);
	HealthValue v;
	char	   *out = palloc(HEALTH_TEXT_MAX);

	HealthToValue(h, &v);
	if (HealthParseBandName(v.band) == NULL)
		elog(ERROR, "invalid health band %d", v.band);
	HealthFormatText(&v, out, HEALTH_TEXT_MAX);
	PG_RETURN_CSTRING(out);
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
 * The weakest measure is read as raw bytes, not as pq_getmsgtext does: a
 * measure name is ASCII, so it needs no encoding conversion, and bytes
 * that are not a name (a NUL, invalid UTF-8) are a malformed value (22P03),
 * not a conversion error.
 */
Datum
health_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	HealthValue v;
	HealthParseError err;
	HealthParseCode code;

	code = HealthDecodeBinary((const unsigned char *) buf->data + buf->cursor,
							  buf->len - buf->cursor, &v, &err);
	switch (code)
	{
		case HEALTH_PARSE_OK:
			break;
		case HEALTH_BIN_TOO_SHORT:
			HealthBinaryError("The message is too short.");
		case HEALTH_BIN_VERSION:
			HealthBinaryError(psprintf("Format version %d is not supported; this release reads version %d.",
									   err.value, HEALTH_FORMAT_VERSION));
		case HEALTH_BIN_BAND:
			HealthBinaryError(psprintf("Band %d is not 1 (red), 2 (yellow) or 3 (green).", err.value));
		case HEALTH_BIN_SCORE:
			HealthBinaryError("The score is not a number between 0 and 100.");
		case HEALTH_BIN_COVERAGE:
			HealthBinaryError("The coverage is not a number between 0 and 1.");
		case HEALTH_BIN_WEAKEST_LENGTH:
			HealthBinaryError("The length of the weakest measure is wrong.");
		case HEALTH_BIN_WEAKEST_TOO_LONG:
			HealthBinaryError("The weakest measure is too long.");
		case HEALTH_BIN_TRAILING:
			HealthBinaryError("Bytes follow the end of the value.");
		case HEALTH_BIN_WEAKEST_NUL:
			HealthBinaryError("The weakest measure contains a zero byte.");
		case HEALTH_BIN_WEAKEST_INVALID:
			HealthBinaryError("The weakest measure is not a valid measure name.");
		default:
			elog(ERROR, "unexpected health decode code %d", (int) code);
	}
	buf->cursor = buf->len;
	PG_RETURN_HEALTH_P(MakeHealth(v.score, v.band, v.coverage, v.weakest));
}

PG_FUNCTION_INFO_V1(health_send);

/* Binary output: version, band, score, coverage, counted weakest text */
Datum
health_send(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);
	HealthValue v;
	size_t		size;
	bytea	   *result;

	HealthToValue(h, &v);
	size = HealthBinarySize(&v);
	result = palloc(VARHDRSZ + size);
	SET_VARSIZE(result, VARHDRSZ + size);
	HealthEncodeBinary(&v, (unsigned char *) VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}
