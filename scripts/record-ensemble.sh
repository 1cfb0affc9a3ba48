#!/usr/bin/env bash
# Record real ZooKeeper truth: start a 3-voter ZooKeeper ensemble (Debian's zookeeper
# package) on 127.0.0.1, capture its server-to-server and client traffic on `lo`, run a
# scenario, stop everything, and write the capture plus its decoding (the text format of
# crates/sim/testdata/real-zk/, decoded by scripts/zab_decode.py) into an output directory.
#
#   scripts/record-ensemble.sh [options] SCENARIO
#
# Scenarios (each named after the simulator scenario it can be replayed against):
#   startup            start the 3 voters and wait until all serve          (fresh-start)
#   writes             startup; a session on the leader creates /l0 /l1 /l2; a session on a
#                      follower creates /f0 /f1 /f2 (forwarded as REQUEST) and an ephemeral
#                      /f-eph, then closes (the closeSession txn deletes the ephemeral)
#   follower-restart   startup; a session on the leader creates /a; the follower with the
#                      lowest sid is stopped; a session creates /b /c /d; the follower is
#                      started again and syncs by DIFF                  (follower-behind-diff)
#
# Options:
#   --out DIR         where to write NAME.pcapng, NAME.txt, NAME.events.jsonl and the logs
#                     (default: ./real-zk-out)
#   --name NAME       file name stem (default: the scenario)
#   --order 1,2,3     the order the servers start in (default 1,2,3)
#   --delay S         seconds between two starts (default 0.5), counted from the moment the
#                     previous server listens on its election port: a JVM on a busy machine
#                     takes seconds to get there, and counting from the launch would start
#                     all three at once (use --delay-from launch for that)
#   --delay-from W    listen (default) or launch
#   --settle S        seconds to keep capturing once the scenario is done (default 4)
#   --stop-signal SIG how follower-restart stops the follower (default KILL, a crash, as the
#                     simulator's Crash; TERM lets the JVM run its shutdown hooks)
#   --no-install      only check the dependencies; print the apt command if any is missing
#   --keep-tmp        keep the temporary directory (configs, data dirs, logs) for a look
#
# Ports: server N has clientPort 2180+N, quorum port 2880+N and election port 3880+N
# (override the bases with CLIENT_BASE, QUORUM_BASE, ELECTION_BASE in the environment).
# The 4lw probes that wait for the ensemble connect from 127.0.0.2 and are left out of the
# capture. Needs root (or capture rights) for dumpcap on lo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3 # Debian's python3-kazoo is installed for the system python
ZK_JAR=/usr/share/java/zookeeper.jar
CLIENT_BASE=${CLIENT_BASE:-2180}
QUORUM_BASE=${QUORUM_BASE:-2880}
ELECTION_BASE=${ELECTION_BASE:-3880}
SIDS=(1 2 3)

out=./real-zk-out
name=
order=1,2,3
delay=0.5
delay_from=listen
settle=4
stop_signal=KILL
install=1
keep_tmp=0
scenario=

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --order) order=$2; shift 2 ;;
    --delay) delay=$2; shift 2 ;;
    --delay-from) delay_from=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --stop-signal) stop_signal=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --keep-tmp) keep_tmp=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    *) scenario=$1; shift ;;
  esac
done
case "$scenario" in
  startup | writes | follower-restart) ;;
  "") echo "name a scenario: startup, writes or follower-restart" >&2; exit 2 ;;
  *) echo "unknown scenario '$scenario' (startup, writes, follower-restart)" >&2; exit 2 ;;
esac
name=${name:-$scenario}

log() { printf '[record %s] %s\n' "$(date +%T.%3N)" "$*" >&2; }

# --- dependencies ---------------------------------------------------------------------------
APT_PACKAGES="zookeeper tshark python3-kazoo"
APT_CMD="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $APT_PACKAGES"
deps_ok() {
  [ -f "$ZK_JAR" ] && command -v java >/dev/null && command -v tshark >/dev/null \
    && command -v dumpcap >/dev/null && [ -x "$PY" ] && "$PY" -c 'import kazoo' 2>/dev/null
}
if ! deps_ok; then
  if [ "$install" = 1 ] && [ "$(id -u)" = 0 ]; then
    log "installing $APT_PACKAGES"
    # tshark's package asks whether non-root users may capture: answer no, without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $APT_PACKAGES >&2
  fi
  if ! deps_ok; then
    echo "missing dependencies; as root run:" >&2
    echo "  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections" >&2
    echo "  $APT_CMD" >&2
    exit 1
  fi
fi
zk_version=$(dpkg-query -W -f='${Version}' zookeeper 2>/dev/null || echo unknown)
tshark_version=$(dpkg-query -W -f='${Version}' tshark 2>/dev/null || echo unknown)

