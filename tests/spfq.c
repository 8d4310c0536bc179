/* spfq.c - the SPF evaluator alone, for tests/spf.sh (the differential
 * test against pyspf):
 *
 *   spfq --server ADDR[:PORT] IP SENDER HELO
 *
 * prints the result (none, neutral, pass, fail, softfail, temperror,
 * permerror) on the first line and the reason on the second; exit 0, or 64
 * on bad arguments. The domain is the sender's. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/resolver.h"
#include "mailset/spf.h"
#include "mailset/util.h"

int main(int argc, char **argv)
{
	if (argc != 6 || strcmp(argv[1], "--server")) {
		fprintf(stderr, "usage: spfq --server ADDR[:PORT] IP SENDER HELO\n");
		return 64;
	}
	struct spf_query q = { .sender = argv[4], .helo = argv[5] };
	if (inet_pton(AF_INET, argv[3], q.ip.b) == 1)
		q.ip.family = AF_INET;
	else if (inet_pton(AF_INET6, argv[3], q.ip.b) == 1)
		q.ip.family = AF_INET6;
	else {
		fprintf(stderr, "spfq: %s is not an IP address\n", argv[3]);
		return 64;
	}
	const char *at = strrchr(q.sender, '@');
	q.domain = at ? at + 1 : q.sender;
	char *err = NULL;
	struct dnsr *dns = dnsr_open(argv[2], 2000, &err);
	if (!dns) {
		fprintf(stderr, "spfq: %s\n", err);
		free(err);
		return 64;
	}
	struct spf_outcome o;
	spf_check_host(dns, &q, &o);
	printf("%s\n%s\n", spf_result_name(o.result), o.reason);
	spf_outcome_free(&o);
	dnsr_close(dns);
	return 0;
}
