#if !canImport(Accelerate)
#if canImport(Glibc)
import Glibc
#endif

/// The CBLAS that GEMMs call, opened with dlopen instead of being linked. Three reasons:
/// - Where it comes from: a pip install brings OpenBLAS in the `scipy-openblas32` wheel (the
///   build numpy and scipy use, recent enough to know current CPUs, its symbols prefixed
///   `scipy_`), and the Python package names that file before the first GEMM
///   (`BLASLibrary.load(preferredPath:)`). `SWIFTDL_BLAS` overrides it; the system's
///   libopenblas or libcblas is the last resort.
/// - Import time: linking would load a 36 MB library and start OpenBLAS's thread pool
///   whenever the engine loads, even for work that never multiplies.
/// - Kernel choice: old system OpenBLAS releases that do not know the CPU (Debian 12's
///   0.3.21 on Sapphire Rapids) fall back to the SSE3 "Prescott" kernels, a quarter of the
///   speed, so for system libraries we name the right kernel family first
///   (`preferredOpenBLASCore`).
///
/// Without any CBLAS the GEMM kernel falls back to plain loops: correct, 20-30x slower.
/// `load` reports that, and the Python package warns; a Swift program that never calls
/// `load` gets one line on standard error at its first GEMM instead.
public final class BLASLibrary: @unchecked Sendable {
    package typealias SGEMM =
        @convention(c) (
            Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
            UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32
        ) -> Void
    package typealias DGEMM =
        @convention(c) (
            Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
            UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32
        ) -> Void
    package typealias SetThreads = @convention(c) (Int32) -> Void

    // CBLAS enum values (cblas.h).
    package static let rowMajor: Int32 = 101, noTranspose: Int32 = 111, transpose: Int32 = 112

    package let sgemm: SGEMM?
    package let dgemm: DGEMM?
    package let setThreads: SetThreads?
    /// The file that was opened, as it was named to dlopen; nil when none could be.
    public let path: String?

    private init(sgemm: SGEMM?, dgemm: DGEMM?, setThreads: SetThreads?, path: String?) {
        self.sgemm = sgemm
        self.dgemm = dgemm
        self.setThreads = setThreads
        self.path = path
    }

    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    private static var loaded: BLASLibrary?

    /// Opens the CBLAS now, once per process, trying `SWIFTDL_BLAS`, then `preferredPath`
    /// (the Python package passes scipy-openblas32's file), then the system's libraries.
    /// Later calls return the library already chosen, whatever they pass.
    @discardableResult
    public static func load(preferredPath: String?) -> BLASLibrary {
        load(preferredPath: preferredPath, warnIfMissing: false)
    }

    /// The library, opened at the first GEMM if nobody called `load` first.
    ///
    /// NOTE: BLAS always runs single-threaded; our pool splits the work instead (`gemm`
    /// cuts large products into bands, convolutions and recurrences give each thread its
    /// own slice). OpenBLAS's threads spin-wait between calls (a third of the CPU in a CNN
    /// training profile with 2 threads), serialise concurrent threaded calls behind one
    /// lock, and do not flush subnormals.
    package static var shared: BLASLibrary { load(preferredPath: nil, warnIfMissing: true) }

    private static func load(preferredPath: String?, warnIfMissing: Bool) -> BLASLibrary {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let loaded { return loaded }
        let library = open(preferredPath: preferredPath)
        library.setThreads?(1)
        if library.path == nil && warnIfMissing {
            fputs(
                "swiftdl: no CBLAS library could be loaded (set SWIFTDL_BLAS to one, or install OpenBLAS); "
                    + "matrix products run in plain loops, 20-30x slower\n", stderr)
        }
        loaded = library
        return library
    }

    private static func open(preferredPath: String?) -> BLASLibrary {
        var candidates: [(path: String, isSystemLibrary: Bool)] = []
        if let custom = getenv("SWIFTDL_BLAS"), custom.pointee != 0 {
            candidates.append((String(cString: custom), false))
        }
        if let preferredPath, !preferredPath.isEmpty { candidates.append((preferredPath, false)) }
        for name in ["libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3"] {
            candidates.append((name, true))
        }
        for candidate in candidates {
            if let library = open(candidate.path, choosingCore: candidate.isSystemLibrary) { return library }
        }
        return BLASLibrary(sgemm: nil, dgemm: nil, setThreads: nil, path: nil)
    }

    /// `path` opened, with its CBLAS GEMMs found under the plain names or scipy-openblas's
    /// `scipy_` prefix; nil if it cannot be opened or lacks them.
    private static func open(_ path: String, choosingCore: Bool) -> BLASLibrary? {
        // NOTE: OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS are read by OpenBLAS's load-time
        // constructor, so they are set just around dlopen and removed again, leaving the
        // environment (and any other OpenBLAS loaded later, such as numpy's) as it was. A
        // user's own settings win. One thread at load: OpenBLAS would otherwise start a
        // thread pool that we never use (see `shared`).
        var setCore = false, setThreadCount = false
        if choosingCore, getenv("OPENBLAS_CORETYPE") == nil, let core = preferredOpenBLASCore() {
            setCore = setenv("OPENBLAS_CORETYPE", core, 1) == 0
        }
        if getenv("OPENBLAS_NUM_THREADS") == nil {
            setThreadCount = setenv("OPENBLAS_NUM_THREADS", "1", 1) == 0
        }
        defer {
            if setCore { unsetenv("OPENBLAS_CORETYPE") }
            if setThreadCount { unsetenv("OPENBLAS_NUM_THREADS") }
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        for prefix in ["", "scipy_"] {
            guard let sgemm = dlsym(handle, prefix + "cblas_sgemm"), let dgemm = dlsym(handle, prefix + "cblas_dgemm")
            else {
                continue
            }
            let setThreads = dlsym(handle, prefix + "openblas_set_num_threads")
            return BLASLibrary(
                sgemm: unsafeBitCast(sgemm, to: SGEMM.self), dgemm: unsafeBitCast(dgemm, to: DGEMM.self),
                setThreads: setThreads.map { unsafeBitCast($0, to: SetThreads.self) }, path: path)
        }
        dlclose(handle)
        return nil
    }
}

/// The OpenBLAS kernel family this CPU can run: SkylakeX (AVX-512) or Haswell (AVX2 + FMA);
/// nil elsewhere, leaving OpenBLAS to decide.
package func preferredOpenBLASCore() -> String? {
    let cpu = CPUFeatures.current
    if cpu.hasAVX512 { return "SkylakeX" }
    if cpu.hardwareHasAVX2 { return "Haswell" }
    return nil
}
#endif
