//! The Skills routes: `POST` and `GET /v1/skills`, `GET` and `DELETE
//! /v1/skills/{skill_id}`, and the same four under `…/versions`. The
//! skills themselves live in `crate::skills`; an upload's body was buffered
//! by the router (skill uploads are small) and is parsed here.

use serde_json::Value;

use crate::error::ApiError;
use crate::sigv4::percent_decode;
use crate::skills::parse;
use crate::state::Shared;

use crate::server::effects::Effects;
use crate::server::received::Received;
use crate::server::reply::Reply;

/// Default and bounds of `limit` (skills: at most 100; versions: 1000).
const DEFAULT_PAGE: usize = 20;
const MAX_SKILLS_PAGE: usize = 100;
const MAX_VERSIONS_PAGE: usize = 1000;

fn json(shared: &Shared, answer: Result<Value, ApiError>) -> Reply {
    match answer {
        Ok(body) => Reply::anthropic_json(shared, 200, &body),
        Err(error) => Reply::api_error(shared, &error),
    }
}

/// Path parameter `i`, decoded.
fn param(params: &[&str], i: usize) -> String {
    let raw = params.get(i).copied().unwrap_or_default();
    String::from_utf8_lossy(&percent_decode(raw, false)).into_owned()
}

/// The last value of query parameter `name`.
fn query<'q>(pairs: &'q [(String, String)], name: &str) -> Option<&'q str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn limit(pairs: &[(String, String)], max: usize) -> Result<usize, ApiError> {
    match query(pairs, "limit") {
        None => Ok(DEFAULT_PAGE),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid_request(format!(
                "limit: Input should be an integer between 1 and {max}"
            ))),
        },
    }
}

/// `POST /v1/skills`.
pub(crate) fn create(
    shared: &Shared,
    request: &Received,
    _effects: &Effects<'_>,
    _params: &[&str],
) -> Reply {
    let answer = parse(&request.body, request.header("content-type")).map(|upload| {
        let now = shared.config.clock.now();
        shared.skills.create(&shared.ids, upload, now)
    });
    json(shared, answer)
}

/// `GET /v1/skills?limit=&page=&source=`.
pub(crate) fn list(
    shared: &Shared,
    request: &Received,
    _effects: &Effects<'_>,
    _params: &[&str],
) -> Reply {
    let pairs = request.query_pairs();
    let answer = limit(&pairs, MAX_SKILLS_PAGE).and_then(|limit| {
        let page = crate::skills::Page {
            limit,
            page: query(&pairs, "page"),
        };
        shared.skills.list(&page, query(&pairs, "source"))
    });
    json(shared, answer)
}

/// `GET /v1/skills/{skill_id}`.
pub(crate) fn get(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    json(shared, shared.skills.get(&param(params, 0)))
}

/// `DELETE /v1/skills/{skill_id}`.
pub(crate) fn delete(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    json(shared, shared.skills.delete(&param(params, 0)))
}

/// `POST /v1/skills/{skill_id}/versions`.
pub(crate) fn create_version(
    shared: &Shared,
    request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let id = param(params, 0);
    let answer = parse(&request.body, request.header("content-type")).and_then(|upload| {
        let now = shared.config.clock.now();
        shared.skills.create_version(&id, &shared.ids, upload, now)
    });
    json(shared, answer)
}

/// `GET /v1/skills/{skill_id}/versions?limit=&page=`.
pub(crate) fn list_versions(
    shared: &Shared,
    request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let pairs = request.query_pairs();
    let answer = limit(&pairs, MAX_VERSIONS_PAGE).and_then(|limit| {
        let page = crate::skills::Page {
            limit,
            page: query(&pairs, "page"),
        };
        shared.skills.list_versions(&param(params, 0), &page)
    });
    json(shared, answer)
}

/// `GET /v1/skills/{skill_id}/versions/{version}`.
pub(crate) fn get_version(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let answer = shared
        .skills
        .get_version(&param(params, 0), &param(params, 1));
    json(shared, answer)
}

/// `DELETE /v1/skills/{skill_id}/versions/{version}`.
pub(crate) fn delete_version(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let answer = shared
        .skills
        .delete_version(&param(params, 0), &param(params, 1));
    json(shared, answer)
}
