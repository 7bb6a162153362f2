//! `beta:files …` (alias `files …`): the Files API from the shell, with a progress bar for
//! uploads and downloads on a terminal (progress lines otherwise).

mod args;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use anthropic_aws::resources::FileUpload;

pub use self::args::FilesCommand;
use self::args::{DownloadArgs, UploadArgs};
use crate::args::Global;
use crate::connect::client;
use crate::errors::CliError;
use crate::list_args::CursorPaging;
use crate::output::Output;
use crate::progress::Progress;

/// Runs one `beta:files` subcommand.
pub async fn run(global: &Global, command: FilesCommand) -> Result<(), CliError> {
    let out = Output::new(global);
    match command {
        FilesCommand::Upload(args) => upload(global, out, &args).await,
        FilesCommand::List(args) => list(global, out, &args).await,
        FilesCommand::RetrieveMetadata(args) => {
            let client = client(global).await?;
            let file = client.files().retrieve_metadata(args.id()).await?;
            out.value(&*file)
        }
        FilesCommand::Delete(args) => {
            let client = client(global).await?;
            let deleted = client.files().delete(args.id()).await?;
            out.value(&*deleted)
        }
        FilesCommand::Download(args) => download(global, out, &args).await,
    }
}

/// `upload`: the file's metadata once it is stored.
async fn upload(global: &Global, out: Output<'_>, args: &UploadArgs) -> Result<(), CliError> {
    if !args.file.is_file() {
        return Err(CliError::usage(format!(
            "--file {}: no such file",
            args.file.display()
        )));
    }
    let client = client(global).await?;
    let progress = LazyProgress::new();
    let shown = Arc::clone(&progress);
    let mut upload = FileUpload::path(&args.file)
        .on_progress(move |sent, total| shown.update(sent, Some(total), "uploaded"));
    if let Some(mime) = &args.mime_type {
        upload = upload.mime_type(mime);
    }
    if let Some(name) = &args.filename {
        upload = upload.filename(name);
    }
    let file = client.files().upload(upload).await?;
    progress.finish(format!("uploaded {} as {}", args.file.display(), file.id));
    out.value(&*file)
}

/// `list`: every page (or `--max-items` files); `jsonl` prints a file a line as pages arrive,
/// other formats print one `{"data": [...]}` at the end.
async fn list(global: &Global, out: Output<'_>, args: &CursorPaging) -> Result<(), CliError> {
    let params = args.params();
    let client = client(global).await?;
    out.items(client.files().list_all(&params), args.max.max_items)
        .await
}

/// `download`: to stdout (`-`), or to a path through `<path>.part`; a summary on stdout for
/// a path.
async fn download(global: &Global, out: Output<'_>, args: &DownloadArgs) -> Result<(), CliError> {
    let id = args.file.id();
    let client = client(global).await?;
    let progress = LazyProgress::new();
    let shown = Arc::clone(&progress);
    let files = client
        .files()
        .on_download_progress(move |got, total| shown.update(got, total, "downloaded"));
    if args.output == Path::new("-") {
        let mut stdout = tokio::io::stdout();
        let done = files.download(id, &mut stdout).await?;
        progress.finish(format!("downloaded {} bytes", done.bytes));
        return Ok(());
    }
    let done = files.download_to_path(id, &args.output).await?;
    progress.finish(format!(
        "downloaded {} bytes to {}",
        done.bytes,
        args.output.display()
    ));
    out.value(&serde_json::json!({
        "file_id": done.file_id,
        "bytes": done.bytes,
        "content_type": done.content_type,
        "output": args.output,
    }))
}

/// A byte progress bar made when the first bytes move (only then is the total known).
struct LazyProgress(OnceLock<Progress>);

impl LazyProgress {
    fn new() -> Arc<Self> {
        Arc::new(Self(OnceLock::new()))
    }

    fn update(&self, bytes: u64, total: Option<u64>, verb: &str) {
        let progress = self.0.get_or_init(|| Progress::new(total, true));
        let message = match total {
            Some(total) => format!("{verb} {bytes} of {total} bytes"),
            None => format!("{verb} {bytes} bytes"),
        };
        progress.update(Some(bytes), message);
    }

    fn finish(&self, message: String) {
        if let Some(progress) = self.0.get() {
            progress.finish(message);
        }
    }
}
