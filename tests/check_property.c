/* SPDX-License-Identifier: MIT */
/* check_property.c - for every value `set` accepts, the saved file read back
 * through libinih yields exactly that value.
 *
 * For each field, many candidate values are generated from a deterministic
 * PRNG (seed printed on failure; MAILSET_PROP_SEED=N to replay, and
 * MAILSET_PROP_N=N candidates per field): ASCII, Japanese, mixed, boundary
 * lengths, blanks, ';', ' ;', '#', '=', tabs, control characters, invalid
 * UTF-8, long BCC lists. Each goes through validate_normalize() and
 * validate_field() exactly as `set` does; an accepted value is set on
 * settings loaded from a small base file and saved with settings_save(),
 * and the saved file is parsed with the system's libinih (ini_parse, handler
 * with the line number, as Debian builds it). The value inih reads must be
 * the accepted value (for basic.bcc: the same list), every line must fit
 * inih's buffer (HACKING: at most 197 bytes plus the line ending), and
 * every other key must read as before.
 *
 * So that the test cannot pass by rejecting everything, at least 30% of the
 * candidates of each field must be accepted. */
#include <check.h>
#include <errno.h>
#include <ini.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/inifile.h"
#include "mailset/settings.h"
#include "mailset/util.h"
#include "mailset/validate.h"
#include "testutil.h"

#define BOM "\xef\xbb\xbf"

static uint64_t seed;
static int ncand = 300;

/* --- PRNG ---------------------------------------------------------------------- */

static uint64_t rs;
static uint32_t rnd(uint32_t n)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return n ? (uint32_t)((rs * 0x2545F4914F6CDD1DULL) >> 33) % n : 0;
}
static bool chance(int percent) { return (int)rnd(100) < percent; }
#define PICK(arr) (arr[rnd(sizeof arr / sizeof arr[0])])

/* --- helpers ----------------------------------------------------------------- */

static const char *vis(const char *s)
{
	struct strbuf sb = {0};
	sb_adds(&sb, "");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			sb_adds(&sb, "\\n");
		else if (c == '\r')
			sb_adds(&sb, "\\r");
		else if (c == '\t')
			sb_adds(&sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			sb_addf(&sb, "\\x%02x", c);
		else
			sb_addc(&sb, (char)c);
	}
	return sb_steal(&sb); /* lives as long as the failing test */
}


/* Every key = value inih reports, continuation pieces joined by "\n". */
struct kv {
	char *section, *key;
	struct strbuf val;
	int calls;
};
struct kvs {
	struct kv *v;
	size_t n;
};

static struct kv *kvs_find(const struct kvs *k, const char *section, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].section, section) && !strcmp(k->v[i].key, key))
			return &k->v[i];
	return NULL;
}

static int collect(void *user, const char *section, const char *name,
		   const char *value, int lineno)
{
	struct kvs *k = user;
	(void)lineno;
	struct kv *e = kvs_find(k, section, name);
	if (!e) {
		k->v = xrealloc(k->v, (k->n + 1) * sizeof *k->v);
		e = &k->v[k->n++];
		memset(e, 0, sizeof *e);
		e->section = xstrdup(section);
		e->key = xstrdup(name);
		sb_adds(&e->val, "");
	} else {
		sb_addc(&e->val, '\n');
	}
	sb_adds(&e->val, value);
	e->calls++;
	return 1;
}

static void kvs_free(struct kvs *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].section);
		free(k->v[i].key);
		sb_free(&k->v[i].val);
	}
	free(k->v);
	memset(k, 0, sizeof *k);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
	struct strbuf sb = {0};
	char buf[4096];
	size_t n;
	sb_adds(&sb, "");
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	return sb_steal(&sb);
}

/* --- base files ---------------------------------------------------------------- */

static const char *const bases[] = {
	"; base file, every key\n"
	"[basic]\n"
	"contact_email = shop@example.com\n"
	"system_email = noreply@example.com\n"
	"system_sender_name = Base Shop\n"
	"bcc = a@example.com,\n"
	"  b@example.com\n"
	"notify_priority = email\n"
	"\n"
	"[smtp]\n"
	"host = smtp.example.com\n"
	"port = 587\n"
	"username = noreply@example.com\n"
	"password = base-secret\n"
	"auth = plain\n"
	"tls = on\n"
	"ca_file =\n"
	"\n"
	"[options]\n"
	"sms_auth = off\n"
	"twilio = off\n",

	"[basic]\n"
	"contact_email = shop@example.com",

	BOM "; CRLF, comments, unknown keys\r\n"
	"[smtp]\r\n"
	"host = smtp.example.com ; relay\r\n"
	"timeout = 30\r\n"
	"\r\n"
	"[x-other]\r\n"
	"k = v\r\n"
	"\r\n"
	"[basic]\r\n"
	"system_email = noreply@example.com\r\n",
};

