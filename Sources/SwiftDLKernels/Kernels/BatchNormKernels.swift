import SwiftDLAVX2

/// Batch normalisation over one axis of a contiguous tensor (Keras's BatchNormalization,
/// tf.nn.fused_batch_norm), forward and backward, in a few passes over the data instead of
/// the dozen element-wise ops (each with its own backward) of the composed formula.
///
/// The tensor is seen as (outer, channels, inner): channels-last data is inner = 1 (rows
/// of `channels` contiguous values, the loops run across them), channels-first data has
/// contiguous runs of `inner` values per (outer, channel). Sums are kept in Double, and each
/// share of the outer rows sums on its own; the shares are added in share order, so with a
/// fixed partition count (the exact mode) the results do not depend on the threads.

/// The axis being normalised, with what lies before (outer) and after (inner) it.
public struct ChannelLayout: Sendable, Equatable {
    public var outer: Int
    public var channels: Int
    public var inner: Int

    public init(outer: Int, channels: Int, inner: Int) {
        self.outer = outer
        self.channels = channels
        self.inner = inner
    }

    /// Values per channel: the count each mean divides by.
    public var valuesPerChannel: Int { outer * inner }
}

/// How many shares sumOverShares cuts `rows` into.
@inline(__always)
private func sumShares(rows: Int) -> Int { max(1, min(ThreadPool.shared.partitionCount, rows / 64 + 1, rows)) }

/// Whether sumOverShares's accumulators for `width` sums fit withUnsafeTemporaryAllocation's
/// stack buffer (1 KB). There the plain row loop runs at memory speed; on the heap it runs
/// at a fifth of it (its stores to the accumulators stall the loads of x they falsely seem
/// to alias, 4K aliasing) and the loops visit the accumulators once per several rows.
@inline(__always)
private func accumulatorsOnStack(rows: Int, width: Int) -> Bool { sumShares(rows: rows) * width <= 128 }

/// Runs `body(share, rows)` over shares of the outer rows, each with its own `width` Double
/// accumulators (zeroed), then adds the shares' accumulators into `total` in share order.
@inline(__always)
private func sumOverShares(
    rows: Int, width: Int, into total: UnsafeMutablePointer<Double>,
    _ body: (UnsafeMutablePointer<Double>, Range<Int>) -> Void
) {
    let shares = sumShares(rows: rows)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: shares * width) { buffer in
        let partials = buffer.baseAddress!
        partials.initialize(repeating: 0, count: shares * width)
        ThreadPool.shared.parallelFor(shares) { share in
            body(partials + share * width, (rows * share / shares)..<(rows * (share + 1) / shares))
        }
        total.initialize(repeating: 0, count: width)
        for share in 0..<shares {
            let partial = partials + share * width
            for i in 0..<width { total[i] += partial[i] }
        }
        _ = buffer.deinitialize()
    }
}

/// Per-channel sums over the tensor: Σ x without `center`, Σ (x − center[c])² with it.
@inline(__always)
private func channelSums<T: FloatElement>(
    _ x: UnsafePointer<T>, _ layout: ChannelLayout, center: UnsafePointer<Double>?,
    into sums: UnsafeMutablePointer<Double>
) {
    let c = layout.channels, inner = layout.inner
    // (Float32 rows of channels on AVX2 CPUs take batchNormStatistics's one-pass moments.)
    let unrolled = !accumulatorsOnStack(rows: layout.outer, width: c)
    sumOverShares(rows: layout.outer, width: c, into: sums) { partial, rows in
        if inner == 1 && !unrolled {
            if let center {
                for row in rows {
                    let values = x + row * c
                    for j in 0..<c { partial[j] += (Double(values[j]) - center[j]) * (Double(values[j]) - center[j]) }
                }
            } else {
                for row in rows {
                    let values = x + row * c
                    for j in 0..<c { partial[j] += Double(values[j]) }
                }
            }
            return
        }
        if inner == 1 {
            // Rows of channels, with the accumulators on the heap: eight rows per visit.
            var row = rows.lowerBound
            while row + 8 <= rows.upperBound {
                let r0 = x + row * c, r1 = r0 + c, r2 = r1 + c, r3 = r2 + c
                let r4 = r3 + c, r5 = r4 + c, r6 = r5 + c, r7 = r6 + c
                if let center {
                    for j in 0..<c {
                        let m = center[j]
                        let d0 = Double(r0[j]) - m, d1 = Double(r1[j]) - m, d2 = Double(r2[j]) - m
                        let d3 = Double(r3[j]) - m, d4 = Double(r4[j]) - m, d5 = Double(r5[j]) - m
                        let d6 = Double(r6[j]) - m, d7 = Double(r7[j]) - m
                        let low = (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3)
                        partial[j] += low + ((d4 * d4 + d5 * d5) + (d6 * d6 + d7 * d7))
                    }
                } else {
                    for j in 0..<c {
                        let low = (Double(r0[j]) + Double(r1[j])) + (Double(r2[j]) + Double(r3[j]))
                        partial[j] += low + ((Double(r4[j]) + Double(r5[j])) + (Double(r6[j]) + Double(r7[j])))
                    }
                }
                row += 8
            }
            for r in row..<rows.upperBound {
                let values = x + r * c
                if let center {
                    for j in 0..<c { partial[j] += (Double(values[j]) - center[j]) * (Double(values[j]) - center[j]) }
                } else {
                    for j in 0..<c { partial[j] += Double(values[j]) }
                }
            }
            return
        }
        for row in rows {
            let block = x + row * c * inner
            for j in 0..<c {
                let run = block + j * inner
                var s = 0.0
                if let center {
                    let m = center[j]
                    for i in 0..<inner { s += (Double(run[i]) - m) * (Double(run[i]) - m) }
                } else {
                    for i in 0..<inner { s += Double(run[i]) }
                }
                partial[j] += s
            }
        }
    }
}

