//! `beta:skills …` and `beta:skills:versions …`: the command line, with the `ant` CLI's
//! names (IDs positional or as `--skill-id` / `--version`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::list_args::CursorPaging;

const CREATE_AFTER_HELP: &str = "\
Each --file is a file or a folder (repeatable). A folder's files are uploaded under its own
name (my-skill/SKILL.md, my-skill/scripts/run.py, ...); a single file is uploaded under its
parent folder's name (my-skill/SKILL.md). All files must share one top-level folder with a
SKILL.md directly in it. Files are streamed from disk, never held in memory.

Examples:
  anthropic-aws beta:skills create --file ./my-skill --display-title \"My skill\"
  anthropic-aws beta:skills:versions create skill_01AbC --file ./my-skill";

/// `beta:skills` subcommands.
#[derive(Debug, Subcommand)]
pub enum SkillsCommand {
    /// Create a skill from its files (POST /v1/skills).
    #[command(after_help = CREATE_AFTER_HELP)]
    Create(CreateArgs),
    /// List skills: every page unless --max-items says fewer.
    #[command(mut_arg("limit", |a| a.help("Page size (at most 100)")))]
    List(ListArgs),
    /// Show one skill (GET /v1/skills/{id}).
    Retrieve(SkillIdArgs),
    /// Delete a skill (DELETE /v1/skills/{id}); delete its versions first.
    Delete(SkillIdArgs),
}

/// `beta:skills:versions` subcommands.
#[derive(Debug, Subcommand)]
pub enum VersionsCommand {
    /// Create a version of a skill from its files (POST /v1/skills/{id}/versions).
    #[command(after_help = CREATE_AFTER_HELP)]
    Create(VersionCreateArgs),
    /// List a skill's versions: every page unless --max-items says fewer.
    #[command(mut_arg("limit", |a| a.help("Page size (1 to 1000)")))]
    List(VersionListArgs),
    /// Show one version (GET /v1/skills/{id}/versions/{version}).
    // `--version` names the skill version here, not the tool's own version flag.
    #[command(disable_version_flag = true)]
    Retrieve(VersionArgs),
    /// Delete one version (DELETE /v1/skills/{id}/versions/{version}).
    #[command(disable_version_flag = true)]
    Delete(VersionArgs),
}

/// The files of an upload.
#[derive(Debug, Args)]
pub struct FilesArgs {
    /// A file or folder to upload (repeatable)
    #[arg(long = "file", value_name = "PATH", required = true)]
    pub files: Vec<PathBuf>,
}

/// `create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub files: FilesArgs,

    /// A human-readable title (not part of the prompt)
    #[arg(long, value_name = "TITLE")]
    pub display_title: Option<String>,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub paging: CursorPaging,

    /// Only skills of this source: custom or anthropic
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
}

crate::id_args::id_args!(
    /// A skill ID, positional or as `--skill-id`.
    SkillIdArgs,
    skill_id,
    "The skill ID, skill_…"
);

/// `versions create`.
#[derive(Debug, Args)]
pub struct VersionCreateArgs {
    #[command(flatten)]
    pub skill: SkillIdArgs,

    #[command(flatten)]
    pub files: FilesArgs,
}

/// `versions list`.
#[derive(Debug, Args)]
pub struct VersionListArgs {
    #[command(flatten)]
    pub skill: SkillIdArgs,

    #[command(flatten)]
    pub paging: CursorPaging,
}

/// `versions retrieve|delete`: the version positional or as `--version`, the skill as
/// `--skill-id`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// The version (a Unix epoch timestamp in microseconds, or `latest`)
    #[arg(value_name = "VERSION", required_unless_present = "version")]
    pub positional: Option<String>,

    /// The version (as the `ant` CLI names it)
    #[arg(long, value_name = "VERSION", conflicts_with = "positional")]
    pub version: Option<String>,

    /// The skill ID
    #[arg(long, value_name = "ID")]
    pub skill_id: String,
}

impl VersionArgs {
    /// The version, however it was given (clap makes sure one was).
    pub fn version(&self) -> &str {
        self.positional
            .as_deref()
            .or(self.version.as_deref())
            .unwrap_or_default()
    }
}
