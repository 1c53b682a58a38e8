/*-------------------------------------------------------------------------
 *
 * opportunities.c
 *	  The trigger that keeps retention.opportunities honest and applies a
 *	  won upsell to its product's MRR.
 *
 *	  retention.opportunity_guard()
 *
 * An opportunity is created open and closed once, won or lost; a closed one
 * keeps what it was (only its note changes).  Times are the transaction's,
 * unless an administrator gives a past one (importing history).
 *
 * Winning an upsell raises the product's MRR by the opportunity's amount.
 * Reps may not change retention.products.mrr (their column privileges are
 * stage and stage_reason), and a rep winning an upsell must not need to:
 * so AFTER the status change this trigger runs the UPDATE of products.mrr
 * as the owner of the tables, through run_as_owner.c.  That UPDATE is the
 * ordinary write path: the MRR history trigger dates the change (at
 * closed_at) and records it, with the rep's session user as changed_by, and
 * it commits or aborts with the status change.  What a rep can do with it
 * is bounded by the rules here: only on a product of the rep's own groups
 * (row-level security), only once per opportunity (open -> won), only by
 * the opportunity's amount.
 *
 * The look-ups of products (a cross-sell's new product may be in a group
 * the rep cannot see) run as the owner too.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "common/retention.h"
#include "common/run_as_owner.h"
#include "lifecycle/stage_rules.h"

/* The columns of retention.opportunities, by attribute number */
typedef struct OppColumns
{
	int			id;
	int			product_id;
	int			kind;
	int			mrr;
	int			status;
	int			rep;
	int			created_at;
	int			closed_at;
	int			won_product_id;
} OppColumns;

/* One row's values, NULLs as null flags */
typedef struct OppRow
{
	int64		id;
	bool		id_null;
	int64		product_id;
	bool		product_null;
	char	   *kind;			/* NULL if NULL */
	Datum		mrr;
	bool		mrr_null;
	char	   *status;			/* NULL if NULL */
	int64		rep;
	bool		rep_null;
	TimestampTz created_at;
	bool		created_null;
	TimestampTz closed_at;
	bool		closed_null;
	int64		won_product_id;
	bool		won_null;
} OppRow;

/* What the owner's look-up found of a product */
typedef struct ProductFacts
{
	bool		found;
	bool		has_rep;
	int64		group_rep;		/* the rep of the product's group */
	bool		has_mrr;		/* its MRR is known */
	char	   *customer;
} ProductFacts;

/* Plans prepared once per session, run as the owner */
static SPIPlanPtr product_plan = NULL;
static SPIPlanPtr my_rep_plan = NULL;
static SPIPlanPtr upsell_plan = NULL;

/* Find every column the trigger reads */
static void
OppFindColumns(Relation rel, OppColumns *c)
{
	c->id = RetentionColumn(rel, "id", INT8OID);
	c->product_id = RetentionColumn(rel, "product_id", INT8OID);
	c->kind = RetentionColumn(rel, "kind", TEXTOID);
	c->mrr = RetentionColumn(rel, "mrr", NUMERICOID);
	c->status = RetentionColumn(rel, "status", TEXTOID);
	c->rep = RetentionColumn(rel, "rep", INT8OID);
	c->created_at = RetentionColumn(rel, "created_at", TIMESTAMPTZOID);
	c->closed_at = RetentionColumn(rel, "closed_at", TIMESTAMPTZOID);
	c->won_product_id = RetentionColumn(rel, "won_product_id", INT8OID);
}

