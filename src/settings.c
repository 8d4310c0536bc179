/* SPDX-License-Identifier: MIT */
/* settings.c - the field table (the one description of every setting) and
 * the values of one configuration. Labels and help texts come from the
 * admin guide (reference/mail-settings-admin-guide.ja.txt). */
#include "mailset/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

static const char *const auth_choices[] = { "plain", "login", "cram-md5", "none", NULL };
static const char *const onoff_choices[] = { "on", "off", NULL };
static const char *const priority_choices[] = { "email", "sms", NULL };

static bool notify_priority_visible(const struct settings *s)
{
	return settings_on(s, F_SMS_AUTH) && settings_on(s, F_TWILIO);
}

static const struct visibility notify_priority_shown = {
	notify_priority_visible,
	N_("can be changed only while options.sms_auth and options.twilio are on"),
};

const struct section_info settings_sections[] = {
	{ "basic", "基本設定", "Basic settings" },
	{ "smtp", "SMTP 設定", "SMTP settings" },
	{ "options", "契約オプション", "Contract options" },
	{ "dns", "DNS チェック", "DNS check" },
};
const size_t settings_nsections = sizeof settings_sections / sizeof *settings_sections;

/* How a choice is shown, in the order of its field's choices: the admin
 * screen's words (「PLAIN」, 「有効」, メール), the file keeps the values. */
static const char *const auth_labels_ja[] = { "PLAIN", "LOGIN", "CRAM-MD5", "なし", NULL };
static const char *const auth_labels_en[] = { "PLAIN", "LOGIN", "CRAM-MD5", "None", NULL };
static const char *const tls_labels_ja[] = { "有効", "無効", NULL };
static const char *const tls_labels_en[] = { "On", "Off", NULL };
static const char *const priority_labels_ja[] = { "メール", "SMS", NULL };
static const char *const priority_labels_en[] = { "Email", "SMS", NULL };
static const char *const contract_labels_ja[] = { "ご契約済み", "未契約", NULL };
static const char *const contract_labels_en[] = { "Contracted", "Not contracted", NULL };
/* the guide: 「Twilioを使用する:ON」 */
static const char *const twilio_labels_ja[] = { "ON", "OFF", NULL };
static const char *const twilio_labels_en[] = { "On", "Off", NULL };

/* Labels and help texts: the admin guide's words (its 「ecforce」 is 「ショップ」
 * here); HACKING.md, "The admin guide, field by field", says where each of
 * the guide's sentences is shown. A help text's lines are "\n"-separated;
 * the screens wrap them (textwrap.h). */
