// Depthwise 2-D convolution with one filter per channel (MobileNet's), float32 NHWC, eight
// channels at a time. The engine's portable kernels add each tap into the output row in
// memory; here each group of eight channels sums its taps in a register with fused
// multiply-adds and is stored once, and the input gradient gathers each input pixel's taps
// (instead of scattering every output pixel over its window into a zeroed buffer), so it
// writes dx once and needs no zeroing pass. Filters are (KH, KW, C) contiguous.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y (plus `bias`, c floats, when given) for output pixels `pixels` (flattened n, oh, ow)
/// of images (H, W, c). The bias is the sums' starting value, so it costs no pass of its
/// own; `clamp` (an inference batch norm's ReLU/ReLU6 folded in) is applied to the sums in
/// registers before they are stored. Only call it on CPUs with AVX2 and FMA.
@inline(never)
public func depthwiseForwardAVX2(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
    window g: PlaneWindow, channels c: Int, pixels: Range<Int>, clamp: ReluClamp? = nil
) {
    let perImage = g.outputHeight * g.outputWidth, imageSize = g.imageHeight * g.imageWidth * c
    guard perImage > 0, !pixels.isEmpty else { return }
    var n = pixels.lowerBound / perImage, oh = pixels.lowerBound % perImage / g.outputWidth
    var ow = pixels.lowerBound % g.outputWidth
    for p in pixels {
        let image = x + n * imageSize, out = y + p * c
        let h0 = oh * g.strideHeight - g.padTop, w0 = ow * g.strideWidth - g.padLeft
        let rows = taps(start: h0, dilation: g.dilationHeight, count: g.windowHeight, size: g.imageHeight)
        let columns = taps(start: w0, dilation: g.dilationWidth, count: g.windowWidth, size: g.imageWidth)
        // Four groups of eight channels at a time: one group's nine taps are a chain of
        // dependent multiply-adds (4 cycles each), which alone left the core waiting.
        var j = 0
        while j + 32 <= c {
            var sums = bias.map { Accumulators(startingAt: $0 + j) } ?? Accumulators()
            for kh in rows {
                let line = image + (h0 + kh * g.dilationHeight) * g.imageWidth * c + j
                let filters = w + kh * g.windowWidth * c + j
                for kw in columns {
                    sums.add(line + (w0 + kw * g.dilationWidth) * c, times: filters + kw * c)
                }
            }
            if let clamp { sums.clamp(clamp) }
            sums.store(out + j)
            j += 32
        }
        while j + 8 <= c {
            var sum = bias.map { load8($0 + j) } ?? SIMD8<Float>(repeating: 0)
            for kh in rows {
                let line = image + (h0 + kh * g.dilationHeight) * g.imageWidth * c + j
                let filters = w + kh * g.windowWidth * c + j
                for kw in columns {
                    sum = multiplyAdd(load8(line + (w0 + kw * g.dilationWidth) * c), load8(filters + kw * c), sum)
                }
            }
            store8(clamp.map { $0.apply(sum) } ?? sum, out + j)
            j += 8
        }
        while j < c {
            var sum: Float = bias?[j] ?? 0
            for kh in rows {
                let line = image + (h0 + kh * g.dilationHeight) * g.imageWidth * c + j
                for kw in columns {
                    sum += line[(w0 + kw * g.dilationWidth) * c] * w[(kh * g.windowWidth + kw) * c + j]
                }
            }
            out[j] = clamp.map { $0.apply(sum) } ?? sum
            j += 1
        }
        ow += 1
        if ow == g.outputWidth {
            ow = 0
            oh += 1
            if oh == g.outputHeight {
                oh = 0
                n += 1
            }
        }
    }
}

