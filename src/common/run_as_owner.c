/*-------------------------------------------------------------------------
 *
 * run_as_owner.c
 *	  Running SQL as the owner of the extension's tables.
 *
 * The configuration caches are shared by every role of a session and the
 * history is written for roles that may not write it themselves, so both
 * run as the owner.  Code that runs with another role's rights is an attack
 * surface: a caller who can put a schema ahead of pg_catalog could capture
 * an unqualified operator, and a function called from here could SET ROLE
 * or leave state behind.  Hence one helper, used by everything: the switch
 * is a security-restricted operation (as for VACUUM's index functions), the
 * search_path is pinned for its duration, and the owner's forced row-level
 * security does not apply (the owner reads and writes every row).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "common/run_as_owner.h"

/* Switch to the owner, pin search_path, connect SPI */
void
BeginAsOwner(Oid owner, OwnerScope *scope)
{
	GetUserIdAndSecContext(&scope->save_userid, &scope->save_sec_context);
	SetUserIdAndSecContext(owner, scope->save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION |
						   SECURITY_NOFORCE_RLS);

	scope->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

/* Disconnect SPI, restore search_path and the user */
void
EndAsOwner(OwnerScope *scope)
{
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	AtEOXact_GUC(false, scope->save_nestlevel);
	SetUserIdAndSecContext(scope->save_userid, scope->save_sec_context);
}

SPIPlanPtr
KeptPlan(SPIPlanPtr *cache, const char *sql, int nargs, Oid *argtypes)
{
	if (*cache == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

		if (plan == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", sql,
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep the plan of \"%s\"", sql);
		*cache = plan;
	}
	return *cache;
}
