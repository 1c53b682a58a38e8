/*-------------------------------------------------------------------------
 *
 * test/fuzz/fuzz_types.c
 *	  libFuzzer targets for the parsing cores of the extension's types
 *	  (src/health/health_parse.c, src/survival/survival_parse.c,
 *	  src/cohorts/activity_parse.c, src/metrics/survey_parse.c,
 *	  src/cohorts/cohort_state_parse.c), which need no backend.  One target
 *	  per build: -DFUZZ_HEALTH, -DFUZZ_SURVIVAL, -DFUZZ_ACTIVITY,
 *	  -DFUZZ_SURVEY_COUNTS or -DFUZZ_COHORT_STATE (test/fuzz/run builds all
 *	  five with clang -fsanitize=fuzzer,address,undefined).
 *
 * The first byte of an input chooses the form: odd, the rest is binary
 * input (send output); even, it is text input.  Whatever a parser accepts
 * must survive round trips: parse -> write -> parse gives the same value,
 * in text and in binary, and binary input that is accepted is written back
 * byte for byte (the forms are canonical).  A violation aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohorts/activity_parse.h"
#include "cohorts/cohort_state_parse.h"
#include "health/health_parse.h"
#include "metrics/survey_parse.h"
#include "survival/survival_parse.h"

/* Abort with a message: libFuzzer keeps the input */
#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "round trip check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
			abort(); \
		} \
	} while (0)

#if defined(FUZZ_HEALTH)

/* Are two health values the same? */
static int
HealthSame(const HealthValue *a, const HealthValue *b)
{
	return a->score == b->score && a->coverage == b->coverage &&
		a->band == b->band && a->weakest_len == b->weakest_len &&
		memcmp(a->weakest, b->weakest, a->weakest_len) == 0;
}

/* An accepted value reads back the same through both forms */
static void
HealthRoundTrip(const HealthValue *v)
{
	char		text[HEALTH_TEXT_MAX];
	unsigned char bin[128];
	HealthValue back;
	HealthParseError err;
	size_t		n;

	n = HealthFormatText(v, text, sizeof(text));
	CHECK(n < sizeof(text));
	CHECK(HealthParseText(text, n, &back, &err) == HEALTH_PARSE_OK);
	CHECK(HealthSame(v, &back));
	n = HealthBinarySize(v);
	CHECK(n <= sizeof(bin));
	HealthEncodeBinary(v, bin);
	CHECK(HealthDecodeBinary(bin, n, &back, &err) == HEALTH_PARSE_OK);
	CHECK(HealthSame(v, &back));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	HealthValue v;
	HealthParseError err;

	if (size < 1)
		return 0;
	if (data[0] & 1)
	{
		if (HealthDecodeBinary(data + 1, size - 1, &v, &err) == HEALTH_PARSE_OK)
		{
			unsigned char bin[128];

			CHECK(HealthBinarySize(&v) == size - 1);
			HealthEncodeBinary(&v, bin);
			CHECK(memcmp(bin, data + 1, size - 1) == 0);
			HealthRoundTrip(&v);
		}
	}
	else if (HealthParseText((const char *) data + 1, size - 1, &v, &err) == HEALTH_PARSE_OK)
		HealthRoundTrip(&v);
	return 0;
}

#elif defined(FUZZ_SURVIVAL)

/* The most entries a fuzz input may hold */
#define MAX_ENTRIES 4096

typedef struct Entries
{
	int32_t		n;
	double		t[MAX_ENTRIES];
	int64_t		ev[MAX_ENTRIES];
	int64_t		ce[MAX_ENTRIES];
} Entries;

static Entries first;
static Entries second;

/* The sink: collect entries, refusing more than MAX_ENTRIES */
static bool
Collect(void *arg, double t, int64_t ev, int64_t ce)
{
	Entries    *e = arg;

	if (e->n == MAX_ENTRIES)
		return false;
	e->t[e->n] = t;
	e->ev[e->n] = ev;
	e->ce[e->n] = ce;
	e->n++;
	return true;
}

