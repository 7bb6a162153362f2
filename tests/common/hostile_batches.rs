//! A hostile Message Batches server on raw TCP, for what the local platform never does: a
//! results body that breaks off in the middle of a line, or stalls. Every batch it creates has
//! ended at once; its results are `lines` lines `r0`, `r1`, … (all `succeeded`), and the first
//! `bad_answers` results answers misbehave as [`ResultsFault`] says. Answers carry both request
//! IDs (as [`hostile::ids`](super::hostile::ids) names them) and close their connection.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::hostile::{ids, read_request};

/// How a bad results answer misbehaves.
#[derive(Clone, Copy, Debug)]
pub enum ResultsFault {
    /// Declares the whole length, sends a little over half (ending mid-line), then closes.
    Cut,
    /// Declares the whole length, sends a little over half, then says nothing more until the
    /// client hangs up.
    Stall,
}

struct State {
    fault: ResultsFault,
    bad_answers: usize,
    lines: usize,
    /// `METHOD /path` of every request, in order.
    seen: Vec<String>,
    creates: usize,
}

/// A running hostile batch server.
#[derive(Clone)]
pub struct HostileBatches {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl HostileBatches {
    pub async fn start(fault: ResultsFault, bad_answers: usize, lines: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let server = Self {
            addr,
            state: Arc::new(Mutex::new(State {
                fault,
                bad_answers,
                lines,
                seen: Vec::new(),
                creates: 0,
            })),
        };
        let shared = server.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let shared = shared.clone();
                // A client that hangs up early is part of the game.
                tokio::spawn(async move { drop(shared.serve(socket).await) });
            }
        });
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `METHOD /path` of every request received, in order.
    pub fn seen(&self) -> Vec<String> {
        self.state.lock().unwrap().seen.clone()
    }

    /// How many batches were created.
    pub fn creates(&self) -> usize {
        self.state.lock().unwrap().creates
    }

    async fn serve(&self, mut socket: TcpStream) -> std::io::Result<()> {
        let line = read_request(&mut socket).await?;
        let mut parts = line.split(' ');
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        let (n, body, bad) = {
            let mut state = self.state.lock().unwrap();
            state.seen.push(format!("{method} {path}"));
            let n = state.seen.len();
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            match (method.as_str(), segments.as_slice()) {
                ("POST", ["v1", "messages", "batches"]) => {
                    state.creates += 1;
                    let id = format!("msgbatch_{:04}", state.creates);
                    (n, self.batch(&id, state.lines), None)
                }
                ("GET", ["v1", "messages", "batches", id]) => {
                    (n, self.batch(id, state.lines), None)
                }
                ("GET", ["v1", "messages", "batches", _, "results"]) => {
                    let bad = (state.bad_answers > 0).then_some(state.fault);
                    state.bad_answers = state.bad_answers.saturating_sub(1);
                    (n, results(state.lines), bad)
                }
                _ => (n, String::new(), None),
            }
        };
        let (aws, anthropic) = ids(n);
        let head = format!(
            "HTTP/1.1 200 OK\r\nx-amzn-requestid: {aws}\r\nrequest-id: {anthropic}\r\n\
             connection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).await?;
        match bad {
            None => socket.write_all(body.as_bytes()).await?,
            Some(fault) => {
                socket
                    .write_all(&body.as_bytes()[..body.len() / 2 + 7])
                    .await?;
                socket.flush().await?;
                if matches!(fault, ResultsFault::Stall) {
                    let mut sink = [0u8; 64];
                    while socket.read(&mut sink).await? > 0 {}
                }
            }
        }
        socket.flush().await?;
        socket.shutdown().await
    }

    fn batch(&self, id: &str, lines: usize) -> String {
        json!({
            "id": id, "type": "message_batch", "processing_status": "ended",
            "request_counts": {"processing": 0, "succeeded": lines, "errored": 0, "canceled": 0, "expired": 0},
            "created_at": "2026-01-01T00:00:00Z", "expires_at": "2026-01-02T00:00:00Z",
            "ended_at": "2026-01-01T00:01:00Z", "cancel_initiated_at": null, "archived_at": null,
            "results_url": format!("{}/v1/messages/batches/{id}/results", self.base_url()),
        })
        .to_string()
    }
}

/// `lines` succeeded results, `r0`, `r1`, …, one a line.
fn results(lines: usize) -> String {
    let mut body = String::new();
    for i in 0..lines {
        let message = json!({
            "id": format!("msg_{i}"), "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": format!("answer {i}")}],
            "model": "claude-opus-4-8", "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": 1, "output_tokens": 2},
        });
        let line = json!({"custom_id": format!("r{i}"), "result": {"type": "succeeded", "message": message}});
        body.push_str(&line.to_string());
        body.push('\n');
    }
    body
}
