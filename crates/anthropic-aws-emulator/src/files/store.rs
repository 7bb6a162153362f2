//! The files of one emulator: their metadata in memory, their content in a
//! temporary directory on disk (removed with the store).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use serde_json::{Value, json};
use tempfile::{TempDir, TempPath};

use crate::error::ApiError;
use crate::ids::IdGen;
use crate::pages::{CursorPage, Cursors};

use super::content::ContentBody;
use super::info::FileInfo;
use super::options::FileOptions;
use super::upload::Uploaded;

/// Where a file's bytes are.
enum Content {
    /// On disk (the file is removed when this is dropped).
    Disk(TempPath),
    /// Generated while sent.
    Synthetic,
}

struct Stored {
    info: FileInfo,
    content: Content,
}

/// Every file not deleted, by upload order.
#[derive(Default)]
struct Inner {
    next_seq: u64,
    files: BTreeMap<u64, Stored>,
    seqs: HashMap<String, u64>,
}

/// A file to add.
pub(crate) struct NewFile {
    pub(crate) id: String,
    pub(crate) created_at: SystemTime,
    pub(crate) downloadable: bool,
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("file '{id}' was not found"))
}

/// The files of one emulator.
pub(crate) struct FileStore {
    pub(crate) options: FileOptions,
    dir: TempDir,
    cursors: Cursors,
    uploads: AtomicUsize,
    inner: Mutex<Inner>,
}

impl FileStore {
    /// A store with a new, empty directory (in the options' parent
    /// directory, or the system's temporary one); `cursor_key` keys the
    /// list cursors.
    ///
    /// # Errors
    /// When the directory cannot be made.
    pub(crate) fn new(options: FileOptions, cursor_key: u64) -> std::io::Result<Self> {
        let parent = options
            .parent_dir
            .clone()
            .unwrap_or_else(std::env::temp_dir);
        let dir = tempfile::Builder::new()
            .prefix("anthropic-aws-emulator-files-")
            .tempdir_in(parent)?;
        Ok(FileStore {
            options,
            dir,
            cursors: Cursors::new(cursor_key),
            uploads: AtomicUsize::new(0),
            inner: Mutex::new(Inner::default()),
        })
    }

    /// Where uploads are written.
    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn count_upload(&self) {
        self.uploads.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn upload_count(&self) -> usize {
        self.uploads.load(Ordering::SeqCst)
    }

    fn insert(&self, info: FileInfo, content: Content) -> Value {
        let body = info.to_json();
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.seqs.insert(info.id.clone(), seq);
        inner.files.insert(seq, Stored { info, content });
        body
    }

    /// Keeps an upload; answers its metadata.
    pub(crate) fn insert_upload(&self, new: NewFile, uploaded: Uploaded) -> Value {
        let info = FileInfo {
            id: new.id,
            filename: uploaded.filename,
            mime_type: uploaded.mime_type,
            size_bytes: uploaded.size_bytes,
            created_at: new.created_at,
            downloadable: new.downloadable,
            synthetic: false,
        };
        self.insert(info, Content::Disk(uploaded.path))
    }

    /// Adds a synthetic file of `size_bytes`; answers its metadata.
    pub(crate) fn insert_synthetic(
        &self,
        new: NewFile,
        filename: String,
        mime_type: String,
        size_bytes: u64,
    ) -> Value {
        let info = FileInfo {
            id: new.id,
            filename,
            mime_type,
            size_bytes,
            created_at: new.created_at,
            downloadable: new.downloadable,
            synthetic: true,
        };
        self.insert(info, Content::Synthetic)
    }

    /// `GET /v1/files/{id}`.
    pub(crate) fn get(&self, id: &str) -> Result<Value, ApiError> {
        let inner = self.lock();
        inner
            .seqs
            .get(id)
            .and_then(|seq| inner.files.get(seq))
            .map(|f| f.info.to_json())
            .ok_or_else(|| not_found(id))
    }

    /// `DELETE /v1/files/{id}`: forgets the file and removes its content
    /// from disk (a download already under way keeps reading it).
    pub(crate) fn delete(&self, id: &str) -> Result<Value, ApiError> {
        let removed = {
            let mut inner = self.lock();
            let seq = inner.seqs.remove(id).ok_or_else(|| not_found(id))?;
            inner.files.remove(&seq)
        };
        // The file is removed from disk here, outside the lock.
        drop(removed);
        Ok(json!({ "id": id, "type": "file_deleted" }))
    }

    /// The content of a downloadable file, and its MIME type.
    pub(crate) fn content(&self, id: &str) -> Result<(ContentBody, String), ApiError> {
        let (path, info) = {
            let inner = self.lock();
            let stored = inner
                .seqs
                .get(id)
                .and_then(|seq| inner.files.get(seq))
                .ok_or_else(|| not_found(id))?;
            if !stored.info.downloadable {
                return Err(ApiError::invalid_request(format!(
                    "file '{id}' is not downloadable: only files created by the platform \
                     (e.g. by code execution) can be downloaded"
                )));
            }
            let path = match &stored.content {
                Content::Disk(path) => Some(path.to_path_buf()),
                Content::Synthetic => None,
            };
            (path, stored.info.clone())
        };
        let body = match path {
            None => ContentBody::synthetic(info.size_bytes),
            // Deleted meanwhile: as if it had been before.
            Some(path) => match std::fs::File::open(&path) {
                Ok(file) => ContentBody::disk(tokio::fs::File::from_std(file), info.size_bytes),
                Err(_) => return Err(not_found(id)),
            },
        };
        Ok((body, info.mime_type))
    }

    /// A page of files, newest first; `next_page` is the cursor of the
    /// next one, `null` on the last.
    pub(crate) fn list(&self, query: &CursorPage<'_>) -> Result<Value, ApiError> {
        let upto = self.cursors.start(query)?;
        let inner = self.lock();
        let files = inner.files.range(..upto).rev();
        let page = files.map(|(seq, f)| (*seq, f));
        Ok(self.cursors.answer(page, query.limit, |f| f.info.to_json()))
    }

    /// Every file not deleted, oldest first.
    pub(crate) fn infos(&self) -> Vec<FileInfo> {
        self.lock().files.values().map(|f| f.info.clone()).collect()
    }
}

/// A new file id: `file_011CN` and 22 random characters.
pub(crate) fn new_file_id(ids: &IdGen) -> String {
    // `req_011CS` and 22 random characters: keep the characters.
    let random = ids.anthropic().split_off(9);
    format!("file_011CN{random}")
}
