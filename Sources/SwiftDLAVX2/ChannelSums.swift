// Per-channel sums over rows of channels-last float32 data for batch normalisation, eight
// channels at a time. The baseline build summed in Double, two lanes at a time: on
// MobileNetV2's 57 MB activations its statistics and its backward pass ran at a third of
// memory speed. Here each block of rows is summed in float32 vectors, and only the block
// totals are added in Double: a block is short enough (32 rows) that its float sum loses
// nothing that matters against the Double total of the blocks.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// What `channelSumsAVX2` adds into `partial` for each channel j.
public enum ChannelSumKind: Sendable {
    /// partial[j] += Σ x
    case values
    /// partial[j] += Σ (x − center[j])²
    case squaredDeviations
    /// partial[j] += Σ dy and partial[c + j] += Σ dy·(x − center[j])
    case gradientAndProjection
}

/// Adds the per-channel sums of `kind` over rows `rows` of (rows, c) contiguous data into
/// `partial` (c Doubles, 2c for `gradientAndProjection`). Only call it on CPUs with AVX2 and FMA.
@inline(never)
public func channelSumsAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>?, center: UnsafePointer<Float>?, rows: Range<Int>,
    channels c: Int, kind: ChannelSumKind, into partial: UnsafeMutablePointer<Double>
) {
    let blockRows = 32
    var first = rows.lowerBound
    while first < rows.upperBound {
        let last = min(first + blockRows, rows.upperBound)
        var j = 0
        while j + 8 <= c {
            let m = center.map { load8($0 + j) } ?? SIMD8<Float>(repeating: 0)
            var a = SIMD8<Float>(repeating: 0), b = SIMD8<Float>(repeating: 0)
            for row in first..<last {
                let v = load8(x + row * c + j)
                switch kind {
                case .values:
                    a += v
                case .squaredDeviations:
                    let d = v - m
                    a = multiplyAdd(d, d, a)
                case .gradientAndProjection:
                    let g = load8(dy! + row * c + j)
                    a += g
                    b = multiplyAdd(g, v - m, b)
                }
            }
            addInto(partial + j, a)
            if case .gradientAndProjection = kind { addInto(partial + c + j, b) }
            j += 8
        }
        // The last c mod 8 channels, one at a time.
        while j < c {
            let m = center.map { Double($0[j]) } ?? 0
            var a = 0.0, b = 0.0
            for row in first..<last {
                let v = Double(x[row * c + j])
                switch kind {
                case .values: a += v
                case .squaredDeviations: a += (v - m) * (v - m)
                case .gradientAndProjection:
                    let g = Double(dy![row * c + j])
                    a += g
                    b += g * (v - m)
                }
            }
            partial[j] += a
            if case .gradientAndProjection = kind { partial[c + j] += b }
            j += 1
        }
        first = last
    }
}

/// target[0..<8] += v, in Double.
@inline(__always)
private func addInto(_ target: UnsafeMutablePointer<Double>, _ v: SIMD8<Float>) {
    for lane in 0..<8 { target[lane] += Double(v[lane]) }
}
#endif