/* --- candidate values ---------------------------------------------------------- */

static const char *const alnum_units[] = {
	"a", "b", "c", "k", "m", "s", "x", "z", "A", "Q", "Z", "0", "1", "5", "9",
};
static const char *const ja_units[] = {
	"日", "本", "語", "お", "客", "様", "窓", "口", "ショップ", "株式会社", "ｶ", "ﾅ",
	"ー", "　", "😀", "é", "ü", "ß",
};
static const char *const safe_punct[] = {
	"#", "=", "!", "&", "-", "_", "'", "?", "+", "*", "~", "/", "%", "$", "^", "{", "}",
};
static const char *const dirty_units[] = {
	"\t", ";", " ;", "\t;", "\r", "\n", "\r\n", "\x01", "\x1f", "\x7f", "\xff", "\xc3",
	"\xe3\x81", "\xc0\xaf", "(", ")", "<", ">", "[", "]", ":", "@", "\\", ",", ".",
	"\"", " ", "  ", "\xc2\x85", ";;", "#", "=",
};

static void add_unit(struct strbuf *sb, bool japanese, bool punct)
{
	int r = (int)rnd(10);
	if (japanese && r < 3)
		sb_adds(sb, PICK(ja_units));
	else if (punct && r == 3)
		sb_adds(sb, PICK(safe_punct));
	else
		sb_adds(sb, PICK(alnum_units));
}

/* Words of units separated by single spaces, at most maxchars units. */
static void add_words(struct strbuf *sb, int maxchars, bool japanese, bool punct)
{
	int words = 1 + (int)rnd(4);
	int budget = 1 + (int)rnd((uint32_t)maxchars);
	for (int w = 0; w < words && budget > 0; w++) {
		if (w) {
			sb_addc(sb, ' ');
			budget--;
		}
		int len = 1 + (int)rnd(10);
		for (int i = 0; i < len && budget > 0; i++, budget--)
			add_unit(sb, japanese, punct);
	}
}

/* Insert one or two dirty units somewhere, or a blank at either end. */
static char *dirty(char *s)
{
	struct strbuf sb = {0};
	int how = (int)rnd(5);
	if (how == 0) {
		sb_adds(&sb, PICK(dirty_units));
		sb_adds(&sb, s);
	} else if (how == 1) {
		sb_adds(&sb, s);
		sb_adds(&sb, PICK(dirty_units));
	} else {
		size_t len = strlen(s);
		size_t at = len ? rnd((uint32_t)len + 1) : 0;
		sb_add(&sb, s, at);
		sb_adds(&sb, PICK(dirty_units));
		if (how == 4)
			sb_adds(&sb, PICK(dirty_units));
		sb_adds(&sb, s + at);
	}
	free(s);
	return sb_steal(&sb);
}

static void add_label(struct strbuf *sb, int len)
{
	static const char lc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	for (int i = 0; i < len; i++) {
		if (i > 0 && i < len - 1 && rnd(8) == 0)
			sb_addc(sb, '-');
		else
			sb_addc(sb, lc[rnd(sizeof lc - 1)]);
	}
}

static void add_domain(struct strbuf *sb, int target_len)
{
	static const char *const tlds[] = { "com", "jp", "co.jp", "net", "org", "example", "shop" };
	if (target_len > 0) {
		/* Labels of up to 63 bytes until the domain is about target_len. */
		int left = target_len - 4;
		while (left > 0) {
			int l = left > 63 ? 40 + (int)rnd(24) : left;
			add_label(sb, l);
			sb_addc(sb, '.');
			left -= l + 1;
		}
		sb_adds(sb, "com");
		return;
	}
	int labels = 1 + (int)rnd(3);
	for (int i = 0; i < labels; i++) {
		add_label(sb, 1 + (int)rnd(12));
		sb_addc(sb, '.');
	}
	sb_adds(sb, PICK(tlds));
}

