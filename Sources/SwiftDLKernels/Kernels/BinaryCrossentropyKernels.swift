import SwiftDLAVX2

/// Keras's binary cross-entropy of probabilities, as two passes over the elements instead of
/// ten elementwise ops forward and as many backward:
///
///     q = min(max(p, low), high)                (Keras clips to [ε, 1 − ε], ε = 1e-7)
///     loss[row] = mean over the row's n columns of −(z·log q + (1 − z)·log(1 − q))
///
/// The gradient with respect to p is (g/n)·((1 − z)/(1 − q) − z/q) where the clip passed p
/// through (low ≤ p ≤ high, the rule of the maximum and minimum it replaces: ties go to p),
/// else 0; with respect to z it is −(g/n)·(log q − log(1 − q)).

/// Elements whose logarithms are taken together: the vectorised log reads a row at a time.
private let logBlock = 256

/// The clip of Keras's formula, in the order of max(p, low) then min(·, high), so that NaN
/// stays NaN and low > high gives high, as the two ops did.
@inline(__always)
private func clipped<T: FloatElement>(_ p: T, low: T, high: T) -> T {
    let raised = p < low ? low : p
    return raised > high ? high : raised
}

/// values[0..<count] = log(values[0..<count]), vectorised for float32 where the CPU allows
/// (the same routine as the log op, so the fused loss agrees with the ops it replaces).
@inline(__always)
private func logInPlace<T: FloatElement>(_ values: UnsafeMutablePointer<T>, count: Int) {
    if T.self == Float.self && rowOperationsAvailable {
        let floats = UnsafeMutableRawPointer(values).assumingMemoryBound(to: Float.self)
        logRowAVX2(floats, floats, count: count)
    } else {
        for i in 0..<count { values[i] = T.log(values[i]) }
    }
}

/// log q and log(1 − q) of `count` elements of p into `logQ` and `logComplement`.
@inline(__always)
private func clippedLogs<T: FloatElement>(
    _ p: UnsafePointer<T>, count: Int, low: T, high: T, logQ: UnsafeMutablePointer<T>,
    logComplement: UnsafeMutablePointer<T>
) {
    for i in 0..<count {
        let q = clipped(p[i], low: low, high: high)
        logQ[i] = q
        logComplement[i] = T(1) - q
    }
    logInPlace(logQ, count: count)
    logInPlace(logComplement, count: count)
}

/// loss[r] = the mean over row r's `columns` elements of −(z·log q + (1 − z)·log(1 − q)),
/// rows in parallel. p and z hold rows · columns elements; columns ≥ 1.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func binaryCrossentropyForward<T: FloatElement>(
    probabilities p: UnsafePointer<T>, targets z: UnsafePointer<T>, loss: UnsafeMutablePointer<T>, rows: Int,
    columns n: Int, low: T, high: T
) {
    let count = T(n)
    forEachChunk(rows, grain: max(1, (1 << 14) / n)) { range in
        withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * logBlock) { buffer in
            let logQ = buffer.baseAddress!, logComplement = logQ + logBlock
            var row = range.lowerBound, column = 0, sum = T.zero
            let end = range.upperBound * n
            for start in stride(from: range.lowerBound * n, to: end, by: logBlock) {
                let block = min(logBlock, end - start)
                clippedLogs(p + start, count: block, low: low, high: high, logQ: logQ, logComplement: logComplement)
                for i in 0..<block {
                    let target = z[start + i]
                    sum += -(target * logQ[i] + (T(1) - target) * logComplement[i])
                    column += 1
                    if column == n {
                        loss[row] = sum / count
                        row += 1
                        column = 0
                        sum = T.zero
                    }
                }
            }
        }
    }
}

/// The gradients for upstream g (one per row): dp (when given) and dz (when given), each
/// rows · columns elements, rows in parallel.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func binaryCrossentropyBackward<T: FloatElement>(
    upstream g: UnsafePointer<T>, probabilities p: UnsafePointer<T>, targets z: UnsafePointer<T>,
    probabilityGradient dp: UnsafeMutablePointer<T>?, targetGradient dz: UnsafeMutablePointer<T>?, rows: Int,
    columns n: Int, low: T, high: T
) {
    let count = T(n)
    forEachChunk(rows, grain: max(1, (1 << 14) / n)) { range in
        if let dp {
            for row in range {
                let scale = g[row] / count
                for i in (row * n)..<((row + 1) * n) {
                    let x = p[i], target = z[i]
                    // NOTE: NaN fails both tests and gets 0, as through the clip's ops.
                    let passes = x >= low && x <= high
                    dp[i] = passes ? scale * ((T(1) - target) / (T(1) - x) - target / x) : T.zero
                }
            }
        }
        guard let dz else { return }
        withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * logBlock) { buffer in
            let logQ = buffer.baseAddress!, logComplement = logQ + logBlock
            let end = range.upperBound * n
            for start in stride(from: range.lowerBound * n, to: end, by: logBlock) {
                let block = min(logBlock, end - start)
                clippedLogs(p + start, count: block, low: low, high: high, logQ: logQ, logComplement: logComplement)
                for i in 0..<block {
                    dz[start + i] = -(g[(start + i) / n] / count) * (logQ[i] - logComplement[i])
                }
            }
        }
    }
}
