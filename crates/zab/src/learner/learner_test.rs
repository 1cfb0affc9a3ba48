//! Single-state-machine tests of Learner (written by a helper).
