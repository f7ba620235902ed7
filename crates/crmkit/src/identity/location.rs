//! Location evidence counted once.
//!
//! A postcode usually names one town, and a street address lies in one
//! postcode. Counted as independent pieces of evidence, an agreeing
//! postcode, city and address add up to some 40 bits for two namesakes
//! who live in the same street, more than everything that tells them
//! apart. Once the postcodes agree, an agreeing city or address says only
//! what it adds beyond the postcode: its `u` among different people who
//! share a postcode, estimated from the data ([`estimate`]). Where the
//! fields are independent (FEBRL's synthetic postcodes and suburbs), that
//! `u` equals the plain one and nothing changes. A household's shared
//! landline is treated the same way: beside an agreeing postcode, a phone
//! shared by two people with different first names says little more.

use super::compare::{Comparison, Gamma};
use super::model::MIN_RECORDS_FOR_U;
use super::standardize::{NONE, Prepared, Vocabulary};

/// `u` of the city, address and phone levels among different people
/// (first names differ, birth dates differ or are missing) who share a
/// postcode; see the [module](self) notes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SharedPostcode {
    /// Pairs within one postcode that were counted.
    pub pairs: u64,
    /// P(city level | postcode agrees, different people), level 1 first.
    pub city: Vec<f64>,
    /// P(address level | postcode agrees, different people).
    pub address: Vec<f64>,
    /// P(phone level | postcode agrees, different people): a household's
    /// landline is shared like its address (empty in models saved before
    /// it was learned).
    #[serde(default)]
    pub phone: Vec<f64>,
}

/// Fewer counted pairs than this keep the plain `u`.
pub const MIN_PAIRS: u64 = 200;

const CITY: usize = Comparison::City as usize;
const ADDRESS: usize = Comparison::Address as usize;
const POSTCODE: usize = Comparison::Postcode as usize;
const PHONE: usize = Comparison::Phone as usize;

impl SharedPostcode {
    /// The weight to add to comparison `c`'s `weight` at `g`'s level, given
    /// its plain `u`: nothing unless the postcodes agree and `c` is an
    /// agreeing city or address level that is more common among neighbours
    /// than among everyone; the result never turns agreement into evidence
    /// against a match.
    pub fn adjust(&self, c: usize, g: &Gamma, weight: f64, u: &[f64]) -> f64 {
        let cond = match c {
            CITY => &self.city,
            ADDRESS => &self.address,
            PHONE => &self.phone,
            _ => return weight,
        };
        let level = g[c];
        // the last level is disagreement: left as it is
        if g[POSTCODE] != 1 || level == 0 || usize::from(level) >= u.len() || weight <= 0.0 {
            return weight;
        }
        let l = usize::from(level - 1);
        match cond.get(l) {
            Some(&uc) if uc > u[l] => (weight + (u[l] / uc).log2()).max(0.0),
            _ => weight,
        }
    }

    /// Every probability strictly between 0 and 1, one per level.
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (name, v, c) in [
            ("city", &self.city, Comparison::City),
            ("address", &self.address, Comparison::Address),
            ("phone", &self.phone, Comparison::Phone),
        ] {
            // an older model learned no phone levels
            if v.len() != c.levels().len() && !(c == Comparison::Phone && v.is_empty()) {
                return Err(format!(
                    "shared_postcode.{name} has {} levels, expected {}",
                    v.len(),
                    c.levels().len()
                ));
            }
            if let Some(x) = v.iter().find(|&&x| !(x > 0.0 && x < 1.0)) {
                return Err(format!(
                    "shared_postcode.{name} holds {x}, a probability must be strictly between 0 and 1"
                ));
            }
        }
        Ok(())
    }
}

