// Direct float32 convolution with one output channel (an image-to-image network's last
// layer: a sigmoid or linear map back to one grey channel), forward and gradients.
//
// Why not im2col + GEMM: with O = 1 the GEMM is a matrix-vector product, which runs at
// memory speed over a column matrix K times the image's size that im2col has just written;
// the input gradient is worse, a rank-1 GEMM writing that whole matrix for col2im to read
// back. Here each output pixel is a sum of its window's dot products with the filter,
// read in place from the image, and the input gradient adds upstream · filter into the
// window directly. (The autoencoder's last layer, 28×28×32 → 28×28×1 at batch 64: forward
// 3.2 → ~0.5 ms, backward 9.7 → ~2 ms on one core.)
//
// The engine calls these only on CPUs with AVX2 and FMA (see VectorMath.swift for why this
// module exists); its im2col kernels serve the rest.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y[p] = relu?(bias + Σ over the window's taps t of x[tap(p, t)] · filters[t]) for output
/// pixels `pixels` (numbered over the batch); x is (N, H, W, C), filters (taps, C), y one
/// float per pixel. Taps that fall in the padding add nothing.
public func singleOutputConvolutionForwardAVX2(
    _ input: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, bias: Float, relu: Bool,
    _ output: UnsafeMutablePointer<Float>, channels c: Int, window: PlaneWindow, pixels: Range<Int>
) {
    let perImage = window.outputHeight * window.outputWidth
    let imageSize = window.imageHeight * window.imageWidth * c
    if pixels.isEmpty || perImage == 0 { return }
    // The first pixel's (image, row, column), then counted on: no divisions per pixel.
    var image = pixels.lowerBound / perImage, oh = (pixels.lowerBound - image * perImage) / window.outputWidth
    var ow = pixels.lowerBound - image * perImage - oh * window.outputWidth
    var rows = window.tapRange(output: oh, vertical: true)
    var pixel = pixels.lowerBound
    while pixel < pixels.upperBound {
        let columns = window.tapRange(output: ow, vertical: false)
        let top = oh * window.strideHeight - window.padTop, left = ow * window.strideWidth - window.padLeft
        let image0 = input + image * imageSize
        var done = 1
        if pixel + 1 < pixels.upperBound && ow + 1 < window.outputWidth && columns.count == window.windowWidth
            && window.tapRange(output: ow + 1, vertical: false).count == window.windowWidth
        {
            // Two neighbours in a row with every column tap inside the image: each filter
            // load serves both, and their eight sums do not wait on each other.
            var first = ChannelSums(), second = ChannelSums()
            let step = window.strideWidth * c
            for kh in rows {
                let row = image0 + ((top + kh * window.dilationHeight) * window.imageWidth + left) * c
                for kw in columns {
                    let values = row + kw * window.dilationWidth * c,
                        weights = filters + (kh * window.windowWidth + kw) * c
                    ChannelSums.add(values, values + step, weights, count: c, into: &first, &second)
                }
            }
            let sum0 = bias + first.total, sum1 = bias + second.total
            output[pixel] = relu && sum0 < 0 ? 0 : sum0
            output[pixel + 1] = relu && sum1 < 0 ? 0 : sum1
            done = 2
        } else {
            // Two sets of accumulators, taken by turns tap by tap, so that consecutive FMAs
            // do not wait on each other.
            var even = ChannelSums(), odd = ChannelSums()
            var useOdd = false
            for kh in rows {
                let row = image0 + ((top + kh * window.dilationHeight) * window.imageWidth + left) * c
                for kw in columns {
                    let values = row + kw * window.dilationWidth * c,
                        weights = filters + (kh * window.windowWidth + kw) * c
                    if useOdd { odd.add(values, weights, count: c) } else { even.add(values, weights, count: c) }
                    useOdd.toggle()
                }
            }
            let sum = bias + even.total + odd.total
            output[pixel] = relu && sum < 0 ? 0 : sum
        }
        pixel += done
        ow += done
        if ow == window.outputWidth {
            ow = 0
            oh += 1
            if oh == window.outputHeight { oh = 0; image += 1 }
            rows = window.tapRange(output: oh, vertical: true)
        }
    }
}

