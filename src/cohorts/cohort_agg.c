/*-------------------------------------------------------------------------
 *
 * cohort_agg.c
 *	  The cross-subject rollup retention.cohort_counts(a, kind, periods,
 *	  as_of) and cohort_counts(a, brackets, as_of), with its concrete state
 *	  type retention.cohort_state.
 *
 * The state is a concrete type, not internal, because Citus runs only such
 * aggregates in two phases (partial states on the workers, combined on the
 * coordinator).  It holds the kind, the cells (periods 1..N or brackets),
 * as_of, the cohort's size, the count of each cell, and the last period
 * that has ended for every subject so far: cell k is known only when it is
 * at most that period.
 *
 * Full, rolling and return retention count each subject in a run of
 * consecutive cells, so the state keeps them as a difference array: a
 * subject costs two additions whatever the number of periods.  The text
 * form writes the counts themselves.
 *
 * Text form: (kind,cells,as_of,known,size,{count,...}), e.g.
 *	(classic,3,2026-06-01T00:00:00+00:00,2,10,{6,4,0})
 *	(bracket,{1-3;4-6},2026-06-01T00:00:00+00:00,5,10,{7,3})
 * as_of is written in UTC (or infinity / -infinity); known is -1 when not
 * even period 0 has ended.  Reading, checking and writing the text and
 * binary forms is the plain C core cohort_state_parse.c (which the
 * libFuzzer harness test/fuzz/ drives); the functions here turn its error
 * codes into errors and convert between its counts and the cells.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "cohorts/cohorts.h"

typedef struct CohortState
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* COHORT_STATE_VERSION */
	uint8		kind;			/* COHORT_KIND_* */
	uint16		unused;			/* always 0 */
	int32		ncells;			/* periods, or brackets */
	int32		known;			/* last period ended for every subject */
	int32		unused2;		/* always 0 */
	TimestampTz as_of;
	int64		size;			/* subjects */
	int64		cells[FLEXIBLE_ARRAY_MEMBER];	/* ncells + 1; then bounds */
} CohortState;

#define CohortStateSize(kind, n) \
	(offsetof(CohortState, cells) + ((n) + 1) * sizeof(int64) + \
	 ((kind) == COHORT_KIND_BRACKET ? 2 * (n) * sizeof(int32) : 0))
/* Inclusive bounds of bracket i: lo = [2i], hi = [2i + 1] */
#define CohortBounds(s)		((int32 *) &(s)->cells[(s)->ncells + 1])
/* Kinds whose cells are kept as a difference array */
#define KindIsRun(kind)		((kind) != COHORT_KIND_CLASSIC && (kind) != COHORT_KIND_BRACKET)

#define DatumGetCohortStateP(X) ((CohortState *) PG_DETOAST_DATUM(X))

/* fn_extra of the transition functions */
typedef struct CohortSite
{
	TzCache    *tzcache;
	ArrayType  *brackets;		/* the brackets argument last checked */
	TimestampTz as_of;			/* as_of of the periods below */
	bool		have_period[COHORT_UNIT_FIXED];
	int32		period[COHORT_UNIT_FIXED];	/* absolute period of as_of */
} CohortSite;

static void CohortSyntaxError(const char *str, const char *detail) pg_attribute_noreturn();
static void CohortBinaryError(const char *detail) pg_attribute_noreturn();

/* The call site's cache */
static CohortSite *
GetSite(FunctionCallInfo fcinfo)
{
	CohortSite *site = (CohortSite *) fcinfo->flinfo->fn_extra;

	if (site == NULL)
	{
		site = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CohortSite));
		site->tzcache = NewTzCache(fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = site;
	}
	return site;
}

/* A new state in cxt, zeroed */
static CohortState *
NewCohortState(MemoryContext cxt, int kind, int32 ncells, TimestampTz as_of)
{
	Size		size = CohortStateSize(kind, ncells);
	CohortState *s = MemoryContextAllocZero(cxt, size);

	SET_VARSIZE(s, size);
	s->version = COHORT_STATE_VERSION;
	s->kind = (uint8) kind;
	s->ncells = ncells;
	s->as_of = as_of;
	s->known = PG_INT32_MAX - 1;
	return s;
}

