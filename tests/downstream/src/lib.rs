//! An example of code a contact-center integrator writes on top of a generated client: an
//! agent leaves a conference, and the application waits for the gateway to confirm it with an
//! event before it updates its own state. Its tests (in `tests/`) run against the simulator.

use std::time::Duration;

use switchboard_huawei_agentgateway::events::Event;
use switchboard_huawei_agentgateway::{Client, leave_agent_conference, poll_events};

/// What the application concludes after asking to leave.
#[derive(Debug, PartialEq, Eq)]
pub enum Departure {
    /// The gateway confirmed: the agent left this conference.
    Left {
        /// The conference the event names.
        conference: Option<i64>,
    },
    /// The agent chairs the conference and must hand it over first.
    MustTransferChairFirst,
    /// The agent is in no conference: nothing to do.
    NotInConference,
    /// No confirmation arrived in time; the application will show the call as uncertain.
    Unconfirmed,
}

/// Errors the application cannot turn into a [`Departure`].
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Asks the gateway to let `agent` leave its conference and waits up to `patience` for the
/// event that confirms it.
pub async fn leave_conference(
    client: &Client,
    agent: &str,
    patience: Duration,
) -> Result<Departure, Error> {
    // Listen before asking, so the confirming event cannot slip past.
    let mut events = client.events(poll_events::Request::builder().agent_id(agent).build()?);
    let request = leave_agent_conference::Request::builder()
        .agent_id(agent)
        .build()?;
    match client.leave_agent_conference(request).await {
        Ok(_) => {}
        Err(leave_agent_conference::Error::ChairCannotLeave(_)) => {
            return Ok(Departure::MustTransferChairFirst);
        }
        Err(leave_agent_conference::Error::NoConference(_)) => {
            return Ok(Departure::NotInConference);
        }
        Err(other) => return Err(other.into()),
    }
    let confirmation = tokio::time::timeout(patience, async {
        loop {
            match events.next_of(&["AgentConf_SelfLeaveResult"]).await {
                Some(Ok(Event::AgentConfSelfLeaveResult(event))) => return Some(event.conf_id),
                Some(Ok(_)) => continue,
                // A lagged or failed poll: keep waiting until the patience runs out.
                Some(Err(_)) => continue,
                None => return None,
            }
        }
    })
    .await;
    Ok(match confirmation {
        Ok(Some(conference)) => Departure::Left { conference },
        _ => Departure::Unconfirmed,
    })
}
