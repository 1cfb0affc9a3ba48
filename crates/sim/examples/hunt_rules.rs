//! Tuning the targeted modes of `sim::hunt`: the catch rate of each registered bug under a
//! few perturbation rules, buggy and fixed side.
//!
//! cargo run --release -p sim --example hunt_rules -- SEEDS [BUG] [JITTERED,JITTER,MINW,MAXW,VARY ...]
//!   e.g. `0..100 ZOOKEEPER-4646 1,3,1,2,0`

use sim::hunt::{run_with_rule, Rule, Target};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (a, b) = args[1].split_once("..").expect("A..B");
    let (a, b): (u64, u64) = (a.parse().expect("a"), b.parse().expect("b"));
    if let Some(Ok(t @ Target::Version { .. })) = args.get(2).map(|s| Target::parse(s)) {
        // A version target: its hits.
        let mut hits = 0;
        for seed in a..b {
            let o = sim::hunt::run(&t, seed);
            if let Some(v) = &o.violation {
                hits += 1;
                println!("seed {seed} {} at {}: {}", v.check, v.step, v.summary);
            }
        }
        println!("{}: {hits} of {} seeds broke a check", t.name(), b - a);
        return;
    }
    let bugs: Vec<_> = match args.get(2).filter(|s| s.as_str() != "all") {
        Some(id) => vec![sim::bugs::by_id(id).expect("a registered bug")],
        None => sim::bugs::BUGS.iter().collect(),
    };
    let mut rules: Vec<Option<Rule>> = args[3.min(args.len())..]
        .iter()
        .map(|r| {
            let v: Vec<u64> = r.split(',').map(|x| x.parse().expect("n")).collect();
            Some(Rule {
                jittered: v[0] as u32,
                jitter: v[1],
                extra_writes: (v[2] as u32, v[3] as u32),
                vary_seed: v[4] != 0,
            })
        })
        .collect();
    if rules.is_empty() {
        rules.push(None);
    }
    for bug in bugs {
        for rule in &rules {
            let mut line = format!(
                "{} {:?}:",
                bug.id,
                rule.map(|r| (r.jittered, r.jitter, r.extra_writes, r.vary_seed))
            );
            for fixed in [false, true] {
                let t = Target::Bug { bug, fixed };
                let (mut caught, mut other, mut distinct) =
                    (0, 0, std::collections::BTreeSet::new());
                for seed in a..b {
                    let o = run_with_rule(&t, seed, *rule);
                    distinct.insert(sim::trace_file::encode_actions(&o.spec.actions));
                    if o.caught(&t) {
                        caught += 1;
                    } else if let Some(v) = &o.violation {
                        other += 1;
                        if fixed || std::env::var("V").is_ok() {
                            eprintln!("  seed {seed} {} {} at {}", t.name(), v.check, v.step);
                        }
                    }
                }
                line += &format!(
                    "  {}: caught {caught}/{} other {other} distinct {}",
                    if fixed { "fixed" } else { "buggy" },
                    b - a,
                    distinct.len()
                );
            }
            println!("{line}");
        }
    }
}
