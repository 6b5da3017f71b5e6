/// Runs recurrent kernels side by side, one per pool thread: the two directions of a
/// Bidirectional layer. A recurrence is a chain of small steps; split over the batch, every
/// step ends at a barrier, and two threads on one LSTM ran only 1.4-1.5 times as fast as
/// one. Side by side, each kernel runs alone on its thread (its own parallel loops run
/// serially inside a pool job) with no barrier between steps. One run goes straight to the
/// kernel, which then splits its batch over the pool as usual.
func runSideBySide<Run: RecurrentVisitor>(_ runs: [Run], dtype: DType) throws {
    if runs.count == 1 {
        _ = try dtype.dispatchRecurrent(runs[0])
        return
    }
    var failures = [Error?](repeating: nil, count: runs.count)
    failures.withUnsafeMutableBufferPointer { failed in
        ThreadPool.shared.parallelFor(runs.count) { index in
            do { _ = try dtype.dispatchRecurrent(runs[index]) } catch { failed[index] = error }
        }
    }
    if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
}