/* The last period of a that has ended at the state's as_of */
static int32
SubjectKnown(CohortSite *site, const Activity *a, TimestampTz as_of)
{
	int64		k;

	if (a->unit == COHORT_UNIT_FIXED || TIMESTAMP_NOT_FINITE(as_of))
		return LastEndedPeriod(site->tzcache, a, as_of);
	if (site->as_of != as_of)
	{
		memset(site->have_period, 0, sizeof(site->have_period));
		site->as_of = as_of;
	}
	if (!site->have_period[a->unit - 1])
	{
		site->period[a->unit - 1] = AbsolutePeriod(site->tzcache, a->unit, as_of);
		site->have_period[a->unit - 1] = true;
	}
	k = (int64) site->period[a->unit - 1] - 1 - a->anchor;
	return (int32) Max(Min(k, PG_INT32_MAX - 1), -1);
}

/* Count one subject into the state */
static void
CountSubject(CohortState *s, CohortSite *site, const Activity *a)
{
	int64	   *c = s->cells;
	int32		n = s->ncells;
	int32		known = SubjectKnown(site, a, s->as_of);
	int32		k,
				hi;

	/* every count is at most the size: the size is the one to overflow */
	if (s->size == PG_INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("cohort size out of range"),
				 errdetail("The state already counts %lld subjects.", (long long) s->size)));
	if (known < s->known)
		s->known = known;
	s->size++;
	switch (s->kind)
	{
		case COHORT_KIND_CLASSIC:
			for (k = ActivityNextBit(a, 1); k >= 0 && k <= n; k = ActivityNextBit(a, k + 1))
				c[k - 1]++;
			break;
		case COHORT_KIND_FULL:
			hi = Min(ActivityNextZero(a, 1) - 1, n);
			if (hi >= 1)
			{
				c[0]++;
				c[hi]--;
			}
			break;
		case COHORT_KIND_ROLLING:
			hi = Min(a->nbits - 1, n);
			if (hi >= 1)
			{
				c[0]++;
				c[hi]--;
			}
			break;
		case COHORT_KIND_RETURN:
			k = ActivityNextBit(a, 1);
			if (k >= 1 && k <= n)
			{
				c[k - 1]++;
				c[n]--;
			}
			break;
		case COHORT_KIND_BRACKET:
			{
				int32	   *b = CohortBounds(s);

				for (k = 0; k < n; k++)
					if (ActivityAnyBit(a, b[2 * k], b[2 * k + 1]))
						c[k]++;
			}
			break;
	}
}

/*
 * The state argument, to be changed in place: in an aggregate, the
 * aggregate's own value; called as a plain function, a copy.
 */
static CohortState *
StateArg(FunctionCallInfo fcinfo, MemoryContext *aggcxt)
{
	CohortState *s;

	if (AggCheckCallContext(fcinfo, aggcxt))
	{
		if (PG_ARGISNULL(0))
			return NULL;
		s = (CohortState *) PG_GETARG_POINTER(0);
		if (VARATT_IS_EXTENDED(s))
		{
			/* a copy the executor made of a packed value: unpack it */
			struct varlena *flat = pg_detoast_datum((struct varlena *) s);

			s = MemoryContextAlloc(*aggcxt, VARSIZE(flat));
			memcpy(s, flat, VARSIZE(flat));
		}
		return s;
	}
	*aggcxt = CurrentMemoryContext;
	if (PG_ARGISNULL(0))
		return NULL;
	s = DatumGetCohortStateP(PG_GETARG_DATUM(0));
	if ((Pointer) s == DatumGetPointer(PG_GETARG_DATUM(0)))
	{
		CohortState *copy = palloc(VARSIZE(s));

		memcpy(copy, s, VARSIZE(s));
		s = copy;
	}
	return s;
}

