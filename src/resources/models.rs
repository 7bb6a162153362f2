//! `GET /v1/models` (one page or every page) and `GET /v1/models/{model_id}`.

use std::sync::Arc;

use futures_core::Stream;

use super::pages::List;
use http::Method;

use crate::error::Error;
use crate::request_options::RequestOptions;
use crate::response::{RawResponse, Response};
use crate::transport::{Call, Transport};
use crate::types::{IdPage, ModelInfo, ModelListParams};

/// The Models API, from [`Client::models`](crate::Client::models).
#[derive(Clone)]
pub struct Models<'c> {
    raw: RawModels<'c>,
}

impl<'c> Models<'c> {
    pub(crate) fn new(transport: &'c Arc<Transport>) -> Self {
        Self {
            raw: RawModels {
                transport,
                options: RequestOptions::default(),
            },
        }
    }

    /// The same API with per-request [`RequestOptions`]: timeouts, retries,
    /// extra headers, query and body fields, betas, workspace and user profile.
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.raw.options = options;
        self
    }

    /// Lists the models available, newest first, one page at a time.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::ModelListParams;
    /// let page = client.models().list(&ModelListParams::default().limit(10)).await?;
    /// for model in &page.data {
    ///     println!("{} ({})", model.id, model.display_name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &self,
        params: &ModelListParams,
    ) -> Result<Response<IdPage<ModelInfo>>, Error> {
        self.raw.list(params).await?.parse()
    }

    /// Every page from `params` on, fetched as the stream is read: while a page says
    /// `has_more`, the next one is asked for with its `last_id` as `after_id` (or, when
    /// `params` pages backwards with `before_id`, its `first_id` as `before_id`). The stream
    /// ends after the first error.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let mut pages = client.models().list_pages(&Default::default());
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} models (AWS request ID {:?})", page.data.len(), page.aws_request_id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_pages(
        &self,
        params: &ModelListParams,
    ) -> impl Stream<Item = Result<Response<IdPage<ModelInfo>>, Error>> + Send + Unpin + 'static
    {
        self.raw.list_route().pages(params.clone())
    }

    /// Every model from `params` on, page after page (see [`list_pages`](Self::list_pages)).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let models: Vec<_> = client.models().list_all(&Default::default()).try_collect().await?;
    /// println!("{} models", models.len());
    /// # Ok(()) }
    /// ```
    pub fn list_all(
        &self,
        params: &ModelListParams,
    ) -> impl Stream<Item = Result<ModelInfo, Error>> + Send + Unpin + 'static {
        self.raw
            .list_route()
            .items::<IdPage<ModelInfo>, _>(params.clone())
    }

    /// One model, by ID or alias.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let model = client.models().retrieve("claude-opus-4-8").await?;
    /// println!("{}", model.display_name);
    /// # Ok(()) }
    /// ```
    pub async fn retrieve(&self, model_id: &str) -> Result<Response<ModelInfo>, Error> {
        self.raw.retrieve(model_id).await?.parse()
    }

    /// The old name of [`retrieve`](Self::retrieve).
    #[deprecated(since = "0.2.0", note = "use `retrieve`, as the official SDKs name it")]
    pub async fn get(&self, model_id: &str) -> Result<Response<ModelInfo>, Error> {
        self.retrieve(model_id).await
    }

    /// The same calls, answered before parsing (status, headers, body bytes, both IDs).
    pub fn with_raw_response(&self) -> RawModels<'c> {
        self.raw.clone()
    }
}

/// The Models API answering [`RawResponse`]s, from [`Models::with_raw_response`].
#[derive(Clone)]
pub struct RawModels<'c> {
    transport: &'c Arc<Transport>,
    options: RequestOptions,
}

impl RawModels<'_> {
    /// `GET /v1/models`, unparsed.
    pub async fn list(
        &self,
        params: &ModelListParams,
    ) -> Result<RawResponse<IdPage<ModelInfo>>, Error> {
        self.list_route().raw_page(params).await
    }

    /// `GET /v1/models/{model_id}`, unparsed.
    pub async fn retrieve(&self, model_id: &str) -> Result<RawResponse<ModelInfo>, Error> {
        let path = ["v1", "models", model_id];
        let call = Call::new(Method::GET, &path, &self.options).iam("GetModel");
        self.transport.raw(call).await
    }

    /// The old name of [`retrieve`](Self::retrieve).
    #[deprecated(since = "0.2.0", note = "use `retrieve`, as the official SDKs name it")]
    pub async fn get(&self, model_id: &str) -> Result<RawResponse<ModelInfo>, Error> {
        self.retrieve(model_id).await
    }

    /// The `GET /v1/models` list.
    fn list_route(&self) -> List {
        List::new(
            self.transport,
            &self.options,
            &["v1", "models"],
            "ListModels",
        )
    }
}

impl crate::Client {
    /// The Models API: `list` and `get`.
    pub fn models(&self) -> Models<'_> {
        Models::new(self.transport())
    }
}