/* Read one row */
static void
OppRead(HeapTuple tuple, TupleDesc desc, const OppColumns *c, OppRow *r)
{
	Datum		d;

	d = heap_getattr(tuple, c->id, desc, &r->id_null);
	r->id = r->id_null ? 0 : DatumGetInt64(d);
	d = heap_getattr(tuple, c->product_id, desc, &r->product_null);
	r->product_id = r->product_null ? 0 : DatumGetInt64(d);
	r->kind = TextAttribute(tuple, desc, c->kind);
	r->mrr = heap_getattr(tuple, c->mrr, desc, &r->mrr_null);
	r->status = TextAttribute(tuple, desc, c->status);
	d = heap_getattr(tuple, c->rep, desc, &r->rep_null);
	r->rep = r->rep_null ? 0 : DatumGetInt64(d);
	d = heap_getattr(tuple, c->created_at, desc, &r->created_null);
	r->created_at = r->created_null ? 0 : DatumGetTimestampTz(d);
	d = heap_getattr(tuple, c->closed_at, desc, &r->closed_null);
	r->closed_at = r->closed_null ? 0 : DatumGetTimestampTz(d);
	d = heap_getattr(tuple, c->won_product_id, desc, &r->won_null);
	r->won_product_id = r->won_null ? 0 : DatumGetInt64(d);
}

/* Are two nullable values the same? */
static bool
SameInt8(bool anull, int64 a, bool bnull, int64 b)
{
	return anull == bnull && (anull || a == b);
}

static bool
SameText(const char *a, const char *b)
{
	return (a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0);
}

static bool
SameNumeric(bool anull, Datum a, bool bnull, Datum b)
{
	return anull == bnull &&
		(anull || DatumGetBool(DirectFunctionCall2(numeric_eq, a, b)));
}

/* Is the status a closed one? */
static bool
IsClosed(const char *status)
{
	return status != NULL && strcmp(status, "open") != 0;
}

/* The opportunity's id for messages */
static char *
OppName(const OppRow *r)
{
	return r->id_null ? pstrdup("(null)") : psprintf(INT64_FORMAT, r->id);
}

/* Look a product up as the owner: its group's rep, whether its MRR is known, its customer */
static void
LookUpProduct(Oid owner, int64 product, ProductFacts *facts)
{
	OwnerScope	scope;
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	MemoryContext caller = CurrentMemoryContext;
	int			ret;

	memset(facts, 0, sizeof(*facts));
	values[0] = Int64GetDatum(product);
	BeginAsOwner(owner, &scope);
	ret = SPI_execute_plan(KeptPlan(&product_plan,
								   "SELECT g.rep_id, p.mrr IS NOT NULL,"
								   "       COALESCE(p.customer, d.customer)"
								   "  FROM retention.products p"
								   "  JOIN retention.deals d ON d.id OPERATOR(pg_catalog.=) p.deal_id"
								   "  LEFT JOIN retention.groups g ON g.id OPERATOR(pg_catalog.=) p.group_id"
								   " WHERE p.id OPERATOR(pg_catalog.=) $1",
								   1, argtypes),
						   values, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not look up product " INT64_FORMAT ": %s",
			 product, SPI_result_code_string(ret));
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;

		facts->found = true;
		d = SPI_getbinval(tup, desc, 1, &isnull);
		facts->has_rep = !isnull;
		facts->group_rep = isnull ? 0 : DatumGetInt64(d);
		d = SPI_getbinval(tup, desc, 2, &isnull);
		facts->has_mrr = !isnull && DatumGetBool(d);
		d = SPI_getbinval(tup, desc, 3, &isnull);
		/* in the caller's context: SPI_finish frees SPI's memory */
		facts->customer = isnull ? NULL
			: MemoryContextStrdup(caller, TextDatumGetCString(d));
	}
	EndAsOwner(&scope);
}

/* The rep (retention.reps.id) the current user logs in as; false if none */
static bool
LookUpMyRep(Oid owner, int64 *rep)
{
	OwnerScope	scope;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	bool		found = false;
	int			ret;

	/* the name before the switch: as the owner, CURRENT_USER is the owner */
	values[0] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	BeginAsOwner(owner, &scope);
	ret = SPI_execute_plan(KeptPlan(&my_rep_plan,
								   "SELECT r.id FROM retention.reps r"
								   " WHERE r.role_name OPERATOR(pg_catalog.=) $1",
								   1, argtypes),
						   values, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not look up the current user's rep: %s",
			 SPI_result_code_string(ret));
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
									  1, &isnull);

		if (!isnull)
		{
			*rep = DatumGetInt64(d);
			found = true;
		}
	}
	EndAsOwner(&scope);
	return found;
}

