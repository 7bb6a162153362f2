//! [`Effects`]: what the scenario and the fault queue ask of an answer,
//! handed from the pipeline to the endpoint handlers.

use crate::scenario::Scenario;

/// What a scenario and the fault queue ask of the answer itself.
pub(crate) struct Effects<'a> {
    pub(crate) scenario: Option<&'a Scenario>,
    /// Whether the scenario's faults hit this request.
    pub(crate) active: bool,
    /// [`Fault::CutBody`](crate::Fault::CutBody) was taken.
    pub(crate) cut_body: bool,
    /// A queued fault ([`Fault::Slow`](crate::Fault::Slow) or [`Fault::CutBody`](crate::Fault::CutBody)) was taken
    /// already: a [`Fault::Stream`](crate::Fault::Stream) behind it waits for the next request.
    pub(crate) queue_used: bool,
}
