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

.PHONY: help serve test tools fmt clippy native-test wasm-check browser-test bundle size clean

help:
	@echo "make serve          install what is missing, then serve the app on http://$(HOST):$(PORT)"
	@echo "make test           install what is missing, then: fmt clippy native-test wasm-check"
	@echo "                    browser-test bundle size (in that order, stopping at the first failure)"
	@echo "make tools          install everything make test needs (idempotent)"
	@echo "make fmt | clippy | native-test | wasm-check | browser-test | bundle | size"
	@echo "                    one step of make test"
	@echo "make clean          remove target/ and dist/"

serve:
	$(ENSURE) serve
	trunk serve --address $(HOST) --port $(PORT)

test: tools fmt clippy native-test wasm-check browser-test bundle size

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

clean:
	cargo clean
	rm -rf dist
