//! Decision-table tests of syncFollower (written by a helper).
