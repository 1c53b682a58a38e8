/*-------------------------------------------------------------------------
 *
 * timeline.c
 *	  Product timelines, read in one ordered pass: the visible products, their
 *	  stage moves and their MRR rows, each in product order, merged as three
 *	  streams of SPI cursors.
 *
 * The work per product is its history rows times log(instants), so that a
 * call with many instants costs what its output does, and memory holds one
 * product at a time (the cursors fetch in batches).  The queries run as the
 * caller, so row-level security decides what a rate counts.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "metrics/timeline.h"

/* Rows each cursor fetches at a time */
#define TIMELINE_FETCH	4096

/*
 * The most distinct instants a call takes: the per-window totals are arrays
 * of that length, which must stay well inside a palloc's 1 GB.
 */
#define TIMELINE_MAX_INSTANTS	10000000

/*
 * Every product the caller may see, with its customer and the rep of its
 * current group.  Every operator is schema-qualified: the calling function
 * pins search_path, and these must not depend on it anyway.
 */
#define PRODUCTS_SQL \
	"SELECT p.id, coalesce(p.customer, d.customer), p.group_id, g.rep_id" \
	"  FROM retention.products p" \
	"  JOIN retention.deals d ON d.id OPERATOR(pg_catalog.=) p.deal_id" \
	"  LEFT JOIN retention.groups g ON g.id OPERATOR(pg_catalog.=) p.group_id" \
	" ORDER BY p.id"
#define MOVES_SQL \
	"SELECT h.product_id, h.changed_at," \
	"       h.to_stage OPERATOR(pg_catalog.<>) 'ineligible'," \
	"       h.to_stage OPERATOR(pg_catalog.=) 'retention'" \
	"  FROM retention.stage_history h" \
	" WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'" \
	"   AND h.product_id IS NOT NULL" \
	" ORDER BY h.product_id, h.changed_at, h.id"
/* MRR in cents: mrr_history.mrr is numeric(14, 2); NULL counts as 0 */
#define MRR_SQL \
	"SELECT m.product_id, m.effective_at," \
	"       pg_catalog.int8(coalesce(m.mrr, 0) OPERATOR(pg_catalog.*) 100)" \
	"  FROM retention.mrr_history m" \
	" ORDER BY m.product_id, m.effective_at, m.id"

/* One query's rows, a batch at a time */
typedef struct HistoryStream
{
	Portal		portal;
	SPITupleTable *batch;
	uint64		nrows;
	uint64		pos;
} HistoryStream;

/* A history row of one product: a stage move or an MRR row */
typedef struct HistoryRow
{
	TimestampTz at;
	bool		active;			/* a move: to a stage but ineligible */
	bool		retained;		/* a move: to retention */
	int64		mrr;			/* an MRR row: cents */
} HistoryRow;

static void
StreamFetch(HistoryStream *s)
{
	if (s->batch)
		SPI_freetuptable(s->batch);
	SPI_cursor_fetch(s->portal, true, TIMELINE_FETCH);
	s->batch = SPI_tuptable;
	s->nrows = SPI_processed;
	s->pos = 0;
}

static void
StreamOpen(HistoryStream *s, const char *sql)
{
	/* no cursor options: plan for reading every row, not the first few */
	s->portal = SPI_cursor_open_with_args(NULL, sql, 0, NULL, NULL, NULL, true, 0);
	if (s->portal == NULL)
		elog(ERROR, "could not open a cursor for the product timelines");
	s->batch = NULL;
	StreamFetch(s);
}

/* The current row, or NULL at the end */
static inline HeapTuple
StreamRow(HistoryStream *s)
{
	return s->pos < s->nrows ? s->batch->vals[s->pos] : NULL;
}

static inline void
StreamNext(HistoryStream *s)
{
	if (++s->pos >= s->nrows && s->nrows > 0)
		StreamFetch(s);
}

/* A column of the current row, which is not NULL by its query */
static inline Datum
StreamValue(HistoryStream *s, int attnum)
{
	bool		isnull;
	Datum		d = SPI_getbinval(StreamRow(s), s->batch->tupdesc, attnum, &isnull);

	if (isnull)
		elog(ERROR, "unexpected NULL in column %d of a product timeline query", attnum);
	return d;
}

/* The product id of the current row, or PG_INT64_MAX at the end */
static inline int64
StreamProduct(HistoryStream *s)
{
	return StreamRow(s) ? DatumGetInt64(StreamValue(s, 1)) : PG_INT64_MAX;
}

