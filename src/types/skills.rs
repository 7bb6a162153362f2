//! Agent Skills: [`Skill`], [`SkillVersion`], their cursor-paged lists ([`CursorPage`]) with [`SkillListParams`] / [`SkillVersionListParams`], and the
//! answers of deletes ([`DeletedSkill`], [`DeletedSkillVersion`]).

use super::paging::{CursorListParams, CursorPage, ListParams, next_cursor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

open_string_enum! {
    /// Who made a skill (`source`).
    pub enum SkillSource {
        /// Uploaded by a user.
        Custom => "custom",
        /// Made by Anthropic (`pptx`, `xlsx`, …).
        Anthropic => "anthropic",
    }
}

/// A skill (`"type": "skill"`).
///
/// ```
/// use anthropic_aws::types::{Skill, SkillSource};
/// let skill: Skill = serde_json::from_str(r#"{"id":"skill_01","type":"skill",
///     "display_title":"Report","latest_version":"1759178010641129","source":"custom",
///     "created_at":"2026-10-21T00:00:00Z","updated_at":"2026-10-21T00:00:00Z"}"#).unwrap();
/// assert_eq!(skill.source, SkillSource::Custom);
/// assert_eq!(skill.latest_version.as_deref(), Some("1759178010641129"));
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Skill {
    /// The skill's ID (`skill_…`, or a short name such as `pptx` for Anthropic's).
    pub id: String,
    /// A human-readable label, not part of the prompt.
    #[serde(default)]
    pub display_title: Option<String>,
    /// The newest version (a Unix epoch timestamp in microseconds, as a string).
    #[serde(default)]
    pub latest_version: Option<String>,
    /// Who made it.
    pub source: SkillSource,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it last changed (RFC 3339).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Fields not modeled here (`type`, …), kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One version of a skill (`"type": "skill_version"`).
///
/// ```
/// use anthropic_aws::types::SkillVersion;
/// let v: SkillVersion = serde_json::from_str(r#"{"id":"skillver_01","type":"skill_version",
///     "skill_id":"skill_01","version":"1759178010641129","name":"report",
///     "description":"Writes reports","directory":"report","created_at":"t"}"#).unwrap();
/// assert_eq!(v.name, "report");
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SkillVersion {
    /// The version's own ID.
    pub id: String,
    /// The skill it belongs to.
    pub skill_id: String,
    /// The version identifier (a Unix epoch timestamp in microseconds, as a string).
    #[serde(default)]
    pub version: String,
    /// The skill's name, from `SKILL.md`'s frontmatter (or its top-level directory).
    #[serde(default)]
    pub name: String,
    /// The description, from `SKILL.md`.
    #[serde(default)]
    pub description: String,
    /// The top-level directory of the upload.
    #[serde(default)]
    pub directory: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Fields not modeled here (`type`, …), kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Query parameters of `GET /v1/skills`: pages by cursor (`page`, from a previous
/// [`CursorPage::next_page`]), optionally only one `source`.
///
/// ```
/// use anthropic_aws::types::SkillListParams;
/// let params = SkillListParams::new().limit(50).source("custom");
/// assert_eq!(
///     params.query_pairs(),
///     vec![("limit", "50".to_string()), ("source", "custom".to_string())]
/// );
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct SkillListParams {
    /// Page size (at most 100; the platform's default is 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The cursor of the page to return: a previous page's `next_page`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Only skills of this source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SkillSource>,
}

impl ListParams<CursorPage<Skill>> for SkillListParams {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        SkillListParams::query_pairs(self)
    }

    /// The next cursor, keeping `limit` and `source`.
    fn after(&self, page: &CursorPage<Skill>) -> Option<Self> {
        let cursor = next_cursor(page, self.page.as_deref())?;
        Some(self.clone().page(cursor))
    }
}

impl SkillListParams {
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

    /// Sets `source`.
    #[must_use]
    pub fn source(mut self, source: impl Into<SkillSource>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The set parameters as `(name, value)` pairs; values are not percent-encoded.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(3);
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(page) = &self.page {
            pairs.push(("page", page.clone()));
        }
        if let Some(source) = &self.source {
            pairs.push(("source", source.as_str().to_owned()));
        }
        pairs
    }
}

/// Query parameters of `GET /v1/skills/{id}/versions`: a [`CursorListParams`].
///
/// ```
/// use anthropic_aws::types::SkillVersionListParams;
/// let params = SkillVersionListParams::new().limit(5).page("page_02");
/// assert_eq!(params.query_pairs().len(), 2);
/// ```
pub type SkillVersionListParams = CursorListParams;

/// One page of `GET /v1/skills`.
#[deprecated(since = "0.2.0", note = "use `CursorPage<Skill>`")]
pub type SkillList = CursorPage<Skill>;

/// One page of `GET /v1/skills/{id}/versions`.
#[deprecated(since = "0.2.0", note = "use `CursorPage<SkillVersion>`")]
pub type SkillVersionList = CursorPage<SkillVersion>;

/// The answer of `DELETE /v1/skills/{id}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DeletedSkill {
    /// The deleted skill's ID.
    pub id: String,
    /// Object type (`type` in the JSON); `"skill_deleted"`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `DELETE /v1/skills/{id}/versions/{version}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DeletedSkillVersion {
    /// The deleted version's identifier.
    pub id: String,
    /// Object type (`type` in the JSON); `"skill_version_deleted"`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_sources_and_fields_are_kept() {
        let page: CursorPage<Skill> = serde_json::from_str(
            r#"{"data":[{"id":"skill_1","type":"skill","source":"partner","created_at":"t",
                "display_title":null,"latest_version":null,"updated_at":"t","x":1}],
                "next_page":"page_2","has_more":true}"#,
        )
        .unwrap();
        let skill = &page.data[0];
        assert_eq!(skill.source, SkillSource::Other("partner".into()));
        assert_eq!(skill.extra["type"], "skill");
        assert_eq!(skill.extra["x"], 1);
        assert_eq!(page.extra["has_more"], true);
        let back = serde_json::to_value(skill).unwrap();
        assert_eq!(back["source"], "partner");
        let deleted: DeletedSkillVersion =
            serde_json::from_str(r#"{"id":"17","type":"skill_version_deleted"}"#).unwrap();
        assert_eq!(deleted.kind, "skill_version_deleted");
    }
}
