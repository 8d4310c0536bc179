/* SPDX-License-Identifier: MIT */
/* spf.h - RFC 7208 check_host(): the SPF result for one client address.
 *
 * Complete: every mechanism (all, include, a, mx, ptr, ip4, ip6, exists),
 * the modifiers redirect and exp, macros (section 7), the limits of 4.6.4
 * (10 DNS-querying terms, 10 MX or PTR names each, 2 void lookups), syntax
 * errors as permerror, DNS failures as temperror. DNS goes through the
 * resolver (resolver.h); the terms of a record are queued before it is
 * evaluated, so the questions of one record go out together. */
#ifndef MAILSET_SPF_H
#define MAILSET_SPF_H

#include <stdbool.h>

#include "mailset/resolver.h"

enum spf_result {
	SPF_NONE,
	SPF_NEUTRAL,
	SPF_PASS,
	SPF_FAIL,
	SPF_SOFTFAIL,
	SPF_TEMPERROR,
	SPF_PERMERROR
};

/* "pass", "fail", ... as RFC 7208 spells them. */
const char *spf_result_name(enum spf_result r);

struct spf_query {
	struct dnsr_addr ip;     /* the client: the SMTP server's address */
	const char *sender;      /* MAIL FROM: local@domain (basic.system_email) */
	const char *helo;        /* the HELO/EHLO name */
	const char *domain;      /* where to start: the sender's domain */
	const char *receiver;    /* the "r" macro; NULL: "unknown" */
};

struct spf_outcome {
	enum spf_result result;
	char *reason;            /* why: the record and term that decided, or the
				  * error (English, safe to show); new string */
	char *record;            /* the domain's own SPF record, or NULL */
	char *explanation;       /* exp= text on fail, or NULL */
	int lookups;             /* DNS-querying terms used (limit 10) */
	int void_lookups;        /* (limit 2) */
};

/* Evaluate; fills *out (release with spf_outcome_free). Returns the result. */
enum spf_result spf_check_host(struct dnsr *dns, const struct spf_query *q,
			       struct spf_outcome *out);
void spf_outcome_free(struct spf_outcome *o);

#endif
