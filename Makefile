# SPDX-License-Identifier: MIT
# mailset - terminal editor for a shop's outgoing-mail settings
# GNU make. `make run` and `make check` install missing Debian packages
# first (as root) or print the apt-get line to run.

VERSION   = 0.1.0

PREFIX   ?= /usr/local
bindir   ?= $(PREFIX)/bin
libexecdir ?= $(PREFIX)/libexec
datadir  ?= $(PREFIX)/share
mandir   ?= $(datadir)/man
localedir ?= $(datadir)/locale
pkgdatadir = $(datadir)/mailset
pkglibexecdir = $(libexecdir)/mailset

CC         ?= cc
PKG_CONFIG ?= pkg-config
MSGFMT     ?= msgfmt
# The builder's flags (dpkg-buildflags: CPPFLAGS, CFLAGS, LDFLAGS) go on
# every compile and link of the program and its helpers, after the
# project's own (MS_CPPFLAGS, WARN), so that they win.
CPPFLAGS   ?=
CFLAGS     ?= -O2 -g
LDFLAGS    ?=

# The editor and the plain commands link no network library: libcurl,
# OpenSSL, c-ares and libpsl are the helpers' (mailset-smtp, mailset-dns).
PKGS      = ncursesw menuw inih libidn2
NETPKGS   = libcurl openssl inih libidn2 libcares libpsl
MODELPKGS = $(NETPKGS)
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wwrite-strings -Wundef
# Warnings are errors where asked: `make WERROR=1` (.ci/run does).
ifeq ($(WERROR),1)
WARN     += -Werror
endif
# Debian 12's libinih passes the line number to the handler (built with
# INI_HANDLER_LINENO=1 although its header defaults to 0): match its ABI.
MS_CPPFLAGS = -std=c11 -D_GNU_SOURCE -Iinclude -DINI_HANDLER_LINENO=1 \
            -I$(B) -DVERSION='"$(VERSION)"' -MMD -MP
SAN       = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

ifneq ($(V),1)
Q = @
E = @echo
else
Q =
E = @:
endif

# The model: CORE_SRC is linked by everything, NET_SRC by the network
# helpers (and the unit tests) only.
CORE_SRC  = src/util.c src/i18n.c src/textwrap.c src/inifile.c src/settings.c src/config.c src/validate.c src/presets.c \
            src/lock.c src/recover.c src/netjob.c src/json.c src/linediff.c
NET_SRC   = src/message.c src/transcript.c src/verdict.c src/smtp.c src/resolver.c src/spf.c src/dns.c
MODEL_SRC = $(CORE_SRC) $(NET_SRC)
HELPERS   = mailset-smtp mailset-dns
HELPER_SRC = src/libexec/common.c
CLI_SRC   = src/cli.c
UI_SRC    = src/ui/term.c src/ui/keys.c src/ui/lineedit.c src/ui/job.c src/ui/logview.c \
            src/ui/editor.c src/ui/dialog.c src/ui/ui.c src/ui/form.c src/ui/picker.c src/ui/bcclist.c \
            src/ui/wizard.c src/ui/testpane.c src/ui/dnspane.c src/ui/safety.c
MAIN_SRC  = src/main.c
TESTS     = $(patsubst tests/%.c,%,$(wildcard tests/check_*.c))

B  = build
BA = build/asan

obj  = $(patsubst src/%.c,$(1)/obj/%.o,$(2))

# pkg-config runs once per make (the sub-make of `check` runs after the
# packages are installed, so it sees them).
PC_CFLAGS     := $(shell $(PKG_CONFIG) --cflags $(PKGS) $(NETPKGS) 2>/dev/null)
PC_LIBS       := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
PC_NET_LIBS   := $(shell $(PKG_CONFIG) --libs $(NETPKGS) 2>/dev/null) -lresolv
PC_MODEL_LIBS := $(shell $(PKG_CONFIG) --libs $(MODELPKGS) 2>/dev/null) -lresolv
PC_CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
PC_CHECK      := $(shell $(PKG_CONFIG) --cflags --libs check 2>/dev/null)

MO = $(B)/locale/ja/LC_MESSAGES/mailset.mo

.SECONDARY:
.PHONY: FORCE all deps check-deps run check bench install uninstall clean asan pot lint-man fuzz fuzz-build deb
all: $(B)/mailset $(addprefix $(B)/libexec/,$(HELPERS)) $(MO)

deps:
	$(Q)scripts/deps.sh build
check-deps:
	$(Q)scripts/deps.sh check

