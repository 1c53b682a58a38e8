/*-------------------------------------------------------------------------
 *
 * survival.h
 *	  The retention.survival type: the exact counts of events (churn) and
 *	  censorings (still a customer) at each distinct duration, a sorted,
 *	  compact map from which the Kaplan-Meier curve, its quantiles and the
 *	  log-rank test are computed without another pass over the rows.
 *
 * Flat form (a varlena): a 16-byte header with a format version, then the
 * n durations (float8, strictly increasing, finite, >= 0), then the n event
 * counts and the n censoring counts (int64, >= 0, never both 0).  The three
 * arrays are side by side so that the durations, which the aggregate
 * searches, are contiguous.
 *
 * While an aggregate runs, its state is an expanded object (survival.c): the
 * sorted map plus a buffer of entries not merged yet, so that a new duration
 * costs an append instead of an insertion into the middle of the map.  It is
 * flattened into the form above whenever PostgreSQL stores or sends it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SURVIVAL_H
#define SURVIVAL_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/memutils.h"

/* The format version and the parsing core (text and binary forms) */
#include "survival/survival_parse.h"

typedef struct SurvivalData
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* SURVIVAL_FORMAT_VERSION */
	uint8		flags;			/* always 0 */
	uint16		unused;			/* always 0 */
	int32		n;				/* number of distinct durations */
	int32		unused2;		/* always 0; aligns the arrays */
	/* float8 times[n]; int64 events[n]; int64 censored[n]; */
} SurvivalData;

#define SURVIVAL_HEADER_SIZE	sizeof(SurvivalData)
#define SURVIVAL_ENTRY_SIZE		(sizeof(float8) + 2 * sizeof(int64))
/* The most entries a value can hold (its size stays below 1 GB) */
#define SURVIVAL_MAX_ENTRIES \
	((int32) ((MaxAllocSize - SURVIVAL_HEADER_SIZE) / SURVIVAL_ENTRY_SIZE))
#define SurvivalSize(n) \
	(SURVIVAL_HEADER_SIZE + (Size) (n) * SURVIVAL_ENTRY_SIZE)

#define SURV_TIMES(s)	((float8 *) ((char *) (s) + SURVIVAL_HEADER_SIZE))
#define SURV_EVENTS(s)	((int64 *) (SURV_TIMES(s) + (s)->n))
#define SURV_CENSORED(s) (SURV_EVENTS(s) + (s)->n)

#define DatumGetSurvivalP(X)	SurvivalDetoast(X)
#define PG_GETARG_SURVIVAL_P(n) DatumGetSurvivalP(PG_GETARG_DATUM(n))
#define PG_RETURN_SURVIVAL_P(x) PG_RETURN_POINTER(x)

/* A value from a Datum: detoasted (or flattened) and its version checked */
extern SurvivalData *SurvivalDetoast(Datum d);

/* An empty value with room for n entries, in CurrentMemoryContext */
extern SurvivalData *SurvivalAlloc(int32 n);

/*
 * Check a flat value read from outside (text, binary): durations finite,
 * >= 0 and strictly increasing, counts >= 0 and not both 0, the total of
 * all counts within int64.  what names the source in messages.
 */
extern void SurvivalValidate(const SurvivalData *s, const char *what);

/* The number of subjects (events plus censorings); raises 22003 on overflow */
extern int64 SurvivalSubjects(const SurvivalData *s);

/* Refuse a duration that is negative, NaN or infinite (22003) */
extern void SurvivalCheckDuration(double t);

/*
 * The Kaplan-Meier curve of s at each of its durations: surv[i] = S(t_i),
 * varlog[i] = Greenwood's variance of log S(t_i) (the cumulative sum of
 * d / (n (n - d)); +Inf once S = 0), nrisk[i] = subjects at risk.  Arrays
 * of s->n elements, palloc'd by the caller; varlog and nrisk may be NULL.
 */
extern void SurvivalCurve(const SurvivalData *s, double *surv, double *varlog,
						  int64 *nrisk);

/* The standard normal quantile (Wichura's AS 241, as R's qnorm) */
extern double SurvivalNormalQuantile(double p);

/* z for a two-sided interval of this level; raises 22023 outside (0, 1) */
extern double SurvivalConfZ(double conf_level);

#endif							/* SURVIVAL_H */
