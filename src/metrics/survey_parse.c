/*-------------------------------------------------------------------------
 *
 * survey_parse.c
 *	  The parsing core of retention.survey_counts (see survey_parse.h):
 *	  plain C, no backend calls, every read bounded by the length it is
 *	  given.
 *
 * Text form: "(n0,n1,...,n10)", the number of answers of each score 0..10
 * (CSAT uses 1..5), e.g. (0,0,0,0,0,0,1,2,0,3,4).
 *
 * Binary form: the version byte, then the eleven counts as int64,
 * big-endian; none may be negative, nothing may follow.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "common/byte_order.h"
#include "metrics/survey_parse.h"

/* Skip blanks (the four that text input has always skipped) */
static inline const char *
SkipSpace(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Fill *err and return its code */
static SurveyParseCode
Fail(SurveyParseError *err, SurveyParseCode code, size_t pos)
{
	err->code = code;
	err->pos = pos;
	return code;
}

/* Parse the text form in str[0..len) */
SurveyParseCode
SurveyParseText(const char *str, size_t len, int64_t counts[SURVEY_SCORES],
				SurveyParseError *err)
{
	const char *end = str + len;
	const char *p = SkipSpace(str, end);
	int			i;

	memset(err, 0, sizeof(*err));
	if (p == end || *p != '(')
		return Fail(err, SURVEY_TEXT_NO_OPEN, (size_t) (p - str));
	p++;
	for (i = 0; i < SURVEY_SCORES; i++)
	{
		int64_t		v = 0;
		const char *start;

		p = SkipSpace(p, end);
		start = p;
		while (p < end && *p >= '0' && *p <= '9')
		{
			if (__builtin_mul_overflow(v, 10, &v) ||
				__builtin_add_overflow(v, *p - '0', &v))
				return Fail(err, SURVEY_TEXT_COUNT_RANGE, (size_t) (p - str));
			p++;
		}
		if (p == start)
			return Fail(err, SURVEY_TEXT_COUNT_SYNTAX, (size_t) (p - str));
		counts[i] = v;
		p = SkipSpace(p, end);
		if (i < SURVEY_SCORES - 1)
		{
			if (p == end || *p != ',')
				return Fail(err, SURVEY_TEXT_NOT_ELEVEN, (size_t) (p - str));
			p++;
		}
	}
	if (p == end || *p != ')')
		return Fail(err, SURVEY_TEXT_NOT_ELEVEN, (size_t) (p - str));
	p = SkipSpace(p + 1, end);
	if (p != end)
		return Fail(err, SURVEY_TEXT_TRAILING, (size_t) (p - str));
	return SURVEY_PARSE_OK;
}

/* Read the binary form: the length, then the version, then each count */
SurveyParseCode
SurveyDecodeBinary(const unsigned char *buf, size_t len,
				   int64_t counts[SURVEY_SCORES], SurveyParseError *err)
{
	int			i;

	memset(err, 0, sizeof(*err));
	if (len != SURVEY_BINARY_SIZE)
	{
		err->value = (int64_t) len;
		return Fail(err, SURVEY_BIN_LENGTH, 0);
	}
	if (buf[0] != SURVEY_FORMAT_VERSION)
	{
		err->value = buf[0];
		return Fail(err, SURVEY_BIN_VERSION, 0);
	}
	for (i = 0; i < SURVEY_SCORES; i++)
	{
		counts[i] = (int64_t) ReadBigEndian(buf + 1 + 8 * i, 8);
		if (counts[i] < 0)
		{
			err->index = i;
			return Fail(err, SURVEY_BIN_NEGATIVE, (size_t) (1 + 8 * i));
		}
	}
	return SURVEY_PARSE_OK;
}

/* Write the binary form */
void
SurveyEncodeBinary(const int64_t counts[SURVEY_SCORES], unsigned char *buf)
{
	int			i;

	buf[0] = SURVEY_FORMAT_VERSION;
	for (i = 0; i < SURVEY_SCORES; i++)
		WriteBigEndian(buf + 1 + 8 * i, (uint64_t) counts[i], 8);
}

/* Write the text form */
size_t
SurveyFormatText(const int64_t counts[SURVEY_SCORES], char *buf)
{
	size_t		n = 0;
	int			i;

	buf[n++] = '(';
	for (i = 0; i < SURVEY_SCORES; i++)
	{
		int			w = snprintf(buf + n, SURVEY_TEXT_MAX - n, i ? ",%lld" : "%lld",
								 (long long) counts[i]);

		if (w > 0)
			n += (size_t) w;
	}
	buf[n++] = ')';
	buf[n] = '\0';
	return n;
}