static char *gen_address(void)
{
	static const char lc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char inner[] = ".+-_";
	struct strbuf sb = {0};
	int r = (int)rnd(100);
	int local = 1 + (int)rnd(20);
	int dom = 0;
	if (r < 5)
		local = 64 + (int)rnd(2);           /* the local-part limit */
	else if (r < 12)
		dom = 120 + (int)rnd(80);           /* around the line limit */
	for (int i = 0; i < local; i++) {
		if (i > 0 && i < local - 1 && rnd(10) == 0 && sb.buf && sb.buf[sb.len - 1] != '.')
			sb_addc(&sb, inner[rnd(sizeof inner - 1)]);
		else
			sb_addc(&sb, lc[rnd(sizeof lc - 1)]);
	}
	sb_addc(&sb, '@');
	add_domain(&sb, dom);
	char *s = sb_steal(&sb);
	if (chance(25))
		s = dirty(s);
	else if (chance(3)) {
		char *t = xasprintf("お客様%s", s);
		free(s);
		s = t;
	}
	return s;
}

static char *gen_address_list(void)
{
	static const char *const seps[] = { ",", ",", ", ", " , ", " ,", ",\t" };
	struct strbuf sb = {0};
	sb_adds(&sb, "");
	int n = (int)rnd(6);
	if (chance(15))
		n = 10 + (int)rnd(30);              /* long: wraps */
	bool bad = chance(15);
	int bad_at = n ? (int)rnd((uint32_t)n) : 0;
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(&sb, PICK(seps));
		char *a = gen_address();
		if (bad && i == bad_at) {
			sb_adds(&sb, a);
		} else {
			/* A plain, valid-looking address. */
			free(a);
			struct strbuf t = {0};
			sb_addf(&t, "user%u", rnd(100000));
			if (chance(30))
				sb_addf(&t, ".%c%u", 'a' + (int)rnd(26), rnd(100));
			sb_addc(&t, '@');
			add_domain(&t, 0);
			a = sb_steal(&t);
			sb_adds(&sb, a);
		}
		free(a);
	}
	if (chance(3))
		sb_addc(&sb, ',');
	return sb_steal(&sb);
}

static char *gen_display_name(void)
{
	struct strbuf sb = {0};
	sb_adds(&sb, "");
	int r = (int)rnd(100);
	if (r < 4) {
		for (int i = 0; i < 63 + (int)rnd(3); i++)
			sb_addc(&sb, (char)('a' + i % 26));
	} else if (r < 8) {
		for (int i = 0; i < 55 + (int)rnd(12); i++)
			sb_adds(&sb, i % 2 ? "窓" : "口");
	} else if (r < 12) {
		sb_adds(&sb, "ecforceお客様窓口");
	} else {
		add_words(&sb, 40, true, true);
	}
	char *s = sb_steal(&sb);
	if (chance(30))
		s = dirty(s);
	return s;
}

static char *gen_host(void)
{
	static const char *const idn[] = {
		"例え.jp", "テスト.example.com", "日本語.jp", "mail.例え.テスト", "bücher.example",
	};
	static const char *const odd[] = {
		"::1", "[::1]", "localhost", "host:25", "-bad.example.com", "bad-.example.com",
		"a..b.example.com", "under_score.example.com", "trailing.dot.", "256.1.1.1",
		"1.2.3", "smtp.example.com.", "SMTP.EXAMPLE.COM", "xn--r8jz45g.jp", "",
	};
	struct strbuf sb = {0};
	sb_adds(&sb, "");
	int r = (int)rnd(100);
	if (r < 15) {
		sb_addf(&sb, "%u.%u.%u.%u", rnd(256), rnd(256), rnd(256), rnd(256));
	} else if (r < 22) {
		sb_adds(&sb, PICK(idn));
	} else if (r < 30) {
		sb_adds(&sb, PICK(odd));
	} else if (r < 35) {
		add_label(&sb, 60 + (int)rnd(8));
		sb_adds(&sb, ".example.com");
	} else if (r < 40) {
		add_domain(&sb, 150 + (int)rnd(60));
	} else {
		add_domain(&sb, 0);
		if (chance(10))
			for (char *p = sb.buf; *p; p++)
				if (*p >= 'a' && *p <= 'z' && rnd(2))
					*p = (char)(*p - 'a' + 'A');
	}
	char *s = sb_steal(&sb);
	if (chance(20))
		s = dirty(s);
	return s;
}

