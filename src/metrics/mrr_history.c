/*-------------------------------------------------------------------------
 *
 * mrr_history.c
 *	  The trigger that dates every change of a product's MRR and writes the
 *	  append-only retention.mrr_history.
 *
 *	  retention.mrr_guard()
 *
 * Attached to retention.products twice: BEFORE INSERT OR UPDATE it stamps
 * mrr_since with the transaction time when a statement changes mrr without
 * dating the change, and checks a date given by the statement: only an
 * administrator may back-date, never before the MRR it replaces took effect
 * (the latest recorded change), never into the future.  AFTER INSERT OR
 * UPDATE it writes the history, as the owner of the table (callers may not
 * write the history themselves, so that it cannot be forged); AFTER because
 * an INSERT ... ON CONFLICT fires BEFORE INSERT for rows it may not insert.
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
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "common/retention.h"
#include "common/run_as_owner.h"
#include "lifecycle/stage_rules.h"

/* INSERT INTO retention.mrr_history, prepared once per session */
static SPIPlanPtr mrr_history_plan = NULL;

/* Check a time the statement gave for the new MRR */
static void
CheckMrrSince(Relation rel, TimestampTz since, bool has_previous,
			  TimestampTz previous)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();

	if (since > now)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mrr_since cannot be in the future"),
				 errdetail("The new MRR would take effect at %s, after the current transaction began (%s).",
						   pstrdup(timestamptz_to_str(since)), pstrdup(timestamptz_to_str(now))),
				 errtablecol(rel, SPI_fnumber(RelationGetDescr(rel), "mrr_since"))));
	if (since == now)
		return;
	if (!IsRetentionAdmin(GetUserId(), rel->rd_rel->relowner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to back-date an MRR change"),
				 errdetail("Only the owner and members of retention_admin may set mrr_since in the past."),
				 errhint("Change mrr without setting mrr_since: the change takes effect now.")));
	if (has_previous && since < previous)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mrr_since cannot be before the product's latest recorded MRR change"),
				 errdetail("The new MRR would take effect at %s; the current MRR took effect at %s.",
						   pstrdup(timestamptz_to_str(since)), pstrdup(timestamptz_to_str(previous))),
				 errhint("Import the history of a product in the order it happened.")));
}

