//! `beta:skills …` and `beta:skills:versions …`: Agent Skills from the shell.

mod args;

use std::path::Path;

use anthropic_aws::resources::SkillUpload;
use anthropic_aws::types::SkillListParams;

use self::args::{FilesArgs, ListArgs, VersionListArgs};
pub use self::args::{SkillsCommand, VersionsCommand};
use crate::args::Global;
use crate::connect::client;
use crate::errors::CliError;
use crate::output::Output;

/// Runs one `beta:skills` subcommand.
pub async fn run(global: &Global, command: SkillsCommand) -> Result<(), CliError> {
    let out = Output::new(global);
    match command {
        SkillsCommand::Create(args) => {
            let mut upload = upload(&args.files)?;
            if let Some(title) = &args.display_title {
                upload = upload.display_title(title);
            }
            let client = client(global).await?;
            let skill = client.skills().create(upload).await?;
            out.value(&*skill)
        }
        SkillsCommand::List(args) => list(global, out, &args).await,
        SkillsCommand::Retrieve(args) => {
            let client = client(global).await?;
            let skill = client.skills().retrieve(args.id()).await?;
            out.value(&*skill)
        }
        SkillsCommand::Delete(args) => {
            let client = client(global).await?;
            let deleted = client.skills().delete(args.id()).await?;
            out.value(&*deleted)
        }
    }
}

/// Runs one `beta:skills:versions` subcommand.
pub async fn run_versions(global: &Global, command: VersionsCommand) -> Result<(), CliError> {
    let out = Output::new(global);
    match command {
        VersionsCommand::Create(args) => {
            let upload = upload(&args.files)?;
            let client = client(global).await?;
            let version = client
                .skills()
                .versions()
                .create(args.skill.id(), upload)
                .await?;
            out.value(&*version)
        }
        VersionsCommand::List(args) => list_versions(global, out, &args).await,
        VersionsCommand::Retrieve(args) => {
            let client = client(global).await?;
            let versions = client.skills().versions();
            let version = versions.retrieve(&args.skill_id, args.version()).await?;
            out.value(&*version)
        }
        VersionsCommand::Delete(args) => {
            let client = client(global).await?;
            let versions = client.skills().versions();
            let deleted = versions.delete(&args.skill_id, args.version()).await?;
            out.value(&*deleted)
        }
    }
}

/// The upload of `--file`s: a folder as a whole, a file under its parent folder's name.
fn upload(args: &FilesArgs) -> Result<SkillUpload, CliError> {
    let mut upload = SkillUpload::new();
    for path in &args.files {
        if path.is_dir() {
            upload = upload.add_dir(path);
        } else if path.is_file() {
            upload = upload.file(upload_name(path), path);
        } else {
            return Err(CliError::usage(format!(
                "--file {}: no such file or folder",
                path.display()
            )));
        }
    }
    Ok(upload)
}

/// `parent/name` for a single file (`my-skill/SKILL.md`).
fn upload_name(path: &Path) -> String {
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match abs.parent().and_then(Path::file_name) {
        Some(parent) => format!("{}/{name}", parent.to_string_lossy()),
        None => name,
    }
}

async fn list(global: &Global, out: Output<'_>, args: &ListArgs) -> Result<(), CliError> {
    let mut params = SkillListParams::new();
    params.limit = args.paging.limit;
    params.page.clone_from(&args.paging.page);
    params.source = args.source.as_deref().map(Into::into);
    let client = client(global).await?;
    let items = client.skills().list_all(&params);
    out.items(items, args.paging.max.max_items).await
}

async fn list_versions(
    global: &Global,
    out: Output<'_>,
    args: &VersionListArgs,
) -> Result<(), CliError> {
    let params = args.paging.params();
    let client = client(global).await?;
    let items = client
        .skills()
        .versions()
        .list_all(args.skill.id(), &params);
    out.items(items, args.paging.max.max_items).await
}
