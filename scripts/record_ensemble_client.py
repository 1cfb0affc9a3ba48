#!/usr/bin/python3
"""The client side of scripts/record-ensemble.sh: wait for an ensemble to serve, and write.

  wait   --server SID:CLIENT_PORT ... [--timeout S]
         Poll each server with the `srvr` four-letter word until every one is serving and
         exactly one is the leader; print "leader=SID followers=SID,SID". The probes connect
         from 127.0.0.2 so that the recorder's capture filter can leave them out.
  modes  --server SID:CLIENT_PORT ...
         Print each server's mode and last zxid, from `srvr`.
  write  --port CLIENT_PORT [--ephemeral PATH] [--events FILE] PATH...
         One kazoo session on 127.0.0.1:CLIENT_PORT: create each PATH (data = its name),
         then the ephemeral, then close the session. Each step is logged to FILE as a JSON
         line {t, what} on the wall clock, which the decoder puts on the capture's clock.

Debian's python3-kazoo installs for /usr/bin/python3, hence the shebang.
"""

import argparse
import json
import socket
import sys
import time

PROBE_SOURCE = "127.0.0.2"


def srvr(port, timeout=1.0):
    """The `srvr` reply of the server on 127.0.0.1:port, or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(PROBE_SOURCE, 0)) as s:
            s.sendall(b"srvr")
            chunks = []
            while True:
                b = s.recv(4096)
                if not b:
                    break
                chunks.append(b)
            return b"".join(chunks).decode("utf-8", "replace")
    except OSError:
        return None


def mode(reply):
    if not reply:
        return None
    for line in reply.splitlines():
        if line.startswith("Mode:"):
            return line.split(":", 1)[1].strip()
    return None


def cmd_wait(args):
    servers = [tuple(int(x) for x in s.split(":")) for s in args.server]
    deadline = time.monotonic() + args.timeout
    modes = {}
    while time.monotonic() < deadline:
        for sid, port in servers:
            if modes.get(sid) not in ("leader", "follower", "observer"):
                modes[sid] = mode(srvr(port))
        leaders = [sid for sid, m in modes.items() if m == "leader"]
        if len(leaders) == 1 and all(modes.get(sid) in ("leader", "follower", "observer") for sid, _ in servers):
            followers = sorted(sid for sid, m in modes.items() if m == "follower")
            print("leader=%d followers=%s" % (leaders[0], ",".join(map(str, followers))))
            return 0
        time.sleep(args.interval)
    print("not serving after %.0f s: %s" % (args.timeout, modes), file=sys.stderr)
    return 1


def cmd_modes(args):
    out = []
    for s in args.server:
        sid, port = (int(x) for x in s.split(":"))
        reply = srvr(port) or ""
        zxid = next((l.split(":", 1)[1].strip() for l in reply.splitlines() if l.startswith("Zxid:")), "?")
        out.append("sid %d %s at zxid %s" % (sid, mode(reply) or "not serving", zxid))
    print(", ".join(out))
    return 0


def cmd_write(args):
    from kazoo.client import KazooClient

    events = open(args.events, "a") if args.events else None

    def log(what):
        if events:
            events.write(json.dumps({"t": time.time(), "what": what}) + "\n")
            events.flush()

    where = "%s port %d" % (args.label or "server", args.port)
    zk = KazooClient(hosts="127.0.0.1:%d" % args.port, timeout=10.0)
    log("client connects to %s" % where)
    zk.start(timeout=15)
    log("client session 0x%x established" % zk.client_id[0])
    for path in args.paths:
        zk.create(path, path.encode())
        log("client created %s via %s" % (path, where))
    if args.ephemeral:
        zk.create(args.ephemeral, b"ephemeral", ephemeral=True)
        log("client created ephemeral %s via %s" % (args.ephemeral, where))
    log("client closes its session")
    zk.stop()
    zk.close()
    log("client session closed")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait")
    w.add_argument("--server", action="append", required=True, metavar="SID:CLIENT_PORT")
    w.add_argument("--timeout", type=float, default=60.0)
    w.add_argument("--interval", type=float, default=0.1)
    m = sub.add_parser("modes")
    m.add_argument("--server", action="append", required=True, metavar="SID:CLIENT_PORT")
    c = sub.add_parser("write")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--label", help="how the events name the server, e.g. 'leader sid 2'")
    c.add_argument("--ephemeral")
    c.add_argument("--events")
    c.add_argument("paths", nargs="*")
    args = ap.parse_args()
    return {"wait": cmd_wait, "modes": cmd_modes, "write": cmd_write}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
