//! The tour's chapters as data: what each step says (in our own words; the § numbers are
//! docs/protocol.md's), which run it stands in, the place in that run, and what it highlights.
//!
//! Every run is a preset scenario on [`TOUR_SEED`], so a step is the same for everyone.

use sim::scenario::Scenario;
use sim::session::RunSpec;
use sim::{LogEntry, LogEvent, Simulation};
use zab::leader::{LeadPhase, SyncMode};
use zab::message::Message;
use zab::output::Channel;
use zab::peer::{ElectionPhase, Monitor, ServerState, ThreadPhase};
use zab::reason::Note;

/// The seed of every tour run (and of the first visit): a three-voter startup in which server
/// 3 is elected, server 1 syncs by DIFF and server 2, a little later while the leader's
/// zk.startup() runs, by an empty DIFF too.
pub const TOUR_SEED: u64 = 1;

/// The runs the tour stands in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TourRun {
    /// `fresh-start`: three voters start and elect.
    Startup,
    /// `observers`: five voters and two observers.
    Observers,
    /// `leader-crash`: a write commits, then the leader crashes.
    LeaderCrash,
    /// `uncommitted-trunc`: a returning leader's unshared txn is TRUNCated.
    Trunc,
    /// `far-behind-snap`: a follower misses every write and gets a snapshot.
    Snap,
}

impl TourRun {
    pub const ALL: [TourRun; 5] = [
        TourRun::Startup,
        TourRun::Observers,
        TourRun::LeaderCrash,
        TourRun::Trunc,
        TourRun::Snap,
    ];

    pub fn scenario(self) -> Scenario {
        match self {
            TourRun::Startup => Scenario::FreshStart,
            TourRun::Observers => Scenario::ObserversToo,
            TourRun::LeaderCrash => Scenario::LeaderCrash,
            TourRun::Trunc => Scenario::UncommittedTrunc,
            TourRun::Snap => Scenario::FarBehindSnap,
        }
    }

    pub fn spec(self) -> RunSpec {
        RunSpec::with_scenario(TOUR_SEED, self.scenario())
    }
}

/// Where in its run a step stands: just after the `nth` (1-based) log entry that `test`
/// accepts. `test` sees the entry and the world just after the event that logged it.
#[derive(Clone, Copy)]
pub struct Place {
    /// The place in words, for the tests' messages and the panel's problem line.
    pub what: &'static str,
    pub test: fn(&Simulation, &LogEntry) -> bool,
    pub nth: u32,
}

impl std::fmt::Debug for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Place({}, #{})", self.what, self.nth)
    }
}

/// Which servers a step points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Nobody,
    Everyone,
    /// The servers the matched entry concerns (a send's two ends, a note's server).
    Subject,
    /// Whoever is LEADING there.
    Leader,
    /// Whoever is FOLLOWING or OBSERVING there.
    Learners,
    /// The observers that run there.
    Observers,
}

/// What a step highlights: servers, and messages in flight of these kinds.
#[derive(Clone, Copy, Debug)]
pub struct Spot {
    pub who: Who,
    pub kinds: &'static [&'static str],
}

/// Something the reader does at a step ("now break it").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Crash the server that leads at the step.
    CrashLeader,
    /// Cut the remaining servers apart with a partition.
    CutQuorum,
}

impl Task {
    pub fn words(self) -> &'static str {
        match self {
            Task::CrashLeader => {
                "Click the leader's card, then Crash in its panel (or press c). Then press Play."
            }
            Task::CutQuorum => {
                "Click the new leader's card and cut it from the other running server \
                 (Partition in its panel). Then press Play."
            }
        }
    }
}

pub struct Step {
    pub title: &'static str,
    /// Paragraphs, in our own words.
    pub text: &'static [&'static str],
    pub run: TourRun,
    pub place: Place,
    pub spot: Spot,
    /// Show chapter 7's pseudo-code beside the text, its running line read from the leader.
    pub code: bool,
    pub task: Option<Task>,
}

pub struct Chapter {
    pub title: &'static str,
    pub steps: &'static [Step],
}

// ---- The places -----------------------------------------------------------------------------

fn started(_: &Simulation, e: &LogEntry) -> bool {
    matches!(e.event, LogEvent::PeerStarted { .. })
}

