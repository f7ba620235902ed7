//! Contact validity for Python: delivery outcome classification and the
//! validity score.

use crate::convert::{from_data, to_object};
use crate::errors::{guard, to_py};
use crate::repr;
use crmkit::contact::email::{self, EmailAddress, EmailLists, EmailOptions};
use crmkit::contact::outcome::{self, Channel, Outcome};
use crmkit::contact::phone::{self, PhoneNumber, PhoneOptions, Region};
use crmkit::contact::score::{self, ContactPoint, Policy};
use crmkit::error::InputError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use std::collections::HashMap;

fn channel(py: Python<'_>, name: &str) -> PyResult<Channel> {
    Channel::parse(name).map_err(|e| to_py(py, e))
}

type OutcomeTuple = (
    &'static str,
    &'static str,
    Option<String>,
    Option<u16>,
    Option<String>,
    Option<u16>,
    bool,
);

fn tuple(o: Outcome) -> OutcomeTuple {
    (
        o.class.as_str(),
        o.reason.as_str(),
        o.enhanced_code,
        o.smtp_code,
        o.sms_state,
        o.gsm_error,
        o.long_term,
    )
}

/// (class, reason, enhanced_code, smtp_code, sms_state, gsm_error, long_term)
#[pyfunction]
#[pyo3(signature = (text, channel="email"))]
fn classify_outcome(py: Python<'_>, text: &str, channel: &str) -> PyResult<OutcomeTuple> {
    guard(py, || {
        let ch = self::channel(py, channel)?;
        Ok(tuple(outcome::classify(text, ch)))
    })
}

/// The same for a list of texts, with the GIL released.
#[pyfunction]
#[pyo3(signature = (texts, channel="email"))]
fn classify_outcomes(
    py: Python<'_>,
    texts: Vec<String>,
    channel: &str,
) -> PyResult<Vec<OutcomeTuple>> {
    guard(py, || {
        let ch = self::channel(py, channel)?;
        Ok(py.detach(|| {
            texts
                .iter()
                .map(|t| tuple(outcome::classify(t, ch)))
                .collect()
        }))
    })
}

pub(crate) fn malformed(py: Python<'_>, what: &str, e: impl std::fmt::Display) -> PyErr {
    to_py(
        py,
        InputError::Malformed {
            location: what.to_owned(),
            message: e.to_string(),
        }
        .into(),
    )
}

/// A parsed email address.
#[pyclass(name = "EmailResult", module = "crmkit.contact", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyEmail {
    input: String,
    valid: bool,
    normalized: Option<String>,
    local_part: Option<String>,
    domain: Option<String>,
    ascii_domain: Option<String>,
    ascii_email: Option<String>,
    smtputf8: bool,
    display_name: Option<String>,
    dedup_key: Option<String>,
    kind: Option<&'static str>,
    suggestion: Option<String>,
    error: Option<&'static str>,
    message: Option<&'static str>,
}

impl From<EmailAddress> for PyEmail {
    fn from(e: EmailAddress) -> Self {
        PyEmail {
            input: e.input,
            valid: e.valid,
            normalized: e.normalized,
            local_part: e.local_part,
            domain: e.domain,
            ascii_domain: e.ascii_domain,
            ascii_email: e.ascii_email,
            smtputf8: e.smtputf8,
            display_name: e.display_name,
            dedup_key: e.dedup_key,
            kind: e.kind.map(|k| k.as_str()),
            suggestion: e.suggestion,
            error: e.error.map(|i| i.as_str()),
            message: e.error.map(|i| i.message()),
        }
    }
}

#[pymethods]
impl PyEmail {
    fn __repr__(&self) -> String {
        match self.error {
            None => format!(
                "EmailResult(valid=True, normalized={}, kind={}, dedup_key={}, suggestion={})",
                repr::opt(self.normalized.as_deref()),
                repr::opt(self.kind),
                repr::opt(self.dedup_key.as_deref()),
                repr::opt(self.suggestion.as_deref())
            ),
            Some(e) => format!(
                "EmailResult(valid=False, error={}, suggestion={})",
                repr::text(e),
                repr::opt(self.suggestion.as_deref())
            ),
        }
    }

    fn __bool__(&self) -> bool {
        self.valid
    }
}

fn email_options(py: Python<'_>, options: Option<&Bound<'_, PyAny>>) -> PyResult<EmailOptions> {
    match options.filter(|o| !o.is_none()) {
        None => Ok(EmailOptions::default()),
        Some(o) => from_data("email options", o).map_err(|e| to_py(py, e)),
    }
}