/* Raise the error for arguments that change within a group */
static void
ArgumentsChanged(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be the same on every row of a cohort", what),
			 errhint("Give every row of a cohort the same kind, periods or brackets, and as_of.")));
}

/* Check the periods and as_of arguments */
static void
CheckCommonArgs(FunctionCallInfo fcinfo, int as_of_arg)
{
	if (PG_ARGISNULL(as_of_arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("as_of must not be NULL"),
				 errhint("Count as of a moment, such as now().")));
}

PG_FUNCTION_INFO_V1(cohort_counts_accum);

/* Transition function of cohort_counts(a, kind, periods, as_of) */
Datum
cohort_counts_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	CohortState *s;
	CohortSite *site;
	Activity   *a;

	s = StateArg(fcinfo, &aggcxt);
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the kind and the number of periods must not be NULL"),
				 errhint("The kinds are full, classic, rolling and return.")));
	CheckCommonArgs(fcinfo, 4);
	site = GetSite(fcinfo);
	if (s == NULL)
	{
		int			kind = CohortKindFromText(PG_GETARG_TEXT_PP(2));
		int32		periods = PG_GETARG_INT32(3);

		if (periods < 1 || periods > COHORT_MAX_CELLS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("number of periods %d is out of range", periods),
					 errhint("Count from 1 to %d periods.", COHORT_MAX_CELLS)));
		s = NewCohortState(aggcxt, kind, periods, PG_GETARG_TIMESTAMPTZ(4));
	}
	else
	{
		/* a column's value may sit where another row's was: compare texts */
		if (CohortKindFromText(PG_GETARG_TEXT_PP(2)) != s->kind)
			ArgumentsChanged("the kind");
		if (PG_GETARG_INT32(3) != s->ncells)
			ArgumentsChanged("the number of periods");
		if (PG_GETARG_TIMESTAMPTZ(4) != s->as_of)
			ArgumentsChanged("as_of");
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(s);
	a = PG_GETARG_ACTIVITY_P(1);
	CountSubject(s, site, a);
	PG_RETURN_POINTER(s);
}

/* The brackets of an int4range[] as inclusive bounds, checked; count in *n */
static int32 *
BracketArray(ArrayType *arr, int32 *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int32	   *bounds;
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("brackets must be a one-dimensional array")));
	deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	if (nelems < 1 || nelems > COHORT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of brackets %d is out of range", nelems),
				 errhint("Give from 1 to %d brackets.", COHORT_MAX_CELLS)));
	bounds = palloc(2 * nelems * sizeof(int32));
	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("a retention bracket must not be NULL")));
		CohortBracketBounds(elems[i], &bounds[2 * i], &bounds[2 * i + 1]);
	}
	*n = nelems;
	return bounds;
}

PG_FUNCTION_INFO_V1(cohort_counts_bracket_accum);

/* Transition function of cohort_counts(a, brackets, as_of) */
Datum
cohort_counts_bracket_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	CohortState *s;
	CohortSite *site;
	ArrayType  *arr;

	s = StateArg(fcinfo, &aggcxt);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the brackets must not be NULL"),
				 errhint("Give brackets of periods such as '{\"[1,3]\",\"[4,6]\"}'.")));
	CheckCommonArgs(fcinfo, 3);
	site = GetSite(fcinfo);
	arr = PG_GETARG_ARRAYTYPE_P(2);
	/* the brackets of the previous row, byte for byte, need no new checks */
	if (s == NULL || site->brackets == NULL || VARSIZE(arr) != VARSIZE(site->brackets) ||
		memcmp(arr, site->brackets, VARSIZE(arr)) != 0)
	{
		int32		n;
		int32	   *bounds = BracketArray(arr, &n);

		if (s == NULL)
		{
			s = NewCohortState(aggcxt, COHORT_KIND_BRACKET, n, PG_GETARG_TIMESTAMPTZ(3));
			memcpy(CohortBounds(s), bounds, 2 * n * sizeof(int32));
		}
		else if (n != s->ncells || memcmp(bounds, CohortBounds(s), 2 * n * sizeof(int32)) != 0)
			ArgumentsChanged("the brackets");
		if (site->brackets)
			pfree(site->brackets);
		site->brackets = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE(arr));
		memcpy(site->brackets, arr, VARSIZE(arr));
	}
	if (PG_GETARG_TIMESTAMPTZ(3) != s->as_of)
		ArgumentsChanged("as_of");
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(s);
	CountSubject(s, site, PG_GETARG_ACTIVITY_P(1));
	PG_RETURN_POINTER(s);
}