/// The gradients over images `images` (the batch's), given upstream dy (one float per
/// output pixel): dx for those images when given (overwritten), and ADDED to
/// filterGradient (taps, C) and biasGradient (1). With `reluOutput` (the forward's y), dy
/// counts only where the relu was active. `scratch` holds the output pixels of one image.
public func singleOutputConvolutionGradientAVX2(
    _ input: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, upstream: UnsafePointer<Float>,
    reluOutput: UnsafePointer<Float>?, inputGradient: UnsafeMutablePointer<Float>?,
    filterGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?, channels c: Int,
    window: PlaneWindow, images: Range<Int>, scratch: UnsafeMutablePointer<Float>
) {
    let perImage = window.outputHeight * window.outputWidth
    let imageSize = window.imageHeight * window.imageWidth * c
    for image in images {
        let dy = upstream + image * perImage
        var gradient = dy
        if let reluOutput {
            let out = reluOutput + image * perImage
            for p in 0..<perImage { scratch[p] = out[p] > 0 ? dy[p] : 0 }
            gradient = UnsafePointer(scratch)
        }
        if let biasGradient {
            var sum: Float = 0
            for p in 0..<perImage { sum += gradient[p] }
            biasGradient[0] += sum
        }
        let x = input + image * imageSize
        if let filterGradient { addFilterGradient(x, gradient, into: filterGradient, channels: c, window: window) }
        if let inputGradient {
            let dx = inputGradient + image * imageSize
            if window.strideHeight == 1 && window.strideWidth == 1 {
                gatherInputGradient(gradient, filters, into: dx, channels: c, window: window)
            } else {
                dx.update(repeating: 0, count: imageSize)
                scatterInputGradient(gradient, filters, into: dx, channels: c, window: window)
            }
        }
    }
}

/// dw[t] += Σ over output pixels p of dy[p] · x[tap(p, t)], one image, tap by tap: the
/// pixels a tap reads inside the image form one rectangle, so the loop has no bounds tests
/// and its sums stay in registers. Even and odd columns go to two sets of sums, so that
/// consecutive FMAs do not wait on each other (one set kept the loop at the FMA's latency).
private func addFilterGradient(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>, channels c: Int,
    window: PlaneWindow
) {
    for kh in 0..<window.windowHeight {
        let rows = window.outputRange(tap: kh, vertical: true)
        for kw in 0..<window.windowWidth {
            let columns = window.outputRange(tap: kw, vertical: false)
            if rows.isEmpty || columns.isEmpty { continue }
            let target = dw + (kh * window.windowWidth + kw) * c
            var sums = ChannelAccumulator(target, count: c), odd = ChannelAccumulator(zeroed: c, rest: target)
            let step = window.strideWidth * c
            for oh in rows {
                let ih = oh * window.strideHeight - window.padTop + kh * window.dilationHeight
                let upstreamRow = dy + oh * window.outputWidth
                let firstColumn = columns.lowerBound * window.strideWidth - window.padLeft + kw * window.dilationWidth
                var pixel = x + (ih * window.imageWidth + firstColumn) * c
                var ow = columns.lowerBound
                while ow + 1 < columns.upperBound {
                    sums.add(pixel, times: upstreamRow[ow])
                    odd.add(pixel + step, times: upstreamRow[ow + 1])
                    pixel += 2 * step
                    ow += 2
                }
                if ow < columns.upperBound { sums.add(pixel, times: upstreamRow[ow]) }
            }
            sums.merge(odd)
            sums.store(into: target)
        }
    }
}