/// Parses one address (`options`: email-validator style options, a dict).
#[pyfunction]
#[pyo3(signature = (text, options=None))]
fn parse_email(
    py: Python<'_>,
    text: &str,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyEmail> {
    guard(py, || {
        let o = email_options(py, options)?;
        Ok(PyEmail::from(email::parse_with(
            text,
            &o,
            EmailLists::builtin(),
        )))
    })
}

/// Maps `f` over `items` on up to `workers` threads (0: one per core);
/// batches under 4,096 items stay on the calling thread. Order is kept.
fn map_parallel<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    map_parallel_min(items, workers, 4096, f)
}

/// [`map_parallel`] with at least `min_per_thread` items per thread.
fn map_parallel_min<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    min_per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = match workers {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        w => w,
    }
    .min(items.len() / min_per_thread)
    .max(1);
    if workers == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(workers);
    // the calling thread takes the first share; the others go to rayon's
    // pool, whose threads live on between batches, so what they keep per
    // thread (a phone parser's compiled patterns, see
    // `phone::with_thread_parser`) is built once per process
    let (first, rest) = items.split_at(chunk.min(items.len()));
    let mut parts: Vec<Vec<R>> = rest.chunks(chunk).map(|_| Vec::new()).collect();
    let mut out = rayon::in_place_scope(|scope| {
        for (slot, part) in parts.iter_mut().zip(rest.chunks(chunk)) {
            let f = &f;
            scope.spawn(move |_| *slot = part.iter().map(f).collect());
        }
        first.iter().map(&f).collect::<Vec<R>>()
    });
    out.reserve(rest.len());
    for part in parts {
        out.extend(part);
    }
    out
}

/// [`map_parallel`] in chunks: each chunk is computed with the GIL released
/// and its results handed to `emit` with the GIL held, so a batch never
/// holds more than one chunk of Rust results and their memory is reused.
fn map_chunked<T: Sync, R: Send>(
    py: Python<'_>,
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
    mut emit: impl FnMut(R),
) {
    let threads = match workers {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        w => w,
    };
    // on one thread, small chunks keep the results of one chunk in cache and
    // let the allocator reuse their memory for the next; several threads get
    // large chunks, so that each share is worth handing to another thread
    let size = if threads == 1 {
        2_048
    } else {
        32_768 * threads
    };
    for chunk in items.chunks(size) {
        let results = py.detach(|| map_parallel_min(chunk, workers, 1_024, &f));
        results.into_iter().for_each(&mut emit);
    }
}

/// Parses many addresses with the GIL released (`None` parses as empty),
/// on `workers` threads.
#[pyfunction]
#[pyo3(signature = (texts, options=None, workers=0))]
fn parse_emails(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
    workers: usize,
) -> PyResult<Vec<PyEmail>> {
    guard(py, || {
        let o = email_options(py, options)?;
        let items = items(texts)?;
        let texts = borrowed_texts(&items, "texts")?;
        Ok(py.detach(|| {
            map_parallel(&texts, workers, |t| {
                PyEmail::from(email::parse_with(
                    t.unwrap_or(""),
                    &o,
                    EmailLists::builtin(),
                ))
            })
        }))
    })
}

/// A parsed phone number.
#[pyclass(name = "PhoneResult", module = "crmkit.contact", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct PyPhone {
    input: String,
    valid: bool,
    possible: bool,
    e164: Option<String>,
    region: Option<String>,
    country_code: Option<u32>,
    national_number: Option<String>,
    #[pyo3(name = "type")]
    phone_type: &'static str,
    national_format: Option<String>,
    international_format: Option<String>,
    extension: Option<String>,
    sms_capable: bool,
    multiple_numbers: bool,
    suggestion: Option<String>,
    error: Option<&'static str>,
    message: Option<&'static str>,
}

impl From<PhoneNumber> for PyPhone {
    fn from(p: PhoneNumber) -> Self {
        PyPhone {
            input: p.input,
            valid: p.valid,
            possible: p.possible,
            e164: p.e164,
            region: p.region,
            country_code: p.country_code,
            national_number: p.national_number,
            phone_type: p.phone_type.as_str(),
            national_format: p.national_format,
            international_format: p.international_format,
            extension: p.extension,
            sms_capable: p.sms_capable,
            multiple_numbers: p.multiple_numbers,
            suggestion: p.suggestion,
            error: p.error.map(|e| e.as_str()),
            message: p.error.map(|e| e.message()),
        }
    }
}

