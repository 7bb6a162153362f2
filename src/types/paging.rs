//! Query parameters shared by the paged lists: by ID (Models, Message Batches: `before_id`,
//! `after_id`, `limit`) and by cursor (Files, Skill versions: `limit` and the `page` cursor).

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

/// `before_id`, `after_id` and `limit` of an ID-paged list (Models, Message Batches).
///
/// ```
/// use anthropic_aws::types::IdListParams;
/// let params = IdListParams::new().limit(50).after_id("claude-opus-4-8");
/// assert_eq!(
///     params.query_pairs(),
///     vec![("after_id", "claude-opus-4-8".to_string()), ("limit", "50".to_string())]
/// );
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct IdListParams {
    /// Return the page just before this ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_id: Option<String>,
    /// Return the page just after this ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_id: Option<String>,
    /// Page size (the API defaults to 20 and accepts 1 to 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

impl IdListParams {
    /// No parameters: the first page, with the default size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `before_id`.
    #[must_use]
    pub fn before_id(mut self, before_id: impl Into<String>) -> Self {
        self.before_id = Some(before_id.into());
        self
    }

    /// Sets `after_id`.
    #[must_use]
    pub fn after_id(mut self, after_id: impl Into<String>) -> Self {
        self.after_id = Some(after_id.into());
        self
    }

    /// Sets `limit`.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The set parameters as `(name, value)` pairs for the query string, in
    /// the order `before_id`, `after_id`, `limit`. Values are not
    /// percent-encoded.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(3);
        if let Some(before_id) = &self.before_id {
            pairs.push(("before_id", before_id.clone()));
        }
        if let Some(after_id) = &self.after_id {
            pairs.push(("after_id", after_id.clone()));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        pairs
    }
}
