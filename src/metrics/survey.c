/*-------------------------------------------------------------------------
 *
 * survey.c
 *	  NPS and CSAT: the aggregates and their state, retention.survey_counts.
 *
 * NPS and CSAT roll up across subjects (a group's score is the score of all
 * its answers, not an average of products' scores), so their state is a
 * concrete type with an exact text form: Citus and parallel plans ship it
 * between nodes and combine it.  The state is the number of answers of each
 * score 0..10 (CSAT uses 1..5): 11 counters, fixed length, combined by
 * addition.  Text form: "(n0,n1,...,n10)"; binary form: a version byte and
 * the 11 counters.  Reading, checking and writing both forms is the plain C
 * core survey_parse.c (which the libFuzzer harness test/fuzz/ drives); the
 * functions here turn its error codes into errors.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "metrics/survey_parse.h"


typedef struct SurveyCounts
{
	int64		n[SURVEY_SCORES];
} SurveyCounts;

#define DatumGetSurveyCounts(d) ((SurveyCounts *) DatumGetPointer(d))
#define PG_GETARG_SURVEY(n) DatumGetSurveyCounts(PG_GETARG_DATUM(n))

/* The state to update: the aggregate's own in place, or a copy */
static SurveyCounts *
WritableState(FunctionCallInfo fcinfo)
{
	SurveyCounts *state = PG_GETARG_SURVEY(0);
	SurveyCounts *copy;

	if (AggCheckCallContext(fcinfo, NULL))
		return state;
	copy = palloc(sizeof(SurveyCounts));
	memcpy(copy, state, sizeof(SurveyCounts));
	return copy;
}

/* Count one answer, checking it lies on the scale */
static Datum
SurveyAccum(FunctionCallInfo fcinfo, int lo, int hi, const char *what)
{
	SurveyCounts *state;
	int32		score = PG_GETARG_INT32(1);

	if (score < lo || score > hi)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s score %d is out of range", what, score),
				 errdetail("%s scores run from %d to %d.", what, lo, hi)));
	state = WritableState(fcinfo);
	if (pg_add_s64_overflow(state->n[score], 1, &state->n[score]))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many survey answers")));
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(survey_nps_accum);

/* Transition: one NPS answer, 0..10 */
Datum
survey_nps_accum(PG_FUNCTION_ARGS)
{
	return SurveyAccum(fcinfo, 0, 10, "NPS");
}

PG_FUNCTION_INFO_V1(survey_csat_accum);

/* Transition: one CSAT answer, 1..5 */
Datum
survey_csat_accum(PG_FUNCTION_ARGS)
{
	return SurveyAccum(fcinfo, 1, 5, "CSAT");
}

PG_FUNCTION_INFO_V1(survey_combine);

/* Combine: add the second state's counts to the first (never to the second) */
Datum
survey_combine(PG_FUNCTION_ARGS)
{
	SurveyCounts *a = WritableState(fcinfo);
	SurveyCounts *b = PG_GETARG_SURVEY(1);
	int			i;

	for (i = 0; i < SURVEY_SCORES; i++)
		if (pg_add_s64_overflow(a->n[i], b->n[i], &a->n[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("too many survey answers")));
	PG_RETURN_POINTER(a);
}

/* The sum of counts lo..hi (no overflow: checked when they were counted) */
static int64
CountRange(const SurveyCounts *s, int lo, int hi)
{
	int64		total = 0;
	int			i;

	for (i = lo; i <= hi; i++)
		if (pg_add_s64_overflow(total, s->n[i], &total))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("too many survey answers")));
	return total;
}

PG_FUNCTION_INFO_V1(survey_nps_final);

/* Final: % promoters (9-10) minus % detractors (0-6); NULL without answers */
Datum
survey_nps_final(PG_FUNCTION_ARGS)
{
	SurveyCounts *s = PG_GETARG_SURVEY(0);
	int64		total = CountRange(s, 0, 10);

	if (total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * ((double) CountRange(s, 9, 10) -
							  (double) CountRange(s, 0, 6)) / (double) total);
}

PG_FUNCTION_INFO_V1(survey_csat_final);

/* Final: % of answers 4 or 5 among the answers 1..5; NULL without answers */
Datum
survey_csat_final(PG_FUNCTION_ARGS)
{
	SurveyCounts *s = PG_GETARG_SURVEY(0);
	int64		total = CountRange(s, 1, 5);

	if (total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) CountRange(s, 4, 5) / (double) total);
}

PG_FUNCTION_INFO_V1(survey_nps_detail_final);

