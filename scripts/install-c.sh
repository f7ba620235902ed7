#!/usr/bin/env bash
# Builds libcrmkit in release mode and installs it the way C libraries are
# installed, under PREFIX (default /usr/local):
#   PREFIX/lib/libcrmkit.so.X.Y.Z  with SONAME libcrmkit.so.0.MINOR (1.0 on:
#                                  libcrmkit.so.MAJOR) and the usual links
#   PREFIX/lib/libcrmkit.a
#   PREFIX/lib/pkgconfig/crmkit.pc
#   PREFIX/include/crmkit.h, PREFIX/include/crmkit_flat.h (for FFI generators)
# Then: cc app.c $(pkg-config --cflags --libs crmkit)
#
# Usage: scripts/install-c.sh [--prefix PREFIX] [--destdir DESTDIR]
# (DESTDIR stages the files for a package; crmkit.pc still names PREFIX.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

prefix=/usr/local
destdir=
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#*=}; shift ;;
        --destdir) destdir=$2; shift 2 ;;
        --destdir=*) destdir=${1#*=}; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "install-c.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$prefix" in
    /*) ;;
    *) prefix=$(cd "$(dirname "$prefix")" 2>/dev/null && pwd)/$(basename "$prefix") ;;
esac

version=$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "crmkit-ffi"))')
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
if [ "$major" = 0 ]; then soname=libcrmkit.so.0.$minor; else soname=libcrmkit.so.$major; fi

target_dir=${CARGO_TARGET_DIR:-target}
cargo build --release -p crmkit-ffi --quiet
built=$target_dir/release/libcrmkit.so
if ! readelf -d "$built" 2>/dev/null | grep -q "SONAME.*\[$soname\]"; then
    echo "install-c.sh: $built does not carry the SONAME $soname" >&2
    exit 1
fi

root=$destdir$prefix
install -d "$root/lib/pkgconfig" "$root/include"
install -m 0755 "$built" "$root/lib/libcrmkit.so.$version"
ln -sf "libcrmkit.so.$version" "$root/lib/$soname"
ln -sf "$soname" "$root/lib/libcrmkit.so"
install -m 0644 "$target_dir/release/libcrmkit.a" "$root/lib/libcrmkit.a"
install -m 0644 include/crmkit.h include/crmkit_flat.h "$root/include/"
cat > "$root/lib/pkgconfig/crmkit.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: crmkit
Description: Customer-data toolkit: identity resolution, contact validity, complaints, survey metrics
URL: https://github.com/crmkit/crmkit
Version: $version
Libs: -L\${libdir} -lcrmkit
Libs.private: -lpthread -ldl -lm
Cflags: -I\${includedir}
PC
# release builds carry debug info for profiling; installed libraries do not
if command -v strip >/dev/null; then
    strip --strip-debug "$root/lib/libcrmkit.so.$version" "$root/lib/libcrmkit.a"
fi
echo "installed libcrmkit $version ($soname) under $root"
