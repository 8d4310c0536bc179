/* SPDX-License-Identifier: MIT */
/* validate.h - the rules of SPEC section 1, one function per kind of value.
 *
 * Each validate_*() returns NULL when the value is acceptable, or a new
 * translated sentence saying what is wrong and what to do (caller frees).
 * The sentence does not name the field: callers prefix "section.key: " or
 * show it under the field. */
#ifndef MAILSET_VALIDATE_H
#define MAILSET_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "mailset/settings.h"

#define ADDR_LOCAL_MAX 64     /* RFC 5321 4.5.3.1.1 */
#define ADDR_MAX 254          /* RFC 5321 path limit less the brackets */
#define DISPLAY_NAME_MAX 64   /* characters */
/* What fits after "system_sender_name = " on a line inih reads (197 bytes
 * and the line ending): 58 full-width characters of 3 bytes each. */
#define DISPLAY_NAME_MAX_BYTES 176

char *validate_address(const char *s);
char *validate_address_list(const char *s);
char *validate_display_name(const char *s);
char *validate_host(const char *s);
char *validate_port(const char *s);
char *validate_choice(const char *s, const char *const *choices);
char *validate_nameserver(const char *s);
char *validate_selectors(const char *s);

/* The field's own rule, including whether inih can carry the value and
 * whether a required field is empty. */
char *validate_field(enum field_id id, const char *value);

/* What a person or a script typed, as it should be stored: blanks around
 * BCC commas removed, enum values in lower case, and for a provider that
 * needs an app password (app_password_len > 0), the spaces Google shows
 * between the groups removed. Returns a new string. */
char *validate_normalize(enum field_id id, const char *value, int app_password_len);

enum severity { SEV_ERROR, SEV_WARNING };

struct problem {
	enum field_id field;
	enum severity sev;
	char *msg;
};

struct problems {
	struct problem *v;
	size_t n;
};

/* Every field's rule (hidden fields are skipped) plus the rules between
 * fields: user name required unless auth = none; BCC duplicates and BCC
 * equal to the contact address (warnings); TLS off (warning).
 * Appends to out; release with problems_free(). */
void validate_all(const struct settings *s, struct problems *out);
/* Only the rules that involve field id (for set and the editor). */
void validate_one(const struct settings *s, enum field_id id, struct problems *out);
/* Append one problem; msg (a new string) becomes the list's. */
void problems_add(struct problems *p, enum field_id f, enum severity sev, char *msg);
size_t problems_errors(const struct problems *p);
void problems_free(struct problems *p);

#endif
