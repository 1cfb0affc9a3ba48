//! The statistics are read from the log; these tests check them against an oracle that never
//! reads the log: it steps the session and watches the servers themselves (their threads,
//! states, ZabStates and databases) after every event.

use super::*;
use sim::scenario::Scenario;
use sim::session::{RunSpec, Session, UserAction};
use std::collections::BTreeMap;
use zab::Time;

/// What the oracle saw.
#[derive(Default)]
struct Seen {
    /// (sid, start, end, outcome) of each lookForLeader thread's life.
    calls: Vec<(Sid, u64, u64, LookOutcome)>,
    /// (leader, learner, leading_ms, broadcast_ms): a learner of `leader` entered BROADCAST.
    synced: Vec<(Sid, Sid, u64, u64)>,
    /// zxid → (first logged at a LEADING server, first applied at a LEADING server).
    proposed: BTreeMap<Zxid, u64>,
    committed: BTreeMap<Zxid, u64>,
}

/// Step `session` to `until` (simulated ms), watching every server after every event.
fn watch(session: &mut Session, until: u64) -> Seen {
    let mut seen = Seen::default();
    let mut looking: BTreeMap<Sid, u64> = BTreeMap::new();
    let mut leading: BTreeMap<Sid, u64> = BTreeMap::new();
    let mut zab: BTreeMap<Sid, ZabState> = BTreeMap::new();
    let mut logged: BTreeMap<Sid, Zxid> = BTreeMap::new();
    let mut applied: BTreeMap<Sid, Zxid> = BTreeMap::new();
    loop {
        let sim = session.sim();
        let now = sim.now().0;
        for sid in sim.sids().collect::<Vec<_>>() {
            let peer = sim.peer(sid);
            let in_fle = peer.is_some_and(|p| {
                p.threads()
                    .iter()
                    .any(|t| t.thread == ThreadId::FastLeaderElection)
            });
            match (looking.get(&sid).copied(), in_fle) {
                (None, true) => {
                    looking.insert(sid, now);
                }
                (Some(start), false) => {
                    looking.remove(&sid);
                    let outcome =
                        peer.map_or(LookOutcome::Crashed, |p| LookOutcome::Became(p.state()));
                    seen.calls.push((sid, start, now, outcome));
                }
                _ => {}
            }
            let is_leading = peer.is_some_and(|p| p.state() == ServerState::Leading);
            match (leading.contains_key(&sid), is_leading) {
                (false, true) => {
                    leading.insert(sid, now);
                }
                (true, false) => {
                    leading.remove(&sid);
                }
                _ => {}
            }
            let z = peer.map(|p| p.zab_state());
            if let (Some(ZabState::Broadcast), Some(p)) = (z, peer) {
                if zab.get(&sid) != Some(&ZabState::Broadcast) && p.state() != ServerState::Leading
                {
                    let leader = p.learner().map(|l| l.leader);
                    if let Some((leader, at)) =
                        leader.and_then(|l| leading.get(&l).map(|at| (l, *at)))
                    {
                        seen.synced.push((leader, sid, at, now));
                    }
                }
            }
            match z {
                Some(z) => {
                    zab.insert(sid, z);
                }
                None => {
                    zab.remove(&sid);
                }
            }
            if let Some(p) = peer.filter(|p| p.state() == ServerState::Leading) {
                let db = p.database();
                let l = db.last_logged_zxid();
                if logged.get(&sid).is_some_and(|old| l > *old) && l.counter() > 0 {
                    seen.proposed.entry(l).or_insert(now);
                }
                logged.insert(sid, l);
                let a = db.last_processed_zxid();
                if applied.get(&sid).is_some_and(|old| a > *old) && a.counter() > 0 {
                    seen.committed.entry(a).or_insert(now);
                }
                applied.insert(sid, a);
            } else {
                logged.remove(&sid);
                applied.remove(&sid);
            }
        }
        if sim.next_event_time().is_none_or(|t| t > Time(until)) || !session.step() {
            break;
        }
    }
    let end = session.log().last().map_or(0, |e| e.time.0);
    for (sid, start) in looking {
        seen.calls.push((sid, start, end, LookOutcome::Running));
    }
    seen.calls.sort_by_key(|c| (c.1, c.0));
    seen
}

