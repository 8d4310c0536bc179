/* SPDX-License-Identifier: MIT */
/* validate.c - the rules of SPEC section 1: addresses, address lists,
 * display names, host names, ports and choices, one field at a time and
 * between fields.
 *
 * Every message is a translated sentence that says what is wrong and what
 * to do, without the field's name. A value typed by the user is shown only
 * through show(), so a message never carries a control character, and a
 * secret is never shown at all. */
#include "mailset/validate.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailset/i18n.h"
#include "mailset/inifile.h"
#include "mailset/util.h"

#define DOMAIN_MAX 253       /* RFC 1035 2.3.4, without the trailing dot */
#define LABEL_MAX 63
#define SHOW_MAX 40          /* characters of a value quoted in a message */
#define SHOW_BUF (SHOW_MAX * 8 + 8) /* each may take 8 bytes (<U+XXXX>) */

/* ------------------------------------------------------------ characters */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* RFC 5322 3.2.3 atext. */
static bool is_atext(char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool is_ldh(char c)
{
	return is_alnum(c) || c == '-';
}

/* C0 (tab included), DEL and C1. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* Characters a reader cannot see in a message: shown as U+XXXX. */
static bool is_invisible(uint32_t cp)
{
	return is_control(cp) || cp == 0xA0 || cp == 0xAD || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
	       (cp >= 0x205F && cp <= 0x2064) || cp == 0x3000 || cp == 0xFEFF;
}

/* One character for a message: 'x', or U+XXXX when it cannot be seen. */
static void char_repr(char buf[16], uint32_t cp, const char *p, size_t k)
{
	if (is_invisible(cp))
		snprintf(buf, 16, "U+%04X", (unsigned)cp);
	else
		snprintf(buf, 16, "'%.*s'", (int)k, p);
}

/* n bytes of s as a message may quote them, written into buf (SHOW_BUF
 * bytes): at most SHOW_MAX characters, invisible ones as <U+XXXX>, bytes
 * that are not UTF-8 as \xNN. Returns buf. */
static const char *show(char *buf, const char *s, size_t n)
{
	size_t o = 0, chars = 0;
	for (size_t i = 0; i < n; chars++) {
		if (chars == SHOW_MAX) {
			o += (size_t)snprintf(buf + o, SHOW_BUF - o, "…");
			break;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			o += (size_t)snprintf(buf + o, SHOW_BUF - o, "\\x%02X", (unsigned char)s[i]);
			i++;
		} else {
			if (is_invisible(cp))
				o += (size_t)snprintf(buf + o, SHOW_BUF - o, "<U+%04X>", (unsigned)cp);
			else
				o += (size_t)snprintf(buf + o, SHOW_BUF - o, "%.*s", (int)k, s + i);
			i += k;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* s with the full-width forms of ASCII characters (U+FF01..U+FF5E, typed
 * with a Japanese input method left on) made half-width, or NULL when s
 * has none. A new string. */
static char *halfwidth_of(const char *s)
{
	struct strbuf sb = { 0 };
	bool any = false;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			sb_addc(&sb, s[i++]);
			continue;
		}
		if (cp >= 0xFF01 && cp <= 0xFF5E) {
			sb_addc(&sb, (char)(cp - 0xFEE0));
			any = true;
		} else {
			sb_add(&sb, s + i, k);
		}
		i += k;
	}
	if (!any) {
		sb_free(&sb);
		return NULL;
	}
	return sb_steal(&sb);
}

/* The separators of Japanese text a list may have been typed with. */
static bool is_fullwidth_separator(uint32_t cp)
{
	return cp == 0x3001 || cp == 0xFF0C || cp == 0xFF1B; /* 、，； */
}

/* ----------------------------------------------------------------- lists */

struct items {
	char **v;
	size_t n;
};

/* The items of a comma- or newline-separated list, blanks around them
 * trimmed, empty ones dropped. */
static void split_list(const char *s, struct items *it)
{
	it->v = NULL;
	it->n = 0;
	while (*s) {
		size_t k = strcspn(s, ",\n");
		const char *b = s, *e = s + k;
		while (b < e && is_blank(*b))
			b++;
		while (e > b && is_blank(e[-1]))
			e--;
		if (e > b) {
			it->v = xrealloc(it->v, (it->n + 1) * sizeof *it->v);
			it->v[it->n++] = xstrndup(b, (size_t)(e - b));
		}
		s += k;
		if (*s)
			s++;
	}
}

static void items_free(struct items *it)
{
	for (size_t i = 0; i < it->n; i++)
		free(it->v[i]);
	free(it->v);
	it->v = NULL;
	it->n = 0;
}

/* -------------------------------------------------------- domain names */

static bool all_digits_dots(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]) && s[i] != '.')
			return false;
	return n > 0;
}

