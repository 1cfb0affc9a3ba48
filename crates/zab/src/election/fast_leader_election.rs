use crate::election::{Notification, QuorumCnxManager, Vote, NOTIFICATION_VERSION};
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::output::{Effect, Outbox, Timer};
use crate::peer::{ElectionPhase, Monitor, ServerState, ThreadId, ThreadPhase, ThreadView};
use crate::quorum::{QuorumMaj, SyncedLearnerTracker};
use crate::reason::Note;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `FastLeaderElection.finalizeWait`, also `minNotificationInterval`.
pub const FINALIZE_WAIT_MS: u64 = 200;
/// `FastLeaderElection.maxNotificationInterval`.
pub const MAX_NOTIFICATION_INTERVAL_MS: u64 = 60_000;

/// `totalOrderPredicate(newId, newZxid, newEpoch, curId, curZxid, curEpoch)`: does the new
/// vote beat the current one? Epoch (the candidate's currentEpoch) first, then zxid, then sid.
/// A candidate with weight 0 (any non-voter under `QuorumMaj`) never wins.
pub fn total_order_predicate(
    qv: &QuorumMaj,
    new: (Sid, Zxid, Epoch),
    cur: (Sid, Zxid, Epoch),
) -> bool {
    let (new_id, new_zxid, new_epoch) = new;
    let (cur_id, cur_zxid, cur_epoch) = cur;
    if !qv.is_voter(new_id) {
        return false;
    }
    new_epoch > cur_epoch
        || (new_epoch == cur_epoch
            && (new_zxid > cur_zxid || (new_zxid == cur_zxid && new_id > cur_id)))
}

/// Mirrors `org.apache.zookeeper.server.quorum.FastLeaderElection`: the `lookForLeader` loop
/// and the `Messenger.WorkerReceiver` thread, as one state machine.
///
/// The Java loop blocks in `recvqueue.poll(notTimeout)` and, once a quorum agrees, in
/// `recvqueue.poll(finalizeWait)`; here each poll is a phase with a timer, and a notification
/// arriving during a poll is handled at once, as the Java thread would.
#[derive(Clone, Debug)]
pub struct FastLeaderElection {
    myid: Sid,
    qv: QuorumMaj,
    /// `logicalclock`: the election round. Survives across LOOKING periods.
    logicalclock: i64,
    proposed_leader: Sid,
    proposed_zxid: Zxid,
    proposed_epoch: Epoch,
    /// `getInitId()`, `getInitLastLoggedZxid()`, `getPeerEpoch()` for the running round.
    init: (Sid, Zxid, Epoch),
    round: Option<Round>,
}

/// The locals of one `lookForLeader` call.
#[derive(Clone, Debug)]
struct Round {
    recvset: BTreeMap<Sid, Vote>,
    outofelection: BTreeMap<Sid, Vote>,
    not_timeout_ms: u64,
    wait: Wait,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wait {
    /// `recvqueue.poll(notTimeout)`, begun at `since`.
    Poll { since: Time, deadline: Time },
    /// A quorum agrees with my proposal: `recvqueue.poll(finalizeWait)`.
    Finalize { since: Time, deadline: Time },
}

/// The outcome of `lookForLeader`: the end vote and the state `setPeerState` chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub vote: Vote,
    pub state: ServerState,
}

/// What the views show of an election.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionView {
    pub logicalclock: i64,
    pub proposed_leader: Sid,
    pub proposed_zxid: Zxid,
    pub proposed_epoch: Epoch,
    /// Sids whose vote in `recvset` equals my proposal (while a round runs).
    pub agreeing: Vec<Sid>,
    pub running: bool,
}

/// What the peer passes in: its state and current vote, for the receiver thread's replies.
pub struct PeerContext<'a> {
    pub state: ServerState,
    pub current_vote: &'a Vote,
}

impl FastLeaderElection {
    pub fn new(myid: Sid, qv: QuorumMaj) -> Self {
        FastLeaderElection {
            myid,
            qv,
            logicalclock: 0,
            proposed_leader: Sid::NONE,
            proposed_zxid: Zxid::MIN,
            proposed_epoch: Epoch::NONE,
            init: (Sid::NONE, Zxid::MIN, Epoch::NONE),
            round: None,
        }
    }

    pub fn logicalclock(&self) -> i64 {
        self.logicalclock
    }

    fn proposal(&self) -> (Sid, Zxid, Epoch) {
        (
            self.proposed_leader,
            self.proposed_zxid,
            self.proposed_epoch,
        )
    }

