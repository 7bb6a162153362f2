//! How lists are paged, the same for every family: the query read once
//! (`limit` and the page's start, with the same errors everywhere) and the
//! answer built once per kind of page.
//!
//! * [`IdPage`]: `limit` with `after_id` or `before_id`, answered
//!   `{"data", "has_more", "first_id", "last_id"}` (Message Batches,
//!   Models);
//! * [`CursorPage`]: `limit` with `page`, an opaque cursor made by
//!   [`Cursors`], answered `{"data", "next_page"}` (Files, Skills and their
//!   versions).
//!
//! A family reads the query with [`Call::id_page`](crate::server::Call::id_page)
//! or [`Call::cursor_page`](crate::server::Call::cursor_page) and answers
//! with [`IdPage::answer`] or [`Cursors::answer`]: what stays its own is
//! where its items are and how an id names one.

mod cursor;

use serde_json::{Value, json};

use crate::error::ApiError;

pub(crate) use cursor::Cursors;

/// `limit` when the query gives none.
const DEFAULT_LIMIT: usize = 20;

/// The last value of query parameter `name` among the decoded `pairs`.
pub(crate) fn query<'q>(pairs: &'q [(String, String)], name: &str) -> Option<&'q str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `limit`: [`DEFAULT_LIMIT`] when absent, else an integer from 1 to `max`.
fn limit(pairs: &[(String, String)], max: usize) -> Result<usize, ApiError> {
    match query(pairs, "limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid_request(format!(
                "limit: Input should be an integer between 1 and {max}"
            ))),
        },
    }
}

/// Where a page of ids starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdCursor<'a> {
    /// The newest items.
    First,
    /// The items older than this id.
    After(&'a str),
    /// The items newer than this id (the nearest ones).
    Before(&'a str),
}

/// A page asked by `limit` and `after_id` or `before_id`, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdPage<'a> {
    pub(crate) limit: usize,
    pub(crate) cursor: IdCursor<'a>,
}

impl<'a> IdPage<'a> {
    /// Reads `limit` (at most `max`), `after_id` and `before_id` (not both)
    /// from the decoded query `pairs`.
    pub(crate) fn parse(pairs: &'a [(String, String)], max: usize) -> Result<Self, ApiError> {
        let limit = limit(pairs, max)?;
        let cursor = match (query(pairs, "after_id"), query(pairs, "before_id")) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_request(
                    "after_id and before_id cannot be used together",
                ));
            }
            (Some(after), None) => IdCursor::After(after),
            (None, Some(before)) => IdCursor::Before(before),
            (None, None) => IdCursor::First,
        };
        Ok(IdPage { limit, cursor })
    }

    /// The answer, from the items past the cursor, nearest first: the older
    /// ones, newest first, for [`IdCursor::First`] and [`IdCursor::After`];
    /// the newer ones, oldest first, for [`IdCursor::Before`]. `show` is an
    /// item's JSON, whose `id` names it in `first_id` and `last_id`.
    pub(crate) fn answer<T>(
        &self,
        items: impl Iterator<Item = T>,
        show: impl Fn(T) -> Value,
    ) -> Value {
        let mut data: Vec<Value> = items.take(self.limit.saturating_add(1)).map(show).collect();
        let has_more = data.len() > self.limit;
        data.truncate(self.limit);
        if matches!(self.cursor, IdCursor::Before(_)) {
            data.reverse();
        }
        let id_of = |item: Option<&Value>| item.and_then(|v| v.get("id")).cloned();
        let (first_id, last_id) = (id_of(data.first()), id_of(data.last()));
        json!({
            "data": data,
            "has_more": has_more,
            "first_id": first_id,
            "last_id": last_id,
        })
    }
}

/// A page asked by `limit` and `page` (a cursor of [`Cursors`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CursorPage<'a> {
    pub(crate) limit: usize,
    /// `page`: `None` for the first page.
    pub(crate) page: Option<&'a str>,
}

impl<'a> CursorPage<'a> {
    /// Reads `limit` (at most `max`) and `page` from the decoded query
    /// `pairs`; the cursor itself is read by [`Cursors::start`].
    pub(crate) fn parse(pairs: &'a [(String, String)], max: usize) -> Result<Self, ApiError> {
        Ok(CursorPage {
            limit: limit(pairs, max)?,
            page: query(pairs, "page"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn limit_defaults_to_20_and_is_bounded() {
        assert_eq!(limit(&q(&[]), 100), Ok(20));
        assert_eq!(limit(&q(&[("limit", "7"), ("limit", "100")]), 100), Ok(100));
        for bad in ["0", "101", "-1", "x", ""] {
            let error = limit(&q(&[("limit", bad)]), 100).err();
            assert_eq!(
                error.map(|e| e.message),
                Some("limit: Input should be an integer between 1 and 100".to_owned()),
                "{bad}"
            );
        }
    }

    #[test]
    fn id_pages_take_one_cursor_and_answer_newest_first() {
        let pairs = q(&[("after_id", "a"), ("before_id", "b")]);
        assert_eq!(
            IdPage::parse(&pairs, 10).map_err(|e| e.message),
            Err("after_id and before_id cannot be used together".to_owned())
        );
        let pairs = q(&[("limit", "2"), ("before_id", "c")]);
        let page = IdPage::parse(&pairs, 10).unwrap_or(IdPage {
            limit: 0,
            cursor: IdCursor::First,
        });
        assert_eq!(page.cursor, IdCursor::Before("c"));
        // Newer than `c`, nearest first: d, e, f.
        let answer = page.answer(["d", "e", "f"].into_iter(), |s| json!({ "id": s }));
        assert_eq!(
            answer,
            json!({
                "data": [{"id": "e"}, {"id": "d"}],
                "has_more": true,
                "first_id": "e",
                "last_id": "d",
            })
        );
        let first = IdPage {
            limit: 5,
            cursor: IdCursor::First,
        };
        let empty = first.answer(std::iter::empty::<&str>(), |s| json!({ "id": s }));
        assert_eq!(
            empty,
            json!({"data": [], "has_more": false, "first_id": null, "last_id": null})
        );
    }
}
