#!/usr/bin/env bash
# Fuzzes swiftdl through its Python face (issue 11): tensor creation and conversion from
# numpy, every swiftdl._C entry point, and load_model / load_weights on mutated Keras
# files. Each target runs for --seconds (default 60: the CI run); --long runs 600 s each.
# The corpus grows in .fuzz/corpus/<target> across runs; a finding (a crash, a hang, an
# exception outside the contract) is saved in .fuzz/findings/<target>/ and the script
# exits non-zero. Reproduce one with: .venv/bin/python Tests/fuzz/fuzz_<target>.py <file>
#
#   bash scripts/fuzz.sh --seconds 60 --seed 1   # CI: about 3.5 minutes in all, a fixed sequence
#   bash scripts/fuzz.sh --long                  # 10 minutes per target
#   bash scripts/fuzz.sh --seconds 300 --target keras_files
#
# Uses atheris (coverage-guided, libFuzzer) when it is installed or installs from pip;
# without it, a plain random-mutation loop with the same contract (SWIFTDL_FUZZ_PLAIN=1
# forces that).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
targets="tensors c_api keras_files"
seed=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --long) seconds=600; shift ;;
        --target) targets="$2"; shift 2 ;;
        --seed) seed=(-seed="$2"); shift 2 ;;  # the same inputs in the same order each run
        *) echo "usage: $0 [--seconds N | --long] [--target tensors|c_api|keras_files] [--seed N]" >&2; exit 2 ;;
    esac
done

[ -x .venv/bin/python ] || bash scripts/setup.sh
bash scripts/install.sh
if [ -z "${SWIFTDL_FUZZ_PLAIN:-}" ] && ! .venv/bin/python -c "import atheris" 2>/dev/null; then
    .venv/bin/python -m pip install -q atheris 2>/dev/null \
        || echo "atheris did not install; using the plain random-mutation loop" >&2
fi

status=0
for target in $targets; do
    corpus=.fuzz/corpus/$target findings=.fuzz/findings/$target
    mkdir -p "$corpus" "$findings"
    echo "== fuzz $target for ${seconds}s"
    start=$(date +%s)
    # -timeout: one input running longer is a hang. -rss_limit_mb: above the address-space
    # cap the harness sets (SWIFTDL_FUZZ_MEMORY_GB), so a runaway allocation is a
    # MemoryError in the target, not libFuzzer's out-of-memory exit.
    if .venv/bin/python "Tests/fuzz/fuzz_$target.py" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=8192 \
            "${seed[@]}" -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" > ".fuzz/$target.log" 2>&1; then
        runs=$(grep -o "stat::number_of_executed_units: *[0-9]*" ".fuzz/$target.log" | grep -o "[0-9]*$" || true)
        echo "   no finding in $(( $(date +%s) - start ))s (${runs:-?} inputs; log .fuzz/$target.log)"
    else
        status=1
        echo "   FINDING (log .fuzz/$target.log):"
        grep -E "Finding|Error|deadly signal|timeout|Test unit written" ".fuzz/$target.log" | grep -v "^Exception ignored\|NoneType" | head -8 | sed 's/^/   /'
    fi
done
exit $status
