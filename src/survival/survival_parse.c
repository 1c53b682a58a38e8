/*-------------------------------------------------------------------------
 *
 * survival_parse.c
 *	  The parsing core of retention.survival (see survival_parse.h): plain
 *	  C, no backend calls, every read bounded by the length it is given.
 *
 * Text form: {time:events/censored,...} with the durations strictly
 * increasing, e.g. {0:1/0,2.5:3/1,7:0/2}; {} is the curve of no subject.
 *
 * Binary form: the version byte, the int32 count n, then n entries of
 * (float8 time, int64 events, int64 censored), big-endian.  Nothing may
 * follow the last entry.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/shortest_dec.h"

#include "common/byte_order.h"
#include "survival/survival_parse.h"

/* strtod is given the duration and this many bytes after it (see ParseTime) */
#define SURVIVAL_LOOKAHEAD	4

/* White space between tokens, as in other text input functions */
static inline bool
IsSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\v' || c == '\f';
}

/* Skip white space */
static inline const char *
SkipSpace(const char *p, const char *end)
{
	while (p < end && IsSpace(*p))
		p++;
	return p;
}

/* Fill *err and return its code */
static SurvivalParseCode
Fail(SurvivalParseError *err, SurvivalParseCode code, size_t pos)
{
	err->code = code;
	err->pos = pos;
	return code;
}

/* Is there a decimal digit at p? */
static inline bool
IsDigit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* Parse a count ([0-9]+, within int64) at *p; advances *p past it */
static SurvivalParseCode
ParseCount(const char *str, const char **p, const char *end, int64_t *result,
		   SurvivalParseError *err)
{
	const char *c = *p;
	int64_t		val = 0;

	if (!IsDigit(c, end))
		return Fail(err, SURVIVAL_TEXT_COUNT_SYNTAX, (size_t) (c - str));
	while (IsDigit(c, end))
	{
		if (__builtin_mul_overflow(val, 10, &val) ||
			__builtin_add_overflow(val, *c - '0', &val))
			return Fail(err, SURVIVAL_TEXT_COUNT_RANGE, (size_t) (c - str));
		c++;
	}
	*p = c;
	*result = val;
	return SURVIVAL_PARSE_OK;
}

/*
 * Parse a duration at *p: [+]?(digits[.digits*]|.digits)([eE][+-]?digits)?
 *
 * The syntax is checked here, and strtod only converts (alone it would
 * also take hexadecimal, "inf" and "nan").  strtod sees a few bytes past the
 * syntax, so that "0x1" is refused as a whole, not read as 0 and then an
 * "x": a duration that strtod would read further is malformed.
 */
static SurvivalParseCode
ParseTime(const char *str, const char **p, const char *end, double *result,
		  SurvivalParseError *err)
{
	const char *c = *p;
	int			ndigits = 0;
	size_t		len;
	size_t		copylen;
	char		local[256];
	char	   *copy = local;
	char	   *stop;
	double		val;

	if (c < end && *c == '+')
		c++;
	while (IsDigit(c, end))
		c++, ndigits++;
	if (c < end && *c == '.')
	{
		c++;
		while (IsDigit(c, end))
			c++, ndigits++;
	}
	if (ndigits == 0)
		return Fail(err, SURVIVAL_TEXT_TIME_SYNTAX, (size_t) (*p - str));
	if (c < end && (*c == 'e' || *c == 'E'))
	{
		c++;
		if (c < end && (*c == '+' || *c == '-'))
			c++;
		if (!IsDigit(c, end))
			return Fail(err, SURVIVAL_TEXT_TIME_EXPONENT, (size_t) (*p - str));
		while (IsDigit(c, end))
			c++;
	}

	len = (size_t) (c - *p);
	copylen = len + ((size_t) (end - c) < SURVIVAL_LOOKAHEAD ?
					 (size_t) (end - c) : SURVIVAL_LOOKAHEAD);
	if (copylen >= sizeof(local))
	{
		copy = malloc(copylen + 1);
		if (copy == NULL)
			return Fail(err, SURVIVAL_TEXT_TIME_RANGE, (size_t) (*p - str));
	}
	memcpy(copy, *p, copylen);
	copy[copylen] = '\0';
	val = strtod(copy, &stop);
	len = (size_t) (stop - copy) == len;
	if (copy != local)
		free(copy);
	if (!len)
		return Fail(err, SURVIVAL_TEXT_TIME_SYNTAX, (size_t) (*p - str));
	if (isinf(val))
		return Fail(err, SURVIVAL_TEXT_TIME_RANGE, (size_t) (*p - str));
	*p = c;
	*result = val + 0.0;		/* no negative zero */
	return SURVIVAL_PARSE_OK;
}

