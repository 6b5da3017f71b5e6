// Depthwise 2-D convolution with one filter per channel (MobileNet's), float32 NHWC, eight
// channels at a time. The engine's portable kernels add each tap into the output row in
// memory; here each group of eight channels sums its taps in a register with fused
// multiply-adds and is stored once, and the input gradient gathers each input pixel's taps
// (instead of scattering every output pixel over its window into a zeroed buffer), so it
// writes dx once and needs no zeroing pass. Filters are (KH, KW, C) contiguous.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y for output pixels `pixels` (flattened n, oh, ow) of images (H, W, c). Only call it on
/// CPUs with AVX2 and FMA.
@inline(never)
public func depthwiseForwardAVX2(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, window g: PlaneWindow,
    channels c: Int, pixels: Range<Int>
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
            var sums = Accumulators()
            for kh in rows {
                let line = image + (h0 + kh * g.dilationHeight) * g.imageWidth * c + j
                let filters = w + kh * g.windowWidth * c + j
                for kw in columns {
                    sums.add(line + (w0 + kw * g.dilationWidth) * c, times: filters + kw * c)
                }
            }
            sums.store(out + j)
            j += 32
        }
        while j + 8 <= c {
            var sum = SIMD8<Float>(repeating: 0)
            for kh in rows {
                let line = image + (h0 + kh * g.dilationHeight) * g.imageWidth * c + j
                let filters = w + kh * g.windowWidth * c + j
                for kw in columns {
                    sum = multiplyAdd(load8(line + (w0 + kw * g.dilationWidth) * c), load8(filters + kw * c), sum)
                }
            }
            store8(sum, out + j)
            j += 8
        }
        while j < c {
            var sum: Float = 0
            for kh in rows {
                let line = image + (h0 + kh * g.dilationHeight) * g.imageWidth * c + j
                for kw in columns {
                    sum += line[(w0 + kw * g.dilationWidth) * c] * w[(kh * g.windowWidth + kw) * c + j]
                }
            }
            out[j] = sum
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
/// to): for each tap, upstream times the input under it.
@inline(never)
public func depthwiseFilterGradientAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ sums: UnsafeMutablePointer<Float>, window g: PlaneWindow,
    channels c: Int, rows: Range<Int>
) {
    let imageSize = g.imageHeight * g.imageWidth * c
    for row in rows {
        let n = row / max(g.outputHeight, 1), oh = row % max(g.outputHeight, 1)
        let image = x + n * imageSize, h0 = oh * g.strideHeight - g.padTop
        let tapRows = taps(start: h0, dilation: g.dilationHeight, count: g.windowHeight, size: g.imageHeight)
        for ow in 0..<g.outputWidth {
            let upstream = dy + (row * g.outputWidth + ow) * c, w0 = ow * g.strideWidth - g.padLeft
            let tapColumns = taps(start: w0, dilation: g.dilationWidth, count: g.windowWidth, size: g.imageWidth)
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

/// Four independent eight-lane sums over 32 consecutive channels.
private struct Accumulators {
    var s0 = SIMD8<Float>(repeating: 0), s1 = SIMD8<Float>(repeating: 0)
    var s2 = SIMD8<Float>(repeating: 0), s3 = SIMD8<Float>(repeating: 0)

    /// sums += a[0..<32]·b[0..<32]
    @inline(__always)
    mutating func add(_ a: UnsafePointer<Float>, times b: UnsafePointer<Float>) {
        s0 = multiplyAdd(load8(a), load8(b), s0)
        s1 = multiplyAdd(load8(a + 8), load8(b + 8), s1)
        s2 = multiplyAdd(load8(a + 16), load8(b + 16), s2)
        s3 = multiplyAdd(load8(a + 24), load8(b + 24), s3)
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
