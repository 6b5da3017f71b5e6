#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the recurrent kernels use the cores.
///
/// Batch rows never interact inside a recurrence, so the batch is cut into one slice per
/// thread and each thread runs ITS slice through the whole sequence (its own per-step
/// GEMMs and gate math). The threads meet once per sequence instead of once per step;
/// per-step synchronisation (~10-50 µs to wake a thread) would cost as much as a step's
/// work at the document's shapes (64 × 64 units: ~75 µs).
///
/// NOTE: the GEMMs inside slices must not start BLAS threads of their own: the slices
/// already occupy every core, and OpenBLAS serialises concurrent threaded calls behind one
/// lock. BLAS is set to one thread for the parallel region and restored after (see
/// `SingleThreadedBLAS`); a concurrent engine call elsewhere only runs its GEMMs
/// single-threaded meanwhile.
func forEachBatchSlice(batch: Int, workPerRow: Double, _ body: (Range<Int>) -> Void) {
    forEachSlice(of: batch, minimumSlice: 8, work: Double(batch) * workPerRow, body)
}

/// Splits 0..<count into one slice per thread (each at least `minimumSlice` long and
/// worth ~2 MFLOP of `work`, or there is one slice) and runs `body` on each, every thread
/// with subnormals flushed.
///
/// NOTE: the backward pass's weight-gradient GEMMs go through here rather than through
/// BLAS's own threads: their operands hold the tiny gradients of early steps, whose
/// products turn subnormal, and BLAS's threads do not flush subnormals (the FP mode is per
/// thread). Left to OpenBLAS's threads, LSTM backward took 3× the CPU time.
/// `work` is in FLOPs, a Double so that no size can overflow it.
func forEachSlice(of count: Int, minimumSlice: Int, work: Double, _ body: (Range<Int>) -> Void) {
    let threads = ThreadPool.shared.threadCount
    let slices = Swift.min(threads, count / Swift.max(minimumSlice, 1), Int(Swift.max(Swift.min(work / 2_097_152, 256), 1)))
    if slices <= 1 {
        withSubnormalsFlushed { body(0..<count) }
        return
    }
    SingleThreadedBLAS.shared.enter()
    defer { SingleThreadedBLAS.shared.exit() }
    ThreadPool.shared.parallelFor(slices) { slice in
        let start = count * slice / slices, end = count * (slice + 1) / slices
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
            let blas = BLASLibrary.shared
            savedThreads = blas.getThreads?() ?? 1
            blas.setThreads?(1)
        }
        #endif
        depth += 1
    }

    func exit() {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        depth -= 1
        #if !canImport(Accelerate)
        if depth == 0 { BLASLibrary.shared.setThreads?(savedThreads) }
        #endif
    }
}
