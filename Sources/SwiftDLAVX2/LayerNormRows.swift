// Layer normalisation over contiguous float32 rows, eight lanes at a time with fused
// multiply-adds: a transformer normalises 12,800 rows of 32 per batch, where the composed
// formula made nine passes over the activations forward and as many backward, each a
// separate op. Here a row is read from memory once and stays in L1 for its passes.
//
// Short rows go eight at a time: a row of 32 is four vectors, and summing each row's lanes
// on its own (two horizontal sums, a square root and a division per row, each waiting for
// the last) cost more than the arithmetic on the row. Eight rows' lane sums are folded
// into one vector of eight totals by three rounds of shuffles, and the roots and divisions
// run on eight rows at once. A row's totals are the same whether it went alone or in a
// group (`treeSum` folds its lanes in the order `rowTotals` does), so the results do not
// depend on where a thread's share of the rows begins.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// Rows of at most this many floats go eight at a time (eight of them fill 16 KB of L1).
private let groupedWidth = 512

/// y = (x − mean)·r·gamma + beta for rows `rows` of n floats, r = 1/√(variance + ε) with
/// the row's biased variance (Keras's formula, ε inside the root); the mean and r of each
/// row go to `mean[row]` and `inverseDeviation[row]` when given. gamma and beta (n floats)
/// are optional. Only call it on CPUs with AVX2 and FMA.
/// NOTE: the variance is the mean of the squared deviations from the row's mean (two
/// passes over the row in L1), not E[x²] − E[x]², which cancels when the mean is large.
@inline(never)
public func layerNormRowsAVX2(
    _ x: UnsafePointer<Float>, rows: Range<Int>, width n: Int, epsilon: Float, gamma: UnsafePointer<Float>?,
    beta: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>?,
    inverseDeviation: UnsafeMutablePointer<Float>?
) {
    let width = Float(n)
    var row = rows.lowerBound
    while n <= groupedWidth && row + 8 <= rows.upperBound {
        let p = x + row * n
        let means = rowTotals { laneSums(p + $0 * n, n) } / SIMD8(repeating: width)
        let squares = rowTotals { laneSquares(p + $0 * n, n, about: means[$0]) }
        let r = 1 / (squares / SIMD8(repeating: width) + SIMD8(repeating: epsilon)).squareRoot()
        for k in 0..<8 {
            normalizeRow(p + k * n, y + (row + k) * n, n, mean: means[k], r: r[k], gamma: gamma, beta: beta)
            mean?[row + k] = means[k]
            inverseDeviation?[row + k] = r[k]
        }
        row += 8
    }
    while row < rows.upperBound {
        let p = x + row * n
        let m = treeSum(laneSums(p, n)) / width
        let r = 1 / (treeSum(laneSquares(p, n, about: m)) / width + epsilon).squareRoot()
        normalizeRow(p, y + row * n, n, mean: m, r: r, gamma: gamma, beta: beta)
        mean?[row] = m
        inverseDeviation?[row] = r
        row += 1
    }
}

/// One row of y from its statistics.
@inline(__always)
private func normalizeRow(
    _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ n: Int, mean m: Float, r: Float,
    gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?
) {
    let center = SIMD8<Float>(repeating: m), scale = SIMD8<Float>(repeating: r)
    var i = 0
    while i + 8 <= n {
        var v = (load8(source + i) - center) * scale
        if let gamma { v *= load8(gamma + i) }
        if let beta { v += load8(beta + i) }
        store8(v, target + i)
        i += 8
    }
    while i < n {
        var v = (source[i] - m) * r
        if let gamma { v *= gamma[i] }
        if let beta { v += beta[i] }
        target[i] = v
        i += 1
    }
}

