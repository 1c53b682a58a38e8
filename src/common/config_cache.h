/*-------------------------------------------------------------------------
 *
 * config_cache.h
 *	  A per-session cache of data read from the extension's configuration
 *	  tables, kept until one of those tables changes.  The stage rules and
 *	  the health configuration are each one.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CONFIG_CACHE_H
#define CONFIG_CACHE_H

#include "postgres.h"

#include "datatype/timestamp.h"

#define CONFIG_CACHE_MAX_TABLES 4

/* Build the cached data in cxt, reading as owner (the first table's owner) */
typedef void *(*ConfigCacheLoader) (MemoryContext cxt, Oid owner);

typedef struct ConfigCache
{
	/* Set by the owner of the cache */
	const char *name;			/* its memory context's identifier */
	const char *tables[CONFIG_CACHE_MAX_TABLES];	/* watched; NULL ends */
	ConfigCacheLoader load;		/* runs with a fresh snapshot pushed */

	/* Kept by config_cache.c */
	Oid			watched[CONFIG_CACHE_MAX_TABLES];
	uint64		generation;		/* bumped by every relevant invalidation */
	uint64		loaded_generation;
	bool		loaded_xact_only;	/* read with a REPEATABLE READ snapshot */
	LocalTransactionId loaded_lxid;
	LocalTransactionId accepted_lxid;
	CommandId	accepted_cid;
	TimestampTz accepted_statement;
	MemoryContext context;
	void	   *data;
} ConfigCache;

extern void ConfigCacheRegister(ConfigCache *cache);
extern void *ConfigCacheGet(ConfigCache *cache);

#endif							/* CONFIG_CACHE_H */
