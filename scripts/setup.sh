#!/usr/bin/env bash
# Installs everything swiftdl needs on a fresh Linux machine with the Swift toolchain and
# Python 3 with pip: a virtual environment in .venv with swiftdl built and installed from
# this checkout (its BLAS, OpenBLAS from the scipy-openblas32 wheel, and h5py come from
# pip), plus the test tools. The only system packages it may add are the Python headers,
# when the Python in use has none (Debian's python3-dev), and espeak-ng for the speech
# example's synthesised words, through apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 - <<'PY'
import os, sys, sysconfig
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
PY
then
    echo "installing the Python headers (python3-dev)"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-dev >/dev/null
fi

if ! command -v espeak-ng >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    # The speech example and its test synthesise spoken words with it (no audio is committed).
    echo "installing espeak-ng (Debian's speech synthesiser)"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq espeak-ng >/dev/null) \
        || echo "could not install espeak-ng: the speech test will be skipped"
fi

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip setuptools wheel
.venv/bin/python -m pip install -q -r requirements-test.txt
bash scripts/install.sh
echo "swiftdl is installed in .venv ($(.venv/bin/python -c 'import swiftdl; print(swiftdl.__file__)'))"
