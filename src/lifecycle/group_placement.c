/*-------------------------------------------------------------------------
 *
 * group_placement.c
 *	  The trigger that places a product in the onboarding or retention group
 *	  that takes its product type when it enters that stage.
 *
 * A product keeps one group_id.  When it enters a stage that is also a group
 * kind ("onboarding", "retention") and its group is not of that kind, it is
 * placed in the one group of that kind whose product_types include its
 * product type.  A group the statement itself set is kept if it is of the
 * right kind, and refused if not.  Groups come from the session's cache, so
 * placement costs no query.
 *
 * A rep who moves a product on hands it to another group, often another
 * rep's.  Row-level security checks the new row of an UPDATE against the
 * reps' SELECT policy as well, so the transaction remembers the products it
 * handed over and retention.handed_over(id) lets that policy accept them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "common/retention.h"
#include "lifecycle/stage_rules.h"

/* Column numbers of retention.products, resolved once per statement */
typedef struct PlacementColumns
{
	TupleDesc	tupdesc;
	int			id_attnum;
	int			stage_attnum;
	int			type_attnum;
	int			group_attnum;
} PlacementColumns;

/* A product this transaction handed over, and the role that moved it */
typedef struct HandOver
{
	int64		product;
	Oid			role;
} HandOver;

/* The HandOvers of this transaction; NULL when none */
static HTAB *handed_over_ids = NULL;
static bool handed_over_callback = false;

/* Transaction end: the hash table went with TopTransactionContext */
static void
HandOverXactCallback(XactEvent event, void *arg)
{
	handed_over_ids = NULL;
}

/* Remember that the current role moved product id into another group */
static void
RememberHandOver(int64 id)
{
	HandOver	key;

	if (!handed_over_callback)
	{
		RegisterXactCallback(HandOverXactCallback, NULL);
		handed_over_callback = true;
	}
	if (handed_over_ids == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(HandOver);
		ctl.entrysize = sizeof(HandOver);
		ctl.hcxt = TopTransactionContext;
		handed_over_ids = hash_create("retention handed-over products", 64, &ctl,
									  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	memset(&key, 0, sizeof(key));
	key.product = id;
	key.role = GetUserId();
	(void) hash_search(handed_over_ids, &key, HASH_ENTER, NULL);
}

PG_FUNCTION_INFO_V1(handed_over);

/*
 * retention.handed_over(product): did the current role move the product into
 * another group in this transaction?  The reps' SELECT policy accepts such
 * rows.
 */
Datum
handed_over(PG_FUNCTION_ARGS)
{
	HandOver	key;

	if (handed_over_ids == NULL)
		PG_RETURN_BOOL(false);
	memset(&key, 0, sizeof(key));
	key.product = PG_GETARG_INT64(0);
	key.role = GetUserId();
	PG_RETURN_BOOL(hash_search(handed_over_ids, &key, HASH_FIND, NULL) != NULL);
}

/* Column number by name, or an error naming the column */
static int
PlacementColumn(Relation rel, const char *name)
{
	int			attnum = SPI_fnumber(RelationGetDescr(rel), name);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						name, RelationGetRelationName(rel)),
				 errdetail("retention.place_in_group() needs columns \"id\", \"stage\", \"product_type\" and \"group_id\".")));
	return attnum;
}

/* Text of a column that must not be null for placement */
static char *
TextColumn(HeapTuple tuple, TupleDesc desc, int attnum)
{
	bool		isnull;
	Datum		value = heap_getattr(tuple, attnum, desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(value);
}

/* Is this a kind groups have, so that entering the stage means placement? */
static bool
IsGroupKind(const char *stage)
{
	return strcmp(stage, "onboarding") == 0 || strcmp(stage, "retention") == 0;
}

/* Does the group take this product type? */
static bool
GroupTakesType(const GroupInfo *group, const char *product_type)
{
	int			i;

	for (i = 0; i < group->ntypes; i++)
		if (strcmp(group->product_types[i], product_type) == 0)
			return true;
	return false;
}

/* The one group of this kind taking the product type, or an error */
static int64
ChooseGroup(Relation rel, StageRules *rules, const char *product,
			const char *kind, const char *product_type)
{
	const GroupInfo *chosen = NULL;
	StringInfoData names;
	int			matches = 0;
	int			i;

	initStringInfo(&names);
	for (i = 0; i < rules->ngroups; i++)
	{
		const GroupInfo *group = &rules->groups[i];

		if (strcmp(group->kind, kind) != 0 || !GroupTakesType(group, product_type))
			continue;
		appendStringInfo(&names, "%s\"%s\"", matches++ > 0 ? ", " : "", group->name);
		chosen = group;
	}

	if (matches == 1)
		return chosen->id;
	if (matches == 0)
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_NO_GROUP),
				 errmsg("no %s group takes product type \"%s\"", kind, product_type),
				 errdetail("Product %s is entering stage \"%s\" and has no %s group.",
						   product, kind, kind),
				 errhint("Add \"%s\" to the product_types of one %s group, or set the product's group_id in the same statement.",
						 product_type, kind),
				 errtable(rel)));
	ereport(ERROR,
			(errcode(ERRCODE_RETENTION_NO_GROUP),
			 errmsg("product type \"%s\" matches %d %s groups", product_type, matches, kind),
			 errdetail("Product %s is entering stage \"%s\"; the groups taking \"%s\" are %s.",
					   product, kind, product_type, names.data),
			 errhint("Set the product's group_id in the same statement, or give each product type to one %s group only.",
					 kind),
			 errtable(rel)));
	return 0;					/* keep compiler quiet */
}

