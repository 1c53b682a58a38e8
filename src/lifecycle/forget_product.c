/*-------------------------------------------------------------------------
 *
 * forget_product.c
 *	  Products are permanent: every product's history replays from its
 *	  entry to its current stage.  Deleting one, or truncating the table,
 *	  would leave history without its product, and an id used again would
 *	  join two lives into one history; both are refused.  The one way out
 *	  is explicit and logged: retention.forget_product(), for an
 *	  administrator, removes a product with its whole history and writes
 *	  what it removed, who asked and why into retention.forgotten_products.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "common/retention.h"
#include "common/run_as_owner.h"
#include "lifecycle/stage_rules.h"

PG_FUNCTION_INFO_V1(product_is_permanent);

/*
 * BEFORE DELETE (row) and BEFORE TRUNCATE (statement) on retention.products:
 * refuse, unless forget_product() is forgetting this very product.
 */
Datum
product_is_permanent(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	int			attnum;
	bool		isnull;
	Datum		id;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"product_is_permanent\" was not called by trigger manager")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ||
		  TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"product_is_permanent\" must be fired BEFORE DELETE or TRUNCATE")));

	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_APPEND_ONLY),
				 errmsg("table \"%s\" cannot be truncated",
						RelationGetRelationName(trigdata->tg_relation)),
				 errdetail("Every product's history must replay from its entry to its current stage."),
				 errhint("An administrator can remove a product with its history: SELECT retention.forget_product(id, reason)."),
				 errtable(trigdata->tg_relation)));

	desc = RelationGetDescr(trigdata->tg_relation);
	attnum = SPI_fnumber(desc, "id");
	if (attnum <= 0 || TupleDescAttr(desc, attnum - 1)->atttypid != INT8OID)
		elog(ERROR, "table \"%s\" has no bigint column \"id\"",
			 RelationGetRelationName(trigdata->tg_relation));
	id = heap_getattr(trigdata->tg_trigtuple, attnum, desc, &isnull);
	if (!isnull && IsForgetting(DatumGetInt64(id)))
		return PointerGetDatum(trigdata->tg_trigtuple);

	ereport(ERROR,
			(errcode(ERRCODE_RETENTION_APPEND_ONLY),
			 errmsg("product %s cannot be deleted",
					isnull ? "(null)" : psprintf(INT64_FORMAT, DatumGetInt64(id))),
			 errdetail("Every product's history must replay from its entry to its current stage; move it to \"ineligible\" instead."),
			 errhint("An administrator can remove a product with its history: SELECT retention.forget_product(id, reason)."),
			 errtable(trigdata->tg_relation)));
	return PointerGetDatum(NULL);	/* keep compiler quiet */
}

/*
 * Run one statement of forget_product: $1 the product, $2 the reason, $3 the
 * role that asked
 */
static uint64
ForgetStep(const char *sql, int64 product, const char *reason,
		   const char *acting_role, int expected)
{
	Oid			argtypes[3] = {INT8OID, TEXTOID, TEXTOID};
	Datum		values[3];
	int			ret;

	values[0] = Int64GetDatum(product);
	values[1] = CStringGetTextDatum(reason);
	values[2] = CStringGetTextDatum(acting_role);
	ret = SPI_execute_with_args(sql, 3, argtypes, values, NULL, false, 0);
	if (ret != expected)
		elog(ERROR, "could not forget product " INT64_FORMAT ": %s",
			 product, SPI_result_code_string(ret));
	return SPI_processed;
}

PG_FUNCTION_INFO_V1(forget_product);

/*
 * retention.forget_product(product bigint, reason text) -> bigint
 *
 * Removes the product, its history and (by the foreign keys) its health
 * data; logs it; returns how many history rows went with it.
 */
Datum
forget_product(PG_FUNCTION_ARGS)
{
	StageRules *rules;
	int64		product;
	char	   *reason;
	OwnerScope	scope;
	volatile uint64 history_rows = 0;
	const char *acting_role;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product must not be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("reason must not be null"),
				 errhint("Say why the product is forgotten: the log keeps it.")));
	product = PG_GETARG_INT64(0);
	reason = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (IsBlankText(reason))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reason must not be blank"),
				 errhint("Say why the product is forgotten: the log keeps it.")));

	rules = GetStageRules();
	if (!IsRetentionAdmin(GetUserId(), rules->owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to forget product " INT64_FORMAT, product),
				 errdetail("Only members of retention_admin can remove a product with its history.")));

	acting_role = GetUserNameFromId(GetUserId(), false);
	BeginAsOwner(rules->owner, &scope);

	/* The product, locked, and the log of what goes */
	if (ForgetStep("INSERT INTO retention.forgotten_products"
				   " (product_id, deal_id, customer, product_type, last_stage,"
				   "  history_rows, reason, acting_role)"
				   " SELECT p.id, p.deal_id, p.customer, p.product_type, p.stage,"
				   "  (SELECT pg_catalog.count(*) FROM retention.stage_history h"
				   "    WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'"
				   "      AND h.product_id OPERATOR(pg_catalog.=) $1),"
				   "  $2, $3"
				   " FROM retention.products p WHERE p.id OPERATOR(pg_catalog.=) $1",
				   product, reason, acting_role, SPI_OK_INSERT) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("product " INT64_FORMAT " does not exist", product)));

	BeginForgetting(product);
	PG_TRY();
	{
		history_rows = ForgetStep("DELETE FROM retention.stage_history h"
								  " WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'"
								  "   AND h.product_id OPERATOR(pg_catalog.=) $1",
								  product, reason, acting_role, SPI_OK_DELETE);
		ForgetStep("DELETE FROM retention.products p"
				   " WHERE p.id OPERATOR(pg_catalog.=) $1",
				   product, reason, acting_role, SPI_OK_DELETE);
	}
	PG_FINALLY();
	{
		EndForgetting();
	}
	PG_END_TRY();

	EndAsOwner(&scope);

	PG_RETURN_INT64((int64) history_rows);
}
