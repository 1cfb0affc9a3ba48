//! The views: each a small `#[component]` with `PartialEq` props, one per file (SG-21).

pub mod app;
pub mod cluster_view;
pub mod connection_line;
pub mod control_bar;
pub mod error_page;
pub mod event_log;
pub mod inspector;
pub mod legend;
pub mod message_pill;
pub mod peer_card;
pub mod status_line;
