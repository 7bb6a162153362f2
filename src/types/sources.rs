//! Where an image's or a document's data comes from: inline base64, a URL, an uploaded file,
//! plain text or content blocks.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::MessageContent;

/// Inline base64 data (`{"type": "base64", "media_type", "data"}`): an image
/// (`image/jpeg`, `image/png`, `image/gif`, `image/webp`) or a PDF
/// (`application/pdf`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct Base64Source {
    /// MIME type of the decoded data.
    pub media_type: String,
    /// The data, base64-encoded.
    pub data: String,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Base64Source {
    /// Data of `media_type`, already base64-encoded.
    pub fn new(media_type: impl Into<String>, data: impl Into<String>) -> Self {
        Self {
            media_type: media_type.into(),
            data: data.into(),
            extra: Map::new(),
        }
    }

    /// A base64-encoded PDF (`application/pdf`).
    pub fn pdf(data: impl Into<String>) -> Self {
        Self::new("application/pdf", data)
    }
}

/// Data the API fetches from a URL (`{"type": "url", "url"}`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct UrlSource {
    /// The URL.
    pub url: String,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl UrlSource {
    /// Data at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            extra: Map::new(),
        }
    }
}

/// A previously uploaded file (`{"type": "file", "file_id"}`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct FileSource {
    /// The file's ID.
    pub file_id: String,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FileSource {
    /// The uploaded file `file_id`.
    pub fn new(file_id: impl Into<String>) -> Self {
        Self {
            file_id: file_id.into(),
            extra: Map::new(),
        }
    }
}

/// A plain-text document (`{"type": "text", "media_type": "text/plain", "data"}`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct TextSource {
    /// MIME type; the API accepts `"text/plain"`.
    pub media_type: String,
    /// The document's text (not encoded).
    pub data: String,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TextSource {
    /// A `text/plain` document holding `data`.
    pub fn new(data: impl Into<String>) -> Self {
        Self {
            media_type: "text/plain".to_owned(),
            data: data.into(),
            extra: Map::new(),
        }
    }
}

/// A document made of content (`{"type": "content", "content"}`): a string or
/// text and image blocks.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ContentSource {
    /// The document's content.
    pub content: MessageContent,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ContentSource {
    /// A document holding `content`.
    pub fn new(content: impl Into<MessageContent>) -> Self {
        Self {
            content: content.into(),
            extra: Map::new(),
        }
    }
}

tagged_enum! {
    /// Where an image block's data comes from.
    pub enum ImageSource {
        /// `"base64"`: inline data.
        "base64" => Base64(Base64Source),
        /// `"url"`: fetched from a URL.
        "url" => Url(UrlSource),
        /// `"file"`: an uploaded file.
        "file" => File(FileSource),
    }
}

tagged_enum! {
    /// Where a document block's data comes from.
    pub enum DocumentSource {
        /// `"base64"`: an inline base64 PDF.
        "base64" => Base64(Base64Source),
        /// `"text"`: plain text.
        "text" => Text(TextSource),
        /// `"url"`: a PDF fetched from a URL.
        "url" => Url(UrlSource),
        /// `"content"`: content blocks.
        "content" => Content(ContentSource),
        /// `"file"`: an uploaded file.
        "file" => File(FileSource),
    }
}

impl_extra_field!(
    Base64Source,
    UrlSource,
    FileSource,
    TextSource,
    ContentSource,
);
