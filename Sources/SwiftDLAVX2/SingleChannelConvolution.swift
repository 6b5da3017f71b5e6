// Direct float32 convolution of one-channel images (a CNN's first layer on grey images),
// forward and filter/bias gradient, eight output channels to a register with FMAs.
//
// Why not im2col + GEMM: with one channel a window row is a run of 3 floats, so im2col
// costs more than the GEMM that reads it (a K = 9 GEMM runs at a third of OpenBLAS's
// speed), and the training step builds the column matrix twice (forward and filter
// gradient). Here every output channel is computed directly from each pixel's window,
// read in place from the image (or, where the window overhangs padding, from a small
// in-cache block it is gathered into once per chunk).
//
// The engine calls these only on CPUs with AVX2 and FMA (see VectorMath.swift for why this
// module exists); the one-channel case of its own im2col kernels serves the rest.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y[p][o] = relu?(bias[o] + Σ_t window(p)[t] · filters[t][o]) for output pixels `pixels`
/// (numbered over the batch). filters is (taps, O), y is (pixels, O) row-major.
public func singleChannelConvolutionForwardAVX2(
    _ input: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
    _ output: UnsafeMutablePointer<Float>, outputChannels o: Int, window: PlaneWindow, pixels: Range<Int>,
    scratch: UnsafeMutablePointer<Float>
) {
    let taps = window.taps, blocks = o / 8
    withWindowReader(input, window) { reader in
        for start in stride(from: pixels.lowerBound, to: pixels.upperBound, by: singleChannelPixelsPerChunk) {
            let chunk = start..<min(start + singleChannelPixelsPerChunk, pixels.upperBound)
            let base = reader.prepare(chunk, scratch: scratch)
            let offsets = UnsafePointer(reader.offsets)
            var row = 0
            // Two pixels at a time, four blocks of eight channels each: eight independent
            // chains of multiply-adds, enough to keep both FMA units busy (one pixel's four
            // chains waited on the FMA latency): the document CNN's first layer on one image
            // (26×26×32 outputs), conv2d through Python, one thread: 14.0 -> 9.9 µs (min).
            while row + 1 < chunk.count && blocks >= 4 {
                twoPixels(
                    base + reader.corners[row], base + reader.corners[row + 1], offsets, taps: taps, filters,
                    bias: bias, relu: relu, output + (chunk.lowerBound + row) * o,
                    output + (chunk.lowerBound + row + 1) * o, outputChannels: o)
                row += 2
            }
            // 16 or 24 channels: four pixels at a time, two blocks each (eight chains again).
            while row + 3 < chunk.count && blocks >= 2 && blocks < 4 {
                let corners = reader.corners
                fourPixels(
                    base + corners[row], base + corners[row + 1], base + corners[row + 2], base + corners[row + 3],
                    offsets, taps: taps, filters, bias: bias, relu: relu, output + (chunk.lowerBound + row) * o,
                    outputChannels: o)
                row += 4
            }
            while row < chunk.count {
                onePixel(
                    base + reader.corners[row], offsets, taps: taps, filters, bias: bias, relu: relu,
                    output + (chunk.lowerBound + row) * o, outputChannels: o, from: 0)
                row += 1
            }
        }
    }
}