/* Parse the text form in str[0..len), handing each entry to sink */
SurvivalParseCode
SurvivalParseText(const char *str, size_t len, SurvivalSink sink, void *arg,
				  SurvivalParseError *err)
{
	const char *end = str + len;
	const char *p = SkipSpace(str, end);
	SurvivalParseCode code;

	memset(err, 0, sizeof(*err));
	if (p == end || *p != '{')
		return Fail(err, SURVIVAL_TEXT_NO_OPEN, (size_t) (p - str));
	p = SkipSpace(p + 1, end);
	if (p == end || *p != '}')
	{
		for (;;)
		{
			double		t;
			int64_t		ev;
			int64_t		ce;

			if ((code = ParseTime(str, &p, end, &t, err)) != SURVIVAL_PARSE_OK)
				return code;
			p = SkipSpace(p, end);
			if (p == end || *p != ':')
				return Fail(err, SURVIVAL_TEXT_ENTRY, (size_t) (p - str));
			p = SkipSpace(p + 1, end);
			if ((code = ParseCount(str, &p, end, &ev, err)) != SURVIVAL_PARSE_OK)
				return code;
			p = SkipSpace(p, end);
			if (p == end || *p != '/')
				return Fail(err, SURVIVAL_TEXT_ENTRY, (size_t) (p - str));
			p = SkipSpace(p + 1, end);
			if ((code = ParseCount(str, &p, end, &ce, err)) != SURVIVAL_PARSE_OK)
				return code;
			p = SkipSpace(p, end);
			if (!sink(arg, t, ev, ce))
				return Fail(err, SURVIVAL_TEXT_TOO_MANY, (size_t) (p - str));
			if (p < end && *p == ',')
			{
				p = SkipSpace(p + 1, end);
				continue;
			}
			if (p < end && *p == '}')
				break;
			return Fail(err, SURVIVAL_TEXT_SEPARATOR, (size_t) (p - str));
		}
	}
	p = SkipSpace(p + 1, end);
	if (p != end)
		return Fail(err, SURVIVAL_TEXT_TRAILING, (size_t) (p - str));
	return SURVIVAL_PARSE_OK;
}

/* Read the header of the binary form: the entry count */
SurvivalParseCode
SurvivalDecodeHeader(const unsigned char *buf, size_t len, int32_t *n,
					 SurvivalParseError *err)
{
	uint32_t	count;

	memset(err, 0, sizeof(*err));
	if (len < 1)
		return Fail(err, SURVIVAL_BIN_NO_DATA, 0);
	err->value = buf[0];
	if (buf[0] != SURVIVAL_FORMAT_VERSION)
		return Fail(err, SURVIVAL_BIN_VERSION, 0);
	if (len < 5)
		return Fail(err, SURVIVAL_BIN_SHORT_COUNT, 1);
	count = ((uint32_t) buf[1] << 24) | ((uint32_t) buf[2] << 16) |
		((uint32_t) buf[3] << 8) | buf[4];
	err->value = (int32_t) count;
	err->bytes = (int64_t) (len - 5);
	if ((int32_t) count < 0 ||
		(uint64_t) (len - 5) != (uint64_t) count * SURVIVAL_BINARY_ENTRY)
		return Fail(err, SURVIVAL_BIN_LENGTH, 1);
	*n = (int32_t) count;
	return SURVIVAL_PARSE_OK;
}

/* Read the n entries after an accepted header */
void
SurvivalDecodeEntries(const unsigned char *buf, int32_t n, double *time,
					  int64_t *events, int64_t *censored)
{
	const unsigned char *p = buf + 5;
	int32_t		i;

	for (i = 0; i < n; i++, p += SURVIVAL_BINARY_ENTRY)
	{
		uint64_t	bits = ReadBigEndian(p, 8);

		memcpy(&time[i], &bits, sizeof(double));
		time[i] += 0.0;			/* no negative zero */
		events[i] = (int64_t) ReadBigEndian(p + 8, 8);
		censored[i] = (int64_t) ReadBigEndian(p + 16, 8);
	}
}

/* Write the binary form */
void
SurvivalEncodeBinary(const double *time, const int64_t *events,
					 const int64_t *censored, int32_t n, unsigned char *buf)
{
	unsigned char *p = buf + 5;
	int32_t		i;

	buf[0] = SURVIVAL_FORMAT_VERSION;
	WriteBigEndian(buf + 1, (uint32_t) n, 4);
	for (i = 0; i < n; i++, p += SURVIVAL_BINARY_ENTRY)
	{
		uint64_t	bits;

		memcpy(&bits, &time[i], sizeof(bits));
		WriteBigEndian(p, bits, 8);
		WriteBigEndian(p + 8, (uint64_t) events[i], 8);
		WriteBigEndian(p + 16, (uint64_t) censored[i], 8);
	}
}

/* Check entries read from outside */
SurvivalParseCode
SurvivalCheckEntries(const double *time, const int64_t *events,
					 const int64_t *censored, int32_t n, SurvivalParseError *err)
{
	int64_t		total = 0;
	int32_t		i;

	memset(err, 0, sizeof(*err));
	for (i = 0; i < n; i++)
	{
		err->index = i + 1;
		if (isnan(time[i]) || isinf(time[i]) || time[i] < 0)
			return Fail(err, SURVIVAL_CHECK_DURATION, 0);
		if (i > 0 && !(time[i] > time[i - 1]))
			return Fail(err, SURVIVAL_CHECK_ORDER, 0);
		if (events[i] < 0 || censored[i] < 0 || (events[i] == 0 && censored[i] == 0))
			return Fail(err, SURVIVAL_CHECK_COUNTS, 0);
	}
	err->index = 0;
	for (i = 0; i < n; i++)
		if (__builtin_add_overflow(total, events[i], &total) ||
			__builtin_add_overflow(total, censored[i], &total))
			return Fail(err, SURVIVAL_CHECK_SUBJECTS, 0);
	return SURVIVAL_PARSE_OK;
}

/* Write one entry as time:events/censored */
size_t
SurvivalFormatEntry(double time, int64_t events, int64_t censored, char *buf)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];
	int			n;

	double_to_shortest_decimal_buf(time, num);
	n = snprintf(buf, SURVIVAL_ENTRY_TEXT_MAX, "%s:%lld/%lld", num,
				 (long long) events, (long long) censored);
	return n < 0 ? 0 : (size_t) n;
}
