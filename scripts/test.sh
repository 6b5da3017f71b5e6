#!/usr/bin/env bash
# The whole test suite: the Swift engine's tests, then the Python tests against swiftdl
# built from this working tree (scripts/install.sh rebuilds it when any source changed
# since the last install). Sets up .venv first when it is missing. Extra arguments go to
# pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
[ -x .venv/bin/python ] || bash scripts/setup.sh
bash scripts/install.sh

echo "== swift test"
# The engine's tests multiply with the OpenBLAS that pip put in .venv, as the package does
# (a Swift program finds only the system's libraries by itself).
blas=${SWIFTDL_BLAS:-$(.venv/bin/python -c 'from swiftdl import _blas; print(_blas.packaged_openblas() or "")')}
SWIFTDL_BLAS=$blas swift test 2>&1 | sed "/^warning: 'main'/d"

echo "== pytest"
.venv/bin/python -m pytest Tests/python -q -p no:cacheprovider "$@"
