//! Files throughput and memory: a large upload and download through the client against the
//! bare work, over loopback to a trivial canned server (`benches/support/mod.rs`).
//!
//! ```text
//! cargo build --release --example files_bench
//! target/release/examples/files_bench --bytes 500000000 --rounds 3      # time ratios
//! bash benches/files_memory.sh                                          # max RSS of each
//! ```
//!
//! * upload, client: `client.files().upload(FileUpload::path(..))` signed with SigV4 (a
//!   SHA-256 pass over the multipart bytes, then the streamed send with a Content-Length).
//! * upload, bare: the same work by hand: one SHA-256 pass over the file, then a bare
//!   `reqwest` streamed send of the file with a Content-Length (no multipart, no signing).
//! * download, client: `client.files().download_to_path(..)` (temp file, then rename).
//! * download, bare: a bare `reqwest` streamed read into a file (same 1 MiB write buffer).
//!
//! Rounds alternate which contender goes first; the median of each is reported with the ratio.
//! `--mode upload|upload-bare|download|download-bare` runs one operation once and prints this
//! process's peak RSS (`VmHWM`), for `/usr/bin/time -v`.

#[path = "../benches/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anthropic_aws::Client;
use anthropic_aws::resources::FileUpload;
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, stream};
use sha2::{Digest, Sha256};
use support::{ACCESS_KEY, REGION, SECRET_KEY, WORKSPACE, start_files_server};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};

const CHUNK: usize = 256 * 1024;

struct Options {
    bytes: u64,
    rounds: usize,
    mode: String,
    dir: PathBuf,
}

