//! A `tracing` layer that captures the fields of every `anthropic_aws.request` span, as they
//! are recorded, for tests that check the span's attributes.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Subscriber, subscriber::DefaultGuard};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The fields of one span, as text.
pub type Fields = BTreeMap<String, String>;

/// Every `anthropic_aws.request` span seen, in the order they opened.
#[derive(Clone, Default)]
pub struct Captured {
    spans: Arc<Mutex<Vec<(Id, Fields)>>>,
}

impl Captured {
    /// Captures spans on this thread until the guard drops (the tests run on a
    /// current-thread runtime).
    pub fn install() -> (Self, DefaultGuard) {
        let captured = Self::default();
        let subscriber = tracing_subscriber::registry().with(captured.clone());
        (
            captured.clone(),
            tracing::subscriber::set_default(subscriber),
        )
    }

    /// The fields of every request span.
    pub fn spans(&self) -> Vec<Fields> {
        let spans = self.spans.lock().unwrap();
        spans.iter().map(|(_, fields)| fields.clone()).collect()
    }

    /// The only request span.
    pub fn only(&self) -> Fields {
        let spans = self.spans();
        assert_eq!(spans.len(), 1, "one request span: {spans:#?}");
        spans.into_iter().next().unwrap()
    }
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Captured {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _ctx: Context<'_, S>) {
        if attrs.metadata().name() != "anthropic_aws.request" {
            return;
        }
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        self.spans.lock().unwrap().push((id.clone(), fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        let mut spans = self.spans.lock().unwrap();
        if let Some((_, fields)) = spans.iter_mut().rev().find(|(span, _)| span == id) {
            values.record(&mut Visitor(fields));
        }
    }
}
