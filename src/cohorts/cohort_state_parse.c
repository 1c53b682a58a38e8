/*-------------------------------------------------------------------------
 *
 * cohort_state_parse.c
 *	  The parsing core of retention.cohort_state (see cohort_state_parse.h):
 *	  plain C, no backend calls, every read bounded by the length it is
 *	  given.
 *
 * Text form: (kind,cells,as_of,known,size,{count,...}), e.g.
 *	(classic,3,2026-06-01T00:00:00+00:00,2,10,{6,4,0})
 *	(bracket,{1-3;4-6},2026-06-01T00:00:00+00:00,5,10,{7,3})
 * as_of is written in UTC (or infinity / -infinity); known is -1 when not
 * even period 0 has ended.
 *
 * Binary form, big-endian: the version byte, the kind byte, int32 cells,
 * int64 as_of, int32 known, int64 size, an int64 count per cell and, for
 * brackets, the int32 bounds lo, hi of each.  Nothing may follow.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "cohorts/activity_parse.h"
#include "cohorts/cohort_state_parse.h"
#include "common/byte_order.h"

/* PostgreSQL's range of timestamps, and its infinities */
#define MIN_TIMESTAMP		INT64_C(-211813488000000000)
#define END_TIMESTAMP		INT64_C(9223371331200000000)
#define VALID_TIMESTAMP(t)	((t) >= MIN_TIMESTAMP && (t) < END_TIMESTAMP)
#define FINITE_TIMESTAMP(t) ((t) != INT64_MIN && (t) != INT64_MAX)

/* Kinds whose counts grow or shrink along the cells */
#define KindIsPrefix(kind)	((kind) == COHORT_KIND_FULL || (kind) == COHORT_KIND_ROLLING)

/* The name of a kind */
const char *
CohortStateKindName(int kind)
{
	switch (kind)
	{
		case COHORT_KIND_FULL:
			return "full";
		case COHORT_KIND_CLASSIC:
			return "classic";
		case COHORT_KIND_ROLLING:
			return "rolling";
		case COHORT_KIND_RETURN:
			return "return";
		case COHORT_KIND_BRACKET:
			return "bracket";
	}
	return NULL;
}

/* Fill *err and return its code */
static CohortStateParseCode
Fail(CohortStateParseError *err, CohortStateParseCode code, size_t pos)
{
	err->code = code;
	err->pos = pos;
	return code;
}

/* Does the byte at *p (not past end) equal c?  Then step over it anyway */
static inline bool
Take(const char **p, const char *end, char c)
{
	if (*p >= end)
		return false;
	return *(*p)++ == c;
}

/* Read a decimal integer, with an optional "-", in [min, max] at *p */
static bool
ReadInt(const char **p, const char *end, int64_t min, int64_t max, int64_t *value)
{
	bool		neg = false;
	int64_t		v = 0;
	const char *start;

	if (*p < end && **p == '-')
	{
		neg = true;
		(*p)++;
	}
	start = *p;
	while (*p < end && **p >= '0' && **p <= '9')
	{
		if (__builtin_mul_overflow(v, 10, &v) ||
			__builtin_add_overflow(v, **p - '0', &v))
			return false;
		(*p)++;
	}
	if (*p == start)
		return false;
	if (neg)
		v = -v;
	*value = v;
	return v >= min && v <= max;
}

