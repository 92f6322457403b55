//! How many failed logins are allowed, and to whom.
//!
//! Failures are counted, not attempts, so that an office whose dozen staff log in at nine
//! from one address never waits. They are counted per client address (one address trying
//! many logins), per address and login (one address guessing one password), and per login
//! whatever the address (many addresses guessing one password). The last is the one a
//! stranger could use to lock a colleague out, so it refuses only addresses that have
//! failed for that login themselves: a correct password from an address with no failures
//! always gets through.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::ApiError;

/// One address regains a failure every 6 seconds: ten a minute, too slow for guessing,
/// plenty for people.
const PER_IP_PERIOD: Duration = Duration::from_secs(6);
/// One address and login regain a failure a minute: enough for typing mistakes.
const PER_ADDRESS_AND_LOGIN_PERIOD: Duration = Duration::from_secs(60);
/// One login regains a failure every 36 seconds whatever the address (a hundred an hour).
const PER_LOGIN_PERIOD: Duration = Duration::from_secs(36);

/// The bursts of the three counts; see the module's documentation.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub failures_per_ip: NonZeroU32,
    pub failures_per_address_and_login: NonZeroU32,
    pub failures_per_login: NonZeroU32,
}

/// Logins are keyed by at most this many characters: longer ones are no account's (see
/// `adal_core::staff::check_login`), and an attacker's megabyte must not be a key.
const LOGIN_KEY_CHARS: usize = 65;

/// The three failure counts of the login form.
#[derive(Clone)]
pub struct StaffLimits {
    per_ip: Failures<IpAddr>,
    per_address_and_login: Failures<(IpAddr, String)>,
    per_login: Failures<String>,
}

impl StaffLimits {
    pub fn new(limits: LoginLimits) -> StaffLimits {
        StaffLimits {
            per_ip: Failures::new(PER_IP_PERIOD, limits.failures_per_ip),
            per_address_and_login: Failures::new(
                PER_ADDRESS_AND_LOGIN_PERIOD,
                limits.failures_per_address_and_login,
            ),
            per_login: Failures::new(PER_LOGIN_PERIOD, limits.failures_per_login),
        }
    }

    /// 429 if `ip` may not try `login` now; counts nothing.
    pub fn check(&self, ip: IpAddr, login: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        let login = key_of(login);
        let pair = (ip, login.clone());
        let mut wait = self.per_ip.wait(&ip, now).max(self.per_address_and_login.wait(&pair, now));
        // Many addresses failing for one login lock out only those that failed.
        if self.per_address_and_login.has_failed(&pair, now) {
            wait = wait.max(self.per_login.wait(&login, now));
        }
        match wait {
            Duration::ZERO => Ok(()),
            wait => Err(ApiError::RateLimited { retry_after_s: wait.as_secs_f64().ceil() as u64 }),
        }
    }

    /// Counts one failed login of `login` from `ip`.
    pub fn failed(&self, ip: IpAddr, login: &str) {
        let now = Instant::now();
        let login = key_of(login);
        self.per_ip.record(ip, now);
        self.per_address_and_login.record((ip, login.clone()), now);
        self.per_login.record(login, now);
    }

    /// Forgets the keys whose failures have all been regained.
    pub fn retain_recent(&self) {
        let now = Instant::now();
        self.per_ip.retain_recent(now);
        self.per_address_and_login.retain_recent(now);
        self.per_login.retain_recent(now);
    }
}

fn key_of(login: &str) -> String {
    login.chars().take(LOGIN_KEY_CHARS).collect()
}

/// Failures per key, regained one per `period`, at most `burst` outstanding (the cell
/// rate algorithm: each failure pushes the key's "paid until" a period further).
#[derive(Clone)]
struct Failures<K> {
    period: Duration,
    burst: u32,
    until: Arc<Mutex<HashMap<K, Instant>>>,
}

impl<K: Hash + Eq + Clone> Failures<K> {
    fn new(period: Duration, burst: NonZeroU32) -> Failures<K> {
        Failures { period, burst: burst.get(), until: Arc::default() }
    }

    fn paid_until(&self, key: &K) -> Option<Instant> {
        self.until.lock().unwrap_or_else(|p| p.into_inner()).get(key).copied()
    }

    /// How long until `key` may fail once more (zero: it may now).
    fn wait(&self, key: &K, now: Instant) -> Duration {
        let Some(until) = self.paid_until(key) else {
            return Duration::ZERO;
        };
        let allowance = self.period * (self.burst - 1);
        until.saturating_duration_since(now).saturating_sub(allowance)
    }

    fn has_failed(&self, key: &K, now: Instant) -> bool {
        self.paid_until(key).is_some_and(|until| until > now)
    }

    fn record(&self, key: K, now: Instant) {
        let mut until = self.until.lock().unwrap_or_else(|p| p.into_inner());
        let paid = until.entry(key).or_insert(now);
        *paid = (*paid).max(now) + self.period;
    }

    fn retain_recent(&self, now: Instant) {
        self.until.lock().unwrap_or_else(|p| p.into_inner()).retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_regained_one_period_at_a_time() {
        let failures = Failures::new(Duration::from_secs(10), NonZeroU32::new(2).unwrap());
        let start = Instant::now();
        assert_eq!(failures.wait(&"a", start), Duration::ZERO);
        failures.record("a", start);
        assert_eq!(failures.wait(&"a", start), Duration::ZERO);
        failures.record("a", start);
        assert_eq!(failures.wait(&"a", start), Duration::from_secs(10));
        assert_eq!(failures.wait(&"a", start + Duration::from_secs(4)), Duration::from_secs(6));
        assert_eq!(failures.wait(&"a", start + Duration::from_secs(10)), Duration::ZERO);
        assert!(failures.has_failed(&"a", start + Duration::from_secs(19)));
        failures.retain_recent(start + Duration::from_secs(20));
        assert!(!failures.has_failed(&"a", start + Duration::from_secs(20)));
        assert_eq!(failures.wait(&"b", start), Duration::ZERO);
    }

    #[test]
    fn a_login_locked_by_strangers_still_opens_from_a_clean_address() {
        let limits = StaffLimits::new(LoginLimits {
            failures_per_ip: NonZeroU32::new(100).unwrap(),
            failures_per_address_and_login: NonZeroU32::new(100).unwrap(),
            failures_per_login: NonZeroU32::new(3).unwrap(),
        });
        let strangers: Vec<IpAddr> = (1..=5).map(|n| IpAddr::from([203, 0, 113, n])).collect();
        for ip in &strangers {
            limits.failed(*ip, "alice");
        }
        assert!(limits.check(strangers[0], "alice").is_err(), "a stranger who failed waits");
        assert!(limits.check(IpAddr::from([198, 51, 100, 1]), "alice").is_ok());
        assert!(limits.check(strangers[0], "bob").is_ok(), "other logins are not touched");
    }
}