/// dx for input rows `rows` (flattened n, ih) from dy (N, OH, OW, c): each input pixel sums
/// dy·w over the (output pixel, tap) pairs whose window covers it. Writes every element of
/// those rows.
@inline(never)
public func depthwiseInputGradientAVX2(
    _ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, window g: PlaneWindow,
    channels c: Int, rows: Range<Int>
) {
    // For each input row (column): the taps kh that reach it and the output rows oh they
    // come from, at most windowHeight (windowWidth) of them.
    let kh = g.windowHeight, kw = g.windowWidth
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * kh + 2 * kw * max(g.imageWidth, 1)) { buffer in
        let rowTaps = buffer.baseAddress!, columnTaps = rowTaps + 2 * kh
        var columnCounts = [Int](repeating: 0, count: g.imageWidth)
        for iw in 0..<g.imageWidth {
            columnCounts[iw] = sources(
                of: iw, pad: g.padLeft, stride: g.strideWidth, dilation: g.dilationWidth, taps: kw,
                outputs: g.outputWidth, into: columnTaps + 2 * kw * iw)
        }
        let outputImage = g.outputHeight * g.outputWidth * c
        for row in rows {
            let n = row / max(g.imageHeight, 1), ih = row % max(g.imageHeight, 1)
            let rowCount = sources(
                of: ih, pad: g.padTop, stride: g.strideHeight, dilation: g.dilationHeight, taps: kh,
                outputs: g.outputHeight, into: rowTaps)
            let upstream = dy + n * outputImage
            for iw in 0..<g.imageWidth {
                let out = dx + (row * g.imageWidth + iw) * c
                let pairs = columnTaps + 2 * kw * iw, pairCount = columnCounts[iw]
                var j = 0
                while j + 32 <= c {
                    var sums = Accumulators()
                    for r in 0..<rowCount {
                        let tapRow = rowTaps[2 * r], outputRow = rowTaps[2 * r + 1]
                        for q in 0..<pairCount {
                            let pixel = upstream + (outputRow * g.outputWidth + pairs[2 * q + 1]) * c + j
                            sums.add(pixel, times: w + (tapRow * kw + pairs[2 * q]) * c + j)
                        }
                    }
                    sums.store(out + j)
                    j += 32
                }
                while j + 8 <= c {
                    var sum = SIMD8<Float>(repeating: 0)
                    for r in 0..<rowCount {
                        let tapRow = rowTaps[2 * r], outputRow = rowTaps[2 * r + 1]
                        for q in 0..<pairCount {
                            let pixel = upstream + (outputRow * g.outputWidth + pairs[2 * q + 1]) * c + j
                            let filter = w + (tapRow * kw + pairs[2 * q]) * c + j
                            sum = multiplyAdd(load8(pixel), load8(filter), sum)
                        }
                    }
                    store8(sum, out + j)
                    j += 8
                }
                while j < c {
                    var sum: Float = 0
                    for r in 0..<rowCount {
                        for q in 0..<pairCount {
                            sum +=
                                upstream[(rowTaps[2 * r + 1] * g.outputWidth + pairs[2 * q + 1]) * c + j]
                                * w[(rowTaps[2 * r] * kw + pairs[2 * q]) * c + j]
                        }
                    }
                    out[j] = sum
                    j += 1
                }
            }
        }
    }
}

/// dw summed over output rows `rows` (flattened n, oh) into `sums` (KH·KW·c floats, added
/// to): for each tap, upstream times the input under it; and, when `biasSums` is given, the
/// bias gradient (upstream summed per channel, c floats, added to) in the same pass over dy.
/// 3×3 windows away from the image's border take `filterGradientSpan3x3`, which keeps the
/// nine taps' sums in registers across a row instead of adding into memory at every pixel.
@inline(never)
public func depthwiseFilterGradientAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ sums: UnsafeMutablePointer<Float>,
    biasSums: UnsafeMutablePointer<Float>?, window g: PlaneWindow, channels c: Int, rows: Range<Int>
) {
    let imageSize = g.imageHeight * g.imageWidth * c
    let interior = interiorColumns3x3(g)
    for row in rows {
        let n = row / max(g.outputHeight, 1), oh = row % max(g.outputHeight, 1)
        let image = x + n * imageSize, h0 = oh * g.strideHeight - g.padTop
        let tapRows = taps(start: h0, dilation: g.dilationHeight, count: g.windowHeight, size: g.imageHeight)
        let upstreamRow = dy + row * g.outputWidth * c
        var fast = 0..<0
        if tapRows == 0..<3, let interior {
            fast = interior
            let line0 = image + h0 * g.imageWidth * c, lineStep = g.dilationHeight * g.imageWidth * c
            filterGradientSpan3x3(
                line0, line0 + lineStep, line0 + 2 * lineStep, upstreamRow, sums, biasSums: biasSums, window: g,
                channels: c,
                outputColumns: fast)
        }
        for ow in 0..<g.outputWidth where !fast.contains(ow) {
            let upstream = upstreamRow + ow * c, w0 = ow * g.strideWidth - g.padLeft
            let tapColumns = taps(start: w0, dilation: g.dilationWidth, count: g.windowWidth, size: g.imageWidth)
            if let biasSums { addRow(upstream, into: biasSums, count: c) }
            for kh in tapRows {
                let line = image + (h0 + kh * g.dilationHeight) * g.imageWidth * c
                for kw in tapColumns {
                    let source = line + (w0 + kw * g.dilationWidth) * c, target = sums + (kh * g.windowWidth + kw) * c
                    var j = 0
                    while j + 8 <= c {
                        store8(multiplyAdd(load8(source + j), load8(upstream + j), load8(target + j)), target + j)
                        j += 8
                    }
                    while j < c {
                        target[j] += source[j] * upstream[j]
                        j += 1
                    }
                }
            }
        }
    }
}

