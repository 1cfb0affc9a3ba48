//! Hooks: the browser's clock enters here and nowhere else; keys and media queries too.

mod use_box;
mod use_keyboard;
mod use_media;
mod use_sim_driver;
mod use_visible;
mod use_width;

pub use use_box::use_box_size;
pub use use_keyboard::use_keyboard;
pub use use_media::use_media_query;
pub use use_sim_driver::{active_frame_loops, use_sim_driver};
pub use use_visible::use_visible;
pub use use_width::use_width;
