#!/usr/bin/env bash
# Fails when include/crmkit.h differs from what the pinned cbindgen generates
# from bindings/c, and include/crmkit_flat.h (for FFI generators) differs
# from what scripts/flat-header.py makes of it. `--write` regenerates both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CBINDGEN_VERSION=0.29.4
cbindgen=.tools/bin/cbindgen
if ! "$cbindgen" --version 2>/dev/null | grep -qx "cbindgen $CBINDGEN_VERSION"; then
    echo "installing cbindgen $CBINDGEN_VERSION into .tools/"
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --root .tools --quiet
fi

generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
"$cbindgen" --quiet --config bindings/c/cbindgen.toml --crate crmkit-ffi --output "$generated" bindings/c

if [ "${1:-}" = "--write" ]; then
    cp "$generated" include/crmkit.h
    echo "include/crmkit.h regenerated"
    python3 scripts/flat-header.py
    exit 0
fi
if ! diff -u include/crmkit.h "$generated"; then
    echo "include/crmkit.h is stale: run scripts/check-header.sh --write and commit it" >&2
    exit 1
fi
echo "include/crmkit.h is up to date (cbindgen $CBINDGEN_VERSION)"
# the flattened header FFI generators read (PHP FFI, cffi) follows crmkit.h
python3 scripts/flat-header.py --check
