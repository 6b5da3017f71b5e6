// A 1×1 convolution with few input channels (MobileNet's expansions: 16 or 24 channels into
// 96 or 144), float32: y[r] = clamp(x[r] · W + bias) row by row. With K that small, each
// output of a general GEMM gets only K multiply-adds per load and store of its C tile, and
// the pass is bound by writing the (large) output: OpenBLAS ran MobileNetV2's 48×48×16 → 96
// expansion at batch 256 in 44 ms. Here the (K, N) filter stays in L1, each output row is
// summed in registers from K broadcasts of its input and stored once, with the bias and the
// (capped) relu applied on the way out.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y[r][j] = clamp(Σ_k x[r][k] · w[k][j] + bias[j]) for rows `rows`; x (·, k) and y (·, n)
/// contiguous, w (k, n), n a multiple of 8 (the engine calls it for multiples of 48, where
/// every output is in a six-vector block). Only call it on CPUs with AVX2 and FMA.
@inline(never)
public func shallowPointwiseConvolutionAVX2(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
    rows: Range<Int>, k: Int, n: Int, clamp: ReluClamp?
) {
    for r in rows {
        let input = x + r * k, out = y + r * n
        var j = 0
        // Six vectors (48 outputs) at a time: six independent chains of multiply-adds.
        while j + 48 <= n {
            var s0 = start(bias, j), s1 = start(bias, j + 8), s2 = start(bias, j + 16)
            var s3 = start(bias, j + 24), s4 = start(bias, j + 32), s5 = start(bias, j + 40)
            var filters = w + j
            for c in 0..<k {
                let a = SIMD8<Float>(repeating: input[c])
                s0 = multiplyAdd(a, load8(filters), s0)
                s1 = multiplyAdd(a, load8(filters + 8), s1)
                s2 = multiplyAdd(a, load8(filters + 16), s2)
                s3 = multiplyAdd(a, load8(filters + 24), s3)
                s4 = multiplyAdd(a, load8(filters + 32), s4)
                s5 = multiplyAdd(a, load8(filters + 40), s5)
                filters += n
            }
            if let clamp {
                s0 = clamp.apply(s0)
                s1 = clamp.apply(s1)
                s2 = clamp.apply(s2)
                s3 = clamp.apply(s3)
                s4 = clamp.apply(s4)
                s5 = clamp.apply(s5)
            }
            store8(s0, out + j)
            store8(s1, out + j + 8)
            store8(s2, out + j + 16)
            store8(s3, out + j + 24)
            store8(s4, out + j + 32)
            store8(s5, out + j + 40)
            j += 48
        }
        while j < n {
            var s = start(bias, j)
            var filters = w + j
            for c in 0..<k {
                s = multiplyAdd(SIMD8<Float>(repeating: input[c]), load8(filters), s)
                filters += n
            }
            store8(clamp.map { $0.apply(s) } ?? s, out + j)
            j += 8
        }
    }
}

@inline(__always)
private func start(_ bias: UnsafePointer<Float>?, _ j: Int) -> SIMD8<Float> {
    bias.map { load8($0 + j) } ?? SIMD8<Float>(repeating: 0)
}
#endif
