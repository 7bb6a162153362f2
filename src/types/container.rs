//! The code execution container: which one a request uses and which skills it loads
//! ([`ContainerParam`]), the one a response ran in ([`Container`]), and files put into it
//! ([`ContainerUploadBlock`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::CacheControl;

open_string_enum! {
    /// Who provides a skill loaded into a container.
    pub enum ContainerSkillType {
        /// `"anthropic"`: a skill Anthropic provides (e.g. `pptx`).
        Anthropic => "anthropic",
        /// `"custom"`: a skill uploaded through the Skills API.
        Custom => "custom",
    }
}

wire_struct! {
    /// A skill loaded into a container (`{"type", "skill_id", "version"}`), in requests and
    /// responses.
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct ContainerSkill {
        /// Who provides the skill.
        #[serde(rename = "type")]
        required pub kind: ContainerSkillType,
        /// The skill's ID (`pptx`, or `skill_...` for a custom one).
        required pub skill_id: String,
        /// The version (`"latest"` or a version ID); the API defaults to the latest.
        nullable pub version: Option<String>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

impl ContainerSkill {
    /// The skill `skill_id` provided by `kind`, latest version.
    pub fn new(kind: impl Into<ContainerSkillType>, skill_id: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            skill_id: skill_id.into(),
            version: None,
            extra: Map::new(),
        }
    }

    /// Pins the version.
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
}

/// A container's ID and skills (the object form of [`ContainerParam`]).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ContainerConfig {
    /// Reuse this container (omit for a new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Skills to load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<ContainerSkill>>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The request's `container`: an ID to reuse, or an ID and skills.
///
/// ```
/// use anthropic_aws::types::{ContainerParam, ContainerSkill};
///
/// let container = ContainerParam::skills([ContainerSkill::new("anthropic", "pptx")]);
/// assert_eq!(
///     serde_json::to_value(&container).unwrap(),
///     serde_json::json!({"skills": [{"type": "anthropic", "skill_id": "pptx"}]})
/// );
/// assert_eq!(serde_json::to_value(ContainerParam::from("cntr_1")).unwrap(), "cntr_1");
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum ContainerParam {
    /// `"cntr_..."`: reuse a container.
    Id(String),
    /// `{"id", "skills"}`.
    Config(ContainerConfig),
}

impl ContainerParam {
    /// A new container with `skills` loaded.
    pub fn skills<I: IntoIterator<Item = ContainerSkill>>(skills: I) -> Self {
        Self::Config(ContainerConfig {
            skills: Some(skills.into_iter().collect()),
            ..ContainerConfig::default()
        })
    }
}

impl From<&str> for ContainerParam {
    fn from(id: &str) -> Self {
        Self::Id(id.to_owned())
    }
}

impl From<String> for ContainerParam {
    fn from(id: String) -> Self {
        Self::Id(id)
    }
}

impl From<ContainerConfig> for ContainerParam {
    fn from(config: ContainerConfig) -> Self {
        Self::Config(config)
    }
}

wire_struct! {
    /// The container a response's tools ran in (`container` of a [`Message`](super::Message)).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct Container {
        /// The container's ID; pass it as the next request's `container` to reuse it.
        required pub id: String,
        /// When the container expires (RFC 3339; always sent by the API).
        nullable pub expires_at: Option<String>,
        /// The skills loaded.
        nullable pub skills: Option<Vec<ContainerSkill>>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A file placed into the code execution container (`"type": "container_upload"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct ContainerUploadBlock {
        /// The uploaded file's ID (Files API).
        required pub file_id: String,
        /// Prompt-cache breakpoint (requests only).
        optional pub cache_control: Option<CacheControl>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

impl ContainerUploadBlock {
    /// Uploads the file `file_id` into the container.
    pub fn new(file_id: impl Into<String>) -> Self {
        Self {
            file_id: file_id.into(),
            ..Self::default()
        }
    }
}

impl_extra_field!(ContainerConfig);
