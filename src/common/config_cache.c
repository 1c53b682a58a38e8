/*-------------------------------------------------------------------------
 *
 * config_cache.c
 *	  Keep data read from the extension's configuration tables for the
 *	  session, until one of those tables changes.
 *
 * Changing table *data* sends no relcache invalidation by itself, so the
 * configuration tables carry a statement trigger, retention.config_changed(),
 * that sends one.  The relcache callback only bumps a generation counter;
 * the next caller rebuilds the cache, outside the callback.  A load records
 * the generation it started from, so an invalidation that arrives while it
 * runs makes the next call load again.
 *
 * One freshness rule for every cache: each command takes in the changes
 * other sessions have committed, and a load reads them with a fresh
 * snapshot, as the catalogs are read.  The transaction's own snapshot
 * (REPEATABLE READ) could predate a change whose invalidation already
 * arrived, and a cache built from it would lack the change for good.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "storage/proc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "common/retention.h"
#include "common/config_cache.h"

/* Relcache callback: mark the cache stale if one of its tables changed */
static void
ConfigCacheInvalidate(Datum arg, Oid relid)
{
	ConfigCache *cache = (ConfigCache *) DatumGetPointer(arg);
	int			i;

	if (relid == InvalidOid)
	{
		cache->generation++;
		return;
	}
	for (i = 0; i < CONFIG_CACHE_MAX_TABLES && cache->tables[i] != NULL; i++)
		if (relid == cache->watched[i])
		{
			cache->generation++;
			return;
		}
}

/* Register the cache's invalidation callback; called once from _PG_init */
void
ConfigCacheRegister(ConfigCache *cache)
{
	CacheRegisterRelcacheCallback(ConfigCacheInvalidate, PointerGetDatum(cache));
}

/* Is the loaded data still good? */
static bool
ConfigCacheIsCurrent(ConfigCache *cache)
{
	return cache->data != NULL &&
		cache->loaded_generation == cache->generation &&
		(!cache->loaded_xact_only || cache->loaded_lxid == MyProc->lxid);
}

/* The cached data, loaded again if one of its tables changed since */
void *
ConfigCacheGet(ConfigCache *cache)
{
	MemoryContext cxt;
	uint64		generation;
	void	   *data;
	int			i;

	/*
	 * Whenever the command moves on (each statement, and each row a trigger
	 * writes through SPI), take in the changes other sessions have committed
	 * (see the top of this file):
	 * a transaction that already holds its locks would otherwise not hear of
	 * them before it ends, though its next statement (READ COMMITTED) sees
	 * the new rows.  The command id alone does not tell statements apart (a
	 * read-only transaction never advances it), hence the statement's start
	 * time as well.  This costs a read of the shared queue's state.
	 */
	if (MyProc->lxid != cache->accepted_lxid ||
		GetCurrentCommandId(false) != cache->accepted_cid ||
		GetCurrentStatementStartTimestamp() != cache->accepted_statement)
	{
		AcceptInvalidationMessages();
		cache->accepted_lxid = MyProc->lxid;
		cache->accepted_cid = GetCurrentCommandId(false);
		cache->accepted_statement = GetCurrentStatementStartTimestamp();
	}

	if (ConfigCacheIsCurrent(cache))
		return cache->data;

	for (i = 0; i < CONFIG_CACHE_MAX_TABLES && cache->tables[i] != NULL; i++)
	{
		cache->watched[i] = RetentionRelid(cache->tables[i]);
		if (!OidIsValid(cache->watched[i]))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("extension \"retention\" is not installed in this database"),
					 errhint("Run CREATE EXTENSION retention.")));
	}

	/*
	 * Build in a context under the caller's, so that an error leaves nothing
	 * behind; adopt it into CacheMemoryContext only once it is complete.
	 */
	generation = cache->generation;
	cxt = AllocSetContextCreate(CurrentMemoryContext, "retention configuration",
								ALLOCSET_SMALL_SIZES);
	MemoryContextSetIdentifier(cxt, cache->name);
	/*
	 * In parallel mode (a worker, or the leader of a parallel query) no
	 * fresh snapshot can be taken: read with the transaction's, and under
	 * REPEATABLE READ trust the load only until the transaction ends.
	 */
	PushActiveSnapshot(IsInParallelMode() ? GetTransactionSnapshot() : GetLatestSnapshot());
	data = cache->load(cxt, RetentionRelationOwner(cache->watched[0]));
	PopActiveSnapshot();

	MemoryContextSetParent(cxt, CacheMemoryContext);
	if (cache->context != NULL)
		MemoryContextDelete(cache->context);
	cache->context = cxt;
	cache->data = data;

	/* An invalidation that arrived while loading makes the next call reload */
	cache->loaded_generation = generation;
	cache->loaded_xact_only = IsInParallelMode() && IsolationUsesXactSnapshot();
	cache->loaded_lxid = MyProc->lxid;

	return cache->data;
}
