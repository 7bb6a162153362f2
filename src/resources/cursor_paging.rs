//! Paging by cursor, as Files and Skills page (API 2026-10-21): a page names its `next_page`
//! cursor, and the next page is asked for with it as `page`; no cursor (or the same one again)
//! ends the list.

use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, stream};

use crate::error::Error;
use crate::response::Response;
use crate::types::{CursorListParams, FileList, SkillList, SkillListParams, SkillVersionList};

/// A cursor-paged list's page.
pub(crate) trait CursorPage {
    fn next_page(&self) -> Option<&str>;
}

impl CursorPage for SkillList {
    fn next_page(&self) -> Option<&str> {
        self.next_page.as_deref()
    }
}

impl CursorPage for SkillVersionList {
    fn next_page(&self) -> Option<&str> {
        self.next_page.as_deref()
    }
}

/// The parameters of a cursor-paged list.
pub(crate) trait CursorParams: Clone {
    fn page(&self) -> Option<&str>;
    fn with_page(self, page: &str) -> Self;
}

impl CursorParams for SkillListParams {
    fn page(&self) -> Option<&str> {
        self.page.as_deref()
    }
    fn with_page(self, page: &str) -> Self {
        SkillListParams::page(self, page)
    }
}

impl CursorParams for CursorListParams {
    fn page(&self) -> Option<&str> {
        self.page.as_deref()
    }
    fn with_page(self, page: &str) -> Self {
        CursorListParams::page(self, page)
    }
}

/// The parameters of the page after `page`, or `None` when it was the last (no cursor, or the
/// same cursor again).
fn next_params<P: CursorParams, T: CursorPage>(params: &P, page: &T) -> Option<P> {
    let cursor = page.next_page().filter(|c| !c.is_empty())?;
    if params.page() == Some(cursor) {
        return None;
    }
    Some(params.clone().with_page(cursor))
}

/// Every page from `params` on, each fetched by `fetch` as the stream is read.
pub(crate) fn cursor_pages<P, T, F, Fut>(
    params: P,
    fetch: F,
) -> impl Stream<Item = Result<Response<T>, Error>> + Send + Unpin + 'static
where
    P: CursorParams + Send + 'static,
    T: CursorPage + Send + 'static,
    F: Fn(P) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<T>, Error>> + Send + 'static,
{
    stream::unfold(Some(params), move |next| {
        let fetched = next.map(|params| (params.clone(), fetch(params)));
        async move {
            let (params, call) = fetched?;
            match call.await {
                Err(e) => Some((Err(e), None)),
                Ok(page) => {
                    let following = next_params(&params, &*page);
                    Some((Ok(page), following))
                }
            }
        }
    })
    .boxed()
}

impl CursorPage for FileList {
    fn next_page(&self) -> Option<&str> {
        self.next_page.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::FileListParams;

    #[test]
    fn skill_lists_follow_next_page_keep_their_filter_and_stop_on_a_repeat() {
        let page = |next: Option<&str>| SkillList {
            next_page: next.map(str::to_owned),
            ..Default::default()
        };
        let params = SkillListParams::new().limit(2).source("custom");
        let next = next_params(&params, &page(Some("page_2"))).unwrap();
        assert_eq!(next.page.as_deref(), Some("page_2"));
        assert_eq!(next.limit, Some(2));
        assert_eq!(next.source, params.source);
        assert!(next_params(&params, &page(None)).is_none());
        assert!(next_params(&next, &page(Some("page_2"))).is_none());
        assert!(next_params(&params, &page(Some(""))).is_none());
    }

    #[test]
    fn file_lists_follow_next_page_and_stop_on_a_repeat() {
        let page = |next: Option<&str>| FileList {
            next_page: next.map(str::to_owned),
            ..Default::default()
        };
        let params = FileListParams::new().limit(2);
        let next = next_params(&params, &page(Some("page_2"))).unwrap();
        assert_eq!(next.page.as_deref(), Some("page_2"));
        assert_eq!(next.limit, Some(2));
        assert!(next_params(&params, &page(None)).is_none());
        assert!(next_params(&next, &page(Some("page_2"))).is_none());
        assert!(next_params(&params, &page(Some(""))).is_none());
    }
}
