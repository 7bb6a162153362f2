//! The request-body flags on the command line: clap arguments made from the table in
//! [`fields`](super::fields), read back as the uses given, in command-line order (a dotted
//! flag applies to what came before it, as in the `ant` CLI).

use std::fmt;
use std::marker::PhantomData;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

use super::fields::{BodyFlag, body_flags};
use super::values::Kind;

/// The heading of the body flags in `--help`.
pub const HEADING: &str = "Request body";

/// Which request a set of body flags builds.
pub trait Endpoint {
    /// `messages create` (else count-tokens).
    const CREATE: bool;
}

/// `POST /v1/messages`.
#[derive(Debug)]
pub struct Create;

/// `POST /v1/messages/count_tokens`.
#[derive(Debug)]
pub struct CountTokens;

impl Endpoint for Create {
    const CREATE: bool = true;
}

impl Endpoint for CountTokens {
    const CREATE: bool = false;
}

/// One use of a body flag.
pub struct Given {
    /// Its flag.
    pub flag: &'static BodyFlag,
    /// The value as typed (`None` for a switch).
    pub raw: Option<String>,
    /// Where on the command line it was (clap's index), for ordering.
    index: usize,
}

impl Given {
    /// The use of `flag` at `index` on the command line, with its value.
    pub fn new(flag: &'static BodyFlag, raw: Option<String>, index: usize) -> Self {
        Self { flag, raw, index }
    }
}

impl fmt::Debug for Given {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw = match &self.raw {
            Some(_) if self.flag.secret => Some("[redacted]"),
            raw => raw.as_deref(),
        };
        f.debug_struct("Given")
            .field("flag", &self.flag.name)
            .field("raw", &raw)
            .finish()
    }
}

/// The body flags of one command, as given: in command-line order.
pub struct BodyFlags<E> {
    given: Vec<Given>,
    endpoint: PhantomData<E>,
}

impl<E> BodyFlags<E> {
    /// The uses, in command-line order.
    pub fn given(&self) -> &[Given] {
        &self.given
    }
}

impl<E> fmt::Debug for BodyFlags<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.given).finish()
    }
}

impl<E: Endpoint> FromArgMatches for BodyFlags<E> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for flag in body_flags(E::CREATE) {
            if matches!(flag.kind, Kind::Switch) {
                if matches
                    .try_get_one::<bool>(flag.name)
                    .map_err(mismatch)?
                    .copied()
                    == Some(true)
                {
                    let index = matches.index_of(flag.name).unwrap_or(0);
                    given.push(Given::new(flag, None, index));
                }
                continue;
            }
            let (Some(values), Some(indices)) = (
                matches
                    .try_get_many::<String>(flag.name)
                    .map_err(mismatch)?,
                matches.indices_of(flag.name),
            ) else {
                continue;
            };
            given.extend(
                values
                    .zip(indices)
                    .map(|(raw, index)| Given::new(flag, Some(raw.clone()), index)),
            );
        }
        given.sort_by_key(|g| g.index);
        Ok(Self {
            given,
            endpoint: PhantomData,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl<E: Endpoint> Args for BodyFlags<E> {
    fn augment_args(cmd: Command) -> Command {
        cmd.args(body_flags(E::CREATE).map(arg))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

/// An argument read as another type than it was declared with (a bug, reported as clap would).
fn mismatch(e: clap::parser::MatchesError) -> clap::Error {
    clap::Error::raw(clap::error::ErrorKind::InvalidValue, e)
}

/// The clap argument of a flag: every use kept (a repeated field appends; otherwise the last
/// wins, as in the `ant` CLI), values that start with `-` taken as values (`--top-k -1` is
/// then reported as out of range, `--stop-sequence -END-` works).
fn arg(flag: &'static BodyFlag) -> Arg {
    let arg = Arg::new(flag.name)
        .long(flag.name)
        .help(flag.help)
        .help_heading(HEADING);
    if matches!(flag.kind, Kind::Switch) {
        return arg.action(ArgAction::SetTrue);
    }
    arg.action(ArgAction::Append)
        .num_args(1)
        .value_name(flag.value_name)
        .allow_hyphen_values(true)
}
