//! The paging flags of every `list` command, declared once and flattened into each: the
//! ID-paged lists (models, batches) take `--limit`, `--before-id`, `--after-id`; the
//! cursor-paged ones (files, skills, skill versions) take `--limit`, `--page`. Both take
//! `--max-items`, as the `ant` CLI does: every page is fetched unless it says fewer.

use anthropic_aws::types::{CursorListParams, IdListParams};
use clap::Args;

/// `--limit`, `--before-id`, `--after-id` and `--max-items` of a list paged by IDs.
#[derive(Debug, Args)]
pub struct IdPaging {
    /// Page size (1 to 1000; the API's default is 20)
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,

    /// Start before this ID (the page of newer items)
    #[arg(long, value_name = "ID")]
    pub before_id: Option<String>,

    /// Start after this ID (the page of older items)
    #[arg(long, value_name = "ID")]
    pub after_id: Option<String>,

    #[command(flatten)]
    pub max: MaxItems,
}

impl IdPaging {
    /// The query of the first page the flags ask for.
    pub fn params(&self) -> IdListParams {
        let mut params = IdListParams::new();
        params.limit = self.limit;
        params.before_id.clone_from(&self.before_id);
        params.after_id.clone_from(&self.after_id);
        params
    }
}

/// `--limit`, `--page` and `--max-items` of a list paged by cursor.
#[derive(Debug, Args)]
pub struct CursorPaging {
    /// Page size (the API's default and maximum apply)
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,

    /// Start at this page cursor (a previous page's next_page)
    #[arg(long, value_name = "CURSOR")]
    pub page: Option<String>,

    #[command(flatten)]
    pub max: MaxItems,
}

impl CursorPaging {
    /// The query of the first page the flags ask for.
    pub fn params(&self) -> CursorListParams {
        let mut params = CursorListParams::new();
        params.limit = self.limit;
        params.page.clone_from(&self.page);
        params
    }
}

/// `--max-items`: how many items a list prints at most, over as many pages as it takes.
#[derive(Debug, Args)]
pub struct MaxItems {
    /// Stop after this many items (default: every page)
    #[arg(long, value_name = "N")]
    pub max_items: Option<u64>,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{CursorPaging, IdPaging};

    #[derive(Debug, Parser)]
    struct ById {
        #[command(flatten)]
        paging: IdPaging,
    }

    #[derive(Debug, Parser)]
    struct ByCursor {
        #[command(flatten)]
        paging: CursorPaging,
    }

    #[test]
    fn the_paging_flags_keep_their_names() {
        let by_id = ById::try_parse_from([
            "list",
            "--limit",
            "5",
            "--before-id",
            "b",
            "--after-id",
            "a",
            "--max-items",
            "7",
        ])
        .expect("ID paging flags");
        assert_eq!(by_id.paging.limit, Some(5));
        assert_eq!(by_id.paging.before_id.as_deref(), Some("b"));
        assert_eq!(by_id.paging.after_id.as_deref(), Some("a"));
        assert_eq!(by_id.paging.max.max_items, Some(7));

        let by_cursor = ByCursor::try_parse_from([
            "list",
            "--limit",
            "2",
            "--page",
            "page_x",
            "--max-items",
            "3",
        ])
        .expect("cursor paging flags");
        assert_eq!(by_cursor.paging.limit, Some(2));
        assert_eq!(by_cursor.paging.page.as_deref(), Some("page_x"));
        assert_eq!(by_cursor.paging.max.max_items, Some(3));

        // Each kind takes only its own flags.
        assert!(ById::try_parse_from(["list", "--page", "p"]).is_err());
        assert!(ByCursor::try_parse_from(["list", "--after-id", "a"]).is_err());
    }
}
