/*-------------------------------------------------------------------------
 *
 * byte_order.h
 *	  Big-endian integers in the binary forms of the extension's types, as
 *	  PostgreSQL's pq_sendint64 and pq_getmsgint64 write and read them.
 *
 * Plain C with no backend dependency: the parsing cores of the types
 * (health_parse.c, activity_parse.c, survival_parse.c, survey_parse.c,
 * cohort_state_parse.c) use it, and so can
 * the libFuzzer harness that drives them outside a server.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_BYTE_ORDER_H
#define RETENTION_BYTE_ORDER_H

#include <stdint.h>

/* The n-byte (n <= 8) big-endian unsigned integer at p */
static inline uint64_t
ReadBigEndian(const unsigned char *p, int n)
{
	uint64_t	v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Store the low n bytes (n <= 8) of v big-endian at p */
static inline void
WriteBigEndian(unsigned char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char) (v & 0xff);
}

#endif							/* RETENTION_BYTE_ORDER_H */
