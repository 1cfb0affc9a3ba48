#!/usr/bin/env python3
"""Decode a loopback capture of a ZooKeeper ensemble into ZabScope's real-zk text format.

Wireshark dissects only ZooKeeper's client protocol, so this reads the raw TCP payloads
(`tshark -T fields -e tcp.payload`, no reassembly) and parses the two server-to-server
protocols itself:

* "e": the election channel (QuorumCnxManager). The side that connects first sends its
  handshake (long protocolVersion, long sid, int length + election address; before 3.5 just
  the long sid), printed as CONNECT. Then each message is an int length and that many bytes;
  a FastLeaderElection notification is int state, long leader, long zxid, long electionEpoch,
  long peerEpoch, then (version 2) int version and int length + the quorum config.
* "q": the quorum channel (Learner <-> LearnerHandler). A jute QuorumPacket with no length
  prefix: int type, long zxid, buffer data (int length, -1 = null), vector<Id> authinfo
  (int count, -1 = null; each Id is two strings). After SNAP the leader streams the
  serialized DataTree and the string "BenWasHere"; that stream is one line with its size.

One line per message:  time since the capture's first frame (of the frame holding the
message's first byte), channel, from->to (sids), tshark's TCP stream number, message.
Events from --events (JSON lines with "t", epoch seconds, and "what") are merged in as comment
lines, so a reader knows when a server started or a client wrote, on the capture's clock.
"""

import argparse
import json
import struct
import subprocess
import sys

PACKET_TYPES = {
    1: "REQUEST",
    2: "PROPOSAL",
    3: "ACK",
    4: "COMMIT",
    5: "PING",
    6: "REVALIDATE",
    7: "SYNC",
    8: "INFORM",
    9: "COMMITANDACTIVATE",
    10: "NEWLEADER",
    11: "FOLLOWERINFO",
    12: "UPTODATE",
    13: "DIFF",
    14: "TRUNC",
    15: "SNAP",
    16: "OBSERVERINFO",
    17: "LEADERINFO",
    18: "ACKEPOCH",
    19: "INFORMANDACTIVATE",
}
STATES = {0: "LOOKING", 1: "FOLLOWING", 2: "LEADING", 3: "OBSERVING"}
# QuorumCnxManager.PROTOCOL_VERSION_V1 / _V2: a handshake that starts with one of these
# carries the sid and the election address after it.
CNX_PROTOCOL_VERSIONS = (-65536, -65535)
SNAP_SIGNATURE = struct.pack(">i", 10) + b"BenWasHere"


class Incomplete(Exception):
    """The buffer does not yet hold a whole message."""


class Reader:
    def __init__(self, buf, pos=0):
        self.buf = buf
        self.pos = pos

    def take(self, n):
        if n < 0 or self.pos + n > len(self.buf):
            raise Incomplete()
        b = self.buf[self.pos : self.pos + n]
        self.pos += n
        return b

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def long(self):
        return struct.unpack(">q", self.take(8))[0]

    def buffer(self):
        n = self.int()
        return None if n < 0 else self.take(n)


def hx(v):
    """A zxid or version as ZooKeeper's logs print it: unsigned hex (-1 is 0xff..ff)."""
    return "0x%x" % (v & 0xFFFFFFFFFFFFFFFF)


