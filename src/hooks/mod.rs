//! Hooks: the browser's clock enters here and nowhere else.

mod use_sim_driver;

pub use use_sim_driver::use_sim_driver;
