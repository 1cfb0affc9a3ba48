# ZabScope — build, test and serve.
#
#   make serve   install what is missing, then serve the app at http://127.0.0.1:8080
#   make test    install what is missing, then run every check in order, stopping at the first failure
#
# Tools are installed by scripts/install-tools.sh (idempotent: it checks first and installs only
# what is absent or at the wrong version). cargo-installed tools live in ~/.cargo/bin; wasm-opt
# (binaryen from npm) lives in the repo-local .tools/.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The checks of `make test` must run in order and stop at the first failure, even under -j.
.NOTPARALLEL:

CARGO_HOME ?= $(HOME)/.cargo
# wasm-pack and trunk use the wasm-bindgen / wasm-opt found on PATH (a mismatch makes them try to
# download one, which fails here), so put ours first.
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CARGO_HOME)/bin:$(PATH)

ENSURE      := scripts/install-tools.sh
HOST        := 127.0.0.1
PORT        := 8080
CHROMEDRIVER ?= /usr/bin/chromedriver
# The browser harness (scripts/check-layout.js, scripts/bench-*.js) finds playwright-core here
# (installed by `scripts/install-tools.sh playwright`); the scripts fall back to /tmp/pw.
export NODE_PATH := $(CURDIR)/.tools/node_modules
LAYOUT_PORT ?= 8093
A11Y_PORT   ?= 8096
GUIDE_PORT  ?= 8111
SWEEP_PORT  ?= 8113
BENCH_PORT  ?= 8194
RAFT_PORT   ?= 8195
# `make layout-test LAYOUT_ARGS="--only 390x844 --screenshots /tmp/shots"`
LAYOUT_ARGS ?=
# `make a11y-test A11Y_ARGS="--only 390x844,inspector --verbose"`
A11Y_ARGS   ?=
# `make bench-cost RAFTSCOPE=/tmp/raftscope` (a work tree of github.com/ongardie/raftscope)
RAFTSCOPE   ?=

.PHONY: help serve test tools fmt clippy native-test wasm-check browser-test bundle size clean \
	layout-test a11y-test guide-test sweep-test bench-cost

help:
	@echo "make serve          install what is missing, then serve the app on http://$(HOST):$(PORT)"
	@echo "make test           install what is missing, then: fmt clippy native-test wasm-check"
	@echo "                    browser-test bundle size layout-test a11y-test guide-test sweep-test"
	@echo "                    (in that order, stopping at the first failure)"
	@echo "make tools          install everything make test needs (idempotent)"
	@echo "make fmt | clippy | native-test | wasm-check | browser-test | bundle | size"
	@echo "                    one step of make test"
	@echo "make layout-test    serve dist/ (after make bundle) and check the stage's layout in Chromium:"
	@echo "                    text >= 12 px, nothing cut, overlapping or covered, 44 px tap targets"
	@echo "make a11y-test      serve dist/ (after make bundle) and run axe-core (WCAG 2 A/AA) in Chromium over"
	@echo "                    ten states at 1280x800 and 390x844 and in the embed frame: 0 violations"
	@echo "make guide-test     serve dist/ (after make bundle) under /docs/zabscope/ and check the guide's live"
	@echo "                    frames, the app and the embed example there, the CSP, the cost, copy-link's fallback"
	@echo "make sweep-test     serve dist/ (after make bundle) and check the in-browser seed sweep: it finds a"
	@echo "                    bug's seed and opens it as a link, shows progress, cancels, leaves no worker"
	@echo "make bench-cost RAFTSCOPE=DIR"
	@echo "                    benchmark: the browser cost of dist/ next to RaftScope (served from DIR)"
	@echo "make clean          remove target/ and dist/"

serve:
	$(ENSURE) serve
	trunk serve --address $(HOST) --port $(PORT)

test: tools fmt clippy native-test wasm-check browser-test bundle size layout-test a11y-test guide-test \
	sweep-test

tools:
	$(ENSURE) test

fmt:
	$(ENSURE) rustfmt
	cargo fmt --all -- --check

clippy:
	$(ENSURE) clippy
	cargo clippy --workspace --all-targets -- -D warnings

