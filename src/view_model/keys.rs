//! Keyboard shortcuts: which key does what. Plain data and one pure function, so the help
//! overlay and the keyboard hook read the same table and both are tested natively.
//!
//! ```text
//!   keydown (document) ──key, modifiers, target──▶ command_for ──▶ Action::Key(cmd)
//!                                                                   │
//!                        UiState::apply resolves it against the current state (selection,
//!                        speed, play/pause), so the listener never holds stale state.
//! ```

/// What a shortcut asks for. The reducer decides what it means right now (e.g. `c` crashes
/// the selected server only when one is selected and running).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCommand {
    TogglePlay,
    Step,
    Faster,
    Slower,
    CrashSelected,
    RestartSelected,
    WriteSelected,
    /// Take back the last fault (stand just before it).
    Undo,
    /// Close the help, else the message detail, else the selection.
    Escape,
    ToggleHelp,
}

/// Slider steps one `+` / `−` press moves the speed: a fifth of a decade.
pub const SPEED_KEY_STEP: i32 = 10;

/// The help overlay's table: the keys as printed, and what they do.
pub const BINDINGS: &[(&str, &str)] = &[
    ("Space", "play or pause"),
    ("→  or  n", "one step forward"),
    ("+  /  −", "faster / slower (log scale)"),
    ("c", "crash the selected server"),
    ("r", "restart the selected server"),
    ("w", "client write at the selected server"),
    ("u", "undo the last fault (stand just before it)"),
    ("Esc", "close help, message, or selection"),
    ("?", "show or hide this help"),
];

/// The space-time diagram's own keys, while it has the focus (`SpaceTime` handles them).
pub const DIAGRAM_BINDINGS: &[(&str, &str)] = &[
    ("←  /  →", "pan earlier / later"),
    ("+  /  −", "zoom in / out"),
    ("0", "fit the latest burst of messages"),
    ("f", "follow the cursor"),
];

/// The command for a key press, or `None` to let the browser have it.
///
/// `key` is `KeyboardEvent.key`. Presses with Ctrl, Meta or Alt are never ours (browser and
/// OS shortcuts), and nothing is taken while the user types in a form field (`editing`).
pub fn command_for(key: &str, modified: bool, editing: bool) -> Option<KeyCommand> {
    if modified {
        return None;
    }
    if editing {
        // Esc still leaves a field's context (closes help / selection) without typing.
        return (key == "Escape").then_some(KeyCommand::Escape);
    }
    Some(match key {
        " " | "Spacebar" => KeyCommand::TogglePlay,
        "ArrowRight" | "n" | "N" => KeyCommand::Step,
        "+" | "=" => KeyCommand::Faster,
        "-" | "_" | "−" => KeyCommand::Slower,
        "c" | "C" => KeyCommand::CrashSelected,
        "r" | "R" => KeyCommand::RestartSelected,
        "w" | "W" => KeyCommand::WriteSelected,
        "u" | "U" => KeyCommand::Undo,
        "Escape" | "Esc" => KeyCommand::Escape,
        "?" => KeyCommand::ToggleHelp,
        _ => return None,
    })
}

/// Whether an element with this tag name takes typed keys itself (then shortcuts stay off).
/// Buttons count: Space on a focused button presses it, and must not also toggle play.
pub fn is_editing_tag(tag: &str) -> bool {
    matches!(
        tag.to_ascii_lowercase().as_str(),
        "input" | "select" | "textarea" | "button"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_every_documented_key_maps_to_a_command() {
        let cases = [
            (" ", KeyCommand::TogglePlay),
            ("ArrowRight", KeyCommand::Step),
            ("n", KeyCommand::Step),
            ("+", KeyCommand::Faster),
            ("=", KeyCommand::Faster),
            ("-", KeyCommand::Slower),
            ("c", KeyCommand::CrashSelected),
            ("r", KeyCommand::RestartSelected),
            ("w", KeyCommand::WriteSelected),
            ("Escape", KeyCommand::Escape),
            ("?", KeyCommand::ToggleHelp),
        ];
        for (key, cmd) in cases {
            assert_eq!(command_for(key, false, false), Some(cmd), "{key:?}");
        }
        assert_eq!(command_for("x", false, false), None);
        assert_eq!(command_for("ArrowLeft", false, false), None);
    }

    #[test]
    fn test_modifiers_and_form_fields_keep_their_keys() {
        assert_eq!(command_for("c", true, false), None, "Ctrl+C copies");
        assert_eq!(command_for("r", true, false), None, "Ctrl+R reloads");
        assert_eq!(
            command_for(" ", false, true),
            None,
            "Space presses a button"
        );
        assert_eq!(
            command_for("n", false, true),
            None,
            "typing in the seed field"
        );
        assert_eq!(command_for("Escape", false, true), Some(KeyCommand::Escape));
        assert!(is_editing_tag("INPUT") && is_editing_tag("button"));
        assert!(!is_editing_tag("svg") && !is_editing_tag("DIV"));
    }

    #[test]
    fn test_the_help_table_lists_each_command_once() {
        assert_eq!(BINDINGS.len(), 9);
        for (keys, what) in BINDINGS {
            assert!(!keys.is_empty() && !what.is_empty());
        }
    }
}
