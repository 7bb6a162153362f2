//! The canned server: one thread, one fixed Message with both request IDs, nothing verified.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

/// `usage.output_tokens` of the canned answer; the contenders add them up as a check.
pub const OUTPUT_TOKENS: u64 = 64;

const ANSWER: &str = r#"{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{"type":"text","text":"- Payments 5xx spike 02:10-02:35 UTC after a config push oversized the connection pool.\n- Root cause: pool size above the database proxy's limit; retries from three callers amplified load.\n- Rolled back at 02:31; recovered in four minutes."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":231,"output_tokens":64,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"service_tier":"standard"}}"#;

/// Serves until killed; prints `listening on http://ADDR` first.
pub fn serve() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("server runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!(
            "listening on http://{}",
            listener.local_addr().expect("addr")
        );
        let mut served = 0u64;
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            served += 1;
            let connection = served;
            tokio::spawn(async move {
                let n = std::cell::Cell::new(0u64);
                let service = hyper::service::service_fn(move |req: hyper::Request<_>| {
                    n.set(n.get() + 1);
                    let n = n.get();
                    let (aws, anthropic) = (
                        format!("0b1c2d3e-4f50-4a6b-{connection:04x}-{n:012x}"),
                        format!("req_011CSbench{connection:04x}{n:012x}"),
                    );
                    async move {
                        let _ = BodyExt::collect(req.into_body()).await;
                        let answer = hyper::Response::builder()
                            .header("content-type", "application/json")
                            .header("x-amzn-requestid", aws)
                            .header("request-id", anthropic)
                            .body(Full::new(Bytes::from_static(ANSWER.as_bytes())))
                            .expect("response");
                        Ok::<_, Infallible>(answer)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}