static int
CompareInstants(const void *a, const void *b)
{
	TimestampTz x = *(const TimestampTz *) a;
	TimestampTz y = *(const TimestampTz *) b;

	return (x > y) - (x < y);
}

/* The instants of a timestamptz[] in order, without duplicates or NULLs */
int
SortedInstants(ArrayType *instants, TimestampTz **sorted)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			n = 0;
	TimestampTz *t;

	if (ARR_ELEMTYPE(instants) != TIMESTAMPTZOID)
		elog(ERROR, "expected an array of timestamptz");
	deconstruct_array(instants, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &nulls, &nelems);
	t = palloc(Max(nelems, 1) * sizeof(TimestampTz));
	for (int i = 0; i < nelems; i++)
		if (!nulls[i])
			t[n++] = DatumGetTimestampTz(elems[i]);
	qsort(t, n, sizeof(TimestampTz), CompareInstants);
	if (n > 1)
	{
		int			kept = 1;

		for (int i = 1; i < n; i++)
			if (t[i] != t[kept - 1])
				t[kept++] = t[i];
		n = kept;
	}
	if (n > TIMELINE_MAX_INSTANTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many instants"),
				 errdetail("%d distinct instants were given; the rates take at most %d.",
						   n, TIMELINE_MAX_INSTANTS)));
	*sorted = t;
	return n;
}