PG_FUNCTION_INFO_V1(place_in_group);

/*
 * BEFORE INSERT OR UPDATE trigger on retention.products: keep each product in
 * a group of the kind its stage calls for.
 */
Datum
place_in_group(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	PlacementColumns *cols;
	Relation	rel;
	TupleDesc	desc;
	HeapTuple	newtuple;
	bool		is_insert;
	bool		isnull;
	bool		group_set;
	char	   *stage;
	char	   *product_type;
	Datum		group;
	Datum		id;
	StageRules *rules;
	const GroupInfo *current = NULL;
	int64		chosen;
	int			replcol;
	Datum		replvalue;
	bool		replnull = false;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"place_in_group\" was not called by trigger manager")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"place_in_group\" must be fired BEFORE INSERT OR UPDATE FOR EACH ROW")));

	rel = trigdata->tg_relation;
	desc = RelationGetDescr(rel);
	is_insert = TRIGGER_FIRED_BY_INSERT(trigdata->tg_event);
	newtuple = is_insert ? trigdata->tg_trigtuple : trigdata->tg_newtuple;

	cols = (PlacementColumns *) fcinfo->flinfo->fn_extra;
	if (cols == NULL || cols->tupdesc != desc)
	{
		cols = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PlacementColumns));
		cols->tupdesc = desc;
		cols->id_attnum = PlacementColumn(rel, "id");
		cols->stage_attnum = PlacementColumn(rel, "stage");
		cols->type_attnum = PlacementColumn(rel, "product_type");
		cols->group_attnum = PlacementColumn(rel, "group_id");
		fcinfo->flinfo->fn_extra = cols;
	}

	/* A restored product keeps the group it had, whatever became of it */
	if (is_insert && IsRestoreLoad())
		return PointerGetDatum(newtuple);

	stage = TextColumn(newtuple, desc, cols->stage_attnum);
	if (stage == NULL || !IsGroupKind(stage))
		return PointerGetDatum(newtuple);

	/* An update that leaves stage and group alone needs no placement */
	group_set = is_insert ||
		bms_is_member(cols->group_attnum - FirstLowInvalidHeapAttributeNumber,
					  trigdata->tg_updatedcols);
	if (!is_insert && !group_set)
	{
		char	   *old_stage = TextColumn(trigdata->tg_trigtuple, desc, cols->stage_attnum);

		if (old_stage != NULL && strcmp(old_stage, stage) == 0)
			return PointerGetDatum(newtuple);
	}

	rules = GetStageRules();
	group = heap_getattr(newtuple, cols->group_attnum, desc, &isnull);
	if (!isnull)
	{
		current = FindGroup(rules, DatumGetInt64(group));
		/* No such group: leave it to the foreign key to say so */
		if (current == NULL && group_set)
			return PointerGetDatum(newtuple);
		if (current != NULL && strcmp(current->kind, stage) == 0)
			return PointerGetDatum(newtuple);
		if (current != NULL && group_set)
			ereport(ERROR,
					(errcode(ERRCODE_RETENTION_NO_GROUP),
					 errmsg("group \"%s\" is not of kind \"%s\"", current->name, stage),
					 errdetail("A product in stage \"%s\" belongs in a group of kind \"%s\"; group \"%s\" is of kind \"%s\".",
							   stage, stage, current->name, current->kind),
					 errhint("Leave group_id unset to place the product by its product type."),
					 errtablecol(rel, cols->group_attnum)));
	}

	product_type = TextColumn(newtuple, desc, cols->type_attnum);
	if (product_type == NULL)
		return PointerGetDatum(newtuple);

	id = heap_getattr(newtuple, cols->id_attnum, desc, &isnull);
	chosen = ChooseGroup(rel, rules,
						 isnull ? "(new)" : DatumGetCString(DirectFunctionCall1(int8out, id)),
						 stage, product_type);

	/* Only roles that row-level security applies to need the record */
	if (!is_insert && !isnull &&
		(current == NULL || current->id != chosen) &&
		!superuser() && !has_bypassrls_privilege(GetUserId()))
		RememberHandOver(DatumGetInt64(id));

	replcol = cols->group_attnum;
	replvalue = Int64GetDatum(chosen);
	return PointerGetDatum(heap_modify_tuple_by_cols(newtuple, desc, 1, &replcol,
													 &replvalue, &replnull));
}
