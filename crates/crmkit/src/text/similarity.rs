//! String similarity: Jaro, Jaro–Winkler, and bounded Levenshtein and
//! optimal-string-alignment (Damerau) distances, over Unicode scalar values.
//!
//! ```
//! use crmkit::text::similarity::{jaro_winkler, levenshtein_within, osa_within};
//! assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-4);
//! assert_eq!(levenshtein_within("yilmaz", "yılmaz", 2), Some(1));
//! assert_eq!(levenshtein_within("kaya", "demir", 2), None);
//! assert_eq!(osa_within("gmial.com", "gmail.com", 1), Some(1)); // one swap
//! ```

/// Jaro similarity in [0, 1] (1 = equal; two empty strings are equal).
pub fn jaro(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    with_units(a, b, jaro_bytes, jaro_units)
}

/// Runs `bytes` on ASCII input (no decoding, no allocation) and `chars` on
/// the decoded scalar values otherwise.
fn with_units<R>(
    a: &str,
    b: &str,
    bytes: impl FnOnce(&[u8], &[u8]) -> R,
    chars: impl FnOnce(&[char], &[char]) -> R,
) -> R {
    if a.is_ascii() && b.is_ascii() {
        bytes(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        chars(&a, &b)
    }
}

/// Jaro over ASCII bytes. Up to 64 bytes a side, the positions of each byte
/// of `b` are bit masks, so that each byte of `a` finds its first free
/// match in the window with a few bit operations instead of a scan of the
/// window (the bit-parallel way of RapidFuzz and Hyyrö). Kept by hand: it
/// gives the same value as [`jaro_units`] (a property test checks it) at
/// about a third of the cost on addresses, which are the most compared
/// strings in identity resolution.
fn jaro_bytes(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() || b.is_empty() || a.len() > 64 || b.len() > 64 {
        return jaro_units(a, b);
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut positions = [0u64; 128];
    for (j, &c) in b.iter().enumerate() {
        positions[usize::from(c & 0x7f)] |= 1 << j;
    }
    let all = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let (mut a_used, mut b_used) = (0u64, 0u64);
    for (i, &c) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        if lo >= hi {
            continue;
        }
        let free = positions[usize::from(c & 0x7f)] & !b_used & all(hi) & !all(lo);
        if free != 0 {
            b_used |= free & free.wrapping_neg();
            a_used |= 1 << i;
        }
    }
    let m = a_used.count_ones() as usize;
    if m == 0 {
        return 0.0;
    }
    let mut transposed = 0usize;
    let (mut x, mut y) = (a_used, b_used);
    while x != 0 {
        if a[x.trailing_zeros() as usize] != b[y.trailing_zeros() as usize] {
            transposed += 1;
        }
        x &= x - 1;
        y &= y - 1;
    }
    jaro_formula(m, transposed / 2, a.len(), b.len())
}

fn jaro_units<T: Copy + PartialEq>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    if b.len() <= 64 {
        jaro_small(a, b)
    } else {
        jaro_large(a, b)
    }
}

/// Jaro with `b` of at most 64 units: matches kept as bit masks.
fn jaro_small<T: Copy + PartialEq>(a: &[T], b: &[T]) -> f64 {
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = 0u64;
    let mut a_used: Vec<bool> = Vec::new();
    let small_a = a.len() <= 64;
    let mut a_mask = 0u64;
    if !small_a {
        a_used = vec![false; a.len()];
    }
    let mut m = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for (j, &cb) in b.iter().enumerate().take(hi).skip(lo) {
            if b_used & (1 << j) == 0 && cb == ca {
                b_used |= 1 << j;
                if small_a {
                    a_mask |= 1 << i;
                } else {
                    a_used[i] = true;
                }
                m += 1;
                break;
            }
        }
    }
    if m == 0 {
        return 0.0;
    }
    let a_is = |i: usize| {
        if small_a {
            a_mask & (1 << i) != 0
        } else {
            a_used[i]
        }
    };
    let mut transposed = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if !a_is(i) {
            continue;
        }
        while b_used & (1 << j) == 0 {
            j += 1;
        }
        if b[j] != ca {
            transposed += 1;
        }
        j += 1;
    }
    jaro_formula(m, transposed / 2, a.len(), b.len())
}

