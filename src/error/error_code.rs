//! [`ErrorCode`]: the cause an API error names in `error.details.error_code`, an open wire enum.

use crate::types::macros::open_string_enum;

open_string_enum! {
    /// The cause an API error names in `error.details.error_code`, beyond its
    /// [`ErrorType`](crate::ErrorType): a spend limit rather than a rate limit, say.
    ///
    /// ```
    /// use anthropic_aws::error::ErrorCode;
    /// assert_eq!(
    ///     ErrorCode::from("enforced_spend_limit_reached"),
    ///     ErrorCode::EnforcedSpendLimitReached
    /// );
    /// assert_eq!(ErrorCode::from("new_cause").as_str(), "new_cause");
    /// ```
    #[non_exhaustive]
    pub enum ErrorCode {
        /// The organization reached its usage tier's monthly spend cap (a 429 that no retry
        /// helps: access resumes at the start of next month, or on a higher tier).
        EnforcedSpendLimitReached => "enforced_spend_limit_reached",
        /// The linked organization (the one AWS Marketplace bills) reached its spend limit.
        LinkedOrganizationSpendLimitReached => "linked_organization_spend_limit_reached",
        /// The organization is on hold; contact Anthropic or AWS support.
        OrganizationOnHold => "organization_on_hold",
    }
}
