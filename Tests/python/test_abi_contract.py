"""The C ABI contract (STYLE.md at the repository root, rule 10): every sdl_* function swiftdl.h declares is exported
by the built libswiftdl, the extension calls only declared functions, and the op-code
enums in the header, the Python op tables and the engine's own op names all agree.

Each op's signature is written in five places: the Swift op, its `@_cdecl` shim
(Sources/SwiftDLC), swiftdl.h, the CPython wrapper (python/src) and the Python call
(python/swiftdl). No compiler sees the shim and the header together, and Python finds a
wrong argument count only when the call runs, so the tests below read the sources and check
that every shim has the header's arity, parameter types and return type, that every call in
python/src passes the header's number of arguments (and every function pointer has a
declared signature), and that every `_C.<name>(...)` call in the package passes as many
arguments as the wrapper's PyArg_ParseTuple format accepts."""
import ast
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
    from swiftdl import _ops
    assert [getattr(_ops, name).__name__ for name in BINARY_OPS + UNARY_OPS] == list(BINARY_OPS + UNARY_OPS)


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



# ---- one signature, five places ---------------------------------------------------------

# The C types of swiftdl.h and the Swift types of the shims, as one vocabulary.
_C_TYPES = {
    "sdl_tensor": "handle", "sdl_tape": "handle", "sdl_tensor *": "handle *", "sdl_tape *": "handle *",
    "const sdl_tensor *": "const handle *", "int32_t": "int32", "sdl_status": "int32", "sdl_dtype": "int32",
    "int64_t": "int64", "uint64_t": "uint64", "double": "double", "int64_t *": "int64 *",
    "const int64_t *": "const int64 *", "void *": "pointer", "const void *": "const pointer",
    "const char *": "const char *", "const char **": "const char **", "sdl_release_fn": "release callback",
    "sdl_custom_backward": "backward callback", "sdl_gradient_ready_fn": "ready callback", "uint64_t *": "uint64 *",
    "int32_t *": "int32 *",
    "const sdl_optimizer_options *": "const options *", "void": "void",
}
_SWIFT_TYPES = {
    "OpaquePointer?": "handle", "UnsafeMutablePointer<OpaquePointer?>?": "handle *",
    "UnsafePointer<OpaquePointer?>?": "const handle *", "Int32": "int32", "Int64": "int64", "UInt64": "uint64",
    "Double": "double", "UnsafeMutablePointer<Int64>?": "int64 *", "UnsafePointer<Int64>?": "const int64 *",
    "UnsafeMutableRawPointer?": "pointer", "UnsafeRawPointer?": "const pointer", "UnsafePointer<CChar>?": "const char *",
    "UnsafeMutablePointer<UnsafePointer<CChar>?>?": "const char **", "sdl_release_fn?": "release callback",
    "sdl_custom_backward?": "backward callback", "sdl_gradient_ready_fn?": "ready callback",
    "UnsafeMutablePointer<UInt64>?": "uint64 *",
    "UnsafeMutablePointer<Int32>?": "int32 *",
    "UnsafePointer<sdl_optimizer_options>?": "const options *", None: "void",
}


def _without_comments(text):
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))


def _split_top_level(text, separator=",", brackets="([{"):
    """`text` split at `separator`s outside brackets (C: (), [] and {}; Swift also <>)."""
    closers = {"(": ")", "[": "]", "{": "}", "<": ">"}
    opening, closing = set(brackets), {closers[b] for b in brackets}
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in opening and 1 or 0
        depth -= char in closing and 1 or 0
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [part.strip() for part in parts + [current] if part.strip()]


def _closing(text, start):
    """The index just past the parenthesis that closes the one at text[start - 1]."""
    depth, index = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        index += 1
    return index


def _c_parameter_type(parameter):
    parameter = " ".join(parameter.replace("*", " * ").split()).replace("* *", "**")
    if parameter == "void":
        return "void"
    words = parameter.split(" ")
    if words[-1] not in ("*", "**") and len(words) > 1:
        words = words[:-1]  # drop the parameter's name
    type_name = " ".join(words).replace(" **", " **").replace(" *", " *")
    assert type_name in _C_TYPES, f"swiftdl.h uses a type this test does not know: {type_name!r}"
    return _C_TYPES[type_name]


def _header_signatures():
    """{name: (return type, [parameter types])} for every function swiftdl.h declares."""
    signatures = {}
    text = re.sub(r"^\s*#[^\n]*(?:\\\n[^\n]*)*", "", _without_comments(HEADER), flags=re.M)
    for statement in text.split(";"):
        statement = re.split(r"[{}]", statement)[-1].strip()
        declaration = re.fullmatch(r"([A-Za-z_][\w ]*?\**)\s*\b(sdl_[a-z0-9_]+)\s*\((.*)\)", statement, flags=re.S)
        if declaration is None or "typedef" in declaration.group(1):
            continue
        ret, name, parameters = declaration.groups()
        types = [_c_parameter_type(p) for p in _split_top_level(parameters)]
        signatures[name] = (_C_TYPES[" ".join(ret.replace("*", " *").split())], [t for t in types if t != "void"])
    return signatures