/* Check a time the statement gave (created_at or closed_at) */
static void
CheckGivenTime(Relation rel, const char *column, TimestampTz t, bool is_admin)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();

	if (t > now)
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_OUT_OF_ORDER),
				 errmsg("%s cannot be in the future", column),
				 errdetail("The opportunity gives %s, after the current transaction began (%s).",
						   pstrdup(timestamptz_to_str(t)), pstrdup(timestamptz_to_str(now))),
				 errtablecol(rel, SPI_fnumber(RelationGetDescr(rel), column))));
	if (t != now && !is_admin)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to back-date an opportunity"),
				 errdetail("Only the owner and members of retention_admin may set %s in the past.", column),
				 errhint("Leave %s out: it is set to the current time.", column)));
}

/* Refuse an MRR that is not greater than 0 */
static void
CheckOppMrr(Relation rel, const OppColumns *c, const OppRow *r)
{
	Datum		zero;

	if (r->mrr_null)
		return;					/* the NOT NULL constraint says it */
	zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
	if (DatumGetBool(DirectFunctionCall2(numeric_le, r->mrr, zero)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the mrr of an opportunity must be greater than 0"),
				 errdetail("The opportunity gives %s.",
						   DatumGetCString(DirectFunctionCall1(numeric_out, r->mrr))),
				 errtablecol(rel, c->mrr)));
}

/* Refuse a kind or status outside the closed set */
static void
CheckOppLabels(Relation rel, const OppColumns *c, const OppRow *r)
{
	if (r->kind != NULL && strcmp(r->kind, "upsell") != 0 && strcmp(r->kind, "cross_sell") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown opportunity kind \"%s\"", r->kind),
				 errhint("The kinds are upsell and cross_sell."),
				 errtablecol(rel, c->kind)));
	if (r->status != NULL && strcmp(r->status, "open") != 0 &&
		strcmp(r->status, "won") != 0 && strcmp(r->status, "lost") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown opportunity status \"%s\"", r->status),
				 errhint("The statuses are open, won and lost."),
				 errtablecol(rel, c->status)));
}

/* An open opportunity has no closed_at and names no won product */
static void
CheckOpenRow(Relation rel, const OppColumns *c, const OppRow *r)
{
	if (!r->closed_null)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an open opportunity cannot have a closed_at"),
				 errhint("Set status to won or lost to close it."),
				 errtablecol(rel, c->closed_at)));
	if (!r->won_null)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("only a won cross-sell names the product it became"),
				 errtablecol(rel, c->won_product_id)));
}

/* BEFORE INSERT: a new, open opportunity, with its rep */
static HeapTuple
OppBeforeInsert(Relation rel, HeapTuple newtuple, const OppColumns *c)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Oid			owner = rel->rd_rel->relowner;
	bool		is_admin = IsRetentionAdmin(GetUserId(), owner);
	OppRow		r;
	ProductFacts facts;
	int64		my_rep = 0;
	bool		has_my_rep;

	OppRead(newtuple, desc, c, &r);
	CheckOppLabels(rel, c, &r);
	CheckOppMrr(rel, c, &r);
	if (IsClosed(r.status))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a new opportunity must be open"),
				 errdetail("The opportunity is inserted with status \"%s\".", r.status),
				 errhint("Insert it open, then UPDATE its status: winning an upsell raises its product's MRR."),
				 errtablecol(rel, c->status)));
	CheckOpenRow(rel, c, &r);
	if (!r.created_null)
		CheckGivenTime(rel, "created_at", r.created_at, is_admin);
	if (r.product_null)
		return newtuple;		/* the NOT NULL constraint says it */

	LookUpProduct(owner, r.product_id, &facts);
	has_my_rep = LookUpMyRep(owner, &my_rep);
	if (r.rep_null)
	{
		int			col = c->rep;
		Datum		v;
		bool		n = false;

		if (facts.found && facts.has_rep)
			v = Int64GetDatum(facts.group_rep);
		else if (has_my_rep)
			v = Int64GetDatum(my_rep);
		else
			return newtuple;	/* nobody to name: no rep */
		return heap_modify_tuple_by_cols(newtuple, desc, 1, &col, &v, &n);
	}
	/*
	 * A rep's own products are in the rep's groups, so the group's rep is the
	 * rep: naming anyone else is refused, and without looking at the product
	 * (which may not be the rep's: row-level security says so next).
	 */
	if (!is_admin && !(has_my_rep && my_rep == r.rep))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to give an opportunity to rep " INT64_FORMAT, r.rep),
				 errdetail("A rep names only themselves as an opportunity's rep."),
				 errhint("Leave rep out: it is the rep of the product's group.")));
	return newtuple;
}