fn jaro_large<T: Copy + PartialEq>(a: &[T], b: &[T]) -> f64 {
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = vec![false; b.len()];
    let mut a_matches = Vec::with_capacity(a.len().min(b.len()));
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == ca {
                b_used[j] = true;
                a_matches.push(ca);
                break;
            }
        }
    }
    let m = a_matches.len();
    if m == 0 {
        return 0.0;
    }
    let b_matches = b.iter().zip(&b_used).filter(|(_, u)| **u).map(|(c, _)| *c);
    let transpositions = a_matches
        .iter()
        .zip(b_matches)
        .filter(|(x, y)| **x != *y)
        .count()
        / 2;
    jaro_formula(m, transpositions, a.len(), b.len())
}

fn jaro_formula(m: usize, transpositions: usize, la: usize, lb: usize) -> f64 {
    let m = m as f64;
    (m / la as f64 + m / lb as f64 + (m - transpositions as f64) / m) / 3.0
}

/// Jaro–Winkler similarity with the standard prefix scale 0.1 and a common
/// prefix of at most 4 characters.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    fn winkler<T: Copy + PartialEq>(j: f64, a: &[T], b: &[T]) -> f64 {
        let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
        j + prefix * 0.1 * (1.0 - j)
    }
    with_units(
        a,
        b,
        |a, b| winkler(jaro_bytes(a, b), a, b),
        |a, b| winkler(jaro_units(a, b), a, b),
    )
}

/// The Levenshtein distance between `a` and `b` if it is at most `max`,
/// else `None`. Runs in O(len · max) with a banded dynamic programme.
pub fn levenshtein_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a == b {
        return Some(0);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let inf = max + 1;
    let mut prev: Vec<usize> = (0..=b.len())
        .map(|j| if j <= max { j } else { inf })
        .collect();
    let mut cur = vec![inf; b.len() + 1];
    for i in 1..=a.len() {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(b.len());
        cur.fill(inf);
        cur[0] = if i <= max { i } else { inf };
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let v = (prev[j - 1] + cost)
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(inf);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// The optimal string alignment distance (Levenshtein plus swaps of two
/// adjacent characters, each substring edited once) if it is at most
/// `max`, else `None`.
pub fn osa_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a == b {
        return Some(0);
    }
    if a.is_ascii() && b.is_ascii() {
        return osa_slices(a.as_bytes(), b.as_bytes(), max);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa_slices(&a, &b, max)
}

/// [`osa_within`] over any slices; stops as soon as a whole row exceeds `max`.
pub fn osa_slices<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if max == 1 {
        return osa_one(a, b);
    }
    // three rows: two back for the transposition; on the stack for the short
    // texts this is mostly called with (domains, names, dates)
    const STACK_ROW: usize = 48;
    let width = b.len() + 1;
    if width <= STACK_ROW {
        let mut rows = [0usize; 3 * STACK_ROW];
        osa_rows(a, b, max, &mut rows[..3 * width])
    } else {
        osa_rows(a, b, max, &mut vec![0usize; 3 * width])
    }
}

/// [`osa_slices`] with `max == 1` (codes, phones, postcodes) in one pass
/// instead of the dynamic programme: after the common prefix, one
/// substitution, insertion, deletion or swap of two neighbours must leave
/// the same rest.
fn osa_one<T: PartialEq>(a: &[T], b: &[T]) -> Option<usize> {
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if i == a.len() && i == b.len() {
        return Some(0);
    }
    let one = if a.len() == b.len() {
        a[i + 1..] == b[i + 1..]
            || (i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..])
    } else if a.len() > b.len() {
        a[i + 1..] == b[i..]
    } else {
        a[i..] == b[i + 1..]
    };
    one.then_some(1)
}

