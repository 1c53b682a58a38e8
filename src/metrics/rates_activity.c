/*-------------------------------------------------------------------------
 *
 * rates_activity.c
 *	  Customer and product retention from the product timelines: who was
 *	  active at the sorted instants, as bit strings per product and as
 *	  counts per window between consecutive instants.
 *
 * A subject active over the instants lo to hi - 1 counts in window k (from
 * instant k to k + 1) as active at its start for lo <= k < hi, at its end
 * for lo <= k + 1 < hi, new in window lo - 1 and churned in window hi - 1
 * (when instant hi exists); the per-window counts are kept as differences
 * and summed once, so that a subject costs its intervals, not the windows.
 * A customer is active while any of its products is: its count of active
 * products, kept as changes (subjects.h), is above 0.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"
#include "utils/varbit.h"

#include "metrics/subjects.h"
#include "metrics/timeline.h"

/* The bits of the instants a product's spans hold at, when any are */
static Datum
SpanBits(const ProductTimeline *pt, int n, bool retained)
{
	int			len = VARBITTOTALLEN(n);
	VarBit	   *r = palloc0(len);

	SET_VARSIZE(r, len);
	VARBITLEN(r) = n;
	for (int i = 0; i < pt->nspans; i++)
	{
		const TimelineSpan *s = &pt->spans[i];

		if (retained ? s->retained : s->active)
			for (int k = s->from_index; k < s->to_index; k++)
				VARBITS(r)[k / BITS_PER_BYTE] |= (bits8) (0x80 >> (k % BITS_PER_BYTE));
	}
	return VarBitPGetDatum(r);
}

typedef struct MaskOutput
{
	ReturnSetInfo *rsinfo;
	int			n;
	MemoryContext row_cxt;
} MaskOutput;

static void
EmitMasks(const ProductTimeline *pt, void *arg)
{
	MaskOutput *out = arg;
	Datum		values[3];
	bool		nulls[3] = {false};
	MemoryContext old = MemoryContextSwitchTo(out->row_cxt);

	values[0] = Int64GetDatum(pt->product_id);
	nulls[1] = !pt->has_active_move;
	if (!nulls[1])
		values[1] = SpanBits(pt, out->n, false);
	nulls[2] = !pt->has_retention_move;
	if (!nulls[2])
		values[2] = SpanBits(pt, out->n, true);
	tuplestore_putvalues(out->rsinfo->setResult, out->rsinfo->setDesc, values, nulls);
	MemoryContextSwitchTo(old);
	MemoryContextReset(out->row_cxt);
}

/*
 * activity_masks(instants): per product with stage moves, the sorted
 * instants at which it was active and those at which it was in retention
 * (bit k for the k-th, from 0; NULL when it never moved to such a stage)
 */
PG_FUNCTION_INFO_V1(activity_masks);
Datum
activity_masks(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz *instants;
	int			n = SortedInstants(PG_GETARG_ARRAYTYPE_P(0), &instants);
	MaskOutput	out;

	InitMaterializedSRF(fcinfo, 0);
	if (n < 1)
		return (Datum) 0;
	out.rsinfo = rsinfo;
	out.n = n;
	out.row_cxt = AllocSetContextCreate(CurrentMemoryContext, "activity mask row",
										ALLOCSET_DEFAULT_SIZES);
	WalkTimelines(instants, n, false, EmitMasks, &out);
	MemoryContextDelete(out.row_cxt);
	return (Datum) 0;
}

/* Breakdowns of retention_by_window, in the order they are returned */
typedef enum RetentionBreakdown
{
	BREAKDOWN_OVERALL, BREAKDOWN_GROUP, BREAKDOWN_REP
} RetentionBreakdown;

typedef struct RetentionBucketKey
{
	RetentionBreakdown breakdown;
	int64		id;				/* the group or rep; 0 overall */
} RetentionBucketKey;

/* Counts of one breakdown per window */
typedef struct RetentionBucket
{
	RetentionBucketKey key;
	int64	   *start_change;	/* [n]: active at the start, as differences */
	int64	   *end_change;		/* [n]: active at the end, as differences */
	int64	   *new;			/* [n]: of window k */
	int64	   *churned;		/* [n]: of window k */
} RetentionBucket;

typedef struct RetentionState
{
	MemoryContext cxt;
	int			n;
	HTAB	   *buckets;
	SubjectTable *customers;
	RetentionBucket *overall;	/* the customers' counts */
} RetentionState;

static RetentionBucket *
BucketOf(RetentionState *st, RetentionBreakdown breakdown, int64 id)
{
	RetentionBucketKey key;
	bool		found;
	RetentionBucket *b;

	memset(&key, 0, sizeof(key));
	key.breakdown = breakdown;
	key.id = id;
	b = hash_search(st->buckets, &key, HASH_ENTER, &found);
	if (!found)
	{
		b->start_change = MemoryContextAllocZero(st->cxt, st->n * sizeof(int64));
		b->end_change = MemoryContextAllocZero(st->cxt, st->n * sizeof(int64));
		b->new = MemoryContextAllocZero(st->cxt, st->n * sizeof(int64));
		b->churned = MemoryContextAllocZero(st->cxt, st->n * sizeof(int64));
	}
	return b;
}

/* Count a subject active over the instants lo to hi - 1 (lo < hi <= n) */
static void
CountInterval(RetentionBucket *b, int n, int lo, int hi)
{
	int			end_lo = Max(lo - 1, 0);

	if (lo < n - 1)
	{
		b->start_change[lo]++;
		b->start_change[Min(hi, n - 1)]--;
	}
	if (end_lo < hi - 1)
	{
		b->end_change[end_lo]++;
		b->end_change[hi - 1]--;
	}
	if (lo >= 1)
		b->new[lo - 1]++;
	if (hi <= n - 1)
		b->churned[hi - 1]++;
}

