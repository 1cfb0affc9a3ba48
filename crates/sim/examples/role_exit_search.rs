//! Directed search for the role-exit bugs of `sim::bugs` (ZOOKEEPER-4712, -2845, -3642): a
//! plan of actions, each applied once the running servers follow one leader (or a fixed
//! number of steps after the one before), tried over seeds and offsets; prints each script
//! that breaks a check under the buggy side and runs clean for 2 000 more steps under the
//! fixed one.
//!
//! cargo run --release -p sim --example role_exit_search -- BUG SEEDS [OFFSETS]
//!   BUG: 4712 | 2845 | 3642; e.g. `4712 0..200 0..40`

use sim::session::{RunSpec, Session, UserAction};
use zab::config::BugSwitches;
use zab::{Sid, ZkVersion};

/// One step of a plan: an action, and how to reach the moment it is applied.
#[derive(Clone, Copy)]
enum When {
    /// Once a leader is established and at least this many steps passed.
    Settled(u64),
    /// Exactly this many steps after the previous action.
    After(u64),
    /// As soon as some learner has loaded a SNAP and not yet seen NEWLEADER.
    MidSnap,
}

/// Roles named at plan time: L the first leader, F and G its followers.
#[derive(Clone, Copy)]
enum Who {
    L,
    F,
    G,
    /// Whoever leads when the action is applied.
    Leader,
    /// The leader L follows now.
    LsLeader,
}

#[derive(Clone, Copy)]
enum Act {
    Crash(Who),
    Restart(Who),
    Write(Who),
    Break(Who, Who),
    Partition(Who, Who),
    Heal,
}

fn sides(bug: &str) -> (RunSpec, RunSpec) {
    let mut buggy = RunSpec::new(0, 3, 0);
    let mut fixed = RunSpec::new(0, 3, 0);
    match bug {
        "4712" => {
            buggy.zk = ZkVersion::V3_9_2;
            fixed.zk = ZkVersion::V3_9_3;
        }
        "4712-3.8" => {
            buggy.zk = ZkVersion::V3_8;
            fixed.zk = ZkVersion::V3_9_3;
        }
        "2845" => {
            buggy.bugs = BugSwitches {
                zk2845_no_fast_forward: true,
                ..BugSwitches::OFF
            }
        }
        "3642" => {
            buggy.bugs = BugSwitches {
                zk3642_snap_kept_in_memory: true,
                ..BugSwitches::OFF
            }
        }
        _ => panic!("BUG: 4712 | 4712-3.8 | 2845 | 3642"),
    }
    (buggy, fixed)
}

fn plan(bug: &str, offset: u64, variant: u64) -> Vec<(When, Act)> {
    use Act::*;
    use When::*;
    use Who::*;
    match bug {
        // F logs two proposals of L alone (G is down); the second arrives while the first
        // is being fsynced; F's link to L breaks then, L crashes, G returns.
        "4712" | "4712-3.8" => {
            let mut p = vec![
                (Settled(40), Crash(G)),
                (Settled(40), Write(L)),
                (After(1), Write(L)),
                (After(offset), Break(F, L)),
                (After(1), Crash(L)),
                (After(1), Restart(G)),
                (Settled(40), Write(Leader)),
            ];
            if variant % 2 == 1 {
                p.push((Settled(40), Restart(L)));
            }
            p.push((Settled(40), Crash(F)));
            p.push((After(20), Restart(F)));
            p.push((Settled(40), Write(Leader)));
            p
        }
        // F logs a proposal of L alone that never commits (G is cut off from L), then L
        // crashes; F and G form a new epoch; F registers with its tree's zxid.
        "2845" => {
            let mut p = vec![
                (Settled(40), Partition(L, G)),
                (After(offset), Write(L)),
                (After(if variant >= 2 { 3 } else { variant * 3 }), Crash(L)),
                (After(1), Heal),
                (Settled(40), Write(Leader)),
                (Settled(40), Crash(F)),
                (After(20), Restart(F)),
                (Settled(40), Write(Leader)),
            ];
            if variant % 2 == 1 {
                p.insert(5, (Settled(40), Restart(L)));
            }
            p
        }
        // F misses writes while down and is SNAP-synced by L on its return; the link breaks
        // after the SNAP and before NEWLEADER (`offset` steps after the restart).
        // L logs a txn alone (cut off) and crashes; F and G form epoch 2; L returns and is
        // SNAP-synced (its txn lies across an epoch); the link breaks before NEWLEADER.
        "3642" if variant >= 2 => vec![
            (Settled(40), Write(L)),
            (After(3), Partition(L, F)),
            (After(3), Partition(L, G)),
            (After(3), Write(L)),
            (After(3), Crash(L)),
            (After(3), Heal),
            (Settled(15), Write(Leader)),
            (Settled(3 + offset), Restart(L)),
            (MidSnap, Break(L, LsLeader)),
            (Settled(40), Write(Leader)),
            (Settled(40), Crash(L)),
            (After(20), Restart(L)),
            (Settled(40), Write(Leader)),
        ],
        "3642" => {
            let mut p = vec![
                (Settled(40), Crash(F)),
                (Settled(40), Write(L)),
                (Settled(20), Write(L)),
            ];
            if variant % 2 == 1 {
                p.push((Settled(20), Crash(L)));
                p.push((Settled(20), Write(Leader)));
                p.push((Settled(20), Restart(L)));
            }
            p.extend([
                (Settled(20), Restart(F)),
                (After(offset), Break(F, L)),
                (Settled(40), Write(Leader)),
                (Settled(40), Crash(F)),
                (After(20), Restart(F)),
                (Settled(40), Crash(L)),
                (Settled(40), Write(Leader)),
            ]);
            p
        }
        _ => unreachable!(),
    }
}

