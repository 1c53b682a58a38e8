/*-------------------------------------------------------------------------
 *
 * health_config.h
 *	  A per-session cache of the health configuration (placeholder until
 *	  health scoring lands).
 *
 *-------------------------------------------------------------------------
 */
#ifndef HEALTH_CONFIG_H
#define HEALTH_CONFIG_H

extern void HealthConfigInit(void);

#endif							/* HEALTH_CONFIG_H */
