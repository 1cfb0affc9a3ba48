//! Scenarios: presets with a one-line caption saying what to watch. A scenario is a cluster
//! shape plus a script of role-relative steps ("crash the leader once the ensemble is
//! established"), resolved when they fire, so the same seed and scenario always give the same
//! event log — in the CLI, the tests and the browser.

use crate::clients::{ClientOp, ClientSpec};
use crate::network::Direction;
use crate::testkit::established_leader;
use crate::{SimOptions, Simulation, StartPlan};
use std::collections::BTreeMap;
use zab::leader::SyncMode;
use zab::peer::ServerState;
use zab::zk_database::TxnOp;
use zab::{Sid, Time, ZkVersion};

/// Who a step acts on, resolved when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Server(Sid),
    /// The LEADING server (the one with the highest epoch if several claim it).
    Leader,
    /// The n-th running FOLLOWING server, by sid.
    Follower(u32),
    /// Every crashed server.
    Crashed,
    /// Every paused server.
    Paused,
}

/// What a step does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Crash(Target),
    Restart(Target),
    /// Stop the target's process (SIGSTOP, or a long GC pause; §11.5).
    Pause(Target),
    /// Let it go on.
    Resume(Target),
    Write {
        at: Target,
        op: TxnOp,
    },
    /// Cut the target off from every other server.
    Isolate(Target),
    /// Cut the leader off from its first `count` followers (`direction`: only leader → them).
    PartitionLeaderFrom {
        count: u32,
        direction: Direction,
    },
    Heal,
    /// A client connects to the target (its `server` is replaced by the target's sid).
    AddClient {
        at: Target,
        spec: ClientSpec,
    },
}

/// When a step fires: at a time, or some time after a condition first holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    At(Time),
    /// `ms` after the first server became LEADING.
    AfterLeaderElected(u64),
    /// `ms` after every running server is in BROADCAST behind one leader.
    AfterEstablished(u64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub when: When,
    pub action: Action,
}

/// The scripted part of a run, driven by [`Simulation`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    steps: Vec<Step>,
    /// The index of the next step; steps run in order.
    next: usize,
    leader_elected_at: Option<Time>,
    established_at: Option<Time>,
}

impl Script {
    pub fn new(steps: Vec<Step>) -> Script {
        Script {
            steps,
            ..Script::default()
        }
    }

    /// Steps due now, given what has happened; advances past them.
    pub(crate) fn due(&mut self, sim: &Simulation) -> Vec<Action> {
        if self.leader_elected_at.is_none()
            && sim.sids().any(|s| {
                sim.peer(s)
                    .is_some_and(|p| p.state() == ServerState::Leading)
            })
        {
            self.leader_elected_at = Some(sim.now());
        }
        if self.established_at.is_none() && established_leader(sim).is_some() {
            self.established_at = Some(sim.now());
        }
        let mut out = Vec::new();
        while let Some(step) = self.steps.get(self.next) {
            let at = match step.when {
                When::At(t) => Some(t),
                When::AfterLeaderElected(ms) => self.leader_elected_at.map(|t| t.plus_ms(ms)),
                When::AfterEstablished(ms) => self.established_at.map(|t| t.plus_ms(ms)),
            };
            match at {
                Some(t) if t <= sim.now() => {
                    out.push(step.action.clone());
                    self.next += 1;
                }
                _ => break,
            }
        }
        out
    }

    /// The time the next step fires, if it is known yet.
    pub(crate) fn next_time(&self) -> Option<Time> {
        let step = self.steps.get(self.next)?;
        match step.when {
            When::At(t) => Some(t),
            When::AfterLeaderElected(ms) => self.leader_elected_at.map(|t| t.plus_ms(ms)),
            When::AfterEstablished(ms) => self.established_at.map(|t| t.plus_ms(ms)),
        }
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.steps.len()
    }
}

/// The presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    FreshStart,
    ObserversToo,
    NoQuorum,
    LeaderCrash,
    FollowerBehindDiff,
    UncommittedTrunc,
    FarBehindSnap,
    LeaderCutFromMinority,
    LeaderCutFromMajority,
    OneWayPartition,
    ClientFailover,
    LeaderPaused,
}

/// How long `leader-paused` stops the leader: 2.5 × syncLimit × tickTime of the sample config
/// (5 × 2 000 ms), long enough for the followers' read timeouts to expire and a new leader to
/// be established before the old one wakes.
pub const LEADER_PAUSE_MS: u64 = 25_000;