/// Σ p[0..<n] spread over eight lanes (the last n mod 8 values added into lane 0).
@inline(__always)
private func laneSums(_ p: UnsafePointer<Float>, _ n: Int) -> SIMD8<Float> {
    var s0 = SIMD8<Float>(repeating: 0), s1 = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 16 <= n {
        s0 += load8(p + i)
        s1 += load8(p + i + 8)
        i += 16
    }
    if i + 8 <= n {
        s0 += load8(p + i)
        i += 8
    }
    var tail: Float = 0
    while i < n {
        tail += p[i]
        i += 1
    }
    s0[0] += tail
    return s0 + s1
}

/// Σ (p[i] − m)² over the row, spread over eight lanes as `laneSums`.
@inline(__always)
private func laneSquares(_ p: UnsafePointer<Float>, _ n: Int, about m: Float) -> SIMD8<Float> {
    let center = SIMD8<Float>(repeating: m)
    var q0 = SIMD8<Float>(repeating: 0), q1 = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 16 <= n {
        let d0 = load8(p + i) - center, d1 = load8(p + i + 8) - center
        q0 = multiplyAdd(d0, d0, q0)
        q1 = multiplyAdd(d1, d1, q1)
        i += 16
    }
    if i + 8 <= n {
        let d = load8(p + i) - center
        q0 = multiplyAdd(d, d, q0)
        i += 8
    }
    var tail: Float = 0
    while i < n {
        let d = p[i] - m
        tail += d * d
        i += 1
    }
    q0[0] += tail
    return q0 + q1
}

/// The eight lanes of v added as ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)): the
/// order in which `rowTotals` adds each of its rows.
@inline(__always)
private func treeSum(_ v: SIMD8<Float>) -> Float {
    ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
}

/// Lane k holds treeSum(lanes(k)), k = 0..<8: eight rows' totals from their lane sums in
/// three rounds of shuffles and adds instead of eight horizontal sums.
@inline(__always)
private func rowTotals(_ lanes: (Int) -> SIMD8<Float>) -> SIMD8<Float> {
    @inline(__always)
    func pairs(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        let both = SIMD16(lowHalf: a, highHalf: b)
        return both.evenHalf + both.oddHalf
    }
    let first = pairs(pairs(lanes(0), lanes(1)), pairs(lanes(2), lanes(3)))
    let second = pairs(pairs(lanes(4), lanes(5)), pairs(lanes(6), lanes(7)))
    return pairs(first, second)
}

/// The gradients of layerNormRowsAVX2 for rows `rows`, from dy and the saved statistics:
/// with x̂ = (x − mean)·r and g = dy·gamma, dx = r·(g − mean(g) − x̂·mean(g·x̂)) (when `dx` is
/// given), and per column Σ dy·x̂ (dgamma) and Σ dy (dbeta) added into `columnSums[0..<n]`
/// and `columnSums[n..<2n]` when given. `blockSums` is 2n floats of scratch: the column
/// sums gather in float32 over blocks of 32 rows, then in Double, as ChannelSums.swift does.
/// Only call it on CPUs with AVX2 and FMA.
@inline(never)
public func layerNormGradientRowsAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Range<Int>, width n: Int,
    mean: UnsafePointer<Float>, inverseDeviation: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
    dx: UnsafeMutablePointer<Float>?, columnSums: UnsafeMutablePointer<Double>?,
    blockSums: UnsafeMutablePointer<Float>
) {
    let blockRows = 32, width = SIMD8<Float>(repeating: Float(n))
    let sums = columnSums == nil ? nil : blockSums
    // Eight rows' (Σ g, Σ g·x̂) lane sums.
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 16) { buffer in
        let partial = buffer.baseAddress!
        var first = rows.lowerBound
        while first < rows.upperBound {
            let last = min(first + blockRows, rows.upperBound)
            sums?.update(repeating: 0, count: 2 * n)
            var row = first
            while n <= groupedWidth && row + 8 <= last {
                // Each row's two sums (in row order, so the column sums add up as one by
                // one), then the eight rows' totals at once.
                for k in 0..<8 {
                    (partial[k], partial[8 + k]) = gradientSums(
                        x + (row + k) * n, dy + (row + k) * n, n, mean: mean[row + k],
                        r: inverseDeviation[row + k], gamma: gamma, blockSums: sums)
                }
                if let dx {
                    let offsets = rowTotals { partial[$0] } / width, slopes = rowTotals { partial[8 + $0] } / width
                    for k in 0..<8 {
                        let at = (row + k) * n
                        writeGradient(
                            x + at, dy + at, n, mean: mean[row + k], r: inverseDeviation[row + k], gamma: gamma,
                            offset: offsets[k], slope: slopes[k], dx + at)
                    }
                }
                row += 8
            }
            while row < last {
                let at = row * n
                let (gradient, projection) = gradientSums(
                    x + at, dy + at, n, mean: mean[row], r: inverseDeviation[row], gamma: gamma, blockSums: sums)
                if let dx {
                    writeGradient(
                        x + at, dy + at, n, mean: mean[row], r: inverseDeviation[row], gamma: gamma,
                        offset: treeSum(gradient) / Float(n), slope: treeSum(projection) / Float(n), dx + at)
                }
                row += 1
            }
            if let columnSums {
                for j in 0..<(2 * n) { columnSums[j] += Double(blockSums[j]) }
            }
            first = last
        }
    }
}

