"""How the engine is compiled (issue 11, section 4): release builds compile the kernels
(Sources/SwiftDLKernels, Sources/SwiftDLAVX2) with -Ounchecked and everything that validates
user input (Sources/SwiftDL, Sources/SwiftDLC) with -O, so Swift's overflow checks stay on
there. A generic kernel the ops call must be specialised inside the kernel module
(`@_specialize(exported: true, ...)`): otherwise the ops run its unspecialised body, correct
but many times slower, and no other test would notice."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = (ROOT / "Package.swift").read_text()


def _settings_flags() -> dict[str, list[str]]:
    """{settings name: the compiler flags its unsafeFlags list}, from `let x: [SwiftSetting] = [...]`
    (both branches of an `#if arch` definition together)."""
    flags: dict[str, list[str]] = {}
    for name, body in re.findall(r"^let (\w+): \[SwiftSetting\] = \[(.*?)\]$", PACKAGE, re.S | re.M):
        flags.setdefault(name, []).extend(re.findall(r'"(-[^"]+)"', body))
    return flags


def _target_flags(target: str) -> list[str]:
    """The flags a target's swiftSettings expression (`a + b`) adds up to."""
    match = re.search(r'\.target\(\s*name: "' + target + r'".*?swiftSettings: ([\w +]+)', PACKAGE, re.S)
    assert match, f"no target {target} with swiftSettings in Package.swift"
    settings = _settings_flags()
    return [flag for name in match.group(1).split("+") for flag in settings[name.strip()]]


def test_kernels_are_unchecked_and_validation_is_checked():
    assert "-Ounchecked" in _target_flags("SwiftDLKernels")
    assert "-Ounchecked" in _target_flags("SwiftDLAVX2")
    for target in ("SwiftDL", "SwiftDLC"):
        flags = _target_flags(target)
        assert "-O" in flags and "-Ounchecked" not in flags, (target, flags)


def _kernel_module_generics() -> dict[str, list[str]]:
    """{name: attribute lines above it} for each top-level generic function in SwiftDLKernels."""
    found = {}
    for path in sorted((ROOT / "Sources" / "SwiftDLKernels").rglob("*.swift")):
        lines = path.read_text().split("\n")
        for i, line in enumerate(lines):
            match = re.match(r"(?:public|package) func (\w+)<", line)
            if not match:
                continue
            attributes, j = [], i - 1
            while j >= 0 and lines[j].startswith("@"):
                attributes.append(lines[j])
                j -= 1
            found[match.group(1)] = attributes
    return found


def test_generic_kernels_called_by_the_ops_are_specialised_in_the_kernel_module():
    callers = "\n".join(
        path.read_text() for folder in ("SwiftDL", "SwiftDLC") for path in (ROOT / "Sources" / folder).rglob("*.swift"))
    generics = _kernel_module_generics()
    called = {name: attributes for name, attributes in generics.items() if re.search(rf"\b{name}\(", callers)}
    # The big families must be among them, or the search above has stopped finding calls.
    assert {"binaryKernel", "reduceKernel", "convolutionForward", "lstmForward", "gemmEntry"} <= set(called)
    unspecialised = [
        name for name, attributes in called.items()
        if not any(a.startswith(("@_specialize(exported:", "@inlinable")) for a in attributes)]
    assert not unspecialised, f"generic kernels called from SwiftDL without exported specialisations: {unspecialised}"