/* Are two sets of entries the same? */
static int
EntriesSame(const Entries *a, const Entries *b)
{
	int32_t		i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->t[i] != b->t[i] || a->ev[i] != b->ev[i] || a->ce[i] != b->ce[i])
			return 0;
	return 1;
}

/* Checked entries read back the same through both forms */
static void
SurvivalRoundTrip(const Entries *e)
{
	static char text[MAX_ENTRIES * (SURVIVAL_ENTRY_TEXT_MAX + 1) + 2];
	static unsigned char bin[5 + MAX_ENTRIES * SURVIVAL_BINARY_ENTRY];
	SurvivalParseError err;
	size_t		n = 0;
	int32_t		i,
				count;

	text[n++] = '{';
	for (i = 0; i < e->n; i++)
	{
		if (i > 0)
			text[n++] = ',';
		n += SurvivalFormatEntry(e->t[i], e->ev[i], e->ce[i], text + n);
	}
	text[n++] = '}';
	second.n = 0;
	CHECK(SurvivalParseText(text, n, Collect, &second, &err) == SURVIVAL_PARSE_OK);
	CHECK(SurvivalCheckEntries(second.t, second.ev, second.ce, second.n, &err) == SURVIVAL_PARSE_OK);
	CHECK(EntriesSame(e, &second));

	SurvivalEncodeBinary(e->t, e->ev, e->ce, e->n, bin);
	n = 5 + (size_t) e->n * SURVIVAL_BINARY_ENTRY;
	CHECK(SurvivalDecodeHeader(bin, n, &count, &err) == SURVIVAL_PARSE_OK);
	CHECK(count == e->n);
	second.n = count;
	SurvivalDecodeEntries(bin, count, second.t, second.ev, second.ce);
	CHECK(SurvivalCheckEntries(second.t, second.ev, second.ce, second.n, &err) == SURVIVAL_PARSE_OK);
	CHECK(EntriesSame(e, &second));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	SurvivalParseError err;

	if (size < 1)
		return 0;
	first.n = 0;
	if (data[0] & 1)
	{
		int32_t		n;

		if (SurvivalDecodeHeader(data + 1, size - 1, &n, &err) != SURVIVAL_PARSE_OK)
			return 0;
		CHECK(n >= 0 && (size_t) n * SURVIVAL_BINARY_ENTRY == size - 6);
		if (n > MAX_ENTRIES)
			return 0;
		first.n = n;
		SurvivalDecodeEntries(data + 1, n, first.t, first.ev, first.ce);
	}
	else if (SurvivalParseText((const char *) data + 1, size - 1, Collect, &first, &err)
			 != SURVIVAL_PARSE_OK)
		return 0;
	if (SurvivalCheckEntries(first.t, first.ev, first.ce, first.n, &err) == SURVIVAL_PARSE_OK)
		SurvivalRoundTrip(&first);
	return 0;
}

#elif defined(FUZZ_ACTIVITY)

#define USECS_PER_SEC	INT64_C(1000000)
#define USECS_PER_DAY	INT64_C(86400000000)
#define EPOCH_JDATE		2451545

/* The periods of a parsed activity */
typedef struct Bitmap
{
	uint8_t		bits[ActivityBitmapBytes(ACTIVITY_MAX_PERIODS)];
	int32_t		last;
} Bitmap;

static Bitmap first;
static Bitmap second;

/*
 * The window callback: [N day[s]][ ]HH:MM:SS[.ffffff] (the core has checked
 * the syntax) as microseconds, refusing minutes or seconds over 59, as
 * interval input does
 */
