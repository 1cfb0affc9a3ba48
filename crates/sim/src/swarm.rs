//! Seeded fault sweeps (STYLE SG-16): each seed derives a cluster shape, link latencies, a
//! fault mix and a client workload. A safety phase runs the faults with every checker after
//! every event; a liveness phase then heals everything and requires a leader and a fresh
//! write on every server within a bound.

use crate::checker::{Checker, InvariantViolation, Marks};
use crate::network::Direction;
use crate::rng::{Stream, Streams};
use crate::testkit::established_leader;
use crate::{SimOptions, Simulation, StartPlan};
use std::fmt;
use zab::config::BugSwitches;
use zab::zk_database::TxnOp;
use zab::ZkVersion;
use zab::{Sid, Time};

/// What a sweep turns on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepConfig {
    /// No faults at all when false (a plain startup + workload sweep).
    pub no_faults: bool,
    /// The ZooKeeper release every server of the sweep follows.
    pub zk: ZkVersion,
    pub bugs: BugSwitches,
    /// Add clients with sessions and ephemerals (issue 12). Off by default, so the seeds of
    /// existing sweeps derive the same plans as before.
    pub clients: bool,
}

/// One fault of a seed's schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    Crash(Sid),
    Restart(Sid),
    Partition {
        a: Sid,
        b: Sid,
        direction: Direction,
    },
    /// Cut one server off from every other (TigerBeetle's `isolate_single`).
    Isolate(Sid),
    /// Cut the current leader off and write at it before it notices (its quorum check runs
    /// once per tickTime): the writes are logged there and nowhere else.
    IsolateLeaderAndWrite(u32),
    Heal,
    /// Break the n-th live connection (modulo how many there are when it fires).
    Break(u64),
    Write {
        at: Sid,
        op: TxnOp,
    },
    /// A client connects to the server (§13): it holds a session and creates ephemerals;
    /// some close their session, some never reconnect after a loss.
    AddClient(crate::clients::ClientSpec),
    /// Stop a server's process (a GC pause, SIGSTOP; §11.5).
    Pause(Sid),
    /// Let it go on.
    Resume(Sid),
}

/// Everything a seed derives.
#[derive(Clone, Debug)]
pub struct SeedPlan {
    pub seed: u64,
    pub options: SimOptions,
    pub schedule: Vec<(Time, Fault)>,
    pub safety_ms: u64,
}

impl fmt::Display for SeedPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.options;
        let voters = o.config.voters().count();
        let faults = self
            .schedule
            .iter()
            .filter(|(_, x)| !matches!(x, Fault::Write { .. } | Fault::AddClient(_)))
            .count();
        write!(
            f,
            "seed {}: {voters} voters + {} observers, latency {}..={} ms, fsync {}..={} ms, {faults} faults, {} writes",
            self.seed,
            o.config.servers.len() - voters,
            o.latency_ms.0,
            o.latency_ms.1,
            o.fsync_ms.0,
            o.fsync_ms.1,
            self.schedule.len() - faults
        )
    }
}

/// The safety window and the liveness bounds.
pub const SAFETY_MS: u64 = 40_000;
/// The longest pause a seed draws: 3 × syncLimit × tickTime of the sample config, so pauses
/// both shorter and longer than a follower's read timeout happen.
pub const MAX_PAUSE_MS: u64 = 30_000;
/// Three discovery timeouts (initLimit × tickTime each) plus election time.
pub const LIVENESS_LEADER_MS: u64 = 75_000;
pub const LIVENESS_WRITE_MS: u64 = 10_000;
/// How many times the liveness write is submitted, each at the leader established then.
pub const MAX_LIVENESS_WRITES: usize = 3;

