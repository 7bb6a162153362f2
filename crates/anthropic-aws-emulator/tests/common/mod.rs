//! Shared loopback helpers: an emulator with known credentials, and a raw
//! HTTP/1.1 client (nothing of any client crate is involved) that signs
//! with the AWS SDK's signer and decodes the chunked framing itself, so that
//! the frames the emulator wrote can be checked one by one.
#![allow(dead_code)] // each test binary uses its own subset

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use anthropic_aws_emulator::{Emulator, EmulatorBuilder, EmulatorHandle};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The service name requests are signed for.
pub const SERVICE: &str = "aws-external-anthropic";
pub const SESSION_AKID: &str = "ASIASESSION";
pub const SESSION_SECRET: &str = "session-secret";
pub const TOKEN: &str = "session-token-123";
pub const EXPIRED_AKID: &str = "ASIAEXPIRED";

pub const AKID: &str = "AKIDLONGTERM";
pub const SECRET: &str = "long-term-secret";
pub const API_KEY: &str = "sk-ant-emulator-test";
pub const WORKSPACE: &str = "wrkspc_tests";
pub const REGION: &str = "eu-central-1";

pub async fn start() -> EmulatorHandle {
    started(builder()).await
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// `(x-amzn-errortype, error.type or message)` for compact assertions.
    pub fn error(&self) -> (u16, String) {
        let body = self.json();
        let kind = match self.header("x-amzn-errortype") {
            Some(t) => t.to_owned(),
            None => body["error"]["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        (self.status, kind)
    }
}

/// A request under construction.
pub struct Req {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    pub fn new(emulator: &EmulatorHandle, method: &'static str, path: &str) -> Self {
        Req {
            method,
            path: path.to_owned(),
            headers: vec![("host".to_owned(), emulator.addr().to_string())],
            body: Vec::new(),
        }
    }

    /// The headers every Claude request carries, plus a JSON body.
    pub fn claude(
        emulator: &EmulatorHandle,
        method: &'static str,
        path: &str,
        body: Value,
    ) -> Self {
        let mut r = Req::new(emulator, method, path)
            .header("anthropic-version", "2026-10-21")
            .header("anthropic-workspace-id", WORKSPACE);
        if !body.is_null() {
            r = r.header("content-type", "application/json");
            r.body = body.to_string().into_bytes();
        }
        r
    }

    /// Replaces the body with `body`, serialized.
    pub fn with_body(mut self, body: &Value) -> Self {
        self.body = body.to_string().into_bytes();
        self
    }

    /// Replaces the body with `bytes`, as they are.
    pub fn with_bytes(mut self, bytes: Vec<u8>) -> Self {
        self.body = bytes;
        self
    }

    /// The headers so far (after [`Req::sign`], the signature's too).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Signs every header present with the AWS SDK's own signer
    /// (`aws-sigv4`), as a client would, at `when`.
    pub fn sign_at(
        mut self,
        akid: &str,
        secret: &str,
        token: Option<&str>,
        when: SystemTime,
    ) -> Self {
        let credentials = Credentials::new(akid, secret, token.map(str::to_owned), None, "tests");
        let identity = credentials.into();
        let params = match v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name(SERVICE)
            .time(when)
            .settings(SigningSettings::default())
            .build()
        {
            Ok(params) => params.into(),
            Err(e) => panic!("signing parameters: {e}"),
        };
        let url = format!("http://{}{}", self.host(), self.path);
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let signable = match SignableRequest::new(
            self.method,
            &url,
            headers.into_iter(),
            SignableBody::Bytes(&self.body),
        ) {
            Ok(signable) => signable,
            Err(e) => panic!("signable request: {e}"),
        };
        let instructions = match sign(signable, &params) {
            Ok(output) => output.into_parts().0,
            Err(e) => panic!("signing: {e}"),
        };
        let (added, _query) = instructions.into_parts();
        for header in added {
            self.headers
                .push((header.name().to_owned(), header.value().to_owned()));
        }
        self
    }

    /// The `host` header.
    fn host(&self) -> String {
        self.headers
            .iter()
            .find(|(n, _)| n == "host")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn sign(self) -> Self {
        self.sign_at(AKID, SECRET, None, SystemTime::now())
    }

    /// The request as sent on the wire, with `connection: close`.
    pub fn wire(&self) -> Vec<u8> {
        let mut raw = format!("{} {} HTTP/1.1\r\n", self.method, self.path);
        for (n, v) in &self.headers {
            raw.push_str(&format!("{n}: {v}\r\n"));
        }
        raw.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = raw.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    pub async fn send(self, addr: SocketAddr) -> Answer {
        let bytes = self.wire();
        let mut stream = match TcpStream::connect(addr).await {
            Ok(s) => s,
            Err(e) => panic!("connect: {e}"),
        };
        assert!(stream.write_all(&bytes).await.is_ok());
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
        assert!(matches!(read.await, Ok(Ok(_))), "no answer");
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Answer {
            status,
            headers,
            body: body.to_owned(),
        }
    }
}

pub fn hello() -> Value {
    json!({
        "model": "claude-opus-4-8",
        "max_tokens": 64,
        "system": "Be brief.",
        "messages": [
            {"role": "user", "content": "Hi there"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": [{"type": "text", "text": "Ping?"}]},
        ],
    })
}

/// A streamed response, as received.
#[derive(Debug)]
pub struct Streamed {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The HTTP chunks, in order (the body frames the server wrote).
    pub chunks: Vec<Vec<u8>>,
    /// Whether the terminating zero-size chunk arrived.
    pub complete: bool,
    /// When the first chunk and the end of the body arrived, after sending.
    pub first_chunk_at: Option<Duration>,
    /// How many chunks had arrived when the first one did.
    pub chunks_with_first: usize,
    pub ended_at: Duration,
}

impl Streamed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body(&self) -> Vec<u8> {
        self.chunks.concat()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body()).into_owned()
    }

    /// `(event name, parsed data)` of every event.
    pub fn events(&self) -> Vec<(String, Value)> {
        parse_sse(&self.text())
    }

    pub fn names(&self) -> Vec<String> {
        self.events().into_iter().map(|(n, _)| n).collect()
    }
}

/// Parses `size\r\n data \r\n ...` from `buf`: the chunks so far and whether
/// the last (empty) chunk was seen.
fn dechunk(mut buf: &[u8]) -> (Vec<Vec<u8>>, bool) {
    let mut chunks = Vec::new();
    loop {
        let Some(line_end) = buf.windows(2).position(|w| w == b"\r\n") else {
            return (chunks, false);
        };
        let size_line = String::from_utf8_lossy(&buf[..line_end]);
        let size_hex = size_line.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_hex, 16) else {
            return (chunks, false);
        };
        buf = &buf[line_end + 2..];
        if size == 0 {
            return (chunks, buf.starts_with(b"\r\n"));
        }
        if buf.len() < size + 2 {
            return (chunks, false);
        }
        chunks.push(buf[..size].to_vec());
        buf = &buf[size + 2..];
    }
}

/// Sends `req` and reads until the server closes the connection (or resets
/// it, as a cut stream may).
pub async fn stream(req: Req, addr: SocketAddr) -> Streamed {
    let mut socket = match TcpStream::connect(addr).await {
        Ok(s) => s,
        Err(e) => panic!("connect: {e}"),
    };
    assert!(socket.write_all(&req.wire()).await.is_ok());
    let sent = Instant::now();
    let mut raw = Vec::new();
    let mut head_len = None;
    let mut first_chunk_at = None;
    let mut chunks_with_first = 0;
    let mut buf = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut buf)).await;
        let n = match read {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => n,
            Err(_) => panic!("no end of body within 10 s"),
        };
        raw.extend_from_slice(&buf[..n]);
        if head_len.is_none() {
            head_len = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
        }
        if let (None, Some(h)) = (first_chunk_at, head_len)
            && !dechunk(&raw[h..]).0.is_empty()
        {
            first_chunk_at = Some(sent.elapsed());
            chunks_with_first = dechunk(&raw[h..]).0.len();
        }
    }
    let ended_at = sent.elapsed();
    let head_len = head_len.unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..head_len]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let (chunks, complete) = if chunked {
        dechunk(&raw[head_len..])
    } else {
        (vec![raw[head_len..].to_vec()], true)
    };
    Streamed {
        status,
        headers,
        chunks,
        complete,
        first_chunk_at,
        chunks_with_first,
        ended_at,
    }
}

