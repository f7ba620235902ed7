//! Phone parsers that hold their own copy of libphonenumber's compiled
//! patterns, so that threads parsing at the same time do not share them.

use super::{PhoneNumber, PhoneOptions, Region, e164_checked, parse_with_util};
use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumberUtil};

/// Parses phone numbers with one set of libphonenumber's compiled regular
/// expressions.
///
/// The free functions of [`phone`](super) ([`parse_with`](super::parse_with),
/// [`e164`](super::e164)…) use [`PhoneParser::shared`], which is right for
/// one thread. Threads that parse at the same time should each use a parser
/// of their own ([`PhoneParser::new`], or [`with_thread_parser`] on rayon's
/// worker threads): the regular expressions keep per-thread search caches
/// that threads sharing them trade through a common pool on every match, and
/// two threads on one parser run no faster than one. Every parser gives the
/// same results; a new one compiles its patterns as it first needs them
/// (a few hundred milliseconds over a varied batch) and keeps them, with
/// their caches, for its life: about 90 MB after 100,000 Turkish and US
/// numbers, against about 24 MB of caches for one more thread on a shared
/// parser. Keep one per long-lived thread, not one per batch.
///
/// ```
/// use crmkit::contact::phone::{region, PhoneOptions, PhoneParser};
/// let tr = Some(region("TR").unwrap());
/// let numbers = ["0532 123 45 67", "0212 123 45 67", "0850 123 45 67", "444 1 234"];
/// let (a, b) = numbers.split_at(2);
/// let valid = std::thread::scope(|s| {
///     let other = s.spawn(|| {
///         let own = PhoneParser::new();
///         b.iter().filter(|n| own.parse_with(n, tr, &PhoneOptions::default()).valid).count()
///     });
///     let here = PhoneParser::shared();
///     let mine = a.iter().filter(|n| here.parse_with(n, tr, &PhoneOptions::default()).valid).count();
///     mine + other.join().unwrap()
/// });
/// assert_eq!(valid, 4);
/// ```
pub struct PhoneParser {
    /// `None`: the process-wide patterns of `PHONE_NUMBER_UTIL`.
    own: Option<PhoneNumberUtil>,
}

static SHARED: PhoneParser = PhoneParser { own: None };

/// How many worker threads of a rayon pool get a parser of their own from
/// [`with_thread_parser`]; the others share [`PhoneParser::shared`].
pub const OWN_PARSER_THREADS: usize = 8;

thread_local! {
    static OWN: PhoneParser = PhoneParser::new();
}

impl PhoneParser {
    /// A parser with patterns of its own, compiled as they are first used.
    /// (Should libphonenumber's built-in metadata not load a second time,
    /// the parser uses the shared patterns: the same results, only without
    /// the separate caches.)
    pub fn new() -> PhoneParser {
        PhoneParser {
            own: PhoneNumberUtil::new().ok(),
        }
    }

    /// The process-wide parser behind this module's free functions.
    pub fn shared() -> &'static PhoneParser {
        &SHARED
    }

    fn util(&self) -> &PhoneNumberUtil {
        self.own.as_ref().unwrap_or(&PHONE_NUMBER_UTIL)
    }

    /// [`parse_with`](super::parse_with) with this parser's patterns.
    pub fn parse_with(
        &self,
        text: &str,
        default_region: Option<Region>,
        options: &PhoneOptions,
    ) -> PhoneNumber {
        parse_with_util(self.util(), text, default_region, options)
    }

    /// [`e164`](super::e164) with this parser's patterns.
    pub fn e164(&self, text: &str, default_region: Option<Region>) -> Option<String> {
        e164_checked(self.util(), text, default_region, false).map(|(e, _)| e)
    }

    /// [`e164_with_validity`](super::e164_with_validity) with this parser's
    /// patterns.
    pub fn e164_with_validity(
        &self,
        text: &str,
        default_region: Option<Region>,
    ) -> Option<(String, bool)> {
        e164_checked(self.util(), text, default_region, true)
    }
}

impl Default for PhoneParser {
    fn default() -> Self {
        PhoneParser::new()
    }
}

impl std::fmt::Debug for PhoneParser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneParser")
            .field("own_patterns", &self.own.is_some())
            .finish()
    }
}

/// Runs `f` with the parser for the current thread: on the first
/// [`OWN_PARSER_THREADS`] worker threads of a rayon pool, a parser of that
/// thread's own (built on its first call, kept for the life of the thread);
/// on any other thread, [`PhoneParser::shared`]. Rayon's workers live as
/// long as their pool, so each compiles its patterns once; short-lived
/// threads share the process-wide patterns instead of compiling their own
/// every time, and the cap bounds the memory a many-core pool can take
/// (see [`PhoneParser`]).
///
/// ```
/// use crmkit::contact::phone::{region, with_thread_parser, PhoneOptions};
/// use rayon::prelude::*;
/// let tr = Some(region("TR").unwrap());
/// let texts = vec!["0532 123 45 67"; 100];
/// let e164: Vec<_> = texts
///     .par_iter()
///     .map(|t| with_thread_parser(|p| p.parse_with(t, tr, &PhoneOptions { formats: false }).e164))
///     .collect();
/// assert!(e164.iter().all(|e| e.as_deref() == Some("+905321234567")));
/// ```
pub fn with_thread_parser<R>(f: impl FnOnce(&PhoneParser) -> R) -> R {
    if rayon::current_thread_index().is_some_and(|i| i < OWN_PARSER_THREADS) {
        OWN.with(|p| f(p))
    } else {
        f(PhoneParser::shared())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_with, region};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn own_patterns_are_separate_and_shared_are_not() {
        assert!(PhoneParser::new().own.is_some());
        assert!(PhoneParser::shared().own.is_none());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(OWN_PARSER_THREADS + 1)
            .build()
            .unwrap();
        let own: Vec<bool> = pool
            .broadcast(|ctx| (ctx.index(), with_thread_parser(|p| p.own.is_some())))
            .into_iter()
            .map(|(i, own)| {
                assert_eq!(own, i < OWN_PARSER_THREADS, "worker {i}");
                own
            })
            .collect();
        assert_eq!(own.iter().filter(|o| **o).count(), OWN_PARSER_THREADS);
        assert!(!with_thread_parser(|p| p.own.is_some()));
    }

    /// One parser for every case: each compiles its patterns as it goes.
    static OWN_PARSER: std::sync::LazyLock<PhoneParser> =
        std::sync::LazyLock::new(PhoneParser::new);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        // a parser of its own reads every number as the shared one does
        #[test]
        fn own_parser_agrees_with_the_shared_one(
            digits in "[0-9]{4,13}",
            lead in prop::sample::select(vec!["", "+", "0", "00", "+1 ", "+90 ", "Tel: "]),
            r in prop::sample::select(vec!["TR", "US", "GB", "DE"]),
            formats in any::<bool>(),
        ) {
            let own = &*OWN_PARSER;
            let text = format!("{lead}{digits}");
            let r = Some(region(r).unwrap());
            let options = PhoneOptions { formats };
            prop_assert_eq!(own.parse_with(&text, r, &options), parse_with(&text, r, &options));
            prop_assert_eq!(own.e164_with_validity(&text, r), super::super::e164_with_validity(&text, r));
        }
    }
}
