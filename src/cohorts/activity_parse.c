/*-------------------------------------------------------------------------
 *
 * activity_parse.c
 *	  The parsing core of retention.activity (see activity_parse.h): plain
 *	  C, no backend calls, every read bounded by the length it is given.
 *
 * Text form: (unit,start,{periods}), e.g.
 *	(month,2026-01-01T00:00:00+01:00,{0,1,3})
 *	(7 days,2026-01-05T10:30:00+00:00,{0,2})
 * A calendar unit's start is written as the local date its period 0 starts
 * on, at midnight, with the offset from UTC that makes it the stored
 * instant: the date gives the period's number and the offset the instant,
 * so the form reads back to the same value whatever the session's time
 * zone or DateStyle.  A fixed window's start is written in UTC.  Years have
 * at least four digits; those before 1 AD are written astronomically, with
 * a minus sign (0000 is 1 BC, -0001 is 2 BC), so every finite timestamp has
 * a text form.
 *
 * Binary form: version byte, unit byte, window int64, start int64, anchor
 * int32, nbits int32, then the bitmap's bytes, big-endian.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "cohorts/activity_parse.h"
#include "common/byte_order.h"

/* PostgreSQL's timestamp range and epoch (datatype/timestamp.h) */
#define USECS_PER_SEC		INT64_C(1000000)
#define USECS_PER_DAY		INT64_C(86400000000)
#define EPOCH_JDATE			2451545		/* Julian day of 2000-01-01 */
#define MIN_TIMESTAMP		INT64_C(-211813488000000000)
#define END_TIMESTAMP		INT64_C(9223371331200000000)
#define VALID_TIMESTAMP(t)	((t) >= MIN_TIMESTAMP && (t) < END_TIMESTAMP)
/* Dates PostgreSQL's Julian day arithmetic handles: 4714-11-24 BC on */
#define VALID_JULIAN(y, m) \
	((y) > -4713 || ((y) == -4713 && (m) >= 11))

/*
 * How far a calendar start may be from UTC midnight of its date: what the
 * text form's offset can say (at most 15:59:59, as PostgreSQL's zones)
 */
#define MAX_START_OFFSET	((16 * 3600 - 1) * USECS_PER_SEC)

static const int days_in_month[2][12] = {
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
};

#define IS_LEAP(y)	(((y) % 4) == 0 && (((y) % 100) != 0 || ((y) % 400) == 0))

