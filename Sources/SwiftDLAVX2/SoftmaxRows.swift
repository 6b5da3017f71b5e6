// softmax and log_softmax over contiguous rows, eight lanes at a time with fused
// multiply-adds: attention's scores are millions of floats in rows of a few hundred, and the
// engine's baseline (SSE2) build spent 3.6 ns per element there, five times its exp.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y = softmax(x) (or log_softmax when `log`) for `rows` contiguous rows of n floats,
/// compiled for AVX2 and FMA. Only call it on CPUs that have them.
/// NOTE: as the scalar kernel, each row subtracts its maximum first (an all -inf row uses
/// 0), and NaNs reach the result through the sum.
@inline(never)
public func softmaxRowsAVX2(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, n: Int, log: Bool) {
    for row in 0..<rows {
        let px = x + row * n, py = y + row * n
        var largest = rowMaximum(px, n)
        if largest == -.infinity { largest = 0 }
        let shift = SIMD8<Float>(repeating: largest)
        var sums = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            let e = vectorExp(load8(px + i) - shift)
            store8(e, py + i)
            sums += e
            i += 8
        }
        var total = sums.sum()
        if i < n {
            // The last few in one padded vector, so they get the same exp as the rest.
            var v = SIMD8<Float>(repeating: 0)
            for lane in 0..<(n - i) { v[lane] = px[i + lane] - largest }
            let e = vectorExp(v)
            for lane in 0..<(n - i) {
                py[i + lane] = e[lane]
                total += e[lane]
            }
        }
        if log {
            // (x - max) - log Σ, not x - (max + log Σ): the sum would round at max's scale.
            let logTotal = SIMD8<Float>(repeating: vectorLog(SIMD8<Float>(repeating: total))[0])
            mapRow(px, py, count: n) { ($0 - shift) - logTotal }
        } else {
            let scale = SIMD8<Float>(repeating: 1 / total)
            mapRow(UnsafePointer(py), py, count: n) { $0 * scale }
        }
    }
}

/// The VJP of softmax (dx = y·(g - Σ g·y)) or of log_softmax (dx = g - eʸ·Σ g) for `rows`
/// contiguous rows of n floats, from the forward output y; each element then multiplied or
/// divided by `scaling`'s factor when given. Only call it on CPUs with AVX2 and FMA.
@inline(never)
public func softmaxBackwardRowsAVX2(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, n: Int,
    log: Bool, scaling: (factor: Float, divides: Bool)? = nil
) {
    let factor = SIMD8<Float>(repeating: scaling?.factor ?? 1), divides = scaling?.divides ?? false
    /// dx's elements as formed, then scaled (a separate rounding, as a separate op gives).
    @inline(__always)
    func scaled(_ v: SIMD8<Float>) -> SIMD8<Float> {
        if scaling == nil { return v }
        return divides ? v / factor : v * factor
    }
    for row in 0..<rows {
        let pg = g + row * n, py = y + row * n, pd = dx + row * n
        var sums = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            sums = log ? sums + load8(pg + i) : multiplyAdd(load8(pg + i), load8(py + i), sums)
            i += 8
        }
        var total = sums.sum()
        while i < n {
            total += log ? pg[i] : pg[i] * py[i]
            i += 1
        }
        let broadcast = SIMD8<Float>(repeating: total)
        i = 0
        while i + 8 <= n {
            let gradient = load8(pg + i), output = load8(py + i)
            let result = log ? gradient - vectorExp(output) * broadcast : output * (gradient - broadcast)
            store8(scaled(result), pd + i)
            i += 8
        }
        if i < n {
            var gradient = SIMD8<Float>(repeating: 0), output = SIMD8<Float>(repeating: 0)
            for lane in 0..<(n - i) {
                gradient[lane] = pg[i + lane]
                output[lane] = py[i + lane]
            }
            let result = scaled(log ? gradient - vectorExp(output) * broadcast : output * (gradient - broadcast))
            for lane in 0..<(n - i) { pd[i + lane] = result[lane] }
        }
    }
}

/// The largest of a contiguous row; NaNs are skipped (they reach the result through the sum).
@inline(__always)
func rowMaximum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var maxima = SIMD8<Float>(repeating: -.infinity)
    var i = 0
    while i + 8 <= n {
        let v = load8(p + i)
        maxima = maxima.replacing(with: v, where: v .> maxima)
        i += 8
    }
    var largest = -Float.infinity
    for lane in 0..<8 where maxima[lane] > largest { largest = maxima[lane] }
    while i < n {
        if p[i] > largest { largest = p[i] }
        i += 1
    }
    return largest
}
#endif
