import SwiftDLAVX2

/// Group normalisation (Keras's GroupNormalization; instance normalisation at one channel
/// per group, a layer normalisation over channels and positions at one group), forward and
/// backward, in two passes over the data each way instead of the dozen broadcast and
/// reduction ops of the composed formula.
///
/// Each sample is seen as (before, channels, after): channels-last data is after = 1 (rows
/// of channels, which reuse batch normalisation's AVX2 row kernels with per-sample
/// coefficients), channels-first data is before = 1 (one contiguous run per channel).
/// Group g holds channels g·cg..<(g+1)·cg. Statistics are summed in Double per sample, so
/// the results do not depend on the thread count.

/// The axes of a group-normalised tensor: the batch, what lies before the channel axis,
/// the channels and what lies after.
public struct GroupLayout: Sendable, Equatable {
    public var batch: Int
    public var before: Int
    public var channels: Int
    public var after: Int
    public var groups: Int

    public init(batch: Int, before: Int, channels: Int, after: Int, groups: Int) {
        self.batch = batch
        self.before = before
        self.channels = channels
        self.after = after
        self.groups = groups
    }

    public var channelsPerGroup: Int { channels / groups }
    /// Elements in one sample.
    public var sampleSize: Int { before * channels * after }
    /// Values in one (sample, group): the count each mean divides by.
    public var valuesPerGroup: Int { before * channelsPerGroup * after }
}

/// The mean and 1/√(variance + ε) (biased variance, ε inside the root as Keras has it) of
/// every (sample, group), written to `mean[n·groups + g]` and `inverseDeviation[...]`.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func groupNormStatistics<T: FloatElement>(
    _ x: UnsafePointer<T>, _ layout: GroupLayout, epsilon: Double, mean: UnsafeMutablePointer<Double>,
    inverseDeviation: UnsafeMutablePointer<Double>
) {
    let c = layout.channels, groups = layout.groups, perGroup = layout.channelsPerGroup
    let count = Double(max(layout.valuesPerGroup, 1))
    ThreadPool.shared.parallelFor(layout.batch) { n in
        let sample = x + n * layout.sampleSize
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * c) { buffer in
            let sums = buffer.baseAddress!
            sums.initialize(repeating: 0, count: 3 * c)
            let (means, deviations) = (mean + n * groups, inverseDeviation + n * groups)
            if vectorSums(T.self, layout) {
                // Per-channel moments (sum, squares about block means, between-block part),
                // added up per group: Σ (x − m)² = Σ within + Σ between − N·m² (ChannelSums.swift).
                if layout.after == 1 {
                    channelSumsAVX2(
                        sample.asFloat, nil, center: nil, rows: 0..<layout.before, channels: c, kind: .moments,
                        into: sums)
                } else {
                    runMoments(sample.asFloat, layout, into: sums)
                }
                for g in 0..<groups {
                    var total = 0.0, within = 0.0, between = 0.0
                    for j in (g * perGroup)..<((g + 1) * perGroup) {
                        total += sums[j]
                        within += sums[c + j]
                        between += sums[2 * c + j]
                    }
                    let m = total / count
                    means[g] = m
                    let squares = within + Swift.max(0, between - total * m)
                    deviations[g] = 1 / (Swift.max(0, squares) / count + epsilon).squareRoot()
                }
                return
            }
            shiftedChannelSums(sample, layout, into: sums)
            for g in 0..<groups {
                var shifted = 0.0, squares = 0.0
                for j in (g * perGroup)..<((g + 1) * perGroup) {
                    shifted += sums[j]
                    squares += sums[c + j]
                }
                // NOTE: sums of x − K with K a value of the group (sums[2c + first channel]):
                // the one-pass variance then loses nothing to a mean that is large against
                // the spread, as Σx² − N·m² would.
                let offset = shifted / count
                means[g] = sums[2 * c + g * perGroup] + offset
                let variance = Swift.max(0, squares / count - offset * offset)
                deviations[g] = 1 / (variance + epsilon).squareRoot()
            }
        }
    }
}

/// Whether float32 sums take the AVX2 kernels: rows of channels (after = 1), or runs of at
/// least eight values per channel (channels first).
@inline(__always)
private func vectorSums<T>(_: T.Type, _ layout: GroupLayout) -> Bool {
    T.self == Float.self && rowOperationsAvailable && (layout.after == 1 || layout.after >= 8)
}

