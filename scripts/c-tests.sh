#!/usr/bin/env bash
# Builds libcrmkit, compiles every tests/c/test_*.c against include/crmkit.h
# with warnings as errors, and runs each program twice: plain, then under
# AddressSanitizer and UndefinedBehaviorSanitizer; then installs the library
# with scripts/install-c.sh into a scratch prefix and builds a program with
# pkg-config against it, once with crmkit.h and once with crmkit_flat.h.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target_dir=${CARGO_TARGET_DIR:-target}
cargo build --release -p crmkit-ffi --quiet
lib="$target_dir/release/libcrmkit.a"
build=tests/c/build
mkdir -p "$build"

cc=${CC:-cc}
flags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude -Itests/c)
libs=("$lib" -lpthread -ldl -lm)
sanitize=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)

passed=0
failed=0
run() {
    local exe=$1
    if "$exe"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $exe" >&2
        failed=$((failed + 1))
    fi
}

for src in tests/c/test_*.c; do
    name=$(basename "$src" .c)
    "$cc" "${flags[@]}" "$src" -o "$build/$name" "${libs[@]}"
    run "$build/$name"
    "$cc" "${flags[@]}" "${sanitize[@]}" "$src" -o "$build/$name.asan" "${libs[@]}"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 run "$build/$name.asan"
done

# the installed library: scripts/install-c.sh into a scratch prefix, then a
# program built with pkg-config against the shared library, with each header
prefix="$PWD/$build/prefix"
rm -rf "$prefix"
bash scripts/install-c.sh --prefix "$prefix" >/dev/null
if ! readelf -d "$prefix/lib/libcrmkit.so" | grep -q 'SONAME.*libcrmkit\.so\.'; then
    echo "FAILED: the installed libcrmkit.so has no versioned SONAME" >&2
    failed=$((failed + 1))
fi
for variant in "" -DFLAT; do
    exe="$build/installed_app${variant:+_flat}"
    # shellcheck disable=SC2046  # pkg-config prints several words
    "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror $variant tests/c/installed/app.c -o "$exe" \
        $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs crmkit)
    LD_LIBRARY_PATH="$prefix/lib" run "$exe"
done

echo "c tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