/* Floor of a / b, b > 0 */
static int64_t
FloorDiv(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Julian day of a date (the algorithm of PostgreSQL's date2j) */
int
ActivityDateToJulian(int year, int month, int day)
{
	int			julian;
	int			century;

	if (month > 2)
	{
		month += 1;
		year += 4800;
	}
	else
	{
		month += 13;
		year += 4799;
	}
	century = year / 100;
	julian = year * 365 - 32167;
	julian += year / 4 - century + century / 4;
	julian += 7834 * month / 256 + day;
	return julian;
}

/* Date of a Julian day (the algorithm of PostgreSQL's j2date) */
void
ActivityJulianToDate(int jd, int *year, int *month, int *day)
{
	unsigned int julian = (unsigned int) jd;
	unsigned int quad;
	unsigned int extra;
	int			y;

	julian += 32044;
	quad = julian / 146097;
	extra = (julian - quad * 146097) * 4 + 3;
	julian += 60 + quad * 3 + extra / 146097;
	quad = julian / 1461;
	julian -= quad * 1461;
	y = julian * 4 / 1461;
	julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
	y += quad * 4;
	*year = y - 4800;
	quad = julian * 2141 / 65536;
	*day = julian - 7834 * quad / 256;
	*month = (quad + 10) % 12 + 1;
}

/* The absolute period of a local day (days since 2000-01-01) */
int32_t
ActivityPeriodOfDay(int unit, int64_t day)
{
	int			y,
				m,
				d;

	switch (unit)
	{
		case COHORT_UNIT_DAY:
			return (int32_t) day;
		case COHORT_UNIT_WEEK:
			/* day -5 (1999-12-27) is the Monday of week 0 */
			return (int32_t) FloorDiv(day + 5, 7);
		case COHORT_UNIT_MONTH:
			ActivityJulianToDate((int) (day + EPOCH_JDATE), &y, &m, &d);
			return (int32_t) ((y - 2000) * 12 + m - 1);
	}
	return 0;
}

/* The Julian day on which an absolute calendar period starts */
int
ActivityPeriodStartJulian(int unit, int32_t period)
{
	switch (unit)
	{
		case COHORT_UNIT_DAY:
			return period + EPOCH_JDATE;
		case COHORT_UNIT_WEEK:
			return (int) ((int64_t) period * 7 - 5 + EPOCH_JDATE);
		case COHORT_UNIT_MONTH:
			return ActivityDateToJulian(2000 + (int) FloorDiv(period, 12),
										(int) (period - FloorDiv(period, 12) * 12) + 1, 1);
	}
	return 0;
}

/* Read exactly n decimal digits at *p, within end */
static bool
ReadDigits(const char **p, const char *end, int n, int *value)
{
	int			v = 0;

	while (n-- > 0)
	{
		if (*p >= end || **p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*value = v;
	return true;
}

/* Is the next byte c?  Consumes it if so */
static inline bool
Expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

/* Parse YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM[:SS]) in [p, end) */
bool
ActivityParseInstant(const char *p, const char *end, int64_t *result, int *julian)
{
	int			year = 0,
				mon,
				mday,
				hour,
				min,
				sec;
	int			fsec = 0;
	int			west = 0;		/* seconds west of Greenwich, as PostgreSQL */
	int			oh = 0,
				om = 0,
				os = 0;
	int			ndigits = 0;
	bool		bc = false;
	int64_t		t;

	/* the year: four to six digits, a "-" before it for 1 BC and earlier */
	if (p < end && *p == '-')
		bc = true, p++;
	while (p < end && *p >= '0' && *p <= '9' && ndigits < 7)
		year = year * 10 + (*p++ - '0'), ndigits++;
	if (ndigits < 4 || ndigits > 6 || (bc && year == 0))
		return false;
	if (bc)
		year = -year;
	if (!Expect(&p, end, '-') || !ReadDigits(&p, end, 2, &mon) ||
		!Expect(&p, end, '-') || !ReadDigits(&p, end, 2, &mday) ||
		!Expect(&p, end, 'T') || !ReadDigits(&p, end, 2, &hour) ||
		!Expect(&p, end, ':') || !ReadDigits(&p, end, 2, &min) ||
		!Expect(&p, end, ':') || !ReadDigits(&p, end, 2, &sec))
		return false;
	if (p < end && *p == '.')
	{
		int			scale = 100000;

		p++;
		if (p >= end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
		{
			if (scale == 0)
				return false;
			fsec += (*p++ - '0') * scale;
			scale /= 10;
		}
	}
	if (p < end && *p == 'Z')
		p++;
	else if (p < end && (*p == '+' || *p == '-'))
	{
		int			sign = (*p++ == '+') ? 1 : -1;

		if (!ReadDigits(&p, end, 2, &oh) || !Expect(&p, end, ':') ||
			!ReadDigits(&p, end, 2, &om))
			return false;
		if (p < end && *p == ':' && (p++, !ReadDigits(&p, end, 2, &os)))
			return false;
		if (oh > 15 || om > 59 || os > 59)
			return false;
		west = -sign * (oh * 3600 + om * 60 + os);
	}
	else
		return false;
	if (p != end)
		return false;
	if (mon < 1 || mon > 12 || mday < 1 ||
		mday > days_in_month[IS_LEAP(year)][mon - 1] ||
		hour > 23 || min > 59 || sec > 59 || !VALID_JULIAN(year, mon))
		return false;

	/* local time + west = UTC; overflow-checked, as tm2timestamp */
	*julian = ActivityDateToJulian(year, mon, mday);
	if (__builtin_mul_overflow((int64_t) (*julian - EPOCH_JDATE), USECS_PER_DAY, &t) ||
		__builtin_add_overflow(t, ((int64_t) hour * 3600 + min * 60 + sec + west) * USECS_PER_SEC + fsec, &t) ||
		!VALID_TIMESTAMP(t))
		return false;
	*result = t;
	return true;
}

/* Append the year as the text form writes it: at least four digits */
static int
FormatYear(char *buf, size_t size, int year)
{
	return year < 0 ? snprintf(buf, size, "-%04d", -year) : snprintf(buf, size, "%04d", year);
}

/* Write an instant of the text form (see activity_parse.h) */
size_t
ActivityFormatInstant(int64_t t, int julian, int64_t offset, char *buf)
{
	int			y,
				m,
				d;
	int			n;
	int64_t		tod = 0;

	if (julian < 0)
	{
		int64_t		day = FloorDiv(t, USECS_PER_DAY);

		tod = t - day * USECS_PER_DAY;
		julian = (int) (day + EPOCH_JDATE);
	}
	ActivityJulianToDate(julian, &y, &m, &d);
	n = FormatYear(buf, ACTIVITY_INSTANT_TEXT_MAX, y);
	n += snprintf(buf + n, ACTIVITY_INSTANT_TEXT_MAX - n, "-%02d-%02dT%02d:%02d:%02d", m, d,
				  (int) (tod / (3600 * USECS_PER_SEC)),
				  (int) (tod / (60 * USECS_PER_SEC) % 60),
				  (int) (tod / USECS_PER_SEC % 60));
	if (tod % USECS_PER_SEC != 0)
		n += snprintf(buf + n, ACTIVITY_INSTANT_TEXT_MAX - n, ".%06d",
					  (int) (tod % USECS_PER_SEC));
	{
		char		sign = offset < 0 ? '-' : '+';
		int64_t		secs = offset < 0 ? -offset : offset;

		n += snprintf(buf + n, ACTIVITY_INSTANT_TEXT_MAX - n, "%c%02d:%02d", sign,
					  (int) (secs / 3600), (int) (secs / 60 % 60));
		if (secs % 60 != 0)
			n += snprintf(buf + n, ACTIVITY_INSTANT_TEXT_MAX - n, ":%02d", (int) (secs % 60));
	}
	return (size_t) n;
}

/* Is s[0..len) of the form output writes for a window: [N day[s]][ HH:MM:SS[.f]]? */
static bool
WindowTextIsValid(const char *s, size_t len)
{
	const char *p = s;
	const char *end = s + len;
	bool		any = false;
	int			v;

	if (p < end && *p >= '0' && *p <= '9')
	{
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p - s > 6)
			return false;		/* a window of more than 999,999 days */
		if (end - p >= 5 && memcmp(p, " days", 5) == 0)
			p += 5;
		else if (end - p >= 4 && memcmp(p, " day", 4) == 0)
			p += 4;
		else
			p = s;				/* perhaps HH:MM:SS */
		any = p != s;
		if (any && p < end && *p == ' ')
			p++;
		else if (any && p != end)
			return false;
	}
	if (p != end)
	{
		if (!ReadDigits(&p, end, 2, &v) || !Expect(&p, end, ':') ||
			!ReadDigits(&p, end, 2, &v) || !Expect(&p, end, ':') ||
			!ReadDigits(&p, end, 2, &v))
			return false;
		if (p < end && *p == '.')
		{
			int			n = 0;

			p++;
			while (p < end && *p >= '0' && *p <= '9' && n < 7)
				p++, n++;
			if (n < 1 || n > 6)
				return false;
		}
		any = true;
	}
	return any && p == end;
}

/* COHORT_UNIT_* of a calendar unit's name, or 0 */
int
ActivityUnitFromName(const char *name, size_t len)
{
	if (len == 3 && memcmp(name, "day", 3) == 0)
		return COHORT_UNIT_DAY;
	if (len == 4 && memcmp(name, "week", 4) == 0)
		return COHORT_UNIT_WEEK;
	if (len == 5 && memcmp(name, "month", 5) == 0)
		return COHORT_UNIT_MONTH;
	return 0;
}

/* Skip white space */
static inline const char *
SkipSpace(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Fill *err and return its code */
static ActivityParseCode
Fail(ActivityParseError *err, ActivityParseCode code, const char *str, const char *at)
{
	err->code = code;
	err->pos = (size_t) (at - str);
	return code;
}

/* Parse the text form in str[0..len) */
ActivityParseCode
ActivityParseText(const char *str, size_t len, ActivityWindowFn window_fn,
				  ActivityPeriodFn period_fn, void *arg, ActivityFields *out,
				  ActivityParseError *err)
{
	const char *end = str + len;
	const char *p = SkipSpace(str, end);
	const char *comma;
	const char *close;
	int			julian;
	int64_t		last = -1;

	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	if (!Expect(&p, end, '('))
		return Fail(err, ACTIVITY_TEXT_NO_OPEN, str, p);

	/* the unit: a calendar unit's name or a window */
	comma = memchr(p, ',', (size_t) (end - p));
	if (comma == NULL)
		return Fail(err, ACTIVITY_TEXT_NO_UNIT_COMMA, str, p);
	out->unit = ActivityUnitFromName(p, (size_t) (comma - p));
	if (out->unit == 0)
	{
		/* only what output writes: [N day[s]][ ][HH:MM:SS[.ffffff]] */
		if (!WindowTextIsValid(p, (size_t) (comma - p)))
			return Fail(err, ACTIVITY_TEXT_UNIT, str, p);
		if (!window_fn(arg, p, (size_t) (comma - p), &out->window))
			return Fail(err, ACTIVITY_TEXT_WINDOW, str, p);
		out->unit = COHORT_UNIT_FIXED;
	}
	p = comma + 1;

	/* the start */
	comma = memchr(p, ',', (size_t) (end - p));
	if (comma == NULL || !ActivityParseInstant(p, comma, &out->start, &julian))
		return Fail(err, ACTIVITY_TEXT_START, str, p);
	if (out->unit != COHORT_UNIT_FIXED)
	{
		out->anchor = ActivityPeriodOfDay(out->unit, (int64_t) julian - EPOCH_JDATE);
		if (ActivityPeriodStartJulian(out->unit, out->anchor) != julian)
			return Fail(err, ACTIVITY_TEXT_START_NOT_PERIOD, str, p);
	}
	p = comma + 1;

	/* the periods: {k,k,...} strictly increasing */
	if (!Expect(&p, end, '{'))
		return Fail(err, ACTIVITY_TEXT_NO_OPEN_BRACE, str, p);
	close = memchr(p, '}', (size_t) (end - p));
	if (close == NULL)
		return Fail(err, ACTIVITY_TEXT_NO_CLOSE_BRACE, str, p);
	while (p < close)
	{
		int64_t		k = 0;
		const char *digits = p;

		while (p < close && *p >= '0' && *p <= '9')
		{
			k = k * 10 + (*p++ - '0');
			if (k >= ACTIVITY_MAX_PERIODS)
				return Fail(err, ACTIVITY_TEXT_PERIOD_RANGE, str, digits);
		}
		if (p == digits || (p < close && *p != ','))
			return Fail(err, ACTIVITY_TEXT_PERIOD_LIST, str, p);
		if (p < close && ++p == close)
			return Fail(err, ACTIVITY_TEXT_PERIOD_COMMA, str, p);
		if (k <= last)
			return Fail(err, ACTIVITY_TEXT_PERIOD_ORDER, str, digits);
		if (!period_fn(arg, (int32_t) k))
			return Fail(err, ACTIVITY_TEXT_PERIOD_RANGE, str, digits);
		last = k;
	}
	p = SkipSpace(close + 1, end);
	if (!Expect(&p, end, ')') || SkipSpace(p, end) != end)
		return Fail(err, ACTIVITY_TEXT_NO_CLOSE, str, p);
	out->nbits = (int32_t) (last + 1);
	return ACTIVITY_PARSE_OK;
}

/* Decode the header of the binary form; the bitmap follows it */
ActivityParseCode
ActivityDecodeHeader(const unsigned char *buf, size_t len, ActivityFields *out,
					 ActivityParseError *err)
{
	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return Fail(err, ACTIVITY_BIN_NO_DATA, "", "");
	err->value = buf[0];
	if (buf[0] != ACTIVITY_FORMAT_VERSION)
		return Fail(err, ACTIVITY_BIN_VERSION, "", "");
	if (len < 2)
		return Fail(err, ACTIVITY_BIN_NO_DATA, "", "");
	if (len < ACTIVITY_BINARY_HEADER)
		return Fail(err, ACTIVITY_BIN_SHORT, "", "");
	out->unit = buf[1];
	out->window = (int64_t) ReadBigEndian(buf + 2, 8);
	out->start = (int64_t) ReadBigEndian(buf + 10, 8);
	out->anchor = (int32_t) ReadBigEndian(buf + 18, 4);
	out->nbits = (int32_t) ReadBigEndian(buf + 22, 4);
	if (out->nbits < 0 || out->nbits > ACTIVITY_MAX_PERIODS ||
		len - ACTIVITY_BINARY_HEADER != (size_t) ActivityBitmapBytes(out->nbits))
		return Fail(err, ACTIVITY_BIN_LENGTH, "", "");
	return ACTIVITY_PARSE_OK;
}

/* Write the header of the binary form */
void
ActivityEncodeHeader(const ActivityFields *f, unsigned char *buf)
{
	buf[0] = ACTIVITY_FORMAT_VERSION;
	buf[1] = (unsigned char) f->unit;
	WriteBigEndian(buf + 2, (uint64_t) f->window, 8);
	WriteBigEndian(buf + 10, (uint64_t) f->start, 8);
	WriteBigEndian(buf + 18, (uint32_t) f->anchor, 4);
	WriteBigEndian(buf + 22, (uint32_t) f->nbits, 4);
}

/*
 * Check the fields and bitmap of an activity: used by text and binary
 * input, which must accept exactly what output writes.
 */
ActivityParseCode
ActivityCheck(const ActivityFields *f, const uint8_t *bits)
{
	if (f->unit < COHORT_UNIT_DAY || f->unit > COHORT_UNIT_FIXED)
		return ACTIVITY_CHECK_UNIT;
	if (!VALID_TIMESTAMP(f->start))
		return ACTIVITY_CHECK_START;
	if (f->unit == COHORT_UNIT_FIXED)
	{
		if (f->window <= 0 || f->anchor != 0)
			return ACTIVITY_CHECK_FIXED_WINDOW;
		if (f->window >= ACTIVITY_MAX_WINDOW)
			return ACTIVITY_CHECK_WINDOW_RANGE;
	}
	else
	{
		int64_t		day;
		int64_t		midnight;

		/* periods of valid timestamps only (years 4713 BC to 294276 AD) */
		int32_t		limit = f->unit == COHORT_UNIT_DAY ? 110000000 :
			f->unit == COHORT_UNIT_WEEK ? 16000000 : 3600000;

		if (f->window != 0)
			return ACTIVITY_CHECK_CALENDAR_WINDOW;
		if (f->anchor < -limit || f->anchor > limit)
			return ACTIVITY_CHECK_START_RANGE;
		/*
		 * The period must start on a day of the timestamp range, or its
		 * midnight overflows (the anchor limits above are looser than the
		 * range: they only keep the Julian day arithmetic in range).
		 */
		day = (int64_t) ActivityPeriodStartJulian(f->unit, f->anchor) - EPOCH_JDATE;
		if (day < MIN_TIMESTAMP / USECS_PER_DAY - 1 || day > END_TIMESTAMP / USECS_PER_DAY)
			return ACTIVITY_CHECK_START_RANGE;
		midnight = day * USECS_PER_DAY;
		/* the text form writes the offset in whole seconds */
		if (f->start < midnight - MAX_START_OFFSET || f->start > midnight + MAX_START_OFFSET ||
			(f->start - midnight) % USECS_PER_SEC != 0)
			return ACTIVITY_CHECK_START_PERIOD;
	}
	if (f->nbits < 0 || f->nbits > ACTIVITY_MAX_PERIODS)
		return ACTIVITY_CHECK_TOO_MANY;
	if (f->nbits > 0)
	{
		uint8_t		lastbyte = bits[ActivityBitmapBytes(f->nbits) - 1];
		int			top = (f->nbits - 1) % 8;

		if (((lastbyte >> top) & 1) == 0 || (top < 7 && (lastbyte >> (top + 1)) != 0))
			return ACTIVITY_CHECK_BITMAP;
	}
	return ACTIVITY_PARSE_OK;
}
