/*-------------------------------------------------------------------------
 *
 * retention_conditions.c
 *	  retention.retention(VARIADIC boolean[]): ClickHouse's
 *	  retention(cond1, ..., condN).  Element 1 of the result is 1 if cond1
 *	  was true on some row of the group; element i is 1 if cond1 and cond_i
 *	  were each true on some row.  Integers 0/1, so sum(r[i]) counts.
 *
 * The state is a bigint: the number of conditions in bits 32-39 and, in
 * bits 0-31, which conditions have been true.  A concrete state, combined
 * by OR, so Citus runs the aggregate in two phases.  A NULL condition
 * counts as false.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "cohorts/cohorts.h"

#define MAX_CONDITIONS	32
#define STATE_N(s)		((int) (((uint64) (s)) >> 32))
#define STATE_MASK(s)	((uint32) ((uint64) (s) & 0xFFFFFFFF))
#define MAKE_STATE(n, mask) ((int64) (((uint64) (n) << 32) | (uint64) (mask)))

/* Check a state read from outside (a combine input) */
static void
CheckState(int64 s)
{
	int			n = STATE_N(s);

	if (n < 1 || n > MAX_CONDITIONS ||
		(n < MAX_CONDITIONS && (STATE_MASK(s) >> n) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid state %lld of retention()", (long long) s)));
}

PG_FUNCTION_INFO_V1(retention_conditions_accum);

/* Transition function: OR in this row's true conditions */
Datum
retention_conditions_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *arr;
	bool	   *nulls;
	Datum	   *elems;
	int			n,
				i;
	uint32		mask = 0;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_INT64(PG_GETARG_INT64(0));
	}
	arr = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the conditions of retention() must be a one-dimensional array")));
	deconstruct_array(arr, BOOLOID, 1, true, TYPALIGN_CHAR, &elems, &nulls, &n);
	if (n < 1 || n > MAX_CONDITIONS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention() takes from 1 to %d conditions, not %d", MAX_CONDITIONS, n)));
	for (i = 0; i < n; i++)
		if (!nulls[i] && DatumGetBool(elems[i]))
			mask |= (uint32) 1 << i;
	if (!PG_ARGISNULL(0))
	{
		int64		s = PG_GETARG_INT64(0);

		if (STATE_N(s) != n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention() got %d conditions on one row and %d on another", STATE_N(s), n)));
		mask |= STATE_MASK(s);
	}
	PG_RETURN_INT64(MAKE_STATE(n, mask));
}

PG_FUNCTION_INFO_V1(retention_conditions_combine);

/* Combine function: OR of the two states */
Datum
retention_conditions_combine(PG_FUNCTION_ARGS)
{
	int64		a = PG_GETARG_INT64(0);
	int64		b = PG_GETARG_INT64(1);

	CheckState(a);
	CheckState(b);
	if (STATE_N(a) != STATE_N(b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention() got %d conditions on one row and %d on another", STATE_N(a), STATE_N(b))));
	PG_RETURN_INT64(a | b);
}

PG_FUNCTION_INFO_V1(retention_conditions_final);

/* Final function: {r1, ..., rN} of 0/1 */
Datum
retention_conditions_final(PG_FUNCTION_ARGS)
{
	int64		s = PG_GETARG_INT64(0);
	int			n;
	uint32		mask;
	Datum		elems[MAX_CONDITIONS];
	int			i;

	CheckState(s);
	n = STATE_N(s);
	mask = STATE_MASK(s);
	for (i = 0; i < n; i++)
		elems[i] = Int32GetDatum((mask & 1) && ((mask >> i) & 1) ? 1 : 0);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, INT4OID, 4, true, TYPALIGN_INT));
}