static bool
Window(void *arg, const char *s, size_t len, int64_t *window)
{
	const char *p = s;
	const char *end = s + len;
	int64_t		days = 0;
	int64_t		w;

	(void) arg;
	while (p < end && *p >= '0' && *p <= '9' && !(end - p >= 3 && p[2] == ':'))
		days = days * 10 + (*p++ - '0');
	if (p < end && *p == ' ')
	{
		p += 4;					/* " day" */
		if (p < end && *p == 's')
			p++;
		if (p < end && *p == ' ')
			p++;
	}
	w = days * USECS_PER_DAY;
	if (p < end)
	{
		int			hh = (p[0] - '0') * 10 + p[1] - '0';
		int			mm = (p[3] - '0') * 10 + p[4] - '0';
		int			ss = (p[6] - '0') * 10 + p[7] - '0';
		int64_t		frac = 0;
		int			digits = 0;

		if (mm > 59 || ss > 59)
			return false;
		p += 8;
		if (p < end && *p == '.')
			for (p++; p < end; p++, digits++)
				frac = frac * 10 + (*p - '0');
		while (digits++ < 6)
			frac *= 10;
		w += ((int64_t) hh * 3600 + mm * 60 + ss) * USECS_PER_SEC + frac;
	}
	*window = w;
	return true;
}

/* The period callback: set the bit */
static bool
Period(void *arg, int32_t k)
{
	Bitmap	   *b = arg;

	b->bits[k / 8] |= 1 << (k % 8);
	b->last = k;
	return true;
}

/* Write the text form of an accepted activity; its length */
static size_t
FormatActivity(const ActivityFields *f, const uint8_t *bits, char *out, size_t size)
{
	size_t		n = 0;
	int32_t		k;

	n += snprintf(out + n, size - n, "(");
	if (f->unit == COHORT_UNIT_FIXED)
	{
		int64_t		days = f->window / USECS_PER_DAY;
		int64_t		rem = f->window % USECS_PER_DAY;

		if (days > 0)
			n += snprintf(out + n, size - n, "%lld %s", (long long) days, days == 1 ? "day" : "days");
		if (rem != 0)
		{
			n += snprintf(out + n, size - n, "%s%02d:%02d:%02d", days > 0 ? " " : "",
						  (int) (rem / (3600 * USECS_PER_SEC)), (int) (rem / (60 * USECS_PER_SEC) % 60),
						  (int) (rem / USECS_PER_SEC % 60));
			if (rem % USECS_PER_SEC != 0)
				n += snprintf(out + n, size - n, ".%06d", (int) (rem % USECS_PER_SEC));
		}
		n += snprintf(out + n, size - n, ",");
		n += ActivityFormatInstant(f->start, -1, 0, out + n);
	}
	else
	{
		int			julian = ActivityPeriodStartJulian(f->unit, f->anchor);
		int64_t		midnight = ((int64_t) julian - EPOCH_JDATE) * USECS_PER_DAY;

		n += snprintf(out + n, size - n, "%s,",
					  f->unit == COHORT_UNIT_DAY ? "day" : f->unit == COHORT_UNIT_WEEK ? "week" : "month");
		n += ActivityFormatInstant(f->start, julian, (midnight - f->start) / USECS_PER_SEC, out + n);
	}
	n += snprintf(out + n, size - n, ",{");
	for (k = 0; k < f->nbits; k++)
		if ((bits[k / 8] >> (k % 8)) & 1)
			n += snprintf(out + n, size - n, "%s%d", out[n - 1] == '{' ? "" : ",", k);
	n += snprintf(out + n, size - n, "})");
	CHECK(n < size);
	return n;
}

