//! The SLA standing of a complaint from its event log, on the Türkiye
//! calendar, as JSON.
//!
//! ```sh
//! cargo run -q -p crmkit --example sla_history -- \
//!     crates/crmkit/examples/sla/complaint-log.json crates/crmkit/examples/sla/policy.toml \
//!     2026-11-25T09:00:00Z
//! ```

use crmkit::complaint::calendar::Calendar;
use crmkit::complaint::sla::SlaPolicy;
use crmkit::complaint::sla::history::{ComplaintLog, sla_state};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [log, policy, now] = args.as_slice() else {
        return Err("usage: sla_history LOG.json POLICY.toml NOW (RFC 3339)".into());
    };
    let log: ComplaintLog = serde_json::from_str(&std::fs::read_to_string(log)?)?;
    let policy = SlaPolicy::from_toml(&std::fs::read_to_string(policy)?)?;
    let state = sla_state(
        &log.events,
        &policy,
        &Calendar::turkey_2026_2027(),
        now.parse()?,
        &[50, 75, 90],
    )?;
    println!("{}", serde_json::to_string_pretty(&state)?);
    Ok(())
}