/// The output channels `from..<o` (`from` a multiple of 8) of the pixel whose window
/// starts at `values`.
@inline(__always)
private func onePixel(
    _ values: UnsafePointer<Float>, _ offsets: UnsafePointer<Int>, taps: Int, _ filters: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, relu: Bool, _ out: UnsafeMutablePointer<Float>, outputChannels o: Int, from: Int
) {
    let blocks = o / 8
    // Four blocks of eight channels at a time share each tap's broadcast.
    var block = from / 8
    while block + 4 <= blocks {
        let first = 8 * block
        var s0 = bias.map { load8($0 + first) } ?? SIMD8<Float>(),
            s1 = bias.map { load8($0 + first + 8) } ?? SIMD8<Float>()
        var s2 = bias.map { load8($0 + first + 16) } ?? SIMD8<Float>(),
            s3 = bias.map { load8($0 + first + 24) } ?? SIMD8<Float>()
        var filter = filters + first
        for t in 0..<taps {
            let value = SIMD8<Float>(repeating: values[offsets[t]])
            s0 = s0.addingProduct(value, load8(filter))
            s1 = s1.addingProduct(value, load8(filter + 8))
            s2 = s2.addingProduct(value, load8(filter + 16))
            s3 = s3.addingProduct(value, load8(filter + 24))
            filter += o
        }
        store8(activate(s0, relu), out + first)
        store8(activate(s1, relu), out + first + 8)
        store8(activate(s2, relu), out + first + 16)
        store8(activate(s3, relu), out + first + 24)
        block += 4
    }
    while block < blocks {
        var sum = bias.map { load8($0 + 8 * block) } ?? SIMD8<Float>()
        var filter = filters + 8 * block
        for t in 0..<taps {
            sum = sum.addingProduct(SIMD8(repeating: values[offsets[t]]), load8(filter))
            filter += o
        }
        store8(activate(sum, relu), out + 8 * block)
        block += 1
    }
    for channel in (8 * blocks)..<o {
        var sum = bias?[channel] ?? 0
        for t in 0..<taps { sum = sum.addingProduct(values[offsets[t]], filters[t * o + channel]) }
        out[channel] = relu && sum < 0 ? 0 : sum
    }
}

/// All output channels of the two pixels whose windows start at `first` and `second`:
/// blocks of 32 together, the rest one pixel at a time.
@inline(__always)
private func twoPixels(
    _ first: UnsafePointer<Float>, _ second: UnsafePointer<Float>, _ offsets: UnsafePointer<Int>, taps: Int,
    _ filters: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool, _ out0: UnsafeMutablePointer<Float>,
    _ out1: UnsafeMutablePointer<Float>, outputChannels o: Int
) {
    var channel = 0
    while channel + 32 <= o {
        var a0 = bias.map { load8($0 + channel) } ?? SIMD8<Float>()
        var a1 = bias.map { load8($0 + channel + 8) } ?? SIMD8<Float>()
        var a2 = bias.map { load8($0 + channel + 16) } ?? SIMD8<Float>()
        var a3 = bias.map { load8($0 + channel + 24) } ?? SIMD8<Float>()
        var b0 = a0, b1 = a1, b2 = a2, b3 = a3
        var filter = filters + channel
        for t in 0..<taps {
            let offset = offsets[t]
            let u = SIMD8<Float>(repeating: first[offset]), v = SIMD8<Float>(repeating: second[offset])
            let f0 = load8(filter), f1 = load8(filter + 8), f2 = load8(filter + 16), f3 = load8(filter + 24)
            a0 = a0.addingProduct(u, f0)
            b0 = b0.addingProduct(v, f0)
            a1 = a1.addingProduct(u, f1)
            b1 = b1.addingProduct(v, f1)
            a2 = a2.addingProduct(u, f2)
            b2 = b2.addingProduct(v, f2)
            a3 = a3.addingProduct(u, f3)
            b3 = b3.addingProduct(v, f3)
            filter += o
        }
        store8(activate(a0, relu), out0 + channel)
        store8(activate(a1, relu), out0 + channel + 8)
        store8(activate(a2, relu), out0 + channel + 16)
        store8(activate(a3, relu), out0 + channel + 24)
        store8(activate(b0, relu), out1 + channel)
        store8(activate(b1, relu), out1 + channel + 8)
        store8(activate(b2, relu), out1 + channel + 16)
        store8(activate(b3, relu), out1 + channel + 24)
        channel += 32
    }
    onePixel(first, offsets, taps: taps, filters, bias: bias, relu: relu, out0, outputChannels: o, from: channel)
    onePixel(second, offsets, taps: taps, filters, bias: bias, relu: relu, out1, outputChannels: o, from: channel)
}

