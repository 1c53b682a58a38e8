/*-------------------------------------------------------------------------
 *
 * timeline.h
 *	  Product timelines: the state of every product the caller may see at a
 *	  set of sorted instants, read from its stage and MRR histories in one
 *	  ordered pass.  The rates are computed from them.
 *
 * A product's stage at time t is that of its latest move strictly before t
 * (retention.stage_history, in (changed_at, id) order), its MRR that of the
 * latest retention.mrr_history row effective strictly before t; a move made
 * at an instant thus counts from the next one on.  A product is active while
 * it is in any stage but ineligible, and its MRR counts only then.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include "postgres.h"

#include "utils/array.h"
#include "utils/timestamp.h"

/*
 * A stretch of instants over which a product's state holds: from the
 * instant of index from_index (0 for the first) to to_index - 1.
 */
typedef struct TimelineSpan
{
	int			from_index;
	int			to_index;
	bool		active;			/* in a stage but ineligible */
	bool		retained;		/* in retention */
	bool		has_mrr;		/* active, with an MRR row in effect (perhaps 0) */
	int64		mrr;			/* that MRR in cents; 0 otherwise */
} TimelineSpan;

/*
 * One product: its spans in order, disjoint, none empty; no span covers the
 * instants before its first move or MRR row.
 */
typedef struct ProductTimeline
{
	int64		product_id;
	const char *customer;		/* its own customer, else its deal's */
	bool		has_group;
	int64		group_id;		/* its current group */
	bool		has_rep;
	int64		rep_id;			/* that group's rep */
	bool		has_active_move;	/* any move to a stage but ineligible */
	bool		has_retention_move; /* any move to retention */
	int			nspans;
	TimelineSpan *spans;
	bool		paid;			/* ever had MRR > 0 while active ... */
	TimestampTz first_paid_at;	/* ... from this time */
	TimestampTz present_from;	/* its earliest stage move or MRR row */
} ProductTimeline;

/* Called once per product that has history and that the caller may see */
typedef void (*TimelineVisitor) (const ProductTimeline *product, void *arg);

/*
 * The instants of a timestamptz[] in order, without duplicates or NULLs
 * (palloc'd); returns how many.
 */
extern int	SortedInstants(ArrayType *instants, TimestampTz **sorted);

/*
 * Visit every product's timeline at the n sorted instants, in product
 * order; with_mrr false reads no MRR (has_mrr and paid false) and visits
 * only the products with stage moves.  Reads as the caller,
 * under row-level security; the calling function pins search_path.
 */
extern void WalkTimelines(const TimestampTz *instants, int n, bool with_mrr,
						  TimelineVisitor visit, void *arg);

/* a + b for MRR in cents, or an error (22003) */
extern int64 AddCents(int64 a, int64 b);

#endif							/* TIMELINE_H */
