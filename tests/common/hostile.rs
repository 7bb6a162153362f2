//! A hostile server on loopback, written on raw TCP so it can break every rule: redirects, huge,
//! endless and cut bodies, a lying `Content-Length`, a body that never comes, bad retry headers.
//! Every answer carries both request IDs (`hostile-aws-N`, `req_hostile_N` for the N-th request)
//! and closes its connection; the server counts the requests it received.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the server answers every request.
#[derive(Clone, Debug)]
pub enum Mode {
    /// A valid Messages answer (200, JSON).
    Message,
    /// `status` with a `location` header and an empty body.
    Redirect { status: u16, location: String },
    /// `status` with these extra headers and an Anthropic error body.
    Status {
        status: u16,
        error_type: &'static str,
        headers: Vec<(String, String)>,
    },
    /// A 200 whose body, delimited by the connection's end, is `bytes` long.
    HugeBody { bytes: usize },
    /// A 200 whose body, delimited by the connection's end, never ends.
    EndlessBody,
    /// A 200 declaring this `Content-Length`, then a few bytes and the end.
    HugeContentLength { declared: u64 },
    /// A 200 declaring 1000 bytes, then 10 bytes and the end.
    CutBody,
    /// A 200 declaring 1000 bytes, then 10 bytes, then silence until the client leaves.
    StalledBody,
    /// A file of `size` bytes (`synthetic_byte` of each offset): the first answer breaks off
    /// after `cut_after` of them, the later ones answer as `later` says.
    FileContent {
        size: usize,
        cut_after: usize,
        later: Later,
    },
}

/// How [`Mode::FileContent`] answers after its first, cut, answer.
#[derive(Clone, Copy, Debug)]
pub enum Later {
    /// `200` with the whole file: a server that ignores `Range`.
    Whole,
    /// `206` with the whole file and `content-range: bytes 0-…`, whatever was asked.
    RangeFromZero,
}

/// A running hostile server.
pub struct Hostile {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
}

impl Hostile {
    /// Starts a server answering every request as `mode` says.
    pub async fn start(mode: Mode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let mode = mode.clone();
                let count = Arc::clone(&count);
                tokio::spawn(async move {
                    // A client that hangs up early is part of the game.
                    let _ = serve(socket, &mode, &count).await;
                });
            }
        });
        Self { addr, requests }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many complete request heads arrived.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// The IDs the `n`-th answer carries.
pub fn ids(n: usize) -> (String, String) {
    (format!("hostile-aws-{n}"), format!("req_hostile_{n}"))
}

async fn serve(mut socket: TcpStream, mode: &Mode, count: &AtomicUsize) -> std::io::Result<()> {
    read_request(&mut socket).await?;
    let n = count.fetch_add(1, Ordering::SeqCst) + 1;
    let (aws, anthropic) = ids(n);
    let head = |status: u16, reason: &str, extra: &str| {
        format!(
            "HTTP/1.1 {status} {reason}\r\nx-amzn-requestid: {aws}\r\nrequest-id: {anthropic}\r\n\
             connection: close\r\n{extra}\r\n"
        )
    };
    match mode {
        Mode::Message => {
            let body = format!(
                r#"{{"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{{"type":"text","text":"hi"}}],"stop_reason":"end_turn","stop_sequence":null,"usage":{{"input_tokens":1,"output_tokens":1}},"request":{n}}}"#
            );
            let extra = format!(
                "content-type: application/json\r\ncontent-length: {}\r\n",
                body.len()
            );
            socket.write_all(head(200, "OK", &extra).as_bytes()).await?;
            socket.write_all(body.as_bytes()).await?;
        }
        Mode::Redirect { status, location } => {
            let extra = format!("location: {location}\r\ncontent-length: 0\r\n");
            socket
                .write_all(head(*status, "Redirect", &extra).as_bytes())
                .await?;
        }
        Mode::Status {
            status,
            error_type,
            headers,
        } => {
            let body = format!(
                r#"{{"type":"error","error":{{"type":"{error_type}","message":"hostile"}}}}"#
            );
            let mut extra = format!(
                "content-type: application/json\r\ncontent-length: {}\r\n",
                body.len()
            );
            for (name, value) in headers {
                extra.push_str(&format!("{name}: {value}\r\n"));
            }
            socket
                .write_all(head(*status, "Error", &extra).as_bytes())
                .await?;
            socket.write_all(body.as_bytes()).await?;
        }
        Mode::HugeBody { bytes } => {
            socket
                .write_all(head(200, "OK", "content-type: application/json\r\n").as_bytes())
                .await?;
            let chunk = vec![b' '; 1 << 20];
            let mut left = *bytes;
            while left > 0 {
                let n = left.min(chunk.len());
                socket.write_all(&chunk[..n]).await?;
                left -= n;
            }
        }
        Mode::EndlessBody => {
            socket
                .write_all(head(200, "OK", "content-type: application/json\r\n").as_bytes())
                .await?;
            let chunk = vec![b' '; 1 << 20];
            // Ends when the client hangs up (the write fails).
            loop {
                socket.write_all(&chunk).await?;
            }
        }
        Mode::HugeContentLength { declared } => {
            let extra = format!("content-type: application/json\r\ncontent-length: {declared}\r\n");
            socket.write_all(head(200, "OK", &extra).as_bytes()).await?;
            socket.write_all(b"{\"id\":").await?;
        }
        Mode::FileContent {
            size,
            cut_after,
            later,
        } => {
            let bytes: Vec<u8> = (0..*size as u64)
                .map(anthropic_aws_emulator::synthetic_byte)
                .collect();
            let (status, reason, range) = match later {
                Later::RangeFromZero if n > 1 => (
                    206,
                    "Partial Content",
                    format!("content-range: bytes 0-{}/{size}\r\n", size - 1),
                ),
                _ => (200, "OK", String::new()),
            };
            let extra = format!(
                "content-type: application/octet-stream\r\ncontent-length: {size}\r\n{range}"
            );
            socket
                .write_all(head(status, reason, &extra).as_bytes())
                .await?;
            let end = if n == 1 { *cut_after } else { *size };
            socket.write_all(&bytes[..end]).await?;
        }
        Mode::CutBody | Mode::StalledBody => {
            let extra = "content-type: application/json\r\ncontent-length: 1000\r\n";
            socket.write_all(head(200, "OK", extra).as_bytes()).await?;
            socket.write_all(b"{\"id\":\"ms").await?;
            socket.flush().await?;
            if matches!(mode, Mode::StalledBody) {
                // Silence until the client gives up and closes the connection.
                let mut sink = [0u8; 64];
                while socket.read(&mut sink).await? > 0 {}
            }
        }
    }
    socket.flush().await?;
    socket.shutdown().await
}

/// Reads one request: its head, then as many body bytes as its `content-length` says; returns
/// its request line (`GET /path HTTP/1.1`).
pub async fn read_request(socket: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut have = buf.len() - head_end;
    while have < length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        have += n;
    }
    let head = String::from_utf8_lossy(&buf[..head_end]);
    Ok(head.lines().next().unwrap_or_default().to_owned())
}