/* An accepted activity reads back the same through both forms */
static void
ActivityRoundTrip(const ActivityFields *f, const uint8_t *bits)
{
	static char text[8 * ACTIVITY_MAX_PERIODS + 256];
	static unsigned char bin[ACTIVITY_BINARY_HEADER + ActivityBitmapBytes(ACTIVITY_MAX_PERIODS)];
	size_t		nbytes = ActivityBitmapBytes(f->nbits);
	ActivityFields back;
	ActivityParseError err;
	size_t		n;

	n = FormatActivity(f, bits, text, sizeof(text));
	memset(second.bits, 0, sizeof(second.bits));
	second.last = -1;
	CHECK(ActivityParseText(text, n, Window, Period, &second, &back, &err) == ACTIVITY_PARSE_OK);
	CHECK(ActivityCheck(&back, second.bits) == ACTIVITY_PARSE_OK);
	CHECK(memcmp(f, &back, sizeof(back)) == 0);
	CHECK(memcmp(bits, second.bits, nbytes) == 0);

	ActivityEncodeHeader(f, bin);
	memcpy(bin + ACTIVITY_BINARY_HEADER, bits, nbytes);
	CHECK(ActivityDecodeHeader(bin, ACTIVITY_BINARY_HEADER + nbytes, &back, &err) == ACTIVITY_PARSE_OK);
	CHECK(memcmp(f, &back, sizeof(back)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ActivityFields f;
	ActivityParseError err;

	if (size < 1)
		return 0;
	if (data[0] & 1)
	{
		const uint8_t *bits = data + 1 + ACTIVITY_BINARY_HEADER;

		if (ActivityDecodeHeader(data + 1, size - 1, &f, &err) != ACTIVITY_PARSE_OK)
			return 0;
		CHECK(size - 1 == ACTIVITY_BINARY_HEADER + (size_t) ActivityBitmapBytes(f.nbits));
		if (ActivityCheck(&f, bits) == ACTIVITY_PARSE_OK)
		{
			unsigned char head[ACTIVITY_BINARY_HEADER];

			ActivityEncodeHeader(&f, head);
			CHECK(memcmp(head, data + 1, ACTIVITY_BINARY_HEADER) == 0);
			ActivityRoundTrip(&f, bits);
		}
		return 0;
	}
	memset(first.bits, 0, ActivityBitmapBytes(ACTIVITY_MAX_PERIODS));
	first.last = -1;
	if (ActivityParseText((const char *) data + 1, size - 1, Window, Period, &first, &f, &err)
		== ACTIVITY_PARSE_OK)
	{
		CHECK(f.nbits == first.last + 1);
		if (ActivityCheck(&f, first.bits) == ACTIVITY_PARSE_OK)
			ActivityRoundTrip(&f, first.bits);
	}
	return 0;
}

#elif defined(FUZZ_SURVEY_COUNTS)

/* An accepted value reads back the same through both forms */
static void
SurveyRoundTrip(const int64_t *counts)
{
	char		text[SURVEY_TEXT_MAX];
	unsigned char bin[SURVEY_BINARY_SIZE];
	int64_t		back[SURVEY_SCORES];
	SurveyParseError err;
	size_t		n;

	n = SurveyFormatText(counts, text);
	CHECK(n < sizeof(text) && text[n] == '\0');
	CHECK(SurveyParseText(text, n, back, &err) == SURVEY_PARSE_OK);
	CHECK(memcmp(counts, back, sizeof(back)) == 0);
	SurveyEncodeBinary(counts, bin);
	CHECK(SurveyDecodeBinary(bin, sizeof(bin), back, &err) == SURVEY_PARSE_OK);
	CHECK(memcmp(counts, back, sizeof(back)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t		counts[SURVEY_SCORES];
	SurveyParseError err;
	int			i;

	if (size < 1)
		return 0;
	if (data[0] & 1)
	{
		if (SurveyDecodeBinary(data + 1, size - 1, counts, &err) == SURVEY_PARSE_OK)
		{
			unsigned char bin[SURVEY_BINARY_SIZE];

			CHECK(size - 1 == SURVEY_BINARY_SIZE);
			SurveyEncodeBinary(counts, bin);
			CHECK(memcmp(bin, data + 1, SURVEY_BINARY_SIZE) == 0);
			SurveyRoundTrip(counts);
		}
	}
	else if (SurveyParseText((const char *) data + 1, size - 1, counts, &err) == SURVEY_PARSE_OK)
	{
		for (i = 0; i < SURVEY_SCORES; i++)
			CHECK(counts[i] >= 0);
		SurveyRoundTrip(counts);
	}
	return 0;
}

#elif defined(FUZZ_COHORT_STATE)

/* The cells of a parsed state */
typedef struct Cells
{
	int64_t		counts[COHORT_MAX_CELLS];
	int32_t		bounds[2 * COHORT_MAX_CELLS];
} Cells;

static Cells first;
static Cells second;

/* Are two states the same? */
static int
StateSame(const CohortStateFields *a, const Cells *ca, const CohortStateFields *b,
		  const Cells *cb)
{
	return a->kind == b->kind && a->ncells == b->ncells && a->as_of == b->as_of &&
		a->known == b->known && a->size == b->size &&
		memcmp(ca->counts, cb->counts, a->ncells * sizeof(int64_t)) == 0 &&
		(a->kind != COHORT_KIND_BRACKET ||
		 memcmp(ca->bounds, cb->bounds, 2 * a->ncells * sizeof(int32_t)) == 0);
}

/* A checked state reads back the same through both forms */
static void
CohortStateRoundTrip(const CohortStateFields *f, const Cells *c)
{
	static char text[COHORT_STATE_TEXT_MAX(COHORT_MAX_CELLS)];
	static unsigned char bin[CohortStateBinarySize(COHORT_KIND_BRACKET, COHORT_MAX_CELLS)];
	CohortStateFields back;
	CohortStateParseError err;
	size_t		n;

	n = CohortStateFormatText(f, c->counts, c->bounds, text);
	CHECK(n + 1 < COHORT_STATE_TEXT_MAX(f->ncells) && text[n] == '\0');
	/* the wrapper's room: a text of n bytes holds at most n / 2 + 1 cells */
	CHECK(CohortStateParseText(text, n, (int32_t) (n / 2 + 1 < COHORT_MAX_CELLS ? n / 2 + 1 : COHORT_MAX_CELLS),
							   &back, second.bounds, second.counts, &err) == COHORT_STATE_PARSE_OK);
	CHECK(CohortStateCheck(&back, second.counts, second.bounds) == COHORT_STATE_PARSE_OK);
	CHECK(StateSame(f, c, &back, &second));

	n = CohortStateBinarySize(f->kind, f->ncells);
	CohortStateEncodeBinary(f, c->counts, c->bounds, bin);
	CHECK(CohortStateDecodeHeader(bin, n, &back, &err) == COHORT_STATE_PARSE_OK);
	CohortStateDecodeCells(bin, &back, second.counts, second.bounds);
	CHECK(CohortStateCheck(&back, second.counts, second.bounds) == COHORT_STATE_PARSE_OK);
	CHECK(StateSame(f, c, &back, &second));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char bin[CohortStateBinarySize(COHORT_KIND_BRACKET, COHORT_MAX_CELLS)];
	CohortStateFields f;
	CohortStateParseError err;

	if (size < 1)
		return 0;
	if (data[0] & 1)
	{
		if (CohortStateDecodeHeader(data + 1, size - 1, &f, &err) != COHORT_STATE_PARSE_OK)
			return 0;
		CHECK(size - 1 == CohortStateBinarySize(f.kind, f.ncells));
		CohortStateDecodeCells(data + 1, &f, first.counts, first.bounds);
		if (CohortStateCheck(&f, first.counts, first.bounds) == COHORT_STATE_PARSE_OK)
		{
			CohortStateEncodeBinary(&f, first.counts, first.bounds, bin);
			CHECK(memcmp(bin, data + 1, size - 1) == 0);
			CohortStateRoundTrip(&f, &first);
		}
		return 0;
	}
	{
		/* as the backend does: room for size / 2 + 1 cells */
		int32_t		cap = (int32_t) ((size - 1) / 2 + 1 < COHORT_MAX_CELLS ?
									 (size - 1) / 2 + 1 : COHORT_MAX_CELLS);
		CohortStateParseCode code;
		CohortStateFields full;

		code = CohortStateParseText((const char *) data + 1, size - 1, cap, &f,
									first.bounds, first.counts, &err);
		/* that room never changes the outcome: the same with room for all */
		CHECK(CohortStateParseText((const char *) data + 1, size - 1, COHORT_MAX_CELLS, &full,
								   second.bounds, second.counts, &err) == code);
		if (code == COHORT_STATE_PARSE_OK &&
			CohortStateCheck(&f, first.counts, first.bounds) == COHORT_STATE_PARSE_OK)
			CohortStateRoundTrip(&f, &first);
	}
	return 0;
}

#else
#error "build with -DFUZZ_HEALTH, -DFUZZ_SURVIVAL, -DFUZZ_ACTIVITY, -DFUZZ_SURVEY_COUNTS or -DFUZZ_COHORT_STATE"
#endif
