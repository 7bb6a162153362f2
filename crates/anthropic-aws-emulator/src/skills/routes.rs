//! The Skills routes: `POST` and `GET /v1/skills`, `GET` and `DELETE
//! /v1/skills/{skill_id}`, and the same four under `…/versions`. The
//! skills themselves live in `crate::skills`; an upload's body was buffered
//! by the router (skill uploads are small) and is parsed here.

use crate::server::reply::Reply;
use crate::server::{BodyRule, Call, Route};

use super::{MAX_BODY_BYTES, parse};

/// Bounds of `limit` (skills: at most 100; versions: 1000).
const MAX_SKILLS_PAGE: usize = 100;
const MAX_VERSIONS_PAGE: usize = 1000;

/// The endpoints of Agent Skills.
pub(crate) const ROUTES: &[Route] = &[
    Route::post("/v1/skills", create).body(BodyRule::Buffered(MAX_BODY_BYTES)),
    Route::get("/v1/skills", list),
    Route::get("/v1/skills/{skill_id}", get),
    Route::delete("/v1/skills/{skill_id}", delete),
    Route::post("/v1/skills/{skill_id}/versions", create_version)
        .body(BodyRule::Buffered(MAX_BODY_BYTES)),
    Route::get("/v1/skills/{skill_id}/versions", list_versions),
    Route::get("/v1/skills/{skill_id}/versions/{version}", get_version),
    Route::delete("/v1/skills/{skill_id}/versions/{version}", delete_version),
];

/// `POST /v1/skills`.
fn create(call: &Call<'_>) -> Reply {
    let request = call.request;
    let answer = parse(&request.body, request.header("content-type")).map(|upload| {
        call.shared
            .skills
            .create(&call.shared.ids, upload, call.now())
    });
    call.json(answer)
}

/// `GET /v1/skills?limit=&page=&source=`.
fn list(call: &Call<'_>) -> Reply {
    let answer = call
        .cursor_page(MAX_SKILLS_PAGE)
        .and_then(|page| call.shared.skills.list(&page, call.query("source")));
    call.json(answer)
}

/// `GET /v1/skills/{skill_id}`.
fn get(call: &Call<'_>) -> Reply {
    call.json(call.shared.skills.get(&call.param(0)))
}

/// `DELETE /v1/skills/{skill_id}`.
fn delete(call: &Call<'_>) -> Reply {
    call.json(call.shared.skills.delete(&call.param(0)))
}

/// `POST /v1/skills/{skill_id}/versions`.
fn create_version(call: &Call<'_>) -> Reply {
    let request = call.request;
    let answer = parse(&request.body, request.header("content-type")).and_then(|upload| {
        let skills = &call.shared.skills;
        skills.create_version(&call.param(0), &call.shared.ids, upload, call.now())
    });
    call.json(answer)
}

/// `GET /v1/skills/{skill_id}/versions?limit=&page=`.
fn list_versions(call: &Call<'_>) -> Reply {
    let answer = call
        .cursor_page(MAX_VERSIONS_PAGE)
        .and_then(|page| call.shared.skills.list_versions(&call.param(0), &page));
    call.json(answer)
}

/// `GET /v1/skills/{skill_id}/versions/{version}`.
fn get_version(call: &Call<'_>) -> Reply {
    call.json(
        call.shared
            .skills
            .get_version(&call.param(0), &call.param(1)),
    )
}

/// `DELETE /v1/skills/{skill_id}/versions/{version}`.
fn delete_version(call: &Call<'_>) -> Reply {
    let skills = &call.shared.skills;
    call.json(skills.delete_version(&call.param(0), &call.param(1)))
}
