//! Query parameters shared by the cursor-paged lists (Files, Skill versions): `limit` and the
//! `page` cursor.

use serde::{Deserialize, Serialize};

/// `limit` and `page` of a cursor-paged list: the page size, and a previous page's
/// `next_page`.
///
/// ```
/// use anthropic_aws::types::CursorListParams;
/// let params = CursorListParams::new().limit(5).page("page_02");
/// assert_eq!(params.query_pairs().len(), 2);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct CursorListParams {
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The cursor of the page to return: a previous page's `next_page`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

impl CursorListParams {
    /// No parameters: the first page, with the default size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `limit`.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets `page`.
    #[must_use]
    pub fn page(mut self, page: impl Into<String>) -> Self {
        self.page = Some(page.into());
        self
    }

    /// The set parameters as `(name, value)` pairs, `limit` then `page`; values are not
    /// percent-encoded.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(2);
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(page) = &self.page {
            pairs.push(("page", page.clone()));
        }
        pairs
    }
}
