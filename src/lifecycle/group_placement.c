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
 * right kind, and refused if not.  Groups come from the session's cache;
 * the group chosen is then locked FOR SHARE and its kind read again, so that
 * a concurrent change of the group's kind (retention.group_kind_is_stable(),
 * below, which locks the row more strongly and counts the group's products
 * in the latest snapshot) either waits for the placement and sees the
 * product, or is seen by it.  Without the lock neither saw the other and a
 * product ended up in a group of the wrong kind.
 *
 * A rep who moves a product on hands it to another group, often another
 * rep's.  Row-level security checks the new row of an UPDATE against the
 * reps' SELECT policy as well, so the transaction remembers the products it
 * handed over and retention.handed_over(id) lets that policy accept them.
 * A hand-over made in a subtransaction that rolls back is forgotten with it.
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
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "common/retention.h"
#include "common/run_as_owner.h"
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

/* An entry of the table: the hand-over, and the subtransaction that made it */
typedef struct HandOverEntry
{
	HandOver	key;
	SubTransactionId subid;
} HandOverEntry;

/* The HandOvers of this transaction; NULL when none */
static HTAB *handed_over_ids = NULL;
static bool handed_over_callback = false;

/* Transaction end: the hash table went with TopTransactionContext */
static void
HandOverXactCallback(XactEvent event, void *arg)
{
	handed_over_ids = NULL;
}

/*
 * Subtransaction end: a rolled-back subtransaction takes its hand-overs with
 * it; a committed one passes them to its parent.
 */
static void
HandOverSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	HASH_SEQ_STATUS status;
	HandOverEntry *entry;

	if (handed_over_ids == NULL ||
		(event != SUBXACT_EVENT_ABORT_SUB && event != SUBXACT_EVENT_COMMIT_SUB))
		return;
	hash_seq_init(&status, handed_over_ids);
	while ((entry = (HandOverEntry *) hash_seq_search(&status)) != NULL)
	{
		if (entry->subid != mySubid)
			continue;
		if (event == SUBXACT_EVENT_ABORT_SUB)
			(void) hash_search(handed_over_ids, &entry->key, HASH_REMOVE, NULL);
		else
			entry->subid = parentSubid;
	}
}

/* Remember that the current role moved product id into another group */
static void
RememberHandOver(int64 id)
{
	HandOver	key;
	HandOverEntry *entry;
	bool		found;

	if (!handed_over_callback)
	{
		RegisterXactCallback(HandOverXactCallback, NULL);
		RegisterSubXactCallback(HandOverSubXactCallback, NULL);
		handed_over_callback = true;
	}
	if (handed_over_ids == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(HandOver);
		ctl.entrysize = sizeof(HandOverEntry);
		ctl.hcxt = TopTransactionContext;
		handed_over_ids = hash_create("retention handed-over products", 64, &ctl,
									  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	memset(&key, 0, sizeof(key));
	key.product = id;
	key.role = GetUserId();
	entry = (HandOverEntry *) hash_search(handed_over_ids, &key, HASH_ENTER, &found);
	/* the outermost subtransaction that made it decides */
	if (!found)
		entry->subid = GetCurrentSubTransactionId();
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

/* What a column placement reads must hold */
typedef enum PlacementType
{
	PLACEMENT_TEXT,				/* text or varchar: read as text */
	PLACEMENT_INTEGER,			/* smallint, integer or bigint: the key */
	PLACEMENT_BIGINT			/* bigint: the group id, which we write */
} PlacementType;

/*
 * Column number by name, checked for the type placement reads it as: the
 * trigger can be attached to any table, and reading a datum as the wrong
 * type would crash the backend.
 */
static int
PlacementColumn(Relation rel, const char *name, PlacementType type)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			attnum = SPI_fnumber(desc, name);
	Oid			typid;
	bool		ok;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						name, RelationGetRelationName(rel)),
				 errdetail("retention.place_in_group() needs columns \"id\", \"stage\", \"product_type\" and \"group_id\".")));

	typid = getBaseType(TupleDescAttr(desc, attnum - 1)->atttypid);
	switch (type)
	{
		case PLACEMENT_TEXT:
			ok = (typid == TEXTOID || typid == VARCHAROID);
			break;
		case PLACEMENT_INTEGER:
			ok = (typid == INT2OID || typid == INT4OID || typid == INT8OID);
			break;
		default:
			ok = (typid == INT8OID);
			break;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of relation \"%s\" must be of type %s",
						name, RelationGetRelationName(rel),
						type == PLACEMENT_TEXT ? "text or character varying" :
						type == PLACEMENT_INTEGER ? "smallint, integer or bigint" : "bigint"),
				 errdetail("The column is of type %s.",
						   format_type_be(TupleDescAttr(desc, attnum - 1)->atttypid)),
				 errtablecol(rel, attnum)));
	return attnum;
}

