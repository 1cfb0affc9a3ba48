//! Feeding a server one input, logging what changed, and carrying out its effects.

use super::*;

impl Simulation {
    /// Feed one input to a running server, log what changed, carry out its effects.
    pub(super) fn input(&mut self, sid: Sid, f: impl FnOnce(&mut QuorumPeer, Time, &mut Outbox)) {
        let now = self.now;
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        let Some(peer) = slot.peer.as_mut() else {
            return;
        };
        debug_assert!(
            slot.pause.is_none(),
            "server {sid} is paused: nothing of it runs"
        );
        let before = peer.state();
        let mut out = std::mem::take(&mut self.outbox);
        f(peer, now, &mut out);
        #[cfg(debug_assertions)]
        peer.check_invariants();
        let after = peer.state();
        // The threads as data, into a reused buffer; logged only where they changed.
        let mut threads = std::mem::take(&mut self.scratch);
        peer.threads_into(&mut threads);
        let unchanged = threads.len() == slot.threads.len()
            && threads
                .iter()
                .zip(&slot.threads)
                .all(|(a, b)| a.same_step(b));
        let threads = if unchanged {
            self.scratch = threads;
            None
        } else {
            Some(threads)
        };
        for effect in out.drain(..) {
            self.apply(sid, effect);
        }
        self.outbox = out;
        if before != after {
            self.push_log(LogEvent::StateChange {
                sid,
                from: before,
                to: after,
            });
        }
        if let Some(threads) = threads {
            self.log_thread_changes(sid, threads);
        }
    }

    /// Log each thread that ended, then each that began or changed, and keep `threads` as
    /// the server's current ones (the old buffer is kept for reuse).
    pub(super) fn log_thread_changes(&mut self, sid: Sid, threads: Vec<ThreadView>) {
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        let old = std::mem::replace(&mut slot.threads, threads);
        let new = &self.slots[&sid].threads;
        let mut changes = Vec::new();
        for t in &old {
            if !new.iter().any(|n| n.thread == t.thread) {
                changes.push(LogEvent::ThreadEnded {
                    sid,
                    thread: t.thread,
                });
            }
        }
        for t in new {
            if !old.iter().any(|o| o.same_step(t)) {
                changes.push(LogEvent::Thread {
                    sid,
                    view: Box::new(t.clone()),
                });
            }
        }
        self.scratch = old;
        for c in changes {
            self.push_log(c);
        }
    }