# The installation paths compiled in: rewritten (and what uses them
# rebuilt) whenever PREFIX, datadir or localedir change.
$(B)/paths.h: FORCE
	$(Q)mkdir -p $(B)
	$(Q)printf '#define DATADIR "%s"\n#define LOCALEDIR "%s"\n#define LIBEXECDIR "%s"\n' \
	  '$(pkgdatadir)' '$(localedir)' '$(pkglibexecdir)' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/obj/i18n.o $(BA)/obj/i18n.o $(B)/obj/netjob.o $(BA)/obj/netjob.o: $(B)/paths.h
FORCE:

# --- normal build ---------------------------------------------------------
$(B)/obj/%.o: src/%.c
	$(E) "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(MS_CPPFLAGS) $(CPPFLAGS) $(WARN) $(CFLAGS) $(PC_CFLAGS) -c -o $@ $<

$(B)/mailset: $(call obj,$(B),$(CORE_SRC) $(CLI_SRC) $(UI_SRC) $(MAIN_SRC))
	$(E) "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PC_LIBS)

# The network helpers, in libexec/ beside the program (netjob.c looks
# there first, then in $(pkglibexecdir)).
$(B)/libexec/mailset-%: $(call obj,$(B),$(CORE_SRC) $(NET_SRC) $(HELPER_SRC)) $(B)/obj/libexec/%.o
	$(E) "  LD      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PC_NET_LIBS)

# --- sanitised build, used by the tests -----------------------------------
$(BA)/obj/%.o: src/%.c
	$(E) "  CC asan $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(MS_CPPFLAGS) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -DMAILSET_FAULTS $(PC_CFLAGS) -c -o $@ $<

$(BA)/mailset: $(call obj,$(BA),$(CORE_SRC) $(CLI_SRC) $(UI_SRC) $(MAIN_SRC))
	$(E) "  LD asan $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(PC_LIBS)

$(BA)/libexec/mailset-%: $(call obj,$(BA),$(CORE_SRC) $(NET_SRC) $(HELPER_SRC)) $(BA)/obj/libexec/%.o
	$(E) "  LD asan $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAN) -o $@ $^ $(PC_NET_LIBS)

# Unit tests link the model alone (and the key table, which only names
# curses key codes, and the command table of cli.c): no ncurses.
$(BA)/tests/%.o: tests/%.c
	$(E) "  CC test $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(MS_CPPFLAGS) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes -O1 -g $(SAN) $(PC_CFLAGS) $(PC_CHECK_CFLAGS) -c -o $@ $<

$(BA)/tests/%: $(BA)/tests/%.o $(call obj,$(BA),$(MODEL_SRC) $(CLI_SRC) src/ui/keys.c)
	$(E) "  LD test $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(PC_MODEL_LIBS) $(PC_CHECK)

# The screens' unit test drives the editor on curses (newterm): it links
# the editor too.
$(BA)/tests/check_ui: $(BA)/tests/check_ui.o $(call obj,$(BA),$(CORE_SRC) $(UI_SRC))
	$(E) "  LD test $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(PC_LIBS) $(PC_CHECK)

# Tools the shell tests run (not Check programs): linked like them.
TOOLS = spfq

asan: $(BA)/mailset $(addprefix $(BA)/libexec/,$(HELPERS)) $(addprefix $(BA)/tests/,$(TESTS) $(TOOLS))

# --- translations ---------------------------------------------------------
$(B)/locale/%/LC_MESSAGES/mailset.mo: po/%.po
	$(E) "  MSGFMT  $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(MSGFMT) --check -o $@ $<

pot:
	xgettext --from-code=UTF-8 -k_ -kN_ --add-comments=Translators \
	  --package-name=mailset --package-version=$(VERSION) \
	  -o po/mailset.pot $(MODEL_SRC) $(CLI_SRC) $(UI_SRC) $(MAIN_SRC) $(HELPER_SRC) \
	  $(patsubst %,src/libexec/%.c,smtp dns)

# --- the two commands of the README ---------------------------------------
DEMO = $(B)/demo/mail.ini
run:
	$(Q)scripts/deps.sh run
	$(Q)$(MAKE) --no-print-directory all
	$(Q)DEMO_RESET=$(DEMO_RESET) B='$(B)' scripts/run-demo.sh

