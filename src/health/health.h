/*-------------------------------------------------------------------------
 *
 * health.h
 *	  The retention.health type: a product's health score (0-100), its band,
 *	  the share of the scorecard's weight that had data (coverage) and the
 *	  measure that costs the score most.
 *
 * Stored as a short varlena whose first byte after the header is a format
 * version, so that a later release can change the layout and still read
 * what this one wrote.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HEALTH_H
#define HEALTH_H

#include "postgres.h"
#include "fmgr.h"

/* The format version, the bands and measure names: see the parsing core */
#include "health/health_parse.h"

/*
 * Observed values lie in [-HEALTH_VALUE_MAX, HEALTH_VALUE_MAX]: then no sum
 * of them, over any number of rows a table can hold, overflows a float8, so
 * one product's data can never make another product's score fail.  The same
 * bound is a CHECK on retention.observations.
 */
#define HEALTH_VALUE_MAX		1e12

/* The longest window a measure may have: as_of - window stays in range */
#define HEALTH_WINDOW_MAX_YEARS 100

typedef struct HealthData
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* HEALTH_FORMAT_VERSION */
	uint8		band;			/* HEALTH_BAND_* */
	uint16		unused;			/* always 0 */
	float8		score;			/* 0..100 */
	float8		coverage;		/* 0..1 */
	char		weakest[FLEXIBLE_ARRAY_MEMBER]; /* NUL-terminated; "" if none */
} HealthData;

#define DatumGetHealthP(X)		((HealthData *) PG_DETOAST_DATUM(X))
#define PG_GETARG_HEALTH_P(n)	DatumGetHealthP(PG_GETARG_DATUM(n))
#define PG_RETURN_HEALTH_P(x)	PG_RETURN_POINTER(x)

/*
 * Build a health value in CurrentMemoryContext; weakest may be NULL.
 * Raises 22003 for a score or coverage out of range, 22023 for a bad band
 * or measure name.
 */
extern HealthData *MakeHealth(double score, int band, double coverage,
							  const char *weakest);

/* "red", "yellow" or "green" */
extern const char *HealthBandName(int band);

/* HEALTH_BAND_* for a band name, or 0 if it is not one */
extern int	HealthBandFromName(const char *name);

/* Is this a valid measure name ([a-z][a-z0-9_]*, at most 63 bytes)? */
extern bool HealthMeasureNameIsValid(const char *name);

#endif							/* HEALTH_H */
