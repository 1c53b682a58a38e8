/*-------------------------------------------------------------------------
 *
 * retention.c
 *	  Look-ups of the extension's own tables, and the trigger that tells
 *	  every session that the extension's configuration tables changed.
 *
 * Each cache of configuration (stage rules, health scorecards) registers a
 * relcache callback and watches its tables.  Changing table *data* sends no
 * relcache invalidation by itself, so the configuration tables carry a
 * statement trigger, retention.config_changed(), that sends one.  It is
 * transactional: other sessions see it when the change commits, our own
 * session at the next command.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "executor/spi.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "common/retention.h"

/* Look up a table of the extension's schema by name */
Oid
RetentionRelid(const char *relname)
{
	RangeVar   *rv = makeRangeVar(RETENTION_SCHEMA, pstrdup(relname), -1);

	return RangeVarGetRelid(rv, NoLock, true);
}

/* The owner of a relation, from the syscache */
Oid
RetentionRelationOwner(Oid relid)
{
	HeapTuple	tuple;
	Oid			owner;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/*
 * A member of retention_admin, or a role with the privileges of the owner of
 * the extension's tables (the owner, a member inheriting from it, or a
 * superuser)
 */
bool
IsRetentionAdmin(Oid roleid, Oid owner)
{
	Oid			admin = get_role_oid("retention_admin", true);

	if (has_privs_of_role(roleid, owner))
		return true;
	return OidIsValid(admin) && has_privs_of_role(roleid, admin);
}

char *
TextAttribute(HeapTuple tuple, TupleDesc desc, int attnum)
{
	bool		isnull;
	Datum		value = heap_getattr(tuple, attnum, desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(value);
}

/* NULL, empty or only white space */
bool
IsBlankText(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s; s++)
		if (!isspace((unsigned char) *s))
			return false;
	return true;
}

PG_FUNCTION_INFO_V1(config_changed);

/*
 * Statement trigger on a configuration table: invalidate the caches built
 * from it, in every session, once this transaction commits.
 */
Datum
config_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"config_changed\" was not called by trigger manager")));
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"config_changed\" must be fired AFTER ... FOR EACH STATEMENT")));

	CacheInvalidateRelcache(trigdata->tg_relation);

	return PointerGetDatum(NULL);
}

int
RetentionColumn(Relation rel, const char *name, Oid type)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			attnum = SPI_fnumber(desc, name);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						name, RelationGetRelationName(rel))));
	if (TupleDescAttr(desc, attnum - 1)->atttypid != type)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of relation \"%s\" must be of type %s",
						name, RelationGetRelationName(rel),
						format_type_be(type))));
	return attnum;
}