    /// `getVote()`: my proposal as a vote in the current round.
    pub fn get_vote(&self) -> Vote {
        Vote::new(
            self.proposed_leader,
            self.proposed_zxid,
            self.logicalclock,
            self.proposed_epoch,
        )
    }

    fn update_proposal(&mut self, (leader, zxid, epoch): (Sid, Zxid, Epoch)) {
        self.proposed_leader = leader;
        self.proposed_zxid = zxid;
        self.proposed_epoch = epoch;
    }

    /// The start of `lookForLeader`: a new round, my initial vote, notifications to every voter.
    /// A non-participant proposes `Long.MIN_VALUE` for all three (`getInitId` and friends).
    pub fn look_for_leader(
        &mut self,
        now: Time,
        is_participant: bool,
        last_logged_zxid: Zxid,
        current_epoch: Epoch,
        qcm: &mut QuorumCnxManager,
        out: &mut Outbox,
    ) {
        self.logicalclock += 1;
        self.init = if is_participant {
            (self.myid, last_logged_zxid, current_epoch)
        } else {
            (Sid::NONE, Zxid::MIN, Epoch::NONE)
        };
        self.update_proposal(self.init);
        self.send_notifications(qcm, out);
        self.round = Some(Round {
            recvset: BTreeMap::new(),
            outofelection: BTreeMap::new(),
            not_timeout_ms: FINALIZE_WAIT_MS,
            wait: Wait::Poll {
                since: now,
                deadline: now.plus_ms(FINALIZE_WAIT_MS),
            },
        });
        out.push(Effect::SetTimer {
            timer: Timer::FleRecvPoll,
            at: now.plus_ms(FINALIZE_WAIT_MS),
        });
    }

    /// `sendNotifications()`: my proposal, logicalclock and LOOKING to every voter, myself
    /// included (through the loopback).
    fn send_notifications(&self, qcm: &mut QuorumCnxManager, out: &mut Outbox) {
        for &sid in self.qv.voting_members() {
            let n = Notification {
                version: NOTIFICATION_VERSION,
                leader: self.proposed_leader,
                zxid: self.proposed_zxid,
                election_epoch: self.logicalclock,
                state: ServerState::Looking,
                sid: self.myid,
                peer_epoch: self.proposed_epoch,
            };
            qcm.to_send(sid, n, out);
        }
    }

    fn reply(&self, vote: &Vote, ee: i64, state: ServerState) -> Notification {
        Notification {
            version: NOTIFICATION_VERSION,
            leader: vote.id,
            zxid: vote.zxid,
            election_epoch: ee,
            state,
            sid: self.myid,
            peer_epoch: vote.peer_epoch,
        }
    }

    /// `Messenger.WorkerReceiver.run` for one received notification, then (while LOOKING) the
    /// `lookForLeader` loop's handling of it. Returns the decision if the round ends.
    pub fn on_notification(
        &mut self,
        now: Time,
        n: Notification,
        peer: PeerContext<'_>,
        qcm: &mut QuorumCnxManager,
        out: &mut Outbox,
    ) -> Option<Decision> {
        if !self.qv.is_voter(n.sid) {
            // Not a voter (an observer): answer with my current vote at once.
            let reply = self.reply(peer.current_vote, self.logicalclock, peer.state);
            qcm.to_send(n.sid, reply, out);
            return None;
        }
        if peer.state == ServerState::Looking {
            if n.state == ServerState::Looking && n.election_epoch < self.logicalclock {
                // A laggard: tell it my proposal in my round so it catches up.
                let reply = Notification {
                    state: ServerState::Looking,
                    ..self.reply(&self.get_vote(), self.logicalclock, peer.state)
                };
                qcm.to_send(n.sid, reply, out);
            }
            return self.handle_in_round(now, n, qcm, out);
        }
        if n.state == ServerState::Looking {
            // Out of the election: tell the looking peer who leads, with my real state.
            let v = peer.current_vote;
            let reply = self.reply(v, v.election_epoch, peer.state);
            qcm.to_send(n.sid, reply, out);
        }
        None
    }