/// mean and biased variance of each channel (two passes: the variance sums squared
/// deviations from the mean, which keeps its precision when the mean is large; float32
/// rows of channels take one, ChannelSumKind.moments, which keeps it too).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func batchNormStatistics<T: FloatElement>(
    _ x: UnsafePointer<T>, _ layout: ChannelLayout, mean: UnsafeMutablePointer<T>,
    variance: UnsafeMutablePointer<T>
) {
    let c = layout.channels, count = Double(max(layout.valuesPerChannel, 1))
    if layout.inner == 1 && T.self == Float.self && rowOperationsAvailable {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * c) { buffer in
            let sums = buffer.baseAddress!, within = sums + c, between = within + c
            sumOverShares(rows: layout.outer, width: 3 * c, into: sums) { partial, rows in
                channelSumsAVX2(floats(x), nil, center: nil, rows: rows, channels: c, kind: .moments, into: partial)
            }
            for j in 0..<c {
                let m = sums[j] / count
                // Σ_b n_b·t_b² − N·m² >= 0 (Cauchy-Schwarz); clamp its rounding error.
                let squares = within[j] + Swift.max(0, between[j] - sums[j] * m)
                mean[j] = T(m)
                variance[j] = T(Swift.max(0, squares) / count)
            }
        }
        return
    }
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * c) { buffer in
        let means = buffer.baseAddress!, squares = means + c
        channelSums(x, layout, center: nil, into: means)
        for j in 0..<c { means[j] /= count }
        channelSums(x, layout, center: UnsafePointer(means), into: squares)
        for j in 0..<c {
            mean[j] = T(means[j])
            variance[j] = T(squares[j] / count)
        }
    }
}

/// y = (x - mean) · gamma / √(variance + ε) + beta. The mean is subtracted before scaling
/// (not folded into a shift): x · s - mean · s loses digits when |mean| is large against
/// the spread. With `reluMax` the result then goes through min(max(y, 0), reluMax) (NaN
/// passes), exactly as the separate relu/relu6 kernels compute it (.infinity: plain relu):
/// a BatchNormalization followed by a ReLU (MobileNet's ReLU6) writes its output once,
/// instead of writing it and reading it back.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func batchNormForward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ layout: ChannelLayout, mean: UnsafePointer<T>, variance: UnsafePointer<T>,
    gamma: UnsafePointer<T>?, beta: UnsafePointer<T>?, epsilon: Double, reluMax: Double? = nil,
    _ y: UnsafeMutablePointer<T>
) {
    let c = layout.channels, inner = layout.inner
    withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * c) { buffer in
        let scale = buffer.baseAddress!, shift = scale + c
        for j in 0..<c {
            let inverse = 1 / (Double(variance[j]) + epsilon).squareRoot()
            (scale + j).initialize(to: T(inverse * (gamma.map { Double($0[j]) } ?? 1)))
            (shift + j).initialize(to: beta?[j] ?? T.zero)
        }
        parallelPieces(0..<layout.outer, minimumPiece: max(1, 4096 / max(c * inner, 1))) { rows in
            if inner == 1 && T.self == Float.self && rowOperationsAvailable {
                batchNormRowsAVX2(
                    floats(x), rows: rows, channels: c, mean: floats(mean), scale: floats(scale),
                    shift: floats(shift), reluMax: reluMax.map { Float($0) }, mutableFloats(y))
                return
            }
            for row in rows {
                let source = x + row * c * inner, target = y + row * c * inner
                if inner == 1 {
                    for j in 0..<c { target[j] = (source[j] - mean[j]) * scale[j] + shift[j] }
                } else {
                    for j in 0..<c {
                        let m = mean[j], s = scale[j], t = shift[j]
                        for i in (j * inner)..<((j + 1) * inner) { target[i] = (source[i] - m) * s + t }
                    }
                }
                // The row is still in L1: clipping it here costs no memory traffic.
                if let reluMax { clipRelu(target, count: c * inner, max: T(reluMax)) }
            }
        }
    }
}