fn write(at: Target, path: &str, data: &str) -> Action {
    Action::Write {
        at,
        op: TxnOp::Create {
            path: path.to_string(),
            data: data.to_string(),
        },
    }
}

fn set(at: Target, path: &str, data: &str) -> Action {
    Action::Write {
        at,
        op: TxnOp::SetData {
            path: path.to_string(),
            data: data.to_string(),
        },
    }
}

fn step(when: When, action: Action) -> Step {
    Step { when, action }
}

impl Scenario {
    pub const ALL: [Scenario; 12] = [
        Scenario::FreshStart,
        Scenario::ObserversToo,
        Scenario::NoQuorum,
        Scenario::LeaderCrash,
        Scenario::FollowerBehindDiff,
        Scenario::UncommittedTrunc,
        Scenario::FarBehindSnap,
        Scenario::LeaderCutFromMinority,
        Scenario::LeaderCutFromMajority,
        Scenario::OneWayPartition,
        Scenario::ClientFailover,
        Scenario::LeaderPaused,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::FreshStart => "fresh-start",
            Scenario::ObserversToo => "observers",
            Scenario::NoQuorum => "no-quorum",
            Scenario::LeaderCrash => "leader-crash",
            Scenario::FollowerBehindDiff => "follower-behind-diff",
            Scenario::UncommittedTrunc => "uncommitted-trunc",
            Scenario::FarBehindSnap => "far-behind-snap",
            Scenario::LeaderCutFromMinority => "leader-cut-from-minority",
            Scenario::LeaderCutFromMajority => "leader-cut-from-majority",
            Scenario::OneWayPartition => "one-way-partition",
            Scenario::ClientFailover => "client-failover",
            Scenario::LeaderPaused => "leader-paused",
        }
    }

    pub fn by_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The scenario's title, as the picker lists it.
    pub fn title(self) -> &'static str {
        match self {
            Scenario::FreshStart => "Three servers start",
            Scenario::ObserversToo => "Voters and observers",
            Scenario::NoQuorum => "A leader without a quorum",
            Scenario::LeaderCrash => "The leader crashes",
            Scenario::FollowerBehindDiff => "A follower catches up by DIFF",
            Scenario::UncommittedTrunc => "An uncommitted txn is TRUNCated",
            Scenario::FarBehindSnap => "A follower too far behind gets SNAP",
            Scenario::LeaderCutFromMinority => "The leader loses one follower",
            Scenario::LeaderCutFromMajority => "The leader loses its majority",
            Scenario::OneWayPartition => "A one-way partition",
            Scenario::ClientFailover => "What a client sees during a leader election",
            Scenario::LeaderPaused => "Leader paused longer than syncLimit",
        }
    }

    /// The moment the scenario is about, where the app pauses (`None`: it is about the whole
    /// run, or about something that is not a moment, e.g. a follower that cannot reconnect).
    pub fn key_moment(self) -> Option<KeyMoment> {
        Some(match self {
            Scenario::FreshStart | Scenario::ObserversToo => KeyMoment::Established,
            Scenario::NoQuorum => KeyMoment::TimedOut,
            Scenario::LeaderCrash | Scenario::ClientFailover => KeyMoment::ElectedAfterCrash,
            Scenario::FollowerBehindDiff => KeyMoment::SyncAfterRestart(SyncMode::Diff),
            Scenario::UncommittedTrunc => KeyMoment::SyncAfterRestart(SyncMode::Trunc),
            Scenario::FarBehindSnap => KeyMoment::SyncAfterRestart(SyncMode::Snap),
            Scenario::LeaderCutFromMajority => KeyMoment::LostQuorum,
            Scenario::LeaderPaused => KeyMoment::DeposedAfterPause,
            Scenario::LeaderCutFromMinority | Scenario::OneWayPartition => return None,
        })
    }

    /// What to watch, in one line.
    pub fn caption(self) -> &'static str {
        match self {
            Scenario::FreshStart => "FastLeaderElection, then each learner's FOLLOWERINFO → LEADERINFO → ACKEPOCH → DIFF → NEWLEADER → UPTODATE.",
            Scenario::ObserversToo => "Five voters and two observers: observers register with OBSERVERINFO, never count in a quorum, and learn commits by INFORM.",
            Scenario::NoQuorum => "The new leader is cut off: getEpochToPropose waits initLimit × tickTime (20 s) for a quorum, times out, and the leader goes back to LOOKING.",
            Scenario::LeaderCrash => "A write commits, then the leader crashes: the survivors elect a new leader in epoch 2 and re-sync by DIFF.",
            Scenario::FollowerBehindDiff => "A follower misses three writes while down; on restart the leader sends DIFF with the PROPOSAL/COMMIT pairs it missed.",
            Scenario::UncommittedTrunc => "An isolated leader logs a write nobody else has, then crashes; when it returns, the new leader TRUNCates it.",
            Scenario::FarBehindSnap => "A follower misses every write: its zxid is older than the leader's committedLog and no txn log can bridge the gap, so the leader sends SNAP.",
            Scenario::LeaderCutFromMinority => "The leader loses one of four followers: it keeps its quorum; the cut-off follower looks for a leader until the network heals.",
            Scenario::LeaderCutFromMajority => "The leader loses three of four followers: \"Not sufficient followers synced\", it steps down, the majority elects a leader with a higher epoch.",
            Scenario::OneWayPartition => "Packets from the leader to one follower are lost: the TCP connection breaks, the follower goes LOOKING and cannot reconnect until the link heals.",
            Scenario::ClientFailover => "Two clients of the leader each create an ephemeral znode; the leader crashes. Client 1 sees connection loss, reconnects to a surviving server within its session timeout (a follower asks the new leader by REVALIDATE) and keeps its session and /client-1. Client 2 never comes back: the new leader expires its session, and a closeSession txn deletes /client-2.",
            Scenario::LeaderPaused => "The leader stops for 25 s (a GC pause, SIGSTOP), 2.5 × syncLimit × tickTime: the followers' reads time out, they elect a leader in epoch 2; the old leader wakes still LEADING, its overdue timers fire, it finds too few followers synced, goes LOOKING and rejoins as a follower.",
        }
    }

    /// (voters, observers).
    pub fn shape(self) -> (u32, u32) {
        match self {
            Scenario::ObserversToo => (5, 2),
            Scenario::LeaderCutFromMinority | Scenario::LeaderCutFromMajority => (5, 0),
            _ => (3, 0),
        }
    }

    pub fn script(self) -> Vec<Step> {
        use Target::*;
        use When::*;
        match self {
            Scenario::FreshStart => vec![],
            Scenario::ObserversToo => vec![step(
                AfterEstablished(1_000),
                write(Leader, "/config", "v1"),
            )],
            Scenario::NoQuorum => vec![
                step(AfterLeaderElected(0), Action::Isolate(Leader)),
                step(AfterLeaderElected(25_000), Action::Heal),
                step(AfterLeaderElected(40_000), Action::Restart(Server(Sid(1)))),
            ],
            Scenario::LeaderCrash => vec![
                step(AfterEstablished(1_000), write(Leader, "/a", "1")),
                step(AfterEstablished(3_000), Action::Crash(Leader)),
                step(AfterEstablished(15_000), Action::Restart(Crashed)),
            ],
            Scenario::FollowerBehindDiff => vec![
                step(AfterEstablished(500), write(Leader, "/a", "1")),
                step(AfterEstablished(1_500), Action::Crash(Follower(0))),
                step(AfterEstablished(2_000), write(Leader, "/b", "2")),
                step(AfterEstablished(2_200), write(Leader, "/c", "3")),
                step(AfterEstablished(2_400), write(Leader, "/d", "4")),
                step(AfterEstablished(4_000), Action::Restart(Crashed)),
            ],
            Scenario::UncommittedTrunc => vec![
                step(AfterEstablished(500), write(Leader, "/a", "1")),
                step(AfterEstablished(1_500), Action::Isolate(Leader)),
                step(
                    AfterEstablished(1_500),
                    write(Leader, "/orphan", "never committed"),
                ),
                step(AfterEstablished(1_700), Action::Crash(Leader)),
                step(AfterEstablished(1_700), Action::Heal),
                step(AfterEstablished(12_000), Action::Restart(Crashed)),
            ],
            Scenario::FarBehindSnap => {
                let mut v = vec![step(AfterEstablished(500), Action::Crash(Follower(0)))];
                v.push(step(AfterEstablished(1_000), write(Leader, "/a", "0")));
                for i in 0..12u64 {
                    v.push(step(
                        AfterEstablished(1_500 + 100 * i),
                        set(Leader, "/a", &format!("{}", i + 1)),
                    ));
                }
                v.push(step(AfterEstablished(5_000), Action::Restart(Crashed)));
                v
            }
            Scenario::LeaderCutFromMinority => vec![
                step(
                    AfterEstablished(1_000),
                    Action::PartitionLeaderFrom {
                        count: 1,
                        direction: Direction::Both,
                    },
                ),
                step(
                    AfterEstablished(3_000),
                    write(Leader, "/still-serving", "yes"),
                ),
                step(AfterEstablished(16_000), Action::Heal),
            ],
            Scenario::LeaderCutFromMajority => vec![
                step(
                    AfterEstablished(1_000),
                    Action::PartitionLeaderFrom {
                        count: 3,
                        direction: Direction::Both,
                    },
                ),
                step(AfterEstablished(30_000), Action::Heal),
            ],
            Scenario::OneWayPartition => vec![
                step(
                    AfterEstablished(1_000),
                    Action::PartitionLeaderFrom {
                        count: 1,
                        direction: Direction::OneWay,
                    },
                ),
                step(AfterEstablished(15_000), Action::Heal),
            ],
            Scenario::ClientFailover => vec![
                step(
                    AfterEstablished(500),
                    Action::AddClient {
                        at: Leader,
                        spec: ClientSpec {
                            timeout_ms: 10_000,
                            ops: vec![ClientOp::ephemeral("/client-1", "alive")],
                            ..ClientSpec::at(Sid(0))
                        },
                    },
                ),
                step(
                    AfterEstablished(700),
                    Action::AddClient {
                        at: Leader,
                        spec: ClientSpec {
                            timeout_ms: 6_000,
                            ops: vec![ClientOp::ephemeral("/client-2", "alive")],
                            reconnect: false,
                            ..ClientSpec::at(Sid(0))
                        },
                    },
                ),
                step(AfterEstablished(2_000), Action::Crash(Leader)),
            ],
            Scenario::LeaderPaused => vec![
                step(AfterEstablished(1_000), write(Leader, "/a", "1")),
                step(AfterEstablished(2_000), Action::Pause(Leader)),
                step(
                    AfterEstablished(2_000 + LEADER_PAUSE_MS),
                    Action::Resume(Paused),
                ),
            ],
        }
    }

    pub fn options(self, seed: u64) -> SimOptions {
        let (v, o) = self.shape();
        let mut opts = SimOptions::new(seed, v, o).expect("scenario shapes are valid");
        if self == Scenario::NoQuorum {
            // Sid 1 starts late, after the first leader gave up.
            opts.start = StartPlan::At(BTreeMap::from([(Sid(2), Time(0)), (Sid(3), Time(100))]));
        }
        opts
    }

    pub fn build(self, seed: u64) -> Simulation {
        self.build_with(seed, ZkVersion::default())
    }

    /// The scenario with its servers following another ZooKeeper release's rules.
    pub fn build_with(self, seed: u64, zk: ZkVersion) -> Simulation {
        self.build_with_bugs(seed, zk, zab::config::BugSwitches::default())
    }

    /// [`Scenario::build_with`], with historical bugs switched back on.
    pub fn build_with_bugs(
        self,
        seed: u64,
        zk: ZkVersion,
        bugs: zab::config::BugSwitches,
    ) -> Simulation {
        let mut options = self.options(seed);
        options.config.zk = zk;
        options.config.bugs = bugs;
        let mut sim = Simulation::new(options).expect("scenario options are valid");
        sim.set_script(Script::new(self.script()));
        sim
    }
}