    /// The body of the `lookForLeader` loop for one polled notification.
    fn handle_in_round(
        &mut self,
        now: Time,
        n: Notification,
        qcm: &mut QuorumCnxManager,
        out: &mut Outbox,
    ) -> Option<Decision> {
        let proposal = self.proposal();
        let round = self.round.as_mut()?;
        if let Wait::Finalize { .. } = round.wait {
            let theirs = (n.leader, n.zxid, n.peer_epoch);
            if !total_order_predicate(&self.qv, theirs, proposal) {
                // Discarded, and the loop polls again: a fresh finalizeWait.
                let deadline = now.plus_ms(FINALIZE_WAIT_MS);
                round.wait = Wait::Finalize {
                    since: now,
                    deadline,
                };
                out.push(Effect::SetTimer {
                    timer: Timer::FleRecvPoll,
                    at: deadline,
                });
                return None;
            }
            // Put back in the queue: leave the finalize wait and handle it in the main loop.
            round.wait = Wait::Poll {
                since: now,
                deadline: now,
            };
        }
        if !self.qv.is_voter(n.sid) || !self.qv.is_voter(n.leader) {
            out.push(Effect::Note(Note::NonMemberNotification {
                leader: n.leader,
                sid: n.sid,
            }));
            return self.poll_again(now, out);
        }
        let decision = match n.state {
            ServerState::Looking => self.received_looking(now, n, qcm, out),
            ServerState::Observing => None,
            ServerState::Following | ServerState::Leading => self.received_following(n),
        };
        if decision.is_some() {
            self.leave_instance(out);
            return decision;
        }
        if matches!(self.round.as_ref()?.wait, Wait::Finalize { .. }) {
            return None;
        }
        self.poll_again(now, out)
    }

    fn poll_again(&mut self, now: Time, out: &mut Outbox) -> Option<Decision> {
        let round = self.round.as_mut()?;
        let deadline = now.plus_ms(round.not_timeout_ms);
        round.wait = Wait::Poll {
            since: now,
            deadline,
        };
        out.push(Effect::SetTimer {
            timer: Timer::FleRecvPoll,
            at: deadline,
        });
        None
    }

    /// Case (c) of the loop: a LOOKING sender.
    fn received_looking(
        &mut self,
        now: Time,
        n: Notification,
        qcm: &mut QuorumCnxManager,
        out: &mut Outbox,
    ) -> Option<Decision> {
        // ZOOKEEPER-261: a server with a wiped database takes no part.
        if self.init.1 == Zxid::NONE || n.zxid == Zxid::NONE {
            return None;
        }
        let theirs = (n.leader, n.zxid, n.peer_epoch);
        if n.election_epoch > self.logicalclock {
            self.logicalclock = n.election_epoch;
            self.round.as_mut()?.recvset.clear();
            // Compared with my *initial* vote, not my current proposal.
            let winner = if total_order_predicate(&self.qv, theirs, self.init) {
                theirs
            } else {
                self.init
            };
            self.update_proposal(winner);
            self.send_notifications(qcm, out);
        } else if n.election_epoch < self.logicalclock {
            return None;
        } else if total_order_predicate(&self.qv, theirs, self.proposal()) {
            self.update_proposal(theirs);
            self.send_notifications(qcm, out);
        }
        let vote = Vote::new(n.leader, n.zxid, n.election_epoch, n.peer_epoch);
        let round = self.round.as_mut()?;
        round.recvset.insert(n.sid, vote);
        let mine = self.get_vote();
        let vote_set = Self::vote_tracker(&self.qv, &self.round.as_ref()?.recvset, &mine);
        if vote_set.has_all_quorums() {
            let deadline = now.plus_ms(FINALIZE_WAIT_MS);
            self.round.as_mut()?.wait = Wait::Finalize {
                since: now,
                deadline,
            };
            out.push(Effect::SetTimer {
                timer: Timer::FleRecvPoll,
                at: deadline,
            });
        }
        None
    }

    /// Case (e): a FOLLOWING or LEADING sender. Same-round votes count in `recvset`; votes from
    /// any round go to `outofelection`, which is how a restarted server joins an established
    /// ensemble. Either way the named leader must itself have said it is LEADING.
    fn received_following(&mut self, n: Notification) -> Option<Decision> {
        let theirs = n.vote();
        if n.election_epoch == self.logicalclock {
            let round = self.round.as_mut()?;
            round.recvset.insert(n.sid, theirs);
            let tracker = Self::vote_tracker(&self.qv, &round.recvset, &theirs);
            if tracker.has_all_quorums()
                && self.check_leader(&self.round.as_ref()?.recvset, n.leader, n.election_epoch)
            {
                return Some(self.decide_for(n));
            }
        }
        let round = self.round.as_mut()?;
        round.outofelection.insert(n.sid, theirs);
        let tracker = Self::vote_tracker(&self.qv, &round.outofelection, &theirs);
        if tracker.has_all_quorums()
            && self.check_leader(
                &self.round.as_ref()?.outofelection,
                n.leader,
                n.election_epoch,
            )
        {
            self.logicalclock = n.election_epoch;
            return Some(self.decide_for(n));
        }
        None
    }

