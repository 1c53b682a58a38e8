/*-------------------------------------------------------------------------
 *
 * stage_guard.c
 *	  The trigger that enforces stage transitions on any table and writes
 *	  the append-only stage history.
 *
 *	  retention.stage_guard(stage_column [, key_column [, reason_column
 *							[, entered_at_column]]])
 *
 * Attach it twice: BEFORE UPDATE checks each move against the rules and
 * stamps the row; AFTER INSERT OR UPDATE checks each new row's entry stage
 * and writes the history.  Entries are checked AFTER the insert because an
 * INSERT ... ON CONFLICT DO UPDATE fires BEFORE INSERT triggers for a row it
 * may then not insert; only AFTER triggers see what was really written, so
 * the history is written there too.
 *
 * A move counts as having a reason only when the statement itself set the
 * reason column (tg_updatedcols): a reason left over from an earlier move
 * must not justify the next one.
 *
 * The history is the record administrators rely on, so only their tables
 * may write to it: a table other than retention.products keeps a history
 * only when its owner is a member of retention_admin, and its rows never
 * carry a product id.  A table is named as it was when the row was written.
 *
 * An administrator may back-date a move (import history): a time in the
 * entered-at column set by the statement is checked (not in the future, not
 * before the row's latest move) and recorded as the time of the move.
 *
 * On a partitioned table, an UPDATE that takes a row to another partition
 * arrives as a DELETE from the old partition and an INSERT into the new one,
 * and fires only AFTER DELETE and AFTER INSERT triggers.  An AFTER DELETE
 * trigger on the partitioned table remembers the old row's stage for the
 * command, so that the INSERT of the same key is recorded as the move it is,
 * not as a new row entering the lifecycle.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "common/hashfn.h"
#include "storage/proc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/timestamp.h"

#include "common/retention.h"
#include "common/run_as_owner.h"
#include "lifecycle/stage_rules.h"

/* What the trigger's arguments resolve to, cached for the statement */
typedef struct GuardColumns
{
	Oid			relid;
	Oid			history_relid;	/* the table the history names: for a
								 * partition, its partitioned table */
	TupleDesc	tupdesc;		/* to notice a changed row type */
	int			stage_attnum;
	int			key_attnum;		/* 0: none */
	int			reason_attnum;	/* 0: none */
	int			entered_attnum; /* 0: none */
	FmgrInfo	stage_out;
	FmgrInfo	key_out;
	FmgrInfo	reason_out;
	bool		key_is_integer; /* history keeps it in product_id too */
	Oid			key_type;
	bool		is_products;	/* retention.products itself */
	char	   *history_table;	/* the table's qualified name, for the history */
} GuardColumns;

/*
 * Rows that left a partition in this command (see the header comment), by
 * partitioned table and key: the stage they had.
 */
typedef struct MovedRowKey
{
	Oid			table;
	const char *key;
} MovedRowKey;

typedef struct MovedRow
{
	MovedRowKey k;
	char	   *stage;
} MovedRow;

static HTAB *moved_rows = NULL;
static MemoryContext moved_rows_cxt = NULL;
static LocalTransactionId moved_rows_lxid = InvalidLocalTransactionId;
static CommandId moved_rows_cid = InvalidCommandId;

/* Hash a moved row's key: its table and its key's text */
static uint32
MovedRowHash(const void *key, Size keysize)
{
	const MovedRowKey *k = key;

	return hash_combine(murmurhash32(k->table),
						hash_bytes((const unsigned char *) k->key, strlen(k->key)));
}

/* Compare two moved rows' keys; 0 when equal */
static int
MovedRowMatch(const void *key1, const void *key2, Size keysize)
{
	const MovedRowKey *a = key1;
	const MovedRowKey *b = key2;

	if (a->table != b->table)
		return 1;
	return strcmp(a->key, b->key);
}

/* Copy a key into the table, with its text in the table's memory */
static void *
MovedRowKeyCopy(void *dest, const void *src, Size keysize)
{
	MovedRowKey *d = dest;
	const MovedRowKey *s = src;

	d->table = s->table;
	d->key = MemoryContextStrdup(moved_rows_cxt, s->key);
	return dest;
}