/* The integer key of a row, whatever its integer type */
static int64
IntegerColumn(Datum value, Oid typid)
{
	switch (getBaseType(typid))
	{
		case INT2OID:
			return DatumGetInt16(value);
		case INT4OID:
			return DatumGetInt32(value);
		default:
			return DatumGetInt64(value);
	}
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

/*
 * Lock group id FOR SHARE, as the owner of the extension's tables, and
 * return its kind as it is now (in the caller's memory context); NULL if
 * there is no such group.  In READ COMMITTED a group whose kind changed
 * meanwhile is read in its new version; in REPEATABLE READ the lock fails
 * with a serialization error.
 */
static char *
LockedGroupKind(StageRules *rules, int64 id)
{
	static SPIPlanPtr plan = NULL;
	MemoryContext cxt = CurrentMemoryContext;
	OwnerScope	scope;
	Datum		arg = Int64GetDatum(id);
	Oid			argtypes[1] = {INT8OID};
	char	   *kind = NULL;
	int			ret;

	BeginAsOwner(rules->owner, &scope);
	ret = SPI_execute_plan(KeptPlan(&plan,
									"SELECT g.kind FROM retention.groups g"
									" WHERE g.id OPERATOR(pg_catalog.=) $1 FOR SHARE OF g",
									1, argtypes),
						   &arg, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not lock group " INT64_FORMAT ": %s", id,
			 SPI_result_code_string(ret));
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		value = SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(cxt);

			kind = TextDatumGetCString(value);
			MemoryContextSwitchTo(old);
		}
	}
	EndAsOwner(&scope);
	return kind;
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
	int64		id_value = 0;
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
		cols->id_attnum = PlacementColumn(rel, "id", PLACEMENT_INTEGER);
		cols->stage_attnum = PlacementColumn(rel, "stage", PLACEMENT_TEXT);
		cols->type_attnum = PlacementColumn(rel, "product_type", PLACEMENT_TEXT);
		cols->group_attnum = PlacementColumn(rel, "group_id", PLACEMENT_BIGINT);
		fcinfo->flinfo->fn_extra = cols;
	}

	/* A restored product keeps the group it had, whatever became of it */
	if (is_insert && IsRestoreLoad())
		return PointerGetDatum(newtuple);

	stage = TextAttribute(newtuple, desc, cols->stage_attnum);
	if (stage == NULL || !IsGroupKind(stage))
		return PointerGetDatum(newtuple);

	/* An update that leaves stage and group alone needs no placement */
	group_set = is_insert ||
		bms_is_member(cols->group_attnum - FirstLowInvalidHeapAttributeNumber,
					  trigdata->tg_updatedcols);
	if (!is_insert && !group_set)
	{
		char	   *old_stage = TextAttribute(trigdata->tg_trigtuple, desc, cols->stage_attnum);

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
		{
			/* The cache may be behind: the locked row decides */
			char	   *kind = LockedGroupKind(rules, current->id);

			if (kind == NULL || strcmp(kind, stage) == 0)
				return PointerGetDatum(newtuple);
			ereport(ERROR,
					(errcode(ERRCODE_RETENTION_NO_GROUP),
					 errmsg("group \"%s\" is not of kind \"%s\"", current->name, stage),
					 errdetail("A product in stage \"%s\" belongs in a group of kind \"%s\"; group \"%s\" is of kind \"%s\".",
							   stage, stage, current->name, kind),
					 errhint("Leave group_id unset to place the product by its product type."),
					 errtablecol(rel, cols->group_attnum)));
		}
		if (current != NULL && group_set)
			ereport(ERROR,
					(errcode(ERRCODE_RETENTION_NO_GROUP),
					 errmsg("group \"%s\" is not of kind \"%s\"", current->name, stage),
					 errdetail("A product in stage \"%s\" belongs in a group of kind \"%s\"; group \"%s\" is of kind \"%s\".",
							   stage, stage, current->name, current->kind),
					 errhint("Leave group_id unset to place the product by its product type."),
					 errtablecol(rel, cols->group_attnum)));
	}

	product_type = TextAttribute(newtuple, desc, cols->type_attnum);
	if (product_type == NULL)
		return PointerGetDatum(newtuple);

	id = heap_getattr(newtuple, cols->id_attnum, desc, &isnull);
	if (!isnull)
		id_value = IntegerColumn(id, TupleDescAttr(desc, cols->id_attnum - 1)->atttypid);
	chosen = ChooseGroup(rel, rules,
						 isnull ? "(new)" : psprintf(INT64_FORMAT, id_value),
						 stage, product_type);
	{
		/* The cache chose it; the locked row must still be of the kind */
		char	   *kind = LockedGroupKind(rules, chosen);

		if (kind != NULL && strcmp(kind, stage) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("group \"%s\" changed kind while product %s was being placed in it",
							FindGroup(rules, chosen)->name,
							isnull ? "(new)" : psprintf(INT64_FORMAT, id_value)),
					 errdetail("The product is entering stage \"%s\"; the group is now of kind \"%s\".",
							   stage, kind),
					 errhint("Retry the statement: it will place the product by the groups as they are now."),
					 errtable(rel)));
	}

	/* Only roles that row-level security applies to need the record */
	if (!is_insert && !isnull &&
		(current == NULL || current->id != chosen) &&
		!superuser() && !has_bypassrls_privilege(GetUserId()))
		RememberHandOver(id_value);

	replcol = cols->group_attnum;
	replvalue = Int64GetDatum(chosen);
	return PointerGetDatum(heap_modify_tuple_by_cols(newtuple, desc, 1, &replcol,
													 &replvalue, &replnull));
}

