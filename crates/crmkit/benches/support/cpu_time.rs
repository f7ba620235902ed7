//! A criterion measurement of the benchmark thread's own CPU time, read
//! from `/proc/thread-self/schedstat` (Linux). On a machine shared with
//! other work, wall-clock time counts the time the thread waited for a
//! core; CPU time gives the throughput per core. The kernel updates the
//! counter at least every scheduler tick (4 ms at 250 Hz), so samples
//! should run for much longer than that (the benches use 10 s and 30
//! samples). Where the file cannot be read, wall-clock time is used.

use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};
use std::time::Instant;

/// Thread CPU time in nanoseconds.
#[derive(Debug)]
pub struct CpuTime {
    epoch: Instant,
}

impl Default for CpuTime {
    fn default() -> Self {
        CpuTime {
            epoch: Instant::now(),
        }
    }
}

fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns().unwrap_or_else(|| self.epoch.elapsed().as_nanos() as u64)
    }

    fn end(&self, start: u64) -> u64 {
        self.start().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns cpu")
        } else if typical < 1e6 {
            (1e-3, "µs cpu")
        } else if typical < 1e9 {
            (1e-6, "ms cpu")
        } else {
            (1e-9, "s cpu")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let n = match throughput {
            Throughput::Elements(n) => *n as f64,
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => *n as f64,
            Throughput::Bits(n) => *n as f64,
            Throughput::ElementsAndBytes { elements, .. } => *elements as f64,
        };
        // items per CPU second, in thousands
        values.iter_mut().for_each(|v| *v = n * 1e9 / *v / 1e3);
        "K/s per core"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