def _shim_signatures():
    """{name: (return type, [parameter types], file)} for every `@_cdecl` function in Sources/SwiftDLC."""
    signatures = {}
    for path in sorted((ROOT / "Sources" / "SwiftDLC").glob("*.swift")):
        text = _without_comments(path.read_text())
        for match in re.finditer(r'@_cdecl\("(sdl_\w+)"\)\s*(?:@\w+\s*)*public func \w+\s*\(', text):
            end = _closing(text, match.end())
            returned = re.match(r"\s*(?:->\s*([^{\n]+?))?\s*\{", text[end:])
            types = []
            for parameter in _split_top_level(text[match.end():end - 1], brackets="(<["):
                swift_type = " ".join(parameter.split(":", 1)[1].split())
                assert swift_type in _SWIFT_TYPES, f"{path.name}: a shim type this test does not know: {swift_type!r}"
                types.append(_SWIFT_TYPES[swift_type])
            return_type = returned.group(1).strip() if returned and returned.group(1) else None
            assert return_type in _SWIFT_TYPES, f"{path.name}: a shim return type this test does not know: {return_type!r}"
            assert match.group(1) not in signatures, f"{match.group(1)} has two @_cdecl shims"
            signatures[match.group(1)] = (_SWIFT_TYPES[return_type], types, path.name)
    return signatures


def test_header_signatures_are_parsed():
    signatures = _header_signatures()
    assert set(signatures) == set(_declared_functions())
    assert signatures["sdl_lstm"] == ("int32", ["handle"] * 7 + ["int32", "int32"] + ["handle *"] * 3)


def _defined_in_c():
    """Functions Sources/CSwiftDL defines in C: the compiler checks those against the header."""
    names = set()
    for path in (ROOT / "Sources" / "CSwiftDL").glob("*.c"):
        names |= set(re.findall(r"^[\w ]+\**\s*\b(sdl_[a-z0-9_]+)\s*\([^;]*?\)\s*\{", path.read_text(), flags=re.M))
    return names


def test_every_header_function_has_a_swift_shim_with_its_signature():
    header, shims = _header_signatures(), _shim_signatures()
    header = {name: signature for name, signature in header.items() if name not in _defined_in_c()}
    internal = {name for name in shims if name.startswith("sdl_internal_")}
    assert set(header) - set(shims) == set(), f"declared in swiftdl.h without a @_cdecl shim: {set(header) - set(shims)}"
    assert set(shims) - set(header) - internal == set(), f"@_cdecl shims missing from swiftdl.h: {set(shims) - set(header)}"
    wrong = []
    for name, (ret, parameters) in sorted(header.items()):
        shim_ret, shim_parameters, file = shims[name]
        if len(shim_parameters) != len(parameters):
            wrong.append(f"{name}: swiftdl.h has {len(parameters)} parameters, {file} has {len(shim_parameters)}")
            continue
        for index, (declared, shim) in enumerate(zip(parameters, shim_parameters)):
            if declared != shim:
                wrong.append(f"{name}: parameter {index + 1} is {declared} in swiftdl.h but {shim} in {file}")
        if ret != shim_ret:
            wrong.append(f"{name}: returns {ret} in swiftdl.h but {shim_ret} in {file}")
    assert not wrong, "\n".join(wrong)


def _expand_macros(text):
    """`text` with each function-like macro's uses replaced by its body, arguments substituted
    (enough for the wrappers' macros; no nesting or stringizing)."""
    macros = {}
    for match in re.finditer(r"^#define (\w+)\(([^)]*)\)((?:[^\n]*\\\n)*[^\n]*)", text, flags=re.M):
        macros[match.group(1)] = ([p.strip() for p in match.group(2).split(",")], match.group(3).replace("\\\n", "\n"))
    text = re.sub(r"^#define [^\n]*(?:\\\n[^\n]*)*", "", text, flags=re.M)
    for name, (parameters, body) in macros.items():
        def expand(match, parameters=parameters, body=body):
            arguments = _split_top_level(text_of(match))
            named = dict(zip(parameters, arguments))
            if "..." in parameters:
                named["__VA_ARGS__"] = ", ".join(arguments[len(parameters) - 1:])
            return re.sub(r"\b(" + "|".join(map(re.escape, named)) + r")\b", lambda m: named[m.group(1)], body)

        def text_of(match):
            return match.string[match.end():_closing(match.string, match.end()) - 1]

        while True:
            match = re.search(r"\b" + name + r"\(", text)
            if match is None:
                break
            text = text[:match.start()] + expand(match) + text[_closing(text, match.end()):]
    return text