const struct field settings_fields[F_COUNT] = {
	[F_CONTACT_EMAIL] = {
		F_CONTACT_EMAIL, "basic", "contact_email",
		"お問合わせメールアドレス", "Contact email",
		"「お問い合わせ」用のメールアドレスです。ショップページの「お問い合わせ」より"
		"顧客よりお問い合わせがあった場合、本メールアドレス宛てに通知が届きます。"
		"また、以下の画面・機能で顧客に表示されます。\n"
		"・購入完了画面\n"
		"・お問い合わせ完了画面\n"
		"・お問い合わせメールアドレス {{ base_info.contact_email }} の変数を設定した"
		"メールテンプレート、LPテンプレート、テーマ管理",
		"The address for enquiries: when a customer writes through \"Contact\" on the "
		"shop's pages, the notice is sent to this address. Customers also see it on:\n"
		"- the purchase complete screen\n"
		"- the enquiry complete screen\n"
		"- mail templates, LP templates and themes that use the contact address "
		"variable {{ base_info.contact_email }}",
		FK_ADDRESS, "", NULL, FIELD_REQUIRED, NULL, NULL, NULL },
	[F_SYSTEM_EMAIL] = {
		F_SYSTEM_EMAIL, "basic", "system_email",
		"システムメール送信元", "System mail sender",
		"システムから送信するメールの送信元メールアドレスです"
		"(注文完了メールや発送完了メールなどショップを通して送付されるメール)。"
		"{{ base_info.system_email }} をメールテンプレート、LPテンプレート、テーマ管理などで"
		"利用した場合この値に置き換えられます。\n"
		"※ショップの初期値は support@ドメイン です。必要に応じてご利用希望のメールアドレスを"
		"設定してください。\n"
		"※返信を受け付けない送信専用のアドレスにする場合でも、必ず実在のメールアドレスを"
		"設定してください。",
		"The From address of the mail the shop sends (order complete, shipping complete "
		"and other mail sent through the shop). {{ base_info.system_email }} in mail "
		"templates, LP templates, themes and so on is replaced by it.\n"
		"The shop starts with support@ and your domain; set the address you want to use.\n"
		"It must be a real mailbox, even when it is send-only and replies are not read.",
		FK_ADDRESS, "", NULL, FIELD_REQUIRED, NULL, NULL, NULL },
	[F_SENDER_NAME] = {
		F_SENDER_NAME, "basic", "system_sender_name",
		"システムメール差出人(任意設定)", "Sender display name (optional)",
		"システムから送信するメールの差出人です。(例)ecforceお客様窓口\n"
		"差出人を設定する場合:顧客がシステムメールを受信した場合、本設定の差出人名が"
		"メーラーに表示されます。※ご利用のメーラーによっては表示されない場合があります。\n"
		"差出人を設定しない場合:顧客がシステムメールを受信した場合、「システムメール送信元」で"
		"設定したメールアドレスがメーラーに表示されます。\n"
		"※[]\";.などの半角記号は非対応となります。システムメール差出人名に非対応文字が"
		"含まれている場合、ショップ上では送信されているログや履歴が残りますが、実際は"
		"送信エラーとなり、メールの送信ができかねますのでご留意ください。",
		"The sender of the mail the shop sends, e.g. ecforceお客様窓口.\n"
		"Set: customers' mail programs show this name as the sender. Some mail programs "
		"may not show it.\n"
		"Empty: mail programs show the address set as \"System mail sender\".\n"
		"Half-width symbols such as [ ] \" ; . are not supported: with one in the name "
		"the shop logs the mail as sent, but every send fails and no mail goes out.",
		FK_DISPLAY_NAME, "", NULL, 0, NULL, NULL, NULL },
	[F_BCC] = {
		F_BCC, "basic", "bcc",
		"自動送信メールのBCC(任意設定)", "BCC for automatic mail (optional)",
		"システムから送信するメールを別のメールアドレスへBCC送信する際に設定します。"
		"メールアドレスを複数設定したい場合は、カンマ区切りで入力します。\n"
		"(例)support@example.com,support@example.net,support@example.org\n"
		"すべてのメールを Re:lation(リレーション)やMailDealer(メールディーラー)などの"
		"顧客対応専用のメールアドレスにも送信したい場合は、そのアドレスを追加します。",
		"Also send the mail the shop sends, as BCC, to these addresses. Separate several "
		"addresses with commas.\n"
		"e.g. support@example.com,support@example.net,support@example.org\n"
		"To have every mail reach a customer-support address too (Re:lation, MailDealer "
		"and the like), add that address here.",
		FK_ADDRESS_LIST, "", NULL, 0, NULL, NULL, NULL },
	[F_NOTIFY_PRIORITY] = {
		F_NOTIFY_PRIORITY, "basic", "notify_priority",
		"通知優先設定", "Notification priority",
		"顧客への連絡方法として優先する方法です。(デフォルト:メール)\n"
		"※本設定は以下の場合に表示されます。\n"
		"・[オプション]SMS会員認証機能をご契約済み\n"
		"・「設定 > 外部連携アカウント管理 > Twilio」にて「Twilioを使用する:ON」",
		"How customers are contacted first (default: email).\n"
		"Shown only when both hold:\n"
		"- the shop has the SMS member authentication option\n"
		"- \"Use Twilio\" is ON under Settings > External account management > Twilio",
		FK_CHOICE, "email", priority_choices, FIELD_REQUIRED, &notify_priority_shown,
		priority_labels_ja, priority_labels_en },
	[F_HOST] = {
		F_HOST, "smtp", "host",
		"送信サーバー名", "SMTP server",
		"送信サーバー名を設定します。\n"
		"※設定値はご契約のSMTPサーバーによって異なります。"
		"詳細はご契約のSMTPサーバーの事業者にお問い合わせください。\n"
		"※Microsoft Exchange Onlineについては、SMTP 設定には利用できかねることを"
		"確認しております。",
		"The outgoing mail (SMTP) server.\n"
		"The values depend on the SMTP server you have a contract for; ask its provider "
		"for details.\n"
		"Microsoft Exchange Online cannot be used for the shop's SMTP settings.",
		FK_HOST, "", NULL, FIELD_REQUIRED, NULL, NULL, NULL },
	[F_PORT] = {
		F_PORT, "smtp", "port",
		"ポート番号", "Port",
		"ポート番号を設定します。\n"
		"主なメールサーバーでは587です(465はTLSで接続します)。",
		"The server's port.\n"
		"587 with the common providers (465 means TLS from the start).",
		FK_PORT, "587", NULL, FIELD_REQUIRED, NULL, NULL, NULL },
	[F_USERNAME] = {
		F_USERNAME, "smtp", "username",
		"ユーザー名", "User name",
		"メールサーバーで認証が必要な場合のユーザ名を設定します。\n"
		"通常はご利用のメールアドレスです。",
		"The user name, when the mail server requires a login.\n"
		"Usually your full mail address.",
		FK_TEXT, "", NULL, 0, NULL, NULL, NULL },
	[F_PASSWORD] = {
		F_PASSWORD, "smtp", "password",
		"パスワード", "Password",
		"メールサーバーで認証が必要な場合のパスワードを設定します。\n"
		"Google Workspaceの場合は、発行したアプリパスワード(16文字)です。",
		"The password, when the mail server requires a login.\n"
		"For Google Workspace, the app password you generated (16 characters).",
		FK_SECRET, "", NULL, FIELD_SECRET, NULL, NULL, NULL },
	[F_AUTH] = {
		F_AUTH, "smtp", "auth",
		"認証方式(高度な設定)", "Authentication (advanced)",
		"メールサーバーで認証が必要な場合の認証方法を選択します。\n"
		"※通常は「PLAIN」が選択されています。",
		"How to log in, when the mail server requires a login.\n"
		"Usually PLAIN.",
		FK_CHOICE, "plain", auth_choices, FIELD_REQUIRED | FIELD_ADVANCED, NULL,
		auth_labels_ja, auth_labels_en },
	[F_TLS] = {
		F_TLS, "smtp", "tls",
		"TLS認証(高度な設定)", "TLS (advanced)",
		"TLS 認証の有効・無効を設定します。\n"
		"※通常は「有効」設定です。有効で認証ができないときのみ無効で設定ください。"
		"(セキュリティ上「有効」が推奨です)",
		"Whether the connection is encrypted with TLS (required while on).\n"
		"Usually on; turn it off only when the login fails with it on (on is "
		"recommended for security).",
		FK_CHOICE, "on", onoff_choices, FIELD_REQUIRED | FIELD_ADVANCED, NULL,
		tls_labels_ja, tls_labels_en },
	[F_CA_FILE] = {
		F_CA_FILE, "smtp", "ca_file",
		"CAファイル(高度な設定)", "CA file (advanced)",
		"独自の認証局(テスト用など)の証明書を使う場合のPEMファイルのパスです。"
		"空欄ならシステムの証明書を使います。",
		"A PEM file of CA certificates for a private or test CA; empty uses the system's "
		"certificates. Certificates are always verified.",
		FK_PATH, "", NULL, FIELD_ADVANCED, NULL, NULL, NULL },
	[F_SMS_AUTH] = {
		F_SMS_AUTH, "options", "sms_auth",
		"SMS会員認証機能", "SMS member authentication",
		"[オプション]SMS会員認証機能のご契約の有無です。"
		"ご契約済みで「Twilioを使用する:ON」の場合に通知優先設定が表示されます。",
		"Whether the shop has the SMS member authentication option. With it, and "
		"\"Use Twilio\" ON, the notification priority is shown.",
		FK_CHOICE, "off", onoff_choices, FIELD_REQUIRED, NULL,
		contract_labels_ja, contract_labels_en },
	[F_TWILIO] = {
		F_TWILIO, "options", "twilio",
		"Twilioを使用する", "Use Twilio",
		"「設定 > 外部連携アカウント管理 > Twilio」の「Twilioを使用する」です。"
		"SMS会員認証機能をご契約済みで ON の場合に通知優先設定が表示されます。",
		"\"Use Twilio\" under Settings > External account management > Twilio. With it "
		"ON and the SMS member authentication option, the notification priority is shown.",
		FK_CHOICE, "off", onoff_choices, FIELD_REQUIRED, NULL,
		twilio_labels_ja, twilio_labels_en },
	[F_DNS_SERVER] = {
		F_DNS_SERVER, "dns", "server",
		"DNSサーバー", "DNS server",
		"DNS チェックで問い合わせる DNS サーバー(IPv4 または IPv6 アドレス、"
		":ポート番号も可)です。空欄ならシステムの設定を使います。",
		"The DNS server the DNS check asks (an IPv4 or IPv6 address, optionally with a "
		"port); empty uses the system's.",
		FK_NAMESERVER, "", NULL, 0, NULL, NULL, NULL },
	[F_DNS_SELECTORS] = {
		F_DNS_SELECTORS, "dns", "dkim_selectors",
		"DKIMセレクタ", "DKIM selectors",
		"DKIM の鍵を探すセレクタ(カンマ区切り)です。鍵は セレクタ._domainkey.ドメイン にあります。"
		"空欄ならプロバイダの既定を試します。",
		"Where the DNS check looks for DKIM keys (comma-separated selectors; the key is at "
		"SELECTOR._domainkey.DOMAIN); empty tries the provider's usual one.",
		FK_SELECTORS, "", NULL, 0, NULL, NULL, NULL },
};