native-test:
	cargo test --workspace

wasm-check:
	$(ENSURE) wasm-target
	cargo build -p zab -p sim --target wasm32-unknown-unknown

browser-test:
	$(ENSURE) wasm-target wasm-bindgen wasm-pack chromium
	wasm-pack test --headless --chrome --chromedriver $(CHROMEDRIVER) .

bundle:
	$(ENSURE) serve
	trunk build --release

size:
	scripts/bundle-size.sh dist

# The layout checker (scripts/check-layout.js) against the release build in dist/: its
# self-test first (it must catch planted faults), then every case. The server is stopped
# however the recipe ends.
layout-test:
	$(ENSURE) chromium playwright
	@[ -f dist/index.html ] || { echo "layout-test: no dist/index.html; run make bundle first" >&2; exit 1; }
	pid="$$(scripts/serve-dir.sh dist $(LAYOUT_PORT))"; \
	trap 'kill "$$pid" 2>/dev/null || true' EXIT; \
	node scripts/check-layout.js --self-test; \
	node scripts/check-layout.js $(LAYOUT_ARGS) http://$(HOST):$(LAYOUT_PORT)/

# The accessibility check (scripts/check-a11y.js): axe-core's WCAG 2 A/AA rules over the release
# build in dist/, in the states listed in the script; its self-test first (it must report the
# planted violations). The server is stopped however the recipe ends.
a11y-test:
	$(ENSURE) chromium playwright
	@[ -f dist/index.html ] || { echo "a11y-test: no dist/index.html; run make bundle first" >&2; exit 1; }
	pid="$$(scripts/serve-dir.sh dist $(A11Y_PORT))"; \
	trap 'kill "$$pid" 2>/dev/null || true' EXIT; \
	node scripts/check-a11y.js --self-test; \
	node scripts/check-a11y.js $(A11Y_ARGS) http://$(HOST):$(A11Y_PORT)/
# The guide (dist/guide/), sub-path hosting, the Content-Security-Policy and copy-link's fallback
# (scripts/check-guide.js), against the release build in dist/ served under /docs/zabscope/ by the
# script's own server, which it stops itself.
guide-test:
	$(ENSURE) chromium playwright
	@[ -f dist/guide/index.html ] || { echo "guide-test: no dist/guide/index.html; run make bundle first" >&2; exit 1; }
	node scripts/check-guide.js --dist dist --port $(GUIDE_PORT)

# The in-browser seed sweep (scripts/check-sweep.js) against the release build in dist/. The
# server is stopped however the recipe ends.
sweep-test:
	$(ENSURE) chromium playwright
	@[ -f dist/index.html ] || { echo "sweep-test: no dist/index.html; run make bundle first" >&2; exit 1; }
	pid="$$(scripts/serve-dir.sh dist $(SWEEP_PORT))"; \
	trap 'kill "$$pid" 2>/dev/null || true' EXIT; \
	node scripts/check-sweep.js http://$(HOST):$(SWEEP_PORT)/

# Benchmark (not part of make test): scripts/bench-cost.js on dist/ and a RaftScope work tree.
bench-cost:
	$(ENSURE) chromium playwright
	@[ -n "$(RAFTSCOPE)" ] && [ -f "$(RAFTSCOPE)/index.html" ] || { echo "bench-cost: give RAFTSCOPE=DIR, a work tree of github.com/ongardie/raftscope (DIR/index.html)" >&2; exit 1; }
	@[ -f dist/index.html ] || { echo "bench-cost: no dist/index.html; run make bundle first" >&2; exit 1; }
	zpid="$$(scripts/serve-dir.sh dist $(BENCH_PORT))"; \
	trap 'kill "$$zpid" $${rpid:-} 2>/dev/null || true' EXIT; \
	rpid="$$(scripts/serve-dir.sh "$(RAFTSCOPE)" $(RAFT_PORT))"; \
	node scripts/bench-cost.js --markdown http://$(HOST):$(BENCH_PORT)/ http://$(HOST):$(RAFT_PORT)/

clean:
	cargo clean
	rm -rf dist
