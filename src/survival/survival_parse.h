/*-------------------------------------------------------------------------
 *
 * survival_parse.h
 *	  The parsing core of the retention.survival type: the text and binary
 *	  forms read, checked and written by plain C with no backend dependency
 *	  (no palloc, no ereport), so that a libFuzzer harness (test/fuzz/) can
 *	  drive it directly.  survival_io.c wraps it and turns each error code
 *	  into the message and SQLSTATE it reports.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SURVIVAL_PARSE_H
#define SURVIVAL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SURVIVAL_FORMAT_VERSION	1

/* Bytes of one entry in the binary form: float8 time, int64 events, censored */
#define SURVIVAL_BINARY_ENTRY	24

/* Room for one entry's text: a shortest double, two int64s, ":" and "/" */
#define SURVIVAL_ENTRY_TEXT_MAX	(25 + 2 * 20 + 2 + 1)

/* Why an input was refused */
typedef enum SurvivalParseCode
{
	SURVIVAL_PARSE_OK = 0,
	/* text form: 22P02 unless noted */
	SURVIVAL_TEXT_NO_OPEN,		/* does not start with "{" */
	SURVIVAL_TEXT_COUNT_SYNTAX, /* a count is not [0-9]+ */
	SURVIVAL_TEXT_COUNT_RANGE,	/* a count beyond int64 (22003) */
	SURVIVAL_TEXT_TIME_SYNTAX,	/* a duration is not a decimal number */
	SURVIVAL_TEXT_TIME_EXPONENT,	/* an incomplete exponent */
	SURVIVAL_TEXT_TIME_RANGE,	/* a duration overflows a double (22003) */
	SURVIVAL_TEXT_ENTRY,		/* an entry is not time:events/censored */
	SURVIVAL_TEXT_SEPARATOR,	/* no "," or "}" after an entry */
	SURVIVAL_TEXT_TRAILING,		/* something follows "}" */
	SURVIVAL_TEXT_TOO_MANY,		/* the sink refused one more entry (54000) */
	/* binary form */
	SURVIVAL_BIN_NO_DATA,		/* empty message (08P01) */
	SURVIVAL_BIN_VERSION,		/* value: the version read (22P03) */
	SURVIVAL_BIN_SHORT_COUNT,	/* the count is cut off (08P01) */
	SURVIVAL_BIN_LENGTH,		/* value: the count; bytes: what follows (22P03) */
	/* checks of the entries, text or binary */
	SURVIVAL_CHECK_DURATION,	/* index: negative, NaN or infinite (22003) */
	SURVIVAL_CHECK_ORDER,		/* index: not strictly increasing (22023) */
	SURVIVAL_CHECK_COUNTS,		/* index: a negative count or none (22023) */
	SURVIVAL_CHECK_SUBJECTS		/* the total overflows int64 (22003) */
} SurvivalParseCode;

/* What a wrapper needs to word the message */
typedef struct SurvivalParseError
{
	SurvivalParseCode code;
	size_t		pos;			/* offset in the input where it was found */
	int64_t		value;			/* version or count read */
	int64_t		bytes;			/* bytes left for the entries */
	int32_t		index;			/* 1-based entry, for the checks */
} SurvivalParseError;

/*
 * Receives each entry of the text form in turn; returns false to refuse
 * one more (too many entries).
 */
typedef bool (*SurvivalSink) (void *arg, double time, int64_t events,
							  int64_t censored);

/* Parse the text form in str[0..len), handing each entry to sink */
extern SurvivalParseCode SurvivalParseText(const char *str, size_t len,
										   SurvivalSink sink, void *arg,
										   SurvivalParseError *err);

/* Read the header of the binary form in buf[0..len): the entry count */
extern SurvivalParseCode SurvivalDecodeHeader(const unsigned char *buf, size_t len,
											  int32_t *n, SurvivalParseError *err);

/*
 * Read the n entries that follow a header SurvivalDecodeHeader accepted in
 * buf, into arrays of n elements; negative zero durations become zero.
 */
extern void SurvivalDecodeEntries(const unsigned char *buf, int32_t n,
								  double *time, int64_t *events, int64_t *censored);

/* Write the binary form: 5 + n * SURVIVAL_BINARY_ENTRY bytes into buf */
extern void SurvivalEncodeBinary(const double *time, const int64_t *events,
								 const int64_t *censored, int32_t n,
								 unsigned char *buf);

/*
 * Check entries read from outside: durations finite, >= 0 and strictly
 * increasing, counts >= 0 and not both 0, the total within int64.
 */
extern SurvivalParseCode SurvivalCheckEntries(const double *time, const int64_t *events,
											  const int64_t *censored, int32_t n,
											  SurvivalParseError *err);

/*
 * Write one entry as time:events/censored (shortest round-trip duration)
 * into buf of SURVIVAL_ENTRY_TEXT_MAX bytes; the length written.
 */
extern size_t SurvivalFormatEntry(double time, int64_t events, int64_t censored,
								  char *buf);

#endif							/* SURVIVAL_PARSE_H */
