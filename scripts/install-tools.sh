#!/usr/bin/env bash
# Installs the tools ZabScope's build and tests need, idempotently: each tool is checked first
# and installed only when it is absent or at the wrong version. Everything comes from crates.io,
# Debian's packages or the npm registry (prebuilt-binary downloads are not reachable here).
#
# Usage: scripts/install-tools.sh [--check] PROFILE-OR-TOOL...
#
#   serve          wasm32 target, wasm-bindgen-cli, trunk, wasm-opt         (for `make serve`)
#   test           everything `make test` needs: serve + rustfmt, clippy, wasm-pack, chromium,
#                  playwright
#
#   single tools:  wasm-target  rustfmt  clippy  wasm-bindgen  wasm-pack  trunk  wasm-opt  chromium
#                  playwright (playwright-core and axe-core from npm into .tools/, for
#                  scripts/check-layout.js, scripts/check-a11y.js and the benchmarks; it drives
#                  the system chromium, it downloads no browser)
#
#   --check        only report what is missing; install nothing; exit 1 if anything is missing
#   --print-wasm-bindgen-version
#                  print the wasm-bindgen version from Cargo.lock and exit
#
# Environment: CARGO_HOME (default ~/.cargo) — cargo-installed tools land in $CARGO_HOME/bin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
PLAYWRIGHT_VERSION="1.65.1"
AXE_VERSION="4.14.1"
WASM_TARGET="wasm32-unknown-unknown"
TOOLS_DIR="$ROOT/.tools"
WASM_OPT="$TOOLS_DIR/node_modules/.bin/wasm-opt"
PLAYWRIGHT_PKG="$TOOLS_DIR/node_modules/playwright-core/package.json"
AXE_PKG="$TOOLS_DIR/node_modules/axe-core/package.json"

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$TOOLS_DIR/node_modules/.bin:$CARGO_BIN:$PATH"

CHECK_ONLY=0
MISSING=()

say() { printf '%s\n' "$*"; }
ok() { printf '  ok       %-13s %s\n' "$1" "$2"; }
need() {
    if [ "$CHECK_ONLY" -eq 1 ]; then
        printf '  missing  %-13s %s\n' "$1" "$2"
    else
        printf '  install  %-13s %s\n' "$1" "$2"
    fi
    MISSING+=("$1")
}
die() {
    printf 'install-tools: %s\n' "$*" >&2
    exit 1
}

