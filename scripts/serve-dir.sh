#!/usr/bin/env bash
# Serves a directory over HTTP on 127.0.0.1 in the background, for the browser harness
# (make layout-test, make bench-cost).
#
# Usage: scripts/serve-dir.sh DIR PORT
#
# Starts python3's http.server bound to 127.0.0.1:PORT with DIR as its root (`.wasm` served as
# application/wasm, set explicitly rather than trusting the system's mime tables), waits until
# it answers (at most 10 s), and prints its pid on stdout — the caller kills it:
#
#   pid="$(scripts/serve-dir.sh dist 8093)"; trap 'kill "$pid"' EXIT
#
# Fails (exit 1, message on stderr) if DIR is missing, the port is taken, or the server does
# not come up. The server's own log goes to ${TMPDIR:-/tmp}/serve-dir-PORT.log.
set -euo pipefail

[ "$#" -eq 2 ] || { echo "usage: $0 DIR PORT" >&2; exit 2; }
DIR="$1"
PORT="$2"
[ -d "$DIR" ] || { echo "serve-dir: no directory '$DIR'" >&2; exit 1; }
case "$PORT" in '' | *[!0-9]*) echo "serve-dir: bad port '$PORT'" >&2; exit 2 ;; esac

URL="http://127.0.0.1:$PORT/"
answers() { python3 - "$URL" <<'EOF' 2>/dev/null
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=1).close()
except Exception:
    sys.exit(1)
EOF
}
if answers; then
    echo "serve-dir: something already answers on $URL; pick another port" >&2
    exit 1
fi

LOG="${TMPDIR:-/tmp}/serve-dir-$PORT.log"
python3 - "$DIR" "$PORT" >"$LOG" 2>&1 <<'EOF' &
import functools, http.server, sys
directory, port = sys.argv[1], int(sys.argv[2])

class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      '.wasm': 'application/wasm', '.js': 'text/javascript'}

    def log_message(self, fmt, *args):  # quiet: errors only
        pass

http.server.ThreadingHTTPServer(('127.0.0.1', port),
                                functools.partial(Handler, directory=directory)).serve_forever()
EOF
PID=$!

for _ in $(seq 100); do
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "serve-dir: the server exited at once:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    if answers; then
        echo "$PID"
        exit 0
    fi
    sleep 0.1
done
kill "$PID" 2>/dev/null || true
echo "serve-dir: $URL did not answer within 10 s" >&2
exit 1