fn leader_crash_5() -> (Session, Seen, Stats) {
    // Five voters; once one leads, crash it by hand, then let the others elect again.
    let mut s = Session::new(RunSpec::new(11, 5, 0)).expect("a valid spec");
    while !s.sim().sids().any(|sid| {
        s.sim()
            .peer(sid)
            .is_some_and(|p| p.zab_state() == ZabState::Broadcast)
    }) {
        assert!(s.step());
    }
    s.run_until(Time(s.sim().now().0 + 1_000));
    let leader = s
        .sim()
        .sids()
        .find(|sid| {
            s.sim()
                .peer(*sid)
                .is_some_and(|p| p.state() == ServerState::Leading)
        })
        .expect("a leader after a second of broadcast");
    s.act(UserAction::Write(leader))
        .expect("a write at the leader");
    s.run_until(Time(s.sim().now().0 + 1_000));
    s.act(UserAction::Crash(leader)).expect("crash the leader");
    // Rewind and watch the whole run from the start, as recorded.
    let until = s.sim().now().0 + 6_000;
    s.seek(0);
    let seen = watch(&mut s, until);
    let stats = Stats::build(s.log());
    (s, seen, stats)
}

#[test]
fn test_election_calls_match_the_servers_threads() {
    let (_, seen, stats) = leader_crash_5();
    let mut derived: Vec<(Sid, u64, u64, LookOutcome)> = stats
        .calls()
        .map(|(_, c)| (c.sid, c.start_ms, c.end_ms, c.outcome))
        .collect();
    derived.sort_by_key(|c| (c.1, c.0));
    assert_eq!(derived, seen.calls);
    // The startup election and the one after the crash (four survivors, one LEADING).
    assert!(stats.elections.len() >= 2, "{:?}", stats.elections);
    let after = stats.elections.last().expect("two elections");
    assert_eq!(after.calls.len(), 4, "{after:?}");
    assert!(after.leader().is_some());
    let first = &stats.elections[0];
    assert_eq!(first.calls.len(), 5);
    assert_eq!(
        first.took_ms(),
        first.calls.iter().map(|c| c.end_ms).max().expect("calls") - first.start_ms
    );
}

#[test]
fn test_leading_to_uptodate_matches_when_learners_enter_broadcast() {
    let (_, seen, stats) = leader_crash_5();
    let mut derived: Vec<(Sid, Sid, u64, u64)> = stats
        .syncs
        .iter()
        .filter_map(|s| Some((s.leader, s.learner, s.leading_ms, s.uptodate_ms?)))
        .collect();
    let mut synced = seen.synced;
    derived.sort_by_key(|r| (r.2, r.3, r.1));
    synced.sort_by_key(|r| (r.2, r.3, r.1));
    assert_eq!(derived, synced);
    // Two terms: four learners, then the three survivors besides the new leader, every one
    // synced, with the epoch of its NEWLEADER.
    assert_eq!(derived.len(), 7);
    let epochs: Vec<i64> = stats
        .syncs
        .iter()
        .map(|s| s.epoch.expect("NEWLEADER was sent").0)
        .collect();
    assert_eq!(epochs, [vec![1; 4], vec![2; 3]].concat());
    assert!(stats.syncs.iter().all(|s| s.mode.is_some()));
}

#[test]
fn test_proposals_and_commits_match_the_leaders_database() {
    let (_, seen, stats) = leader_crash_5();
    let proposed: BTreeMap<Zxid, u64> = stats
        .proposals
        .iter()
        .map(|p| (p.zxid, p.proposed_ms))
        .collect();
    let committed: BTreeMap<Zxid, u64> = stats
        .proposals
        .iter()
        .filter_map(|p| Some((p.zxid, p.committed_ms?)))
        .collect();
    assert_eq!(proposed, seen.proposed);
    assert_eq!(committed, seen.committed);
    assert_eq!(stats.proposals.len(), 1, "the one write");
    let p = &stats.proposals[0];
    assert!(p.latency_ms().is_some_and(|ms| ms > 0));
}

#[test]
fn test_message_counts_add_up_every_way() {
    let (s, _, stats) = leader_crash_5();
    let log = s.log();
    let sends = log.iter().filter(|e| e.event.sent().is_some()).count() as u64;
    let delivered = log
        .iter()
        .filter(|e| matches!(e.event, LogEvent::Deliver { .. }))
        .count() as u64;
    let by_type: u64 = stats.messages.iter().map(MessageRow::sent).sum();
    let by_server: u64 = stats.servers.iter().map(|r| r.sent).sum();
    let received: u64 = stats.servers.iter().map(|r| r.received).sum();
    let dropped: u64 = stats.servers.iter().map(|r| r.dropped).sum();
    let dropped_by_type: u64 = stats.messages.iter().map(|m| m.dropped).sum();
    let in_flight = s.sim().in_flight().count() as u64;
    assert_eq!(by_type, sends);
    assert_eq!(by_server, sends);
    assert_eq!(received, delivered);
    assert_eq!(dropped, dropped_by_type);
    // Every message sent arrived, was lost, or is still on the wire.
    assert_eq!(received + dropped + in_flight, sends);
    assert!(dropped > 0, "the crash loses what was on its connections");
    // Election messages are counted in ELECTION only; FOLLOWERINFO in DISCOVERY only.
    let row = |k: &str| stats.messages.iter().find(|m| m.kind == k).expect(k);
    let notifications = row("NOTIFICATION");
    assert_eq!(notifications.sent(), notifications.by_phase[0]);
    let info = row("FOLLOWERINFO");
    assert_eq!(info.sent(), info.by_phase[1]);
    assert_eq!(info.sent(), 7, "four learners, then three");
    let uptodate = row("UPTODATE");
    assert_eq!(uptodate.sent(), uptodate.by_phase[2]);
    let proposal = row("PROPOSAL");
    assert_eq!(
        proposal.by_phase[3], 4,
        "the write's PROPOSAL to four followers"
    );
    // Types in ZooKeeper's order.
    assert_eq!(stats.messages[0].kind, "CONNECT");
}

