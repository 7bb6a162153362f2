//! The Message Batches API under `/v1/messages/batches`: create, retrieve, list (one page or
//! every page), cancel, delete, and the results as a stream. The [`BatchRunner`] drives many
//! batches from a JSON Lines file to a results file, resumably.

mod input;
mod outcome;
mod output;
mod results;
mod runner;
mod state;

use std::collections::HashMap;
use std::sync::Arc;

use futures_core::Stream;
use http::Method;
use reqwest::Url;

use super::pages::List;
use crate::error::{BatchError, Error};
use crate::request_options::RequestOptions;
use crate::response::Response;
use crate::transport::{Call, Transport};
use crate::types::{
    BatchCreateParams, BatchListParams, BatchRequest, DeletedMessageBatch, IdPage, MessageBatch,
};

pub use outcome::{RunProgress, RunReport, RunnerError};
pub use results::BatchResults;
pub use runner::BatchRunner;
pub use state::{STATE_FILE_SUFFIX, state_path_for};

const BATCHES: &[&str] = &["v1", "messages", "batches"];
/// The most requests one batch takes.
pub const BATCH_MAX_REQUESTS: usize = 100_000;
/// The request-size limit of `POST /v1/messages/batches`: 256 MB.
pub const BATCH_MAX_REQUEST_BYTES: usize = 256_000_000;
/// The longest `custom_id`, in characters.
pub const CUSTOM_ID_MAX_CHARS: usize = 64;
/// The `accept` header the official SDKs send for a batch's results.
const RESULTS_ACCEPT: &str = "application/binary";

/// The Message Batches API, from [`Messages::batches`](crate::resources::Messages::batches).
#[derive(Clone)]
pub struct Batches<'c> {
    transport: &'c Arc<Transport>,
    options: RequestOptions,
}

impl<'c> Batches<'c> {
    pub(crate) fn new(transport: &'c Arc<Transport>, options: RequestOptions) -> Self {
        Self { transport, options }
    }

    /// The same API with per-request [`RequestOptions`]: timeouts, retries,
    /// extra headers, query and body fields, betas, workspace and user profile.
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Creates a batch. Refused before anything is sent: more than 100,000 requests or a body
    /// over 256 MB ([`Error::error_type`] is `request_too_large`), no request, and an empty,
    /// over-64-character or repeated `custom_id` (`invalid_request_error`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::{BatchCreateParams, BatchRequest, MessageCreateParams, MessageParam};
    /// let request = |id: &str, text: &str| {
    ///     BatchRequest::new(id, MessageCreateParams::new("claude-opus-4-8", 256, vec![MessageParam::user(text)]))
    /// };
    /// let batch = client
    ///     .messages()
    ///     .batches()
    ///     .create(&BatchCreateParams::new(vec![request("q1", "Hello"), request("q2", "Hi")]))
    ///     .await?;
    /// println!("{} is {} (AWS request ID {:?})", batch.id, batch.processing_status, batch.aws_request_id());
    /// # Ok(()) }
    /// ```
    pub async fn create(
        &self,
        params: &BatchCreateParams,
    ) -> Result<Response<MessageBatch>, Error> {
        check_requests(&params.requests)?;
        let call = Call::new(Method::POST, BATCHES, &self.options)
            .json(params, BATCH_MAX_REQUEST_BYTES)?
            .iam("CreateBatchInference");
        self.transport.json(call).await
    }

    /// One batch, by ID.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let batch = client.messages().batches().retrieve("msgbatch_01").await?;
    /// println!("{:?}", batch.request_counts);
    /// # Ok(()) }
    /// ```
    pub async fn retrieve(&self, batch_id: &str) -> Result<Response<MessageBatch>, Error> {
        let path = ["v1", "messages", "batches", batch_id];
        let call = Call::new(Method::GET, &path, &self.options).iam("GetBatchInference");
        self.transport.json(call).await
    }

