#!/usr/bin/env bash
# Installs everything swiftdl needs on a fresh Debian/Ubuntu machine with the Swift
# toolchain and Python 3: the system packages the build needs (OpenBLAS headers,
# pkg-config, Python headers) when they are missing, then a virtual environment in .venv
# with swiftdl built and installed from this checkout, plus the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
pkg-config --exists openblas 2>/dev/null || missing+=(libopenblas-dev pkg-config)
python3 - <<'PY' || missing+=(python3-dev)
import os, sys, sysconfig
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
PY
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-test.txt
.venv/bin/python -m pip install -q .
echo "swiftdl is installed in .venv ($(.venv/bin/python -c 'import swiftdl; print(swiftdl.__file__)'))"
