#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif

/// How the recurrent kernels use the cores.
///
/// Batch rows never interact inside a recurrence, so the batch is cut into one slice per
/// thread and each thread runs ITS slice through the whole sequence (its own per-step
/// GEMMs and gate math). The threads meet once per sequence instead of once per step;
/// per-step synchronisation (~10-50 µs to wake a thread) would cost as much as a step's
/// work at the document's shapes (64 × 64 units: ~75 µs).
///
/// NOTE: the per-step GEMMs inside the slices must not start BLAS threads of their own:
/// the slices already occupy every core, and OpenBLAS serialises concurrent threaded
/// calls behind one lock. BLAS is set to one thread for the parallel region and restored
/// after (see `SingleThreadedBLAS`); a concurrent engine call elsewhere only runs its GEMMs
/// single-threaded meanwhile.
func forEachBatchSlice(batch: Int, workPerRow: Int, _ body: (Range<Int>) -> Void) {
    let threads = ThreadPool.shared.threadCount
    // At least 8 rows and ~2 MFLOP of recurrence per slice, or splitting is not worth a wake-up.
    let bySize = workPerRow > 0 ? (batch * workPerRow) / (1 << 21) : 0
    let slices = Swift.min(threads, batch / 8, Swift.max(bySize, 1))
    if slices <= 1 {
        withSubnormalsFlushed { body(0..<batch) }
        return
    }
    SingleThreadedBLAS.shared.enter()
    defer { SingleThreadedBLAS.shared.exit() }
    ThreadPool.shared.parallelFor(slices) { slice in
        let start = batch * slice / slices, end = batch * (slice + 1) / slices
        // The floating-point mode is per thread: each worker flushes subnormals itself.
        withSubnormalsFlushed { body(start..<end) }
    }
}

/// Keeps BLAS single-threaded while any recurrent parallel region runs, and restores the
/// thread count the first region found when the last one leaves (so overlapping regions
/// on several Python threads cannot leave BLAS stuck at one thread).
private final class SingleThreadedBLAS: @unchecked Sendable {
    static let shared = SingleThreadedBLAS()

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var depth = 0
    private var savedThreads: Int32 = 1

    private init() { pthread_mutex_init(lock, nil) }

    func enter() {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        #if !canImport(Accelerate)
        if depth == 0 {
            savedThreads = openblas_get_num_threads()
            openblas_set_num_threads(1)
        }
        #endif
        depth += 1
    }

    func exit() {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        depth -= 1
        #if !canImport(Accelerate)
        if depth == 0 { openblas_set_num_threads(savedThreads) }
        #endif
    }
}
