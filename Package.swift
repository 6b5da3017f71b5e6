// swift-tools-version:5.9
// swiftdl: a deep-learning engine in Swift, exported through a C ABI for Python.
import PackageDescription

// Kernels index raw buffers whose bounds the ops have already validated, so release
// builds drop Swift's overflow checks there (-Ounchecked); debug builds keep them.
// -fno-math-errno: squareRoot() otherwise keeps a libm call (to set errno for negative
// inputs, which nothing reads) that stops sqrt loops vectorising; results are unchanged
// (sqrtps is correctly rounded) and the fused Adam/RMSprop/Adagrad updates run ~5x faster.
let engineSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo", "-Xcc", "-fno-math-errno"], .when(configuration: .release)),
]

#if os(macOS)
let blasDependencies: [Target.Dependency] = []
let blasTargets: [Target] = []
#else
let blasDependencies: [Target.Dependency] = ["COpenBLAS"]
let blasTargets: [Target] = [
    .systemLibrary(
        name: "COpenBLAS",
        path: "Sources/COpenBLAS",
        pkgConfig: "openblas",
        providers: [.apt(["libopenblas-dev"])]
    ),
]
#endif

let package = Package(
    name: "swiftdl",
    products: [
        // The engine, for Swift programs.
        .library(name: "SwiftDL", targets: ["SwiftDL"]),
        // The C ABI (libswiftdl.so) that the Python extension links against.
        .library(name: "swiftdl", type: .dynamic, targets: ["SwiftDLC"]),
    ],
    targets: blasTargets + [
        .target(name: "SwiftDL", dependencies: blasDependencies, swiftSettings: engineSettings),
        .target(name: "CSwiftDL"),
        .target(name: "SwiftDLC", dependencies: ["SwiftDL", "CSwiftDL"], swiftSettings: engineSettings),
        .testTarget(name: "SwiftDLTests", dependencies: ["SwiftDL"]),
        .testTarget(name: "CABITests", dependencies: ["SwiftDLC", "CSwiftDL"]),
    ]
)
