/*-------------------------------------------------------------------------
 *
 * health_config.h
 *	  A per-session cache of the health configuration: every scorecard with
 *	  its band edges and its measures (rollup, window, thresholds, weight).
 *
 * The cache is read once with SPI and kept until retention.measures,
 * retention.scorecards or retention.scorecard_measures change.  A scorecard
 * is one flat block (its measures follow it in the same allocation), so a
 * caller that needs it beyond the current command copies it with
 * CopyScorecard and is safe from a reload of the cache.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HEALTH_CONFIG_H
#define HEALTH_CONFIG_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "health/health.h"

/* How a measure's observations in its window become one value */
typedef enum HealthRollup
{
	HEALTH_ROLLUP_AVG,
	HEALTH_ROLLUP_SUM,
	HEALTH_ROLLUP_COUNT,
	HEALTH_ROLLUP_LAST,
	HEALTH_ROLLUP_MIN,
	HEALTH_ROLLUP_MAX
} HealthRollup;

/* A measure as one scorecard uses it */
typedef struct HealthCardMeasure
{
	char		name[HEALTH_MEASURE_NAME_MAX + 1];
	int			namelen;
	HealthRollup rollup;
	Interval	window;			/* window_length, > 0 */
	double		zero_at;		/* value scoring 0 */
	double		full_at;		/* value scoring 100; <> zero_at */
	double		weight;			/* > 0 */
} HealthCardMeasure;

/* A scorecard; its measures are ordered by name (byte order) */
typedef struct HealthScorecard
{
	char		name[HEALTH_MEASURE_NAME_MAX + 1];
	int			namelen;
	double		red_below;
	double		yellow_below;
	double		alert_drop;
	double		total_weight;	/* sum of the measures' weights */
	uint32		fingerprint;	/* hash of everything above and below */
	int			nmeasures;
	HealthCardMeasure measures[FLEXIBLE_ARRAY_MEMBER];
} HealthScorecard;

#define HealthScorecardSize(n) \
	(offsetof(HealthScorecard, measures) + (n) * sizeof(HealthCardMeasure))

typedef struct HealthConfig
{
	int			ncards;
	HealthScorecard **cards;	/* ordered by name (byte order) */
	Oid			owner;			/* owner of the configuration tables */
} HealthConfig;

extern void HealthConfigInit(void);
extern HealthConfig *GetHealthConfig(void);
extern const HealthScorecard *FindScorecard(HealthConfig *config,
											const char *name, int namelen);
extern HealthScorecard *CopyScorecard(const HealthScorecard *card,
									  MemoryContext cxt);
extern double HealthSubScore(const HealthCardMeasure *measure, double value);
extern int	HealthBandForScore(const HealthScorecard *card, double score);

#endif							/* HEALTH_CONFIG_H */
