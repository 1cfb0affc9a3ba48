//! Random search for a short deterministic script that breaks a safety check under a buggy
//! version and survives under the fixed one (how the scripts of `sim::bugs` were found).
//!
//! cargo run --release -p sim --example bug_search -- BUGGY FIXED VOTERS SEEDS NAMES [bug1154]
//!   e.g. `3.9.3 3.9.4 5 0..2000 agreement,delivery-order`

use sim::session::{RunSpec, Session, UserAction};
use zab::{Sid, ZkVersion};

fn mix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn random_action(r: &mut u64, n: u64, kinds: &str) -> UserAction {
    let s = |r: &mut u64| Sid((mix(r) % n) as i64 + 1);
    let k = kinds.as_bytes()[(mix(r) % kinds.len() as u64) as usize];
    match k {
        b'c' => UserAction::Crash(s(r)),
        b'r' => UserAction::Restart(s(r)),
        b'w' => UserAction::Write(s(r)),
        b'p' => {
            let a = s(r);
            let mut b = s(r);
            while b == a {
                b = s(r);
            }
            UserAction::Partition {
                from: a,
                to: b,
                direction: sim::network::Direction::Both,
            }
        }
        b'h' => UserAction::Heal,
        b's' => UserAction::Pause(s(r)),
        b'u' => UserAction::Resume(s(r)),
        _ => {
            let a = s(r);
            let mut b = s(r);
            while b == a {
                b = s(r);
            }
            UserAction::Break { a, b }
        }
    }
}

