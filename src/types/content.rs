//! The request side of content: [`ContentBlockParam`], its shortcuts and its
//! [`cache_control`](ContentBlockParam::cache_control). The request-only blocks it wraps
//! ([`TextBlockParam`], ...) are in `block_params.rs`, sources in `sources.rs`, cache control
//! and citations in `cache_control.rs`, response blocks in `content_block.rs`.

use serde_json::Value;

use super::{
    Base64Source, BashCodeExecutionToolResultBlock, CacheControl, CodeExecutionToolResultBlock,
    ContainerUploadBlock, DocumentBlockParam, FileSource, ImageBlockParam, MessageContent,
    RedactedThinkingBlockParam, SearchResultBlockParam, ServerToolUseBlock, TextBlockParam,
    TextEditorCodeExecutionToolResultBlock, TextSource, ThinkingBlockParam, ToolResultBlockParam,
    ToolSearchToolResultBlock, ToolUseBlockParam, UrlSource, WebFetchToolResultBlock,
    WebSearchToolResultBlock,
};

tagged_enum! {
    /// A content block in a request message, tagged by `"type"`.
    ///
    /// `Other` carries any block this crate does not model (new block types, ...) as raw
    /// JSON, sent as-is.
    ///
    /// ```
    /// use anthropic_aws::types::{CacheControl, ContentBlockParam};
    /// use serde_json::json;
    ///
    /// let blocks = vec![
    ///     ContentBlockParam::image_url("https://example.com/cat.png"),
    ///     ContentBlockParam::text("What is this?").cache_control(CacheControl::ephemeral()),
    ///     ContentBlockParam::Other(json!({"type": "some_new_block", "x": 1})),
    /// ];
    /// assert_eq!(
    ///     serde_json::to_value(&blocks).unwrap(),
    ///     json!([
    ///         {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.png"}},
    ///         {"type": "text", "text": "What is this?", "cache_control": {"type": "ephemeral"}},
    ///         {"type": "some_new_block", "x": 1}
    ///     ])
    /// );
    /// ```
    pub enum ContentBlockParam {
        /// `"text"`.
        "text" => Text(TextBlockParam),
        /// `"image"`.
        "image" => Image(ImageBlockParam),
        /// `"document"`.
        "document" => Document(DocumentBlockParam),
        /// `"tool_use"`.
        "tool_use" => ToolUse(ToolUseBlockParam),
        /// `"tool_result"`.
        "tool_result" => ToolResult(ToolResultBlockParam),
        /// `"thinking"`.
        "thinking" => Thinking(ThinkingBlockParam),
        /// `"redacted_thinking"`.
        "redacted_thinking" => RedactedThinking(RedactedThinkingBlockParam),
        /// `"search_result"`.
        "search_result" => SearchResult(SearchResultBlockParam),
        /// `"server_tool_use"`.
        "server_tool_use" => ServerToolUse(ServerToolUseBlock),
        /// `"web_search_tool_result"`.
        "web_search_tool_result" => WebSearchToolResult(WebSearchToolResultBlock),
        /// `"web_fetch_tool_result"`.
        "web_fetch_tool_result" => WebFetchToolResult(WebFetchToolResultBlock),
        /// `"code_execution_tool_result"`.
        "code_execution_tool_result" => CodeExecutionToolResult(CodeExecutionToolResultBlock),
        /// `"bash_code_execution_tool_result"`.
        "bash_code_execution_tool_result" => BashCodeExecutionToolResult(BashCodeExecutionToolResultBlock),
        /// `"text_editor_code_execution_tool_result"`.
        "text_editor_code_execution_tool_result" => TextEditorCodeExecutionToolResult(TextEditorCodeExecutionToolResultBlock),
        /// `"tool_search_tool_result"`.
        "tool_search_tool_result" => ToolSearchToolResult(ToolSearchToolResultBlock),
        /// `"container_upload"`.
        "container_upload" => ContainerUpload(ContainerUploadBlock),
    }
}

