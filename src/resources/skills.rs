//! Agent Skills under `/v1/skills` (beta `skills-2025-10-02`): create a skill from a folder or
//! files (multipart, streamed from disk and signed without holding the files), list (one page
//! or every page, by cursor), retrieve, delete; and its versions.

mod upload;

use std::sync::Arc;

use futures_core::Stream;
use http::Method;

use super::pages::List;
use crate::error::Error;
use crate::request_options::RequestOptions;
use crate::response::Response;
use crate::transport::{Call, Transport};
use crate::types::{
    CursorPage, DeletedSkill, DeletedSkillVersion, Skill, SkillListParams, SkillVersion,
    SkillVersionListParams,
};

pub use upload::SkillUpload;

/// The beta the official SDKs send with every Skills call.
const SKILLS_BETA: &str = "skills-2025-10-02";

/// The Skills API, from [`Client::skills`](crate::Client::skills).
#[derive(Clone)]
pub struct Skills<'c> {
    transport: &'c Arc<Transport>,
    options: RequestOptions,
}

impl<'c> Skills<'c> {
    pub(crate) fn new(transport: &'c Arc<Transport>) -> Self {
        Self {
            transport,
            options: RequestOptions::default(),
        }
    }

    /// The same API with per-request overrides of timeouts and retries.
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// The versions of skills.
    pub fn versions(&self) -> SkillVersions<'c> {
        SkillVersions {
            transport: self.transport,
            options: self.options.clone(),
        }
    }

    /// Creates a skill from its files (`POST /v1/skills`, multipart/form-data: `display_title`
    /// and one `files[]` part a file); its first version is made from them.
    ///
    /// The body is streamed from disk with an exact `Content-Length`; with SigV4 a first pass
    /// computes the payload hash, and each attempt (a retry too) reads the files again.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::resources::SkillUpload;
    /// let skill = client
    ///     .skills()
    ///     .create(SkillUpload::dir("skills/report-writer").display_title("Report writer"))
    ///     .await?;
    /// println!("{} version {:?}", skill.id, skill.latest_version);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, upload: SkillUpload) -> Result<Response<Skill>, Error> {
        let path = ["v1", "skills"];
        upload_call(self.transport, &self.options, &path, upload, "CreateSkill").await
    }

    /// One page of skills (`GET /v1/skills?limit=&page=&source=`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::SkillListParams;
    /// let page = client.skills().list(&SkillListParams::new().source("custom")).await?;
    /// for skill in &page.data {
    ///     println!("{} {:?}", skill.id, skill.display_title);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &self,
        params: &SkillListParams,
    ) -> Result<Response<CursorPage<Skill>>, Error> {
        self.list_route().page(params).await
    }

    /// Every page from `params` on, fetched as the stream is read (each next page asked for
    /// with the previous one's `next_page`); the stream ends after the first error.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let mut pages = client.skills().list_pages(&Default::default());
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} skills", page.data.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_pages(
        &self,
        params: &SkillListParams,
    ) -> impl Stream<Item = Result<Response<CursorPage<Skill>>, Error>> + Send + Unpin + 'static
    {
        self.list_route().pages(params.clone())
    }

    /// Every skill from `params` on, page after page (see [`list_pages`](Self::list_pages)).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let skills: Vec<_> = client.skills().list_all(&Default::default()).try_collect().await?;
    /// println!("{} skills", skills.len());
    /// # Ok(()) }
    /// ```
    pub fn list_all(
        &self,
        params: &SkillListParams,
    ) -> impl Stream<Item = Result<Skill, Error>> + Send + Unpin + 'static {
        self.list_route()
            .items::<CursorPage<Skill>, _>(params.clone())
    }

    /// The `GET /v1/skills` list.
    fn list_route(&self) -> List {
        List::new(
            self.transport,
            &self.options,
            &["v1", "skills"],
            "ListSkills",
        )
        .beta(SKILLS_BETA)
    }

    /// One skill (`GET /v1/skills/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let skill = client.skills().retrieve("skill_01").await?;
    /// println!("{:?} (AWS request ID {:?})", skill.display_title, skill.aws_request_id());
    /// # Ok(()) }
    /// ```
    pub async fn retrieve(&self, skill_id: &str) -> Result<Response<Skill>, Error> {
        let path = ["v1", "skills", skill_id];
        let call = Call::new(Method::GET, &path, &self.options)
            .beta(SKILLS_BETA)
            .iam("GetSkill");
        self.transport.json(call).await
    }

    /// Deletes a skill (`DELETE /v1/skills/{id}`); the platform refuses while it has versions.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let deleted = client.skills().delete("skill_01").await?;
    /// assert_eq!(deleted.kind, "skill_deleted");
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, skill_id: &str) -> Result<Response<DeletedSkill>, Error> {
        let path = ["v1", "skills", skill_id];
        let call = Call::new(Method::DELETE, &path, &self.options)
            .beta(SKILLS_BETA)
            .iam("DeleteSkill");
        self.transport.json(call).await
    }
}

