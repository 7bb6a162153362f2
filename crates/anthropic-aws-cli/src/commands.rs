//! The Messages and Models subcommands, run against a client built from the global options
//! (the other families' are in their own modules; `main.rs` dispatches).

use anthropic_aws::Client;
use anthropic_aws::types::MessageCreateParams;

use crate::args::{Format, Global, MessagesCommand, ModelsCommand};
use crate::connect::client;
use crate::errors::CliError;
use crate::list_args::IdPaging;
use crate::messages;
use crate::output::{Output, StreamPrinter};

/// `messages create` and `messages count-tokens`. Inputs are read and checked before the
/// client is built, so a usage error never waits on credentials. With `--debug`, the request
/// IDs of every response are reported as it arrives, by [`debug::wire`](crate::debug::wire).
pub async fn run_messages(global: &Global, command: MessagesCommand) -> Result<(), CliError> {
    let out = Output::new(global);
    let format = out.format;
    match command {
        MessagesCommand::Create(args) => {
            let (params, stream) = messages::create_params(&args)?;
            if stream && global.format == Some(Format::Raw) {
                return Err(CliError::usage(
                    "--format raw is not available with --stream: use --format jsonl for the \
                     events, or no --format for the text",
                ));
            }
            let client = client(global).await?;
            if stream {
                return stream_message(&client, &params, global, out).await;
            }
            let messages = client.messages();
            if format == Format::Raw {
                let raw = messages.with_raw_response().create(&params).await?;
                return out.bytes(raw.body());
            }
            let message = messages.create(&params).await?;
            out.value(&*message)
        }
        MessagesCommand::CountTokens(args) => {
            let params = messages::count_tokens_params(&args)?;
            let client = client(global).await?;
            let messages = client.messages();
            if format == Format::Raw {
                let raw = messages.with_raw_response().count_tokens(&params).await?;
                return out.bytes(raw.body());
            }
            let count = messages.count_tokens(&params).await?;
            out.value(&*count)
        }
    }
}

/// `models list` and `models get` (alias `retrieve`).
pub async fn run_models(global: &Global, command: ModelsCommand) -> Result<(), CliError> {
    let out = Output::new(global);
    let format = out.format;
    match command {
        ModelsCommand::List(args) => list_models(global, out, args).await,
        ModelsCommand::Get(args) => {
            let client = client(global).await?;
            let models = client.models();
            if format == Format::Raw {
                let raw = models.with_raw_response().retrieve(args.id()).await?;
                return out.bytes(raw.body());
            }
            let model = models.retrieve(args.id()).await?;
            out.value(&*model)
        }
    }
}

/// `models list`: every page (or `--max-items` models); `jsonl` prints a model a line as pages
/// arrive, other formats print one `{"data": [...]}` at the end. `--format raw` prints the
/// first page as received.
async fn list_models(global: &Global, out: Output<'_>, args: IdPaging) -> Result<(), CliError> {
    let params = args.params();
    let client = client(global).await?;
    let models = client.models();
    if out.format == Format::Raw {
        let raw = models.with_raw_response().list(&params).await?;
        return out.bytes(raw.body());
    }
    out.items(models.list_all(&params), args.max.max_items)
        .await
}

/// `messages create --stream`: the text as it arrives; with `--format jsonl` one event per
/// line; with an explicit `--format json|pretty|yaml` the whole message at the end.
async fn stream_message(
    client: &Client,
    params: &MessageCreateParams,
    global: &Global,
    out: Output<'_>,
) -> Result<(), CliError> {
    use futures_util::StreamExt;

    let mut stream = client.messages().stream(params).await?;
    if let Some(Format::Json | Format::Pretty | Format::Yaml) = global.format {
        let message = stream.final_message().await?;
        return out.value(&*message);
    }
    let events = (global.format == Some(Format::Jsonl)).then_some(out);
    let mut printer = StreamPrinter::new(events);
    while let Some(event) = stream.next().await {
        match event {
            Ok(event) => printer.event(&event, event.text_delta())?,
            Err(e) => {
                printer.interrupted();
                return Err(e.into());
            }
        }
    }
    printer.finish()
}
