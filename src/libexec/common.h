/* SPDX-License-Identifier: MIT */
/* common.h - what both network helpers share: reading the request. */
#ifndef MAILSET_LIBEXEC_COMMON_H
#define MAILSET_LIBEXEC_COMMON_H

#include "mailset/netjob.h"

/* Read the request from standard input and parse it; on a malformed one
 * the helper says so (a verdict record) and exits 70. */
void helper_read_request(struct netreq *r);

#endif