/// The first 16 output channels of four consecutive output pixels (rows of `out`, o apart)
/// whose windows start at `p0`...`p3`, then their other channels one pixel at a time.
@inline(__always)
private func fourPixels(
    _ p0: UnsafePointer<Float>, _ p1: UnsafePointer<Float>, _ p2: UnsafePointer<Float>, _ p3: UnsafePointer<Float>,
    _ offsets: UnsafePointer<Int>, taps: Int, _ filters: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    relu: Bool, _ out: UnsafeMutablePointer<Float>, outputChannels o: Int
) {
    let low = bias.map { load8($0) } ?? SIMD8<Float>(), high = bias.map { load8($0 + 8) } ?? SIMD8<Float>()
    var a0 = low, a1 = high, b0 = low, b1 = high, c0 = low, c1 = high, d0 = low, d1 = high
    var filter = filters
    for t in 0..<taps {
        let offset = offsets[t]
        let f0 = load8(filter), f1 = load8(filter + 8)
        let u = SIMD8<Float>(repeating: p0[offset]), v = SIMD8<Float>(repeating: p1[offset])
        let w = SIMD8<Float>(repeating: p2[offset]), x = SIMD8<Float>(repeating: p3[offset])
        a0 = a0.addingProduct(u, f0)
        a1 = a1.addingProduct(u, f1)
        b0 = b0.addingProduct(v, f0)
        b1 = b1.addingProduct(v, f1)
        c0 = c0.addingProduct(w, f0)
        c1 = c1.addingProduct(w, f1)
        d0 = d0.addingProduct(x, f0)
        d1 = d1.addingProduct(x, f1)
        filter += o
    }
    store8(activate(a0, relu), out)
    store8(activate(a1, relu), out + 8)
    store8(activate(b0, relu), out + o)
    store8(activate(b1, relu), out + o + 8)
    store8(activate(c0, relu), out + 2 * o)
    store8(activate(c1, relu), out + 2 * o + 8)
    store8(activate(d0, relu), out + 3 * o)
    store8(activate(d1, relu), out + 3 * o + 8)
    onePixel(p0, offsets, taps: taps, filters, bias: bias, relu: relu, out, outputChannels: o, from: 16)
    onePixel(p1, offsets, taps: taps, filters, bias: bias, relu: relu, out + o, outputChannels: o, from: 16)
    onePixel(p2, offsets, taps: taps, filters, bias: bias, relu: relu, out + 2 * o, outputChannels: o, from: 16)
    onePixel(p3, offsets, taps: taps, filters, bias: bias, relu: relu, out + 3 * o, outputChannels: o, from: 16)
}

/// relu (NaN stays NaN) or nothing.
@inline(__always)
private func activate(_ sum: SIMD8<Float>, _ relu: Bool) -> SIMD8<Float> {
    relu ? sum.replacing(with: 0, where: sum .< 0) : sum
}

