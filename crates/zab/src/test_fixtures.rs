//! Small builders shared by the single-state-machine tests.

use crate::ids::{Epoch, Zxid};
use crate::zk_database::{Txn, TxnOp};

/// `epoch:counter` as a zxid.
pub fn z(epoch: i64, counter: u32) -> Zxid {
    Zxid::make(Epoch(epoch), counter)
}

/// A create of `path` = "v".
pub fn op(path: &str) -> TxnOp {
    TxnOp::Create {
        path: path.to_string(),
        data: "v".to_string(),
    }
}

/// The txn `epoch:counter`, a create of `/n<epoch>_<counter>`.
pub fn txn(epoch: i64, counter: u32) -> Txn {
    Txn {
        zxid: z(epoch, counter),
        op: op(&format!("/n{epoch}_{counter}")),
        origin: None,
    }
}
