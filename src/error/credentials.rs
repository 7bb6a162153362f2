//! What the client consulted for AWS credentials before it gave up. The message of
//! [`Error::Credentials`](super::Error::Credentials) is this list's `Display`, so it names the
//! sources really tried, in the order they were tried, and what each one said.

use std::fmt;

/// One credential source the client consulted, and why it gave no credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsAttempt {
    source: String,
    reads: &'static str,
    outcome: String,
    fix: Option<&'static str>,
}

impl CredentialsAttempt {
    /// An attempt of `source`, which reads `reads`, ended with `outcome`; `fix` is what the
    /// user can do to make this source answer.
    pub(crate) fn new(
        source: impl Into<String>,
        reads: &'static str,
        outcome: impl Into<String>,
        fix: Option<&'static str>,
    ) -> Self {
        Self {
            source: source.into(),
            reads,
            outcome: outcome.into(),
            fix,
        }
    }

    /// The source's name: `builder`, `ANTHROPIC_AWS_API_KEY`, or the AWS chain's own names
    /// (`Environment`, `Profile`, `WebIdentityToken`, `EcsContainer`, `Ec2InstanceMetadata`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// What the source reads (options, environment variables, files, endpoints); empty when
    /// the client does not know the source.
    pub fn reads(&self) -> &str {
        self.reads
    }

    /// Why the source gave nothing, as the source said it (`environment variable not set`,
    /// `IMDS disabled by …`).
    pub fn outcome(&self) -> &str {
        &self.outcome
    }

    /// What to do so that this source answers, when there is something to do.
    pub fn fix(&self) -> Option<&str> {
        self.fix
    }
}

/// The credential sources the client consulted, in order, none of which gave credentials.
///
/// Its `Display` is the message of [`Error::Credentials`](super::Error::Credentials): each
/// source and what it said, then what to do. It holds no credential, only names and reasons.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) {
/// # let params = anthropic_aws::types::MessageCreateParams::new("m", 1, vec![]);
/// if let Err(err) = client.messages().create(&params).await
///     && let Some(lookup) = err.credentials_lookup()
/// {
///     for attempt in lookup.attempts() {
///         eprintln!("{}: {}", attempt.source(), attempt.outcome());
///     }
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsLookup {
    attempts: Vec<CredentialsAttempt>,
}

impl CredentialsLookup {
    pub(crate) fn new(attempts: Vec<CredentialsAttempt>) -> Self {
        Self { attempts }
    }

    /// Every source consulted, in the order it was consulted.
    pub fn attempts(&self) -> &[CredentialsAttempt] {
        &self.attempts
    }

    /// The names of the sources consulted, in order.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.attempts.iter().map(CredentialsAttempt::source)
    }

    /// The attempt of the source named `source`, if it was consulted.
    pub fn attempt(&self, source: &str) -> Option<&CredentialsAttempt> {
        self.attempts.iter().find(|a| a.source == source)
    }
}

impl fmt::Display for CredentialsLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no credentials found, nothing was sent. Tried, in order:"
        )?;
        for (n, attempt) in self.attempts.iter().enumerate() {
            write!(f, "\n  {}. {}", n + 1, attempt.source)?;
            if !attempt.reads.is_empty() {
                write!(f, " ({})", attempt.reads)?;
            }
            write!(f, ": {}", attempt.outcome)?;
        }
        let mut fixes = self.attempts.iter().filter_map(|a| a.fix).peekable();
        if fixes.peek().is_some() {
            write!(f, "\nTo fix it, do one of these:")?;
            for fix in fixes {
                write!(f, "\n  - {fix}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_lists_each_attempt_in_order_then_the_fixes() {
        let lookup = CredentialsLookup::new(vec![
            CredentialsAttempt::new("first", "A_VAR", "not set", Some("set A_VAR")),
            CredentialsAttempt::new("second", "", "went wrong", None),
        ]);
        assert_eq!(
            lookup.to_string(),
            "no credentials found, nothing was sent. Tried, in order:\n  \
             1. first (A_VAR): not set\n  \
             2. second: went wrong\n\
             To fix it, do one of these:\n  - set A_VAR"
        );
        assert_eq!(lookup.sources().collect::<Vec<_>>(), ["first", "second"]);
        assert_eq!(lookup.attempt("second").unwrap().outcome(), "went wrong");
        assert!(lookup.attempt("third").is_none());
    }
}
