# SPDX-License-Identifier: MIT
# tests/fuzz/fuzz.mk - libFuzzer harnesses (tests/fuzz/fuzz_*.c), included
# by the top Makefile after its own variables (B, MODEL_SRC, PC_MODEL_LIBS,
# PKG_CONFIG, E, Q).
#
#   make fuzz-build          $(B)/fuzz/fuzz_* (build/fuzz/ by default) with
#                            clang (libFuzzer, ASan, UBSan)
#   make fuzz                run each harness over its corpus once, then for
#                            FUZZ_SECONDS (default 60) on
#                            $(B)/fuzz/corpus/NAME, a copy of
#                            tests/fuzz/corpus/NAME that keeps what it finds
#                            (crashes: $(B)/fuzz/crashes/NAME-crash-*;
#                            logs: $(B)/fuzz/log/)
#   make fuzz FUZZ_TARGETS="fuzz_ini fuzz_render"   only those
#   make fuzz-check-build    fuzz-build when clang with libFuzzer is there,
#                            else a note (tests/fuzz.sh then says SKIP)
#
# `make check` runs no timed fuzzing: tests/fuzz.sh builds the harnesses and
# runs each over tests/fuzz/corpus/NAME once, as regression tests.
#
# The model is compiled once into $(B)/fuzz/obj/ with coverage
# instrumentation, archived in $(B)/fuzz/libmodel.a; each harness links
# what it needs from there.

# Guard: tests/fuzz.sh names this file with -f too, so that it works
# whether or not the top Makefile includes it.
ifndef MAILSET_FUZZ_MK
MAILSET_FUZZ_MK = 1

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_FLAGS   ?=
FZ            = $(B)/fuzz
FUZZ_NAMES    = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_BINS     = $(addprefix $(FZ)/,$(FUZZ_NAMES))
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CPPFLAGS = -std=c11 -D_GNU_SOURCE -Iinclude -I$(B) -DINI_HANDLER_LINENO=1 -MMD -MP
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer
FUZZ_PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(MODELPKGS) 2>/dev/null)
# The model's link line is the top Makefile's (pkg-config, -lresolv...).
FUZZ_LIBS      = $(PC_MODEL_LIBS)
FUZZ_MODEL_OBJ = $(patsubst src/%.c,$(FZ)/obj/%.o,$(MODEL_SRC))

.PHONY: fuzz fuzz-build fuzz-check-build

fuzz-build: $(FUZZ_BINS)

# The model's objects: warnings shown but never fatal here (clang may warn
# where gcc does not; the gcc builds hold the -Werror line).
$(FZ)/obj/%.o: src/%.c
	$(E) "  CC fuzz $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CPPFLAGS) -Wall -Wextra $(FUZZ_CFLAGS) $(FUZZ_SAN) \
	  -fsanitize=fuzzer-no-link $(FUZZ_PC_CFLAGS) -c -o $@ $<
$(FZ)/obj/i18n.o $(FZ)/obj/netjob.o: $(B)/paths.h

$(FZ)/harness/%.o: tests/fuzz/%.c
	$(E) "  CC fuzz $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CPPFLAGS) -Wall -Wextra -Werror $(FUZZ_CFLAGS) $(FUZZ_SAN) \
	  -fsanitize=fuzzer-no-link $(FUZZ_PC_CFLAGS) -c -o $@ $<

# An archive: each harness links only the modules it uses.
$(FZ)/libmodel.a: $(FUZZ_MODEL_OBJ)
	$(E) "  AR fuzz $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(FZ)/fuzz_%: $(FZ)/harness/fuzz_%.o $(FZ)/libmodel.a
	$(E) "  LD fuzz $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS)

fuzz-check-build:
	$(Q)if tests/fuzz.sh --probe; then \
	  $(MAKE) --no-print-directory fuzz-build; \
	else \
	  echo "  fuzz: $(FUZZ_CC) with libFuzzer not found (Debian: clang libclang-rt-14-dev); tests/fuzz.sh will SKIP"; \
	fi

# Every harness runs even when one fails; the exit status says whether any
# did. Corpus files that crash are reported as KNOWN and left out of the
# fuzzing, which goes on from the rest (tests/fuzz.sh --long).
fuzz: fuzz-build
	$(Q)MAILSET_B='$(B)' FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) FUZZ_FLAGS='$(FUZZ_FLAGS)' \
	  tests/fuzz.sh --long $(FUZZ_SECONDS) $(FUZZ_TARGETS)

-include $(wildcard $(FZ)/obj/*.d $(FZ)/harness/*.d)

endif
