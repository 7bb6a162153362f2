//! The argument every `retrieve`/`delete`-style command takes: one ID, positional or as the
//! flag the `ant` CLI names (`--model-id`, `--message-batch-id`, `--file-id`, `--skill-id`).

/// Declares `$name` with an optional positional `id` and an optional `--$flag`, exactly one of
/// which clap requires, and `id()` returning whichever was given.
macro_rules! id_args {
    ($(#[$doc:meta])* $name:ident, $flag:ident, $help:literal) => {
        $(#[$doc])*
        #[derive(Debug, clap::Args)]
        pub struct $name {
            #[doc = $help]
            #[arg(value_name = "ID", required_unless_present = stringify!($flag))]
            pub id: Option<String>,

            /// The same ID, as the `ant` CLI names the flag
            #[arg(long, value_name = "ID", conflicts_with = "id")]
            pub $flag: Option<String>,
        }

        impl $name {
            /// The ID, however it was given (clap makes sure one was).
            pub fn id(&self) -> &str {
                self.id
                    .as_deref()
                    .or(self.$flag.as_deref())
                    .unwrap_or_default()
            }
        }
    };
}

pub(crate) use id_args;
