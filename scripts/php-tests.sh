#!/usr/bin/env bash
# Loads libcrmkit into PHP through FFI with the flattened header
# (include/crmkit_flat.h), as a PHP CRM would, and runs tests/php/test_ffi.php.
# Installs the PHP command line (Debian's php-cli, which has FFI) when it is
# missing and apt-get can; skips with a message otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v php >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing php-cli (apt-get)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q php-cli >/dev/null ||
            { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q php-cli >/dev/null; }
    fi
fi
if ! command -v php >/dev/null 2>&1; then
    echo "SKIPPED: PHP is not installed (apt-get install php-cli) and could not be installed here"
    exit 0
fi
if ! php -m | grep -qx FFI; then
    echo "SKIPPED: this PHP has no FFI extension"
    exit 0
fi

target_dir=${CARGO_TARGET_DIR:-target}
cargo build --release -p crmkit-ffi --quiet
php tests/php/test_ffi.php "$target_dir/release/libcrmkit.so"
