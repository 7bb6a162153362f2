//! Skills against the local platform over loopback: a skill created from a temporary folder,
//! its multipart body signed over the exact bytes (checked by the platform's own SigV4
//! verifier), paging by cursor, retrieve, versions, and delete refused while versions remain.

mod common;

use anthropic_aws::resources::SkillUpload;
use anthropic_aws::types::{SkillListParams, SkillSource, SkillVersionListParams};
use anthropic_aws::{Error, ErrorType};
use anthropic_aws_emulator::AuthOutcome;
use common::{last_request, platform, signed_client};
use futures_util::TryStreamExt;

/// A skill folder `<root>/<name>` with a SKILL.md and a script.
fn skill_dir(root: &std::path::Path, name: &str) -> std::path::PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    let md = format!("---\nname: {name}\ndescription: Writes {name} reports\n---\n# How\n");
    std::fs::write(dir.join("SKILL.md"), md).unwrap();
    std::fs::write(dir.join("scripts/run.py"), "print('hi')\n").unwrap();
    dir
}

#[tokio::test]
async fn a_skill_is_created_from_a_folder_signed_and_versioned() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let root = tempfile::tempdir().unwrap();
    let dir = skill_dir(root.path(), "report-writer");

    let skill = client
        .skills()
        .create(SkillUpload::dir(&dir).display_title("Report writer"))
        .await
        .unwrap();
    assert!(skill.id.starts_with("skill_"), "{}", skill.id);
    assert_eq!(skill.display_title.as_deref(), Some("Report writer"));
    assert_eq!(skill.source, SkillSource::Custom);
    assert!(skill.aws_request_id().is_some());
    assert!(skill.anthropic_request_id().is_some());

    let sent = last_request(&platform);
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.auth_outcome, AuthOutcome::Accepted);
    let header = |name: &str| {
        sent.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header("anthropic-beta").as_deref(),
        Some("skills-2025-10-02")
    );
    let body = String::from_utf8_lossy(&sent.body).into_owned();
    assert!(
        body.contains("filename=\"report-writer/SKILL.md\""),
        "{body}"
    );
    assert!(
        body.contains("filename=\"report-writer/scripts/run.py\""),
        "{body}"
    );
    assert!(body.contains("name=\"display_title\"\r\n\r\nReport writer\r\n"));
    assert_eq!(
        header("content-length").and_then(|v| v.parse::<usize>().ok()),
        Some(sent.body.len())
    );

    let first = skill.latest_version.clone().unwrap();
    let version = client
        .skills()
        .versions()
        .create(&skill.id, SkillUpload::dir(&dir))
        .await
        .unwrap();
    assert_eq!(version.skill_id, skill.id);
    assert_eq!(version.name, "report-writer");
    assert_eq!(version.description, "Writes report-writer reports");
    assert!(version.version.parse::<u64>().unwrap() > first.parse::<u64>().unwrap());

    let again = client.skills().retrieve(&skill.id).await.unwrap();
    assert_eq!(
        again.latest_version.as_deref(),
        Some(version.version.as_str())
    );
    let got = client
        .skills()
        .versions()
        .retrieve(&skill.id, &first)
        .await
        .unwrap();
    assert_eq!(got.version, first);

    let versions: Vec<_> = client
        .skills()
        .versions()
        .list_all(&skill.id, &SkillVersionListParams::new().limit(1))
        .try_collect()
        .await
        .unwrap();
    let numbers: Vec<_> = versions.iter().map(|v| v.version.clone()).collect();
    assert_eq!(numbers, [version.version.clone(), first.clone()]);

    // A skill with versions cannot be deleted.
    let err = client.skills().delete(&skill.id).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    assert_eq!(err.error_type(), Some(&ErrorType::InvalidRequest));
    for v in [&first, &version.version] {
        let deleted = client
            .skills()
            .versions()
            .delete(&skill.id, v)
            .await
            .unwrap();
        assert_eq!(deleted.kind, "skill_version_deleted");
    }
    let deleted = client.skills().delete(&skill.id).await.unwrap();
    assert_eq!(deleted.kind, "skill_deleted");
    let gone = client.skills().retrieve(&skill.id).await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(platform.skill_counts(), (0, 0));
}