const struct section_info *settings_section(const char *name)
{
	for (size_t k = 0; k < settings_nsections; k++)
		if (!strcmp(settings_sections[k].name, name))
			return &settings_sections[k];
	return NULL;
}

/* The field of key among those of section k (settings_sections[k]). */
static const struct field *field_in(size_t k, const char *key)
{
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *f = &settings_fields[i];
		if (!strcmp(f->key, key) && !strcmp(f->section, settings_sections[k].name))
			return f;
	}
	return NULL;
}

const struct field *settings_field_in(const struct section_info *si, const char *key)
{
	return si ? field_in((size_t)(si - settings_sections), key) : NULL;
}

const struct field *settings_field_by_name(const char *dotted)
{
	const char *dot = strchr(dotted, '.');
	if (!dot)
		return NULL;
	size_t slen = (size_t)(dot - dotted);
	for (size_t k = 0; k < settings_nsections; k++)
		if (strlen(settings_sections[k].name) == slen &&
		    !strncmp(settings_sections[k].name, dotted, slen))
			return field_in(k, dot + 1);
	return NULL;
}

const char *settings_field_name(enum field_id id)
{
	static char names[F_COUNT][48];
	if (!names[id][0])
		snprintf(names[id], sizeof names[id], "%s.%s", settings_fields[id].section,
			 settings_fields[id].key);
	return names[id];
}

