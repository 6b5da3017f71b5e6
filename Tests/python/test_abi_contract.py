"""The C ABI contract (STYLE.md rule 10): every sdl_* function swiftdl.h declares is exported
by the built libswiftdl, the extension calls only declared functions, and the op-code
enums in the header, the Python op tables and the engine's own op names all agree."""
import ctypes
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

import swiftdl as sd
from swiftdl import _C
from swiftdl._ops import BINARY, BINARY_OPS, REDUCE_OPS, UNARY, UNARY_OPS

ROOT = Path(__file__).resolve().parents[2]
HEADER = (ROOT / "Sources" / "CSwiftDL" / "include" / "swiftdl.h").read_text()


def _library_path():
    folder = Path(_C.__file__).parent
    for name in ("libswiftdl.so", "libswiftdl.dylib"):
        if (folder / name).exists():
            return folder / name
    pytest.fail(f"libswiftdl is not beside {_C.__file__}")


def _declared_functions():
    text = re.sub(r"/\*.*?\*/", "", HEADER, flags=re.S)
    return sorted(set(re.findall(r"\b(sdl_[a-z0-9_]+)\s*\(", text)))


def _enum(prefix):
    body = re.search(r"enum\s*\{([^}]*\b" + prefix + r"[A-Z_]+[^}]*)\}", HEADER).group(1)
    names = re.findall(r"\b" + prefix + r"([A-Z0-9_]+)\b", body)
    assert "=" not in body, "op enums must count from 0 without gaps"
    return tuple(name.lower() for name in names)


def test_header_declares_the_abi():
    functions = _declared_functions()
    assert len(functions) > 40
    assert "sdl_tensor_free" in functions and "sdl_last_error" in functions


def test_every_declared_function_is_exported():
    library = ctypes.CDLL(str(_library_path()))
    missing = [name for name in _declared_functions() if not hasattr(library, name)]
    assert not missing, f"declared in swiftdl.h but not exported: {missing}"


def test_exported_sdl_symbols_are_all_declared():
    try:
        output = subprocess.run(["nm", "-D", "--defined-only", str(_library_path())], capture_output=True,
                                text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("nm is not available")
    exported = set(re.findall(r"\s(sdl_[a-z0-9_]+)$", output, flags=re.M))
    exported = {name for name in exported if not name.startswith("sdl_internal_")}
    undeclared = sorted(exported - set(_declared_functions()))
    assert not undeclared, f"exported but missing from swiftdl.h: {undeclared}"


def test_extension_calls_only_declared_functions():
    used = set()
    for source in (ROOT / "python" / "src").glob("*.c"):
        used |= set(re.findall(r"\b(sdl_[a-z0-9_]+)\s*\(", source.read_text()))
    types = {"sdl_status", "sdl_tensor", "sdl_dtype", "sdl_tape", "sdl_release_fn"}  # e.g. `sdl_status (*fn)(...)`
    undeclared = sorted(name for name in used - set(_declared_functions()) - types if not name.startswith("sdl_internal_"))
    assert not undeclared, f"python/src calls functions swiftdl.h does not declare: {undeclared}"


def test_op_enums_match_the_python_tables():
    assert _enum("SDL_BINARY_") == BINARY_OPS
    assert _enum("SDL_UNARY_") == UNARY_OPS
    assert _enum("SDL_REDUCE_") == REDUCE_OPS


def test_dtype_codes_match():
    codes = {name.lower(): int(code) for name, code in
             re.findall(r"SDL_(FLOAT32|FLOAT64|INT32|INT64|UINT8|BOOL)\s*=\s*(\d+)", HEADER)}
    from swiftdl._dtypes import _DTYPES
    assert {dtype.name: code for code, dtype in enumerate(_DTYPES)} == codes


def test_abi_version_matches_the_header():
    assert _C.abi_version() == int(re.search(r"#define SDL_ABI_VERSION (\d+)", HEADER).group(1))


@pytest.mark.parametrize("name", BINARY_OPS)
def test_engine_binary_op_codes_name_the_same_op(name):
    # the engine's error message starts with its own name for the op code we send
    with pytest.raises(ValueError, match=r"^\[" + name + r"\]"):
        _C.binary(BINARY[name], sd.zeros(2), sd.zeros(3))


@pytest.mark.parametrize("name", UNARY_OPS)
def test_engine_unary_op_codes_name_the_same_op(name):
    dtype = np.bool_ if name in ("logical_not", "invert") else np.float32
    with pytest.raises(ValueError, match=r"^\[" + name + r"\]"):
        _C.unary(UNARY[name], sd.zeros(2, dtype), sd.zeros(3, dtype))


@pytest.mark.parametrize("code, name", list(enumerate(REDUCE_OPS)))
def test_engine_reduce_op_codes_name_the_same_op(code, name):
    with pytest.raises((ValueError, IndexError), match=r"^\[" + name + r"\]"):
        _C.reduce(code, sd.zeros(2), [5], False)


def test_unknown_op_codes_are_refused():
    for call in (lambda: _C.binary(len(BINARY_OPS), sd.zeros(2), sd.zeros(2)),
                 lambda: _C.unary(-1, sd.zeros(2)), lambda: _C.reduce(99, sd.zeros(2), None, False),
                 lambda: _C.cast(sd.zeros(2), 6), lambda: _C.empty([2], -1, True)):
        with pytest.raises((ValueError, TypeError)):
            call()


def test_library_has_no_foundation_dependency():
    try:
        output = subprocess.run(["ldd", str(_library_path())], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("ldd is not available")
    assert "Foundation" not in output and "libswiftCore" not in output, "engine must link the Swift stdlib statically"
    assert os.path.getsize(_library_path()) > 0


def test_every_python_folder_is_a_package():
    """find_packages() skips folders without __init__.py, so a non-editable install would lose them."""
    package = ROOT / "python" / "swiftdl"
    missing = [str(folder.relative_to(ROOT)) for folder in package.rglob("*")
               if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py"))
               and not (folder / "__init__.py").exists()]
    assert not missing, f"folders without __init__.py (left out of `pip install .`): {missing}"
