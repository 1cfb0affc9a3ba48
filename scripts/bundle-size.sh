#!/usr/bin/env bash
# Prints the size of the release bundle (wasm + js + css in dist/), raw and gzipped (gzip -9),
# per file and in total, in KB (1 KB = 1024 bytes). Run after `trunk build --release`.
#
# Usage: scripts/bundle-size.sh [DIST_DIR]     (default: dist)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DIST="${1:-dist}"

[ -d "$DIST" ] || { echo "bundle-size: no $DIST/ — run 'make bundle' first" >&2; exit 1; }

shopt -s nullglob
files=("$DIST"/*.wasm "$DIST"/*.js "$DIST"/*.css)
shopt -u nullglob
wasm=("$DIST"/*.wasm)
[ -e "${wasm[0]}" ] || { echo "bundle-size: no .wasm in $DIST/ — run 'make bundle' first" >&2; exit 1; }

kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

total_raw=0
total_gz=0
echo "release bundle in $DIST/ (KB = 1024 bytes; gzip -9):"
printf '  %-44s %10s %10s\n' file raw gzipped
for f in "${files[@]}"; do
    raw=$(wc -c <"$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '  %-44s %7s KB %7s KB\n' "$(basename "$f")" "$(kb "$raw")" "$(kb "$gz")"
done
printf '  %-44s %7s KB %7s KB\n' "total (wasm + js + css)" "$(kb "$total_raw")" "$(kb "$total_gz")"
