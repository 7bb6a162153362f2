//! Paging by ID, as Models and Message Batches page: a page says `has_more` and names its
//! `first_id` and `last_id`; the next page is asked for with `after_id = last_id` (or, paging
//! backwards from a `before_id`, with `before_id = first_id`).

use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, stream};

use crate::error::Error;
use crate::response::Response;
use crate::types::{IdListParams, MessageBatchPage, ModelPage};

/// A page of an ID-paged list.
pub(crate) trait IdPage {
    fn has_more(&self) -> bool;
    fn is_empty(&self) -> bool;
    fn first_id(&self) -> Option<&str>;
    fn last_id(&self) -> Option<&str>;
}

/// The parameters of an ID-paged list.
pub(crate) trait IdPageParams: Clone {
    fn before_id(&self) -> Option<&str>;
    fn after_id(&self) -> Option<&str>;
    fn set_before_id(&mut self, id: String);
    fn set_after_id(&mut self, id: String);
}

/// Every page from `params` on, each fetched by `fetch` as the stream is read; the stream ends
/// after the last page or the first error.
pub(crate) fn pages<P, T, F, Fut>(
    params: P,
    fetch: F,
) -> impl Stream<Item = Result<Response<T>, Error>> + Send + Unpin + 'static
where
    P: IdPageParams + Send + 'static,
    T: IdPage + Send + 'static,
    F: Fn(P) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<T>, Error>> + Send + 'static,
{
    let backwards = params.before_id().is_some() && params.after_id().is_none();
    stream::unfold(Some(params), move |next| {
        let fetched = next.map(|params| {
            let call = fetch(params.clone());
            (params, call)
        });
        async move {
            let (params, call) = fetched?;
            match call.await {
                Err(e) => Some((Err(e), None)),
                Ok(page) => {
                    let following = next_params(&params, &*page, backwards);
                    Some((Ok(page), following))
                }
            }
        }
    })
    .boxed()
}

/// The parameters of the page after `page`, or `None` when it was the last.
pub(crate) fn next_params<P: IdPageParams, T: IdPage>(
    params: &P,
    page: &T,
    backwards: bool,
) -> Option<P> {
    if !page.has_more() || page.is_empty() {
        return None;
    }
    let mut next = params.clone();
    if backwards {
        next.set_before_id(page.first_id()?.to_owned());
    } else {
        next.set_after_id(page.last_id()?.to_owned());
    }
    Some(next)
}

macro_rules! id_paged {
    ($page:ty) => {
        impl IdPage for $page {
            fn has_more(&self) -> bool {
                self.has_more
            }
            fn is_empty(&self) -> bool {
                self.data.is_empty()
            }
            fn first_id(&self) -> Option<&str> {
                self.first_id.as_deref()
            }
            fn last_id(&self) -> Option<&str> {
                self.last_id.as_deref()
            }
        }
    };
}

impl IdPageParams for IdListParams {
    fn before_id(&self) -> Option<&str> {
        self.before_id.as_deref()
    }
    fn after_id(&self) -> Option<&str> {
        self.after_id.as_deref()
    }
    fn set_before_id(&mut self, id: String) {
        self.before_id = Some(id);
    }
    fn set_after_id(&mut self, id: String) {
        self.after_id = Some(id);
    }
}

id_paged!(ModelPage);
id_paged!(MessageBatchPage);

#[cfg(test)]
mod tests {
    use super::*;

    fn page(has_more: bool, ids: &[&str]) -> ModelPage {
        ModelPage {
            data: ids
                .iter()
                .map(|id| crate::types::ModelInfo {
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

    #[test]
    fn forwards_continues_after_the_last_id_and_backwards_before_the_first() {
        let params = IdListParams::new().limit(2);
        let next = next_params(&params, &page(true, &["a", "b"]), false).unwrap();
        assert_eq!(next.after_id.as_deref(), Some("b"));
        assert_eq!(next.limit, Some(2));
        let back = IdListParams::new().before_id("z");
        let prev = next_params(&back, &page(true, &["x", "y"]), true).unwrap();
        assert_eq!(prev.before_id.as_deref(), Some("x"));
    }

    #[test]
    fn the_last_page_or_an_empty_one_ends_the_list() {
        let params = IdListParams::new();
        assert!(next_params(&params, &page(false, &["a"]), false).is_none());
        assert!(next_params(&params, &page(true, &[]), false).is_none());
    }
}
