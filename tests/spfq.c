/* SPDX-License-Identifier: MIT */
/* spfq.c - the SPF evaluator alone, for tests/spf.sh (the differential
 * test against pyspf):
 *
 *   spfq --server ADDR[:PORT] IP SENDER HELO
 *       prints the result (none, neutral, pass, fail, softfail, temperror,
 *       permerror) on the first line and the reason on the second;
 *   spfq --server ADDR[:PORT] --batch
 *       reads "ID<TAB>IP<TAB>SENDER<TAB>HELO" lines and prints
 *       "ID<TAB>RESULT<TAB>REASON" for each, every query on a resolver of
 *       its own (no answer is shared between cases).
 * Exit 0, or 64 on bad arguments. The domain is the sender's. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/resolver.h"
#include "mailset/spf.h"
#include "mailset/util.h"

/* One evaluation; *reason is new. NULL when ip is no address. */
static const char *eval(const char *server, const char *ip, const char *sender,
			const char *helo, char **reason)
{
	struct spf_query q = { .sender = sender, .helo = helo };
	if (inet_pton(AF_INET, ip, q.ip.b) == 1)
		q.ip.family = AF_INET;
	else if (inet_pton(AF_INET6, ip, q.ip.b) == 1)
		q.ip.family = AF_INET6;
	else
		return NULL;
	const char *at = strrchr(sender, '@');
	q.domain = at ? at + 1 : sender;
	char *err = NULL;
	struct dnsr *dns = dnsr_open(server, 2000, &err);
	if (!dns) {
		*reason = err;
		return "resolver";
	}
	struct spf_outcome o;
	spf_check_host(dns, &q, &o);
	const char *r = spf_result_name(o.result);
	*reason = xstrdup(o.reason);
	spf_outcome_free(&o);
	dnsr_close(dns);
	return r;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--server") && !strcmp(argv[3], "--batch")) {
		char line[4096];
		while (fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\n")] = '\0';
			char *f[4], *save = NULL;
			int n = 0;
			for (char *t = strtok_r(line, "\t", &save); t && n < 4; t = strtok_r(NULL, "\t", &save))
				f[n++] = t;
			if (n != 4) {
				fprintf(stderr, "spfq: a batch line needs 4 fields\n");
				return 64;
			}
			char *reason = NULL;
			const char *r = eval(argv[2], f[1], f[2], f[3], &reason);
			for (char *c = reason; c && *c; c++)
				if (*c == '\t' || *c == '\n')
					*c = ' ';
			printf("%s\t%s\t%s\n", f[0], r ? r : "bad-ip", reason ? reason : "");
			fflush(stdout);
			free(reason);
		}
		return 0;
	}
	if (argc != 6 || strcmp(argv[1], "--server")) {
		fprintf(stderr, "usage: spfq --server ADDR[:PORT] IP SENDER HELO\n"
				"       spfq --server ADDR[:PORT] --batch\n");
		return 64;
	}
	char *reason = NULL;
	const char *r = eval(argv[2], argv[3], argv[4], argv[5], &reason);
	if (!r) {
		fprintf(stderr, "spfq: %s is not an IP address\n", argv[3]);
		return 64;
	}
	printf("%s\n%s\n", r, reason ? reason : "");
	free(reason);
	return 0;
}