/* INSERT INTO retention.stage_history, prepared once per session */
static SPIPlanPtr history_plan = NULL;

/* Name of the last role seen acting, so the history costs no look-up per row */
static Oid	acting_role_id = InvalidOid;
static char acting_role_name[NAMEDATALEN];

/* The current user's name, remembered between rows */
static const char *
ActingRoleName(void)
{
	Oid			userid = GetUserId();

	if (userid != acting_role_id)
	{
		strlcpy(acting_role_name, GetUserNameFromId(userid, false), NAMEDATALEN);
		acting_role_id = userid;
	}
	return acting_role_name;
}

/* Resolve one column argument of the trigger; 0 when the argument is empty */
static int
GuardColumn(Relation rel, Trigger *trigger, int argno, bool required)
{
	const char *name;
	int			attnum;

	if (argno >= trigger->tgnargs)
	{
		if (required)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("trigger \"%s\" on table \"%s\" must name the stage column",
							trigger->tgname, RelationGetRelationName(rel)),
					 errhint("Create it as EXECUTE FUNCTION retention.stage_guard('stage_column', 'key_column', 'reason_column').")));
		return 0;
	}
	name = trigger->tgargs[argno];
	if (name[0] == '\0' && !required)
		return 0;

	attnum = SPI_fnumber(RelationGetDescr(rel), name);
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						name, RelationGetRelationName(rel)),
				 errdetail("Trigger \"%s\" names it as argument %d.",
						   trigger->tgname, argno + 1)));
	return attnum;
}

/* Prepare an output function for a column */
static void
GuardOutput(Relation rel, int attnum, FmgrInfo *out, MemoryContext cxt)
{
	Oid			typoutput;
	bool		typisvarlena;

	getTypeOutputInfo(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid,
					  &typoutput, &typisvarlena);
	fmgr_info_cxt(typoutput, out, cxt);
}

/* The trigger's columns for this relation, resolved once per statement */
static GuardColumns *
GetGuardColumns(FunctionCallInfo fcinfo, Relation rel, Trigger *trigger)
{
	GuardColumns *cols = (GuardColumns *) fcinfo->flinfo->fn_extra;
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	TupleDesc	desc = RelationGetDescr(rel);
	StageRules *rules;

	if (cols != NULL && cols->relid == RelationGetRelid(rel) &&
		cols->tupdesc == desc)
		return cols;

	if (trigger->tgnargs > 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\" has too many arguments",
						trigger->tgname, RelationGetRelationName(rel)),
				 errdetail("retention.stage_guard takes at most four: the stage, key, reason and entered-at columns.")));

	cols = MemoryContextAllocZero(cxt, sizeof(GuardColumns));
	cols->relid = RelationGetRelid(rel);
	cols->history_relid = cols->relid;
	if (rel->rd_rel->relispartition)
		cols->history_relid = llast_oid(get_partition_ancestors(cols->relid));
	rules = GetStageRules();
	cols->is_products = (cols->history_relid == rules->products_relid);
	cols->history_table =
		MemoryContextStrdup(cxt,
							quote_qualified_identifier(get_namespace_name(get_rel_namespace(cols->history_relid)),
													   get_rel_name(cols->history_relid)));
	if (!cols->is_products && !IsRetentionAdmin(rel->rd_rel->relowner, rules->owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("table \"%s\" cannot keep a stage history",
						RelationGetRelationName(rel)),
				 errdetail("Its owner, role \"%s\", is not a member of retention_admin, and only administrators' tables may write to retention.stage_history.",
						   GetUserNameFromId(rel->rd_rel->relowner, false)),
				 errtable(rel)));
	cols->tupdesc = desc;
	cols->stage_attnum = GuardColumn(rel, trigger, 0, true);
	cols->key_attnum = GuardColumn(rel, trigger, 1, false);
	cols->reason_attnum = GuardColumn(rel, trigger, 2, false);
	cols->entered_attnum = GuardColumn(rel, trigger, 3, false);

	GuardOutput(rel, cols->stage_attnum, &cols->stage_out, cxt);
	if (cols->key_attnum)
	{
		cols->key_type = TupleDescAttr(desc, cols->key_attnum - 1)->atttypid;
		cols->key_is_integer = (cols->key_type == INT2OID ||
								cols->key_type == INT4OID ||
								cols->key_type == INT8OID);
		GuardOutput(rel, cols->key_attnum, &cols->key_out, cxt);
	}
	if (cols->reason_attnum)
		GuardOutput(rel, cols->reason_attnum, &cols->reason_out, cxt);
	if (cols->entered_attnum &&
		TupleDescAttr(desc, cols->entered_attnum - 1)->atttypid != TIMESTAMPTZOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of relation \"%s\" must be of type timestamp with time zone",
						trigger->tgargs[3], RelationGetRelationName(rel)),
				 errdetail("Trigger \"%s\" stamps it with the time a row enters a stage.",
						   trigger->tgname)));

	fcinfo->flinfo->fn_extra = cols;
	return cols;
}

