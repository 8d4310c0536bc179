/* SPDX-License-Identifier: MIT */
/* settings.h - the field table and the values of one configuration.
 *
 * Every setting of the INI schema is described once, in settings_fields[]:
 * where it lives in the file, its labels and help text in Japanese and
 * English (from the admin guide), what kind of value it holds, its default
 * and when it is shown. The loader, the writer, validation, the command line
 * and the editor all read this table; none of them lists fields of its own. */
#ifndef MAILSET_SETTINGS_H
#define MAILSET_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "mailset/inifile.h"

enum field_id {
	F_CONTACT_EMAIL,
	F_SYSTEM_EMAIL,
	F_SENDER_NAME,
	F_BCC,
	F_NOTIFY_PRIORITY,
	F_HOST,
	F_PORT,
	F_USERNAME,
	F_PASSWORD,
	F_AUTH,
	F_TLS,
	F_CA_FILE,
	F_SMS_AUTH,
	F_TWILIO,
	F_DNS_SERVER,
	F_DNS_SELECTORS,
	F_COUNT
};

enum field_kind {
	FK_ADDRESS,      /* one mail address */
	FK_ADDRESS_LIST, /* comma-separated addresses, may span lines */
	FK_DISPLAY_NAME, /* free text without RFC 5322 specials */
	FK_HOST,         /* host name or IP literal */
	FK_PORT,         /* 1-65535 */
	FK_TEXT,         /* free text (user name) */
	FK_SECRET,       /* free text, never shown or printed by default */
	FK_CHOICE,       /* one of field.choices */
	FK_PATH,         /* a file name */
	FK_NAMESERVER,   /* IPv4 address and optional :port */
	FK_SELECTORS     /* comma-separated DKIM selectors */
};

#define FIELD_REQUIRED  0x1u /* must not be empty */
#define FIELD_SECRET    0x2u /* masked, never printed unless asked */
#define FIELD_ADVANCED  0x4u /* the admin screen's 高度な設定 */

struct settings;

/* When a field is shown, and why it is not otherwise. */
struct visibility {
	bool (*shown)(const struct settings *s);
	const char *why_hidden;          /* msgid: "can be changed only while ..." */
};

struct field {
	enum field_id id;
	const char *section;
	const char *key;
	const char *label_ja;
	const char *label_en;
	const char *help_ja;
	const char *help_en;
	enum field_kind kind;
	const char *def;                 /* default; "" for none */
	const char *const *choices;      /* FK_CHOICE: NULL-terminated */
	unsigned flags;
	/* NULL: always shown. Otherwise shown and editable only while
	 * visible->shown() returns true; a hidden value is kept untouched. */
	const struct visibility *visible;
	/* FK_CHOICE: how each of choices[] is shown, in the same order and
	 * NULL-terminated likewise (「有効」 for "on"); NULL elsewhere. */
	const char *const *choice_labels_ja;
	const char *const *choice_labels_en;
};

extern const struct field settings_fields[F_COUNT];

/* Sections in the order the admin screen shows them. */
struct section_info {
	const char *name;
	const char *label_ja;
	const char *label_en;
};
extern const struct section_info settings_sections[];
extern const size_t settings_nsections;

/* The section named name, or NULL. */
const struct section_info *settings_section(const char *name);
/* The field named "section.key", or NULL. */
const struct field *settings_field_by_name(const char *dotted);
/* The field of key in the section si (from settings_section()), or NULL.
 * A run of entries shares its section string (ini_entry): look the
 * section up once per run, and keys only in a known one. */
const struct field *settings_field_in(const struct section_info *si, const char *key);
/* "section.key" of a field, in a static buffer per field (never freed). */
const char *settings_field_name(enum field_id id);
/* The field's label in the current language. */
const char *settings_label(enum field_id id);
/* The help text: the guide's sentences, lines separated by "\n". */
const char *settings_help(enum field_id id);
/* How a choice's value is shown in the current language: "有効" for tls
 * "on" in Japanese, "On" in English (the value matched without regard to
 * ASCII case). A value that is not one of the field's choices, or a field
 * without choices, is shown as it is: value itself is returned. Static
 * strings (or value); never NULL. The file and `get` keep the values. */
const char *settings_choice_label(enum field_id id, const char *value);

/* The values of one configuration. value[i] is NULL when the file does not
 * set the key; settings_get() then answers the default. */
struct settings {
	char *value[F_COUNT];
};

/* Where each field is set in doc: at[id] is the entry in force (the last
 * one of its key, as in the shop's reader), or NULL. One pass over the
 * entries, allocating nothing. */
void settings_index(const struct ini_doc *doc, const struct ini_entry *at[F_COUNT]);
/* Take the known keys' values from a parsed file (the last occurrence of a
 * key wins, as in the shop's reader). s must be zeroed or freed before. */
void settings_from_doc(struct settings *s, const struct ini_doc *doc);
void settings_copy(struct settings *dst, const struct settings *src);
void settings_free(struct settings *s);

/* The value in force: the file's value, else the default. Never NULL. */
const char *settings_get(const struct settings *s, enum field_id id);
/* True when the file sets the key (even to ""). */
bool settings_has(const struct settings *s, enum field_id id);
/* Replace a value (copied). */
void settings_set(struct settings *s, enum field_id id, const char *value);
bool settings_visible(const struct settings *s, enum field_id id);
/* Why a field cannot be changed now, as a translated sentence that
 * follows "section.key: " (static, never freed); NULL while it is shown.
 * The command line refuses a `set` of it with this, the editor can say the
 * same. */
const char *settings_hidden_reason(const struct settings *s, enum field_id id);
/* True when the value set for an on/off switch is "on". */
bool settings_on(const struct settings *s, enum field_id id);

/* The lines of the file that hold a field, for messages: the first line of
 * the key's last occurrence, else the line of its section header, else 0. */
int settings_line(const struct ini_doc *doc, enum field_id id);

/* Render doc with the values of s that differ from doc's, and re-read the
 * result through inih to prove every value reads back exactly. Returns 0
 * with the bytes in out and the document they make in nd (both the
 * caller's), or -1 with e filled. */
int settings_render(const struct ini_doc *doc, const struct settings *s,
		    struct strbuf *out, struct ini_doc *nd, struct ini_error *e);
/* What a save of s over doc would write, as a new document: returns 0
 * with nd filled (nd->buf and nd->len are the new file's bytes, re-read
 * through inih as settings_render() does: nd is that reading); 1 when the
 * bytes would be doc's own (doc->buf) -- no value differs, or those that
 * differ render as they are -- and nd is left empty: nothing needs
 * writing, nothing was re-read; or -1 with e filled. */
int settings_update(const struct ini_doc *doc, const struct settings *s,
		    struct ini_doc *nd, struct ini_error *e);
/* settings_render(), then save atomically to path (see
 * inifile_write_atomic), even when nothing changed. On success doc is
 * replaced by the saved document and 0 is returned; on failure the file on
 * disk and doc are unchanged, e is filled and -1 is returned. */
int settings_save(const char *path, struct ini_doc *doc,
		  const struct settings *s, struct ini_error *e);

#endif