static bool has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* A-label form of one label through libidn2 (UTS #46, non-transitional).
 * Returns the idn2 status; *out is set on success (idn2_free it). */
static int to_alabel(const char *s, size_t n, char **out)
{
	char *z = xstrndup(s, n);
	*out = NULL;
	int rc = idn2_to_ascii_8z(z, out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	free(z);
	return rc;
}

/* The checks of one label [p, p+n): LDH for ASCII, libidn2 for the rest.
 * Adds the length of its A-label form to *alen. */
static char *check_label(const char *p, size_t n, size_t *alen)
{
	bool ascii = true;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (!k)
			return xstrdup(_("the domain name is not valid UTF-8 text; retype it"));
		char c[16];
		char_repr(c, cp, p + i, k);
		if (cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61)
			return xasprintf(_("the character %s is not allowed in a domain name; "
					   "use the half-width '.'"), c);
		if (cp < 0x80 ? !is_ldh((char)cp) : is_invisible(cp))
			return xasprintf(_("the character %s is not allowed in a domain name; "
					   "use letters, digits, '-' and '.'"), c);
		if (cp >= 0x80)
			ascii = false;
		i += k;
	}
	char sb[SHOW_BUF];
	const char *v = show(sb, p, n);
	if (p[0] == '-' || p[n - 1] == '-')
		return xasprintf(_("a part of a domain name cannot start or end with '-' (here "
				   "'%s'); remove that '-'"), v);
	if (ascii && n > LABEL_MAX)
		return xasprintf(_("the part '%s' of the domain name is %zu bytes long; a part "
				   "between dots may have at most %d"), v, n, LABEL_MAX);
	/* An ASCII label is taken as it is, unless it claims to be an A-label:
	 * then libidn2 checks its Punycode. */
	if (ascii && !has_prefix_ci(p, n, "xn--")) {
		*alen += n;
		return NULL;
	}
	char *a;
	int rc = to_alabel(p, n, &a);
	if (rc == IDN2_DISALLOWED)
		return xasprintf(_("'%s' contains a character that domain names cannot use; "
				   "check the spelling"), v);
	if (rc == IDN2_PUNYCODE_BIG_OUTPUT || rc == IDN2_TOO_BIG_LABEL)
		return xasprintf(_("the part '%s' of the domain name is too long once converted "
				   "for DNS; a part between dots may have at most %d bytes"),
				 v, LABEL_MAX);
	if (rc != IDN2_OK)
		return xasprintf(_("'%s' is not a valid part of an internationalized domain name "
				   "(%s)"), v, idn2_strerror(rc));
	char *m = NULL;
	size_t an = strlen(a);
	bool ldh = true;
	for (size_t i = 0; i < an; i++)
		ldh = ldh && is_ldh(a[i]);
	/* UTS #46 maps full-width letters and look-alikes to plain ASCII: such
	 * a label is a typing accident, not an internationalized name. */
	if (!ascii && ldh && !has_prefix_ci(a, an, "xn--"))
		m = xasprintf(_("'%s' is written with full-width or look-alike characters; "
				"type it in half-width letters: %s"), v, a);
	else if (!ldh)
		m = xasprintf(_("'%s' contains a character that domain names cannot use; "
				"check the spelling"), v);
	else if (an > LABEL_MAX)
		m = xasprintf(_("the part '%s' of the domain name is %zu bytes long once converted "
				"for DNS (%s); a part between dots may have at most %d"),
			      v, an, a, LABEL_MAX);
	*alen += an;
	idn2_free(a);
	return m;
}

/* A host name (RFC 1123, IDN through libidn2). need_dot: at least two
 * labels, as after the @ of an address. *alen_out (may be NULL) receives
 * the length of the A-label form. */
static char *check_domain(const char *d, bool need_dot, size_t *alen_out)
{
	char sb[SHOW_BUF];
	size_t n = strlen(d);
	if (!n)
		return xstrdup(_("the domain name is empty; write it, e.g. example.com"));
	if (d[0] == '.')
		return xstrdup(_("a domain name cannot start with '.'; remove it"));
	if (d[n - 1] == '.')
		return xstrdup(_("the domain name ends with '.'; remove the trailing dot"));
	if (strstr(d, ".."))
		return xstrdup(_("'..' is not allowed in a domain name; remove the extra dot"));

	size_t alen = 0, labels = 0;
	bool ascii = true;
	const char *last = d;
	size_t lastn = 0;
	for (const char *p = d; *p;) {
		size_t k = strcspn(p, ".");
		char *m = check_label(p, k, &alen);
		if (m)
			return m;
		for (size_t i = 0; i < k; i++)
			if ((unsigned char)p[i] >= 0x80)
				ascii = false;
		last = p;
		lastn = k;
		labels++;
		p += k;
		if (*p) {
			p++;
			alen++;
		}
	}
	if (need_dot && labels < 2)
		return xstrdup(_("the domain needs a dot, e.g. example.com"));
	if (alen > DOMAIN_MAX)
		return xasprintf(ascii ?
				 _("the domain name is %zu bytes long; at most %d are allowed") :
				 _("the domain name is %zu bytes long once converted for DNS; "
				   "at most %d are allowed"),
				 alen, DOMAIN_MAX);
	/* RFC 3696 2: a top-level domain is never all digits. */
	if (labels > 1 && all_digits_dots(last, lastn))
		return xasprintf(_("the last part of a domain name cannot be all digits ('%s')"),
				 show(sb, last, lastn));
	/* The labels passed one by one; the whole name may still break a rule
	 * between labels (right-to-left scripts). */
	if (!ascii) {
		char *a;
		int rc = to_alabel(d, n, &a);
		if (rc != IDN2_OK)
			return xasprintf(_("'%s' is not a valid internationalized domain name"),
					 show(sb, d, n));
		idn2_free(a);
	}
	if (alen_out)
		*alen_out = alen;
	return NULL;
}

/* ------------------------------------------------------------- addresses */

/* One address. in_list: it is an item of the BCC list, where a ';' or a
 * blank most likely meant a separator. */
static char *check_address(const char *s, bool in_list)
{
	size_t n = strlen(s);
	if (!n)
		return xstrdup(_("the address is empty; write it as name@example.com"));
	if (n > ADDR_MAX)
		return xasprintf(_("the address is %zu bytes long; at most %d are allowed"),
				 n, ADDR_MAX);
	if (s[0] == '"')
		return xstrdup(_("quoted names such as \"john doe\"@example.com are not supported; "
				 "use an address without quotes"));
	if (strchr(s, '<') || strchr(s, '>'))
		return xstrdup(_("write only the address, e.g. name@example.com, without a name "
				 "or < >"));
	if (!utf8_valid(s, n))
		return xstrdup(_("the address is not valid UTF-8 text; retype it"));

	size_t ats = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		char c[16];
		char_repr(c, cp, s + i, k);
		if (cp == ' ')
			return xstrdup(in_list ?
				       _("an address cannot contain spaces; separate addresses with ','") :
				       _("an address cannot contain spaces; remove them"));
		if (cp == 0x3000)
			return xstrdup(_("the address contains a full-width space (U+3000); remove it"));
		if (cp == 0xFF20)
			return xstrdup(_("'＠' is the full-width at sign; type the half-width '@'"));
		if (is_control(cp))
			return xasprintf(_("the character %s is not allowed in an address; remove it"), c);
		if (is_fullwidth_separator(cp))
			return xasprintf(in_list ?
					 _("%s is a full-width separator; separate addresses with the "
					   "half-width comma ','") :
					 _("%s is not allowed in an address; several addresses go only in "
					   "the BCC field, separated with the half-width comma ','"), c);
		if (cp == ',' || cp == ';')
			return xasprintf(in_list ?
					 _("the character %s is not allowed in an address; separate "
					   "addresses with ','") :
					 _("the character %s is not allowed in an address; separate "
					   "several addresses only in the BCC field"), c);
		if (cp == '@')
			ats++;
		i += k;
	}
	if (ats == 0)
		return xstrdup(_("missing '@': write it as name@example.com"));
	if (ats > 1)
		return xasprintf(_("an address has exactly one '@'; this one has %zu"), ats);

	const char *at = strchr(s, '@'), *dom = at + 1;
	size_t ln = (size_t)(at - s);
	if (!ln)
		return xstrdup(_("the part before @ is empty; write it as name@example.com"));
	if (ln > ADDR_LOCAL_MAX)
		return xasprintf(_("the part before @ is %zu bytes long; at most %d are allowed"),
				 ln, ADDR_LOCAL_MAX);
	for (size_t i = 0; i < ln;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, ln - i, &cp);
		if (cp != '.' && (cp >= 0x80 || !is_atext((char)cp))) {
			char c[16];
			char_repr(c, cp, s + i, k);
			return xasprintf(_("the character %s is not allowed in the part before @; use "
					   "ASCII letters, digits and . ! # $ %% & ' * + - / = ? ^ _ ` "
					   "{ | } ~"), c);
		}
		i += k;
	}
	if (s[0] == '.')
		return xstrdup(_("the part before @ cannot start with '.'"));
	if (s[ln - 1] == '.')
		return xstrdup(_("the part before @ cannot end with '.'"));
	for (size_t i = 0; i + 1 < ln; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return xstrdup(_("'..' is not allowed in the part before @"));

	if (!*dom)
		return xstrdup(_("the part after @ is empty; write the domain, e.g. example.com"));
	if (dom[0] == '[' || all_digits_dots(dom, strlen(dom)))
		return xstrdup(_("an IP address cannot be used after @; write the domain name, "
				 "e.g. example.com"));
	size_t alen = 0;
	char *m = check_domain(dom, true, &alen);
	if (m)
		return m;
	/* Mail goes out with the domain in its A-label form. */
	if (ln + 1 + alen > ADDR_MAX)
		return xasprintf(_("the address is %zu bytes long once its domain is converted for "
				   "sending; at most %d are allowed"), ln + 1 + alen, ADDR_MAX);
	return NULL;
}