/// The versions of skills, from [`Skills::versions`].
#[derive(Clone)]
pub struct SkillVersions<'c> {
    transport: &'c Arc<Transport>,
    options: RequestOptions,
}

impl SkillVersions<'_> {
    /// Creates a version of a skill from its files (`POST /v1/skills/{id}/versions`); the
    /// upload's display title is not sent.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::resources::SkillUpload;
    /// let version = client
    ///     .skills()
    ///     .versions()
    ///     .create("skill_01", SkillUpload::dir("skills/report-writer"))
    ///     .await?;
    /// println!("version {} of {}", version.version, version.skill_id);
    /// # Ok(()) }
    /// ```
    pub async fn create(
        &self,
        skill_id: &str,
        upload: SkillUpload,
    ) -> Result<Response<SkillVersion>, Error> {
        let path = ["v1", "skills", skill_id, "versions"];
        upload_call(self.transport, &self.options, &path, upload, "UpdateSkill").await
    }

    /// One page of a skill's versions (`GET /v1/skills/{id}/versions?limit=&page=`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let page = client.skills().versions().list("skill_01", &Default::default()).await?;
    /// println!("{} versions, next page {:?}", page.data.len(), page.next_page);
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &self,
        skill_id: &str,
        params: &SkillVersionListParams,
    ) -> Result<Response<CursorPage<SkillVersion>>, Error> {
        self.list_route(skill_id).page(params).await
    }

    /// Every version of a skill from `params` on, page after page, as a stream of versions.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let all: Vec<_> = client
    ///     .skills()
    ///     .versions()
    ///     .list_all("skill_01", &Default::default())
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list_all(
        &self,
        skill_id: &str,
        params: &SkillVersionListParams,
    ) -> impl Stream<Item = Result<SkillVersion, Error>> + Send + Unpin + 'static {
        self.list_route(skill_id)
            .items::<CursorPage<SkillVersion>, _>(params.clone())
    }

    /// The `GET /v1/skills/{id}/versions` list (`ListSkills`, as listing skills).
    fn list_route(&self, skill_id: &str) -> List {
        let path = ["v1", "skills", skill_id, "versions"];
        List::new(self.transport, &self.options, &path, "ListSkills").beta(SKILLS_BETA)
    }

    /// One version (`GET /v1/skills/{id}/versions/{version}`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let v = client.skills().versions().retrieve("skill_01", "1759178010641129").await?;
    /// println!("{}: {}", v.name, v.description);
    /// # Ok(()) }
    /// ```
    pub async fn retrieve(
        &self,
        skill_id: &str,
        version: &str,
    ) -> Result<Response<SkillVersion>, Error> {
        let path = ["v1", "skills", skill_id, "versions", version];
        let call = Call::new(Method::GET, &path, &self.options)
            .beta(SKILLS_BETA)
            .iam("GetSkill");
        self.transport.json(call).await
    }

    /// Deletes a version (`DELETE /v1/skills/{id}/versions/{version}`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let deleted = client.skills().versions().delete("skill_01", "1759178010641129").await?;
    /// assert_eq!(deleted.kind, "skill_version_deleted");
    /// # Ok(()) }
    /// ```
    pub async fn delete(
        &self,
        skill_id: &str,
        version: &str,
    ) -> Result<Response<DeletedSkillVersion>, Error> {
        let path = ["v1", "skills", skill_id, "versions", version];
        let call = Call::new(Method::DELETE, &path, &self.options)
            .beta(SKILLS_BETA)
            .iam("UpdateSkill");
        self.transport.json(call).await
    }
}

async fn upload_call<T: serde::de::DeserializeOwned>(
    transport: &Transport,
    options: &RequestOptions,
    path: &[&str],
    upload: SkillUpload,
    action: &'static str,
) -> Result<Response<T>, Error> {
    let multipart = upload.into_multipart(action == "CreateSkill").await?;
    tracing::debug!(bytes = multipart.len(), "uploading skill files");
    let body = multipart.into_body(transport.signs_payload()).await?;
    let call = Call::new(Method::POST, path, options)
        .streamed(body)
        .beta(SKILLS_BETA)
        .iam(action);
    transport.json(call).await
}

impl crate::Client {
    /// Agent Skills: `create` (from a folder or files), `list`, `retrieve`, `delete`, and
    /// `versions()`.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::resources::SkillUpload;
    /// let skill = client.skills().create(SkillUpload::dir("my-skill")).await?;
    /// println!("{}", skill.id);
    /// # Ok(()) }
    /// ```
    pub fn skills(&self) -> Skills<'_> {
        Skills::new(self.transport())
    }
}