pub fn derive(seed: u64, cfg: &SweepConfig) -> SeedPlan {
    let mut r = Streams::new(seed);
    let mut d = |lo: u64, hi: u64| r.range(Stream::Swarm, lo, hi);
    let voters = d(3, 7) as u32;
    let observers = d(0, 2) as u32;
    let mut options =
        SimOptions::new(seed, voters, observers).expect("3..=7 voters, 0..=2 observers");
    options.config.zk = cfg.zk;
    options.config.bugs = cfg.bugs;
    let lo = d(1, 20);
    options.latency_ms = (lo, lo + d(0, 80));
    let flo = d(1, 20);
    options.fsync_ms = (flo, flo + d(0, 60));
    options.start = StartPlan::Staggered {
        max_ms: d(0, 2_000),
    };
    let sids: Vec<Sid> = options.config.servers.keys().copied().collect();
    let n = sids.len() as u64;
    let mut schedule = Vec::new();
    let faults = if cfg.no_faults { 0 } else { d(0, 8) };
    for _ in 0..faults {
        let at = Time(d(0, SAFETY_MS));
        let a = sids[d(0, n - 1) as usize];
        match d(0, 11) {
            0..=3 => {
                schedule.push((at, Fault::Crash(a)));
                schedule.push((Time(at.0 + d(200, 12_000)), Fault::Restart(a)));
            }
            4..=6 => {
                let b = sids[d(0, n - 1) as usize];
                if a != b {
                    let direction = if d(0, 2) == 0 {
                        Direction::OneWay
                    } else {
                        Direction::Both
                    };
                    schedule.push((at, Fault::Partition { a, b, direction }));
                    schedule.push((Time(at.0 + d(500, 15_000)), Fault::Heal));
                }
            }
            7 => {
                schedule.push((at, Fault::IsolateLeaderAndWrite(d(1, 3) as u32)));
                schedule.push((Time(at.0 + d(500, 15_000)), Fault::Heal));
            }
            8 => {
                schedule.push((at, Fault::Isolate(a)));
                schedule.push((Time(at.0 + d(500, 15_000)), Fault::Heal));
            }
            _ => schedule.push((at, Fault::Break(d(0, 1_000)))),
        }
    }
    for i in 0..d(0, 60) {
        let at = Time(d(0, SAFETY_MS));
        let path = format!("/n{}", d(0, 5));
        let op = if d(0, 1) == 0 {
            TxnOp::Create {
                path,
                data: format!("v{i}"),
            }
        } else {
            TxnOp::SetData {
                path,
                data: format!("v{i}"),
            }
        };
        schedule.push((
            at,
            Fault::Write {
                at: sids[d(0, n - 1) as usize],
                op,
            },
        ));
    }
    if cfg.clients {
        // Drawn after everything else: the rest of the plan is the same as without clients.
        for c in 0..d(1, 4) {
            let at = Time(d(0, SAFETY_MS / 2));
            let mut ops = vec![crate::clients::ClientOp::ephemeral(&format!("/e{c}"), "x")];
            for i in 0..d(0, 3) {
                ops.push(crate::clients::ClientOp::create(&format!("/c{c}-{i}"), "y"));
            }
            if d(0, 2) == 0 {
                ops.push(crate::clients::ClientOp::Close);
            }
            let spec = crate::clients::ClientSpec {
                server: sids[d(0, n - 1) as usize],
                timeout_ms: d(4_000, 15_000),
                ops,
                reconnect: d(0, 3) != 0,
            };
            schedule.push((at, Fault::AddClient(spec)));
        }
    }
    // Pauses are drawn after everything else, so the crashes, partitions and writes a seed
    // derived before pauses existed are unchanged. Each pause ends: its resume is scheduled
    // (and the liveness phase resumes whatever is still paused).
    let pauses = if cfg.no_faults { 0 } else { d(0, 2) };
    for _ in 0..pauses {
        let at = Time(d(0, SAFETY_MS));
        let a = sids[d(0, n - 1) as usize];
        schedule.push((at, Fault::Pause(a)));
        schedule.push((Time(at.0 + d(200, MAX_PAUSE_MS)), Fault::Resume(a)));
    }
    // Stable: faults drawn at the same time keep their order.
    schedule.sort_by_key(|(t, _)| *t);
    SeedPlan {
        seed,
        options,
        schedule,
        safety_ms: SAFETY_MS,
    }
}

/// How a seed ended.
#[derive(Clone, Debug)]
pub struct SeedOutcome {
    pub plan: SeedPlan,
    pub violation: Option<(Time, InvariantViolation)>,
    /// Liveness after healing: None when it held, else what failed.
    pub liveness_failure: Option<String>,
    pub marks: Marks,
    pub events: u64,
}

impl SeedOutcome {
    pub fn ok(&self) -> bool {
        self.violation.is_none() && self.liveness_failure.is_none()
    }
}

fn apply(sim: &mut Simulation, fault: &Fault) {
    match fault {
        Fault::Crash(s) => sim.crash(*s),
        Fault::Restart(s) => sim.restart(*s),
        Fault::Partition { a, b, direction } => sim.partition(*a, *b, *direction),
        Fault::Isolate(a) => {
            for b in sim.sids().filter(|b| b != a).collect::<Vec<_>>() {
                sim.partition(*a, b, Direction::Both);
            }
        }
        Fault::IsolateLeaderAndWrite(n) => {
            if let Some(leader) = crate::testkit::leaders(sim).last().copied() {
                apply(sim, &Fault::Isolate(leader));
                for i in 0..*n {
                    let op = TxnOp::Create {
                        path: format!("/isolated{i}"),
                        data: "x".into(),
                    };
                    sim.client_write(leader, op);
                }
            }
        }
        Fault::Heal => sim.heal(),
        Fault::Break(n) => {
            let live: Vec<_> = sim.connections().map(|c| c.id).collect();
            if !live.is_empty() {
                let conn = live[(*n % live.len() as u64) as usize];
                sim.break_connection(conn);
            }
        }
        Fault::Write { at, op } => sim.client_write(*at, op.clone()),
        Fault::AddClient(spec) => {
            sim.add_client(spec.clone());
        }
        Fault::Pause(s) => sim.pause(*s),
        Fault::Resume(s) => sim.resume(*s),
    }
}

