/*-------------------------------------------------------------------------
 *
 * kaplan_meier.c
 *	  The Kaplan-Meier estimate from a retention.survival value: the curve
 *	  with Greenwood standard errors and "log" confidence intervals, the
 *	  median (any quantile rule as R's quantile.survfit), the survival at a
 *	  time and the restricted mean.
 *
 * Every figure follows R's survival package (3.5): summary(survfit(Surv(
 * duration, event) ~ 1, conf.type = "log"), censored = TRUE) for the curve,
 * quantile(fit, 0.5) for the median and print(fit, rmean = tau) for the
 * restricted mean; test/reference/survival/ holds the R script and the
 * references the regression test compares with.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "survival/survival.h"

/* R's default tolerance of quantile.survfit: sqrt(.Machine$double.eps) */
#define QUANTILE_TOLERANCE	1.4901161193847656e-08

/* The Kaplan-Meier curve at each duration of s */
void
SurvivalCurve(const SurvivalData *s, double *surv, double *varlog, int64 *nrisk)
{
	const int64 *ev = SURV_EVENTS(s);
	const int64 *ce = SURV_CENSORED(s);
	int64		atrisk = SurvivalSubjects(s);
	double		S = 1.0;
	double		v = 0.0;

	for (int32 i = 0; i < s->n; i++)
	{
		double		n = (double) atrisk;
		double		d = (double) ev[i];

		if (ev[i] > 0)
		{
			S *= (n - d) / n;
			v = (atrisk > ev[i]) ? v + d / (n * (n - d)) : INFINITY;
		}
		surv[i] = S;
		if (varlog)
			varlog[i] = v;
		if (nrisk)
			nrisk[i] = atrisk;
		atrisk -= ev[i] + ce[i];
	}
}

/*
 * The standard normal quantile: Wichura's algorithm AS 241 (PPND16), the
 * one R's qnorm uses, accurate to about 1e-16.
 */
double
SurvivalNormalQuantile(double p)
{
	double		q = p - 0.5;
	double		r,
				val;

	if (fabs(q) <= 0.425)
	{
		r = 0.180625 - q * q;
		return q * (((((((r * 2509.0809287301226727 +
						  33430.575583588128105) * r + 67265.770927008700853) * r +
						45921.953931549871457) * r + 13731.693765509461125) * r +
					  1971.5909503065514427) * r + 133.14166789178437745) * r +
					3.387132872796366608)
			/ (((((((r * 5226.495278852545925 +
					 28729.085735721942674) * r + 39307.89580009271061) * r +
				   21213.794301586595867) * r + 5394.1960214247511077) * r +
				 687.1870074920579083) * r + 42.313330701600911252) * r + 1.0);
	}
	r = (q < 0) ? p : 1.0 - p;
	r = sqrt(-log(r));
	if (r <= 5.0)
	{
		r -= 1.6;
		val = (((((((r * 7.7454501427834140764e-4 +
					 0.0227238449892691845833) * r + 0.24178072517745061177) *
				   r + 1.27045825245236838258) * r +
				  3.64784832476320460504) * r + 5.7694972214606914055) *
				r + 4.6303378461565452959) * r +
			   1.42343711074968357734)
			/ (((((((r *
					 1.05075007164441684324e-9 + 5.475938084995344946e-4) *
					r + 0.0151986665636164571966) * r +
				   0.14810397642748007459) * r + 0.68976733498510000455) *
				 r + 1.6763848301838038494) * r +
				2.05319162663775882187) * r + 1.0);
	}
	else
	{
		r -= 5.0;
		val = (((((((r * 2.01033439929228813265e-7 +
					 2.71155556874348757815e-5) * r +
					0.0012426609473880784386) * r + 0.026532189526576123093) *
				  r + 0.29656057182850489123) * r +
				 1.7848265399172913358) * r + 5.4637849111641143699) *
			   r + 6.6579046435011037772)
			/ (((((((r *
					 2.04426310338993978564e-15 + 1.4215117583164458887e-7) *
					r + 1.8463183175100546818e-5) * r +
				   7.868691311456132591e-4) * r + 0.0148753612908506148525)
				 * r + 0.13692988092273580531) * r +
				0.59983220655588793769) * r + 1.0);
	}
	return (q < 0.0) ? -val : val;
}