#[pymethods]
impl PyPhone {
    fn __repr__(&self) -> String {
        format!(
            "PhoneResult(valid={}, e164={}, type={}, extension={}, error={})",
            if self.valid { "True" } else { "False" },
            repr::opt(self.e164.as_deref()),
            repr::text(self.phone_type),
            repr::opt(self.extension.as_deref()),
            repr::opt(self.error)
        )
    }

    fn __bool__(&self) -> bool {
        self.valid
    }
}

/// Parses one number with a default region.
#[pyfunction]
#[pyo3(signature = (text, region="TR"))]
fn parse_phone(py: Python<'_>, text: &str, region: &str) -> PyResult<PyPhone> {
    guard(py, || {
        let r = phone::region(region).map_err(|e| to_py(py, e))?;
        Ok(PyPhone::from(phone::parse_in(text, Some(r))))
    })
}

/// Parses many numbers with the GIL released (`None` parses as empty), on
/// `workers` threads.
#[pyfunction]
#[pyo3(signature = (texts, region="TR", workers=0))]
fn parse_phones(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    region: &str,
    workers: usize,
) -> PyResult<Vec<PyPhone>> {
    guard(py, || {
        let r = phone::region(region).map_err(|e| to_py(py, e))?;
        let items = items(texts)?;
        let texts = borrowed_texts(&items, "texts")?;
        let options = PhoneOptions::default();
        Ok(py.detach(|| {
            map_parallel(&texts, workers, |t| {
                PyPhone::from(phone::with_thread_parser(|p| {
                    p.parse_with(t.unwrap_or(""), Some(r), &options)
                }))
            })
        }))
    })
}

/// The items of a batch sequence, each holding a reference, so that texts
/// borrowed from them stay alive while the GIL is released. Lists and
/// tuples are walked directly.
fn items<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = obj.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    obj.try_iter()?.collect()
}

/// The texts of a batch, borrowed from the Python strings (CPython keeps the
/// UTF-8 form of each string, so nothing is copied): `str` items as they
/// are, anything else (`None`, NaN, numbers) as missing. A string that is
/// not valid UTF-8 (a lone surrogate) is an error naming the item.
fn borrowed_texts<'a>(items: &'a [Bound<'_, PyAny>], what: &str) -> PyResult<Vec<Option<&'a str>>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.cast::<PyString>() {
            Ok(s) => s
                .to_str()
                .map(Some)
                .map_err(|e| malformed(item.py(), &format!("{what}[{i}]"), e)),
            Err(_) => Ok(None),
        })
        .collect()
}

/// Python strings for the few distinct values of a column (kinds, codes,
/// types, regions), made once per batch. Consecutive rows mostly repeat a
/// value, so the last one is tried first.
struct Interned<'py> {
    py: Python<'py>,
    seen: Vec<(String, Bound<'py, PyString>)>,
    index: HashMap<String, usize>,
    last: usize,
}

impl<'py> Interned<'py> {
    fn new(py: Python<'py>) -> Self {
        Interned {
            py,
            seen: Vec::new(),
            index: HashMap::new(),
            last: 0,
        }
    }

    fn get(&mut self, s: Option<&str>) -> Bound<'py, PyAny> {
        let Some(s) = s else {
            return self.py.None().into_bound(self.py);
        };
        let at = match self.seen.get(self.last) {
            Some((k, _)) if k == s => Some(self.last),
            // a short list is scanned; a long one (regions of a worldwide
            // batch) is looked up in the index
            _ if self.seen.len() <= 16 => self.seen.iter().position(|(k, _)| k == s),
            _ => self.index.get(s).copied(),
        }
        .unwrap_or_else(|| {
            self.index.insert(s.to_owned(), self.seen.len());
            self.seen.push((s.to_owned(), PyString::new(self.py, s)));
            self.seen.len() - 1
        });
        self.last = at;
        self.seen[at].1.clone().into_any()
    }
}

fn text_or_none<'py>(py: Python<'py>, s: Option<&str>) -> Bound<'py, PyAny> {
    match s {
        Some(s) => PyString::new(py, s).into_any(),
        None => py.None().into_bound(py),
    }
}

fn flag(py: Python<'_>, b: bool) -> Bound<'_, PyAny> {
    PyBool::new(py, b).to_owned().into_any()
}

/// Builds `{name: list}` from the column vectors, in order.
fn columns_dict<'py>(
    py: Python<'py>,
    columns: Vec<(&str, Vec<Bound<'py, PyAny>>)>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (name, values) in columns {
        d.set_item(name, PyList::new(py, values)?)?;
    }
    Ok(d)
}