/// ChannelSumKind.moments per channel of one sample whose channels are contiguous runs of
/// `after` values: each run seen as (after/8, 8) rows for the AVX2 kernel, its eight lanes
/// and its last after mod 8 values (blocks of one) folded into the channel's sums.
private func runMoments(_ sample: UnsafePointer<Float>, _ layout: GroupLayout, into sums: UnsafeMutablePointer<Double>)
{
    let c = layout.channels, after = layout.after, whole = after / 8 * 8
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 24) { buffer in
        let lanes = buffer.baseAddress!
        for row in 0..<layout.before {
            for j in 0..<c {
                let run = sample + (row * c + j) * after
                lanes.initialize(repeating: 0, count: 24)
                channelSumsAVX2(run, nil, center: nil, rows: 0..<(after / 8), channels: 8, kind: .moments, into: lanes)
                for lane in 0..<8 {
                    sums[j] += lanes[lane]
                    sums[c + j] += lanes[8 + lane]
                    sums[2 * c + j] += lanes[16 + lane]
                }
                for i in whole..<after {
                    let v = Double(run[i])
                    sums[j] += v
                    sums[2 * c + j] += v * v
                }
            }
        }
    }
}

/// Per channel j of one sample: sums[j] = Σ (x − K), sums[c + j] = Σ (x − K)², and
/// sums[2c + j] = K, where K is the first value of j's group.
@inline(__always)
private func shiftedChannelSums<T: FloatElement>(
    _ sample: UnsafePointer<T>, _ layout: GroupLayout, into sums: UnsafeMutablePointer<Double>
) {
    let c = layout.channels, after = layout.after, perGroup = layout.channelsPerGroup
    let shift = sums + 2 * c
    for j in 0..<c { shift[j] = Double(sample[(j / perGroup) * perGroup * after]) }
    for row in 0..<layout.before {
        let values = sample + row * c * after
        if after == 1 {
            for j in 0..<c {
                let d = Double(values[j]) - shift[j]
                sums[j] += d
                sums[c + j] += d * d
            }
            continue
        }
        for j in 0..<c {
            let run = values + j * after, k = shift[j]
            var s = 0.0, q = 0.0
            for i in 0..<after {
                let d = Double(run[i]) - k
                s += d
                q += d * d
            }
            sums[j] += s
            sums[c + j] += q
        }
    }
}

/// y = (x − mean)·gamma·inverseDeviation + beta with the statistics of groupNormStatistics.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func groupNormForward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ layout: GroupLayout, mean: UnsafePointer<Double>,
    inverseDeviation: UnsafePointer<Double>, gamma: UnsafePointer<T>?, beta: UnsafePointer<T>?,
    _ y: UnsafeMutablePointer<T>
) {
    let c = layout.channels
    forEachSampleRows(layout) { n, rows in
        withUnsafeTemporaryAllocation(of: T.self, capacity: 3 * c) { buffer in
            let center = buffer.baseAddress!, scale = center + c, shift = scale + c
            for j in 0..<c {
                let g = n * layout.groups + j / layout.channelsPerGroup
                (center + j).initialize(to: T(mean[g]))
                (scale + j).initialize(to: T(inverseDeviation[g] * (gamma.map { Double($0[j]) } ?? 1)))
                (shift + j).initialize(to: beta?[j] ?? T.zero)
            }
            let offset = n * layout.sampleSize
            normalizeRows(x + offset, rows, layout, center: center, scale: scale, shift: shift, y + offset)
        }
    }
}