#[tokio::test]
async fn skills_page_by_cursor_and_uploads_without_skill_md_are_refused() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let root = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    for name in ["a-skill", "b-skill", "c-skill"] {
        let dir = skill_dir(root.path(), name);
        ids.push(
            client
                .skills()
                .create(SkillUpload::dir(&dir))
                .await
                .unwrap()
                .id
                .clone(),
        );
    }
    let first = client
        .skills()
        .list(&SkillListParams::new().limit(2))
        .await
        .unwrap();
    assert_eq!(first.data.len(), 2);
    let cursor = first.next_page.clone().unwrap();
    assert!(last_request(&platform).path_and_query.contains("limit=2"));
    let pages: Vec<_> = client
        .skills()
        .list_pages(&SkillListParams::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert!(
        last_request(&platform)
            .path_and_query
            .contains(&format!("page={cursor}"))
    );
    let mut all: Vec<_> = pages
        .iter()
        .flat_map(|p| p.data.iter().map(|s| s.id.clone()))
        .collect();
    all.reverse();
    assert_eq!(all, ids);

    let err = client
        .skills()
        .create(SkillUpload::new().bytes("x/notes.md", "no skill here"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(err.to_string().contains("SKILL.md"), "{err}");
    let missing = client
        .skills()
        .create(SkillUpload::dir(root.path().join("nope")))
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::File(_)), "{missing}");
}

#[tokio::test]
async fn an_access_denied_answer_names_the_skills_action_and_bearer_callers_need_more() {
    let platform = platform().await;
    let root = tempfile::tempdir().unwrap();
    let dir = skill_dir(root.path(), "denied");
    let denied =
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform this action";
    let api_key_client = common::builder(&platform)
        .api_key(common::API_KEY)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    for (bearer, client) in [
        (false, signed_client(&platform).await),
        (true, api_key_client),
    ] {
        let cases = [
            ("create", "CreateSkill"),
            ("list", "ListSkills"),
            ("retrieve", "GetSkill"),
            ("delete", "DeleteSkill"),
            ("version create", "UpdateSkill"),
            ("version list", "ListSkills"),
            ("version retrieve", "GetSkill"),
            ("version delete", "UpdateSkill"),
        ];
        for (call, action) in cases {
            platform.push_fault(anthropic_aws_emulator::Fault::aws(
                403,
                "AccessDeniedException",
                denied,
            ));
            let skills = client.skills();
            let versions = skills.versions();
            let err = match call {
                "create" => skills.create(SkillUpload::dir(&dir)).await.map(drop),
                "list" => skills.list(&SkillListParams::new()).await.map(drop),
                "retrieve" => skills.retrieve("skill_01").await.map(drop),
                "delete" => skills.delete("skill_01").await.map(drop),
                "version create" => versions
                    .create("skill_01", SkillUpload::dir(&dir))
                    .await
                    .map(drop),
                "version list" => versions
                    .list("skill_01", &SkillVersionListParams::new())
                    .await
                    .map(drop),
                "version retrieve" => versions.retrieve("skill_01", "1").await.map(drop),
                _ => versions.delete("skill_01", "1").await.map(drop),
            }
            .unwrap_err();
            let message = anthropic_aws::ProvideErrorMetadata::message(&err).unwrap();
            assert_eq!(err.error_type(), Some(&ErrorType::Permission), "{call}");
            assert!(
                message.contains(&format!("`aws-external-anthropic:{action}`")),
                "{call}: {message}"
            );
            assert_eq!(
                message.contains("`aws-external-anthropic:CallWithBearerToken`"),
                bearer,
                "{call}: {message}"
            );
        }
    }
}