fn notification_sent(_: &Simulation, e: &LogEntry) -> bool {
    matches!(&e.event, LogEvent::Send(s) if matches!(s.message, Message::Notification(_)))
}

fn finalize_wait(_: &Simulation, e: &LogEntry) -> bool {
    matches!(&e.event, LogEvent::Thread { view, .. }
        if matches!(view.phase, ThreadPhase::LookForLeader(ElectionPhase::FinalizeWait { .. })))
}

fn became_leader(_: &Simulation, e: &LogEntry) -> bool {
    matches!(
        e.event,
        LogEvent::StateChange {
            to: ServerState::Leading,
            ..
        }
    )
}

fn leading_started(_: &Simulation, e: &LogEntry) -> bool {
    matches!(e.event.note(), Some((_, Note::LeadingStarted)))
}

fn quorum_connect(_: &Simulation, e: &LogEntry) -> bool {
    matches!(
        e.event,
        LogEvent::Connect {
            channel: Channel::Quorum,
            ..
        }
    )
}

fn observer_connect(sim: &Simulation, e: &LogEntry) -> bool {
    match e.event {
        LogEvent::Connect {
            channel: Channel::Quorum,
            from,
            ..
        } => sim.options().config.learner_type(from) == Some(zab::config::LearnerType::Observer),
        _ => false,
    }
}

fn quorum_accept(_: &Simulation, e: &LogEntry) -> bool {
    matches!(
        e.event,
        LogEvent::Accept {
            channel: Channel::Quorum,
            ..
        }
    )
}

fn sent_kind(e: &LogEntry, kind: &str) -> bool {
    e.event.sent().is_some_and(|s| s.message.kind() == kind)
}

fn followerinfo_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "FOLLOWERINFO")
}

fn observerinfo_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "OBSERVERINFO")
}

fn leaderinfo_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "LEADERINFO")
}

fn ackepoch_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "ACKEPOCH")
}

fn newleader_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "NEWLEADER")
}

fn uptodate_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "UPTODATE")
}

fn proposal_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "PROPOSAL")
}

fn commit_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "COMMIT")
}

fn lead_phase(e: &LogEntry, want: fn(&LeadPhase) -> bool) -> bool {
    matches!(&e.event, LogEvent::Thread { view, .. }
        if matches!(&view.phase, ThreadPhase::Lead { phase, .. } if want(phase)) && view.wait.is_some())
}

/// A FOLLOWERINFO goes out while the leader's `lead()` is blocked in `getEpochToPropose`
/// (it has been since before anyone connected; this is the last moment it still is).
fn followerinfo_while_lead_waits(sim: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "FOLLOWERINFO")
        && sim.sids().filter_map(|s| sim.peer(s)).any(|p| {
            p.threads().iter().any(|t| {
                matches!(
                    t.phase,
                    ThreadPhase::Lead {
                        phase: LeadPhase::GetEpochToPropose { .. },
                        ..
                    }
                ) && t
                    .wait
                    .as_ref()
                    .is_some_and(|w| w.monitor == Monitor::ConnectingFollowers)
            })
        })
}

fn lead_blocked_in_epoch_ack(_: &Simulation, e: &LogEntry) -> bool {
    lead_phase(e, |p| matches!(p, LeadPhase::WaitForEpochAck { .. }))
}

fn lead_blocked_in_new_leader_ack(_: &Simulation, e: &LogEntry) -> bool {
    lead_phase(e, |p| matches!(p, LeadPhase::WaitForNewLeaderAck { .. }))
}

fn ping_sent(_: &Simulation, e: &LogEntry) -> bool {
    sent_kind(e, "PING")
}

fn lead_broadcasting(_: &Simulation, e: &LogEntry) -> bool {
    matches!(&e.event, LogEvent::Thread { view, .. }
        if matches!(view.phase, ThreadPhase::Lead { phase: LeadPhase::Broadcast, .. }))
}

fn notify(e: &LogEntry, which: Monitor) -> bool {
    matches!(&e.event, LogEvent::NotifyAll { monitor, .. } if *monitor == which)
}

fn connecting_notified(_: &Simulation, e: &LogEntry) -> bool {
    notify(e, Monitor::ConnectingFollowers)
}