/// Estimates [`SharedPostcode`] from `samples` random pairs of records that
/// share a postcode, whose first names differ and whose birth dates are
/// different or missing (deterministic for a
/// `seed`). `None` below [`MIN_RECORDS_FOR_U`] records or [`MIN_PAIRS`]
/// counted pairs.
pub fn estimate(
    records: &[Prepared],
    vocab: &Vocabulary,
    samples: usize,
    seed: u64,
) -> Option<SharedPostcode> {
    if records.len() < MIN_RECORDS_FOR_U {
        return None;
    }
    let mut by_postcode: Vec<Vec<u32>> = vec![Vec::new(); vocab.postcode.len()];
    for (i, r) in records.iter().enumerate() {
        if r.postcode != NONE {
            by_postcode[r.postcode as usize].push(i as u32);
        }
    }
    by_postcode.retain(|m| m.len() > 1);
    // groups drawn in proportion to their pairs
    let mut cumulative = Vec::with_capacity(by_postcode.len());
    let mut total = 0u64;
    for m in &by_postcode {
        let n = m.len() as u64;
        total += n * (n - 1) / 2;
        cumulative.push(total);
    }
    if total == 0 {
        return None;
    }
    let levels = |c: Comparison| c.levels().len();
    let counts = super::model::sample_chunks(samples, seed ^ 0x0c17_9c0d, |rng, want| {
        let mut city = vec![0u64; levels(Comparison::City)];
        let mut address = vec![0u64; levels(Comparison::Address)];
        let mut phone = vec![0u64; levels(Comparison::Phone)];
        for _ in 0..want {
            let at = rng.next() % total;
            let g = &by_postcode[cumulative.partition_point(|&c| c <= at)];
            let i = (rng.next() % g.len() as u64) as usize;
            let j = (rng.next() % g.len() as u64) as usize;
            if i == j {
                continue;
            }
            let cmp =
                super::compare::compare(&records[g[i] as usize], &records[g[j] as usize], vocab);
            // different people: their first names differ and their birth
            // dates do not agree (a duplicate with a mangled first name
            // would count its shared address as a neighbour's)
            let dob = cmp.gamma[Comparison::DateOfBirth as usize];
            if cmp.gamma[Comparison::FirstName as usize] != 4 || matches!(dob, 1..=3) {
                continue;
            }
            for (c, into) in [
                (CITY, &mut city),
                (ADDRESS, &mut address),
                (PHONE, &mut phone),
            ] {
                if cmp.gamma[c] > 0 {
                    into[usize::from(cmp.gamma[c] - 1)] += 1;
                }
            }
        }
        [city, address, phone]
    });
    let mut sums = [
        vec![0u64; levels(Comparison::City)],
        vec![0u64; levels(Comparison::Address)],
        vec![0u64; levels(Comparison::Phone)],
    ];
    for part in counts {
        for (sum, c) in sums.iter_mut().zip(part) {
            sum.iter_mut().zip(c).for_each(|(x, y)| *x += y);
        }
    }
    let [city, address, phone] = sums;
    let pairs = city.iter().sum::<u64>().min(address.iter().sum());
    if pairs < MIN_PAIRS {
        return None;
    }
    // add-half smoothing, as for the plain u
    let smooth = |k: &[u64]| -> Vec<f64> {
        let n: u64 = k.iter().sum();
        k.iter()
            .map(|&x| (x as f64 + 0.5) / (n as f64 + 0.5 * k.len() as f64))
            .collect()
    };
    Some(SharedPostcode {
        pairs,
        city: smooth(&city),
        address: smooth(&address),
        phone: smooth(&phone),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> SharedPostcode {
        SharedPostcode {
            pairs: 1000,
            city: vec![0.97, 0.01, 0.02],
            address: vec![0.01, 0.02, 0.1, 0.87],
            phone: vec![0.2, 0.01, 0.79],
        }
    }

    #[test]
    fn a_city_implied_by_the_postcode_adds_nothing_more() {
        let mut g: Gamma = [0; super::super::compare::N];
        g[CITY] = 1;
        g[POSTCODE] = 1;
        let u = [0.02, 0.01, 0.97];
        // 0.98 / 0.02: 5.6 bits on its own, nothing beside the postcode
        let w = (0.98f64 / 0.02).log2();
        assert!(shared().adjust(CITY, &g, w, &u) < 0.05);
        // without an agreeing postcode the city keeps its weight
        g[POSTCODE] = 3;
        assert_eq!(shared().adjust(CITY, &g, w, &u), w);
        // disagreement is left as it is
        g[POSTCODE] = 1;
        g[CITY] = 3;
        assert_eq!(shared().adjust(CITY, &g, -4.0, &u), -4.0);
    }

    #[test]
    fn independent_fields_keep_their_weights() {
        let mut g: Gamma = [0; super::super::compare::N];
        g[ADDRESS] = 1;
        g[POSTCODE] = 1;
        // neighbours share an address no more often than anyone
        let s = SharedPostcode {
            address: vec![1e-5, 1e-4, 0.005, 0.99489],
            ..shared()
        };
        let u = [1e-5, 1e-4, 0.005, 0.994_89];
        assert_eq!(s.adjust(ADDRESS, &g, 15.0, &u), 15.0);
        // a street shared by 1% of neighbours weighs what it adds
        let w = shared().adjust(ADDRESS, &g, 15.0, &u);
        assert!((w - (15.0 + (1e-5f64 / 0.01).log2())).abs() < 1e-9, "{w}");
    }
}
