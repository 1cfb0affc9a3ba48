//! Single-state-machine tests of LearnerHandler (written by a helper).
