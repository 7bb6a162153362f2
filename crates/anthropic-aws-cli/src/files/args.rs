//! `beta:files …` (alias `files …`): the command line, with the `ant` CLI's names.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::list_args::CursorPaging;

const UPLOAD_AFTER_HELP: &str = "\
The file is streamed from disk (never held in memory) as one multipart/form-data part with its
name and a MIME type guessed from its extension; with SigV4 it is read twice (once to compute
the payload hash the signature covers). Files over 500 MB are refused before anything is sent.

Example:
  anthropic-aws beta:files upload --file report.pdf";

const DOWNLOAD_AFTER_HELP: &str = "\
Only files marked downloadable (e.g. created by code execution) have content to download. The
content goes to OUTPUT.part first and is renamed to OUTPUT once complete: a download that
breaks off leaves nothing at OUTPUT. `--output -` writes to stdout.

Examples:
  anthropic-aws beta:files download file_011CNha8iCJcU1wXNR6q4V8w --output chart.png
  anthropic-aws files download --file-id file_011CNha8iCJcU1wXNR6q4V8w --output - > chart.png";

/// `beta:files` subcommands.
#[derive(Debug, Subcommand)]
pub enum FilesCommand {
    /// Upload a file (POST /v1/files); prints its metadata.
    #[command(after_help = UPLOAD_AFTER_HELP)]
    Upload(UploadArgs),
    /// List files: every page unless --max-items says fewer.
    List(CursorPaging),
    /// Show one file's metadata (GET /v1/files/{id}).
    RetrieveMetadata(FileIdArgs),
    /// Delete a file (DELETE /v1/files/{id}).
    Delete(FileIdArgs),
    /// Download a file's content (GET /v1/files/{id}/content) to a path or stdout.
    #[command(after_help = DOWNLOAD_AFTER_HELP)]
    Download(DownloadArgs),
}

/// `upload`.
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The file to upload
    #[arg(long, value_name = "PATH")]
    pub file: PathBuf,

    /// MIME type [default: guessed from the file's extension]
    #[arg(long, value_name = "TYPE")]
    pub mime_type: Option<String>,

    /// The filename to upload it as [default: the file's own name]
    #[arg(long, value_name = "NAME")]
    pub filename: Option<String>,
}

crate::id_args::id_args!(
    /// A file ID, positional or as `--file-id`.
    FileIdArgs,
    file_id,
    "The file ID, file_…"
);

/// `download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    #[command(flatten)]
    pub file: FileIdArgs,

    /// Where the content goes (`-` for stdout)
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: PathBuf,
}
