//! Running each subcommand against a client built from the global options.

use anthropic_aws::Client;
use anthropic_aws::types::{ListModelsParams, MessageCreateParams};

use crate::args::{Command, Format, Global, MessagesCommand, ModelsCommand};
use crate::connect::{client, ids};
use crate::errors::CliError;
use crate::{debug, input, output};

/// Runs the command. Inputs are read and checked before the client is built, so a usage
/// error never waits on credentials.
pub async fn run(global: &Global, command: Command) -> Result<(), CliError> {
    let result = dispatch(global, command).await;
    if global.debug
        && let Err(CliError::Call(e)) = &result
        && e.request_ids().is_some()
    {
        debug::request_ids(e.aws_request_id(), e.anthropic_request_id());
    }
    result
}

async fn dispatch(global: &Global, command: Command) -> Result<(), CliError> {
    let format = output::resolve(global.format);
    match command {
        Command::Emulator(args) => crate::emulator::run(args).await,
        Command::MessagesBatches(command) => crate::batches::run(global, command).await,
        Command::BetaFiles(command) => crate::files::run(global, command).await,
        Command::Messages(MessagesCommand::Create(args)) => {
            let (params, stream) = input::create_params(&args)?;
            if stream && global.format == Some(Format::Raw) {
                return Err(CliError::usage(
                    "--format raw is not available with --stream: use --format jsonl for the \
                     events, or no --format for the text",
                ));
            }
            let client = client(global).await?;
            if stream {
                return stream_message(&client, &params, global).await;
            }
            let messages = client.messages();
            if format == Format::Raw {
                let raw = messages.with_raw_response().create(&params).await?;
                ids(global, raw.aws_request_id(), raw.anthropic_request_id());
                return output::bytes(raw.body());
            }
            let message = messages.create(&params).await?;
            ids(
                global,
                message.aws_request_id(),
                message.anthropic_request_id(),
            );
            output::value(format, &*message)
        }
        Command::Messages(MessagesCommand::CountTokens(args)) => {
            let params = input::count_tokens_params(&args)?;
            let client = client(global).await?;
            let messages = client.messages();
            if format == Format::Raw {
                let raw = messages.with_raw_response().count_tokens(&params).await?;
                ids(global, raw.aws_request_id(), raw.anthropic_request_id());
                return output::bytes(raw.body());
            }
            let count = messages.count_tokens(&params).await?;
            ids(global, count.aws_request_id(), count.anthropic_request_id());
            output::value(format, &*count)
        }
        Command::Models(ModelsCommand::List(args)) => {
            let mut params = ListModelsParams::new();
            params.limit = args.limit;
            params.after_id = args.after_id;
            params.before_id = args.before_id;
            let client = client(global).await?;
            let models = client.models();
            if format == Format::Raw {
                let raw = models.with_raw_response().list(&params).await?;
                ids(global, raw.aws_request_id(), raw.anthropic_request_id());
                return output::bytes(raw.body());
            }
            let page = models.list(&params).await?;
            ids(global, page.aws_request_id(), page.anthropic_request_id());
            output::page(format, &*page, &page.data)
        }
        Command::Models(ModelsCommand::Get(args)) => {
            let client = client(global).await?;
            let models = client.models();
            if format == Format::Raw {
                let raw = models.with_raw_response().get(&args.id).await?;
                ids(global, raw.aws_request_id(), raw.anthropic_request_id());
                return output::bytes(raw.body());
            }
            let model = models.get(&args.id).await?;
            ids(global, model.aws_request_id(), model.anthropic_request_id());
            output::value(format, &*model)
        }
    }
}

/// `messages create --stream`: the text as it arrives; with `--format jsonl` one event per
/// line; with an explicit `--format json|pretty|yaml` the whole message at the end.
async fn stream_message(
    client: &Client,
    params: &MessageCreateParams,
    global: &Global,
) -> Result<(), CliError> {
    use futures_util::StreamExt;

    let mut stream = client.messages().stream(params).await?;
    ids(
        global,
        stream.aws_request_id(),
        stream.anthropic_request_id(),
    );
    if let Some(format @ (Format::Json | Format::Pretty | Format::Yaml)) = global.format {
        let message = stream.final_message().await?;
        return output::value(format, &*message);
    }
    let mut printer = output::StreamPrinter::new(global.format == Some(Format::Jsonl));
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
