//! ZooKeeper's quorum protocol as sans-IO state machines, with ZooKeeper's names.
//!
//! A `§` in a comment names a section of `docs/protocol.md`, the project's own notes on the
//! protocol, which cite ZooKeeper's Java methods.
//!
//! Every type mirrors a Java class of `org.apache.zookeeper.server.quorum` and says which in
//! its first doc line. A [`peer::QuorumPeer`] never touches a clock, a socket or a random
//! number: the world (the `sim` crate) calls its `on_*` inputs with the current simulated
//! [`Time`] and carries out the [`output::Effect`]s it pushes.
//!
//! ```
//! use zab::{config::QuorumConfig, ids::{Sid, Time}, peer::{DurableState, QuorumPeer}};
//! let config = QuorumConfig::standard(3, 0).expect("a valid shape");
//! let mut peer = QuorumPeer::new(Sid(1), &config, &DurableState::default()).expect("starts");
//! let mut out = Vec::new();
//! peer.start(Time(0), &mut out);
//! // Its first notifications go out to every voter: to peers 2 and 3 that means connecting.
//! assert!(out.iter().any(|e| matches!(e, zab::output::Effect::Connect { .. })));
//! ```

pub mod config;
pub mod election;
pub mod ids;
pub mod leader;
pub mod learner;
pub mod message;
pub mod output;
pub mod packet;
pub mod peer;
pub mod quorum;
pub mod reason;
pub mod sessions;
pub mod zk_database;
pub mod zk_version;

#[cfg(test)]
mod test_fixtures;

pub use ids::{Epoch, Sid, Time, Zxid};
pub use zk_version::ZkVersion;
