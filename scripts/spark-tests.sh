#!/usr/bin/env bash
# Runs the Spark recipe tests (tests/spark) in PySpark local mode with the
# wheel that scripts/python-tests.sh installed into .venv (skipped with a
# message when Java is missing; pyspark is installed into .venv on first
# use). The Ray recipe tests are their own step (scripts/ray-tests.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    bash scripts/python-tests.sh
fi
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
    echo "SKIPPED: Java is not installed; the PySpark tests need a JVM (Java 17)"
else
    .venv/bin/python -m pip install --quiet -r tests/spark/requirements.txt
    (
        export PYSPARK_PYTHON="$PWD/.venv/bin/python"
        export PYSPARK_DRIVER_PYTHON="$PWD/.venv/bin/python"
        cd tests/spark
        ../../.venv/bin/python -m pytest -q -p no:cacheprovider -c ../python/pytest.ini --rootdir . .
    )
fi
