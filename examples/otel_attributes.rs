//! The OpenTelemetry semantic-convention attributes on each call's `anthropic_aws.request`
//! span, printed by a plain `tracing-subscriber` layer when the span closes, for three calls
//! against the local platform: a message, a streamed message, and one that fails.
//!
//! ```text
//! cargo run --example otel_attributes
//! ```
//!
//! With `tracing-opentelemetry` installed instead of this layer, the same fields become the
//! exported span's attributes (`otel.name` its name, `otel.kind` its kind).

use std::collections::BTreeMap;
use std::fmt;

use anthropic_aws::Client;
use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws_emulator::{Emulator, Fault};
use tracing::Subscriber;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The fields recorded on a span so far.
#[derive(Default)]
struct Fields(BTreeMap<&'static str, String>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
}

/// Prints every request span's fields when it closes.
struct PrintAttributes;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for PrintAttributes {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
        {
            values.record(fields);
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        if span.name() != "anthropic_aws.request" {
            return;
        }
        println!("span {}", span.name());
        if let Some(fields) = span.extensions().get::<Fields>() {
            for (name, value) in &fields.0 {
                println!("  {name} = {value}");
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(PrintAttributes))?;

    let platform = Emulator::builder()
        .region("us-west-2")
        .workspace_id("wrkspc_otel")
        .access_key("AKIDOTELEXAMPLE", "otel-example-secret-access-key")
        .start()
        .await?;
    let client = Client::builder()
        .base_url(platform.base_url())
        .region("us-west-2")
        .workspace_id("wrkspc_otel")
        .access_key("AKIDOTELEXAMPLE", "otel-example-secret-access-key")
        .max_retries(0)
        .build()
        .await?;
    let params = MessageCreateParams::new(
        "claude-opus-4-8",
        256,
        vec![MessageParam::user("Hello, Claude")],
    );

    println!("# messages().create");
    client.messages().create(&params).await?;

    println!("# messages().stream(..).final_message()");
    client
        .messages()
        .stream(&params)
        .await?
        .final_message()
        .await?;

    println!("# a call the platform answers with 429 rate_limit_error");
    platform.push_fault(Fault::anthropic(429, "rate_limit_error", "slow down"));
    let failed = client.messages().create(&params).await;
    assert!(failed.is_err());
    Ok(())
}
