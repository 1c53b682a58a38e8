/*-------------------------------------------------------------------------
 *
 * append_only.c
 *	  A trigger that keeps a table append-only: rows may be added, never
 *	  changed or removed.  It guards retention.stage_history and the other
 *	  permanent records.
 *
 *	  retention.append_only([key_column])
 *
 * The one exception is forgetting: retention.forget_product() removes a
 * product together with its whole history, and while it does so the rows
 * whose key column (an integer, the trigger's argument) holds that product's
 * id may be deleted.  Nothing else can set the key being forgotten, and it is
 * cleared when the forgetting ends, on error too.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/rel.h"

#include "common/retention.h"

/* The key being forgotten, while forgetting is true */
static bool forgetting = false;
static int64 forgetting_key = 0;

/* retention.forget_product() starts removing one product */
void
BeginForgetting(int64 key)
{
	forgetting = true;
	forgetting_key = key;
}

/* ... and has finished, or failed */
void
EndForgetting(void)
{
	forgetting = false;
}

/* Is this key being forgotten now? */
bool
IsForgetting(int64 key)
{
	return forgetting && forgetting_key == key;
}

/* May this row go, because its key (the trigger's argument) is being forgotten? */
static bool
RowIsForgotten(TriggerData *trigdata)
{
	Trigger    *trigger = trigdata->tg_trigger;
	TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);
	int			attnum;
	Oid			typid;
	bool		isnull;
	Datum		value;

	if (!forgetting || trigger->tgnargs < 1 || trigdata->tg_trigtuple == NULL)
		return false;
	attnum = SPI_fnumber(desc, trigger->tgargs[0]);
	if (attnum <= 0)
		return false;
	typid = TupleDescAttr(desc, attnum - 1)->atttypid;
	value = heap_getattr(trigdata->tg_trigtuple, attnum, desc, &isnull);
	if (isnull)
		return false;
	if (typid == INT8OID)
		return IsForgetting(DatumGetInt64(value));
	if (typid == INT4OID)
		return IsForgetting((int64) DatumGetInt32(value));
	return false;
}

PG_FUNCTION_INFO_V1(append_only);

/* BEFORE UPDATE OR DELETE (row) or TRUNCATE (statement): refuse */
Datum
append_only(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const char *action;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"append_only\" was not called by trigger manager")));

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		action = "updated";
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		if (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) && RowIsForgotten(trigdata))
			return PointerGetDatum(trigdata->tg_trigtuple);
		action = "deleted";
	}
	else if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		action = "truncated";
	else
		return PointerGetDatum(trigdata->tg_trigtuple);

	ereport(ERROR,
			(errcode(ERRCODE_RETENTION_APPEND_ONLY),
			 errmsg("table \"%s\" is append-only and cannot be %s",
					RelationGetRelationName(trigdata->tg_relation), action),
			 errdetail("Its rows are a permanent record of what happened."),
			 errtable(trigdata->tg_relation)));
	return PointerGetDatum(NULL);	/* keep compiler quiet */
}