def _extension_sources():
    """python/src's C files without comments, with their macros expanded."""
    return {path.name: _expand_macros(_without_comments(path.read_text()))
            for path in sorted((ROOT / "python" / "src").glob("*.[ch]"))}


def test_extension_calls_pass_the_declared_number_of_arguments():
    header = _header_signatures()
    wrong, calls = [], 0
    for file, text in _extension_sources().items():
        for match in re.finditer(r"\b(sdl_[a-z0-9_]+)\s*\(", text):
            name = match.group(1)
            if name not in header or re.search(r"\btypedef\b[^;]*$", text[:match.start()].rsplit(";", 1)[-1]):
                continue
            arguments = _split_top_level(text[match.end():_closing(text, match.end()) - 1])
            calls += 1
            if len(arguments) != len(header[name][1]):
                wrong.append(f"{file}: {name} called with {len(arguments)} arguments; swiftdl.h declares "
                             f"{len(header[name][1])}")
    assert calls > 60
    assert not wrong, "\n".join(wrong)


def test_function_pointers_in_the_extension_have_declared_signatures():
    """An sdl_* function passed by name (e.g. sdl_gru to a helper that calls it through a
    `typedef sdl_status (*single_state_op)(...)`) has the signature of a typedef in python/src."""
    header, sources = _header_signatures(), _extension_sources()
    typedefs = {}
    for text in sources.values():
        for ret, name, parameters in re.findall(r"typedef\s+(\w+)\s*\(\s*\*\s*(\w+)\s*\)\s*\(([^;]*)\)\s*;", text):
            typedefs[name] = (_C_TYPES[ret], [_c_parameter_type(p) for p in _split_top_level(parameters)])
    wrong = []
    for file, text in sources.items():
        for match in re.finditer(r"\b(sdl_[a-z0-9_]+)\b(?!\s*\()", text):
            if match.group(1) in header and header[match.group(1)] not in typedefs.values():
                wrong.append(f"{file}: {match.group(1)} is passed as a function pointer, but no typedef in python/src "
                             f"has its signature {header[match.group(1)]}")
    assert not wrong, "\n".join(wrong)


def _python_argument_range(format_string):
    """(required, most) Python arguments a PyArg_ParseTuple format takes."""
    units = format_string.split(":")[0].split(";")[0]
    required, optional, in_optional, index = 0, 0, False, 0
    while index < len(units):
        char = units[index]
        if char == "|":
            in_optional = True
        elif char == "(":
            depth = 1
            while depth:
                index += 1
                depth += {"(": 1, ")": -1}.get(units[index], 0)
        elif char in "!&#*$":
            index += 1
            continue
        elif char == "e":  # es, et, es#, et#: one argument
            index += 2
        if char not in "|!&#*$":
            optional += in_optional
            required += not in_optional
        index += 1
    return required, required + optional


def _function_bodies(sources):
    """{C function name: its body} for python/src (macro-made wrappers included)."""
    bodies = {}
    for text in sources.values():
        for match in re.finditer(r"^\s*(?:static )?PyObject \*(\w+)\(([^)]*)\)\s*\{", text, flags=re.M):
            depth, index = 1, match.end()
            while depth and index < len(text):
                depth += {"{": 1, "}": -1}.get(text[index], 0)
                index += 1
            bodies[match.group(1)] = text[match.end():index - 1]
    return bodies


def _parse_format(name, bodies, seen=()):
    """The PyArg_ParseTuple format that wrapper `name` applies to its `args`, following helpers
    that receive `args`; None when it parses none."""
    body = bodies.get(name, "")
    found = re.search(r'PyArg_ParseTuple\(\s*args\s*,\s*((?:"[^"]*"\s*)+)', body)
    if found:
        return "".join(re.findall(r'"([^"]*)"', found.group(1)))
    for helper in re.findall(r"\b(\w+)\(\s*args\b", body):
        if helper in bodies and helper not in seen and helper != name:
            result = _parse_format(helper, bodies, seen + (name,))
            if result is not None:
                return result
    return None