static void
VisitRetention(const ProductTimeline *pt, void *arg)
{
	RetentionState *st = arg;
	Subject    *customer = SubjectOf(st->customers, false, pt);
	RetentionBucket *group = pt->has_group ? BucketOf(st, BREAKDOWN_GROUP, pt->group_id) : NULL;
	RetentionBucket *rep = pt->has_rep ? BucketOf(st, BREAKDOWN_REP, pt->rep_id) : NULL;

	for (int i = 0; i < pt->nspans;)
	{
		int			lo,
					hi;

		if (!pt->spans[i].active)
		{
			i++;
			continue;
		}
		/* adjacent active spans are one interval */
		lo = pt->spans[i].from_index;
		hi = pt->spans[i].to_index;
		for (i++; i < pt->nspans && pt->spans[i].active && pt->spans[i].from_index == hi; i++)
			hi = pt->spans[i].to_index;

		AddSubjectChange(st->customers, customer, lo, 1);
		if (hi < st->n)
			AddSubjectChange(st->customers, customer, hi, -1);
		if (group)
			CountInterval(group, st->n, lo, hi);
		if (rep)
			CountInterval(rep, st->n, lo, hi);
	}
}

/* A customer is active while its count of active products is above 0 */
static void
CountCustomer(Subject *s, void *arg)
{
	RetentionState *st = arg;
	RetentionBucket *b = st->overall;
	int64		active = 0;
	int			lo = -1;

	for (int i = 0; i < s->nchanges; i++)
	{
		int			j = s->changes[i].index;
		int64		before = active;

		active += s->changes[i].delta;
		if (before == 0 && active > 0)
			lo = j;
		else if (before > 0 && active == 0)
			CountInterval(b, st->n, lo, j);
	}
	if (active > 0)
		CountInterval(b, st->n, lo, st->n);
}

static int
CompareRetentionBuckets(const void *a, const void *b)
{
	const RetentionBucket *x = *(RetentionBucket *const *) a;
	const RetentionBucket *y = *(RetentionBucket *const *) b;

	if (x->key.breakdown != y->key.breakdown)
		return x->key.breakdown < y->key.breakdown ? -1 : 1;
	return (x->key.id > y->key.id) - (x->key.id < y->key.id);
}

/* One row per window in which the bucket has subjects at its start or end */
static void
EmitRetentionBucket(RetentionBucket *b, const TimestampTz *instants, int n, ReturnSetInfo *rsinfo)
{
	static const char *const names[] = {"overall", "group", "rep"};
	int64		start = 0,
				end = 0;

	for (int k = 0; k + 1 < n; k++)
	{
		Datum		values[9];
		bool		nulls[9] = {false};

		start += b->start_change[k];
		end += b->end_change[k];
		if (start == 0 && end == 0)
			continue;
		values[0] = TimestampTzGetDatum(instants[k]);
		values[1] = TimestampTzGetDatum(instants[k + 1]);
		values[2] = CStringGetTextDatum(names[b->key.breakdown]);
		values[3] = Int64GetDatum(b->key.id);
		nulls[3] = b->key.breakdown != BREAKDOWN_GROUP;
		values[4] = Int64GetDatum(b->key.id);
		nulls[4] = b->key.breakdown != BREAKDOWN_REP;
		values[5] = Int64GetDatum(start);
		values[6] = Int64GetDatum(b->new[k]);
		values[7] = Int64GetDatum(b->churned[k]);
		values[8] = Int64GetDatum(end);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * retention_by_window(instants): per window between consecutive sorted
 * instants, the customers (overall) and products (by group, by rep)
 * active at its start and end
 */
PG_FUNCTION_INFO_V1(retention_by_window);
Datum
retention_by_window(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz *instants;
	int			n = SortedInstants(PG_GETARG_ARRAYTYPE_P(0), &instants);
	RetentionState st;
	HASHCTL		ctl;
	HASH_SEQ_STATUS seq;
	RetentionBucket *b;
	RetentionBucket **buckets;
	int			nbuckets = 0;

	InitMaterializedSRF(fcinfo, 0);
	if (n < 2)
		return (Datum) 0;
	st.cxt = AllocSetContextCreate(CurrentMemoryContext, "retention by window",
								   ALLOCSET_DEFAULT_SIZES);
	st.n = n;
	ctl.keysize = sizeof(RetentionBucketKey);
	ctl.entrysize = sizeof(RetentionBucket);
	ctl.hcxt = st.cxt;
	st.buckets = hash_create("retention buckets", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	st.customers = CreateSubjects(st.cxt);
	st.overall = BucketOf(&st, BREAKDOWN_OVERALL, 0);

	WalkTimelines(instants, n, false, VisitRetention, &st);
	ForEachSubject(st.customers, CountCustomer, &st);

	buckets = palloc(Max(hash_get_num_entries(st.buckets), 1) * sizeof(RetentionBucket *));
	hash_seq_init(&seq, st.buckets);
	while ((b = hash_seq_search(&seq)) != NULL)
		buckets[nbuckets++] = b;
	qsort(buckets, nbuckets, sizeof(RetentionBucket *), CompareRetentionBuckets);
	for (int i = 0; i < nbuckets; i++)
		EmitRetentionBucket(buckets[i], instants, n, rsinfo);
	MemoryContextDelete(st.cxt);
	return (Datum) 0;
}