fn electing_notified(_: &Simulation, e: &LogEntry) -> bool {
    notify(e, Monitor::ElectingFollowers)
}

fn new_leader_notified(_: &Simulation, e: &LogEntry) -> bool {
    notify(e, Monitor::NewLeaderProposal)
}

fn sync_decided(e: &LogEntry, want: SyncMode) -> bool {
    matches!(e.event.note(), Some((_, Note::SyncFollower { mode, .. })) if *mode == want)
}

fn diff_decided(_: &Simulation, e: &LogEntry) -> bool {
    sync_decided(e, SyncMode::Diff)
}

/// A SNAP once the leader has committed writes (not a startup's empty one).
fn snap_after_writes(_: &Simulation, e: &LogEntry) -> bool {
    sync_decided(e, SyncMode::Snap)
        && matches!(e.event.note(), Some((_, Note::SyncFollower { max_committed, .. }))
            if max_committed.counter() > 0)
}

fn trunc_decided(_: &Simulation, e: &LogEntry) -> bool {
    sync_decided(e, SyncMode::Trunc)
}

const fn at(what: &'static str, test: fn(&Simulation, &LogEntry) -> bool) -> Place {
    Place { what, test, nth: 1 }
}

const fn nth(what: &'static str, test: fn(&Simulation, &LogEntry) -> bool, nth: u32) -> Place {
    Place { what, test, nth }
}

const fn spot(who: Who, kinds: &'static [&'static str]) -> Spot {
    Spot { who, kinds }
}

const fn step(
    title: &'static str,
    text: &'static [&'static str],
    run: TourRun,
    place: Place,
    spot: Spot,
) -> Step {
    Step {
        title,
        text,
        run,
        place,
        spot,
        code: false,
        task: None,
    }
}

const fn coded(s: Step) -> Step {
    Step { code: true, ..s }
}

const fn task(s: Step, t: Task) -> Step {
    Step { task: Some(t), ..s }
}

use TourRun::*;

// ---- The chapters -----------------------------------------------------------------------------

