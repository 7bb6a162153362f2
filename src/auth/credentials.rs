//! The one credentials cache: reuses credentials until shortly before they expire, fetches
//! them once for all concurrent callers (single flight), and can be bypassed by a forced
//! refresh.

use std::sync::RwLock;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use tokio::sync::Mutex;

use crate::config::{AuthSource, credentials_lookup};
use crate::error::Error;

/// Credentials are refreshed this long before they expire.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// Caches what a [`ProvideCredentials`] gives.
///
/// Reading fresh credentials takes a shared read lock that is never held across an `await`,
/// so concurrent requests do not queue behind each other; only a fetch takes the async
/// `fetching` lock, which makes it single-flight.
pub(crate) struct CredentialsCache {
    provider: SharedCredentialsProvider,
    /// Where the provider came from: says what a failure had tried.
    origin: AuthSource,
    current: RwLock<Option<Cached>>,
    fetching: Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    credentials: Credentials,
    /// When to fetch again; `None` for credentials that never expire.
    refresh_at: Option<SystemTime>,
    /// Counts fetches, so a forced refresh that waited for another one does not fetch again.
    generation: u64,
}

impl CredentialsCache {
    pub(crate) fn new(provider: SharedCredentialsProvider, origin: AuthSource) -> Self {
        Self {
            provider,
            origin,
            current: RwLock::new(None),
            fetching: Mutex::new(()),
        }
    }

    /// Cached credentials while they are fresh, else new ones from the provider. Concurrent
    /// callers wait for a single fetch.
    pub(crate) async fn get(&self) -> Result<Credentials, Error> {
        if let Some(credentials) = self.fresh() {
            return Ok(credentials);
        }
        let _fetching = self.fetching.lock().await;
        // Someone else may have fetched while this caller waited.
        if let Some(credentials) = self.fresh() {
            return Ok(credentials);
        }
        self.fetch().await
    }

    /// New credentials from the provider, whatever is cached (after an
    /// `ExpiredTokenException`, say). Callers that ask together share one fetch.
    pub(crate) async fn refresh(&self) -> Result<Credentials, Error> {
        let seen = self.cached().map(|c| c.generation);
        let _fetching = self.fetching.lock().await;
        if let Some(cached) = self.cached()
            && Some(cached.generation) != seen
        {
            return Ok(cached.credentials);
        }
        self.fetch().await
    }

    fn cached(&self) -> Option<Cached> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The cached credentials while they are fresh; nothing is fetched.
    pub(crate) fn fresh(&self) -> Option<Credentials> {
        let slot = self
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let cached = slot.as_ref()?;
        let fresh = cached.refresh_at.is_none_or(|at| SystemTime::now() < at);
        fresh.then(|| cached.credentials.clone())
    }

    /// Asks the provider; the caller holds `fetching`.
    async fn fetch(&self) -> Result<Credentials, Error> {
        let credentials = self
            .provider
            .provide_credentials()
            .await
            .map_err(|source| {
                let lookup = credentials_lookup(&self.origin, &source);
                Error::credentials(lookup, Box::new(source))
            })?;
        let refresh_at = credentials
            .expiry()
            .map(|expiry| refresh_time(SystemTime::now(), expiry));
        let mut slot = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let generation = slot.as_ref().map_or(0, |c| c.generation + 1);
        *slot = Some(Cached {
            credentials: credentials.clone(),
            refresh_at,
            generation,
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
            CredentialsCache::new(
                SharedCredentialsProvider::new(provider),
                AuthSource::CredentialsProvider,
            ),
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

    /// Takes a while to answer (in paused time), so that callers overlap.
    #[derive(Debug)]
    struct Slow(Arc<AtomicUsize>);

    impl ProvideCredentials for Slow {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            future::ProvideCredentials::new(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let n = self.0.fetch_add(1, Ordering::SeqCst);
                Ok(Credentials::new(
                    format!("AKID{n}"),
                    "secret",
                    None,
                    None,
                    "test",
                ))
            })
        }
    }

    // Paused time: the provider's pause only ends once every task is idle, i.e. once all
    // eight have called `refresh` and wait; no wall-clock sleep decides the overlap.
    #[tokio::test(start_paused = true)]
    async fn concurrent_forced_refreshes_share_one_fetch() {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = Arc::new(CredentialsCache::new(
            SharedCredentialsProvider::new(Slow(calls.clone())),
            AuthSource::CredentialsProvider,
        ));
        cache.get().await.unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(
                    async move { cache.refresh().await.map(|c| c.access_key_id().to_owned()) },
                )
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), "AKID1");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn expired_credentials_are_fetched_again() {
        let (cache, calls) = cache(Duration::ZERO);
        cache.get().await.unwrap();
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
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
