/* health_config.c: placeholder until health scoring lands */
#include "postgres.h"

#include "health_config.h"

/* Register the invalidation callback; called once from _PG_init */
void
HealthConfigInit(void)
{
}
