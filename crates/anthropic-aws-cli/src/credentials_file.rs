//! The access keys of an AWS shared-credentials (or config) file, for `emulator --credentials`,
//! read by the AWS SDK's own profile parser (`aws-runtime`'s `env_config`), so the emulator
//! accepts exactly the keys an AWS SDK would sign with from the same file: its comments,
//! continuation lines and quoting rules included.
//!
//! Both section styles are read: `[name]`, as in `~/.aws/credentials`, and `[profile name]`,
//! as in `~/.aws/config` (a test's credentials file often uses either).

use std::collections::BTreeMap;
use std::path::Path;

use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_runtime::env_config::section::EnvConfigSections;
use aws_runtime::env_config::source;
use aws_types::os_shim_internal::{Env, Fs};

use crate::errors::CliError;

const ACCESS_KEY_ID: &str = "aws_access_key_id";
const SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
const SESSION_TOKEN: &str = "aws_session_token";

/// One credential of a shared-credentials file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCredential {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// The credentials of every section of `text` (the file at `path`), ordered by section. A
/// section with neither key is skipped; one with only one of the two is an error, and so is
/// a file the AWS parser rejects.
pub async fn parse(text: &str, path: &Path) -> Result<Vec<FileCredential>, CliError> {
    let mut found = BTreeMap::new();
    for kind in [EnvConfigFileKind::Credentials, EnvConfigFileKind::Config] {
        let sections = sections(text, kind, path).await?;
        for name in sections.profiles() {
            let Some(profile) = sections.get_profile(name) else {
                continue;
            };
            let label = section_label(name, kind);
            let value = |key| {
                profile
                    .get(key)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
            };
            let credential = match (value(ACCESS_KEY_ID), value(SECRET_ACCESS_KEY)) {
                (Some(access_key_id), Some(secret_access_key)) => FileCredential {
                    access_key_id,
                    secret_access_key,
                    session_token: value(SESSION_TOKEN),
                },
                (None, None) => continue,
                (Some(_), None) => {
                    return Err(half(path, &label, ACCESS_KEY_ID, SECRET_ACCESS_KEY));
                }
                (None, Some(_)) => {
                    return Err(half(path, &label, SECRET_ACCESS_KEY, ACCESS_KEY_ID));
                }
            };
            found.insert(label, credential);
        }
    }
    Ok(found.into_values().collect())
}

/// The file's sections as the AWS SDK reads a file of this kind (`[name]` in a credentials
/// file, `[profile name]` and `[default]` in a config file), without touching the process's
/// environment or home directory.
async fn sections(
    text: &str,
    kind: EnvConfigFileKind,
    path: &Path,
) -> Result<EnvConfigSections, CliError> {
    let files = EnvConfigFiles::builder()
        .include_default_config_file(false)
        .include_default_credentials_file(false)
        .with_contents(kind, text)
        .build();
    let unreadable = |e: &dyn std::fmt::Display| {
        CliError::usage(format!(
            "--credentials {}: not an AWS credentials file: {e}",
            path.display()
        ))
    };
    let source = source::load(&Env::from_slice(&[]), &Fs::from_slice(&[]), &files)
        .await
        .map_err(|e| unreadable(&e))?;
    EnvConfigSections::parse(source).map_err(|e| unreadable(&e))
}

/// The section as the file spells it.
fn section_label(name: &str, kind: EnvConfigFileKind) -> String {
    match kind {
        EnvConfigFileKind::Config if name != "default" => format!("[profile {name}]"),
        _ => format!("[{name}]"),
    }
}

fn half(path: &Path, label: &str, has: &str, lacks: &str) -> CliError {
    CliError::usage(format!(
        "{}: {label} has {has} but no {lacks}",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_now(text: &str) -> Result<Vec<FileCredential>, CliError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        runtime.block_on(parse(text, Path::new("creds")))
    }

    #[test]
    fn credentials_files_parse() {
        let text = "\
# test keys
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secret/default+key

[profile session]
aws_access_key_id=ASIASESSION
aws_secret_access_key=session-secret
aws_session_token = token==
region = us-east-1

[empty]
region = eu-west-1
";
        assert_eq!(
            parse_now(text).ok(),
            Some(vec![
                FileCredential {
                    access_key_id: "AKIDDEFAULT".to_owned(),
                    secret_access_key: "secret/default+key".to_owned(),
                    session_token: None,
                },
                FileCredential {
                    access_key_id: "ASIASESSION".to_owned(),
                    secret_access_key: "session-secret".to_owned(),
                    session_token: Some("token==".to_owned()),
                },
            ])
        );
        let broken = parse_now("[a]\naws_access_key_id = X\n");
        assert!(
            matches!(&broken, Err(CliError::Usage(m)) if m.contains("[a]") && m.contains("no aws_secret_access_key")),
            "{broken:?}"
        );
        let broken = parse_now("[profile b]\naws_secret_access_key = S\n");
        assert!(
            matches!(&broken, Err(CliError::Usage(m)) if m.contains("[profile b]") && m.contains("no aws_access_key_id")),
            "{broken:?}"
        );
    }

    #[test]
    fn the_aws_parsers_rules_apply() {
        // Inline comments, keys in any case, and a section named in both styles once each.
        let text = "\
[plain] ; a comment
AWS_ACCESS_KEY_ID = AKIDPLAIN # trailing comment
aws_secret_access_key = plain-secret
[profile prefixed]
aws_access_key_id = AKIDPREFIXED
aws_secret_access_key = prefixed-secret
";
        let ids: Vec<String> = parse_now(text)
            .expect("parses")
            .into_iter()
            .map(|c| c.access_key_id)
            .collect();
        assert_eq!(ids, ["AKIDPLAIN", "AKIDPREFIXED"]);

        // What the AWS parser rejects is a usage error that says where.
        let bad = parse_now("aws_access_key_id = X\n");
        assert!(
            matches!(&bad, Err(CliError::Usage(m)) if m.contains("creds") && m.contains("line 1")),
            "{bad:?}"
        );
    }
}