    pub(super) fn apply(&mut self, sid: Sid, effect: Effect) {
        match effect {
            Effect::Connect {
                channel,
                to,
                timeout_ms,
            } => self.connect(sid, channel, to, timeout_ms),
            Effect::Send { conn, msg } => self.send(sid, conn, msg),
            Effect::Close { conn } => {
                if self.network.get(conn).is_some_and(Connection::is_live) {
                    self.push_log(LogEvent::Close { conn, by: sid });
                    self.close_side(conn, sid);
                }
            }
            Effect::SetTimer { timer, at } => {
                let token = self.next_token;
                self.next_token += 1;
                let slot = self
                    .slots
                    .get_mut(&sid)
                    .expect("effects come from a known server");
                slot.timers.insert(timer, (token, at));
                let incarnation = slot.incarnation;
                self.queue.push(
                    at.max(self.now),
                    Event::Timer {
                        sid,
                        incarnation,
                        timer,
                        token,
                    },
                );
            }
            Effect::CancelTimer { timer } => {
                if let Some(slot) = self.slots.get_mut(&sid) {
                    slot.timers.remove(&timer);
                }
            }
            Effect::ClientReply { client, reply } => self.server_replies(sid, client, reply),
            Effect::NotifyAll { monitor, woke } => {
                self.push_log(LogEvent::NotifyAll {
                    sid,
                    monitor,
                    woke: woke.into(),
                });
            }
            Effect::Note(note) => {
                self.push_log(LogEvent::Note {
                    sid,
                    note: Box::new(note),
                });
            }
            Effect::PersistEpoch { file, epoch } => {
                let d = &mut self.slot_mut(sid).disk.durable;
                match file {
                    EpochFile::Current => d.current_epoch = Some(epoch),
                    EpochFile::Accepted => d.accepted_epoch = Some(epoch),
                }
                self.push_log(LogEvent::PersistEpoch { sid, file, epoch });
            }
            Effect::AppendTxn { txn } => {
                let zxid = txn.zxid;
                self.slot_mut(sid).disk.pending.push(txn);
                self.push_log(LogEvent::AppendTxn { sid, zxid });
            }
            Effect::Fsync => {
                let (lo, hi) = self.options.fsync_ms;
                let at = self.now.plus_ms(self.rng.range(Stream::Disk, lo, hi));
                let slot = self.slot_mut(sid);
                let count = slot.disk.pending.len() as u64;
                let incarnation = slot.incarnation;
                self.queue.push(
                    at,
                    Event::DiskSynced {
                        sid,
                        incarnation,
                        count,
                    },
                );
            }
            Effect::TakeSnapshot {
                snapshot,
                supersedes_log,
            } => {
                let zxid = snapshot.zxid;
                let disk = &mut self.slot_mut(sid).disk;
                disk.durable.snapshot = snapshot;
                if supersedes_log {
                    disk.durable.log.clear();
                    disk.pending.clear();
                }
                self.push_log(LogEvent::TakeSnapshot { sid, zxid });
            }
            Effect::TruncateLog { zxid } => {
                let disk = &mut self.slot_mut(sid).disk;
                let removed: Vec<Zxid> = disk
                    .durable
                    .log
                    .iter()
                    .chain(&disk.pending)
                    .filter(|t| t.zxid > zxid)
                    .map(|t| t.zxid)
                    .collect();
                disk.durable.log.retain(|t| t.zxid <= zxid);
                disk.pending.retain(|t| t.zxid <= zxid);
                self.push_log(LogEvent::TruncateLog {
                    sid,
                    zxid,
                    removed: Box::new(removed),
                });
            }
            Effect::Work { work } => {
                let at = self.now.plus_ms(self.options.jvm.duration_ms(work));
                let incarnation = self.slot_mut(sid).incarnation;
                self.queue.push(
                    at,
                    Event::WorkDone {
                        sid,
                        incarnation,
                        work,
                    },
                );
            }
            Effect::Exit { reason } => {
                self.slot_mut(sid).exiting = true;
                self.push_log(LogEvent::Exit {
                    sid,
                    reason: Box::new(reason),
                });
                self.queue.push(self.now, Event::Crash { sid });
            }
        }
    }

    pub(super) fn slot_mut(&mut self, sid: Sid) -> &mut Slot {
        self.slots
            .get_mut(&sid)
            .expect("effects come from a known server")
    }

    /// The fsync finished: the first `count` pending appends are durable.
    pub(super) fn disk_synced(&mut self, sid: Sid, incarnation: u64, count: u64) {
        let slot = self.slot_mut(sid);
        if slot.incarnation != incarnation || slot.peer.is_none() {
            return;
        }
        if !self.overdue(sid, super::pause::Overdue::DiskSynced { count }) {
            self.disk_synced_now(sid, count);
        }
    }

    /// The fsync's end, seen by the running server.
    pub(super) fn disk_synced_now(&mut self, sid: Sid, count: u64) {
        let slot = self.slot_mut(sid);
        let n = (count as usize).min(slot.disk.pending.len());
        let synced: Vec<Txn> = slot.disk.pending.drain(..n).collect();
        let upto = synced.last().map(|t| t.zxid);
        slot.disk.durable.log.extend(synced);
        self.push_log(LogEvent::Fsync { sid, upto });
        self.input(sid, |p, now, out| p.on_fsync_done(now, out));
    }
}