char *validate_address(const char *s)
{
	return check_address(s, false);
}

char *validate_address_list(const char *s)
{
	struct items it;
	split_list(s, &it);
	char *r = NULL;
	for (size_t i = 0; i < it.n && !r; i++) {
		char *m = check_address(it.v[i], true);
		if (m) {
			char sb[SHOW_BUF];
			r = xasprintf(_("address %zu (%s): %s"), i + 1,
				      show(sb, it.v[i], strlen(it.v[i])), m);
			free(m);
		}
	}
	items_free(&it);
	return r;
}

/* --------------------------------------------------------- display name */

/* The RFC 5322 specials a display name cannot carry unquoted, and the
 * full-width form that looks the same and is fine. */
static const char *fullwidth_of(uint32_t cp)
{
	static const struct {
		char c;
		const char *fw;
	} map[] = {
		{ '(', "（" }, { ')', "）" }, { '<', "＜" }, { '>', "＞" },
		{ '[', "［" }, { ']', "］" }, { ':', "：" }, { ';', "；" },
		{ '@', "＠" }, { '\\', "＼" }, { ',', "，" }, { '.', "．" },
		{ '"', "＂" },
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if ((uint32_t)(unsigned char)map[i].c == cp)
			return map[i].fw;
	return NULL;
}

/* The position (1-based, in characters) of the first byte that is not
 * UTF-8. */
static size_t bad_utf8_position(const char *s, size_t n)
{
	size_t pos = 1;
	uint32_t cp;
	for (size_t i = 0; i < n; pos++) {
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			break;
		i += k;
	}
	return pos;
}

char *validate_display_name(const char *s)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return xasprintf(_("character %zu is not valid UTF-8; retype the name"),
				 bad_utf8_position(s, n));
	size_t pos = 1;
	for (size_t i = 0; i < n; pos++) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		const char *fw = fullwidth_of(cp);
		if (fw)
			return xasprintf(_("character %zu '%c' is not allowed: the half-width symbols "
					   "( ) < > [ ] : ; @ \\ , . \" make every send fail; use the "
					   "full-width form (%s) or leave it out"),
					 pos, (char)cp, fw);
		if (is_control(cp))
			return xasprintf(_("character %zu (U+%04X) is not allowed: a name cannot contain "
					   "control characters such as tabs or line breaks; remove it"),
					 pos, (unsigned)cp);
		i += k;
	}
	size_t chars = pos - 1;
	if (chars > DISPLAY_NAME_MAX)
		return xasprintf(_("the name is %zu characters long; at most %d are allowed "
				   "(58 if they are full-width, such as Japanese)"),
				 chars, DISPLAY_NAME_MAX);
	if (n > DISPLAY_NAME_MAX_BYTES)
		return xasprintf(_("the name is %zu bytes long in UTF-8; at most %d bytes fit on its "
				   "line in the file, which is 58 full-width characters such as "
				   "Japanese"), n, DISPLAY_NAME_MAX_BYTES);
	return NULL;
}