# make check T="smtp check_verdict" ONLY=REGEX: see tests/run.sh.
check:
	$(Q)scripts/deps.sh check
	$(Q)$(MAKE) --no-print-directory all asan
	$(Q)MAILSET=$(CURDIR)/$(BA)/mailset TESTBIN=$(CURDIR)/$(BA)/tests \
	  MAILSET_DATADIR=$(CURDIR)/share/mailset MAILSET_LOCALEDIR=$(CURDIR)/$(B)/locale \
	  MAILSET_B='$(B)' MAILSET_BA='$(BA)' T='$(T)' ONLY='$(ONLY)' tests/run.sh $(TESTS)

lint-man:
	$(Q)mandoc -T lint -W warning man/mailset.1 man/mailset.ini.5 man/ja/man1/mailset.1 man/ja/man5/mailset.ini.5

bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench.sh

# --- install ----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(pkglibexecdir) $(DESTDIR)$(pkgdatadir)/presets \
	  $(DESTDIR)$(pkgdatadir)/examples $(DESTDIR)$(mandir)/man1 \
	  $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(localedir)/ja/LC_MESSAGES
	install -m 755 $(B)/mailset $(DESTDIR)$(bindir)/mailset
	install -m 755 $(addprefix $(B)/libexec/,$(HELPERS)) $(DESTDIR)$(pkglibexecdir)/
	install -m 644 share/mailset/presets/*.ini $(DESTDIR)$(pkgdatadir)/presets/
	install -m 644 share/mailset/examples/*.ini $(DESTDIR)$(pkgdatadir)/examples/
	install -m 644 share/mailset/test-mail.txt $(DESTDIR)$(pkgdatadir)/test-mail.txt
	install -m 644 man/mailset.1 $(DESTDIR)$(mandir)/man1/mailset.1
	install -m 644 man/mailset.ini.5 $(DESTDIR)$(mandir)/man5/mailset.ini.5
	install -D -m 644 man/ja/man1/mailset.1 $(DESTDIR)$(mandir)/ja/man1/mailset.1
	install -D -m 644 man/ja/man5/mailset.ini.5 $(DESTDIR)$(mandir)/ja/man5/mailset.ini.5
	install -m 644 $(MO) $(DESTDIR)$(localedir)/ja/LC_MESSAGES/mailset.mo
	install -D -m 644 share/completion/mailset.bash $(DESTDIR)$(datadir)/bash-completion/completions/mailset
	install -D -m 644 share/completion/_mailset $(DESTDIR)$(datadir)/zsh/vendor-completions/_mailset

uninstall:
	rm -f $(DESTDIR)$(bindir)/mailset $(DESTDIR)$(mandir)/man1/mailset.1 \
	  $(DESTDIR)$(mandir)/man5/mailset.ini.5 \
	  $(DESTDIR)$(mandir)/ja/man1/mailset.1 $(DESTDIR)$(mandir)/ja/man5/mailset.ini.5 \
	  $(DESTDIR)$(localedir)/ja/LC_MESSAGES/mailset.mo
	rm -rf $(DESTDIR)$(pkgdatadir) $(DESTDIR)$(pkglibexecdir)
	rm -f $(DESTDIR)$(datadir)/bash-completion/completions/mailset $(DESTDIR)$(datadir)/zsh/vendor-completions/_mailset

clean:
	rm -rf $(B)

# --- the Debian package -------------------------------------------------------
# make deb: mailset_$(VERSION)_ARCH.deb (and .changes, .buildinfo) in
# $(B)/deb/, built by dpkg-buildpackage from a copy of the tracked files as
# they are on disk (so the tree's build/ stays untouched), then lintian.
# DEB_BUILD_OPTIONS as usual (e.g. nocheck).
DEB_DIR = $(B)/deb
deb:
	$(Q)scripts/deps.sh deb
	$(Q)scripts/build-deb.sh '$(DEB_DIR)'

-include $(wildcard $(B)/obj/*.d $(B)/obj/ui/*.d $(B)/obj/libexec/*.d $(BA)/obj/*.d $(BA)/obj/ui/*.d \
  $(BA)/obj/libexec/*.d $(BA)/tests/*.d)

# libFuzzer harnesses: make fuzz, make fuzz-build (make check runs each over its corpus once)
-include tests/fuzz/fuzz.mk

# The Ansible module (share/mailset/ansible), installed with the rest of
# the data directory: `install` runs this too.
.PHONY: install-ansible
install: install-ansible
install-ansible:
	install -d $(DESTDIR)$(pkgdatadir)/ansible/library
	install -m 644 share/mailset/ansible/README.md $(DESTDIR)$(pkgdatadir)/ansible/README.md
	install -m 644 share/mailset/ansible/library/mailset.py $(DESTDIR)$(pkgdatadir)/ansible/library/mailset.py
