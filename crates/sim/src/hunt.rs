//! Bug hunts over link-expressible runs: each seed of a hunt is a [`RunSpec`] (seed, shape,
//! release, step-indexed [`UserAction`]s) run in a [`Session`] with its live checks, so any
//! hit opens in the app as a link (`?seed=…&voters=…&zk=…&f=…&pos=…`, [`link_query`]).
//!
//! Two kinds of target:
//!
//! - **A registered bug** ([`crate::bugs`]), the targeted mode: its shape and its release (or
//!   the fixed one), its script perturbed per seed so that the bug's precondition stays
//!   likely while most seeds run different actions (the rule is [`Rule`], per bug
//!   [`rule`]). The catch rate is the share of seeds whose run breaks the bug's check.
//! - **A release and a shape** (`3.8:3`): random fault scripts (crash, restart, write,
//!   partition, heal, pause, resume, break) at random steps, a general sweep whose hits are
//!   links too (the swarm, [`crate::swarm`], runs faults by time and cannot be opened as one).
//!
//! Everything is a function of (target, seed): no wall clock, no threads, no files, so the
//! module runs in the browser (a Web Worker sweeping seeds) as it does in `zabsim hunt`.

use crate::bugs::Bug;
use crate::network::Direction;
use crate::session::{RunSpec, Session, UserAction};
use zab::{Sid, ZkVersion};

/// A version target runs at most this many steps (events).
pub const MAX_STEPS: u64 = 4_000;
/// A bug target runs at most this many steps past the bug's registered step: the perturbed
/// script may reach the failure later than the registered one does.
pub const BUG_SLACK_STEPS: u64 = 2_000;

/// What a hunt searches.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// A registered bug's targeted mode, under its affected release (`fixed: false`) or its
    /// fixed one.
    Bug { bug: &'static Bug, fixed: bool },
    /// Random fault scripts under a release and a shape.
    Version { zk: ZkVersion, voters: u32 },
}

/// Bugs are the same when their JIRA ids are (the registry's ids are unique).
impl PartialEq for Target {
    fn eq(&self, other: &Target) -> bool {
        match (self, other) {
            (Target::Bug { bug: a, fixed: x }, Target::Bug { bug: b, fixed: y }) => {
                a.id == b.id && x == y
            }
            (Target::Version { zk: a, voters: x }, Target::Version { zk: b, voters: y }) => {
                a == b && x == y
            }
            _ => false,
        }
    }
}

impl Eq for Target {}

/// The shapes a version target accepts (what the app draws).
pub const VOTERS: core::ops::RangeInclusive<u32> = 1..=9;

impl Target {
    /// `"ZOOKEEPER-4646"` (or `"4646"`), `"ZOOKEEPER-4646:fixed"`, `"3.8:3"` (release:voters).
    /// The error names the part that is wrong and what is accepted.
    pub fn parse(text: &str) -> Result<Target, String> {
        let text = text.trim();
        let (head, tail) = match text.split_once(':') {
            Some((h, t)) => (h.trim(), Some(t.trim())),
            None => (text, None),
        };
        if head.is_empty() {
            return Err(format!(
                "{text:?}: expected a bug (ZOOKEEPER-4646, ZOOKEEPER-4646:fixed) or a \
                 release:voters (3.8:3)"
            ));
        }
        let bug_like = head.to_ascii_uppercase().starts_with("ZOOKEEPER-")
            || head.chars().all(|c| c.is_ascii_digit());
        if bug_like {
            let bug = crate::bugs::by_id(head).ok_or_else(|| {
                let ids: Vec<&str> = crate::bugs::BUGS.iter().map(|b| b.id).collect();
                format!(
                    "bug {head:?} is not registered; the registered ones: {}",
                    ids.join(", ")
                )
            })?;
            let fixed = match tail {
                None => false,
                Some(t) if t.eq_ignore_ascii_case("fixed") => true,
                Some(t) if t.eq_ignore_ascii_case("buggy") => false,
                Some(t) => {
                    return Err(format!(
                        "{t:?} after {}: expected `fixed` (or `buggy`, the default)",
                        bug.id
                    ))
                }
            };
            return Ok(Target::Bug { bug, fixed });
        }
        let zk: ZkVersion = head.parse().map_err(|_| {
            let names: Vec<&str> = ZkVersion::ALL.iter().map(|v| v.name()).collect();
            format!(
                "release {head:?} is not known; the releases: {} (or a bug, ZOOKEEPER-NNNN)",
                names.join(", ")
            )
        })?;
        let voters = match tail {
            None => 3,
            Some(t) => t
                .parse::<u32>()
                .ok()
                .filter(|v| VOTERS.contains(v))
                .ok_or_else(|| {
                    format!(
                        "voters {t:?} after {}: expected a number in {}..={}",
                        zk.name(),
                        VOTERS.start(),
                        VOTERS.end()
                    )
                })?,
        };
        Ok(Target::Version { zk, voters })
    }

