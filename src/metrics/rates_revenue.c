/*-------------------------------------------------------------------------
 *
 * rates_revenue.c
 *	  Revenue retention from the product timelines: each subject's MRR at
 *	  the sorted instants and its movements between them.
 *
 * A subject is a customer (breakdown overall) or a customer's products in
 * one group (breakdown group, by each product's current group).  Its MRR is
 * kept as changes (+mrr where a product's span begins, -mrr where it ends),
 * so that memory grows with the history, not with products x instants; the
 * movements of a window are read off the changes at its end instant, as
 * ChartMogul classifies them: new (no MRR at the start, never any before),
 * reactivation (none at the start, some before), expansion, contraction
 * (down, above 0), churn (down to 0).  MRR is summed exactly, in cents.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

#include "metrics/subjects.h"
#include "metrics/timeline.h"

/* Movements of a window, in cents */
enum
{
	MOVE_NEW, MOVE_EXPANSION, MOVE_CONTRACTION, MOVE_CHURNED, MOVE_REACTIVATED, NUM_MOVES
};

/* The totals of one breakdown: overall, or one group */
typedef struct RevenueBucket
{
	int64		group_id;		/* hash key; 0 for overall */
	TimestampTz present_from;	/* the earliest history of its subjects */
	int64	   *level_change;	/* [n]: its MRR changes at instant k by this */
	int64	   *moves;			/* [(n - 1) x NUM_MOVES]: movements of window k */
} RevenueBucket;

/* What a walk accumulates */
typedef struct RevenueState
{
	MemoryContext cxt;
	const TimestampTz *instants;
	int			n;
	bool		with_groups;
	SubjectTable *subjects;
	RevenueBucket overall;
	HTAB	   *groups;			/* group_id -> RevenueBucket */
} RevenueState;

/* MRR in cents as a numeric of scale 2 */
static inline Datum
CentsGetDatum(int64 cents)
{
	return NumericGetDatum(int64_div_fast_to_numeric(cents, 2));
}

static void
InitBucket(RevenueState *st, RevenueBucket *b, int64 group_id)
{
	b->group_id = group_id;
	b->present_from = DT_NOEND;
	b->level_change = MemoryContextAllocZero(st->cxt, st->n * sizeof(int64));
	b->moves = MemoryContextAllocZero(st->cxt, Max(st->n - 1, 1) * NUM_MOVES * sizeof(int64));
}

/* Add a product's MRR to its subject, and its history to the subject's bucket */
static void
AddToSubject(RevenueState *st, RevenueBucket *b, bool by_group, const ProductTimeline *pt)
{
	Subject    *s = SubjectOf(st->subjects, by_group, pt);

	b->present_from = Min(b->present_from, pt->present_from);
	for (int i = 0; i < pt->nspans; i++)
	{
		const TimelineSpan *span = &pt->spans[i];

		if (!span->has_mrr || span->mrr == 0)
			continue;
		AddSubjectChange(st->subjects, s, span->from_index, span->mrr);
		if (span->to_index < st->n)
			AddSubjectChange(st->subjects, s, span->to_index, -span->mrr);
	}
}

static void
VisitRevenue(const ProductTimeline *pt, void *arg)
{
	RevenueState *st = arg;

	AddToSubject(st, &st->overall, false, pt);
	if (st->with_groups && pt->has_group)
	{
		bool		found;
		RevenueBucket *b = hash_search(st->groups, &pt->group_id, HASH_ENTER, &found);

		if (!found)
			InitBucket(st, b, pt->group_id);
		AddToSubject(st, b, true, pt);
	}
}

