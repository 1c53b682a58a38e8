/*-------------------------------------------------------------------------
 *
 * subjects.c
 *	  A hash table of the rates' subjects, keyed by customer (and group).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "metrics/subjects.h"

static inline uint32
SubjectHash(const SubjectKey *k)
{
	uint32		h = hash_bytes((const unsigned char *) k->customer, strlen(k->customer));

	if (k->by_group)
		h = hash_combine(h, hash_bytes_uint32((uint32) k->group_id ^ (uint32) (k->group_id >> 32)));
	return h;
}

static inline bool
SubjectEqual(const SubjectKey *a, const SubjectKey *b)
{
	return a->by_group == b->by_group && a->group_id == b->group_id &&
		strcmp(a->customer, b->customer) == 0;
}

#define SH_PREFIX subjects
#define SH_ELEMENT_TYPE Subject
#define SH_KEY_TYPE SubjectKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) SubjectHash(&(k))
#define SH_EQUAL(tb, a, b) SubjectEqual(&(a), &(b))
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

struct SubjectTable
{
	MemoryContext cxt;
	subjects_hash *hash;
};

SubjectTable *
CreateSubjects(MemoryContext cxt)
{
	SubjectTable *t = MemoryContextAlloc(cxt, sizeof(SubjectTable));

	t->cxt = cxt;
	t->hash = subjects_create(cxt, 1024, NULL);
	return t;
}

Subject *
SubjectOf(SubjectTable *table, bool by_group, const ProductTimeline *pt)
{
	SubjectKey	key = {by_group, by_group ? pt->group_id : 0, pt->customer};
	bool		found;
	Subject    *s = subjects_insert(table->hash, key, &found);

	if (!found)
	{
		/* the key pointed at the product's string, which goes with it */
		s->key.customer = MemoryContextStrdup(table->cxt, pt->customer);
		s->nchanges = 0;
		s->maxchanges = 0;
		s->changes = NULL;
		s->paid = false;
		s->first_paid_at = 0;
		s->present_from = pt->present_from;
	}
	s->present_from = Min(s->present_from, pt->present_from);
	if (pt->paid && (!s->paid || pt->first_paid_at < s->first_paid_at))
	{
		s->paid = true;
		s->first_paid_at = pt->first_paid_at;
	}
	return s;
}

void
AddSubjectChange(SubjectTable *table, Subject *s, int index, int64 delta)
{
	if (s->nchanges >= s->maxchanges)
	{
		if (s->maxchanges >= (int) (MaxAllocSize / sizeof(SubjectChange) / 2))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a customer has too many changes to count")));
		s->maxchanges = Max(8, s->maxchanges * 2);
		s->changes = s->changes
			? repalloc(s->changes, s->maxchanges * sizeof(SubjectChange))
			: MemoryContextAlloc(table->cxt, s->maxchanges * sizeof(SubjectChange));
	}
	s->changes[s->nchanges].index = index;
	s->changes[s->nchanges].delta = delta;
	s->nchanges++;
}

static int
CompareChanges(const void *a, const void *b)
{
	int			x = ((const SubjectChange *) a)->index;
	int			y = ((const SubjectChange *) b)->index;

	return (x > y) - (x < y);
}

void
ForEachSubject(SubjectTable *table, SubjectVisitor visit, void *arg)
{
	subjects_iterator it;
	Subject    *s;

	subjects_start_iterate(table->hash, &it);
	while ((s = subjects_iterate(table->hash, &it)) != NULL)
	{
		int			kept = 0;

		CHECK_FOR_INTERRUPTS();
		if (s->nchanges > 1)
			qsort(s->changes, s->nchanges, sizeof(SubjectChange), CompareChanges);
		/* one change per index: the net of those there */
		for (int i = 0; i < s->nchanges; i++)
		{
			if (kept > 0 && s->changes[kept - 1].index == s->changes[i].index)
				s->changes[kept - 1].delta = AddCents(s->changes[kept - 1].delta, s->changes[i].delta);
			else
				s->changes[kept++] = s->changes[i];
		}
		s->nchanges = kept;
		visit(s, arg);
	}
}
