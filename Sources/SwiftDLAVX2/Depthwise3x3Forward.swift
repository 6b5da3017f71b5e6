// Depthwise 3×3 convolution forward (MobileNet's: one filter per channel, dilation 1, any
// stride and padding), float32 NHWC with channels in multiples of 8, the filters held in
// registers.
//
// `depthwiseForwardAVX2` sums one output pixel at a time: each group of eight channels is a
// chain of nine dependent multiply-adds (four cycles each), each reading its filter from
// memory, and the window's taps are worked out again for every pixel. Here a row of output
// pixels is computed eight channels at a time: the nine filter vectors are loaded once into
// registers, and four neighbouring pixels are summed together, four independent chains
// whose multiply-adds read only the input. MobileNetV2's 48×48×16 depthwise layer took
// ~100 µs per image that way; output pixels whose window reaches into the padding (the
// image's border) still go through `depthwiseForwardAVX2`. The sums are added in the same
// order as there (bias, then the taps row by row), so both give the same floats.

/// Whether `depthwise3x3ForwardAVX2` computes windows `g` over `c` channels.
public func depthwise3x3Applies(_ g: PlaneWindow, channels c: Int) -> Bool {
    g.windowHeight == 3 && g.windowWidth == 3 && g.dilationHeight == 1 && g.dilationWidth == 1 && c > 0 && c % 8 == 0
}

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y (plus `bias`, c floats, when given; then `clamp`) for output pixels `pixels`
/// (flattened n, oh, ow) of images (H, W, c), for windows where `depthwise3x3Applies`.
/// Filters are (3, 3, c) contiguous. Only call it on CPUs with AVX2 and FMA.
@inline(never)
public func depthwise3x3ForwardAVX2(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
    window g: PlaneWindow, channels c: Int, pixels: Range<Int>, clamp: ReluClamp? = nil
) {
    let width = g.outputWidth, perImage = g.outputHeight * width
    guard perImage > 0, !pixels.isEmpty else { return }
    let border = { (range: Range<Int>) in
        depthwiseForwardAVX2(x, w, bias: bias, y, window: g, channels: c, pixels: range, clamp: clamp)
    }
    // The output columns whose three input columns all lie inside the image.
    let sw = g.strideWidth, rowFloats = g.imageWidth * c
    let firstInside = (max(g.padLeft, 0) + sw - 1) / sw
    let insideEnd = g.imageWidth - 3 + g.padLeft < 0 ? 0 : min(width, (g.imageWidth - 3 + g.padLeft) / sw + 1)
    var p = pixels.lowerBound
    while p < pixels.upperBound {
        let row = p / width, rowStart = row * width, end = min(pixels.upperBound, rowStart + width)
        let n = row / g.outputHeight, h0 = row % g.outputHeight * g.strideHeight - g.padTop
        let lower = max(p - rowStart, firstInside), upper = min(end - rowStart, insideEnd)
        guard h0 >= 0 && h0 + 3 <= g.imageHeight && lower < upper else {
            border(p..<end)
            p = end
            continue
        }
        if rowStart + lower > p { border(p..<(rowStart + lower)) }
        let top = x + (n * g.imageHeight + h0) * rowFloats
        insideRow(
            top, rowFloats: rowFloats, w, bias: bias, y + rowStart * c, columns: lower..<upper, channels: c,
            strideWidth: sw, padLeft: g.padLeft, clamp: clamp)
        if rowStart + upper < end { border((rowStart + upper)..<end) }
        p = end
    }
}

/// Output columns `columns` of one output row (`out` is the row's first pixel) whose windows
/// lie inside the image: rows top, top + rowFloats, top + 2·rowFloats of the input.
@inline(__always)
private func insideRow(
    _ top: UnsafePointer<Float>, rowFloats: Int, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    _ out: UnsafeMutablePointer<Float>, columns: Range<Int>, channels c: Int, strideWidth sw: Int, padLeft: Int,
    clamp: ReluClamp?
) {
    let step = sw * c
    for j in stride(from: 0, to: c, by: 8) {
        let f = Filters3x3(w + j, channels: c)
        let start = bias.map { load8($0 + j) } ?? SIMD8<Float>(repeating: 0)
        var source = top + (columns.lowerBound * sw - padLeft) * c + j
        var target = out + columns.lowerBound * c + j
        var ow = columns.lowerBound
        while ow + 4 <= columns.upperBound {
            var s0 = start, s1 = start, s2 = start, s3 = start
            for r in 0..<3 {
                let line = source + r * rowFloats
                s0 = f.row(r, line, c, s0)
                s1 = f.row(r, line + step, c, s1)
                s2 = f.row(r, line + 2 * step, c, s2)
                s3 = f.row(r, line + 3 * step, c, s3)
            }
            if let clamp {
                s0 = clamp.apply(s0)
                s1 = clamp.apply(s1)
                s2 = clamp.apply(s2)
                s3 = clamp.apply(s3)
            }
            store8(s0, target)
            store8(s1, target + c)
            store8(s2, target + 2 * c)
            store8(s3, target + 3 * c)
            source += 4 * step
            target += 4 * c
            ow += 4
        }
        while ow < columns.upperBound {
            var s = start
            for r in 0..<3 { s = f.row(r, source + r * rowFloats, c, s) }
            store8(clamp.map { $0.apply(s) } ?? s, target)
            source += step
            target += c
            ow += 1
        }
    }
}

/// One group of eight channels' nine filter vectors, in registers.
private struct Filters3x3 {
    let f0, f1, f2, f3, f4, f5, f6, f7, f8: SIMD8<Float>

    @inline(__always)
    init(_ w: UnsafePointer<Float>, channels c: Int) {
        f0 = load8(w)
        f1 = load8(w + c)
        f2 = load8(w + 2 * c)
        f3 = load8(w + 3 * c)
        f4 = load8(w + 4 * c)
        f5 = load8(w + 5 * c)
        f6 = load8(w + 6 * c)
        f7 = load8(w + 7 * c)
        f8 = load8(w + 8 * c)
    }

    /// sum + the three taps of filter row r over the input at line, line + c, line + 2c.
    @inline(__always)
    func row(_ r: Int, _ line: UnsafePointer<Float>, _ c: Int, _ sum: SIMD8<Float>) -> SIMD8<Float> {
        let (a, b, d) = r == 0 ? (f0, f1, f2) : r == 1 ? (f3, f4, f5) : (f6, f7, f8)
        var s = multiplyAdd(load8(line), a, sum)
        s = multiplyAdd(load8(line + c), b, s)
        return multiplyAdd(load8(line + 2 * c), d, s)
    }
}
#endif
