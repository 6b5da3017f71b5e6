// The element-wise passes of batch normalisation over rows of channels-last float32 data,
// eight channels at a time. The engine's portable loops index five or six buffers at once,
// so the compiler cannot rule out that the output aliases a coefficient and leaves them
// scalar: MobileNetV2's batch-norm passes ran at a fraction of memory speed that way.
// Each keeps the portable loop's operations and their order (no fused multiply-add), so
// both give the same values.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y = (x − mean)·scale + shift over rows `rows` of (rows, c) data, then min(max(y, 0),
/// reluMax) when reluMax is given (NaN kept). Only call it on CPUs with AVX2.
@inline(never)
public func batchNormRowsAVX2(
    _ x: UnsafePointer<Float>, rows: Range<Int>, channels c: Int, mean: UnsafePointer<Float>,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, reluMax: Float?, _ y: UnsafeMutablePointer<Float>
) {
    let top = SIMD8<Float>(repeating: reluMax ?? 0), zero = SIMD8<Float>(repeating: 0)
    for row in rows {
        let source = x + row * c, target = y + row * c
        var j = 0
        while j + 8 <= c {
            var v = (load8(source + j) - load8(mean + j)) * load8(scale + j) + load8(shift + j)
            if reluMax != nil {
                // Swift.max(v, 0) then Swift.min(·, top), lane by lane: -0 becomes +0, NaN stays.
                v = v.replacing(with: zero, where: v .<= zero)
                v = v.replacing(with: top, where: v .> top)
            }
            store8(v, target + j)
            j += 8
        }
        while j < c {
            var v = (source[j] - mean[j]) * scale[j] + shift[j]
            if let reluMax, !v.isNaN { v = Swift.min(Swift.max(v, 0), reluMax) }
            target[j] = v
            j += 1
        }
    }
}

/// dx = a·dy + b·(x − mean) + d over rows `rows` of (rows, c) data (batch normalisation's
/// input gradient with per-channel coefficients). `dx` may be `dy`.
@inline(never)
public func batchNormGradientRowsAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Range<Int>, channels c: Int,
    mean: UnsafePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>, d: UnsafePointer<Float>,
    _ dx: UnsafeMutablePointer<Float>
) {
    for row in rows {
        let xs = x + row * c, gs = dy + row * c, out = dx + row * c
        var j = 0
        while j + 8 <= c {
            let v = load8(a + j) * load8(gs + j) + load8(b + j) * (load8(xs + j) - load8(mean + j)) + load8(d + j)
            store8(v, out + j)
            j += 8
        }
        while j < c {
            out[j] = a[j] * gs[j] + b[j] * (xs[j] - mean[j]) + d[j]
            j += 1
        }
    }
}

/// dz = dy where 0 < y < top, else 0, over `range`: the gradient through a relu capped at
/// `top` (infinity: none), from its output. `dz` may be `dy`.
@inline(never)
public func clippedReluBackwardAVX2(
    _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, top: Float, range: Range<Int>,
    _ dz: UnsafeMutablePointer<Float>
) {
    // With no cap only 0 < y is asked (y = +inf passes, as relu's derivative has it).
    let limit = SIMD8<Float>(repeating: top.isInfinite ? .nan : top), zero = SIMD8<Float>(repeating: 0)
    let capped = !top.isInfinite
    var i = range.lowerBound
    while i + 8 <= range.upperBound {
        let v = load8(y + i)
        // Kept where v > 0 (false for NaN), then dropped where v >= limit (never for NaN limit).
        var g = load8(dy + i).replacing(with: zero, where: .!(v .> zero))
        if capped { g = g.replacing(with: zero, where: v .>= limit) }
        store8(g, dz + i)
        i += 8
    }
    while i < range.upperBound {
        dz[i] = y[i] > 0 && (!capped || y[i] < top) ? dy[i] : 0
        i += 1
    }
}
#endif
