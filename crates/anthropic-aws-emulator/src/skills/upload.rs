//! Parsing a skill upload: `display_title` and one part per file (`files[]`,
//! or `files`), each named by its path (`my-skill/scripts/run.py`).

use bytes::Bytes;
use futures_util::FutureExt;

use crate::error::ApiError;

use super::MAX_UPLOAD_BYTES;

/// The largest body the router buffers for an upload: the files' limit plus
/// room for the multipart framing.
pub(crate) const MAX_BODY_BYTES: usize = MAX_UPLOAD_BYTES as usize + 1024 * 1024;

/// What an upload said: its title, files (name, size), and what its
/// `SKILL.md` declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upload {
    pub(crate) display_title: Option<String>,
    pub(crate) files: Vec<(String, u64)>,
    /// The top-level directory every file is under.
    pub(crate) directory: String,
    /// `name` from `SKILL.md`'s frontmatter, else the directory.
    pub(crate) name: String,
    /// `description` from `SKILL.md`'s frontmatter, else empty.
    pub(crate) description: String,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid_request(message)
}

/// Parses a buffered multipart `body` whose `content-type` is `content_type`.
pub(crate) fn parse(body: &Bytes, content_type: Option<&str>) -> Result<Upload, ApiError> {
    let content_type = content_type.unwrap_or_default();
    let is_form = content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"));
    let boundary = multer::parse_boundary(content_type)
        .ok()
        .filter(|_| is_form)
        .ok_or_else(|| invalid("content-type: skills are uploaded as multipart/form-data"))?;
    let chunk: Result<Bytes, std::io::Error> = Ok(body.clone());
    let mut multipart = multer::Multipart::new(futures_util::stream::iter([chunk]), boundary);
    let mut display_title = None;
    let mut files = Vec::new();
    let mut skill_md: Option<(String, Bytes)> = None;
    let mut total = 0u64;
    loop {
        // The body is all in memory: every step completes at once.
        let field = multipart
            .next_field()
            .now_or_never()
            .ok_or_else(|| invalid("malformed multipart body"))?
            .map_err(malformed)?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let data = field
            .bytes()
            .now_or_never()
            .ok_or_else(|| invalid("malformed multipart body"))?
            .map_err(malformed)?;
        match (name.as_str(), filename) {
            ("display_title", None) => {
                display_title = Some(String::from_utf8_lossy(&data).into_owned());
            }
            ("files" | "files[]", Some(filename)) => {
                total = total.saturating_add(data.len() as u64);
                if total > MAX_UPLOAD_BYTES {
                    return Err(ApiError::too_large(format!(
                        "Total upload size exceeds the maximum of {MAX_UPLOAD_BYTES} bytes"
                    )));
                }
                if filename.ends_with("/SKILL.md") && filename.matches('/').count() == 1 {
                    skill_md = Some((filename.clone(), data.clone()));
                }
                files.push((filename, data.len() as u64));
            }
            (other, _) => {
                return Err(invalid(format!(
                    "unexpected multipart part `{}`: a skill upload has `display_title` and \
                     `files[]` parts with filenames",
                    other.chars().take(100).collect::<String>()
                )));
            }
        }
    }
    check(display_title, files, skill_md)
}

/// The checks the real API makes on the files.
fn check(
    display_title: Option<String>,
    files: Vec<(String, u64)>,
    skill_md: Option<(String, Bytes)>,
) -> Result<Upload, ApiError> {
    if files.is_empty() {
        return Err(invalid("files: at least one file is required"));
    }
    let mut directory: Option<&str> = None;
    for (name, _) in &files {
        let top = name.split('/').next().unwrap_or_default();
        let bad = name.starts_with('/')
            || !name.contains('/')
            || name
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..");
        if bad {
            return Err(invalid(format!(
                "files: '{name}' must be a relative path under the skill's top-level directory"
            )));
        }
        match directory {
            None => directory = Some(top),
            Some(d) if d != top => {
                return Err(invalid(
                    "files: all files must be in the same top-level directory",
                ));
            }
            Some(_) => {}
        }
    }
    let directory = directory.unwrap_or_default().to_owned();
    let Some((_, skill_md)) = skill_md.filter(|(n, _)| *n == format!("{directory}/SKILL.md"))
    else {
        return Err(invalid(format!(
            "files: SKILL.md file must be exactly in the top-level folder ({directory}/SKILL.md)"
        )));
    };
    let (name, description) = frontmatter(&String::from_utf8_lossy(&skill_md));
    if let Some(name) = &name
        && *name != directory
    {
        return Err(invalid(format!(
            "the top-level directory '{directory}' must match the name '{name}' in SKILL.md"
        )));
    }
    Ok(Upload {
        display_title,
        files,
        name: name.unwrap_or_else(|| directory.clone()),
        directory,
        description: description.unwrap_or_default(),
    })
}