    /// Asks the platform to cancel a batch; it moves to `canceling`, then `ended`.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let batch = client.messages().batches().cancel("msgbatch_01").await?;
    /// println!("{}", batch.processing_status);
    /// # Ok(()) }
    /// ```
    pub async fn cancel(&self, batch_id: &str) -> Result<Response<MessageBatch>, Error> {
        let path = ["v1", "messages", "batches", batch_id, "cancel"];
        let call = Call::new(Method::POST, &path, &self.options).iam("CancelBatchInference");
        self.transport.json(call).await
    }

    /// Deletes an ended batch (a batch in progress must be canceled first).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let deleted = client.messages().batches().delete("msgbatch_01").await?;
    /// assert_eq!(deleted.kind, "message_batch_deleted");
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, batch_id: &str) -> Result<Response<DeletedMessageBatch>, Error> {
        let path = ["v1", "messages", "batches", batch_id];
        let call = Call::new(Method::DELETE, &path, &self.options).iam("DeleteBatchInference");
        self.transport.json(call).await
    }

    /// One page of batches, newest first.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::BatchListParams;
    /// let page = client.messages().batches().list(&BatchListParams::new().limit(10)).await?;
    /// for batch in &page.data {
    ///     println!("{} {}", batch.id, batch.processing_status);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &self,
        params: &BatchListParams,
    ) -> Result<Response<IdPage<MessageBatch>>, Error> {
        self.list_route().page(params).await
    }

    /// Every page from `params` on, fetched as the stream is read: while a page says
    /// `has_more`, the next one is asked for with its `last_id` as `after_id` (or, when
    /// `params` pages backwards with `before_id`, its `first_id` as `before_id`). The stream
    /// ends after the first error.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let mut pages = client.messages().batches().list_pages(&Default::default());
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} batches (AWS request ID {:?})", page.data.len(), page.aws_request_id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_pages(
        &self,
        params: &BatchListParams,
    ) -> impl Stream<Item = Result<Response<IdPage<MessageBatch>>, Error>> + Send + Unpin + 'static
    {
        self.list_route().pages(params.clone())
    }

    /// Every batch from `params` on, page after page (see [`list_pages`](Self::list_pages)).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let batches: Vec<_> = client.messages().batches().list_all(&Default::default()).try_collect().await?;
    /// println!("{} batches", batches.len());
    /// # Ok(()) }
    /// ```
    pub fn list_all(
        &self,
        params: &BatchListParams,
    ) -> impl Stream<Item = Result<MessageBatch, Error>> + Send + Unpin + 'static {
        self.list_route()
            .items::<IdPage<MessageBatch>, _>(params.clone())
    }

    /// The `GET /v1/messages/batches` list.
    fn list_route(&self) -> List {
        List::new(
            self.transport,
            &self.options,
            BATCHES,
            "ListBatchInferences",
        )
    }

    /// The results of an ended batch, streamed line by line in bounded memory, whatever their
    /// size. Retrieves the batch, then reads its `results_url` (with
    /// `accept: application/binary`) only when that URL has the client's own origin (scheme,
    /// host and port): otherwise [`BatchError::ForeignResultsUrl`] and nothing is sent there.
    /// A batch that has not ended is [`BatchError::ResultsNotReady`].
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::BatchResultKind;
    /// use futures_util::TryStreamExt;
    /// let mut results = client.messages().batches().results("msgbatch_01").await?;
    /// println!("AWS request ID: {:?}", results.aws_request_id());
    /// while let Some(line) = results.try_next().await? {
    ///     match line.result {
    ///         BatchResultKind::Succeeded(ok) => println!("{}: {}", line.custom_id, ok.message.text()),
    ///         BatchResultKind::Errored(e) => println!("{}: {}", line.custom_id, e.error.error_type()),
    ///         other => println!("{}: {:?}", line.custom_id, other.type_name()),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn results(&self, batch_id: &str) -> Result<BatchResults, Error> {
        let batch = self.retrieve(batch_id).await?;
        let url = self.results_url(&batch)?;
        // The timeout covers the wait for the headers, then each silence in the body.
        let call = Call::new(Method::GET, &[], &self.options)
            .url(url)
            .accept(RESULTS_ACCEPT)
            .streaming()
            .iam("GetBatchInference");
        let retries = self.transport.retries(&call);
        BatchResults::open(batch, Arc::clone(self.transport), call, retries).await
    }

    /// The batch's `results_url`, when it is on the client's origin.
    fn results_url(&self, batch: &Response<MessageBatch>) -> Result<Url, Error> {
        let base = &self.transport.config().base_url;
        let Some(raw) = batch.results_url.as_deref() else {
            return Err(BatchError::ResultsNotReady {
                batch_id: batch.id.clone(),
                status: batch.processing_status.to_string(),
                request_ids: batch.request_ids().clone(),
            }
            .into());
        };
        let url = Url::parse(raw).or_else(|_| base.join(raw)).ok();
        match url {
            Some(url) if url.origin() == base.origin() => Ok(url),
            other => Err(BatchError::ForeignResultsUrl {
                batch_id: batch.id.clone(),
                results_origin: other.map_or_else(
                    || "an unparsable URL".to_owned(),
                    |u| u.origin().ascii_serialization(),
                ),
                client_origin: base.origin().ascii_serialization(),
                request_ids: batch.request_ids().clone(),
            }
            .into()),
        }
    }
}

