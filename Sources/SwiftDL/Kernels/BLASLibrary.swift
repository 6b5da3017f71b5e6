#if !canImport(Accelerate)
#if canImport(Glibc)
import Glibc
#endif

/// The system CBLAS (OpenBLAS on Linux), opened with dlopen on the first GEMM instead of
/// being linked. Two reasons:
/// - Import time: linking it loads a 36 MB library plus libgfortran and starts OpenBLAS's
///   thread pool whenever Python imports swiftdl, even for work that never multiplies.
/// - Kernel choice: OpenBLAS picks its kernels from the CPUID at load time, and releases
///   that do not know the CPU (Debian 12's 0.3.21 on Sapphire Rapids) fall back to the
///   SSE3 "Prescott" kernels, a quarter of the speed. Loading it ourselves lets us name
///   the right kernel family first (see `preferredOpenBLASCore`).
final class BLASLibrary: @unchecked Sendable {
    typealias SGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias DGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
                                      UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void

    // CBLAS enum values (cblas.h).
    static let rowMajor: Int32 = 101, noTranspose: Int32 = 111, transpose: Int32 = 112

    let sgemm: SGEMM?
    let dgemm: DGEMM?
    let setThreads: SetThreads?

    private init(sgemm: SGEMM?, dgemm: DGEMM?, setThreads: SetThreads?) {
        self.sgemm = sgemm
        self.dgemm = dgemm
        self.setThreads = setThreads
    }

    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    private static var loaded: BLASLibrary?

    /// The library, opened on first use and set to one thread. Without a CBLAS on the
    /// system the GEMM kernel falls back to plain loops (correct, slow).
    ///
    /// NOTE: BLAS always runs single-threaded; our pool splits the work instead (`gemm`
    /// cuts large products into bands, convolutions and recurrences give each thread its
    /// own slice). OpenBLAS's threads spin-wait between calls (a third of the CPU in a CNN
    /// training profile with 2 threads), serialise concurrent threaded calls behind one
    /// lock, and do not flush subnormals.
    static var shared: BLASLibrary {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let loaded { return loaded }
        let library = open()
        library.setThreads?(1)
        loaded = library
        return library
    }

    private static func open() -> BLASLibrary {
        // NOTE: OPENBLAS_CORETYPE is read by OpenBLAS's load-time constructor, so it is set
        // just around dlopen and removed again, leaving the environment (and any other
        // OpenBLAS loaded later, such as numpy's) as it was. A user's own setting wins.
        // OPENBLAS_NUM_THREADS likewise: OpenBLAS starts its thread pool at load, and we run
        // it single-threaded anyway (see `shared`).
        var setCore = false, setThreadCount = false
        if getenv("OPENBLAS_CORETYPE") == nil, let core = preferredOpenBLASCore() {
            setCore = setenv("OPENBLAS_CORETYPE", core, 1) == 0
        }
        if getenv("OPENBLAS_NUM_THREADS") == nil {
            setThreadCount = setenv("OPENBLAS_NUM_THREADS", "1", 1) == 0
        }
        defer {
            if setCore { unsetenv("OPENBLAS_CORETYPE") }
            if setThreadCount { unsetenv("OPENBLAS_NUM_THREADS") }
        }

        var candidates = ["libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3"]
        if let custom = getenv("SWIFTDL_BLAS") { candidates.insert(String(cString: custom), at: 0) }
        for name in candidates {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let sgemm = dlsym(handle, "cblas_sgemm"), let dgemm = dlsym(handle, "cblas_dgemm") else {
                dlclose(handle)
                continue
            }
            let setThreads = dlsym(handle, "openblas_set_num_threads")
            return BLASLibrary(sgemm: unsafeBitCast(sgemm, to: SGEMM.self), dgemm: unsafeBitCast(dgemm, to: DGEMM.self),
                               setThreads: setThreads.map { unsafeBitCast($0, to: SetThreads.self) })
        }
        return BLASLibrary(sgemm: nil, dgemm: nil, setThreads: nil)
    }
}

/// The OpenBLAS kernel family this CPU can run: SkylakeX (AVX-512) or Haswell (AVX2 + FMA);
/// nil elsewhere, leaving OpenBLAS to decide.
func preferredOpenBLASCore() -> String? {
    let cpu = CPUFeatures.current
    if cpu.hasAVX512 { return "SkylakeX" }
    if cpu.hasAVX2 { return "Haswell" }
    return nil
}
#endif