static char *gen_port(void)
{
	static const char *const edge[] = { "1", "65535", "0", "65536", "587", "465", "25" };
	static const char *const odd[] = {
		"0587", "+587", " 587", "587 ", "5 87", "-1", "", "abc", "99999999999999999999",
		"58\xef\xbc\x97", "0x1f", "1e3", "587;", "587 ; c", "\t587",
	};
	int r = (int)rnd(100);
	if (r < 70)
		return xasprintf("%u", 1 + rnd(65535));
	if (r < 80)
		return xstrdup(PICK(edge));
	return xstrdup(PICK(odd));
}

static char *gen_text(bool secret)
{
	struct strbuf sb = {0};
	sb_adds(&sb, "");
	int r = (int)rnd(100);
	if (r < 6) {
		/* Around the line limit: "password = " is 11 bytes. */
		int len = 175 + (int)rnd(30);
		for (int i = 0; i < len; i++)
			sb_addc(&sb, (char)('!' + (int)rnd(94)));
		while (sb.len && (sb.buf[0] == ';'))
			sb.buf[0] = 'x';
	} else if (r < 40 && !secret) {
		char *a = gen_address();
		sb_adds(&sb, a);
		free(a);
	} else if (r < 70 || !secret) {
		add_words(&sb, 30, true, true);
	} else {
		int len = 1 + (int)rnd(40);
		for (int i = 0; i < len; i++) {
			char c = (char)('!' + (int)rnd(94));
			if (i == 0 && c == ';')
				c = 'p';
			sb_addc(&sb, c);
		}
		if (chance(20))
			sb_adds(&sb, " inner space");
	}
	char *s = sb_steal(&sb);
	if (chance(20))
		s = dirty(s);
	return s;
}

static char *gen_choice(const struct field *f)
{
	static const char *const odd[] = {
		"", " x", "yes", "no", "true", "1", "on;", "off ; c", "ｏｎ", "e mail", "\t",
	};
	size_t n = 0;
	while (f->choices && f->choices[n])
		n++;
	int r = (int)rnd(100);
	if (n && r < 60)
		return xstrdup(f->choices[rnd((uint32_t)n)]);
	if (n && r < 80) {
		char *s = xstrdup(f->choices[rnd((uint32_t)n)]);
		for (char *p = s; *p; p++)
			if (*p >= 'a' && *p <= 'z' && rnd(2))
				*p = (char)(*p - 'a' + 'A');
		return s;
	}
	if (n && r < 90) {
		char *s = xstrdup(f->choices[rnd((uint32_t)n)]);
		return dirty(s);
	}
	return xstrdup(PICK(odd));
}

/* A CA file: a real PEM certificate when the system has one. */
static char *pem;