fn options() -> Options {
    let mut options = Options {
        bytes: 500_000_000,
        rounds: 3,
        mode: "all".into(),
        dir: std::env::temp_dir(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < args.len() {
        let value = &args[i + 1];
        match args[i].as_str() {
            "--bytes" => options.bytes = value.parse().expect("--bytes N"),
            "--rounds" => options.rounds = value.parse().expect("--rounds N"),
            "--mode" => options.mode.clone_from(value),
            "--dir" => options.dir = PathBuf::from(value),
            other => panic!("unknown flag {other}"),
        }
        i += 2;
    }
    options
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// A file of `bytes` bytes, written in 1 MiB pieces.
fn make_input(dir: &Path, bytes: u64) -> PathBuf {
    use std::io::Write;
    let path = dir.join(format!("files_bench_input_{}.bin", std::process::id()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create input"));
    let piece: Vec<u8> = (0..1 << 20).map(|i| (i % 253) as u8).collect();
    let mut left = bytes;
    while left > 0 {
        let n = left.min(piece.len() as u64) as usize;
        file.write_all(&piece[..n]).expect("write input");
        left -= n as u64;
    }
    file.flush().expect("flush input");
    path
}

async fn client(base: &str) -> Client {
    Client::builder()
        .env_lookup(|_| None)
        .base_url(base)
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET_KEY)
        .max_retries(0)
        .build()
        .await
        .expect("client")
}

async fn upload_client(client: &Client, input: &Path) -> u64 {
    let file = client
        .files()
        .upload(FileUpload::path(input))
        .await
        .expect("upload");
    file.size_bytes
}

/// The file's chunks, read as the body is sent.
fn file_stream(file: tokio::fs::File) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> {
    stream::unfold(file, |mut file| async move {
        let mut buf = BytesMut::with_capacity(CHUNK);
        match file.read_buf(&mut buf).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(buf.freeze()), file)),
            Err(e) => Some((Err(e), file)),
        }
    })
}

async fn upload_bare(http: &reqwest::Client, base: &str, input: &Path) -> u64 {
    let mut file = tokio::fs::File::open(input).await.expect("open");
    let mut hasher = Sha256::new();
    let mut buf = vec![0; CHUNK];
    loop {
        let n = file.read(&mut buf).await.expect("read");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let digest = hasher.finalize();
    let len = std::fs::metadata(input).expect("metadata").len();
    let file = tokio::fs::File::open(input).await.expect("open");
    let response = http
        .post(format!("{base}/v1/files"))
        .header("content-length", len)
        .header(
            "x-amz-content-sha256",
            format!("{:x}", Bytes::copy_from_slice(&digest)),
        )
        .body(reqwest::Body::wrap_stream(file_stream(file)))
        .send()
        .await
        .expect("send");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("body");
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    json["size_bytes"].as_u64().expect("size")
}

async fn download_client(client: &Client, output: &Path) -> u64 {
    client
        .files()
        .download_to_path("file_011CBench000000000000000", output)
        .await
        .expect("download")
        .bytes
}

async fn download_bare(http: &reqwest::Client, base: &str, output: &Path) -> u64 {
    let response = http
        .get(format!(
            "{base}/v1/files/file_011CBench000000000000000/content"
        ))
        .send()
        .await
        .expect("send");
    assert!(response.status().is_success());
    let file = tokio::fs::File::create(output).await.expect("create");
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let mut body = response.bytes_stream();
    let mut n = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("chunk");
        writer.write_all(&chunk).await.expect("write");
        n += chunk.len() as u64;
    }
    writer.flush().await.expect("flush");
    n
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn report(what: &str, bytes: u64, client: Vec<Duration>, bare: Vec<Duration>) {
    let ratios: Vec<f64> = client
        .iter()
        .zip(&bare)
        .map(|(c, b)| c.as_secs_f64() / b.as_secs_f64())
        .collect();
    let (c, b) = (median(client), median(bare));
    let mb = bytes as f64 / 1e6;
    println!(
        "{what}: client {:.3} s ({:.0} MB/s), bare {:.3} s ({:.0} MB/s), ratio {:.3} (per round {})",
        c.as_secs_f64(),
        mb / c.as_secs_f64(),
        b.as_secs_f64(),
        mb / b.as_secs_f64(),
        c.as_secs_f64() / b.as_secs_f64(),
        ratios
            .iter()
            .map(|r| format!("{r:.3}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[tokio::main]
async fn main() {
    let options = options();
    let addr = start_files_server(options.bytes);
    let base = format!("http://{addr}");
    let client = client(&base).await;
    let http = reqwest::Client::new();
    let output = options
        .dir
        .join(format!("files_bench_output_{}.bin", std::process::id()));
    let needs_input = matches!(options.mode.as_str(), "all" | "upload" | "upload-bare");
    let input = needs_input.then(|| make_input(&options.dir, options.bytes));

    let started = Instant::now();
    let done = match options.mode.as_str() {
        "upload" => upload_client(&client, input.as_deref().unwrap()).await,
        "upload-bare" => upload_bare(&http, &base, input.as_deref().unwrap()).await,
        "download" => download_client(&client, &output).await,
        "download-bare" => download_bare(&http, &base, &output).await,
        "all" => {
            let input = input.as_deref().unwrap();
            let (mut up_client, mut up_bare) = (Vec::new(), Vec::new());
            let (mut down_client, mut down_bare) = (Vec::new(), Vec::new());
            for round in 0..options.rounds {
                for first in [round % 2 == 0, round % 2 == 1] {
                    let t = Instant::now();
                    if first {
                        upload_client(&client, input).await;
                        up_client.push(t.elapsed());
                    } else {
                        upload_bare(&http, &base, input).await;
                        up_bare.push(t.elapsed());
                    }
                }
                for first in [round % 2 == 0, round % 2 == 1] {
                    let t = Instant::now();
                    if first {
                        download_client(&client, &output).await;
                        down_client.push(t.elapsed());
                    } else {
                        download_bare(&http, &base, &output).await;
                        down_bare.push(t.elapsed());
                    }
                    let _ = std::fs::remove_file(&output);
                }
            }
            report("upload", options.bytes, up_client, up_bare);
            report("download", options.bytes, down_client, down_bare);
            options.bytes
        }
        other => panic!("unknown mode {other}"),
    };
    if options.mode != "all" {
        println!(
            "{}: {done} bytes in {:.3} s; VmHWM {} kB",
            options.mode,
            started.elapsed().as_secs_f64(),
            vm_hwm_kb()
        );
    }
    if let Some(input) = input {
        let _ = std::fs::remove_file(input);
    }
    let _ = std::fs::remove_file(&output);
}
