#!/usr/bin/env bash
# Builds swiftdl from this working tree and installs it into .venv, unless the installed
# copy was built from exactly these sources (a hash of every Swift, C and Python source and
# the build files, kept in .venv). The test command runs this first, so an edit is always
# what gets tested. `--force` reinstalls regardless.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

stamp=.venv/swiftdl-sources.sha1
sources=$(find Package.swift setup.py pyproject.toml Sources python -type f \
              \( -name '*.swift' -o -name '*.c' -o -name '*.h' -o -name '*.py' -o -name '*.pyi' \
                 -o -name 'Package.swift' -o -name '*.toml' -o -name '*.modulemap' \) -print0 \
          | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sources" ] \
        && .venv/bin/python -c 'import swiftdl' 2>/dev/null; then
    exit 0
fi
echo "building and installing swiftdl from this working tree"
rm -f "$stamp"
.venv/bin/python -c "import setuptools, wheel" 2>/dev/null || .venv/bin/python -m pip install -q setuptools wheel
.venv/bin/python -m pip install -q --no-build-isolation .
echo "$sources" > "$stamp"