/// min(max(v, 0), top) in place, NaN kept (ReLU6.value's formula, so fused and separate
/// activations agree bit for bit).
@inline(__always)
private func clipRelu<T: FloatElement>(_ values: UnsafeMutablePointer<T>, count: Int, max top: T) {
    for i in 0..<count {
        let v = values[i]
        values[i] = v.isNaN ? v : Swift.min(Swift.max(v, 0), top)
    }
}

/// dz = dy where 0 < y < top (0 < y when top is infinite), else 0: the gradient through
/// min(max(z, 0), top) given its output y (y lies strictly inside exactly where z does, so
/// this is relu/relu6's derivative without keeping z). `dz` may be `dy`.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func clippedReluBackward<T: FloatElement>(
    _ dy: UnsafePointer<T>, _ y: UnsafePointer<T>, max top: Double, count: Int, _ dz: UnsafeMutablePointer<T>
) {
    let limit = T(top)
    parallelPieces(0..<count, minimumPiece: 1 << 14) { range in
        if T.self == Float.self && rowOperationsAvailable {
            clippedReluBackwardAVX2(floats(dy), floats(y), top: Float(top), range: range, mutableFloats(dz))
            return
        }
        // Both loads first, then a select: a branch on y here mispredicted on every other
        // element and took a quarter of MobileNetV2's training step.
        if top.isInfinite { // relu: y = +inf passes its gradient, as relu's derivative does
            for i in range {
                let g = dy[i]
                dz[i] = y[i] > 0 ? g : 0
            }
        } else {
            for i in range {
                let g = dy[i], v = y[i]
                dz[i] = Swift.min(v, limit - v) > 0 ? g : 0 // 0 < v < limit; false for NaN
            }
        }
    }
}

