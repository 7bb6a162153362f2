//! What a failure on the wire is: which timeout fired, a broken connection, or an answer too
//! large to hold, each keeping the status and both request IDs when the headers had arrived.

use http::StatusCode;

use super::body::BodyError;
use super::{MAX_RESPONSE_BYTES, Transport};
use crate::error::{Error, TimeoutKind};
use crate::redact;
use crate::request_id::RequestIds;
use crate::request_options::RequestOptions;
use crate::response::ResponseMeta;

impl Transport {
    /// A successful body that could not be read: too large, or the transport failed while
    /// reading it. Either way the error keeps the response's status and request IDs.
    pub(super) fn body_error(
        &self,
        e: BodyError,
        options: &RequestOptions,
        meta: &ResponseMeta,
    ) -> Error {
        let status = meta.status();
        let request_ids = meta.request_ids().clone();
        match e {
            BodyError::TooLarge { declared } => Error::ResponseTooLarge {
                limit: MAX_RESPONSE_BYTES,
                declared,
                status,
                request_ids,
            },
            BodyError::Transport(e) => {
                self.transport_error(e, options, Some((status, request_ids)))
            }
        }
    }

    /// Classifies a transport failure: which timeout fired, or a connection problem. `after`:
    /// the status and request IDs, when the response headers had arrived.
    pub(crate) fn transport_error(
        &self,
        e: reqwest::Error,
        options: &RequestOptions,
        after: Option<(StatusCode, RequestIds)>,
    ) -> Error {
        let (status, request_ids) = after.unzip();
        // Its `Display` names the URL: not one that carries a password.
        let e = redact::reqwest_error(e);
        let connect_timeout = options
            .connect_timeout
            .unwrap_or(self.config.connect_timeout);
        let (kind, timeout) = match (e.is_timeout(), e.is_connect()) {
            (true, true) => (TimeoutKind::Connect, connect_timeout),
            (true, false) => (TimeoutKind::Request, self.timeout(options)),
            (false, connect) => {
                let message = if connect {
                    format!(
                        "could not connect to {}",
                        redact::redact_url(self.config.base_url.as_str())
                    )
                } else if status.is_some() {
                    "the connection broke while the response body was read".to_owned()
                } else {
                    "the connection failed before a complete response arrived".to_owned()
                };
                return Error::Connection {
                    message,
                    source: Box::new(e),
                    status,
                    request_ids,
                };
            }
        };
        Error::Timeout {
            kind,
            timeout,
            source: Some(Box::new(e)),
            status,
            request_ids,
        }
    }
}