/// Splits an SSE body into events, accepting `\n`, `\r\n` and `\r` line
/// ends; `data` is parsed as JSON.
pub fn parse_sse(text: &str) -> Vec<(String, Value)> {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    normalized
        .split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut name = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event: ") {
                    name = v.to_owned();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data.push_str(v);
                }
            }
            (name, serde_json::from_str(&data).unwrap_or(Value::Null))
        })
        .collect()
}

/// Builds the Message the events describe, as a client would.
pub fn accumulate(events: &[(String, Value)]) -> Value {
    let mut message = Value::Null;
    let mut partial_json: Vec<String> = Vec::new();
    for (name, data) in events {
        assert_eq!(Some(name.as_str()), data["type"].as_str(), "{data}");
        let index = data["index"].as_u64().unwrap_or_default() as usize;
        match name.as_str() {
            "message_start" => message = data["message"].clone(),
            "content_block_start" => {
                assert_eq!(Some(index), message["content"].as_array().map(Vec::len));
                if let Some(content) = message["content"].as_array_mut() {
                    content.push(data["content_block"].clone());
                }
                partial_json.push(String::new());
            }
            "content_block_delta" => {
                let block = &mut message["content"][index];
                let delta = &data["delta"];
                let append = |block: &mut Value, field: &str, piece: &Value| {
                    let joined = format!(
                        "{}{}",
                        block[field].as_str().unwrap_or_default(),
                        piece.as_str().unwrap_or_default()
                    );
                    block[field] = json!(joined);
                };
                match delta["type"].as_str() {
                    Some("text_delta") => append(block, "text", &delta["text"]),
                    Some("thinking_delta") => append(block, "thinking", &delta["thinking"]),
                    Some("signature_delta") => append(block, "signature", &delta["signature"]),
                    Some("input_json_delta") => {
                        if let Some(p) = partial_json.get_mut(index) {
                            p.push_str(delta["partial_json"].as_str().unwrap_or_default());
                        }
                    }
                    other => panic!("unknown delta {other:?}"),
                }
            }
            "content_block_stop" => {
                let json = partial_json.get(index).cloned().unwrap_or_default();
                if !json.is_empty() {
                    message["content"][index]["input"] =
                        serde_json::from_str(&json).unwrap_or(Value::Null);
                }
            }
            "message_delta" => {
                message["stop_reason"] = data["delta"]["stop_reason"].clone();
                message["stop_sequence"] = data["delta"]["stop_sequence"].clone();
                message["usage"]["output_tokens"] = data["usage"]["output_tokens"].clone();
            }
            _ => {}
        }
    }
    message
}