/// `directed BUGGY FIXED VOTERS SEED "c1 w5 ..." [bug1154]`: each action once the running
/// servers follow one leader and `gap` steps have passed, then run until a check breaks.
fn directed(args: &[String]) {
    let buggy: ZkVersion = args[2].parse().expect("version");
    let fixed: ZkVersion = args[3].parse().expect("version");
    let voters: u32 = args[4].parse().expect("voters");
    let seed: u64 = args[5].parse().expect("seed");
    let zk1154 = args.get(7).is_some_and(|x| x == "bug1154");
    let gap: u64 = args.get(8).map_or(40, |s| s.parse().expect("a number"));
    let mut spec = RunSpec::new(seed, voters, 0).with_zk(buggy);
    spec.bugs.zk1154_diff_instead_of_trunc = zk1154;
    let mut session = Session::new(spec.clone()).expect("spec");
    for code in args[6].split(' ') {
        // `!code`: do not wait for an established leader.
        // `code@N`: exactly N steps after the previous action, without waiting.
        let (nowait, code) = match code.strip_prefix('!') {
            Some(c) => (true, c),
            None => (false, code),
        };
        let (nowait, code, gap) = match code.split_once('@') {
            Some((c, n)) => (true, c, n.parse().expect("steps")),
            None => (nowait, code, gap),
        };
        let since = session.position();
        while session.position() < since + gap
            || (!nowait && sim::testkit::established_leader(session.sim()).is_none())
        {
            if !session.step() || session.position() > since + 20_000 {
                println!("stuck before {code} at {}", session.position());
                return;
            }
        }
        if std::env::var("V").is_ok() {
            let sim = session.sim();
            let mut line = format!(
                "@{} leader {:?}:",
                session.position(),
                sim::testkit::established_leader(sim)
            );
            for sid in sim.sids() {
                if let Some(p) = sim.peer(sid) {
                    let db = p.database();
                    line += &format!(
                        " {sid}[{:?} lp={} cl={:?} h={}]",
                        p.state(),
                        db.last_processed_zxid(),
                        db.committed_log_bounds(),
                        db.history().len()
                    );
                }
            }
            println!("{line}");
        }
        if let Err(e) = session.act(UserAction::parse(code).expect("code")) {
            println!("refused {e}");
        }
    }
    let end = session.position() + 20_000;
    while session.position() < end && session.checks().violation().is_none() {
        if !session.step() {
            break;
        }
    }
    let codes: Vec<String> = session
        .spec()
        .actions
        .iter()
        .map(|(s, a)| format!("{s}:{}", a.code()))
        .collect();
    println!("[{}]", codes.join(" "));
    if std::env::var("PACKETS").is_ok() {
        for e in session.full_log() {
            if let Some((from, to, p)) = e.event.sent_packet() {
                use zab::packet::PacketType as T;
                if matches!(
                    p.ty,
                    T::Commit | T::NewLeader | T::Ack | T::Diff | T::Trunc | T::Proposal
                ) {
                    println!("  t={} {from}->{to} {} {}", e.time.0, p.ty, p.zxid.short());
                }
            }
        }
    }
    match session.checks().violation() {
        Some(v) => println!("step {} {} {}", v.step, v.what.name(), v.what),
        None => println!("no violation to {}", session.position()),
    }
    let mut f = spec.with_zk(fixed);
    f.bugs.zk1154_diff_instead_of_trunc = false;
    f.actions = session.spec().actions.clone();
    match Session::new(f) {
        Err(e) => println!("fixed refuses: {e}"),
        Ok(mut f) => {
            while f.position() < end && f.checks().violation().is_none() {
                if !f.step() {
                    break;
                }
            }
            println!(
                "fixed: {:?} at {}",
                f.checks().violation().map(|v| v.what.to_string()),
                f.position()
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "directed" {
        return directed(&args);
    }
    let buggy: ZkVersion = args[1].parse().expect("version");
    let fixed: ZkVersion = args[2].parse().expect("version");
    let voters: u32 = args[3].parse().expect("voters");
    let (a, b) = args[4].split_once("..").expect("a..b");
    let (a, b): (u64, u64) = (a.parse().expect("a seed"), b.parse().expect("a seed"));
    let names: Vec<&str> = args[5].split(',').collect();
    let zk1154 = args.get(6).is_some_and(|x| x == "bug1154");
    let kinds = args
        .get(7)
        .map_or("ccrrrwwwwwwphb", |s| s.as_str())
        .to_string();
    let max_steps: u64 = args.get(8).map_or(3000, |s| s.parse().expect("a number"));
    let mut best: Option<(u64, String)> = None;
    for seed in a..b {
        let mut r = seed ^ 0xABCD;
        let mut spec = RunSpec::new(seed, voters, 0).with_zk(buggy);
        spec.bugs.zk1154_diff_instead_of_trunc = zk1154;
        let mut session = Session::new(spec.clone()).expect("spec");
        let count = 4 + mix(&mut r) % 12;
        let mut at: Vec<u64> = (0..count).map(|_| 1 + mix(&mut r) % max_steps).collect();
        at.sort();
        let mut next = 0;
        while session.position() < max_steps && session.checks().violation().is_none() {
            if !session.step() {
                break;
            }
            while next < at.len() && at[next] <= session.position() {
                let act = random_action(&mut r, u64::from(voters), &kinds);
                let _ = session.act(act);
                next += 1;
            }
        }
        let Some(v) = session.checks().violation().cloned() else {
            continue;
        };
        if !names.contains(&v.what.name()) {
            continue;
        }
        let actions: Vec<_> = session
            .spec()
            .actions
            .iter()
            .filter(|(s, _)| *s <= v.step)
            .cloned()
            .collect();
        // The fixed version: the same actions must be accepted and nothing may break.
        let mut fspec = spec.clone().with_zk(fixed);
        fspec.bugs.zk1154_diff_instead_of_trunc = false;
        fspec.actions = actions.clone();
        let Ok(mut f) = Session::new(fspec) else {
            continue;
        };
        while f.position() < v.step + 2000 && f.checks().violation().is_none() {
            if !f.step() {
                break;
            }
        }
        if f.checks().violation().is_some() || f.position() < v.step + 2000 {
            continue;
        }
        let codes: Vec<String> = actions
            .iter()
            .map(|(s, a)| format!("{s}:{}", a.code()))
            .collect();
        let line = format!(
            "seed {seed} step {} {} [{}] {}",
            v.step,
            v.what.name(),
            codes.join(" "),
            v.what
        );
        println!("{line}");
        if best.as_ref().is_none_or(|(s, _)| v.step < *s) {
            best = Some((v.step, line));
        }
    }
    println!("BEST {:?}", best.map(|b| b.1));
}