/// Resolve a target against the current state.
pub(crate) fn resolve(sim: &Simulation, target: Target) -> Vec<Sid> {
    match target {
        Target::Server(s) => vec![s],
        Target::Leader => sim
            .sids()
            .filter_map(|s| sim.peer(s).map(|p| (s, p)))
            .filter(|(_, p)| p.state() == ServerState::Leading)
            .max_by_key(|(s, p)| (p.current_epoch(), *s))
            .map(|(s, _)| s)
            .into_iter()
            .collect(),
        Target::Follower(n) => sim
            .sids()
            .filter(|s| {
                sim.peer(*s)
                    .is_some_and(|p| p.state() == ServerState::Following)
            })
            .nth(n as usize)
            .into_iter()
            .collect(),
        Target::Crashed => sim.sids().filter(|s| sim.peer(*s).is_none()).collect(),
        Target::Paused => sim.sids().filter(|s| sim.is_paused(*s)).collect(),
    }
}

/// The moment a scenario is about (see [`Scenario::key_moment`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyMoment {
    /// The first leader reaches broadcast.
    Established,
    /// A leader's quorum wait times out.
    TimedOut,
    /// A leader is elected after a leader crashed.
    ElectedAfterCrash,
    /// A server that crashed earlier is synced by this mode.
    SyncAfterRestart(SyncMode),
    /// A leader loses its quorum.
    LostQuorum,
    /// A leader that was paused wakes and finds it lost its quorum meanwhile.
    DeposedAfterPause,
}