/* Parse the text form in str[0..len) */
CohortStateParseCode
CohortStateParseText(const char *str, size_t len, int32_t cap, CohortStateFields *out,
					 int32_t *bounds, int64_t *counts, CohortStateParseError *err)
{
	const char *end = str + len;
	const char *p = str;
	const char *comma;
	int			kind;
	int64_t		v;
	int32_t		ncells = 0;
	int32_t		i;

	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	while (p < end && *p == ' ')
		p++;
	if (!Take(&p, end, '(') || (comma = memchr(p, ',', (size_t) (end - p))) == NULL)
		return Fail(err, COHORT_STATE_TEXT_NO_KIND, (size_t) (p - str));
	for (kind = COHORT_KIND_FULL; kind <= COHORT_KIND_BRACKET; kind++)
	{
		const char *name = CohortStateKindName(kind);

		if (strlen(name) == (size_t) (comma - p) && memcmp(p, name, comma - p) == 0)
			break;
	}
	if (kind > COHORT_KIND_BRACKET)
		return Fail(err, COHORT_STATE_TEXT_KIND, (size_t) (p - str));
	p = comma + 1;
	if (kind == COHORT_KIND_BRACKET)
	{
		if (!Take(&p, end, '{'))
			return Fail(err, COHORT_STATE_TEXT_NO_OPEN_BRACKETS, (size_t) (p - str));
		for (;;)
		{
			int64_t		lo,
						hi;

			if (!ReadInt(&p, end, 0, ACTIVITY_MAX_PERIODS - 1, &lo) || !Take(&p, end, '-') ||
				!ReadInt(&p, end, lo, ACTIVITY_MAX_PERIODS - 1, &hi))
				return Fail(err, COHORT_STATE_TEXT_BRACKET, (size_t) (p - str));
			/* (a text of len bytes cannot hold more than cap brackets) */
			if (ncells == COHORT_MAX_CELLS || ncells == cap)
				return Fail(err, COHORT_STATE_TEXT_TOO_MANY, (size_t) (p - str));
			bounds[2 * ncells] = (int32_t) lo;
			bounds[2 * ncells + 1] = (int32_t) hi;
			ncells++;
			if (p < end && *p == ';')
				p++;
			else
				break;
		}
		if (!Take(&p, end, '}'))
			return Fail(err, COHORT_STATE_TEXT_NO_CLOSE_BRACKETS, (size_t) (p - str));
	}
	else
	{
		if (!ReadInt(&p, end, 1, COHORT_MAX_CELLS, &v))
			return Fail(err, COHORT_STATE_TEXT_PERIODS, (size_t) (p - str));
		ncells = (int32_t) v;
	}
	if (!Take(&p, end, ',') || (comma = memchr(p, ',', (size_t) (end - p))) == NULL)
		return Fail(err, COHORT_STATE_TEXT_NO_AS_OF, (size_t) (p - str));
	if (comma - p == 8 && memcmp(p, "infinity", 8) == 0)
		out->as_of = INT64_MAX;
	else if (comma - p == 9 && memcmp(p, "-infinity", 9) == 0)
		out->as_of = INT64_MIN;
	else
	{
		int			julian;

		if (!ActivityParseInstant(p, comma, &out->as_of, &julian))
			return Fail(err, COHORT_STATE_TEXT_AS_OF, (size_t) (p - str));
	}
	p = comma + 1;
	if (!ReadInt(&p, end, -1, INT32_MAX - 1, &v) || !Take(&p, end, ','))
		return Fail(err, COHORT_STATE_TEXT_KNOWN, (size_t) (p - str));
	out->known = (int32_t) v;
	if (!ReadInt(&p, end, 0, INT64_MAX, &out->size) || !Take(&p, end, ','))
		return Fail(err, COHORT_STATE_TEXT_SIZE, (size_t) (p - str));
	if (!Take(&p, end, '{'))
		return Fail(err, COHORT_STATE_TEXT_NO_OPEN_COUNTS, (size_t) (p - str));
	for (i = 0; i < ncells; i++)
	{
		/* (a text of len bytes cannot hold more than cap counts) */
		if (i == cap || !ReadInt(&p, end, 0, INT64_MAX, &counts[i]) ||
			!Take(&p, end, i == ncells - 1 ? '}' : ','))
			return Fail(err, COHORT_STATE_TEXT_COUNTS, (size_t) (p - str));
	}
	while (p < end && *p == ' ')
		p++;
	if (!Take(&p, end, ')'))
		return Fail(err, COHORT_STATE_TEXT_NO_CLOSE, (size_t) (p - str));
	while (p < end && *p == ' ')
		p++;
	if (p != end)
		return Fail(err, COHORT_STATE_TEXT_TRAILING, (size_t) (p - str));
	out->kind = kind;
	out->ncells = ncells;
	return COHORT_STATE_PARSE_OK;
}

/* Decode the header of the binary form and check the length */
CohortStateParseCode
CohortStateDecodeHeader(const unsigned char *buf, size_t len, CohortStateFields *out,
						CohortStateParseError *err)
{
	int			kind;
	int32_t		ncells;

	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	/* version, kind, number of cells, as_of */
	if (len < 14)
		return Fail(err, COHORT_STATE_BIN_SHORT, 0);
	if (buf[0] != COHORT_STATE_VERSION)
	{
		err->value = buf[0];
		return Fail(err, COHORT_STATE_BIN_VERSION, 0);
	}
	kind = buf[1];
	ncells = (int32_t) ReadBigEndian(buf + 2, 4);
	if (kind < COHORT_KIND_FULL || kind > COHORT_KIND_BRACKET ||
		ncells < 1 || ncells > COHORT_MAX_CELLS ||
		len != CohortStateBinarySize(kind, ncells))
		return Fail(err, COHORT_STATE_BIN_LENGTH, 1);
	out->kind = kind;
	out->ncells = ncells;
	out->as_of = (int64_t) ReadBigEndian(buf + 6, 8);
	out->known = (int32_t) ReadBigEndian(buf + 14, 4);
	out->size = (int64_t) ReadBigEndian(buf + 18, 8);
	return COHORT_STATE_PARSE_OK;
}

