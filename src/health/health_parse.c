/*-------------------------------------------------------------------------
 *
 * health_parse.c
 *	  The parsing core of retention.health (see health_parse.h): plain C,
 *	  no backend calls, every read bounded by the length it is given.
 *
 * Text form: (score,band,coverage,weakest), e.g. (69.5,yellow,1,usage) or
 * (100,green,1,) when no measure is weakest.
 *
 * Binary form: version byte, band byte, score float8, coverage float8, then
 * the weakest measure as counted text (int32 byte count, then the bytes),
 * all big-endian.  The count makes the message self-delimiting, so nothing
 * may follow it.
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/shortest_dec.h"

#include "common/byte_order.h"
#include "health/health_parse.h"

/* Number of comma-separated fields in the text form */
#define HEALTH_NFIELDS	4

/* Smallest binary message: two bytes, two float8s, the int32 count */
#define HEALTH_MIN_BINARY_LEN	(1 + 1 + 8 + 8 + 4)

/* The longest number strtod is given: anything longer is copied no further */
#define HEALTH_NUMBER_MAX	512

static const char *const health_band_names[] = {NULL, "red", "yellow", "green"};

/* White space around fields, as in other text input functions */
static inline bool
IsSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\v' || c == '\f';
}

/* Fill *err and return its code */
static HealthParseCode
Fail(HealthParseError *err, HealthParseCode code, const char *field, size_t len)
{
	err->code = code;
	err->field = field;
	err->field_len = (int) len;
	return code;
}

/* Does s[0..len) equal lower-case word, ignoring ASCII case? */
static bool
EqualsIgnoreCase(const char *s, size_t len, const char *word)
{
	size_t		i;

	if (strlen(word) != len)
		return false;
	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != word[i])
			return false;
	}
	return true;
}

/* Does field match [+-]?(inf|infinity|nan)? */
static bool
IsNonFinite(const char *s, size_t len)
{
	if (len > 0 && (*s == '+' || *s == '-'))
		s++, len--;
	return EqualsIgnoreCase(s, len, "inf") ||
		EqualsIgnoreCase(s, len, "infinity") ||
		EqualsIgnoreCase(s, len, "nan");
}

/*
 * Does field match [+-]?(digits[.digits*]|.digits)([eE][+-]?digits)?
 *
 * strtod alone would also take hexadecimal numbers, "infinity" and "nan",
 * so the syntax is checked here first and strtod only converts.
 */
static bool
IsDecimal(const char *s, size_t len)
{
	const char *p = s;
	const char *end = s + len;
	int			ndigits = 0;

	if (p < end && (*p == '+' || *p == '-'))
		p++;
	while (p < end && *p >= '0' && *p <= '9')
		p++, ndigits++;
	if (p < end && *p == '.')
	{
		p++;
		while (p < end && *p >= '0' && *p <= '9')
			p++, ndigits++;
	}
	if (ndigits == 0)
		return false;
	if (p < end && (*p == 'e' || *p == 'E'))
	{
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!(p < end && *p >= '0' && *p <= '9'))
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p == end;
}

/*
 * Convert a field (trimmed) to a double within [0, max]; what names it in
 * messages.
 */
static HealthParseCode
ParseNumber(const char *field, size_t len, const char *what, double max,
			double *result, HealthParseError *err)
{
	char		local[HEALTH_NUMBER_MAX + 1];
	char	   *copy = local;
	char	   *end;
	double		val;
	HealthParseCode code = HEALTH_PARSE_OK;

	err->what = what;
	err->max = max;
	if (len == 0)
		return Fail(err, HEALTH_TEXT_NUMBER_MISSING, field, len);
	if (IsNonFinite(field, len))
		return Fail(err, HEALTH_TEXT_NUMBER_NONFINITE, field, len);
	if (!IsDecimal(field, len))
		return Fail(err, HEALTH_TEXT_NUMBER_SYNTAX, field, len);

	/* strtod wants a terminated string: a copy, on the heap if long */
	if (len > HEALTH_NUMBER_MAX)
	{
		copy = malloc(len + 1);
		if (copy == NULL)
			return Fail(err, HEALTH_TEXT_NUMBER_RANGE, field, len);
	}
	memcpy(copy, field, len);
	copy[len] = '\0';
	errno = 0;
	val = strtod(copy, &end);

	/*
	 * Underflow gives 0 or a denormal: like float8 input, refuse only a
	 * result that lost the value entirely.  (Overflow gives HUGE_VAL, which
	 * the range check below refuses.)
	 */
	if (*end != '\0')			/* cannot happen after IsDecimal */
		code = HEALTH_TEXT_NUMBER_SYNTAX;
	else if (errno == ERANGE && val == 0.0)
		code = HEALTH_TEXT_NUMBER_UNDERFLOW;
	else if (isnan(val) || val < 0.0 || val > max)
		code = HEALTH_TEXT_NUMBER_RANGE;
	if (copy != local)
		free(copy);
	if (code != HEALTH_PARSE_OK)
		return Fail(err, code, field, len);
	*result = val;
	return HEALTH_PARSE_OK;
}