/* BEFORE UPDATE: only the moves an opportunity may make */
static HeapTuple
OppBeforeUpdate(Relation rel, HeapTuple oldtuple, HeapTuple newtuple,
				const OppColumns *c)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Oid			owner = rel->rd_rel->relowner;
	bool		is_admin = IsRetentionAdmin(GetUserId(), owner);
	OppRow		o,
				n;
	const char *fixed = NULL;

	OppRead(oldtuple, desc, c, &o);
	OppRead(newtuple, desc, c, &n);

	if (!SameInt8(o.id_null, o.id, n.id_null, n.id))
		fixed = "id";
	else if (!SameInt8(o.product_null, o.product_id, n.product_null, n.product_id))
		fixed = "product_id";
	else if (!SameText(o.kind, n.kind))
		fixed = "kind";
	else if (o.created_null != n.created_null ||
			 (!o.created_null && o.created_at != n.created_at))
		fixed = "created_at";
	if (fixed != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_APPEND_ONLY),
				 errmsg("the %s of opportunity %s cannot change", fixed, OppName(&o)),
				 errdetail("An opportunity is found on one product, as an upsell or a cross-sell, at one time."),
				 errhint("Close it as lost and open a new one."),
				 errtablecol(rel, SPI_fnumber(desc, fixed))));

	if (IsClosed(o.status))
	{
		if (!SameText(o.status, n.status))
			ereport(ERROR,
					(errcode(ERRCODE_RETENTION_APPEND_ONLY),
					 errmsg("opportunity %s is already %s", OppName(&o), o.status),
					 errdetail("A won or lost opportunity is not reopened or closed again."),
					 errhint("Open a new opportunity."),
					 errtablecol(rel, c->status)));
		/* forgetting the product a cross-sell became sets won_product_id NULL */
		if (!o.won_null && n.won_null && IsForgetting(o.won_product_id))
			o.won_null = true;
		if (!SameNumeric(o.mrr_null, o.mrr, n.mrr_null, n.mrr) ||
			!SameInt8(o.rep_null, o.rep, n.rep_null, n.rep) ||
			o.closed_null != n.closed_null ||
			(!o.closed_null && o.closed_at != n.closed_at) ||
			!SameInt8(o.won_null, o.won_product_id, n.won_null, n.won_product_id))
			ereport(ERROR,
					(errcode(ERRCODE_RETENTION_APPEND_ONLY),
					 errmsg("opportunity %s is closed", OppName(&o)),
					 errdetail("Only the note of a won or lost opportunity can change.")));
		return newtuple;
	}

	CheckOppLabels(rel, c, &n);
	CheckOppMrr(rel, c, &n);
	if (!IsClosed(n.status))
	{
		CheckOpenRow(rel, c, &n);
		return newtuple;
	}

	/* closing: open -> won or lost */
	if (!n.closed_null)
	{
		CheckGivenTime(rel, "closed_at", n.closed_at, is_admin);
		if (!n.created_null && n.closed_at < n.created_at)
			ereport(ERROR,
					(errcode(ERRCODE_RETENTION_OUT_OF_ORDER),
					 errmsg("opportunity %s cannot close before it was created", OppName(&n)),
					 errdetail("It would close at %s; it was created at %s.",
							   pstrdup(timestamptz_to_str(n.closed_at)),
							   pstrdup(timestamptz_to_str(n.created_at))),
					 errtablecol(rel, c->closed_at)));
	}
	if (strcmp(n.status, "won") == 0 && strcmp(n.kind, "cross_sell") == 0)
	{
		ProductFacts from,
					to;

		if (n.won_null)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("a won cross-sell must name the product it became"),
					 errhint("Set won_product_id to the new product's id in the statement that wins it."),
					 errtablecol(rel, c->won_product_id)));
		if (n.won_product_id == n.product_id)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a cross-sell becomes a new product, not product " INT64_FORMAT " itself",
							n.product_id),
					 errhint("More MRR on the same product is an upsell."),
					 errtablecol(rel, c->won_product_id)));
		LookUpProduct(owner, n.product_id, &from);
		LookUpProduct(owner, n.won_product_id, &to);
		if (!to.found)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("product " INT64_FORMAT " does not exist", n.won_product_id),
					 errhint("Insert the new product first, then win the cross-sell naming it."),
					 errtablecol(rel, c->won_product_id)));
		if (from.found && !SameText(from.customer, to.customer))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("product " INT64_FORMAT " is not of the customer of product " INT64_FORMAT,
							n.won_product_id, n.product_id),
					 errdetail("A cross-sell is a new product for the same customer."),
					 errtablecol(rel, c->won_product_id)));
	}
	else if (!n.won_null)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("only a won cross-sell names the product it became"),
				 errtablecol(rel, c->won_product_id)));
	else if (strcmp(n.status, "won") == 0)
	{
		ProductFacts facts;

		LookUpProduct(owner, n.product_id, &facts);
		if (facts.found && !facts.has_mrr)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the MRR of product " INT64_FORMAT " is not known", n.product_id),
					 errdetail("Winning an upsell adds its MRR to the product's."),
					 errhint("An administrator sets the product's mrr first.")));
	}

	if (n.closed_null)
	{
		int			col = c->closed_at;
		Datum		v = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		bool		isnull = false;

		return heap_modify_tuple_by_cols(newtuple, desc, 1, &col, &v, &isnull);
	}
	return newtuple;
}

