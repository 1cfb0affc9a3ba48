//! Ephemerals die with their session (docs/protocol.md §13.2): in every server's data tree,
//! each ephemeral znode's owner is a live session. A closeSession whose apply left an
//! ephemeral behind (ZOOKEEPER-2355's symptom) breaks it.

use super::InvariantViolation;
use zab::zk_database::DataTree;
use zab::Sid;

pub fn check(sid: Sid, tree: &DataTree) -> Result<(), InvariantViolation> {
    for (path, owner) in tree.ephemeral_owner.iter() {
        if !tree.sessions.contains_key(owner) {
            return Err(InvariantViolation::EphemeralWithoutSession {
                sid,
                path: path.clone(),
                session: owner.0,
            });
        }
    }
    Ok(())
}
