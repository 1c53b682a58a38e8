/*-------------------------------------------------------------------------
 *
 * stage_rules.c
 *	  Load the lifecycle configuration once per session and keep it until
 *	  retention.transitions, retention.groups or retention.stage_history
 *	  change.
 *
 * The stage trigger runs for every row a client writes, so it must not
 * query the rules table each time.  The rules are read here with SPI, as the
 * owner of the extension's tables (so that a rep's row-level security cannot
 * hide rules or groups from the cache), and copied into a memory context of
 * their own.  The relcache callback only marks the cache stale; it is
 * rebuilt by the next caller, outside the callback.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "retention.h"
#include "stage_rules.h"

static StageRules *rules_cache = NULL;
static MemoryContext rules_context = NULL;

/* Tables the cache is built from; InvalidOid until the first load */
static Oid	watched_transitions = InvalidOid;
static Oid	watched_groups = InvalidOid;
static Oid	watched_history = InvalidOid;

/* Bumped by every relevant invalidation, so a load can tell it raced one */
static uint64 rules_generation = 0;
static uint64 cache_generation = 0;

/* The command that last took in other sessions' invalidations */
static LocalTransactionId accepted_lxid = InvalidLocalTransactionId;
static CommandId accepted_cid = InvalidCommandId;

/* Relcache callback: mark the cache stale if one of its tables changed */
static void
StageRulesInvalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid ||
		relid == watched_transitions ||
		relid == watched_groups ||
		relid == watched_history)
		rules_generation++;
}

/* Register the invalidation callback; called once from _PG_init */
void
StageRulesInit(void)
{
	CacheRegisterRelcacheCallback(StageRulesInvalidate, (Datum) 0);
}

/* Copy column "col" of SPI row "row" as a C string in the cache's context */
static char *
CopyTextColumn(HeapTuple row, TupleDesc desc, int col, MemoryContext cxt)
{
	char	   *value = SPI_getvalue(row, desc, col);

	return value ? MemoryContextStrdup(cxt, value) : NULL;
}

/* Read retention.transitions and retention.groups into a new StageRules */
static StageRules *
LoadStageRules(MemoryContext cxt, Oid owner)
{
	StageRules *rules = MemoryContextAllocZero(cxt, sizeof(StageRules));
	Oid			save_userid;
	int			save_sec_context;
	uint64		i;
	int			ret;

	rules->owner = owner;

	/* Read as the tables' owner: the cache is shared by every role */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner, save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/*
	 * Read with a fresh snapshot, as the catalogs are read.  The invalidation
	 * that makes us reload may come from a change the transaction's own
	 * snapshot cannot see (repeatable read); a cache built from that snapshot
	 * would lack the change and stay that way after the transaction ends.
	 */
	PushActiveSnapshot(GetLatestSnapshot());

	ret = SPI_execute("SELECT from_stage, to_stage, reason_required"
					  " FROM retention.transitions"
					  " ORDER BY from_stage COLLATE pg_catalog.\"C\" NULLS FIRST,"
					  " to_stage COLLATE pg_catalog.\"C\"", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read retention.transitions: %s",
			 SPI_result_code_string(ret));

	rules->nrules = (int) SPI_processed;
	rules->rules = MemoryContextAllocZero(cxt,
										  sizeof(StageRule) * Max(SPI_processed, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		StageRule  *rule = &rules->rules[i];
		bool		isnull;

		rule->from_stage = CopyTextColumn(row, desc, 1, cxt);
		rule->to_stage = CopyTextColumn(row, desc, 2, cxt);
		rule->reason_required = DatumGetBool(SPI_getbinval(row, desc, 3, &isnull));
	}

	ret = SPI_execute("SELECT id, name, kind, product_types"
					  " FROM retention.groups ORDER BY id", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read retention.groups: %s",
			 SPI_result_code_string(ret));

	rules->ngroups = (int) SPI_processed;
	rules->groups = MemoryContextAllocZero(cxt,
										   sizeof(GroupInfo) * Max(SPI_processed, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		GroupInfo  *group = &rules->groups[i];
		bool		isnull;
		Datum		types;

		group->id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
		group->name = CopyTextColumn(row, desc, 2, cxt);
		group->kind = CopyTextColumn(row, desc, 3, cxt);

		types = SPI_getbinval(row, desc, 4, &isnull);
		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypeP(types);
			Datum	   *elems;
			bool	   *nulls;
			int			n;
			int			j;

			deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &nulls, &n);
			group->product_types = MemoryContextAllocZero(cxt, sizeof(char *) * Max(n, 1));
			for (j = 0; j < n; j++)
			{
				if (nulls[j])
					continue;
				group->product_types[group->ntypes++] =
					MemoryContextStrdup(cxt, TextDatumGetCString(elems[j]));
			}
		}
	}

	PopActiveSnapshot();
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec_context);

	return rules;
}