/// Sets the `cache_control` field of a block struct and wraps it back.
macro_rules! with_cache_control {
    ($block:ident, $cache_control:ident) => {{
        let mut block = $block;
        block.cache_control = Some($cache_control);
        block.into()
    }};
}

impl ContentBlockParam {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        TextBlockParam::new(text).into()
    }

    /// An image from base64 data (`media_type` such as `"image/png"`;
    /// `data` already base64-encoded).
    pub fn image_base64(media_type: impl Into<String>, data: impl Into<String>) -> Self {
        ImageBlockParam::new(Base64Source::new(media_type, data)).into()
    }

    /// An image fetched from `url`.
    pub fn image_url(url: impl Into<String>) -> Self {
        ImageBlockParam::new(UrlSource::new(url)).into()
    }

    /// An image from an uploaded file.
    pub fn image_file(file_id: impl Into<String>) -> Self {
        ImageBlockParam::new(FileSource::new(file_id)).into()
    }

    /// A PDF document from base64 data.
    pub fn document_pdf_base64(data: impl Into<String>) -> Self {
        DocumentBlockParam::new(Base64Source::pdf(data)).into()
    }

    /// A plain-text document.
    pub fn document_text(text: impl Into<String>) -> Self {
        DocumentBlockParam::new(TextSource::new(text)).into()
    }

    /// A PDF document fetched from `url`.
    pub fn document_url(url: impl Into<String>) -> Self {
        DocumentBlockParam::new(UrlSource::new(url)).into()
    }

    /// A document from an uploaded file.
    pub fn document_file(file_id: impl Into<String>) -> Self {
        DocumentBlockParam::new(FileSource::new(file_id)).into()
    }

    /// A tool call (normally copied from an assistant response).
    pub fn tool_use(id: impl Into<String>, name: impl Into<String>, input: Value) -> Self {
        ToolUseBlockParam::new(id, name, input).into()
    }

    /// A tool result with `content` (a string or blocks).
    pub fn tool_result(tool_use_id: impl Into<String>, content: impl Into<MessageContent>) -> Self {
        ToolResultBlockParam::new(tool_use_id)
            .content(content)
            .into()
    }

    /// A tool result marked `is_error: true`.
    pub fn tool_error(tool_use_id: impl Into<String>, content: impl Into<MessageContent>) -> Self {
        ToolResultBlockParam::new(tool_use_id)
            .content(content)
            .is_error(true)
            .into()
    }

    /// Puts a prompt-cache breakpoint on this block.
    ///
    /// Blocks without a `cache_control` field (thinking blocks) get it in
    /// their `extra` map, so the API, not this crate, decides whether it is
    /// allowed; an `Other` object gets a `"cache_control"` key (an `Other`
    /// that is not an object is left unchanged).
    #[must_use]
    pub fn cache_control(self, cache_control: CacheControl) -> Self {
        match self {
            Self::Text(b) => b.cache_control(cache_control).into(),
            Self::Image(b) => b.cache_control(cache_control).into(),
            Self::Document(b) => b.cache_control(cache_control).into(),
            Self::ToolUse(b) => b.cache_control(cache_control).into(),
            Self::ToolResult(b) => b.cache_control(cache_control).into(),
            Self::SearchResult(b) => b.cache_control(cache_control).into(),
            Self::ServerToolUse(b) => with_cache_control!(b, cache_control),
            Self::WebSearchToolResult(b) => with_cache_control!(b, cache_control),
            Self::WebFetchToolResult(b) => with_cache_control!(b, cache_control),
            Self::CodeExecutionToolResult(b) => with_cache_control!(b, cache_control),
            Self::BashCodeExecutionToolResult(b) => with_cache_control!(b, cache_control),
            Self::TextEditorCodeExecutionToolResult(b) => with_cache_control!(b, cache_control),
            Self::ToolSearchToolResult(b) => with_cache_control!(b, cache_control),
            Self::ContainerUpload(b) => with_cache_control!(b, cache_control),
            Self::Thinking(mut b) => {
                b.extra.insert(
                    "cache_control".to_owned(),
                    cache_control_json(&cache_control),
                );
                b.into()
            }
            Self::RedactedThinking(mut b) => {
                b.extra.insert(
                    "cache_control".to_owned(),
                    cache_control_json(&cache_control),
                );
                b.into()
            }
            Self::Other(mut value) => {
                if let Value::Object(map) = &mut value {
                    map.insert(
                        "cache_control".to_owned(),
                        cache_control_json(&cache_control),
                    );
                }
                Self::Other(value)
            }
        }
    }
}

