#!/usr/bin/env bash
# Checks that the workspace's declared rust-version is at least the
# rust-version of every package in the dependency tree, and builds the
# library with that toolchain where rustup has it installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
meta = json.load(sys.stdin)
ws = set(meta["workspace_members"])
def ver(s):
    return tuple(int(x) for x in s.split("."))
declared = {p["name"]: ver(p["rust_version"]) for p in meta["packages"] if p["id"] in ws and p.get("rust_version")}
need = max((ver(p["rust_version"]), p["name"]) for p in meta["packages"] if p["id"] not in ws and p.get("rust_version"))
low = {n: v for n, v in declared.items() if v < need[0]}
if low:
    sys.exit("rust-version %s of %s is below %s, which %s needs" % (
        ".".join(map(str, min(low.values()))), ", ".join(sorted(low)), ".".join(map(str, need[0])), need[1]))
print("rust-version %s covers every dependency (highest: %s needs %s)" % (
    ".".join(map(str, min(declared.values()))), need[1], ".".join(map(str, need[0]))))
'

msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
if command -v rustup >/dev/null && rustup run "$msrv" rustc --version >/dev/null 2>&1; then
    cargo +"$msrv" check --workspace --locked
else
    echo "toolchain $msrv not installed: skipped building with it (rustup toolchain install $msrv)"
fi