pub static CHAPTERS: &[Chapter] = &[
    Chapter {
        title: "QuorumPeer: states and roles",
        steps: &[
            step(
                "Three servers, all LOOKING",
                &[
                    "Each card is one ZooKeeper server, a QuorumPeer. Its main loop (QuorumPeer.run, §1.6) does one thing at a time, chosen by its ServerState: LOOKING runs an election; FOLLOWING, LEADING and OBSERVING run the role the election gave it.",
                    "Every server has just started, so all three are LOOKING. Under the state, the card shows what it keeps on disk: currentEpoch and acceptedEpoch (§1.2) and lastLoggedZxid, the newest transaction in its log (§1.4). A fresh ensemble has all of them at 0.",
                ],
                Startup,
                nth("the third server started", started, 3),
                spot(Who::Everyone, &[]),
            ),
        ],
    },
    Chapter {
        title: "FastLeaderElection",
        steps: &[
            step(
                "A server votes for itself",
                &[
                    "FastLeaderElection.lookForLeader starts by proposing itself: a vote (leader, zxid, epoch) goes to every other voter as a NOTIFICATION (§2.3, §2.5).",
                    "The election has its own connections (QuorumCnxManager, the thin lines). Only the higher sid keeps a connection between two servers, so you will see some dropped (§2.10).",
                ],
                Startup,
                at("the first NOTIFICATION sent", notification_sent),
                spot(Who::Subject, &["NOTIFICATION"]),
            ),
            step(
                "A quorum agrees: finalizeWait",
                &[
                    "A vote beats another by epoch, then zxid, then sid (totalOrderPredicate, §2.4). Everyone's zxid is 0 here, so the highest sid wins and each server switches its vote to it and tells the others.",
                    "Once a quorum of the votes a server has received agree with its own, it does not decide at once: it waits finalizeWait (200 ms) more for a better vote (§2.7).",
                ],
                Startup,
                at("the first server in finalizeWait", finalize_wait),
                spot(Who::Subject, &["NOTIFICATION"]),
            ),
            step(
                "The winner is LEADING",
                &[
                    "No better vote came: the server the quorum voted for becomes LEADING, and the others become FOLLOWING as soon as they decide too (§2.9).",
                ],
                Startup,
                at("the first LOOKING → LEADING", became_leader),
                spot(Who::Subject, &[]),
            ),
        ],
    },
    Chapter {
        title: "LearnerCnxAcceptor starts",
        steps: &[step(
            "Leader.lead() begins",
            &[
                "Leader.lead() sets ZabState to DISCOVERY, writes a snapshot, remembers its own (currentEpoch, last zxid) as the StateSummary learners will be compared with, and starts the LearnerCnxAcceptor thread (§3.1 steps 2–5).",
                "From now on the leader listens on its quorum port. Before that moment a learner that tries to connect is refused.",
            ],
            Startup,
            at("the leader's LeadingStarted note", leading_started),
            spot(Who::Subject, &[]),
        )],
    },
    Chapter {
        title: "Learners connect to the leader",
        steps: &[
            step(
                "Follower.followLeader connects",
                &[
                    "A server that decided FOLLOWING runs Follower.followLeader. Its first step, connectToLeader, opens a TCP connection to the leader's quorum port, retrying a few times (§5.1, §5.2).",
                    "The new thick line is that quorum connection; the SYN is on its way.",
                ],
                Startup,
                at("the first quorum-port connect", quorum_connect),
                spot(Who::Subject, &[]),
            ),
            step(
                "Observer.observeLeader does the same",
                &[
                    "In this run five voters elect and two observers join them. An observer never votes, but it finds the leader the same way and runs Observer.observeLeader, which connects exactly like a follower.",
                ],
                Observers,
                at("the first observer's quorum-port connect", observer_connect),
                spot(Who::Subject, &[]),
            ),
        ],
    },
    Chapter {
        title: "A LearnerHandler each",
        steps: &[
            step(
                "Accepted: a LearnerHandler starts",
                &[
                    "For every connection it accepts, LearnerCnxAcceptor starts a new LearnerHandler thread on the leader, with a read timeout of initLimit × tickTime (§3.2). That thread speaks for the leader to this one learner from now on.",
                    "The burst by the leader's card marks the accept; the leader's panel (click its card) lists the handler.",
                ],
                Startup,
                at("the first quorum-port accept", quorum_accept),
                spot(Who::Subject, &[]),
            ),
            step(
                "A second learner, a second handler",
                &[
                    "The second follower connects too and gets its own LearnerHandler. The handlers run side by side: each one waits on its own socket, so a slow learner does not hold up the others.",
                ],
                Startup,
                nth("the second quorum-port accept", quorum_accept, 2),
                spot(Who::Subject, &[]),
            ),
        ],
    },
    Chapter {
        title: "Registering with LearnerInfo",
        steps: &[
            step(
                "FOLLOWERINFO and its LearnerInfo",
                &[
                    "registerWithLeader first reads the learner's lastLoggedZxid, then sends FOLLOWERINFO (§5.3). Its zxid is the learner's acceptedEpoch with a counter of 0: the leader learns which epoch it last accepted.",
                    "Its data is a LearnerInfo with three fields: serverid, the learner's myid (the handler did not know who it served until now); protocolVersion, 0x10000 for Zab 1.0; configVersion, the version of the learner's quorum configuration (0 here). Click the message for every field.",
                ],
                Startup,
                at("the first FOLLOWERINFO sent", followerinfo_sent),
                spot(Who::Subject, &["FOLLOWERINFO"]),
            ),
            step(
                "An observer sends OBSERVERINFO",
                &[
                    "An observer sends the same record as OBSERVERINFO. The LearnerHandler notes that this learner does not vote: it may still raise the epoch the leader proposes, but it never counts towards a quorum (§3.3 step 3).",
                ],
                Observers,
                at("the first OBSERVERINFO sent", observerinfo_sent),
                spot(Who::Subject, &["OBSERVERINFO"]),
            ),
        ],
    },
    Chapter {
        title: "getEpochToPropose blocks",
        steps: &[
            coded(step(
                "Leader.lead() waits for a quorum",
                &[
                    "The leader proposes a new epoch, one above the highest acceptedEpoch it hears of. Right after starting the acceptor, lead() called getEpochToPropose with its own acceptedEpoch and, alone in connectingFollowers, blocked on that monitor (§3.3). It has been waiting since before anyone connected; the first FOLLOWERINFO is now on its way.",
                    "The pseudo-code beside is ours, not ZooKeeper's Java; the marked line is where Leader.lead() is in the simulation at this moment. The epoch wait panel shows the same monitor: one chip per voter, the leader's own already in, and the deadline.",
                ],
                Startup,
                at(
                    "the first FOLLOWERINFO sent while Leader.lead waits in getEpochToPropose",
                    followerinfo_while_lead_waits,
                ),
                spot(Who::Leader, &["FOLLOWERINFO"]),
            )),
            coded(step(
                "A quorum: notifyAll()",
                &[
                    "The first FOLLOWERINFO arrives. Its LearnerHandler calls getEpochToPropose too, with the learner's acceptedEpoch. Now connectingFollowers holds the leader and one follower: two of three voters, a quorum.",
                    "So this handler sets the epoch, persists it as the leader's acceptedEpoch, and calls notifyAll(): every thread blocked on the monitor wakes at once, Leader.lead() among them, and they all return the same epoch.",
                ],
                Startup,
                at("connectingFollowers.notifyAll()", connecting_notified),
                spot(Who::Subject, &["LEADERINFO"]),
            )),
        ],
    },
    Chapter {
        title: "ACKEPOCH and waitForEpochAck",
        steps: &[
            step(
                "LEADERINFO: the new epoch",
                &[
                    "Each LearnerHandler sends its learner LEADERINFO, whose zxid carries the new epoch (§4.1). The learner persists it as its acceptedEpoch before answering (§5.3).",
                ],
                Startup,
                at("the first LEADERINFO sent", leaderinfo_sent),
                spot(Who::Subject, &["LEADERINFO"]),
            ),
            step(
                "Leader.lead() in waitForEpochAck",
                &[
                    "Leader.lead() now waits on a second monitor, electingFollowers, for a quorum of ACKEPOCHs (§3.4). Each handler reads one from its learner.",
                    "ACKEPOCH carries the learner's currentEpoch and lastLoggedZxid. A learner that is ahead of the leader is refused here; one that had already accepted this epoch answers −1 and is not counted.",
                ],
                Startup,
                at("Leader.lead blocked in waitForEpochAck", lead_blocked_in_epoch_ack),
                spot(Who::Leader, &["LEADERINFO", "ACKEPOCH"]),
            ),
            step(
                "ACKEPOCH from a follower",
                &[
                    "The follower has written acceptedEpoch = 1 to disk and answers ACKEPOCH. Its card goes to SYNCHRONIZATION: it now waits for the leader to say how it will be brought up to date.",
                ],
                Startup,
                at("the first ACKEPOCH sent", ackepoch_sent),
                spot(Who::Subject, &["ACKEPOCH"]),
            ),
            step(
                "electingFollowers.notifyAll()",
                &[
                    "The ACKEPOCH makes a quorum in electingFollowers: the handler that counted it calls notifyAll() and the waiters go on. Leader.lead() writes currentEpoch = 1; from here the leader is established (§3.1 step 11).",
                ],
                Startup,
                at("electingFollowers.notifyAll()", electing_notified),
                spot(Who::Subject, &[]),
            ),
        ],
    },
    Chapter {
        title: "Sync: DIFF, TRUNC or SNAP",
        steps: &[
            step(
                "DIFF: send what is missing",
                &[
                    "syncFollower compares the learner's last zxid (from its ACKEPOCH) with the leader's committed log (§4.2). Server 1 has everything the leader has, so the leader sends an empty DIFF: nothing to add.",
                ],
                Startup,
                at("the first DIFF decision", diff_decided),
                spot(Who::Subject, &["DIFF"]),
            ),
            step(
                "TRUNC: cut off what nobody else has",
                &[
                    "Another run: a leader was isolated, logged a write no one else saw, and crashed. When it comes back as a follower, its last zxid is ahead of anything committed, so the new leader tells it to TRUNCate its log back to the last zxid they share.",
                ],
                Trunc,
                at("the first TRUNC decision", trunc_decided),
                spot(Who::Subject, &["TRUNC"]),
            ),
            step(
                "SNAP: send the whole database",
                &[
                    "A third run: a follower was down while the leader took thirteen writes. Its last zxid is older than anything in the leader's committedLog, and no txn log on the leader reaches back that far, so syncFollower falls back to SNAP: the whole data tree, as a snapshot (§4.2).",
                ],
                Snap,
                at("the first SNAP decision once writes are committed", snap_after_writes),
                spot(Who::Subject, &["SNAP"]),
            ),
        ],
    },
    Chapter {
        title: "NEWLEADER and UPTODATE",
        steps: &[
            step(
                "NEWLEADER follows the sync data",
                &[
                    "After the DIFF, TRUNC or SNAP, the handler queues NEWLEADER (§4.3). The learner applies the sync data, makes it durable, writes currentEpoch and ACKs the NEWLEADER (§5.4).",
                ],
                Startup,
                at("the first NEWLEADER sent", newleader_sent),
                spot(Who::Subject, &["NEWLEADER"]),
            ),
            step(
                "Leader.lead() in waitForNewLeaderAck",
                &[
                    "The third wait: Leader.lead() blocks until a quorum of voters has ACKed NEWLEADER (§3.5). Only then is it sure that a quorum holds its history.",
                ],
                Startup,
                at("Leader.lead blocked in waitForNewLeaderAck", lead_blocked_in_new_leader_ack),
                spot(Who::Leader, &["NEWLEADER", "ACK"]),
            ),
            step(
                "Quorum: the leader starts serving",
                &[
                    "The ACK made the quorum: notifyAll() wakes Leader.lead(), which starts its ZooKeeper server and turns to BROADCAST (§3.6).",
                ],
                Startup,
                at("newLeaderProposal.notifyAll()", new_leader_notified),
                spot(Who::Subject, &[]),
            ),
            step(
                "UPTODATE",
                &[
                    "Once the leader serves, each handler sends UPTODATE (§4.5): its learner may now serve clients too, and moves to BROADCAST after ACKing it.",
                ],
                Startup,
                at("the first UPTODATE sent", uptodate_sent),
                spot(Who::Subject, &["UPTODATE"]),
            ),
        ],
    },
    Chapter {
        title: "Broadcast",
        steps: &[
            step(
                "The ping loop",
                &[
                    "Leader.lead() is now in its ping loop: every half tick it PINGs each learner and checks that a quorum is still synced with it (§3.7). A learner answers each PING with its own.",
                ],
                Startup,
                at("the first PING sent", ping_sent),
                spot(Who::Leader, &["PING"]),
            ),
            step(
                "A write: PROPOSAL",
                &[
                    "Another run, the same startup: a client writes at the leader. The leader gives the txn the next zxid, logs it and sends every follower a PROPOSAL (§5.5).",
                ],
                LeaderCrash,
                at("the first PROPOSAL sent", proposal_sent),
                spot(Who::Subject, &["PROPOSAL"]),
            ),
            step(
                "ACKs, then COMMIT",
                &[
                    "Each follower logs the proposal, fsyncs it and ACKs. With a quorum of ACKs (its own included) the leader commits the txn and sends COMMIT; the followers apply it.",
                ],
                LeaderCrash,
                at("the first COMMIT sent", commit_sent),
                spot(Who::Subject, &["COMMIT"]),
            ),
        ],
    },
    Chapter {
        title: "Now break it",
        steps: &[
            task(
                step(
                    "Crash the leader",
                    &[
                        "Your turn. The ensemble is serving. Crash the leader and watch: the followers' reads time out, they go LOOKING and elect again among the two that are left — a quorum of three is two.",
                    ],
                    Startup,
                    nth("the leader's second ping loop pass", lead_broadcasting, 2),
                    spot(Who::Leader, &[]),
                ),
                Task::CrashLeader,
            ),
            task(
                step(
                    "Cut the quorum",
                    &[
                        "Here the leader crashed and the survivors elected a new one in epoch 2. Two servers are running: cut them apart and neither has a quorum. The leader gives up in its ping loop (\"Not sufficient followers synced\") and both stay LOOKING until you Heal.",
                    ],
                    LeaderCrash,
                    nth("the second LOOKING → LEADING, after the crash", became_leader, 2),
                    spot(Who::Leader, &[]),
                ),
                Task::CutQuorum,
            ),
        ],
    },
];