/* Raise the error for a sum out of range */
static void
CountOverflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("cohort count out of range")));
}

PG_FUNCTION_INFO_V1(cohort_counts_combine);

/*
 * Combine function: adds the second state into the first.  Strict: the
 * executor copies the second when the first is NULL.  The first is the
 * aggregate's own transition value, changed in place; the second is never
 * changed.
 */
Datum
cohort_counts_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	CohortState *s1;
	CohortState *s2 = DatumGetCohortStateP(PG_GETARG_DATUM(1));
	int32		i;

	s1 = StateArg(fcinfo, &aggcxt);
	if (s1->kind != s2->kind || s1->ncells != s2->ncells || s1->as_of != s2->as_of ||
		(s1->kind == COHORT_KIND_BRACKET &&
		 memcmp(CohortBounds(s1), CohortBounds(s2), 2 * s1->ncells * sizeof(int32)) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine cohort states of different kinds, cells or as_of")));
	if (pg_add_s64_overflow(s1->size, s2->size, &s1->size))
		CountOverflow();
	for (i = 0; i <= s1->ncells; i++)
		if (pg_add_s64_overflow(s1->cells[i], s2->cells[i], &s1->cells[i]))
			CountOverflow();
	s1->known = Min(s1->known, s2->known);
	PG_RETURN_POINTER(s1);
}

/* The count of each cell (prefix sums of a run kind's differences) */
static int64 *
CellCounts(const CohortState *s)
{
	int64	   *counts = palloc(Max(s->ncells, 1) * sizeof(int64));
	int64		run = 0;
	int32		i;

	for (i = 0; i < s->ncells; i++)
	{
		if (KindIsRun(s->kind))
			counts[i] = (run += s->cells[i]);
		else
			counts[i] = s->cells[i];
	}
	return counts;
}

PG_FUNCTION_INFO_V1(cohort_counts_final);

/* Final function: {size, cell 1, ..., cell N}, NULL where unknown */
Datum
cohort_counts_final(PG_FUNCTION_ARGS)
{
	CohortState *s = DatumGetCohortStateP(PG_GETARG_DATUM(0));
	int64	   *counts = CellCounts(s);
	int32	   *bounds = s->kind == COHORT_KIND_BRACKET ? CohortBounds(s) : NULL;
	Datum	   *elems = palloc((s->ncells + 1) * sizeof(Datum));
	bool	   *nulls = palloc((s->ncells + 1) * sizeof(bool));
	int			dims[1];
	int			lbs[1] = {1};
	int32		i;

	elems[0] = Int64GetDatum(s->size);
	nulls[0] = false;
	for (i = 0; i < s->ncells; i++)
	{
		int32		last = bounds ? bounds[2 * i + 1] : i + 1;

		elems[i + 1] = Int64GetDatum(counts[i]);
		nulls[i + 1] = last > s->known;
	}
	dims[0] = s->ncells + 1;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, INT8OID,
											 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* Raise the syntax error for text input str */
static void
CohortSyntaxError(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type cohort_state: \"%s\"", str),
			 errdetail("%s", detail),
			 errhint("The form is (kind,periods,as_of,known,size,{counts}), such as (classic,2,2026-06-01T00:00:00+00:00,2,10,{6,4}).")));
}

/* Raise the error for invalid binary input */
static void
CohortBinaryError(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary cohort_state"),
			 errdetail("%s", detail)));
}

