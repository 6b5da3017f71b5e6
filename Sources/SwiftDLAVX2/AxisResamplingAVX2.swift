// The two passes of a separable image resize (see SwiftDLKernels/Kernels/AxisResampling.swift)
// in float32 with 8-lane FMAs: blending whole input rows (the height pass, and any axis
// with a long inner size), and the width pass over rows of RGB pixels or of single floats.
//
// The row blend makes one pass over the output with all taps in registers, where the
// portable loop makes a pass per pair of taps in baseline (4-lane, no FMA) code.
//
// RGB rows (channels last): three floats per pixel are too few for the portable path to
// vectorise across channels, so it ran one scalar multiply-add per channel and tap. Here
// a whole pixel is one 4-lane register (the fourth lane carries the next pixel's first
// channel, which is computed and then overwritten), and two output pixels share an
// 8-lane FMA when their bands have the same length (bilinear: all but the borders).
//
// Rows of single floats (channels first, or one channel) take eight outputs at a time:
// with two taps each (bilinear), the pairs of inputs gathered into one 16-lane vector and
// split into first and second taps, against the band's taps read as they are stored.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// target pixel q = Σₜ taps[layout[3q + 2] + t] · source pixel (layout[3q] + t), t <
/// layout[3q + 1], for q in 0 ..< outputs, pixels of 3 floats. `source` must stay readable
/// one float past its last pixel (the fourth lane of the last pixel's load; its value only
/// reaches a lane that is never kept). `target` gets exactly 3 · outputs floats.
public func resampleRGBPixelsAVX2(
    _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, outputs: Int,
    layout: UnsafePointer<Int>, taps: UnsafePointer<Float>
) {
    var q = 0
    // Pairs up to the last pixel, whose 4-lane store would pass the row's end.
    while q + 2 < outputs {
        let count = layout[3 * q + 1]
        guard count > 0, layout[3 * q + 4] == count else {
            store4(pixel(source, layout + 3 * q, taps), target + 3 * q)
            q += 1
            continue
        }
        let low = source + 3 * layout[3 * q], high = source + 3 * layout[3 * q + 3]
        let lowWeights = taps + layout[3 * q + 2], highWeights = taps + layout[3 * q + 5]
        var sum = pair(low, high) * pair(lowWeights[0], highWeights[0])
        if count == 2 { // bilinear: straight-line code, without the general loop's set-up
            sum = sum.addingProduct(pair(low + 3, high + 3), pair(lowWeights[1], highWeights[1]))
        } else if count > 2 {
            for t in 1..<count {
                sum = sum.addingProduct(pair(low + 3 * t, high + 3 * t), pair(lowWeights[t], highWeights[t]))
            }
        }
        store4(sum.lowHalf, target + 3 * q)
        store4(sum.highHalf, target + 3 * q + 3)
        q += 2
    }
    while q < outputs {
        let value = pixel(source, layout + 3 * q, taps)
        (target[3 * q], target[3 * q + 1], target[3 * q + 2]) = (value[0], value[1], value[2])
        q += 1
    }
}

/// target[0 ..< inner] = Σₜ weights[t] · rows[t · inner ..< t · inner + inner], t < count.
public func blendRowsAVX2(
    _ rows: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, inner: Int, weights: UnsafePointer<Float>,
    count: Int
) {
    guard count > 0 else {
        target.update(repeating: 0, count: inner)
        return
    }
    var k = 0
    if count == 2 { // bilinear: both rows in one straight loop
        let (first, second) = (SIMD8(repeating: weights[0]), SIMD8(repeating: weights[1]))
        while k + 8 <= inner {
            store8((load8(rows + k) * first).addingProduct(load8(rows + inner + k), second), target + k)
            k += 8
        }
    }
    while k + 8 <= inner {
        var sum = load8(rows + k) * SIMD8(repeating: weights[0])
        for t in 1..<count { sum = sum.addingProduct(load8(rows + t * inner + k), SIMD8(repeating: weights[t])) }
        store8(sum, target + k)
        k += 8
    }
    while k < inner {
        var sum = rows[k] * weights[0]
        for t in 1..<count { sum = sum.addingProduct(rows[t * inner + k], weights[t]) }
        target[k] = sum
        k += 1
    }
}

/// target[q] = Σₜ taps[layout[3q + 2] + t] · source[layout[3q] + t], t < layout[3q + 1],
/// for q in 0 ..< outputs.
public func resampleSinglesAVX2(
    _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, outputs: Int,
    layout: UnsafePointer<Int>, taps: UnsafePointer<Float>
) {
    var q = 0
    while q + 8 <= outputs {
        let band = layout + 3 * q
        // Bands are stored one after another, so eight two-tap bands have 16 taps in a row.
        guard (0..<8).allSatisfy({ band[3 * $0 + 1] == 2 }) else {
            for i in q..<q + 8 { target[i] = single(source, layout + 3 * i, taps) }
            q += 8
            continue
        }
        var inputs = SIMD16<Float>()
        for i in 0..<8 {
            let first = source + band[3 * i]
            (inputs[2 * i], inputs[2 * i + 1]) = (first[0], first[1])
        }
        let weights = UnsafeRawPointer(taps + band[2]).loadUnaligned(as: SIMD16<Float>.self)
        store8((inputs.evenHalf * weights.evenHalf).addingProduct(inputs.oddHalf, weights.oddHalf), target + q)
        q += 8
    }
    for i in q..<outputs { target[i] = single(source, layout + 3 * i, taps) }
}

/// One output of a row of single floats from its band (first, count, start) = band[0 ..< 3].
@inline(__always)
private func single(_ source: UnsafePointer<Float>, _ band: UnsafePointer<Int>, _ taps: UnsafePointer<Float>)
    -> Float
{
    let inputs = source + band[0], count = band[1], weights = taps + band[2]
    guard count > 0 else { return 0 }
    var sum = inputs[0] * weights[0]
    for t in 1..<count { sum = sum.addingProduct(inputs[t], weights[t]) }
    return sum
}

/// One output pixel from its band (first, count, start) = band[0 ..< 3].
@inline(__always)
private func pixel(_ source: UnsafePointer<Float>, _ band: UnsafePointer<Int>, _ taps: UnsafePointer<Float>)
    -> SIMD4<Float>
{
    let rows = source + 3 * band[0], count = band[1], weights = taps + band[2]
    guard count > 0 else { return SIMD4() }
    var sum = load4(rows) * SIMD4(repeating: weights[0])
    for t in 1..<count { sum = sum.addingProduct(load4(rows + 3 * t), SIMD4(repeating: weights[t])) }
    return sum
}

@inline(__always)
private func pair(_ low: UnsafePointer<Float>, _ high: UnsafePointer<Float>) -> SIMD8<Float> {
    SIMD8(lowHalf: load4(low), highHalf: load4(high))
}

@inline(__always)
private func pair(_ low: Float, _ high: Float) -> SIMD8<Float> {
    SIMD8(lowHalf: SIMD4(repeating: low), highHalf: SIMD4(repeating: high))
}

@inline(__always)
private func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}

@inline(__always)
private func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
}

#endif