def _method_argument_ranges():
    """{Python name in _C: (required, most)} for the module's functions, from the method tables."""
    sources = _extension_sources()
    bodies = _function_bodies(sources)
    ranges = {}
    for text in sources.values():
        for table in re.findall(r"PyMethodDef \w+\[\]\s*=\s*\{(.*?)\n\};", text, flags=re.S):
            for name, function, flags in re.findall(r'\{\s*"(\w+)"\s*,\s*([^,]+?)\s*,\s*([A-Z_ |]+)\s*,', table):
                function = re.findall(r"\w+", function)[-1]
                if "METH_KEYWORDS" in flags:
                    continue
                if "METH_NOARGS" in flags:
                    ranges[name] = (0, 0)
                elif "METH_O" in flags.split(" "):
                    ranges[name] = (1, 1)
                else:
                    format_string = _parse_format(function, bodies)
                    assert format_string is not None, f"could not find how {name} ({function}) parses its arguments"
                    ranges[name] = _python_argument_range(format_string)
    return ranges


def test_parse_formats_are_read():
    assert _python_argument_range("OOOOOOOpp") == (9, 9)
    assert _python_argument_range("iOO|O") == (3, 4)
    assert _python_argument_range("O!(ii)|s#;message") == (2, 3)
    ranges = _method_argument_ranges()
    assert ranges["lstm"] == (9, 9) and ranges["gru"] == (8, 8) and ranges["binary"] == (3, 4)


def test_every_method_table_entry_is_a_function_of_the_module():
    missing = [name for name in _method_argument_ranges() if not hasattr(_C, name) and not hasattr(_C.TensorBase, name)]
    assert not missing, f"in a PyMethodDef table but not reachable: {missing}"


def test_python_calls_pass_what_the_wrappers_parse():
    ranges = _method_argument_ranges()
    wrong, checked = [], 0
    for path in sorted((ROOT / "python" / "swiftdl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "_C"):
                continue
            name, where = node.func.attr, f"{path.relative_to(ROOT)}:{node.lineno}"
            if not hasattr(_C, name):
                wrong.append(f"{where}: _C has no function {name}")
                continue
            if name not in ranges or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                continue
            checked += 1
            low, high = ranges[name]
            if not low <= len(node.args) <= high:
                expected = f"{low}" if low == high else f"{low} to {high}"
                wrong.append(f"{where}: _C.{name} called with {len(node.args)} arguments; its wrapper parses {expected}")
    assert checked > 80
    assert not wrong, "\n".join(wrong)


def test_type_stubs_match_the_extension():
    """python/swiftdl/_C.pyi names every function of _C, with as many parameters as the wrapper parses."""
    stub = ast.parse((ROOT / "python" / "swiftdl" / "_C.pyi").read_text())
    stubbed = {node.name: node.args for node in stub.body if isinstance(node, ast.FunctionDef)}
    functions = {name for name in dir(_C) if not name.startswith("_") and callable(getattr(_C, name))} - {"TensorBase"}
    assert set(stubbed) == functions, f"only in _C: {functions - set(stubbed)}; only in _C.pyi: {set(stubbed) - functions}"
    wrong = []
    for name, (low, high) in _method_argument_ranges().items():
        if name not in stubbed:
            continue
        arguments = stubbed[name]
        count = len(arguments.posonlyargs) + len(arguments.args)
        required = count - len(arguments.defaults)
        if (required, count) != (low, high):
            wrong.append(f"{name}: _C.pyi takes {required} to {count} arguments, the wrapper parses {low} to {high}")
    assert not wrong, "\n".join(wrong)


def test_the_c_api_fuzzer_calls_every_entry_point():
    """Every function of swiftdl._C has a signature in Tests/fuzz/fuzz_c_api.py (or is left
    out there on purpose), so a new entry point is fuzzed from the day it is added."""
    source = (ROOT / "Tests" / "fuzz" / "fuzz_c_api.py").read_text()
    tree = ast.parse(source)
    tables = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("SIGNATURES", "LEFT_OUT"):
                tables[node.targets[0].id] = ast.literal_eval(node.value)
    functions = {name for name in dir(_C) if not name.startswith("_") and callable(getattr(_C, name))
                 and not isinstance(getattr(_C, name), type)}
    covered = set(tables["SIGNATURES"]) | set(tables["LEFT_OUT"])
    assert not functions - covered, f"_C functions the fuzzer never calls: {sorted(functions - covered)}"
    assert not set(tables["SIGNATURES"]) - functions, "SIGNATURES names functions _C does not have"


def test_an_empty_view_at_a_huge_offset_is_safe_to_export():
    # Found by the fuzzer: an empty view's offset is never bounds-checked (it reads nothing),
    # and __dlpack__ turned offset 2^61 into a byte address, overflowing.
    import numpy as np
    import swiftdl as sd
    from swiftdl import _C
    empty = _C.view(sd.asarray(np.zeros((1, 3, 0, 0), np.float32)), 1 << 61, [0, 0], [0, 0])
    assert empty.shape == (0, 0) and np.asarray(empty).shape == (0, 0)
    assert empty.__dlpack__() is not None
