//! The `anthropic-aws` binary run as a process: an environment built from nothing (temp HOME,
//! empty AWS config files, no instance metadata), so nothing from the developer's machine
//! leaks in, and every run's output checked for the test secrets.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anthropic_aws_emulator::EmulatorHandle;
use serde_json::Value;

use super::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_anthropic-aws");
pub const HELLO: &str = r#"{role: user, content: "Hello, Claude"}"#;

/// One invocation of the binary, with an environment built from nothing.
pub struct Cli {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<Vec<u8>>,
    home: tempfile::TempDir,
}

/// What a run left behind.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// stdout as bytes, for binary output.
    pub stdout_bytes: Vec<u8>,
}

impl Cli {
    /// No credentials, region or workspace: only a clean HOME and empty AWS files.
    pub fn bare() -> Self {
        let home = tempfile::tempdir().expect("temp dir");
        let config = home.path().join("aws-config");
        let credentials = home.path().join("aws-credentials");
        std::fs::write(&config, "").expect("write config");
        std::fs::write(&credentials, "").expect("write credentials");
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let env = vec![
            ("HOME".to_owned(), path(home.path())),
            ("PATH".to_owned(), path(home.path())),
            ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
            ("AWS_CONFIG_FILE".to_owned(), path(&config)),
            ("AWS_SHARED_CREDENTIALS_FILE".to_owned(), path(&credentials)),
        ];
        Self {
            args: Vec::new(),
            env,
            stdin: None,
            home,
        }
    }

    /// Pointed at `platform` (base URL, region and workspace through the environment), with
    /// no credentials yet.
    pub fn at(platform: &EmulatorHandle) -> Self {
        Self::bare()
            .env("ANTHROPIC_AWS_BASE_URL", &platform.base_url())
            .env("AWS_REGION", REGION)
            .env("ANTHROPIC_AWS_WORKSPACE_ID", WORKSPACE)
    }

    /// Pointed at `platform`, signing with the long-term test key from the environment.
    pub fn signed(platform: &EmulatorHandle) -> Self {
        Self::at(platform)
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn stdin(mut self, body: &str) -> Self {
        self.stdin = Some(body.as_bytes().to_vec());
        self
    }

    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Runs the binary off the async runtime (the platform serves meanwhile).
    pub async fn run(self) -> Run {
        tokio::task::spawn_blocking(move || self.run_blocking())
            .await
            .expect("the run finishes")
    }

    pub fn run_blocking(self) -> Run {
        let mut command = Command::new(BIN);
        command
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let mut child = command.spawn().expect("the binary starts");
        if let Some(body) = &self.stdin {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            pipe.write_all(body).expect("write stdin");
        }
        let output = child.wait_with_output().expect("the binary runs");
        let run = Run {
            code: output.status.code().expect("an exit code, not a signal"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout_bytes: output.stdout,
        };
        run.assert_no_secrets();
        run
    }
}

impl Run {
    pub fn assert_no_secrets(&self) {
        for secret in [
            SECRET,
            SESSION_SECRET,
            SESSION_TOKEN,
            EXPIRED_TOKEN,
            API_KEY,
            "Signature=",
        ] {
            assert!(
                !self.stdout.contains(secret) && !self.stderr.contains(secret),
                "{secret:?} leaked:\n{self:#?}"
            );
        }
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(self.code, 0, "{self:#?}");
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {self:#?}"))
    }

    /// The last line on stderr, as the JSON error object.
    #[track_caller]
    pub fn error_line(&self) -> Value {
        let last = self.stderr.trim_end().lines().last().unwrap_or_default();
        serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {self:#?}"))
    }
}

/// `anthropic-aws … emulator …` running as a process (built from [`Cli`]'s clean
/// environment), stopped with SIGTERM when dropped.
pub struct Serving {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, from its first line.
    pub base_url: String,
    _home: tempfile::TempDir,
}

impl Cli {
    /// Starts the binary with these arguments as a long-running emulator and waits for its
    /// `listening on` line.
    pub fn serve(self) -> Serving {
        use std::io::{BufRead, BufReader};
        let mut command = Command::new(BIN);
        command
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let Some(base_url) = first.strip_prefix("listening on ").map(str::to_owned) else {
            let _ = child.kill();
            let output = child.wait_with_output().expect("the emulator exits");
            panic!(
                "no `listening on` line: {first:?}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        // Keep reading stdout so that the process never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Serving {
            child,
            base_url,
            _home: self.home,
        }
    }
}

impl Serving {
    /// The peak resident memory of the process so far (`VmHWM`), in bytes.
    pub fn peak_rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc is readable");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .expect("VmHWM is reported")
    }

    /// Stops it with SIGTERM (as Ctrl-C would) and answers what it wrote on stderr.
    pub fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        let _ = self.child.wait();
        stderr
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
