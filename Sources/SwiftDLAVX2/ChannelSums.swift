// Per-channel sums over rows of channels-last float32 data for batch normalisation, eight
// channels at a time. The baseline build summed in Double, two lanes at a time: on
// MobileNetV2's 57 MB activations its statistics and its backward pass ran at a third of
// memory speed. Here each block of rows is summed in float32 vectors, and only the block
// totals are added in Double: a block is short enough (32 rows) that its float sum loses
// nothing that matters against the Double total of the blocks.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// What `channelSumsAVX2` adds into `partial` for each channel j.
public enum ChannelSumKind: Sendable {
    /// partial[j] += Σ dy and partial[c + j] += Σ dy·(x − center[j])
    case gradientAndProjection
    /// The mean and the variance in one pass: for each block b of n_b rows with mean t_b,
    /// partial[j] += n_b·t_b (Σ x), partial[c + j] += Σ (x − t_b)² and partial[2c + j] +=
    /// n_b·t_b², so that Σ (x − m)² = Σ_b Σ (x − t_b)² + Σ_b n_b·t_b² − N·m² for the
    /// overall mean m. The squares within a block are taken about the block's own mean
    /// while its rows are in L1 (so no precision is lost to a large mean), and the
    /// between-block part is formed in Double. Two passes over memory (sums, then squared
    /// deviations from the mean) became one.
    case moments
}

/// Adds the per-channel sums of `kind` over rows `rows` of (rows, c) contiguous data into
/// `partial` (2c Doubles for `gradientAndProjection`, 3c for `moments`; `dy` and `center`
/// are for the former). Only call it on CPUs with AVX2 and FMA.
@inline(never)
public func channelSumsAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>?, center: UnsafePointer<Float>?, rows: Range<Int>,
    channels c: Int, kind: ChannelSumKind, into partial: UnsafeMutablePointer<Double>
) {
    let blockRows = 32
    guard case .gradientAndProjection = kind, let dy else {
        blockMoments(x, rows: rows, channels: c, blockRows: blockRows, into: partial)
        return
    }
    var first = rows.lowerBound
    while first < rows.upperBound {
        let last = min(first + blockRows, rows.upperBound)
        var j = 0
        while j + 8 <= c {
            let m = center.map { load8($0 + j) } ?? SIMD8<Float>(repeating: 0)
            var a = SIMD8<Float>(repeating: 0), b = SIMD8<Float>(repeating: 0)
            for row in first..<last {
                let v = load8(x + row * c + j), g = load8(dy + row * c + j)
                a += g
                b = multiplyAdd(g, v - m, b)
            }
            addInto(partial + j, a)
            addInto(partial + c + j, b)
            j += 8
        }
        // The last c mod 8 channels, one at a time.
        while j < c {
            let m = center.map { Double($0[j]) } ?? 0
            var a = 0.0, b = 0.0
            for row in first..<last {
                let g = Double(dy[row * c + j])
                a += g
                b += g * (Double(x[row * c + j]) - m)
            }
            partial[j] += a
            partial[c + j] += b
            j += 1
        }
        first = last
    }
}

/// ChannelSumKind.moments over `rows`, in blocks of `blockRows` rows.
@inline(__always)
private func blockMoments(
    _ x: UnsafePointer<Float>, rows: Range<Int>, channels c: Int, blockRows: Int,
    into partial: UnsafeMutablePointer<Double>
) {
    var first = rows.lowerBound
    while first < rows.upperBound {
        let last = min(first + blockRows, rows.upperBound)
        let n = Double(last - first)
        var j = 0
        while j + 8 <= c {
            var s = SIMD8<Float>(repeating: 0)
            for row in first..<last { s += load8(x + row * c + j) }
            // About the block's float mean c_b: L = Σ (x − c_b) is its small rounding
            // error, and t_b = c_b + L/n, Σ (x − t_b)² = Σ (x − c_b)² − L²/n exactly.
            let center = s / SIMD8(repeating: Float(last - first))
            var l = SIMD8<Float>(repeating: 0), q = SIMD8<Float>(repeating: 0)
            for row in first..<last {
                let d = load8(x + row * c + j) - center
                l += d
                q = multiplyAdd(d, d, q)
            }
            for lane in 0..<8 {
                let offset = Double(l[lane]), t = Double(center[lane]) + offset / n
                partial[j + lane] += n * t
                partial[c + j + lane] += Double(q[lane]) - offset * offset / n
                partial[2 * c + j + lane] += n * t * t
            }
            j += 8
        }
        // The last c mod 8 channels, one at a time, in Double.
        while j < c {
            var s = 0.0
            for row in first..<last { s += Double(x[row * c + j]) }
            let t = s / n
            var q = 0.0
            for row in first..<last { q += (Double(x[row * c + j]) - t) * (Double(x[row * c + j]) - t) }
            partial[j] += s
            partial[c + j] += q
            partial[2 * c + j] += n * t * t
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