#[test]
fn test_disk_counts_match_the_disks() {
    // Without crashes nothing on a disk is lost or truncated, so its txn log holds every
    // append, and its epoch files were written at least once each.
    let mut s = Session::new(RunSpec::with_scenario(3, Scenario::FreshStart)).expect("valid");
    s.run_until(Time(3_000));
    let stats = Stats::build(s.log());
    assert_eq!(stats.servers.len(), 3);
    for row in &stats.servers {
        let disk = s.sim().disk(row.sid).expect("a server's disk");
        assert_eq!(
            row.appends as usize,
            disk.durable.log.len() + disk.pending.len(),
            "server {}",
            row.sid
        );
        assert!(row.epoch_writes >= 2);
        assert_eq!(row.crashes, 0);
        assert_eq!(row.look_calls, 1);
    }
    assert_eq!(stats.entries, s.log().len());
}

#[test]
fn test_an_unfinished_call_counts_up_to_the_position() {
    let mut s = Session::new(RunSpec::new(2, 3, 0)).expect("valid");
    s.run_until(Time(350));
    let stats = Stats::build(s.log());
    let end = s.log().last().expect("entries").time.0;
    let running: Vec<&LookCall> = stats
        .calls()
        .map(|(_, c)| c)
        .filter(|c| c.outcome == LookOutcome::Running)
        .collect();
    assert!(!running.is_empty());
    assert!(running.iter().all(|c| c.end_ms == end));
    assert!(stats.elections.iter().all(|e| e.leader().is_none()));
}

#[test]
fn test_csv_has_a_header_and_a_row_per_item() {
    let (_, _, stats) = leader_crash_5();
    let lines = |text: &str| text.lines().count();
    assert_eq!(lines(&stats.elections_csv()), 1 + stats.calls().count());
    assert_eq!(lines(&stats.syncs_csv()), 1 + stats.syncs.len());
    assert_eq!(lines(&stats.messages_csv()), 1 + stats.messages.len());
    assert_eq!(lines(&stats.proposals_csv()), 1 + stats.proposals.len());
    assert_eq!(lines(&stats.servers_csv()), 1 + stats.servers.len());
    let p = &stats.proposals[0];
    let row = stats
        .proposals_csv()
        .lines()
        .nth(1)
        .expect("a row")
        .to_string();
    assert_eq!(
        row,
        format!(
            "{},{},{},{},{}",
            p.zxid.short(),
            p.leader,
            p.proposed_ms,
            p.committed_ms.expect("committed"),
            p.latency_ms().expect("committed")
        )
    );
}

/// The cost of the statistics of a long run (printed; `--nocapture` shows it).
#[test]
fn test_cost_of_a_long_run() {
    let mut s = Session::new(RunSpec::new(5, 5, 0)).expect("valid");
    while s.log().len() < 100_000 && s.step() {}
    let started = std::time::Instant::now();
    let stats = Stats::build(s.log());
    let took = started.elapsed();
    println!(
        "Stats::build over {} log entries: {:.1} ms",
        stats.entries,
        took.as_secs_f64() * 1e3
    );
    assert_eq!(stats.entries, s.log().len());
}

/// The log's "LEADER ELECTION TOOK" line carries the number the statistics show.
#[test]
fn test_the_leading_line_names_what_the_election_took() {
    let (s, _, stats) = leader_crash_5();
    let lines = crate::view_model::log_model::log_lines(s.log(), None, usize::MAX);
    let leading: Vec<&str> = lines
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| t.contains("LEADER ELECTION TOOK"))
        .collect();
    let expected: Vec<String> = stats
        .calls()
        .filter(|(_, c)| c.outcome == LookOutcome::Became(ServerState::Leading))
        .map(|(_, c)| {
            format!(
                "{}: LEADING - LEADER ELECTION TOOK - {} MS; LearnerCnxAcceptor started",
                c.sid,
                c.took_ms()
            )
        })
        .collect();
    assert_eq!(leading, expected);
    assert_eq!(leading.len(), 2);
}
