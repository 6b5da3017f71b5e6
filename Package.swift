// swift-tools-version:5.9
// swiftdl: a deep-learning engine in Swift, exported through a C ABI for Python.
import PackageDescription

// Two optimisation modes in release builds (debug builds keep every check):
// - SwiftDLKernels (and SwiftDLAVX2) index raw buffers whose bounds the ops have already
//   validated, so they drop Swift's overflow checks (-Ounchecked).
// - SwiftDL (tensors, validation, ops, autograd, optimizers) and SwiftDLC keep them (-O):
//   a shape or size computation that overflows traps instead of wrapping.
// The generic kernels are specialised inside SwiftDLKernels (`@_specialize(exported: true)`
// for each element type and element function the ops use), so an op's call runs a body
// compiled with the kernel module's flags; a call the list misses would run the unspecialised
// generic body, correct but slow. (Making the kernels @inlinable instead would re-optimise
// them in SwiftDL with checks on.)
// -fno-math-errno: squareRoot() otherwise keeps a libm call (to set errno for negative
// inputs, which nothing reads) that stops sqrt loops vectorising; results are unchanged
// (sqrtps is correctly rounded) and the fused Adam/RMSprop/Adagrad updates run ~5x faster.
let engineSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo", "-Xcc", "-fno-math-errno"], .when(configuration: .release))
]

let checkedSettings: [SwiftSetting] = [
    .unsafeFlags(["-O", "-wmo", "-Xcc", "-fno-math-errno"], .when(configuration: .release))
]

// The shared library: drop unreferenced sections and the local symbol table. With the Swift
// standard library linked statically this more than halves libswiftdl (19 -> 9 MB), which
// Python maps at import. (BLAS is not linked: Runtime/BLASLibrary.swift opens it on the
// first GEMM.)
let libraryLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--gc-sections", "-Xlinker", "-s"], .when(platforms: [.linux], configuration: .release))
]

// SwiftPM conditions cannot test the architecture, but the manifest is compiled for and
// run on the building machine, so `#if arch` here sees the host: the Haswell flag goes
// only to x86-64 builds, and arm64 Linux and macOS build without edits. (A cross-build
// from x86-64 to another architecture would still need this flag dropped.)
#if arch(x86_64)
let avx2Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux]))]
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"], .when(platforms: [.linux]))]
#else
let avx2Settings: [SwiftSetting] = []
let avx512Settings: [SwiftSetting] = []
#endif

let package = Package(
    name: "swiftdl",
    products: [
        // The engine, for Swift programs.
        .library(name: "SwiftDL", targets: ["SwiftDL"]),
        // The C ABI (libswiftdl.so) that the Python extension links against.
        .library(name: "swiftdl", type: .dynamic, targets: ["SwiftDLC"]),
    ],
    targets: [
        .target(name: "SwiftDLKernels", dependencies: ["SwiftDLAVX2", "SwiftDLAVX512"], swiftSettings: engineSettings),
        .target(name: "SwiftDL", dependencies: ["SwiftDLKernels"], swiftSettings: checkedSettings),
        // Vectorised kernels compiled for Haswell (AVX2, FMA); the engine calls their entry
        // points only after checking the CPU (see Sources/SwiftDLAVX2/VectorMath.swift).
        // On other architectures their bodies are compiled out (CompiledOut.swift).
        .target(name: "SwiftDLAVX2", swiftSettings: engineSettings + avx2Settings),
        // The same for Skylake-X (AVX-512): small single-precision products
        // (Sources/SwiftDLAVX512/SmallGemm.swift), called only on CPUs that have it.
        .target(name: "SwiftDLAVX512", dependencies: ["SwiftDLAVX2"], swiftSettings: engineSettings + avx512Settings),
        .target(name: "CSwiftDL"),
        .target(
            name: "SwiftDLC", dependencies: ["SwiftDL", "CSwiftDL"], swiftSettings: checkedSettings,
            linkerSettings: libraryLinkerSettings),
        .testTarget(name: "SwiftDLTests", dependencies: ["SwiftDL", "SwiftDLAVX2", "SwiftDLAVX512"]),
        .testTarget(name: "CABITests", dependencies: ["SwiftDLC", "CSwiftDL"]),
    ]
)