# Runs a command as root (directly when we are root, else through sudo).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# The exact wasm-bindgen version the workspace resolves to, read from Cargo.lock (generated first
# when absent). Trunk, wasm-pack and the test runner all need the CLI at exactly this version.
wasm_bindgen_version() {
    if [ ! -f Cargo.lock ]; then
        say "  Cargo.lock is missing; generating it" >&2
        local out
        if ! out="$(cargo generate-lockfile 2>&1)"; then
            # An incomplete workspace (no sources yet) cannot be resolved; the root Cargo.toml
            # pins wasm-bindgen exactly, so fall back to that pin.
            local pin
            pin="$(sed -n 's/^wasm-bindgen[[:space:]]*=[[:space:]]*"=\([0-9][^"]*\)".*/\1/p' Cargo.toml)"
            [ -n "$pin" ] || die "cargo generate-lockfile failed and Cargo.toml has no exact wasm-bindgen pin:
$out"
            say "  (cannot resolve the workspace yet; using Cargo.toml's wasm-bindgen pin $pin)" >&2
            printf '%s\n' "$pin"
            return
        fi
    fi
    local versions
    versions="$(awk '
        /^name = "wasm-bindgen"$/ { want = 1; next }
        want && /^version = / { gsub(/^version = "|"$/, ""); print; want = 0 }
    ' Cargo.lock | sort -u)"
    [ -n "$versions" ] || die "no wasm-bindgen package in Cargo.lock"
    [ "$(printf '%s\n' "$versions" | wc -l)" -eq 1 ] ||
        die "Cargo.lock has several wasm-bindgen versions ($(printf '%s' "$versions" | tr '\n' ' ')); pin one"
    printf '%s\n' "$versions"
}

# Trunk runs offline, so Trunk.toml's [tools] pin must agree with Cargo.lock.
check_trunk_toml_pin() {
    local want="$1" pinned
    [ -f Trunk.toml ] || return 0
    pinned="$(sed -n 's/^[[:space:]]*wasm_bindgen[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' Trunk.toml)"
    if [ -n "$pinned" ] && [ "$pinned" != "$want" ]; then
        die "Trunk.toml pins wasm_bindgen = \"$pinned\" but Cargo.lock has $want; update Trunk.toml"
    fi
}

# First word after the tool's name in `TOOL --version`, or nothing when the tool is absent.
tool_version() {
    command -v "$1" >/dev/null 2>&1 || return 0
    "$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true
}

ensure_wasm_target() {
    command -v rustup >/dev/null 2>&1 || die "rustup is needed to add the $WASM_TARGET target"
    if rustup target list --installed | grep -qx "$WASM_TARGET"; then
        ok wasm-target "$WASM_TARGET"
        return
    fi
    need wasm-target "$WASM_TARGET"
    [ "$CHECK_ONLY" -eq 1 ] && return
    rustup target add "$WASM_TARGET"
}

ensure_component() { # $1: rustup component, $2: cargo subcommand
    if cargo "$2" --version >/dev/null 2>&1; then
        ok "$1" "$(cargo "$2" --version 2>/dev/null | head -n1)"
        return
    fi
    need "$1" "(rustup component)"
    [ "$CHECK_ONLY" -eq 1 ] && return
    command -v rustup >/dev/null 2>&1 || die "rustup is needed to add the $1 component"
    rustup component add "$1"
}

ensure_wasm_bindgen() {
    local want have
    want="$(wasm_bindgen_version)"
    check_trunk_toml_pin "$want"
    have="$(tool_version wasm-bindgen)"
    if [ "$have" = "$want" ]; then
        ok wasm-bindgen "$have (the version Cargo.lock needs)"
        return
    fi
    need wasm-bindgen "want $want (Cargo.lock), have ${have:-none}"
    [ "$CHECK_ONLY" -eq 1 ] && return
    # Not --locked: the versions in wasm-bindgen-cli's own lockfile are not all in the registry.
    local force=()
    [ -n "$have" ] && force=(--force)
    cargo install wasm-bindgen-cli --version "$want" "${force[@]}"
}

ensure_trunk() {
    local have
    have="$(tool_version trunk)"
    if [ "$have" = "$TRUNK_VERSION" ]; then
        ok trunk "$have"
        return
    fi
    need trunk "want $TRUNK_VERSION, have ${have:-none}"
    [ "$CHECK_ONLY" -eq 1 ] && return
    # trunk 0.22 needs a newer rustc than ours, hence the exact pin.
    local force=()
    [ -n "$have" ] && force=(--force)
    cargo install --locked trunk --version "$TRUNK_VERSION" "${force[@]}"
}

ensure_wasm_pack() {
    local have
    have="$(tool_version wasm-pack)"
    if [ -n "$have" ]; then
        ok wasm-pack "$have"
        return
    fi
    need wasm-pack "(any version)"
    [ "$CHECK_ONLY" -eq 1 ] && return
    cargo install --locked wasm-pack
}

# "132" from `wasm-opt version 132 (version_132)`, or nothing when .tools/ has no wasm-opt.
wasm_opt_version() {
    [ -x "$WASM_OPT" ] || return 0
    "$WASM_OPT" --version 2>/dev/null | awk 'NR == 1 { print $3 }' || true
}

ensure_wasm_opt() {
    local have
    have="$(wasm_opt_version)"
    if [ "$have" = "$BINARYEN_VERSION" ]; then
        ok wasm-opt "version_$have (.tools/)"
        return
    fi
    need wasm-opt "want version_$BINARYEN_VERSION in .tools/, have ${have:-none}"
    [ "$CHECK_ONLY" -eq 1 ] && return
    command -v npm >/dev/null 2>&1 || die "npm is needed to install binaryen (wasm-opt)"
    # Debian's binaryen (108) is too old for today's rustc output; npm's is current. Installed into
    # a repo-local prefix so it clashes with nothing system-wide.
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
    have="$(wasm_opt_version)"
    [ "$have" = "$BINARYEN_VERSION" ] || die "wasm-opt in .tools/ reports '${have:-nothing}'"
}

# The version in an npm package.json ($1), or nothing when it is absent.
npm_pkg_version() {
    [ -f "$1" ] || return 0
    command -v node >/dev/null 2>&1 || return 0
    node -p 'require(process.argv[1]).version' "$1" 2>/dev/null || true
}

# playwright-core (the browser harness) and axe-core (the accessibility rules of
# scripts/check-a11y.js), each pinned, into .tools/; only what is absent or at another version
# is installed.
ensure_playwright() {
    local have_pw have_axe specs=()
    have_pw="$(npm_pkg_version "$PLAYWRIGHT_PKG")"
    have_axe="$(npm_pkg_version "$AXE_PKG")"
    if [ "$have_pw" = "$PLAYWRIGHT_VERSION" ] && [ "$have_axe" = "$AXE_VERSION" ]; then
        ok playwright "playwright-core $have_pw, axe-core $have_axe (.tools/)"
        return
    fi
    if [ "$have_pw" != "$PLAYWRIGHT_VERSION" ]; then
        need playwright "want playwright-core $PLAYWRIGHT_VERSION in .tools/, have ${have_pw:-none}"
        specs+=("playwright-core@$PLAYWRIGHT_VERSION")
    fi
    if [ "$have_axe" != "$AXE_VERSION" ]; then
        need axe-core "want axe-core $AXE_VERSION in .tools/, have ${have_axe:-none}"
        specs+=("axe-core@$AXE_VERSION")
    fi
    [ "$CHECK_ONLY" -eq 1 ] && return
    command -v npm >/dev/null 2>&1 || die "npm is needed to install ${specs[*]}"
    # playwright-core is the library without a bundled browser (it has no install script): the
    # harness launches Debian's /usr/bin/chromium. axe-core is one plain script the checker
    # injects into the page. Both into the same repo-local prefix as binaryen.
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --save-exact "${specs[@]}"
    have_pw="$(npm_pkg_version "$PLAYWRIGHT_PKG")"
    have_axe="$(npm_pkg_version "$AXE_PKG")"
    [ "$have_pw" = "$PLAYWRIGHT_VERSION" ] || die "playwright-core in .tools/ reports '${have_pw:-nothing}'"
    [ "$have_axe" = "$AXE_VERSION" ] || die "axe-core in .tools/ reports '${have_axe:-nothing}'"
}

ensure_chromium() {
    local absent=()
    command -v chromium >/dev/null 2>&1 || absent+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || absent+=(chromium-driver)
    if [ "${#absent[@]}" -eq 0 ]; then
        ok chromium "$(command -v chromium) $(command -v chromedriver)"
        return
    fi
    need chromium "apt: ${absent[*]}"
    [ "$CHECK_ONLY" -eq 1 ] && return
    command -v apt-get >/dev/null 2>&1 || die "apt-get is needed to install ${absent[*]}"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
}

run_tool() {
    case "$1" in
        wasm-target) ensure_wasm_target ;;
        rustfmt) ensure_component rustfmt fmt ;;
        clippy) ensure_component clippy clippy ;;
        wasm-bindgen) ensure_wasm_bindgen ;;
        wasm-pack) ensure_wasm_pack ;;
        trunk) ensure_trunk ;;
        wasm-opt) ensure_wasm_opt ;;
        chromium) ensure_chromium ;;
        playwright) ensure_playwright ;;
        *) die "unknown tool '$1'" ;;
    esac
}