/* A column's value as text, or NULL */
static char *
ColumnText(HeapTuple tuple, TupleDesc desc, int attnum, FmgrInfo *out)
{
	bool		isnull;
	Datum		value;

	if (attnum == 0)
		return NULL;
	value = heap_getattr(tuple, attnum, desc, &isnull);
	return isnull ? NULL : OutputFunctionCall(out, value);
}

/*
 * "product 42" for our own table, "row 42 of table \"t\"" for others; a
 * partition's row is a row of its partitioned table
 */
static char *
RowLabel(GuardColumns *cols, const char *key)
{
	if (cols->is_products)
		return psprintf("product %s", key ? key : "(new)");
	return psprintf("row %s of table \"%s\"", key ? key : "(new)",
					get_rel_name(cols->history_relid));
}

/*
 * A bulk load by a role that bypasses row-level security, with row_security
 * off, is a restore: pg_dump's scripts and pg_restore set exactly that.  Such
 * rows are taken as they are, with their history restored from the dump
 * rather than written again, and their groups as they were.
 */
bool
IsRestoreLoad(void)
{
	Oid			userid = GetUserId();

	return !row_security && (superuser_arg(userid) ||
							 has_bypassrls_privilege(userid));
}

/*
 * Check a move (from_stage NULL: a new row entering to_stage).  Returns
 * whether the rule found asks for a reason; raises the errors a client sees.
 */
static void
CheckMove(Relation rel, GuardColumns *cols, StageRules *rules,
		  const char *key, const char *from_stage, const char *to_stage,
		  bool has_reason)
{
	const StageRule *rule;
	const char *label;
	const char *reason_column;
	char	   *hint;

	if (to_stage == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("stage of %s must not be null", RowLabel(cols, key)),
				 errtablecol(rel, cols->stage_attnum)));

	rule = FindStageRule(rules, from_stage, to_stage);
	if (rule == NULL)
	{
		label = RowLabel(cols, key);
		if (from_stage == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_RETENTION_ILLEGAL_TRANSITION),
					 errmsg("%s cannot enter the lifecycle in stage \"%s\"",
							label, to_stage),
					 errdetail("%s", DescribeNextStages(rules, NULL)),
					 errhint("Create it in one of those stages, then move it."),
					 errtablecol(rel, cols->stage_attnum)));
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_ILLEGAL_TRANSITION),
				 errmsg("%s cannot move from stage \"%s\" to stage \"%s\"",
						label, from_stage, to_stage),
				 errdetail("%s", DescribeNextStages(rules, from_stage)),
				 errhint("Every move must follow a row of retention.transitions; an administrator can add one."),
				 errtablecol(rel, cols->stage_attnum)));
	}

	if (rule->reason_required && !has_reason)
	{
		label = RowLabel(cols, key);
		if (cols->reason_attnum == 0)
			ereport(ERROR,
					(errcode(ERRCODE_RETENTION_REASON_REQUIRED),
					 errmsg("moving %s from stage \"%s\" to stage \"%s\" requires a reason",
							label, from_stage ? from_stage : "(new)", to_stage),
					 errdetail("The table has no reason column, so this move can never be made."),
					 errhint("Name a reason column as the third argument of the stage_guard trigger."),
					 errtablecol(rel, cols->stage_attnum)));
		reason_column = NameStr(TupleDescAttr(RelationGetDescr(rel),
											  cols->reason_attnum - 1)->attname);
		/* retention.move() only moves products */
		if (cols->is_products)
			hint = psprintf("Set column \"%s\" in the same statement, or call retention.move(product, stage, reason).",
							reason_column);
		else
			hint = psprintf("Set column \"%s\" in the same statement.", reason_column);
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_REASON_REQUIRED),
				 errmsg("moving %s from stage \"%s\" to stage \"%s\" requires a reason",
						label, from_stage ? from_stage : "(new)", to_stage),
				 errdetail("The rule for this move has reason_required set, and the statement gave no reason."),
				 errhint("%s", hint),
				 errtablecol(rel, cols->reason_attnum)));
	}
}

