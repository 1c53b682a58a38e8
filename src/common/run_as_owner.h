/*-------------------------------------------------------------------------
 *
 * run_as_owner.h
 *	  The one way the extension runs SQL with rights other than the
 *	  caller's: as the owner of its tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RUN_AS_OWNER_H
#define RUN_AS_OWNER_H

#include "postgres.h"

#include "executor/spi.h"

/* What BeginAsOwner saved, for EndAsOwner to restore */
typedef struct OwnerScope
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} OwnerScope;

/*
 * Become the owner inside a security-restricted operation, with
 * search_path pinned to "pg_catalog, pg_temp" and SPI connected.  Every
 * operator, function and collation of the SQL run inside is still to be
 * schema-qualified: pg_temp is searched for relations and types.  An error
 * inside needs no clean-up: transaction abort restores the user, the
 * security context, the GUC nest level and SPI.
 */
extern void BeginAsOwner(Oid owner, OwnerScope *scope);

/* Leave the scope BeginAsOwner opened: SPI, search_path, user */
extern void EndAsOwner(OwnerScope *scope);

/*
 * The plan of sql, prepared the first time a session asks (into *cache)
 * and kept for the session; call inside BeginAsOwner.
 */
extern SPIPlanPtr KeptPlan(SPIPlanPtr *cache, const char *sql, int nargs, Oid *argtypes);

#endif							/* RUN_AS_OWNER_H */
