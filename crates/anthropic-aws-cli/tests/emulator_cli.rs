//! `anthropic-aws emulator` as a process: it prints where it listens, accepts the
//! credentials of a shared-credentials file, answers the crate's own client, honors
//! scenarios, and logs every request with both IDs.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anthropic_aws::Client;
use anthropic_aws::types::{MessageCreateParams, MessageParam, ModelListParams};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_anthropic-aws");
const ACCESS_KEY: &str = "AKIDEMULATORCLI";
const SECRET: &str = "emulator/cli+secret";
const SESSION_KEY: &str = "ASIAEMULATORCLI";
const SESSION_SECRET: &str = "emulator-session-secret";
const SESSION_TOKEN: &str = "emulator-session-token//";
const REGION: &str = "eu-west-3";
const WORKSPACE: &str = "wrkspc_cli_test";

/// Stops the emulator when the test ends: with SIGTERM, as a user's Ctrl-C or service manager
/// would, so that it removes its files directory; with SIGKILL only when the test panicked.
struct Running(Child);

impl Running {
    /// Sends SIGTERM and waits for the process to exit.
    fn terminate(&mut self) -> std::process::ExitStatus {
        self.signal("TERM")
    }

    /// Sends `SIG{name}` and waits for the process to exit.
    fn signal(&mut self, name: &str) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.0.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -{name} failed: {sent}");
        self.0.wait().expect("the emulator exits")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(Some(_))) {
            return;
        }
        if std::thread::panicking() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        } else {
            self.terminate();
        }
    }
}

/// Starts `anthropic-aws emulator` with `args`; returns it and its base URL.
fn start(args: &[&str]) -> (Running, String) {
    start_with_tmpdir(args, None)
}

/// As [`start`], with `TMPDIR` (where the emulator makes its files directory) set to `tmpdir`.
fn start_with_tmpdir(args: &[&str], tmpdir: Option<&Path>) -> (Running, String) {
    let mut command = Command::new(BIN);
    command
        .arg("emulator")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(tmpdir) = tmpdir {
        command.env("TMPDIR", tmpdir);
    }
    let child = command.spawn().expect("the binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .expect("a first line on stdout");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let hint = lines.next().and_then(Result::ok).unwrap_or_default();
    assert!(
        hint.contains(&format!("ANTHROPIC_AWS_BASE_URL={url}"))
            && hint.contains("ANTHROPIC_AWS_WORKSPACE_ID="),
        "{hint}"
    );
    (running, url)
}

fn credentials_file(dir: &Path) -> String {
    let path = dir.join("credentials");
    std::fs::write(
        &path,
        format!(
            "[default]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\n\n\
             [profile temp]\naws_access_key_id = {SESSION_KEY}\n\
             aws_secret_access_key = {SESSION_SECRET}\naws_session_token = {SESSION_TOKEN}\n"
        ),
    )
    .expect("write credentials");
    path.to_string_lossy().into_owned()
}

fn log_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("the log exists")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_subcommand_serves_signed_requests_and_logs_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let credentials = credentials_file(dir.path());
    let log = dir.path().join("requests.jsonl");
    let log_arg = log.to_string_lossy().into_owned();
    let (_emulator, url) = start(&[
        "--port",
        "0",
        "--region",
        REGION,
        "--workspace",
        WORKSPACE,
        "--credentials",
        &credentials,
        "--log",
        &log_arg,
        // A budget smaller than any body: each is read alone, all are served.
        "--max-body-bytes-in-flight",
        "64",
    ]);

    let builder = || {
        Client::builder()
            .env_lookup(|_| None)
            .base_url(&url)
            .region(REGION)
            .workspace_id(WORKSPACE)
    };
    let client = builder()
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(0)
        .build()
        .await
        .expect("client builds");
    let message = client
        .messages()
        .create(&MessageCreateParams::new(
            "claude-opus-4-8",
            64,
            vec![MessageParam::user("Hello, Claude")],
        ))
        .await
        .expect("a signed request succeeds");
    let aws_id = message
        .aws_request_id()
        .expect("x-amzn-requestid")
        .to_owned();
    let anthropic_id = message
        .anthropic_request_id()
        .expect("request-id")
        .to_owned();

    let lines = log_lines(&log);
    let line = lines
        .iter()
        .find(|l| l["aws_request_id"] == aws_id.as_str())
        .expect("a log line for the request");
    assert_eq!(line["anthropic_request_id"], anthropic_id.as_str());
    assert_eq!(line["auth"], "sigv4");
    assert_eq!(line["access_key_id"], ACCESS_KEY);
    assert_eq!(line["verdict"], "ok");
    assert_eq!(line["status"], 200);
    assert_eq!(line["method"], "POST");
    assert_eq!(line["path"], "/v1/messages");
    assert_eq!(line["attempt"], 0);

    // The session credentials of the file's second section work too.
    let session = builder()
        .access_key(SESSION_KEY, SESSION_SECRET)
        .session_token(SESSION_TOKEN)
        .max_retries(0)
        .build()
        .await
        .expect("client builds");
    let page = session
        .models()
        .list(&ModelListParams::new())
        .await
        .expect("a session-signed request succeeds");
    assert!(!page.data.is_empty());

    // A scenario in the model name: one overloaded answer, then the client's retry succeeds.
    let retrying = builder()
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(2)
        .build()
        .await
        .expect("client builds");
    let recovered = retrying
        .messages()
        .create(&MessageCreateParams::new(
            "claude-opus-4-8~status=529;times=1",
            64,
            vec![MessageParam::user("Hello again")],
        ))
        .await
        .expect("the retry succeeds");
    assert_eq!(recovered.model, "claude-opus-4-8");
    let lines = log_lines(&log);
    let scripted: Vec<&Value> = lines
        .iter()
        .filter(|l| l["scenario"] == "status=529;times=1")
        .collect();
    assert_eq!(scripted.len(), 2, "{lines:?}");
    assert_eq!(scripted[0]["verdict"], "overloaded_error");
    assert_eq!(scripted[0]["attempt"], 0);
    assert_eq!(scripted[1]["verdict"], "ok");
    assert_eq!(scripted[1]["attempt"], 1);

    // A key the file does not name is rejected, and nothing secret reaches the log.
    let stranger = builder()
        .access_key("AKIDSTRANGER", "stranger-secret")
        .max_retries(0)
        .build()
        .await
        .expect("client builds");
    let rejected = stranger
        .models()
        .list(&ModelListParams::new())
        .await
        .expect_err("an unknown key is rejected");
    assert_eq!(rejected.status().map(|s| s.as_u16()), Some(403));
    let text = std::fs::read_to_string(&log).expect("the log exists");
    for secret in [SECRET, SESSION_SECRET, SESSION_TOKEN, "stranger-secret"] {
        assert!(!text.contains(secret), "{secret} leaked into the log");
    }
    assert!(text.contains("UnrecognizedClientException"));
}