/* "red", "yellow" or "green"; NULL for another number */
const char *
HealthParseBandName(int band)
{
	if (band < HEALTH_BAND_RED || band > HEALTH_BAND_GREEN)
		return NULL;
	return health_band_names[band];
}

/* HEALTH_BAND_* of name[0..len), or 0 */
int
HealthParseBand(const char *name, size_t len)
{
	int			band;

	for (band = HEALTH_BAND_RED; band <= HEALTH_BAND_GREEN; band++)
		if (strlen(health_band_names[band]) == len &&
			memcmp(name, health_band_names[band], len) == 0)
			return band;
	return 0;
}

/* Is name[0..len) a valid measure name ([a-z][a-z0-9_]*, at most 63 bytes)? */
bool
HealthParseMeasureName(const char *name, size_t len)
{
	size_t		i;

	if (len == 0 || len > HEALTH_MEASURE_NAME_MAX || !(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	for (i = 1; i < len; i++)
	{
		char		c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* Parse the text form in str[0..len) */
HealthParseCode
HealthParseText(const char *str, size_t len, HealthValue *out, HealthParseError *err)
{
	const char *end = str + len;
	const char *p = str;
	const char *field[HEALTH_NFIELDS];
	size_t		flen[HEALTH_NFIELDS];
	HealthParseCode code;
	int			i;

	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	while (p < end && IsSpace(*p))
		p++;
	if (p == end || *p != '(')
		return Fail(err, HEALTH_TEXT_NO_OPEN, NULL, 0);
	p++;

	for (i = 0; i < HEALTH_NFIELDS; i++)
	{
		const char *start = p;
		const char *stop;

		while (p < end && *p != ',' && *p != ')' && *p != '(')
			p++;
		if (p == end)
			return Fail(err, HEALTH_TEXT_NO_CLOSE, NULL, 0);
		if (*p == '(')
			return Fail(err, HEALTH_TEXT_NESTED, NULL, 0);
		if ((i < HEALTH_NFIELDS - 1 && *p == ')') ||
			(i == HEALTH_NFIELDS - 1 && *p == ','))
			return Fail(err, HEALTH_TEXT_FIELD_COUNT, NULL, 0);
		/* the field without surrounding white space */
		stop = p;
		while (start < stop && IsSpace(*start))
			start++;
		while (stop > start && IsSpace(stop[-1]))
			stop--;
		field[i] = start;
		flen[i] = (size_t) (stop - start);
		p++;					/* skip the ',' or ')' */
	}
	while (p < end && IsSpace(*p))
		p++;
	if (p != end)
		return Fail(err, HEALTH_TEXT_TRAILING, NULL, 0);

	code = ParseNumber(field[0], flen[0], "score", 100.0, &out->score, err);
	if (code != HEALTH_PARSE_OK)
		return code;

	out->band = HealthParseBand(field[1], flen[1]);
	if (out->band == 0)
		return Fail(err, flen[1] == 0 ? HEALTH_TEXT_BAND_MISSING : HEALTH_TEXT_BAND_UNKNOWN,
					field[1], flen[1]);

	code = ParseNumber(field[2], flen[2], "coverage", 1.0, &out->coverage, err);
	if (code != HEALTH_PARSE_OK)
		return code;

	if (flen[3] != 0 && !HealthParseMeasureName(field[3], flen[3]))
		return Fail(err, HEALTH_TEXT_MEASURE_INVALID, field[3], flen[3]);
	memcpy(out->weakest, field[3], flen[3]);
	out->weakest[flen[3]] = '\0';
	out->weakest_len = (int) flen[3];
	return HEALTH_PARSE_OK;
}

/* A big-endian float8 at p */
static double
GetFloat8(const unsigned char *p)
{
	uint64_t	bits = ReadBigEndian(p, 8);
	double		d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* Store v big-endian at p */
static void
PutFloat8(unsigned char *p, double v)
{
	uint64_t	bits;

	memcpy(&bits, &v, sizeof(bits));
	WriteBigEndian(p, bits, 8);
}

/*
 * Decode the binary form.  Everything the text parser checks is checked
 * again, since no send output can fail these checks.
 */
HealthParseCode
HealthDecodeBinary(const unsigned char *buf, size_t len, HealthValue *out,
				   HealthParseError *err)
{
	size_t		n;

	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	if (len < HEALTH_MIN_BINARY_LEN)
		return Fail(err, HEALTH_BIN_TOO_SHORT, NULL, 0);
	err->value = buf[0];
	if (buf[0] != HEALTH_FORMAT_VERSION)
		return Fail(err, HEALTH_BIN_VERSION, NULL, 0);
	err->value = buf[1];
	if (buf[1] < HEALTH_BAND_RED || buf[1] > HEALTH_BAND_GREEN)
		return Fail(err, HEALTH_BIN_BAND, NULL, 0);
	out->band = buf[1];
	out->score = GetFloat8(buf + 2);
	if (isnan(out->score) || out->score < 0.0 || out->score > 100.0)
		return Fail(err, HEALTH_BIN_SCORE, NULL, 0);
	out->coverage = GetFloat8(buf + 10);
	if (isnan(out->coverage) || out->coverage < 0.0 || out->coverage > 1.0)
		return Fail(err, HEALTH_BIN_COVERAGE, NULL, 0);

	/* a negative int32 count is as wrong as one past the end */
	n = (uint32_t) ReadBigEndian(buf + 18, 4);
	if (n > len - HEALTH_MIN_BINARY_LEN)
		return Fail(err, HEALTH_BIN_WEAKEST_LENGTH, NULL, 0);
	/* measure names are ASCII, so a valid one takes no more bytes in any encoding */
	if (n > HEALTH_MEASURE_NAME_MAX)
		return Fail(err, HEALTH_BIN_WEAKEST_TOO_LONG, NULL, 0);
	if (n != len - HEALTH_MIN_BINARY_LEN)
		return Fail(err, HEALTH_BIN_TRAILING, NULL, 0);
	if (memchr(buf + HEALTH_MIN_BINARY_LEN, '\0', n) != NULL)
		return Fail(err, HEALTH_BIN_WEAKEST_NUL, NULL, 0);
	if (n > 0 && !HealthParseMeasureName((const char *) buf + HEALTH_MIN_BINARY_LEN, n))
		return Fail(err, HEALTH_BIN_WEAKEST_INVALID, NULL, 0);
	memcpy(out->weakest, buf + HEALTH_MIN_BINARY_LEN, n);
	out->weakest[n] = '\0';
	out->weakest_len = (int) n;
	return HEALTH_PARSE_OK;
}

/* Bytes of the binary form of v */
size_t
HealthBinarySize(const HealthValue *v)
{
	return HEALTH_MIN_BINARY_LEN + (size_t) v->weakest_len;
}

/* Write the binary form of v into buf of HealthBinarySize(v) bytes */
void
HealthEncodeBinary(const HealthValue *v, unsigned char *buf)
{
	uint32_t	n = (uint32_t) v->weakest_len;

	buf[0] = HEALTH_FORMAT_VERSION;
	buf[1] = (unsigned char) v->band;
	PutFloat8(buf + 2, v->score);
	PutFloat8(buf + 10, v->coverage);
	WriteBigEndian(buf + 18, n, 4);
	memcpy(buf + HEALTH_MIN_BINARY_LEN, v->weakest, n);
}

/* Write the text form of v into buf of size bytes; the length written */
size_t
HealthFormatText(const HealthValue *v, char *buf, size_t size)
{
	char		score[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		coverage[DOUBLE_SHORTEST_DECIMAL_LEN];
	const char *band = HealthParseBandName(v->band);
	int			n;

	double_to_shortest_decimal_buf(v->score, score);
	double_to_shortest_decimal_buf(v->coverage, coverage);
	n = snprintf(buf, size, "(%s,%s,%s,%s)", score, band ? band : "?",
				 coverage, v->weakest);
	return n < 0 ? 0 : (size_t) n;
}