/// The output columns whose 3×3 window lies inside the image's width, or nil when the
/// window is not 3×3.
@inline(__always)
private func interiorColumns3x3(_ g: PlaneWindow) -> Range<Int>? {
    guard g.windowHeight == 3, g.windowWidth == 3 else { return nil }
    // w0 = ow·stride − padLeft ≥ 0 and w0 + 2·dilation ≤ width − 1.
    let first = (g.padLeft + g.strideWidth - 1) / g.strideWidth
    let lastStart = g.imageWidth - 1 - 2 * g.dilationWidth + g.padLeft
    let end = lastStart < 0 ? 0 : min(lastStart / g.strideWidth + 1, g.outputWidth)
    return first < end ? first..<end : nil
}

/// target[0..<count] += source[0..<count].
@inline(__always)
private func addRow(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j + 8 <= count {
        store8(load8(source + j) + load8(target + j), target + j)
        j += 8
    }
    while j < count {
        target[j] += source[j]
        j += 1
    }
}

/// The 3×3 filter gradient of output columns `outputColumns` of one output row, whose
/// windows read image rows `line0`, `line1`, `line2` and lie inside them. For each group of
/// eight channels the nine taps' sums (and the bias gradient's) stay in registers over the
/// whole span and are added to `sums` once: one upstream load and nine input loads per nine
/// multiply-adds, where adding into memory at every pixel took a load and a store more
/// for each.
@inline(__always)
private func filterGradientSpan3x3(
    _ line0: UnsafePointer<Float>, _ line1: UnsafePointer<Float>, _ line2: UnsafePointer<Float>,
    _ upstreamRow: UnsafePointer<Float>, _ sums: UnsafeMutablePointer<Float>, biasSums: UnsafeMutablePointer<Float>?,
    window g: PlaneWindow, channels c: Int, outputColumns: Range<Int>
) {
    let step = g.strideWidth * c, tap1 = g.dilationWidth * c, tap2 = 2 * g.dilationWidth * c
    let firstColumn = (outputColumns.lowerBound * g.strideWidth - g.padLeft) * c
    var j = 0
    while j + 8 <= c {
        let zero = SIMD8<Float>(repeating: 0)
        var t00 = zero, t01 = zero, t02 = zero, t10 = zero, t11 = zero, t12 = zero
        var t20 = zero, t21 = zero, t22 = zero, bias = zero
        var source = firstColumn + j
        for ow in outputColumns {
            let d = load8(upstreamRow + ow * c + j)
            bias += d
            t00 = multiplyAdd(load8(line0 + source), d, t00)
            t01 = multiplyAdd(load8(line0 + source + tap1), d, t01)
            t02 = multiplyAdd(load8(line0 + source + tap2), d, t02)
            t10 = multiplyAdd(load8(line1 + source), d, t10)
            t11 = multiplyAdd(load8(line1 + source + tap1), d, t11)
            t12 = multiplyAdd(load8(line1 + source + tap2), d, t12)
            t20 = multiplyAdd(load8(line2 + source), d, t20)
            t21 = multiplyAdd(load8(line2 + source + tap1), d, t21)
            t22 = multiplyAdd(load8(line2 + source + tap2), d, t22)
            source += step
        }
        let target = sums + j
        add(t00, to: target)
        add(t01, to: target + c)
        add(t02, to: target + 2 * c)
        add(t10, to: target + 3 * c)
        add(t11, to: target + 4 * c)
        add(t12, to: target + 5 * c)
        add(t20, to: target + 6 * c)
        add(t21, to: target + 7 * c)
        add(t22, to: target + 8 * c)
        if let biasSums { add(bias, to: biasSums + j) }
        j += 8
    }
    while j < c { // the channels after the last group of eight
        var bias: Float = 0
        var source = firstColumn + j
        for ow in outputColumns {
            let d = upstreamRow[ow * c + j]
            bias += d
            for r in 0..<3 {
                let line = r == 0 ? line0 : r == 1 ? line1 : line2, target = sums + 3 * r * c + j
                target[0] += line[source] * d
                target[c] += line[source + tap1] * d
                target[2 * c] += line[source + tap2] * d
            }
            source += step
        }
        biasSums?[j] += bias
        j += 1
    }
}

