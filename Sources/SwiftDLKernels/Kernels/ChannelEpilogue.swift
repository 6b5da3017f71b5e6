/// The bias-and-relu epilogue of an op whose kernel cannot apply it chunk by chunk (the
/// transposed convolution, whose col2im adds into each output pixel from several chunks),
/// and its gradient: one parallel pass each over the (rows, channels) output, instead of a
/// broadcast add and a relu with two more outputs, tape entries and backward passes.

/// y[r][j] = relu?(y[r][j] + bias[j]) over `rows` rows of `columns` channels, in parallel;
/// relu keeps NaN.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func addBiasAndReluInParallel<T: FloatElement>(
    _ y: UnsafeMutablePointer<T>, rows: Int, columns: Int, bias: UnsafePointer<T>?, relu: Bool
) {
    let parts = epilogueParts(rows: rows, columns: columns)
    ThreadPool.shared.parallelFor(parts) { part in
        let range = (rows * part / parts)..<(rows * (part + 1) / parts)
        addBiasAndRelu(y + range.lowerBound * columns, rows: range.count, columns: columns, bias: bias, relu: relu)
    }
}

/// The epilogue's gradient: masked = dy where the relu's output was positive, else 0 (only
/// with `reluOutput`; otherwise masked is a copy of dy), and, with `biasGradient`, its
/// column sums. `parts` is `epilogueParts(rows:columns:)`, read once by the caller, and
/// `partials` holds `parts · 2 · columns` elements: each
/// part sums its rows apart (in blocks of 256, so float32 error grows with the block rather
/// than the batch), and the parts are added in order, the same result on every run.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func biasAndReluGradient<T: FloatElement>(
    _ dy: UnsafePointer<T>, reluOutput: UnsafePointer<T>?, masked: UnsafeMutablePointer<T>, rows: Int,
    columns: Int, biasGradient: UnsafeMutablePointer<T>?, parts: Int, partials: UnsafeMutablePointer<T>
) {
    ThreadPool.shared.parallelFor(parts) { part in
        let range = (rows * part / parts)..<(rows * (part + 1) / parts)
        let start = range.lowerBound * columns, count = range.count * columns
        if let reluOutput {
            reluGradient(dy + start, output: reluOutput + start, into: masked + start, count: count)
        } else {
            (masked + start).update(from: dy + start, count: count)
        }
        guard biasGradient != nil else { return }
        let sums = partials + part * 2 * columns, block = sums + columns
        sums.update(repeating: T.zero, count: columns)
        for blockStart in stride(from: range.lowerBound, to: range.upperBound, by: 256) {
            block.update(repeating: T.zero, count: columns)
            for r in blockStart..<min(blockStart + 256, range.upperBound) {
                addInPlace(block, UnsafePointer(masked + r * columns), count: columns)
            }
            addInPlace(sums, UnsafePointer(block), count: columns)
        }
    }
    guard let biasGradient else { return }
    biasGradient.update(from: partials, count: columns)
    for part in 1..<max(parts, 1) {
        addInPlace(biasGradient, UnsafePointer(partials + part * 2 * columns), count: columns)
    }
}

/// Parts the epilogue passes cut their rows into: one per thread, each of at least ~64K
/// elements (a smaller pass costs less than waking a thread).
public func epilogueParts(rows: Int, columns: Int) -> Int {
    max(1, min(ThreadPool.shared.partitionCount, rows * max(columns, 1) / 65_536, rows))
}