/* AFTER UPDATE: a won upsell adds its MRR to the product's, as the owner */
static void
OppAfterUpdate(Relation rel, HeapTuple oldtuple, HeapTuple newtuple,
			   const OppColumns *c)
{
	TupleDesc	desc = RelationGetDescr(rel);
	OppRow		o,
				n;
	OwnerScope	scope;
	Oid			argtypes[3] = {INT8OID, NUMERICOID, TIMESTAMPTZOID};
	Datum		values[3];
	int			ret;
	uint64		processed;
	TimestampTz dated = 0;
	bool		dated_null = true;

	OppRead(oldtuple, desc, c, &o);
	OppRead(newtuple, desc, c, &n);
	if (IsClosed(o.status) || n.status == NULL || strcmp(n.status, "won") != 0 ||
		n.kind == NULL || strcmp(n.kind, "upsell") != 0 ||
		n.product_null || n.mrr_null || n.closed_null)
		return;

	values[0] = Int64GetDatum(n.product_id);
	values[1] = n.mrr;
	values[2] = TimestampTzGetDatum(n.closed_at);
	BeginAsOwner(RetentionRelationOwner(RelationGetRelid(rel)), &scope);
	ret = SPI_execute_plan(KeptPlan(&upsell_plan,
								   "UPDATE retention.products"
								   "   SET mrr = mrr OPERATOR(pg_catalog.+) $2, mrr_since = $3"
								   " WHERE id OPERATOR(pg_catalog.=) $1 AND mrr IS NOT NULL"
								   " RETURNING mrr_since",
								   3, argtypes),
						   values, NULL, false, 0);
	if (ret != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "could not apply the upsell to product " INT64_FORMAT ": %s",
			 n.product_id, SPI_result_code_string(ret));
	processed = SPI_processed;
	if (processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
									  1, &isnull);

		dated = isnull ? 0 : DatumGetTimestampTz(d);
		dated_null = isnull;
	}
	EndAsOwner(&scope);
	if (processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the MRR of product " INT64_FORMAT " is not known", n.product_id),
				 errdetail("Winning an upsell adds its MRR to the product's.")));

	/*
	 * The MRR history dates the raise at closed_at, except when closed_at is
	 * the time the product's current MRR took effect: mrr_guard cannot tell
	 * "mrr_since set to what it was" from "mrr_since not set" and dates such
	 * a change now.  The win and its raise would then disagree: refuse.
	 */
	if (dated_null || dated != n.closed_at)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a won upsell cannot take effect when the current MRR of product " INT64_FORMAT " did",
						n.product_id),
				 errdetail("The upsell is won at %s, the time of the product's latest recorded MRR change.",
						   pstrdup(timestamptz_to_str(n.closed_at))),
				 errhint("Date the win after the product's latest MRR change."),
				 errtablecol(rel, c->closed_at)));
}

