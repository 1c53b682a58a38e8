/*-------------------------------------------------------------------------
 *
 * health_parse.h
 *	  The parsing core of the retention.health type: text and binary forms
 *	  read into a plain struct, and the text form written, by plain C with
 *	  no backend dependency (no palloc, no ereport), so that a libFuzzer
 *	  harness (test/fuzz/) can drive it directly.  health_io.c wraps it and
 *	  turns each error code into the message and SQLSTATE it reports.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HEALTH_PARSE_H
#define HEALTH_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define HEALTH_FORMAT_VERSION	1

/* Bands, in order of increasing health */
#define HEALTH_BAND_RED		1
#define HEALTH_BAND_YELLOW	2
#define HEALTH_BAND_GREEN	3

/* Measure names: [a-z][a-z0-9_]*, at most this many bytes */
#define HEALTH_MEASURE_NAME_MAX 63

/* Room for the text form: two shortest doubles, a band, a name */
#define HEALTH_TEXT_MAX		(2 * 25 + 6 + HEALTH_MEASURE_NAME_MAX + 8)

/* A health value as the parsers read it */
typedef struct HealthValue
{
	double		score;			/* 0..100 */
	double		coverage;		/* 0..1 */
	int			band;			/* HEALTH_BAND_* */
	int			weakest_len;	/* bytes of weakest, 0 if none */
	char		weakest[HEALTH_MEASURE_NAME_MAX + 1];	/* NUL-terminated */
} HealthValue;

/* Why an input was refused */
typedef enum HealthParseCode
{
	HEALTH_PARSE_OK = 0,
	/* text form: 22P02 unless noted */
	HEALTH_TEXT_NO_OPEN,		/* does not start with "(" */
	HEALTH_TEXT_NO_CLOSE,		/* does not end with ")" */
	HEALTH_TEXT_NESTED,			/* "(" inside the parentheses */
	HEALTH_TEXT_FIELD_COUNT,	/* not four fields */
	HEALTH_TEXT_TRAILING,		/* something follows ")" */
	HEALTH_TEXT_NUMBER_MISSING, /* score or coverage empty */
	HEALTH_TEXT_NUMBER_NONFINITE,	/* inf or nan (22003) */
	HEALTH_TEXT_NUMBER_SYNTAX,	/* not a decimal number */
	HEALTH_TEXT_NUMBER_UNDERFLOW,	/* too close to zero (22003) */
	HEALTH_TEXT_NUMBER_RANGE,	/* outside [0, max] (22003) */
	HEALTH_TEXT_BAND_MISSING,
	HEALTH_TEXT_BAND_UNKNOWN,
	HEALTH_TEXT_MEASURE_INVALID,
	/* binary form: 22P03 */
	HEALTH_BIN_TOO_SHORT,
	HEALTH_BIN_VERSION,			/* value: the version read */
	HEALTH_BIN_BAND,			/* value: the band read */
	HEALTH_BIN_SCORE,
	HEALTH_BIN_COVERAGE,
	HEALTH_BIN_WEAKEST_LENGTH,
	HEALTH_BIN_WEAKEST_TOO_LONG,
	HEALTH_BIN_TRAILING,
	HEALTH_BIN_WEAKEST_NUL,
	HEALTH_BIN_WEAKEST_INVALID
} HealthParseCode;

/* Where and why: what a wrapper needs to word the message */
typedef struct HealthParseError
{
	HealthParseCode code;
	const char *field;			/* the offending field (trimmed), in the input */
	int			field_len;
	const char *what;			/* "score" or "coverage" for number errors */
	double		max;			/* its upper bound */
	int			value;			/* the byte read, for HEALTH_BIN_VERSION/BAND */
} HealthParseError;

/* Parse the text form in str[0..len); fills *out, or *err and returns it */
extern HealthParseCode HealthParseText(const char *str, size_t len,
									   HealthValue *out, HealthParseError *err);

/* Decode the binary form (send output) in buf[0..len) */
extern HealthParseCode HealthDecodeBinary(const unsigned char *buf, size_t len,
										  HealthValue *out, HealthParseError *err);

/* Bytes of the binary form of v, and writing it into buf of that size */
extern size_t HealthBinarySize(const HealthValue *v);
extern void HealthEncodeBinary(const HealthValue *v, unsigned char *buf);

/*
 * Write the text form of v (shortest round-trip numbers) into buf of size
 * bytes (HEALTH_TEXT_MAX is enough); the length written.
 */
extern size_t HealthFormatText(const HealthValue *v, char *buf, size_t size);

/* "red", "yellow" or "green"; NULL for another number */
extern const char *HealthParseBandName(int band);

/* HEALTH_BAND_* of name[0..len), or 0 */
extern int	HealthParseBand(const char *name, size_t len);

/* Is name[0..len) a valid measure name? */
extern bool HealthParseMeasureName(const char *name, size_t len);

#endif							/* HEALTH_PARSE_H */
