/*-------------------------------------------------------------------------
 *
 * stage_rules.h
 *	  A per-session cache of the lifecycle configuration: the legal stage
 *	  transitions and the groups products are placed in.
 *
 *-------------------------------------------------------------------------
 */
#ifndef STAGE_RULES_H
#define STAGE_RULES_H

#include "postgres.h"

/* One row of retention.transitions */
typedef struct StageRule
{
	char	   *from_stage;		/* NULL: entering the lifecycle */
	char	   *to_stage;
	bool		reason_required;
} StageRule;

/* One row of retention.groups, as placement needs it */
typedef struct GroupInfo
{
	int64		id;
	char	   *name;
	char	   *kind;			/* "onboarding" or "retention" */
	int			ntypes;
	char	  **product_types;
} GroupInfo;

typedef struct StageRules
{
	int			nrules;
	StageRule  *rules;			/* ordered by from_stage, to_stage */
	int			ngroups;
	GroupInfo  *groups;			/* ordered by id */
	Oid			owner;			/* owner of the extension's tables */
	Oid			history_relid;	/* retention.stage_history */
	Oid			products_relid; /* retention.products */
} StageRules;

extern void StageRulesInit(void);
extern StageRules *GetStageRules(void);
extern const StageRule *FindStageRule(StageRules *rules, const char *from_stage,
									  const char *to_stage);
extern char *DescribeNextStages(StageRules *rules, const char *from_stage);
extern const GroupInfo *FindGroup(StageRules *rules, int64 id);

/* Is this insert part of a restore from pg_dump?  (stage_guard.c) */
extern bool IsRestoreLoad(void);

#endif							/* STAGE_RULES_H */
