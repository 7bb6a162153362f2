//! Every list, by ID or by cursor, through one path: a [`List`] names the route (its path,
//! beta and IAM action), fetches one page, and streams every page or every item as they are
//! read. How the next page is asked for is the parameters' business
//! ([`ListParams`](crate::types::ListParams)), so one auto-paging stream serves both kinds.

use std::sync::Arc;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use http::Method;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::request_options::RequestOptions;
use crate::response::{RawResponse, Response};
use crate::transport::{Call, Transport};
use crate::types::{ListParams, Page};

/// One list route, ready to fetch pages of: `GET` on `path` with the call's options, its
/// beta and its IAM action.
pub(crate) struct List {
    transport: Arc<Transport>,
    options: RequestOptions,
    path: Vec<String>,
    beta: Option<&'static str>,
    iam: &'static str,
}

impl List {
    /// `GET path`, needing `iam`.
    pub(crate) fn new(
        transport: &Arc<Transport>,
        options: &RequestOptions,
        path: &[&str],
        iam: &'static str,
    ) -> Self {
        Self {
            transport: Arc::clone(transport),
            options: options.clone(),
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            beta: None,
            iam,
        }
    }

    /// A beta every page's call sends.
    pub(crate) fn beta(mut self, beta: &'static str) -> Self {
        self.beta = Some(beta);
        self
    }

    /// The page `params` ask for, unparsed.
    pub(crate) async fn raw_page<P, Q>(&self, params: &Q) -> Result<RawResponse<P>, Error>
    where
        P: Page,
        Q: ListParams<P>,
    {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let mut call = Call::new(Method::GET, &path, &self.options)
            .query(params.query_pairs())
            .iam(self.iam);
        if let Some(beta) = self.beta {
            call = call.beta(beta);
        }
        self.transport.raw(call).await
    }

    /// The page `params` ask for.
    pub(crate) async fn page<P, Q>(&self, params: &Q) -> Result<Response<P>, Error>
    where
        P: Page + DeserializeOwned,
        Q: ListParams<P>,
    {
        self.raw_page(params).await?.parse()
    }

    /// Every page from `params` on, each fetched as the stream is read; the stream ends
    /// after the last page or the first error.
    pub(crate) fn pages<P, Q>(
        self,
        params: Q,
    ) -> impl Stream<Item = Result<Response<P>, Error>> + Send + Unpin + 'static
    where
        P: Page + DeserializeOwned + Send + 'static,
        Q: ListParams<P> + Send + Sync + 'static,
    {
        let list = Arc::new(self);
        stream::unfold(Some(params), move |next| {
            let list = Arc::clone(&list);
            async move {
                let params = next?;
                match list.page::<P, Q>(&params).await {
                    Err(e) => Some((Err(e), None)),
                    Ok(page) => {
                        let following = params.after(&page);
                        Some((Ok(page), following))
                    }
                }
            }
        })
        .boxed()
    }

    /// Every item from `params` on, page after page (see [`pages`](Self::pages)).
    pub(crate) fn items<P, Q>(
        self,
        params: Q,
    ) -> impl Stream<Item = Result<P::Item, Error>> + Send + Unpin + 'static
    where
        P: Page + DeserializeOwned + Send + 'static,
        P::Item: Send + 'static,
        Q: ListParams<P> + Send + Sync + 'static,
    {
        self.pages::<P, Q>(params)
            .map_ok(|page| stream::iter(page.into_inner().into_items().into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use crate::types::{
        CursorListParams, CursorPage, IdListParams, IdPage, ListParams, ModelInfo, Skill,
        SkillListParams,
    };

    fn id_page(has_more: bool, ids: &[&str]) -> IdPage<ModelInfo> {
        IdPage {
            data: ids
                .iter()
                .map(|id| ModelInfo {
                    id: (*id).to_owned(),
                    ..Default::default()
                })
                .collect(),
            has_more,
            first_id: ids.first().map(|s| (*s).to_owned()),
            last_id: ids.last().map(|s| (*s).to_owned()),
            extra: Default::default(),
        }
    }

    fn cursor_page<T>(next: Option<&str>) -> CursorPage<T> {
        CursorPage {
            next_page: next.map(str::to_owned),
            ..Default::default()
        }
    }

    #[test]
    fn id_pages_continue_after_the_last_id_and_backwards_before_the_first() {
        let params = IdListParams::new().limit(2);
        let next = params.after(&id_page(true, &["a", "b"])).unwrap();
        assert_eq!(next.after_id.as_deref(), Some("b"));
        assert_eq!(next.limit, Some(2));
        let back = IdListParams::new().before_id("z");
        let prev = back.after(&id_page(true, &["x", "y"])).unwrap();
        assert_eq!(prev.before_id.as_deref(), Some("x"));
        assert_eq!(prev.after_id, None);
        let again = prev.after(&id_page(true, &["v", "w"])).unwrap();
        assert_eq!(again.before_id.as_deref(), Some("v"));
    }

    #[test]
    fn the_last_id_page_or_an_empty_one_ends_the_list() {
        let params = IdListParams::new();
        assert!(params.after(&id_page(false, &["a"])).is_none());
        assert!(params.after(&id_page(true, &[])).is_none());
    }

    #[test]
    fn skill_lists_follow_next_page_keep_their_filter_and_stop_on_a_repeat() {
        let params = SkillListParams::new().limit(2).source("custom");
        let next = params.after(&cursor_page::<Skill>(Some("page_2"))).unwrap();
        assert_eq!(next.page.as_deref(), Some("page_2"));
        assert_eq!(next.limit, Some(2));
        assert_eq!(next.source, params.source);
        assert!(params.after(&cursor_page::<Skill>(None)).is_none());
        assert!(next.after(&cursor_page::<Skill>(Some("page_2"))).is_none());
        assert!(params.after(&cursor_page::<Skill>(Some(""))).is_none());
    }

    #[test]
    fn cursor_lists_follow_next_page_and_stop_on_a_repeat() {
        let params = CursorListParams::new().limit(2);
        let page = cursor_page::<crate::types::FileMetadata>;
        let next = params.after(&page(Some("page_2"))).unwrap();
        assert_eq!(next.page.as_deref(), Some("page_2"));
        assert_eq!(next.limit, Some(2));
        assert!(params.after(&page(None)).is_none());
        assert!(next.after(&page(Some("page_2"))).is_none());
        assert!(params.after(&page(Some(""))).is_none());
    }
}