/* z of a two-sided interval: qnorm(1 - (1 - conf_level) / 2) */
double
SurvivalConfZ(double conf_level)
{
	if (isnan(conf_level) || !(conf_level > 0 && conf_level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence level must be between 0 and 1, exclusive"),
				 errdetail("The confidence level given is %g.", conf_level)));
	return SurvivalNormalQuantile(1.0 - (1.0 - conf_level) / 2.0);
}

/* The "log" interval of S with Greenwood variance v of log S; false if NA */
static inline bool
LogInterval(double S, double v, double z, double *lower, double *upper)
{
	double		se = sqrt(v);

	if (S == 0 || isinf(v))
		return false;
	*lower = exp(log(S) - z * se);
	*upper = Min(1.0, exp(log(S) + z * se));
	return true;
}

PG_FUNCTION_INFO_V1(kaplan_meier);
/*
 * kaplan_meier(s, conf_level): one row per distinct duration, as R's
 * summary(survfit(...), censored = TRUE)
 */
Datum
kaplan_meier(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);
	double		z = SurvivalConfZ(PG_GETARG_FLOAT8(1));
	const float8 *t = SURV_TIMES(s);
	const int64 *ev = SURV_EVENTS(s);
	const int64 *ce = SURV_CENSORED(s);
	double	   *surv = palloc(Max(s->n, 1) * sizeof(double));
	double	   *varlog = palloc(Max(s->n, 1) * sizeof(double));
	int64	   *nrisk = palloc(Max(s->n, 1) * sizeof(int64));

	InitMaterializedSRF(fcinfo, 0);
	SurvivalCurve(s, surv, varlog, nrisk);
	for (int32 i = 0; i < s->n; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {false};
		double		lower,
					upper;

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Float8GetDatum(t[i]);
		values[1] = Int64GetDatum(nrisk[i]);
		values[2] = Int64GetDatum(ev[i]);
		values[3] = Int64GetDatum(ce[i]);
		values[4] = Float8GetDatum(surv[i]);
		if (LogInterval(surv[i], varlog[i], z, &lower, &upper))
		{
			values[5] = Float8GetDatum(surv[i] * sqrt(varlog[i]));
			values[6] = Float8GetDatum(lower);
			values[7] = Float8GetDatum(upper);
		}
		else
			nulls[5] = nulls[6] = nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * R's findq (quantile.survfit): the p-quantile of a curve given as x (the
 * times, x[0] = 0 the start) and y = 1 - S (y[0] = 0), n points, xmax the
 * last time.  Points with a NaN y (no interval once S = 0) are left out, as
 * R's approx leaves them.  Returns false where R gives NA.
 */
static bool
FindQuantile(const double *x, const double *y, int n, double xmax, double p,
			 double *result)
{
	double		ymax = -INFINITY;
	int			i1 = -1,
				i2 = -1,
				last = -1;
	double		prev = NAN;
	bool		have_prev = false;

	for (int i = 0; i < n; i++)
		if (!isnan(y[i]) && y[i] > ymax)
			ymax = y[i];
	if (ymax < p)
		return false;

	/*
	 * Among the points whose y differs from the one before (R drops
	 * duplicated values), the first with y + tol >= p and the first with y -
	 * tol >= p.
	 */
	for (int i = 0; i < n; i++)
	{
		if (have_prev && (y[i] == prev || (isnan(y[i]) && isnan(prev))))
			continue;
		prev = y[i];
		have_prev = true;
		last = i;
		if (isnan(y[i]))
			continue;
		if (i1 < 0 && y[i] + QUANTILE_TOLERANCE >= p)
			i1 = i;
		if (i2 < 0 && y[i] - QUANTILE_TOLERANCE >= p)
			i2 = i;
	}
	if (!isnan(y[last]) && fabs(p - y[last]) < QUANTILE_TOLERANCE)
	{
		if (i1 < 0)
			return false;
		*result = (x[i1] + xmax) / 2;
		return true;
	}
	if (i1 < 0 || i2 < 0)
		return false;
	*result = (x[i1] + x[i2]) / 2;
	return true;
}

