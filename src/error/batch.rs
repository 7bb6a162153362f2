//! Message Batches calls the client refuses itself, before or instead of sending: limits,
//! `custom_id` rules, results that are not there yet or live on another origin.

use super::ErrorType;
use crate::request_id::RequestIds;

/// Why a Message Batches call was refused or broke off on the client's side.
///
/// [`Error::error_type`](super::Error::error_type) maps each to the taxonomy: over the
/// limits is [`ErrorType::RequestTooLarge`], like the API's own 413; a bad `custom_id` is
/// [`ErrorType::InvalidRequest`].
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// More requests than a batch takes; nothing was sent.
    #[error(
        "request_too_large: the batch has {count} requests, over the limit of {limit}; split it (the batch runner does); nothing was sent"
    )]
    TooManyRequests {
        /// How many requests the batch has.
        count: usize,
        /// The most a batch takes (100,000).
        limit: usize,
    },
    /// A batch without requests; nothing was sent.
    #[error("invalid_request_error: a batch needs at least one request; nothing was sent")]
    Empty,
    /// A `custom_id` that is empty or longer than 64 characters; nothing was sent.
    #[error(
        "invalid_request_error: request {index} has a custom_id of {len} characters; it must have 1 to {max}; nothing was sent"
    )]
    InvalidCustomId {
        /// The request's position in the batch (from 0).
        index: usize,
        /// The custom_id's length in characters.
        len: usize,
        /// The longest allowed (64).
        max: usize,
    },
    /// Two requests with the same `custom_id`; nothing was sent.
    #[error(
        "invalid_request_error: requests {first} and {second} share the custom_id {custom_id:?}; custom_ids must be unique in a batch; nothing was sent"
    )]
    DuplicateCustomId {
        /// The repeated custom_id.
        custom_id: String,
        /// The first request that has it (from 0).
        first: usize,
        /// The second request that has it.
        second: usize,
    },
    /// The batch has no `results_url` yet (it has not ended).
    #[error("batch {batch_id} has no results yet (processing_status {status}) ({request_ids})")]
    ResultsNotReady {
        /// The batch's ID.
        batch_id: String,
        /// Its `processing_status`.
        status: String,
        /// Both IDs of the response that said so.
        request_ids: RequestIds,
    },
    /// The batch's `results_url` is not on the client's own origin: nothing was sent there,
    /// so no credentials, workspace ID or token reached another host.
    #[error(
        "batch {batch_id}'s results_url is on {results_origin}, not on the client's origin {client_origin}; refusing to send credentials there ({request_ids})"
    )]
    ForeignResultsUrl {
        /// The batch's ID.
        batch_id: String,
        /// The origin (scheme, host, port) of the results URL.
        results_origin: String,
        /// The client's origin.
        client_origin: String,
        /// Both IDs of the response that named the URL.
        request_ids: RequestIds,
    },
}

impl BatchError {
    /// The taxonomy type.
    pub fn error_type(&self) -> Option<&'static ErrorType> {
        static TOO_LARGE: ErrorType = ErrorType::RequestTooLarge;
        static INVALID: ErrorType = ErrorType::InvalidRequest;
        match self {
            Self::TooManyRequests { .. } => Some(&TOO_LARGE),
            Self::Empty | Self::InvalidCustomId { .. } | Self::DuplicateCustomId { .. } => {
                Some(&INVALID)
            }
            _ => None,
        }
    }

    /// Both request IDs, when a response was involved.
    pub fn request_ids(&self) -> Option<&RequestIds> {
        match self {
            Self::ResultsNotReady { request_ids, .. }
            | Self::ForeignResultsUrl { request_ids, .. } => Some(request_ids),
            _ => None,
        }
    }
}
