#!/usr/bin/env bash
# Runs the Ray recipe tests (tests/ray) on a local Ray instance with the
# wheel that scripts/python-tests.sh installed into .venv; installs
# ray[data] into .venv on first use. A step of scripts/test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    bash scripts/python-tests.sh
fi
.venv/bin/python -m pip install --quiet -r tests/ray/requirements.txt
cd tests/ray
RAY_USAGE_STATS_ENABLED=0 ../../.venv/bin/python -m pytest -q -p no:cacheprovider -c pytest.ini --rootdir . .