/// y = (x − center[j])·scale[j] + shift[j] over rows `rows` of one sample.
@inline(__always)
private func normalizeRows<T: FloatElement>(
    _ x: UnsafePointer<T>, _ rows: Range<Int>, _ layout: GroupLayout, center: UnsafeMutablePointer<T>,
    scale: UnsafeMutablePointer<T>, shift: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>
) {
    let c = layout.channels, after = layout.after
    if after == 1 && T.self == Float.self && rowOperationsAvailable {
        batchNormRowsAVX2(
            x.asFloat, rows: rows, channels: c, mean: center.asFloat, scale: scale.asFloat, shift: shift.asFloat,
            reluMax: nil, y.asFloat)
        return
    }
    for row in rows {
        let source = x + row * c * after, target = y + row * c * after
        if after == 1 {
            for j in 0..<c { target[j] = (source[j] - center[j]) * scale[j] + shift[j] }
            continue
        }
        for j in 0..<c {
            let m = center[j], s = scale[j], t = shift[j]
            for i in (j * after)..<((j + 1) * after) { target[i] = (source[i] - m) * s + t }
        }
    }
}

/// The gradients of groupNormForward given dy (the statistics are the sample's own, so dx
/// carries their dependence on x): with x̂ = (x − m)·r and g = gamma·dy,
/// dx = r·(g − mean_group(g) − x̂·mean_group(g·x̂)), dgamma = Σ dy·x̂, dbeta = Σ dy.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func groupNormBackward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ layout: GroupLayout, mean: UnsafePointer<Double>,
    inverseDeviation: UnsafePointer<Double>, gamma: UnsafePointer<T>?, dx: UnsafeMutablePointer<T>?,
    dgamma: UnsafeMutablePointer<T>?, dbeta: UnsafeMutablePointer<T>?
) {
    let c = layout.channels, groups = layout.groups, perGroup = layout.channelsPerGroup
    let count = Double(max(layout.valuesPerGroup, 1))
    // Per (sample, channel): Σ dy and Σ dy·(x − m), then per (sample, group) the
    // coefficients of dx = a·dy + b·(x − m) + d.
    withUnsafeTemporaryAllocation(of: Double.self, capacity: layout.batch * (2 * c + 2 * groups)) { buffer in
        let sums = buffer.baseAddress!, slopes = sums + layout.batch * 2 * c, offsets = slopes + layout.batch * groups
        ThreadPool.shared.parallelFor(layout.batch) { n in
            let partial = sums + n * 2 * c
            partial.initialize(repeating: 0, count: 2 * c)
            let offset = n * layout.sampleSize
            gradientSums(x + offset, dy + offset, layout, mean: mean + n * groups, into: partial)
        }
        if let dbeta {
            for j in 0..<c { dbeta[j] = T((0..<layout.batch).reduce(0.0) { $0 + sums[$1 * 2 * c + j] }) }
        }
        if let dgamma {
            for j in 0..<c {
                let total = (0..<layout.batch).reduce(0.0) { total, n in
                    total + sums[n * 2 * c + c + j] * inverseDeviation[n * groups + j / perGroup]
                }
                dgamma[j] = T(total)
            }
        }
        guard let dx else { return }
        for n in 0..<layout.batch {
            let partial = sums + n * 2 * c
            for g in 0..<groups {
                var gradient = 0.0, projection = 0.0
                for j in (g * perGroup)..<((g + 1) * perGroup) {
                    let weight = gamma.map { Double($0[j]) } ?? 1
                    gradient += weight * partial[j]
                    projection += weight * partial[c + j]
                }
                let r = inverseDeviation[n * groups + g]
                (slopes + n * groups + g).initialize(to: -r * r * r * projection / count)
                (offsets + n * groups + g).initialize(to: -r * gradient / count)
            }
        }
        forEachSampleRows(layout) { n, rows in
            withUnsafeTemporaryAllocation(of: T.self, capacity: 4 * c) { coefficients in
                let center = coefficients.baseAddress!, a = center + c, b = a + c, d = b + c
                for j in 0..<c {
                    let g = n * groups + j / perGroup
                    (center + j).initialize(to: T(mean[g]))
                    (a + j).initialize(to: T(inverseDeviation[g] * (gamma.map { Double($0[j]) } ?? 1)))
                    (b + j).initialize(to: T(slopes[g]))
                    (d + j).initialize(to: T(offsets[g]))
                }
                let offset = n * layout.sampleSize
                gradientRows(x + offset, dy + offset, rows, layout, center: center, a: a, b: b, d: d, dx + offset)
            }
        }
    }
}

