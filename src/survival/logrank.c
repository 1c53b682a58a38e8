/*-------------------------------------------------------------------------
 *
 * logrank.c
 *	  The log-rank test of k >= 2 groups from their survival values, equal
 *	  to R's survdiff(Surv(duration, event) ~ group) (rho = 0).
 *
 * Each value holds the exact counts of its group at each duration, so the
 * test walks the k maps side by side once: at each duration where some
 * group has an event, the expected events of each group (its share of those
 * at risk) and the hypergeometric variances and covariances.  As survdiff
 * does, groups with no expected event are left out, the first remaining one
 * is dropped, and chi-square = (O - E)' V^-1 (O - E) on the others, with
 * k' - 1 degrees of freedom (k' the groups left).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "survival/survival.h"

/* The most groups a test takes (the variance matrix is k x k) */
#define LOGRANK_MAX_GROUPS	1000

/*
 * The regularized upper incomplete gamma function Q(a, x): a series for
 * x < a + 1, else a continued fraction (modified Lentz), both to double
 * precision.
 */
static double
UpperGammaQ(double a, double x)
{
	double		lg = lgamma(a);

	if (x <= 0)
		return 1.0;
	if (x < a + 1)
	{
		double		ap = a,
					sum = 1.0 / a,
					del = sum;

		for (int i = 0; i < 10000; i++)
		{
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-17)
				break;
		}
		return 1.0 - sum * exp(-x + a * log(x) - lg);
	}
	else
	{
		double		tiny = 1e-300;
		double		b = x + 1 - a,
					c = 1 / tiny,
					d = 1 / b,
					h = d;

		for (int i = 1; i < 10000; i++)
		{
			double		an = -i * (i - a),
						del;

			b += 2;
			d = an * d + b;
			if (fabs(d) < tiny)
				d = tiny;
			c = b + an / c;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < 1e-17)
				break;
		}
		return exp(-x + a * log(x) - lg) * h;
	}
}

/*
 * Solve A x = b (m x m, row-major, destroyed) by Gaussian elimination with
 * partial pivoting; false if A is singular (as R's solve would refuse it).
 */
static bool
Solve(double *A, double *b, int m)
{
	double		scale = 0;

	for (int i = 0; i < m * m; i++)
		scale = Max(scale, fabs(A[i]));
	if (scale == 0)
		return false;
	for (int c = 0; c < m; c++)
	{
		int			piv = c;

		for (int r = c + 1; r < m; r++)
			if (fabs(A[r * m + c]) > fabs(A[piv * m + c]))
				piv = r;
		if (fabs(A[piv * m + c]) <= scale * 1e-13)
			return false;
		if (piv != c)
		{
			for (int k = 0; k < m; k++)
			{
				double		tmp = A[c * m + k];

				A[c * m + k] = A[piv * m + k];
				A[piv * m + k] = tmp;
			}
			{
				double		tmp = b[c];

				b[c] = b[piv];
				b[piv] = tmp;
			}
		}
		for (int r = c + 1; r < m; r++)
		{
			double		f = A[r * m + c] / A[c * m + c];

			for (int k = c; k < m; k++)
				A[r * m + k] -= f * A[c * m + k];
			b[r] -= f * b[c];
		}
	}
	for (int r = m - 1; r >= 0; r--)
	{
		double		sum = b[r];

		for (int k = r + 1; k < m; k++)
			sum -= A[r * m + k] * b[k];
		b[r] = sum / A[r * m + r];
	}
	return true;
}