/* ------------------------------------------------------------------ host */

static bool is_ipv4(const char *s)
{
	struct in_addr a;
	return inet_pton(AF_INET, s, &a) == 1;
}

static bool is_ipv6(const char *s)
{
	struct in6_addr a;
	return inet_pton(AF_INET6, s, &a) == 1;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_digit(*s))
			return false;
	return true;
}

/* "[...]": only an IPv6 address, and no port after it. */
static char *check_bracketed(const char *s)
{
	char sb[SHOW_BUF];
	const char *close = strchr(s, ']');
	if (!close)
		return xstrdup(_("an IPv6 address in brackets needs the closing ']'"));
	if (close[1] == ':' && all_digits(close + 2))
		return xasprintf(_("write only the server name here and put the port (%s) in the "
				   "Port field"), show(sb, close + 2, strlen(close + 2)));
	if (close[1])
		return xstrdup(_("nothing may follow the closing ']'; remove it"));
	char *inner = xstrndup(s + 1, (size_t)(close - s - 1));
	char *m = NULL;
	if (is_ipv4(inner))
		m = xasprintf(_("brackets are only for IPv6 addresses; write %s without them"),
			      show(sb, inner, strlen(inner)));
	else if (!is_ipv6(inner))
		m = xasprintf(_("'%s' is not a valid IPv6 address"), show(sb, inner, strlen(inner)));
	free(inner);
	return m;
}

