//! Single-state-machine tests of Leader.lead and its monitors (written by a helper).
