# rewind — build, demo and tests.  `make demo` and `make test` install what
# they need (apt-get) on a fresh Debian 12 machine, then build and run.
CC      ?= gcc
# SAN=1: the same build with AddressSanitizer and UndefinedBehaviorSanitizer,
# in build-asan/ (make test runs every test with both builds).
SAN     ?=
BUILD   ?= $(if $(SAN),build-asan,build)
WERROR  ?= $(if $(CI),-Werror,)
CFLAGS  ?= -O2 -g
CFLAGS  += $(if $(SAN),-fsanitize=address$(,)undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer,)
CFLAGS  += -pthread -std=gnu11 -Wall -Wextra $(WERROR) -Isrc -D_GNU_SOURCE -MMD -MP
LDLIBS  += -lzstd -lsodium -lcapstone -pthread
, := ,

SRCS     := $(shell find src -name '*.c' | sort)
LIB_SRCS := $(filter-out src/cli/main.c,$(SRCS))
OBJS     := $(SRCS:%.c=$(BUILD)/obj/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo test check unit clean
all: $(BUILD)/bin/rewind $(BUILD)/bin/rr

$(BUILD)/bin/rewind: $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/rr: $(BUILD)/bin/rewind
	ln -sf rewind $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_BINS)

# Installs missing Debian packages (no-op when everything is present).
deps:
	@sh tools/install-deps.sh

demo: deps
	$(MAKE) all
	sh demo/run-demo.sh

test: deps
	$(MAKE) all unit
	$(MAKE) SAN=1 all unit
	sh tests/run-all.sh
	ASAN_OPTIONS=detect_leaks=0 REWIND=build-asan/bin/rewind UNIT_DIR=build-asan/tests \
	    sh tests/run-all.sh

clean:
	rm -rf build build-asan

-include $(OBJS:.o=.d)
