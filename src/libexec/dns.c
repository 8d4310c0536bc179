/* SPDX-License-Identifier: MIT */
/* mailset-dns - the DNS check of the sending domain, in a process of its
 * own (see netjob.h).
 *
 * Request: the settings (s.SECTION.KEY); "server" and "selector" (any
 * number) override the file's [dns] options as the command line's --server
 * and --selector do; "editor" ("1") words messages for the editor's pane.
 * Answer: the report's lines, each with its level, a note naming the
 * provider whose preset may fill in empty SMTP settings, the verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mailset/dns.h"
#include "mailset/i18n.h"
#include "mailset/json.h"
#include "mailset/presets.h"
#include "mailset/util.h"

static void report_line(void *ctx, const struct dns_item *it, const char *line)
{
	(void)ctx;
	enum job_level lv = !it ? JL_PLAIN
		: it->v == DV_MISSING || it->v == DV_WRONG ? JL_ERROR
		: it->v == DV_UNKNOWN ? JL_WARN : JL_PLAIN;
	netrec_line(1, ' ', lv, 0, line);
}

/* Each record's findings as a J record, for --json. */
static void json_items(const struct dns_report *r)
{
	static const char *const verdicts[] = { "ok", "missing", "wrong", "unknown", "info" };
	for (size_t i = 0; i < r->n; i++) {
		const struct dns_item *it = &r->items[i];
		struct json j = { 0 };
		json_open(&j, '{');
		json_kstr(&j, "record", it->what);
		json_kstr(&j, "verdict", verdicts[it->v]);
		json_kstr(&j, "found", it->detail);
		json_kstr(&j, "reason", it->reason);
		json_kstr(&j, "suggestion", it->suggest);
		json_close(&j, '}');
		netrec_json(1, j.sb.buf);
		sb_free(&j.sb);
	}
}

int main(void)
{
	util_no_core();
	i18n_init();
	struct netreq rq;
	helper_read_request(&rq);
	struct settings s = { 0 };
	netreq_settings(&rq, &s);
	const char *editor = netreq_get(&rq, "editor");
	bool in_editor = editor && !strcmp(editor, "1");

	struct preset_list pl;
	char *err;
	if (presets_load_default(&pl, &err) < 0) {
		/* the check goes on without provider detection */
		if (!in_editor)
			fprintf(stderr, "mailset: %s\n", err);
		free(err);
		pl.v = NULL, pl.n = 0;
	}
	struct dns_opts o;
	dns_opts_from_settings(&o, &s);
	o.in_editor = in_editor;
	const char *server = netreq_get(&rq, "server");
	if (server)
		o.server = server;
	const char **sel = NULL;
	size_t nsel = 0;
	for (size_t i = 0; i < rq.n; i++)
		if (!strcmp(rq.v[i].name, "selector")) {
			sel = xgrow(sel, nsel, sizeof *sel);
			sel[nsel++] = rq.v[i].value;
		}
	if (nsel) {
		o.selectors = sel;
		o.nselectors = nsel;
	}
	struct dns_report r;
	dns_check(&s, &pl, &o, &r);
	/* not part of the report: which preset 'p' may apply */
	if (r.offer_preset)
		netrec_note(1, r.provider->id);
	dns_report_lines(&r, report_line, NULL);
	const char *json = netreq_get(&rq, "json");
	if (json && !strcmp(json, "1"))
		json_items(&r);
	/* for make bench and the tests: what the check cost */
	if (getenv("MAILSET_DNS_STATS") && !in_editor)
		fprintf(stderr, "mailset: dns: %zu questions, %zu round trips\n", r.questions,
			r.round_trips);
	char *verdict = transcript_safe(r.verdict ? r.verdict : "",
					r.verdict ? strlen(r.verdict) : 0, SIZE_MAX);
	netrec_verdict(1, r.status, verdict);
	free(verdict);
	dns_report_free(&r);
	dns_opts_free(&o);
	free(sel);
	presets_free(&pl);
	settings_free(&s);
	netreq_free(&rq);
	return 0;
}