/* BEFORE DELETE: a closed opportunity stays, unless its product is forgotten */
static void
OppBeforeDelete(Relation rel, HeapTuple oldtuple, const OppColumns *c)
{
	OppRow		o;

	OppRead(oldtuple, RelationGetDescr(rel), c, &o);
	if (!IsClosed(o.status))
		return;
	if ((!o.product_null && IsForgetting(o.product_id)) ||
		(!o.won_null && IsForgetting(o.won_product_id)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_RETENTION_APPEND_ONLY),
			 errmsg("opportunity %s cannot be deleted", OppName(&o)),
			 errdetail("A won or lost opportunity is part of the record of growth; only an open one can be deleted."),
			 errtable(rel)));
}

PG_FUNCTION_INFO_V1(opportunity_guard);

/* Trigger on retention.opportunities: check writes (BEFORE), apply a won upsell (AFTER) */
Datum
opportunity_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerEvent event;
	Relation	rel;
	OppColumns	cols;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"opportunity_guard\" was not called by trigger manager")));
	event = trigdata->tg_event;
	rel = trigdata->tg_relation;

	if (TRIGGER_FIRED_BY_TRUNCATE(event))
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_APPEND_ONLY),
				 errmsg("table \"%s\" cannot be truncated", RelationGetRelationName(rel)),
				 errdetail("Won and lost opportunities are part of the record of growth."),
				 errtable(rel)));
	if (!TRIGGER_FIRED_FOR_ROW(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"opportunity_guard\" must be fired for row")));

	/*
	 * Only on retention.opportunities: on a table of its own, a role could
	 * otherwise have this trigger change products' MRR.  (It runs as the
	 * table's owner, so it could not; still, refuse plainly.)
	 */
	if (RelationGetRelid(rel) != RetentionRelid("opportunities"))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"opportunity_guard\" must be fired for table \"retention.opportunities\""),
				 errdetail("It guards the extension's opportunities and applies won upsells to their products; it guards no other table.")));
	OppFindColumns(rel, &cols);

	if (TRIGGER_FIRED_AFTER(event))
	{
		if (!TRIGGER_FIRED_BY_UPDATE(event))
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("function \"opportunity_guard\" must be fired AFTER UPDATE or BEFORE")));
		OppAfterUpdate(rel, trigdata->tg_trigtuple, trigdata->tg_newtuple, &cols);
		return PointerGetDatum(NULL);
	}

	if (TRIGGER_FIRED_BY_INSERT(event))
	{
		/* a restored row comes as it was dumped, its effects restored too */
		if (IsRestoreLoad())
			return PointerGetDatum(trigdata->tg_trigtuple);
		return PointerGetDatum(OppBeforeInsert(rel, trigdata->tg_trigtuple, &cols));
	}
	if (TRIGGER_FIRED_BY_UPDATE(event))
		return PointerGetDatum(OppBeforeUpdate(rel, trigdata->tg_trigtuple,
											   trigdata->tg_newtuple, &cols));
	OppBeforeDelete(rel, trigdata->tg_trigtuple, &cols);
	return PointerGetDatum(trigdata->tg_trigtuple);
}