/// The dynamic programme of [`osa_slices`] in `rows` (three rows of
/// `b.len() + 1` cells).
fn osa_rows<T: PartialEq>(a: &[T], b: &[T], max: usize, rows: &mut [usize]) -> Option<usize> {
    let width = b.len() + 1;
    let (two_back, rest) = rows.split_at_mut(width);
    let (prev, cur) = rest.split_at_mut(width);
    let (mut two_back, mut prev, mut cur) = (two_back, prev, cur);
    for (j, p) in prev.iter_mut().enumerate() {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(two_back[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        // a transposition reaches back two rows, so both must be over budget
        if row_min > max && prev.iter().min().is_some_and(|m| *m > max) {
            return None;
        }
        std::mem::swap(&mut two_back, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert!((jaro("dixon", "dicksonx") - 0.7667).abs() < 1e-4);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-4);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-4);
        assert_eq!(jaro("", ""), 1.0);
        assert_eq!(jaro("a", ""), 0.0);
        assert_eq!(levenshtein_within("kitten", "sitting", 3), Some(3));
        assert_eq!(levenshtein_within("kitten", "sitting", 2), None);
        assert_eq!(levenshtein_within("", "abc", 3), Some(3));
        assert_eq!(osa_within("ca", "ac", 1), Some(1));
        assert_eq!(levenshtein_within("ca", "ac", 1), None);
        assert_eq!(osa_within("hotmial.com", "hotmail.com", 1), Some(1));
        assert_eq!(osa_within("abc", "xyz", 2), None);
    }

    proptest! {
        #[test]
        fn one_edit_fast_path_equals_the_programme(
            a in "[abc]{0,7}",
            b in "[abc]{0,7}",
        ) {
            let (x, y) = (a.as_bytes(), b.as_bytes());
            let mut rows = vec![0usize; 3 * (y.len() + 1)];
            let programme = if x.len().abs_diff(y.len()) > 1 {
                None
            } else {
                osa_rows(x, y, 1, &mut rows)
            };
            prop_assert_eq!(osa_slices(x, y, 1), programme);
        }

        #[test]
        fn bit_parallel_jaro_equals_the_scan(
            a in "[a-e ]{0,70}",
            b in "[a-e ]{0,70}",
        ) {
            let (x, y) = (a.as_bytes(), b.as_bytes());
            prop_assert_eq!(jaro_bytes(x, y).to_bits(), jaro_units(x, y).to_bits());
        }
    }

    fn naive_levenshtein(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut d: Vec<Vec<usize>> = (0..=a.len())
            .map(|i| {
                let mut row = vec![0; b.len() + 1];
                row[0] = i;
                row
            })
            .collect();
        d[0] = (0..=b.len()).collect();
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j - 1] + cost)
                    .min(d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1);
            }
        }
        d[a.len()][b.len()]
    }

    /// The optimal string alignment distance by the full table.
    fn naive_osa(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    proptest! {
        #[test]
        fn bit_mask_jaro_agrees_with_the_vector_version(a in "[abcıi]{0,70}", b in "[abcıi]{0,64}") {
            let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            prop_assume!(!ca.is_empty() && !cb.is_empty());
            let small = jaro_small(&ca, &cb);
            prop_assert!((small - jaro_large(&ca, &cb)).abs() < 1e-12);
            // ASCII input takes the byte path and must give the same value
            let (fa, fb) = (a.replace('ı', "x"), b.replace('ı', "x"));
            let chars = jaro_units(&fa.chars().collect::<Vec<_>>(), &fb.chars().collect::<Vec<_>>());
            prop_assert!((jaro(&fa, &fb) - chars).abs() < 1e-12);
        }

        #[test]
        fn banded_levenshtein_agrees_with_the_full_table(a in "[abcıi]{0,12}", b in "[abcıi]{0,12}", max in 0usize..6) {
            let full = naive_levenshtein(&a, &b);
            prop_assert_eq!(levenshtein_within(&a, &b, max), (full <= max).then_some(full));
        }

        /// Rows on the stack (short texts) and on the heap (long ones) give
        /// the same distances.
        #[test]
        fn osa_on_long_texts_is_the_same(a in "[ab]{40,60}", edits in prop::collection::vec((0usize..60, "[abc]"), 0..4)) {
            let mut b: Vec<char> = a.chars().collect();
            for (at, c) in &edits {
                let at = at % b.len();
                b[at] = c.chars().next().unwrap_or('c');
            }
            let b: String = b.into_iter().collect();
            let full = naive_levenshtein(&a, &b);
            let osa = osa_within(&a, &b, 70).unwrap();
            prop_assert!(osa <= full && osa <= edits.len());
            // the short prefix goes through the stack rows, the whole through the heap
            let (pa, pb) = (&a[..30], &b[..30]);
            prop_assert_eq!(osa_within(pa, pb, 70), Some(naive_osa(pa, pb)));
            prop_assert_eq!(Some(osa), Some(naive_osa(&a, &b)));
        }

        #[test]
        fn osa_is_symmetric_and_never_above_levenshtein(a in "[abcı]{0,10}", b in "[abcı]{0,10}") {
            let full = naive_levenshtein(&a, &b);
            let osa = osa_within(&a, &b, 20).unwrap();
            prop_assert!(osa <= full);
            prop_assert_eq!(osa_within(&b, &a, 20), Some(osa));
            prop_assert_eq!(osa_within(&a, &b, 2), (osa <= 2).then_some(osa));
        }

        #[test]
        fn similarities_are_symmetric_and_bounded(a in "\\PC{0,16}", b in "\\PC{0,16}") {
            let (x, y) = (jaro_winkler(&a, &b), jaro_winkler(&b, &a));
            prop_assert!((0.0..=1.0).contains(&x));
            prop_assert!((x - y).abs() < 1e-12);
        }
    }
}