/* Walk the timelines at the n instants into subjects (and group buckets) */
static void
AccumulateRevenue(RevenueState *st, const TimestampTz *instants, int n, bool with_groups)
{
	HASHCTL		ctl;

	st->cxt = AllocSetContextCreate(CurrentMemoryContext, "revenue subjects",
									ALLOCSET_DEFAULT_SIZES);
	st->instants = instants;
	st->n = n;
	st->with_groups = with_groups;
	st->subjects = CreateSubjects(st->cxt);
	InitBucket(st, &st->overall, 0);
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(RevenueBucket);
	ctl.hcxt = st->cxt;
	st->groups = hash_create("revenue groups", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	WalkTimelines(instants, n, true, VisitRevenue, st);
}

/* Add one subject's changes to its bucket's MRR and movements */
static void
ClassifySubject(Subject *s, void *arg)
{
	RevenueState *st = arg;
	RevenueBucket *b = s->key.by_group
		? hash_search(st->groups, &s->key.group_id, HASH_FIND, NULL) : &st->overall;
	int64		level = 0;

	for (int i = 0; i < s->nchanges; i++)
	{
		int			j = s->changes[i].index;
		int64		d = s->changes[i].delta;
		int64		m0 = level,
					m1;

		b->level_change[j] = AddCents(b->level_change[j], d);
		m1 = level = AddCents(level, d);
		if (d == 0 || j == 0)
			continue;
		/* window k = j - 1 runs from instant j - 1 to instant j */
		{
			int64	   *w = &b->moves[(j - 1) * NUM_MOVES];
			bool		paid_before = s->paid && s->first_paid_at < st->instants[j - 1];

			if (m0 == 0 && m1 > 0)
				w[paid_before ? MOVE_REACTIVATED : MOVE_NEW] =
					AddCents(w[paid_before ? MOVE_REACTIVATED : MOVE_NEW], m1);
			else if (m0 > 0 && m1 > m0)
				w[MOVE_EXPANSION] = AddCents(w[MOVE_EXPANSION], m1 - m0);
			else if (m0 > 0 && m1 > 0 && m1 < m0)
				w[MOVE_CONTRACTION] = AddCents(w[MOVE_CONTRACTION], m0 - m1);
			else if (m0 > 0 && m1 == 0)
				w[MOVE_CHURNED] = AddCents(w[MOVE_CHURNED], m0);
		}
	}
}

/* One row per window of a bucket whose history began before the window ended */
static void
EmitBucket(RevenueState *st, RevenueBucket *b, bool is_group, ReturnSetInfo *rsinfo)
{
	int64		level = st->n > 0 ? b->level_change[0] : 0;

	for (int k = 0; k + 1 < st->n; k++)
	{
		Datum		values[11];
		bool		nulls[11] = {false};
		int64		next = AddCents(level, b->level_change[k + 1]);
		const int64 *w = &b->moves[k * NUM_MOVES];

		if (b->present_from < st->instants[k + 1])
		{
			values[0] = TimestampTzGetDatum(st->instants[k]);
			values[1] = TimestampTzGetDatum(st->instants[k + 1]);
			values[2] = CStringGetTextDatum(is_group ? "group" : "overall");
			values[3] = Int64GetDatum(b->group_id);
			nulls[3] = !is_group;
			values[4] = CentsGetDatum(level);
			values[5] = CentsGetDatum(w[MOVE_NEW]);
			values[6] = CentsGetDatum(w[MOVE_EXPANSION]);
			values[7] = CentsGetDatum(w[MOVE_CONTRACTION]);
			values[8] = CentsGetDatum(w[MOVE_CHURNED]);
			values[9] = CentsGetDatum(w[MOVE_REACTIVATED]);
			values[10] = CentsGetDatum(next);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		level = next;
	}
}

static int
CompareBuckets(const void *a, const void *b)
{
	int64		x = (*(RevenueBucket *const *) a)->group_id;
	int64		y = (*(RevenueBucket *const *) b)->group_id;

	return (x > y) - (x < y);
}

/*
 * revenue_by_window(instants): per window between consecutive sorted
 * instants, overall and per group, the MRR at its start and end and its
 * movements
 */
PG_FUNCTION_INFO_V1(revenue_by_window);
Datum
revenue_by_window(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz *instants;
	int			n = SortedInstants(PG_GETARG_ARRAYTYPE_P(0), &instants);
	RevenueState st;
	HASH_SEQ_STATUS seq;
	RevenueBucket *b;
	RevenueBucket **groups;
	long		ngroups;
	int			g = 0;

	InitMaterializedSRF(fcinfo, 0);
	if (n < 2)
		return (Datum) 0;
	AccumulateRevenue(&st, instants, n, true);

	ForEachSubject(st.subjects, ClassifySubject, &st);

	EmitBucket(&st, &st.overall, false, rsinfo);
	ngroups = hash_get_num_entries(st.groups);
	groups = palloc(Max(ngroups, 1) * sizeof(RevenueBucket *));
	hash_seq_init(&seq, st.groups);
	while ((b = hash_seq_search(&seq)) != NULL)
		groups[g++] = b;
	qsort(groups, g, sizeof(RevenueBucket *), CompareBuckets);
	for (int i = 0; i < g; i++)
		EmitBucket(&st, groups[i], true, rsinfo);

	MemoryContextDelete(st.cxt);
	return (Datum) 0;
}

/* What customer_mrr emits its rows with */
typedef struct CustomerMrrOutput
{
	ReturnSetInfo *rsinfo;
	int			n;
	int64	   *level;
	Datum	   *elems;
	MemoryContext row_cxt;
} CustomerMrrOutput;

static void
EmitCustomerMrr(Subject *s, void *arg)
{
	CustomerMrrOutput *out = arg;
	Datum		values[4];
	bool		nulls[4] = {false};
	MemoryContext old;
	int64		m = 0;

	memset(out->level, 0, out->n * sizeof(int64));
	for (int i = 0; i < s->nchanges; i++)
		out->level[s->changes[i].index] = AddCents(out->level[s->changes[i].index], s->changes[i].delta);

	old = MemoryContextSwitchTo(out->row_cxt);
	for (int k = 0; k < out->n; k++)
	{
		m = AddCents(m, out->level[k]);
		out->elems[k] = CentsGetDatum(m);
	}
	values[0] = CStringGetTextDatum(s->key.customer);
	values[1] = TimestampTzGetDatum(s->first_paid_at);
	nulls[1] = !s->paid;
	values[2] = TimestampTzGetDatum(s->present_from);
	values[3] = PointerGetDatum(construct_array(out->elems, out->n, NUMERICOID, -1, false, TYPALIGN_INT));
	tuplestore_putvalues(out->rsinfo->setResult, out->rsinfo->setDesc, values, nulls);
	MemoryContextSwitchTo(old);
	MemoryContextReset(out->row_cxt);
}

/*
 * customer_mrr(instants): each customer's MRR (of its active products) at
 * each of the sorted instants, when it first had MRR and when its history
 * began
 */
PG_FUNCTION_INFO_V1(customer_mrr);
Datum
customer_mrr(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz *instants;
	int			n = SortedInstants(PG_GETARG_ARRAYTYPE_P(0), &instants);
	RevenueState st;
	CustomerMrrOutput out;

	InitMaterializedSRF(fcinfo, 0);
	AccumulateRevenue(&st, instants, n, false);
	out.rsinfo = rsinfo;
	out.n = n;
	out.level = palloc(n * sizeof(int64));
	out.elems = palloc(n * sizeof(Datum));
	out.row_cxt = AllocSetContextCreate(CurrentMemoryContext, "customer MRR row",
										ALLOCSET_DEFAULT_SIZES);
	ForEachSubject(st.subjects, EmitCustomerMrr, &out);
	MemoryContextDelete(out.row_cxt);
	MemoryContextDelete(st.cxt);
	return (Datum) 0;
}
