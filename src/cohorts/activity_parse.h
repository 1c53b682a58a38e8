/*-------------------------------------------------------------------------
 *
 * activity_parse.h
 *	  The parsing core of the retention.activity type: the text and binary
 *	  forms read, checked and written by plain C with no backend dependency
 *	  (no palloc, no ereport), so that a libFuzzer harness (test/fuzz/) can
 *	  drive it directly; and the calendar arithmetic they need (Julian days,
 *	  periods of a unit, instants of the text form).  activity_io.c wraps it
 *	  and turns each error code into the message and SQLSTATE it reports.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ACTIVITY_PARSE_H
#define ACTIVITY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACTIVITY_FORMAT_VERSION		1

/* Units of periods */
#define COHORT_UNIT_DAY		1
#define COHORT_UNIT_WEEK	2
#define COHORT_UNIT_MONTH	3
#define COHORT_UNIT_FIXED	4

/* A subject's activity reaches at most this many periods after its start */
#define ACTIVITY_MAX_PERIODS	(1 << 20)

/* A fixed window is shorter than this (its text writes at most 6 digits of days) */
#define ACTIVITY_MAX_WINDOW		(INT64_C(1000000) * INT64_C(86400000000))

/* Bytes of the binary form before the bitmap */
#define ACTIVITY_BINARY_HEADER	(1 + 1 + 8 + 8 + 4 + 4)

/* Room for an instant of the text form, with its offset */
#define ACTIVITY_INSTANT_TEXT_MAX	48

/* The fields of an activity; the bitmap is kept by the caller */
typedef struct ActivityFields
{
	int			unit;			/* COHORT_UNIT_* */
	int64_t		window;			/* microseconds of a fixed window; else 0 */
	int64_t		start;			/* start of period 0 (a timestamptz) */
	int32_t		anchor;			/* absolute period of period 0; 0 if fixed */
	int32_t		nbits;			/* last active period + 1 */
} ActivityFields;

/* Why an input was refused */
typedef enum ActivityParseCode
{
	ACTIVITY_PARSE_OK = 0,
	/* text form (22P02) */
	ACTIVITY_TEXT_NO_OPEN,
	ACTIVITY_TEXT_NO_UNIT_COMMA,
	ACTIVITY_TEXT_UNIT,
	ACTIVITY_TEXT_WINDOW,		/* the window callback refused it */
	ACTIVITY_TEXT_START,
	ACTIVITY_TEXT_START_NOT_PERIOD,
	ACTIVITY_TEXT_NO_OPEN_BRACE,
	ACTIVITY_TEXT_NO_CLOSE_BRACE,
	ACTIVITY_TEXT_PERIOD_RANGE,
	ACTIVITY_TEXT_PERIOD_LIST,
	ACTIVITY_TEXT_PERIOD_COMMA,
	ACTIVITY_TEXT_PERIOD_ORDER,
	ACTIVITY_TEXT_NO_CLOSE,
	/* binary form */
	ACTIVITY_BIN_NO_DATA,		/* a byte is missing (08P01) */
	ACTIVITY_BIN_VERSION,		/* value: the version read (22P03) */
	ACTIVITY_BIN_SHORT,			/* an integer is cut off (08P01) */
	ACTIVITY_BIN_LENGTH,		/* the bitmap does not match nbits (22P03) */
	/* checks of the fields, text or binary (ActivityCheck) */
	ACTIVITY_CHECK_UNIT,
	ACTIVITY_CHECK_START,
	ACTIVITY_CHECK_FIXED_WINDOW,
	ACTIVITY_CHECK_WINDOW_RANGE,
	ACTIVITY_CHECK_CALENDAR_WINDOW,
	ACTIVITY_CHECK_START_RANGE,
	ACTIVITY_CHECK_START_PERIOD,
	ACTIVITY_CHECK_TOO_MANY,
	ACTIVITY_CHECK_BITMAP
} ActivityParseCode;

/* What a wrapper needs to word the message */
typedef struct ActivityParseError
{
	ActivityParseCode code;
	size_t		pos;			/* offset in the input where it was found */
	int			value;			/* the version read */
} ActivityParseError;

/*
 * Turns the text of a fixed window ([N day[s]][ HH:MM:SS[.ffffff]], checked
 * already) into microseconds; false to refuse it.  The backend's reads it
 * as an interval and raises its own errors.
 */
typedef bool (*ActivityWindowFn) (void *arg, const char *text, size_t len,
								  int64_t *window);

/* Receives each active period in increasing order; false to stop */
typedef bool (*ActivityPeriodFn) (void *arg, int32_t period);

/*
 * Parse the text form in str[0..len): the fields into *out (nbits from the
 * last period), each period to period_fn.  ActivityCheck is not applied.
 */
extern ActivityParseCode ActivityParseText(const char *str, size_t len,
										   ActivityWindowFn window_fn,
										   ActivityPeriodFn period_fn, void *arg,
										   ActivityFields *out,
										   ActivityParseError *err);

/*
 * Decode the header of the binary form in buf[0..len); the bitmap's
 * ActivityBitmapBytes(out->nbits) bytes follow at buf + ACTIVITY_BINARY_HEADER.
 */
extern ActivityParseCode ActivityDecodeHeader(const unsigned char *buf, size_t len,
											  ActivityFields *out,
											  ActivityParseError *err);

/* Write the binary form: ACTIVITY_BINARY_HEADER bytes, then the bitmap */
extern void ActivityEncodeHeader(const ActivityFields *f, unsigned char *buf);

/* Bytes of a bitmap of nbits bits */
#define ActivityBitmapBytes(nbits)	(((nbits) + 7) / 8)

/*
 * Check the fields and bitmap of an activity read from outside: exactly
 * what output can write, and reads back to the same value.
 */
extern ActivityParseCode ActivityCheck(const ActivityFields *f, const uint8_t *bits);

/*
 * Parse YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM[:SS]) in [p, end), the year
 * with at least four digits and a "-" before the year of 1 BC and earlier
 * (0000 is 1 BC): the instant and the Julian day of the written date.
 */
extern bool ActivityParseInstant(const char *p, const char *end, int64_t *result,
								 int *julian);

/*
 * Write the date of Julian day julian, at midnight, with the offset east
 * of UTC in seconds; or (julian < 0) the finite instant t in UTC.  Into buf
 * of ACTIVITY_INSTANT_TEXT_MAX bytes; the length written.
 */
extern size_t ActivityFormatInstant(int64_t t, int julian, int64_t offset,
									char *buf);

/* Calendar arithmetic, as PostgreSQL's date2j and j2date */
/* COHORT_UNIT_* of a calendar unit's name ("day", "week", "month"), or 0 */
extern int	ActivityUnitFromName(const char *name, size_t len);

extern int	ActivityDateToJulian(int year, int month, int day);
extern void ActivityJulianToDate(int julian, int *year, int *month, int *day);

/* The absolute period of a local day (days since 2000-01-01) */
extern int32_t ActivityPeriodOfDay(int unit, int64_t day);

/* The Julian day on which an absolute calendar period starts */
extern int	ActivityPeriodStartJulian(int unit, int32_t period);

#endif							/* ACTIVITY_PARSE_H */