impl KeyMoment {
    /// What the pause says.
    pub fn what(self) -> &'static str {
        match self {
            KeyMoment::Established => "the leader is established: broadcast begins",
            KeyMoment::TimedOut => "the leader's quorum wait timed out",
            KeyMoment::ElectedAfterCrash => "a new leader is elected after the crash",
            KeyMoment::SyncAfterRestart(SyncMode::Diff) => "the restarted server is synced by DIFF",
            KeyMoment::SyncAfterRestart(SyncMode::Trunc) => {
                "the restarted server is synced by TRUNC"
            }
            KeyMoment::SyncAfterRestart(SyncMode::Snap) => "the restarted server is synced by SNAP",
            KeyMoment::SyncAfterRestart(SyncMode::None) => "the restarted server is synced",
            KeyMoment::LostQuorum => "the leader lost its quorum",
            KeyMoment::DeposedAfterPause => {
                "the paused leader woke, found too few followers synced, and stepped down"
            }
        }
    }
}

/// Finds a scenario's key moment in its log, read in order.
#[derive(Clone, Debug)]
pub struct KeyMomentFinder {
    key: KeyMoment,
    scanner: crate::moments::MomentScanner,
    crashed: std::collections::BTreeSet<Sid>,
    leaders: std::collections::BTreeSet<Sid>,
    leader_crashed: bool,
    /// Servers that have resumed from a pause.
    resumed: std::collections::BTreeSet<Sid>,
}