const char *settings_label(enum field_id id)
{
	return i18n_pick(settings_fields[id].label_ja, settings_fields[id].label_en);
}

const char *settings_help(enum field_id id)
{
	return i18n_pick(settings_fields[id].help_ja, settings_fields[id].help_en);
}

const char *settings_choice_label(enum field_id id, const char *value)
{
	const struct field *f = &settings_fields[id];
	for (size_t i = 0; f->choices && f->choice_labels_ja && f->choices[i]; i++)
		if (!strcasecmp(value, f->choices[i]))
			return i18n_pick(f->choice_labels_ja[i], f->choice_labels_en[i]);
	return value;
}

void settings_index(const struct ini_doc *doc, const struct ini_entry *at[F_COUNT])
{
	for (int i = 0; i < F_COUNT; i++)
		at[i] = NULL;
	/* A run of entries shares its section string (ini_entry): the
	 * section is looked up once per run, the key only in a known one. */
	const char *run = NULL;
	const struct section_info *si = NULL;
	for (size_t k = 0; k < doc->nentries; k++) {
		const struct ini_entry *en = &doc->entries[k];
		if (en->section != run) {
			run = en->section;
			si = settings_section(run);
		}
		const struct field *f = settings_field_in(si, en->key);
		if (f)
			at[f->id] = en;
	}
}