    /// The canonical text [`Target::parse`] reads back: `ZOOKEEPER-4646`,
    /// `ZOOKEEPER-4646:fixed`, `3.8:3`.
    pub fn name(&self) -> String {
        match self {
            Target::Bug { bug, fixed: false } => bug.id.to_string(),
            Target::Bug { bug, fixed: true } => format!("{}:fixed", bug.id),
            Target::Version { zk, voters } => format!("{}:{voters}", zk.name()),
        }
    }

    /// The check whose firing counts as a catch: the bug's invariant, or any for a version.
    pub fn expected_check(&self) -> Option<&'static str> {
        match self {
            Target::Bug { bug, .. } => Some(bug.invariant),
            Target::Version { .. } => None,
        }
    }

    /// The step bound of one run.
    pub fn max_steps(&self) -> u64 {
        match self {
            Target::Bug { bug, .. } => bug.step + BUG_SLACK_STEPS,
            Target::Version { .. } => MAX_STEPS,
        }
    }
}

/// What broke, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The step of the violation: a session of the outcome's spec seeked here shows it.
    pub step: u64,
    /// `InvariantViolation::name()`, as the bug registry's `invariant`.
    pub check: String,
    /// The violation in a sentence.
    pub summary: String,
}

/// One seed of a hunt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub seed: u64,
    /// The run: open it as a link ([`link_query`]) or with `Session::new`.
    pub spec: RunSpec,
    /// How many steps ran (to the violation, or to the bound).
    pub steps: u64,
    pub violation: Option<Found>,
}