char *validate_host(const char *s)
{
	char sb[SHOW_BUF];
	size_t n = strlen(s);
	if (!n)
		return xstrdup(_("enter the server name, e.g. smtp.example.com"));
	const char *sep = strstr(s, "://");
	if (sep && sep > s) {
		size_t k = (size_t)(sep - s);
		bool scheme = true;
		for (size_t i = 0; i < k; i++)
			if (!is_alnum(s[i]) && !strchr("+-.", s[i]))
				scheme = false;
		if (scheme)
			return xasprintf(_("write only the server name, without %s://"),
					 show(sb, s, k));
	}
	if (!utf8_valid(s, n))
		return xstrdup(_("the server name is not valid UTF-8 text; retype it"));
	/* A preset's template: the user has yet to fill in the ◯ part (a
	 * provider's own rule, presets_check(), names it better). */
	const char *ph = strstr(s, "\xE2\x97\xAF");
	if (ph) {
		const char *e = ph;
		while (!strncmp(e, "\xE2\x97\xAF", 3))
			e += 3;
		return xasprintf(_("type the part your provider gave you in place of %.*s in %s "
				   "(see the provider's control panel)"),
				 (int)(e - ph), ph, show(sb, s, n));
	}
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (cp == ' ')
			return xstrdup(_("a server name cannot contain spaces; remove them"));
		if (cp == 0x3000)
			return xstrdup(_("the server name contains a full-width space (U+3000); "
					 "remove it"));
		if (is_control(cp))
			return xasprintf(_("the character U+%04X is not allowed in a server name; "
					   "remove it"), (unsigned)cp);
		i += k;
	}
	if (strchr(s, '@'))
		return xstrdup(_("this looks like a mail address; write the server name, e.g. "
				 "smtp.example.com (the address goes in the User name field)"));
	if (strchr(s, '/'))
		return xstrdup(_("write only the server name, without '/' and what follows it"));
	if (s[0] == '[')
		return check_bracketed(s);
	const char *colon = strchr(s, ':');
	if (colon) {
		if (is_ipv6(s))
			return NULL;
		if (!strchr(colon + 1, ':')) {
			if (all_digits(colon + 1))
				return xasprintf(_("write only the server name here and put the port "
						   "(%s) in the Port field"),
						 show(sb, colon + 1, strlen(colon + 1)));
			if (!colon[1])
				return xstrdup(_("remove the ':' at the end"));
		}
		return xasprintf(_("'%s' is not a valid IPv6 address"), show(sb, s, n));
	}
	if (all_digits_dots(s, n)) {
		if (is_ipv4(s))
			return NULL;
		return xasprintf(_("'%s' is not a valid IPv4 address: write four numbers from 0 "
				   "to 255 separated by dots"), show(sb, s, n));
	}
	return check_domain(s, false, NULL);
}

/* ------------------------------------------------------- port and choice */

char *validate_port(const char *s)
{
	char sb[SHOW_BUF];
	size_t n = strlen(s);
	if (!n)
		return xstrdup(_("enter a port number from 1 to 65535 (usually 587)"));
	if (!all_digits(s)) {
		char *half = halfwidth_of(s);
		char *m = half && all_digits(half) ?
			  xasprintf(_("'%s' is written with full-width digits; type the port in "
				      "half-width digits: %s"), show(sb, s, n), half) :
			  xasprintf(_("'%s' is not a number; enter a port number from 1 to 65535 "
				      "(usually 587)"), show(sb, s, n));
		free(half);
		return m;
	}
	unsigned long v = n > 5 ? 65536 : strtoul(s, NULL, 10);
	if (v == 0 || v > 65535)
		return xasprintf(_("%s is out of range; a port number is from 1 to 65535 "
				   "(usually 587)"), show(sb, s, n));
	/* Some readers take a leading 0 for octal. */
	if (s[0] == '0')
		return xasprintf(_("write the port without leading zeros (%lu)"), v);
	return NULL;
}