void settings_from_doc(struct settings *s, const struct ini_doc *doc)
{
	const struct ini_entry *at[F_COUNT];
	settings_index(doc, at);
	for (int i = 0; i < F_COUNT; i++)
		s->value[i] = at[i] ? xstrdup(at[i]->value) : NULL;
}

void settings_copy(struct settings *dst, const struct settings *src)
{
	for (int i = 0; i < F_COUNT; i++)
		dst->value[i] = src->value[i] ? xstrdup(src->value[i]) : NULL;
}

/* Values are wiped before they are freed: one of them is the password. */
static void free_value(char *v)
{
	if (v) {
		explicit_bzero(v, strlen(v));
		free(v);
	}
}

void settings_free(struct settings *s)
{
	for (int i = 0; i < F_COUNT; i++) {
		free_value(s->value[i]);
		s->value[i] = NULL;
	}
}

const char *settings_get(const struct settings *s, enum field_id id)
{
	return s->value[id] ? s->value[id] : settings_fields[id].def;
}

bool settings_has(const struct settings *s, enum field_id id)
{
	return s->value[id] != NULL;
}

void settings_set(struct settings *s, enum field_id id, const char *value)
{
	char *v = xstrdup(value);
	free_value(s->value[id]);
	s->value[id] = v;
}

bool settings_visible(const struct settings *s, enum field_id id)
{
	const struct visibility *v = settings_fields[id].visible;
	return !v || v->shown(s);
}

const char *settings_hidden_reason(const struct settings *s, enum field_id id)
{
	return settings_visible(s, id) ? NULL : _(settings_fields[id].visible->why_hidden);
}

bool settings_on(const struct settings *s, enum field_id id)
{
	return strcasecmp(settings_get(s, id), "on") == 0;
}

int settings_line(const struct ini_doc *doc, enum field_id id)
{
	const struct ini_entry *en = inifile_find(doc, settings_fields[id].section,
						  settings_fields[id].key);
	return en ? en->line : inifile_section_line(doc, settings_fields[id].section);
}

/* Two values are the same setting: for a list, the same items. */
static bool same_value(enum field_id id, const char *a, const char *b)
{
	if (settings_fields[id].kind != FK_ADDRESS_LIST)
		return strcmp(a, b) == 0;
	for (;;) {
		a += strspn(a, ",\n \t");
		b += strspn(b, ",\n \t");
		size_t na = strcspn(a, ",\n"), nb = strcspn(b, ",\n");
		while (na && (a[na - 1] == ' ' || a[na - 1] == '\t'))
			na--;
		while (nb && (b[nb - 1] == ' ' || b[nb - 1] == '\t'))
			nb--;
		if (na != nb || strncmp(a, b, na))
			return false;
		if (!na)
			return true;
		a += na;
		b += nb;
	}
}

/* The values of s that differ from doc's, as changes for inifile_render(),
 * into ch (F_COUNT of them at most); returns how many. */