/// One row's Σ g and Σ g·x̂ spread over eight lanes (the tail in lane 0), with dy·x̂ and dy
/// added into the block's column sums when given.
@inline(__always)
private func gradientSums(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ n: Int, mean m: Float, r: Float,
    gamma: UnsafePointer<Float>?, blockSums: UnsafeMutablePointer<Float>?
) -> (SIMD8<Float>, SIMD8<Float>) {
    let center = SIMD8<Float>(repeating: m), scale = SIMD8<Float>(repeating: r)
    var gradient = SIMD8<Float>(repeating: 0), projection = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        let normalized = (load8(x + i) - center) * scale, upstream = load8(dy + i)
        let g = gamma.map { upstream * load8($0 + i) } ?? upstream
        gradient += g
        projection = multiplyAdd(g, normalized, projection)
        if let blockSums {
            store8(multiplyAdd(upstream, normalized, load8(blockSums + i)), blockSums + i)
            store8(load8(blockSums + n + i) + upstream, blockSums + n + i)
        }
        i += 8
    }
    var gradientTail: Float = 0, projectionTail: Float = 0
    while i < n {
        let normalized = (x[i] - m) * r, upstream = dy[i]
        let g = gamma.map { upstream * $0[i] } ?? upstream
        gradientTail += g
        projectionTail += g * normalized
        if let blockSums {
            blockSums[i] += upstream * normalized
            blockSums[n + i] += upstream
        }
        i += 1
    }
    gradient[0] += gradientTail
    projection[0] += projectionTail
    return (gradient, projection)
}

/// dx = r·(g − (x̂·slope + offset)) over one row.
@inline(__always)
private func writeGradient(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ n: Int, mean m: Float, r: Float,
    gamma: UnsafePointer<Float>?, offset: Float, slope: Float, _ dx: UnsafeMutablePointer<Float>
) {
    let center = SIMD8<Float>(repeating: m), scale = SIMD8<Float>(repeating: r)
    let offsets = SIMD8<Float>(repeating: offset), slopes = SIMD8<Float>(repeating: slope)
    var i = 0
    while i + 8 <= n {
        let normalized = (load8(x + i) - center) * scale, upstream = load8(dy + i)
        let g = gamma.map { upstream * load8($0 + i) } ?? upstream
        store8(scale * (g - multiplyAdd(normalized, slopes, offsets)), dx + i)
        i += 8
    }
    while i < n {
        let normalized = (x[i] - m) * r
        let g = gamma.map { dy[i] * $0[i] } ?? dy[i]
        dx[i] = r * (g - (normalized * slope + offset))
        i += 1
    }
}
#endif