/* Read the counts and bounds after an accepted header */
void
CohortStateDecodeCells(const unsigned char *buf, const CohortStateFields *f,
					   int64_t *counts, int32_t *bounds)
{
	const unsigned char *p = buf + COHORT_STATE_BINARY_HEADER;
	int32_t		i;

	for (i = 0; i < f->ncells; i++, p += 8)
		counts[i] = (int64_t) ReadBigEndian(p, 8);
	if (f->kind == COHORT_KIND_BRACKET)
		for (i = 0; i < 2 * f->ncells; i++, p += 4)
			bounds[i] = (int32_t) ReadBigEndian(p, 4);
}

/* Write the binary form */
void
CohortStateEncodeBinary(const CohortStateFields *f, const int64_t *counts,
						const int32_t *bounds, unsigned char *buf)
{
	unsigned char *p = buf + COHORT_STATE_BINARY_HEADER;
	int32_t		i;

	buf[0] = COHORT_STATE_VERSION;
	buf[1] = (unsigned char) f->kind;
	WriteBigEndian(buf + 2, (uint32_t) f->ncells, 4);
	WriteBigEndian(buf + 6, (uint64_t) f->as_of, 8);
	WriteBigEndian(buf + 14, (uint32_t) f->known, 4);
	WriteBigEndian(buf + 18, (uint64_t) f->size, 8);
	for (i = 0; i < f->ncells; i++, p += 8)
		WriteBigEndian(p, (uint64_t) counts[i], 8);
	if (f->kind == COHORT_KIND_BRACKET)
		for (i = 0; i < 2 * f->ncells; i++, p += 4)
			WriteBigEndian(p, (uint32_t) bounds[i], 4);
}

/* Check a state read from outside */
CohortStateParseCode
CohortStateCheck(const CohortStateFields *f, const int64_t *counts, const int32_t *bounds)
{
	int32_t		i;

	if (f->kind < COHORT_KIND_FULL || f->kind > COHORT_KIND_BRACKET)
		return COHORT_STATE_CHECK_KIND;
	if (f->ncells < 1 || f->ncells > COHORT_MAX_CELLS)
		return COHORT_STATE_CHECK_CELLS;
	if (f->known < -1 || f->known > INT32_MAX - 1)
		return COHORT_STATE_CHECK_KNOWN;
	if (f->size < 0)
		return COHORT_STATE_CHECK_SIZE;
	if (FINITE_TIMESTAMP(f->as_of) && !VALID_TIMESTAMP(f->as_of))
		return COHORT_STATE_CHECK_AS_OF;
	for (i = 0; i < f->ncells; i++)
	{
		if (counts[i] < 0 || counts[i] > f->size)
			return COHORT_STATE_CHECK_COUNT;
		/* full and rolling count a prefix of the cells, return a suffix */
		if (i > 0 && KindIsPrefix(f->kind) && counts[i] > counts[i - 1])
			return COHORT_STATE_CHECK_GROWS;
		if (i > 0 && f->kind == COHORT_KIND_RETURN && counts[i] < counts[i - 1])
			return COHORT_STATE_CHECK_SHRINKS;
	}
	if (f->kind == COHORT_KIND_BRACKET)
		for (i = 0; i < f->ncells; i++)
			if (bounds[2 * i] < 0 || bounds[2 * i] > bounds[2 * i + 1] ||
				bounds[2 * i + 1] >= ACTIVITY_MAX_PERIODS)
				return COHORT_STATE_CHECK_BRACKET;
	return COHORT_STATE_PARSE_OK;
}

/* Write the text form of a checked state */
size_t
CohortStateFormatText(const CohortStateFields *f, const int64_t *counts,
					  const int32_t *bounds, char *buf)
{
	size_t		size = COHORT_STATE_TEXT_MAX(f->ncells);
	size_t		n = 0;
	int32_t		i;

#define PUT(...) \
	do { \
		int			w_ = snprintf(buf + n, size - n, __VA_ARGS__); \
		if (w_ > 0) \
			n += (size_t) w_ < size - n ? (size_t) w_ : size - n - 1; \
	} while (0)

	PUT("(%s,", CohortStateKindName(f->kind));
	if (f->kind == COHORT_KIND_BRACKET)
	{
		PUT("{");
		for (i = 0; i < f->ncells; i++)
			PUT("%s%d-%d", i ? ";" : "", (int) bounds[2 * i], (int) bounds[2 * i + 1]);
		PUT("}");
	}
	else
		PUT("%d", (int) f->ncells);
	PUT(",");
	if (f->as_of == INT64_MIN)
		PUT("-infinity");
	else if (f->as_of == INT64_MAX)
		PUT("infinity");
	else
	{
		char		instant[ACTIVITY_INSTANT_TEXT_MAX];
		size_t		w = ActivityFormatInstant(f->as_of, -1, 0, instant);

		PUT("%.*s", (int) w, instant);
	}
	PUT(",%d,%lld,{", (int) f->known, (long long) f->size);
	for (i = 0; i < f->ncells; i++)
		PUT("%s%lld", i ? "," : "", (long long) counts[i]);
	PUT("})");
#undef PUT
	return n;
}