static size_t changes(const struct ini_doc *doc, const struct settings *s,
		      struct ini_change *ch)
{
	const struct ini_entry *at[F_COUNT];
	settings_index(doc, at);
	size_t n = 0;
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *f = &settings_fields[i];
		if (!s->value[i] || (at[i] && !strcmp(at[i]->value, s->value[i])))
			continue;
		ch[n++] = (struct ini_change){ f->section, f->key, s->value[i],
					       f->kind == FK_ADDRESS_LIST };
	}
	return n;
}

/* Prove that the shop's reader gets back exactly what was meant: nd, the
 * reading of the new bytes, holds every value of s. Returns 0, or -1 with
 * e filled and nd freed. */
static int read_back(const struct settings *s, enum ini_status parsed,
		     const struct ini_error *pe, struct ini_doc *nd, struct ini_error *e)
{
	if (parsed != INI_OK) {
		snprintf(e->msg, sizeof e->msg,
			 _("internal error: the new file would not parse (line %d: %s); nothing was saved"),
			 pe->line, pe->msg);
		e->status = INI_VALUE;
		return -1;
	}
	struct settings back = { { 0 } };
	settings_from_doc(&back, nd);
	for (int i = 0; i < F_COUNT; i++) {
		const char *want = s->value[i];
		if (want && (!back.value[i] || !same_value(i, back.value[i], want))) {
			snprintf(e->msg, sizeof e->msg,
				 _("internal error: %s would not read back as written; nothing was saved"),
				 settings_field_name(i));
			e->status = INI_VALUE;
			settings_free(&back);
			inifile_free(nd);
			return -1;
		}
	}
	settings_free(&back);
	return 0;
}

int settings_render(const struct ini_doc *doc, const struct settings *s,
		    struct strbuf *out, struct ini_doc *nd, struct ini_error *e)
{
	struct ini_change ch[F_COUNT];
	size_t n = changes(doc, s, ch);
	memset(out, 0, sizeof *out);
	if (inifile_render(doc, ch, n, out, e) != INI_OK) {
		sb_free(out);
		return -1;
	}
	struct ini_error pe;
	enum ini_status rc = inifile_parse(out->buf ? out->buf : "", out->len, nd, &pe);
	if (read_back(s, rc, &pe, nd, e) < 0) {
		sb_free(out);
		return -1;
	}
	return 0;
}

int settings_update(const struct ini_doc *doc, const struct settings *s,
		    struct ini_doc *nd, struct ini_error *e)
{
	memset(nd, 0, sizeof *nd);
	memset(e, 0, sizeof *e);
	struct ini_change ch[F_COUNT];
	size_t n = changes(doc, s, ch);
	/* Rendering no change gives doc's bytes back (HACKING, writer rules). */
	if (n == 0)
		return 1;
	struct strbuf out;
	if (inifile_render(doc, ch, n, &out, e) != INI_OK)
		return -1;
	/* A value that differs may still render as the file has it (a BCC
	 * list as mailset wraps it): the same bytes need no proof, no write. */
	if (out.len == doc->len && (!out.len || !memcmp(out.buf, doc->buf, out.len))) {
		sb_free(&out);
		return 1;
	}
	/* The new bytes become nd's: the proof's reading is the document. */
	struct ini_error pe;
	enum ini_status rc = inifile_parse_sb(&out, nd, &pe);
	return read_back(s, rc, &pe, nd, e);
}

int settings_save(const char *path, struct ini_doc *doc,
		  const struct settings *s, struct ini_error *e)
{
	struct ini_doc nd;
	int r = settings_update(doc, s, &nd, e);
	if (r < 0)
		return -1;
	const struct ini_doc *w = r ? doc : &nd;
	enum ini_status rc = inifile_write_atomic(path, w->buf ? w->buf : "", w->len, e);
	if (rc != INI_OK) {
		inifile_free(&nd);
		return -1;
	}
	if (r == 0) {
		inifile_free(doc);
		*doc = nd;
	}
	return 0;
}
