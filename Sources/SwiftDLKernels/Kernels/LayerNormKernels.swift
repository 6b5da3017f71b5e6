import SwiftDLAVX2

/// Layer normalisation (Keras's LayerNormalization over trailing axes) as rows: the data is
/// (rows, n) with each row normalised on its own, gamma and beta (n values) shared by every
/// row. Forward is one read of each row (its statistics and y while it sits in L1);
/// backward is one read of x and dy per row for dx, with dgamma and dbeta as column sums.
/// float32 rows take the AVX2 kernels (SwiftDLAVX2/LayerNormRows.swift) where the CPU has
/// them; float64, and CPUs without AVX2, the portable loops below.

/// Into how many blocks of rows the backward pass splits its column sums (dgamma, dbeta):
/// fixed by the shape, not the thread count, and added in block order, so the sums are the
/// same with any number of threads. Each block has at least ~16K values, so that waking a
/// thread for it pays, and the blocks' sums (2n Doubles each) stay within about 1 MB.
public func layerNormGradientBlocks(rows: Int, width n: Int) -> Int {
    let n = max(n, 1)
    return max(1, min(rows, 32, 65536 / n, rows / max(1, 16384 / n)))
}

/// y = (x − mean)·r·gamma + beta over each row of n, r = 1/√(variance + ε) with the row's
/// biased variance; each row's mean and r go to `mean` and `inverseDeviation` when given
/// (rows values each, for the backward pass). gamma and beta are optional.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func layerNormForward<T: FloatElement>(
    _ x: UnsafePointer<T>, rows: Int, width n: Int, epsilon: Double, gamma: UnsafePointer<T>?,
    beta: UnsafePointer<T>?, _ y: UnsafeMutablePointer<T>, mean: UnsafeMutablePointer<T>?,
    inverseDeviation: UnsafeMutablePointer<T>?
) {
    guard n > 0 else { return }
    parallelPieces(0..<rows, minimumPiece: max(1, 16384 / n)) { piece in
        if T.self == Float.self && rowOperationsAvailable {
            layerNormRowsAVX2(
                x.asFloat, rows: piece, width: n, epsilon: Float(epsilon), gamma: gamma?.asFloat,
                beta: beta?.asFloat, y.asFloat, mean: mean?.asFloat, inverseDeviation: inverseDeviation?.asFloat)
            return
        }
        for row in piece {
            let (m, r) = rowStatistics(x + row * n, n, epsilon: T(epsilon))
            mean?[row] = m
            inverseDeviation?[row] = r
            let source = x + row * n, target = y + row * n
            for j in 0..<n {
                var v = (source[j] - m) * r
                if let gamma { v *= gamma[j] }
                if let beta { v += beta[j] }
                target[j] = v
            }
        }
    }
}

/// A row's mean and 1/√(variance + ε), the variance from the deviations about the mean
/// (not E[x²] − E[x]², which cancels when the mean is large against the spread).
@inline(__always)
private func rowStatistics<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int, epsilon: T) -> (T, T) {
    let m = blockSum(p, n) / T(n)
    var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
    var j = 0
    while j + 4 <= n {
        let d0 = p[j] - m, d1 = p[j + 1] - m, d2 = p[j + 2] - m, d3 = p[j + 3] - m
        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3
        j += 4
    }
    while j < n {
        let d = p[j] - m
        s0 += d * d
        j += 1
    }
    let variance = ((s0 + s1) + (s2 + s3)) / T(n)
    return (m, 1 / (variance + epsilon).squareRoot())
}

/// The gradients of layerNormForward from dy and its saved statistics: with x̂ = (x − mean)·r
/// and g = dy·gamma, dx = r·(g − mean(g) − x̂·mean(g·x̂)) per row; dgamma = Σ dy·x̂ and
/// dbeta = Σ dy over the rows. Each of dx, dgamma, dbeta is computed only when given.
/// `partials` is scratch of layerNormGradientBlocks(rows:width:)·2n Doubles.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func layerNormBackward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, rows: Int, width n: Int, mean: UnsafePointer<T>,
    inverseDeviation: UnsafePointer<T>, gamma: UnsafePointer<T>?, dx: UnsafeMutablePointer<T>?,
    dgamma: UnsafeMutablePointer<T>?, dbeta: UnsafeMutablePointer<T>?, partials: UnsafeMutablePointer<Double>
) {
    guard n > 0 else { return }
    let blocks = layerNormGradientBlocks(rows: rows, width: n), perBlock = (rows + blocks - 1) / blocks
    let wantsSums = dgamma != nil || dbeta != nil
    ThreadPool.shared.parallelFor(blocks) { block in
        let range = min(rows, block * perBlock)..<min(rows, (block + 1) * perBlock)
        let sums = wantsSums ? partials + block * 2 * n : nil
        sums?.update(repeating: 0, count: 2 * n)
        guard !range.isEmpty else { return }
        if T.self == Float.self && rowOperationsAvailable {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * n) { scratch in
                layerNormGradientRowsAVX2(
                    x.asFloat, dy.asFloat, rows: range, width: n, mean: mean.asFloat,
                    inverseDeviation: inverseDeviation.asFloat, gamma: gamma?.asFloat, dx: dx?.asFloat,
                    columnSums: sums, blockSums: scratch.baseAddress!)
            }
            return
        }
        for row in range {
            gradientRow(
                x + row * n, dy + row * n, n, mean: mean[row], r: inverseDeviation[row], gamma: gamma,
                dx: dx.map { $0 + row * n }, columnSums: sums)
        }
    }
    guard wantsSums else { return }
    for j in 0..<n {
        var scaleTotal = 0.0, shiftTotal = 0.0
        for block in 0..<blocks {
            scaleTotal += partials[block * 2 * n + j]
            shiftTotal += partials[block * 2 * n + n + j]
        }
        dgamma?[j] = T(scaleTotal)
        dbeta?[j] = T(shiftTotal)
    }
}

/// One row of layerNormBackward (portable): the two sums of dx's formula, with the column
/// sums added in Double, then dx.
@inline(__always)
private func gradientRow<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ n: Int, mean m: T, r: T, gamma: UnsafePointer<T>?,
    dx: UnsafeMutablePointer<T>?, columnSums: UnsafeMutablePointer<Double>?
) {
    var gradient: T = 0, projection: T = 0
    for j in 0..<n {
        let normalized = (x[j] - m) * r, upstream = dy[j]
        let g = gamma.map { upstream * $0[j] } ?? upstream
        gradient += g
        projection += g * normalized
        if let columnSums {
            columnSums[j] += (upstream * normalized).doubleValue
            columnSums[n + j] += upstream.doubleValue
        }
    }
    guard let dx else { return }
    let offset = gradient / T(n), slope = projection / T(n)
    for j in 0..<n {
        let normalized = (x[j] - m) * r
        let g = gamma.map { dy[j] * $0[j] } ?? dy[j]
        dx[j] = r * (g - (normalized * slope + offset))
    }
}
