/*-------------------------------------------------------------------------
 *
 * module.c
 *	  The module's entry point: the one place that knows every concern, so
 *	  that it can start each one's per-session machinery.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "lifecycle/stage_rules.h"
#include "health/health_config.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Module load: register the invalidation callbacks of our caches */
void
_PG_init(void)
{
	StageRulesInit();
	HealthConfigInit();
}