/// partial[j] += Σ dy and partial[c + j] += Σ dy·(x − m_group(j)) over one sample.
@inline(__always)
private func gradientSums<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ layout: GroupLayout, mean: UnsafePointer<Double>,
    into partial: UnsafeMutablePointer<Double>
) {
    let c = layout.channels, after = layout.after, perGroup = layout.channelsPerGroup
    if vectorSums(T.self, layout) && after == 1 {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { buffer in
            let center = buffer.baseAddress!
            for j in 0..<c { (center + j).initialize(to: Float(mean[j / perGroup])) }
            channelSumsAVX2(
                x.asFloat, dy.asFloat, center: UnsafePointer(center), rows: 0..<layout.before, channels: c,
                kind: .gradientAndProjection, into: partial)
        }
        return
    }
    if vectorSums(T.self, layout) {
        // Channels first: each run of `after` values as (after/8, 8) rows, lanes then folded.
        let whole = after / 8 * 8
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 16) { buffer in
            let lanes = buffer.baseAddress!
            for row in 0..<layout.before {
                for j in 0..<c {
                    let offset = (row * c + j) * after, m = mean[j / perGroup]
                    var center = SIMD8<Float>(repeating: Float(m))
                    lanes.initialize(repeating: 0, count: 16)
                    withUnsafePointer(to: &center) { vector in
                        vector.withMemoryRebound(to: Float.self, capacity: 8) { centers in
                            channelSumsAVX2(
                                (x + offset).asFloat, (dy + offset).asFloat, center: centers, rows: 0..<(after / 8),
                                channels: 8, kind: .gradientAndProjection, into: lanes)
                        }
                    }
                    for lane in 0..<8 {
                        partial[j] += lanes[lane]
                        partial[c + j] += lanes[8 + lane]
                    }
                    // The tail about the same float32 center the lanes used.
                    for i in whole..<after {
                        let g = Double(dy[offset + i])
                        partial[j] += g
                        partial[c + j] += g * (Double(x[offset + i]) - Double(Float(m)))
                    }
                }
            }
        }
        return
    }
    for row in 0..<layout.before {
        let xs = x + row * c * after, gs = dy + row * c * after
        for j in 0..<c {
            let m = mean[j / perGroup]
            var s = 0.0, sx = 0.0
            for i in (j * after)..<((j + 1) * after) {
                let g = Double(gs[i])
                s += g
                sx += g * (Double(xs[i]) - m)
            }
            partial[j] += s
            partial[c + j] += sx
        }
    }
}

/// dx = a[j]·dy + b[j]·(x − center[j]) + d[j] over rows `rows` of one sample.
@inline(__always)
private func gradientRows<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ rows: Range<Int>, _ layout: GroupLayout,
    center: UnsafeMutablePointer<T>, a: UnsafeMutablePointer<T>, b: UnsafeMutablePointer<T>,
    d: UnsafeMutablePointer<T>, _ dx: UnsafeMutablePointer<T>
) {
    let c = layout.channels, after = layout.after
    if after == 1 && T.self == Float.self && rowOperationsAvailable {
        batchNormGradientRowsAVX2(
            x.asFloat, dy.asFloat, rows: rows, channels: c, mean: center.asFloat, a: a.asFloat, b: b.asFloat,
            d: d.asFloat, dx.asFloat)
        return
    }
    for row in rows {
        let xs = x + row * c * after, gs = dy + row * c * after, out = dx + row * c * after
        for j in 0..<c {
            let aj = a[j], bj = b[j], dj = d[j], m = center[j]
            for i in (j * after)..<((j + 1) * after) { out[i] = aj * gs[i] + bj * (xs[i] - m) + dj }
        }
    }
}

/// Runs `body(sample, rows)` over every row (`before` index) of every sample, pieces in
/// parallel; a piece that spans samples is handed over one sample at a time.
@inline(__always)
private func forEachSampleRows(_ layout: GroupLayout, _ body: (Int, Range<Int>) -> Void) {
    let before = layout.before, rowSize = max(layout.channels * layout.after, 1)
    parallelPieces(0..<(layout.batch * before), minimumPiece: max(1, 4096 / rowSize)) { pieces in
        var row = pieces.lowerBound
        while row < pieces.upperBound {
            let n = row / before, end = min(pieces.upperBound, (n + 1) * before)
            body(n, (row - n * before)..<(end - n * before))
            row = end
        }
    }
}
