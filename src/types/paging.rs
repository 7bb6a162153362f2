//! Query parameters shared by the paged lists: by ID (Models, Message Batches: `before_id`,
//! `after_id`, `limit`) and by cursor (Files, Skill versions: `limit` and the `page` cursor).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

/// One page of an ID-paged list (Models, Message Batches): the items, whether there are more
/// in the requested direction, and the IDs at both ends to ask for the next page with.
///
/// ```
/// use anthropic_aws::types::{IdPage, ModelInfo};
/// let page: IdPage<ModelInfo> = serde_json::from_str(
///     r#"{"data":[],"has_more":false,"first_id":null,"last_id":null}"#,
/// ).unwrap();
/// assert!(page.data.is_empty() && !page.has_more);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct IdPage<T> {
    /// The items on this page, newest first.
    pub data: Vec<T>,
    /// Whether there are more items in the requested direction.
    #[serde(default)]
    pub has_more: bool,
    /// The first ID on the page; pass as `before_id` for the previous page.
    /// Serialized as `null` when `None`.
    #[serde(default)]
    pub first_id: Option<String>,
    /// The last ID on the page; pass as `after_id` for the next page.
    /// Serialized as `null` when `None`.
    #[serde(default)]
    pub last_id: Option<String>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of a cursor-paged list (Files, Skills, skill versions; API 2026-10-21): the
/// items and the cursor of the next page.
///
/// ```
/// use anthropic_aws::types::{CursorPage, FileMetadata};
/// let page: CursorPage<FileMetadata> =
///     serde_json::from_str(r#"{"data":[],"next_page":"page_2","has_more":true}"#).unwrap();
/// assert_eq!(page.next_page.as_deref(), Some("page_2"));
/// assert_eq!(page.extra["has_more"], true);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CursorPage<T> {
    /// The items on this page.
    pub data: Vec<T>,
    /// The cursor of the next page (send it as `page`), or `None` on the last page.
    #[serde(default)]
    pub next_page: Option<String>,
    /// Fields not modeled here (`has_more`, …), kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<T> Default for IdPage<T> {
    fn default() -> Self {
        Self {
            data: Vec::new(),
            has_more: false,
            first_id: None,
            last_id: None,
            extra: Map::new(),
        }
    }
}

impl<T> Default for CursorPage<T> {
    fn default() -> Self {
        Self {
            data: Vec::new(),
            next_page: None,
            extra: Map::new(),
        }
    }
}

/// A page of a list, by ID or by cursor: what the auto-paging streams read.
pub trait Page {
    /// What the list lists.
    type Item;
    /// The items on this page.
    fn items(&self) -> &[Self::Item];
    /// The items, owned.
    fn into_items(self) -> Vec<Self::Item>;
}

impl<T> Page for IdPage<T> {
    type Item = T;
    fn items(&self) -> &[T] {
        &self.data
    }
    fn into_items(self) -> Vec<T> {
        self.data
    }
}

impl<T> Page for CursorPage<T> {
    type Item = T;
    fn items(&self) -> &[T] {
        &self.data
    }
    fn into_items(self) -> Vec<T> {
        self.data
    }
}

/// The query parameters of a list whose pages are `P`: how they are sent, and those of the
/// page after `page`.
pub trait ListParams<P: Page>: Clone {
    /// The set parameters as `(name, value)` pairs, not percent-encoded.
    fn query_pairs(&self) -> Vec<(&'static str, String)>;
    /// The parameters of the page after `page` (fetched with `self`), or `None` when it was
    /// the last.
    fn after(&self, page: &P) -> Option<Self>;
}

impl<T> ListParams<IdPage<T>> for IdListParams {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        IdListParams::query_pairs(self)
    }

    /// Forwards (`after_id = last_id`) unless these parameters page backwards from a
    /// `before_id` alone (then `before_id = first_id`); a page without `has_more`, or empty,
    /// is the last.
    fn after(&self, page: &IdPage<T>) -> Option<Self> {
        if !page.has_more || page.data.is_empty() {
            return None;
        }
        let mut next = self.clone();
        if self.before_id.is_some() && self.after_id.is_none() {
            next.before_id = Some(page.first_id.clone()?);
        } else {
            next.after_id = Some(page.last_id.clone()?);
        }
        Some(next)
    }
}

/// The cursor of the page after `page` fetched at `current`: none, empty, or the same again
/// ends the list.
pub(crate) fn next_cursor<'p, T>(
    page: &'p CursorPage<T>,
    current: Option<&str>,
) -> Option<&'p str> {
    page.next_page
        .as_deref()
        .filter(|c| !c.is_empty() && Some(*c) != current)
}

impl<T> ListParams<CursorPage<T>> for CursorListParams {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        CursorListParams::query_pairs(self)
    }

    fn after(&self, page: &CursorPage<T>) -> Option<Self> {
        let cursor = next_cursor(page, self.page.as_deref())?;
        Some(self.clone().page(cursor))
    }
}