/* How many of the sorted instants are at or before t: the first that is after */
static inline int
InstantsUpTo(const TimestampTz *instants, int n, TimestampTz t)
{
	int			lo = 0,
				hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (instants[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* a + b for MRR in cents, or an error */
int64
AddCents(int64 a, int64 b)
{
	int64		r;

	if (pg_add_s64_overflow(a, b, &r))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("MRR total out of range"),
				 errdetail("The sum of the MRR counted exceeds 92,233,720,368,547,758.07.")));
	return r;
}

/*
 * The product's spans from its history rows, merged in time order (moves
 * and MRR rows at the same time apply together: both count from the next
 * instant on).  The state after a row holds over [row, next row) in time,
 * at the instants from InstantsUpTo(row) to InstantsUpTo(next row) - 1.
 */
static void
BuildSpans(ProductTimeline *pt, const HistoryRow *moves, int nmoves,
		   const HistoryRow *mrrs, int nmrrs, const TimestampTz *instants, int n)
{
	int			i = 0,
				j = 0;
	bool		in_stage = false,
				active = false,
				retained = false,
				has_mrr = false;
	int64		mrr = 0;

	pt->nspans = 0;
	pt->has_active_move = pt->has_retention_move = false;
	pt->paid = false;
	pt->first_paid_at = 0;
	pt->present_from = (nmoves > 0 && (nmrrs == 0 || moves[0].at <= mrrs[0].at))
		? moves[0].at : mrrs[0].at;

	while (i < nmoves || j < nmrrs)
	{
		TimestampTz at = (j >= nmrrs || (i < nmoves && moves[i].at <= mrrs[j].at))
			? moves[i].at : mrrs[j].at;
		TimestampTz next;
		int			from_index,
					to_index;

		/* every row at this time, moves in (changed_at, id) order */
		while (i < nmoves && moves[i].at == at)
		{
			in_stage = true;
			active = moves[i].active;
			retained = moves[i].retained;
			pt->has_active_move |= active;
			pt->has_retention_move |= retained;
			i++;
		}
		while (j < nmrrs && mrrs[j].at == at)
		{
			has_mrr = true;
			mrr = mrrs[j].mrr;
			j++;
		}
		next = DT_NOEND;
		if (i < nmoves)
			next = moves[i].at;
		if (j < nmrrs && mrrs[j].at < next)
			next = mrrs[j].at;

		if (in_stage && active && has_mrr && mrr > 0 && !pt->paid && at < next)
		{
			pt->paid = true;
			pt->first_paid_at = at;
		}

		from_index = InstantsUpTo(instants, n, at);
		to_index = (next == DT_NOEND) ? n : InstantsUpTo(instants, n, next);
		if (from_index < to_index)
		{
			TimelineSpan *s = &pt->spans[pt->nspans++];

			s->from_index = from_index;
			s->to_index = to_index;
			s->active = in_stage && active;
			s->retained = in_stage && retained;
			s->has_mrr = s->active && has_mrr;
			s->mrr = s->has_mrr ? mrr : 0;
		}
	}
}

/* Append the current row of a history stream to rows (grown as needed) */
static HistoryRow *
AppendRow(HistoryRow *rows, int *nrows, int *maxrows)
{
	if (*nrows >= *maxrows)
	{
		if (*maxrows >= (int) (MaxAllocSize / sizeof(HistoryRow) / 2))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a product has too many history rows to compute its timeline")));
		*maxrows *= 2;
		rows = repalloc(rows, *maxrows * sizeof(HistoryRow));
	}
	return rows;
}

void
WalkTimelines(const TimestampTz *instants, int n, bool with_mrr,
			  TimelineVisitor visit, void *arg)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext walk = AllocSetContextCreate(caller, "product timelines",
											   ALLOCSET_DEFAULT_SIZES);
	HistoryStream products,
				moves,
				mrrs;
	int			maxmoves = 16,
				maxmrrs = 16;
	HistoryRow *moverows = MemoryContextAlloc(walk, maxmoves * sizeof(HistoryRow));
	HistoryRow *mrrrows = MemoryContextAlloc(walk, maxmrrs * sizeof(HistoryRow));
	MemoryContext product_cxt = AllocSetContextCreate(walk, "product timeline",
													  ALLOCSET_DEFAULT_SIZES);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	StreamOpen(&products, PRODUCTS_SQL);
	StreamOpen(&moves, MOVES_SQL);
	if (with_mrr)
		StreamOpen(&mrrs, MRR_SQL);

	for (;;)
	{
		int64		id = StreamProduct(&moves);
		int			nmoves = 0,
					nmrrs = 0;
		ProductTimeline pt;
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		if (with_mrr && StreamProduct(&mrrs) < id)
			id = StreamProduct(&mrrs);
		if (id == PG_INT64_MAX)
			break;

		old = MemoryContextSwitchTo(walk);
		while (StreamProduct(&moves) == id)
		{
			moverows = AppendRow(moverows, &nmoves, &maxmoves);
			moverows[nmoves].at = DatumGetTimestampTz(StreamValue(&moves, 2));
			moverows[nmoves].active = DatumGetBool(StreamValue(&moves, 3));
			moverows[nmoves].retained = DatumGetBool(StreamValue(&moves, 4));
			moverows[nmoves].mrr = 0;
			nmoves++;
			StreamNext(&moves);
		}
		while (with_mrr && StreamProduct(&mrrs) == id)
		{
			mrrrows = AppendRow(mrrrows, &nmrrs, &maxmrrs);
			mrrrows[nmrrs].at = DatumGetTimestampTz(StreamValue(&mrrs, 2));
			mrrrows[nmrrs].active = mrrrows[nmrrs].retained = false;
			mrrrows[nmrrs].mrr = DatumGetInt64(StreamValue(&mrrs, 3));
			nmrrs++;
			StreamNext(&mrrs);
		}
		MemoryContextSwitchTo(old);

		/* the products stream is in the same order: catch up with id */
		while (StreamProduct(&products) < id)
			StreamNext(&products);
		if (StreamProduct(&products) != id)
			continue;			/* history of a product the caller may not see */

		old = MemoryContextSwitchTo(product_cxt);
		{
			HeapTuple	row = StreamRow(&products);
			TupleDesc	desc = products.batch->tupdesc;
			bool		isnull;
			Datum		d;

			pt.product_id = id;
			pt.customer = TextDatumGetCString(StreamValue(&products, 2));
			d = SPI_getbinval(row, desc, 3, &isnull);
			pt.has_group = !isnull;
			pt.group_id = isnull ? 0 : DatumGetInt64(d);
			d = SPI_getbinval(row, desc, 4, &isnull);
			pt.has_rep = !isnull;
			pt.rep_id = isnull ? 0 : DatumGetInt64(d);
		}
		/* each distinct time makes at most one span */
		pt.spans = palloc((nmoves + nmrrs) * sizeof(TimelineSpan));
		BuildSpans(&pt, moverows, nmoves, mrrrows, nmrrs, instants, n);
		MemoryContextSwitchTo(old);

		visit(&pt, arg);
		MemoryContextReset(product_cxt);
	}

	SPI_cursor_close(products.portal);
	SPI_cursor_close(moves.portal);
	if (with_mrr)
		SPI_cursor_close(mrrs.portal);
	SPI_finish();
	MemoryContextDelete(walk);
}