/* Write one row of retention.mrr_history as the table's owner */
static void
WriteMrrHistory(Relation rel, Datum product_id, Datum mrr, bool mrr_null,
				Datum since)
{
	Oid			history = RetentionRelid("mrr_history");
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	OwnerScope	scope;
	int			ret;

	if (!OidIsValid(history))
		return;					/* the extension is being created or dropped */

	values[0] = product_id;
	values[1] = mrr;
	nulls[1] = mrr_null ? 'n' : ' ';
	values[2] = since;

	BeginAsOwner(RetentionRelationOwner(history), &scope);
	{
		Oid			argtypes[3] = {INT8OID, NUMERICOID, TIMESTAMPTZOID};

		KeptPlan(&mrr_history_plan,
				 "INSERT INTO retention.mrr_history"
				 " (product_id, mrr, effective_at) VALUES ($1, $2, $3)",
				 3, argtypes);
	}
	ret = SPI_execute_plan(mrr_history_plan, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not write MRR history: %s", SPI_result_code_string(ret));
	EndAsOwner(&scope);
}

PG_FUNCTION_INFO_V1(mrr_guard);

/* Trigger: date MRR changes (BEFORE) and record them (AFTER) */
Datum
mrr_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerEvent event;
	Relation	rel;
	TupleDesc	desc;
	int			id_att,
				mrr_att,
				since_att;
	HeapTuple	newtuple;
	Datum		mrr,
				since,
				id;
	bool		mrr_null,
				since_null,
				id_null;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"mrr_guard\" was not called by trigger manager")));
	event = trigdata->tg_event;
	if (!TRIGGER_FIRED_FOR_ROW(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"mrr_guard\" must be fired for row")));
	if (!TRIGGER_FIRED_BY_INSERT(event) && !TRIGGER_FIRED_BY_UPDATE(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"mrr_guard\" must be fired for INSERT or UPDATE")));

	rel = trigdata->tg_relation;

	/*
	 * Only on retention.products: the history is written as its owner, so on
	 * a table of their own anyone could forge a product's MRR history.
	 */
	if (RelationGetRelid(rel) != RetentionRelid("products"))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"mrr_guard\" must be fired for table \"retention.products\""),
				 errdetail("It writes the MRR history of the extension's products; it guards no other table.")));
	desc = RelationGetDescr(rel);
	id_att = RetentionColumn(rel, "id", INT8OID);
	mrr_att = RetentionColumn(rel, "mrr", NUMERICOID);
	since_att = RetentionColumn(rel, "mrr_since", TIMESTAMPTZOID);

	newtuple = TRIGGER_FIRED_BY_UPDATE(event) ? trigdata->tg_newtuple
		: trigdata->tg_trigtuple;

	/* A restored row comes with its history, restored from the dump too */
	if (TRIGGER_FIRED_BY_INSERT(event) && IsRestoreLoad())
		return PointerGetDatum(TRIGGER_FIRED_BEFORE(event) ? newtuple : NULL);
	mrr = heap_getattr(newtuple, mrr_att, desc, &mrr_null);
	since = heap_getattr(newtuple, since_att, desc, &since_null);
	id = heap_getattr(newtuple, id_att, desc, &id_null);

	if (TRIGGER_FIRED_BEFORE(event))
	{
		TimestampTz now = GetCurrentTransactionStartTimestamp();

		/* NaN passes the check mrr >= 0, and would make every sum of MRR NaN */
		if (!mrr_null && numeric_is_nan(DatumGetNumeric(mrr)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mrr cannot be NaN"),
					 errdetail("MRR is an amount of money per month, 0 or more."),
					 errtablecol(rel, mrr_att)));

		if (TRIGGER_FIRED_BY_INSERT(event))
		{
			if (since_null)
			{
				int			col = since_att;
				Datum		v = TimestampTzGetDatum(now);
				bool		n = false;

				return PointerGetDatum(heap_modify_tuple_by_cols(newtuple, desc, 1,
																 &col, &v, &n));
			}
			CheckMrrSince(rel, DatumGetTimestampTz(since), false, 0);
			return PointerGetDatum(newtuple);
		}
		else
		{
			HeapTuple	oldtuple = trigdata->tg_trigtuple;
			bool		old_mrr_null,
						old_since_null;
			Datum		old_mrr = heap_getattr(oldtuple, mrr_att, desc, &old_mrr_null);
			Datum		old_since = heap_getattr(oldtuple, since_att, desc, &old_since_null);
			bool		mrr_changed;
			bool		since_changed;

			mrr_changed = (mrr_null != old_mrr_null) ||
				(!mrr_null && DatumGetBool(DirectFunctionCall2(numeric_ne, mrr, old_mrr)));
			since_changed = (since_null != old_since_null) ||
				(!since_null && DatumGetTimestampTz(since) != DatumGetTimestampTz(old_since));

			if (!since_changed && !mrr_changed)
				return PointerGetDatum(newtuple);
			if (since_null || !since_changed)
			{
				/* not dated by the statement: the change takes effect now */
				int			col = since_att;
				Datum		v = TimestampTzGetDatum(now);
				bool		n = false;

				return PointerGetDatum(heap_modify_tuple_by_cols(newtuple, desc, 1,
																 &col, &v, &n));
			}
			CheckMrrSince(rel, DatumGetTimestampTz(since), !old_since_null,
						  old_since_null ? 0 : DatumGetTimestampTz(old_since));
			return PointerGetDatum(newtuple);
		}
	}

	/* AFTER: record what was written */
	if (id_null || since_null)
		return PointerGetDatum(NULL);
	if (TRIGGER_FIRED_BY_INSERT(event))
	{
		if (!mrr_null)
			WriteMrrHistory(rel, id, mrr, false, since);
	}
	else
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		bool		old_mrr_null,
					old_since_null;
		Datum		old_mrr = heap_getattr(oldtuple, mrr_att, desc, &old_mrr_null);
		Datum		old_since = heap_getattr(oldtuple, since_att, desc, &old_since_null);

		if (mrr_null != old_mrr_null ||
			(!mrr_null && DatumGetBool(DirectFunctionCall2(numeric_ne, mrr, old_mrr))) ||
			old_since_null ||
			DatumGetTimestampTz(since) != DatumGetTimestampTz(old_since))
			WriteMrrHistory(rel, id, mrr, mrr_null, since);
	}
	return PointerGetDatum(NULL);
}