cport() { echo $((CLIENT_BASE + $1)); }
qport() { echo $((QUORUM_BASE + $1)); }
eport() { echo $((ELECTION_BASE + $1)); }

all_ports=()
for s in "${SIDS[@]}"; do all_ports+=("$(cport "$s")" "$(qport "$s")" "$(eport "$s")"); done
for p in "${all_ports[@]}"; do
  if ss -Htln "sport = :$p" | grep -q .; then
    echo "port $p is already in use on this machine (another ZooKeeper?):" >&2
    ss -tlnp "sport = :$p" >&2
    exit 1
  fi
done

# --- the ensemble's files, and cleanup ------------------------------------------------------
tmp=$(mktemp -d /tmp/zabscope-record.XXXXXX)
declare -A pid=()
capture_pid=

stop_server() { # sid signal
  local s=$1 sig=${2:-TERM} p=${pid[$1]:-}
  [ -n "$p" ] || return 0
  kill -s "$sig" "$p" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then kill -s KILL "$p" 2>/dev/null || true; fi
  wait "$p" 2>/dev/null || true
  pid[$s]=
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for s in "${SIDS[@]}"; do stop_server "$s" TERM; done
  if [ -n "$capture_pid" ]; then
    kill -s INT "$capture_pid" 2>/dev/null || true
    wait "$capture_pid" 2>/dev/null || true
  fi
  if [ "$keep_tmp" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

server_list=
for s in "${SIDS[@]}"; do
  server_list+="server.$s=127.0.0.1:$(qport "$s"):$(eport "$s")"$'\n'
done
for s in "${SIDS[@]}"; do
  mkdir -p "$tmp/zk$s/data"
  echo "$s" >"$tmp/zk$s/data/myid"
  # tickTime/initLimit/syncLimit as in ZooKeeper's conf/zoo_sample.cfg.
  cat >"$tmp/zk$s/zoo.cfg" <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$tmp/zk$s/data
clientPort=$(cport "$s")
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok,mntr
$server_list
EOF
done

classpath="$ZK_JAR"
[ -f /usr/share/java/slf4j-simple.jar ] && classpath+=":/usr/share/java/slf4j-simple.jar"

events="$tmp/events.jsonl"
: >"$events"
event() { printf '{"t": %s, "what": "%s"}\n' "$(date +%s.%N)" "$*" >>"$events"; }

start_server() { # sid
  local s=$1
  event "start sid $s"
  log "starting sid $s"
  java -Xmx256m -cp "$classpath" \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$tmp/zk$s/zoo.cfg" \
    >>"$tmp/zk$s/server.log" 2>&1 </dev/null &
  pid[$s]=$!
}

running_servers() {
  local a=()
  for s in "${SIDS[@]}"; do [ -n "${pid[$s]:-}" ] && a+=(--server "$s:$(cport "$s")"); done
  echo "${a[@]}"
}

leader= followers=
wait_serving() {
  local r
  # shellcheck disable=SC2046
  if ! r=$("$PY" "$here/record_ensemble_client.py" wait $(running_servers) --timeout 60); then
    log "the ensemble did not come up; server logs follow"
    for s in "${SIDS[@]}"; do tail -n 20 "$tmp/zk$s/server.log" >&2 || true; done
    exit 1
  fi
  leader=${r#leader=}; leader=${leader%% *}
  followers=${r#*followers=}
  event "serving: leader sid $leader, followers $followers"
  log "serving: leader sid $leader, followers $followers"
}

client_write() { # sid label args...
  local s=$1 label=$2
  shift 2
  "$PY" "$here/record_ensemble_client.py" write --port "$(cport "$s")" --label "$label" \
    --events "$events" "$@" 2>>"$tmp/client.log"
}

# --- capture --------------------------------------------------------------------------------
filter="tcp and not host 127.0.0.2 and ("
sep=
for p in "${all_ports[@]}"; do filter+="${sep}port $p"; sep=" or "; done
filter+=")"
pcap="$tmp/capture.pcapng"
dumpcap -q -i lo -f "$filter" -w "$pcap" 2>"$tmp/dumpcap.log" &
capture_pid=$!
for _ in $(seq 100); do
  grep -q "Capturing on" "$tmp/dumpcap.log" 2>/dev/null && break
  kill -0 "$capture_pid" 2>/dev/null || { cat "$tmp/dumpcap.log" >&2; exit 1; }
  sleep 0.1
done
grep -q "Capturing on" "$tmp/dumpcap.log" || { echo "dumpcap did not start:" >&2; cat "$tmp/dumpcap.log" >&2; exit 1; }
log "capturing on lo: $filter"

# --- the scenario ---------------------------------------------------------------------------
wait_listening() { # sid: until the server accepts connections on its election port
  local s=$1
  for _ in $(seq 600); do
    if ss -Htln "sport = :$(eport "$s")" | grep -q .; then
      event "sid $s listens on its election port"
      return 0
    fi
    kill -0 "${pid[$s]}" 2>/dev/null || { tail -n 20 "$tmp/zk$s/server.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "sid $s did not listen on port $(eport "$s") within 30 s" >&2
  exit 1
}

startup() {
  local first=1
  for s in ${order//,/ }; do
    [ "$first" = 1 ] || sleep "$delay"
    first=0
    start_server "$s"
    [ "$delay_from" = launch ] || wait_listening "$s"
  done
  wait_serving
}

describe=
case "$scenario" in
  startup)
    startup
    describe="Scenario startup: the three voters start and serve; nothing else."
    ;;
  writes)
    startup
    sleep 1
    f=${followers%%,*}
    client_write "$leader" "leader sid $leader" /l0 /l1 /l2
    client_write "$f" "follower sid $f" --ephemeral /f-eph /f0 /f1 /f2
    describe="Scenario writes: a kazoo session on the leader (sid $leader) created /l0 /l1 /l2 and closed; then a session on follower $f created /f0 /f1 /f2 (forwarded to the leader as REQUEST) and the ephemeral /f-eph, and closed (closeSession deletes it). Each session is a createSession and a closeSession txn."
    ;;
  follower-restart)
    startup
    sleep 0.5
    f=${followers%%,*}
    client_write "$leader" "leader sid $leader" /a
    sleep 0.5
    event "stop sid $f (SIG$stop_signal)"
    log "stopping follower sid $f with SIG$stop_signal"
    stop_server "$f" "$stop_signal"
    sleep 0.5
    client_write "$leader" "leader sid $leader" /b /c /d
    sleep 1
    start_server "$f"
    wait_serving
    describe="Scenario follower-restart: a kazoo session on the leader (sid $leader) created /a and closed; follower $f was stopped (SIG$stop_signal); a new session on the leader created /b /c /d and closed; then sid $f started again with its data dir and synced. Each session is a createSession and a closeSession txn."
    ;;
esac
sleep "$settle"
# shellcheck disable=SC2046
event "end: $("$PY" "$here/record_ensemble_client.py" modes $(running_servers))"

# --- stop, decode, write the output ---------------------------------------------------------
for s in "${SIDS[@]}"; do stop_server "$s" TERM; done
sleep 0.3
kill -s INT "$capture_pid" 2>/dev/null || true
wait "$capture_pid" 2>/dev/null || true
capture_pid=

mkdir -p "$out"
cp "$pcap" "$out/$name.pcapng"
chmod 644 "$out/$name.pcapng"
cp "$events" "$out/$name.events.jsonl"
mkdir -p "$out/$name.logs"
for s in "${SIDS[@]}"; do cp "$tmp/zk$s/server.log" "$out/$name.logs/zk$s.log"; done
[ -f "$tmp/client.log" ] && cp "$tmp/client.log" "$out/$name.logs/client.log"

ports_line=$(printf 'server.N = 127.0.0.1:(%d+N):(%d+N), clientPort %d+N' "$QUORUM_BASE" "$ELECTION_BASE" "$CLIENT_BASE")
if [ "$delay_from" = launch ]; then when_text="one JVM launch to the next"; else when_text="the moment the previous one listened on its election port to the next one's launch"; fi
{
  echo "Real ZooKeeper (Debian package zookeeper $zk_version), 3 voters on loopback, fresh data dirs,"
  echo "started in the order $order, $delay s apart (from $when_text);"
  echo "tickTime=2000 initLimit=10 syncLimit=5; $ports_line. $describe"
  echo "Recorded $(date -u +%Y-%m-%d) by \`scripts/record-ensemble.sh $scenario\` (dumpcap $tshark_version on lo)"
  echo "and decoded by scripts/zab_decode.py: \"e\" = election channel (QuorumCnxManager, FastLeaderElection"
  echo "notifications), \"q\" = quorum channel (QuorumPacket). Columns: time since the capture's first"
  echo "frame, channel, from->to (sids), TCP stream number, message. zxid 0x100000000 is epoch 1 counter 0;"
  echo "UPTODATE carries no zxid (-1). Lines \"#  <time> ...\" are the recorder's own events (server starts"
  echo "and stops, client steps) on the same clock. The last such line gives each server's mode and last zxid at the end, from srvr."
} | tr '\n' ' ' | fold -s -w 96 | sed 's/ *$//; s/^/# /' >"$tmp/header.txt"
decoder_args=()
for s in "${SIDS[@]}"; do decoder_args+=(--server "$s:$(qport "$s"):$(eport "$s")"); done
"$PY" "$here/zab_decode.py" "$out/$name.pcapng" "${decoder_args[@]}" \
  --header "$tmp/header.txt" --events "$events" >"$out/$name.txt"
log "wrote $out/$name.txt ($(wc -c <"$out/$name.txt") bytes) and $out/$name.pcapng ($(wc -c <"$out/$name.pcapng") bytes)"