PG_FUNCTION_INFO_V1(group_kind_is_stable);

/*
 * BEFORE UPDATE trigger on retention.groups: a group that holds products
 * keeps its kind.  The row is locked by then, so every placement into the
 * group that locked it first has ended; the products are counted in the
 * latest snapshot (as the owner, so that row-level security hides none),
 * which sees them even in REPEATABLE READ, where the transaction's own
 * snapshot would not.
 */
Datum
group_kind_is_stable(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	HeapTuple	oldtuple;
	HeapTuple	newtuple;
	int			kind_attnum;
	int			id_attnum;
	int			name_attnum;
	char	   *old_kind;
	char	   *new_kind;
	char	   *name;
	bool		isnull;
	Datum		id;
	StageRules *rules;
	OwnerScope	scope;
	Oid			argtypes[1] = {INT8OID};
	bool		holds;
	int			ret;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"group_kind_is_stable\" was not called by trigger manager")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"group_kind_is_stable\" must be fired BEFORE UPDATE FOR EACH ROW")));

	rel = trigdata->tg_relation;
	desc = RelationGetDescr(rel);
	oldtuple = trigdata->tg_trigtuple;
	newtuple = trigdata->tg_newtuple;
	kind_attnum = PlacementColumn(rel, "kind", PLACEMENT_TEXT);
	id_attnum = PlacementColumn(rel, "id", PLACEMENT_BIGINT);
	name_attnum = PlacementColumn(rel, "name", PLACEMENT_TEXT);

	old_kind = TextAttribute(oldtuple, desc, kind_attnum);
	new_kind = TextAttribute(newtuple, desc, kind_attnum);
	if ((old_kind == NULL && new_kind == NULL) ||
		(old_kind != NULL && new_kind != NULL && strcmp(old_kind, new_kind) == 0))
		return PointerGetDatum(newtuple);

	id = heap_getattr(oldtuple, id_attnum, desc, &isnull);
	if (isnull)
		return PointerGetDatum(newtuple);

	rules = GetStageRules();
	BeginAsOwner(rules->owner, &scope);
	KeptPlan(&plan,
			 "SELECT FROM retention.products p"
			 " WHERE p.group_id OPERATOR(pg_catalog.=) $1 LIMIT 1",
			 1, argtypes);
	ret = SPI_execute_snapshot(plan, &id, NULL, GetLatestSnapshot(),
							   InvalidSnapshot, true, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not look up the products of a group: %s",
			 SPI_result_code_string(ret));
	holds = SPI_processed > 0;
	EndAsOwner(&scope);

	if (holds)
	{
		name = TextAttribute(oldtuple, desc, name_attnum);
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_NO_GROUP),
				 errmsg("cannot change the kind of group \"%s\" while it holds products",
						name ? name : "?"),
				 errdetail("Group \"%s\" is of kind \"%s\" and products are placed in it for that.",
						   name ? name : "?", old_kind ? old_kind : ""),
				 errhint("Create a group of the new kind and move the products there.")));
	}
	return PointerGetDatum(newtuple);
}
