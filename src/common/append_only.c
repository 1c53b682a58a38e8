/*-------------------------------------------------------------------------
 *
 * append_only.c
 *	  A trigger that keeps a table append-only: rows may be added, never
 *	  changed or removed.  It guards retention.stage_history.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/rel.h"

#include "common/retention.h"

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
		action = "deleted";
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
