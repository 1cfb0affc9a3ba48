//! `zabsim`: run, sweep and benchmark the simulator from a terminal.
//!
//! ```text
//! zabsim run --seed 1 --voters 3 [--observers 0] [--scenario NAME] [--zk 3.8] [--until-ms T]
//!            [--pause SID@MS]... [--resume SID@MS]... [--trace F] [--client SID@MS]...
//! zabsim sweep --seeds 0..10000 [--no-faults] [--zk 3.8] [--bug zk1154|zk4646] [--self-test NAME] [--clients]
//!              [--jobs N] [--shard I/N] [--json]
//! zabsim hunt TARGET --seeds 0..1000 [--jobs N] [--shard I/N] [--stop-at-first] [--each] [--json]
//! zabsim merge FILE...
//! zabsim bugs [run ZOOKEEPER-NNNN [--fixed]]
//! zabsim bench
//! ```

mod report;

fn main() -> std::process::ExitCode {
    cli::main()
}

mod cli {
    use crate::report::{self, Report, Shard};
    use clap::{Parser, Subcommand, ValueEnum};
    use indicatif::{ProgressBar, ProgressStyle};
    use sim::scenario::Scenario;
    use sim::session::{RunSpec, Session, UserAction, MAX_SEED};
    use sim::swarm::{sweep_flags, SweepConfig};
    use sim::trace::LogEvent;
    use sim::trace_file::write_trace;
    use sim::{SimOptions, Simulation};
    use std::io::Write;
    use std::process::ExitCode;
    use std::time::Instant;
    use zab::config::BugSwitches;
    use zab::peer::ThreadId;
    use zab::zk_version::UnknownZkVersion;
    use zab::ZkVersion;
    use zab::{Sid, Time};