    fn decide_for(&self, n: Notification) -> Decision {
        Decision {
            vote: Vote::new(n.leader, n.zxid, n.election_epoch, n.peer_epoch),
            state: self.state_for(n.leader),
        }
    }

    /// `setPeerState(proposedLeader, ...)`: LEADING if it is me, else `learningState()`.
    fn state_for(&self, leader: Sid) -> ServerState {
        if leader == self.myid {
            ServerState::Leading
        } else if self.qv.is_voter(self.myid) {
            ServerState::Following
        } else {
            ServerState::Observing
        }
    }

    /// `checkLeader(votes, leader, electionEpoch)`.
    fn check_leader(&self, votes: &BTreeMap<Sid, Vote>, leader: Sid, election_epoch: i64) -> bool {
        if leader != self.myid {
            votes
                .get(&leader)
                .is_some_and(|v| v.state == ServerState::Leading)
        } else {
            self.logicalclock == election_epoch
        }
    }

    /// `getVoteTracker(votes, vote)`: the sids whose vote equals `vote`.
    fn vote_tracker(
        qv: &QuorumMaj,
        votes: &BTreeMap<Sid, Vote>,
        vote: &Vote,
    ) -> SyncedLearnerTracker {
        let mut tracker = SyncedLearnerTracker::new(qv.clone());
        for (sid, v) in votes {
            if v.zk_equals(vote) {
                tracker.add_ack(*sid);
            }
        }
        tracker
    }

    /// The poll timed out: re-send (or reconnect) and back off, or, in the finalize wait, decide.
    pub fn on_timer(
        &mut self,
        now: Time,
        qcm: &mut QuorumCnxManager,
        out: &mut Outbox,
    ) -> Option<Decision> {
        let round = self.round.as_mut()?;
        match round.wait {
            Wait::Finalize { .. } => {
                let decision = Decision {
                    vote: self.get_vote(),
                    state: self.state_for(self.proposed_leader),
                };
                self.leave_instance(out);
                Some(decision)
            }
            Wait::Poll { .. } => {
                if qcm.have_delivered() {
                    self.send_notifications(qcm, out);
                } else {
                    qcm.connect_all(out);
                }
                let round = self.round.as_mut()?;
                // Never reset within one lookForLeader call.
                round.not_timeout_ms = (round.not_timeout_ms * 2).min(MAX_NOTIFICATION_INTERVAL_MS);
                self.poll_again(now, out)
            }
        }
    }

    /// `leaveInstance`: the round is over.
    fn leave_instance(&mut self, out: &mut Outbox) {
        self.round = None;
        out.push(Effect::CancelTimer {
            timer: Timer::FleRecvPoll,
        });
    }

    /// Abandon a running round (the peer crashed or shut down).
    pub fn stop(&mut self) {
        self.round = None;
    }

    pub fn is_running(&self) -> bool {
        self.round.is_some()
    }

    pub fn view(&self) -> ElectionView {
        let agreeing = self
            .round
            .as_ref()
            .map(|r| {
                let mine = self.get_vote();
                r.recvset
                    .iter()
                    .filter(|(_, v)| v.zk_equals(&mine))
                    .map(|(s, _)| *s)
                    .collect()
            })
            .unwrap_or_default();
        ElectionView {
            logicalclock: self.logicalclock,
            proposed_leader: self.proposed_leader,
            proposed_zxid: self.proposed_zxid,
            proposed_epoch: self.proposed_epoch,
            agreeing,
            running: self.round.is_some(),
        }
    }

    /// The `lookForLeader` thread, while a round runs: its poll, and the voters whose vote
    /// equals my proposal as the set it waits to fill.
    pub fn thread_view(&self) -> Option<ThreadView> {
        let round = self.round.as_ref()?;
        let view = self.view();
        let (phase, since, deadline) = match round.wait {
            Wait::Poll { since, deadline } => (
                ElectionPhase::Poll {
                    round: self.logicalclock,
                    timeout_ms: round.not_timeout_ms,
                    proposal: self.proposed_leader,
                },
                since,
                deadline,
            ),
            Wait::Finalize { since, deadline } => (
                ElectionPhase::FinalizeWait {
                    round: self.logicalclock,
                    proposal: self.proposed_leader,
                },
                since,
                deadline,
            ),
        };
        Some(ThreadView {
            thread: ThreadId::FastLeaderElection,
            phase: ThreadPhase::LookForLeader(phase),
            wait: Some(crate::peer::Wait {
                monitor: Monitor::RecvQueue,
                since,
                deadline,
                have: view.agreeing,
                need: self.qv.quorum_size(),
                needs_self: None,
            }),
        })
    }
}

#[cfg(test)]
mod tests;
