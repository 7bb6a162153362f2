//! [`ErrorType`]: the taxonomy every API failure lands in, an open wire enum like the others.

use crate::types::macros::open_string_enum;

open_string_enum! {
    /// The kind of an API failure, as the API's `error.type` names it.
    ///
    /// Types the client has never seen are kept in [`ErrorType::Other`], never lost.
    ///
    /// ```
    /// use anthropic_aws::ErrorType;
    /// assert_eq!(ErrorType::RateLimit.as_str(), "rate_limit_error");
    /// assert_eq!(ErrorType::from_wire("brand_new_error"), ErrorType::Other("brand_new_error".into()));
    /// ```
    #[non_exhaustive]
    pub enum ErrorType {
        /// `invalid_request_error` (400, and other 4xx): the request's format or content is wrong.
        InvalidRequest => "invalid_request_error",
        /// `authentication_error` (401): the API key, AWS credentials or SigV4 signature are wrong.
        Authentication => "authentication_error",
        /// `billing_error` (402): billing or payment, in the Claude Console or AWS Marketplace.
        Billing => "billing_error",
        /// `permission_error` (403): the credentials may not use this resource.
        Permission => "permission_error",
        /// `not_found_error` (404): the resource does not exist.
        NotFound => "not_found_error",
        /// `conflict_error` (409): the request conflicts with the resource's current state.
        Conflict => "conflict_error",
        /// `request_too_large` (413): the request exceeds the endpoint's size limit.
        RequestTooLarge => "request_too_large",
        /// `rate_limit_error` (429): the account hit a rate limit.
        RateLimit => "rate_limit_error",
        /// `api_error` (500, other 5xx): an unexpected error inside Anthropic's systems.
        Api => "api_error",
        /// `timeout_error` (504): processing timed out; stream long requests.
        Timeout => "timeout_error",
        /// `overloaded_error` (529): the API is temporarily overloaded.
        Overloaded => "overloaded_error",
    }
}

impl ErrorType {
    /// The type named by an API error body's `error.type` (the same as `From<&str>`).
    ///
    /// ```
    /// use anthropic_aws::ErrorType;
    /// assert_eq!(ErrorType::from_wire("overloaded_error"), ErrorType::Overloaded);
    /// assert_eq!(ErrorType::from_wire("brand_new_error").as_str(), "brand_new_error");
    /// ```
    pub fn from_wire(wire: &str) -> Self {
        Self::from(wire)
    }

    /// The type an HTTP status implies when the body does not say.
    ///
    /// ```
    /// use anthropic_aws::ErrorType;
    /// assert_eq!(ErrorType::from_status(529), ErrorType::Overloaded);
    /// assert_eq!(ErrorType::from_status(503), ErrorType::Api);
    /// assert_eq!(ErrorType::from_status(418), ErrorType::InvalidRequest);
    /// ```
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => Self::Authentication,
            402 => Self::Billing,
            403 => Self::Permission,
            404 => Self::NotFound,
            409 => Self::Conflict,
            413 => Self::RequestTooLarge,
            429 => Self::RateLimit,
            504 => Self::Timeout,
            529 => Self::Overloaded,
            500..=599 => Self::Api,
            _ => Self::InvalidRequest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_type_round_trips_and_others_are_kept() {
        for known in [
            ErrorType::InvalidRequest,
            ErrorType::Authentication,
            ErrorType::Billing,
            ErrorType::Permission,
            ErrorType::NotFound,
            ErrorType::Conflict,
            ErrorType::RequestTooLarge,
            ErrorType::RateLimit,
            ErrorType::Api,
            ErrorType::Timeout,
            ErrorType::Overloaded,
        ] {
            assert_eq!(ErrorType::from_wire(known.as_str()), known);
            assert_eq!(known.to_string(), known.as_str());
        }
        let other = ErrorType::from_wire("quota_melted_error");
        assert_eq!(other, ErrorType::Other("quota_melted_error".into()));
        assert_eq!(
            serde_json::to_value(&other).unwrap(),
            serde_json::json!("quota_melted_error")
        );
        let back: ErrorType = serde_json::from_str("\"rate_limit_error\"").unwrap();
        assert_eq!(back, ErrorType::RateLimit);
    }
}
