//! Authentication, the AWS front door's way: an API key or a SigV4
//! signature, and what a request names (for the record).

use crate::recorded::RequestAuth;
use crate::sigv4::{self, VerifyOptions};
use crate::state::Shared;

use super::received::Received;
use super::reply::Reply;

/// How `request` tries to authenticate, and the SigV4 access key id it
/// names (never anything secret).
pub(super) fn auth_of(request: &Received) -> (RequestAuth, Option<String>) {
    match request.header("authorization").map(str::trim) {
        Some(value) => match value.split_once(' ') {
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("bearer") => {
                (RequestAuth::ApiKey, None)
            }
            _ => (
                RequestAuth::SigV4,
                sigv4::Authorization::parse(value)
                    .ok()
                    .map(|a| a.access_key_id),
            ),
        },
        None if request.header("x-api-key").is_some() => (RequestAuth::ApiKey, None),
        None => (RequestAuth::None, None),
    }
}

/// API key or SigV4, from exactly one `Authorization` header (or
/// `x-api-key`).
pub(super) fn authenticate(shared: &Shared, request: &Received) -> Result<(), Box<Reply>> {
    // One `Authorization` at most: SigV4 and `Bearer` together is as
    // ambiguous as SigV4 twice.
    let authorization = match sigv4::single_authorization(&request.view()) {
        Ok(value) => value.map(str::trim),
        Err(e) => {
            return Err(Box::new(Reply::aws_error(
                shared,
                e.kind.status(),
                e.kind.error_type(),
                &e.message,
            )));
        }
    };
    let api_key = match authorization {
        Some(value) => match value.split_once(' ') {
            Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => Some(key.trim()),
            _ => None,
        },
        None => request.header("x-api-key").map(str::trim),
    };
    if let Some(key) = api_key {
        let known = shared
            .config
            .api_keys
            .iter()
            .any(|k| sigv4::constant_time_eq(k.as_bytes(), key.as_bytes()));
        return if known {
            Ok(())
        } else {
            Err(Box::new(Reply::anthropic_error(
                shared,
                401,
                "authentication_error",
                "invalid API key",
                None,
            )))
        };
    }
    if authorization.is_none() {
        return Err(Box::new(Reply::aws_error(
            shared,
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )));
    }
    let mut options = VerifyOptions::new(
        shared.config.region.clone(),
        sigv4::SERVICE,
        shared.config.clock.now(),
    );
    options.date_window = shared.config.date_window;
    match sigv4::verify(&request.view(), &shared.config.credentials, &options) {
        Ok(_) => Ok(()),
        Err(e) => Err(Box::new(Reply::aws_error(
            shared,
            e.kind.status(),
            e.kind.error_type(),
            &e.message,
        ))),
    }
}