/// The float32 view of a generic pointer whose T is Float (checked by the caller).
@inline(__always)
private func floats<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
private func floats<T>(_ p: UnsafeMutablePointer<T>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
private func mutableFloats<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// The gradients of batchNormForward given dy. With `batchStatistics` the mean and
/// variance are the batch's own (training), so dx carries their dependence on x:
/// dx = gamma·invstd·(dy - mean(dy) - x̂·mean(dy·x̂)); otherwise they are constants and
/// dx = gamma·invstd·dy. dgamma = Σ dy·x̂ and dbeta = Σ dy either way.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func batchNormBackward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ layout: ChannelLayout, mean: UnsafePointer<T>,
    variance: UnsafePointer<T>, gamma: UnsafePointer<T>?, epsilon: Double, batchStatistics: Bool,
    dx: UnsafeMutablePointer<T>?, dgamma: UnsafeMutablePointer<T>?, dbeta: UnsafeMutablePointer<T>?
) {
    let c = layout.channels, inner = layout.inner, count = Double(max(layout.valuesPerChannel, 1))
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * c) { buffer in
        let inverse = buffer.baseAddress!, center = inverse + c, sumDy = center + c, sumDyXhat = sumDy + c
        for j in 0..<c {
            (inverse + j).initialize(to: 1 / (Double(variance[j]) + epsilon).squareRoot())
            (center + j).initialize(to: Double(mean[j]))
        }
        // Σ dy and Σ dy·x̂ per channel, in one pass over x and dy.
        let width = 2 * c, unrolled = !accumulatorsOnStack(rows: layout.outer, width: width)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: width) { sums in
            let totals = sums.baseAddress!
            sumOverShares(rows: layout.outer, width: width, into: totals) { partial, rows in
                if inner == 1 && T.self == Float.self && rowOperationsAvailable {
                    channelSumsAVX2(
                        UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                        UnsafeRawPointer(dy).assumingMemoryBound(to: Float.self),
                        center: UnsafeRawPointer(mean).assumingMemoryBound(to: Float.self), rows: rows, channels: c,
                        kind: .gradientAndProjection, into: partial)
                    return
                }
                var first = rows.lowerBound
                if inner == 1 && unrolled {
                    // Four rows per visit to accumulators on the heap (see channelSums).
                    while first + 4 <= rows.upperBound {
                        let x0 = x + first * c, x1 = x0 + c, x2 = x1 + c, x3 = x2 + c
                        let g0 = dy + first * c, g1 = g0 + c, g2 = g1 + c, g3 = g2 + c
                        for j in 0..<c {
                            let m = center[j]
                            let a0 = Double(g0[j]), a1 = Double(g1[j]), a2 = Double(g2[j]), a3 = Double(g3[j])
                            partial[j] += (a0 + a1) + (a2 + a3)
                            let p01 = a0 * (Double(x0[j]) - m) + a1 * (Double(x1[j]) - m)
                            partial[c + j] += p01 + (a2 * (Double(x2[j]) - m) + a3 * (Double(x3[j]) - m))
                        }
                        first += 4
                    }
                }
                for row in first..<rows.upperBound {
                    let xs = x + row * c * inner, gs = dy + row * c * inner
                    if inner == 1 {
                        for j in 0..<c {
                            let g = Double(gs[j])
                            partial[j] += g
                            partial[c + j] += g * (Double(xs[j]) - center[j])
                        }
                    } else {
                        for j in 0..<c {
                            var s = 0.0, sx = 0.0
                            for i in (j * inner)..<((j + 1) * inner) {
                                let g = Double(gs[i])
                                s += g
                                sx += g * (Double(xs[i]) - center[j])
                            }
                            partial[j] += s
                            partial[c + j] += sx
                        }
                    }
                }
            }
            for j in 0..<c {
                (sumDy + j).initialize(to: totals[j])
                (sumDyXhat + j).initialize(to: totals[c + j] * inverse[j])
            }
        }
        if let dgamma { for j in 0..<c { dgamma[j] = T(sumDyXhat[j]) } }
        if let dbeta { for j in 0..<c { dbeta[j] = T(sumDy[j]) } }
        guard let dx else { return }
        // dx = a·dy + b·(x - mean) + d per channel, x̂'s invstd folded into b.
        withUnsafeTemporaryAllocation(of: T.self, capacity: 3 * c) { coefficients in
            let a = coefficients.baseAddress!, b = a + c, d = b + c
            for j in 0..<c {
                let gain = inverse[j] * (gamma.map { Double($0[j]) } ?? 1)
                (a + j).initialize(to: T(gain))
                if batchStatistics {
                    (b + j).initialize(to: T(-gain * (sumDyXhat[j] / count) * inverse[j]))
                    (d + j).initialize(to: T(-gain * (sumDy[j] / count)))
                } else {
                    (b + j).initialize(to: T.zero)
                    (d + j).initialize(to: T.zero)
                }
            }
            parallelPieces(0..<layout.outer, minimumPiece: max(1, 4096 / max(c * inner, 1))) { rows in
                if inner == 1 && T.self == Float.self && rowOperationsAvailable {
                    batchNormGradientRowsAVX2(
                        floats(x), floats(dy), rows: rows, channels: c, mean: floats(mean), a: floats(a), b: floats(b),
                        d: floats(d), mutableFloats(dx))
                    return
                }
                for row in rows {
                    let xs = x + row * c * inner, gs = dy + row * c * inner, out = dx + row * c * inner
                    if inner == 1 {
                        for j in 0..<c { out[j] = a[j] * gs[j] + b[j] * (xs[j] - mean[j]) + d[j] }
                    } else {
                        for j in 0..<c {
                            let aj = a[j], bj = b[j], dj = d[j], m = mean[j]
                            for i in (j * inner)..<((j + 1) * inner) { out[i] = aj * gs[i] + bj * (xs[i] - m) + dj }
                        }
                    }
                }
            }
        }
    }
}
