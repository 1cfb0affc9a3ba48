//! The clients panel as plain data (issue 12): each session client of the run, the server it
//! is attached to, its session, and the last thing it did or was told, read from the log up
//! to the position.

use sim::clients::ClientState;
use sim::{LogEntry, LogEvent, Simulation};
use zab::Sid;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRow {
    pub id: u32,
    /// The server it is connected or connecting to (the last one, once disconnected).
    pub server: Sid,
    /// Its state in words.
    pub state: &'static str,
    /// For the CSS modifier: `connected`, `connecting`, `lost`, `closed`, `expired`.
    pub modifier: &'static str,
    pub session: Option<String>,
    /// Its newest log line up to the position, with its time (ms).
    pub last: Option<(u64, String)>,
}

/// Every client, in order of arrival; empty when the run has none.
pub fn client_rows(sim: &Simulation, log: &[LogEntry]) -> Vec<ClientRow> {
    let mut rows: Vec<ClientRow> = sim
        .clients()
        .map(|c| {
            let (state, modifier) = match c.state {
                ClientState::Connecting => ("connecting", "connecting"),
                ClientState::Connected => ("connected", "connected"),
                ClientState::Disconnected => ("connection lost; will try the next server", "lost"),
                ClientState::Closed => ("session closed", "closed"),
                ClientState::Expired => ("session expired", "expired"),
                ClientState::GaveUp => ("connection lost; does not reconnect", "lost"),
            };
            ClientRow {
                id: c.id.0,
                server: c.server,
                state,
                modifier,
                session: c.session.map(|s| s.to_string()),
                last: None,
            }
        })
        .collect();
    let mut missing = rows.len();
    for e in log.iter().rev() {
        if missing == 0 {
            break;
        }
        if let LogEvent::Client { client, sid, event } = &e.event {
            if let Some(row) = rows
                .iter_mut()
                .find(|r| r.id == client.0 && r.last.is_none())
            {
                row.last = Some((e.time.0, describe::client_event(*client, *sid, event)));
                missing -= 1;
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::session::{RunSpec, Session, UserAction};

    #[test]
    fn test_a_client_connected_by_hand_is_listed_with_its_session_and_last_line() {
        let mut s = Session::new(RunSpec::new(1, 3, 0)).expect("a run");
        s.seek(400);
        s.act(UserAction::Connect(Sid(2))).expect("always allowed");
        assert_eq!(client_rows(s.sim(), s.log()).len(), 1);
        s.seek(900);
        let rows = client_rows(s.sim(), s.log());
        let r = &rows[0];
        assert_eq!((r.id, r.server, r.state), (1, Sid(2), "connected"));
        assert!(r.session.as_deref().is_some_and(|x| x.starts_with("0x")));
        let (_, last) = r.last.as_ref().expect("a log line");
        assert!(last.contains("client 1"), "{last}");
        // Before it connected, at the start, there is no client at all.
        s.seek(0);
        assert!(client_rows(s.sim(), s.log()).is_empty());
    }
}
