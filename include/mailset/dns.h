/* SPDX-License-Identifier: MIT */
/* dns.h - the DNS check of the sending domain: MX, SPF, DKIM, DMARC.
 *
 * dns_check() asks the system's resolver, or the server named in the
 * options, about the system email's domain and judges what it finds
 * against the Gmail sender guidelines the admin guide points to: SPF or
 * DKIM, and forward-confirmed reverse DNS of the SMTP server, for every
 * sender; SPF, DKIM and DMARC for bulk senders. SPF is evaluated in full
 * (spf.h) for each address of the SMTP server; DMARC is looked up at the
 * domain, then at its organisational domain (Public Suffix List). Each record
 * gets a verdict, a reason and, where something is missing or wrong, the
 * record to add. It blocks (a few seconds at most per question): run it off
 * the UI thread. */
#ifndef MAILSET_DNS_H
#define MAILSET_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "mailset/presets.h"
#include "mailset/settings.h"

enum dns_verdict {
	DV_OK,
	DV_MISSING,
	DV_WRONG,
	DV_UNKNOWN,          /* cannot tell: say so rather than guess */
	DV_INFO
};

struct dns_item {
	const char *what;    /* "MX", "SPF", "PTR", "DKIM sel", "DMARC", "A label" */
	enum dns_verdict v;
	char *detail;        /* what was found, or "" */
	char *reason;        /* why this verdict (translated) */
	char *suggest;       /* a record to add, or NULL */
};

struct dns_report {
	char *domain;
	char *server;        /* "system resolver" or ADDR:PORT */
	struct dns_item *items;
	size_t n;
	const struct preset *provider; /* detected, or NULL */
	bool offer_preset;   /* ... and the SMTP settings are empty */
	char *provider_why;
	bool required_met;   /* SPF or DKIM */
	bool bulk_met;       /* SPF, DKIM and DMARC */
	int status;          /* sysexits.h: 0, 65 required missing, 69/75 DNS */
	char *verdict;       /* one sentence */
	char **labels;       /* storage of the items' "DKIM selector" names */
	size_t nlabels;
	size_t questions;    /* DNS questions asked */
	size_t round_trips;  /* times the check waited for answers */
};

struct dns_opts {
	const char *server;          /* "ADDR[:PORT]", NULL: the system's */
	const char *const *selectors; /* DKIM selectors to look at */
	size_t nselectors;
	long timeout_ms;             /* per question; 0: 2000 */
	bool in_editor;              /* messages name the pane's fields, not options */
	void *storage;               /* dns_opts_from_settings()'s, or NULL */
};

/* Options from s: server = [dns] server (NULL when empty: the system's
 * resolver), selectors = [dns] dkim_selectors split at commas and blanks
 * (none when empty: the provider's are looked at); the rest zero. server
 * points into s, which must outlive o; the selectors are o's own. The
 * caller may then override any member (the command line's --server and
 * --selector do). Release with dns_opts_free(). */
void dns_opts_from_settings(struct dns_opts *o, const struct settings *s);
void dns_opts_free(struct dns_opts *o);

/* Check the domain of s's system email. Returns r->status. */
int dns_check(const struct settings *s, const struct preset_list *pl,
	      const struct dns_opts *o, struct dns_report *r);
/* The report as text, as the command prints it and the panel saves it. */
char *dns_report_text(const struct dns_report *r);
/* The same text line by line (without the newline), each with the item it
 * shows when it is that item's first line (the one with its verdict), else
 * NULL. */
typedef void (*dns_line_fn)(void *ctx, const struct dns_item *it, const char *line);
void dns_report_lines(const struct dns_report *r, dns_line_fn fn, void *ctx);
void dns_report_free(struct dns_report *r);

#endif
