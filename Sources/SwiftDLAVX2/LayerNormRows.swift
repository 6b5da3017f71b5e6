// Layer normalisation over contiguous float32 rows, eight lanes at a time with fused
// multiply-adds: a transformer normalises 12,800 rows of 32 per batch, where the composed
// formula made nine passes over the activations forward and as many backward, each a
// separate op. Here a row is read from memory once and stays in L1 for its passes.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
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
    for row in rows {
        let source = x + row * n, target = y + row * n
        let (m, r) = rowStatistics(source, n, epsilon: epsilon)
        mean?[row] = m
        inverseDeviation?[row] = r
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
}

/// The row's mean and 1/√(variance + ε).
@inline(__always)
private func rowStatistics(_ p: UnsafePointer<Float>, _ n: Int, epsilon: Float) -> (Float, Float) {
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
    var total = (s0 + s1).sum()
    while i < n {
        total += p[i]
        i += 1
    }
    let m = total / Float(n)
    let center = SIMD8<Float>(repeating: m)
    var q0 = SIMD8<Float>(repeating: 0), q1 = SIMD8<Float>(repeating: 0)
    i = 0
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
    var squares = (q0 + q1).sum()
    while i < n {
        let d = p[i] - m
        squares += d * d
        i += 1
    }
    return (m, 1 / (squares / Float(n) + epsilon).squareRoot())
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
    let blockRows = 32
    var first = rows.lowerBound
    while first < rows.upperBound {
        let last = min(first + blockRows, rows.upperBound)
        if columnSums != nil { blockSums.update(repeating: 0, count: 2 * n) }
        for row in first..<last {
            gradientRow(
                x + row * n, dy + row * n, n, mean: mean[row], r: inverseDeviation[row], gamma: gamma,
                dx: dx.map { $0 + row * n }, blockSums: columnSums == nil ? nil : blockSums)
        }
        if let columnSums {
            for j in 0..<(2 * n) { columnSums[j] += Double(blockSums[j]) }
        }
        first = last
    }
}

/// One row of layerNormGradientRowsAVX2: the two sums of dx's formula (and the column sums)
/// in one pass, then dx in a second while the row is in L1.
@inline(__always)
private func gradientRow(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ n: Int, mean m: Float, r: Float,
    gamma: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?, blockSums: UnsafeMutablePointer<Float>?
) {
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
    var gradientTotal = gradient.sum(), projectionTotal = projection.sum()
    let whole = i
    while i < n {
        let normalized = (x[i] - m) * r, upstream = dy[i]
        let g = gamma.map { upstream * $0[i] } ?? upstream
        gradientTotal += g
        projectionTotal += g * normalized
        if let blockSums {
            blockSums[i] += upstream * normalized
            blockSums[n + i] += upstream
        }
        i += 1
    }
    guard let dx else { return }
    let offset = gradientTotal / Float(n), slope = projectionTotal / Float(n)
    let offsets = SIMD8<Float>(repeating: offset), slopes = SIMD8<Float>(repeating: slope)
    i = 0
    while i < whole {
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
