//! The statistics as CSV, one table per export button (RFC 4180 quoting by the `csv` crate).

use super::{outcome_label, sync_mode_label, Stats};

/// A table as CSV text (RFC 4180 quoting by the `csv` crate).
fn csv_of(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut write = |r: &[String]| {
        w.write_record(r)
            .expect("writing CSV to memory cannot fail");
    };
    write(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    for r in rows {
        write(&r);
    }
    String::from_utf8(w.into_inner().expect("a Vec sink cannot fail"))
        .expect("CSV of UTF-8 fields is UTF-8")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl Stats {
    pub fn elections_csv(&self) -> String {
        csv_of(
            &[
                "election",
                "server",
                "lookForLeader_start_ms",
                "end_ms",
                "took_ms",
                "outcome",
                "round",
                "vote",
            ],
            self.calls().map(|(e, c)| {
                vec![
                    e.number.to_string(),
                    c.sid.to_string(),
                    c.start_ms.to_string(),
                    c.end_ms.to_string(),
                    c.took_ms().to_string(),
                    outcome_label(c.outcome),
                    c.round.to_string(),
                    opt(c.vote),
                ]
            }),
        )
    }

    pub fn syncs_csv(&self) -> String {
        csv_of(
            &[
                "leader",
                "epoch",
                "learner",
                "leading_ms",
                "uptodate_ms",
                "took_ms",
                "sync_mode",
            ],
            self.syncs.iter().map(|s| {
                vec![
                    s.leader.to_string(),
                    opt(s.epoch.map(|e| e.0)),
                    s.learner.to_string(),
                    s.leading_ms.to_string(),
                    opt(s.uptodate_ms),
                    opt(s.took_ms()),
                    sync_mode_label(s.mode).to_string(),
                ]
            }),
        )
    }

    pub fn messages_csv(&self) -> String {
        csv_of(
            &[
                "type",
                "election",
                "discovery",
                "synchronization",
                "broadcast",
                "sent",
                "dropped",
            ],
            self.messages.iter().map(|m| {
                let mut r = vec![m.kind.to_string()];
                r.extend(m.by_phase.iter().map(u64::to_string));
                r.push(m.sent().to_string());
                r.push(m.dropped.to_string());
                r
            }),
        )
    }

    pub fn proposals_csv(&self) -> String {
        csv_of(
            &[
                "zxid",
                "leader",
                "proposal_ms",
                "commit_ms",
                "commit_latency_ms",
            ],
            self.proposals.iter().map(|p| {
                vec![
                    p.zxid.short(),
                    p.leader.to_string(),
                    p.proposed_ms.to_string(),
                    opt(p.committed_ms),
                    opt(p.latency_ms()),
                ]
            }),
        )
    }

    pub fn servers_csv(&self) -> String {
        csv_of(
            &[
                "server",
                "sent",
                "received",
                "dropped",
                "txn_appends",
                "fsyncs",
                "epoch_writes",
                "snapshots",
                "truncations",
                "lookForLeader_calls",
                "crashes",
            ],
            self.servers.iter().map(|s| {
                [
                    s.sid.0 as u64,
                    s.sent,
                    s.received,
                    s.dropped,
                    s.appends,
                    s.fsyncs,
                    s.epoch_writes,
                    s.snapshots,
                    s.truncations,
                    s.look_calls,
                    s.crashes,
                ]
                .iter()
                .map(u64::to_string)
                .collect()
            }),
        )
    }
}
