// A softmax without its division, for attention at inference: the weights are only ever
// multiplied by the values, so each output row is divided by its weights' sum instead
// (Dv values a row rather than Tk), and the scores' scale rides in the exponent's
// multiply-add instead of a pass of its own.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// Each of `rows` contiguous rows of n floats replaced by e^(scale·x − scale·max), max being
/// the row's largest (0 when it is -inf), and each row's sum of them written to `sums`.
/// `scale` must be positive, so that scale·max is the largest scaled score. Only call it on
/// CPUs with AVX2 and FMA.
/// NOTE: scale·max is rounded once and shifts the whole row alike, so its error cancels in
/// the division by the sum; NaNs reach the sum, as in the softmax kernel.
@inline(never)
public func exponentiateScaledRowsAVX2(
    _ values: UnsafeMutablePointer<Float>, rows: Int, n: Int, scale: Float, sums: UnsafeMutablePointer<Float>
) {
    let factor = SIMD8<Float>(repeating: scale)
    for row in 0..<rows {
        let p = values + row * n
        var largest = rowMaximum(UnsafePointer(p), n)
        if largest == -.infinity { largest = 0 }
        let shift = SIMD8<Float>(repeating: -(largest * scale))
        var partials = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            let e = vectorExp(multiplyAdd(load8(p + i), factor, shift))
            store8(e, p + i)
            partials += e
            i += 8
        }
        var total = partials.sum()
        if i < n {
            // The last few in one padded vector, so they get the same exp as the rest.
            var v = SIMD8<Float>(repeating: 0)
            for lane in 0..<(n - i) { v[lane] = p[i + lane] }
            let e = vectorExp(multiplyAdd(v, factor, shift))
            for lane in 0..<(n - i) {
                p[i + lane] = e[lane]
                total += e[lane]
            }
        }
        sums[row] = total
    }
}
#endif