/// The JSON answer and the streamed answer to `body` (both 200).
pub async fn both_modes(emu: &EmulatorHandle, body: &Value) -> (Value, Streamed) {
    let json = keyed(emu, body.clone()).send(emu.addr()).await;
    assert_eq!(json.status, 200, "{json:?}");
    let streamed = stream(keyed(emu, streaming(body.clone())), emu.addr()).await;
    assert_eq!(streamed.status, 200, "{streamed:?}");
    (json.json(), streamed)
}

/// `message` without its `id`.
pub fn without_id(mut message: Value) -> Value {
    if let Some(obj) = message.as_object_mut() {
        obj.remove("id");
    }
    message
}

/// A request authenticated with the API key.
pub fn keyed(emu: &EmulatorHandle, body: Value) -> Req {
    Req::claude(emu, "POST", "/v1/messages", body)
        .header("authorization", &format!("Bearer {API_KEY}"))
}

pub fn streaming(mut body: Value) -> Value {
    body["stream"] = json!(true);
    body
}

/// The test credentials of [`start`], on a builder to add to.
pub fn builder() -> EmulatorBuilder {
    Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(AKID, SECRET)
        .session_credentials(SESSION_AKID, SESSION_SECRET, TOKEN)
        .expired_session_credentials(EXPIRED_AKID, "expired-secret", "old-token")
        .api_key(API_KEY)
}

/// Starts `builder`.
pub async fn started(builder: EmulatorBuilder) -> EmulatorHandle {
    match builder.start().await {
        Ok(handle) => handle,
        Err(e) => panic!("emulator did not start: {e}"),
    }
}