PG_FUNCTION_INFO_V1(logrank);
/* logrank(curves survival[]): (chisq, df, p) as R's survdiff */
Datum
logrank(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *elemnulls;
	int			nelems;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			k = 0;
	SurvivalData **g;
	int32	   *pos;
	int64	   *atrisk;
	double	   *O,
			   *E,
			   *V;
	bool	   *keep;
	int			kept = 0;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the curves of a log-rank test must be a one-dimensional array")));
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign,
					  &elems, &elemnulls, &nelems);
	if (nelems > LOGRANK_MAX_GROUPS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a log-rank test takes at most %d curves", LOGRANK_MAX_GROUPS)));

	/* A NULL curve is a group without subjects, as an empty one */
	g = palloc(Max(nelems, 1) * sizeof(SurvivalData *));
	for (int i = 0; i < nelems; i++)
		if (!elemnulls[i])
			g[k++] = DatumGetSurvivalP(elems[i]);
	if (k < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a log-rank test needs at least 2 curves, not %d", k),
				 errhint("Pass one survival value per group, e.g. array_agg(retention.survival(duration, event)) grouped by the group.")));

	pos = palloc0(k * sizeof(int32));
	atrisk = palloc(k * sizeof(int64));
	O = palloc0(k * sizeof(double));
	E = palloc0(k * sizeof(double));
	V = palloc0((Size) k * k * sizeof(double));
	keep = palloc0(k * sizeof(bool));
	for (int j = 0; j < k; j++)
		atrisk[j] = SurvivalSubjects(g[j]);

	/* Walk the durations of all groups in order */
	for (uint64 step = 0;; step++)
	{
		double		t = INFINITY;
		double		n = 0,
					d = 0;
		bool		any = false;

		if ((step & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < k; j++)
			if (pos[j] < g[j]->n && SURV_TIMES(g[j])[pos[j]] < t)
			{
				t = SURV_TIMES(g[j])[pos[j]];
				any = true;
			}
		if (!any)
			break;
		for (int j = 0; j < k; j++)
		{
			n += (double) atrisk[j];
			if (pos[j] < g[j]->n && SURV_TIMES(g[j])[pos[j]] == t)
				d += (double) SURV_EVENTS(g[j])[pos[j]];
		}
		if (d > 0)
		{
			double		kt = (n > 1) ? d * (n - d) / (n * (n - 1)) : 0;

			for (int j = 0; j < k; j++)
			{
				double		nj = (double) atrisk[j];

				E[j] += d * nj / n;
				V[j * k + j] += kt * nj;
				for (int l = 0; l < k; l++)
					V[j * k + l] -= kt * nj * (double) atrisk[l] / n;
			}
		}
		for (int j = 0; j < k; j++)
			if (pos[j] < g[j]->n && SURV_TIMES(g[j])[pos[j]] == t)
			{
				O[j] += (double) SURV_EVENTS(g[j])[pos[j]];
				atrisk[j] -= SURV_EVENTS(g[j])[pos[j]] + SURV_CENSORED(g[j])[pos[j]];
				pos[j]++;
			}
	}

	for (int j = 0; j < k; j++)
		if (E[j] > 0)
		{
			keep[j] = true;
			kept++;
		}
	values[1] = Int32GetDatum(Max(kept - 1, 0));
	if (kept < 2)
	{
		/* No test: survdiff reports chi-square 0 */
		values[0] = Float8GetDatum(0);
		nulls[2] = true;
	}
	else
	{
		int			m = kept - 1;
		int		   *idx = palloc(m * sizeof(int));
		double	   *A = palloc((Size) m * m * sizeof(double));
		double	   *b = palloc(m * sizeof(double));
		double	   *r = palloc(m * sizeof(double));
		int			c = 0;
		bool		first = true;

		for (int j = 0; j < k; j++)
			if (keep[j])
			{
				if (first)
					first = false;
				else
					idx[c++] = j;
			}
		for (int i = 0; i < m; i++)
		{
			b[i] = r[i] = O[idx[i]] - E[idx[i]];
			for (int l = 0; l < m; l++)
				A[i * m + l] = V[idx[i] * k + idx[l]];
		}
		if (Solve(A, b, m))
		{
			double		chisq = 0;

			for (int i = 0; i < m; i++)
				chisq += b[i] * r[i];
			values[0] = Float8GetDatum(chisq);
			values[2] = Float8GetDatum(UpperGammaQ(m / 2.0, chisq / 2.0));
		}
		else
			nulls[0] = nulls[2] = true;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
