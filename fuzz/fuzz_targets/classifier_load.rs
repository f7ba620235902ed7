//! Any bytes as a classifier model file: an error, never a panic or a huge
//! allocation; a model that loads predicts without panicking.
#![no_main]

use crmkit::complaint::classifier::Classifier;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut file = b"CRMKCLF1".to_vec();
    file.extend_from_slice(data);
    for bytes in [data, file.as_slice()] {
        if let Ok(m) = Classifier::load(bytes) {
            let p = m.predict("kargo gecikti");
            assert!(p.top.iter().all(|(_, prob)| (0.0..=1.0).contains(prob) || prob.is_nan()));
        }
    }
});
