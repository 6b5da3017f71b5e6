// Depthwise 3×3 convolution (MobileNet's), float32 NHWC, sixteen channels a vector: along
// each output row, one group of sixteen channels keeps its nine filter vectors in registers
// and sums four output pixels at a time, so the input vectors the four windows share are
// loaded once. The AVX2 kernels (SwiftDLAVX2/Depthwise*.swift) ran MobileNetV2's layers at
// 8-10 GMAC/s on one image, one thread. The sums are added in the same order as theirs
// (bias, then the taps row by row, each a fused multiply-add), so all give the same floats.

import SwiftDLAVX2

/// Whether `depthwise3x3ForwardAVX512` computes windows `g` over `c` channels.
public func depthwise3x3AppliesAVX512(_ g: PlaneWindow, channels c: Int) -> Bool {
    depthwise3x3Applies(g, channels: c) && c % 16 == 0
}

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y (plus `bias`, c floats, when given; then `clamp`) for output pixels `pixels`
/// (flattened n, oh, ow) of images (H, W, c), for windows where `depthwise3x3AppliesAVX512`.
/// Filters are (3, 3, c) contiguous. Only call it on CPUs with the AVX-512 subsets
/// SmallGemm.swift names.
@inline(never)
public func depthwise3x3ForwardAVX512(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
    window g: PlaneWindow, channels c: Int, pixels: Range<Int>, clamp: ReluClamp? = nil
) {
    let perImage = g.outputHeight * g.outputWidth
    guard perImage > 0, !pixels.isEmpty else { return }
    var p = pixels.lowerBound
    while p < pixels.upperBound {
        // One output row's stretch inside `pixels`.
        let n = p / perImage, oh = p % perImage / g.outputWidth, first = p % g.outputWidth
        let end = min(g.outputWidth, first + (pixels.upperBound - p))
        let row = OutputRow(
            x: x + n * g.imageHeight * g.imageWidth * c, w: w, bias: bias, y: y + (p - first) * c, window: g,
            channels: c, oh: oh)
        for j in stride(from: 0, to: c, by: 16) { row.run(channels: j, columns: first..<end) }
        if let top = clamp?.top { clampRow(y + p * c, count: (end - first) * c, top: top) }
        p += end - first
    }
}

/// values[i] = min(max(values[i], 0), top), NaN kept, over a stretch of output row still in
/// L1. NOTE: not in registers before the stores: SIMD16's `replacing(with:where:)` stayed a
/// call (the vector split into four xmm registers and joined again) for every stored
/// vector, ~15% of a 48×48×96 stride-2 call; this loop compiles to vector compares.
@inline(never)
private func clampRow(_ values: UnsafeMutablePointer<Float>, count: Int, top: Float) {
    for i in 0..<count {
        let v = values[i]
        values[i] = v < 0 ? 0 : v > top ? top : v
    }
}

/// One output row of one image: which input rows its windows read, and its pixels' sums.
private struct OutputRow {
    let x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?
    /// The row's first output pixel.
    let y: UnsafeMutablePointer<Float>
    let g: PlaneWindow, c: Int
    /// The first input row of the windows, and the taps kh whose rows are inside the image.
    let h0: Int, rows: Range<Int>

    init(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
        window g: PlaneWindow, channels c: Int, oh: Int
    ) {
        (self.x, self.w, self.bias, self.y, self.g, self.c) = (x, w, bias, y, g, c)
        h0 = oh * g.strideHeight - g.padTop
        rows = max(0, -h0)..<max(max(0, -h0), min(3, g.imageHeight - h0))
    }

    /// Channels j..<j + 16 of output columns `columns`: four pixels at a time where their
    /// windows lie inside the image's width, one at a time at the borders.
    @inline(__always)
    func run(channels j: Int, columns: Range<Int>) {
        typealias V = SIMD16<Float>
        let filters = w + j
        let (w00, w01, w02) = (load(filters), load(filters + c), load(filters + 2 * c))
        let (w10, w11, w12) = (load(filters + 3 * c), load(filters + 4 * c), load(filters + 5 * c))
        let (w20, w21, w22) = (load(filters + 6 * c), load(filters + 7 * c), load(filters + 8 * c))
        let start = bias.map { load($0 + j) } ?? V()
        let s = g.strideWidth
        var ow = columns.lowerBound
        while ow < columns.upperBound {
            let w0 = ow * s - g.padLeft
            if ow + 4 <= columns.upperBound && w0 >= 0 && w0 + 3 * s + 2 < g.imageWidth {
                var (a0, a1, a2, a3) = (start, start, start, start)
                for kh in rows {
                    let line = x + ((h0 + kh) * g.imageWidth + w0) * c + j
                    let (f0, f1, f2) = kh == 0 ? (w00, w01, w02) : kh == 1 ? (w10, w11, w12) : (w20, w21, w22)
                    @inline(__always) func at(_ column: Int) -> V { load(line + column * c) }
                    a0.addProduct(at(0), f0)
                    a0.addProduct(at(1), f1)
                    a0.addProduct(at(2), f2)
                    a1.addProduct(at(s), f0)
                    a1.addProduct(at(s + 1), f1)
                    a1.addProduct(at(s + 2), f2)
                    a2.addProduct(at(2 * s), f0)
                    a2.addProduct(at(2 * s + 1), f1)
                    a2.addProduct(at(2 * s + 2), f2)
                    a3.addProduct(at(3 * s), f0)
                    a3.addProduct(at(3 * s + 1), f1)
                    a3.addProduct(at(3 * s + 2), f2)
                }
                store(a0, y + ow * c + j)
                store(a1, y + (ow + 1) * c + j)
                store(a2, y + (ow + 2) * c + j)
                store(a3, y + (ow + 3) * c + j)
                ow += 4
                continue
            }
            // A border pixel (or the row's last few): only the taps inside the image.
            var sum = start
            let kwFirst = max(0, -w0), kwEnd = max(kwFirst, min(3, g.imageWidth - w0))
            for kh in rows {
                let line = x + ((h0 + kh) * g.imageWidth + w0) * c + j
                for kw in kwFirst..<kwEnd { sum.addProduct(load(line + kw * c), load(filters + (kh * 3 + kw) * c)) }
            }
            store(sum, y + ow * c + j)
            ow += 1
        }
    }
}

#endif