    #[derive(Parser)]
    #[command(
        name = "zabsim",
        version,
        about = "ZooKeeper's quorum protocol in a deterministic simulator"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Run one seed and print its timeline in ZooKeeper's words.
        Run {
            /// 0..=2^53−1, the seeds a link carries (a JavaScript number holds them exactly).
            #[arg(long, value_parser = clap::value_parser!(u64).range(0..=MAX_SEED))]
            seed: u64,
            #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=9))]
            voters: u32,
            #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=4))]
            observers: u32,
            /// A named scenario (its shape overrides --voters/--observers).
            #[arg(long)]
            scenario: Option<String>,
            /// The ZooKeeper release the servers follow.
            #[arg(long, default_value_t = ZkVersion::default(), value_parser = parse_zk,
                  help = zk_help())]
            zk: ZkVersion,
            #[arg(long, default_value_t = 5_000)]
            until_ms: u64,
            /// Stop server SID's process at MS ms (SIGSTOP, a GC pause; docs/protocol.md
            /// §11.5): after the last event at or before MS, where the trace records it.
            /// Repeatable.
            #[arg(long, value_name = "SID@MS", value_parser = parse_at)]
            pause: Vec<(Sid, u64)>,
            /// Let server SID's process go on at MS ms. Repeatable.
            #[arg(long, value_name = "SID@MS", value_parser = parse_at)]
            resume: Vec<(Sid, u64)>,
            /// Write the event log as JSON lines to this file.
            #[arg(long)]
            trace: Option<std::path::PathBuf>,
            /// Also print election notifications, deliveries, timers and PINGs.
            #[arg(long)]
            verbose: bool,
            /// Add a client of server SID at MS ms (repeatable): it creates a session and an
            /// ephemeral /client-N, pings, and reconnects to the next server on connection
            /// loss (e.g. --client 1@3000).
            #[arg(long, value_parser = parse_client)]
            client: Vec<(u64, i64)>,
        },
        /// Run a range of seeds with faults and every invariant checker.
        Sweep {
            /// A range A..B (B exclusive).
            #[arg(long, value_parser = parse_range)]
            seeds: (u64, u64),
            /// No crashes, partitions or breaks: startup and workload only.
            #[arg(long)]
            no_faults: bool,
            /// The ZooKeeper release the servers follow.
            #[arg(long, value_parser = parse_zk, help = zk_help())]
            zk: Option<ZkVersion>,
            /// Switch a historical ZooKeeper bug back on.
            #[arg(long, value_enum)]
            bug: Vec<Bug>,
            /// Break the protocol in a way no ZooKeeper release did, to prove a checker
            /// catches it (a checker self-test, not a ZooKeeper bug).
            #[arg(long, value_enum)]
            self_test: Vec<SelfTest>,
            /// Add clients with sessions and ephemeral znodes to every seed.
            #[arg(long)]
            clients: bool,
            #[command(flatten)]
            par: Parallel,
        },
        /// Hunt over link-expressible runs (sim::hunt): a registered bug's targeted mode
        /// (ZOOKEEPER-4646, ZOOKEEPER-4646:fixed) or random fault scripts under a release
        /// and shape (3.8:3). Each hit prints its app link and a replay command. Exit 1 when
        /// a seed broke a check, 0 when none did, 2 for a bad target.
        Hunt {
            /// ZOOKEEPER-NNNN[:fixed] or RELEASE:VOTERS.
            target: String,
            /// A range A..B (B exclusive).
            #[arg(long, value_parser = parse_range)]
            seeds: (u64, u64),
            /// Stop at the lowest seed that breaks a check (the summary covers the seeds up
            /// to it).
            #[arg(long)]
            stop_at_first: bool,
            /// One line per seed.
            #[arg(long)]
            each: bool,
            #[command(flatten)]
            par: Parallel,
        },
        /// Merge the --json reports of a sweep's or a hunt's shards (every shard once) into
        /// the summary the unsharded run prints (--json: its report). Exit as that run would
        /// (1 when a seed failed), 2 when the files do not merge.
        Merge {
            files: Vec<std::path::PathBuf>,
            #[arg(long)]
            json: bool,
        },
        /// Real ZooKeeper bugs as deterministic replays: one line each (id, versions affected,
        /// the check that fires); `bugs run ZOOKEEPER-NNNN [--fixed]` replays one.
        Bugs {
            #[command(subcommand)]
            action: Option<BugsAction>,
        },
        /// Simulated events per second and 5-voter startups per second, one core.
        Bench {
            #[arg(long, default_value_t = 3)]
            seconds: u64,
        },
    }

    /// How a sweep or hunt splits its seeds.
    #[derive(clap::Args)]
    struct Parallel {
        /// Threads (default: the cores available). The output does not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
        jobs: Option<u64>,
        /// Run only the seeds s of the range with s mod N == I (merge the shards' --json
        /// reports with `zabsim merge`).
        #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
        shard: Option<Shard>,
        /// Print the report as JSON (what `zabsim merge` reads) instead of the summary.
        #[arg(long)]
        json: bool,
    }

    impl Parallel {
        fn jobs(&self) -> usize {
            self.jobs.map_or_else(report::default_jobs, |j| j as usize)
        }
        fn shard(&self) -> Shard {
            self.shard.unwrap_or(Shard::WHOLE)
        }
    }

    #[derive(Subcommand)]
    enum BugsAction {
        /// Replay one bug: exit 1 with the violation under the affected version, exit 0 when
        /// the fixed version (`--fixed`) survives the same script.
        Run {
            /// ZOOKEEPER-NNNN (or NNNN).
            id: String,
            #[arg(long)]
            fixed: bool,
        },
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Bug {
        /// ZOOKEEPER-4646: ACK NEWLEADER before the synced txns are durable (another name
        /// for --zk 3.8, the releases that have it).
        Zk4646,
        /// ZOOKEEPER-1154: DIFF instead of TRUNC to a learner that is ahead.
        Zk1154,
    }

    /// Checker self-tests: invented faults in the protocol, no JIRA, kept out of `bugs`.
    #[derive(Clone, Copy, ValueEnum)]
    enum SelfTest {
        /// The leader leaves discovery without a quorum (getEpochToPropose and
        /// waitForEpochAck return at once); one-leader-per-epoch must fire.
        DiscoveryWithoutQuorum,
        /// The learner writes currentEpoch before acceptedEpoch at LEADERINFO, which no
        /// release does; epoch-monotonic must fire.
        EpochFilesOutOfOrder,
    }

    /// `--zk`: a profile name or a release it covers; the error lists the valid values.
    fn parse_zk(s: &str) -> Result<ZkVersion, String> {
        s.parse::<ZkVersion>().map_err(|e| e.to_string())
    }

    fn zk_help() -> String {
        format!(
            "The ZooKeeper release the servers follow: {}",
            UnknownZkVersion::valid_values()
        )
    }

    /// `--client SID@MS` (`SID` alone: at 0 ms): (MS, SID).
    fn parse_client(s: &str) -> Result<(u64, i64), String> {
        let at = if s.contains('@') {
            s.to_string()
        } else {
            format!("{s}@0")
        };
        let (sid, ms) = parse_at(&at)?;
        Ok((ms, sid.0))
    }

    /// `--pause` / `--resume`: `SID@MS`, e.g. `3@3000`.
    fn parse_at(s: &str) -> Result<(Sid, u64), String> {
        let (sid, ms) = s
            .split_once('@')
            .ok_or_else(|| format!("expected SID@MS, e.g. 3@3000, not {s:?}"))?;
        let sid: i64 = sid
            .parse()
            .map_err(|_| format!("{sid:?} is not a server id"))?;
        let ms: u64 = ms
            .parse()
            .map_err(|_| format!("{ms:?} is not a time in ms"))?;
        Ok((Sid(sid), ms))
    }

    fn parse_range(s: &str) -> Result<(u64, u64), String> {
        let (a, b) = s.split_once("..").ok_or("expected A..B, e.g. 0..1000")?;
        let a: u64 = a.parse().map_err(|_| format!("{a:?} is not a number"))?;
        let b: u64 = b.parse().map_err(|_| format!("{b:?} is not a number"))?;
        if a >= b {
            return Err(format!("empty range {a}..{b}"));
        }
        // The last seed of the range is b − 1: every seed a sweep reports must open as a link.
        if b - 1 > MAX_SEED {
            return Err(format!(
                "seeds go up to {MAX_SEED} (2^53 − 1, what a link carries); this range ends at {}",
                b - 1
            ));
        }
        Ok((a, b))
    }

    pub fn main() -> ExitCode {
        match Cli::parse().command {
            Command::Run {
                seed,
                voters,
                observers,
                scenario,
                zk,
                until_ms,
                pause,
                resume,
                trace,
                verbose,
                client,
            } => {
                // In time order; at the same time, in the order given: pauses, resumes, then
                // clients. Each is a step-indexed action, so the trace records and replays it.
                let mut faults: Vec<(u64, UserAction)> = pause
                    .into_iter()
                    .map(|(sid, ms)| (ms, UserAction::Pause(sid)))
                    .chain(
                        resume
                            .into_iter()
                            .map(|(sid, ms)| (ms, UserAction::Resume(sid))),
                    )
                    .chain(
                        client
                            .into_iter()
                            .map(|(ms, sid)| (ms, UserAction::Connect(Sid(sid)))),
                    )
                    .collect();
                faults.sort_by_key(|(ms, _)| *ms);
                run(
                    seed, voters, observers, scenario, zk, until_ms, &faults, trace, verbose,
                )
            }
            Command::Sweep {
                seeds,
                no_faults,
                zk,
                bug,
                self_test,
                clients,
                par,
            } => sweep(seeds, no_faults, zk, &bug, &self_test, clients, &par),
            Command::Hunt {
                target,
                seeds,
                stop_at_first,
                each,
                par,
            } => hunt(&target, seeds, stop_at_first, each, &par),
            Command::Merge { files, json } => merge(&files, json),
            Command::Bugs { action: None } => {
                list_bugs(&mut std::io::stdout());
                ExitCode::SUCCESS
            }
            Command::Bugs {
                action: Some(BugsAction::Run { id, fixed }),
            } => run_bug(&id, fixed),
            Command::Bench { seconds } => bench(seconds),
        }
    }

    fn list_bugs(out: &mut impl Write) {
        for b in sim::bugs::BUGS {
            let _ = writeln!(
                out,
                "{}  affected: {} ({})  fixed: {}  invariant: {}",
                b.id,
                b.affected_text(),
                b.releases,
                b.fixed,
                b.invariant
            );
        }
    }

    /// `zabsim bugs run ID [--fixed]`: 1 when a check breaks, 0 when none does, 2 for an
    /// unknown id.
    fn run_bug(id: &str, fixed: bool) -> ExitCode {
        let Some(bug) = sim::bugs::by_id(id) else {
            eprintln!("{id:?} is not a registered bug; the registered ones:");
            list_bugs(&mut std::io::stderr());
            return ExitCode::from(2);
        };
        let spec = bug.spec(fixed);
        let zk = spec.zk;
        println!("{}: {}", bug.id, bug.title);
        println!("{}", bug.caption);
        println!(
            "seed {}, {} voters, zk {}{}, actions {}",
            bug.seed(),
            bug.voters(),
            zk,
            if fixed { "" } else { " (affected)" },
            bug.actions()
        );
        let mut session = match Session::new(spec) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("the script is refused: {e}");
                return ExitCode::from(2);
            }
        };
        let until = bug.step + 2_000;
        while session.checks().violation().is_none() && session.position() < until {
            if !session.step() {
                break;
            }
        }
        match session.checks().violation() {
            Some(v) => {
                println!(
                    "violation at step {}, {} ms: {} — {}",
                    v.step,
                    v.time.0,
                    v.what.name(),
                    v.what
                );
                ExitCode::from(1)
            }
            None => {
                println!(
                    "{} survived: no check broke in {} steps ({})",
                    zk,
                    session.position(),
                    bug.url
                );
                ExitCode::SUCCESS
            }
        }
    }

    fn quiet(e: &LogEvent) -> bool {
        use zab::message::Message;
        match e {
            LogEvent::Send(s) => match &s.message {
                Message::Quorum(p) => p.ty == zab::packet::PacketType::Ping,
                _ => true,
            },
            LogEvent::Deliver { .. }
            | LogEvent::Timer { .. }
            | LogEvent::Accept { .. }
            | LogEvent::Connect { .. }
            | LogEvent::Connected { .. }
            | LogEvent::Close { .. } => true,
            LogEvent::Thread { view, .. } => {
                matches!(
                    view.thread,
                    ThreadId::FastLeaderElection | ThreadId::SyncThread
                )
            }
            LogEvent::ThreadEnded { thread, .. } => {
                matches!(thread, ThreadId::FastLeaderElection | ThreadId::SyncThread)
            }
            _ => false,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        seed: u64,
        voters: u32,
        observers: u32,
        scenario: Option<String>,
        zk: ZkVersion,
        until_ms: u64,
        faults: &[(u64, UserAction)],
        trace: Option<std::path::PathBuf>,
        verbose: bool,
    ) -> ExitCode {
        let spec = match scenario {
            Some(name) => match Scenario::by_name(&name) {
                Some(s) => RunSpec::with_scenario(seed, s),
                None => {
                    eprintln!("error: unknown scenario {name:?}; valid scenarios:");
                    for s in Scenario::ALL {
                        eprintln!("  {:<26} {}", s.name(), s.caption());
                    }
                    return ExitCode::from(2);
                }
            },
            None => RunSpec::new(seed, voters, observers),
        }
        .with_zk(zk);
        eprintln!("ZooKeeper {} ({})", zk.name(), zk.releases());
        let mut session = match Session::new(spec) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        // Each fault is applied where the run stands at its time, so the trace records it at
        // that step (and replays it).
        for (ms, action) in faults {
            if *ms > until_ms {
                eprintln!(
                    "error: `{}` at {ms} ms comes after --until-ms {until_ms}",
                    action.code()
                );
                return ExitCode::from(2);
            }
            session.run_until(Time(*ms));
            if let Err(e) = session.act(action.clone()) {
                eprintln!("error: at {ms} ms: {e}");
                return ExitCode::from(2);
            }
            eprintln!(
                "{} at step {} (t={} ms, the last event at or before {ms} ms)",
                describe::user_action(action),
                session.position(),
                session.sim().now().0
            );
        }
        session.run_until(Time(until_ms));
        let mut stdout = std::io::stdout().lock();
        for e in session.log() {
            if verbose || !quiet(&e.event) {
                let _ = writeln!(stdout, "{:>8} ms  {}", e.time.0, describe::event(&e.event));
            }
        }
        if let Some(path) = trace {
            if let Err(err) = std::fs::write(&path, write_trace(&session)) {
                eprintln!("error: cannot write {}: {err}", path.display());
                return ExitCode::from(1);
            }
            eprintln!(
                "wrote {} log entries to {}",
                session.log().len(),
                path.display()
            );
        }
        eprintln!("trace hash {:016x}", session.trace_hash());
        ExitCode::SUCCESS
    }

    fn sweep(
        range: (u64, u64),
        no_faults: bool,
        zk: Option<ZkVersion>,
        bugs: &[Bug],
        self_tests: &[SelfTest],
        clients: bool,
        par: &Parallel,
    ) -> ExitCode {
        let mut cfg = SweepConfig {
            no_faults,
            zk: zk.unwrap_or_default(),
            bugs: BugSwitches::default(),
            clients,
        };
        for bug in bugs {
            match bug {
                Bug::Zk4646 => match zk {
                    None | Some(ZkVersion::V3_8) => cfg.zk = ZkVersion::V3_8,
                    Some(other) => {
                        eprintln!(
                            "error: --bug zk4646 is the 3.8 profile's NEWLEADER (--zk 3.8); \
                             it cannot run under --zk {other}"
                        );
                        return ExitCode::from(2);
                    }
                },
                Bug::Zk1154 => cfg.bugs.zk1154_diff_instead_of_trunc = true,
            }
        }
        for t in self_tests {
            match t {
                SelfTest::DiscoveryWithoutQuorum => cfg.bugs.discovery_without_quorum = true,
                SelfTest::EpochFilesOutOfOrder => cfg.bugs.epoch_files_out_of_order = true,
            }
        }
        // The config's identity (shards must share it to merge): the release and the flags.
        let config = format!(
            "ZooKeeper {} ({}){}",
            cfg.zk.name(),
            cfg.zk.releases(),
            sweep_flags(&cfg)
        );
        let shard = par.shard();
        let bar = ProgressBar::new(shard.seeds(range).count() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} seeds  {elapsed_precise}  {msg}")
                .expect("a valid template"),
        );
        let r = report::sweep(&cfg, config, range, shard, par.jobs(), &|| bar.inc(1));
        bar.finish_and_clear();
        emit(&Report::Sweep(r), par.json)
    }

    fn hunt(
        target: &str,
        range: (u64, u64),
        stop_at_first: bool,
        each: bool,
        par: &Parallel,
    ) -> ExitCode {
        let target = match sim::hunt::Target::parse(target) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let r = report::hunt(&target, range, par.shard(), par.jobs(), stop_at_first, each);
        emit(&Report::Hunt(r), par.json)
    }

    fn merge(files: &[std::path::PathBuf], json: bool) -> ExitCode {
        let mut reports = Vec::new();
        for f in files {
            let name = f.display().to_string();
            let text = match std::fs::read_to_string(f) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: cannot read {name}: {e}");
                    return ExitCode::from(2);
                }
            };
            match serde_json::from_str::<Report>(&text) {
                Ok(r) => reports.push((name, r)),
                Err(e) => {
                    eprintln!("error: {name} is not a zabsim --json report: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        let merged = match report::merge(reports) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        emit(&merged, json)
    }

    /// Print a report (its JSON with `--json`) and exit 1 when a seed failed or broke a check.
    fn emit(r: &Report, json: bool) -> ExitCode {
        if json {
            println!("{}", r.to_json());
        } else {
            r.print(&mut std::io::stdout().lock());
        }
        ExitCode::from(u8::from(r.failed()))
    }

    fn bench(seconds: u64) -> ExitCode {
        // Simulated events per second over long 5-voter runs.
        let started = Instant::now();
        let (mut events, mut seed) = (0u64, 0u64);
        while started.elapsed().as_secs() < seconds {
            let mut sim =
                Simulation::new(SimOptions::new(seed, 5, 0).expect("5 voters")).expect("valid");
            sim.run_until(Time(120_000));
            events += sim.log().len() as u64;
            seed += 1;
        }
        let secs = started.elapsed().as_secs_f64();
        println!("events/s: {:.0} ({events} events in {secs:.2} s, 5 voters, 120 s of simulated time each)", events as f64 / secs);
        // The same runs with every safety checker after every event (the swarm's way), and as
        // the app runs them: a Session (checkpoints, the master log, live checks).
        let started = Instant::now();
        let (mut checked, mut seed) = (0u64, 0u64);
        while started.elapsed().as_secs() < seconds {
            let mut sim =
                Simulation::new(SimOptions::new(seed, 5, 0).expect("5 voters")).expect("valid");
            let mut checker = sim::checker::Checker::new();
            while sim.next_event_time().is_some_and(|t| t.0 <= 120_000) {
                sim.step();
                checker
                    .check(&sim)
                    .expect("no violation on the default release");
            }
            checked += sim.log().len() as u64;
            seed += 1;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "events/s with every checker after every event: {:.0} ({checked} events in {secs:.2} s)",
            checked as f64 / secs
        );
        let started = Instant::now();
        let (mut in_session, mut seed) = (0u64, 0u64);
        while started.elapsed().as_secs() < seconds {
            let mut session = Session::new(RunSpec::new(seed, 5, 0)).expect("5 voters");
            session.run_until(Time(120_000));
            assert!(session.checks().violation().is_none());
            in_session += session.log().len() as u64;
            seed += 1;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "events/s in a Session (checkpoints, master log, live checks; what the app runs): {:.0} ({in_session} events in {secs:.2} s)",
            in_session as f64 / secs
        );
        // Full 5-voter startups: election → every learner UPTODATE.
        let started = Instant::now();
        let mut startups = 0u64;
        while started.elapsed().as_secs() < seconds {
            let mut sim =
                Simulation::new(SimOptions::new(startups, 5, 0).expect("5 voters")).expect("valid");
            let ok = sim.run_until_pred(Time(120_000), |s| {
                sim::testkit::established_leader(s).is_some()
            });
            assert!(ok, "seed {startups} did not start");
            startups += 1;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "5-voter startups/s: {:.0} ({startups} in {secs:.2} s)",
            startups as f64 / secs
        );
        ExitCode::SUCCESS
    }
}
