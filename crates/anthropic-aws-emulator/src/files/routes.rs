//! The Files routes: `POST` and `GET /v1/files`, and `GET`, `DELETE` and
//! `GET …/content` of `/v1/files/{file_id}`. The files themselves live in
//! `crate::files`; the upload's body was already received, parsed and
//! written to disk while it arrived (`server/upload_body.rs`), before
//! authentication.

use std::sync::PoisonError;

use serde_json::Value;

use crate::error::ApiError;
use crate::files::{FileStore, NewFile, PageQuery, UploadError, new_file_id};
use crate::sigv4::percent_decode;
use crate::state::Shared;

use crate::server::effects::Effects;
use crate::server::received::Received;
use crate::server::reply::Reply;

/// Default and bounds of `GET /v1/files?limit=`.
const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 1000;

/// A JSON answer, or the error.
fn json(shared: &Shared, answer: Result<Value, ApiError>) -> Reply {
    match answer {
        Ok(body) => Reply::anthropic_json(shared, 200, &body),
        Err(error) => Reply::api_error(shared, &error),
    }
}

/// The `{file_id}` path parameter, decoded.
fn file_id(params: &[&str]) -> String {
    let id = params.first().copied().unwrap_or_default();
    String::from_utf8_lossy(&percent_decode(id, false)).into_owned()
}

/// `POST /v1/files`: keeps the uploaded file (or, with the scenario
/// `file-synthetic-bytes=N`, a synthetic one in its place). Counted in
/// [`FileStore::upload_count`] whether or not the body was valid.
pub(crate) fn upload(
    shared: &Shared,
    request: &Received,
    effects: &Effects<'_>,
    _params: &[&str],
) -> Reply {
    let store: &FileStore = &shared.files;
    store.count_upload();
    let received = request
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
        Err(error) => return Reply::api_error(shared, &error.into()),
    };
    let scenario = effects.scenario;
    let new = NewFile {
        id: new_file_id(&shared.ids),
        created_at: shared.config.clock.now(),
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
    Reply::anthropic_json(shared, 200, &body)
}

/// `GET /v1/files?limit=&page=`: a page of files, newest first.
pub(crate) fn list(
    shared: &Shared,
    request: &Received,
    _effects: &Effects<'_>,
    _params: &[&str],
) -> Reply {
    let query = request.query_pairs();
    let param = |name: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let limit = match param("limit") {
        None => DEFAULT_PAGE,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                return Reply::api_error(
                    shared,
                    &ApiError::invalid_request(format!(
                        "limit: Input should be an integer between 1 and {MAX_PAGE}"
                    )),
                );
            }
        },
    };
    let page = PageQuery {
        limit,
        page: param("page"),
    };
    json(shared, shared.files.list(&page))
}

/// `GET /v1/files/{file_id}`: the metadata.
pub(crate) fn get(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    json(shared, shared.files.get(&file_id(params)))
}

/// `DELETE /v1/files/{file_id}`: forgets the file and removes its content.
pub(crate) fn delete(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    json(shared, shared.files.delete(&file_id(params)))
}

/// `GET /v1/files/{file_id}/content`: the bytes of a downloadable file,
/// streamed (cut after `cut-after-bytes=N` when the scenario's faults hit).
pub(crate) fn content(
    shared: &Shared,
    _request: &Received,
    effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    match shared.files.content(&file_id(params)) {
        Ok((mut body, mime_type)) => {
            if effects.active
                && let Some(after) = effects.scenario.and_then(|s| s.cut_after_bytes)
            {
                body.cut_after(after);
            }
            Reply::file_content(shared, body, &mime_type)
        }
        Err(error) => Reply::api_error(shared, &error),
    }
}