/// `cache_control` as JSON; it only holds strings and maps of JSON values,
/// so conversion cannot fail (`Null` would be the fallback).
fn cache_control_json(cache_control: &CacheControl) -> Value {
    serde_json::to_value(cache_control).unwrap_or(Value::Null)
}

impl From<&str> for ContentBlockParam {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

impl From<String> for ContentBlockParam {
    fn from(text: String) -> Self {
        Self::text(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{CacheTtl, ContentSource, ImageSource};
    use serde_json::{Map, json};

    #[test]
    fn request_blocks_serialize_with_api_tags() {
        let blocks = vec![
            ContentBlockParam::text("hi"),
            ContentBlockParam::image_base64("image/png", "iVBOR"),
            ContentBlockParam::image_file("file_1"),
            DocumentBlockParam::new(Base64Source::pdf("JVBER"))
                .title("Spec")
                .context("v2")
                .citations(true)
                .cache_control(CacheControl::ephemeral().ttl(CacheTtl::FiveMinutes))
                .into(),
            ContentBlockParam::document_text("plain"),
            DocumentBlockParam::new(ContentSource::new(vec![ContentBlockParam::text("c")])).into(),
            ContentBlockParam::document_url("https://x/y.pdf"),
            ContentBlockParam::tool_use("toolu_1", "get", json!({"a": 1})),
            ContentBlockParam::Thinking(ThinkingBlockParam {
                thinking: "hmm".into(),
                signature: "sig".into(),
                extra: Map::new(),
            }),
            ContentBlockParam::RedactedThinking(RedactedThinkingBlockParam {
                data: "enc".into(),
                extra: Map::new(),
            }),
        ];
        let expected = json!([
            {"type": "text", "text": "hi"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR"}},
            {"type": "image", "source": {"type": "file", "file_id": "file_1"}},
            {
                "type": "document",
                "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBER"},
                "title": "Spec",
                "context": "v2",
                "citations": {"enabled": true},
                "cache_control": {"type": "ephemeral", "ttl": "5m"}
            },
            {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain"}},
            {"type": "document", "source": {"type": "content", "content": [{"type": "text", "text": "c"}]}},
            {"type": "document", "source": {"type": "url", "url": "https://x/y.pdf"}},
            {"type": "tool_use", "id": "toolu_1", "name": "get", "input": {"a": 1}},
            {"type": "thinking", "thinking": "hmm", "signature": "sig"},
            {"type": "redacted_thinking", "data": "enc"}
        ]);
        let value = serde_json::to_value(&blocks).unwrap();
        assert_eq!(value, expected);
        // Each block serializes "type" exactly once (no duplicate keys).
        let text = serde_json::to_string(&blocks[0]).unwrap();
        assert_eq!(text, r#"{"type":"text","text":"hi"}"#);
        // And the whole list decodes back to the same values.
        let back: Vec<ContentBlockParam> = serde_json::from_value(value).unwrap();
        assert_eq!(back, blocks);
    }

    #[test]
    fn tool_result_with_string_and_with_blocks() {
        let with_string = ContentBlockParam::tool_result("toolu_1", "42");
        let json_string = json!({"type": "tool_result", "tool_use_id": "toolu_1", "content": "42"});
        assert_eq!(serde_json::to_value(&with_string).unwrap(), json_string);
        assert_eq!(
            serde_json::from_value::<ContentBlockParam>(json_string).unwrap(),
            with_string
        );

        let with_blocks = ContentBlockParam::tool_error(
            "toolu_2",
            vec![
                ContentBlockParam::text("failed"),
                ContentBlockParam::image_url("https://x/e.png"),
            ],
        );
        let json_blocks = json!({
            "type": "tool_result",
            "tool_use_id": "toolu_2",
            "content": [
                {"type": "text", "text": "failed"},
                {"type": "image", "source": {"type": "url", "url": "https://x/e.png"}}
            ],
            "is_error": true
        });
        assert_eq!(serde_json::to_value(&with_blocks).unwrap(), json_blocks);
        let back: ContentBlockParam = serde_json::from_value(json_blocks).unwrap();
        assert_eq!(back, with_blocks);
        match back {
            ContentBlockParam::ToolResult(r) => {
                assert!(matches!(r.content, Some(MessageContent::Blocks(ref b)) if b.len() == 2));
                assert_eq!(r.is_error, Some(true));
            }
            other => panic!("expected a tool_result, got {other:?}"),
        }

        let without_content = ContentBlockParam::from(ToolResultBlockParam::new("toolu_3"));
        assert_eq!(
            serde_json::to_value(&without_content).unwrap(),
            json!({"type": "tool_result", "tool_use_id": "toolu_3"})
        );
    }

    #[test]
    fn unknown_request_block_is_kept_and_sent_verbatim() {
        let raw = json!({"type": "some_future_block", "source": "s", "title": "t", "content": []});
        let block: ContentBlockParam = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(block, ContentBlockParam::Other(raw.clone()));
        assert_eq!(block.type_name(), Some("some_future_block"));
        assert_eq!(serde_json::to_value(&block).unwrap(), raw);
    }

    #[test]
    fn malformed_known_block_is_an_error() {
        let err = serde_json::from_value::<ContentBlockParam>(json!({"type": "text"})).unwrap_err();
        assert!(err.to_string().contains("`text`"), "{err}");
    }

    #[test]
    fn unknown_fields_of_known_blocks_are_kept() {
        let raw = json!({"type": "text", "text": "x", "brand_new": {"a": 1}});
        let block: ContentBlockParam = serde_json::from_value(raw.clone()).unwrap();
        match &block {
            ContentBlockParam::Text(t) => assert_eq!(t.extra["brand_new"], json!({"a": 1})),
            other => panic!("expected text, got {other:?}"),
        }
        assert_eq!(serde_json::to_value(&block).unwrap(), raw);
    }

    #[test]
    fn cache_control_on_any_block() {
        let cc = CacheControl::ephemeral().ttl("1h");
        assert_eq!(cc.ttl, Some(CacheTtl::OneHour));
        let text = ContentBlockParam::text("a").cache_control(cc.clone());
        assert_eq!(
            serde_json::to_value(&text).unwrap(),
            json!({"type": "text", "text": "a", "cache_control": {"type": "ephemeral", "ttl": "1h"}})
        );
        let other = ContentBlockParam::Other(json!({"type": "new"})).cache_control(cc);
        assert_eq!(
            serde_json::to_value(&other).unwrap(),
            json!({"type": "new", "cache_control": {"type": "ephemeral", "ttl": "1h"}})
        );
    }

    #[test]
    fn unknown_source_and_ttl_are_kept() {
        let raw = json!({
            "type": "image",
            "source": {"type": "s3", "bucket": "b"},
            "cache_control": {"type": "ephemeral", "ttl": "24h"}
        });
        let block: ContentBlockParam = serde_json::from_value(raw.clone()).unwrap();
        match &block {
            ContentBlockParam::Image(img) => {
                assert!(matches!(img.source, ImageSource::Other(_)));
                assert_eq!(
                    img.cache_control.as_ref().and_then(|c| c.ttl.clone()),
                    Some(CacheTtl::Other("24h".into()))
                );
            }
            other => panic!("expected image, got {other:?}"),
        }
        assert_eq!(serde_json::to_value(&block).unwrap(), raw);
    }
}