/// The checks the API would make on a batch's requests, made before anything is sent.
pub(crate) fn check_requests(requests: &[BatchRequest]) -> Result<(), BatchError> {
    if requests.is_empty() {
        return Err(BatchError::Empty);
    }
    if requests.len() > BATCH_MAX_REQUESTS {
        return Err(BatchError::TooManyRequests {
            count: requests.len(),
            limit: BATCH_MAX_REQUESTS,
        });
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(requests.len());
    for (index, request) in requests.iter().enumerate() {
        let id = request.custom_id.as_str();
        let len = id.chars().count();
        if len == 0 || len > CUSTOM_ID_MAX_CHARS {
            return Err(BatchError::InvalidCustomId {
                index,
                len,
                max: CUSTOM_ID_MAX_CHARS,
            });
        }
        if let Some(first) = seen.insert(id, index) {
            return Err(BatchError::DuplicateCustomId {
                custom_id: id.to_owned(),
                first,
                second: index,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{MessageCreateParams, MessageParam};

    fn request(id: &str) -> BatchRequest {
        BatchRequest::new(
            id,
            MessageCreateParams::new("m", 1, vec![MessageParam::user("x")]),
        )
    }

    #[test]
    fn custom_ids_are_checked() {
        assert!(check_requests(&[request("a"), request("b")]).is_ok());
        assert!(check_requests(&[request(&"é".repeat(64))]).is_ok());
        assert!(matches!(check_requests(&[]), Err(BatchError::Empty)));
        assert!(matches!(
            check_requests(&[request("a"), request("")]),
            Err(BatchError::InvalidCustomId {
                index: 1,
                len: 0,
                max: 64
            })
        ));
        assert!(matches!(
            check_requests(&[request(&"x".repeat(65))]),
            Err(BatchError::InvalidCustomId { len: 65, .. })
        ));
        let dup = check_requests(&[request("a"), request("b"), request("a")]).unwrap_err();
        assert!(matches!(
            &dup,
            BatchError::DuplicateCustomId { custom_id, first: 0, second: 2 } if custom_id == "a"
        ));
        let err = Error::from(dup);
        assert_eq!(err.error_type(), Some(&crate::ErrorType::InvalidRequest));
    }

    #[test]
    fn too_many_requests_is_request_too_large() {
        let many: Vec<_> = (0..=BATCH_MAX_REQUESTS)
            .map(|i| request(&i.to_string()))
            .collect();
        let err = Error::from(check_requests(&many).unwrap_err());
        assert_eq!(err.error_type(), Some(&crate::ErrorType::RequestTooLarge));
        assert!(err.to_string().contains("100001 requests"), "{err}");
        assert!(check_requests(&many[..BATCH_MAX_REQUESTS]).is_ok());
    }
}
