//! Shared loopback fixtures: a local platform with known credentials, and clients for it.
#![allow(dead_code)] // each test binary uses its own subset

pub mod hostile_batches;
pub mod scripted;
pub mod spans;

use anthropic_aws::{Client, ClientBuilder};
use anthropic_aws_emulator::{Emulator, EmulatorHandle, RecordedRequest};

pub const REGION: &str = "us-west-2";
pub const WORKSPACE: &str = "wrkspc_test";
pub const ACCESS_KEY: &str = "AKIDLONGTERMEXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const SESSION_ACCESS_KEY: &str = "ASIATEMPORARYEXAMPLE";
pub const SESSION_SECRET: &str = "tEmPoRaRySeCrEtKeYeXaMpLe";
pub const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN//////////";
pub const EXPIRED_ACCESS_KEY: &str = "ASIAEXPIREDEXAMPLE";
pub const EXPIRED_TOKEN: &str = "FwoGZXIvYXdzEXPIREDTOKEN";
pub const API_KEY: &str = "aws-api-key-EXAMPLE-0123456789";
pub const MODEL: &str = "claude-opus-4-8";

/// A local platform that knows every credential above.
pub async fn platform() -> EmulatorHandle {
    Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET)
        .session_credentials(SESSION_ACCESS_KEY, SESSION_SECRET, SESSION_TOKEN)
        .expired_session_credentials(EXPIRED_ACCESS_KEY, SESSION_SECRET, EXPIRED_TOKEN)
        .api_key(API_KEY)
        .record_bodies(true)
        .start()
        .await
        .expect("the local platform starts")
}

/// A builder pointed at `base_url` that reads nothing from the process environment.
pub fn builder_at(base_url: impl Into<String>) -> ClientBuilder {
    Client::builder()
        .env_lookup(|_| None)
        .base_url(base_url)
        .region(REGION)
        .workspace_id(WORKSPACE)
}

/// A builder pointed at `platform` that reads nothing from the process environment.
pub fn builder(platform: &EmulatorHandle) -> ClientBuilder {
    builder_at(platform.base_url())
}

/// A SigV4 client of `platform` whose requests carry `scenario`, allowed `retries`.
pub async fn client_with_scenario(
    platform: &EmulatorHandle,
    scenario: &str,
    retries: u32,
) -> Client {
    builder(platform)
        .access_key(ACCESS_KEY, SECRET)
        .default_header("x-emulator-scenario", scenario)
        .max_retries(retries)
        .build()
        .await
        .expect("client builds")
}

/// A SigV4 client for `base_url` with the long-term test key and no retries.
pub async fn signed_client_at(base_url: impl Into<String>) -> Client {
    builder_at(base_url)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(0)
        .build()
        .await
        .expect("client builds")
}

/// A SigV4 client for `platform` with the long-term test key and no retries.
pub async fn signed_client(platform: &EmulatorHandle) -> Client {
    signed_client_at(platform.base_url()).await
}

/// The request the platform received last.
pub fn last_request(platform: &EmulatorHandle) -> RecordedRequest {
    platform
        .requests()
        .pop()
        .expect("the platform received a request")
}

/// The `SignedHeaders=` list of a SigV4 `Authorization` header.
pub fn signed_headers(request: &RecordedRequest) -> Vec<String> {
    let auth = request
        .header("authorization")
        .expect("an authorization header");
    let start = auth.find("SignedHeaders=").expect("SignedHeaders") + "SignedHeaders=".len();
    auth[start..]
        .split(',')
        .next()
        .unwrap_or_default()
        .split(';')
        .map(str::to_owned)
        .collect()
}

pub mod hostile;

/// An address that refuses every connection, reliably: a port bound (so nobody else can take
/// it) with nobody listening. Keep the socket alive while the address is in use.
pub fn refusing_address() -> (tokio::net::TcpSocket, String) {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("bind");
    let url = format!("http://{}", socket.local_addr().expect("local address"));
    (socket, url)
}

/// An address where connecting never completes: a listener with a backlog of zero whose one
/// queue place is taken by a connection nobody accepts, so Linux drops further SYNs. Keep
/// both values alive while the address is in use.
pub fn unconnectable_address() -> ((tokio::net::TcpListener, std::net::TcpStream), String) {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("bind");
    let listener = socket.listen(0).expect("listen");
    let addr = listener.local_addr().expect("local address");
    let filler = std::net::TcpStream::connect(addr).expect("the one queue place");
    ((listener, filler), format!("http://{addr}"))
}

/// The names in `dir`, sorted.
pub fn dir_entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
