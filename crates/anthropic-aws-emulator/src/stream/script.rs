//! A [`StreamScript`]'s changes to the normal sequence: an unknown event,
//! an `error` event, a cut.

use std::collections::VecDeque;

use serde_json::{Value, json};

use crate::faults::StreamScript;
use crate::messages::AnswerPlan;

use super::events::{Event, Kind, Planned};

/// [`Planned`] with a script's unknown event and error event.
#[derive(Debug)]
struct Scripted {
    planned: Planned,
    /// Events to send before the next planned one.
    queued: VecDeque<Event>,
    /// Insert the unknown event after the ping.
    unknown_pending: bool,
    /// Deltas to let through, and the error event that follows them.
    error: Option<(usize, Event)>,
    deltas: usize,
    done: bool,
}

impl Iterator for Scripted {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if let Some(event) = self.queued.pop_front() {
            return Some(event);
        }
        if self.done {
            return None;
        }
        let Some(event) = self.planned.next() else {
            self.done = true;
            return self.error.take().map(|(_, e)| e);
        };
        if let Some((after, _)) = &self.error {
            let hit = match event.kind {
                Kind::Delta => {
                    self.deltas += 1;
                    self.deltas > *after
                }
                Kind::MessageStop => true,
                Kind::Ping | Kind::Other => false,
            };
            if hit {
                self.done = true;
                return self.error.take().map(|(_, e)| e);
            }
        }
        if event.kind == Kind::Ping && self.unknown_pending {
            self.unknown_pending = false;
            self.queued.push_back(Event::new(
                Kind::Other,
                "future_thing",
                &json!({"type": "future_thing", "x": 1}),
            ));
        }
        Some(event)
    }
}

/// [`Scripted`] cut after some events, always before the last one.
#[derive(Debug)]
pub(super) struct Events {
    scripted: Scripted,
    cut: Option<usize>,
    emitted: usize,
    lookahead: Option<Event>,
    finished: bool,
}

impl Iterator for Events {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if self.finished {
            return None;
        }
        let Some(current) = self.lookahead.take().or_else(|| self.scripted.next()) else {
            self.finished = true;
            return None;
        };
        if let Some(limit) = self.cut {
            if self.emitted >= limit {
                self.finished = true;
                return None;
            }
            self.lookahead = self.scripted.next();
            if self.lookahead.is_none() {
                // `current` is the last event: the cut comes before it.
                self.finished = true;
                return None;
            }
        }
        self.emitted += 1;
        Some(current)
    }
}

/// The events of `plan` as `script` shapes them (apart from framing and
/// pacing, which are the body's). `message` is the Message (see
/// [`Planned::new`]; its `content` is not used); `request_id` goes into a
/// scripted `error` event.
pub(super) fn scripted_events(
    message: &Value,
    plan: &AnswerPlan,
    script: &StreamScript,
    request_id: &str,
) -> Events {
    let error = script.error().map(|error| {
        (
            error.after_deltas,
            Event::new(
                Kind::Other,
                "error",
                &json!({
                    "type": "error",
                    "error": {"type": error.error_type, "message": error.message},
                    "request_id": request_id,
                }),
            ),
        )
    });
    let scripted = Scripted {
        planned: Planned::new(message, plan),
        queued: VecDeque::new(),
        unknown_pending: script.has_unknown_event(),
        error,
        deltas: 0,
        done: false,
    };
    Events {
        scripted,
        cut: script.cut(),
        emitted: 0,
        lookahead: None,
        finished: false,
    }
}