/*
 * Append one row to retention.stage_history, as the extension's owner: the
 * move of one row, made at changed_at
 */
static void
WriteHistory(Relation rel, GuardColumns *cols, StageRules *rules,
			 HeapTuple newtuple, const char *key, const char *from_stage,
			 const char *to_stage, const char *reason, TimestampTz changed_at)
{
	Datum		values[8];
	char		nulls[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	const char *acting_role = ActingRoleName();
	OwnerScope	scope;
	int			ret;

	values[0] = CStringGetTextDatum(cols->history_table);
	nulls[1] = 'n';
	if (cols->is_products && cols->key_is_integer)
	{
		bool		isnull;
		Datum		k = heap_getattr(newtuple, cols->key_attnum,
									 RelationGetDescr(rel), &isnull);

		if (!isnull)
		{
			nulls[1] = ' ';
			if (cols->key_type == INT2OID)
				values[1] = Int64GetDatum((int64) DatumGetInt16(k));
			else if (cols->key_type == INT4OID)
				values[1] = Int64GetDatum((int64) DatumGetInt32(k));
			else
				values[1] = k;
		}
	}
	values[2] = key ? CStringGetTextDatum(key) : (Datum) 0;
	nulls[2] = key ? ' ' : 'n';
	values[3] = from_stage ? CStringGetTextDatum(from_stage) : (Datum) 0;
	nulls[3] = from_stage ? ' ' : 'n';
	values[4] = CStringGetTextDatum(to_stage);
	values[5] = IsBlankText(reason) ? (Datum) 0 : CStringGetTextDatum(reason);
	nulls[5] = IsBlankText(reason) ? 'n' : ' ';
	values[6] = CStringGetTextDatum(acting_role);
	values[7] = TimestampTzGetDatum(changed_at);

	BeginAsOwner(rules->owner, &scope);

	{
		Oid			argtypes[8] = {TEXTOID, INT8OID, TEXTOID, TEXTOID,
		TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID};

		KeptPlan(&history_plan,
				 "INSERT INTO retention.stage_history"
				 " (table_name, product_id, row_key, from_stage,"
				 "  to_stage, reason, acting_role, changed_at)"
				 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
				 8, argtypes);
	}

	ret = SPI_execute_plan(history_plan, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not write stage history: %s",
			 SPI_result_code_string(ret));

	EndAsOwner(&scope);
}

/*
 * The time of a move: the entered-at column's value when the statement set
 * one (a back-dated move), else the transaction's start.  A back-dated time
 * must not be in the future, nor before the row's latest move (previous,
 * 0 for a new row); only an administrator may give one.
 */
static TimestampTz
MoveTime(Relation rel, GuardColumns *cols, StageRules *rules, const char *key,
		 HeapTuple tuple, bool given, TimestampTz previous)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	TimestampTz at;
	bool		isnull;
	Datum		value;

	if (cols->entered_attnum == 0 || !given)
		return now;
	value = heap_getattr(tuple, cols->entered_attnum, RelationGetDescr(rel), &isnull);
	if (isnull)
		return now;
	at = DatumGetTimestampTz(value);
	if (at == now)
		return now;

	if (!IsRetentionAdmin(GetUserId(), rules->owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to back-date the move of %s",
						RowLabel(cols, key)),
				 errdetail("Only members of retention_admin may set column \"%s\" to a time other than the transaction's.",
						   NameStr(TupleDescAttr(RelationGetDescr(rel), cols->entered_attnum - 1)->attname)),
				 errtablecol(rel, cols->entered_attnum)));
	if (at > GetCurrentTimestamp() || TIMESTAMP_NOT_FINITE(at))
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_OUT_OF_ORDER),
				 errmsg("the move of %s cannot be dated %s",
						RowLabel(cols, key), timestamptz_to_str(at)),
				 errdetail("A move cannot be recorded in the future."),
				 errtablecol(rel, cols->entered_attnum)));
	if (at < previous)
		ereport(ERROR,
				(errcode(ERRCODE_RETENTION_OUT_OF_ORDER),
				 errmsg("the move of %s cannot be dated %s",
						RowLabel(cols, key), timestamptz_to_str(at)),
				 errdetail("Its latest move was recorded at %s, and moves are recorded in order.",
						   timestamptz_to_str(previous)),
				 errtablecol(rel, cols->entered_attnum)));
	return at;
}