static char *choice_list(const char *const *choices)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; choices && choices[i]; i++) {
		if (i)
			sb_adds(&sb, ", ");
		sb_adds(&sb, choices[i]);
	}
	return sb_steal(&sb);
}

static bool is_choice(const char *s, const char *const *choices)
{
	for (size_t i = 0; choices && choices[i]; i++)
		if (strcasecmp(s, choices[i]) == 0)
			return true;
	return false;
}

char *validate_choice(const char *s, const char *const *choices)
{
	for (size_t i = 0; choices && choices[i]; i++)
		if (strcasecmp(s, choices[i]) == 0)
			return NULL;
	char *list = choice_list(choices);
	char *m;
	if (!*s) {
		m = xasprintf(_("choose one of: %s"), list);
	} else {
		char sb[SHOW_BUF];
		m = xasprintf(_("'%s' is not allowed; choose one of: %s"), show(sb, s, strlen(s)),
			      list);
	}
	free(list);
	return m;
}

/* -------------------------------------------------------------- one field */

/* Free text: UTF-8 without control characters. A secret's message names
 * neither the character nor where it is. */
static char *check_text(const char *s, bool secret)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return xstrdup(_("this is not valid UTF-8 text; retype it"));
	size_t pos = 1;
	for (size_t i = 0; i < n; pos++) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (is_control(cp))
			return secret ?
			       xstrdup(_("the value contains a control character (a tab, a line break "
					 "or similar), which the file cannot hold; remove it")) :
			       xasprintf(_("character %zu (U+%04X) is a control character, which the "
					   "file cannot hold; remove it"), pos, (unsigned)cp);
		i += k;
	}
	return NULL;
}

/* ADDR, ADDR:PORT, an IPv6 address, or [IPV6]:PORT */
char *validate_nameserver(const char *s)
{
	char host[64];
	const char *colon = strchr(s, ':'), *hs = s;
	size_t hl = colon ? (size_t)(colon - s) : strlen(s);
	unsigned char a[16];
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		hs = s + 1;
		hl = close ? (size_t)(close - hs) : sizeof host;
		colon = close && close[1] == ':' ? close + 1 : NULL;
		if (close && close[1] && !colon)
			hl = sizeof host;
	} else if (colon && strchr(colon + 1, ':')) {
		hl = strlen(s);    /* a bare IPv6 address */
		colon = NULL;
	}
	static const char *const how = N_("write an IPv4 or IPv6 address, optionally with a "
					  "port, e.g. 127.0.0.1:5353 or [::1]:5353");
	char *half = halfwidth_of(s);
	if (half) {
		char *m = validate_nameserver(half), sb[SHOW_BUF];
		if (!m)
			m = xasprintf(_("'%s' is written with full-width characters; type it in "
					"half-width: %s"), show(sb, s, strlen(s)), half);
		free(half);
		return m;
	}
	if (hl >= sizeof host)
		return xstrdup(_(how));
	memcpy(host, hs, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, a) != 1 && inet_pton(AF_INET6, host, a) != 1)
		return xstrdup(_(how));
	if (colon) {
		char *port = validate_port(colon + 1);
		if (port)
			return port;
	}
	return NULL;
}

char *validate_selectors(const char *s)
{
	for (size_t i = 0, n = strlen(s); i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k && is_fullwidth_separator(cp))
			return xasprintf(_("'%.*s' is a full-width separator; separate selectors with "
					   "the half-width comma ','"), (int)k, s + i);
		i += k ? k : 1;
	}
	for (const char *p = s; *p; p++)
		if (!is_alnum(*p) && !strchr("-_., ", *p))
			return (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f
				? xasprintf(_("the character '%c' cannot be in a DKIM selector; "
					      "separate several with commas"), *p)
				: xasprintf(_("a DKIM selector holds only letters, digits, '-', '_' "
					      "and '.' (byte 0x%02X is not one); separate several "
					      "with commas"), (unsigned char)*p);
	return NULL;
}

static char *required_msg(const struct field *f)
{
	switch (f->kind) {
	case FK_ADDRESS:
		return xstrdup(_("required: enter an address, e.g. name@example.com"));
	case FK_HOST:
		return xstrdup(_("required: enter the server name, e.g. smtp.example.com"));
	case FK_PORT:
		return xstrdup(_("required: enter a port number from 1 to 65535 (usually 587)"));
	case FK_CHOICE: {
		char *list = choice_list(f->choices);
		char *m = xasprintf(_("required: choose one of: %s"), list);
		free(list);
		return m;
	}
	default:
		return xstrdup(_("required: enter a value"));
	}
}

