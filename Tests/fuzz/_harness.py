"""What the fuzz targets share: the contract, a byte-stream decoder, and the runner.

The contract (issue 11): whatever a caller sends, swiftdl raises one of the documented
exceptions or returns. A crash (a Swift trap, a segfault), a SystemError, any other
exception (AssertionError included: the targets check results against numpy) or a hang
is a finding. `OverflowError` is allowed only where Python's own int conversion raises it
at the argument boundary, as numpy does for `uint8 + 300` (its message has no "[op]").

Each target is `one_input(data: bytes)`: it decodes its whole input from `data` through
`Draw`, so a saved input reproduces exactly. `run(target)` drives it with atheris (libFuzzer:
coverage-guided, crashes and hangs saved as files) or, where atheris is missing, with a
plain random-mutation loop that keeps the same contract.
"""
import os
import resource
import struct
import sys

ALLOWED = (ValueError, TypeError, IndexError, MemoryError, OSError)


class Finding(Exception):
    """An exception outside the contract, re-raised so the fuzzer records the input."""


class Hang(BaseException):
    """Raised by the fallback loop's alarm (a BaseException: no `except` in a target eats it)."""


def check(call, *args, **kwargs):
    """Runs `call`; returns its result, or None when it raised an allowed exception."""
    return attempt(call, *args, **kwargs)[1]


def attempt(call, *args, **kwargs):
    """Runs `call`: (True, result), or (False, None) when it raised an allowed exception;
    any other exception is a `Finding`."""
    try:
        return True, call(*args, **kwargs)
    except ALLOWED as error:
        if not str(error) and not isinstance(error, (MemoryError, OSError)):
            raise Finding(f"{type(error).__name__} without a message from {_name(call)}") from error
        return False, None
    except OverflowError as error:
        if str(error).startswith("["):
            raise Finding(f"the engine raised OverflowError: {error}") from error
        return False, None
    except (SystemError, RecursionError, KeyError, AttributeError, AssertionError, RuntimeError,
            ZeroDivisionError, ArithmeticError, LookupError, NotImplementedError) as error:
        raise Finding(f"{type(error).__name__} from {_name(call)}: {error}") from error


def _name(call):
    return getattr(call, "__qualname__", None) or getattr(call, "__name__", None) or repr(call)


class Draw:
    """Decodes choices from a byte string; when the bytes run out every draw is 0/first."""

    def __init__(self, data: bytes):
        self.data = data
        self.position = 0

    def _bytes(self, n):
        chunk = self.data[self.position:self.position + n]
        self.position += n
        return chunk + bytes(n - len(chunk))

    def remaining(self):
        return max(len(self.data) - self.position, 0)

    def int(self, low, high):
        """An int in [low, high]."""
        span = high - low + 1
        if span <= 1:
            return low
        width = (span.bit_length() + 7) // 8
        return low + int.from_bytes(self._bytes(width), "little") % span

    def bool(self, chance=0.5):
        # False once the bytes run out (int() gives 0 then), so short inputs take the
        # common paths.
        return self.int(0, 255) >= 256 - int(256 * chance)

    def pick(self, options):
        return options[self.int(0, len(options) - 1)]

    def float(self):
        kind = self.int(0, 7)
        if kind == 0:
            return self.pick([0.0, -0.0, 1.0, -1.0, float("nan"), float("inf"), -float("inf"), 1e308, 5e-324, 0.5])
        return struct.unpack("<d", self._bytes(8))[0] if kind == 1 else (self.int(-2000, 2000) / 8.0)

    def size(self):
        """A dimension: mostly small, sometimes hostile."""
        if not self.bool(0.1):
            return self.int(0, 5)
        return self.pick(HOSTILE_INTS)

    def bytes(self, n):
        return self._bytes(n)


HOSTILE_INTS = [-1, -2, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 61, 2 ** 62, 2 ** 63 - 1, -(2 ** 63),
                2 ** 63, 2 ** 64, 10 ** 30, 6, 7, 8, 64, 65]


def limit_memory():
    """Caps the address space, so a size that gets past validation is a MemoryError from
    the allocator here, not the machine swapping (SWIFTDL_FUZZ_MEMORY_GB, default 6)."""
    gigabytes = float(os.environ.get("SWIFTDL_FUZZ_MEMORY_GB", "6"))
    limit = int(gigabytes * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run(one_input, seeds=()):
    """Fuzzes `one_input`. Arguments are libFuzzer's (atheris) or, without atheris, the
    fallback loop's: -max_total_time=S, -timeout=S, -seed=N, -artifact_prefix=DIR/, corpus
    directories."""
    limit_memory()
    try:
        import atheris
    except ImportError:
        atheris = None
    if os.environ.get("SWIFTDL_FUZZ_PLAIN"):
        atheris = None
    import warnings
    warnings.filterwarnings("ignore")
    if atheris is not None:
        # Coverage of the Python side (swiftdl's package, numpy) guides the mutations; the
        # Swift engine is not instrumented, so its own branches count only through them.
        atheris.instrument_all()
        atheris.Setup(sys.argv, one_input)
        atheris.Fuzz()
    else:
        _plain_loop(one_input, seeds)


def _plain_loop(one_input, seeds):
    import random
    import signal
    import time

    options = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("-") and "=" in a}
    corpus_dirs = [a for a in sys.argv[1:] if not a.startswith("-")]
    seconds = float(options.get("-max_total_time", "60"))
    timeout = int(options.get("-timeout", "20"))
    prefix = options.get("-artifact_prefix", "./")
    corpus = list(seeds)
    for directory in corpus_dirs:
        for name in sorted(os.listdir(directory)):
            with open(os.path.join(directory, name), "rb") as f:
                corpus.append(f.read())
    corpus = corpus or [b""]
    rng = random.Random(int(options.get("-seed", os.environ.get("SWIFTDL_FUZZ_SEED", "0"))) or None)

    def hang(*_):
        raise Hang(f"one input ran longer than {timeout} s")

    signal.signal(signal.SIGALRM, hang)
    deadline = time.monotonic() + seconds
    runs = 0
    pending = os.path.join(prefix if os.path.isdir(prefix) else ".", "pending-input")
    while time.monotonic() < deadline:
        data = _mutate(rng, rng.choice(corpus))
        # Written first: a crash kills the process, and this file is the reproducer.
        with open(pending, "wb") as f:
            f.write(data)
        signal.alarm(timeout)
        try:
            one_input(data)
        except BaseException as error:
            signal.alarm(0)
            path = f"{prefix}crash-{runs}"
            with open(path, "wb") as f:
                f.write(data)
            print(f"FINDING: {type(error).__name__}: {error}\ninput saved to {path}", file=sys.stderr)
            raise
        signal.alarm(0)
        runs += 1
        if rng.random() < 0.02 and len(corpus) < 512:
            corpus.append(data)
    os.remove(pending)
    print(f"plain fuzz loop: {runs} runs in {seconds:.0f} s, no finding", file=sys.stderr)


def _mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.randint(0, 4)
        if choice == 0 or not data:
            chunk = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 16)))
            data[rng.randint(0, len(data)):rng.randint(0, len(data))] = chunk
        elif choice == 1:
            data[rng.randrange(len(data))] = rng.randint(0, 255)
        elif choice == 2:
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randint(0, 7)
        elif choice == 3:
            i = rng.randrange(len(data))
            del data[i:i + rng.randint(1, 16)]
        else:
            i = rng.randrange(len(data))
            data[i:i] = data[rng.randrange(len(data)):][:rng.randint(1, 32)]
    return bytes(data[:4096])