/// dx[i] = Σ over taps t of dy[p(i, t)] · filters[t], over the output pixels p that read
/// input pixel i, for a stride-1 window: each dx pixel is summed in registers and written
/// once. (Scattering dy · filters into dx instead adds into each dx pixel from successive
/// output pixels, and every add waits for the previous one's store: twice as slow.)
private func gatherInputGradient(
    _ dy: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
    channels c: Int, window: PlaneWindow
) {
    for ih in 0..<window.imageHeight {
        let rows = window.sourceTapRange(input: ih, vertical: true)
        var iw = 0
        while iw < window.imageWidth {
            let columns = window.sourceTapRange(input: iw, vertical: false)
            let target = dx + (ih * window.imageWidth + iw) * c
            if c % 32 == 0 && iw + 1 < window.imageWidth && columns.count == window.windowWidth
                && window.sourceTapRange(input: iw + 1, vertical: false).count == window.windowWidth
            {
                gatherInputGradientPair(
                    dy, filters, into: target, channels: c, window: window, ih: ih, iw: iw, rows: rows)
                iw += 2
                continue
            }
            defer { iw += 1 }
            var ch = 0
            while ch < c {
                let width = min(32, c - ch) & ~7
                var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
                var tail: Float = 0
                for kh in rows {
                    let oh = ih + window.padTop - kh * window.dilationHeight
                    for kw in columns {
                        let ow = iw + window.padLeft - kw * window.dilationWidth
                        let g = dy[oh * window.outputWidth + ow], broadcast = SIMD8<Float>(repeating: g)
                        let weights = filters + (kh * window.windowWidth + kw) * c + ch
                        switch width {
                        case 32:
                            s0 = s0.addingProduct(broadcast, load8(weights))
                            s1 = s1.addingProduct(broadcast, load8(weights + 8))
                            s2 = s2.addingProduct(broadcast, load8(weights + 16))
                            s3 = s3.addingProduct(broadcast, load8(weights + 24))
                        case 24:
                            s0 = s0.addingProduct(broadcast, load8(weights))
                            s1 = s1.addingProduct(broadcast, load8(weights + 8))
                            s2 = s2.addingProduct(broadcast, load8(weights + 16))
                        case 16:
                            s0 = s0.addingProduct(broadcast, load8(weights))
                            s1 = s1.addingProduct(broadcast, load8(weights + 8))
                        case 8: s0 = s0.addingProduct(broadcast, load8(weights))
                        default: tail = tail.addingProduct(g, weights[0])
                        }
                    }
                }
                switch width {
                case 32, 24, 16, 8:
                    store8(s0, target + ch)
                    if width >= 16 { store8(s1, target + ch + 8) }
                    if width >= 24 { store8(s2, target + ch + 16) }
                    if width >= 32 { store8(s3, target + ch + 24) }
                    ch += width
                default:
                    target[ch] = tail
                    ch += 1
                }
            }
        }
    }
}

/// `gatherInputGradient` for input pixels (ih, iw) and (ih, iw + 1), every column tap of
/// both inside the image and C a multiple of 32: each filter load serves both pixels, and
/// their eight sums do not wait on each other (one pixel's four kept the FMAs waiting).
@inline(__always)
private func gatherInputGradientPair(
    _ dy: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>,
    channels c: Int, window: PlaneWindow, ih: Int, iw: Int, rows: Range<Int>
) {
    var ch = 0
    while ch < c {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
        for kh in rows {
            let oh = ih + window.padTop - kh * window.dilationHeight
            for kw in 0..<window.windowWidth {
                // Stride 1: the second pixel reads the next output column through the same tap.
                let upstream = dy + oh * window.outputWidth + iw + window.padLeft - kw * window.dilationWidth
                let g0 = SIMD8<Float>(repeating: upstream[0]), g1 = SIMD8<Float>(repeating: upstream[1])
                let weights = filters + (kh * window.windowWidth + kw) * c + ch
                let w0 = load8(weights), w1 = load8(weights + 8), w2 = load8(weights + 16), w3 = load8(weights + 24)
                a0 = a0.addingProduct(g0, w0)
                b0 = b0.addingProduct(g1, w0)
                a1 = a1.addingProduct(g0, w1)
                b1 = b1.addingProduct(g1, w1)
                a2 = a2.addingProduct(g0, w2)
                b2 = b2.addingProduct(g1, w2)
                a3 = a3.addingProduct(g0, w3)
                b3 = b3.addingProduct(g1, w3)
            }
        }
        store8(a0, target + ch)
        store8(a1, target + ch + 8)
        store8(a2, target + ch + 16)
        store8(a3, target + ch + 24)
        store8(b0, target + c + ch)
        store8(b1, target + c + ch + 8)
        store8(b2, target + c + ch + 16)
        store8(b3, target + c + ch + 24)
        ch += 32
    }
}

