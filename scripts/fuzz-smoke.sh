#!/usr/bin/env bash
# Builds every fuzz target with cargo-fuzz (nightly), replays the checked-in
# regressions, then fuzzes each target for SECONDS seconds (default 300).
# Not part of the test command: it needs the nightly toolchain.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"
seconds=${1:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build
for t in $targets; do
    if [ -d "regressions/$t" ] && [ -n "$(ls -A "regressions/$t")" ]; then
        cargo +nightly fuzz run "$t" regressions/"$t"/* -- -runs=0
    fi
    cargo +nightly fuzz run "$t" -- -max_total_time="$seconds"
done
