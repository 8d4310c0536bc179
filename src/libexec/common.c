/* SPDX-License-Identifier: MIT */
/* common.c - reading a helper's request from its standard input. */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "mailset/i18n.h"

/* More than any request: settings, two addresses, a few selectors. */
#define REQUEST_MAX (1 << 20)

void helper_read_request(struct netreq *r)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	for (;;) {
		ssize_t n = read(0, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sb_add(&sb, buf, (size_t)n);
		if (sb.len > REQUEST_MAX)
			break;
	}
	explicit_bzero(buf, sizeof buf);
	bool ok = sb.len <= REQUEST_MAX && netreq_parse(sb.buf ? sb.buf : "", sb.len, r);
	if (sb.buf)
		explicit_bzero(sb.buf, sb.len);
	sb_free(&sb);
	if (!ok) {
		netrec_verdict(1, EX_SOFTWARE, _("The helper got a request it cannot read."));
		exit(EX_SOFTWARE);
	}
}