#[test]
fn without_credentials_it_warns_that_everything_will_be_rejected() {
    let (mut emulator, _url) = start(&[]);
    emulator.terminate();
    let output = emulator.0.wait_with_output_stderr();
    assert!(
        output.contains("every signed request will be rejected"),
        "{output}"
    );
}

#[test]
fn a_broken_credentials_file_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("credentials");
    std::fs::write(&path, "[default]\naws_access_key_id = AKIDONLY\n").expect("write");
    let output = Command::new(BIN)
        .args(["emulator", "--credentials"])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no aws_secret_access_key"), "{stderr}");
}

#[test]
fn sigterm_and_sigint_stop_it_cleanly_and_remove_its_files_directory() {
    for signal in ["TERM", "INT"] {
        let tmpdir = tempfile::tempdir().expect("temp dir");
        let (mut emulator, _url) =
            start_with_tmpdir(&["--api-key", "sk-test"], Some(tmpdir.path()));
        let made: Vec<_> = std::fs::read_dir(tmpdir.path())
            .expect("read the temp dir")
            .map(|entry| entry.expect("an entry").file_name())
            .collect();
        assert_eq!(made.len(), 1, "{made:?}");
        assert!(
            made[0]
                .to_string_lossy()
                .starts_with("anthropic-aws-emulator-files-"),
            "{made:?}"
        );
        let status = emulator.signal(signal);
        assert!(status.success(), "SIG{signal}: {status}");
        let left: Vec<_> = std::fs::read_dir(tmpdir.path())
            .expect("read the temp dir")
            .collect();
        assert!(left.is_empty(), "SIG{signal} left behind: {left:?}");
    }
}

/// Reads what is left of a stopped child's stderr.
trait StderrAfterKill {
    fn wait_with_output_stderr(&mut self) -> String;
}

impl StderrAfterKill for Child {
    fn wait_with_output_stderr(&mut self) -> String {
        use std::io::Read;
        let _ = self.wait();
        let mut text = String::new();
        if let Some(mut stderr) = self.stderr.take() {
            let _ = stderr.read_to_string(&mut text);
        }
        text
    }
}

/// The Rust snippet of `crates/anthropic-aws-emulator/README.md`, as written there.
#[tokio::test(flavor = "multi_thread")]
async fn the_documented_scenario_snippet_works() {
    use anthropic_aws_emulator::Emulator;

    let emulator = Emulator::builder()
        .region("us-west-2")
        .workspace_id("wrkspc_test")
        .access_key("AKIDTEST", "test-secret")
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .env_lookup(|_| None)
        .base_url(emulator.base_url())
        .region("us-west-2")
        .workspace_id("wrkspc_test")
        .access_key("AKIDTEST", "test-secret")
        .max_retries(2)
        .build()
        .await
        .unwrap();

    // Two overloaded answers, then success: the client's retries get through.
    let params = MessageCreateParams::new(
        "claude-opus-4-8~status=529;times=2",
        64,
        vec![MessageParam::user("Hello")],
    );
    let message = client.messages().create(&params).await.unwrap();
    assert_eq!(message.model, "claude-opus-4-8");

    let attempts: Vec<(String, Option<u64>)> = emulator
        .requests()
        .into_iter()
        .map(|r| (r.verdict, r.attempt))
        .collect();
    assert_eq!(
        attempts,
        [
            ("overloaded_error".to_owned(), Some(0)),
            ("overloaded_error".to_owned(), Some(1)),
            ("ok".to_owned(), Some(2)),
        ]
    );
    emulator.shutdown().await;
}
