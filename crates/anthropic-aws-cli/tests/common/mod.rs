//! Shared loopback fixtures of the CLI tests: a local platform that knows every test credential.
#![allow(dead_code)] // each test binary uses its own subset

use anthropic_aws_emulator::{Emulator, EmulatorHandle, RecordedRequest};

pub mod process;

#[allow(unused_imports)] // each test binary uses its own subset
pub use process::{BIN, Cli, Run};

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

/// The request the platform received last.
pub fn last_request(platform: &EmulatorHandle) -> RecordedRequest {
    platform
        .requests()
        .pop()
        .expect("the platform received a request")
}

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
