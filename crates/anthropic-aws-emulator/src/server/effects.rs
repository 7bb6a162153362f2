//! [`Effects`]: what the scenario and the fault queue ask of an answer,
//! handed from the pipeline to the endpoint handlers.

use crate::scenario::Scenario;

/// What a scenario and the fault queue ask of the answer itself.
pub(super) struct Effects<'a> {
    pub(super) scenario: Option<&'a Scenario>,
    /// Whether the scenario's faults hit this request.
    pub(super) active: bool,
    /// [`Fault::CutBody`](crate::Fault::CutBody) was taken.
    pub(super) cut_body: bool,
    /// A queued fault ([`Fault::Slow`](crate::Fault::Slow) or [`Fault::CutBody`](crate::Fault::CutBody)) was taken
    /// already: a [`Fault::Stream`](crate::Fault::Stream) behind it waits for the next request.
    pub(super) queue_used: bool,
}
