#!/usr/bin/env bash
# Builds the crmkit wheel, installs it into an ignored virtual environment
# (.venv) together with the test dependencies, and runs pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r tests/python/requirements.txt

target_dir=${CARGO_TARGET_DIR:-target}
rm -rf "$target_dir/wheels"
.venv/bin/maturin build --release --quiet -m bindings/python/Cargo.toml -o "$target_dir/wheels"
.venv/bin/python -m pip install --quiet --force-reinstall --no-deps "$target_dir"/wheels/crmkit-*.whl

# run from outside the source tree so that the installed wheel is imported
cd tests/python
../../.venv/bin/python -m pytest -q -p no:cacheprovider .

# the type stubs match the installed package, and the package type-checks
cd ../..
.venv/bin/python -m mypy --config-file bindings/python/pyproject.toml -p crmkit
.venv/bin/python -m mypy.stubtest crmkit --mypy-config-file bindings/python/pyproject.toml
