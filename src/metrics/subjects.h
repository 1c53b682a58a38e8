/*-------------------------------------------------------------------------
 *
 * subjects.h
 *	  Subjects of the rates: a customer, or a customer's products in one
 *	  group, with a quantity that changes at the sorted instants of a walk of
 *	  the product timelines (its MRR, or how many of its products are
 *	  active), kept as changes so that memory grows with the history and not
 *	  with subjects x instants.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SUBJECTS_H
#define SUBJECTS_H

#include "postgres.h"

#include "metrics/timeline.h"

/* The subject's quantity changes by delta from the instant of index on */
typedef struct SubjectChange
{
	int			index;
	int64		delta;
} SubjectChange;

typedef struct SubjectKey
{
	bool		by_group;		/* else a customer overall */
	int64		group_id;		/* 0 overall */
	const char *customer;
} SubjectKey;

typedef struct Subject
{
	SubjectKey	key;
	uint32		hash;
	char		status;			/* simplehash's */
	int			nchanges;
	int			maxchanges;
	SubjectChange *changes;
	bool		paid;			/* any of its products had MRR ... */
	TimestampTz first_paid_at;	/* ... from this time on */
	TimestampTz present_from;	/* the earliest history of its products */
} Subject;

typedef struct SubjectTable SubjectTable;
typedef void (*SubjectVisitor) (Subject *subject, void *arg);

/* An empty table, in cxt */
extern SubjectTable *CreateSubjects(MemoryContext cxt);

/*
 * The subject of a product (its customer overall, or with its group),
 * added when new, with the product's first paid time and history start
 * taken in; valid until the next call.
 */
extern Subject *SubjectOf(SubjectTable *table, bool by_group, const ProductTimeline *pt);

/* Record that the subject's quantity changes by delta from index on */
extern void AddSubjectChange(SubjectTable *table, Subject *subject, int index, int64 delta);

/*
 * Visit every subject, its changes sorted by index, one per index (the net of
 * those recorded there, perhaps 0), summed as AddCents sums
 */
extern void ForEachSubject(SubjectTable *table, SubjectVisitor visit, void *arg);

#endif							/* SUBJECTS_H */