/// `name` and `description` of a YAML frontmatter (`---` lines around
/// `key: value` lines; values unquoted).
fn frontmatter(text: &str) -> (Option<String>, Option<String>) {
    let mut lines = text.lines();
    if lines.next().map(str::trim) != Some("---") {
        return (None, None);
    }
    let (mut name, mut description) = (None, None);
    for line in lines.take_while(|l| l.trim() != "---") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']).to_owned();
        match key.trim() {
            "name" => name = Some(value),
            "description" => description = Some(value),
            _ => {}
        }
    }
    (name, description)
}

fn malformed(error: multer::Error) -> ApiError {
    invalid(format!("malformed multipart body: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &str)]) -> Bytes {
        let mut out = String::new();
        for (name, filename, data) in parts {
            out.push_str(&format!(
                "--B\r\nContent-Disposition: form-data; name=\"{name}\""
            ));
            if let Some(f) = filename {
                out.push_str(&format!("; filename=\"{f}\""));
            }
            out.push_str(&format!("\r\n\r\n{data}\r\n"));
        }
        out.push_str("--B--\r\n");
        Bytes::from(out)
    }

    type Parts<'a> = Vec<(&'a str, Option<&'a str>, &'a str)>;

    const FORM: Option<&str> = Some("multipart/form-data; boundary=B");
    const MD: &str = "---\nname: my-skill\ndescription: Does things\n---\n# Body";

    #[test]
    fn a_good_upload_names_its_skill_from_skill_md() {
        let b = body(&[
            ("display_title", None, "Mine"),
            ("files[]", Some("my-skill/SKILL.md"), MD),
            ("files[]", Some("my-skill/a/b.py"), "x=1"),
        ]);
        let up = parse(&b, FORM).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(up.display_title.as_deref(), Some("Mine"));
        assert_eq!(up.name, "my-skill");
        assert_eq!(up.description, "Does things");
        assert_eq!(up.files[1], ("my-skill/a/b.py".to_owned(), 3));
    }

    #[test]
    fn bad_uploads_are_refused_with_the_reason() {
        let cases: Vec<(Parts<'_>, &str)> = vec![
            (vec![("display_title", None, "t")], "at least one"),
            (vec![("files", Some("my-skill/x.md"), "x")], "SKILL.md"),
            (
                vec![("files", Some("my-skill/sub/SKILL.md"), MD)],
                "SKILL.md",
            ),
            (vec![("files", Some("SKILL.md"), MD)], "relative path"),
            (
                vec![
                    ("files", Some("my-skill/SKILL.md"), MD),
                    ("files", Some("other/x"), "x"),
                ],
                "same top-level",
            ),
            (vec![("files", Some("other/SKILL.md"), MD)], "must match"),
            (vec![("files", Some("my-skill/../x"), "x")], "relative path"),
            (vec![("extra", None, "x")], "unexpected"),
        ];
        for (parts, needle) in cases {
            let err = parse(&body(&parts), FORM).err().map(|e| e.message);
            assert!(
                err.as_deref().is_some_and(|m| m.contains(needle)),
                "{needle}: {err:?}"
            );
        }
        let err = parse(&body(&[]), Some("application/json")).err();
        assert!(err.is_some_and(|e| e.message.contains("multipart")));
    }
}
