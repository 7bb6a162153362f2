//! [`SkillUpload`]: the files of a skill (a folder, or files one by one) and how they go on
//! the wire: one `multipart/form-data` part `files[]` per file, named by its relative path
//! (`my-skill/SKILL.md`), plus `display_title` when set; streamed from disk.

use std::path::PathBuf;

use bytes::Bytes;

use crate::error::{Error, FileError};
use crate::resources::multipart::{Multipart, Part, PartBody, regular_file_len};

/// The multipart field of each file, as the official SDKs name it.
const FILES_FIELD: &str = "files[]";

/// The files of a skill, for [`Skills::create`](super::Skills::create) and
/// [`SkillVersions::create`](super::SkillVersions::create).
///
/// All files must be under one top-level directory with a `SKILL.md` directly in it (the
/// platform checks; for example `my-skill/SKILL.md`, `my-skill/scripts/run.py`). Files are
/// read from disk as they are sent (twice with SigV4: once for the payload hash), never held
/// in memory.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use anthropic_aws::resources::SkillUpload;
/// // Every file under ./my-skill, named my-skill/SKILL.md, my-skill/scripts/run.py, …
/// let skill = client
///     .skills()
///     .create(SkillUpload::dir("my-skill").display_title("My skill"))
///     .await?;
/// // Or file by file.
/// let files = SkillUpload::new()
///     .file("my-skill/SKILL.md", "build/SKILL.md")
///     .bytes("my-skill/notes.txt", "some notes");
/// client.skills().versions().create(&skill.id, files).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct SkillUpload {
    dirs: Vec<PathBuf>,
    files: Vec<(String, Source)>,
    display_title: Option<String>,
}

#[derive(Debug, Clone)]
enum Source {
    Path(PathBuf),
    Bytes(Bytes),
}

impl SkillUpload {
    /// No files yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every regular file under the folder at `path`, named by its path relative to the
    /// folder's parent (`<folder name>/<path inside>`, with `/` separators), in sorted order.
    pub fn dir(path: impl Into<PathBuf>) -> Self {
        Self::new().add_dir(path)
    }

    /// Adds every file under another folder (see [`dir`](Self::dir)).
    #[must_use]
    pub fn add_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.dirs.push(path.into());
        self
    }

    /// Adds the file at `path`, uploaded as `name` (e.g. `my-skill/SKILL.md`).
    #[must_use]
    pub fn file(mut self, name: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        self.files.push((name.into(), Source::Path(path.into())));
        self
    }

    /// Adds `data`, in memory, uploaded as `name`.
    #[must_use]
    pub fn bytes(mut self, name: impl Into<String>, data: impl Into<Bytes>) -> Self {
        self.files.push((name.into(), Source::Bytes(data.into())));
        self
    }

    /// The skill's display title (sent by [`Skills::create`](super::Skills::create) only).
    #[must_use]
    pub fn display_title(mut self, title: impl Into<String>) -> Self {
        self.display_title = Some(title.into());
        self
    }

    /// The names the files will be uploaded as, folders walked; for previews and tests.
    ///
    /// # Errors
    /// When a folder cannot be read.
    pub async fn names(&self) -> Result<Vec<String>, Error> {
        Ok(self
            .clone()
            .resolve()
            .await?
            .into_iter()
            .map(|p| p.filename.unwrap_or_default())
            .collect())
    }

    /// The multipart body: `display_title` first when `with_title`, then one part a file.
    pub(super) async fn into_multipart(self, with_title: bool) -> Result<Multipart, Error> {
        let title = self.display_title.clone().filter(|_| with_title);
        let mut parts = Vec::new();
        if let Some(title) = title {
            parts.push(Part::text("display_title", &title));
        }
        parts.extend(self.resolve().await?);
        Ok(Multipart::new(parts))
    }

    async fn resolve(self) -> Result<Vec<Part>, Error> {
        let mut parts = Vec::new();
        for dir in &self.dirs {
            let walked = walk(dir.clone()).await?;
            for (name, path, len) in walked {
                parts.push(file_part(name, PartBody::File { path, len }));
            }
        }
        for (name, source) in self.files {
            let body = match source {
                Source::Bytes(data) => PartBody::Bytes(data),
                Source::Path(path) => {
                    let len = regular_file_len(&path).await?;
                    PartBody::File { path, len }
                }
            };
            parts.push(file_part(name, body));
        }
        Ok(parts)
    }
}

fn file_part(name: String, body: PartBody) -> Part {
    let mime = mime_guess::from_path(&name)
        .first_or_octet_stream()
        .essence_str()
        .to_owned();
    Part {
        name: FILES_FIELD.to_owned(),
        filename: Some(name),
        content_type: Some(mime),
        body,
    }
}

/// Every regular file under `root`: (upload name, path, length), sorted by name.
async fn walk(root: PathBuf) -> Result<Vec<(String, PathBuf, u64)>, Error> {
    let top = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "skill".to_owned());
    let mut found = Vec::new();
    let mut pending = vec![(root, top)];
    while let Some((dir, prefix)) = pending.pop() {
        let mut entries = tokio::fs::read_dir(&dir)
            .await
            .map_err(|e| FileError::io("read the folder", &dir, e))?;
        while let Some(entry) = entries
            .next_entry()
            .await
            .map_err(|e| FileError::io("read the folder", &dir, e))?
        {
            let path = entry.path();
            let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
            let meta = tokio::fs::metadata(&path)
                .await
                .map_err(|e| FileError::io("read the metadata of", &path, e))?;
            if meta.is_dir() {
                pending.push((path, name));
            } else if meta.is_file() {
                found.push((name, path, meta.len()));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_folder_is_walked_into_relative_names_under_its_own_name() {
        let root = tempfile::tempdir().unwrap();
        let skill = root.path().join("my-skill");
        std::fs::create_dir_all(skill.join("scripts/deep")).unwrap();
        std::fs::write(skill.join("SKILL.md"), "---\nname: my-skill\n---\n").unwrap();
        std::fs::write(skill.join("scripts/run.py"), "print(1)").unwrap();
        std::fs::write(skill.join("scripts/deep/x.json"), "{}").unwrap();
        let upload = SkillUpload::dir(&skill).bytes("my-skill/extra.txt", "e");
        let names = upload.names().await.unwrap();
        assert_eq!(
            names,
            [
                "my-skill/SKILL.md",
                "my-skill/scripts/deep/x.json",
                "my-skill/scripts/run.py",
                "my-skill/extra.txt"
            ]
        );
        let missing = SkillUpload::dir(root.path().join("nope")).names().await;
        assert!(matches!(missing, Err(Error::File(FileError::Io { .. }))));
    }
}
