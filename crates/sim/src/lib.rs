//! The deterministic world ZabScope runs ZooKeeper's protocol in: simulated time, one seeded
//! generator with a stream per purpose, a TCP-like network with partitions, crashes and
//! restarts, and the event log every view is drawn from.
//!
//! One seed and one set of options fully determine a run, natively and in wasm, bit for bit.
//! A `§` in a comment names a section of `docs/protocol.md`.

pub mod bugs;
pub mod checker;
pub mod clients;
pub mod event_queue;
pub mod golden;
pub mod hunt;
pub mod jvm_timing;
pub mod moments;
pub mod network;
pub mod rng;
pub mod scenario;
pub mod session;
pub mod simulation;
pub mod swarm;
pub mod testkit;
pub mod trace;
pub mod trace_file;

pub use jvm_timing::JvmTiming;
pub use simulation::{Disk, InFlight, ServerStatus, SimOptions, Simulation, StartPlan};
pub use trace::{LogEntry, LogEvent, MsgId};