/* Why CohortStateCheck refused a state, as the error's detail */
static const char *
CheckDetail(CohortStateParseCode code)
{
	switch (code)
	{
		case COHORT_STATE_CHECK_KIND:
			return "Unknown kind.";
		case COHORT_STATE_CHECK_CELLS:
			return "The number of cells is out of range.";
		case COHORT_STATE_CHECK_KNOWN:
			return "The last known period is out of range.";
		case COHORT_STATE_CHECK_SIZE:
			return "The size is negative.";
		case COHORT_STATE_CHECK_AS_OF:
			return "as_of is out of range.";
		case COHORT_STATE_CHECK_COUNT:
			return "A count is not between 0 and the size.";
		case COHORT_STATE_CHECK_GROWS:
			return "The counts of full and rolling retention cannot grow.";
		case COHORT_STATE_CHECK_SHRINKS:
			return "The counts of return retention cannot shrink.";
		case COHORT_STATE_CHECK_BRACKET:
			return "A bracket is out of range.";
		default:
			elog(ERROR, "unexpected cohort_state check code %d", (int) code);
	}
	return NULL;				/* keep compiler quiet */
}

/* A checked state of the parsing core's fields, counts and bounds */
static CohortState *
StateFromFields(const CohortStateFields *f, const int64 *counts, const int32 *bounds)
{
	CohortState *s = NewCohortState(CurrentMemoryContext, f->kind, f->ncells, f->as_of);
	int32		i;

	s->known = f->known;
	s->size = f->size;
	if (f->kind == COHORT_KIND_BRACKET)
		memcpy(CohortBounds(s), bounds, 2 * f->ncells * sizeof(int32));
	/* the cells: differences for a run kind */
	for (i = 0; i < s->ncells; i++)
		s->cells[i] = KindIsRun(s->kind) ? counts[i] - (i > 0 ? counts[i - 1] : 0) : counts[i];
	s->cells[s->ncells] = KindIsRun(s->kind) ? -counts[s->ncells - 1] : 0;
	return s;
}

/* The parsing core's fields of a state */
static void
FieldsOfState(const CohortState *s, CohortStateFields *f)
{
	f->kind = s->kind;
	f->ncells = s->ncells;
	f->as_of = s->as_of;
	f->known = s->known;
	f->size = s->size;
}

PG_FUNCTION_INFO_V1(cohort_state_in);

/* Text input of retention.cohort_state */
Datum
cohort_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		len = strlen(str);
	/* a text of len bytes holds at most len / 2 + 1 cells */
	int32		cap = (int32) Min((size_t) COHORT_MAX_CELLS, len / 2 + 1);
	int32	   *bounds = palloc(2 * cap * sizeof(int32));
	int64	   *counts = palloc(cap * sizeof(int64));
	CohortStateFields f;
	CohortStateParseError err;
	CohortStateParseCode code;

	switch (CohortStateParseText(str, len, cap, &f, bounds, counts, &err))
	{
		case COHORT_STATE_PARSE_OK:
			break;
		case COHORT_STATE_TEXT_NO_KIND:
			CohortSyntaxError(str, "It does not start with \"(\" and a kind.");
		case COHORT_STATE_TEXT_KIND:
			CohortSyntaxError(str, "Unknown kind.");
		case COHORT_STATE_TEXT_NO_OPEN_BRACKETS:
			CohortSyntaxError(str, "The brackets do not start with \"{\".");
		case COHORT_STATE_TEXT_BRACKET:
			CohortSyntaxError(str, "A bracket is not of the form first-last.");
		case COHORT_STATE_TEXT_TOO_MANY:
			CohortSyntaxError(str, "Too many brackets.");
		case COHORT_STATE_TEXT_NO_CLOSE_BRACKETS:
			CohortSyntaxError(str, "The brackets do not end with \"}\".");
		case COHORT_STATE_TEXT_PERIODS:
			CohortSyntaxError(str, "The number of periods is not a number from 1 to 10000.");
		case COHORT_STATE_TEXT_NO_AS_OF:
			CohortSyntaxError(str, "as_of is missing.");
		case COHORT_STATE_TEXT_AS_OF:
			CohortSyntaxError(str, "as_of is not of the form YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM.");
		case COHORT_STATE_TEXT_KNOWN:
			CohortSyntaxError(str, "The last known period is not a number from -1.");
		case COHORT_STATE_TEXT_SIZE:
			CohortSyntaxError(str, "The size is not a number.");
		case COHORT_STATE_TEXT_NO_OPEN_COUNTS:
			CohortSyntaxError(str, "The counts do not start with \"{\".");
		case COHORT_STATE_TEXT_COUNTS:
			CohortSyntaxError(str, "The counts are not one number per cell.");
		case COHORT_STATE_TEXT_NO_CLOSE:
			CohortSyntaxError(str, "It does not end with \")\".");
		case COHORT_STATE_TEXT_TRAILING:
			CohortSyntaxError(str, "Junk after \")\".");
		default:
			elog(ERROR, "unexpected cohort_state parse code %d", (int) err.code);
	}
	code = CohortStateCheck(&f, counts, bounds);
	if (code != COHORT_STATE_PARSE_OK)
		CohortSyntaxError(str, CheckDetail(code));
	PG_RETURN_POINTER(StateFromFields(&f, counts, bounds));
}