def tshark_segments(pcap, ports):
    """(time, stream, srcport, dstport, seq, payload) of every TCP segment with data."""
    cmd = [
        "tshark",
        "-r",
        pcap,
        "-n",
        "-o",
        "tcp.desegment_tcp_streams:FALSE",
        "-o",
        "tcp.relative_sequence_numbers:TRUE",
        "-Y",
        "tcp.len > 0 and (%s)" % " or ".join("tcp.port == %d" % p for p in ports),
        "-T",
        "fields",
        "-e",
        "frame.time_epoch",
        "-e",
        "tcp.stream",
        "-e",
        "tcp.srcport",
        "-e",
        "tcp.dstport",
        "-e",
        "tcp.seq",
        "-e",
        "tcp.payload",
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 6 or not f[5]:
            continue
        yield (float(f[0]), int(f[1]), int(f[2]), int(f[3]), int(f[4]), bytes.fromhex(f[5].replace(":", "")))


def first_frame_time(pcap):
    out = subprocess.run(
        ["tshark", "-r", pcap, "-n", "-c", "1", "-T", "fields", "-e", "frame.time_epoch"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return float(out)


class Direction:
    """One direction of one TCP connection: its bytes, and when each byte was captured."""

    def __init__(self):
        self.buf = b""
        self.marks = []  # (offset in buf, capture time), ascending
        self.next_seq = None
        self.handshake_done = False
        self.snapshot = False  # after SNAP: the DataTree stream comes next

    def add(self, t, seq, data):
        if self.next_seq is not None and seq < self.next_seq:
            # A retransmission (or overlap): keep only bytes we have not seen.
            skip = self.next_seq - seq
            if skip >= len(data):
                return
            data = data[skip:]
            seq = self.next_seq
        self.marks.append((len(self.buf), t))
        self.buf += data
        self.next_seq = seq + len(data)

    def time_at(self, offset):
        t = self.marks[0][1]
        for off, mt in self.marks:
            if off > offset:
                break
            t = mt
        return t

    def consume(self, n):
        self.buf = self.buf[n:]
        marks = [(off - n, t) for off, t in self.marks]
        # Keep the mark that covers the new offset 0.
        keep = [m for m in marks if m[0] > 0]
        covering = [m for m in marks if m[0] <= 0]
        self.marks = ([(0, covering[-1][1])] if covering else []) + keep


class Stream:
    def __init__(self, number, channel, server_port, server_sid):
        self.number = number
        self.channel = channel
        self.server_port = server_port
        self.server_sid = server_sid
        self.client_sid = None
        self.dirs = {True: Direction(), False: Direction()}  # key: from the connecting side


def parse_election(stream, from_client, d):
    """Complete election-channel messages at the head of `d.buf`, as (offset, text)."""
    out = []
    pos = 0
    r = Reader(d.buf)
    try:
        while True:
            start = r.pos
            if from_client and not d.handshake_done:
                first = r.long()
                if first in CNX_PROTOCOL_VERSIONS:
                    sid = r.long()
                    r.take(r.int())  # the election address(es)
                else:
                    sid = first
                d.handshake_done = True
                stream.client_sid = sid
                out.append((start, "CONNECT sid=%d" % sid))
            else:
                n = r.int()
                body = Reader(r.take(n))
                try:
                    state = body.int()
                    leader = body.long()
                    zxid = body.long()
                    election_epoch = body.long()
                    peer_epoch = body.long()
                except Incomplete:
                    out.append((start, "(election message, %d bytes)" % n))
                else:
                    out.append(
                        (
                            start,
                            "NOTIFICATION state=%s leader=%d zxid=%s electionEpoch=%d peerEpoch=%d"
                            % (STATES.get(state, str(state)), leader, hx(zxid), election_epoch, peer_epoch),
                        )
                    )
            pos = r.pos
    except Incomplete:
        pass
    return out, pos


def parse_quorum(stream, from_client, d):
    out = []
    pos = 0
    r = Reader(d.buf)
    try:
        while True:
            start = r.pos
            if d.snapshot:
                i = d.buf.find(SNAP_SIGNATURE, start)
                if i < 0:
                    raise Incomplete()
                end = i + len(SNAP_SIGNATURE)
                r.pos = end
                d.snapshot = False
                out.append((start, "(snapshot stream, %d bytes)" % (end - start)))
                pos = r.pos
                continue
            ty = r.int()
            zxid = r.long()
            data = r.buffer()
            count = r.int()
            for _ in range(max(count, 0)):
                r.buffer()  # Id.scheme
                r.buffer()  # Id.id
            name = PACKET_TYPES.get(ty, "TYPE%d" % ty)
            text = "%s zxid=%s" % (name, hx(zxid))
            if name in ("FOLLOWERINFO", "OBSERVERINFO") and data and len(data) >= 20:
                sid, version, config_version = struct.unpack(">qiq", data[:20])
                stream.client_sid = sid
                text += " learnerinfo.sid=%d protocolVersion=%s configVersion=%s" % (
                    sid,
                    hx(version),
                    hx(config_version),
                )
            elif name == "LEADERINFO" and data and len(data) >= 4:
                text += " protocolVersion=%s" % hx(struct.unpack(">i", data[:4])[0])
            elif name == "ACKEPOCH" and data and len(data) >= 4:
                text += " currentEpoch=%d" % struct.unpack(">i", data[:4])[0]
            elif name == "SNAP" and not from_client:
                d.snapshot = True
            out.append((start, text))
            pos = r.pos
    except Incomplete:
        pass
    return out, pos


def decode(pcap, servers):
    """servers: {sid: (quorum_port, election_port)}. Returns [(time, line)] unsorted."""
    listeners = {}
    for sid, (qp, ep) in servers.items():
        listeners[qp] = ("q", sid)
        listeners[ep] = ("e", sid)
    streams = {}
    pending = []  # messages whose connecting side's sid is not known yet
    lines = []

    def emit(st, from_client, t, text):
        pending.append((st, from_client, t, text))

    for t, number, sport, dport, seq, payload in tshark_segments(pcap, listeners.keys()):
        st = streams.get(number)
        if st is None:
            if dport in listeners:
                port = dport
            elif sport in listeners:
                port = sport
            else:
                continue
            channel, sid = listeners[port]
            st = streams[number] = Stream(number, channel, port, sid)
        from_client = dport == st.server_port
        d = st.dirs[from_client]
        d.add(t, seq, payload)
        parse = parse_election if st.channel == "e" else parse_quorum
        msgs, used = parse(st, from_client, d)
        for off, text in msgs:
            emit(st, from_client, d.time_at(off), text)
        if used:
            d.consume(used)
    for st, from_client, t, text in pending:
        other = st.client_sid if st.client_sid is not None else "?"
        a, b = (other, st.server_sid) if from_client else (st.server_sid, other)
        lines.append((t, "%s %s->%s s%d %s" % (st.channel, a, b, st.number, text)))
    for st in streams.values():
        for from_client, d in st.dirs.items():
            if d.buf:
                lines.append((d.time_at(0), "# s%d: %d undecoded trailing bytes" % (st.number, len(d.buf))))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pcap")
    ap.add_argument(
        "--server",
        action="append",
        metavar="SID:QUORUM_PORT:ELECTION_PORT",
        help="a server's sid and ports (default: sids 1-3 on 2880+sid and 3880+sid)",
    )
    ap.add_argument("--header", help="a file of comment lines to print first")
    ap.add_argument("--events", help="JSON lines {t: epoch seconds, what: text} to merge in as comments")
    ap.add_argument("--no-pings", action="store_true", help="leave PING lines out")
    args = ap.parse_args()
    servers = {}
    for s in args.server or ["%d:%d:%d" % (n, 2880 + n, 3880 + n) for n in (1, 2, 3)]:
        sid, qp, ep = (int(x) for x in s.split(":"))
        servers[sid] = (qp, ep)
    t0 = first_frame_time(args.pcap)
    lines = decode(args.pcap, servers)
    if args.no_pings:
        lines = [l for l in lines if " PING " not in l[1]]
    if args.events:
        with open(args.events) as f:
            for raw in f:
                if raw.strip():
                    ev = json.loads(raw)
                    lines.append((ev["t"], "# -- " + ev["what"]))
    lines.sort(key=lambda x: x[0])  # stable: messages of one frame keep their order
    out = sys.stdout
    if args.header:
        with open(args.header) as f:
            for h in f:
                h = h.rstrip("\n")
                out.write((h if h.startswith("#") else "# " + h) + "\n")
    for t, text in lines:
        ms = (t - t0) * 1000.0
        if text.startswith("# -- "):
            out.write("#%10.1fms %s\n" % (ms, text[5:]))
        else:
            out.write("%9.1fms %s\n" % (ms, text))


if __name__ == "__main__":
    main()
