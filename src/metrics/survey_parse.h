/*-------------------------------------------------------------------------
 *
 * survey_parse.h
 *	  The parsing core of the retention.survey_counts type (the state of the
 *	  NPS and CSAT aggregates): the text and binary forms read, checked and
 *	  written by plain C with no backend dependency (no palloc, no
 *	  ereport), so that a libFuzzer harness (test/fuzz/) can drive it
 *	  directly.  survey.c wraps it and turns each error code into the
 *	  message and SQLSTATE it reports.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SURVEY_PARSE_H
#define SURVEY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SURVEY_SCORES			11	/* 0..10 */
#define SURVEY_FORMAT_VERSION	1

/* Bytes of the binary form: the version byte and the eleven counts */
#define SURVEY_BINARY_SIZE		(1 + SURVEY_SCORES * 8)

/* Room for the text form: eleven int64s, ten commas, "(", ")" and NUL */
#define SURVEY_TEXT_MAX			(SURVEY_SCORES * 20 + SURVEY_SCORES - 1 + 3)

/* Why an input was refused */
typedef enum SurveyParseCode
{
	SURVEY_PARSE_OK = 0,
	/* text form: 22P02 unless noted */
	SURVEY_TEXT_NO_OPEN,		/* does not start with "(" */
	SURVEY_TEXT_COUNT_SYNTAX,	/* a count is not [0-9]+ */
	SURVEY_TEXT_COUNT_RANGE,	/* a count beyond int64 (22003) */
	SURVEY_TEXT_NOT_ELEVEN,		/* no "," between counts, or no ")" after 11 */
	SURVEY_TEXT_TRAILING,		/* something follows ")" */
	/* binary form (22P03) */
	SURVEY_BIN_LENGTH,			/* value: the length given */
	SURVEY_BIN_VERSION,			/* value: the version read */
	SURVEY_BIN_NEGATIVE			/* index: the score whose count is negative */
} SurveyParseCode;

/* What a wrapper needs to word the message */
typedef struct SurveyParseError
{
	SurveyParseCode code;
	size_t		pos;			/* offset in the input where it was found */
	int64_t		value;			/* length or version read */
	int			index;			/* score 0..10 */
} SurveyParseError;

/*
 * Parse the text form "(n0,n1,...,n10)" in str[0..len): eleven counts,
 * none negative, blanks (space, tab, newline, return) allowed around them.
 */
extern SurveyParseCode SurveyParseText(const char *str, size_t len,
									   int64_t counts[SURVEY_SCORES],
									   SurveyParseError *err);

/* Read the binary form in buf[0..len): exactly SURVEY_BINARY_SIZE bytes */
extern SurveyParseCode SurveyDecodeBinary(const unsigned char *buf, size_t len,
										  int64_t counts[SURVEY_SCORES],
										  SurveyParseError *err);

/* Write the binary form: SURVEY_BINARY_SIZE bytes into buf */
extern void SurveyEncodeBinary(const int64_t counts[SURVEY_SCORES],
							   unsigned char *buf);

/*
 * Write the text form into buf of SURVEY_TEXT_MAX bytes, NUL-terminated;
 * the length written.
 */
extern size_t SurveyFormatText(const int64_t counts[SURVEY_SCORES], char *buf);

#endif							/* SURVEY_PARSE_H */
