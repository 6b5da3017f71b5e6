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
/// The GEMMs inside a slice run serially on its thread: BLAS is single-threaded and `gemm`
/// does not split work from inside a pool job.
package func forEachBatchSlice(batch: Int, workPerRow: Double, _ body: (Range<Int>) -> Void) {
    forEachSlice(of: batch, minimumSlice: 8, work: Double(batch) * workPerRow, body)
}

/// Splits 0..<count into one slice per thread (each at least `minimumSlice` long and
/// worth ~2 MFLOP of `work`, or there is one slice) and runs `body` on each, every thread
/// with subnormals flushed.
///
/// NOTE: the backward pass's weight-gradient GEMMs go through here rather than through
/// BLAS's threads: their operands hold the tiny gradients of early steps, whose
/// products turn subnormal, and BLAS's threads do not flush subnormals (the FP mode is per
/// thread). Left to OpenBLAS's threads, LSTM backward took 3× the CPU time.
/// `work` is in FLOPs, a Double so that no size can overflow it.
package func forEachSlice(of count: Int, minimumSlice: Int, work: Double, _ body: (Range<Int>) -> Void) {
    forEachIndexedSlice(of: count, minimumSlice: minimumSlice, work: work) { _, slice in body(slice) }
}

/// How many slices `forEachSlice` cuts 0..<count into (at least 1).
package func sliceCount(of count: Int, minimumSlice: Int, work: Double) -> Int {
    let threads = ThreadPool.shared.partitionCount
    let slices = Swift.min(
        threads, count / Swift.max(minimumSlice, 1), Int(Swift.max(Swift.min(work / 2_097_152, 256), 1)))
    return Swift.max(slices, 1)
}

/// `forEachSlice`, telling `body` each slice's index in 0..<sliceCount(...) too, for work
/// that keeps one partial result per slice. A caller that sized buffers by `sliceCount`
/// passes that count as `slices`, so that a thread count changed meanwhile cannot change it.
package func forEachIndexedSlice(
    of count: Int, minimumSlice: Int, work: Double, slices known: Int? = nil,
    _ body: (Int, Range<Int>) -> Void
) {
    let slices = known ?? sliceCount(of: count, minimumSlice: minimumSlice, work: work)
    if slices == 1 {
        // Serially: a GEMM inside must not hand bands to pool threads, which do not flush.
        ThreadPool.shared.serially { withSubnormalsFlushed { body(0, 0..<count) } }
        return
    }
    ThreadPool.shared.parallelFor(slices) { slice in
        let start = count * slice / slices, end = count * (slice + 1) / slices
        withSubnormalsFlushed { body(slice, start..<end) }
    }
}