fn run(bug: &str, seed: u64, offset: u64, variant: u64) -> Option<String> {
    let (mut buggy, mut fixed) = sides(bug);
    buggy.seed = seed;
    fixed.seed = seed;
    let mut s = Session::new(buggy).ok()?;
    let mut roles: Option<(Sid, Sid, Sid)> = None;
    for (when, act) in plan(bug, offset, variant) {
        let since = s.position();
        loop {
            let settled = sim::testkit::established_leader(s.sim());
            let ready = match when {
                When::Settled(n) => s.position() >= since + n && settled.is_some(),
                When::After(n) => s.position() >= since + n,
                When::MidSnap => s.sim().sids().any(|x| {
                    s.sim()
                        .peer(x)
                        .and_then(|p| p.learner())
                        .is_some_and(|l| l.sync_mode == zab::leader::SyncMode::Snap)
                }),
            };
            if ready {
                if roles.is_none() {
                    let l = settled?;
                    let mut others = s.sim().sids().filter(|x| *x != l);
                    let (f, g) = (others.next()?, others.next()?);
                    roles = Some(if (variant / 4).is_multiple_of(2) {
                        (l, f, g)
                    } else {
                        (l, g, f)
                    });
                }
                break;
            }
            if !s.step() || s.position() > since + 5_000 {
                return None;
            }
        }
        let (l, f, g) = roles?;
        let who = |w: Who| match w {
            Who::L => Some(l),
            Who::F => Some(f),
            Who::G => Some(g),
            Who::Leader => sim::testkit::established_leader(s.sim()),
            Who::LsLeader => s.sim().peer(l).and_then(|p| p.learner()).map(|x| x.leader),
        };
        let action = match act {
            Act::Crash(w) => UserAction::Crash(who(w)?),
            Act::Restart(w) => UserAction::Restart(who(w)?),
            Act::Write(w) => UserAction::Write(who(w)?),
            Act::Break(a, b) => UserAction::Break {
                a: who(a)?,
                b: who(b)?,
            },
            Act::Partition(a, b) => UserAction::Partition {
                from: who(a)?,
                to: who(b)?,
                direction: sim::network::Direction::Both,
            },
            Act::Heal => UserAction::Heal,
        };
        if s.checks().violation().is_some() {
            break;
        }
        s.act(action).ok()?;
    }
    let end = s.position() + 3_000;
    while s.position() < end && s.checks().violation().is_none() {
        if !s.step() {
            break;
        }
    }
    if std::env::var("SHOW").is_ok() {
        let codes: Vec<String> = s
            .spec()
            .actions
            .iter()
            .map(|(st, a)| format!("{st}:{}", a.code()))
            .collect();
        println!(
            "seed {seed} offset {offset} variant {variant}: \"{}\"",
            codes.join(" ")
        );
    }
    let v = s.checks().violation()?.clone();
    let actions: Vec<_> = s
        .spec()
        .actions
        .iter()
        .filter(|(st, _)| *st <= v.step)
        .cloned()
        .collect();
    // The registry replays the script from its spec: it must break the same way there.
    let mut again = s.spec().clone();
    again.actions = actions.clone();
    let mut r = Session::new(again).ok()?;
    while r.position() <= v.step && r.checks().violation().is_none() {
        if !r.step() {
            break;
        }
    }
    let rv = r.checks().violation()?;
    if (rv.step, rv.what.name()) != (v.step, v.what.name()) {
        println!("  (replay differs: seed {seed} {} at {})", rv.what, rv.step);
        return None;
    }
    fixed.actions = actions.clone();
    let mut f = Session::new(fixed.clone()).ok()?;
    while f.position() < v.step + 2_000 && f.checks().violation().is_none() {
        if !f.step() {
            return None;
        }
    }
    if let Some(fv) = f.checks().violation() {
        println!("  (fixed breaks too: seed {seed} {})", fv.what);
        return None;
    }
    // 4712's fix is in 3.9.4 as well.
    if bug.starts_with("4712") {
        let mut g = Session::new(fixed.with_zk(ZkVersion::V3_9_4)).ok()?;
        while g.position() < v.step + 2_000 && g.checks().violation().is_none() {
            if !g.step() {
                return None;
            }
        }
        g.checks().violation().is_none().then_some(())?;
    }
    let codes: Vec<String> = actions
        .iter()
        .map(|(st, a)| format!("{st}:{}", a.code()))
        .collect();
    Some(format!(
        "seed {seed} offset {offset} variant {variant} step {} {} \"{}\" {}",
        v.step,
        v.what.name(),
        codes.join(" "),
        v.what
    ))
}

