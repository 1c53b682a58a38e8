/*-------------------------------------------------------------------------
 *
 * health_ops.c
 *	  Comparison, hashing and min/max support of the retention.health type.
 *
 * The order is total: by score, then band, then coverage, then the weakest
 * measure's name (byte-wise).  Values never hold NaN or -0.0 (MakeHealth
 * refuses the one and normalises the other), so plain float comparison is
 * a total order and equal values have identical bytes, which the hash
 * functions rely on.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"

#include "health/health.h"

/* Compare two health values: <0, 0 or >0 */
static int
HealthCmp(const HealthData *a, const HealthData *b)
{
	if (a->score != b->score)
		return (a->score < b->score) ? -1 : 1;
	if (a->band != b->band)
		return (a->band < b->band) ? -1 : 1;
	if (a->coverage != b->coverage)
		return (a->coverage < b->coverage) ? -1 : 1;
	return strcmp(a->weakest, b->weakest);
}

/* Detoast both arguments, compare them and free any detoasted copies */
static int
HealthCmpArgs(FunctionCallInfo fcinfo)
{
	HealthData *a = PG_GETARG_HEALTH_P(0);
	HealthData *b = PG_GETARG_HEALTH_P(1);
	int			result = HealthCmp(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return result;
}

PG_FUNCTION_INFO_V1(health_cmp);

/* btree support 1: three-way comparison */
Datum
health_cmp(PG_FUNCTION_ARGS)
{
	int			cmp = HealthCmpArgs(fcinfo);

	PG_RETURN_INT32(cmp < 0 ? -1 : (cmp > 0 ? 1 : 0));
}

PG_FUNCTION_INFO_V1(health_lt);

/* Operator < */
Datum
health_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(HealthCmpArgs(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(health_le);

/* Operator <= */
Datum
health_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(HealthCmpArgs(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(health_eq);

/* Operator = */
Datum
health_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(HealthCmpArgs(fcinfo) == 0);
}

PG_FUNCTION_INFO_V1(health_ne);

/* Operator <> */
Datum
health_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(HealthCmpArgs(fcinfo) != 0);
}

PG_FUNCTION_INFO_V1(health_ge);

/* Operator >= */
Datum
health_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(HealthCmpArgs(fcinfo) >= 0);
}

PG_FUNCTION_INFO_V1(health_gt);

/* Operator > */
Datum
health_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(HealthCmpArgs(fcinfo) > 0);
}

/*
 * Lay out the fields that equality looks at in buf and return the length.
 *
 * Hashing this image rather than the stored bytes keeps the hash blind to
 * the header, the version byte and the padding.  The score and coverage
 * are never -0.0 or NaN, so equal doubles have equal bytes.
 */
static int
HealthHashImage(const HealthData *h, unsigned char *buf)
{
	size_t		namelen = strlen(h->weakest);
	int			len = 0;

	Assert(namelen <= HEALTH_MEASURE_NAME_MAX);
	buf[len++] = h->band;
	memcpy(buf + len, &h->score, sizeof(float8));
	len += sizeof(float8);
	memcpy(buf + len, &h->coverage, sizeof(float8));
	len += sizeof(float8);
	memcpy(buf + len, h->weakest, namelen);
	len += namelen;
	return len;
}

/* Size of the buffer HealthHashImage fills */
#define HEALTH_HASH_IMAGE_MAX	(1 + 2 * sizeof(float8) + HEALTH_MEASURE_NAME_MAX)

PG_FUNCTION_INFO_V1(health_hash);

/* hash support 1: 32-bit hash consistent with = */
Datum
health_hash(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);
	unsigned char buf[HEALTH_HASH_IMAGE_MAX];
	int			len = HealthHashImage(h, buf);
	Datum		result = hash_any(buf, len);

	PG_FREE_IF_COPY(h, 0);
	return result;
}

PG_FUNCTION_INFO_V1(health_hash_extended);

/*
 * hash support 2: 64-bit seeded hash; with seed 0 its low 32 bits equal
 * health_hash, as hash_bytes_extended guarantees.
 */
Datum
health_hash_extended(PG_FUNCTION_ARGS)
{
	HealthData *h = PG_GETARG_HEALTH_P(0);
	uint64		seed = PG_GETARG_INT64(1);
	unsigned char buf[HEALTH_HASH_IMAGE_MAX];
	int			len = HealthHashImage(h, buf);
	Datum		result = hash_any_extended(buf, len, seed);

	PG_FREE_IF_COPY(h, 0);
	return result;
}

PG_FUNCTION_INFO_V1(health_smaller);

/* The smaller of two values (min's transition and combine function) */
Datum
health_smaller(PG_FUNCTION_ARGS)
{
	HealthData *a = PG_GETARG_HEALTH_P(0);
	HealthData *b = PG_GETARG_HEALTH_P(1);

	/*
	 * Return one of the (detoasted) inputs unchanged: nodeAgg copies a
	 * transition value that is not the old state into the aggregate
	 * context itself.
	 */
	PG_RETURN_HEALTH_P(HealthCmp(a, b) <= 0 ? a : b);
}

PG_FUNCTION_INFO_V1(health_larger);

/* The larger of two values (max's transition and combine function) */
Datum
health_larger(PG_FUNCTION_ARGS)
{
	HealthData *a = PG_GETARG_HEALTH_P(0);
	HealthData *b = PG_GETARG_HEALTH_P(1);

	PG_RETURN_HEALTH_P(HealthCmp(a, b) >= 0 ? a : b);
}