char *validate_field(enum field_id id, const char *value)
{
	const struct field *f = &settings_fields[id];
	if (!*value)
		return f->flags & FIELD_REQUIRED ? required_msg(f) : NULL;
	char *m = NULL;
	switch (f->kind) {
	case FK_ADDRESS:
		m = validate_address(value);
		break;
	case FK_ADDRESS_LIST:
		m = validate_address_list(value);
		break;
	case FK_DISPLAY_NAME:
		m = validate_display_name(value);
		break;
	case FK_HOST:
		m = validate_host(value);
		break;
	case FK_PORT:
		m = validate_port(value);
		break;
	case FK_CHOICE:
		m = validate_choice(value, f->choices);
		break;
	case FK_TEXT:
	case FK_PATH:
		m = check_text(value, false);
		break;
	case FK_SECRET:
		m = check_text(value, true);
		break;
	case FK_NAMESERVER:
		m = validate_nameserver(value);
		break;
	case FK_SELECTORS:
		m = validate_selectors(value);
		break;
	}
	if (m)
		return m;
	/* A list is stored normalised (blanks around items are tolerated, and
	 * continuation lines come back joined with "\n"): ask about that form. */
	bool list = f->kind == FK_ADDRESS_LIST;
	char *norm = list ? validate_normalize(id, value, 0) : NULL;
	const char *why = inifile_value_problem(f->key, list ? norm : value, list);
	free(norm);
	return why ? xstrdup(why) : NULL;
}

/* ------------------------------------------------------------ normalise */