/// The filter and bias gradients over output pixels `pixels`, ADDED to
/// filterGradient (taps, O) and biasGradient (O). With `reluOutput` (the forward's y) the
/// upstream gradient is first zeroed where the relu was inactive. Sums are kept per chunk
/// of pixels and then added, so float32 rounding error grows with the chunk, not the batch.
public func singleChannelConvolutionGradientAVX2(
    _ input: UnsafePointer<Float>, upstream: UnsafePointer<Float>, reluOutput: UnsafePointer<Float>?,
    filterGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
    outputChannels o: Int, window: PlaneWindow, pixels: Range<Int>, scratch: UnsafeMutablePointer<Float>
) {
    let taps = window.taps, blocks = o / 8
    // One SIMD8 accumulator per tap, then one for the bias, for the block being summed.
    let sums = scratch + singleChannelPixelsPerChunk * taps
    withWindowReader(input, window) { reader in
        let offsets = UnsafePointer(reader.offsets), corners = UnsafePointer(reader.corners)
        for start in stride(from: pixels.lowerBound, to: pixels.upperBound, by: singleChannelPixelsPerChunk) {
            let chunk = start..<min(start + singleChannelPixelsPerChunk, pixels.upperBound)
            let windows = reader.prepare(chunk, scratch: scratch)
            for block in 0..<blocks {
                sums.update(repeating: 0, count: 8 * (taps + 1))
                // Two pixels at a time: one load and store of each accumulator per two FMAs.
                var row = 0
                while row + 1 < chunk.count {
                    let g0 = maskedGradient(upstream, reluOutput, pixel: chunk.lowerBound + row, o: o, block: block)
                    let g1 = maskedGradient(upstream, reluOutput, pixel: chunk.lowerBound + row + 1, o: o, block: block)
                    let v0 = windows + corners[row], v1 = windows + corners[row + 1]
                    for t in 0..<taps {
                        let offset = offsets[t]
                        let sum = load8(sums + 8 * t).addingProduct(SIMD8(repeating: v0[offset]), g0)
                        store8(sum.addingProduct(SIMD8(repeating: v1[offset]), g1), sums + 8 * t)
                    }
                    store8(load8(sums + 8 * taps) + g0 + g1, sums + 8 * taps)
                    row += 2
                }
                if row < chunk.count {
                    let g0 = maskedGradient(upstream, reluOutput, pixel: chunk.lowerBound + row, o: o, block: block)
                    let v0 = windows + corners[row]
                    for t in 0..<taps {
                        store8(load8(sums + 8 * t).addingProduct(SIMD8(repeating: v0[offsets[t]]), g0), sums + 8 * t)
                    }
                    store8(load8(sums + 8 * taps) + g0, sums + 8 * taps)
                }
                for t in 0..<taps {
                    let target = filterGradient + t * o + 8 * block
                    store8(load8(target) + load8(sums + 8 * t), target)
                }
                if let biasGradient {
                    store8(load8(biasGradient + 8 * block) + load8(sums + 8 * taps), biasGradient + 8 * block)
                }
            }
            for channel in (8 * blocks)..<o {
                for t in 0...taps { sums[t] = 0 }
                for (row, pixel) in chunk.enumerated() {
                    var gradient = upstream[pixel * o + channel]
                    if let reluOutput, !(reluOutput[pixel * o + channel] > 0) { gradient = 0 }
                    for t in 0..<taps { sums[t] = sums[t].addingProduct(windows[corners[row] + offsets[t]], gradient) }
                    sums[taps] += gradient
                }
                for t in 0..<taps { filterGradient[t * o + channel] += sums[t] }
                biasGradient?[channel] += sums[taps]
            }
        }
    }
}

/// The upstream gradient of one pixel's block of eight channels, zeroed where the relu
/// output is not positive.
@inline(__always)
private func maskedGradient(
    _ upstream: UnsafePointer<Float>, _ reluOutput: UnsafePointer<Float>?, pixel: Int, o: Int, block: Int
) -> SIMD8<Float> {
    let gradient = load8(upstream + pixel * o + 8 * block)
    guard let reluOutput else { return gradient }
    return gradient.replacing(with: 0, where: .!(load8(reluOutput + pixel * o + 8 * block) .> 0))
}

/// Where the kernels read each pixel's window: tap t of the chunk's row r is
/// `base[corners[r] + offsets[t]]`. Without padding the windows are read in place (base is
/// the input, corners the windows' top-left corners, offsets the taps' places relative to
/// it); with padding the input rows the chunk reads are copied with their zero padding into
/// the scratch and read in place there (PaddedRowBand.swift), or, when they do not fit, the
/// windows are gathered (base is the scratch, corners r·taps, offsets t). (Gathering every
/// chunk had cost a third of the first layer's time.)
private struct WindowReader {
    let input: UnsafePointer<Float>, window: PlaneWindow, inPlace: Bool
    let corners: UnsafeMutablePointer<Int>, offsets: UnsafeMutablePointer<Int>

    /// The chunk's corners (and gathered windows when padded); returns base.
    func prepare(_ chunk: Range<Int>, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let w = window, taps = w.taps
        guard inPlace else {
            if fillPaddedRowBand(
                input, w, pixels: chunk, into: scratch, capacity: singleChannelPixelsPerChunk * taps, corners: corners,
                offsets: offsets)
            {
                return UnsafePointer(scratch)
            }
            gatherWindows(input, w, pixels: chunk, into: scratch)
            for row in 0..<chunk.count { corners[row] = row * taps }
            for t in 0..<taps { offsets[t] = t }
            return UnsafePointer(scratch)
        }
        let imageSize = w.imageHeight * w.imageWidth
        var pixel = OutputPixelCursor(chunk.lowerBound, w)
        for row in 0..<chunk.count {
            corners[row] = pixel.n * imageSize + pixel.oh * w.strideHeight * w.imageWidth + pixel.ow * w.strideWidth
            pixel.advance(w)
        }
        return input
    }
}