/*
 * The time of an UPDATE's move: the statement gives one only when it sets
 * the entered-at column to something other than its old value.
 */
static TimestampTz
MoveTimeOfUpdate(Relation rel, GuardColumns *cols, StageRules *rules,
				 const char *key, HeapTuple oldtuple, HeapTuple newtuple,
				 const Bitmapset *updatedcols)
{
	TupleDesc	desc = RelationGetDescr(rel);
	bool		oldnull;
	bool		newnull;
	Datum		oldvalue;
	Datum		newvalue;
	bool		given;

	if (cols->entered_attnum == 0)
		return GetCurrentTransactionStartTimestamp();
	oldvalue = heap_getattr(oldtuple, cols->entered_attnum, desc, &oldnull);
	newvalue = heap_getattr(newtuple, cols->entered_attnum, desc, &newnull);
	given = (updatedcols == NULL ||
			 bms_is_member(cols->entered_attnum - FirstLowInvalidHeapAttributeNumber,
						   updatedcols)) &&
		!newnull && (oldnull || DatumGetTimestampTz(oldvalue) != DatumGetTimestampTz(newvalue));
	return MoveTime(rel, cols, rules, key, newtuple, given,
					oldnull ? DT_NOBEGIN : DatumGetTimestampTz(oldvalue));
}

/* The table of rows that left a partition, for this command */
static HTAB *
MovedRows(void)
{
	HASHCTL		ctl;

	if (moved_rows != NULL && moved_rows_lxid == MyProc->lxid &&
		moved_rows_cid == GetCurrentCommandId(false))
		return moved_rows;
	/* a table of an earlier transaction went with that transaction's memory */
	if (moved_rows != NULL && moved_rows_lxid == MyProc->lxid)
		MemoryContextDelete(moved_rows_cxt);
	moved_rows_cxt = AllocSetContextCreate(TopTransactionContext,
										   "retention moved rows",
										   ALLOCSET_SMALL_SIZES);
	ctl.keysize = sizeof(MovedRowKey);
	ctl.entrysize = sizeof(MovedRow);
	ctl.hash = MovedRowHash;
	ctl.match = MovedRowMatch;
	ctl.keycopy = MovedRowKeyCopy;
	ctl.hcxt = moved_rows_cxt;
	moved_rows = hash_create("retention moved rows", 64, &ctl,
							 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE |
							 HASH_KEYCOPY | HASH_CONTEXT);
	moved_rows_lxid = MyProc->lxid;
	moved_rows_cid = GetCurrentCommandId(false);
	return moved_rows;
}