static char *trim(const char *s)
{
	const char *e = s + strlen(s);
	while (is_blank(*s))
		s++;
	while (e > s && is_blank(e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

/* Google shows an app password as four groups of four separated by
 * spaces; a copy may also bring no-break spaces. */
static char *strip_groups(const char *s, int want)
{
	struct strbuf sb = { 0 };
	bool sep = false, first = true, any = false, ok = true;
	for (const char *p = s; *p && ok;) {
		size_t k = (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0 ? 2 :
			   p[0] == ' ' ? 1 : 0;
		if (k) {
			ok = !first && !sep;
			sep = any = true;
			p += k;
		} else {
			sb_addc(&sb, *p++);
			sep = first = false;
		}
	}
	char *r = NULL;
	if (ok && any && !sep) {
		char *t = sb_steal(&sb);
		if (utf8_valid(t, strlen(t)) && utf8_chars(t) == (size_t)want)
			r = t;
		else
			free(t);
	}
	sb_free(&sb);
	return r ? r : xstrdup(s);
}

char *validate_normalize(enum field_id id, const char *value, int app_password_len)
{
	switch (settings_fields[id].kind) {
	case FK_ADDRESS_LIST: {
		struct items it;
		split_list(value, &it);
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < it.n; i++) {
			if (i)
				sb_addc(&sb, ',');
			sb_adds(&sb, it.v[i]);
		}
		items_free(&it);
		return sb_steal(&sb);
	}
	case FK_CHOICE: {
		char *r = trim(value);
		for (char *p = r; *p; p++)
			*p = lower(*p);
		return r;
	}
	case FK_ADDRESS:
	case FK_HOST:
	case FK_PORT:
		return trim(value);
	case FK_SECRET:
		if (app_password_len > 0)
			return strip_groups(value, app_password_len);
		return xstrdup(value);
	default:
		return xstrdup(value);
	}
}

/* ------------------------------------------------------ between fields */

static void add(struct problems *out, enum field_id f, enum severity sev, char *msg)
{
	out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	out->v[out->n++] = (struct problem){ f, sev, msg };
}

static bool reported(const struct problems *out, size_t from, enum field_id f)
{
	for (size_t i = from; i < out->n; i++)
		if (out->v[i].field == f && out->v[i].sev == SEV_ERROR)
			return true;
	return false;
}

/* An address as a key for "the same mailbox": ASCII case folded, an
 * internationalized domain in its A-label form. */
static char *address_key(const char *a)
{
	char *k = xstrdup(a);
	char *at = strrchr(k, '@');
	if (at) {
		char *alabel;
		bool ascii = true;
		for (const char *p = at + 1; *p; p++)
			if ((unsigned char)*p >= 0x80)
				ascii = false;
		if (!ascii && to_alabel(at + 1, strlen(at + 1), &alabel) == IDN2_OK) {
			at[1] = '\0';
			char *r = xasprintf("%s%s", k, alabel);
			idn2_free(alabel);
			free(k);
			k = r;
		}
	}
	for (char *p = k; *p; p++)
		*p = lower(*p);
	return k;
}

static void bcc_rules(const struct settings *s, bool duplicates, struct problems *out)
{
	char sb[SHOW_BUF];
	struct items it;
	split_list(settings_get(s, F_BCC), &it);
	char **keys = xcalloc(it.n, sizeof *keys);
	for (size_t i = 0; i < it.n; i++)
		keys[i] = address_key(it.v[i]);

	for (size_t i = 0; duplicates && i < it.n; i++) {
		size_t seen = 0;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(keys[i], keys[j]))
				seen++;
		if (seen == 1) /* say it once, at the second occurrence */
			add(out, F_BCC, SEV_WARNING,
			    xasprintf(_("%s is listed more than once; remove the repeats"),
				      show(sb, it.v[i], strlen(it.v[i]))));
	}

	char *contact = trim(settings_get(s, F_CONTACT_EMAIL));
	if (*contact) {
		char *ck = address_key(contact);
		for (size_t i = 0; i < it.n; i++)
			if (!strcmp(keys[i], ck)) {
				add(out, F_BCC, SEV_WARNING,
				    xasprintf(_("%s is also the contact address; it would receive every "
						"mail twice: remove it from BCC"),
					      show(sb, it.v[i], strlen(it.v[i]))));
				break;
			}
		free(ck);
	}
	free(contact);
	for (size_t i = 0; i < it.n; i++)
		free(keys[i]);
	free(keys);
	items_free(&it);
}

/* only == F_COUNT: every field; otherwise the rules that involve only. */
static void run(const struct settings *s, enum field_id only, struct problems *out)
{
	size_t from = out->n;
	bool all = only == F_COUNT;
	for (int i = 0; i < F_COUNT; i++) {
		enum field_id id = (enum field_id)i;
		if ((!all && id != only) || !settings_visible(s, id))
			continue;
		char *m = validate_field(id, settings_get(s, id));
		if (m)
			add(out, id, SEV_ERROR, m);
	}

	if ((all || only == F_USERNAME || only == F_AUTH) && settings_visible(s, F_USERNAME) &&
	    strcasecmp(settings_get(s, F_AUTH), "none") != 0 && !*settings_get(s, F_USERNAME) &&
	    !reported(out, from, F_USERNAME))
		add(out, F_USERNAME, SEV_ERROR,
		    xstrdup(_("required unless the authentication method is none: enter the user "
			      "name, usually the full mail address")));

	/* The login the method asks for cannot succeed without a password:
	 * a warning, since the server is the judge (the test send tells). */
	const char *auth = settings_get(s, F_AUTH);
	if ((all || only == F_PASSWORD || only == F_AUTH) && settings_visible(s, F_PASSWORD) &&
	    !*settings_get(s, F_PASSWORD) && strcasecmp(auth, "none") != 0 &&
	    is_choice(auth, settings_fields[F_AUTH].choices)) {
		char *a = validate_normalize(F_AUTH, auth, 0);
		add(out, F_PASSWORD, SEV_WARNING,
		    xasprintf(_("empty, while the authentication method is %s: the server will "
				"refuse the login; enter the password, or set the authentication "
				"method to none if the server needs no login"), a));
		free(a);
	}

	if ((all || only == F_BCC || only == F_CONTACT_EMAIL) && settings_visible(s, F_BCC))
		bcc_rules(s, all || only == F_BCC, out);

	bool implicit = atoi(settings_get(s, F_PORT)) == 465;
	if ((all || only == F_TLS || only == F_PORT) && settings_visible(s, F_TLS) &&
	    strcasecmp(settings_get(s, F_TLS), "off") == 0 && implicit) {
		/* 465 is implicit TLS (RFC 8314): the send is encrypted anyway. */
		add(out, F_TLS, SEV_WARNING,
		    xstrdup(_("port 465 is TLS from the start, so mailset uses TLS there "
			      "whatever this says; set TLS to on to match")));
	} else if ((all || only == F_TLS) && settings_visible(s, F_TLS) &&
		   strcasecmp(settings_get(s, F_TLS), "off") == 0) {
		/* Translators: the admin guide's words are 有効で認証ができないとき
		 * のみ無効で設定ください。(セキュリティ上「有効」が推奨です) */
		char *m = xstrdup(_("TLS is off: the password and every mail cross the network "
				    "unencrypted. Turn it off only when sending fails with TLS on; "
				    "on is recommended for security"));
		add(out, F_TLS, SEV_WARNING, m);
	}
}

void validate_all(const struct settings *s, struct problems *out)
{
	run(s, F_COUNT, out);
}

void validate_one(const struct settings *s, enum field_id id, struct problems *out)
{
	run(s, id, out);
}

void problems_add(struct problems *p, enum field_id f, enum severity sev, char *msg)
{
	add(p, f, sev, msg);
}

size_t problems_errors(const struct problems *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].sev == SEV_ERROR)
			n++;
	return n;
}

void problems_free(struct problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].msg);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}
