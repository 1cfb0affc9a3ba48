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
    /// `n`: one event forward.
    Step,
    /// →: the tour's next step while it is open, else one event forward.
    Forward,
    /// ←: the tour's previous step while it is open, else one event back.
    Back,
    /// Shift+← / Shift+→: to the previous / next phase boundary.
    PhaseBack,
    PhaseForward,
    /// Home: position 0. End: the end of what has been simulated (nothing new is run).
    Home,
    End,
    Faster,
    Slower,
    CrashSelected,
    RestartSelected,
    WriteSelected,
    /// Pause the selected server's process, or let it run again.
    PauseSelected,
    /// A session client connects to the selected server.
    ConnectSelected,
    /// Take back the last fault (stand just before it).
    Undo,
    /// Close the help, else the tour, else the message detail, else the selection.
    Escape,
    ToggleHelp,
}

/// Slider steps one `+` / `−` press moves the speed: a fifth of a decade.
pub const SPEED_KEY_STEP: i32 = 10;

/// The help overlay's table: the keys as printed, and what they do.
pub const BINDINGS: &[(&str, &str)] = &[
    ("Space", "play or pause"),
    ("→  or  n", "one step forward (in the tour: its next step)"),
    ("←", "one step back (in the tour: its previous step)"),
    ("Shift + ←  /  →", "previous / next phase"),
    ("Home  /  End", "the start / the end of what has run"),
    ("+  /  −", "faster / slower (log scale)"),
    ("c", "crash the selected server"),
    ("r", "restart the selected server"),
    ("w", "client write at the selected server"),
    (
        "p",
        "pause / resume the selected server's process (a GC pause, SIGSTOP)",
    ),
    ("k", "a session client connects to the selected server"),
    ("u", "undo the last fault (stand just before it)"),
    ("Esc", "close help, the tour, message, or selection"),
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
/// `key` is `KeyboardEvent.key`; `shift` whether Shift is held (it only matters for the
/// arrows). Presses with Ctrl, Meta or Alt are never ours (browser and OS shortcuts), and
/// nothing is taken while the user types in a form field (`editing`).
pub fn command_for(key: &str, shift: bool, modified: bool, editing: bool) -> Option<KeyCommand> {
    if modified {
        return None;
    }
    if editing {
        // Esc still leaves a field's context (closes help / selection) without typing.
        return (key == "Escape").then_some(KeyCommand::Escape);
    }
    Some(match key {
        " " | "Spacebar" => KeyCommand::TogglePlay,
        "ArrowRight" if shift => KeyCommand::PhaseForward,
        "ArrowLeft" if shift => KeyCommand::PhaseBack,
        "ArrowRight" => KeyCommand::Forward,
        "ArrowLeft" => KeyCommand::Back,
        "Home" => KeyCommand::Home,
        "End" => KeyCommand::End,
        "n" | "N" => KeyCommand::Step,
        "+" | "=" => KeyCommand::Faster,
        "-" | "_" | "−" => KeyCommand::Slower,
        "c" | "C" => KeyCommand::CrashSelected,
        "r" | "R" => KeyCommand::RestartSelected,
        "w" | "W" => KeyCommand::WriteSelected,
        "p" | "P" => KeyCommand::PauseSelected,
        "k" | "K" => KeyCommand::ConnectSelected,
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
            ("ArrowRight", KeyCommand::Forward),
            ("ArrowLeft", KeyCommand::Back),
            ("Home", KeyCommand::Home),
            ("End", KeyCommand::End),
            ("n", KeyCommand::Step),
            ("+", KeyCommand::Faster),
            ("=", KeyCommand::Faster),
            ("-", KeyCommand::Slower),
            ("c", KeyCommand::CrashSelected),
            ("r", KeyCommand::RestartSelected),
            ("w", KeyCommand::WriteSelected),
            ("p", KeyCommand::PauseSelected),
            ("k", KeyCommand::ConnectSelected),
            ("Escape", KeyCommand::Escape),
            ("?", KeyCommand::ToggleHelp),
        ];
        for (key, cmd) in cases {
            assert_eq!(command_for(key, false, false, false), Some(cmd), "{key:?}");
        }
        assert_eq!(command_for("x", false, false, false), None);
        assert_eq!(command_for("ArrowUp", false, false, false), None);
    }

    #[test]
    fn test_shift_arrows_move_by_phase() {
        assert_eq!(
            command_for("ArrowLeft", true, false, false),
            Some(KeyCommand::PhaseBack)
        );
        assert_eq!(
            command_for("ArrowRight", true, false, false),
            Some(KeyCommand::PhaseForward)
        );
        // Shift does not change a letter's meaning here (`N` is `n`).
        assert_eq!(command_for("N", true, false, false), Some(KeyCommand::Step));
        assert_eq!(
            command_for("ArrowLeft", true, false, true),
            None,
            "in a field"
        );
        assert_eq!(command_for("Home", false, false, true), None, "in a field");
    }

    #[test]
    fn test_modifiers_and_form_fields_keep_their_keys() {
        assert_eq!(command_for("c", false, true, false), None, "Ctrl+C copies");
        assert_eq!(command_for("r", false, true, false), None, "Ctrl+R reloads");
        assert_eq!(
            command_for(" ", false, false, true),
            None,
            "Space presses a button"
        );
        assert_eq!(
            command_for("n", false, false, true),
            None,
            "typing in the seed field"
        );
        assert_eq!(
            command_for("Escape", false, false, true),
            Some(KeyCommand::Escape)
        );
        assert!(is_editing_tag("INPUT") && is_editing_tag("button"));
        assert!(!is_editing_tag("svg") && !is_editing_tag("DIV"));
    }

    #[test]
    fn test_the_help_table_lists_each_command_once() {
        assert_eq!(BINDINGS.len(), 14);
        for (keys, what) in BINDINGS {
            assert!(!keys.is_empty() && !what.is_empty());
        }
    }
}
