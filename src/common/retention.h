/*-------------------------------------------------------------------------
 *
 * retention.h
 *	  Declarations shared by every part of the retention extension: our own
 *	  SQLSTATEs and the names of the extension's schema and tables.
 *
 * The SQLSTATEs live in class "RT", which PostgreSQL does not use.  They are
 * listed in README.md; keep the two in step.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_H
#define RETENTION_H

#include "postgres.h"

/* A stage move that no row of retention.transitions allows */
#define ERRCODE_RETENTION_ILLEGAL_TRANSITION	MAKE_SQLSTATE('R','T','0','0','1')
/* A move whose rule requires a reason, made without one */
#define ERRCODE_RETENTION_REASON_REQUIRED		MAKE_SQLSTATE('R','T','0','0','2')
/* No group, or more than one, can take a product entering a stage */
#define ERRCODE_RETENTION_NO_GROUP				MAKE_SQLSTATE('R','T','0','0','3')
/* An attempt to change or remove append-only rows */
#define ERRCODE_RETENTION_APPEND_ONLY			MAKE_SQLSTATE('R','T','0','0','4')
/* Health configuration that cannot produce a score */
#define ERRCODE_RETENTION_INVALID_CONFIG		MAKE_SQLSTATE('R','T','0','0','5')
/* A back-dated time out of order: in the future, or before the latest move */
#define ERRCODE_RETENTION_OUT_OF_ORDER			MAKE_SQLSTATE('R','T','0','0','6')

#include "access/htup.h"
#include "access/tupdesc.h"
#include "utils/relcache.h"

#define RETENTION_SCHEMA "retention"

/*
 * Look up a table of the extension's schema by name; InvalidOid if it does
 * not exist (the extension is being created or dropped).
 */
extern Oid	RetentionRelid(const char *relname);

/* The owner of a relation: the extension's caches read as this role */
extern Oid	RetentionRelationOwner(Oid relid);

/*
 * May this role administer the extension: a member of retention_admin, or a
 * role with the privileges of the owner of its tables (a superuser has both)?
 */
extern bool IsRetentionAdmin(Oid roleid, Oid owner);

/*
 * The attribute number of a column of exactly this type in the table a
 * trigger fires on, or an error (42703, 42804): for triggers of the
 * extension's own tables, which a user could attach elsewhere.
 */
extern int	RetentionColumn(Relation rel, const char *name, Oid type);

/* A text column of a tuple as a C string (palloc'd), or NULL */
extern char *TextAttribute(HeapTuple tuple, TupleDesc desc, int attnum);

/* Is this text NULL, empty or only white space (a reason that says nothing)? */
extern bool IsBlankText(const char *s);

/*
 * Forgetting: while retention.forget_product() removes one product with its
 * history, the append-only guards let exactly that key's rows go.
 */
extern void BeginForgetting(int64 key);
extern void EndForgetting(void);
extern bool IsForgetting(int64 key);

#endif							/* RETENTION_H */