/*
 * Final: answers, promoters, passives, detractors, NPS and its 95% margin
 * of error.  An answer scores +1 (promoter), 0 or -1 (detractor); NPS is
 * 100 times their mean, and the margin 1.96 times the standard error of
 * that mean, s / sqrt(n) with the sample standard deviation s, times 100
 * (NULL below two answers).
 */
Datum
survey_nps_detail_final(PG_FUNCTION_ARGS)
{
	SurveyCounts *s = PG_GETARG_SURVEY(0);
	int64		total = CountRange(s, 0, 10);
	int64		promoters = CountRange(s, 9, 10);
	int64		passives = CountRange(s, 7, 8);
	int64		detractors = CountRange(s, 0, 6);
	TupleDesc	desc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);

	values[0] = Int64GetDatum(total);
	values[1] = Int64GetDatum(promoters);
	values[2] = Int64GetDatum(passives);
	values[3] = Int64GetDatum(detractors);
	if (total == 0)
		nulls[4] = nulls[5] = true;
	else
	{
		double		n = (double) total;
		double		mean = ((double) promoters - (double) detractors) / n;

		values[4] = Float8GetDatum(100.0 * mean);
		if (total < 2)
			nulls[5] = true;
		else
		{
			/* sum of squares of +1/-1 scores is promoters + detractors */
			double		ss = ((double) promoters + (double) detractors) - n * mean * mean;
			double		var = (ss < 0 ? 0 : ss) / (n - 1.0);

			values[5] = Float8GetDatum(100.0 * 1.96 * sqrt(var / n));
		}
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* A malformed survey_counts literal */
static void
BadInput(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "survey_counts", str),
			 errdetail("%s", detail)));
}

PG_FUNCTION_INFO_V1(survey_counts_in);

/* Input: "(n0,n1,...,n10)", eleven counts of answers 0..10, none negative */
Datum
survey_counts_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	SurveyCounts *s = palloc0(sizeof(SurveyCounts));
	SurveyParseError err;

	switch (SurveyParseText(str, strlen(str), s->n, &err))
	{
		case SURVEY_PARSE_OK:
			break;
		case SURVEY_TEXT_NO_OPEN:
			BadInput(str, "A survey_counts value starts with \"(\".");
			break;
		case SURVEY_TEXT_COUNT_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value out of range for type %s: \"%s\"", "survey_counts", str)));
			break;
		case SURVEY_TEXT_COUNT_SYNTAX:
			BadInput(str, "Each of the eleven counts is a non-negative integer.");
			break;
		case SURVEY_TEXT_NOT_ELEVEN:
			BadInput(str, "A survey_counts value holds eleven counts, for the scores 0 to 10.");
			break;
		case SURVEY_TEXT_TRAILING:
			BadInput(str, "Nothing may follow the closing \")\".");
			break;
		default:
			elog(ERROR, "unexpected survey_counts parse code %d", (int) err.code);
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(survey_counts_out);

/* Output: "(n0,...,n10)" */
Datum
survey_counts_out(PG_FUNCTION_ARGS)
{
	SurveyCounts *s = PG_GETARG_SURVEY(0);
	char	   *text = palloc(SURVEY_TEXT_MAX);

	SurveyFormatText(s->n, text);
	PG_RETURN_CSTRING(text);
}

PG_FUNCTION_INFO_V1(survey_counts_send);

/* Binary output: the version byte, then the eleven counts */
Datum
survey_counts_send(PG_FUNCTION_ARGS)
{
	SurveyCounts *s = PG_GETARG_SURVEY(0);
	unsigned char bin[SURVEY_BINARY_SIZE];
	StringInfoData buf;

	SurveyEncodeBinary(s->n, bin);
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (const char *) bin, SURVEY_BINARY_SIZE);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(survey_counts_recv);

/* Binary input: checks the length, the version and every count */
Datum
survey_counts_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	SurveyCounts *s = palloc0(sizeof(SurveyCounts));
	SurveyParseError err;

	switch (SurveyDecodeBinary((const unsigned char *) buf->data + buf->cursor,
							   buf->len - buf->cursor, s->n, &err))
	{
		case SURVEY_PARSE_OK:
			break;
		case SURVEY_BIN_LENGTH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary survey_counts value"),
					 errdetail("A value is %d bytes long, not %d.",
							   SURVEY_BINARY_SIZE, (int) err.value)));
			break;
		case SURVEY_BIN_VERSION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("unsupported binary survey_counts format version %d", (int) err.value),
					 errdetail("This version of the extension reads version %d.",
							   SURVEY_FORMAT_VERSION)));
			break;
		case SURVEY_BIN_NEGATIVE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary survey_counts value"),
					 errdetail("The count of score %d is negative.", err.index)));
			break;
		default:
			elog(ERROR, "unexpected survey_counts parse code %d", (int) err.code);
	}
	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}