/// dx[tap(p, t)] += dy[p] · filters[t] over one image's output pixels p and their taps
/// inside the image (dx zeroed by the caller).
private func scatterInputGradient(
    _ dy: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
    channels c: Int, window: PlaneWindow
) {
    for oh in 0..<window.outputHeight {
        let rows = window.tapRange(output: oh, vertical: true)
        let top = oh * window.strideHeight - window.padTop
        for ow in 0..<window.outputWidth {
            let columns = window.tapRange(output: ow, vertical: false)
            let left = ow * window.strideWidth - window.padLeft
            let g = dy[oh * window.outputWidth + ow], broadcast = SIMD8<Float>(repeating: g)
            for kh in rows {
                let row = dx + ((top + kh * window.dilationHeight) * window.imageWidth + left) * c
                for kw in columns {
                    let target = row + kw * window.dilationWidth * c
                    let weights = filters + (kh * window.windowWidth + kw) * c
                    var ch = 0
                    while ch + 8 <= c {
                        store8(load8(target + ch).addingProduct(broadcast, load8(weights + ch)), target + ch)
                        ch += 8
                    }
                    while ch < c {
                        target[ch] = target[ch].addingProduct(g, weights[ch])
                        ch += 1
                    }
                }
            }
        }
    }
}

/// Σ x[i] · w[i] over C channels, added up over several taps: four vectors of eight
/// channels at a time, then single vectors, then single floats.
private struct ChannelSums {
    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
    var tail: Float = 0

    @inline(__always)
    mutating func add(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, count c: Int) {
        var ch = 0
        while ch + 32 <= c {
            s0 = s0.addingProduct(load8(x + ch), load8(w + ch))
            s1 = s1.addingProduct(load8(x + ch + 8), load8(w + ch + 8))
            s2 = s2.addingProduct(load8(x + ch + 16), load8(w + ch + 16))
            s3 = s3.addingProduct(load8(x + ch + 24), load8(w + ch + 24))
            ch += 32
        }
        while ch + 8 <= c {
            s0 = s0.addingProduct(load8(x + ch), load8(w + ch))
            ch += 8
        }
        while ch < c {
            tail = tail.addingProduct(x[ch], w[ch])
            ch += 1
        }
    }

    /// first += x0 · w and second += x1 · w, each w loaded once.
    @inline(__always)
    static func add(
        _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ w: UnsafePointer<Float>, count c: Int,
        into first: inout ChannelSums, _ second: inout ChannelSums
    ) {
        var ch = 0
        while ch + 32 <= c {
            let w0 = load8(w + ch), w1 = load8(w + ch + 8), w2 = load8(w + ch + 16), w3 = load8(w + ch + 24)
            first.s0 = first.s0.addingProduct(load8(x0 + ch), w0)
            second.s0 = second.s0.addingProduct(load8(x1 + ch), w0)
            first.s1 = first.s1.addingProduct(load8(x0 + ch + 8), w1)
            second.s1 = second.s1.addingProduct(load8(x1 + ch + 8), w1)
            first.s2 = first.s2.addingProduct(load8(x0 + ch + 16), w2)
            second.s2 = second.s2.addingProduct(load8(x1 + ch + 16), w2)
            first.s3 = first.s3.addingProduct(load8(x0 + ch + 24), w3)
            second.s3 = second.s3.addingProduct(load8(x1 + ch + 24), w3)
            ch += 32
        }
        while ch + 8 <= c {
            let w0 = load8(w + ch)
            first.s0 = first.s0.addingProduct(load8(x0 + ch), w0)
            second.s0 = second.s0.addingProduct(load8(x1 + ch), w0)
            ch += 8
        }
        while ch < c {
            first.tail = first.tail.addingProduct(x0[ch], w[ch])
            second.tail = second.tail.addingProduct(x1[ch], w[ch])
            ch += 1
        }
    }

    @inline(__always)
    var total: Float { ((s0 + s1) + (s2 + s3)).sum() + tail }
}

/// A run of C per-channel sums s[i] += x[i] · g, in registers for the first 32 channels
/// (the common case) and in memory for the rest.
private struct ChannelAccumulator {
    var s0: SIMD8<Float>, s1: SIMD8<Float>, s2: SIMD8<Float>, s3: SIMD8<Float>
    let count: Int, rest: UnsafeMutablePointer<Float>

    @inline(__always)
    init(_ start: UnsafeMutablePointer<Float>, count c: Int) {
        count = c
        rest = start
        s0 = c >= 8 ? load8(start) : SIMD8()
        s1 = c >= 16 ? load8(start + 8) : SIMD8()
        s2 = c >= 24 ? load8(start + 16) : SIMD8()
        s3 = c >= 32 ? load8(start + 24) : SIMD8()
    }