/// p[0..<8] += v.
@inline(__always)
private func add(_ v: SIMD8<Float>, to p: UnsafeMutablePointer<Float>) { store8(load8(p) + v, p) }

/// Four independent eight-lane sums over 32 consecutive channels.
private struct Accumulators {
    var s0 = SIMD8<Float>(repeating: 0), s1 = SIMD8<Float>(repeating: 0)
    var s2 = SIMD8<Float>(repeating: 0), s3 = SIMD8<Float>(repeating: 0)

    init() {}

    /// Sums that start at p[0..<32] (a bias) instead of zero.
    @inline(__always)
    init(startingAt p: UnsafePointer<Float>) {
        s0 = load8(p)
        s1 = load8(p + 8)
        s2 = load8(p + 16)
        s3 = load8(p + 24)
    }

    /// sums += a[0..<32]·b[0..<32]
    @inline(__always)
    mutating func add(_ a: UnsafePointer<Float>, times b: UnsafePointer<Float>) {
        s0 = multiplyAdd(load8(a), load8(b), s0)
        s1 = multiplyAdd(load8(a + 8), load8(b + 8), s1)
        s2 = multiplyAdd(load8(a + 16), load8(b + 16), s2)
        s3 = multiplyAdd(load8(a + 24), load8(b + 24), s3)
    }

    @inline(__always)
    mutating func clamp(_ clamp: ReluClamp) {
        s0 = clamp.apply(s0)
        s1 = clamp.apply(s1)
        s2 = clamp.apply(s2)
        s3 = clamp.apply(s3)
    }

    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>) {
        store8(s0, p)
        store8(s1, p + 8)
        store8(s2, p + 16)
        store8(s3, p + 24)
    }
}

/// The taps k in 0..<count with 0 <= start + k·dilation < size.
@inline(__always)
private func taps(start: Int, dilation: Int, count: Int, size: Int) -> Range<Int> {
    let first = start >= 0 ? 0 : (-start + dilation - 1) / dilation
    let end = start >= size ? 0 : (size - start + dilation - 1) / dilation
    let lower = min(first, count), upper = min(end, count)
    return lower < upper ? lower..<upper : lower..<lower
}

/// The (tap, output index) pairs whose window covers input index `i` along one axis,
/// written as pairs into `pairs`; returns how many.
@inline(__always)
private func sources(
    of i: Int, pad: Int, stride: Int, dilation: Int, taps: Int, outputs: Int, into pairs: UnsafeMutablePointer<Int>
) -> Int {
    var count = 0
    for k in 0..<taps {
        let offset = i + pad - k * dilation
        guard offset >= 0, offset % stride == 0 else { continue }
        let o = offset / stride
        guard o < outputs else { continue }
        pairs[2 * count] = k
        pairs[2 * count + 1] = o
        count += 1
    }
    return count
}
#endif