PG_FUNCTION_INFO_V1(survival_median);
/* survival_median(s, conf_level): (median, lower, upper) as R's quantile(fit, 0.5) */
Datum
survival_median(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);
	double		z = SurvivalConfZ(PG_GETARG_FLOAT8(1));
	int			n = s->n + 1;
	double	   *x = palloc(n * sizeof(double));
	double	   *ys = palloc(n * sizeof(double));
	double	   *yl = palloc(n * sizeof(double));
	double	   *yu = palloc(n * sizeof(double));
	double	   *surv = palloc(n * sizeof(double));
	double	   *varlog = palloc(n * sizeof(double));
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3];
	double		q;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	SurvivalCurve(s, surv, varlog, NULL);
	x[0] = 0;
	ys[0] = yl[0] = yu[0] = 0;
	for (int i = 0; i < s->n; i++)
	{
		double		lower,
					upper;

		x[i + 1] = SURV_TIMES(s)[i];
		ys[i + 1] = 1 - surv[i];
		if (LogInterval(surv[i], varlog[i], z, &lower, &upper))
		{
			yl[i + 1] = 1 - lower;
			yu[i + 1] = 1 - upper;
		}
		else
			yl[i + 1] = yu[i + 1] = NAN;
	}
	nulls[0] = !FindQuantile(x, ys, n, x[n - 1], 0.5, &q);
	values[0] = Float8GetDatum(q);
	nulls[1] = !FindQuantile(x, yl, n, x[n - 1], 0.5, &q);
	values[1] = Float8GetDatum(q);
	nulls[2] = !FindQuantile(x, yu, n, x[n - 1], 0.5, &q);
	values[2] = Float8GetDatum(q);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(survival_at);
/* survival_at(s, t): the Kaplan-Meier step function at t */
Datum
survival_at(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);
	double		at = PG_GETARG_FLOAT8(1);
	const float8 *t = SURV_TIMES(s);
	const int64 *ev = SURV_EVENTS(s);
	const int64 *ce = SURV_CENSORED(s);
	int64		atrisk = SurvivalSubjects(s);
	double		S = 1.0;

	if (isnan(at))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time must not be NaN")));
	for (int32 i = 0; i < s->n && t[i] <= at; i++)
	{
		if (ev[i] > 0)
			S *= ((double) atrisk - (double) ev[i]) / (double) atrisk;
		atrisk -= ev[i] + ce[i];
	}
	PG_RETURN_FLOAT8(S);
}

PG_FUNCTION_INFO_V1(restricted_mean);
/*
 * restricted_mean(s, tau): the area under the curve from 0 to tau, as R's
 * print(fit, rmean = tau) (the curve held flat after its last time)
 */
Datum
restricted_mean(PG_FUNCTION_ARGS)
{
	SurvivalData *s = PG_GETARG_SURVIVAL_P(0);
	double		tau = PG_GETARG_FLOAT8(1);
	const float8 *t = SURV_TIMES(s);
	const int64 *ev = SURV_EVENTS(s);
	const int64 *ce = SURV_CENSORED(s);
	int64		atrisk = SurvivalSubjects(s);
	double		S = 1.0;
	double		prev = 0.0;
	double		area = 0.0;

	if (isnan(tau) || isinf(tau) || tau < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("restricted mean horizon must be a finite number of 0 or more"),
				 errdetail("The horizon given is %g.", tau)));
	for (int32 i = 0; i < s->n && t[i] <= tau; i++)
	{
		area += (t[i] - prev) * S;
		prev = t[i];
		if (ev[i] > 0)
			S *= ((double) atrisk - (double) ev[i]) / (double) atrisk;
		atrisk -= ev[i] + ce[i];
	}
	area += (tau - prev) * S;
	PG_RETURN_FLOAT8(area);
}