PG_FUNCTION_INFO_V1(cohort_state_out);

/* Text output of retention.cohort_state */
Datum
cohort_state_out(PG_FUNCTION_ARGS)
{
	CohortState *s = DatumGetCohortStateP(PG_GETARG_DATUM(0));
	int64	   *counts = CellCounts(s);
	CohortStateFields f;
	char	   *text;

	if (!TIMESTAMP_NOT_FINITE(s->as_of) && !IS_VALID_TIMESTAMP(s->as_of))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	FieldsOfState(s, &f);
	text = palloc(COHORT_STATE_TEXT_MAX(s->ncells));
	CohortStateFormatText(&f, counts, CohortBounds(s), text);
	PG_RETURN_CSTRING(text);
}

PG_FUNCTION_INFO_V1(cohort_state_send);

/* Binary output: version, kind, ncells, as_of, known, size, counts, bounds */
Datum
cohort_state_send(PG_FUNCTION_ARGS)
{
	CohortState *s = DatumGetCohortStateP(PG_GETARG_DATUM(0));
	int64	   *counts = CellCounts(s);
	size_t		size = CohortStateBinarySize(s->kind, s->ncells);
	unsigned char *bin = palloc(size);
	CohortStateFields f;
	StringInfoData buf;

	FieldsOfState(s, &f);
	CohortStateEncodeBinary(&f, counts, CohortBounds(s), bin);
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (const char *) bin, (int) size);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(cohort_state_recv);

/* Binary input, as strict as text input */
Datum
cohort_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const unsigned char *data = (const unsigned char *) buf->data + buf->cursor;
	CohortStateFields f;
	CohortStateParseError err;
	CohortStateParseCode code;
	int64	   *counts;
	int32	   *bounds = NULL;

	switch (CohortStateDecodeHeader(data, buf->len - buf->cursor, &f, &err))
	{
		case COHORT_STATE_PARSE_OK:
			break;
		case COHORT_STATE_BIN_SHORT:
			CohortBinaryError("The value is shorter than its header.");
		case COHORT_STATE_BIN_VERSION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("unsupported binary format version %d of type cohort_state", err.value)));
			break;
		case COHORT_STATE_BIN_LENGTH:
			CohortBinaryError("The kind, the number of cells or the length is wrong.");
		default:
			elog(ERROR, "unexpected cohort_state parse code %d", (int) err.code);
	}
	counts = palloc(f.ncells * sizeof(int64));
	if (f.kind == COHORT_KIND_BRACKET)
		bounds = palloc(2 * f.ncells * sizeof(int32));
	CohortStateDecodeCells(data, &f, counts, bounds);
	code = CohortStateCheck(&f, counts, bounds);
	if (code != COHORT_STATE_PARSE_OK)
		CohortBinaryError(CheckDetail(code));
	buf->cursor = buf->len;
	PG_RETURN_POINTER(StateFromFields(&f, counts, bounds));
}
