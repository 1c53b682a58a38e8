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
 * their own; config_cache.c keeps them until one of their tables changes.
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

#include "common/retention.h"
#include "common/config_cache.h"
#include "common/run_as_owner.h"
#include "lifecycle/stage_rules.h"

static void *LoadStageRules(MemoryContext cxt, Oid owner);

/* The rules, read from these tables (the first one's owner reads them) */
static ConfigCache stage_rules_cache = {
	.name = "retention stage rules",
	/*
	 * Not stage_history, though the rules name it: a VACUUM of it sends an
	 * invalidation too, and would reload every session's rules.  Dropping
	 * the extension drops transitions as well, which reloads them.
	 */
	.tables = {"transitions", "groups", NULL},
	.load = LoadStageRules,
};

/* Register the invalidation callback; called once from _PG_init */
void
StageRulesInit(void)
{
	ConfigCacheRegister(&stage_rules_cache);
}

/* Copy column "col" of SPI row "row" as a C string in the cache's context */
static char *
CopyTextColumn(HeapTuple row, TupleDesc desc, int col, MemoryContext cxt)
{
	char	   *value = SPI_getvalue(row, desc, col);

	return value ? MemoryContextStrdup(cxt, value) : NULL;
}

/* Read retention.transitions and retention.groups into a new StageRules */
static void *
LoadStageRules(MemoryContext cxt, Oid owner)
{
	StageRules *rules = MemoryContextAllocZero(cxt, sizeof(StageRules));
	OwnerScope	scope;
	uint64		i;
	int			ret;

	rules->owner = owner;
	rules->history_relid = RetentionRelid("stage_history");
	rules->products_relid = RetentionRelid("products");

	/* Read as the tables' owner: the cache is shared by every role */
	BeginAsOwner(owner, &scope);

	ret = SPI_execute("SELECT from_stage, to_stage, reason_required"
					  " FROM retention.transitions"
					  " ORDER BY from_stage COLLATE pg_catalog.\"C\" USING OPERATOR(pg_catalog.<) NULLS FIRST,"
					  " to_stage COLLATE pg_catalog.\"C\" USING OPERATOR(pg_catalog.<)", true, 0);
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
					  " FROM retention.groups ORDER BY id USING OPERATOR(pg_catalog.<)", true, 0);
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

	EndAsOwner(&scope);

	return rules;
}

/*
 * Return the current rules, reloading them if an invalidation came since the
 * last load.
 */
StageRules *
GetStageRules(void)
{
	return (StageRules *) ConfigCacheGet(&stage_rules_cache);
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
