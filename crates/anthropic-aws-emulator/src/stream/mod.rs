//! Server-sent events: the Anthropic event sequence of an answer
//! (`events`), the changes a [`StreamScript`](crate::StreamScript) makes to
//! it (`script`), and the streaming response bodies (`body`). The
//! dependencies run one way: `body` uses `script`, which uses `events`.

mod body;
mod events;
mod script;

pub(crate) use body::{
    BodyError, EventBody, EventStream, PartialBody, cut_after_flush, event_stream,
};