/// Step with every checker after every event until `until` or a violation.
fn checked_until(
    sim: &mut Simulation,
    checker: &mut Checker,
    until: Time,
    mut stop: impl FnMut(&Simulation) -> bool,
) -> Result<bool, (Time, InvariantViolation)> {
    loop {
        checker.check(sim).map_err(|v| (sim.now(), v))?;
        if stop(sim) {
            return Ok(true);
        }
        match sim.next_event_time() {
            Some(t) if t <= until => {
                sim.step();
            }
            _ => return Ok(false),
        }
    }
}

pub fn run_seed(seed: u64, cfg: &SweepConfig) -> SeedOutcome {
    run_seed_keep(seed, cfg).0
}

/// `run_seed`, keeping the simulation for inspection (replays, `zabsim`).
pub fn run_seed_keep(seed: u64, cfg: &SweepConfig) -> (SeedOutcome, Simulation) {
    let plan = derive(seed, cfg);
    let mut sim = Simulation::new(plan.options.clone()).expect("derived options are valid");
    let mut checker = Checker::new();
    let mut outcome = SeedOutcome {
        plan: plan.clone(),
        violation: None,
        liveness_failure: None,
        marks: Marks::default(),
        events: 0,
    };
    let result = (|| {
        for (at, fault) in &plan.schedule {
            checked_until(&mut sim, &mut checker, *at, |_| false)?;
            sim.run_until(*at);
            apply(&mut sim, fault);
        }
        checked_until(&mut sim, &mut checker, Time(plan.safety_ms), |_| false)?;
        // Liveness: heal, resume and restart everyone, then a leader and a fresh write
        // everywhere.
        sim.heal();
        for sid in sim.sids().collect::<Vec<_>>() {
            sim.resume(sid);
            sim.restart(sid);
        }
        let bound = Time(sim.now().0 + LIVENESS_LEADER_MS);
        if !checked_until(&mut sim, &mut checker, bound, |s| {
            established_leader(s).is_some()
        })? {
            return Ok(Some(format!(
                "no established leader within {LIVENESS_LEADER_MS} ms of healing"
            )));
        }
        let mut leader = established_leader(&sim).expect("just established");
        let path = format!("/liveness-{seed}");
        let op = TxnOp::Create {
            path: path.clone(),
            data: "ok".into(),
        };
        sim.client_write(leader, op.clone());
        let bound = Time(sim.now().0 + LIVENESS_WRITE_MS);
        let everywhere = |s: &Simulation| {
            s.sids().all(|sid| {
                s.peer(sid)
                    .is_some_and(|p| p.database().tree.nodes.contains_key(&path))
            })
        };
        // The write goes to the leader established at that moment, which may be about to
        // step down (a leader resumed just before was deposed while it was paused; its next
        // tick finds it out). Its client then sees the connection drop and writes again at the
        // leader established next, as a ZooKeeper client retries after ConnectionLoss; the
        // create is idempotent here. Within the same bound, at most a few times.
        for _ in 0..MAX_LIVENESS_WRITES {
            let moved_on = |s: &Simulation| established_leader(s).is_some_and(|l| l != leader);
            let stopped = checked_until(&mut sim, &mut checker, bound, |s| {
                everywhere(s) || moved_on(s)
            })?;
            if !stopped {
                break;
            }
            if everywhere(&sim) {
                return Ok(None);
            }
            leader = established_leader(&sim).expect("moved on to an established leader");
            sim.client_write(leader, op.clone());
        }
        Ok(Some(format!(
            "the fresh write was not applied everywhere within {LIVENESS_WRITE_MS} ms"
        )))
    })();
    match result {
        Ok(l) => outcome.liveness_failure = l,
        Err(v) => outcome.violation = Some(v),
    }
    outcome.marks = checker.marks.clone();
    outcome.events = sim.log().len() as u64;
    (outcome, sim)
}

/// The `zabsim sweep` flags that give `cfg` (" --zk 3.8 --no-faults --bug zk1154"; empty
/// for the default): the replay command's, and the identity a sweep's shards share.
pub fn sweep_flags(cfg: &SweepConfig) -> String {
    let mut flags = String::new();
    if cfg.zk != ZkVersion::default() {
        flags += &format!(" --zk {}", cfg.zk.name());
    }
    if cfg.no_faults {
        flags += " --no-faults";
    }
    if cfg.bugs.zk1154_diff_instead_of_trunc {
        flags += " --bug zk1154";
    }
    if cfg.bugs.discovery_without_quorum {
        flags += " --self-test discovery-without-quorum";
    }
    if cfg.bugs.epoch_files_out_of_order {
        flags += " --self-test epoch-files-out-of-order";
    }
    if cfg.clients {
        flags += " --clients";
    }
    flags
}

/// The one-line command that replays a seed.
pub fn replay_command(seed: u64, cfg: &SweepConfig) -> String {
    format!(
        "cargo run --profile native -p zabsim -- sweep --seeds {seed}..{}{}",
        seed + 1,
        sweep_flags(cfg)
    )
}