impl Outcome {
    /// Whether this seed caught what the target hunts: the bug's check (any other
    /// violation is a finding, not a catch), or for a version target any violation.
    pub fn caught(&self, target: &Target) -> bool {
        match (&self.violation, target.expected_check()) {
            (Some(f), Some(check)) => f.check == check,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The link's query string that opens this run at the violation (or at its last step);
    /// `None` when the spec has switches no registered bug has (a checker self-test).
    pub fn link_query(&self) -> Option<String> {
        link_query(
            &self.spec,
            self.violation.as_ref().map_or(self.steps, |v| v.step),
        )
    }
}

/// The query string (without `?`) of the app's link to `spec` at position `pos`, in the order
/// the app writes its links: `seed=7&voters=3&observers=0&zk=3.8&f=21:c1,24:w3&pos=615`.
/// A registered bug's switches are `bug=ZOOKEEPER-NNNN`, after `zk`. `None` when the spec
/// has a scenario, or switches no registered bug has (a checker self-test).
pub fn link_query(spec: &RunSpec, pos: u64) -> Option<String> {
    let bug = crate::bugs::by_switches(&spec.bugs);
    if spec.scenario.is_some() || (spec.bugs.any() && bug.is_none()) {
        return None;
    }
    let mut q = format!(
        "seed={}&voters={}&observers={}&zk={}",
        spec.seed,
        spec.voters,
        spec.observers,
        spec.zk.name()
    );
    if let Some(b) = bug {
        q += &format!("&bug={}", b.id);
    }
    if !spec.actions.is_empty() {
        // `+` (in `l17+500`) would decode as a space.
        q += &format!(
            "&f={}",
            crate::trace_file::encode_actions(&spec.actions).replace('+', "%2B")
        );
    }
    q += &format!("&pos={pos}");
    Some(q)
}

/// How a bug's targeted mode perturbs its registered script, per seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// This many of the script's actions (drawn per seed) move by a uniform draw in
    /// `-jitter..=jitter` steps (the order of the actions is kept: an action never moves
    /// before the one before it).
    pub jittered: u32,
    pub jitter: u64,
    /// `min..=max` extra client writes, each at a random voter and a random step before the
    /// script's first action (every registered bug needs writes; early ones vary the history
    /// the bug's sequence starts from without breaking its precondition, mostly).
    pub extra_writes: (u32, u32),
    /// Run under a seed drawn from the hunt's seed rather than the bug's own: other latencies,
    /// another election. Off where the script depends on the bug seed's timing.
    pub vary_seed: bool,
}

/// The generic rule, for any registered bug without an entry in [`rule`].
pub const GENERIC_RULE: Rule = Rule {
    jittered: 1,
    jitter: 4,
    extra_writes: (1, 2),
    vary_seed: false,
};

/// The rule of a bug's targeted mode (documented in BENCHMARKS.md with its catch rate).
pub fn rule(bug: &Bug) -> Rule {
    let _ = bug;
    GENERIC_RULE
}

/// splitmix64: a small, fast, deterministic generator for the hunt's own draws (the run's
/// randomness is the simulation's, from the spec's seed).
#[derive(Clone, Debug)]
struct Draw(u64);

impl Draw {
    fn new(key: &str, seed: u64) -> Draw {
        // FNV-1a of the key, so each target draws its own sequence per seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Draw(h ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi` (modulo bias is negligible for these small ranges).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next() % (hi - lo + 1)
    }
}

/// What a plan does at a step.
#[derive(Clone, Debug)]
enum Candidate {
    /// This action; the run leaves it out if the state refuses it there.
    Fixed(UserAction),
    /// An action of this kind (a code letter), its server(s) picked by `pick` among those the
    /// state allows when the run gets there ([`resolve`]).
    Drawn { kind: u8, pick: u64 },
}

/// Candidates at steps, in step order.
type Plan = Vec<(u64, Candidate)>;

/// The bug's script perturbed by `rule` for `seed`, and the run's seed.
fn bug_plan(bug: &Bug, seed: u64, rule: Rule) -> (u64, Plan) {
    // The key is the bug's id, not `fixed`: both sides of a seed run the same plan.
    let mut d = Draw::new(bug.id, seed);
    let base = bug.spec(false);
    let run_seed = if rule.vary_seed {
        d.range(0, crate::session::MAX_SEED)
    } else {
        base.seed
    };
    let mut plan: Plan = Vec::with_capacity(base.actions.len() + rule.extra_writes.1 as usize);
    let n = base.actions.len() as u64;
    let moving: Vec<usize> = (0..rule.jittered)
        .filter(|_| n > 0)
        .map(|_| d.range(0, n - 1) as usize)
        .collect();
    let mut previous = 0;
    for (i, (step, action)) in base.actions.iter().enumerate() {
        let moved = if moving.contains(&i) {
            (step + d.range(0, 2 * rule.jitter)).saturating_sub(rule.jitter)
        } else {
            *step
        };
        let at = moved.max(previous).max(1);
        plan.push((at, Candidate::Fixed(action.clone())));
        previous = at;
    }
    // Before the script's first action: the history the bug's sequence starts from differs
    // (writes spread over the whole script broke the precondition in half the seeds).
    let span = (1, base.actions.first().map_or(1, |(s, _)| *s));
    let writes = d.range(
        u64::from(rule.extra_writes.0),
        u64::from(rule.extra_writes.1),
    );
    for _ in 0..writes {
        let at = d.range(span.0, span.1);
        let sid = Sid(d.range(1, u64::from(bug.voters())) as i64);
        // After the actions at the same step: a stable insertion keeps the script's order.
        let i = plan.partition_point(|(s, _)| *s <= at);
        plan.insert(i, (at, Candidate::Fixed(UserAction::Write(sid))));
    }
    (run_seed, plan)
}

/// The kinds a version target draws from, each as likely as it is frequent here.
const VERSION_KINDS: &[u8] = b"ccrrwwwwpphsubb";

/// A random fault script for a version target: 3..=16 draws at steps in 1..=3/4 of
/// [`MAX_STEPS`], each a kind and a number that picks its server(s) when the run gets there.
fn version_plan(key: &str, seed: u64) -> Plan {
    let mut d = Draw::new(key, seed);
    let count = d.range(3, 16);
    let mut steps: Vec<u64> = (0..count).map(|_| d.range(1, MAX_STEPS * 3 / 4)).collect();
    steps.sort_unstable();
    steps
        .into_iter()
        .map(|at| {
            let kind = VERSION_KINDS[d.range(0, VERSION_KINDS.len() as u64 - 1) as usize];
            (
                at,
                Candidate::Drawn {
                    kind,
                    pick: d.next(),
                },
            )
        })
        .collect()
}

/// A drawn kind made an action against the state the run is in: a crash or pause picks a
/// running server, a restart a server that is down, a resume a paused one, a partition a pair
/// not yet cut, a heal needs a cut, a break a live connection. When the state offers none
/// (nothing is down to restart), a write at a picked server instead.
fn resolve(kind: u8, pick: u64, sim: &crate::Simulation) -> UserAction {
    use crate::ServerStatus::Running;
    let sids: Vec<Sid> = sim.sids().collect();
    let choose =
        |from: Vec<Sid>| (!from.is_empty()).then(|| from[(pick % from.len() as u64) as usize]);
    let up = |s: &Sid| sim.status(*s) == Some(Running) && !sim.is_paused(*s);
    let drawn = match kind {
        b'c' => choose(sids.iter().copied().filter(up).collect()).map(UserAction::Crash),
        b's' => choose(sids.iter().copied().filter(up).collect()).map(UserAction::Pause),
        b'r' => choose(
            sids.iter()
                .copied()
                .filter(|s| sim.status(*s) != Some(Running) && !sim.is_paused(*s))
                .collect(),
        )
        .map(UserAction::Restart),
        b'u' => choose(sids.iter().copied().filter(|s| sim.is_paused(*s)).collect())
            .map(UserAction::Resume),
        b'p' => {
            // The high bit picks the direction; the rest, the pair.
            let direction = if pick >> 63 == 1 {
                Direction::OneWay
            } else {
                Direction::Both
            };
            let net = sim.network();
            let pairs: Vec<(Sid, Sid)> = sids
                .iter()
                .flat_map(|a| sids.iter().map(move |b| (*a, *b)))
                .filter(|(a, b)| {
                    a != b
                        && !(net.is_blocked(*a, *b)
                            && (direction == Direction::OneWay || net.is_blocked(*b, *a)))
                })
                .collect();
            (!pairs.is_empty()).then(|| {
                let (from, to) = pairs[((pick & (u64::MAX >> 1)) % pairs.len() as u64) as usize];
                UserAction::Partition {
                    from,
                    to,
                    direction,
                }
            })
        }
        b'h' => sim
            .network()
            .blocked()
            .next()
            .is_some()
            .then_some(UserAction::Heal),
        b'b' => {
            let conns: Vec<(Sid, Sid)> = sim
                .connections()
                .map(|c| (c.initiator, c.acceptor))
                .filter(|(a, b)| a != b)
                .collect();
            (!conns.is_empty()).then(|| {
                let (a, b) = conns[(pick % conns.len() as u64) as usize];
                UserAction::Break { a, b }
            })
        }
        _ => None,
    };
    drawn.unwrap_or_else(|| UserAction::Write(sids[(pick % sids.len() as u64) as usize]))
}

/// The spec (shape, release, seed) and the candidate actions of (target, seed).
fn plan(target: &Target, seed: u64, bug_rule: Option<Rule>) -> (RunSpec, Plan) {
    match target {
        Target::Bug { bug, fixed } => {
            let (run_seed, plan) = bug_plan(bug, seed, bug_rule.unwrap_or_else(|| rule(bug)));
            let mut spec = bug.spec(*fixed);
            spec.seed = run_seed;
            spec.actions.clear();
            (spec, plan)
        }
        Target::Version { zk, voters } => {
            let spec = RunSpec::new(seed, *voters, 0).with_zk(*zk);
            (spec, version_plan(&target.name(), seed))
        }
    }
}

/// Run (target, seed): the candidate actions are taken at their steps where the state accepts
/// them (an action the state refuses there, such as restarting a running server, is left
/// out), with the live checks after every step, until a violation or the target's bound.
pub fn run(target: &Target, seed: u64) -> Outcome {
    run_with_rule(target, seed, None)
}

/// [`run`] with another perturbation rule for a bug target (how the rules were tuned:
/// `cargo run --release -p sim --example hunt_rules`); `None` is the bug's own [`rule`].
pub fn run_with_rule(target: &Target, seed: u64, bug_rule: Option<Rule>) -> Outcome {
    let (spec, plan) = plan(target, seed, bug_rule);
    let bound = target.max_steps();
    let mut session = Session::new(spec).expect("a target's spec has no actions to refuse");
    let mut next = 0;
    loop {
        while next < plan.len() && plan[next].0 <= session.position() {
            if session.checks().violation().is_none() {
                let action = match &plan[next].1 {
                    Candidate::Fixed(a) => a.clone(),
                    Candidate::Drawn { kind, pick } => resolve(*kind, *pick, session.sim()),
                };
                // Refused: it would change nothing or contradicts the state; left out.
                let _ = session.act(action);
            }
            next += 1;
        }
        if session.checks().violation().is_some() || session.position() >= bound {
            break;
        }
        if !session.step() {
            break;
        }
    }
    let violation = session.checks().violation().map(|v| Found {
        step: v.step,
        check: v.what.name().to_string(),
        summary: v.what.to_string(),
    });
    Outcome {
        seed,
        steps: session.position(),
        spec: session.spec().clone(),
        violation,
    }
}

/// The run of (target, seed): deterministic in both. It is the spec [`run`] ends with (the
/// candidate actions the state accepted), so computing it costs a run.
pub fn spec(target: &Target, seed: u64) -> RunSpec {
    run(target, seed).spec
}

/// What a hunt found over some seeds (one shard's, or merged; `zabsim hunt --json` writes it).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    pub seeds: u64,
    pub caught: u64,
    /// Seeds with a violation that is not the one hunted (bug targets only).
    pub other: u64,
    pub steps: u64,
}

impl Tally {
    pub fn add(&mut self, target: &Target, o: &Outcome) {
        self.seeds += 1;
        self.steps += o.steps;
        if o.caught(target) {
            self.caught += 1;
        } else if o.violation.is_some() {
            self.other += 1;
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.seeds += other.seeds;
        self.caught += other.caught;
        self.other += other.other;
        self.steps += other.steps;
    }

    /// The catch rate in tenths of a percent (0 for no seeds), rounded down.
    pub fn per_mille(&self) -> u64 {
        (self.caught * 1000).checked_div(self.seeds).unwrap_or(0)
    }

    /// Seeds that broke a check, hunted or not.
    pub fn hits(&self) -> u64 {
        self.caught + self.other
    }
}