    @inline(__always)
    mutating func add(_ x: UnsafePointer<Float>, times g: Float) {
        let broadcast = SIMD8<Float>(repeating: g)
        if count >= 32 {
            s0 = s0.addingProduct(load8(x), broadcast)
            s1 = s1.addingProduct(load8(x + 8), broadcast)
            s2 = s2.addingProduct(load8(x + 16), broadcast)
            s3 = s3.addingProduct(load8(x + 24), broadcast)
        } else {
            if count >= 8 { s0 = s0.addingProduct(load8(x), broadcast) }
            if count >= 16 { s1 = s1.addingProduct(load8(x + 8), broadcast) }
            if count >= 24 { s2 = s2.addingProduct(load8(x + 16), broadcast) }
        }
        let registered = min(count, 32) & ~7
        var ch = registered
        while ch + 8 <= count {
            store8(load8(rest + ch).addingProduct(load8(x + ch), broadcast), rest + ch)
            ch += 8
        }
        while ch < count {
            rest[ch] = rest[ch].addingProduct(x[ch], g)
            ch += 1
        }
    }

    /// Sums that start at zero, their channels past 32 added into `rest` as this one's are.
    @inline(__always)
    init(zeroed c: Int, rest start: UnsafeMutablePointer<Float>) {
        count = c
        rest = start
        s0 = SIMD8()
        s1 = SIMD8()
        s2 = SIMD8()
        s3 = SIMD8()
    }

    /// Adds `other`'s register sums into these (its channels past 32 are in memory already).
    @inline(__always)
    mutating func merge(_ other: ChannelAccumulator) {
        s0 += other.s0
        s1 += other.s1
        s2 += other.s2
        s3 += other.s3
    }

    @inline(__always)
    func store(into start: UnsafeMutablePointer<Float>) {
        if count >= 8 { store8(s0, start) }
        if count >= 16 { store8(s1, start + 8) }
        if count >= 24 { store8(s2, start + 16) }
        if count >= 32 { store8(s3, start + 24) }
    }
}

extension PlaneWindow {
    /// The taps along one axis that output position `position` reads inside the image.
    @inline(__always)
    func tapRange(output position: Int, vertical: Bool) -> Range<Int> {
        let start = position * (vertical ? strideHeight : strideWidth) - (vertical ? padTop : padLeft)
        let dilation = vertical ? dilationHeight : dilationWidth
        let size = vertical ? imageHeight : imageWidth, taps = vertical ? windowHeight : windowWidth
        // start + k·dilation in [0, size); inside the image (the common case) without a division.
        if start >= 0 && start + (taps - 1) * dilation < size { return 0..<taps }
        let first = start >= 0 ? 0 : (-start + dilation - 1) / dilation
        let last = start > size - 1 ? -1 : min(taps - 1, (size - 1 - start) / dilation)
        return first <= last ? first..<(last + 1) : 0..<0
    }

    /// Stride 1: the taps along one axis through which input position `position` is read
    /// by an output position (position + pad − k·dilation in [0, outputs)).
    @inline(__always)
    func sourceTapRange(input position: Int, vertical: Bool) -> Range<Int> {
        let start = position + (vertical ? padTop : padLeft)
        let dilation = vertical ? dilationHeight : dilationWidth
        let outputs = vertical ? outputHeight : outputWidth, taps = vertical ? windowHeight : windowWidth
        if start < outputs && start - (taps - 1) * dilation >= 0 { return 0..<taps }
        // k ≥ (start − outputs + 1) / dilation, rounded up; k ≤ start / dilation.
        let first = start < outputs ? 0 : (start - outputs + dilation) / dilation
        let last = start < 0 ? -1 : min(taps - 1, start / dilation)
        return first <= last ? first..<(last + 1) : 0..<0
    }

    /// The output positions along one axis whose tap `tap` falls inside the image.
    @inline(__always)
    func outputRange(tap: Int, vertical: Bool) -> Range<Int> {
        let offset = tap * (vertical ? dilationHeight : dilationWidth) - (vertical ? padTop : padLeft)
        let stride = vertical ? strideHeight : strideWidth
        let size = vertical ? imageHeight : imageWidth, outputs = vertical ? outputHeight : outputWidth
        // position·stride + offset in [0, size)
        let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = offset > size - 1 ? -1 : min(outputs - 1, (size - 1 - offset) / stride)
        return first <= last ? first..<(last + 1) : 0..<0
    }
}
#endif