impl KeyMomentFinder {
    pub fn new(key: KeyMoment) -> KeyMomentFinder {
        KeyMomentFinder {
            key,
            scanner: Default::default(),
            crashed: Default::default(),
            leaders: Default::default(),
            leader_crashed: false,
            resumed: Default::default(),
        }
    }

    pub fn key(&self) -> KeyMoment {
        self.key
    }

    /// Whether `e` is the key moment (true at most once per moment; the caller keeps the first).
    pub fn scan(&mut self, e: &crate::trace::LogEntry) -> bool {
        use crate::moments::Moment;
        match &e.event {
            crate::trace::LogEvent::Crashed { sid } => {
                self.crashed.insert(*sid);
                if self.leaders.contains(sid) {
                    self.leader_crashed = true;
                }
            }
            crate::trace::LogEvent::Resumed { sid, .. } => {
                self.resumed.insert(*sid);
            }
            _ => {}
        }
        let Some(m) = self.scanner.scan(e) else {
            return false;
        };
        match (&m, self.key) {
            (Moment::LeaderElected { sid }, _) => {
                let hit = self.key == KeyMoment::ElectedAfterCrash && self.leader_crashed;
                self.leaders.insert(*sid);
                hit
            }
            (Moment::Established { .. }, KeyMoment::Established) => true,
            (Moment::WaitTimedOut { .. }, KeyMoment::TimedOut) => true,
            (Moment::LostQuorum { .. }, KeyMoment::LostQuorum) => true,
            (Moment::LostQuorum { leader }, KeyMoment::DeposedAfterPause) => {
                self.resumed.contains(leader)
            }
            (Moment::SyncChosen { learner, mode, .. }, KeyMoment::SyncAfterRestart(want)) => {
                *mode == want && self.crashed.contains(learner)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod key_moment_tests {
    use super::*;

    #[test]
    fn every_key_moment_happens_within_a_minute_for_several_seeds() {
        for s in Scenario::ALL {
            let Some(key) = s.key_moment() else { continue };
            for seed in 0..5 {
                let mut sim = s.build(seed);
                sim.run_until(Time(60_000));
                let mut f = KeyMomentFinder::new(key);
                let hits = sim.log().iter().filter(|e| f.scan(e)).count();
                assert!(
                    hits >= 1,
                    "{} seed {seed}: {key:?} never happened",
                    s.name()
                );
            }
        }
    }

    #[test]
    fn a_fresh_start_has_no_restart_sync_and_no_election_after_a_crash() {
        let mut sim = Scenario::FreshStart.build(1);
        sim.run_until(Time(20_000));
        for key in [
            KeyMoment::SyncAfterRestart(SyncMode::Diff),
            KeyMoment::SyncAfterRestart(SyncMode::Snap),
            KeyMoment::ElectedAfterCrash,
            KeyMoment::LostQuorum,
            KeyMoment::TimedOut,
            KeyMoment::DeposedAfterPause,
        ] {
            let mut f = KeyMomentFinder::new(key);
            assert!(!sim.log().iter().any(|e| f.scan(e)), "{key:?}");
        }
    }
}