/// Parses many addresses into columns: a dict of equally long lists
/// (`valid`, `normalized`, `ascii_email`, `dedup_key`, `kind`,
/// `suggestion`, `error`), parsed with the GIL released on `workers`
/// threads. No result object is made per address.
#[pyfunction]
#[pyo3(signature = (texts, options=None, workers=0))]
fn parse_emails_columns<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
    workers: usize,
) -> PyResult<Bound<'py, PyDict>> {
    guard(py, || {
        let o = email_options(py, options)?;
        let items = items(texts)?;
        let texts = borrowed_texts(&items, "texts")?;
        let n = texts.len();
        let mut interned = Interned::new(py);
        let (mut valid, mut normalized, mut ascii, mut key) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut kind, mut suggestion, mut error) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut row = 0;
        map_chunked(
            py,
            &texts,
            workers,
            |t| parse_email_parts(*t, &o),
            |e| {
                valid.push(flag(py, e.valid));
                // most addresses are written in their normalized form already,
                // and most keys are the normalized address: the Python string
                // given (or made) is then shared rather than made again
                let norm = match e.normalized.as_deref() {
                    Some(n) if texts[row] == Some(n) => items[row].clone(),
                    n => text_or_none(py, n),
                };
                ascii.push(match (&e.ascii_email, &e.normalized) {
                    (Some(a), Some(n)) if a == n => norm.clone(),
                    (a, _) => text_or_none(py, a.as_deref()),
                });
                key.push(match (&e.dedup_key, &e.normalized) {
                    (Some(k), Some(n)) if k == n => norm.clone(),
                    (k, _) => text_or_none(py, k.as_deref()),
                });
                normalized.push(norm);
                kind.push(interned.get(e.kind.map(|k| k.as_str())));
                suggestion.push(text_or_none(py, e.suggestion.as_deref()));
                error.push(interned.get(e.error.map(|i| i.as_str())));
                row += 1;
            },
        );
        columns_dict(
            py,
            vec![
                ("valid", valid),
                ("normalized", normalized),
                ("ascii_email", ascii),
                ("dedup_key", key),
                ("kind", kind),
                ("suggestion", suggestion),
                ("error", error),
            ],
        )
    })
}

/// One address of a batch (missing: empty), its texts borrowed from it.
fn parse_email_parts<'a>(
    text: Option<&'a str>,
    options: &email::EmailOptions,
) -> email::EmailParts<'a> {
    email::parse_parts(text.unwrap_or(""), options, EmailLists::builtin())
}

/// Regions for a batch: one default, or one code per number (`None` or an
/// empty code takes the default). Unknown codes are errors naming the row.
fn regions(
    py: Python<'_>,
    default: &str,
    per_row: Option<&Bound<'_, PyAny>>,
    n: usize,
) -> PyResult<(Region, Option<Vec<Region>>)> {
    let default = phone::region(default).map_err(|e| to_py(py, e))?;
    let Some(obj) = per_row else {
        return Ok((default, None));
    };
    let items = items(obj)?;
    let codes = borrowed_texts(&items, "regions")?;
    if codes.len() != n {
        return Err(to_py(
            py,
            crmkit::Error::invalid_argument(
                "regions",
                format!(
                    "one region per number: {} numbers, {} regions",
                    n,
                    codes.len()
                ),
            ),
        ));
    }
    let mut known: HashMap<&str, Region> = HashMap::new();
    let mut out = Vec::with_capacity(n);
    for (i, code) in codes.iter().enumerate() {
        let r = match code.map(str::trim) {
            None | Some("") => default,
            Some(c) => match known.get(c) {
                Some(r) => *r,
                None => {
                    let r = phone::region(c).map_err(|e| {
                        to_py(
                            py,
                            crmkit::Error::invalid_argument("regions", format!("row {i}: {e}")),
                        )
                    })?;
                    known.insert(c, r);
                    r
                }
            },
        };
        out.push(r);
    }
    Ok((default, Some(out)))
}