/// Runs `body` with a reader for `window` over `input` (its tables on the stack).
private func withWindowReader(_ input: UnsafePointer<Float>, _ w: PlaneWindow, _ body: (WindowReader) -> Void) {
    // Every window inside the image: no padding before, and the last one ends inside.
    let inPlace =
        w.padTop == 0 && w.padLeft == 0
        && (w.outputHeight - 1) * w.strideHeight + (w.windowHeight - 1) * w.dilationHeight < w.imageHeight
        && (w.outputWidth - 1) * w.strideWidth + (w.windowWidth - 1) * w.dilationWidth < w.imageWidth
    withUnsafeTemporaryAllocation(of: Int.self, capacity: singleChannelPixelsPerChunk + w.taps) { table in
        let corners = table.baseAddress!, offsets = corners + singleChannelPixelsPerChunk
        for kh in 0..<w.windowHeight {
            for kw in 0..<w.windowWidth {
                let t = kh * w.windowWidth + kw
                offsets[t] = inPlace ? w.tapOffset(kh, kw) : t
            }
        }
        body(WindowReader(input: input, window: w, inPlace: inPlace, corners: corners, offsets: offsets))
    }
}

/// Row r of `windows` = the window under output pixel pixels.lowerBound + r, tap by tap
/// (row-major over the window, the filter's order), with zeros over the padding.
private func gatherWindows(
    _ input: UnsafePointer<Float>, _ w: PlaneWindow, pixels: Range<Int>,
    into windows: UnsafeMutablePointer<Float>
) {
    let imageSize = w.imageHeight * w.imageWidth
    let lastRow = (w.windowHeight - 1) * w.dilationHeight, lastColumn = (w.windowWidth - 1) * w.dilationWidth
    withUnsafeTemporaryAllocation(of: Int.self, capacity: w.taps) { offsets in
        for kh in 0..<w.windowHeight {
            for kw in 0..<w.windowWidth { offsets[kh * w.windowWidth + kw] = w.tapOffset(kh, kw) }
        }
        var row = windows
        var pixel = OutputPixelCursor(pixels.lowerBound, w)
        for _ in pixels {
            let image = input + pixel.n * imageSize
            let h0 = pixel.oh * w.strideHeight - w.padTop, w0 = pixel.ow * w.strideWidth - w.padLeft
            if h0 >= 0 && h0 + lastRow < w.imageHeight && w0 >= 0 && w0 + lastColumn < w.imageWidth {
                let corner = image + h0 * w.imageWidth + w0
                for t in 0..<w.taps { row[t] = corner[offsets[t]] }
            } else {
                for kh in 0..<w.windowHeight {
                    let ih = h0 + kh * w.dilationHeight
                    for kw in 0..<w.windowWidth {
                        let iw = w0 + kw * w.dilationWidth
                        let valid = ih >= 0 && ih < w.imageHeight && iw >= 0 && iw < w.imageWidth
                        row[kh * w.windowWidth + kw] = valid ? image[ih * w.imageWidth + iw] : 0
                    }
                }
            }
            row += w.taps
            pixel.advance(w)
        }
    }
}

/// Output pixels in batch order (image n, row oh, column ow), from a pixel's number on.
private struct OutputPixelCursor {
    var n: Int, oh: Int, ow: Int

    init(_ pixel: Int, _ w: PlaneWindow) {
        let perImage = w.outputHeight * w.outputWidth
        n = pixel / perImage
        oh = pixel % perImage / w.outputWidth
        ow = pixel % w.outputWidth
    }

    mutating func advance(_ w: PlaneWindow) {
        ow += 1
        if ow == w.outputWidth {
            ow = 0
            oh += 1
            if oh == w.outputHeight {
                oh = 0
                n += 1
            }
        }
    }
}

#endif