fn range(text: &str) -> (u64, u64) {
    let (a, b) = text.split_once("..").expect("a..b");
    (a.parse().expect("a number"), b.parse().expect("a number"))
}

/// `replay ZK SEED "ACTIONS" [2845|3642] [STEPS]`: the run, its state changes, sync packets,
/// truncations and crashes, and the first violation.
fn replay(args: &[String]) {
    let mut spec = RunSpec::new(args[3].parse().expect("seed"), 3, 0);
    spec.zk = args[2].parse().expect("version");
    match args.get(5).map(|s| s.as_str()) {
        Some("2845") => spec.bugs.zk2845_no_fast_forward = true,
        Some("3642") => spec.bugs.zk3642_snap_kept_in_memory = true,
        _ => {}
    }
    spec.actions = sim::bugs::parse_actions(&args[4]);
    let steps: u64 = args.get(6).map_or(2_000, |s| s.parse().expect("steps"));
    let mut s = Session::new(spec).expect("spec");
    use sim::trace::LogEvent;
    use zab::packet::PacketType as T;
    let mut seen = 0;
    while s.position() < steps && s.checks().violation().is_none() {
        if !s.step() {
            break;
        }
        let step = s.position();
        for e in &s.full_log()[seen..] {
            let t = e.time.0;
            match &e.event {
                LogEvent::StateChange { sid, to, .. } => println!("@{step} t={t} {sid} -> {to:?}"),
                LogEvent::Crashed { .. }
                | LogEvent::PeerStarted { .. }
                | LogEvent::Break { .. }
                | LogEvent::TruncateLog { .. }
                | LogEvent::Fsync { .. }
                | LogEvent::Deliver { .. }
                | LogEvent::PersistEpoch { .. }
                | LogEvent::TakeSnapshot { .. } => println!("@{step} t={t} {:?}", e.event),
                ev => {
                    if let Some((from, to, p)) = ev.sent_packet() {
                        if matches!(
                            p.ty,
                            T::Commit
                                | T::NewLeader
                                | T::Ack
                                | T::Diff
                                | T::Trunc
                                | T::Snap
                                | T::Proposal
                                | T::UpToDate
                        ) {
                            println!("@{step} t={t} {from}->{to} {} {}", p.ty, p.zxid.short());
                        }
                    }
                }
            }
        }
        seen = s.full_log().len();
    }
    for sid in s.sim().sids() {
        if let Some(p) = s.sim().peer(sid) {
            let db = p.database();
            let log: Vec<String> = db.log.iter().map(|t| t.zxid.short()).collect();
            let h: Vec<String> = db.history().iter().map(|z| z.short()).collect();
            println!(
                "{sid} {:?} snap {} log [{}] history [{}]",
                p.state(),
                db.snapshot.zxid.short(),
                log.join(" "),
                h.join(" ")
            );
        }
    }
    match s.checks().violation() {
        Some(v) => println!("step {} {} {}", v.step, v.what.name(), v.what),
        None => println!("no violation to {}", s.position()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "replay" {
        return replay(&args);
    }
    if args[1] == "probe" {
        // probe ZK SEED "ACTIONS" STEPS: the steps at which a learner is mid-SNAP.
        let mut spec = RunSpec::new(args[3].parse().expect("seed"), 3, 0);
        spec.zk = args[2].parse().expect("version");
        spec.actions = sim::bugs::parse_actions(&args[4]);
        let mut s = Session::new(spec).expect("spec");
        let steps: u64 = args[5].parse().expect("steps");
        while s.position() < steps && s.step() {
            for sid in s.sim().sids() {
                if let Some(l) = s.sim().peer(sid).and_then(|p| p.learner()) {
                    if l.sync_mode == zab::leader::SyncMode::Snap {
                        println!(
                            "step {} server {sid} mid-SNAP, phase {:?}",
                            s.position(),
                            l.phase
                        );
                    }
                }
            }
        }
        return;
    }
    let bug = args[1].as_str();
    let (s0, s1) = range(&args[2]);
    let (o0, o1) = range(args.get(3).map_or("0..30", |s| s.as_str()));
    let (v0, v1) = range(args.get(4).map_or("0..4", |s| s.as_str()));
    let mut best: Option<(u64, String)> = None;
    let mut found = 0;
    for seed in s0..s1 {
        for offset in o0..o1 {
            for variant in v0..v1 {
                if let Some(line) = run(bug, seed, offset, variant) {
                    println!("{line}");
                    found += 1;
                    let step: u64 = line
                        .split(" step ")
                        .nth(1)
                        .and_then(|r| r.split(' ').next())
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(u64::MAX);
                    if best.as_ref().is_none_or(|(b, _)| step < *b) {
                        best = Some((step, line));
                    }
                }
            }
        }
    }
    println!(
        "{found} found over {} runs; BEST {:?}",
        (s1 - s0) * (o1 - o0) * (v1 - v0),
        best.map(|b| b.1)
    );
}