/// Parses many numbers into columns: a dict of equally long lists
/// (`valid`, `e164`, `type`, `region`, `extension`, `suggestion`, `error`,
/// and with `formats` also `national_format`, `international_format`),
/// parsed with the GIL released on `workers` threads. `regions` gives a
/// region per number.
#[pyfunction]
#[pyo3(signature = (texts, region="TR", workers=0, regions=None, formats=false))]
fn parse_phones_columns<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    region: &str,
    workers: usize,
    regions: Option<&Bound<'py, PyAny>>,
    formats: bool,
) -> PyResult<Bound<'py, PyDict>> {
    guard(py, || {
        let items = items(texts)?;
        let texts = borrowed_texts(&items, "texts")?;
        let (default, per_row) = self::regions(py, region, regions, texts.len())?;
        let options = PhoneOptions { formats };
        let n = texts.len();
        let mut interned = Interned::new(py);
        let mut cols: Vec<Vec<Bound<'py, PyAny>>> = (0..9).map(|_| Vec::with_capacity(n)).collect();
        let indexed: Vec<(usize, Option<&str>)> = texts.iter().copied().enumerate().collect();
        let parse = |(i, t): &(usize, Option<&str>)| {
            let r = per_row.as_ref().map_or(default, |rs| rs[*i]);
            phone::with_thread_parser(|p| p.parse_with(t.unwrap_or(""), Some(r), &options))
        };
        map_chunked(py, &indexed, workers, parse, |p| {
            cols[0].push(flag(py, p.valid));
            cols[1].push(text_or_none(py, p.e164.as_deref()));
            cols[2].push(interned.get(Some(p.phone_type.as_str())));
            cols[3].push(interned.get(p.region.as_deref()));
            cols[4].push(text_or_none(py, p.extension.as_deref()));
            cols[5].push(text_or_none(py, p.suggestion.as_deref()));
            cols[6].push(interned.get(p.error.map(|e| e.as_str())));
            if formats {
                cols[7].push(text_or_none(py, p.national_format.as_deref()));
                cols[8].push(text_or_none(py, p.international_format.as_deref()));
            }
        });
        let mut cols = cols.into_iter();
        let mut next = || cols.next().unwrap_or_default();
        let mut out = vec![
            ("valid", next()),
            ("e164", next()),
            ("type", next()),
            ("region", next()),
            ("extension", next()),
            ("suggestion", next()),
            ("error", next()),
        ];
        if formats {
            out.push(("national_format", next()));
            out.push(("international_format", next()));
        }
        columns_dict(py, out)
    })
}

/// Scores a contact point given as a dict; returns the score as a dict.
#[pyfunction]
#[pyo3(signature = (point, now, policy=None))]
fn score_contact<'py>(
    py: Python<'py>,
    point: &Bound<'py, PyAny>,
    now: &str,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let point: ContactPoint = from_data("contact point", point).map_err(|e| to_py(py, e))?;
        let (now, policy) = scoring_args(py, now, policy)?;
        to_object(py, &score::score(&point, &policy, now))
    })
}

/// The `now` and policy arguments of the scoring functions, read and checked
/// (no policy: the default).
pub(crate) fn scoring_args(
    py: Python<'_>,
    now: &str,
    policy: Option<&Bound<'_, PyAny>>,
) -> PyResult<(jiff::Timestamp, Policy)> {
    let now: jiff::Timestamp = now.parse().map_err(|e| malformed(py, "now", e))?;
    let policy = match policy.filter(|p| !p.is_none()) {
        Some(p) => {
            let p: Policy = from_data("policy", p).map_err(|e| to_py(py, e))?;
            p.validate().map_err(|e| to_py(py, e))?;
            p
        }
        None => Policy::default(),
    };
    Ok((now, policy))
}

/// The default policy as a dict.
#[pyfunction]
fn default_policy(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_object(py, &Policy::default())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEmail>()?;
    m.add_class::<PyPhone>()?;
    m.add_function(wrap_pyfunction!(parse_phone, m)?)?;
    m.add_function(wrap_pyfunction!(parse_phones, m)?)?;
    m.add_function(wrap_pyfunction!(parse_email, m)?)?;
    m.add_function(wrap_pyfunction!(parse_emails, m)?)?;
    m.add_function(wrap_pyfunction!(parse_emails_columns, m)?)?;
    m.add_function(wrap_pyfunction!(parse_phones_columns, m)?)?;
    m.add_function(wrap_pyfunction!(classify_outcome, m)?)?;
    m.add_function(wrap_pyfunction!(classify_outcomes, m)?)?;
    m.add_function(wrap_pyfunction!(score_contact, m)?)?;
    m.add_function(wrap_pyfunction!(default_policy, m)?)?;
    Ok(())
}
