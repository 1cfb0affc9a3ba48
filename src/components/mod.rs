//! The views: each a small `#[component]` with `PartialEq` props, one per file (SG-21).

pub mod accept_flash;
pub mod announcer;
pub mod app;
pub mod build_progress;
pub mod cluster_view;
pub mod connection_line;
pub mod control_bar;
pub mod embed_frame;
pub mod epoch_gauge;
pub mod error_page;
pub mod event_log;
pub mod fault_bar;
pub mod help_overlay;
pub mod inspector;
pub mod legend;
pub mod message_panel;
pub mod message_pill;
pub mod narration;
pub mod partition_mark;
pub mod peer_card;
pub mod run_bar;
pub mod space_time;
pub mod stats_panel;
pub mod status_line;
pub mod timeline;
pub mod tour_panel;
