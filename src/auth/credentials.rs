//! The one credentials cache: reuses credentials until shortly before they expire, fetches
//! them once for all concurrent callers (single flight), and can be bypassed by a forced
//! refresh.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use tokio::sync::Mutex;

use crate::error::Error;

/// Credentials are refreshed this long before they expire.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// Caches what a [`ProvideCredentials`] gives.
pub(crate) struct CredentialsCache {
    provider: SharedCredentialsProvider,
    slot: Mutex<Option<Cached>>,
}

struct Cached {
    credentials: Credentials,
    /// When to fetch again; `None` for credentials that never expire.
    refresh_at: Option<SystemTime>,
}

impl CredentialsCache {
    pub(crate) fn new(provider: SharedCredentialsProvider) -> Self {
        Self {
            provider,
            slot: Mutex::new(None),
        }
    }

    /// Cached credentials while they are fresh, else new ones from the provider. Concurrent
    /// callers wait for a single fetch.
    pub(crate) async fn get(&self) -> Result<Credentials, Error> {
        let mut slot = self.slot.lock().await;
        let now = SystemTime::now();
        if let Some(cached) = slot.as_ref()
            && cached.refresh_at.is_none_or(|at| now < at)
        {
            return Ok(cached.credentials.clone());
        }
        self.fetch(&mut slot, now).await
    }

    /// New credentials from the provider, whatever is cached (after an
    /// `ExpiredTokenException`, say).
    pub(crate) async fn refresh(&self) -> Result<Credentials, Error> {
        let mut slot = self.slot.lock().await;
        self.fetch(&mut slot, SystemTime::now()).await
    }

    async fn fetch(
        &self,
        slot: &mut Option<Cached>,
        now: SystemTime,
    ) -> Result<Credentials, Error> {
        let credentials = self
            .provider
            .provide_credentials()
            .await
            .map_err(|source| Error::Credentials {
                message: format!(
                    "{source}. Looked for, in order: an API key or access keys given to the builder, \
                     a named profile, ANTHROPIC_AWS_API_KEY, and the default AWS chain (AWS_ACCESS_KEY_ID \
                     and AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws/config and ~/.aws/credentials, \
                     SSO, web identity via AWS_WEB_IDENTITY_TOKEN_FILE, ECS container credentials, \
                     EC2 instance metadata). Provide one of them; nothing was sent"
                ),
                source: Some(Box::new(source)),
            })?;
        let refresh_at = credentials.expiry().map(|expiry| refresh_time(now, expiry));
        *slot = Some(Cached {
            credentials: credentials.clone(),
            refresh_at,
        });
        Ok(credentials)
    }
}

/// `REFRESH_BEFORE_EXPIRY` before expiry; for credentials that arrive with less life left
/// than that, half-way to expiry, so a short-lived provider is not asked on every request.
fn refresh_time(now: SystemTime, expiry: SystemTime) -> SystemTime {
    match expiry.checked_sub(REFRESH_BEFORE_EXPIRY) {
        Some(at) if at > now => at,
        _ => {
            let left = expiry.duration_since(now).unwrap_or_default();
            now + left / 2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_credential_types::provider::future;

    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        lifetime: Duration,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let expiry = SystemTime::now() + self.lifetime;
            future::ProvideCredentials::ready(Ok(Credentials::new(
                format!("AKID{n}"),
                "secret",
                Some("token".into()),
                Some(expiry),
                "test",
            )))
        }
    }

    fn cache(lifetime: Duration) -> (CredentialsCache, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let provider = Counting {
            calls: calls.clone(),
            lifetime,
        };
        (
            CredentialsCache::new(SharedCredentialsProvider::new(provider)),
            calls,
        )
    }

    #[tokio::test]
    async fn fresh_credentials_are_reused() {
        let (cache, calls) = cache(Duration::from_secs(3600));
        let a = cache.get().await.unwrap();
        let b = cache.get().await.unwrap();
        assert_eq!(a.access_key_id(), b.access_key_id());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn forced_refresh_bypasses_the_cache() {
        let (cache, calls) = cache(Duration::from_secs(3600));
        cache.get().await.unwrap();
        let fresh = cache.refresh().await.unwrap();
        assert_eq!(fresh.access_key_id(), "AKID1");
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let (cache, calls) = cache(Duration::from_secs(3600));
        let cache = Arc::new(cache);
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.get().await.map(|c| c.access_key_id().to_owned()) })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), "AKID0");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn short_lived_credentials_refresh_half_way() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(
            refresh_time(now, now + Duration::from_secs(3600)),
            now + Duration::from_secs(3300)
        );
        assert_eq!(
            refresh_time(now, now + Duration::from_secs(120)),
            now + Duration::from_secs(60)
        );
    }
}