/* BEFORE UPDATE: check the move, stamp the time, drop a stale reason */
static HeapTuple
GuardBeforeUpdate(TriggerData *trigdata, GuardColumns *cols)
{
	Relation	rel = trigdata->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	HeapTuple	oldtuple = trigdata->tg_trigtuple;
	HeapTuple	newtuple = trigdata->tg_newtuple;
	char	   *old_stage = ColumnText(oldtuple, desc, cols->stage_attnum, &cols->stage_out);
	char	   *new_stage = ColumnText(newtuple, desc, cols->stage_attnum, &cols->stage_out);
	bool		reason_set;
	char	   *reason;
	char	   *key;
	StageRules *rules;
	int			replcols[2];
	Datum		replvalues[2];
	bool		replnulls[2];
	int			nrepl = 0;

	/*
	 * Not a move: nothing to check, no history.  The reason belongs to the
	 * move that entered the stage, as the history has it, so it stays too
	 * (two sessions making the same move must not leave the row with the
	 * second one's reason and the history with the first one's).
	 */
	if (old_stage != NULL && new_stage != NULL && strcmp(old_stage, new_stage) == 0)
	{
		bool		isnull;
		Datum		old_reason;

		if (cols->reason_attnum == 0 ||
			!bms_is_member(cols->reason_attnum - FirstLowInvalidHeapAttributeNumber,
						   trigdata->tg_updatedcols))
			return newtuple;
		old_reason = heap_getattr(oldtuple, cols->reason_attnum, desc, &isnull);
		replcols[0] = cols->reason_attnum;
		replvalues[0] = old_reason;
		replnulls[0] = isnull;
		return heap_modify_tuple_by_cols(newtuple, desc, 1, replcols,
										 replvalues, replnulls);
	}

	rules = GetStageRules();

	/*
	 * A reason counts only if the statement gave this move a new one: the
	 * column is among those the statement sets, and its value differs from
	 * the row's old one.  tg_updatedcols covers the columns of every action
	 * of a MERGE, and SET reason = reason targets the column without giving
	 * anything new; in both the old reason would otherwise justify the move.
	 */
	reason_set = cols->reason_attnum != 0 &&
		bms_is_member(cols->reason_attnum - FirstLowInvalidHeapAttributeNumber,
					  trigdata->tg_updatedcols);
	reason = reason_set ?
		ColumnText(newtuple, desc, cols->reason_attnum, &cols->reason_out) : NULL;
	if (reason != NULL)
	{
		char	   *old_reason = ColumnText(oldtuple, desc, cols->reason_attnum,
											&cols->reason_out);

		if (old_reason != NULL && strcmp(old_reason, reason) == 0)
			reason = NULL;
	}

	key = ColumnText(oldtuple, desc, cols->key_attnum, &cols->key_out);
	CheckMove(rel, cols, rules, key, old_stage, new_stage, !IsBlankText(reason));

	if (cols->reason_attnum && !reason_set)
	{
		replcols[nrepl] = cols->reason_attnum;
		replvalues[nrepl] = (Datum) 0;
		replnulls[nrepl++] = true;
	}
	if (cols->entered_attnum)
	{
		replcols[nrepl] = cols->entered_attnum;
		replvalues[nrepl] = TimestampTzGetDatum(MoveTimeOfUpdate(rel, cols, rules, key,
																   oldtuple, newtuple,
																   trigdata->tg_updatedcols));
		replnulls[nrepl++] = false;
	}
	if (nrepl == 0)
		return newtuple;
	return heap_modify_tuple_by_cols(newtuple, desc, nrepl, replcols,
									 replvalues, replnulls);
}

/* AFTER DELETE on a partition: remember the row, in case it is moving */
static void
GuardAfterDelete(TriggerData *trigdata, GuardColumns *cols)
{
	Relation	rel = trigdata->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	HeapTuple	oldtuple = trigdata->tg_trigtuple;
	MovedRowKey k;
	MovedRow   *moved;
	bool		found;

	if (!rel->rd_rel->relispartition || cols->key_attnum == 0)
		return;
	k.table = cols->history_relid;
	k.key = ColumnText(oldtuple, desc, cols->key_attnum, &cols->key_out);
	if (k.key == NULL)
		return;
	moved = hash_search(MovedRows(), &k, HASH_ENTER, &found);
	moved->stage = MemoryContextStrdup(moved_rows_cxt,
									   ColumnText(oldtuple, desc, cols->stage_attnum,
												  &cols->stage_out) ?: "");
}

/*
 * The stage a row had before this command moved it here from another
 * partition; NULL if it did not (a new row)
 */
static char *
MovedFrom(Relation rel, GuardColumns *cols, const char *key)
{
	MovedRowKey k;
	MovedRow   *moved;
	char	   *stage;

	if (!rel->rd_rel->relispartition || key == NULL || moved_rows == NULL)
		return NULL;
	k.table = cols->history_relid;
	k.key = key;
	moved = hash_search(MovedRows(), &k, HASH_FIND, NULL);
	if (moved == NULL)
		return NULL;
	stage = pstrdup(moved->stage);
	hash_search(moved_rows, &k, HASH_REMOVE, NULL);
	return stage;
}