/*
 * Return the current rules, reloading them if an invalidation came since the
 * last load.
 */
StageRules *
GetStageRules(void)
{
	MemoryContext cxt;
	StageRules *rules;
	uint64		generation;

	/*
	 * Whenever the command moves on (each statement, and each history row
	 * written), take in the changes other sessions have committed: a
	 * transaction that already holds its locks would otherwise not hear of
	 * them before it ends, though its next statement (READ COMMITTED) sees
	 * the new rows.  This costs a read of the shared queue's state.
	 */
	if (MyProc->lxid != accepted_lxid || GetCurrentCommandId(false) != accepted_cid)
	{
		AcceptInvalidationMessages();
		accepted_lxid = MyProc->lxid;
		accepted_cid = GetCurrentCommandId(false);
	}

	if (rules_cache != NULL && cache_generation == rules_generation)
		return rules_cache;

	watched_transitions = RetentionRelid("transitions");
	watched_groups = RetentionRelid("groups");
	watched_history = RetentionRelid("stage_history");
	if (!OidIsValid(watched_transitions) || !OidIsValid(watched_groups) ||
		!OidIsValid(watched_history))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"retention\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION retention.")));

	/*
	 * Build in a context under the caller's, so that an error leaves nothing
	 * behind; adopt it into CacheMemoryContext only once it is complete.
	 */
	generation = rules_generation;
	cxt = AllocSetContextCreate(CurrentMemoryContext, "retention stage rules",
								ALLOCSET_SMALL_SIZES);
	rules = LoadStageRules(cxt, RetentionRelationOwner(watched_transitions));
	rules->history_relid = watched_history;
	rules->products_relid = RetentionRelid("products");

	MemoryContextSetParent(cxt, CacheMemoryContext);
	if (rules_context != NULL)
		MemoryContextDelete(rules_context);
	rules_context = cxt;
	rules_cache = rules;

	/* An invalidation that arrived while loading makes the next call reload */
	cache_generation = generation;

	return rules_cache;
}

/* The rule allowing from_stage -> to_stage (from_stage NULL: entry), or NULL */
const StageRule *
FindStageRule(StageRules *rules, const char *from_stage, const char *to_stage)
{
	int			i;

	for (i = 0; i < rules->nrules; i++)
	{
		const StageRule *rule = &rules->rules[i];

		if (strcmp(rule->to_stage, to_stage) != 0)
			continue;
		if (from_stage == NULL ? rule->from_stage == NULL :
			(rule->from_stage != NULL && strcmp(rule->from_stage, from_stage) == 0))
			return rule;
	}
	return NULL;
}

/*
 * A sentence listing the legal next stages from from_stage (NULL: the stages
 * a new row may enter), for errdetail.
 */
char *
DescribeNextStages(StageRules *rules, const char *from_stage)
{
	StringInfoData buf;
	int			found = 0;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < rules->nrules; i++)
	{
		const StageRule *rule = &rules->rules[i];

		if (from_stage == NULL ? rule->from_stage != NULL :
			(rule->from_stage == NULL || strcmp(rule->from_stage, from_stage) != 0))
			continue;
		appendStringInfo(&buf, "%s\"%s\"%s", found++ > 0 ? ", " : "",
						 rule->to_stage,
						 rule->reason_required ? " (reason required)" : "");
	}

	if (found == 0)
		return from_stage == NULL ?
			pstrdup("No stage accepts new rows.") :
			psprintf("No stage can follow \"%s\".", from_stage);
	if (from_stage == NULL)
		return psprintf("A new row may enter: %s.", buf.data);
	return psprintf("From \"%s\" the legal next stages are: %s.", from_stage, buf.data);
}

/* The group with this id, by binary search, or NULL */
const GroupInfo *
FindGroup(StageRules *rules, int64 id)
{
	int			lo = 0;
	int			hi = rules->ngroups - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int64		mid_id = rules->groups[mid].id;

		if (mid_id == id)
			return &rules->groups[mid];
		if (mid_id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}