static void load_pem(void)
{
	if (pem)
		return;
	FILE *f = fopen("/etc/ssl/certs/ca-certificates.crt", "r");
	struct strbuf sb = {0};
	if (f) {
		char line[512];
		bool in = false;
		while (fgets(line, sizeof line, f)) {
			if (strstr(line, "-----BEGIN CERTIFICATE-----"))
				in = true;
			if (in)
				sb_adds(&sb, line);
			if (in && strstr(line, "-----END CERTIFICATE-----"))
				break;
		}
		fclose(f);
	}
	if (!sb.len)
		sb_adds(&sb, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
	pem = sb_steal(&sb);
}

static char *gen_path(const char *dir)
{
	static const char *const odd[] = {
		"", "relative/ca.pem", "/nonexistent/dir/ca.pem", "ca.pem",
	};
	int r = (int)rnd(100);
	if (r < 8)
		return xstrdup(PICK(odd));
	struct strbuf name = {0};
	sb_adds(&name, "");
	if (r < 14) {
		/* Long names, around the line limit ("ca_file = " is 10 bytes). */
		int len = 150 + (int)rnd(60);
		for (int i = 0; i < len; i++)
			sb_addc(&name, (char)('a' + (int)rnd(26)));
	} else {
		add_words(&name, 24, true, true);
		for (char *p = name.buf; *p; p++)
			if (*p == '/')
				*p = '_';
		sb_adds(&name, ".pem");
	}
	char *n = sb_steal(&name);
	if (chance(20)) {
		n = dirty(n);
		for (char *p = n; *p; p++)
			if (*p == '/')
				*p = '_';
	}
	char *path = xasprintf("%s/%s", dir, n);
	free(n);
	/* Create it, so that a check for an existing, readable file passes. */
	const char *base = strrchr(path, '/') + 1;
	if (*base && strlen(base) < 250 && strcmp(base, ".") && strcmp(base, "..")) {
		FILE *f = fopen(path, "w");
		if (f) {
			fputs(pem, f);
			fclose(f);
		}
	}
	return path;
}

static char *gen_nameserver(void)
{
	static const char *const odd[] = {
		"127.0.0.1:0", "::1", "dns.example.com", "127.0.0.1:", " 127.0.0.1", "1.2.3.4:5353 ;x",
		"256.1.1.1", "",
	};
	int r = (int)rnd(100);
	if (r < 50)
		return xasprintf("%u.%u.%u.%u", rnd(256), rnd(256), rnd(256), rnd(256));
	if (r < 80)
		return xasprintf("127.0.0.%u:%u", rnd(256), 1 + rnd(65535));
	return xstrdup(PICK(odd));
}

static char *gen_selectors(void)
{
	static const char *const some[] = { "default", "google", "selector1", "k1", "s-2024",
					    "mail_dkim", "a.b" };
	static const char *const odd[] = { "sel;x", " default", "default ", "日本", "a b ;c", "" };
	int r = (int)rnd(100);
	if (r < 40)
		return xstrdup(PICK(some));
	if (r < 80)
		return xasprintf("%s,%s", PICK(some), PICK(some));
	return xstrdup(PICK(odd));
}

static char *gen(const struct field *f, const char *dir)
{
	switch (f->kind) {
	case FK_ADDRESS:
		return gen_address();
	case FK_ADDRESS_LIST:
		return gen_address_list();
	case FK_DISPLAY_NAME:
		return gen_display_name();
	case FK_HOST:
		return gen_host();
	case FK_PORT:
		return gen_port();
	case FK_TEXT:
		return gen_text(false);
	case FK_SECRET:
		return gen_text(true);
	case FK_CHOICE:
		return gen_choice(f);
	case FK_PATH:
		return gen_path(dir);
	case FK_NAMESERVER:
		return gen_nameserver();
	case FK_SELECTORS:
		return gen_selectors();
	}
	return xstrdup("");
}

/* --- the property -------------------------------------------------------------- */

/* Every test's files live under one directory that main() removes after
 * all tests ran, so that a failing test (whose process ends at the failed
 * assertion) leaves nothing behind. */



static void check_one(enum field_id id, int n, const char *cand, const char *v,
		      const char *path)
{
	const struct field *f = &settings_fields[id];
	const char *name = settings_field_name(id);
	const char *base = bases[n % (int)(sizeof bases / sizeof bases[0])];
#define WHERE "seed %#llx, %s candidate %d \"%s\" (normalised \"%s\"): "
#define WARGS (unsigned long long)seed, name, n, vis(cand), vis(v)

	struct ini_doc doc;
	struct ini_error e;
	struct settings s;
	memset(&doc, 0, sizeof doc);
	memset(&e, 0, sizeof e);
	memset(&s, 0, sizeof s);
	ck_assert_msg(inifile_parse(base, strlen(base), &doc, &e) == INI_OK,
		      "base %d does not parse: %s", n % 3, e.msg);
	settings_from_doc(&s, &doc);
	settings_set(&s, id, v);
	int rc = settings_save(path, &doc, &s, &e);
	ck_assert_msg(rc == 0, WHERE "accepted but not saved: %s", WARGS, e.msg);

	/* Every line fits inih's buffer. */
	char *text = slurp(path);
	int lineno = 1;
	for (char *p = text; *p; lineno++) {
		size_t len = strcspn(p, "\n");
		size_t l = len && p[len - 1] == '\r' ? len - 1 : len;
		ck_assert_msg(l <= 197, WHERE "line %d is %zu bytes (more than 197)", WARGS,
			      lineno, l);
		p += len;
		if (*p)
			p++;
	}

	/* What the shop's reader sees. */
	struct kvs got = {0}, want = {0};
	int perr = ini_parse(path, collect, &got);
	ck_assert_msg(perr == 0, WHERE "inih reports an error on line %d of:\n%s", WARGS, perr,
		      vis(text));
	ck_assert_int_eq(ini_parse_string(base, collect, &want), 0);
	struct kv *k = kvs_find(&got, f->section, f->key);
	if (id == F_BCC) {
		char *c = canon_list(k ? k->val.buf : "");
		ck_assert_msg(!strcmp(c, v), WHERE "inih reads the list \"%s\"", WARGS, vis(c));
		free(c);
	} else if (!k) {
		ck_assert_msg(v[0] == '\0' && f->def[0] == '\0',
			      WHERE "the key is not in the saved file:\n%s", WARGS, vis(text));
	} else {
		ck_assert_msg(k->calls == 1, WHERE "the value spans %d lines:\n%s", WARGS,
			      k->calls, vis(text));
		ck_assert_msg(!strcmp(k->val.buf, v), WHERE "inih reads \"%s\"", WARGS,
			      vis(k->val.buf));
	}
	/* Nothing else changed. */
	for (size_t i = 0; i < want.n; i++) {
		struct kv *w = &want.v[i];
		if (!strcmp(w->section, f->section) && !strcmp(w->key, f->key))
			continue;
		struct kv *g = kvs_find(&got, w->section, w->key);
		ck_assert_msg(g != NULL, WHERE "%s.%s lost", WARGS, w->section, w->key);
		ck_assert_msg(!strcmp(g->val.buf, w->val.buf), WHERE "%s.%s became \"%s\"", WARGS,
			      w->section, w->key, vis(g->val.buf));
	}
	for (size_t i = 0; i < got.n; i++) {
		struct kv *g = &got.v[i];
		if (!strcmp(g->section, f->section) && !strcmp(g->key, f->key))
			continue;
		ck_assert_msg(kvs_find(&want, g->section, g->key) != NULL, WHERE "%s.%s appeared",
			      WARGS, g->section, g->key);
	}

	/* mailset's own reader agrees. */
	struct ini_doc again;
	struct settings s2;
	memset(&again, 0, sizeof again);
	memset(&s2, 0, sizeof s2);
	ck_assert_msg(inifile_load(path, &again, &e, NULL) == INI_OK, WHERE "reload: %s", WARGS,
		      e.msg);
	settings_from_doc(&s2, &again);
	if (id == F_BCC) {
		char *c = canon_list(settings_get(&s2, id));
		ck_assert_msg(!strcmp(c, v), WHERE "reloads as \"%s\"", WARGS, vis(c));
		free(c);
	} else if (k) {
		ck_assert_msg(!strcmp(settings_get(&s2, id), v), WHERE "reloads as \"%s\"", WARGS,
			      vis(settings_get(&s2, id)));
	}
	settings_free(&s2);
	inifile_free(&again);
	kvs_free(&got);
	kvs_free(&want);
	free(text);
	settings_free(&s);
	inifile_free(&doc);
#undef WHERE
#undef WARGS
}

START_TEST(test_property)
{
	enum field_id id = (enum field_id)_i;
	const struct field *f = &settings_fields[id];
	ck_assert_int_eq(f->id, id);
	load_pem();
	char *dir = tmpdir_new();
	char *cadir = xasprintf("%s/ca", dir);
	ck_assert_int_eq(mkdir(cadir, 0700), 0);
	char *path = xasprintf("%s/mail.ini", dir);
	rs = seed ^ (0x9E3779B97F4A7C15ULL * (uint64_t)(id + 1));
	if (!rs)
		rs = 1;
	int accepted = 0;
	for (int n = 0; n < ncand; n++) {
		char *cand = gen(f, cadir);
		char *v = validate_normalize(id, cand, 0);
		ck_assert_ptr_nonnull(v);
		char *why = validate_field(id, v);
		if (!why) {
			accepted++;
			check_one(id, n, cand, v, path);
		} else {
			ck_assert_msg(why[0] != '\0', "seed %#llx, %s candidate %d: empty message",
				      (unsigned long long)seed, settings_field_name(id), n);
		}
		free(why);
		free(v);
		free(cand);
	}
	if (getenv("MAILSET_PROP_VERBOSE"))
		printf("%s: %d of %d accepted\n", settings_field_name(id), accepted, ncand);
	ck_assert_msg(accepted * 100 >= ncand * 30,
		      "seed %#llx, %s: only %d of %d candidates accepted (need 30%%)",
		      (unsigned long long)seed, settings_field_name(id), accepted, ncand);
	rm_rf(dir);
	free(path);
	free(cadir);
	free(dir);
}
END_TEST

/* Hand-picked values every implementation must get right. */
START_TEST(test_known_values)
{
	static const struct {
		enum field_id id;
		const char *in;
		const char *stored;      /* NULL: must be refused */
	} cases[] = {
		{ F_SENDER_NAME, "ecforceお客様窓口", "ecforceお客様窓口" },
		{ F_SENDER_NAME, "Shop [Tokyo]", NULL },
		{ F_SENDER_NAME, "Shop; Tokyo", NULL },
		{ F_SENDER_NAME, "Shop\tTokyo", NULL },
		{ F_SENDER_NAME, "Shop \"Tokyo\"", NULL },
		{ F_SENDER_NAME, "Shop\xc2\x85" "Tokyo", NULL },   /* U+0085, a C1 control */
		{ F_SENDER_NAME, "Shop\x7fTokyo", NULL },
		{ F_SENDER_NAME, "Shop #1 = best", "Shop #1 = best" },
		{ F_BCC, "a@example.com , b@example.com", "a@example.com,b@example.com" },
		{ F_BCC, "", "" },
		{ F_PORT, "587", "587" },
		{ F_PORT, "0", NULL },
		{ F_PORT, "65536", NULL },
		{ F_PORT, "65535", "65535" },
		{ F_AUTH, "CRAM-MD5", "cram-md5" },
		{ F_AUTH, "gssapi", NULL },
		{ F_TLS, "ON", "on" },
		{ F_PASSWORD, "pa ss;word#=", "pa ss;word#=" },
		{ F_PASSWORD, "pa ;ss", NULL },
		{ F_PASSWORD, "pa\nss", NULL },
		{ F_HOST, "smtp.example.com", "smtp.example.com" },
		{ F_HOST, "bad host", NULL },
		{ F_CONTACT_EMAIL, "support@example.com", "support@example.com" },
		{ F_CONTACT_EMAIL, "support@", NULL },
		{ F_CONTACT_EMAIL, "", NULL },
	};
	char *dir = tmpdir_new();
	char *path = xasprintf("%s/mail.ini", dir);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *v = validate_normalize(cases[i].id, cases[i].in, 0);
		char *why = validate_field(cases[i].id, v);
		const char *name = settings_field_name(cases[i].id);
		if (!cases[i].stored) {
			ck_assert_msg(why != NULL, "%s \"%s\" accepted", name, vis(cases[i].in));
		} else {
			ck_assert_msg(why == NULL, "%s \"%s\" refused: %s", name, vis(cases[i].in), why);
			ck_assert_msg(!strcmp(v, cases[i].stored), "%s \"%s\" normalised to \"%s\"",
				      name, vis(cases[i].in), vis(v));
			check_one(cases[i].id, (int)i, cases[i].in, v, path);
		}
		free(why);
		free(v);
	}
	/* Google's app password, as displayed, loses its spaces. */
	char *v = validate_normalize(F_PASSWORD, "abcd efgh ijkl mnop", 16);
	ck_assert_str_eq(v, "abcdefghijklmnop");
	free(v);
	rm_rf(dir);
	free(path);
	free(dir);
}
END_TEST

static Suite *property_suite(void)
{
	Suite *s = suite_create("property");
	TCase *tc = tcase_create("set-then-inih");
	tcase_add_loop_test(tc, test_property, 0, F_COUNT);
	tcase_add_test(tc, test_known_values);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *e = getenv("MAILSET_PROP_SEED");
	seed = e && *e ? strtoull(e, NULL, 0) : 0x6d61696c736574ULL;
	e = getenv("MAILSET_PROP_N");
	if (e && atoi(e) > 0)
		ncand = atoi(e);
	printf("check_property: seed %#llx, %d candidates per field\n",
	       (unsigned long long)seed, ncand);
	fflush(stdout);
	if (!tmp_root_make("check_property"))
		return EXIT_FAILURE;
	int failed = suite_run(property_suite());
	tmp_root_remove("check_property");
	free(pem);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
