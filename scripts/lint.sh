#!/usr/bin/env bash
# The style checks: ruff (Python lint), clang-format (python/src layout), mypy (type
# hints and the extension's stubs) and swift-format (Swift layout, .swift-format; it ships
# with the Swift toolchain). Installs the pinned tools into .venv-lint on first use
# (from PyPI; a few seconds), then exits non-zero when any of them finds something.
#
#   bash scripts/lint.sh          check
#   bash scripts/lint.sh --fix    let ruff, clang-format and swift-format rewrite what they can, then check
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="ruff==0.17.6 mypy==2.4.1 clang-format==23.1.5 numpy==2.4.6"
VENV=.venv-lint
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.tools" 2>/dev/null)" != "$TOOLS" ]; then
    echo "== installing $TOOLS into $VENV"
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $TOOLS
    echo "$TOOLS" > "$VENV/.tools"
fi

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
C_SOURCES=(python/src/*.c python/src/*.h)
SWIFT_SOURCES=(Package.swift Sources Tests)
if [ "${1:-}" = "--fix" ]; then
    "$VENV/bin/ruff" check --fix .
    "$VENV/bin/clang-format" -i "${C_SOURCES[@]}"
    swift format format --in-place --recursive "${SWIFT_SOURCES[@]}"
fi

status=0
echo "== ruff check"
"$VENV/bin/ruff" check . || status=1
echo "== clang-format (python/src)"
"$VENV/bin/clang-format" --dry-run --Werror "${C_SOURCES[@]}" || status=1
echo "== mypy"
"$VENV/bin/mypy" || status=1
echo "== swift-format (Sources, Tests, Package.swift)"
swift format lint --strict --recursive "${SWIFT_SOURCES[@]}" || status=1

if [ "$status" -ne 0 ]; then
    echo "lint: findings above (bash scripts/lint.sh --fix rewrites what ruff, clang-format and swift-format can)" >&2
fi
exit "$status"