/* AFTER INSERT or UPDATE: check entries, write the history of moves */
static void
GuardAfter(TriggerData *trigdata, GuardColumns *cols)
{
	Relation	rel = trigdata->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	bool		is_insert = TRIGGER_FIRED_BY_INSERT(trigdata->tg_event);
	HeapTuple	newtuple = is_insert ? trigdata->tg_trigtuple : trigdata->tg_newtuple;
	char	   *old_stage = NULL;
	char	   *new_stage;
	char	   *key;
	char	   *reason;
	StageRules *rules;
	TimestampTz changed_at;

	if (is_insert && IsRestoreLoad())
		return;

	new_stage = ColumnText(newtuple, desc, cols->stage_attnum, &cols->stage_out);
	key = ColumnText(newtuple, desc, cols->key_attnum, &cols->key_out);
	if (is_insert)
		old_stage = MovedFrom(rel, cols, key);
	else
		old_stage = ColumnText(trigdata->tg_trigtuple, desc, cols->stage_attnum,
							   &cols->stage_out);
	/* a row moved to another partition, or updated, without changing stage */
	if (old_stage != NULL && new_stage != NULL && strcmp(old_stage, new_stage) == 0)
		return;

	rules = GetStageRules();
	reason = ColumnText(newtuple, desc, cols->reason_attnum, &cols->reason_out);

	if (is_insert && old_stage == NULL)
	{
		CheckMove(rel, cols, rules, key, NULL, new_stage, !IsBlankText(reason));
		changed_at = MoveTime(rel, cols, rules, key, newtuple, true, DT_NOBEGIN);
	}
	else if (is_insert)
		/* the BEFORE UPDATE trigger checked the move and dated it */
		changed_at = MoveTime(rel, cols, rules, key, newtuple, true, DT_NOBEGIN);
	else
		changed_at = MoveTimeOfUpdate(rel, cols, rules, key, trigdata->tg_trigtuple,
									  newtuple, NULL);

	WriteHistory(rel, cols, rules, newtuple, key, old_stage, new_stage, reason,
				 changed_at);
}

PG_FUNCTION_INFO_V1(stage_guard);

/*
 * Trigger entry point: BEFORE UPDATE checks moves, AFTER INSERT OR UPDATE
 * checks entries and records history.
 */
Datum
stage_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	GuardColumns *cols;
	TriggerEvent event;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"stage_guard\" was not called by trigger manager")));
	event = trigdata->tg_event;
	if (!TRIGGER_FIRED_FOR_ROW(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"stage_guard\" must be fired for row")));
	if (TRIGGER_FIRED_INSTEAD(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"stage_guard\" cannot be fired INSTEAD OF"),
				 errdetail("An INSTEAD OF trigger runs whether or not a row changes, so the history would record moves that never happened."),
				 errhint("Attach the triggers to the table under the view.")));
	if (TRIGGER_FIRED_BY_DELETE(event) && TRIGGER_FIRED_AFTER(event))
	{
		/* the half of a move to another partition that leaves the old one */
		cols = GetGuardColumns(fcinfo, trigdata->tg_relation, trigdata->tg_trigger);
		GuardAfterDelete(trigdata, cols);
		return PointerGetDatum(NULL);
	}
	if (!TRIGGER_FIRED_BY_INSERT(event) && !TRIGGER_FIRED_BY_UPDATE(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"stage_guard\" must be fired for INSERT or UPDATE, or AFTER DELETE")));
	if (TRIGGER_FIRED_BEFORE(event) && TRIGGER_FIRED_BY_INSERT(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"stage_guard\" must be fired BEFORE UPDATE or AFTER INSERT OR UPDATE"),
				 errhint("Use retention.enforce_stages() to create both triggers.")));

	cols = GetGuardColumns(fcinfo, trigdata->tg_relation, trigdata->tg_trigger);

	if (TRIGGER_FIRED_BEFORE(event))
		return PointerGetDatum(GuardBeforeUpdate(trigdata, cols));

	GuardAfter(trigdata, cols);
	return PointerGetDatum(NULL);
}
