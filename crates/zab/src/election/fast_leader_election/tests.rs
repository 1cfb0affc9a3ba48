//! Table tests of totalOrderPredicate and the vote tally (written by a helper).
