/* SPDX-License-Identifier: MIT */
/* resolver.h - DNS questions asked in parallel, each one once, through
 * c-ares.
 *
 * A caller queues the questions it will need (dnsr_want) and then reads
 * answers (dnsr_get): the first dnsr_get sends every queued question at
 * once and waits only for the one it asked for, so a check that queues its
 * independent questions first costs one round trip for all of them.
 * Answers are cached for the life of the resolver: a name and type asked
 * twice go out once. Everything blocks at most timeout_ms per question.
 * Not thread-safe; one resolver per check. */
#ifndef MAILSET_RESOLVER_H
#define MAILSET_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>

/* Types, as on the wire (arpa/nameser.h's ns_t_*). */
enum { DNSR_A = 1, DNSR_PTR = 12, DNSR_MX = 15, DNSR_TXT = 16, DNSR_AAAA = 28 };

enum dnsr_status {
	DR_OK,           /* records in the answer */
	DR_NODATA,       /* the name exists, no record of this type */
	DR_NXDOMAIN,     /* no such name */
	DR_SERVFAIL,     /* the server could not answer (temporary) */
	DR_REFUSED,      /* the server would not answer this question */
	DR_TIMEOUT,      /* no answer in time */
	DR_UNREACHABLE,  /* nothing listens at the server (connection refused) */
	DR_ERROR         /* anything else: malformed answer, no memory... */
};

struct dnsr_addr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char b[16];
};

struct dnsr_rr {
	char *text;              /* TXT: the record's strings joined;
				  * MX, PTR: the host name; A, AAAA: NULL */
	int pref;                /* MX preference */
	struct dnsr_addr addr;   /* A, AAAA */
};

/* The question got no answer at all (not "no such name" nor "no record"). */
static inline bool dnsr_failed(enum dnsr_status st)
{
	return st != DR_OK && st != DR_NODATA && st != DR_NXDOMAIN;
}

struct dnsr_answer {
	enum dnsr_status status;
	struct dnsr_rr *rr;      /* owned by the resolver */
	size_t n;
};

struct dnsr;

/* server: NULL for the system's (/etc/resolv.conf), else "ADDR",
 * "ADDR:PORT", "[V6ADDR]:PORT" or a bare IPv6 address. NULL with *err (new,
 * translated) when it cannot be used. */
struct dnsr *dnsr_open(const char *server, long timeout_ms, char **err);
void dnsr_close(struct dnsr *r);

/* Queue a question without waiting (no-op when asked before). */
void dnsr_want(struct dnsr *r, const char *name, int type);
/* The answer, waiting for it (and sending whatever was queued). The
 * pointer stays valid until dnsr_close(). Never NULL. */
const struct dnsr_answer *dnsr_get(struct dnsr *r, const char *name, int type);

/* For the benchmark and the tests: questions sent, and round trips (the
 * sends the caller had to wait for, each counted once: the length of the
 * chain of questions that depended on earlier answers). */
size_t dnsr_questions(const struct dnsr *r);
size_t dnsr_round_trips(const struct dnsr *r);

/* "192.0.2.1" / "2001:db8::1" (buf of at least 46 bytes). */
const char *dnsr_addr_text(const struct dnsr_addr *a, char *buf, size_t n);
/* The reverse name: "1.2.0.192.in-addr.arpa" / nibbles ".ip6.arpa". New. */
char *dnsr_reverse_name(const struct dnsr_addr *a);

#endif
