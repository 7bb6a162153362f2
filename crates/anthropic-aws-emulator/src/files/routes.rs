//! The Files routes: `POST` and `GET /v1/files`, and `GET`, `DELETE` and
//! `GET …/content` of `/v1/files/{file_id}`. The files themselves live in
//! `crate::files`; the upload's body was already received, parsed and
//! written to disk while it arrived (`server/upload_body.rs`), before
//! authentication.

use std::sync::PoisonError;

use crate::server::reply::Reply;
use crate::server::{BodyRule, Call, Route};

use crate::error::ApiError;

use super::{FileStore, NewFile, UploadError, byte_range, new_file_id};

/// Bounds of `GET /v1/files?limit=`.
const MAX_PAGE: usize = 1000;

/// The endpoints of Files.
pub(crate) const ROUTES: &[Route] = &[
    Route::post("/v1/files", upload).body(BodyRule::FileUpload),
    Route::get("/v1/files", list),
    Route::get("/v1/files/{file_id}", get),
    Route::delete("/v1/files/{file_id}", delete),
    Route::get("/v1/files/{file_id}/content", content),
];

/// `POST /v1/files`: keeps the uploaded file (or, with the scenario
/// `file-synthetic-bytes=N`, a synthetic one in its place). Counted in
/// [`FileStore::upload_count`] whether or not the body was valid.
fn upload(call: &Call<'_>) -> Reply {
    let store: &FileStore = &call.shared.files;
    store.count_upload();
    let received = call
        .request
        .upload
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .unwrap_or_else(|| {
            Err(UploadError::Invalid(
                "the upload body was not received".into(),
            ))
        });
    let uploaded = match received {
        Ok(uploaded) => uploaded,
        Err(error) => return call.error(&error.into()),
    };
    let scenario = call.effects.scenario;
    let new = NewFile {
        id: new_file_id(&call.shared.ids),
        created_at: call.now(),
        downloadable: scenario
            .and_then(|s| s.file_downloadable)
            .unwrap_or(store.options.downloadable),
    };
    let body = match scenario.and_then(|s| s.file_synthetic_bytes) {
        Some(size) => {
            let new = NewFile {
                downloadable: true,
                ..new
            };
            store.insert_synthetic(
                new,
                uploaded.filename.clone(),
                uploaded.mime_type.clone(),
                size,
            )
        }
        None => store.insert_upload(new, uploaded),
    };
    call.json(Ok(body))
}

/// `GET /v1/files?limit=&page=`: a page of files, newest first.
fn list(call: &Call<'_>) -> Reply {
    let answer = call
        .cursor_page(MAX_PAGE)
        .and_then(|page| call.shared.files.list(&page));
    call.json(answer)
}

/// `GET /v1/files/{file_id}`: the metadata.
fn get(call: &Call<'_>) -> Reply {
    call.json(call.shared.files.get(&call.param(0)))
}

/// `DELETE /v1/files/{file_id}`: forgets the file and removes its content.
fn delete(call: &Call<'_>) -> Reply {
    call.json(call.shared.files.delete(&call.param(0)))
}

/// `GET /v1/files/{file_id}/content`: the bytes of a downloadable file,
/// streamed (cut after `cut-after-bytes=N` more when the scenario's faults
/// hit); a `Range` asks for part of them (`206` with `content-range`, or
/// `416` when no byte satisfies it).
fn content(call: &Call<'_>) -> Reply {
    let (body, mime_type) = match call.shared.files.content(&call.param(0)) {
        Ok(found) => found,
        Err(error) => return call.error(&error),
    };
    let range = call
        .request
        .header("range")
        .map(|h| byte_range(h, body.size()));
    let (mut body, status) = match range {
        None | Some(Ok(None)) => (body, 200),
        Some(Ok(Some(range))) => match body.range(range) {
            Ok(body) => (body, 206),
            Err(e) => return call.error(&ApiError::internal(e.to_string())),
        },
        Some(Err(_)) => {
            let size = body.size();
            let error = ApiError::range_not_satisfiable(format!(
                "Range not satisfiable: the file has {size} bytes"
            ));
            return call
                .error(&error)
                .with_header("content-range", format!("bytes */{size}"));
        }
    };
    let effects = call.effects;
    if effects.active
        && let Some(after) = effects.scenario.and_then(|s| s.cut_after_bytes)
    {
        body.cut_after(after);
    }
    let content_range = (status == 206).then(|| body.content_range());
    let reply = Reply::file_content(call.shared, body, &mime_type)
        .with_status(status)
        .with_header("accept-ranges", "bytes".to_owned());
    match content_range {
        Some(content_range) => reply.with_header("content-range", content_range),
        None => reply,
    }
}
