//! View-model: plain Rust that turns a `Simulation` into what the components draw. No browser
//! here, so all of it is tested natively (SG-20).

pub mod checks;
pub mod clients;
pub mod cluster_model;
pub mod epoch_gauge;
pub mod geometry;
pub mod inspector_model;
pub mod keys;
pub mod labels;
pub mod log_model;
pub mod message_detail;
pub mod motion;
pub mod pill_layout;
pub mod recent;
pub mod speed;
pub mod stage_layout;
pub mod stats;
pub mod sweep;