SERVE_TOOLS=(wasm-target wasm-bindgen trunk wasm-opt)
TEST_TOOLS=(rustfmt clippy wasm-target wasm-bindgen wasm-pack trunk wasm-opt chromium playwright)

tools=()
for arg in "$@"; do
    case "$arg" in
        --check) CHECK_ONLY=1 ;;
        --print-wasm-bindgen-version)
            wasm_bindgen_version
            exit 0
            ;;
        -h | --help)
            sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        serve) tools+=("${SERVE_TOOLS[@]}") ;;
        test) tools+=("${TEST_TOOLS[@]}") ;;
        wasm-target | rustfmt | clippy | wasm-bindgen | wasm-pack | trunk | wasm-opt | chromium | playwright)
            tools+=("$arg")
            ;;
        *) die "unknown tool or profile '$arg'; try: $0 --help" ;;
    esac
done
[ "${#tools[@]}" -gt 0 ] || die "nothing to do; try: $0 serve | $0 test | $0 --help"

# De-duplicate, keeping order.
declare -A seen=()
if [ "$CHECK_ONLY" -eq 1 ]; then say "checking tools:"; else say "tools:"; fi
for t in "${tools[@]}"; do
    [ -n "${seen[$t]:-}" ] && continue
    seen[$t]=1
    run_tool "$t"
done

if [ "${#MISSING[@]}" -gt 0 ]; then
    if [ "$CHECK_ONLY" -eq 1 ]; then
        say "missing: ${MISSING[*]}"
        exit 1
    fi
    say "installed: ${MISSING[*]}"
fi
