/*-------------------------------------------------------------------------
 *
 * cohort_state_parse.h
 *	  The parsing core of the retention.cohort_state type (the state of the
 *	  cohort_counts aggregates): the text and binary forms read, checked
 *	  and written by plain C with no backend dependency (no palloc, no
 *	  ereport), so that a libFuzzer harness (test/fuzz/) can drive it
 *	  directly.  cohort_agg.c wraps it and turns each error code into the
 *	  message and SQLSTATE it reports.
 *
 * The core sees a state as its fields, the count of each cell (not the
 * difference array the aggregate keeps for run kinds) and, for brackets,
 * the inclusive bounds of each bracket (lo = [2i], hi = [2i + 1]).
 *
 *-------------------------------------------------------------------------
 */
#ifndef COHORT_STATE_PARSE_H
#define COHORT_STATE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COHORT_STATE_VERSION	1

/* The kinds of retention */
#define COHORT_KIND_FULL	1
#define COHORT_KIND_CLASSIC 2
#define COHORT_KIND_ROLLING 3
#define COHORT_KIND_RETURN	4
#define COHORT_KIND_BRACKET 5

/* At most this many periods or brackets */
#define COHORT_MAX_CELLS	10000

/* Bytes of the binary form before the counts */
#define COHORT_STATE_BINARY_HEADER	(1 + 1 + 4 + 8 + 4 + 8)

/* Bytes of the binary form of a state */
#define CohortStateBinarySize(kind, n) \
	(COHORT_STATE_BINARY_HEADER + (size_t) (n) * 8 + \
	 ((kind) == COHORT_KIND_BRACKET ? (size_t) (n) * 8 : 0))

/*
 * Room for the text form of a checked state of n cells: the kind, a
 * bracket or a digit of the count per cell at most 16 bytes, as_of, known,
 * size, and each count with its comma at most 21 bytes
 */
#define COHORT_STATE_TEXT_MAX(n)	(128 + 48 + (size_t) (n) * (16 + 21))

/* The fields of a state; counts and bounds are kept by the caller */
typedef struct CohortStateFields
{
	int			kind;			/* COHORT_KIND_* */
	int32_t		ncells;			/* periods, or brackets */
	int64_t		as_of;			/* a timestamptz; INT64_MIN, INT64_MAX: -infinity, infinity */
	int32_t		known;			/* last period ended for every subject */
	int64_t		size;			/* subjects */
} CohortStateFields;

/* Why an input was refused */
typedef enum CohortStateParseCode
{
	COHORT_STATE_PARSE_OK = 0,
	/* text form (22P02) */
	COHORT_STATE_TEXT_NO_KIND,	/* no "(" and a kind followed by "," */
	COHORT_STATE_TEXT_KIND,		/* the kind is not a kind's name */
	COHORT_STATE_TEXT_NO_OPEN_BRACKETS,
	COHORT_STATE_TEXT_BRACKET,	/* a bracket is not first-last in range */
	COHORT_STATE_TEXT_TOO_MANY, /* more than COHORT_MAX_CELLS brackets */
	COHORT_STATE_TEXT_NO_CLOSE_BRACKETS,
	COHORT_STATE_TEXT_PERIODS,	/* the periods are not 1..COHORT_MAX_CELLS */
	COHORT_STATE_TEXT_NO_AS_OF,
	COHORT_STATE_TEXT_AS_OF,	/* as_of is not an instant or infinity */
	COHORT_STATE_TEXT_KNOWN,
	COHORT_STATE_TEXT_SIZE,
	COHORT_STATE_TEXT_NO_OPEN_COUNTS,
	COHORT_STATE_TEXT_COUNTS,	/* not one count per cell */
	COHORT_STATE_TEXT_NO_CLOSE,
	COHORT_STATE_TEXT_TRAILING,
	/* binary form (22P03) */
	COHORT_STATE_BIN_SHORT,		/* shorter than the version, kind, cells, as_of */
	COHORT_STATE_BIN_VERSION,	/* value: the version read */
	COHORT_STATE_BIN_LENGTH,	/* bad kind, number of cells or length */
	/* checks of the fields, text or binary (CohortStateCheck) */
	COHORT_STATE_CHECK_KIND,
	COHORT_STATE_CHECK_CELLS,
	COHORT_STATE_CHECK_KNOWN,
	COHORT_STATE_CHECK_SIZE,
	COHORT_STATE_CHECK_AS_OF,
	COHORT_STATE_CHECK_COUNT,	/* a count is not in [0, size] */
	COHORT_STATE_CHECK_GROWS,	/* full or rolling counts grow */
	COHORT_STATE_CHECK_SHRINKS, /* return counts shrink */
	COHORT_STATE_CHECK_BRACKET	/* a bracket out of range */
} CohortStateParseCode;

/* What a wrapper needs to word the message */
typedef struct CohortStateParseError
{
	CohortStateParseCode code;
	size_t		pos;			/* offset in the input where it was found */
	int			value;			/* the version read */
} CohortStateParseError;

/* The name of a kind ("full", ..., "bracket"), NULL if none */
extern const char *CohortStateKindName(int kind);

/*
 * Parse the text form in str[0..len): the fields into *out, the counts
 * into counts and the bounds of brackets into bounds, arrays of room for
 * cap cells (cap <= COHORT_MAX_CELLS; a text of len bytes has at most
 * len / 2 + 1 cells).  CohortStateCheck is not applied.
 */
extern CohortStateParseCode CohortStateParseText(const char *str, size_t len,
												 int32_t cap,
												 CohortStateFields *out,
												 int32_t *bounds, int64_t *counts,
												 CohortStateParseError *err);

/*
 * Decode the header of the binary form in buf[0..len) and check that the
 * length matches it: then CohortStateDecodeCells reads the cells.
 */
extern CohortStateParseCode CohortStateDecodeHeader(const unsigned char *buf, size_t len,
													CohortStateFields *out,
													CohortStateParseError *err);

/* Read the counts and bounds after a header CohortStateDecodeHeader accepted */
extern void CohortStateDecodeCells(const unsigned char *buf, const CohortStateFields *f,
								   int64_t *counts, int32_t *bounds);

/* Write the binary form: CohortStateBinarySize(f->kind, f->ncells) bytes */
extern void CohortStateEncodeBinary(const CohortStateFields *f, const int64_t *counts,
									const int32_t *bounds, unsigned char *buf);

/*
 * Check a state read from outside: a kind, 1..COHORT_MAX_CELLS cells,
 * known in [-1, INT32_MAX - 1], a size >= 0, as_of infinite or a valid
 * timestamp, counts within [0, size] and monotonic as their kind requires,
 * brackets within [0, ACTIVITY_MAX_PERIODS).
 */
extern CohortStateParseCode CohortStateCheck(const CohortStateFields *f,
											 const int64_t *counts,
											 const int32_t *bounds);

/*
 * Write the text form of a checked state into buf of
 * COHORT_STATE_TEXT_MAX(f->ncells) bytes, NUL-terminated; the length.
 */
extern size_t CohortStateFormatText(const CohortStateFields *f, const int64_t *counts,
									const int32_t *bounds, char *buf);

#endif							/* COHORT_STATE_PARSE_H */
