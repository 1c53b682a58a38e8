/*-------------------------------------------------------------------------
 *
 * health.c
 *	  The retention.health type: building values, band names, measure name
 *	  checks, the SQL constructor, accessors and casts.
 *
 * Text and binary I/O live in health_io.c, comparison, hashing and min/max
 * in health_ops.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "health/health.h"

/* Names of the bands, indexed by HEALTH_BAND_* */
static const char *const health_band_names[] = {
	NULL,
	"red",
	"yellow",
	"green"
};

/* Return the name of a band; elog for an impossible one */
const char *
HealthBandName(int band)
{
	if (band < HEALTH_BAND_RED || band > HEALTH_BAND_GREEN)
		elog(ERROR, "invalid health band %d", band);
	return health_band_names[band];
}

/* Return HEALTH_BAND_* for a band name, or 0 if it is not one */
int
HealthBandFromName(const char *name)
{
	int			band;

	if (name == NULL)
		return 0;
	for (band = HEALTH_BAND_RED; band <= HEALTH_BAND_GREEN; band++)
	{
		if (strcmp(name, health_band_names[band]) == 0)
			return band;
	}
	return 0;
}

/* Is this a valid measure name ([a-z][a-z0-9_]*, at most 63 bytes)? */
bool
HealthMeasureNameIsValid(const char *name)
{
	int			len;

	if (name == NULL || !(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	for (len = 1; name[len] != '\0'; len++)
	{
		char		c = name[len];

		if (len >= HEALTH_MEASURE_NAME_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/*
 * Build a health value in CurrentMemoryContext; weakest may be NULL or "".
 *
 * The checks here are the single place every way of making a value (text
 * input, binary input, make_health, the health aggregate) goes through, so
 * no stored value can hold a NaN, an out-of-range number or a bad name.
 */
HealthData *
MakeHealth(double score, int band, double coverage, const char *weakest)
{
	HealthData *result;
	size_t		namelen;
	Size		size;

	if (isnan(score) || score < 0.0 || score > 100.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("health score %s is out of range",
						float8out_internal(score)),
				 errdetail("A health score must lie between 0 and 100.")));
	if (isnan(coverage) || coverage < 0.0 || coverage > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("health coverage %s is out of range",
						float8out_internal(coverage)),
				 errdetail("Coverage must lie between 0 and 1.")));
	if (band < HEALTH_BAND_RED || band > HEALTH_BAND_GREEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid health band %d", band),
				 errdetail("A band is 1 (red), 2 (yellow) or 3 (green).")));
	if (weakest == NULL)
		weakest = "";
	if (weakest[0] != '\0' && !HealthMeasureNameIsValid(weakest))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid measure name \"%s\"", weakest),
				 errdetail("A measure name starts with a lower-case letter, continues with lower-case letters, digits or underscores, and is at most %d bytes long.",
						   HEALTH_MEASURE_NAME_MAX)));

	namelen = strlen(weakest);
	size = offsetof(HealthData, weakest) + namelen + 1;
	result = (HealthData *) palloc0(size);
	SET_VARSIZE(result, size);
	result->version = HEALTH_FORMAT_VERSION;
	result->band = (uint8) band;
	result->unused = 0;
	/* -0.0 == 0.0, so this turns a negative zero into a positive one */
	result->score = (score == 0.0) ? 0.0 : score;
	result->coverage = (coverage == 0.0) ? 0.0 : coverage;
	memcpy(result->weakest, weakest, namelen + 1);
	return result;
}

PG_FUNCTION_INFO_V1(health_make);

/*
 * make_health(score, band, coverage, weakest_measure): the SQL constructor.
 * NULL score, band or coverage gives NULL; a NULL or empty weakest measure
 * means none.
 */
Datum
health_make(PG_FUNCTION_ARGS)
{
	double		score;
	double		coverage;
	char	   *bandname;
	char	   *weakest = NULL;
	int			band;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	score = PG_GETARG_FLOAT8(0);
	bandname = text_to_cstring(PG_GETARG_TEXT_PP(1));
	coverage = PG_GETARG_FLOAT8(2);
	if (!PG_ARGISNULL(3))
		weakest = text_to_cstring(PG_GETARG_TEXT_PP(3));

	band = HealthBandFromName(bandname);
	if (band == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid health band \"%s\"", bandname),
				 errhint("A band is \"red\", \"yellow\" or \"green\".")));

	PG_RETURN_HEALTH_P(MakeHealth(score, band, coverage, weakest));
}

PG_FUNCTION_INFO_V1(health_score);

/* score(health): the score, 0..100; also the cast to double precision */
Datum
health_score(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);

	PG_RETURN_FLOAT8(h->score);
}

PG_FUNCTION_INFO_V1(health_score_numeric);

/*
 * The cast to numeric: the score's shortest round-trip decimal, the digits
 * health_out prints.  (float8_numeric would round to 15 significant digits,
 * turning 69.99999999999999 into 70.)
 */
Datum
health_score_numeric(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(h->score, buf);
	PG_RETURN_DATUM(DirectFunctionCall3(numeric_in,
										CStringGetDatum(buf),
										ObjectIdGetDatum(InvalidOid),
										Int32GetDatum(-1)));
}

PG_FUNCTION_INFO_V1(health_band);

/* band(health): "red", "yellow" or "green" */
Datum
health_band(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);

	PG_RETURN_TEXT_P(cstring_to_text(HealthBandName(h->band)));
}

PG_FUNCTION_INFO_V1(health_coverage);

/* coverage(health): the share of the scorecard's weight that had data */
Datum
health_coverage(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);

	PG_RETURN_FLOAT8(h->coverage);
}

PG_FUNCTION_INFO_V1(health_weakest_measure);

/* weakest_measure(health): the measure that costs most, or NULL if none */
Datum
health_weakest_measure(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);

	if (h->weakest[0] == '\0')
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(h->weakest));
}
